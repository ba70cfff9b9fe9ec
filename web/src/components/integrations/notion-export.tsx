"use client";
import { CheckCircle2, CircleX, ExternalLink, LoaderCircle, RotateCcw, Upload } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useExport, useSessionExports, useStartExport } from "@/hooks/queries/integrations";
import { errorMessage } from "@/lib/api/client";
import { exportPhase, exportStateText, isExportPending, isNotConnected } from "@/lib/integrations";
import { Button, buttonClasses } from "../ui/button";

/**
 * A session's export to Notion, as one piece of state shared by its button and its status
 * line (they sit apart on the record page): starting it, then following it until it is done
 * or failed. Exporting again fills the same Notion page anew.
 */
export function useNotionExport(sessionId: string) {
  const start = useStartExport(sessionId);
  const [started, setExportId] = useState<string | null>(null);
  // Before one is started here: the session's earlier export to Notion, if any (a reload).
  const earlier = useSessionExports(sessionId).data?.find((e) => e.target === "notion");
  const exportId = started ?? earlier?.id ?? null;
  const current = useExport(exportId);
  const data = current.data;
  const pending = start.isPending || isExportPending(data);
  function run() {
    start.mutate(undefined, { onSuccess: (e) => setExportId(e.id) });
  }
  return { start, current, data, pending, run };
}

export type NotionExportState = ReturnType<typeof useNotionExport>;

/** "Export to Notion" (busy while the export is on its way). */
export function NotionExportButton({ state }: { state: NotionExportState }) {
  return (
    <Button variant="outline" onClick={state.run} disabled={state.pending} data-testid="record-export-notion">
      {state.pending ? <LoaderCircle className="size-4 animate-spin" aria-hidden /> : <Upload className="size-4" aria-hidden />}
      {state.pending ? "Exporting to Notion…" : "Export to Notion"}
    </Button>
  );
}

const linkClass = "font-medium text-primary underline underline-offset-2 hover:decoration-2";

/**
 * Where the export is: queued or running (a spinner), done (a link to the Notion page, in a
 * new tab), failed (why, and Try again), or refused because Notion is not connected (a link
 * to Connections). A live region: each change is read out.
 */
export function NotionExportStatus({ state }: { state: NotionExportState }) {
  const { start, current, data } = state;
  const phase = exportPhase(data);
  // The start's refusal (409 not connected, 404…) wins over an older export's state.
  const refused = start.isError ? start.error : null;
  const status = refused ? (isNotConnected(refused) ? "not_connected" : "error") : start.isPending ? "starting" : (phase ?? (data ? "unknown" : "idle"));

  return (
    <div
      role="status"
      // Always there (an empty live region takes no room), so the first change is read out too.
      className={status === "idle" ? "sr-only" : "text-sm"}
      data-testid="notion-export-status"
      data-status={status}
      data-export-id={data?.id ?? ""}
      data-updated-at={data?.updated_at ?? ""}
    >
      {refused ? (
        isNotConnected(refused) ? (
          <p className="flex items-start gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-amber-900 dark:text-amber-200" data-testid="notion-export-not-connected">
            <CircleX className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>
              Notion is not connected, so there is nowhere to export to yet.{" "}
              <Link href="/connections" className="font-medium underline underline-offset-2 hover:decoration-2" data-testid="notion-export-connect-link">
                Connect Notion first
              </Link>
              , then export again.
            </span>
          </p>
        ) : (
          <p className="text-red-700 dark:text-red-400" data-testid="notion-export-error">
            {errorMessage(refused)}
          </p>
        )
      ) : status === "starting" ? (
        <p className="flex items-center gap-2 text-muted-foreground">
          <LoaderCircle className="size-4 animate-spin" aria-hidden /> Starting the export to Notion…
        </p>
      ) : data ? (
        phase === "queued" || phase === "running" ? (
          <p className="flex items-center gap-2 text-muted-foreground" data-testid="notion-export-text">
            <LoaderCircle className="size-4 shrink-0 animate-spin" aria-hidden /> {exportStateText(data)}
          </p>
        ) : phase === "done" ? (
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <CheckCircle2 className="size-4 shrink-0 text-emerald-700 dark:text-emerald-400" aria-hidden />
            <span data-testid="notion-export-text">{exportStateText(data)}</span>
            {data.page_url && (
              <a href={data.page_url} target="_blank" rel="noopener noreferrer" className={`inline-flex items-center gap-1 ${linkClass}`} data-testid="notion-export-open">
                Open in Notion <ExternalLink className="size-3.5" aria-hidden />
                <span className="sr-only"> (opens in a new tab)</span>
              </a>
            )}
          </p>
        ) : (
          <div className="flex flex-col items-start gap-2">
            <p className="flex items-start gap-2 text-red-700 dark:text-red-400" data-testid="notion-export-text">
              <CircleX className="mt-0.5 size-4 shrink-0" aria-hidden /> {exportStateText(data)}
            </p>
            {phase === "failed" && (
              <div className="flex flex-wrap items-center gap-3">
                <Button size="sm" variant="outline" onClick={state.run} disabled={state.pending} data-testid="notion-export-retry">
                  <RotateCcw className="size-3.5" aria-hidden /> Try again
                </Button>
                <Link href="/connections" className={buttonClasses("link", "sm")}>
                  Check Connections
                </Link>
              </div>
            )}
          </div>
        )
      ) : null}
      {current.isError && data && (
        // Asking about it failed (the state shown may be old): it is asked again on its own.
        <p className="mt-1 text-xs text-muted-foreground">Could not check the export just now ({errorMessage(current.error)}); trying again.</p>
      )}
    </div>
  );
}
