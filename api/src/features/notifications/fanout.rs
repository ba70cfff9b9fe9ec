//! From posted messages to feed rows: candidates (one query per batch), `decide` for each,
//! then every row in one statement, then the live frames. Runs in the posting lane right
//! after a batch commits and is answered, so a batch's notifications cost two round trips
//! whatever its size (an `@room` in a 1,000-member room included).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Utc;
use futures_util::future::BoxFuture;
use uuid::Uuid;

use super::decide::{decide, do_not_disturb, Change, Input, Level, Trigger};
use super::mentions::Mentions;
use super::repo::{self, Candidate, CandidateQuery, NewNotification};
use super::views::Kind;
use crate::platform::db::DbPool;
use crate::platform::events::Publish;

/// The job that notifies about a batch whose fan-out failed.
pub const RETRY_JOB: &str = "notifications.fanout";

/// Longest preview of a message kept in a notification (characters).
pub const PREVIEW_CHARS: usize = 140;

/// Who has a room open on a live socket, on any instance (realtime's presence).
pub trait Watching: Send + Sync {
    fn watching(&self, room_id: Uuid) -> BoxFuture<'_, Vec<Uuid>>;
}

/// Wakes this instance's jobs worker (a push was queued).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A committed message, as the fan-out needs it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PostedMessage {
    pub id: Uuid,
    pub room_id: Uuid,
    pub seq: i64,
    pub author_id: Uuid,
    pub reply_to: Option<Uuid>,
    pub mentions: Mentions,
    pub body: String,
}

#[derive(Clone)]
pub struct Notifier {
    db: DbPool,
    publish: Arc<dyn Publish>,
    watching: Arc<dyn Watching>,
    wake: Wake,
}

impl Notifier {
    pub fn new(db: DbPool, publish: Arc<dyn Publish>, watching: Arc<dyn Watching>, wake: Wake) -> Self {
        Self {
            db,
            publish,
            watching,
            wake,
        }
    }

    /// Notifies about a committed batch. When that fails (the messages stand), the batch is
    /// handed to the jobs queue to be notified later, with retries.
    pub async fn posted(&self, messages: &[PostedMessage]) {
        if messages.is_empty() {
            return;
        }
        if let Err(e) = self.try_posted(messages).await {
            metrics::counter!("parley_notification_fanout_failures_total").increment(1);
            tracing::warn!(error = %e, count = messages.len(), "notifying about posted messages; queued for a retry");
            if let Err(e) = self.queue_retry(messages).await {
                tracing::error!(error = %e, count = messages.len(), "queueing a notification retry failed: notifications lost");
            }
        }
    }

    async fn queue_retry(&self, messages: &[PostedMessage]) -> anyhow::Result<()> {
        let mut conn = self.db.get().await?;
        let payload = serde_json::json!({ "messages": messages });
        crate::platform::jobs::enqueue(&mut conn, RETRY_JOB, &payload, None).await?;
        drop(conn);
        (self.wake)();
        Ok(())
    }

    pub(super) async fn try_posted(&self, messages: &[PostedMessage]) -> anyhow::Result<()> {
        let queries: Vec<CandidateQuery> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| CandidateQuery {
                ord: i as i32,
                room_id: m.room_id,
                author_id: m.author_id,
                reply_to: m.reply_to,
                mention_ids: m.mentions.user_ids.clone(),
                room_mention: m.mentions.room,
            })
            .collect();
        let mut conn = self.db.get().await?;
        let candidates = repo::candidates(&mut conn, &queries).await?;
        if candidates.is_empty() {
            return Ok(());
        }
        drop(conn);
        let watchers = self.watchers(messages, &candidates).await;
        let now = Utc::now();
        let items: Vec<NewNotification> = candidates
            .iter()
            .filter_map(|c| {
                let m = &messages[c.ord as usize];
                let trigger = trigger(c, m);
                let decision = decide(Input {
                    change: Change::Posted,
                    trigger,
                    own: c.user_id == m.author_id,
                    direct_room: c.direct_room,
                    level: c.notify_level.as_deref().and_then(Level::parse),
                    muted: c.muted_until.is_some_and(|until| until > now),
                    do_not_disturb: do_not_disturb(now, &c.time_zone, c.dnd_start, c.dnd_end),
                    watching: watchers.get(&m.room_id).is_some_and(|w| w.contains(&c.user_id)),
                });
                decision.feed.then(|| item(c, m, trigger, decision.push && c.has_push))
            })
            .collect();
        let pushes = items.iter().any(|i| i.push);
        let mut conn = self.db.get().await?;
        let entries = repo::notify(&mut conn, &items).await?;
        drop(conn);
        metrics::counter!("parley_notifications_total").increment(items.len() as u64);
        self.publish.feed(&entries).await;
        if pushes {
            (self.wake)();
        }
        Ok(())
    }

    /// Who watches the rooms where someone could be pushed (asked only for those).
    async fn watchers(&self, messages: &[PostedMessage], candidates: &[Candidate]) -> HashMap<Uuid, HashSet<Uuid>> {
        let rooms: HashSet<Uuid> = candidates
            .iter()
            .filter(|c| c.has_push)
            .map(|c| messages[c.ord as usize].room_id)
            .collect();
        let mut out = HashMap::new();
        for room_id in rooms {
            let online = self.watching.watching(room_id).await;
            out.insert(room_id, online.into_iter().collect());
        }
        out
    }
}

fn trigger(c: &Candidate, m: &PostedMessage) -> Trigger {
    if c.mentioned {
        Trigger::Mention
    } else if c.replied {
        Trigger::Reply
    } else if m.mentions.room {
        Trigger::RoomMention
    } else if c.direct_room {
        Trigger::Dm
    } else {
        Trigger::Message
    }
}

/// The row for a decision: mentions stand alone; replies coalesce per thread, DMs and
/// level-`all` messages per room (one unread row with a count and the latest sender).
fn item(c: &Candidate, m: &PostedMessage, trigger: Trigger, push: bool) -> NewNotification {
    let (kind, group_key) = match trigger {
        Trigger::Mention | Trigger::RoomMention => (Kind::Mention, None),
        Trigger::Reply => (Kind::Reply, m.reply_to.map(|p| format!("reply:{p}"))),
        Trigger::Dm => (Kind::Dm, Some(format!("dm:{}", m.room_id))),
        Trigger::Message => (Kind::Message, Some(format!("room:{}", m.room_id))),
    };
    NewNotification {
        id: Uuid::now_v7(),
        user_id: c.user_id,
        kind,
        group_key,
        room_id: Some(m.room_id),
        message_id: Some(m.id),
        room_seq: Some(m.seq),
        actor_id: Some(m.author_id),
        preview: Some(preview(&m.body)),
        push,
        ord: c.ord,
        subject_id: None,
    }
}

pub fn preview(body: &str) -> String {
    let mut chars = body.chars();
    let head: String = chars.by_ref().take(PREVIEW_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Runs a fan-out that failed after its messages were committed (the jobs queue retries it
/// with backoff). Its writes use their own connections: the job row only records progress.
pub struct FanoutRetry(pub Notifier);

impl crate::platform::jobs::Handler for FanoutRetry {
    fn run<'a>(
        &'a self,
        _conn: &'a mut diesel_async::AsyncPgConnection,
        job: &'a crate::platform::jobs::Job,
    ) -> BoxFuture<'a, anyhow::Result<crate::platform::jobs::AfterCommit>> {
        Box::pin(async move {
            let messages: Vec<PostedMessage> = serde_json::from_value(job.payload["messages"].clone())?;
            self.0.try_posted(&messages).await?;
            Ok(None)
        })
    }
}
