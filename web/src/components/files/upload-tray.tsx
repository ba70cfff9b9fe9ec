"use client";
import { AlertCircle, Check, X } from "lucide-react";
import { formatBytes } from "@/lib/files/format";
import { uploadPercent, type UploadItem } from "@/lib/files/upload-queue";
import { cn } from "@/lib/utils";
import { FileIcon } from "./file-icon";

/** The composer's attachments: progress, done, or why not; each can be cancelled or removed. */
export function UploadTray({ items, onRemove }: { items: UploadItem[]; onRemove(key: string): void }) {
  if (items.length === 0) return null;
  return (
    <ul className="mb-2 flex flex-wrap gap-2" data-testid="upload-tray" aria-label="Attachments">
      {items.map((i) => {
        const pct = uploadPercent(i);
        const failed = i.status === "failed";
        return (
          <li
            key={i.key}
            data-testid="upload-item"
            data-status={i.status}
            data-name={i.name}
            className={cn(
              "flex w-64 max-w-full items-center gap-2 rounded-lg border bg-card p-2",
              failed ? "border-red-500/50 bg-red-500/5" : "border-border",
            )}
          >
            <FileIcon contentType={i.type} name={i.name} className="size-8" />
            <div className="min-w-0 flex-1">
              <div className="truncate text-xs font-medium" title={i.name}>
                {i.name}
              </div>
              {failed ? (
                <p role="alert" className="flex items-start gap-1 text-[11px] leading-snug text-red-700 dark:text-red-400" data-testid="upload-error">
                  <AlertCircle className="mt-px size-3 shrink-0" aria-hidden />
                  {i.error}
                </p>
              ) : (
                <>
                  <div
                    role="progressbar"
                    aria-label={`Uploading ${i.name}`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={pct}
                    className="mt-1 h-1.5 overflow-hidden rounded-full bg-muted"
                  >
                    <div
                      className={cn("h-full rounded-full transition-[width]", i.status === "uploaded" ? "bg-emerald-500" : "bg-primary")}
                      style={{ width: `${pct}%` }}
                    />
                  </div>
                  <div className="mt-0.5 flex items-center gap-1 text-[11px] text-muted-foreground">
                    {i.status === "uploaded" ? (
                      <>
                        <Check className="size-3 text-emerald-700 dark:text-emerald-400" aria-hidden /> {formatBytes(i.size)}
                      </>
                    ) : (
                      `${formatBytes(i.loaded)} of ${formatBytes(i.size)}`
                    )}
                  </div>
                </>
              )}
            </div>
            <button
              type="button"
              onClick={() => onRemove(i.key)}
              data-testid="upload-remove"
              aria-label={i.status === "uploading" ? `Cancel upload of ${i.name}` : `Remove ${i.name}`}
              title={i.status === "uploading" ? "Cancel upload" : "Remove"}
              className="rounded-md p-1 text-muted-foreground hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            >
              <X className="size-3.5" aria-hidden />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
