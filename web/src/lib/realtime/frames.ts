// Every WebSocket frame and room-event type, in one module, from the API contract: the
// frame types are the OpenAPI document's `ServerFrame` / `ClientFrame` components (the same
// types the AsyncAPI document is generated from), and event payloads are its `Message`,
// `Room`, `ReactionEvent`, `MemberEvent`, `TipEvent`, `SessionView` and `SessionNoteView`. Only the per-kind `data` map is written here,
// because the document types `data` as any object.
import type { components } from "../api/schema";
import type { Message, MessageUnlockedFrame, NotificationFrame, NotificationsReadFrame, Room, Session, SessionNote } from "../api/types";

type Schemas = components["schemas"];

// ---- room events: the payload of an `event` frame and the items of the event log ------

/** `reaction.added` / `reaction.removed`: `count` is the emoji's new total on the message. */
export type ReactionEventData = Schemas["ReactionEvent"];

/** `left` or `kicked` on member.left, `role_changed` on member.joined. */
export type MemberLeaveReason = Schemas["MemberReason"];

/** `member.joined` / `member.left`. */
export type MemberEventData = Schemas["MemberEvent"];

/** `tip.received`: a tip paid in the room. */
export type TipReceivedData = Schemas["TipEvent"];

/**
 * `session.participant_joined` / `session.participant_left`: someone's attendance of a live
 * session opened or closed (the document has no component for it: written here).
 */
export interface SessionParticipantData {
  session_id: string;
  user_id: string;
  at: string;
}

/** `session.deleted`: a session that had not run is gone. */
export interface SessionDeletedData {
  id: string;
  room_id: string;
}

/** `session.note_deleted`: a shared note gone. */
export interface SessionNoteDeletedData {
  id: string;
  session_id: string;
}

/** What each event kind carries in `data`. */
export interface RoomEventDataByKind {
  "message.created": Message;
  "message.updated": Message;
  /** The message as deleted (empty body, `deleted: true`). */
  "message.deleted": Message;
  "room.updated": Room;
  "reaction.added": ReactionEventData;
  "reaction.removed": ReactionEventData;
  "member.joined": MemberEventData;
  "member.left": MemberEventData;
  "tip.received": TipReceivedData;
  "session.scheduled": Session;
  "session.updated": Session;
  "session.deleted": SessionDeletedData;
  "session.started": Session;
  "session.ended": Session;
  "session.participant_joined": SessionParticipantData;
  "session.participant_left": SessionParticipantData;
  /** Shared notes only (private ones never leave their author). */
  "session.note_created": SessionNote;
  "session.note_updated": SessionNote;
  "session.note_deleted": SessionNoteDeletedData;
}

export type RoomEventKind = keyof RoomEventDataByKind;

interface Sequenced {
  room_id: string;
  /** Position in the room's log: 1, 2, 3… */
  seq: number;
}

/**
 * An event as the sequencer handles it: any kind (a newer server may add kinds, whose
 * seqs must still be counted) and a payload not looked at yet.
 */
export interface SeqEvent extends Sequenced {
  event: string;
  data: unknown;
}

/** A room event of a known kind: switch on `event` to get `data` typed. */
export type RoomEvent = {
  [K in RoomEventKind]: Sequenced & { event: K; data: RoomEventDataByKind[K] };
}[RoomEventKind];

// A Record over every kind, so adding a kind above without listing it here fails to compile.
const KINDS: Record<RoomEventKind, true> = {
  "message.created": true,
  "message.updated": true,
  "message.deleted": true,
  "room.updated": true,
  "reaction.added": true,
  "reaction.removed": true,
  "member.joined": true,
  "member.left": true,
  "tip.received": true,
  "session.scheduled": true,
  "session.updated": true,
  "session.deleted": true,
  "session.started": true,
  "session.ended": true,
  "session.participant_joined": true,
  "session.participant_left": true,
  "session.note_created": true,
  "session.note_updated": true,
  "session.note_deleted": true,
};

export function isRoomEventKind(kind: string): kind is RoomEventKind {
  return Object.prototype.hasOwnProperty.call(KINDS, kind);
}

/**
 * The typed view of a sequenced event, or null for a kind this client does not know (or
 * a payload that is not an object). The payload's fields are the server's contract for
 * its kind and are not checked one by one: this is the single place that trusts them.
 */
export function toRoomEvent(ev: SeqEvent): RoomEvent | null {
  if (!isRoomEventKind(ev.event) || !ev.data || typeof ev.data !== "object") return null;
  return ev as RoomEvent;
}

// ---- frames the server sends ----------------------------------------------------------

type Frame<T extends Schemas["ServerFrame"]["type"]> = Extract<Schemas["ServerFrame"], { type: T }>;

export type HelloFrame = Frame<"hello">;
/** Answer to a client frame; which fields are present depends on the command answered. */
export type OkFrame = Frame<"ok">;
/** `resync_required` (with `room_id`) asks the client to page the event log, then subscribe again. */
export type ErrorFrame = Frame<"error">;
export type PongFrame = Frame<"pong">;
/** An event frame as the sequencer takes it: kinds it does not know still count. */
export type EventFrame = Omit<Frame<"event">, "event" | "data"> & SeqEvent & { type: "event" };
export type TypingFrame = Frame<"typing">;
export type PresenceFrame = Frame<"presence">;
export type ReadFrame = Frame<"read">;

/** Frames outside the log: whoever misses one misses nothing durable. */
export type EphemeralFrame = TypingFrame | PresenceFrame | ReadFrame;

/** My notifications stream (after `subscribe_notifications`); types in ../api/types. */
export type { MessageUnlockedFrame, NotificationFrame, NotificationsReadFrame };

export type ServerFrame =
  | HelloFrame
  | OkFrame
  | ErrorFrame
  | PongFrame
  | EventFrame
  | EphemeralFrame
  | NotificationFrame
  | NotificationsReadFrame
  | MessageUnlockedFrame;

/** Parse one text frame; anything malformed or unrecognised is null and ignored. */
export function parseServerFrame(text: string): ServerFrame | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  return v && typeof v === "object" && hasFrameShape(v as Record<string, unknown>) ? (v as ServerFrame) : null;
}

/** The fields the client relies on, per frame type. */
function hasFrameShape(f: Record<string, unknown>): boolean {
  switch (f.type) {
    case "hello":
    case "ok":
    case "pong":
      return true;
    case "error":
      return typeof f.code === "string";
    case "event":
      return typeof f.room_id === "string" && typeof f.seq === "number" && typeof f.event === "string";
    case "typing":
      return typeof f.room_id === "string" && typeof f.user_id === "string";
    case "presence":
      return typeof f.room_id === "string" && Array.isArray(f.online);
    case "read":
      return typeof f.room_id === "string" && typeof f.seq === "number";
    case "notification": {
      const n = f.notification as Record<string, unknown> | null | undefined;
      return typeof f.seq === "number" && !!n && typeof n === "object" && typeof n.id === "string";
    }
    case "notifications_read":
      return typeof f.seq === "number" && Array.isArray(f.ids);
    case "message_unlocked":
      return (
        typeof f.seq === "number" &&
        typeof f.room_id === "string" &&
        typeof f.message_id === "string" &&
        typeof f.message_seq === "number"
      );
    default:
      return false;
  }
}

// ---- frames the client sends ----------------------------------------------------------

/**
 * What the client may send (`subscribe.since`: resume after this seq; omitted: from the
 * server's current position). The app posts, edits and reacts over REST.
 */
export type ClientFrame = Schemas["ClientFrame"];
