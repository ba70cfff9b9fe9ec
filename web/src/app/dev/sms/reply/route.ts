// POST /dev/sms/reply {from, body}: someone texts Parley's number back (e.g. STOP). The fake
// Twilio posts it, signed, to the API's webhook and answers the webhook's HTTP status.
// JSON only (a cross-site form cannot send it).
import { devOnly, devServiceUrl, fetchService, noStore, unreachable } from "@/lib/dev-services";
import { replyProblem } from "@/lib/dev-inbox";

export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  const base = devServiceUrl("twilio");
  if (!base) return devOnly();
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
    return Response.json({ error: "send JSON: {from, body}" }, { status: 415, headers: noStore });
  }
  const raw = (await req.json().catch(() => null)) as { from?: unknown; body?: unknown } | null;
  const from = typeof raw?.from === "string" ? raw.from.trim() : "";
  const body = typeof raw?.body === "string" ? raw.body : "";
  const problem = replyProblem(from, body);
  if (problem) return Response.json({ error: problem }, { status: 422, headers: noStore });
  let res: Response;
  try {
    res = await fetchService(`${base}/_fake/reply`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from, body }),
    });
  } catch (e) {
    return unreachable("twilio", base, e instanceof Error ? e.message : String(e));
  }
  const answer = (await res.json().catch(() => ({}))) as { status?: number; error?: string };
  if (!res.ok) return Response.json({ error: answer.error || `the fake Twilio answered HTTP ${res.status}` }, { status: 502, headers: noStore });
  return Response.json({ status: typeof answer.status === "number" ? answer.status : 0 }, { headers: noStore });
}
