// GET /dev/sms/data: the texts the fake Twilio caught (sent and replied), newest first
// (dev and offline test mode only).
import { devOnly, devServiceUrl, fetchService, noStore, unreachable } from "@/lib/dev-services";
import { caughtTexts } from "@/lib/dev-inbox";

export const dynamic = "force-dynamic";

export async function GET() {
  const base = devServiceUrl("twilio");
  if (!base) return devOnly();
  let res: Response;
  try {
    res = await fetchService(`${base}/_fake/messages`);
  } catch (e) {
    return unreachable("twilio", base, e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) return unreachable("twilio", base, `HTTP ${res.status}`);
  return Response.json({ base, items: caughtTexts(await res.json()) }, { headers: noStore });
}
