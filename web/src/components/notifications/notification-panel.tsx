"use client";
import { AlarmClock, AtSign, BellRing, CalendarCheck, CalendarClock, CheckCheck, DoorOpen, MessageSquare, Reply, type LucideIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useMarkNotificationsRead, useNotificationList } from "@/hooks/queries/notifications";
import { useUser } from "@/hooks/queries/users";
import { errorMessage } from "@/lib/api/client";
import type { AppNotification, NotificationKind } from "@/lib/api/types";
import { describeNotification, flattenNotifications, groupByDay, notificationHref } from "@/lib/notifications";
import { useRealtimeOptional } from "@/lib/realtime/provider";
import { cn, formatRelative } from "@/lib/utils";
import { UserAvatar } from "../user-avatar";
import { Button } from "../ui/button";
import { EmptyState, ErrorState, Skeleton } from "../ui/states";

const kindIcon: Record<NotificationKind, LucideIcon> = {
  mention: AtSign,
  reply: Reply,
  dm: MessageSquare,
  room_invite: DoorOpen,
  message: MessageSquare,
  booking_confirmed: CalendarCheck,
  booking_changed: CalendarClock,
  booking_reminder: AlarmClock,
};

function NotificationRow({ n, onOpen }: { n: AppNotification; onOpen(n: AppNotification): void }) {
  const actor = useUser(n.actor_id ?? undefined);
  const name = n.actor_id ? (actor.data?.display_name ?? "Someone") : "Parley";
  const Icon = kindIcon[n.kind] ?? BellRing;
  return (
    <li>
      <button
        type="button"
        data-testid="notif-item"
        data-id={n.id}
        data-kind={n.kind}
        data-read={n.read ? "true" : "false"}
        data-room-id={n.room_id ?? undefined}
        data-subject-id={n.subject_id ?? undefined}
        onClick={() => onOpen(n)}
        className={cn(
          "flex w-full gap-3 rounded-lg px-2 py-2 text-left hover:bg-muted focus-visible:bg-muted focus-visible:outline-none",
          !n.read && "bg-primary/5",
        )}
      >
        <div className="relative shrink-0">
          <UserAvatar user={actor.data} name={name} />
          <span className="absolute -bottom-1 -right-1 rounded-full border border-border bg-card p-0.5">
            <Icon className="size-3 text-muted-foreground" aria-hidden />
          </span>
        </div>
        <div className="min-w-0 flex-1">
          <p className="text-sm leading-snug">
            <span className="font-semibold" data-testid="notif-actor">
              {name}
            </span>{" "}
            <span className="text-muted-foreground">{describeNotification(n.kind, n.count, n.room_name)}</span>
          </p>
          {n.preview && (
            <p className="mt-0.5 line-clamp-2 break-words text-sm" data-testid="notif-preview">
              {n.preview}
            </p>
          )}
          <p className="mt-0.5 flex items-center gap-2 text-[11px] text-muted-foreground">
            <time dateTime={n.updated_at}>{formatRelative(n.updated_at)}</time>
            {n.count > 1 && (
              <span className="rounded-full bg-muted px-1.5 font-semibold tabular-nums" data-testid="notif-item-count">
                ×{n.count}
              </span>
            )}
          </p>
        </div>
        {!n.read && <span className="mt-1.5 size-2 shrink-0 rounded-full bg-primary" role="img" aria-label="unread" />}
      </button>
    </li>
  );
}

/** My notifications, Today / Earlier, newest first. */
export function NotificationPanel({ align, onClose }: { align: "left" | "right"; onClose(): void }) {
  const list = useNotificationList(true);
  const mark = useMarkNotificationsRead();
  const router = useRouter();
  const client = useRealtimeOptional()?.client;
  const items = flattenNotifications(list.data);
  const groups = groupByDay(items);
  const anyUnread = items.some((n) => !n.read);

  function open(n: AppNotification) {
    if (!n.read) mark.mutate({ ids: [n.id] });
    onClose();
    const href = notificationHref(n);
    if (href) router.push(href);
  }

  function markAll() {
    const upTo = Math.max(client?.notificationsSeq ?? 0, ...items.map((n) => n.seq));
    if (upTo > 0) mark.mutate({ up_to_seq: upTo });
  }

  return (
    <div
      role="dialog"
      aria-label="Notifications"
      data-testid="notif-panel"
      className={cn(
        "absolute top-full z-50 mt-2 flex max-h-[min(36rem,calc(100dvh-5rem))] w-[min(24rem,calc(100vw-1rem))] flex-col rounded-xl border border-border bg-card text-card-foreground shadow-xl",
        align === "left" ? "left-0" : "right-0",
      )}
    >
      <div className="flex items-center justify-between gap-2 border-b border-border px-3 py-2">
        <h2 className="text-sm font-semibold">Notifications</h2>
        <Button size="sm" variant="ghost" onClick={markAll} disabled={!anyUnread || mark.isPending} data-testid="notif-mark-all">
          <CheckCheck className="size-4" aria-hidden />
          Mark all read
        </Button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto p-1">
        {list.isPending ? (
          <div className="flex flex-col gap-2 p-2">
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} className="h-12" />
            ))}
          </div>
        ) : list.isError ? (
          <ErrorState error={errorMessage(list.error)} onRetry={() => list.refetch()} className="m-2" />
        ) : items.length === 0 ? (
          <EmptyState icon={<BellRing />} title="You're all caught up" className="p-6">
            Mentions, replies, direct messages and bookings show up here.
          </EmptyState>
        ) : (
          groups.map((g) => (
            <section key={g.label} aria-label={g.label}>
              <h3 className="px-2 pb-1 pt-2 text-[11px] font-semibold uppercase tracking-wide text-muted-foreground">{g.label}</h3>
              <ul className="flex flex-col gap-0.5">
                {g.items.map((n) => (
                  <NotificationRow key={n.id} n={n} onOpen={open} />
                ))}
              </ul>
            </section>
          ))
        )}
        {list.hasNextPage && (
          <div className="flex justify-center p-2">
            <Button size="sm" variant="ghost" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? "Loading…" : "Show older"}
            </Button>
          </div>
        )}
        {mark.isError && (
          <p role="alert" className="p-2 text-xs text-red-700 dark:text-red-400">
            {errorMessage(mark.error)}
          </p>
        )}
      </div>
    </div>
  );
}
