//! The WebSocket response body: frames from the outbox, encoded for the wire, through
//! each room's gate (see the parent module).

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_http::ws::{CloseCode, CloseReason, OpCode, Parser};
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::web::{Bytes, BytesMut};
use uuid::Uuid;

use super::{lock, offered, Out, Outbox, Queue};
use crate::realtime::frame::EventFrame;

/// Most frames one poll of the body turns into bytes, so one socket cannot hog the worker.
const FRAMES_PER_POLL: usize = 256;
/// Most events held for one room while its replay runs (the replay itself is capped).
const MAX_HELD: usize = 4096;

enum Gate {
    /// Subscribed, replay running: events wait here. `leaving`: the member left meanwhile,
    /// so the room stops once they are written.
    Holding { held: Vec<Arc<EventFrame>>, leaving: bool },
    /// The last seq written.
    Live(i64),
}

/// The WebSocket response body: frames from the outbox, encoded for the wire.
pub struct OutboxBody {
    outbox: Arc<Outbox>,
    gates: HashMap<Uuid, Gate>,
    buf: BytesMut,
    done: bool,
    /// actix-ws's own body, never polled: dropping it is how its message stream learns
    /// that the connection closed, so it lives exactly as long as this one.
    _upgrade: BoxBody,
}

impl OutboxBody {
    pub fn new(outbox: Arc<Outbox>, upgrade: BoxBody) -> Self {
        Self {
            outbox,
            gates: HashMap::new(),
            buf: BytesMut::new(),
            done: false,
            _upgrade: upgrade,
        }
    }

    fn write_text(&mut self, text: &[u8]) {
        Parser::write_message(&mut self.buf, text, OpCode::Text, true, false);
    }

    /// Applies one queued item; false when the socket must close (it would show a hole in
    /// a room's sequence, or hold too much during a replay).
    fn apply(&mut self, out: Out) -> bool {
        match out {
            Out::Event(frame) => match self.gates.get_mut(&frame.room_id) {
                Some(Gate::Live(last)) => pass_gate(&mut self.buf, last, &frame),
                Some(Gate::Holding { held, .. }) if held.len() < MAX_HELD => {
                    held.push(frame);
                    true
                }
                Some(Gate::Holding { .. }) => false,
                None => true,
            },
            Out::Ephemeral(room_id, text) => {
                if self.gates.contains_key(&room_id) {
                    self.write_text(text.as_bytes());
                }
                true
            }
            Out::Text(text) => {
                self.write_text(text.as_bytes());
                true
            }
            Out::Ping => {
                Parser::write_message(&mut self.buf, b"", OpCode::Ping, true, false);
                true
            }
            Out::Pong(payload) => {
                Parser::write_message(&mut self.buf, payload, OpCode::Pong, true, false);
                true
            }
            Out::Hold(room_id) => {
                let gate = Gate::Holding {
                    held: Vec::new(),
                    leaving: false,
                };
                self.gates.insert(room_id, gate);
                true
            }
            Out::Release { room_id, cursor } => {
                // No gate: the room was forgotten or left during the replay, and stays so.
                let Some(Gate::Holding { held, leaving }) = self.gates.remove(&room_id) else {
                    return true;
                };
                let mut last = cursor;
                if !held.iter().all(|frame| pass_gate(&mut self.buf, &mut last, frame)) {
                    return false;
                }
                if !leaving {
                    self.gates.insert(room_id, Gate::Live(last));
                }
                true
            }
            Out::Forget(room_id) => {
                self.gates.remove(&room_id);
                true
            }
            Out::Leave(room_id) => {
                match self.gates.get_mut(&room_id) {
                    Some(Gate::Holding { leaving, .. }) => *leaving = true,
                    _ => {
                        self.gates.remove(&room_id);
                    }
                }
                true
            }
            Out::Close(reason) => {
                Parser::write_close(&mut self.buf, Some(reason), false);
                self.done = true;
                true
            }
        }
    }
}

