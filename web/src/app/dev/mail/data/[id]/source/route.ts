// GET /dev/mail/data/{id}/source: a caught e-mail as it was sent (headers and MIME parts),
// as plain text.
import { devOnly, devServiceUrl, fetchService, unreachable } from "@/lib/dev-services";
import { isMailId } from "@/lib/dev-inbox";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const base = devServiceUrl("maildev");
  if (!base) return devOnly();
  const { id } = await params;
  if (!isMailId(id)) return Response.json({ error: "no such e-mail" }, { status: 404 });
  let res: Response;
  try {
    res = await fetchService(`${base}/email/${encodeURIComponent(id)}/source`);
  } catch (e) {
    return unreachable("maildev", base, e instanceof Error ? e.message : String(e));
  }
  if (res.status === 404) return Response.json({ error: "no such e-mail" }, { status: 404 });
  if (!res.ok) return unreachable("maildev", base, `HTTP ${res.status}`);
  return new Response(await res.text(), {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "cache-control": "no-store",
    },
  });
}
