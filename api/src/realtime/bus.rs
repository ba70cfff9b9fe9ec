//! The event bus: in-process for a single instance, Redis pub/sub across several.
//!
//! Every publish is delivered to this instance's hub at once and, with Redis, published to
//! the room's channel for the others (who skip their own messages by origin). An instance
//! subscribes only to rooms its clients watch. Pub/sub may lose messages (a Redis restart,
//! a publisher dying between commit and publish): the hub notices gaps and tail lag and
//! back-fills from `room_events`, and after a reconnect it re-reads every watched room.

use bytestring::ByteString;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::hub::{EventFrame, HubHandle};
use crate::db::events::RoomEvent;

/// Instructions every instance must carry out for its own sockets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Control {
    CloseUser { user_id: Uuid },
    CloseSession { session_id: String },
}

#[derive(Clone)]
pub struct Bus {
    inner: Arc<Inner>,
}

struct Inner {
    hub: HubHandle,
    instance: String,
    redis: Option<RedisBus>,
}

struct RedisBus {
    publisher: ConnectionManager,
    prefix: String,
    subscriptions: mpsc::UnboundedSender<SubCommand>,
}

enum SubCommand {
    Subscribe(Uuid, oneshot::Sender<()>),
    Unsubscribe(Uuid),
}

impl Bus {
    pub fn local(hub: HubHandle, instance: String) -> Self {
        Self {
            inner: Arc::new(Inner {
                hub,
                instance,
                redis: None,
            }),
        }
    }

    /// Connects to Redis and starts the subscriber task (which reconnects by itself).
    pub async fn redis(hub: HubHandle, instance: String, url: &str, prefix: String) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            // Fail fast while Redis is down: the log is the source of truth and subscribers
            // back-fill, so a publish is better dropped than waited on.
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let publisher = ConnectionManager::new_with_config(client.clone(), config).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(subscriber(client, prefix.clone(), instance.clone(), hub.clone(), rx));
        Ok(Self {
            inner: Arc::new(Inner {
                hub,
                instance,
                redis: Some(RedisBus {
                    publisher,
                    prefix,
                    subscriptions: tx,
                }),
            }),
        })
    }

    pub fn redis_connection(&self) -> Option<ConnectionManager> {
        self.inner.redis.as_ref().map(|r| r.publisher.clone())
    }

    pub fn instance(&self) -> &str {
        &self.inner.instance
    }

    /// Publishes committed events: to local subscribers now, to other instances in one pipeline.
    pub async fn publish_events(&self, events: &[RoomEvent]) {
        if events.is_empty() {
            return;
        }
        let frames: Vec<EventFrame> = events.iter().map(EventFrame::from_event).collect();
        if let Some(redis) = &self.inner.redis {
            let mut pipe = redis::pipe();
            for f in &frames {
                let left = f.left_user.map(|u| u.to_string()).unwrap_or_else(|| "-".into());
                let wire = format!("{}\nE\n{}\n{}\n{}", self.inner.instance, f.seq, left, f.text);
                pipe.cmd("PUBLISH")
                    .arg(room_channel(&redis.prefix, f.room_id))
                    .arg(wire)
                    .ignore();
            }
            let mut conn = redis.publisher.clone();
            if let Err(e) = pipe.query_async::<()>(&mut conn).await {
                // Subscribers elsewhere will back-fill from the log: nothing committed is lost.
                tracing::warn!(error = %e, "publishing events to Redis");
            }
        }
        self.inner.hub.events(frames);
    }

    /// Publishes a frame that is not part of the log (typing, presence, read).
    pub async fn publish_ephemeral(&self, room_id: Uuid, frame: ByteString) {
        if let Some(redis) = &self.inner.redis {
            let wire = format!("{}\nX\n0\n-\n{}", self.inner.instance, frame);
            let mut conn = redis.publisher.clone();
            let sent: redis::RedisResult<()> = redis::cmd("PUBLISH")
                .arg(room_channel(&redis.prefix, room_id))
                .arg(wire)
                .query_async(&mut conn)
                .await;
            if let Err(e) = sent {
                tracing::debug!(error = %e, "publishing an ephemeral frame");
            }
        }
        self.inner.hub.ephemeral(room_id, frame);
    }

    pub async fn control(&self, control: Control) {
        if let Some(redis) = &self.inner.redis {
            let body = serde_json::to_string(&control).unwrap_or_default();
            let wire = format!("{}\nC\n0\n-\n{}", self.inner.instance, body);
            let mut conn = redis.publisher.clone();
            let sent: redis::RedisResult<()> = redis::cmd("PUBLISH")
                .arg(control_channel(&redis.prefix))
                .arg(wire)
                .query_async(&mut conn)
                .await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, "publishing a control message");
            }
        }
        self.inner.hub.control(control);
    }

    /// Resolves once the room's channel is subscribed (at once without Redis, or when
    /// Redis is down: the reconnect will subscribe it and trigger a back-fill).
    pub async fn subscribe_room(&self, room_id: Uuid) {
        if let Some(redis) = &self.inner.redis {
            let (done, confirmed) = oneshot::channel();
            if redis.subscriptions.send(SubCommand::Subscribe(room_id, done)).is_ok() {
                let _ = tokio::time::timeout(Duration::from_secs(3), confirmed).await;
            }
        }
    }

    pub fn unsubscribe_room(&self, room_id: Uuid) {
        if let Some(redis) = &self.inner.redis {
            let _ = redis.subscriptions.send(SubCommand::Unsubscribe(room_id));
        }
    }
}

