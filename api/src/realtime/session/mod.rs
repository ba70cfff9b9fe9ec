//! One WebSocket session: a single `select!` loop over client frames, notices from the hub
//! (a room dropped, the connection killed), in-flight commands, the heartbeat and server
//! shutdown. It tells the hub when it leaves, on every path.
//!
//! Everything the client receives goes through the connection's outbox (see `outbox`): the
//! hub delivers events there directly, and the session queues replies, replays and control
//! frames. At subscribe time the hub answers its cursor for the room and the session
//! replays the log up to it, so the client sees every event after `since` exactly once.
//! Writes (send, edit, delete, react, read) go to `commands`, which call the same feature
//! services as REST.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, ProtocolError};
use serde_json::Value;
use tokio::task::JoinSet;
use tokio::time::Interval;
use uuid::Uuid;

mod feed;

use super::commands;
use super::context::Realtime;
use super::frame::ConnId;
use super::outbox::{Notice, Out, Outbox};
use super::protocol::{close, ClientFrame, ErrorReply, OkReply, ServerFrame, MAX_FRAME};
use super::tickets::Identity;
use crate::features::messages::posting::Draft;
use crate::features::rooms::access as rooms;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::{log, unlock, Ephemeral};

/// At most one typing frame per room per connection in this interval.
const TYPING_INTERVAL: Duration = Duration::from_secs(2);

static NEXT_CONN: AtomicU64 = AtomicU64::new(1);

/// What woke a session.
enum Wake {
    Frame(Option<Result<AggregatedMessage, ProtocolError>>),
    Notice(Notice),
    Heartbeat,
    Shutdown,
}

/// `Break(close)` ends the session; `Break(None)` closes without a reason of ours.
type Ended = ControlFlow<Option<CloseReason>>;

struct Conn {
    id: ConnId,
    state: Arc<Realtime>,
    identity: Identity,
    outbox: Arc<Outbox>,
    subscribed: HashSet<Uuid>,
    /// The room this socket shows (`view`), if any.
    viewing: Option<Uuid>,
    typing: HashMap<Uuid, Instant>,
    tasks: JoinSet<()>,
    /// When the client last sent a frame (for the idle timeout).
    last_seen: Instant,
}

/// A session's state, on the heap as one piece: the session future then holds a pointer and
/// its wait, not a copy of its arguments (rustc keeps an async fn's arguments beside the
/// locals they are moved into), which matters at 19,000 idle sockets per instance.
struct Session {
    conn: Conn,
    stream: AggregatedMessageStream,
    heartbeat: Interval,
}

/// Registers the connection, queues `hello`, and answers the session to spawn.
pub fn run(
    state: Arc<Realtime>,
    identity: Identity,
    outbox: Arc<Outbox>,
    stream: AggregatedMessageStream,
) -> impl Future<Output = ()> + 'static {
    let id = NEXT_CONN.fetch_add(1, Ordering::Relaxed);
    state
        .hub
        .register(id, identity.user_id, identity.session_id.clone(), outbox.clone());
    let heartbeat_every = state.settings.ws.heartbeat;
    let conn = Conn {
        id,
        state,
        identity,
        outbox,
        subscribed: HashSet::new(),
        viewing: None,
        typing: HashMap::new(),
        tasks: JoinSet::new(),
        last_seen: Instant::now(),
    };
    let instance = conn.state.settings.instance_id.clone();
    conn.send(
        ServerFrame::Hello {
            user_id: conn.identity.user_id,
            connection_id: format!("{instance}:{id}"),
            instance,
            heartbeat_s: heartbeat_every.as_secs(),
        }
        .text(),
    );
    let heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat_every, heartbeat_every);
    session(Box::new(Session {
        conn,
        stream,
        heartbeat,
    }))
}

async fn session(mut session: Box<Session>) {
    let s = &mut *session;
    let shutting_down = s.conn.state.shutdown.clone().cancelled_owned();
    tokio::pin!(shutting_down);
    let close = loop {
        let wake = tokio::select! {
            msg = s.stream.recv() => Wake::Frame(msg),
            notice = s.conn.outbox.notice() => Wake::Notice(notice),
            Some(_) = s.conn.tasks.join_next(), if !s.conn.tasks.is_empty() => continue,
            _ = s.heartbeat.tick() => Wake::Heartbeat,
            _ = &mut shutting_down => Wake::Shutdown,
        };
        // Boxed: handling may await the database or Redis, and an idle socket should carry
        // only its wait, not the space of those futures.
        if let ControlFlow::Break(close) = Box::pin(s.conn.on_wake(wake)).await {
            break close;
        }
    };
    let conn = &mut s.conn;
    conn.state.hub.unregister(conn.id);
    Box::pin(conn.state.presence.leave_all(conn.id)).await;
    Box::pin(conn.state.viewing.leave_all(conn.id)).await;
    // Queued frames (acks of in-flight writes) go out before the close frame; an overflow
    // has already dropped its backlog.
    let close = close.unwrap_or_else(|| reason(CloseCode::Normal, "closed"));
    conn.outbox.push(Out::Close(close));
}

