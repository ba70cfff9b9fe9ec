// One WebSocket per tab: ticket auth, per-room subscriptions with resume, reconnect with
// backoff, gap filling from the event log. Ordering decisions live in ./ordering.ts, frame
// types and parsing in ./frames.ts.
import {
  parseServerFrame,
  toRoomEvent,
  type ClientFrame,
  type EphemeralFrame,
  type HelloFrame,
  type RoomEvent,
  type SeqEvent,
} from "./frames";
import { NotificationFeed, type FeedEvents } from "./notification-feed";
import { RoomSequencer, backoffDelay, reauthDelay } from "./ordering";

export type ConnectionStatus = "idle" | "connecting" | "open" | "reconnecting" | "offline";

/** The subset of WebSocket we use, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface RealtimeDeps {
  /** ws:// URL of the socket endpoint, without the ticket. */
  url: string;
  getTicket(): Promise<string>;
  /** GET /rooms/{id}/events?after=&limit=, oldest first. */
  fetchEvents(roomId: string, after: number, limit: number): Promise<SeqEvent[]>;
  createSocket?(url: string): SocketLike;
  /** Current bearer token, sent in `auth` frames before the socket's credential expires. */
  getToken?(): Promise<string | null>;
  random?: () => number;
}

interface Listeners {
  /** Room events in seq order, once each; kinds this client does not know are counted but not emitted. */
  event: (ev: RoomEvent) => void;
  ephemeral: (frame: EphemeralFrame) => void;
  status: (status: ConnectionStatus) => void;
  hello: (frame: HelloFrame) => void;
  notification: FeedEvents["notification"];
  notificationsRead: FeedEvents["notificationsRead"];
  messageUnlocked: FeedEvents["messageUnlocked"];
  notificationsSubscribed: FeedEvents["notificationsSubscribed"];
}

interface RoomState {
  refs: number;
  seq: RoomSequencer;
  /** Subscribed on the current socket. */
  live: boolean;
  fetching: boolean;
  resubscribeAfterFetch: boolean;
  retryTimer: ReturnType<typeof setTimeout> | null;
}

const OPEN = 1;
const LOG_PAGE = 100;
const MAX_LOG_PAGES = 50;

