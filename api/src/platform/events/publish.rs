//! Publishing after commit. A write service returns `Committed<T>`: its value plus the log
//! events (and ephemeral frames) its transaction committed. The caller publishes them once
//! the connection is back in the pool; `#[must_use]` makes a forgotten publish a compiler
//! warning instead of a one-second delay (the hub's tail check would still deliver them).

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::log::RoomEvent;

/// Frames outside the log: members who miss them miss nothing durable.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Ephemeral {
    /// Someone is typing in the room (at most one every 2 s per socket).
    Typing { room_id: Uuid, user_id: Uuid },
    /// Who has a socket subscribed to the room, on any instance.
    Presence { room_id: Uuid, online: Vec<Uuid> },
    /// A member's read marker moved.
    Read { room_id: Uuid, user_id: Uuid, seq: i64 },
}

impl Ephemeral {
    pub fn room_id(&self) -> Uuid {
        match self {
            Self::Typing { room_id, .. } | Self::Presence { room_id, .. } | Self::Read { room_id, .. } => *room_id,
        }
    }
}

/// Instructions every instance carries out for its own sockets.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Control {
    CloseUser { user_id: Uuid },
    CloseSession { session_id: String },
}

/// A change of one user's notification feed, with its seq in that user's feed (gap-free,
/// like a room's log): sent as `{"type": kind, "seq": seq, ...data}` to that user's sockets.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub user_id: Uuid,
    pub seq: i64,
    /// `notification`, `notifications_read` or `message_unlocked`.
    pub kind: String,
    /// A JSON object: `{"notification": {...}}` or `{"ids": [...]}`.
    pub data: serde_json::Value,
}

#[derive(Serialize)]
struct FeedWire<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    seq: i64,
    #[serde(flatten)]
    data: &'a serde_json::Value,
}

impl FeedEntry {
    /// The WebSocket text of this entry.
    pub fn text(&self) -> String {
        let wire = FeedWire {
            kind: &self.kind,
            seq: self.seq,
            data: &self.data,
        };
        serde_json::to_string(&wire).expect("a feed entry serialises")
    }
}

/// Where committed events go: this instance's sockets and, with Redis, the others'.
pub trait Publish: Send + Sync {
    fn events<'a>(&'a self, events: &'a [RoomEvent]) -> BoxFuture<'a, ()>;
    /// Users' feed changes, to those users' sockets on every instance.
    fn feed<'a>(&'a self, entries: &'a [FeedEntry]) -> BoxFuture<'a, ()>;
    fn ephemeral(&self, frame: Ephemeral) -> BoxFuture<'_, ()>;
    fn control(&self, control: Control) -> BoxFuture<'_, ()>;
}

/// A committed write's value and what it must publish.
#[must_use = "publish the committed events with `publish` once the connection is released"]
#[derive(Debug)]
pub struct Committed<T> {
    pub value: T,
    pub events: Vec<RoomEvent>,
    pub ephemeral: Vec<Ephemeral>,
    pub feed: Vec<FeedEntry>,
}

impl<T> Committed<T> {
    pub fn new(value: T, events: Vec<RoomEvent>) -> Self {
        Self {
            value,
            events,
            ephemeral: Vec::new(),
            feed: Vec::new(),
        }
    }

    /// A write that changed nothing members must hear about.
    pub fn quiet(value: T) -> Self {
        Self::new(value, Vec::new())
    }

    pub fn with_ephemeral(mut self, frame: Ephemeral) -> Self {
        self.ephemeral.push(frame);
        self
    }

    pub fn with_feed(mut self, entries: Vec<FeedEntry>) -> Self {
        self.feed.extend(entries);
        self
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Committed<U> {
        Committed {
            value: f(self.value),
            events: self.events,
            ephemeral: self.ephemeral,
            feed: self.feed,
        }
    }

    /// Publishes the events, the ephemeral frames, then the feed entries; hands back the value.
    pub async fn publish(self, to: &dyn Publish) -> T {
        if !self.events.is_empty() {
            to.events(&self.events).await;
        }
        for frame in self.ephemeral {
            to.ephemeral(frame).await;
        }
        if !self.feed.is_empty() {
            to.feed(&self.feed).await;
        }
        self.value
    }
}
