"use client";
import { Bell } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useUnreadCount } from "@/hooks/queries/notifications";
import { useDismiss } from "@/hooks/use-dismiss";
import { useRealtimeOptional } from "@/lib/realtime/provider";
import { cn } from "@/lib/utils";
import { NotificationPanel } from "./notification-panel";

/** Whether my notifications stream is followed on the open socket (frames arrive live). */
function useNotificationsLive(): boolean {
  const client = useRealtimeOptional()?.client;
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (!client) return;
    const sync = () => setLive(client.notificationsLive);
    sync();
    const offs = [client.on("notificationsSubscribed", sync), client.on("status", sync)];
    return () => offs.forEach((off) => off());
  }, [client]);
  return live;
}

/** The bell with my unread count; opens the notifications panel. */
export function NotificationBell({ align = "left", className }: { align?: "left" | "right"; className?: string }) {
  const count = useUnreadCount();
  const live = useNotificationsLive();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(box, open, close, trigger);
  const n = count.data;
  const label = n ? `Notifications, ${n} unread` : "Notifications";

  return (
    <div ref={box} className={cn("relative", className)}>
      <button
        ref={trigger}
        type="button"
        data-testid="notif-bell"
        data-count={n ?? undefined}
        data-live={live ? "true" : "false"}
        aria-label={label}
        title={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="relative inline-flex h-9 w-9 items-center justify-center rounded-lg hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        <Bell className="size-5" aria-hidden />
        {n ? (
          <span
            data-testid="notif-count"
            className="absolute -right-0.5 -top-0.5 inline-flex min-w-[1.125rem] items-center justify-center rounded-full bg-red-600 px-1 text-[10px] font-bold leading-[1.125rem] text-white tabular-nums"
          >
            {n > 99 ? "99+" : n}
          </span>
        ) : null}
      </button>
      {open && <NotificationPanel align={align} onClose={close} />}
    </div>
  );
}
