//! Click counting for `/s/{code}` without a write per click. Each instance adds clicks up in
//! memory and hands them to Redis (one `MULTI` of `HINCRBY`s) every `push_every`; every
//! `flush_every` one instance takes the whole hash (`RENAME` to a batch key: atomic, so two
//! instances never take the same clicks), writes it to PostgreSQL under the batch's id (a
//! batch applied twice changes nothing), then drops the batch key. A batch key left by a
//! crash is applied again at the next flush.
//!
//! What can be lost: clicks counted in memory in the last `push_every` before an instance
//! dies without stopping (kill -9). Without Redis (`make run` on no Redis), memory goes
//! straight to PostgreSQL every `flush_every`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use redis::aio::ConnectionManager;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::repo;
use crate::platform::db::DbPool;

type Tally = HashMap<(Uuid, NaiveDate), i64>;

#[derive(Clone)]
pub struct Clicks {
    inner: Arc<Inner>,
}

struct Inner {
    tally: Mutex<Tally>,
    redis: Option<ConnectionManager>,
    /// `{prefix}:link_clicks`; batches are `{key}:batch:{id}`.
    key: String,
}

impl Clicks {
    pub fn new(redis: Option<ConnectionManager>, prefix: &str) -> Self {
        Self {
            inner: Arc::new(Inner {
                tally: Mutex::new(HashMap::new()),
                redis,
                key: format!("{prefix}:link_clicks"),
            }),
        }
    }

    /// Counts one click now (no I/O).
    pub fn count(&self, link: Uuid) {
        let day = Utc::now().date_naive();
        *self.inner.tally.lock().expect("lock").entry((link, day)).or_default() += 1;
    }

    fn take(&self) -> Tally {
        std::mem::take(&mut *self.inner.tally.lock().expect("lock"))
    }

    fn put_back(&self, tally: Tally) {
        let mut mine = self.inner.tally.lock().expect("lock");
        for (k, n) in tally {
            *mine.entry(k).or_default() += n;
        }
    }

    /// Hands what memory counted to Redis in one transaction (kept for later when Redis
    /// does not answer).
    async fn push(&self) {
        let Some(redis) = &self.inner.redis else { return };
        let tally = self.take();
        if tally.is_empty() {
            return;
        }
        let mut pipe = redis::pipe();
        pipe.atomic();
        for ((id, day), n) in &tally {
            pipe.hincr(&self.inner.key, format!("{id}:{day}"), *n).ignore();
        }
        let mut c = redis.clone();
        if let Err(e) = pipe.query_async::<()>(&mut c).await {
            tracing::warn!(error = %e, "link clicks stay in memory until Redis answers");
            self.put_back(tally);
        }
    }

    /// Moves counted clicks into PostgreSQL (see the module's comment).
    pub async fn flush(&self, db: &DbPool) {
        match &self.inner.redis {
            None => {
                let tally = self.take();
                if tally.is_empty() {
                    return;
                }
                let counts: Vec<_> = tally.iter().map(|((id, day), n)| (*id, *day, *n)).collect();
                if let Err(e) = apply(db, &Uuid::now_v7().to_string(), &counts).await {
                    tracing::warn!(error = %e, "link clicks stay in memory until the database answers");
                    self.put_back(tally);
                }
            }
            Some(redis) => {
                self.push().await;
                if let Err(e) = self.flush_redis(redis.clone(), db).await {
                    tracing::warn!(error = %e, "link clicks stay in Redis until the next flush");
                }
            }
        }
    }

    async fn flush_redis(&self, mut redis: ConnectionManager, db: &DbPool) -> anyhow::Result<()> {
        let key = &self.inner.key;
        let batches_key = format!("{key}:batches");
        let exists: bool = redis::cmd("EXISTS").arg(key).query_async(&mut redis).await?;
        if exists {
            // Taken whole and noted in one transaction: a crash leaves a batch to apply later.
            let taken = format!("{key}:batch:{}", Uuid::now_v7());
            let mut pipe = redis::pipe();
            pipe.atomic()
                .cmd("RENAME")
                .arg(key)
                .arg(&taken)
                .ignore()
                .cmd("SADD")
                .arg(&batches_key)
                .arg(&taken)
                .ignore();
            // Another instance took it first: the batch noted here is empty.
            let _ = pipe.query_async::<()>(&mut redis).await;
        }
        let batches: Vec<String> = redis::cmd("SMEMBERS").arg(&batches_key).query_async(&mut redis).await?;
        for batch in batches {
            let fields: HashMap<String, i64> = redis::cmd("HGETALL").arg(&batch).query_async(&mut redis).await?;
            let counts: Vec<_> = fields
                .iter()
                .filter_map(|(f, n)| parse_field(f).map(|(id, day)| (id, day, *n)))
                .collect();
            let id = batch.rsplit(':').next().unwrap_or(&batch).to_owned();
            apply(db, &id, &counts).await?;
            let mut pipe = redis::pipe();
            pipe.atomic()
                .cmd("DEL")
                .arg(&batch)
                .ignore()
                .cmd("SREM")
                .arg(&batches_key)
                .arg(&batch)
                .ignore();
            pipe.query_async::<()>(&mut redis).await?;
        }
        Ok(())
    }

    /// Pushes to Redis every `push_every` and flushes every `flush_every` until stopped;
    /// a last flush on the way out.
    pub async fn run(self, db: DbPool, push_every: Duration, flush_every: Duration, stop: CancellationToken) {
        let mut push = tokio::time::interval(push_every);
        let mut flush = tokio::time::interval(flush_every);
        push.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = push.tick() => self.push().await,
                _ = flush.tick() => self.flush(&db).await,
            }
        }
        self.flush(&db).await;
    }
}

fn parse_field(f: &str) -> Option<(Uuid, NaiveDate)> {
    let (id, day) = f.split_once(':')?;
    Some((id.parse().ok()?, day.parse().ok()?))
}

async fn apply(db: &DbPool, batch: &str, counts: &[(Uuid, NaiveDate, i64)]) -> anyhow::Result<()> {
    use diesel_async::AsyncConnection;
    let mut conn = db.get().await?;
    conn.transaction::<_, diesel::result::Error, _>(async |conn| repo::apply_clicks(conn, batch, counts).await)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_name_a_link_and_a_day() {
        let id = Uuid::now_v7();
        assert_eq!(
            parse_field(&format!("{id}:2026-12-08")),
            Some((id, NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()))
        );
        assert_eq!(parse_field("junk"), None);
    }
}
