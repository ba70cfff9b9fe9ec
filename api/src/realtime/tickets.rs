//! Single-use WebSocket tickets: browsers cannot set an Authorization header on a
//! WebSocket, so they trade their token for a 30-second ticket first. Stored in Redis when
//! configured (redeemable on any instance, and GETDEL makes single use atomic).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const TICKET_TTL: Duration = Duration::from_secs(30);

/// Who a socket belongs to, and until when its credential is valid.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Identity {
    pub user_id: Uuid,
    pub sub: String,
    pub session_id: Option<String>,
    /// Expiry of the token behind this identity (Unix seconds).
    pub exp: i64,
}

#[derive(Clone)]
pub struct Tickets {
    redis: Option<ConnectionManager>,
    prefix: String,
    local: Arc<Mutex<HashMap<String, (Instant, Identity)>>>,
}

impl Tickets {
    pub fn new(redis: Option<ConnectionManager>, prefix: String) -> Self {
        Self {
            redis,
            prefix,
            local: Arc::default(),
        }
    }

    pub async fn issue(&self, identity: &Identity) -> anyhow::Result<String> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let ticket = URL_SAFE_NO_PAD.encode(bytes);
        match &self.redis {
            Some(redis) => {
                let mut c = redis.clone();
                redis::cmd("SET")
                    .arg(format!("{}:ticket:{ticket}", self.prefix))
                    .arg(serde_json::to_string(identity)?)
                    .arg("EX")
                    .arg(TICKET_TTL.as_secs())
                    .query_async::<()>(&mut c)
                    .await?;
            }
            None => {
                let mut local = self.local.lock().expect("lock");
                local.retain(|_, (at, _)| at.elapsed() < TICKET_TTL);
                local.insert(ticket.clone(), (Instant::now(), identity.clone()));
            }
        }
        Ok(ticket)
    }

    /// The identity behind a ticket, once: a second redemption finds nothing.
    pub async fn redeem(&self, ticket: &str) -> anyhow::Result<Option<Identity>> {
        if ticket.is_empty() || ticket.len() > 128 {
            return Ok(None);
        }
        match &self.redis {
            Some(redis) => {
                let mut c = redis.clone();
                let raw: Option<String> = redis::cmd("GETDEL")
                    .arg(format!("{}:ticket:{ticket}", self.prefix))
                    .query_async(&mut c)
                    .await?;
                Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
            }
            None => {
                let mut local = self.local.lock().expect("lock");
                Ok(local
                    .remove(ticket)
                    .filter(|(at, _)| at.elapsed() < TICKET_TTL)
                    .map(|(_, id)| id))
            }
        }
    }
}
