//! The hub: one task that owns this instance's connection and room maps.
//!
//! Design: per room, the hub keeps a gate (`gate`: the last seq delivered to the room's local
//! subscribers and a small reorder buffer). Events from any source (this instance's
//! commits, Redis, back-fills from the database) go through the same gate: a seq at or
//! below the cursor is a duplicate and dropped; the next seq is delivered; a later one is
//! buffered and, if the hole persists for `GAP_GRACE`, filled from `room_events`. That is
//! always complete, because a room's seqs are assigned under its row lock, so when seq N
//! is committed every seq below N is committed too. A periodic tail check catches a lost
//! last event (nothing after it to reveal the hole).
//!
//! Each connection has a bounded outbox (see `outbox`); the hub never waits on it. A
//! connection whose outbox is full is closed with a reason, and its client resumes with
//! `since`. The hub reaches the bus only through `RoomSubscriptions`, so the bus (which
//! delivers into the hub) and the hub do not name each other.

mod gate;
mod handle;
mod source;
mod tail;

pub use handle::{channel, HubHandle, HubStats, HubTask};

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use self::gate::Gate;
use self::handle::Command;
use crate::platform::db::DbPool;
use crate::platform::events::Control;
use crate::platform::tasks::Tasks;
use crate::realtime::frame::{ConnId, EventFrame};
use crate::realtime::outbox::{Out, Outbox, PushError};

/// How long a hole in a room's sequence may wait for the missing event to arrive by
/// pub/sub before it is read from the database.
const GAP_GRACE: Duration = Duration::from_millis(25);
const BACKFILL_LIMIT: i64 = 1000;

/// How the hub asks for a room's events from other instances (the bus implements it).
pub trait RoomSubscriptions: Send + Sync + 'static {
    /// Resolves once the room's events published from now on will reach the hub.
    fn subscribe_room(&self, room_id: Uuid) -> BoxFuture<'static, ()>;
    fn unsubscribe_room(&self, room_id: Uuid);
}

struct ConnEntry {
    user_id: Uuid,
    session_id: Option<String>,
    outbox: Arc<Outbox>,
    rooms: HashSet<Uuid>,
}

#[derive(Default)]
struct RoomEntry {
    gate: Gate,
    subs: HashSet<ConnId>,
    waiting: Vec<(ConnId, oneshot::Sender<Result<i64, String>>)>,
    backfilling: bool,
    gap_timer: bool,
    /// A user's notification feed rather than a room.
    feed: bool,
}

struct Hub {
    conns: HashMap<ConnId, ConnEntry>,
    rooms: HashMap<Uuid, RoomEntry>,
    tx: mpsc::UnboundedSender<Command>,
    db: DbPool,
    subscriptions: Arc<dyn RoomSubscriptions>,
}

impl HubTask {
    pub fn spawn(self, db: DbPool, subscriptions: Arc<dyn RoomSubscriptions>, tasks: &Tasks) {
        let hub = Hub {
            conns: HashMap::new(),
            rooms: HashMap::new(),
            tx: self.tx.clone(),
            db: db.clone(),
            subscriptions,
        };
        tasks.spawn(hub.run(self.rx, tasks.stopping().clone()));
        tasks.spawn(tail::check(HubHandle { tx: self.tx }, db, tasks.stopping().clone()));
    }
}

