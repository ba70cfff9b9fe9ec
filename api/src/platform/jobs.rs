//! A durable jobs queue in PostgreSQL, for work that must happen once even if an instance
//! dies: Clerk and Stripe events, pushes, object deletions; exports and persona replies later.
//!
//! A job is a row (`kind`, JSON `payload`, optional `dedupe_key`). A worker *leases* one due
//! job in a short transaction of its own (`FOR UPDATE SKIP LOCKED`: two workers never take
//! one job; `running` until `lease_until`, then due again, so a crashed instance's job is
//! run by another) and commits the lease before any work starts. Then:
//!
//! - a [`Handler`] (database work only) runs inside the transaction that marks the job done,
//!   which first checks the lease is still ours: its writes and "done" commit together or
//!   not at all;
//! - a [`Task`] (a network call: a push, an object delete) runs with **no transaction open**
//!   and no connection held; its outcome is recorded afterwards. A task may run again after
//!   a crash or an expired lease, so it must be safe to repeat.
//!
//! Workers run in lanes: the handlers share one lane, each task kind has its own with its
//! own number of workers (its concurrency limit), so a push service that hangs holds up only
//! pushes, never a Stripe or Clerk event. A failure is recorded (attempts, last error) and
//! retried with exponential backoff until `max_attempts`, then the job is `failed`; both
//! stay visible in the table.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Int4, Interval, Jsonb, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::future::BoxFuture;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::db::DbPool;
use super::schema::jobs;

/// Longest a worker sleeps without looking for due jobs (another instance may have queued one).
const IDLE_POLL: Duration = Duration::from_secs(1);
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;

#[derive(QueryableByName, Debug, Clone)]
pub struct Job {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Jsonb)]
    pub payload: serde_json::Value,
    /// Including this run.
    #[diesel(sql_type = Int4)]
    pub attempts: i32,
    #[diesel(sql_type = Int4)]
    pub max_attempts: i32,
    /// This run's lease: only its holder records the outcome.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub lease: Uuid,
}

/// Work to do once the job's transaction has committed (e.g. tell every instance to close
/// a deleted user's sockets).
pub type AfterCommit = Option<BoxFuture<'static, ()>>;

/// Runs one kind of job in the transaction that marks it done: database work only, never a
/// network call.
pub trait Handler: Send + Sync + 'static {
    fn run<'a>(&'a self, conn: &'a mut AsyncPgConnection, job: &'a Job) -> BoxFuture<'a, anyhow::Result<AfterCommit>>;
}

/// Runs one kind of job with no transaction open (network calls). It takes connections from
/// `db` only for short reads and writes of its own, and must be safe to run again.
pub trait Task: Send + Sync + 'static {
    fn run<'a>(&'a self, db: &'a DbPool, job: &'a Job) -> BoxFuture<'a, anyhow::Result<()>>;
}

/// Queues a job in the caller's transaction; false when `dedupe_key` was queued before.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    kind: &str,
    payload: &serde_json::Value,
    dedupe_key: Option<&str>,
) -> QueryResult<bool> {
    enqueue_after(conn, kind, payload, dedupe_key, Duration::ZERO).await
}

/// Queues a job that is due only after `delay` (see `enqueue`).
pub async fn enqueue_after(
    conn: &mut AsyncPgConnection,
    kind: &str,
    payload: &serde_json::Value,
    dedupe_key: Option<&str>,
    delay: Duration,
) -> QueryResult<bool> {
    let run_at = Utc::now() + delay;
    let inserted = diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(kind),
            jobs::payload.eq(payload),
            jobs::dedupe_key.eq(dedupe_key),
            jobs::max_attempts.eq(DEFAULT_MAX_ATTEMPTS),
            jobs::run_at.eq(run_at),
        ))
        .on_conflict(jobs::dedupe_key)
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

/// Drops a queued job by its `dedupe_key` before it runs (a reminder of a booking that
/// changed); one already running finishes. How many were dropped.
pub async fn cancel(conn: &mut AsyncPgConnection, dedupe_key: &str) -> QueryResult<usize> {
    diesel::delete(
        jobs::table
            .filter(jobs::dedupe_key.eq(dedupe_key))
            .filter(jobs::status.eq("queued")),
    )
    .execute(conn)
    .await
}

#[derive(Clone)]
enum Runner {
    InTransaction(Arc<dyn Handler>),
    Outside(Arc<dyn Task>),
}

/// A set of job kinds and the workers that run them.
#[derive(Clone)]
struct Lane {
    kinds: Vec<&'static str>,
    runners: Vec<Runner>,
    workers: usize,
    wake: Arc<Notify>,
}

impl Lane {
    fn runner(&self, kind: &str) -> Option<&Runner> {
        self.kinds.iter().position(|k| *k == kind).map(|i| &self.runners[i])
    }
}

