//! Group commit for message posts.
//!
//! One transaction per message tops out at a few thousand commits a second; batching
//! concurrent posts into one call of `parley_post_messages` (one statement, one round trip,
//! one commit) multiplies that. A lane takes whatever queued while its previous batch was
//! committing, plus what arrives until its oldest post has waited BATCH_WINDOW_MS (5 ms).
//! Posts are spread over lanes by room, so one room's posts are committed in the order
//! they arrived. Each post is acknowledged only after its batch commits, and the committed
//! events are what gets published. The send rate limit is counted here too, a batch at a
//! time (one Redis round trip per batch, not per message).

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use chrono::SubsecRound;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::repo::{self as messages, Outcome, PostItem, PostOutcome};
use super::service::views;
use super::validate::{ClientMsgId, MessageText, PpvRequest};
use super::views::{MessageView, Ppv, PpvPrice};
use crate::features::files::uses;
use crate::features::notifications::mentions::MAX_ROOM_MENTION_MEMBERS;
use crate::features::notifications::{Mentions, Notifier, PostedMessage};
use crate::platform::db::DbPool;
use crate::platform::error::ApiError;
use crate::platform::events::{EventKind, Publish, RoomEvent};
use crate::platform::limits::RateLimiter;
use crate::platform::tasks::Tasks;

pub struct PostRequest {
    pub room_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub client_msg_id: String,
    pub reply_to: Option<Uuid>,
    /// Checked for shape; membership and @room rights are checked in the batch.
    pub mentions: Option<Mentions>,
    /// At most 10, no repeats; that each is the author's unused upload is checked (and the
    /// file claimed) in the batch.
    pub attachment_ids: Vec<Uuid>,
    /// Pay-per-view price and preview (needs a body; the author must be able to sell).
    pub ppv: Option<Ppv>,
}

/// A post as a client sends it (REST body or socket `send` frame).
pub struct Draft {
    pub room_id: Uuid,
    pub client_msg_id: ClientMsgId,
    pub body: Option<MessageText>,
    pub reply_to: Option<Uuid>,
    pub mentions: Option<Mentions>,
    pub attachment_ids: Option<Vec<Uuid>>,
    pub ppv: Option<PpvRequest>,
}

impl PostRequest {
    /// Checks a draft's shape: a body, attachments or both.
    pub fn new(author_id: Uuid, d: Draft) -> Result<Self, ApiError> {
        let attachment_ids = uses::checked_ids(d.attachment_ids)?;
        if d.body.is_none() && attachment_ids.is_empty() {
            return Err(ApiError::invalid("a message needs a body, attachments or both"));
        }
        if d.ppv.is_some() && d.body.is_none() {
            return Err(ApiError::invalid("a pay-per-view message needs a body"));
        }
        Ok(Self {
            room_id: d.room_id,
            author_id,
            body: d.body.map(MessageText::into_inner).unwrap_or_default(),
            client_msg_id: d.client_msg_id.into_inner(),
            reply_to: d.reply_to,
            mentions: d.mentions.map(Mentions::checked).transpose()?.flatten(),
            attachment_ids,
            ppv: d.ppv.map(PpvRequest::checked).transpose()?,
        })
    }
}

/// What a poster needs: the pool, where to publish, the send limit and the batch shape.
pub struct PosterConfig {
    pub db: DbPool,
    pub publish: Arc<dyn Publish>,
    pub limiter: RateLimiter,
    /// Told about every committed batch (after its posts are answered).
    pub notifier: Notifier,
    pub lanes: usize,
    pub batch_max: usize,
    pub window: Duration,
}

pub enum Posted {
    Created(MessageView),
    /// A retry of an earlier post with the same client_msg_id: the first message, no new event.
    Duplicate(MessageView),
}

struct Job {
    request: PostRequest,
    queued_at: tokio::time::Instant,
    reply: oneshot::Sender<Result<Posted, ApiError>>,
}

