"use client";
import { Download, ImageOff, X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useFileUrl } from "@/hooks/use-file-blob";
import { errorMessage } from "@/lib/api/client";
import { downloadToDisk, fileDownloadPath, fileThumbnailPath } from "@/lib/api/files";
import type { Attachment } from "@/lib/api/types";
import { formatBytes, isPreviewableImage } from "@/lib/files/format";
import { cn } from "@/lib/utils";
import { Button } from "../ui/button";
import { Skeleton, Spinner } from "../ui/states";
import { FileIcon } from "./file-icon";

/** Fetch a download path and save it under the file's name; busy and error state for a button. */
export function useDownload(path: string, name: string, onDone?: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await downloadToDisk(path, name);
      onDone?.();
    } catch (e) {
      setError(`${name} could not be downloaded: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}

/** Icon, name, size and a Download button. */
export function FileCard({ file, className }: { file: Attachment; className?: string }) {
  const dl = useDownload(fileDownloadPath(file.id), file.name);
  return (
    <div
      data-testid="attachment-file"
      data-file-id={file.id}
      data-name={file.name}
      className={cn("flex w-full max-w-sm flex-col gap-1 rounded-xl border border-border bg-card p-2.5", className)}
    >
      <div className="flex items-center gap-3">
        <FileIcon contentType={file.content_type} name={file.name} />
        <div className="min-w-0 flex-1">
          <div className="truncate text-sm font-medium" title={file.name} data-testid="attachment-name">
            {file.name}
          </div>
          <div className="text-xs text-muted-foreground">{formatBytes(file.size)}</div>
        </div>
        <Button
          size="sm"
          variant="outline"
          onClick={() => void dl.run()}
          disabled={dl.busy}
          data-testid="attachment-download"
          aria-label={`Download ${file.name}`}
        >
          {dl.busy ? <Spinner className="size-3.5" /> : <Download className="size-3.5" aria-hidden />}
          Download
        </Button>
      </div>
      {dl.error && (
        <p role="alert" className="text-xs text-red-700 dark:text-red-400">
          {dl.error}
        </p>
      )}
    </div>
  );
}

/** The thumbnail (or, without one, the image itself) as a button that opens the lightbox. */
function ImagePreview({ file, onOpen }: { file: Attachment; onOpen(): void }) {
  const thumb = useFileUrl(file.thumbnail_url || fileThumbnailPath(file.id));
  const full = useFileUrl(thumb.isError ? fileDownloadPath(file.id, true) : null);
  const src = thumb.url ?? full.url;
  // Fetched but not an image the browser can draw counts as failed too.
  const [undrawable, setUndrawable] = useState<string | null>(null);
  const failed = (thumb.isError && full.isError) || (src !== null && undrawable === src);
  const ratio = file.width && file.height ? Math.min(3, Math.max(1 / 3, file.width / file.height)) : 4 / 3;
  const width = Math.round(Math.min(320, 240 * ratio));
  return (
    <button
      type="button"
      onClick={onOpen}
      data-testid="attachment-image"
      data-file-id={file.id}
      data-name={file.name}
      data-loaded={src && !failed ? "true" : "false"}
      aria-label={`Open ${file.name}`}
      title={file.name}
      style={{ width, aspectRatio: ratio }}
      className="relative max-w-full overflow-hidden rounded-xl border border-border bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
    >
      {src && !failed ? (
        // eslint-disable-next-line @next/next/no-img-element
        <img src={src} alt={file.name} onError={() => setUndrawable(src)} className="h-full w-full object-cover" />
      ) : failed ? (
        <span className="flex h-full w-full flex-col items-center justify-center gap-1 p-2 text-xs text-muted-foreground">
          <ImageOff className="size-5" aria-hidden />
          <span className="max-w-full truncate">{file.name}</span>
        </span>
      ) : (
        <Skeleton className="h-full w-full rounded-none" />
      )}
    </button>
  );
}

/** The full image over the page; Escape, the backdrop or ✕ closes it. */
export function Lightbox({ file, onClose }: { file: Attachment; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const full = useFileUrl(fileDownloadPath(file.id, true));
  const dl = useDownload(fileDownloadPath(file.id), file.name);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      data-testid="lightbox"
      aria-label={file.name}
      onClose={(e) => e.target === e.currentTarget && onClose()}
      onClick={(e) => e.target === ref.current && onClose()}
      className="m-auto max-h-none max-w-none bg-transparent p-0 backdrop:bg-black/85"
    >
      <div className="flex flex-col items-center gap-3 p-2">
        {full.url ? (
          // eslint-disable-next-line @next/next/no-img-element
          <img data-testid="lightbox-image" src={full.url} alt={file.name} className="max-h-[85vh] max-w-[95vw] rounded-lg object-contain" />
        ) : full.isError ? (
          <p role="alert" className="rounded-lg bg-card p-4 text-sm text-red-700 dark:text-red-400">
            {file.name} could not be loaded: {errorMessage(full.error)}
          </p>
        ) : (
          <div className="flex h-40 w-60 items-center justify-center">
            <Spinner />
          </div>
        )}
        <div className="flex max-w-[95vw] items-center gap-2 rounded-lg bg-card/95 px-3 py-1.5 text-sm text-card-foreground shadow">
          <span className="min-w-0 truncate font-medium">{file.name}</span>
          <span className="shrink-0 text-xs text-muted-foreground">{formatBytes(file.size)}</span>
          <Button size="sm" variant="ghost" onClick={() => void dl.run()} disabled={dl.busy} aria-label={`Download ${file.name}`}>
            <Download className="size-3.5" aria-hidden />
          </Button>
          <Button size="sm" variant="ghost" onClick={onClose} aria-label="Close" data-testid="lightbox-close">
            <X className="size-4" aria-hidden />
          </Button>
        </div>
        {dl.error && (
          <p role="alert" className="rounded bg-card px-2 text-xs text-red-700 dark:text-red-400">
            {dl.error}
          </p>
        )}
      </div>
    </dialog>
  );
}

/** A message's files: images as previews (click for the full one), others as cards. */
export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const [open, setOpen] = useState<Attachment | null>(null);
  if (attachments.length === 0) return null;
  const images = attachments.filter((a) => isPreviewableImage(a.content_type));
  const files = attachments.filter((a) => !isPreviewableImage(a.content_type));
  return (
    <div className="mt-1 flex flex-col gap-1.5" data-testid="message-attachments">
      {images.length > 0 && (
        <div className="flex flex-wrap gap-1.5">
          {images.map((a) => (
            <ImagePreview key={a.id} file={a} onOpen={() => setOpen(a)} />
          ))}
        </div>
      )}
      {files.map((a) => (
        <FileCard key={a.id} file={a} />
      ))}
      {open && <Lightbox file={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
