"use client";
import { ImagePlus, ZoomIn } from "lucide-react";
import { useEffect, useRef, useState, type PointerEvent, type ReactNode } from "react";
import { ApiError, errorMessage } from "@/lib/api/client";
import { uploadFile, type UploadHandle } from "@/lib/api/files";
import type { FileView } from "@/lib/api/types";
import { MAX_ZOOM, MIN_ZOOM, cropRect, outputSide, panBy, type Pan } from "@/lib/files/crop";
import { uploadErrorMessage } from "@/lib/files/format";
import { cn } from "@/lib/utils";
import { Button, type ButtonProps } from "../ui/button";
import { Dialog } from "../ui/dialog";

type Purpose = "avatar" | "room_logo";
const PREVIEW = 256;

/** Decode a chosen file into an image element (any format the browser reads). */
function useDecodedImage(file: File | null) {
  const [img, setImg] = useState<HTMLImageElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setImg(null);
    setError(null);
    if (!file) return;
    const url = URL.createObjectURL(file);
    const el = new Image();
    let live = true;
    el.src = url;
    el.decode().then(
      () => live && setImg(el),
      () => live && setError(`${file.name} is not an image this browser can read`),
    );
    return () => {
      live = false;
      URL.revokeObjectURL(url);
    };
  }, [file]);
  return { img, error };
}

function draw(canvas: HTMLCanvasElement, img: HTMLImageElement, zoom: number, pan: Pan, side: number) {
  const r = cropRect({ width: img.naturalWidth, height: img.naturalHeight }, zoom, pan);
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.imageSmoothingQuality = "high";
  ctx.clearRect(0, 0, side, side);
  ctx.drawImage(img, r.sx, r.sy, r.side, r.side, 0, 0, side, side);
}