#[derive(Clone)]
pub struct Poster {
    lanes: Vec<mpsc::Sender<Job>>,
}

impl Poster {
    pub fn start(config: PosterConfig, tasks: &Tasks) -> Self {
        let lanes = (0..config.lanes.max(1))
            .map(|_| {
                let (tx, rx) = mpsc::channel(config.batch_max * 4);
                let lane = Lane {
                    db: config.db.clone(),
                    publish: config.publish.clone(),
                    limiter: config.limiter.clone(),
                    notifier: config.notifier.clone(),
                    batch_max: config.batch_max,
                    window: config.window,
                };
                let stop = tasks.stopping().clone();
                tasks.spawn(async move {
                    tokio::select! {
                        _ = lane.run(rx) => {}
                        _ = stop.cancelled() => {}
                    }
                });
                tx
            })
            .collect();
        Self { lanes }
    }

    /// Posts and waits for the commit.
    pub async fn post(&self, request: PostRequest) -> Result<Posted, ApiError> {
        self.submit(request).await?.await
    }

    /// Queues a post in its room's lane and returns the wait for its commit. Posts submitted
    /// one after another to one room are committed in that order (one lane per room, and a
    /// lane keeps arrival order), so a client that pipelines sends keeps them in the order
    /// it sent them as long as it submits them in that order; only the waits may overlap.
    pub async fn submit(
        &self,
        request: PostRequest,
    ) -> Result<impl std::future::Future<Output = Result<Posted, ApiError>> + Send + 'static, ApiError> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        request.room_id.hash(&mut hasher);
        let lane = &self.lanes[(hasher.finish() % self.lanes.len() as u64) as usize];
        let (reply, answer) = oneshot::channel();
        let queued_at = tokio::time::Instant::now();
        lane.send(Job {
            request,
            queued_at,
            reply,
        })
        .await
        .map_err(|_| ApiError::Unavailable("shutting down".into()))?;
        Ok(async move {
            answer
                .await
                .map_err(|_| ApiError::Unavailable("shutting down".into()))?
        })
    }
}

struct Lane {
    db: DbPool,
    publish: Arc<dyn Publish>,
    limiter: RateLimiter,
    notifier: Notifier,
    batch_max: usize,
    window: Duration,
}

impl Lane {
    async fn run(self, mut rx: mpsc::Receiver<Job>) {
        let mut jobs = Vec::with_capacity(self.batch_max);
        while rx.recv_many(&mut jobs, self.batch_max).await > 0 {
            // A short window lets a moderate load form batches too: a commit per message costs
            // far more database CPU than the few milliseconds of waiting. It runs from the
            // oldest post's arrival, so posts that queued during the previous commit do not
            // wait a second window.
            let deadline = jobs[0].queued_at + self.window;
            while jobs.len() < self.batch_max {
                let room = self.batch_max - jobs.len();
                match tokio::time::timeout_at(deadline, rx.recv_many(&mut jobs, room)).await {
                    Ok(n) if n > 0 => continue,
                    _ => break,
                }
            }
            let batch = self.over_the_limit_answered(std::mem::take(&mut jobs)).await;
            if batch.is_empty() {
                continue;
            }
            let started = std::time::Instant::now();
            let result = commit(&self.db, &*self.publish, &batch).await;
            tracing::debug!(
                size = batch.len(),
                elapsed_us = started.elapsed().as_micros() as u64,
                "batch committed"
            );
            match result {
                Ok(results) => {
                    // Before the answers: once a post is acknowledged, the people it
                    // notifies have it in their feeds (the fan-out is two round trips per
                    // batch, whatever its size).
                    self.notifier.posted(&posted_messages(&batch, &results)).await;
                    answer(batch, results);
                }
                // The database is unreachable: every post of the batch gets `unavailable` at
                // once. Retrying each alone would only fail again, slowly enough that posts
                // queue up behind the outage instead of being refused.
                Err(ApiError::Unavailable(why)) => {
                    let refused = batch.iter().map(|_| Err(ApiError::Unavailable(why.clone()))).collect();
                    answer(batch, refused);
                }
                // The whole statement failed (e.g. two posts racing on one client_msg_id across
                // instances, or a room deleted meanwhile): retry each alone so only the culprit fails.
                Err(e) if batch.len() > 1 => {
                    tracing::debug!(error = ?e, size = batch.len(), "batch failed; retrying one by one");
                    for job in batch {
                        let result = commit(&self.db, &*self.publish, std::slice::from_ref(&job)).await;
                        let results = result.unwrap_or_else(|e| vec![Err(e)]);
                        self.notifier
                            .posted(&posted_messages(std::slice::from_ref(&job), &results))
                            .await;
                        answer(vec![job], results);
                    }
                }
                Err(e) => answer(batch, vec![Err(e)]),
            }
        }
    }

