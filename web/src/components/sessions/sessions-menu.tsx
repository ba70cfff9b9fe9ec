"use client";
import { CalendarClock } from "lucide-react";
import Link from "next/link";
import { useCallback, useId, useMemo, useRef, useState } from "react";
import { useRoomSessions } from "@/hooks/queries/sessions";
import { useDismiss } from "@/hooks/use-dismiss";
import { errorMessage } from "@/lib/api/client";
import type { Session } from "@/lib/api/types";
import { flattenSessions, type SessionPages } from "@/lib/sessions";
import { Button } from "../ui/button";
import { Spinner } from "../ui/states";
import { formatWhen, SessionStatusBadge } from "./session-bits";

function when(s: Session): string {
  if (s.status === "ended" && s.started_at) return formatWhen(s.started_at);
  if (s.status === "live") return s.started_at ? `since ${formatWhen(s.started_at)}` : "now";
  return s.scheduled_at ? formatWhen(s.scheduled_at) : "not scheduled";
}

/** The room's sessions, newest first, each linking to its record: from the room header. */
export function SessionsMenu({ roomId }: { roomId: string }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(box, open, close, trigger);
  const sessions = useRoomSessions(roomId);
  const list = useMemo(() => flattenSessions(sessions.data as SessionPages | undefined), [sessions.data]);
  const panelId = useId();

  return (
    <div ref={box} className="relative">
      <Button
        ref={trigger}
        variant="ghost"
        size="sm"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label="Sessions"
        data-testid="sessions-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <CalendarClock className="size-4" aria-hidden />
        <span className="hidden md:inline">Sessions</span>
      </Button>
      {open && (
        <div
          id={panelId}
          role="region"
          aria-label="Sessions in this room"
          data-testid="sessions-panel"
          className="absolute right-0 top-full z-40 mt-1 flex max-h-[70vh] w-80 max-w-[calc(100vw-1.5rem)] flex-col rounded-xl border border-border bg-card p-1 text-card-foreground shadow-lg"
        >
          <p className="px-2 pb-1 pt-1.5 text-xs font-semibold text-muted-foreground">Sessions</p>
          <div className="min-h-0 overflow-y-auto">
            {sessions.isPending ? (
              <div className="flex justify-center p-3">
                <Spinner />
              </div>
            ) : sessions.isError ? (
              <p role="alert" className="p-2 text-xs text-red-700 dark:text-red-400">
                {errorMessage(sessions.error)}
              </p>
            ) : list.length === 0 ? (
              <p className="p-2 text-sm text-muted-foreground">No sessions yet.</p>
            ) : (
              <ul className="flex flex-col" data-testid="sessions-list">
                {list.map((s) => (
                  <li key={s.id}>
                    <Link
                      href={`/sessions/${s.id}`}
                      onClick={close}
                      data-testid="sessions-item"
                      data-session-id={s.id}
                      data-status={s.status}
                      className="flex items-center gap-2 rounded-lg px-2 py-1.5 text-sm hover:bg-muted focus-visible:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                    >
                      <span className="min-w-0 flex-1">
                        <span className="block truncate font-medium">{s.title}</span>
                        <span className="block truncate text-xs text-muted-foreground">{when(s)}</span>
                      </span>
                      <SessionStatusBadge status={s.status} />
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            {sessions.hasNextPage && (
              <div className="flex justify-center p-1">
                <Button size="sm" variant="ghost" disabled={sessions.isFetchingNextPage} onClick={() => void sessions.fetchNextPage()}>
                  {sessions.isFetchingNextPage ? "Loading…" : "Load more"}
                </Button>
              </div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
