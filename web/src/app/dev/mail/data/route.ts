// GET /dev/mail/data: the e-mails MailDev caught, newest first (dev and offline test mode only).
import { devOnly, devServiceUrl, fetchService, noStore, unreachable } from "@/lib/dev-services";
import { newestMailFirst } from "@/lib/dev-inbox";

export const dynamic = "force-dynamic";

export async function GET() {
  const base = devServiceUrl("maildev");
  if (!base) return devOnly();
  let res: Response;
  try {
    res = await fetchService(`${base}/email`);
  } catch (e) {
    return unreachable("maildev", base, e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) return unreachable("maildev", base, `HTTP ${res.status}`);
  return Response.json({ base, items: newestMailFirst(await res.json()) }, { headers: noStore });
}
