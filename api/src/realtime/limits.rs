//! Per-user send rate limit: a fixed one-second window, shared through Redis when
//! configured so that spreading sockets over instances does not multiply the allowance.

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

    /// Counts one send; false when the user is over the limit for this second.
    pub async fn allow(&self, user: Uuid) -> bool {
        let second = chrono::Utc::now().timestamp();
        if let Some(redis) = &self.redis {
            let key = format!("{}:rate:{user}:{second}", self.prefix);
            let mut c = redis.clone();
            let counted: redis::RedisResult<(u32,)> = redis::pipe()
                .incr(&key, 1)
                .expire(&key, 2)
                .ignore()
                .query_async(&mut c)
                .await;
            match counted {
                Ok((n,)) => return n <= self.per_second,
                // Redis down: fall back to this instance's own count rather than refuse all.
                Err(e) => tracing::debug!(error = %e, "rate limit via Redis"),
            }
        }
        let mut local = self.local.lock().expect("lock");
        if local.len() > 100_000 {
            local.retain(|_, (s, _)| *s == second);
        }
        let entry = local.entry(user).or_insert((second, 0));
        if entry.0 != second {
            *entry = (second, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_second
    }
}
