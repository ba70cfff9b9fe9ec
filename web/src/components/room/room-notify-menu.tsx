"use client";
import { Bell, BellOff, Check } from "lucide-react";
import { useCallback, useRef, useState } from "react";
import { useRoomNotificationLevel, useSetRoomNotificationLevel } from "@/hooks/queries/notifications";
import { useDismiss } from "@/hooks/use-dismiss";
import { errorMessage } from "@/lib/api/client";
import type { NotificationLevel } from "@/lib/api/types";
import { cn } from "@/lib/utils";
import { Button } from "../ui/button";
import { Spinner } from "../ui/states";

const LEVELS: { level: NotificationLevel; label: string }[] = [
  { level: "default", label: "Default" },
  { level: "all", label: "All messages" },
  { level: "mentions", label: "Mentions only" },
  { level: "none", label: "Nothing" },
];

/** "Until I unmute": the API takes a date, so a date no one will reach. */
export const MUTED_FOREVER = "9999-12-31T23:59:59Z";
const HOUR = 3_600_000;
const MUTES = [
  { id: "1h", label: "For 1 hour", ms: HOUR },
  { id: "8h", label: "For 8 hours", ms: 8 * HOUR },
  { id: "24h", label: "For 24 hours", ms: 24 * HOUR },
  { id: "forever", label: "Until I unmute", ms: null },
] as const;

function mutedLabel(until: string | null | undefined, now = Date.now()): string | null {
  if (!until) return null;
  const t = new Date(until).getTime();
  if (!(t > now)) return null;
  if (t - now > 50 * 365 * 24 * HOUR) return "Muted until you unmute";
  const d = new Date(t);
  const sameDay = d.toDateString() === new Date(now).toDateString();
  return `Muted until ${sameDay ? "" : `${d.toLocaleDateString(undefined, { weekday: "short" })} `}${d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`;
}

const item =
  "flex w-full items-center gap-2 rounded-lg px-2 py-1.5 text-left text-sm hover:bg-muted focus-visible:bg-muted focus-visible:outline-none disabled:opacity-50";

/** The room's notification level and mute, from the room header. */
export function RoomNotifyMenu({ roomId, isDirect }: { roomId: string; isDirect: boolean }) {
  const q = useRoomNotificationLevel(roomId);
  const set = useSetRoomNotificationLevel(roomId);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(box, open, close, trigger);

  const v = q.data;
  const muted = mutedLabel(v?.muted_until);
  const silent = Boolean(muted) || v?.effective_level === "none";
  const apply = (level: NotificationLevel, muted_until: string | null) =>
    set.mutate({ level, muted_until }, { onSuccess: () => setOpen(false) });

  return (
    <div ref={box} className="relative">
      <Button
        ref={trigger}
        variant="ghost"
        size="sm"
        data-testid="room-notify-menu"
        data-level={v?.level}
        data-effective-level={v?.effective_level}
        data-muted={muted ? "true" : undefined}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={muted ?? "Notification settings"}
        title={muted ?? "Notification settings"}
        onClick={() => setOpen((o) => !o)}
      >
        {silent ? <BellOff className="size-4" aria-hidden /> : <Bell className="size-4" aria-hidden />}
      </Button>
      {open && (
        <div
          role="menu"
          aria-label="Room notifications"
          className="absolute right-0 top-full z-40 mt-1 w-64 rounded-xl border border-border bg-card p-1 text-card-foreground shadow-lg"
        >
          {q.isError ? (
            <p role="alert" className="p-2 text-xs text-red-700 dark:text-red-400">
              {errorMessage(q.error)}
            </p>
          ) : !v ? (
            <div className="flex justify-center p-3">
              <Spinner />
            </div>
          ) : (
            <>
              <p className="px-2 pb-1 pt-1.5 text-xs font-semibold text-muted-foreground">Notify me about</p>
              {LEVELS.map((l) => (
                <button
                  key={l.level}
                  type="button"
                  role="menuitemradio"
                  aria-checked={v.level === l.level}
                  data-testid={`notify-level-${l.level}`}
                  disabled={set.isPending}
                  className={item}
                  onClick={() => apply(l.level, v.muted_until ?? null)}
                >
                  <Check className={cn("size-4 shrink-0", v.level !== l.level && "invisible")} aria-hidden />
                  <span className="flex-1">{l.label}</span>
                  {l.level === "default" && <span className="text-xs text-muted-foreground">{isDirect ? "all" : "mentions"}</span>}
                </button>
              ))}
              <div className="my-1 h-px bg-border" role="separator" />
              <p className="px-2 pb-1 pt-1.5 text-xs font-semibold text-muted-foreground">{muted ?? "Mute"}</p>
              {muted ? (
                <button type="button" role="menuitem" data-testid="notify-unmute" disabled={set.isPending} className={item} onClick={() => apply(v.level, null)}>
                  <Bell className="size-4 shrink-0" aria-hidden />
                  Unmute
                </button>
              ) : (
                MUTES.map((m) => (
                  <button
                    key={m.id}
                    type="button"
                    role="menuitem"
                    data-testid={`notify-mute-${m.id}`}
                    disabled={set.isPending}
                    className={item}
                    onClick={() => apply(v.level, m.ms === null ? MUTED_FOREVER : new Date(Date.now() + m.ms).toISOString())}
                  >
                    <BellOff className="size-4 shrink-0" aria-hidden />
                    {m.label}
                  </button>
                ))
              )}
              {set.isError && (
                <p role="alert" className="p-2 text-xs text-red-700 dark:text-red-400">
                  {errorMessage(set.error)}
                </p>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
