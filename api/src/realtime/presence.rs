//! Who is online in a room: users with a socket subscribed to it on any instance.
//!
//! With Redis, each subscription is an entry in the room's sorted set whose score is its
//! expiry; every instance refreshes its own entries, so those of an instance that died
//! expire by themselves and the next refresh anywhere announces the change. Without Redis
//! the local map is the whole truth.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::ConnectionManager;
use uuid::Uuid;

use tokio_util::sync::CancellationToken;

use super::bus::Bus;
use super::frame::ConnId;
use crate::features::notifications::Watching;
use crate::platform::events::Ephemeral;
use crate::platform::tasks::Tasks;
use futures_util::future::BoxFuture;

#[derive(Clone)]
pub struct Presence {
    inner: Arc<Inner>,
}

struct Inner {
    redis: Option<ConnectionManager>,
    prefix: String,
    instance: String,
    ttl: Duration,
    bus: Bus,
    /// This instance's subscriptions: room -> connection -> user.
    local: Mutex<HashMap<Uuid, HashMap<ConnId, Uuid>>>,
    /// The last online list announced per room, to announce only changes on refresh.
    announced: Mutex<HashMap<Uuid, Vec<Uuid>>>,
    /// Whether changes are announced to the room (`presence` frames).
    announce: bool,
    /// Told of each announced change (session attendance).
    hook: std::sync::OnceLock<Arc<dyn PresenceHook>>,
}

/// Told of every change of who is in a room, on the instance that saw it (the online list
/// is every instance's); `departed`: someone who was there is not any more.
pub trait PresenceHook: Send + Sync {
    fn changed(&self, room_id: Uuid, online: Vec<Uuid>, departed: bool);
}

/// A presence that does not keep it alive (for a hook it owns).
#[derive(Clone)]
pub struct WeakPresence(std::sync::Weak<Inner>);

impl WeakPresence {
    pub fn upgrade(&self) -> Option<Presence> {
        self.0.upgrade().map(|inner| Presence { inner })
    }
}

impl crate::features::sessions::InRoom for Presence {
    fn in_room(&self, room_id: Uuid) -> BoxFuture<'_, Vec<Uuid>> {
        Box::pin(self.online(room_id))
    }
}

impl Watching for Presence {
    fn watching(&self, room_id: Uuid) -> BoxFuture<'_, Vec<Uuid>> {
        Box::pin(self.online(room_id))
    }
}

impl Presence {
    pub fn new(bus: Bus, prefix: String, ttl: Duration, tasks: &Tasks) -> Self {
        Self::start(bus, prefix, ttl, true, tasks)
    }

    /// Which sockets *show* a room (the client's `view` frame), kept like presence on every
    /// instance but never announced: what decides that a push would be redundant.
    pub fn viewing(bus: Bus, prefix: String, ttl: Duration, tasks: &Tasks) -> Self {
        Self::start(bus, format!("{prefix}:viewing"), ttl, false, tasks)
    }

    fn start(bus: Bus, prefix: String, ttl: Duration, announce: bool, tasks: &Tasks) -> Self {
        let inner = Arc::new(Inner {
            redis: bus.redis_connection(),
            prefix,
            instance: bus.instance().to_owned(),
            ttl,
            bus,
            local: Mutex::new(HashMap::new()),
            announced: Mutex::new(HashMap::new()),
            announce,
            hook: std::sync::OnceLock::new(),
        });
        let presence = Self { inner };
        if presence.inner.redis.is_some() {
            tasks.spawn(presence.clone().refresh_loop(tasks.stopping().clone()));
        }
        presence
    }

    /// Sets what is told of each announced change (once).
    pub fn set_hook(&self, hook: Arc<dyn PresenceHook>) {
        let _ = self.inner.hook.set(hook);
    }

    pub fn downgrade(&self) -> WeakPresence {
        WeakPresence(Arc::downgrade(&self.inner))
    }

    fn key(&self, room_id: Uuid) -> String {
        format!("{}:presence:{room_id}", self.inner.prefix)
    }

    fn member(&self, conn: ConnId, user: Uuid) -> String {
        format!("{user}|{}|{conn}", self.inner.instance)
    }

