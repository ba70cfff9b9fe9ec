// GET /dev/mail/data/{id}/attachment/{generatedFileName}: one attachment of a caught e-mail,
// from MailDev (which finds it by its generated name, not the sender's). Always a download
// (never shown on the app's origin: an attachment could be HTML), never sniffed.
import { devOnly, devServiceUrl, fetchService, unreachable } from "@/lib/dev-services";
import { isAttachmentName, isMailId } from "@/lib/dev-inbox";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ id: string; file: string }> }) {
  const base = devServiceUrl("maildev");
  if (!base) return devOnly();
  const { id, file } = await params;
  if (!isMailId(id) || !isAttachmentName(file)) return Response.json({ error: "no such attachment" }, { status: 404 });
  let res: Response;
  try {
    res = await fetchService(`${base}/email/${encodeURIComponent(id)}/attachment/${encodeURIComponent(file)}`);
  } catch (e) {
    return unreachable("maildev", base, e instanceof Error ? e.message : String(e));
  }
  if (res.status === 404) return Response.json({ error: "no such attachment" }, { status: 404 });
  if (!res.ok) return unreachable("maildev", base, `HTTP ${res.status}`);
  // The name to save it as: the sender's (?name=), else MailDev's.
  const asked = new URL(req.url).searchParams.get("name") ?? "";
  const name = (isAttachmentName(asked) ? asked : file).replace(/"/g, "");
  return new Response(res.body, {
    headers: {
      "content-type": res.headers.get("content-type") || "application/octet-stream",
      "content-disposition": `attachment; filename="${name}"`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "cache-control": "no-store",
    },
  });
}
