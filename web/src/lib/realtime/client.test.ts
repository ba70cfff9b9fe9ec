import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RealtimeClient, type SocketLike } from "./client";
import type { SeqEvent } from "./frames";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closed = false;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  // Test helpers
  open(heartbeat = 30) {
    this.readyState = 1;
    this.onopen?.({});
    this.frame({ type: "hello", user_id: "me", connection_id: "c", heartbeat_s: heartbeat });
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

const event = (room: string, seq: number) => ({ type: "event", room_id: room, seq, event: "message.created", data: { id: `m${seq}` } });
const logEv = (room: string, seq: number): SeqEvent => ({ room_id: room, seq, event: "message.created", data: { id: `m${seq}` } });

function setup(log: SeqEvent[] = []) {
  const sockets: FakeSocket[] = [];
  const fetchEvents = vi.fn(async (roomId: string, after: number, limit: number) =>
    log.filter((e) => e.room_id === roomId && e.seq > after).slice(0, limit),
  );
  let tickets = 0;
  const client = new RealtimeClient({
    url: "ws://api/v1/ws",
    getTicket: async () => `t${++tickets}`,
    fetchEvents,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    random: () => 1,
  });
  const applied: string[] = [];
  client.on("event", (e) => applied.push(`${e.room_id}:${e.seq}`));
  return { client, sockets, fetchEvents, applied, last: () => sockets[sockets.length - 1] };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("RealtimeClient", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("says which room it shows right after subscribing to it, again after a reconnect, and none when asked", async () => {
    const t = setup();
    t.client.subscribe("r1", 1);
    t.client.subscribe("r2", 1);
    t.client.view("r2");
    t.client.start();
    await flush();
    t.last().open();
    const order = t.last().sent.map((f) => `${f.type}:${f.room_id}`);
    expect(order).toEqual(["subscribe:r1", "subscribe:r2", "view:r2"]);
    t.last().drop();
    await vi.advanceTimersByTimeAsync(60_000);
    t.last().open();
    expect(t.last().ofType("view")).toMatchObject([{ room_id: "r2" }]);
    t.client.view(null);
    expect(t.last().ofType("view")).toMatchObject([{ room_id: "r2" }, { room_id: null }]);
  });

  it("connects with a ticket and subscribes with since after hello", async () => {
    const t = setup();
    t.client.subscribe("r1", 7);
    t.client.start();
    await flush();
    expect(t.last().url).toBe("ws://api/v1/ws?ticket=t1");
    t.last().open();
    expect(t.client.status).toBe("open");
    expect(t.last().ofType("subscribe")).toMatchObject([{ room_id: "r1", since: 7 }]);
  });

  it("anchors an unknown room on the subscribe reply", async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.last().open();
    t.client.subscribe("r1");
    const sub = t.last().ofType("subscribe")[0];
    expect(sub.since).toBeUndefined();
    t.last().frame(event("r1", 11)); // arrives before the ok: buffered
    t.last().frame({ type: "ok", ref: sub.ref, room_id: "r1", last_seq: 10 });
    expect(t.applied).toEqual(["r1:11"]);
  });

  it("reconnects with backoff and resumes from the last applied seq", async () => {
    const t = setup();
    t.client.subscribe("r1", 0);
    t.client.start();
    await flush();
    t.last().open();
    t.last().frame(event("r1", 1));
    t.last().frame(event("r1", 2));
    t.last().drop();
    expect(t.client.status).toBe("reconnecting");
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(t.sockets).toHaveLength(2);
    expect(t.last().url).toContain("ticket=t2");
    t.last().open();
    expect(t.last().ofType("subscribe")).toMatchObject([{ room_id: "r1", since: 2 }]);
    // The replay overlaps with what we had: each event is applied once.
    [2, 3, 4].forEach((n) => t.last().frame(event("r1", n)));
    expect(t.applied).toEqual(["r1:1", "r1:2", "r1:3", "r1:4"]);
  });

  it("backs off exponentially while the server stays down", async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.last().drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(t.sockets).toHaveLength(2);
    t.last().drop();
    await vi.advanceTimersByTimeAsync(999);
    expect(t.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sockets).toHaveLength(3);
  });

  it("fills a gap from the event log, in order, without duplicates", async () => {
    const log = [1, 2, 3, 4, 5].map((n) => logEv("r1", n));
    const t = setup(log);
    t.client.subscribe("r1", 1);
    t.client.start();
    await flush();
    t.last().open();
    t.last().frame(event("r1", 4)); // 2 and 3 were missed
    expect(t.applied).toEqual([]);
    await flush();
    expect(t.fetchEvents).toHaveBeenCalledWith("r1", 1, 100);
    t.last().frame(event("r1", 5));
    await flush();
    expect(t.applied).toEqual(["r1:2", "r1:3", "r1:4", "r1:5"]);
  });

  it("on resync_required pages the log and subscribes again from the new position", async () => {
    const log = Array.from({ length: 150 }, (_, i) => logEv("r1", i + 1));
    const t = setup(log);
    t.client.subscribe("r1", 0);
    t.client.start();
    await flush();
    t.last().open();
    t.last().frame({ type: "error", code: "resync_required", room_id: "r1" });
    await flush();
    await flush();
    expect(t.fetchEvents).toHaveBeenNthCalledWith(1, "r1", 0, 100);
    expect(t.fetchEvents).toHaveBeenNthCalledWith(2, "r1", 100, 100);
    expect(t.applied).toHaveLength(150);
    const subs = t.last().ofType("subscribe");
    expect(subs[subs.length - 1]).toMatchObject({ room_id: "r1", since: 150 });
  });

  it("closes the socket when the browser goes offline and resumes when back", async () => {
    const t = setup();
    t.client.subscribe("r1", 3);
    t.client.start();
    await flush();
    const first = t.last();
    first.open();
    t.client.goOffline();
    expect(first.closed).toBe(true);
    expect(t.client.status).toBe("offline");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sockets).toHaveLength(1); // no reconnect attempts while offline
    t.client.goOnline();
    await flush();
    expect(t.sockets).toHaveLength(2);
    t.last().open();
    expect(t.last().ofType("subscribe")).toMatchObject([{ room_id: "r1", since: 3 }]);
  });

  it("ignores frames from a socket it has replaced", async () => {
    const t = setup();
    t.client.subscribe("r1", 0);
    t.client.start();
    await flush();
    const old = t.last();
    old.open();
    t.client.goOffline();
    t.client.goOnline();
    await flush();
    old.frame(event("r1", 1));
    expect(t.applied).toEqual([]);
  });

  it("declares a silent socket dead after missed heartbeats", async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.last().open(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.last().ofType("ping")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.sockets[0].closed).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(t.sockets).toHaveLength(2);
  });

  it("unsubscribes when the last user of a room lets go", async () => {
    const t = setup();
    t.client.start();
    await flush();
    t.last().open();
    const a = t.client.subscribe("r1", 0);
    const b = t.client.subscribe("r1", 0);
    expect(t.last().ofType("subscribe")).toHaveLength(1);
    a();
    expect(t.last().ofType("unsubscribe")).toHaveLength(0);
    b();
    expect(t.last().ofType("unsubscribe")).toMatchObject([{ room_id: "r1" }]);
    t.last().frame(event("r1", 1));
    expect(t.applied).toEqual([]);
  });

  it("passes ephemeral frames through", async () => {
    const t = setup();
    const got: unknown[] = [];
    t.client.on("ephemeral", (f) => got.push(f));
    t.client.start();
    await flush();
    t.last().open();
    t.last().frame({ type: "typing", room_id: "r1", user_id: "u2" });
    t.last().frame({ type: "presence", room_id: "r1", online: ["u2"] });
    expect(got).toHaveLength(2);
  });

  it("retries when the ticket request fails", async () => {
    const t = setup();
    let fail = true;
    const client = new RealtimeClient({
      url: "ws://x",
      getTicket: async () => {
        if (fail) throw new Error("down");
        return "ok";
      },
      fetchEvents: async () => [],
      createSocket: (u) => {
        const s = new FakeSocket(u);
        t.sockets.push(s);
        return s;
      },
      random: () => 1,
    });
    client.start();
    await flush();
    expect(client.status).toBe("reconnecting");
    fail = false;
    await vi.advanceTimersByTimeAsync(500);
    expect(t.sockets).toHaveLength(1);
  });
});

describe("RealtimeClient credential refresh", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends an auth frame before the token expires", async () => {
    const sockets: FakeSocket[] = [];
    const exp = () => Math.floor(Date.now() / 1000) + 60;
    const token = () => `h.${Buffer.from(JSON.stringify({ exp: exp() })).toString("base64url")}.s`;
    const client = new RealtimeClient({
      url: "ws://x",
      getTicket: async () => "t",
      getToken: async () => token(),
      fetchEvents: async () => [],
      createSocket: (u) => {
        const s = new FakeSocket(u);
        sockets.push(s);
        return s;
      },
    });
    client.start();
    await flush();
    sockets[0].open(3600);
    await flush();
    expect(sockets[0].ofType("auth")).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sockets[0].ofType("auth")).toHaveLength(1);
    expect(sockets[0].ofType("auth")[0].token).toMatch(/^h\./);
  });
});
