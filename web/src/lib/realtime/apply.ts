// Pure reducers that apply room events to the cached message pages (TanStack infinite
// query data: pages newest-first). All are idempotent, so replays and the overlap between
// a history fetch and the live stream are harmless.
import type { Message } from "../api/types";
import type { ReactionEventData } from "./frames";

export interface MessagePages {
  pages: { items: Message[] }[];
  pageParams: unknown[];
}

export function findMessage(data: MessagePages | undefined, id: string): Message | undefined {
  for (const p of data?.pages ?? []) for (const m of p.items) if (m.id === id) return m;
  return undefined;
}

function mapMessages(data: MessagePages, fn: (m: Message) => Message): MessagePages {
  let changed = false;
  const pages = data.pages.map((p) => {
    let pageChanged = false;
    const items = p.items.map((m) => {
      const n = fn(m);
      if (n !== m) pageChanged = true;
      return n;
    });
    if (!pageChanged) return p;
    changed = true;
    return { ...p, items };
  });
  return changed ? { ...data, pages } : data;
}

/**
 * A locked copy of a pay-per-view message (live events are always locked, even for its
 * author and buyers) never hides the content this viewer already has: the unlocked copy's
 * body and attachments stay, the rest (reactions, deletion) comes from the new copy.
 */
export function mergeLocked(current: Message, incoming: Message): Message {
  if (!incoming.locked || current.locked || incoming.deleted) return incoming;
  return { ...incoming, locked: false, body: current.body, attachments: current.attachments };
}

/** Insert or replace a message. A newer edit never loses to an older copy. */
export function upsertMessage(data: MessagePages | undefined, msg: Message): MessagePages | undefined {
  if (!data) return data;
  if (findMessage(data, msg.id)) {
    return mapMessages(data, (m) => {
      if (m.id !== msg.id) return m;
      if (m.deleted && !msg.deleted) return m;
      if (m.edited_at && (!msg.edited_at || m.edited_at > msg.edited_at)) return m;
      const next = mergeLocked(m, msg);
      // Event payloads are shared by every reader and carry no my_reactions: keep ours.
      return next.my_reactions == null ? { ...next, my_reactions: m.my_reactions ?? [] } : next;
    });
  }
  const pages = data.pages.length ? [...data.pages] : [{ items: [] }];
  pages[0] = { ...pages[0], items: [msg, ...pages[0].items] };
  return { ...data, pages };
}

export function markDeleted(data: MessagePages | undefined, id: string): MessagePages | undefined {
  if (!data) return data;
  return mapMessages(data, (m) => (m.id === id && !m.deleted ? { ...m, deleted: true, body: "" } : m));
}

/** A reaction event's data; without `count` (an older payload) the total is inferred. */
export type ReactionChange = Omit<ReactionEventData, "count"> & { count?: number };

/** The event carries the new total, so setting (not adding) keeps it idempotent. */
export function applyReaction(
  data: MessagePages | undefined,
  change: ReactionChange,
  added: boolean,
  myUserId: string | undefined,
): MessagePages | undefined {
  if (!data) return data;
  return mapMessages(data, (m) => {
    if (m.id !== change.message_id) return m;
    const reactions = { ...(m.reactions ?? {}) } as Record<string, number>;
    const current = reactions[change.emoji] ?? 0;
    const mine = change.user_id === myUserId;
    const hadMine = (m.my_reactions ?? []).includes(change.emoji);
    let next: number;
    if (typeof change.count === "number") next = change.count;
    else if (mine) next = current + (added === hadMine ? 0 : added ? 1 : -1);
    else next = Math.max(0, current + (added ? 1 : -1));
    if (next > 0) reactions[change.emoji] = next;
    else delete reactions[change.emoji];
    let my = m.my_reactions ?? [];
    if (mine) my = added ? (hadMine ? my : [...my, change.emoji]) : my.filter((e) => e !== change.emoji);
    return { ...m, reactions, my_reactions: my };
  });
}

/** Flatten pages into display order (oldest first), one entry per id. */
export function orderedMessages(data: MessagePages | undefined): Message[] {
  const byId = new Map<string, Message>();
  for (const p of data?.pages ?? []) for (const m of p.items) if (!byId.has(m.id)) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}
