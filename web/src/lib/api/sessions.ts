// Session calls beyond plain JSON: the Markdown export (a file, fetched with the token).
import { api, unwrap } from "./client";
import { saveBlob } from "./files";

/** A session's record as Markdown, fetched with the bearer token, saved by the browser as a download. */
export async function downloadSessionMarkdown(sessionId: string, fileName = "session.md"): Promise<void> {
  const blob = await unwrap(
    api.GET("/v1/sessions/{session_id}/export.md", { params: { path: { session_id: sessionId } }, parseAs: "blob" }),
  );
  saveBlob(new Blob([blob as unknown as Blob], { type: "text/markdown" }), fileName);
}