/** Square crop (zoom slider, drag to move), then upload of the cropped PNG. */
function CropDialog({
  file,
  title,
  purpose,
  onClose,
  onUploaded,
}: {
  file: File | null;
  title: string;
  purpose: Purpose;
  onClose(): void;
  onUploaded(view: FileView): Promise<void>;
}) {
  const { img, error: decodeError } = useDecodedImage(file);
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState<Pan>({ x: 0, y: 0 });
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const handle = useRef<UploadHandle | null>(null);

  useEffect(() => {
    setZoom(1);
    setPan({ x: 0, y: 0 });
    setError(null);
    setProgress(null);
  }, [file]);

  useEffect(() => {
    const ratio = typeof window === "undefined" ? 1 : Math.min(2, window.devicePixelRatio || 1);
    if (img && canvas.current) draw(canvas.current, img, zoom, pan, Math.round(PREVIEW * ratio));
  }, [img, zoom, pan]);

  const size = img ? { width: img.naturalWidth, height: img.naturalHeight } : null;

  function onPointerMove(e: PointerEvent<HTMLCanvasElement>) {
    if (!drag.current || !size) return;
    const dx = e.clientX - drag.current.x;
    const dy = e.clientY - drag.current.y;
    drag.current = { x: e.clientX, y: e.clientY };
    setPan((p) => panBy(p, dx, dy, PREVIEW, size, zoom));
  }

  async function save() {
    if (!img || !file) return;
    setError(null);
    const out = document.createElement("canvas");
    const rect = cropRect({ width: img.naturalWidth, height: img.naturalHeight }, zoom, pan);
    draw(out, img, zoom, pan, outputSide(rect));
    const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, "image/png"));
    if (!blob) {
      setError("The image could not be cropped");
      return;
    }
    const name = `${purpose === "avatar" ? "avatar" : "room-logo"}.png`;
    setProgress(0);
    const h = uploadFile(blob, { name, purpose, onProgress: (l, t) => setProgress(t ? Math.floor((l / t) * 100) : 0) });
    handle.current = h;
    let view: FileView;
    try {
      view = await h.promise;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === "aborted")) setError(uploadErrorMessage(file.name, e, purpose));
      return;
    } finally {
      handle.current = null;
      setProgress(null);
    }
    setSaving(true);
    try {
      await onUploaded(view);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  const busy = progress !== null || saving;
  return (
    <Dialog
      open={file !== null}
      onClose={() => {
        handle.current?.abort();
        onClose();
      }}
      title={title}
      testId="crop-dialog"
    >
      <div className="flex flex-col items-center gap-4">
        {decodeError ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {decodeError}
          </p>
        ) : (
          <div className="relative" style={{ width: PREVIEW, height: PREVIEW }}>
            <canvas
              ref={canvas}
              data-testid="crop-preview"
              aria-label="Crop preview: drag to move the picture"
              style={{ width: PREVIEW, height: PREVIEW }}
              className="cursor-move touch-none rounded-lg bg-muted"
              onPointerDown={(e) => {
                drag.current = { x: e.clientX, y: e.clientY };
                e.currentTarget.setPointerCapture(e.pointerId);
              }}
              onPointerMove={onPointerMove}
              onPointerUp={() => (drag.current = null)}
              onPointerCancel={() => (drag.current = null)}
            />
            {/* What the avatar will look like: a circle over the square crop. */}
            <div
              aria-hidden
              className={cn(
                "pointer-events-none absolute inset-0 ring-2 ring-white/80",
                purpose === "avatar" ? "rounded-full shadow-[0_0_0_999px_rgba(0,0,0,0.35)]" : "rounded-lg",
              )}
            />
          </div>
        )}
        <label className="flex w-full max-w-xs items-center gap-3 text-sm">
          <ZoomIn className="size-4 shrink-0 text-muted-foreground" aria-hidden />
          <span className="sr-only">Zoom</span>
          <input
            type="range"
            min={MIN_ZOOM}
            max={MAX_ZOOM}
            step={0.01}
            value={zoom}
            disabled={!img || busy}
            onChange={(e) => setZoom(Number(e.target.value))}
            data-testid="crop-zoom"
            className="flex-1 accent-primary"
          />
        </label>
        {progress !== null && (
          <div role="progressbar" aria-label="Uploading" aria-valuenow={progress} aria-valuemin={0} aria-valuemax={100} className="h-1.5 w-full max-w-xs overflow-hidden rounded-full bg-muted">
            <div className="h-full bg-primary transition-[width]" style={{ width: `${progress}%` }} />
          </div>
        )}
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="crop-error">
            {error}
          </p>
        )}
        <div className="flex w-full justify-end gap-2">
          <Button variant="ghost" onClick={() => (handle.current ? handle.current.abort() : onClose())} disabled={saving}>
            Cancel
          </Button>
          <Button onClick={() => void save()} disabled={!img || busy} data-testid="crop-save">
            {progress !== null ? "Uploading…" : saving ? "Saving…" : "Save"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

/**
 * A button that picks an image, crops it square and uploads it with `purpose`; then
 * `onUploaded` (the PATCH that uses it) runs before the dialog closes. Its errors show there.
 */
export function ImagePickerButton({
  purpose,
  title,
  onUploaded,
  children,
  ...button
}: Omit<ButtonProps, "onClick" | "children"> & {
  purpose: Purpose;
  title: string;
  onUploaded(view: FileView): Promise<void>;
  children?: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg,image/webp,image/gif"
        hidden
        data-testid={`${purpose}-file-input`}
        onChange={(e) => {
          const f = e.target.files?.[0] ?? null;
          e.target.value = "";
          setFile(f);
        }}
      />
      <Button variant="outline" size="sm" {...button} onClick={() => input.current?.click()}>
        {children ?? (
          <>
            <ImagePlus className="size-4" aria-hidden /> Choose image
          </>
        )}
      </Button>
      <CropDialog file={file} title={title} purpose={purpose} onClose={() => setFile(null)} onUploaded={onUploaded} />
    </>
  );
}
