"use client";
import { NotebookText, Plus, Search } from "lucide-react";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { NoteRow } from "@/components/notes/note-row";
import { NoteUploadForm, useMyRooms } from "@/components/notes/note-upload-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { EmptyState, ErrorState, Skeleton, Spinner } from "@/components/ui/states";
import { useNotes } from "@/hooks/queries/notes";
import { useDebounced } from "@/hooks/use-debounced";
import { errorMessage } from "@/lib/api/client";

export default function NotesPage() {
  const router = useRouter();
  const [q, setQ] = useState("");
  const query = useDebounced(q.trim());
  const [mine, setMine] = useState(false);
  const [roomId, setRoomId] = useState("");
  const [sharing, setSharing] = useState(false);
  const notes = useNotes({ q: query, roomId, mine });
  const rooms = useMyRooms();
  const roomNames = useMemo(() => new Map(rooms.map((r) => [r.id, r.name])), [rooms]);
  const items = (notes.data?.pages ?? []).flatMap((p) => p.items);
  const filtered = Boolean(query || mine || roomId);

  return (
    <div className="mx-auto flex w-full max-w-3xl flex-col gap-5 p-4 sm:p-8" data-testid="notes-page">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Notes</h1>
          <p className="text-sm text-muted-foreground">Study notes shared publicly, in your rooms, and your own.</p>
        </div>
        {!sharing && (
          <Button onClick={() => setSharing(true)} data-testid="notes-new">
            <Plus className="size-4" aria-hidden /> Share a note
          </Button>
        )}
      </div>

      {sharing && (
        <Card>
          <CardHeader>
            <CardTitle>Share a note</CardTitle>
          </CardHeader>
          <CardContent>
            <NoteUploadForm onCancel={() => setSharing(false)} onCreated={(note) => router.push(`/notes/${note.id}`)} />
          </CardContent>
        </Card>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <Input
          type="search"
          placeholder="Search titles and descriptions…"
          aria-label="Search notes"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          data-testid="notes-search"
          className="min-w-56 flex-1"
        />
        <select
          aria-label="Room"
          value={roomId}
          onChange={(e) => setRoomId(e.target.value)}
          data-testid="notes-room-filter"
          className="h-9 rounded-lg border border-border bg-background px-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        >
          <option value="">All rooms</option>
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              #{r.name}
            </option>
          ))}
        </select>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} data-testid="notes-mine" className="size-4 accent-primary" />
          Only mine
        </label>
      </div>

      {notes.isPending ? (
        <div className="flex flex-col gap-2">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-24" />
          ))}
        </div>
      ) : notes.isError ? (
        <ErrorState error={errorMessage(notes.error)} onRetry={() => notes.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={filtered ? <Search /> : <NotebookText />} title={filtered ? "No notes match" : "No notes yet"}>
          {filtered ? "Try other words or filters." : "Share the first one."}
        </EmptyState>
      ) : (
        <>
          <ul className="flex flex-col gap-2" data-testid="note-list">
            {items.map((n) => (
              <NoteRow key={n.id} note={n} roomName={n.room_id ? roomNames.get(n.room_id) : undefined} />
            ))}
          </ul>
          {notes.hasNextPage && (
            <div className="flex justify-center">
              <Button variant="outline" onClick={() => void notes.fetchNextPage()} disabled={notes.isFetchingNextPage} data-testid="notes-load-more">
                {notes.isFetchingNextPage ? <Spinner className="size-4" /> : null}
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
