// RealtimeClient with its NotificationFeed: subscribe after hello, anchor on the reply,
// resume after the highest seq seen on reconnect.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RealtimeClient, type SocketLike } from "./client";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.frame({ type: "hello", user_id: "me", connection_id: "c", heartbeat_s: 30 });
  }
  frame(f: unknown) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: "" });
  }
  ofType(t: string) {
    return this.sent.filter((f) => f.type === t);
  }
}

const notification = (id: string, seq: number) => ({
  id,
  seq,
  kind: "mention",
  room_id: "r1",
  message_id: "m1",
  room_seq: 3,
  actor_id: "u2",
  count: 1,
  preview: "hi",
  room_name: "general",
  read: false,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
});

function setup() {
  const sockets: FakeSocket[] = [];
  const client = new RealtimeClient({
    url: "ws://api/v1/ws",
    getTicket: async () => "t",
    fetchEvents: async () => [],
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    random: () => 1,
  });
  const got: string[] = [];
  client.on("notification", (f) => got.push(`n:${f.notification.id}:${f.seq}`));
  client.on("notificationsRead", (f) => got.push(`r:${f.ids.join(",")}:${f.seq}`));
  client.on("notificationsSubscribed", (s) => got.push(`sub:${s}`));
  client.on("messageUnlocked", (f) => got.push(`u:${f.message_id}@${f.message_seq}:${f.seq}`));
  return { client, got, last: () => sockets[sockets.length - 1], sockets };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("RealtimeClient notifications stream", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("subscribes after hello, then resumes after the highest seq seen", async () => {
    const t = setup();
    t.client.subscribeNotifications();
    t.client.start();
    await flush();
    t.last().open();
    const [sub] = t.last().ofType("subscribe_notifications");
    expect(sub).toBeDefined();
    expect(sub.since).toBeUndefined();
    t.last().frame({ type: "ok", ref: sub.ref, last_seq: 4 });
    expect(t.client.notificationsSeq).toBe(4);
    t.last().frame({ type: "notification", seq: 5, notification: notification("a", 5) });
    t.last().frame({ type: "notifications_read", seq: 6, ids: ["a"] });
    // An opened pay-per-view message shares the feed's seq (a malformed one is ignored).
    t.last().frame({ type: "message_unlocked", seq: 7, room_id: "r1" });
    t.last().frame({ type: "message_unlocked", seq: 7, room_id: "r1", message_id: "m9", message_seq: 17 });
    expect(t.got).toEqual(["sub:4", "n:a:5", "r:a:6", "u:m9@17:7"]);

    t.last().drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(t.sockets).toHaveLength(2);
    t.last().open();
    expect(t.last().ofType("subscribe_notifications")).toMatchObject([{ since: 7 }]);
  });

  it("subscribes at once when already connected, and ignores malformed frames", async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.last().open();
    expect(t.last().ofType("subscribe_notifications")).toHaveLength(0);
    const release = t.client.subscribeNotifications();
    expect(t.last().ofType("subscribe_notifications")).toHaveLength(1);
    t.last().frame({ type: "notification", seq: 1 });
    t.last().frame({ type: "notifications_read", seq: 2 });
    expect(t.got).toEqual([]);
    release();
    t.last().frame({ type: "notification", seq: 3, notification: notification("b", 3) });
    expect(t.got).toEqual([]);
  });

  it("does not take a room subscribe answer for its own", async () => {
    const t = setup();
    t.client.subscribeNotifications();
    t.client.subscribe("r1", 0);
    t.client.start();
    await flush();
    t.last().open();
    const [room] = t.last().ofType("subscribe");
    t.last().frame({ type: "ok", ref: room.ref, room_id: "r1", last_seq: 9 });
    expect(t.client.notificationsSeq).toBeNull();
    expect(t.got).toEqual([]);
  });
});

describe("RealtimeClient notifications stream, refused", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("on resync_required starts again from the server's head", async () => {
    const t = setup();
    t.client.subscribeNotifications();
    t.client.start();
    await flush();
    t.last().open();
    const [first] = t.last().ofType("subscribe_notifications");
    t.last().frame({ type: "ok", ref: first.ref, last_seq: 2 });
    t.last().drop();
    await vi.advanceTimersByTimeAsync(500);
    t.last().open();
    const [again] = t.last().ofType("subscribe_notifications");
    expect(again.since).toBe(2);
    t.last().frame({ type: "error", ref: again.ref, code: "resync_required", message: "", last_seq: 900 });
    const [, third] = t.last().ofType("subscribe_notifications");
    expect(third).toMatchObject({ since: 900 });
    t.last().frame({ type: "ok", ref: third.ref, last_seq: 900 });
    expect(t.got).toEqual(["sub:2", "sub:900"]);
  });

  it("retries after a refusal such as unavailable", async () => {
    const t = setup();
    t.client.subscribeNotifications();
    t.client.start();
    await flush();
    t.last().open();
    const [first] = t.last().ofType("subscribe_notifications");
    t.last().frame({ type: "error", ref: first.ref, code: "unavailable", message: "" });
    expect(t.last().ofType("subscribe_notifications")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.last().ofType("subscribe_notifications")).toHaveLength(2);
  });
});
