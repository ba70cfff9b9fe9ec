import { describe, expect, it } from "vitest";
import type { SeqEvent } from "./frames";
import { RoomSequencer, backoffDelay, reauthDelay } from "./ordering";

const ev = (seq: number, event = "message.created"): SeqEvent => ({ room_id: "r", seq, event, data: { seq } });
const seqs = (evs: SeqEvent[]) => evs.map((e) => e.seq);

describe("RoomSequencer", () => {
  it("applies consecutive events in order", () => {
    const s = new RoomSequencer(0);
    expect(seqs(s.push(ev(1)).apply)).toEqual([1]);
    expect(seqs(s.push(ev(2)).apply)).toEqual([2]);
    expect(s.lastSeq).toBe(2);
    expect(s.hasGap).toBe(false);
  });

  it("drops duplicates and anything at or below the position", () => {
    const s = new RoomSequencer(5);
    expect(s.push(ev(3)).apply).toEqual([]);
    expect(s.push(ev(5)).apply).toEqual([]);
    expect(seqs(s.push(ev(6)).apply)).toEqual([6]);
    expect(s.push(ev(6)).apply).toEqual([]);
    expect(s.lastSeq).toBe(6);
  });

  it("buffers an event past a hole and reports the gap", () => {
    const s = new RoomSequencer(1);
    const r = s.push(ev(3));
    expect(r.apply).toEqual([]);
    expect(r.gapAfter).toBe(1);
    expect(s.buffered).toBe(1);
    expect(s.lastSeq).toBe(1);
  });

  it("releases the buffer in order once the hole is filled", () => {
    const s = new RoomSequencer(0);
    s.push(ev(4));
    s.push(ev(3));
    s.push(ev(2));
    const r = s.push(ev(1));
    expect(seqs(r.apply)).toEqual([1, 2, 3, 4]);
    expect(r.gapAfter).toBeNull();
    expect(s.buffered).toBe(0);
  });

  it("keeps a single copy of a buffered duplicate", () => {
    const s = new RoomSequencer(0);
    s.push(ev(2));
    s.push(ev(2));
    expect(s.buffered).toBe(1);
    expect(seqs(s.push(ev(1)).apply)).toEqual([1, 2]);
  });

  it("releases only the contiguous prefix and keeps later holes", () => {
    const s = new RoomSequencer(0);
    s.push(ev(2));
    s.push(ev(5));
    const r = s.push(ev(1));
    expect(seqs(r.apply)).toEqual([1, 2]);
    expect(r.gapAfter).toBe(2);
    expect(s.buffered).toBe(1);
  });

  it("buffers everything until anchored, then drops what the baseline covers", () => {
    const s = new RoomSequencer(null);
    expect(s.anchored).toBe(false);
    expect(s.push(ev(7)).gapAfter).toBeNull();
    s.push(ev(8));
    s.push(ev(10));
    const r = s.anchor(7);
    expect(seqs(r.apply)).toEqual([8]);
    expect(r.gapAfter).toBe(8);
    expect(s.lastSeq).toBe(8);
  });

  it("never moves the anchor backwards", () => {
    const s = new RoomSequencer(10);
    s.anchor(4);
    expect(s.lastSeq).toBe(10);
    s.anchor(12);
    expect(s.lastSeq).toBe(12);
  });

  it("fills a gap from the event log, interleaving with buffered live events", () => {
    const s = new RoomSequencer(1);
    s.push(ev(4));
    s.push(ev(5));
    const r = s.acceptLog([ev(2), ev(3), ev(4)], true);
    expect(seqs(r.apply)).toEqual([2, 3, 4, 5]);
    expect(s.lastSeq).toBe(5);
    expect(s.hasGap).toBe(false);
  });

  it("ignores log entries already applied and sorts the page", () => {
    const s = new RoomSequencer(3);
    const r = s.acceptLog([ev(5), ev(2), ev(4), ev(3)], true);
    expect(seqs(r.apply)).toEqual([4, 5]);
  });

  it("skips a hole that the log also has (seq never used by the server)", () => {
    const s = new RoomSequencer(1);
    s.push(ev(4));
    // The log has 2 and 4 but no 3: 3 does not exist.
    const r = s.acceptLog([ev(2), ev(4)], true);
    expect(seqs(r.apply)).toEqual([2, 4]);
    expect(s.hasGap).toBe(false);
  });

  it("applies buffered events past the end of a complete log page", () => {
    const s = new RoomSequencer(1);
    s.push(ev(6));
    const r = s.acceptLog([ev(2)], true);
    expect(seqs(r.apply)).toEqual([2, 6]);
    expect(s.lastSeq).toBe(6);
  });

  it("keeps waiting after an incomplete log page", () => {
    const s = new RoomSequencer(0);
    s.push(ev(10));
    const r = s.acceptLog([ev(1), ev(2)], false);
    expect(seqs(r.apply)).toEqual([1, 2]);
    expect(r.gapAfter).toBe(2);
  });

  it("a replay after reconnect delivers each missed event exactly once", () => {
    const s = new RoomSequencer(0);
    const applied: number[] = [];
    const feed = (e: SeqEvent) => applied.push(...seqs(s.push(e).apply));
    [1, 2, 3].forEach((n) => feed(ev(n)));
    // Socket drops; the server replays from since=3, overlapping with live ones.
    [2, 3, 4, 5, 5, 6, 4].forEach((n) => feed(ev(n)));
    expect(applied).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("random arrival order still yields strictly increasing unique output", () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const n = 30;
      const arrivals = [...Array(n).keys()].map((i) => i + 1);
      // Duplicates plus a shuffle.
      arrivals.push(...arrivals.filter(() => rnd() < 0.3));
      arrivals.sort(() => rnd() - 0.5);
      const s = new RoomSequencer(0);
      const out: number[] = [];
      for (const a of arrivals) out.push(...seqs(s.push(ev(a)).apply));
      expect(out).toEqual([...Array(n).keys()].map((i) => i + 1));
    }
  });

  it("ignores non-numeric seqs", () => {
    const s = new RoomSequencer(0);
    expect(s.push({ ...ev(1), seq: NaN }).apply).toEqual([]);
    expect(s.lastSeq).toBe(0);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially and is capped", () => {
    const max = () => 1;
    expect(backoffDelay(0, { random: max })).toBe(500);
    expect(backoffDelay(1, { random: max })).toBe(1000);
    expect(backoffDelay(3, { random: max })).toBe(4000);
    expect(backoffDelay(20, { random: max })).toBe(15000);
  });

  it("never returns zero", () => {
    expect(backoffDelay(5, { random: () => 0 })).toBeGreaterThan(0);
  });
});

describe("reauthDelay", () => {
  const jwt = (exp: number) => `h.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.s`;
  it("refreshes 30 s before expiry", () => {
    expect(reauthDelay(jwt(1000 + 120), 1000 * 1000)).toBe(90_000);
  });
  it("is bounded for short and long tokens", () => {
    expect(reauthDelay(jwt(1000 + 10), 1000 * 1000)).toBe(5_000);
    expect(reauthDelay(jwt(1000 + 86_400), 1000 * 1000)).toBe(600_000);
  });
  it("falls back for opaque tokens", () => {
    expect(reauthDelay("opaque", 0)).toBe(45_000);
    expect(reauthDelay(null, 0)).toBe(45_000);
  });
});
