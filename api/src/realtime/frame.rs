//! What the realtime modules pass around, with no dependency on any of them: a log event
//! ready to send, and connection ids.

use bytestring::ByteString;
use serde::Serialize;
use uuid::Uuid;

use crate::platform::events::{EventKind, FeedEntry, RoomEvent};

/// A socket on this instance.
pub type ConnId = u64;

/// A log event ready to send: the frame text is built once for all subscribers.
#[derive(Clone, Debug)]
pub struct EventFrame {
    pub room_id: Uuid,
    pub seq: i64,
    /// For `member.left`: that user's sockets stop receiving the room after this event.
    pub left_user: Option<Uuid>,
    pub text: ByteString,
}

/// The `event` server frame (see `protocol::ServerFrame::Event`), borrowed to serialise once.
#[derive(Serialize)]
struct EventWire<'a> {
    #[serde(rename = "type")]
    frame_type: &'static str,
    room_id: Uuid,
    seq: i64,
    event: EventKind,
    data: &'a serde_json::Value,
}

impl EventFrame {
    /// A user's feed entry: the stream keyed by the user's id.
    pub fn from_feed(e: &FeedEntry) -> Self {
        Self {
            room_id: e.user_id,
            seq: e.seq,
            left_user: None,
            text: e.text().into(),
        }
    }

    pub fn from_event(e: &RoomEvent) -> Self {
        let left_user = (e.kind == EventKind::MemberLeft)
            .then(|| e.payload["user_id"].as_str().and_then(|u| u.parse().ok()))
            .flatten();
        Self {
            room_id: e.room_id,
            seq: e.seq,
            left_user,
            text: event_text(e),
        }
    }
}

/// The WebSocket text of an event.
pub fn event_text(e: &RoomEvent) -> ByteString {
    let wire = EventWire {
        frame_type: "event",
        room_id: e.room_id,
        seq: e.seq,
        event: e.kind,
        data: &e.payload,
    };
    serde_json::to_string(&wire).expect("an event frame serialises").into()
}
