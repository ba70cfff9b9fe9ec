"use client";
import { CalendarClock, NotebookPen, Plus, Radio } from "lucide-react";
import Link from "next/link";
import { useMemo, useState } from "react";
import { useEndSession, useRoomSessions, useSessionPresent, useStartSession } from "@/hooks/queries/sessions";
import { errorMessage } from "@/lib/api/client";
import type { PublicProfile, Room, Session } from "@/lib/api/types";
import { canRunSession, currentSessions, flattenSessions, type SessionPages } from "@/lib/sessions";
import { UserAvatar } from "../user-avatar";
import { Button } from "../ui/button";
import { formatWhen, LiveClock } from "./session-bits";
import { NewSessionDialog } from "./new-session-dialog";

const MAX_FACES = 5;

/** Who is in the live session now, as faces and as one sentence for screen readers. */
function HereNow({ ids, userOf }: { ids: string[]; userOf(id: string): PublicProfile | undefined }) {
  const names = ids.map((id) => userOf(id)?.display_name ?? "Someone");
  const label = ids.length === 0 ? "Nobody here yet" : `Here now: ${names.join(", ")}`;
  return (
    <div className="flex items-center gap-1.5" data-testid="session-here" data-user-ids={[...ids].sort().join(",")} data-count={ids.length}>
      <span className="sr-only">{label}</span>
      <span className="flex -space-x-1" aria-hidden title={label}>
        {ids.slice(0, MAX_FACES).map((id) => (
          <UserAvatar key={id} user={userOf(id)} name={userOf(id)?.display_name ?? "?"} size="xs" className="rounded-full ring-2 ring-background" />
        ))}
      </span>
      <span className="text-xs text-muted-foreground" aria-hidden>
        {ids.length > MAX_FACES ? `+${ids.length - MAX_FACES} · ` : ""}
        {ids.length} here
      </span>
    </div>
  );
}

/**
 * Under the room header: the live session (its clock, who is here, End), else the next
 * scheduled one (Start), else New session for the room's managers. Kept current by the
 * room's `session.*` events; the list is read once when the room opens.
 */
export function SessionBar({
  room,
  myId,
  canModerate,
  online,
  userOf,
  notesFor,
  onToggleNotes,
}: {
  room: Room;
  myId: string | undefined;
  canModerate: boolean;
  /** The room's presence (who has it open), used until attendance is known. */
  online: string[] | null;
  userOf(id: string): PublicProfile | undefined;
  /** The session whose notes are open beside the chat, if any. */
  notesFor: string | null;
  /** Opens or closes the notes of this session. */
  onToggleNotes(sessionId: string): void;
}) {
  const sessions = useRoomSessions(room.id);
  const list = useMemo(() => flattenSessions(sessions.data as SessionPages | undefined), [sessions.data]);
  const { live, next } = currentSessions(list);
  const present = useSessionPresent(live?.id);
  const start = useStartSession(room.id);
  const end = useEndSession(room.id);
  const [creating, setCreating] = useState(false);

  const error = start.error ?? end.error;
  const shown: Session | null = live ?? next;
  const notesOpen = Boolean(live && notesFor === live.id);
  if (sessions.isPending || (!shown && !canModerate)) return null;
  if (sessions.isError)
    return (
      <p role="alert" className="border-b border-border px-4 py-2 text-xs text-red-700 dark:text-red-400">
        Sessions could not be loaded: {errorMessage(sessions.error)}{" "}
        <button type="button" className="underline" onClick={() => void sessions.refetch()}>
          Try again
        </button>
      </p>
    );

  const mayRun = shown ? canRunSession(shown, myId, canModerate) : false;
  const here = present.data ?? online ?? [];

  return (
    <section
      aria-label="Session"
      data-testid="session-bar"
      data-status={shown?.status ?? "none"}
      data-session-id={shown?.id}
      className="flex shrink-0 flex-wrap items-center gap-x-3 gap-y-1.5 border-b border-border bg-muted/40 px-3 py-2 sm:px-4"
    >
      {live ? (
        <>
          <span className="inline-flex items-center gap-1.5 rounded-full bg-red-700 px-2 py-0.5 text-xs font-semibold text-white dark:bg-red-500 dark:text-black">
            <Radio className="size-3.5" aria-hidden /> Live
          </span>
          <Link href={`/sessions/${live.id}`} className="min-w-0 max-w-full truncate text-sm font-semibold hover:underline" data-testid="session-title">
            {live.title}
          </Link>
          {live.started_at && <LiveClock since={live.started_at} className="text-xs text-muted-foreground" />}
          <HereNow ids={here} userOf={userOf} />
          <div className="ml-auto flex items-center gap-2">
            <Button size="sm" variant={notesOpen ? "secondary" : "outline"} aria-expanded={notesOpen} onClick={() => onToggleNotes(live.id)} data-testid="session-notes-toggle">
              <NotebookPen className="size-4" aria-hidden /> Notes
            </Button>
            {mayRun && (
              <Button
                size="sm"
                variant="destructive"
                disabled={end.isPending}
                data-testid="session-end"
                onClick={() => {
                  if (window.confirm(`End “${live.title}” for everyone?`)) end.mutate(live.id);
                }}
              >
                End
              </Button>
            )}
          </div>
        </>
      ) : next ? (
        <>
          <CalendarClock className="size-4 shrink-0 text-muted-foreground" aria-hidden />
          <p className="min-w-0 flex-1 truncate text-sm">
            <span className="text-muted-foreground">Next session: </span>
            <Link href={`/sessions/${next.id}`} className="font-semibold hover:underline" data-testid="session-title">
              {next.title}
            </Link>
            {next.scheduled_at && <span className="text-muted-foreground"> · {formatWhen(next.scheduled_at)}</span>}
          </p>
          <div className="flex items-center gap-2">
            {canModerate && (
              <Button size="sm" variant="ghost" onClick={() => setCreating(true)} data-testid="session-new">
                <Plus className="size-4" aria-hidden /> New
              </Button>
            )}
            {mayRun && (
              <Button size="sm" disabled={start.isPending} onClick={() => start.mutate(next.id)} data-testid="session-start">
                Start
              </Button>
            )}
          </div>
        </>
      ) : (
        <>
          <CalendarClock className="size-4 shrink-0 text-muted-foreground" aria-hidden />
          <p className="min-w-0 flex-1 text-sm text-muted-foreground">No session planned.</p>
          <Button size="sm" variant="outline" onClick={() => setCreating(true)} data-testid="session-new">
            <Plus className="size-4" aria-hidden /> New session
          </Button>
        </>
      )}
      {error && (
        <p role="alert" className="w-full text-xs text-red-700 dark:text-red-400" data-testid="session-error">
          {errorMessage(error)}
        </p>
      )}
      {canModerate && <NewSessionDialog roomId={room.id} open={creating} onClose={() => setCreating(false)} />}
    </section>
  );
}
