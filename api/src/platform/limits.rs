//! Per-user rate limit (message sends and uploads share it): a fixed one-second window, shared through Redis when
//! configured so that spreading sockets over instances does not multiply the allowance.
//!
//! Posts are counted a group-commit batch at a time (`allow_batch`): one Redis round trip
//! for the whole batch instead of one per message.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use redis::aio::ConnectionManager;
use uuid::Uuid;

#[derive(Clone)]
pub struct RateLimiter {
    redis: Option<ConnectionManager>,
    prefix: String,
    per_second: u32,
    local: Arc<Mutex<HashMap<Uuid, (i64, u32)>>>,
}

impl RateLimiter {
    pub fn new(redis: Option<ConnectionManager>, prefix: String, per_second: u32) -> Self {
        Self {
            redis,
            prefix,
            per_second,
            local: Arc::default(),
        }
    }

    /// Counts one send per entry of `authors` (in order); each answer is false when that
    /// send is over its author's limit for this second.
    pub async fn allow_batch(&self, authors: &[Uuid]) -> Vec<bool> {
        self.allow_in(chrono::Utc::now().timestamp(), authors).await
    }

    async fn allow_in(&self, second: i64, authors: &[Uuid]) -> Vec<bool> {
        let (tally, slots) = tally(authors);
        let totals = match self.count_in_redis(second, &tally).await {
            Some(totals) => totals,
            None => self.count_locally(second, &tally),
        };
        verdicts(&tally, &slots, &totals, self.per_second)
    }

    /// Each author's count for the second after adding this batch; None when Redis is not
    /// configured or not answering.
    async fn count_in_redis(&self, second: i64, tally: &[(Uuid, u32)]) -> Option<Vec<u32>> {
        let redis = self.redis.as_ref()?;
        let mut pipe = redis::pipe();
        for (author, n) in tally {
            let key = format!("{}:rate:{author}:{second}", self.prefix);
            pipe.incr(&key, *n).expire(&key, 2).ignore();
        }
        let mut c = redis.clone();
        match pipe.query_async::<Vec<u32>>(&mut c).await {
            Ok(totals) if totals.len() == tally.len() => Some(totals),
            Ok(_) => None,
            // Redis down: fall back to this instance's own count rather than refuse all.
            Err(e) => {
                tracing::debug!(error = %e, "rate limit via Redis");
                None
            }
        }
    }

    fn count_locally(&self, second: i64, tally: &[(Uuid, u32)]) -> Vec<u32> {
        let mut local = self.local.lock().expect("lock");
        if local.len() > 100_000 {
            local.retain(|_, (s, _)| *s == second);
        }
        tally
            .iter()
            .map(|(author, n)| {
                let entry = local.entry(*author).or_insert((second, 0));
                if entry.0 != second {
                    *entry = (second, 0);
                }
                entry.1 += n;
                entry.1
            })
            .collect()
    }
}

/// Sends per author in first-seen order, and each send's index into that list.
fn tally(authors: &[Uuid]) -> (Vec<(Uuid, u32)>, Vec<usize>) {
    let mut index: HashMap<Uuid, usize> = HashMap::with_capacity(authors.len());
    let mut tally: Vec<(Uuid, u32)> = Vec::new();
    let slots = authors
        .iter()
        .map(|author| {
            let i = *index.entry(*author).or_insert_with(|| {
                tally.push((*author, 0));
                tally.len() - 1
            });
            tally[i].1 += 1;
            i
        })
        .collect();
    (tally, slots)
}

/// The k-th send of an author in this batch is the (total - n + k)-th of its second.
fn verdicts(tally: &[(Uuid, u32)], slots: &[usize], totals: &[u32], per_second: u32) -> Vec<bool> {
    let mut used = vec![0u32; tally.len()];
    slots
        .iter()
        .map(|&i| {
            used[i] += 1;
            totals[i] - tally[i].1 + used[i] <= per_second
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Without Redis the limiter counts in this instance; the batch arithmetic is the same.
    #[tokio::test]
    async fn a_batch_allows_each_author_up_to_the_limit_in_order() {
        let limiter = RateLimiter::new(None, "t".into(), 3);
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(
            limiter.allow_in(100, &[a, a, b, a, a, b]).await,
            [true, true, true, true, false, true]
        );
        // The same second: a is spent, b has one left.
        assert_eq!(limiter.allow_in(100, &[b, a, b]).await, [true, false, false]);
        // A new second starts afresh.
        assert_eq!(limiter.allow_in(101, &[a, a, a, a]).await, [true, true, true, false]);
    }
}
