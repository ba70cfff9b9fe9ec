import { Download, Eye, Globe, Lock } from "lucide-react";
import Link from "next/link";
import type { NoteView } from "@/lib/api/types";
import { formatBytes } from "@/lib/files/format";
import { FileIcon } from "../files/file-icon";
import { Badge } from "../ui/badge";

/** One note in the library. */
export function NoteRow({ note, roomName }: { note: NoteView; roomName?: string }) {
  return (
    <li data-testid="note-item" data-note-id={note.id} data-title={note.title}>
      <Link
        href={`/notes/${note.id}`}
        className="flex items-start gap-4 rounded-xl border border-border bg-card p-4 transition-colors hover:bg-muted/50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        <FileIcon contentType={note.file.content_type} name={note.file.name} />
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <span className="truncate font-semibold" data-testid="note-item-title">
              {note.title}
            </span>
            {note.is_public ? (
              <Badge variant="outline" className="gap-1">
                <Globe className="size-3" aria-hidden /> public
              </Badge>
            ) : (
              <Badge variant="secondary" className="gap-1">
                <Lock className="size-3" aria-hidden /> private
              </Badge>
            )}
          </div>
          {note.description && <p className="line-clamp-2 text-sm text-muted-foreground">{note.description}</p>}
          <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-0.5 text-xs text-muted-foreground">
            <span className="truncate">
              {note.file.name} · {formatBytes(note.file.size)}
            </span>
            {roomName && <span>#{roomName}</span>}
            <span className="inline-flex items-center gap-1">
              <Eye className="size-3" aria-hidden /> {note.view_count}
              <span className="sr-only"> views</span>
            </span>
            <span className="inline-flex items-center gap-1">
              <Download className="size-3" aria-hidden /> {note.download_count}
              <span className="sr-only"> downloads</span>
            </span>
            <time dateTime={note.created_at}>{new Date(note.created_at).toLocaleDateString()}</time>
          </p>
        </div>
      </Link>
    </li>
  );
}