/// Writes the event if it is the room's next after `last`; skips one already written;
/// false on a hole.
fn pass_gate(buf: &mut BytesMut, last: &mut i64, frame: &EventFrame) -> bool {
    if frame.seq <= *last {
        return true;
    }
    if frame.seq > *last + 1 {
        return false;
    }
    *last = frame.seq;
    Parser::write_message(buf, frame.text.as_bytes(), OpCode::Text, true, false);
    true
}

impl MessageBody for OutboxBody {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = &mut *self;
        if !this.done {
            this.outbox.body_waker.register(cx.waker());
            // Taken, not copied, and dropped after use, as is the frame buffer below: an
            // idle socket keeps no queue or buffer memory between deliveries.
            let batch = {
                let mut queue = lock(&this.outbox.queue);
                let batch = if queue.items.len() <= FRAMES_PER_POLL {
                    std::mem::take(&mut queue.items)
                } else {
                    queue.items.drain(..FRAMES_PER_POLL).collect()
                };
                queue.offered -= batch.iter().filter(|out| offered(out)).count();
                if !queue.items.is_empty() {
                    cx.waker().wake_by_ref();
                }
                batch
            };
            for out in batch {
                if this.done {
                    break;
                }
                if !this.apply(out) {
                    this.apply(Out::Close(CloseReason {
                        code: CloseCode::Again,
                        description: Some("resync: reconnect with since".into()),
                    }));
                }
            }
        }
        if !this.buf.is_empty() {
            return Poll::Ready(Some(Ok(std::mem::take(&mut this.buf).freeze())));
        }
        if this.done {
            this.outbox.closed.store(true, Ordering::Relaxed);
            return Poll::Ready(None);
        }
        Poll::Pending
    }
}

