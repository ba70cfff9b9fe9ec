import { describe, expect, it } from "vitest";
import type { AppNotification, Conversation, Message } from "./api/types";
import {
  applyChangedMessage,
  applyNewMessage,
  dropReadMentions,
  flattenConversations,
  hasConversation,
  markConversationRead,
  mentionsByRoom,
  upsertUnreadMention,
  type ConversationPages,
} from "./conversations";

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00Z`;

const msg = (room: string, seq: number, extra: Partial<Message> = {}): Message =>
  ({
    id: `${room}-m${seq}`,
    room_id: room,
    seq,
    author_id: "other",
    body: `hello ${seq}`,
    mentions: {},
    client_msg_id: `c${seq}`,
    reactions: {},
    created_at: at(seq),
    deleted: false,
    ...extra,
  }) as Message;

const conv = (room: string, lastSeq: number, extra: Partial<Conversation> = {}): Conversation =>
  ({
    room: { id: room, name: room, kind: "public", last_seq: lastSeq, last_activity_at: at(lastSeq), member_count: 2 },
    last_message: lastSeq > 0 ? msg(room, lastSeq) : null,
    unread_count: 0,
    ...extra,
  }) as Conversation;

const pages = (...p: Conversation[][]): ConversationPages => ({
  pages: p.map((items, i) => ({ items, next_cursor: i < p.length - 1 ? `c${i}` : null })),
  pageParams: p.map(() => null),
});

const rooms = (d: ConversationPages | undefined) => flattenConversations(d).map((c) => c.room.id);

describe("conversation list reducers", () => {
  it("flattens pages most recent first, once per room (the newer copy wins)", () => {
    const d = pages([conv("a", 9), conv("b", 5)], [conv("c", 3), conv("b", 4)]);
    expect(rooms(d)).toEqual(["a", "b", "c"]);
    expect(flattenConversations(d).find((c) => c.room.id === "b")?.room.last_seq).toBe(5);
  });

  it("a new message becomes the preview, moves its room to the top and counts as unread", () => {
    const d = applyNewMessage(pages([conv("a", 9), conv("b", 5)], [conv("c", 3)]), msg("c", 12), { myId: "me", viewing: false })!;
    expect(rooms(d)).toEqual(["c", "a", "b"]);
    const c = flattenConversations(d)[0];
    expect(c.last_message?.body).toBe("hello 12");
    expect(c.unread_count).toBe(1);
    expect(c.room.last_seq).toBe(12);
    expect(d.pages[1].items).toEqual([]);
  });

  it("fills a room that had no messages yet", () => {
    const d = applyNewMessage(pages([conv("a", 0)]), msg("a", 1), { myId: "me", viewing: false })!;
    expect(flattenConversations(d)[0].last_message?.id).toBe("a-m1");
  });

  it("does not count my own messages, nor those of the room I am looking at", () => {
    let d = pages([conv("a", 1)]);
    d = applyNewMessage(d, msg("a", 2, { author_id: "me" }), { myId: "me", viewing: false })!;
    d = applyNewMessage(d, msg("a", 3), { myId: "me", viewing: true })!;
    expect(flattenConversations(d)[0].unread_count).toBe(0);
    expect(flattenConversations(d)[0].last_message?.seq).toBe(3);
  });

  it("is idempotent and ignores older messages", () => {
    let d = pages([conv("a", 1)]);
    d = applyNewMessage(d, msg("a", 2), { myId: "me", viewing: false })!;
    const again = applyNewMessage(d, msg("a", 2), { myId: "me", viewing: false });
    expect(again).toBe(d);
    expect(applyNewMessage(d, msg("a", 1), { myId: "me", viewing: false })).toBe(d);
    expect(flattenConversations(d)[0].unread_count).toBe(1);
  });

  it("leaves a room it has not loaded alone (the caller refetches)", () => {
    const d = pages([conv("a", 1)]);
    expect(applyNewMessage(d, msg("z", 4), { myId: "me", viewing: false })).toBe(d);
    expect(hasConversation(d, "z")).toBe(false);
    expect(hasConversation(d, "a")).toBe(true);
    expect(applyNewMessage(undefined, msg("z", 4), { myId: "me", viewing: false })).toBeUndefined();
  });

  it("an edit or delete of the last message changes the preview; of an older one, nothing", () => {
    const d = pages([conv("a", 3)]);
    expect(applyChangedMessage(d, msg("a", 2, { body: "old edit" }))).toBe(d);
    const edited = applyChangedMessage(d, msg("a", 3, { body: "edited" }))!;
    expect(flattenConversations(edited)[0].last_message?.body).toBe("edited");
    const deleted = applyChangedMessage(edited, msg("a", 3, { body: "", deleted: true }))!;
    expect(flattenConversations(deleted)[0].last_message?.deleted).toBe(true);
    expect(applyChangedMessage(deleted, msg("a", 3, { body: "late edit" }))).toBe(deleted);
  });

  it("a locked copy of a message I can read keeps its body", () => {
    const d = pages([conv("a", 3)]);
    const locked = applyChangedMessage(d, msg("a", 3, { body: null, locked: true, reactions: { "👍": 1 } }))!;
    const m = flattenConversations(locked)[0].last_message!;
    expect(m.body).toBe("hello 3");
    expect(m.locked).toBe(false);
    expect(m.reactions).toEqual({ "👍": 1 });
  });

  it("marks a room read", () => {
    const d = pages([conv("a", 3, { unread_count: 4 }), conv("b", 2, { unread_count: 1 })]);
    const r = markConversationRead(d, "a")!;
    expect(flattenConversations(r).map((c) => c.unread_count)).toEqual([0, 1]);
    expect(markConversationRead(r, "a")).toBe(r);
  });
});

const note = (id: string, room: string, extra: Partial<AppNotification> = {}): AppNotification =>
  ({ id, seq: 1, kind: "mention", room_id: room, count: 1, read: false, created_at: at(1), updated_at: at(1), ...extra }) as AppNotification;

describe("unread mentions", () => {
  it("counts unread mentions per room", () => {
    const m = mentionsByRoom([note("n1", "a"), note("n2", "a"), note("n3", "b"), note("n4", "c", { read: true })]);
    expect(Object.fromEntries(m)).toEqual({ a: 2, b: 1 });
  });

  it("adds a new mention, ignores other kinds and drops one read elsewhere", () => {
    let l: AppNotification[] | undefined = [];
    l = upsertUnreadMention(l, note("n1", "a"));
    l = upsertUnreadMention(l, note("n2", "a", { kind: "dm" }));
    expect(l?.map((n) => n.id)).toEqual(["n1"]);
    l = upsertUnreadMention(l, note("n1", "a", { read: true, seq: 2 }));
    expect(l).toEqual([]);
  });

  it("ignores an older copy and leaves an unloaded list alone", () => {
    const l = upsertUnreadMention([note("n1", "a", { seq: 5 })], note("n1", "a", { seq: 4, read: true }));
    expect(l?.length).toBe(1);
    expect(upsertUnreadMention(undefined, note("n1", "a"))).toBeUndefined();
  });

  it("drops read ids, or all", () => {
    const l = [note("n1", "a"), note("n2", "b")];
    expect(dropReadMentions(l, ["n2"])?.map((n) => n.id)).toEqual(["n1"]);
    expect(dropReadMentions(l, ["zz"])).toBe(l);
    expect(dropReadMentions(l, null)).toEqual([]);
  });
});
