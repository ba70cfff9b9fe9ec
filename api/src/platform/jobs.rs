//! A durable jobs queue in PostgreSQL, for work that must happen once even if an instance
//! dies: applying Clerk webhooks now; payments, exports, pushes and persona replies later.
//!
//! A job is a row (`kind`, JSON `payload`, optional `dedupe_key`). Workers on every instance
//! claim one due job at a time with `FOR UPDATE SKIP LOCKED` and run its handler inside the
//! transaction that marks it done, so a crash mid-way leaves it queued for the next try and
//! two instances never run one job at once. A failure is recorded (attempts, last error)
//! and retried with exponential backoff until `max_attempts`, then the job is `failed`;
//! both stay visible in the table. The handler's savepoint keeps the claim when it fails.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::future::BoxFuture;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::db::DbPool;
use super::schema::jobs;

/// Longest a worker sleeps without looking for due jobs (another instance may have queued one).
const IDLE_POLL: Duration = Duration::from_secs(1);
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Work to do once the job's transaction has committed (e.g. tell every instance to close
/// a deleted user's sockets).
pub type AfterCommit = Option<BoxFuture<'static, ()>>;

/// Runs one kind of job. Its writes share the transaction that marks the job done.
pub trait Handler: Send + Sync + 'static {
    fn run<'a>(&'a self, conn: &'a mut AsyncPgConnection, job: &'a Job) -> BoxFuture<'a, anyhow::Result<AfterCommit>>;
}

/// Queues a job in the caller's transaction; false when `dedupe_key` was queued before.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    kind: &str,
    payload: &serde_json::Value,
    dedupe_key: Option<&str>,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(kind),
            jobs::payload.eq(payload),
            jobs::dedupe_key.eq(dedupe_key),
            jobs::max_attempts.eq(DEFAULT_MAX_ATTEMPTS),
        ))
        .on_conflict(jobs::dedupe_key)
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

/// The queue's workers on this instance, and what wakes them.
#[derive(Clone)]
pub struct Jobs {
    db: DbPool,
    wake: Arc<Notify>,
    handlers: Arc<HashMap<&'static str, Arc<dyn Handler>>>,
    retry_base: Duration,
}

impl Jobs {
    pub fn new(db: DbPool, retry_base: Duration) -> Self {
        Self {
            db,
            wake: Arc::new(Notify::new()),
            handlers: Arc::default(),
            retry_base,
        }
    }

    /// Registers the handler of `kind` (before `run`).
    pub fn with_handler(mut self, kind: &'static str, handler: Arc<dyn Handler>) -> Self {
        Arc::make_mut(&mut self.handlers).insert(kind, handler);
        self
    }

    /// Call after committing an `enqueue`: this instance's worker looks at once.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs jobs until `stop` is cancelled.
    pub async fn run(self, stop: CancellationToken) {
        loop {
            match self.process_one().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "jobs worker"),
            }
            let wait = self.until_next_due().await;
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = stop.cancelled() => return,
            }
        }
    }

    /// How long until the earliest queued job is due (at most IDLE_POLL).
    async fn until_next_due(&self) -> Duration {
        let next: Option<DateTime<Utc>> = async {
            let mut conn = self.db.get().await.ok()?;
            jobs::table
                .filter(jobs::status.eq("queued"))
                .select(diesel::dsl::min(jobs::run_at))
                .first(&mut conn)
                .await
                .ok()?
        }
        .await;
        next.map(|at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO))
            .map_or(IDLE_POLL, |d| d.min(IDLE_POLL))
    }

    /// Runs the oldest due job, if any. Returns whether there was one.
    pub async fn process_one(&self) -> anyhow::Result<bool> {
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        let mut conn = self.db.get().await?;
        let base = self.retry_base;
        let handlers = self.handlers.clone();
        let outcome = conn
            .transaction::<_, anyhow::Error, _>(async |conn| {
                let Some(job) = claim_due(conn, &kinds).await? else {
                    return Ok(None);
                };
                let handler = handlers[job.kind.as_str()].clone();
                // A savepoint: a failed run rolls back its own writes but keeps our claim.
                let ran = conn
                    .transaction::<_, anyhow::Error, _>(async |conn| handler.run(conn, &job).await)
                    .await;
                match ran {
                    Ok(after) => {
                        mark_done(conn, job.id).await?;
                        Ok(Some(after))
                    }
                    Err(e) => {
                        let attempts = job.attempts + 1;
                        let next = (attempts < job.max_attempts)
                            .then(|| Utc::now() + base * 2u32.saturating_pow(attempts as u32 - 1));
                        tracing::warn!(job = job.id, kind = %job.kind, attempts, error = %e, "job failed");
                        mark_failed_attempt(conn, job.id, &format!("{e:#}"), next).await?;
                        Ok(Some(None))
                    }
                }
            })
            .await?;
        match outcome {
            None => Ok(false),
            Some(after) => {
                if let Some(after) = after {
                    after.await;
                }
                Ok(true)
            }
        }
    }
}

async fn claim_due(conn: &mut AsyncPgConnection, kinds: &[&str]) -> QueryResult<Option<Job>> {
    jobs::table
        .filter(jobs::status.eq("queued"))
        .filter(jobs::run_at.le(diesel::dsl::now))
        .filter(jobs::kind.eq_any(kinds))
        .order((jobs::run_at.asc(), jobs::id.asc()))
        .select(Job::as_select())
        .for_update()
        .skip_locked()
        .first(conn)
        .await
        .optional()
}

async fn mark_done(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    let now = Utc::now();
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq("done"),
            jobs::attempts.eq(jobs::attempts + 1),
            jobs::finished_at.eq(now),
            jobs::last_error.eq(None::<String>),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

async fn mark_failed_attempt(
    conn: &mut AsyncPgConnection,
    id: i64,
    error: &str,
    next_run_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    let now = Utc::now();
    let status = if next_run_at.is_some() { "queued" } else { "failed" };
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(status),
            jobs::attempts.eq(jobs::attempts + 1),
            jobs::last_error.eq(error),
            jobs::run_at.eq(next_run_at.unwrap_or(now)),
            jobs::finished_at.eq(next_run_at.is_none().then_some(now)),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
