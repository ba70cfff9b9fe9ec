//! A connection's outbound side: one queue, read directly by the HTTP response body that
//! actix-http writes to the socket.
//!
//! The hub pushes events and ephemeral frames; the session pushes replies, replays and
//! control frames. Nothing sits between the queue and the socket: a delivery costs one
//! push and one wake of the connection's dispatcher, and whatever queued meanwhile goes out
//! in one write. The body keeps each room's gate (the last seq written), so every
//! subscriber gets a room's events once each, in order, after `since`:
//! - at subscribe time the hub pushes `Hold` before answering its cursor C and then
//!   delivers every event after C; the body holds those while the session replays the log
//!   up to C, and `Release` (queued after the replay) lets them through the gate;
//! - a hole in the sequence would mean the hub broke its promise: the body closes the
//!   socket so that the client resumes with `since` rather than missing an event.
//!
//! The session side gets the rare notices (a room was dropped, the connection was killed)
//! through the same shared struct, so an idle socket carries no channels.

mod body;

pub use body::OutboxBody;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use actix_http::ws::CloseReason;
use actix_web::web::Bytes;
use bytestring::ByteString;
use futures_util::task::AtomicWaker;
use uuid::Uuid;

use crate::realtime::frame::EventFrame;

#[derive(Debug)]
pub enum Out {
    /// A log event, shared by every subscriber.
    Event(Arc<EventFrame>),
    /// A frame outside the log (typing, presence, read) for a subscribed room.
    Ephemeral(Uuid, ByteString),
    /// A reply or a replayed event from the session.
    Text(ByteString),
    Ping,
    Pong(Bytes),
    /// The connection subscribed: hold the room's events until `Release`.
    Hold(Uuid),
    /// The replay is written: deliver the room's events after `cursor`.
    Release {
        room_id: Uuid,
        cursor: i64,
    },
    /// Stop delivering the room.
    Forget(Uuid),
    /// The member left the room with the event just queued: that event and any held with it
    /// still go out (after the replay, if one is running), then the room stops.
    Leave(Uuid),
    Close(CloseReason),
}

/// Something the session must act on.
#[derive(Debug, PartialEq)]
pub enum Notice {
    /// The hub stopped delivering this room (the member left or was kicked).
    Dropped(Uuid),
    /// Close the connection with this reason.
    Kill(String),
}

#[derive(Debug, PartialEq)]
pub enum PushError {
    Full,
    Closed,
}

#[derive(Default)]
struct SessionInbox {
    dropped: Vec<Uuid>,
    kill: Option<String>,
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Out>,
    /// Queued items offered by the hub (events and ephemeral frames): what the capacity
    /// bounds. Replies and replays are bounded by the session itself.
    offered: usize,
}

fn offered(out: &Out) -> bool {
    matches!(out, Out::Event(_) | Out::Ephemeral(..))
}

pub struct Outbox {
    queue: Mutex<Queue>,
    body_waker: AtomicWaker,
    inbox: Mutex<SessionInbox>,
    session_waker: AtomicWaker,
    /// The body is gone (the socket closed): pushes are pointless.
    closed: AtomicBool,
    capacity: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves plain data behind: keep going.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Outbox {
    pub fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Self {
            queue: Mutex::new(Queue::default()),
            body_waker: AtomicWaker::new(),
            inbox: Mutex::new(SessionInbox::default()),
            session_waker: AtomicWaker::new(),
            closed: AtomicBool::new(false),
            capacity,
        })
    }

    /// For the hub's events and ephemeral frames: refuses when the client has fallen
    /// `capacity` of them behind, and then drops the backlog too: the hub closes such a
    /// connection and its client resumes with `since`, so the close frame should not wait
    /// behind frames the client will get again anyway.
    pub fn offer(&self, out: Out) -> Result<(), PushError> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(PushError::Closed);
        }
        {
            let mut queue = lock(&self.queue);
            if queue.offered >= self.capacity {
                *queue = Queue::default();
                return Err(PushError::Full);
            }
            queue.offered += usize::from(offered(&out));
            queue.items.push_back(out);
        }
        self.body_waker.wake();
        Ok(())
    }

    /// For the session and for control frames: never refused for being full.
    pub fn push(&self, out: Out) {
        if self.closed.load(Ordering::Relaxed) {
            return;
        }
        {
            let mut queue = lock(&self.queue);
            queue.offered += usize::from(offered(&out));
            queue.items.push_back(out);
        }
        self.body_waker.wake();
    }

    pub fn text(&self, text: impl Into<ByteString>) {
        self.push(Out::Text(text.into()));
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    pub fn notify_dropped(&self, room_id: Uuid) {
        lock(&self.inbox).dropped.push(room_id);
        self.session_waker.wake();
    }

    pub fn notify_kill(&self, reason: &str) {
        lock(&self.inbox).kill.get_or_insert_with(|| reason.to_owned());
        self.session_waker.wake();
    }

    pub fn poll_notice(&self, cx: &mut Context<'_>) -> Poll<Notice> {
        self.session_waker.register(cx.waker());
        let mut inbox = lock(&self.inbox);
        if let Some(reason) = inbox.kill.take() {
            return Poll::Ready(Notice::Kill(reason));
        }
        match inbox.dropped.pop() {
            Some(room_id) => Poll::Ready(Notice::Dropped(room_id)),
            None => Poll::Pending,
        }
    }

    pub async fn notice(&self) -> Notice {
        std::future::poll_fn(|cx| self.poll_notice(cx)).await
    }
}