impl Hub {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>, stop: CancellationToken) {
        loop {
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(cmd) => self.handle(cmd),
                    None => return,
                },
                _ = stop.cancelled() => return,
            }
        }
    }

    fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::Register {
                conn,
                user_id,
                session_id,
                outbox,
            } => {
                self.conns.insert(
                    conn,
                    ConnEntry {
                        user_id,
                        session_id,
                        outbox,
                        rooms: HashSet::new(),
                    },
                );
            }
            Command::Unregister { conn } => {
                if let Some(entry) = self.conns.remove(&conn) {
                    for room_id in entry.rooms {
                        self.leave_room(conn, room_id);
                    }
                }
            }
            Command::Subscribe {
                conn,
                room_id,
                feed,
                reply,
            } => self.subscribe(conn, room_id, feed, reply),
            Command::Unsubscribe { conn, room_id } => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.rooms.remove(&room_id);
                }
                self.leave_room(conn, room_id);
            }
            Command::Events(frames) => {
                for f in frames {
                    self.accept(f);
                }
            }
            Command::Ephemeral { room_id, frame } => {
                let subs: Vec<ConnId> = match self.rooms.get(&room_id) {
                    Some(room) => room.subs.iter().copied().collect(),
                    None => return,
                };
                for conn in subs {
                    self.push(conn, Out::Ephemeral(room_id, frame.clone()));
                }
            }
            Command::RoomReady { room_id, head } => self.room_ready(room_id, head),
            Command::Backfilled { room_id, events } => {
                let Some(room) = self.rooms.get_mut(&room_id) else {
                    return;
                };
                room.backfilling = false;
                match events {
                    Some(events) => {
                        for f in events {
                            self.accept(f);
                        }
                    }
                    None => self.arm_gap_timer(room_id),
                }
            }
            Command::GapCheck { room_id } => {
                let Some(room) = self.rooms.get_mut(&room_id) else {
                    return;
                };
                room.gap_timer = false;
                if room.gate.has_gap() {
                    self.backfill(room_id);
                }
            }
            Command::Heads(heads) => {
                for (room_id, head) in heads {
                    let behind = self
                        .rooms
                        .get(&room_id)
                        .and_then(|r| r.gate.cursor())
                        .is_some_and(|c| c < head);
                    if behind {
                        self.backfill(room_id);
                    }
                }
            }
            Command::WatchedRooms(reply) => {
                let _ = reply.send(
                    self.rooms
                        .iter()
                        .filter(|(_, r)| r.gate.cursor().is_some())
                        .map(|(id, r)| (*id, r.feed))
                        .collect(),
                );
            }
            Command::ResyncAll => {
                let ids: Vec<Uuid> = self.rooms.keys().copied().collect();
                for room_id in ids {
                    self.backfill(room_id);
                }
            }
            Command::Control(control) => {
                let victims: Vec<ConnId> = self
                    .conns
                    .iter()
                    .filter(|(_, c)| match &control {
                        Control::CloseUser { user_id } => c.user_id == *user_id,
                        Control::CloseSession { session_id } => c.session_id.as_deref() == Some(session_id.as_str()),
                    })
                    .map(|(id, _)| *id)
                    .collect();
                let reason = match control {
                    Control::CloseUser { .. } => "user deleted",
                    Control::CloseSession { .. } => "session ended",
                };
                for conn in victims {
                    self.kill(conn, reason);
                }
            }
            Command::Stats(reply) => {
                let _ = reply.send(HubStats {
                    connections: self.conns.len(),
                    rooms: self.rooms.len(),
                });
            }
        }
    }

    fn subscribe(&mut self, conn: ConnId, room_id: Uuid, feed: bool, reply: oneshot::Sender<Result<i64, String>>) {
        let Some(c) = self.conns.get_mut(&conn) else {
            let _ = reply.send(Err("connection closed".into()));
            return;
        };
        c.rooms.insert(room_id);
        c.outbox.push(Out::Hold(room_id));
        let fresh = !self.rooms.contains_key(&room_id);
        let room = self.rooms.entry(room_id).or_default();
        room.feed = feed;
        match room.gate.cursor() {
            Some(cursor) => {
                room.subs.insert(conn);
                let _ = reply.send(Ok(cursor));
            }
            None => room.waiting.push((conn, reply)),
        }
        if fresh {
            // Subscribe to the bus first, then read the head: any event committed after
            // that read is published after it, so it reaches us.
            let subscribed = self.subscriptions.subscribe_room(room_id);
            let (db, tx) = (self.db.clone(), self.tx.clone());
            tokio::spawn(async move {
                subscribed.await;
                let head = source::head(&db, room_id, feed).await;
                let _ = tx.send(Command::RoomReady { room_id, head });
            });
        }
    }

    fn room_ready(&mut self, room_id: Uuid, head: Result<i64, String>) {
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return;
        };
        let waiting = std::mem::take(&mut room.waiting);
        match head {
            Ok(head) => {
                let ready = room.gate.open(head);
                for (conn, reply) in waiting {
                    if self.conns.contains_key(&conn) {
                        room.subs.insert(conn);
                        let _ = reply.send(Ok(head));
                    }
                }
                self.delivered(room_id, ready);
                if self.rooms.get(&room_id).is_some_and(|r| r.subs.is_empty()) {
                    self.drop_room(room_id);
                }
            }
            Err(e) => {
                for (conn, reply) in waiting {
                    if let Some(c) = self.conns.get_mut(&conn) {
                        c.rooms.remove(&room_id);
                    }
                    let _ = reply.send(Err(e.clone()));
                }
                self.drop_room(room_id);
            }
        }
    }

    /// The ordering gate: drop duplicates, deliver in order, buffer what is early.
    fn accept(&mut self, frame: EventFrame) {
        let room_id = frame.room_id;
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return;
        };
        let ready = room.gate.accept(frame);
        self.delivered(room_id, ready);
    }

    /// Delivers what the gate let through, and arms the gap timer if it still holds some.
    fn delivered(&mut self, room_id: Uuid, ready: Vec<EventFrame>) {
        for f in ready {
            self.deliver(f);
        }
        if self.rooms.get(&room_id).is_some_and(|r| r.gate.has_gap()) {
            self.arm_gap_timer(room_id);
        }
    }

    fn deliver(&mut self, frame: EventFrame) {
        let Some(room) = self.rooms.get(&frame.room_id) else {
            return;
        };
        let frame = Arc::new(frame);
        let subs: Vec<ConnId> = room.subs.iter().copied().collect();
        let room_id = frame.room_id;
        let left = frame.left_user;
        for conn in subs {
            self.push(conn, Out::Event(frame.clone()));
            // A member who left (or was kicked) sees that event, then nothing more of the room.
            if let Some(left) = left {
                if let Some(c) = self.conns.get_mut(&conn).filter(|c| c.user_id == left) {
                    c.rooms.remove(&room_id);
                    c.outbox.push(Out::Leave(room_id));
                    c.outbox.notify_dropped(room_id);
                    self.leave_room(conn, room_id);
                }
            }
        }
    }

    fn push(&mut self, conn: ConnId, out: Out) {
        let Some(c) = self.conns.get(&conn) else { return };
        match c.outbox.offer(out) {
            Ok(()) | Err(PushError::Closed) => {}
            Err(PushError::Full) => self.kill(conn, "overflow: the client reads too slowly; reconnect with since"),
        }
    }

    /// Stops delivering to a connection and asks its session to close with a reason.
    fn kill(&mut self, conn: ConnId, reason: &str) {
        let Some(c) = self.conns.get_mut(&conn) else { return };
        c.outbox.notify_kill(reason);
        let rooms: Vec<Uuid> = c.rooms.drain().collect();
        for room_id in rooms {
            self.leave_room(conn, room_id);
        }
    }

    fn leave_room(&mut self, conn: ConnId, room_id: Uuid) {
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return;
        };
        room.subs.remove(&conn);
        room.waiting.retain(|(c, _)| *c != conn);
        if room.subs.is_empty() && room.waiting.is_empty() && room.gate.cursor().is_some() {
            self.drop_room(room_id);
        }
    }

    fn drop_room(&mut self, room_id: Uuid) {
        self.rooms.remove(&room_id);
        self.subscriptions.unsubscribe_room(room_id);
    }

    fn arm_gap_timer(&mut self, room_id: Uuid) {
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return;
        };
        if room.gap_timer || room.backfilling {
            return;
        }
        room.gap_timer = true;
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(GAP_GRACE).await;
            let _ = tx.send(Command::GapCheck { room_id });
        });
    }

    fn backfill(&mut self, room_id: Uuid) {
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return;
        };
        let Some(cursor) = room.gate.cursor() else { return };
        if room.backfilling {
            return;
        }
        room.backfilling = true;
        let feed = room.feed;
        let (db, tx) = (self.db.clone(), self.tx.clone());
        tokio::spawn(async move {
            let events = source::after(&db, room_id, feed, cursor, BACKFILL_LIMIT).await;
            let _ = tx.send(Command::Backfilled { room_id, events });
        });
    }
}
