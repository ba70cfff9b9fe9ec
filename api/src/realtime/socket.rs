//! One WebSocket session: a single `select!` loop over client frames, notices from the hub
//! (a room dropped, the connection killed), in-flight commands, the heartbeat and server
//! shutdown. It tells the hub when it leaves, on every path.
//!
//! Everything the client receives goes through the connection's outbox (see `outbox`): the
//! hub delivers events there directly, and the session queues replies, replays and control
//! frames. At subscribe time the hub answers its cursor for the room and the session
//! replays the log up to it, so the client sees every event after `since` exactly once.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, ProtocolError};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::task::JoinSet;
use tokio::time::Interval;
use uuid::Uuid;

use super::hub::ConnId;
use super::outbox::{Notice, Out, Outbox};
use super::tickets::Identity;
use crate::db::events;
use crate::domain::messages::{self as message_domain, parse_body, parse_client_msg_id, parse_emoji};
use crate::domain::posting::{PostRequest, Posted};
use crate::domain::rooms;
use crate::error::ApiError;
use crate::state::AppState;

/// Largest client frame we act on; larger ones get a `too_large` error.
pub const MAX_FRAME: usize = 64 * 1024;
/// At most one typing frame per room per connection in this interval.
const TYPING_INTERVAL: Duration = Duration::from_secs(2);