/// The queue's lanes on this instance, and what wakes them.
#[derive(Clone)]
pub struct Jobs {
    db: DbPool,
    lanes: Arc<Vec<Lane>>,
    /// Every lane's wake-up, registered with the lane: shared with clones made before the
    /// lanes were added (a waker handed out early still reaches them all).
    wakes: Arc<std::sync::Mutex<Vec<Arc<Notify>>>>,
    retry_base: Duration,
    lease: Duration,
}

impl Jobs {
    /// `lease`: how long a claimed job stays invisible to other workers (longer than any
    /// task's own time limit); `handler_workers`: the database lane's workers.
    pub fn new(db: DbPool, retry_base: Duration, lease: Duration, handler_workers: usize) -> Self {
        let wake = Arc::new(Notify::new());
        Self {
            db,
            lanes: Arc::new(vec![Lane {
                kinds: Vec::new(),
                runners: Vec::new(),
                workers: handler_workers.max(1),
                wake: wake.clone(),
            }]),
            wakes: Arc::new(std::sync::Mutex::new(vec![wake])),
            retry_base,
            lease,
        }
    }

    /// Registers the handler of `kind` (before `run`): the shared database lane.
    pub fn with_handler(mut self, kind: &'static str, handler: Arc<dyn Handler>) -> Self {
        // A clone made earlier (a waker) keeps the lanes it saw; `wakes` reaches the rest.
        let lanes = Arc::make_mut(&mut self.lanes);
        lanes[0].kinds.push(kind);
        lanes[0].runners.push(Runner::InTransaction(handler));
        self
    }

    /// Registers the task of `kind` (before `run`) on a lane of its own with `workers`
    /// workers: at most that many of these jobs run at once on this instance.
    pub fn with_task(mut self, kind: &'static str, task: Arc<dyn Task>, workers: usize) -> Self {
        let wake = Arc::new(Notify::new());
        self.wakes
            .lock()
            .expect("the wake list is never poisoned")
            .push(wake.clone());
        Arc::make_mut(&mut self.lanes).push(Lane {
            kinds: vec![kind],
            runners: vec![Runner::Outside(task)],
            workers: workers.max(1),
            wake,
        });
        self
    }

    /// Call after committing an `enqueue`: this instance's workers look at once.
    pub fn wake(&self) {
        for wake in self.wakes.lock().expect("the wake list is never poisoned").iter() {
            wake.notify_one();
        }
    }

    /// Runs every lane's workers until `stop` is cancelled.
    pub async fn run(self, stop: CancellationToken) {
        let mut workers = tokio::task::JoinSet::new();
        for lane in 0..self.lanes.len() {
            if self.lanes[lane].kinds.is_empty() {
                continue;
            }
            for _ in 0..self.lanes[lane].workers {
                workers.spawn(self.clone().work(lane, stop.clone()));
            }
        }
        while workers.join_next().await.is_some() {}
    }

    async fn work(self, lane: usize, stop: CancellationToken) {
        let wake = self.lanes[lane].wake.clone();
        loop {
            match self.process_lane(lane).await {
                Ok(true) => {
                    if stop.is_cancelled() {
                        return;
                    }
                    continue;
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "jobs worker"),
            }
            let wait = self.until_next_due(lane).await;
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = stop.cancelled() => return,
            }
        }
    }

    /// How long until the lane's earliest job is due (at most IDLE_POLL).
    async fn until_next_due(&self, lane: usize) -> Duration {
        #[derive(QueryableByName)]
        struct Next {
            #[diesel(sql_type = diesel::sql_types::Nullable<Timestamptz>)]
            at: Option<DateTime<Utc>>,
        }
        let kinds: Vec<&str> = self.lanes[lane].kinds.clone();
        let next: Option<DateTime<Utc>> = async {
            let mut conn = self.db.get().await.ok()?;
            let row: Next = diesel::sql_query(
                "SELECT min(CASE status WHEN 'queued' THEN run_at ELSE lease_until END) AS at \
                 FROM jobs WHERE status IN ('queued', 'running') AND kind = ANY($1)",
            )
            .bind::<Array<Text>, _>(&kinds)
            .get_result(&mut conn)
            .await
            .ok()?;
            row.at
        }
        .await;
        next.map(|at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO))
            .map_or(IDLE_POLL, |d| d.min(IDLE_POLL))
    }

    async fn process_lane(&self, lane: usize) -> anyhow::Result<bool> {
        let kinds = &self.lanes[lane].kinds;
        if kinds.is_empty() {
            return Ok(false);
        }
        let mut conn = self.db.get().await?;
        let Some(job) = lease_due(&mut conn, kinds, self.lease).await? else {
            return Ok(false);
        };
        if job.attempts > job.max_attempts {
            // Its earlier runs' leases all ran out (a crash each time, or a task that never
            // ends): give up like any other failing job.
            record_failure(&mut conn, &job, "lease expired on every attempt", None).await?;
            return Ok(true);
        }
        let runner = self.lanes[lane]
            .runner(&job.kind)
            .expect("a lane claims only its own kinds")
            .clone();
        match runner {
            Runner::InTransaction(handler) => self.run_handler(&mut conn, &*handler, &job).await?,
            Runner::Outside(task) => {
                drop(conn); // nothing held while the network is waited on
                let outcome = task.run(&self.db, &job).await;
                let mut conn = self.db.get().await?;
                match outcome {
                    Ok(()) => {
                        mark_done(&mut conn, &job).await?;
                    }
                    Err(e) => self.failed(&mut conn, &job, &e).await?,
                }
            }
        }
        Ok(true)
    }

    async fn run_handler(&self, conn: &mut AsyncPgConnection, handler: &dyn Handler, job: &Job) -> anyhow::Result<()> {
        let after = conn
            .transaction::<_, anyhow::Error, _>(async |conn| {
                // Still ours? (Locks the row until commit: no one else records an outcome.)
                if !hold(conn, job).await? {
                    return Ok(None);
                }
                // A savepoint: a failed run rolls back its own writes but keeps the job row.
                let ran = conn
                    .transaction::<_, anyhow::Error, _>(async |conn| handler.run(conn, job).await)
                    .await;
                match ran {
                    Ok(after) => {
                        mark_done(conn, job).await?;
                        Ok(after)
                    }
                    Err(e) => {
                        self.failed(conn, job, &e).await?;
                        Ok(None)
                    }
                }
            })
            .await?;
        if let Some(after) = after {
            after.await;
        }
        Ok(())
    }

    async fn failed(&self, conn: &mut AsyncPgConnection, job: &Job, e: &anyhow::Error) -> anyhow::Result<()> {
        tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %e, "job failed");
        record_failure(conn, job, &format!("{e:#}"), retry_at(self.retry_base, job)).await?;
        Ok(())
    }
}