export class RealtimeClient {
  private ws: SocketLike | null = null;
  private readonly rooms = new Map<string, RoomState>();
  /** The room this tab shows (`view`), re-sent when it is (re)subscribed. */
  private viewing: string | null = null;
  private readonly listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
    event: new Set(),
    ephemeral: new Set(),
    status: new Set(),
    hello: new Set(),
    notification: new Set(),
    notificationsRead: new Set(),
    messageUnlocked: new Set(),
    notificationsSubscribed: new Set(),
  };
  /** My notifications stream (see ./notification-feed.ts). */
  private readonly feed = new NotificationFeed(
    { send: (f) => this.sendFrame(f), isOpen: () => this.isOpen(), nextRef: () => `n${++this.refCounter}` },
    {
      notification: (f) => this.listeners.notification.forEach((fn) => fn(f)),
      notificationsRead: (f) => this.listeners.notificationsRead.forEach((fn) => fn(f)),
      messageUnlocked: (f) => this.listeners.messageUnlocked.forEach((fn) => fn(f)),
      notificationsSubscribed: (s) => this.listeners.notificationsSubscribed.forEach((fn) => fn(s)),
    },
  );
  private _status: ConnectionStatus = "idle";
  private attempt = 0;
  private running = false;
  private offline = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private reauthTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFrameAt = 0;
  private refCounter = 0;
  /** Bumped on every new socket so callbacks of an old one are ignored. */
  private generation = 0;

  constructor(private readonly deps: RealtimeDeps) {}

  get status(): ConnectionStatus {
    return this._status;
  }

  on<K extends keyof Listeners>(kind: K, fn: Listeners[K]): () => void {
    this.listeners[kind].add(fn);
    return () => this.listeners[kind].delete(fn);
  }

  start() {
    if (this.running) return;
    this.running = true;
    if (!this.offline) void this.connect();
  }

  stop() {
    this.running = false;
    this.clearTimers();
    this.closeSocket(1000, "client stop");
    this.setStatus("idle");
  }

  /** The browser lost its network: drop the socket now instead of waiting for a timeout. */
  goOffline() {
    this.offline = true;
    this.clearTimers();
    this.closeSocket(1000, "offline");
    this.setStatus("offline");
  }

  goOnline() {
    if (!this.offline) return;
    this.offline = false;
    this.attempt = 0;
    if (this.running) void this.connect();
  }

  /** The room this tab shows (see `view`), or null. */
  get viewingRoom(): string | null {
    return this.viewing;
  }

  /** Highest seq applied for a room, i.e. the `since` used on resume. */
  lastSeq(roomId: string): number | null {
    return this.rooms.get(roomId)?.seq.lastSeq ?? null;
  }

  /**
   * Follow a room. `sinceHint` (e.g. room.last_seq when the caller loaded it) anchors a
   * stream we do not track yet; a tracked stream keeps its own position.
   */
  subscribe(roomId: string, sinceHint?: number | null): () => void {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = {
        refs: 0,
        seq: new RoomSequencer(sinceHint ?? null),
        live: false,
        fetching: false,
        resubscribeAfterFetch: false,
        retryTimer: null,
      };
      this.rooms.set(roomId, room);
    }
    room.refs += 1;
    if (this.isOpen() && !room.live) this.sendSubscribe(roomId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const r = this.rooms.get(roomId);
      if (!r) return;
      r.refs -= 1;
      if (r.refs <= 0) {
        if (r.retryTimer) clearTimeout(r.retryTimer);
        this.rooms.delete(roomId);
        if (r.live) this.sendFrame({ type: "unsubscribe", room_id: roomId });
      }
    };
  }

  /**
   * The room this tab shows (null: none, or the tab is hidden). The server sends no push
   * for it meanwhile; re-sent after every (re)subscription of that room.
   */
  view(roomId: string | null) {
    this.viewing = roomId;
    if (roomId === null || this.rooms.get(roomId)?.live) this.sendFrame({ type: "view", room_id: roomId });
  }

  /** Follow my notifications, resumed after the highest seq seen on every (re)connection. */
  subscribeNotifications(): () => void {
    return this.feed.follow();
  }

  /** The notifications stream is followed on the open socket. */
  get notificationsLive(): boolean {
    return this.feed.live;
  }

  /** The highest seq of my notifications stream seen. */
  get notificationsSeq(): number | null {
    return this.feed.seq;
  }

  /** Fire-and-forget frame (typing, read). Returns false when not connected. */
  sendFrame(frame: ClientFrame): boolean {
    if (!this.isOpen() || !this.ws) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  // ---- connection lifecycle -------------------------------------------------------

  private isOpen() {
    return this.ws !== null && this.ws.readyState === OPEN && this._status === "open";
  }

  private setStatus(s: ConnectionStatus) {
    if (this._status === s) return;
    this._status = s;
    for (const fn of this.listeners.status) fn(s);
  }

  private async connect() {
    if (!this.running || this.offline) return;
    this.clearReconnect();
    this.closeSocket(1000, "reconnect");
    const gen = ++this.generation;
    this.setStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    let ticket: string;
    try {
      ticket = await this.deps.getTicket();
    } catch {
      if (gen === this.generation) this.scheduleReconnect();
      return;
    }
    if (gen !== this.generation || !this.running || this.offline) return;
    const create = this.deps.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
    let ws: SocketLike;
    try {
      ws = create(`${this.deps.url}?ticket=${encodeURIComponent(ticket)}`);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (gen !== this.generation) return;
      this.lastFrameAt = Date.now();
      if (typeof ev.data === "string") this.handleFrame(ev.data);
    };
    ws.onclose = () => {
      if (gen !== this.generation) return;
      this.onSocketClosed();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private onSocketClosed() {
    this.ws = null;
    this.stopHeartbeat();
    this.feed.onClosed();
    for (const r of this.rooms.values()) r.live = false;
    if (this.running && !this.offline) this.scheduleReconnect();
  }

  private scheduleReconnect() {
    this.clearReconnect();
    this.setStatus("reconnecting");
    const delay = backoffDelay(this.attempt, { random: this.deps.random });
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private clearReconnect() {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private closeSocket(code: number, reason: string) {
    const ws = this.ws;
    this.ws = null;
    this.generation += 1;
    this.stopHeartbeat();
    this.feed.onClosed();
    for (const r of this.rooms.values()) r.live = false;
    if (ws) {
      ws.onmessage = null;
      ws.onclose = null;
      try {
        ws.close(code, reason);
      } catch {
        /* already closed */
      }
    }
  }

  private clearTimers() {
    this.clearReconnect();
    this.stopHeartbeat();
    for (const r of this.rooms.values()) {
      if (r.retryTimer) clearTimeout(r.retryTimer);
      r.retryTimer = null;
    }
  }

  private startHeartbeat(seconds: number) {
    this.stopHeartbeat();
    const period = Math.max(1, seconds) * 1000;
    this.lastFrameAt = Date.now();
    this.heartbeatTimer = setInterval(() => {
      // A socket that has said nothing for 2.5 periods is dead even if TCP has not noticed.
      if (Date.now() - this.lastFrameAt > period * 2.5) {
        this.closeSocket(4000, "heartbeat timeout");
        this.onSocketClosed();
        return;
      }
      this.sendFrame({ type: "ping" });
    }, period);
  }

  private stopHeartbeat() {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    if (this.reauthTimer) clearTimeout(this.reauthTimer);
    this.reauthTimer = null;
  }

  /** Keep the socket's credential fresh: the server closes it once the token expires. */
  private async scheduleReauth(send: boolean) {
    const getToken = this.deps.getToken;
    if (!getToken) return;
    const gen = this.generation;
    let token: string | null = null;
    try {
      token = await getToken();
    } catch {
      token = null;
    }
    if (gen !== this.generation || !this.isOpen()) return;
    if (send && token) this.sendFrame({ type: "auth", token, ref: `a${++this.refCounter}` });
    this.reauthTimer = setTimeout(() => void this.scheduleReauth(true), reauthDelay(token, Date.now()));
  }

  // ---- frames ---------------------------------------------------------------------

  private handleFrame(text: string) {
    const f = parseServerFrame(text);
    if (!f) return;
    switch (f.type) {
      case "hello":
        this.attempt = 0;
        this.setStatus("open");
        this.startHeartbeat(f.heartbeat_s ?? 25);
        void this.scheduleReauth(false);
        for (const fn of this.listeners.hello) fn(f);
        for (const roomId of this.rooms.keys()) this.sendSubscribe(roomId);
        this.feed.onOpen();
        return;
      case "ok":
        if (this.feed.onOk(f)) return;
        if (f.room_id && typeof f.last_seq === "number") {
          const r = this.rooms.get(f.room_id);
          // Subscribed without a baseline: the server's current seq becomes it.
          if (r && !r.seq.anchored) this.deliver(f.room_id, r.seq.anchor(f.last_seq));
        }
        return;
      case "error":
        if (this.feed.onError(f)) return;
        if (f.code === "resync_required" && f.room_id) {
          const r = this.rooms.get(f.room_id);
          if (r) {
            r.live = false;
            void this.catchUp(f.room_id, true);
          }
        }
        return;
      case "event": {
        const r = this.rooms.get(f.room_id);
        if (!r) return;
        this.deliver(f.room_id, r.seq.push({ room_id: f.room_id, seq: f.seq, event: f.event, data: f.data }));
        return;
      }
      case "typing":
      case "presence":
      case "read":
        for (const fn of this.listeners.ephemeral) fn(f);
        return;
      case "notification":
        this.feed.onNotification(f);
        return;
      case "notifications_read":
        this.feed.onRead(f);
        return;
      case "message_unlocked":
        this.feed.onUnlocked(f);
        return;
      default:
        return;
    }
  }

  private sendSubscribe(roomId: string) {
    const r = this.rooms.get(roomId);
    if (!r) return;
    const frame: ClientFrame = { type: "subscribe", room_id: roomId, ref: `s${++this.refCounter}` };
    if (r.seq.lastSeq !== null) frame.since = r.seq.lastSeq;
    if (this.sendFrame(frame)) r.live = true;
    // Frames are handled in order: the subscription is in place when the view arrives.
    if (r.live && this.viewing === roomId) this.sendFrame({ type: "view", room_id: roomId });
  }

  private deliver(roomId: string, result: { apply: SeqEvent[]; gapAfter: number | null }) {
    this.emitEvents(result.apply);
    if (result.gapAfter !== null) void this.catchUp(roomId, false);
  }

  private emitEvents(events: SeqEvent[]) {
    for (const raw of events) {
      const ev = toRoomEvent(raw);
      if (ev) for (const fn of this.listeners.event) fn(ev);
    }
  }

  /** Page the event log after our position; optionally subscribe again afterwards. */
  private async catchUp(roomId: string, thenSubscribe: boolean) {
    const r = this.rooms.get(roomId);
    if (!r) return;
    if (thenSubscribe) r.resubscribeAfterFetch = true;
    if (r.fetching || !r.seq.anchored) return;
    r.fetching = true;
    let failed = false;
    try {
      for (let page = 0; page < MAX_LOG_PAGES; page++) {
        const after = r.seq.lastSeq ?? 0;
        const events = await this.deps.fetchEvents(roomId, after, LOG_PAGE);
        if (this.rooms.get(roomId) !== r) return;
        const complete = events.length < LOG_PAGE;
        const res = r.seq.acceptLog(events, complete);
        this.emitEvents(res.apply);
        if (complete) break;
      }
    } catch {
      failed = true;
    } finally {
      r.fetching = false;
    }
    if (this.rooms.get(roomId) !== r) return;
    if (failed) {
      if (r.retryTimer) clearTimeout(r.retryTimer);
      r.retryTimer = setTimeout(() => {
        r.retryTimer = null;
        void this.catchUp(roomId, false);
      }, 2000);
      return;
    }
    if (r.resubscribeAfterFetch) {
      r.resubscribeAfterFetch = false;
      if (this.isOpen()) this.sendSubscribe(roomId);
    }
    if (r.seq.hasGap) void this.catchUp(roomId, false);
  }
}
