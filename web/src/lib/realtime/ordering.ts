// Pure ordering / resume logic for room event streams; no I/O, unit tested.
//
// Invariants per room:
// - `lastSeq` is the highest seq applied; events are applied strictly in seq order.
// - An event with seq <= lastSeq is a duplicate and is dropped.
// - An event with seq > lastSeq + 1 is buffered until the hole is filled, either by
//   the live stream or by the event log (GET /rooms/{id}/events?after=lastSeq).
// - The event log is authoritative: a hole that the log also has is skipped, so a
//   seq the server never used cannot stall the stream.

import type { SeqEvent } from "./frames";

export interface PushResult {
  /** Events now ready to apply, in seq order. */
  apply: SeqEvent[];
  /** Set when a hole remains: fetch the log after this seq. */
  gapAfter: number | null;
}

export class RoomSequencer {
  private _lastSeq: number | null;
  private readonly buffer = new Map<number, SeqEvent>();

  /** `lastSeq` null means "not anchored yet": everything is buffered until `anchor`. */
  constructor(lastSeq: number | null = null) {
    this._lastSeq = lastSeq;
  }

  get lastSeq(): number | null {
    return this._lastSeq;
  }

  get anchored(): boolean {
    return this._lastSeq !== null;
  }

  get buffered(): number {
    return this.buffer.size;
  }

  get hasGap(): boolean {
    return this.anchored && this.buffer.size > 0;
  }

  /** Fix the baseline of an unanchored stream (or move it forward); never moves back. */
  anchor(lastSeq: number): PushResult {
    if (this._lastSeq === null || lastSeq > this._lastSeq) this._lastSeq = lastSeq;
    return this.drain();
  }

  /** One live event from the socket. */
  push(ev: SeqEvent): PushResult {
    if (!Number.isFinite(ev.seq)) return { apply: [], gapAfter: this.gap() };
    if (this._lastSeq !== null && ev.seq <= this._lastSeq) return { apply: [], gapAfter: this.gap() };
    // Keep the first copy of a buffered duplicate: they are identical by construction.
    if (!this.buffer.has(ev.seq)) this.buffer.set(ev.seq, ev);
    return this.drain();
  }

  pushMany(evs: SeqEvent[]): PushResult {
    const apply: SeqEvent[] = [];
    for (const ev of evs) apply.push(...this.push(ev).apply);
    return { apply, gapAfter: this.gap() };
  }

  /**
   * A page of the server's event log after `lastSeq`, oldest first. Holes inside the
   * page are real (the server skipped those seqs) and are stepped over. When the page
   * is the end of the log (`complete`), buffered events past it are applied too.
   */
  acceptLog(events: SeqEvent[], complete: boolean): PushResult {
    const apply: SeqEvent[] = [];
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    for (const ev of sorted) {
      if (this._lastSeq !== null && ev.seq <= this._lastSeq) continue;
      // Between the previous log entry and this one, buffered live events are in
      // order too; the buffered copy of this very seq is replaced by the log's.
      for (const b of this.takeBufferedBelow(ev.seq)) apply.push(b);
      this.buffer.delete(ev.seq);
      this._lastSeq = ev.seq;
      apply.push(ev);
    }
    apply.push(...this.drain().apply);
    if (complete && this.buffer.size > 0) {
      // The log knows nothing before the buffered events: there is no hole to wait for.
      for (const b of this.takeBufferedBelow(Infinity)) apply.push(b);
    }
    return { apply, gapAfter: this.gap() };
  }

  private takeBufferedBelow(limit: number): SeqEvent[] {
    const out: SeqEvent[] = [];
    const seqs = [...this.buffer.keys()].filter((s) => s < limit).sort((a, b) => a - b);
    for (const s of seqs) {
      const ev = this.buffer.get(s)!;
      this.buffer.delete(s);
      if (this._lastSeq !== null && s <= this._lastSeq) continue;
      this._lastSeq = s;
      out.push(ev);
    }
    return out;
  }

  private drain(): PushResult {
    const apply: SeqEvent[] = [];
    if (this._lastSeq === null) return { apply, gapAfter: null };
    for (const s of [...this.buffer.keys()]) if (s <= this._lastSeq) this.buffer.delete(s);
    let next = this._lastSeq + 1;
    while (this.buffer.has(next)) {
      const ev = this.buffer.get(next)!;
      this.buffer.delete(next);
      apply.push(ev);
      this._lastSeq = next;
      next += 1;
    }
    return { apply, gapAfter: this.gap() };
  }

  private gap(): number | null {
    return this.hasGap ? this._lastSeq : null;
  }
}

/** Exponential backoff with full jitter: attempt 0 → up to `base`, capped at `max`. */
export function backoffDelay(
  attempt: number,
  opts: { base?: number; max?: number; random?: () => number } = {},
): number {
  const base = opts.base ?? 500;
  const max = opts.max ?? 15_000;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt));
  // Never 0, so a flapping server cannot make us spin.
  return Math.max(base / 2, Math.round(ceiling * random()));
}

/**
 * When to send the next `auth` frame: the server closes a socket whose credential has
 * expired, so refresh 30 s before the token's `exp` (bounded to [5 s, 10 min]; 45 s when
 * the token is not a readable JWT).
 */
export function reauthDelay(token: string | null, nowMs: number): number {
  const exp = token ? jwtExp(token) : null;
  if (exp === null) return 45_000;
  return Math.min(600_000, Math.max(5_000, exp * 1000 - nowMs - 30_000));
}

function jwtExp(token: string): number | null {
  try {
    const part = token.split(".")[1];
    if (!part) return null;
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const json = typeof atob === "function" ? atob(b64) : Buffer.from(b64, "base64").toString("binary");
    const exp = JSON.parse(json).exp;
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}