/// When a failed job runs again: `base` doubled per attempt so far; None once it used its
/// last attempt.
fn retry_at(base: Duration, job: &Job) -> Option<DateTime<Utc>> {
    (job.attempts < job.max_attempts).then(|| Utc::now() + base * 2u32.saturating_pow(job.attempts.max(1) as u32 - 1))
}

/// Leases the oldest due job of these kinds (queued and due, or running with its lease run
/// out) and commits the lease.
async fn lease_due(conn: &mut AsyncPgConnection, kinds: &[&str], lease: Duration) -> QueryResult<Option<Job>> {
    diesel::sql_query(
        "UPDATE jobs SET status = 'running', lease_until = now() + $2, lease_token = gen_random_uuid(), \
                attempts = attempts + 1, updated_at = now() \
         WHERE id = (SELECT id FROM jobs \
                     WHERE kind = ANY($1) AND ((status = 'queued' AND run_at <= now()) \
                                               OR (status = 'running' AND lease_until < now())) \
                     ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
         RETURNING id, kind, payload, attempts, max_attempts, lease_token AS lease",
    )
    .bind::<Array<Text>, _>(kinds)
    .bind::<Interval, _>(diesel::data_types::PgInterval::from_microseconds(
        lease.as_micros() as i64
    ))
    .get_result(conn)
    .await
    .optional()
}

/// Whether this run still holds the job's lease; locks the row when it does.
async fn hold(conn: &mut AsyncPgConnection, job: &Job) -> QueryResult<bool> {
    let held: Option<i64> = jobs::table
        .filter(jobs::id.eq(job.id))
        .filter(jobs::status.eq("running"))
        .filter(jobs::lease_token.eq(job.lease))
        .select(jobs::id)
        .for_update()
        .first(conn)
        .await
        .optional()?;
    Ok(held.is_some())
}

/// Marks the job done if this run still holds its lease (else whoever took it over records).
async fn mark_done(conn: &mut AsyncPgConnection, job: &Job) -> QueryResult<()> {
    let now = Utc::now();
    diesel::update(
        jobs::table
            .filter(jobs::id.eq(job.id))
            .filter(jobs::lease_token.eq(job.lease)),
    )
    .set((
        jobs::status.eq("done"),
        jobs::finished_at.eq(now),
        jobs::last_error.eq(None::<String>),
        jobs::lease_until.eq(None::<DateTime<Utc>>),
        jobs::lease_token.eq(None::<Uuid>),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a failed run: due again at `next_run_at`, or `failed` for good.
async fn record_failure(
    conn: &mut AsyncPgConnection,
    job: &Job,
    error: &str,
    next_run_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    let now = Utc::now();
    let status = if next_run_at.is_some() { "queued" } else { "failed" };
    diesel::update(
        jobs::table
            .filter(jobs::id.eq(job.id))
            .filter(jobs::lease_token.eq(job.lease)),
    )
    .set((
        jobs::status.eq(status),
        jobs::last_error.eq(error),
        jobs::run_at.eq(next_run_at.unwrap_or(now)),
        jobs::finished_at.eq(next_run_at.is_none().then_some(now)),
        jobs::lease_until.eq(None::<DateTime<Utc>>),
        jobs::lease_token.eq(None::<Uuid>),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)
    .await?;
    Ok(())
}
