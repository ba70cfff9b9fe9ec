//! The hub's handle: every caller talks to the hub by commands on one channel.

use std::sync::Arc;

use bytestring::ByteString;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::platform::events::Control;
use crate::realtime::frame::{ConnId, EventFrame};
use crate::realtime::outbox::Outbox;

pub(super) enum Command {
    Register {
        conn: ConnId,
        user_id: Uuid,
        session_id: Option<String>,
        outbox: Arc<Outbox>,
    },
    Unregister {
        conn: ConnId,
    },
    Subscribe {
        conn: ConnId,
        room_id: Uuid,
        /// The stream is a user's notification feed (keyed by the user's id), not a room.
        feed: bool,
        reply: oneshot::Sender<Result<i64, String>>,
    },
    Unsubscribe {
        conn: ConnId,
        room_id: Uuid,
    },
    Events(Vec<EventFrame>),
    Ephemeral {
        room_id: Uuid,
        frame: ByteString,
    },
    RoomReady {
        room_id: Uuid,
        head: Result<i64, String>,
    },
    Backfilled {
        room_id: Uuid,
        events: Option<Vec<EventFrame>>,
    },
    GapCheck {
        room_id: Uuid,
    },
    Heads(Vec<(Uuid, i64)>),
    WatchedRooms(oneshot::Sender<Vec<(Uuid, bool)>>),
    ResyncAll,
    Control(Control),
    Stats(oneshot::Sender<HubStats>),
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct HubStats {
    pub connections: usize,
    pub rooms: usize,
}

#[derive(Clone)]
pub struct HubHandle {
    pub(super) tx: mpsc::UnboundedSender<Command>,
}

impl HubHandle {
    pub(super) fn send(&self, cmd: Command) {
        // unwrap-free: if the hub is gone the process is shutting down; dropping is fine.
        let _ = self.tx.send(cmd);
    }

    pub fn register(&self, conn: ConnId, user_id: Uuid, session_id: Option<String>, outbox: Arc<Outbox>) {
        self.send(Command::Register {
            conn,
            user_id,
            session_id,
            outbox,
        });
    }

    pub fn unregister(&self, conn: ConnId) {
        self.send(Command::Unregister { conn });
    }

    /// Subscribes a connection; answers the room's cursor C. The connection's outbox gets
    /// `Hold` first, then every event with seq > C in order; the caller replays up to C
    /// and then queues `Release`.
    pub async fn subscribe(&self, conn: ConnId, room_id: Uuid) -> Result<i64, String> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Subscribe {
            conn,
            room_id,
            feed: false,
            reply,
        });
        answer.await.map_err(|_| "hub stopped".to_owned())?
    }

    /// Subscribes a connection to its user's notification feed, exactly like a room: the
    /// outbox gets `Hold(user_id)`, then every entry after the answered cursor.
    pub async fn subscribe_feed(&self, conn: ConnId, user_id: Uuid) -> Result<i64, String> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Subscribe {
            conn,
            room_id: user_id,
            feed: true,
            reply,
        });
        answer.await.map_err(|_| "hub stopped".to_owned())?
    }

    pub fn unsubscribe(&self, conn: ConnId, room_id: Uuid) {
        self.send(Command::Unsubscribe { conn, room_id });
    }

    pub fn events(&self, frames: Vec<EventFrame>) {
        self.send(Command::Events(frames));
    }

    pub fn ephemeral(&self, room_id: Uuid, frame: ByteString) {
        self.send(Command::Ephemeral { room_id, frame });
    }

    pub fn control(&self, control: Control) {
        self.send(Command::Control(control));
    }

    pub fn resync_all(&self) {
        self.send(Command::ResyncAll);
    }

    pub async fn stats(&self) -> Option<HubStats> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Stats(reply));
        answer.await.ok()
    }
}

/// The handle now (the bus delivers into it) and the hub later (it needs the bus's
/// subscriptions), without either module naming the other.
pub fn channel() -> (HubHandle, HubTask) {
    let (tx, rx) = mpsc::unbounded_channel();
    (HubHandle { tx: tx.clone() }, HubTask { rx, tx })
}

pub struct HubTask {
    pub(super) rx: mpsc::UnboundedReceiver<Command>,
    pub(super) tx: mpsc::UnboundedSender<Command>,
}