    fn expiry_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.inner.ttl.as_millis() as i64
    }

    pub async fn enter(&self, room_id: Uuid, conn: ConnId, user: Uuid) {
        self.inner
            .local
            .lock()
            .expect("lock")
            .entry(room_id)
            .or_default()
            .insert(conn, user);
        if let Some(redis) = &self.inner.redis {
            let mut c = redis.clone();
            let _: redis::RedisResult<()> = redis::pipe()
                .zadd(self.key(room_id), self.member(conn, user), self.expiry_ms())
                .ignore()
                .pexpire(self.key(room_id), self.inner.ttl.as_millis() as i64 * 2)
                .ignore()
                .query_async(&mut c)
                .await;
        }
        self.announce(room_id).await;
    }

    pub async fn leave(&self, room_id: Uuid, conn: ConnId) {
        let user = {
            let mut local = self.inner.local.lock().expect("lock");
            let user = local.get_mut(&room_id).and_then(|m| m.remove(&conn));
            if local.get(&room_id).is_some_and(|m| m.is_empty()) {
                local.remove(&room_id);
            }
            user
        };
        let Some(user) = user else { return };
        if let Some(redis) = &self.inner.redis {
            let mut c = redis.clone();
            let _: redis::RedisResult<()> = redis::cmd("ZREM")
                .arg(self.key(room_id))
                .arg(self.member(conn, user))
                .query_async(&mut c)
                .await;
        }
        self.announce(room_id).await;
    }

    /// Leaves every room this connection is in (on disconnect).
    pub async fn leave_all(&self, conn: ConnId) {
        let rooms: Vec<Uuid> = {
            let local = self.inner.local.lock().expect("lock");
            local
                .iter()
                .filter(|(_, m)| m.contains_key(&conn))
                .map(|(r, _)| *r)
                .collect()
        };
        for room_id in rooms {
            self.leave(room_id, conn).await;
        }
    }

    pub async fn online(&self, room_id: Uuid) -> Vec<Uuid> {
        if let Some(redis) = &self.inner.redis {
            let mut c = redis.clone();
            let now = chrono::Utc::now().timestamp_millis();
            let entries: redis::RedisResult<Vec<String>> = redis::cmd("ZRANGE")
                .arg(self.key(room_id))
                .arg(now)
                .arg("+inf")
                .arg("BYSCORE")
                .query_async(&mut c)
                .await;
            if let Ok(entries) = entries {
                let users: BTreeSet<Uuid> = entries
                    .iter()
                    .filter_map(|e| e.split('|').next().and_then(|u| u.parse().ok()))
                    .collect();
                return users.into_iter().collect();
            }
        }
        let local = self.inner.local.lock().expect("lock");
        let users: BTreeSet<Uuid> = local
            .get(&room_id)
            .map(|m| m.values().copied().collect())
            .unwrap_or_default();
        users.into_iter().collect()
    }

    async fn announce(&self, room_id: Uuid) {
        if !self.inner.announce {
            return;
        }
        let online = self.online(room_id).await;
        let before = self
            .inner
            .announced
            .lock()
            .expect("lock")
            .insert(room_id, online.clone());
        if let Some(hook) = self.inner.hook.get() {
            let departed = before.is_some_and(|b| b.iter().any(|u| !online.contains(u)));
            hook.changed(room_id, online.clone(), departed);
        }
        self.inner
            .bus
            .publish_ephemeral(&Ephemeral::Presence { room_id, online })
            .await;
    }

    /// Re-asserts this instance's entries, drops expired ones, and announces any change
    /// (such as another instance's entries expiring after it died).
    async fn refresh_loop(self, stop: CancellationToken) {
        let Some(redis) = self.inner.redis.clone() else { return };
        let mut tick = tokio::time::interval((self.inner.ttl / 3).max(Duration::from_millis(200)));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.cancelled() => return,
            }
            let snapshot: Vec<(Uuid, Vec<(ConnId, Uuid)>)> = {
                let local = self.inner.local.lock().expect("lock");
                local
                    .iter()
                    .map(|(r, m)| (*r, m.iter().map(|(c, u)| (*c, *u)).collect()))
                    .collect()
            };
            let now = chrono::Utc::now().timestamp_millis();
            let expiry = self.expiry_ms();
            let mut pipe = redis::pipe();
            for (room_id, entries) in &snapshot {
                let key = self.key(*room_id);
                for (conn, user) in entries {
                    pipe.zadd(&key, self.member(*conn, *user), expiry).ignore();
                }
                pipe.cmd("ZREMRANGEBYSCORE").arg(&key).arg("-inf").arg(now).ignore();
                pipe.pexpire(&key, self.inner.ttl.as_millis() as i64 * 2).ignore();
            }
            let mut c = redis.clone();
            if pipe.query_async::<()>(&mut c).await.is_err() {
                continue;
            }
            for (room_id, _) in snapshot {
                let online = self.online(room_id).await;
                let changed = self.inner.announced.lock().expect("lock").get(&room_id) != Some(&online);
                if changed {
                    self.announce(room_id).await;
                }
            }
        }
    }

    /// On graceful shutdown: remove this instance's entries at once instead of letting them expire.
    pub async fn clear_local(&self) {
        let all: Vec<(Uuid, Vec<ConnId>)> = {
            let local = self.inner.local.lock().expect("lock");
            local.iter().map(|(r, m)| (*r, m.keys().copied().collect())).collect()
        };
        for (room_id, conns) in all {
            for conn in conns {
                self.leave(room_id, conn).await;
            }
        }
    }
}