pub fn room_channel(prefix: &str, room_id: Uuid) -> String {
    format!("{prefix}:room:{room_id}")
}

fn control_channel(prefix: &str) -> String {
    format!("{prefix}:control")
}

/// Owns the pub/sub connection: applies subscription changes in order, feeds the hub,
/// and on a lost connection reconnects, re-subscribes every wanted room, and asks the hub
/// to back-fill what may have been published meanwhile.
async fn subscriber(
    client: redis::Client,
    prefix: String,
    instance: String,
    hub: HubHandle,
    mut commands: mpsc::UnboundedReceiver<SubCommand>,
) {
    let wanted: Mutex<HashSet<Uuid>> = Mutex::new(HashSet::new());
    let mut backoff = Duration::from_millis(100);
    let mut first = true;
    loop {
        let connected = async {
            let (mut sink, stream) = client.get_async_pubsub().await?.split();
            sink.subscribe(control_channel(&prefix)).await?;
            let rooms: Vec<String> = wanted
                .lock()
                .expect("lock")
                .iter()
                .map(|r| room_channel(&prefix, *r))
                .collect();
            if !rooms.is_empty() {
                sink.subscribe(rooms).await?;
            }
            redis::RedisResult::Ok((sink, stream))
        }
        .await;
        let (mut sink, mut stream) = match connected {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!(error = %e, "Redis pub/sub unavailable; retrying");
                // Keep confirming subscriptions so callers do not hang; the reconnect re-subscribes.
                let deadline = tokio::time::sleep(backoff);
                tokio::pin!(deadline);
                loop {
                    tokio::select! {
                        _ = &mut deadline => break,
                        cmd = commands.recv() => match cmd {
                            None => return,
                            Some(cmd) => note(&wanted, cmd),
                        },
                    }
                }
                backoff = (backoff * 2).min(Duration::from_secs(2));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        if !first {
            tracing::info!("Redis pub/sub reconnected; back-filling watched rooms");
            hub.resync_all();
        }
        first = false;
        loop {
            tokio::select! {
                msg = stream.next() => {
                    let Some(msg) = msg else { break };
                    let channel = msg.get_channel_name().to_owned();
                    let Ok(payload) = msg.get_payload::<String>() else { continue };
                    dispatch(&hub, &prefix, &instance, &channel, &payload);
                }
                cmd = commands.recv() => {
                    let Some(cmd) = cmd else { return };
                    let result = match &cmd {
                        SubCommand::Subscribe(room, _) => sink.subscribe(room_channel(&prefix, *room)).await,
                        SubCommand::Unsubscribe(room) => sink.unsubscribe(room_channel(&prefix, *room)).await,
                    };
                    note(&wanted, cmd);
                    if let Err(e) = result {
                        tracing::warn!(error = %e, "Redis subscription change failed");
                        break;
                    }
                }
            }
        }
        tracing::warn!("Redis pub/sub connection lost");
    }
}

fn note(wanted: &Mutex<HashSet<Uuid>>, cmd: SubCommand) {
    let mut wanted = wanted.lock().expect("lock");
    match cmd {
        SubCommand::Subscribe(room, done) => {
            wanted.insert(room);
            let _ = done.send(());
        }
        SubCommand::Unsubscribe(room) => {
            wanted.remove(&room);
        }
    }
}

/// Wire format: `origin \n kind \n seq \n left-user-or-dash \n frame`, so a receiver needs
/// no JSON parsing to route an event.
fn dispatch(hub: &HubHandle, prefix: &str, instance: &str, channel: &str, payload: &str) {
    let mut parts = payload.splitn(5, '\n');
    let (Some(origin), Some(kind), Some(seq), Some(left), Some(body)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    if origin == instance {
        return;
    }
    if kind == "C" {
        if let Ok(control) = serde_json::from_str::<Control>(body) {
            hub.control(control);
        }
        return;
    }
    let Some(room_id) = channel
        .strip_prefix(&format!("{prefix}:room:"))
        .and_then(|r| r.parse::<Uuid>().ok())
    else {
        return;
    };
    match kind {
        "E" => {
            let Ok(seq) = seq.parse() else { return };
            hub.events(vec![EventFrame {
                room_id,
                seq,
                left_user: left.parse().ok(),
                text: body.into(),
            }]);
        }
        "X" => hub.ephemeral(room_id, body.into()),
        _ => {}
    }
}