    /// Counts the batch against its authors' send limits; refuses the posts over them and
    /// returns the rest.
    async fn over_the_limit_answered(&self, batch: Vec<Job>) -> Vec<Job> {
        let authors: Vec<Uuid> = batch.iter().map(|job| job.request.author_id).collect();
        let allowed = self.limiter.allow_batch(&authors).await;
        let (kept, refused): (Vec<_>, Vec<_>) = batch.into_iter().zip(allowed).partition(|(_, ok)| *ok);
        for (job, _) in refused {
            let _ = job
                .reply
                .send(Err(ApiError::RateLimited("too many messages; slow down".into())));
        }
        kept.into_iter().map(|(job, _)| job).collect()
    }
}

/// The batch's newly created messages, for notifications (retries of earlier posts are not
/// new).
fn posted_messages(batch: &[Job], results: &[Result<Posted, ApiError>]) -> Vec<PostedMessage> {
    batch
        .iter()
        .zip(results)
        .filter_map(|(job, result)| match result {
            Ok(Posted::Created(view)) => Some(PostedMessage {
                id: view.id,
                room_id: view.room_id,
                seq: view.seq,
                author_id: view.author_id,
                reply_to: view.reply_to,
                mentions: job.request.mentions.clone().unwrap_or_default(),
                body: view.notification_text(),
            }),
            _ => None,
        })
        .collect()
}

fn answer(batch: Vec<Job>, results: Vec<Result<Posted, ApiError>>) {
    for (job, result) in batch.into_iter().zip(results) {
        // A caller that gave up (closed socket, timed-out request) simply is not told.
        let _ = job.reply.send(result);
    }
}

