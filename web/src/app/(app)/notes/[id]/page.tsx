"use client";
import { ArrowLeft, Download, Eye, Globe, Lock, Trash2 } from "lucide-react";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { useDownload } from "@/components/files/attachments";
import { FileIcon } from "@/components/files/file-icon";
import { useMyRooms } from "@/components/notes/note-upload-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { ErrorState, Loading, Spinner } from "@/components/ui/states";
import { UserAvatar } from "@/components/user-avatar";
import { useMe } from "@/hooks/queries/me";
import { useBumpDownloads, useDeleteNote, useNote, useUpdateNote } from "@/hooks/queries/notes";
import { useUser } from "@/hooks/queries/users";
import { useFileUrl } from "@/hooks/use-file-blob";
import { ApiError, errorMessage } from "@/lib/api/client";
import { noteDownloadPath } from "@/lib/api/files";
import type { NoteView } from "@/lib/api/types";
import { formatBytes, isPreviewableImage } from "@/lib/files/format";

function Preview({ note }: { note: NoteView }) {
  const thumb = useFileUrl(isPreviewableImage(note.file.content_type) && note.file.thumbnail_url ? note.file.thumbnail_url : null);
  if (!thumb.url) return null;
  // eslint-disable-next-line @next/next/no-img-element
  return <img src={thumb.url} alt={note.file.name} className="max-h-72 rounded-lg border border-border object-contain" />;
}

export default function NotePage() {
  const { id } = useParams<{ id: string }>();
  const router = useRouter();
  const note = useNote(id);
  const me = useMe();
  const author = useUser(note.data?.author_id);
  const rooms = useMyRooms();
  const update = useUpdateNote(id);
  const del = useDeleteNote();
  const bump = useBumpDownloads();
  const dl = useDownload(noteDownloadPath(id), note.data?.file.name ?? "note", () => bump(id));
  const [confirming, setConfirming] = useState(false);

  if (note.isPending) return <Loading label="Opening note…" />;
  if (note.isError)
    return (
      <div className="mx-auto w-full max-w-2xl p-4 sm:p-8">
        <ErrorState
          error={note.error instanceof ApiError && note.error.status === 404 ? "This note does not exist or you cannot see it." : errorMessage(note.error)}
          onRetry={() => note.refetch()}
        />
        <p className="mt-4 text-center text-sm">
          <Link href="/notes" className="text-primary underline underline-offset-2 hover:decoration-2">
            Back to notes
          </Link>
        </p>
      </div>
    );

  const n = note.data;
  const mine = me.data?.id === n.author_id;
  const room = n.room_id ? rooms.find((r) => r.id === n.room_id) : undefined;
  const authorName = author.data?.display_name ?? "Someone";
  return (
    <div className="mx-auto flex w-full max-w-2xl flex-col gap-4 p-4 sm:p-8">
      <Link href="/notes" className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" aria-hidden /> All notes
      </Link>
      <Card data-testid="note-page" data-note-id={n.id}>
        <CardContent className="flex flex-col gap-4 p-6">
          <div className="flex items-start gap-4">
            <FileIcon contentType={n.file.content_type} name={n.file.name} className="size-12" />
            <div className="min-w-0 flex-1">
              <h1 className="break-words text-2xl font-bold" data-testid="note-heading">
                {n.title}
              </h1>
              <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
                {n.is_public ? (
                  <Badge variant="outline" className="gap-1" data-testid="note-visibility">
                    <Globe className="size-3" aria-hidden /> public
                  </Badge>
                ) : (
                  <Badge variant="secondary" className="gap-1" data-testid="note-visibility">
                    <Lock className="size-3" aria-hidden /> private
                  </Badge>
                )}
                {n.room_id &&
                  (room ? (
                    <Link href={`/rooms/${room.id}`} className="text-primary underline underline-offset-2 hover:decoration-2">
                      #{room.name}
                    </Link>
                  ) : (
                    <span>in a room</span>
                  ))}
              </div>
            </div>
          </div>
          {n.description && <p className="whitespace-pre-wrap break-words text-sm">{n.description}</p>}
          <Preview note={n} />
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-muted-foreground">File</dt>
            <dd className="min-w-0 truncate" data-testid="note-file-name">
              {n.file.name} · {formatBytes(n.file.size)}
            </dd>
            <dt className="text-muted-foreground">Shared by</dt>
            <dd className="flex items-center gap-2">
              <UserAvatar user={author.data} name={authorName} size="xs" />
              <Link href={`/users/${n.author_id}`} className="underline underline-offset-2 hover:decoration-2">
                {mine ? "you" : authorName}
              </Link>
              <span className="text-muted-foreground">on {new Date(n.created_at).toLocaleDateString()}</span>
            </dd>
            <dt className="text-muted-foreground">Activity</dt>
            <dd className="flex items-center gap-4">
              <span className="inline-flex items-center gap-1" data-testid="note-views">
                <Eye className="size-4" aria-hidden /> {n.view_count} view{n.view_count === 1 ? "" : "s"}
              </span>
              <span className="inline-flex items-center gap-1" data-testid="note-downloads">
                <Download className="size-4" aria-hidden /> {n.download_count} download{n.download_count === 1 ? "" : "s"}
              </span>
            </dd>
          </dl>
          {(dl.error || update.isError || del.isError) && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-400">
              {dl.error ?? errorMessage(update.error ?? del.error)}
            </p>
          )}
          <div className="flex flex-wrap justify-end gap-2">
            {mine && (
              <>
                <Button
                  variant="ghost"
                  disabled={update.isPending}
                  onClick={() => update.mutate({ is_public: !n.is_public })}
                  data-testid="note-toggle-public"
                >
                  {n.is_public ? <Lock className="size-4" aria-hidden /> : <Globe className="size-4" aria-hidden />}
                  {n.is_public ? "Make private" : "Make public"}
                </Button>
                <Button variant="ghost" onClick={() => setConfirming(true)} data-testid="note-delete">
                  <Trash2 className="size-4" aria-hidden /> Delete
                </Button>
              </>
            )}
            <Button onClick={() => void dl.run()} disabled={dl.busy} data-testid="note-download">
              {dl.busy ? <Spinner className="size-4" /> : <Download className="size-4" aria-hidden />}
              Download
            </Button>
          </div>
        </CardContent>
      </Card>
      <Dialog open={confirming} onClose={() => setConfirming(false)} title="Delete this note?" testId="note-delete-dialog">
        <p className="text-sm text-muted-foreground">“{n.title}” and its file will be gone for everyone.</p>
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            variant="destructive"
            disabled={del.isPending}
            data-testid="note-delete-confirm"
            onClick={() =>
              del.mutate(n.id, {
                onSuccess: () => router.push("/notes"),
                onSettled: () => setConfirming(false),
              })
            }
          >
            Delete
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
