//! One WebSocket session: a single `select!` loop over client frames, hub deliveries,
//! replies of in-flight commands, the heartbeat, a kill signal and server shutdown.
//! It tells the hub when it leaves, on every path.
//!
//! Per subscribed room the session keeps the last seq it sent; the hub delivers in order
//! after the cursor it answered at subscribe time, and the session replays from the
//! database up to that cursor, so the client sees every event after `since` exactly once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, Session};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use uuid::Uuid;

use super::hub::{ConnId, Outbound};
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
        _r: Option<Value>,
    },
    Unsubscribe {
        room_id: Uuid,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    Send {
        room_id: Uuid,
        client_msg_id: String,
        body: String,
        reply_to: Option<Uuid>,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    Edit {
        message_id: Uuid,
        body: String,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    Delete {
        message_id: Uuid,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    React {
        message_id: Uuid,
        emoji: String,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    Unreact {
        message_id: Uuid,
        emoji: String,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    Typing {
        room_id: Uuid,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    Read {
        room_id: Uuid,
        seq: i64,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    Ping {
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
    Auth {
        token: String,
        #[serde(rename = "ref")]
        _r: Option<Value>,
    },
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

struct Conn {
    id: ConnId,
    state: AppState,
    identity: Identity,
    session: Session,
    /// Last seq sent per subscribed room.
    cursors: HashMap<Uuid, i64>,
    typing: HashMap<Uuid, Instant>,
    replies: mpsc::Sender<String>,
    tasks: JoinSet<()>,
}

pub async fn run(state: AppState, identity: Identity, session: Session, mut stream: AggregatedMessageStream) {
    let id = NEXT_CONN.fetch_add(1, Ordering::Relaxed);
    let (tx, mut outbound) = mpsc::channel(state.settings.ws_queue_capacity);
    let (kill_tx, mut kill) = oneshot::channel::<String>();
    let (replies, mut reply_rx) = mpsc::channel::<String>(256);
    state
        .hub
        .register(id, identity.user_id, identity.session_id.clone(), tx, kill_tx);
    let shutdown = state.shutdown.clone();
    let heartbeat_every = state.settings.ws_heartbeat;
    let idle_timeout = state.settings.ws_idle_timeout;
    let mut conn = Conn {
        id,
        state,
        identity,
        session,
        cursors: HashMap::new(),
        typing: HashMap::new(),
        replies,
        tasks: JoinSet::new(),
    };
    let hello = json!({"type": "hello", "user_id": conn.identity.user_id, "connection_id": id.to_string(),
        "instance": conn.state.settings.instance_id, "heartbeat_s": heartbeat_every.as_secs()});
    let mut close: Option<CloseReason> = None;
    if conn.session.text(hello.to_string()).await.is_ok() {
        let mut heartbeat = tokio::time::interval(heartbeat_every);
        heartbeat.tick().await;
        let mut last_seen = Instant::now();
        close = loop {
            tokio::select! {
                msg = stream.recv() => {
                    last_seen = Instant::now();
                    match msg {
                        None => break None,
                        // Boxed: its database futures are large, and an idle socket should not carry
                        // their space in its own state machine.
                        Some(Ok(AggregatedMessage::Text(text))) => Box::pin(conn.client_frame(&text)).await,
                        Some(Ok(AggregatedMessage::Binary(_))) => conn.send(error_frame(&Value::Null, "invalid", "frames are JSON text")).await,
                        Some(Ok(AggregatedMessage::Ping(p))) => { let _ = conn.session.pong(&p).await; }
                        Some(Ok(AggregatedMessage::Pong(_))) => {}
                        Some(Ok(AggregatedMessage::Close(_))) => break Some(reason(CloseCode::Normal, "bye")),
                        Some(Err(e)) => {
                            tracing::debug!(error = %e, "websocket protocol error");
                            break Some(reason(CloseCode::Size, "protocol error or frame too large"));
                        }
                    }
                }
                out = outbound.recv() => match out {
                    Some(out) => conn.outbound(out).await,
                    None => break Some(reason(CloseCode::Again, "reconnect")),
                },
                Some(reply) = reply_rx.recv() => conn.send(reply).await,
                Some(_) = conn.tasks.join_next(), if !conn.tasks.is_empty() => {}
                why = &mut kill => break Some(reason(CloseCode::Policy, why.as_deref().unwrap_or("closed"))),
                _ = heartbeat.tick() => {
                    if last_seen.elapsed() > idle_timeout {
                        break Some(reason(CloseCode::Policy, "idle timeout"));
                    }
                    let grace = conn.state.settings.ws_auth_grace.as_secs() as i64;
                    if chrono::Utc::now().timestamp() > conn.identity.exp + grace {
                        break Some(reason(CloseCode::Policy, "credential expired: send an auth frame before it does"));
                    }
                    if conn.session.ping(b"").await.is_err() {
                        break None;
                    }
                }
                _ = shutdown.cancelled() => {
                    // Let in-flight writes commit and their acks reach the client first.
                    while conn.tasks.join_next().await.is_some() {}
                    while let Ok(reply) = reply_rx.try_recv() {
                        conn.send(reply).await;
                    }
                    break Some(reason(CloseCode::Again, "reconnect"));
                }
            }
        };
    }
    conn.state.hub.unregister(id);
    conn.state.presence.leave_all(id).await;
    let _ = conn.session.close(close).await;
}

fn reason(code: CloseCode, description: &str) -> CloseReason {
    CloseReason {
        code,
        description: Some(description.to_owned()),
    }
}

impl Conn {
    async fn send(&mut self, text: String) {
        let _ = self.session.text(text).await;
    }

    async fn outbound(&mut self, out: Outbound) {
        match out {
            Outbound::Event(frame) => {
                let Some(&cursor) = self.cursors.get(&frame.room_id) else {
                    return;
                };
                if frame.seq <= cursor {
                    return;
                }
                if frame.seq > cursor + 1 {
                    // Defensive: the hub delivers gap-free, but never show a hole to a client.
                    if !Box::pin(self.replay(frame.room_id, cursor, frame.seq - 1)).await {
                        return;
                    }
                }
                self.cursors.insert(frame.room_id, frame.seq);
                let _ = self.session.text(frame.text.clone()).await;
            }
            Outbound::Frame(text) => {
                let _ = self.session.text(text).await;
            }
            Outbound::Dropped(room_id) => {
                self.cursors.remove(&room_id);
                self.state.presence.leave(room_id, self.id).await;
            }
        }
    }

    /// Sends the log's events in (after, upto] and moves the cursor; false on failure.
    async fn replay(&mut self, room_id: Uuid, after: i64, upto: i64) -> bool {
        let fetched = async {
            let mut db = self.state.db.get().await.ok()?;
            events::range(&mut db, room_id, after, upto).await.ok()
        }
        .await;
        let Some(list) = fetched else { return false };
        for e in list {
            if e.seq > self.cursors.get(&room_id).copied().unwrap_or(i64::MIN) {
                self.cursors.insert(room_id, e.seq);
                let _ = self.session.text(e.frame()).await;
            }
        }
        true
    }

    async fn client_frame(&mut self, text: &str) {
        if text.len() > MAX_FRAME {
            return self
                .send(error_frame(&Value::Null, "too_large", "frames are limited to 64 KiB"))
                .await;
        }
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return self
                    .send(error_frame(&Value::Null, "invalid", &format!("malformed JSON: {e}")))
                    .await
            }
        };
        let reference = value.get("ref").cloned().unwrap_or(Value::Null);
        let frame: ClientFrame = match serde_json::from_value(value) {
            Ok(f) => f,
            Err(e) => {
                return self
                    .send(error_frame(&reference, "invalid", &format!("bad frame: {e}")))
                    .await
            }
        };
        match frame {
            ClientFrame::Subscribe { room_id, since, .. } => self.subscribe(&reference, room_id, since).await,
            ClientFrame::Unsubscribe { room_id, .. } => {
                if self.cursors.remove(&room_id).is_some() {
                    self.state.hub.unsubscribe(self.id, room_id);
                    self.state.presence.leave(room_id, self.id).await;
                }
                self.send(ok_frame(&reference, json!({"room_id": room_id}))).await;
            }
            ClientFrame::Ping { .. } => self.send(json!({"type": "pong", "ref": reference}).to_string()).await,
            ClientFrame::Auth { token, .. } => self.reauth(&reference, &token).await,
            ClientFrame::Typing { room_id, .. } => {
                if !self.cursors.contains_key(&room_id) {
                    return self
                        .send(error_frame(&reference, "forbidden", "subscribe to the room first"))
                        .await;
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
                self.send(ok_frame(&reference, json!({"room_id": room_id}))).await;
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
            return self
                .send(error_frame(reference, ws_code(&e), &e.public_message()))
                .await;
        }
        let head = match self.state.hub.subscribe(self.id, room_id).await {
            Ok(head) => head,
            Err(e) => return self.send(error_frame(reference, "internal", &e)).await,
        };
        let from = since.unwrap_or(head).max(0);
        if head - from > self.state.settings.ws_replay_cap {
            self.state.hub.unsubscribe(self.id, room_id);
            let frame = json!({"type": "error", "ref": reference, "code": "resync_required", "room_id": room_id,
                "last_seq": head, "message": format!("more than {} events missed: page GET /v1/rooms/{room_id}/events?after={from}, then subscribe again", self.state.settings.ws_replay_cap)});
            return self.send(frame.to_string()).await;
        }
        self.cursors.insert(room_id, from.min(head));
        self.send(ok_frame(reference, json!({"room_id": room_id, "last_seq": head})))
            .await;
        if from < head && !self.replay(room_id, from, head).await {
            self.cursors.remove(&room_id);
            self.state.hub.unsubscribe(self.id, room_id);
            return self
                .send(error_frame(reference, "internal", "replay failed; subscribe again"))
                .await;
        }
        if from > head {
            self.cursors.insert(room_id, from);
        }
        self.state.presence.enter(room_id, self.id, user).await;
    }

    async fn reauth(&mut self, reference: &Value, token: &str) {
        match self.state.verifier.verify(token).await {
            Ok(claims) if claims.sub == self.identity.sub => {
                self.identity.exp = claims.exp;
                self.send(ok_frame(reference, json!({"expires_at": claims.exp}))).await;
            }
            _ => {
                self.send(error_frame(
                    reference,
                    "unauthorized",
                    "token refused (it must be valid and for the same user)",
                ))
                .await
            }
        }
    }

    /// Writes run as tasks so that a slow commit never stalls delivery to this socket.
    fn spawn_write(&mut self, reference: Value, frame: ClientFrame) {
        let state = self.state.clone();
        let user = self.identity.user_id;
        let replies = self.replies.clone();
        self.tasks.spawn(async move {
            let reply = match write(&state, user, frame).await {
                Ok(fields) => ok_frame(&reference, fields),
                Err(e) => error_frame(&reference, ws_code(&e), &e.public_message()),
            };
            let _ = replies.send(reply).await;
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
            if !state.limiter.allow(user).await {
                return Err(ApiError::RateLimited("too many messages; slow down".into()));
            }
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