async fn commit(db: &DbPool, publish: &dyn Publish, batch: &[Job]) -> Result<Vec<Result<Posted, ApiError>>, ApiError> {
    let now = chrono::Utc::now().trunc_subsecs(6);
    let mut conn = db.get().await?;
    // What the attachments show, for the whole batch in one query (none: no query).
    let ids: Vec<Uuid> = batch
        .iter()
        .flat_map(|job| job.request.attachment_ids.iter().copied())
        .collect();
    let described = uses::describe(&mut conn, &ids).await?;
    let mut views_by_idx = Vec::with_capacity(batch.len());
    let mut items: Vec<PostItem> = batch
        .iter()
        .enumerate()
        .map(|(idx, job)| {
            let r = &job.request;
            let view = MessageView {
                id: Uuid::now_v7(),
                room_id: r.room_id,
                seq: 0,
                author_id: r.author_id,
                body: Some(r.body.clone()),
                locked: false,
                ppv: r.ppv.as_ref().map(|p| PpvPrice {
                    amount: p.amount,
                    currency: p.currency.clone(),
                }),
                preview: r.ppv.as_ref().and_then(|p| p.preview.clone()),
                reply_to: r.reply_to,
                mentions: r.mentions.clone().unwrap_or_default(),
                client_msg_id: r.client_msg_id.clone(),
                reactions: Default::default(),
                my_reactions: None,
                created_at: now,
                edited_at: None,
                deleted: false,
                attachments: r
                    .attachment_ids
                    .iter()
                    .filter_map(|id| described.get(id).cloned())
                    .collect(),
            };
            let item = PostItem {
                idx: idx as i32,
                id: view.id,
                room_id: r.room_id,
                author_id: r.author_id,
                body: r.body.clone(),
                client_msg_id: r.client_msg_id.clone(),
                reply_to: r.reply_to,
                created_at: now,
                mentions: r
                    .mentions
                    .as_ref()
                    .map(|m| serde_json::to_value(m).expect("mentions serialise")),
                payload: view.event_data(),
                attachment_ids: r.attachment_ids.clone(),
                attachments: serde_json::to_value(&view.attachments).expect("attachments serialise"),
                ppv: r
                    .ppv
                    .as_ref()
                    .map(|p| serde_json::to_value(p).expect("a price serialises")),
            };
            views_by_idx.push(Some(view));
            item
        })
        .collect();
    let outcomes = messages::post_batch(&mut conn, &items).await?;
    let mut results: Vec<Option<Result<Posted, ApiError>>> = (0..batch.len()).map(|_| None).collect();
    let mut events = Vec::new();
    for PostOutcome {
        idx,
        outcome,
        message_id,
        seq,
    } in outcomes
    {
        let i = idx as usize;
        let result = match (outcome, seq, message_id) {
            (Outcome::Created, Some(seq), _) => {
                let Some(mut view) = views_by_idx[i].take() else {
                    results[i] = Some(Err(ApiError::Internal(anyhow::anyhow!("two outcomes for item {i}"))));
                    continue;
                };
                view.seq = seq;
                // The data sent to the function, with its seq: what the function stored.
                let mut payload = std::mem::take(&mut items[i].payload);
                payload["seq"] = seq.into();
                events.push(RoomEvent {
                    room_id: view.room_id,
                    seq,
                    kind: EventKind::MessageCreated,
                    payload,
                    created_at: now,
                });
                view.my_reactions = Some(vec![]);
                Ok(Posted::Created(view))
            }
            (Outcome::Duplicate, _, Some(id)) => {
                let found = messages::by_id(&mut conn, id)
                    .await?
                    .ok_or(ApiError::NotFound("message"))?;
                let author = found.author_id;
                Ok(Posted::Duplicate(
                    views(&mut conn, vec![found], author).await?.remove(0),
                ))
            }
            (Outcome::ClientMsgIdConflict, _, _) => Err(ApiError::Conflict(
                "client_msg_id was already used for a message in another room".into(),
            )),
            (Outcome::NotMember, _, _) => Err(ApiError::Forbidden("join the room first".into())),
            (Outcome::NoRoom, _, _) => Err(ApiError::NotFound("room")),
            (Outcome::BadReply, _, _) => Err(ApiError::invalid("reply_to must be a message of the same room")),
            (Outcome::BadMention, _, _) => Err(ApiError::invalid("mentions.user_ids must be members of the room")),
            (Outcome::BadAttachment, _, _) => Err(ApiError::invalid(
                "attachment_ids must be your own uploads (purpose attachment) not attached to another message",
            )),
            (Outcome::BadPpv, _, _) => Err(ApiError::Conflict(
                "pay-per-view needs a payout account Stripe has enabled (POST /v1/payouts/account)".into(),
            )),
            (Outcome::BadRoomMention, _, _) => Err(ApiError::invalid(format!(
                "only owners and moderators may mention the whole room, and only in rooms of at most {MAX_ROOM_MENTION_MEMBERS} members"
            ))),
            (other, _, _) => Err(ApiError::Internal(anyhow::anyhow!(
                "post outcome {other} without its id or seq"
            ))),
        };
        results[i] = Some(result);
    }
    drop(conn);
    if !events.is_empty() {
        publish.events(&events).await;
    }
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(ApiError::Internal(anyhow::anyhow!("post outcome missing")))))
        .collect())
}
