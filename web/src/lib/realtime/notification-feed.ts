// My notifications stream on the socket (`subscribe_notifications`): subscribed after each
// hello with `since` = the highest seq seen (frames and reads share the feed's seq), so a
// reconnect misses nothing; anchored on the `ok` when nothing was seen yet; started over
// from the server's head on resync_required. RealtimeClient owns one and routes frames here.
import type { ClientFrame, ErrorFrame, MessageUnlockedFrame, NotificationFrame, NotificationsReadFrame, OkFrame } from "./frames";

export interface FeedEvents {
  /** A new or coalesced notification of mine. */
  notification(frame: NotificationFrame): void;
  /** Notifications of mine read elsewhere (another tab, or reading the room). */
  notificationsRead(frame: NotificationsReadFrame): void;
  /** A pay-per-view message is open to me (bought, or edited since): fetch it. */
  messageUnlocked(frame: MessageUnlockedFrame): void;
  /**
   * The server acknowledged the subscription (at start, after each reconnect, after a
   * resync): what was fetched over REST before may be stale and should be fetched again.
   */
  notificationsSubscribed(lastSeq: number | null): void;
}

export interface FeedSocket {
  /** Sends when the socket is open; false otherwise. */
  send(frame: ClientFrame): boolean;
  isOpen(): boolean;
  nextRef(): string;
}

const RETRY_MS = 2000;

export class NotificationFeed {
  private followers = 0;
  private seqSeen: number | null = null;
  /** The `ref` of the subscribe awaiting its answer. */
  private pendingRef: string | null = null;
  private acknowledged = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly socket: FeedSocket,
    private readonly events: FeedEvents,
  ) {}

  /** The highest feed seq seen (frames or the subscribe answer). */
  get seq(): number | null {
    return this.seqSeen;
  }

  /** Followed on the current socket: frames arrive as they happen. */
  get live(): boolean {
    return this.acknowledged && this.followers > 0 && this.socket.isOpen();
  }

  follow(): () => void {
    this.followers += 1;
    if (this.followers === 1 && this.socket.isOpen()) this.subscribe();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The server keeps sending until the socket closes; frames are dropped meanwhile.
      this.followers -= 1;
    };
  }

  /** The socket said hello. */
  onOpen() {
    if (this.followers > 0) this.subscribe();
  }

  onClosed() {
    this.acknowledged = false;
    this.pendingRef = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** True when the frame answered our subscribe. */
  onOk(f: OkFrame): boolean {
    if (this.pendingRef === null || f.ref !== this.pendingRef) return false;
    this.pendingRef = null;
    this.acknowledged = true;
    const head = typeof f.last_seq === "number" ? f.last_seq : null;
    if (this.seqSeen === null && head !== null) this.seqSeen = head;
    this.events.notificationsSubscribed(head);
    return true;
  }

  /** True when the frame refused our subscribe. */
  onError(f: ErrorFrame): boolean {
    if (this.pendingRef === null || f.ref !== this.pendingRef) return false;
    this.pendingRef = null;
    if (f.code === "resync_required" && typeof f.last_seq === "number") {
      // Too much missed to replay: from the head on (the `ok` makes the app refetch).
      this.seqSeen = f.last_seq;
      this.subscribe();
    } else {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.followers > 0 && this.socket.isOpen()) this.subscribe();
      }, RETRY_MS);
    }
    return true;
  }

  onNotification(f: NotificationFrame) {
    this.see(f.seq);
    if (this.followers > 0) this.events.notification(f);
  }

  onRead(f: NotificationsReadFrame) {
    this.see(f.seq);
    if (this.followers > 0) this.events.notificationsRead(f);
  }

  onUnlocked(f: MessageUnlockedFrame) {
    this.see(f.seq);
    if (this.followers > 0) this.events.messageUnlocked(f);
  }

  private subscribe() {
    const ref = this.socket.nextRef();
    const frame: ClientFrame = { type: "subscribe_notifications", ref };
    if (this.seqSeen !== null) frame.since = this.seqSeen;
    if (this.socket.send(frame)) this.pendingRef = ref;
  }

  private see(seq: number) {
    if (this.seqSeen === null || seq > this.seqSeen) this.seqSeen = seq;
  }
}
