"use client";
import { useEffect, useState } from "react";
import type { SessionStatus } from "@/lib/api/types";
import { formatClock, SESSION_STATUS_LABELS } from "@/lib/sessions";
import { cn } from "@/lib/utils";
import { Badge } from "../ui/badge";

/** The current time, moving every `ms`. */
export function useNow(ms = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, active]);
  return now;
}

/** How long a live session has been going: "12:04", "1:02:03" (a timer: not read out each second). */
export function LiveClock({ since, className }: { since: string; className?: string }) {
  const now = useNow();
  return (
    <span role="timer" aria-label="Time since the session started" className={cn("font-mono tabular-nums", className)} data-testid="session-clock">
      {formatClock(now - new Date(since).getTime())}
    </span>
  );
}

export function SessionStatusBadge({ status, className }: { status: SessionStatus; className?: string }) {
  return (
    <Badge
      variant={status === "live" ? "default" : status === "scheduled" ? "outline" : "secondary"}
      className={cn("gap-1", status === "live" && "bg-red-700 text-white dark:bg-red-500 dark:text-black", className)}
      data-testid="session-status"
      data-status={status}
    >
      {status === "live" && <span className="inline-block size-1.5 animate-pulse rounded-full bg-current" aria-hidden />}
      {SESSION_STATUS_LABELS[status]}
    </Badge>
  );
}

/** "Tue, Mar 4, 3:30 PM" in the browser's zone. */
export function formatWhen(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}