fn reason(code: CloseCode, description: &str) -> CloseReason {
    CloseReason {
        code,
        description: Some(description.to_owned()),
    }
}

impl Conn {
    fn send(&self, text: String) {
        self.outbox.text(text);
    }

    async fn on_wake(&mut self, wake: Wake) -> Ended {
        if matches!(wake, Wake::Frame(_)) {
            self.last_seen = Instant::now();
        }
        match wake {
            Wake::Frame(None) => return ControlFlow::Break(None),
            Wake::Frame(Some(Ok(frame))) => match frame {
                AggregatedMessage::Text(text) => self.client_frame(&text).await,
                AggregatedMessage::Binary(_) => self.send(ServerFrame::error(
                    &Value::Null,
                    ErrorCode::Invalid,
                    "frames are JSON text",
                )),
                AggregatedMessage::Ping(p) => self.outbox.push(Out::Pong(p)),
                AggregatedMessage::Pong(_) => {}
                AggregatedMessage::Close(_) => return ControlFlow::Break(Some(reason(CloseCode::Normal, "bye"))),
            },
            Wake::Frame(Some(Err(e))) => {
                tracing::debug!(error = %e, "websocket protocol error");
                return ControlFlow::Break(Some(reason(CloseCode::Size, "protocol error or frame too large")));
            }
            Wake::Notice(Notice::Kill(why)) => return ControlFlow::Break(Some(reason(CloseCode::Policy, &why))),
            Wake::Notice(Notice::Dropped(room_id)) => {
                self.subscribed.remove(&room_id);
                self.state.presence.leave(room_id, self.id).await;
                self.stop_viewing(room_id).await;
            }
            Wake::Heartbeat => {
                if self.last_seen.elapsed() > self.state.settings.ws.idle_timeout {
                    return ControlFlow::Break(Some(reason(CloseCode::Policy, close::IDLE)));
                }
                let grace = self.state.settings.ws.auth_grace.as_secs() as i64;
                if chrono::Utc::now().timestamp() > self.identity.exp + grace {
                    return ControlFlow::Break(Some(reason(CloseCode::Policy, close::EXPIRED)));
                }
                if self.outbox.is_closed() {
                    return ControlFlow::Break(None);
                }
                self.outbox.push(Out::Ping);
            }
            Wake::Shutdown => {
                // Let in-flight writes commit and their acks reach the client first.
                while self.tasks.join_next().await.is_some() {}
                return ControlFlow::Break(Some(reason(CloseCode::Again, close::RECONNECT)));
            }
        }
        ControlFlow::Continue(())
    }

    /// Queues the log's events in (after, upto]; false on failure.
    async fn replay(&mut self, room_id: Uuid, after: i64, upto: i64) -> bool {
        let viewer = self.identity.user_id;
        let fetched = async {
            let mut db = self.state.store.db.get().await.ok()?;
            let mut list = log::range(&mut db, room_id, after, upto).await.ok()?;
            // Pay-per-view messages this user wrote or bought come back unlocked.
            unlock::for_viewer(&mut db, viewer, &mut list).await.ok()?;
            Some(list)
        }
        .await;
        let Some(list) = fetched else { return false };
        for e in list {
            self.outbox.text(super::frame::event_text(&e));
        }
        true
    }

    async fn client_frame(&mut self, text: &str) {
        if text.len() > MAX_FRAME {
            return self.send(ServerFrame::error(
                &Value::Null,
                ErrorCode::TooLarge,
                "frames are limited to 64 KiB",
            ));
        }
        let mut frame: ClientFrame = match serde_json::from_str(text) {
            Ok(f) => f,
            // Parsed a second time only to say what is wrong and echo `ref` if there is one.
            Err(e) => {
                let frame = match serde_json::from_str::<Value>(text) {
                    Ok(value) => ServerFrame::error(
                        value.get("ref").unwrap_or(&Value::Null),
                        ErrorCode::Invalid,
                        format!("bad frame: {e}"),
                    ),
                    Err(e) => ServerFrame::error(&Value::Null, ErrorCode::Invalid, format!("malformed JSON: {e}")),
                };
                return self.send(frame);
            }
        };
        let reference = frame.take_reference();
        match frame {
            ClientFrame::Subscribe { room_id, since, .. } => self.subscribe(&reference, room_id, since).await,
            ClientFrame::Unsubscribe { room_id, .. } => {
                if self.subscribed.remove(&room_id) {
                    self.state.hub.unsubscribe(self.id, room_id);
                    self.outbox.push(Out::Forget(room_id));
                    self.state.presence.leave(room_id, self.id).await;
                    self.stop_viewing(room_id).await;
                }
                self.send(ServerFrame::ok(&reference, room_reply(room_id)));
            }
            ClientFrame::Ping { .. } => self.send(ServerFrame::Pong { reference }.text()),
            ClientFrame::SubscribeNotifications { since, .. } => self.subscribe_feed(&reference, since).await,
            ClientFrame::View { room_id, .. } => self.view(&reference, room_id).await,
            ClientFrame::Auth { token, .. } => self.reauth(&reference, &token).await,
            ClientFrame::Typing { room_id, .. } => {
                if !self.subscribed.contains(&room_id) {
                    return self.send(ServerFrame::error(
                        &reference,
                        ErrorCode::Forbidden,
                        "subscribe to the room first",
                    ));
                }
                let now = Instant::now();
                let due = self
                    .typing
                    .get(&room_id)
                    .is_none_or(|at| now.duration_since(*at) >= TYPING_INTERVAL);
                if due {
                    self.typing.insert(room_id, now);
                    let frame = Ephemeral::Typing {
                        room_id,
                        user_id: self.identity.user_id,
                    };
                    self.state.bus.publish_ephemeral(&frame).await;
                }
                self.send(ServerFrame::ok(&reference, room_reply(room_id)));
            }
            ClientFrame::Send {
                room_id,
                client_msg_id,
                body,
                reply_to,
                mentions,
                attachment_ids,
                ppv,
                ..
            } => {
                // Queued here, in frame order, so pipelined sends commit in the order sent;
                // only the wait for the commit runs beside the session.
                let user = self.identity.user_id;
                let draft = Draft {
                    room_id,
                    client_msg_id,
                    body,
                    reply_to,
                    mentions,
                    attachment_ids,
                    ppv,
                };
                match commands::submit_send(&self.state, user, draft).await {
                    Ok(committed) => {
                        let outbox = self.outbox.clone();
                        self.tasks.spawn(async move {
                            outbox.text(commands::reply(&reference, committed.await));
                        });
                    }
                    Err(e) => self.send(ServerFrame::api_error(&reference, &e)),
                }
            }
            other => self.spawn_write(reference, other),
        }
    }

