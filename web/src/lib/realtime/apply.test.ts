import { describe, expect, it } from "vitest";
import { applyReaction, markDeleted, orderedMessages, upsertMessage, type MessagePages } from "./apply";
import type { Message } from "../api/types";

const msg = (seq: number, extra: Partial<Message> = {}): Message =>
  ({
    id: `m${seq}`,
    room_id: "r",
    seq,
    author_id: "a",
    body: `hello ${seq}`,
    reply_to: null,
    reactions: {},
    my_reactions: [],
    created_at: "2026-01-01T00:00:00Z",
    edited_at: null,
    deleted: false,
    ...extra,
  }) as Message;

const pages = (...p: Message[][]): MessagePages => ({ pages: p.map((items) => ({ items })), pageParams: p.map(() => null) });

describe("message cache reducers", () => {
  it("inserts a new message once, however often it is applied", () => {
    let d = pages([msg(2), msg(1)]);
    d = upsertMessage(d, msg(3))!;
    d = upsertMessage(d, msg(3))!;
    expect(orderedMessages(d).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("replaces an edited message but never with an older copy", () => {
    let d = pages([msg(1)]);
    d = upsertMessage(d, msg(1, { body: "new", edited_at: "2026-01-02T00:00:00Z" }))!;
    d = upsertMessage(d, msg(1, { body: "old" }))!;
    expect(orderedMessages(d)[0].body).toBe("new");
  });

  it("keeps my reactions when an event copy carries none", () => {
    let d = pages([msg(1, { my_reactions: ["👍"], reactions: { "👍": 1 } })]);
    d = upsertMessage(d, msg(1, { body: "edited", edited_at: "2026-01-02T00:00:00Z", my_reactions: null }))!;
    expect(orderedMessages(d)[0].body).toBe("edited");
    expect(orderedMessages(d)[0].my_reactions).toEqual(["👍"]);
  });

  it("a deleted message stays deleted", () => {
    let d = markDeleted(pages([msg(1)]), "m1")!;
    d = upsertMessage(d, msg(1))!;
    expect(orderedMessages(d)[0].deleted).toBe(true);
  });

  it("sets reaction counts from the event and tracks my own reactions", () => {
    let d = pages([msg(1)]);
    d = applyReaction(d, { message_id: "m1", emoji: "👍", user_id: "me", count: 1 }, true, "me")!;
    d = applyReaction(d, { message_id: "m1", emoji: "👍", user_id: "me", count: 1 }, true, "me")!;
    d = applyReaction(d, { message_id: "m1", emoji: "👍", user_id: "you", count: 2 }, true, "me")!;
    expect(orderedMessages(d)[0].reactions).toEqual({ "👍": 2 });
    expect(orderedMessages(d)[0].my_reactions).toEqual(["👍"]);
    d = applyReaction(d, { message_id: "m1", emoji: "👍", user_id: "me", count: 1 }, false, "me")!;
    d = applyReaction(d, { message_id: "m1", emoji: "👍", user_id: "you", count: 0 }, false, "me")!;
    expect(orderedMessages(d)[0].reactions).toEqual({});
    expect(orderedMessages(d)[0].my_reactions).toEqual([]);
  });

  it("orders across pages and drops duplicates between pages", () => {
    const d = pages([msg(5), msg(4)], [msg(4), msg(3)], [msg(2), msg(1)]);
    expect(orderedMessages(d).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps the author's unlocked copy of a pay-per-view message when a locked event arrives", () => {
    const ppv = { ppv: { amount: 500, currency: "usd" }, preview: "a teaser" };
    const mine = msg(1, { ...ppv, locked: false, body: "the secret" });
    const event = msg(1, { ...ppv, locked: true, body: undefined, attachments: [], my_reactions: null, reactions: { "👍": 1 } });
    const d = upsertMessage(pages([mine]), event)!;
    const m = orderedMessages(d)[0];
    expect(m.locked).toBe(false);
    expect(m.body).toBe("the secret");
    expect(m.reactions).toEqual({ "👍": 1 });
  });

  it("an unlocked copy (the REST answer, or history after buying) replaces a locked one", () => {
    const ppv = { ppv: { amount: 500, currency: "usd" }, preview: "a teaser" };
    let d = upsertMessage(pages([]), msg(1, { ...ppv, locked: true, body: undefined }))!;
    expect(orderedMessages(d)[0].locked).toBe(true);
    d = upsertMessage(d, msg(1, { ...ppv, locked: false, body: "the secret" }))!;
    expect(orderedMessages(d)[0].body).toBe("the secret");
  });

  it("a locked message the viewer never had unlocked stays locked", () => {
    const locked = msg(1, { ppv: { amount: 500, currency: "usd" }, locked: true, body: undefined });
    const d = upsertMessage(pages([locked]), { ...locked, reactions: { "🎉": 2 } })!;
    expect(orderedMessages(d)[0].locked).toBe(true);
    expect(orderedMessages(d)[0].body).toBeUndefined();
  });

  it("leaves an unloaded cache alone", () => {
    expect(upsertMessage(undefined, msg(1))).toBeUndefined();
  });
});