impl Drop for OutboxBody {
    fn drop(&mut self) {
        self.outbox.closed.store(true, Ordering::Relaxed);
        *lock(&self.outbox.queue) = Queue::default();
        // The session may be waiting on a notice: let it see the socket is gone.
        self.outbox.session_waker.wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::outbox::PushError;

    fn event(room_id: Uuid, seq: i64) -> Out {
        Out::Event(Arc::new(EventFrame {
            room_id,
            seq,
            left_user: None,
            text: format!("e{seq}").into(),
        }))
    }

    /// The text payloads of the (unmasked, short) frames in `bytes`.
    fn texts(mut bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        while bytes.len() >= 2 {
            let len = (bytes[1] & 0x7f) as usize;
            if bytes[0] & 0x0f == 0x1 {
                out.push(String::from_utf8(bytes[2..2 + len].to_vec()).unwrap());
            } else {
                out.push(format!("op{}", bytes[0] & 0x0f));
            }
            bytes = &bytes[2 + len..];
        }
        out
    }

    /// The session's end of a subscribe: the replay up to `cursor` is queued.
    fn release(outbox: &Outbox, room_id: Uuid, cursor: i64) {
        outbox.push(Out::Release { room_id, cursor });
    }

    /// Subscribed with nothing to replay: live after `cursor`.
    fn live(outbox: &Outbox, room_id: Uuid, cursor: i64) {
        outbox.push(Out::Hold(room_id));
        release(outbox, room_id, cursor);
    }

    fn fixture(capacity: usize) -> (Uuid, Arc<Outbox>, OutboxBody) {
        let outbox = Outbox::new(capacity);
        let body = OutboxBody::new(outbox.clone(), BoxBody::new(()));
        (Uuid::now_v7(), outbox, body)
    }

    fn drain(body: &mut OutboxBody) -> Vec<String> {
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut all = Vec::new();
        while let Poll::Ready(Some(Ok(bytes))) = Pin::new(&mut *body).poll_next(&mut cx) {
            all.extend(texts(&bytes));
        }
        all
    }

    #[test]
    fn held_events_follow_the_replay_once_each_in_order() {
        let (room, outbox, mut body) = fixture(100);
        // The hub answered cursor 3 and then delivered 4 and 5 while the session replayed 2..=3.
        outbox.push(Out::Hold(room));
        outbox.offer(event(room, 4)).unwrap();
        outbox.offer(event(room, 5)).unwrap();
        outbox.text("e2");
        outbox.text("e3");
        release(&outbox, room, 3);
        outbox.offer(event(room, 5)).unwrap();
        outbox.offer(event(room, 6)).unwrap();
        assert_eq!(drain(&mut body), ["e2", "e3", "e4", "e5", "e6"]);
    }

    #[test]
    fn a_hole_closes_the_socket_instead_of_skipping() {
        let (room, outbox, mut body) = fixture(100);
        live(&outbox, room, 1);
        outbox.offer(event(room, 2)).unwrap();
        outbox.offer(event(room, 4)).unwrap();
        outbox.offer(event(room, 3)).unwrap();
        let frames = drain(&mut body);
        assert_eq!(frames, ["e2", "op8"], "event 4 must not be shown before 3");
        assert!(outbox.is_closed());
        assert_eq!(outbox.offer(event(room, 5)), Err(PushError::Closed));
    }

    #[test]
    fn a_full_queue_refuses_the_hub_and_drops_the_backlog_before_the_close() {
        let (room, outbox, mut body) = fixture(2);
        live(&outbox, room, 0);
        outbox.offer(event(room, 1)).unwrap();
        outbox.offer(event(room, 2)).unwrap();
        assert_eq!(outbox.offer(event(room, 3)), Err(PushError::Full));
        outbox.push(Out::Close(CloseReason {
            code: CloseCode::Policy,
            description: Some("overflow".into()),
        }));
        assert_eq!(drain(&mut body), ["op8"]);
    }

    #[test]
    fn a_long_replay_does_not_count_against_the_hubs_capacity() {
        let (room, outbox, mut body) = fixture(2);
        outbox.push(Out::Hold(room));
        for seq in 1..=10 {
            outbox.text(format!("e{seq}"));
        }
        release(&outbox, room, 10);
        outbox.offer(Out::Ephemeral(room, "presence".into())).unwrap();
        outbox.offer(event(room, 11)).unwrap();
        let frames = drain(&mut body);
        assert_eq!(frames.len(), 12);
        assert_eq!(frames[10..], ["presence", "e11"]);
        outbox.offer(event(room, 12)).unwrap();
        assert_eq!(drain(&mut body), ["e12"]);
        // The hub's own frames are still bounded.
        outbox.offer(event(room, 13)).unwrap();
        outbox.offer(event(room, 14)).unwrap();
        assert_eq!(outbox.offer(event(room, 15)), Err(PushError::Full));
    }

    #[test]
    fn a_member_removed_during_the_replay_still_sees_the_replay_then_their_removal_then_nothing() {
        let (room, outbox, mut body) = fixture(100);
        // The hub answered cursor 3; while the session replayed 2..=3, event 4 removed the
        // member and the hub stopped the room for them.
        outbox.push(Out::Hold(room));
        outbox.offer(event(room, 4)).unwrap();
        outbox.push(Out::Leave(room));
        outbox.text("e2");
        outbox.text("e3");
        release(&outbox, room, 3);
        outbox.offer(event(room, 5)).unwrap();
        outbox.offer(Out::Ephemeral(room, "typing".into())).unwrap();
        assert_eq!(drain(&mut body), ["e2", "e3", "e4"]);
        // Removed while live: the removal is the last frame of the room.
        live(&outbox, room, 7);
        outbox.offer(event(room, 8)).unwrap();
        outbox.push(Out::Leave(room));
        outbox.offer(event(room, 9)).unwrap();
        assert_eq!(drain(&mut body), ["e8"]);
    }

    #[test]
    fn forgotten_rooms_and_unsubscribed_ephemerals_are_not_written() {
        let (room, outbox, mut body) = fixture(100);
        outbox.push(Out::Ephemeral(room, "typing".into()));
        live(&outbox, room, 0);
        outbox.push(Out::Ephemeral(room, "typing".into()));
        outbox.offer(event(room, 1)).unwrap();
        outbox.push(Out::Forget(room));
        outbox.offer(event(room, 2)).unwrap();
        assert_eq!(drain(&mut body), ["typing", "e1"]);
    }
}
