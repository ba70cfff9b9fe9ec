//! The WebSocket protocol's frames, typed: what a client may send and what the server
//! sends. These types are the contract: the AsyncAPI document (`openapi/asyncapi.yaml`)
//! is generated from their schemas, and a test fails when a frame is missing from it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::features::messages::validate::{ClientMsgId, MessageText, PpvRequest};
use crate::features::messages::views::MessageView;
use crate::features::notifications::views::NotificationView;
use crate::features::notifications::Mentions;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::EventKind;

/// Largest client frame acted on; larger ones get a `too_large` error.
pub const MAX_FRAME: usize = 64 * 1024;

/// A frame from the client. Any frame may carry `ref` (any JSON value), echoed in its reply.
/// Replies to one socket's `send` frames to one room are committed in the order the frames
/// were sent, even when the client does not wait for each `ok` (pipelining).
#[derive(Deserialize, ToSchema, Debug)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// Start receiving a room's events (members only): replies `ok {room_id, last_seq}`,
    /// then every event after `since` in order, then live events.
    Subscribe {
        room_id: Uuid,
        /// The last seq the client has; absent = from now on.
        #[schema(minimum = 0, maximum = 9007199254740991_i64)]
        #[serde(default, deserialize_with = "crate::platform::validate::opt_integer")]
        since: Option<i64>,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    Unsubscribe {
        room_id: Uuid,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    /// Post a message: replies `ok {message, duplicate}` after the commit.
    Send {
        room_id: Uuid,
        /// Idempotency key: a retry returns the first message with `duplicate: true`.
        client_msg_id: ClientMsgId,
        /// The text; may be left out when the message carries attachments.
        body: Option<MessageText>,
        reply_to: Option<Uuid>,
        /// Members to notify (at most 50), and `room: true` for @room (owners and
        /// moderators, rooms of at most 1,000 members).
        #[serde(default, deserialize_with = "crate::platform::json::opt_object")]
        mentions: Option<Mentions>,
        /// Up to 10 of the sender's own uploads (purpose `attachment`), as on REST.
        #[schema(max_items = 10)]
        attachment_ids: Option<Vec<Uuid>>,
        /// Pay-per-view, as on REST.
        ppv: Option<PpvRequest>,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    Edit {
        message_id: Uuid,
        body: MessageText,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    Delete {
        message_id: Uuid,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    React {
        message_id: Uuid,
        /// One emoji or a `:short_name:` (as in the REST path).
        #[schema(max_length = 34)]
        emoji: String,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    Unreact {
        message_id: Uuid,
        #[schema(max_length = 34)]
        emoji: String,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    /// Tell the room's subscribers the caller is typing (at most once per 2 s per room).
    Typing {
        room_id: Uuid,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    /// Move the read marker: replies `ok {room_id, last_read_seq}`.
    Read {
        room_id: Uuid,
        #[schema(minimum = 0, maximum = 9007199254740991_i64)]
        #[serde(deserialize_with = "crate::platform::validate::integer")]
        seq: i64,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    Ping {
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    /// Say which subscribed room this socket shows (null: none). No push is sent for a room
    /// while one of its user's sockets shows it. Replies `ok {room_id}`.
    View {
        room_id: Option<Uuid>,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    /// Start receiving the caller's notification feed: replies `ok {last_seq}`, then every
    /// feed change after `since` in seq order with no gap, then live changes.
    SubscribeNotifications {
        /// The last feed seq the client has; absent = from now on.
        #[schema(minimum = 0, maximum = 9007199254740991_i64)]
        #[serde(default, deserialize_with = "crate::platform::validate::opt_integer")]
        since: Option<i64>,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
    /// Refresh the socket's credential in-band (same user): replies `ok {expires_at}`.
    Auth {
        token: String,
        #[serde(rename = "ref")]
        #[schema(value_type = Option<Value>)]
        reference: Option<Value>,
    },
}

impl ClientFrame {
    /// The client's `ref`, echoed in the reply (null when absent).
    pub fn take_reference(&mut self) -> Value {
        let (ClientFrame::Subscribe { reference, .. }
        | ClientFrame::Unsubscribe { reference, .. }
        | ClientFrame::Send { reference, .. }
        | ClientFrame::Edit { reference, .. }
        | ClientFrame::Delete { reference, .. }
        | ClientFrame::React { reference, .. }
        | ClientFrame::Unreact { reference, .. }
        | ClientFrame::Typing { reference, .. }
        | ClientFrame::Read { reference, .. }
        | ClientFrame::Ping { reference, .. }
        | ClientFrame::SubscribeNotifications { reference, .. }
        | ClientFrame::View { reference, .. }
        | ClientFrame::Auth { reference, .. }) = self;
        reference.take().unwrap_or(Value::Null)
    }
}

/// A successful reply; which fields are present depends on the command answered.
#[derive(Serialize, Deserialize, ToSchema, Debug, Default, Clone)]
pub struct OkReply {
    /// The client's `ref`, or null.
    #[serde(rename = "ref")]
    #[schema(value_type = Value)]
    pub reference: Value,
    /// subscribe, unsubscribe, typing, read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<Uuid>,
    /// subscribe: the room's log head; events after `since` up to it are replayed next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<i64>,
    /// send, edit, delete, react, unreact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<MessageView>,
    /// send: true when `client_msg_id` had been used (the first message is returned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<bool>,
    /// read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_read_seq: Option<i64>,
    /// auth: the new credential's expiry (Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// A refused command or a bad frame. A bad frame never closes the socket.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct ErrorReply {
    #[serde(rename = "ref")]
    #[schema(value_type = Value)]
    pub reference: Value,
    /// `unauthorized`, `forbidden`, `not_found`, `invalid`, `rate_limited`, `too_large`,
    /// `resync_required`, `unavailable` (a dependency is down: retry shortly) or `internal`.
    pub code: ErrorCode,
    pub message: String,
    /// resync_required: the room to page with `GET /v1/rooms/{id}/events`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<Uuid>,
    /// resync_required: the room's log head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<i64>,
}

/// Every frame the server sends.
// A frame is built and serialised at once, never stored: the size of its largest variant
// (a reply carrying a message) costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// The first frame on every socket.
    Hello {
        user_id: Uuid,
        /// Unique across the deployment: the instance's id, `:`, a per-instance counter.
        connection_id: String,
        instance: String,
        heartbeat_s: u64,
    },
    Ok(OkReply),
    Error(ErrorReply),
    Pong {
        #[serde(rename = "ref")]
        #[schema(value_type = Value)]
        reference: Value,
    },
    /// A room log event, delivered in seq order with no gap. `data` by `event`:
    /// message.* → MessageView; room.updated → RoomView; reaction.* → ReactionEvent;
    /// member.* → MemberEvent; note.shared → NoteView; tip.received → TipEvent;
    /// session.scheduled / session.updated / session.started / session.ended →
    /// SessionView; session.deleted → `{id, room_id}`; session.participant_* →
    /// ParticipantEvent; session.note_created / session.note_updated → SessionNoteView
    /// (shared notes only); session.note_deleted → `{id, session_id}`.
    Event {
        room_id: Uuid,
        seq: i64,
        event: EventKind,
        #[schema(value_type = Object)]
        data: Value,
    },
    /// Someone is typing (ephemeral).
    Typing {
        room_id: Uuid,
        user_id: Uuid,
    },
    /// Who is online in the room, on any instance (ephemeral).
    Presence {
        room_id: Uuid,
        online: Vec<Uuid>,
    },
    /// A member's read marker moved (ephemeral).
    Read {
        room_id: Uuid,
        user_id: Uuid,
        seq: i64,
    },
    /// A new or updated (coalesced) notification in the caller's feed, in feed seq order.
    Notification {
        seq: i64,
        notification: NotificationView,
    },
    /// Notifications marked read (elsewhere, or by reading their room), in feed seq order.
    NotificationsRead {
        seq: i64,
        ids: Vec<Uuid>,
    },
    /// A pay-per-view message is open to you, in feed seq order: you bought it, or its author
    /// edited one you may read (its room events are locked for everyone). Fetch it with
    /// `GET /v1/rooms/{room_id}/messages?after={message_seq - 1}&limit=1`.
    MessageUnlocked {
        seq: i64,
        room_id: Uuid,
        message_id: Uuid,
        message_seq: i64,
    },
}

impl ServerFrame {
    pub fn text(&self) -> String {
        serde_json::to_string(self).expect("a server frame serialises")
    }

    pub fn ok(reference: &Value, reply: OkReply) -> String {
        Self::Ok(OkReply {
            reference: reference.clone(),
            ..reply
        })
        .text()
    }

    pub fn error(reference: &Value, code: ErrorCode, message: impl Into<String>) -> String {
        Self::Error(ErrorReply {
            reference: reference.clone(),
            code,
            message: message.into(),
            room_id: None,
            last_seq: None,
        })
        .text()
    }

    /// A failed command: the REST error's code where the socket has it.
    pub fn api_error(reference: &Value, e: &ApiError) -> String {
        e.log_if_internal();
        Self::error(reference, ws_code(e), e.public_message())
    }
}

/// The WebSocket protocol's smaller set of codes, from the REST ones.
pub fn ws_code(e: &ApiError) -> ErrorCode {
    match e.code() {
        ErrorCode::Conflict
        | ErrorCode::UnsupportedMediaType
        | ErrorCode::MethodNotAllowed
        | ErrorCode::QuotaExceeded
        | ErrorCode::Infected => ErrorCode::Invalid,
        code => code,
    }
}

/// The close reasons the server uses, so clients can act on them.
pub mod close {
    pub const RECONNECT: &str = "reconnect";
    pub const IDLE: &str = "idle timeout";
    pub const EXPIRED: &str = "credential expired: send an auth frame before it does";
    pub const SESSION_ENDED: &str = "session ended";
    pub const USER_DELETED: &str = "user deleted";
    pub const OVERFLOW: &str = "overflow: the client reads too slowly; reconnect with since";
    pub const RESYNC: &str = "resync: reconnect with since";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::events::Ephemeral;

    #[test]
    fn ephemeral_frames_serialise_exactly_as_their_server_frames() {
        let (room_id, user_id) = (Uuid::new_v4(), Uuid::new_v4());
        let pairs = [
            (
                Ephemeral::Typing { room_id, user_id },
                ServerFrame::Typing { room_id, user_id },
            ),
            (
                Ephemeral::Presence {
                    room_id,
                    online: vec![user_id],
                },
                ServerFrame::Presence {
                    room_id,
                    online: vec![user_id],
                },
            ),
            (
                Ephemeral::Read {
                    room_id,
                    user_id,
                    seq: 7,
                },
                ServerFrame::Read {
                    room_id,
                    user_id,
                    seq: 7,
                },
            ),
        ];
        for (ephemeral, frame) in pairs {
            assert_eq!(
                serde_json::to_value(&ephemeral).unwrap(),
                serde_json::to_value(&frame).unwrap()
            );
        }
    }

    #[test]
    fn an_event_frame_matches_its_server_frame() {
        let event = crate::platform::events::RoomEvent {
            room_id: Uuid::new_v4(),
            seq: 3,
            kind: EventKind::MemberLeft,
            payload: serde_json::json!({"user_id": Uuid::nil(), "role": "member"}),
            created_at: chrono::Utc::now(),
        };
        let text = crate::realtime::frame::event_text(&event);
        let parsed: ServerFrame = serde_json::from_str(&text).unwrap();
        assert!(matches!(
            parsed,
            ServerFrame::Event {
                seq: 3,
                event: EventKind::MemberLeft,
                ..
            }
        ));
    }

    #[test]
    fn replies_echo_the_ref_and_omit_absent_fields() {
        let text = ServerFrame::ok(
            &serde_json::json!(7),
            OkReply {
                room_id: Some(Uuid::nil()),
                ..Default::default()
            },
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v, serde_json::json!({"type": "ok", "ref": 7, "room_id": Uuid::nil()}));
        let v: Value = serde_json::from_str(&ServerFrame::error(&Value::Null, ErrorCode::Unavailable, "x")).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"type": "error", "ref": null, "code": "unavailable", "message": "x"})
        );
    }
}
