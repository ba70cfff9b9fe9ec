// Every WebSocket frame and room-event type, in one module.
//
// Message and Room payloads come from the generated OpenAPI types (../api/types derives
// them from schema.d.ts). The frame envelopes and the small reaction/member payloads are
// written by hand until the API document describes them; when it does, this module's
// hand-written unions are swapped for the generated ones and nothing else has to change.
import type { Member, Message, Room } from "../api/types";

// ---- room events: the payload of an `event` frame and the items of the event log ------

/** `reaction.added` / `reaction.removed`: `count` is the emoji's new total on the message. */
export interface ReactionEventData {
  message_id: string;
  emoji: string;
  user_id: string;
  count: number;
}

/** `left` or `kicked` on member.left, `role_changed` on member.joined. */
export type MemberLeaveReason = "left" | "kicked" | "role_changed";

/** `member.joined` / `member.left`. */
export interface MemberEventData {
  user_id: string;
  role: Member["role"];
  reason?: MemberLeaveReason;
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

/** The server echoes the client's `ref` (null when the frame had none). */
type Ref = string | null;

export interface HelloFrame {
  type: "hello";
  user_id: string;
  connection_id?: string;
  instance?: string;
  heartbeat_s?: number;
}

/** Answer to a client frame; which fields are present depends on the command answered. */
export interface OkFrame {
  type: "ok";
  ref?: Ref;
  /** subscribe, unsubscribe, typing, read. */
  room_id?: string;
  /** subscribe: the room's log head. */
  last_seq?: number;
  /** send, edit, delete, react, unreact. */
  message?: Message;
  /** send: the client_msg_id had been used (the first message is returned). */
  duplicate?: boolean;
  /** read. */
  last_read_seq?: number;
  /** auth: the new credential's expiry (Unix seconds). */
  expires_at?: number;
}

/** `resync_required` (with `room_id`) asks the client to page the event log, then subscribe again. */
export interface ErrorFrame {
  type: "error";
  ref?: Ref;
  code: string;
  message?: string;
  room_id?: string;
  /** resync_required: the room's log head. */
  last_seq?: number;
}

export interface PongFrame {
  type: "pong";
  ref?: Ref;
}

export type EventFrame = { type: "event" } & SeqEvent;

export interface TypingFrame {
  type: "typing";
  room_id: string;
  user_id: string;
}

export interface PresenceFrame {
  type: "presence";
  room_id: string;
  online: string[];
}

export interface ReadFrame {
  type: "read";
  room_id: string;
  user_id: string;
  seq: number;
}

/** Frames outside the log: whoever misses one misses nothing durable. */
export type EphemeralFrame = TypingFrame | PresenceFrame | ReadFrame;

export type ServerFrame = HelloFrame | OkFrame | ErrorFrame | PongFrame | EventFrame | EphemeralFrame;

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
    default:
      return false;
  }
}

// ---- frames the client sends ----------------------------------------------------------

/**
 * `subscribe.since`: resume after this seq (omitted: from the server's current position).
 * The app posts, edits and reacts over REST; the socket's forms of those are listed for
 * completeness.
 */
export type ClientFrame =
  | { type: "subscribe"; room_id: string; since?: number; ref?: string }
  | { type: "unsubscribe"; room_id: string; ref?: string }
  | { type: "send"; room_id: string; client_msg_id: string; body: string; reply_to?: string; ref?: string }
  | { type: "edit"; message_id: string; body: string; ref?: string }
  | { type: "delete"; message_id: string; ref?: string }
  | { type: "react" | "unreact"; message_id: string; emoji: string; ref?: string }
  | { type: "typing"; room_id: string; ref?: string }
  | { type: "read"; room_id: string; seq: number; ref?: string }
  | { type: "ping"; ref?: string }
  | { type: "auth"; token: string; ref?: string };
