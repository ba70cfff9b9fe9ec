"use client";
import { Upload } from "lucide-react";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useConversationItems } from "@/hooks/queries/conversations";
import { useCreateNote } from "@/hooks/queries/notes";
import { ApiError, errorMessage } from "@/lib/api/client";
import { deleteFile, uploadFile, type UploadHandle } from "@/lib/api/files";
import type { FileView, NoteView } from "@/lib/api/types";
import { formatBytes, precheckUpload, uploadErrorMessage } from "@/lib/files/format";
import { Button } from "../ui/button";
import { Input, Label, Textarea } from "../ui/input";

/** The rooms I am in that are not DMs (those of the conversation pages loaded), for the room pickers. */
export function useMyRooms() {
  const { items } = useConversationItems();
  return useMemo(() => items.map((c) => c.room).filter((r) => r.kind !== "direct"), [items]);
}

const stripExt = (name: string) => name.replace(/\.[a-z0-9]{1,5}$/i, "");

/**
 * Share a note: the file uploads (purpose `note`, with progress and cancel) when the form is
 * sent, then the note is created. An upload that made it is reused if creating fails.
 */
export function NoteUploadForm({ onCreated, onCancel }: { onCreated(note: NoteView): void; onCancel?(): void }) {
  const rooms = useMyRooms();
  const create = useCreateNote();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [roomId, setRoomId] = useState("");
  const [isPublic, setIsPublic] = useState(true);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const uploaded = useRef<{ file: File; view: FileView } | null>(null);
  const handle = useRef<UploadHandle | null>(null);

  // An upload no note came to use is deleted (a new file chosen, or the form closed).
  const dropUploaded = () => {
    if (uploaded.current) void deleteFile(uploaded.current.view.id).catch(() => undefined);
    uploaded.current = null;
  };
  useEffect(
    () => () => {
      handle.current?.abort();
      dropUploaded();
    },
    [],
  );

  function choose(f: File | null) {
    setError(null);
    if (uploaded.current?.file !== f) dropUploaded();
    setFile(f);
    if (!f) return;
    const refused = precheckUpload(f, "note");
    if (refused) setError(refused);
    if (!title.trim()) setTitle(stripExt(f.name).slice(0, 200));
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!file) return setError("Choose a file to share");
    const refused = precheckUpload(file, "note");
    if (refused) return setError(refused);
    setError(null);
    let view = uploaded.current?.file === file ? uploaded.current.view : null;
    if (!view) {
      setProgress(0);
      const h = uploadFile(file, { purpose: "note", onProgress: (l, t) => setProgress(t ? Math.floor((l / t) * 100) : 0) });
      handle.current = h;
      try {
        view = await h.promise;
        uploaded.current = { file, view };
      } catch (err) {
        if (!(err instanceof ApiError && err.code === "aborted")) setError(uploadErrorMessage(file.name, err, "note"));
        return;
      } finally {
        handle.current = null;
        setProgress(null);
      }
    }
    const body = {
      title: title.trim(),
      is_public: isPublic,
      file_id: view.id,
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(roomId ? { room_id: roomId } : {}),
    };
    create.mutate(body, {
      onSuccess: (note) => {
        uploaded.current = null;
        onCreated(note);
      },
      onError: (err) => setError(errorMessage(err)),
    });
  }

  const busy = progress !== null || create.isPending;
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-4" data-testid="note-upload-form">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="note-file">File</Label>
        <input
          id="note-file"
          type="file"
          data-testid="note-file"
          disabled={busy}
          onChange={(e) => choose(e.target.files?.[0] ?? null)}
          className="text-sm file:mr-3 file:rounded-lg file:border file:border-border file:bg-muted file:px-3 file:py-1.5 file:text-sm file:font-medium"
        />
        <span className="text-xs text-muted-foreground">
          {file ? `${file.name} · ${formatBytes(file.size)}` : "PDF, documents, images, text… up to 10 MB."}
        </span>
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="note-title">Title</Label>
        <Input id="note-title" data-testid="note-title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} required disabled={busy} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="note-description">Description</Label>
        <Textarea
          id="note-description"
          data-testid="note-description"
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={4000}
          disabled={busy}
          placeholder="What is it about? (optional)"
        />
      </div>
      <div className="flex flex-wrap items-end gap-4">
        <div className="flex min-w-48 flex-1 flex-col gap-1.5">
          <Label htmlFor="note-room">Room</Label>
          <select
            id="note-room"
            data-testid="note-room"
            value={roomId}
            onChange={(e) => setRoomId(e.target.value)}
            disabled={busy}
            className="h-9 rounded-lg border border-border bg-background px-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            <option value="">No room</option>
            {rooms.map((r) => (
              <option key={r.id} value={r.id}>
                #{r.name}
              </option>
            ))}
          </select>
        </div>
        <label className="flex h-9 items-center gap-2 text-sm">
          <input type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} disabled={busy} data-testid="note-public" className="size-4 accent-primary" />
          Public (anyone can find it)
        </label>
      </div>
      {!isPublic && <p className="-mt-2 text-xs text-muted-foreground">{roomId ? "Only members of the room and you can see it." : "Only you can see it."}</p>}
      {progress !== null && (
        <div role="progressbar" aria-label={`Uploading ${file?.name ?? "file"}`} aria-valuenow={progress} aria-valuemin={0} aria-valuemax={100} className="h-1.5 overflow-hidden rounded-full bg-muted">
          <div className="h-full bg-primary transition-[width]" style={{ width: `${progress}%` }} />
        </div>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400" data-testid="note-error">
          {error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        {progress !== null ? (
          <Button variant="ghost" onClick={() => handle.current?.abort()}>
            Cancel upload
          </Button>
        ) : (
          onCancel && (
            <Button variant="ghost" onClick={onCancel} disabled={busy}>
              Cancel
            </Button>
          )
        )}
        <Button type="submit" disabled={busy || !file || !title.trim()} data-testid="note-submit">
          <Upload className="size-4" aria-hidden />
          {progress !== null ? `Uploading ${progress}%` : create.isPending ? "Saving…" : "Share note"}
        </Button>
      </div>
    </form>
  );
}