static NEXT_CONN: AtomicU64 = AtomicU64::new(1);

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum ClientFrame {
    Subscribe {
        room_id: Uuid,
        since: Option<i64>,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Unsubscribe {
        room_id: Uuid,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Send {
        room_id: Uuid,
        client_msg_id: String,
        body: String,
        reply_to: Option<Uuid>,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Edit {
        message_id: Uuid,
        body: String,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Delete {
        message_id: Uuid,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    React {
        message_id: Uuid,
        emoji: String,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Unreact {
        message_id: Uuid,
        emoji: String,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Typing {
        room_id: Uuid,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Read {
        room_id: Uuid,
        seq: i64,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Ping {
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
    Auth {
        token: String,
        #[serde(rename = "ref")]
        reference: Option<Value>,
    },
}

impl ClientFrame {
    /// The client's `ref`, echoed in the reply (null when absent).
    fn take_reference(&mut self) -> Value {
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
        | ClientFrame::Auth { reference, .. }) = self;
        reference.take().unwrap_or(Value::Null)
    }
}

/// The WebSocket protocol's smaller set of codes, from the REST ones.
fn ws_code(e: &ApiError) -> &'static str {
    match e.code() {
        "conflict" | "unsupported_media_type" => "invalid",
        "unavailable" => "internal",
        code => code,
    }
}

fn error_frame(reference: &Value, code: &str, message: &str) -> String {
    json!({"type": "error", "ref": reference, "code": code, "message": message}).to_string()
}

fn ok_frame(reference: &Value, mut fields: Value) -> String {
    fields["type"] = "ok".into();
    fields["ref"] = reference.clone();
    fields.to_string()
}

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
    state: Arc<AppState>,
    identity: Identity,
    outbox: Arc<Outbox>,
    subscribed: HashSet<Uuid>,
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
    state: Arc<AppState>,
    identity: Identity,
    outbox: Arc<Outbox>,
    stream: AggregatedMessageStream,
) -> impl Future<Output = ()> + 'static {
    let id = NEXT_CONN.fetch_add(1, Ordering::Relaxed);
    state
        .hub
        .register(id, identity.user_id, identity.session_id.clone(), outbox.clone());
    let heartbeat_every = state.settings.ws_heartbeat;
    let conn = Conn {
        id,
        state,
        identity,
        outbox,
        subscribed: HashSet::new(),
        typing: HashMap::new(),
        tasks: JoinSet::new(),
        last_seen: Instant::now(),
    };
    conn.send(
        json!({"type": "hello", "user_id": conn.identity.user_id, "connection_id": id.to_string(),
        "instance": conn.state.settings.instance_id, "heartbeat_s": heartbeat_every.as_secs()})
        .to_string(),
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
                AggregatedMessage::Binary(_) => self.send(error_frame(&Value::Null, "invalid", "frames are JSON text")),
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
            }
            Wake::Heartbeat => {
                if self.last_seen.elapsed() > self.state.settings.ws_idle_timeout {
                    return ControlFlow::Break(Some(reason(CloseCode::Policy, "idle timeout")));
                }
                let grace = self.state.settings.ws_auth_grace.as_secs() as i64;
                if chrono::Utc::now().timestamp() > self.identity.exp + grace {
                    return ControlFlow::Break(Some(reason(
                        CloseCode::Policy,
                        "credential expired: send an auth frame before it does",
                    )));
                }
                if self.outbox.is_closed() {
                    return ControlFlow::Break(None);
                }
                self.outbox.push(Out::Ping);
            }
            Wake::Shutdown => {
                // Let in-flight writes commit and their acks reach the client first.
                while self.tasks.join_next().await.is_some() {}
                return ControlFlow::Break(Some(reason(CloseCode::Again, "reconnect")));
            }
        }
        ControlFlow::Continue(())
    }

    /// Queues the log's events in (after, upto]; false on failure.
    async fn replay(&mut self, room_id: Uuid, after: i64, upto: i64) -> bool {
        let fetched = async {
            let mut db = self.state.db.get().await.ok()?;
            events::range(&mut db, room_id, after, upto).await.ok()
        }
        .await;
        let Some(list) = fetched else { return false };
        for e in list {
            self.outbox.text(e.frame());
        }
        true
    }

    async fn client_frame(&mut self, text: &str) {
        if text.len() > MAX_FRAME {
            return self.send(error_frame(&Value::Null, "too_large", "frames are limited to 64 KiB"));
        }
        let mut frame: ClientFrame = match serde_json::from_str(text) {
            Ok(f) => f,
            // Parsed a second time only to say what is wrong and echo `ref` if there is one.
            Err(e) => {
                let frame = match serde_json::from_str::<Value>(text) {
                    Ok(value) => error_frame(
                        value.get("ref").unwrap_or(&Value::Null),
                        "invalid",
                        &format!("bad frame: {e}"),
                    ),
                    Err(e) => error_frame(&Value::Null, "invalid", &format!("malformed JSON: {e}")),
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
                }
                self.send(ok_frame(&reference, json!({"room_id": room_id})));
            }
            ClientFrame::Ping { .. } => self.send(json!({"type": "pong", "ref": reference}).to_string()),
            ClientFrame::Auth { token, .. } => self.reauth(&reference, &token).await,
            ClientFrame::Typing { room_id, .. } => {
                if !self.subscribed.contains(&room_id) {
                    return self.send(error_frame(&reference, "forbidden", "subscribe to the room first"));
                }
                let now = Instant::now();
                let due = self
                    .typing
                    .get(&room_id)
                    .is_none_or(|at| now.duration_since(*at) >= TYPING_INTERVAL);
                if due {
                    self.typing.insert(room_id, now);
                    let frame =
                        json!({"type": "typing", "room_id": room_id, "user_id": self.identity.user_id}).to_string();
                    self.state.bus.publish_ephemeral(room_id, frame.into()).await;
                }
                self.send(ok_frame(&reference, json!({"room_id": room_id})));
            }
            other => self.spawn_write(reference, other),
        }
    }

    async fn subscribe(&mut self, reference: &Value, room_id: Uuid, since: Option<i64>) {
        let user = self.identity.user_id;
        let allowed = async {
            let mut db = self.state.db.get().await?;
            rooms::access(&mut db, room_id, user)
                .await?
                .require_member()
                .map(|_| ())
        }
        .await;
        if let Err(e) = allowed {
            let e = if matches!(e, ApiError::Forbidden(_)) {
                ApiError::Forbidden("join the room to subscribe".into())
            } else {
                e
            };
            return self.send(error_frame(reference, ws_code(&e), &e.public_message()));
        }
        let head = match self.state.hub.subscribe(self.id, room_id).await {
            Ok(head) => head,
            Err(e) => {
                self.outbox.push(Out::Forget(room_id));
                return self.send(error_frame(reference, "internal", &e));
            }
        };
        let from = since.unwrap_or(head).max(0);
        if head - from > self.state.settings.ws_replay_cap {
            self.forget(room_id);
            let frame = json!({"type": "error", "ref": reference, "code": "resync_required", "room_id": room_id,
                "last_seq": head, "message": format!("more than {} events missed: page GET /v1/rooms/{room_id}/events?after={from}, then subscribe again", self.state.settings.ws_replay_cap)});
            return self.send(frame.to_string());
        }
        self.send(ok_frame(reference, json!({"room_id": room_id, "last_seq": head})));
        if from < head && !self.replay(room_id, from, head).await {
            self.forget(room_id);
            return self.send(error_frame(reference, "internal", "replay failed; subscribe again"));
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
                self.send(ok_frame(reference, json!({"expires_at": claims.exp})));
            }
            _ => self.send(error_frame(
                reference,
                "unauthorized",
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
            let reply = match write(&state, user, frame).await {
                Ok(fields) => ok_frame(&reference, fields),
                Err(e) => error_frame(&reference, ws_code(&e), &e.public_message()),
            };
            outbox.text(reply);
        });
    }
}

async fn write(state: &AppState, user: Uuid, frame: ClientFrame) -> Result<Value, ApiError> {
    let message_json = |v: &message_domain::MessageView| json!({"message": v});
    match frame {
        ClientFrame::Send {
            room_id,
            client_msg_id,
            body,
            reply_to,
            ..
        } => {
            let body = parse_body(&body)?;
            let client_msg_id = parse_client_msg_id(&client_msg_id)?;
            let posted = state
                .poster
                .post(PostRequest {
                    room_id,
                    author_id: user,
                    body,
                    client_msg_id,
                    reply_to,
                })
                .await?;
            let (view, duplicate) = match posted {
                Posted::Created(v) => (v, false),
                Posted::Duplicate(v) => (v, true),
            };
            let mut fields = message_json(&view);
            fields["duplicate"] = duplicate.into();
            Ok(fields)
        }
        ClientFrame::Edit { message_id, body, .. } => {
            let body = parse_body(&body)?;
            let mut db = state.db.get().await?;
            let (view, events) = message_domain::edit(&mut db, user, message_id, body).await?;
            drop(db);
            state.bus.publish_events(&events).await;
            Ok(message_json(&view))
        }
        ClientFrame::Delete { message_id, .. } => {
            let mut db = state.db.get().await?;
            let (view, events) = message_domain::delete(&mut db, user, message_id).await?;
            drop(db);
            state.bus.publish_events(&events).await;
            Ok(message_json(&view))
        }
        ClientFrame::React { message_id, emoji, .. } => react(state, user, message_id, &emoji, true).await,
        ClientFrame::Unreact { message_id, emoji, .. } => react(state, user, message_id, &emoji, false).await,
        ClientFrame::Read { room_id, seq, .. } => {
            let last_read_seq = rooms::mark_read(state, user, room_id, seq).await?;
            Ok(json!({"room_id": room_id, "last_read_seq": last_read_seq}))
        }
        _ => Err(ApiError::invalid("not a write")),
    }
}

async fn react(state: &AppState, user: Uuid, message_id: Uuid, emoji: &str, add: bool) -> Result<Value, ApiError> {
    let emoji = parse_emoji(emoji)?;
    let mut db = state.db.get().await?;
    let (view, events) = message_domain::react(&mut db, user, message_id, emoji, add).await?;
    drop(db);
    state.bus.publish_events(&events).await;
    Ok(json!({"message": view}))
}