    async fn subscribe(&mut self, reference: &Value, room_id: Uuid, since: Option<i64>) {
        let user = self.identity.user_id;
        let allowed = self
            .state
            .store
            .run(async |conn| rooms::member(conn, room_id, user).await.map(|_| ()))
            .await;
        if let Err(e) = allowed {
            let e = if matches!(e, ApiError::Forbidden(_)) {
                ApiError::Forbidden("join the room to subscribe".into())
            } else {
                e
            };
            return self.send(ServerFrame::api_error(reference, &e));
        }
        let head = match self.state.hub.subscribe(self.id, room_id).await {
            Ok(head) => head,
            Err(e) => {
                self.outbox.push(Out::Forget(room_id));
                return self.send(ServerFrame::error(reference, ErrorCode::Unavailable, e));
            }
        };
        let from = since.unwrap_or(head).max(0);
        let cap = self.state.settings.ws.replay_cap;
        if head - from > cap {
            self.forget(room_id);
            let frame = ServerFrame::Error(ErrorReply {
                reference: reference.clone(),
                code: ErrorCode::ResyncRequired,
                message: format!(
                    "more than {cap} events missed: page GET /v1/rooms/{room_id}/events?after={from}, then subscribe again"
                ),
                room_id: Some(room_id),
                last_seq: Some(head),
            });
            return self.send(frame.text());
        }
        let reply = OkReply {
            last_seq: Some(head),
            ..room_reply(room_id)
        };
        self.send(ServerFrame::ok(reference, reply));
        if from < head && !self.replay(room_id, from, head).await {
            self.forget(room_id);
            return self.send(ServerFrame::error(
                reference,
                ErrorCode::Unavailable,
                "replay failed; subscribe again",
            ));
        }
        // The hub has been holding the room's live events (seq > head) since it answered.
        self.outbox.push(Out::Release {
            room_id,
            cursor: from.max(head),
        });
        self.subscribed.insert(room_id);
        self.state.presence.enter(room_id, self.id, user).await;
    }

    fn forget(&mut self, room_id: Uuid) {
        self.subscribed.remove(&room_id);
        self.state.hub.unsubscribe(self.id, room_id);
        self.outbox.push(Out::Forget(room_id));
    }

    async fn reauth(&mut self, reference: &Value, token: &str) {
        match self.state.verifier.verify(token).await {
            Ok(claims) if claims.sub == self.identity.sub => {
                self.identity.exp = claims.exp;
                let reply = OkReply {
                    expires_at: Some(claims.exp),
                    ..Default::default()
                };
                self.send(ServerFrame::ok(reference, reply));
            }
            _ => self.send(ServerFrame::error(
                reference,
                ErrorCode::Unauthorized,
                "token refused (it must be valid and for the same user)",
            )),
        }
    }

    /// Writes run as tasks so that a slow commit never stalls delivery to this socket.
    fn spawn_write(&mut self, reference: Value, frame: ClientFrame) {
        let state = self.state.clone();
        let user = self.identity.user_id;
        let outbox = self.outbox.clone();
        self.tasks.spawn(async move {
            let result = commands::write(&state, user, frame).await;
            outbox.text(commands::reply(&reference, result));
        });
    }
}

fn room_reply(room_id: Uuid) -> OkReply {
    OkReply {
        room_id: Some(room_id),
        ..Default::default()
    }
}
