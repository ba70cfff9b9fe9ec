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

mod wire;

use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use self::wire::Message;
use crate::platform::events::{Control, Ephemeral, FeedEntry, Publish, RoomEvent};
use crate::platform::tasks::Tasks;
use crate::realtime::frame::EventFrame;
use crate::realtime::hub::{HubHandle, RoomSubscriptions};

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
    pub async fn redis(
        hub: HubHandle,
        instance: String,
        url: &str,
        prefix: String,
        tasks: &Tasks,
    ) -> anyhow::Result<Self> {
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
        tasks.spawn(subscriber(
            client,
            prefix.clone(),
            instance.clone(),
            hub.clone(),
            rx,
            tasks.stopping().clone(),
        ));
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
        self.publish_frames(&frames).await;
        self.inner.hub.events(frames);
    }

    /// Publishes users' feed changes. A user's feed is a stream keyed by the user's id (room
    /// and user ids are random UUIDs and never meet), so it rides the same channels, gates
    /// and back-fills as a room's log.
    pub async fn publish_feed(&self, entries: &[FeedEntry]) {
        if entries.is_empty() {
            return;
        }
        let frames: Vec<EventFrame> = entries.iter().map(EventFrame::from_feed).collect();
        self.publish_frames(&frames).await;
        self.inner.hub.events(frames);
    }

    async fn publish_frames(&self, frames: &[EventFrame]) {
        let Some(redis) = &self.inner.redis else { return };
        let mut pipe = redis::pipe();
        for f in frames {
            let message = Message::Event {
                seq: f.seq,
                left_user: f.left_user,
                frame: &f.text,
            };
            pipe.cmd("PUBLISH")
                .arg(room_channel(&redis.prefix, f.room_id))
                .arg(wire::encode(&self.inner.instance, &message))
                .ignore();
        }
        let mut conn = redis.publisher.clone();
        if let Err(e) = pipe.query_async::<()>(&mut conn).await {
            // Subscribers elsewhere will back-fill from the log: nothing committed is lost.
            tracing::warn!(error = %e, "publishing events to Redis");
        }
    }

    /// Publishes a frame that is not part of the log (typing, presence, read).
    pub async fn publish_ephemeral(&self, frame: &Ephemeral) {
        let room_id = frame.room_id();
        let frame: ByteString = serde_json::to_string(frame)
            .expect("an ephemeral frame serialises")
            .into();
        if let Some(redis) = &self.inner.redis {
            let wire = wire::encode(&self.inner.instance, &Message::Ephemeral { frame: &frame });
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
            let body = serde_json::to_string(&control).expect("a control serialises");
            let wire = wire::encode(&self.inner.instance, &Message::Control { json: &body });
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
    pub async fn subscribe(&self, room_id: Uuid) {
        if let Some(redis) = &self.inner.redis {
            let (done, confirmed) = oneshot::channel();
            if redis.subscriptions.send(SubCommand::Subscribe(room_id, done)).is_ok() {
                let _ = tokio::time::timeout(Duration::from_secs(3), confirmed).await;
            }
        }
    }

    pub fn unsubscribe(&self, room_id: Uuid) {
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
    stop: CancellationToken,
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
                        _ = stop.cancelled() => return,
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
                _ = stop.cancelled() => return,
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

fn dispatch(hub: &HubHandle, prefix: &str, instance: &str, channel: &str, payload: &str) {
    let Some((origin, message)) = wire::decode(payload) else {
        return;
    };
    if origin == instance {
        return;
    }
    if let Message::Control { json } = message {
        if let Ok(control) = serde_json::from_str::<Control>(json) {
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
    match message {
        Message::Event { seq, left_user, frame } => hub.events(vec![EventFrame {
            room_id,
            seq,
            left_user,
            text: frame.into(),
        }]),
        Message::Ephemeral { frame } => hub.ephemeral(room_id, frame.into()),
        Message::Control { .. } => {}
    }
}

impl Publish for Bus {
    fn events<'a>(&'a self, events: &'a [RoomEvent]) -> BoxFuture<'a, ()> {
        Box::pin(self.publish_events(events))
    }

    fn feed<'a>(&'a self, entries: &'a [FeedEntry]) -> BoxFuture<'a, ()> {
        Box::pin(self.publish_feed(entries))
    }

    fn ephemeral(&self, frame: Ephemeral) -> BoxFuture<'_, ()> {
        Box::pin(async move { self.publish_ephemeral(&frame).await })
    }

    fn control(&self, control: Control) -> BoxFuture<'_, ()> {
        Box::pin(Bus::control(self, control))
    }
}

impl RoomSubscriptions for Bus {
    fn subscribe_room(&self, room_id: Uuid) -> BoxFuture<'static, ()> {
        let bus = self.clone();
        Box::pin(async move { bus.subscribe(room_id).await })
    }

    fn unsubscribe_room(&self, room_id: Uuid) {
        self.unsubscribe(room_id);
    }
}
