// Pure reducers for the conversation list (TanStack infinite query data: pages in the API's
// order, most recent activity first) and the unread-mention counts beside it. Live room
// events patch the list at once; a refetch right after makes it exact (unread counts,
// pay-per-view bodies). All are idempotent: replays change nothing.
import type { AppNotification, Conversation, ConversationPage, Message } from "./api/types";

export interface ConversationPages {
  pages: ConversationPage[];
  pageParams: unknown[];
}

/** When a conversation last moved: its last message, else the room's last activity. */
export function activityOf(c: Conversation): string {
  const m = c.last_message?.created_at;
  const r = c.room.last_activity_at;
  return m && m > r ? m : r;
}

/**
 * Every loaded conversation once (a room active again while pages were fetched can be on
 * two pages: the newer copy wins), most recent first.
 */
export function flattenConversations(data: ConversationPages | undefined): Conversation[] {
  const byRoom = new Map<string, Conversation>();
  for (const p of data?.pages ?? [])
    for (const c of p.items) {
      const had = byRoom.get(c.room.id);
      if (!had || c.room.last_seq > had.room.last_seq) byRoom.set(c.room.id, c);
    }
  return [...byRoom.values()].sort((a, b) => (activityOf(b) > activityOf(a) ? 1 : activityOf(b) < activityOf(a) ? -1 : 0));
}

function mapConversation(data: ConversationPages, roomId: string, fn: (c: Conversation) => Conversation): ConversationPages {
  let changed = false;
  const pages = data.pages.map((p) => {
    if (!p.items.some((c) => c.room.id === roomId)) return p;
    const items = p.items.map((c) => {
      if (c.room.id !== roomId) return c;
      const n = fn(c);
      if (n !== c) changed = true;
      return n;
    });
    return { ...p, items };
  });
  return changed ? { ...data, pages } : data;
}

/** Whether a conversation of this room is loaded. */
export function hasConversation(data: ConversationPages | undefined, roomId: string): boolean {
  return Boolean(data?.pages.some((p) => p.items.some((c) => c.room.id === roomId)));
}

/**
 * A new message in a room of mine: it becomes the room's last message, the room moves to
 * the top, and it counts as unread unless it is mine or I am looking at the room. A room
 * not loaded is left alone (the caller refetches).
 */
export function applyNewMessage(
  data: ConversationPages | undefined,
  msg: Message,
  opts: { myId: string | undefined; viewing: boolean },
): ConversationPages | undefined {
  if (!data) return data;
  const current = data.pages.flatMap((p) => p.items).find((c) => c.room.id === msg.room_id);
  if (!current || (current.last_message && current.last_message.seq >= msg.seq)) return data;
  const unread = msg.author_id !== opts.myId && !opts.viewing && !msg.deleted;
  const updated: Conversation = {
    ...current,
    last_message: msg,
    room: {
      ...current.room,
      last_seq: Math.max(current.room.last_seq, msg.seq),
      last_activity_at: msg.created_at > current.room.last_activity_at ? msg.created_at : current.room.last_activity_at,
    },
    unread_count: current.unread_count + (unread ? 1 : 0),
  };
  const pages = data.pages.map((p) => ({ ...p, items: p.items.filter((c) => c.room.id !== msg.room_id) }));
  pages[0] = { ...pages[0], items: [updated, ...pages[0].items] };
  return { ...data, pages };
}

/** An edited or deleted message: the preview follows when it is the room's last one. */
export function applyChangedMessage(data: ConversationPages | undefined, msg: Message): ConversationPages | undefined {
  if (!data) return data;
  return mapConversation(data, msg.room_id, (c) => {
    const last = c.last_message;
    if (!last || last.id !== msg.id) return c;
    if (last.deleted && !msg.deleted) return c;
    // Room events are locked for everyone: keep a body this viewer already has.
    const keep = msg.locked && !last.locked && !msg.deleted ? { locked: false, body: last.body, attachments: last.attachments } : {};
    return { ...c, last_message: { ...msg, ...keep } };
  });
}

/** I have read the room up to its newest message. */
export function markConversationRead(data: ConversationPages | undefined, roomId: string): ConversationPages | undefined {
  if (!data) return data;
  return mapConversation(data, roomId, (c) => (c.unread_count === 0 ? c : { ...c, unread_count: 0 }));
}

// ---- unread mentions, per room ------------------------------------------------------------

/** The kinds of notification the sidebar counts as a mention of me. */
export const MENTION_KINDS: ReadonlySet<string> = new Set(["mention"]);

/** My unread mention notifications: add or replace one (a read one leaves). */
export function upsertUnreadMention(list: AppNotification[] | undefined, n: AppNotification): AppNotification[] | undefined {
  if (!list || !MENTION_KINDS.has(n.kind)) return list;
  const had = list.find((x) => x.id === n.id);
  if (had && had.seq > n.seq) return list;
  const rest = list.filter((x) => x.id !== n.id);
  return n.read ? (had ? rest : list) : [n, ...rest];
}

/** Some (ids) or all (null) of my notifications were read. */
export function dropReadMentions(list: AppNotification[] | undefined, ids: string[] | null): AppNotification[] | undefined {
  if (!list) return list;
  if (ids === null) return list.length ? [] : list;
  const set = new Set(ids);
  return list.some((x) => set.has(x.id)) ? list.filter((x) => !set.has(x.id)) : list;
}

/** Unread mentions of me per room id. */
export function mentionsByRoom(list: AppNotification[] | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of list ?? []) if (n.room_id && !n.read && MENTION_KINDS.has(n.kind)) out.set(n.room_id, (out.get(n.room_id) ?? 0) + Math.max(1, n.count));
  return out;
}
