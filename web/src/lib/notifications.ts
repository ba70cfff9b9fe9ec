// Pure helpers for my notifications: cache reducers (TanStack infinite query data, pages
// newest first), grouping and wording for the panel, and where a notification leads.
import type { AppNotification, NotificationKind, NotificationPage } from "./api/types";

export interface NotificationPages {
  pages: NotificationPage[];
  pageParams: unknown[];
}

/** Insert or replace (a coalesced update) a notification; it moves to the top. Idempotent. */
export function upsertNotification(data: NotificationPages | undefined, n: AppNotification): NotificationPages | undefined {
  if (!data) return data;
  let existing: AppNotification | undefined;
  for (const p of data.pages) for (const x of p.items) if (x.id === n.id) existing = x;
  // A replayed frame older than what we have changes nothing.
  if (existing && existing.seq > n.seq) return data;
  if (existing && existing.seq === n.seq && existing.read === n.read) return data;
  const pages = data.pages.map((p) => ({ ...p, items: p.items.filter((x) => x.id !== n.id) }));
  if (pages.length === 0) pages.push({ items: [], next_cursor: null });
  pages[0] = { ...pages[0], items: [n, ...pages[0].items] };
  return { ...data, pages };
}

/** Mark some notifications (or all: `ids` null) read. */
export function markNotificationsRead(data: NotificationPages | undefined, ids: string[] | null): NotificationPages | undefined {
  if (!data) return data;
  const set = ids ? new Set(ids) : null;
  let changed = false;
  const pages = data.pages.map((p) => {
    if (!p.items.some((x) => !x.read && (!set || set.has(x.id)))) return p;
    changed = true;
    return { ...p, items: p.items.map((x) => (!x.read && (!set || set.has(x.id)) ? { ...x, read: true } : x)) };
  });
  return changed ? { ...data, pages } : data;
}

/** Every loaded notification once, newest (highest seq) first. */
export function flattenNotifications(data: NotificationPages | undefined): AppNotification[] {
  const byId = new Map<string, AppNotification>();
  for (const p of data?.pages ?? []) for (const n of p.items) if ((byId.get(n.id)?.seq ?? -1) < n.seq) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) => b.seq - a.seq);
}

/** "Today" (local) and "Earlier", by last update; empty groups are left out. */
export function groupByDay(items: AppNotification[], now = new Date()): { label: string; items: AppNotification[] }[] {
  const today = now.toDateString();
  const t = items.filter((n) => new Date(n.updated_at).toDateString() === today);
  const e = items.filter((n) => new Date(n.updated_at).toDateString() !== today);
  return [
    { label: "Today", items: t },
    { label: "Earlier", items: e },
  ].filter((g) => g.items.length > 0);
}

/** Kinds about a booking: they lead to the booking (`subject_id`), not to its room. */
export const BOOKING_KINDS: readonly NotificationKind[] = ["booking_confirmed", "booking_changed", "booking_reminder"];

export function isBookingNotification(kind: NotificationKind | string): boolean {
  return (BOOKING_KINDS as readonly string[]).includes(kind);
}

/**
 * Where a notification leads: a booking's page for the booking kinds, else the room at its
 * message (`?seq=` for the room view, `#m-` for the row).
 */
export function notificationHref(
  n: Pick<AppNotification, "room_id" | "room_seq" | "message_id"> & Partial<Pick<AppNotification, "kind" | "subject_id">>,
): string | null {
  if (n.kind && isBookingNotification(n.kind) && n.subject_id) return `/bookings/${n.subject_id}`;
  if (!n.room_id) return null;
  const q = n.room_seq != null ? `?seq=${n.room_seq}` : "";
  const h = n.message_id ? `#m-${n.message_id}` : "";
  return `/rooms/${n.room_id}${q}${h}`;
}

/** What happened, after the actor's name. */
export function describeNotification(kind: NotificationKind | string, count: number, roomName: string | null | undefined): string {
  const room = roomName ? ` in ${roomName}` : "";
  const many = count > 1;
  switch (kind) {
    case "mention":
      return `mentioned you${room}`;
    case "reply":
      return `replied to you${room}`;
    case "dm":
      return many ? `sent you ${count} messages` : "sent you a message";
    case "room_invite":
      return `added you to ${roomName ?? "a room"}`;
    case "message":
      return many ? `posted ${count} messages${room}` : `posted${room}`;
    case "booking_confirmed":
      return "confirmed a booking";
    case "booking_changed":
      return "updated a booking";
    case "booking_reminder":
      return "reminds you: a booking starts soon";
    default:
      return `notified you${room}`;
  }
}
