//! Web Push (RFC 8030) with VAPID (RFC 8292) and `aes128gcm` payload encryption (RFC 8291,
//! by `web-push-native`), sent from the jobs queue as a [`Task`]: one job per (notification,
//! subscription), on a lane of its own, with no transaction open while the push service is
//! waited on. Per browser and room only the latest is sent: a push with a later one queued
//! behind it is dropped (and `Topic` lets the push service replace one it still holds).
//! 404/410 from the push service deletes the subscription; 429 and 5xx fail the job so the
//! queue retries it with backoff.
//!
//! An endpoint is a URL the browser (so, a user) gave: it goes through
//! `platform::outbound` — a named https host with public addresses only (checked again at
//! send time, after DNS), no redirects followed, a capped answer, 10 s at most.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::future::BoxFuture;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::EncodePrivateKey;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::repo;
use crate::platform::db::DbPool;
use crate::platform::jobs::{Job, Task};
use crate::platform::outbound;

pub const JOB_KIND: &str = "push.send";
/// How long a push service keeps an undelivered message (seconds).
const TTL_SECS: u64 = 24 * 60 * 60;
const VAPID_LIFETIME_SECS: i64 = 12 * 60 * 60;
/// Longest a push service may take to answer.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Most bytes of a push service's answer read (it is only logged).
const ANSWER_MAX_BYTES: usize = 4096;

/// Which push endpoints are accepted: public https hosts, and loopback in dev mode.
#[derive(Clone, Copy, Debug)]
pub struct EndpointRule {
    pub allow_loopback: bool,
}

impl EndpointRule {
    /// Checks an endpoint before it is stored and again before each send.
    pub fn check(&self, raw: &str) -> Result<reqwest::Url, String> {
        let url: reqwest::Url = raw.parse().map_err(|_| "endpoint is not a URL".to_owned())?;
        outbound::check_url(&url, self.allow_loopback).map_err(|e| format!("endpoint {e}"))?;
        Ok(url)
    }
}

/// The server's VAPID key pair.
#[derive(Clone)]
pub struct Vapid {
    secret: p256::SecretKey,
    /// Uncompressed public point, base64url: what browsers take as `applicationServerKey`.
    pub public_key: String,
    /// `mailto:` or `https:` contact for push services.
    pub subject: String,
}

impl Vapid {
    /// From a base64url 32-byte private scalar (the usual VAPID private key format).
    pub fn from_private(b64: &str, subject: String) -> anyhow::Result<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(b64.trim().trim_end_matches('='))?;
        let secret = p256::SecretKey::from_slice(&bytes)?;
        Ok(Self::new(secret, subject))
    }

    /// A fresh key pair (dev and tests when no key is configured).
    pub fn generate(subject: String) -> Self {
        Self::new(p256::SecretKey::random(&mut rand::rngs::OsRng), subject)
    }

    fn new(secret: p256::SecretKey, subject: String) -> Self {
        let point = secret.public_key().to_encoded_point(false);
        Self {
            public_key: URL_SAFE_NO_PAD.encode(point.as_bytes()),
            secret,
            subject,
        }
    }

    pub fn private_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.secret.to_bytes())
    }

    /// `Authorization: vapid t=<ES256 JWT>, k=<public key>` for an endpoint's origin.
    pub fn authorization(&self, endpoint: &reqwest::Url) -> anyhow::Result<String> {
        #[derive(Serialize)]
        struct Claims<'a> {
            aud: String,
            exp: i64,
            sub: &'a str,
        }
        let claims = Claims {
            aud: endpoint.origin().ascii_serialization(),
            exp: chrono::Utc::now().timestamp() + VAPID_LIFETIME_SECS,
            sub: &self.subject,
        };
        let der = self.secret.to_pkcs8_der()?;
        let key = jsonwebtoken::EncodingKey::from_ec_der(der.as_bytes());
        let token = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256),
            &claims,
            &key,
        )?;
        Ok(format!("vapid t={token}, k={}", self.public_key))
    }
}

#[derive(Deserialize)]
struct Payload {
    subscription_id: Uuid,
    notification_id: Uuid,
    #[serde(default)]
    room_id: Option<Uuid>,
}

/// What the service worker gets: ids and a generic title, never message text (a push
/// service relays it; the app fetches the rest).
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct PushMessage {
    pub notification_id: Uuid,
    pub kind: String,
    pub room_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    pub room_seq: Option<i64>,
    pub title: String,
    pub body: String,
}

pub struct PushSender {
    vapid: Vapid,
    http: reqwest::Client,
    rule: EndpointRule,
}

impl PushSender {
    pub fn new(vapid: Vapid, rule: EndpointRule) -> anyhow::Result<Self> {
        let http = outbound::client(SEND_TIMEOUT, rule.allow_loopback)?;
        Ok(Self { vapid, http, rule })
    }

    async fn send(&self, db: &DbPool, job: &Job) -> anyhow::Result<()> {
        let payload: Payload = serde_json::from_value(job.payload.clone())?;
        // What to send, read with a connection held only for these reads.
        let (sub, view) = {
            let mut conn = db.get().await?;
            let Some(sub) = repo::subscription(&mut conn, payload.subscription_id).await? else {
                return Ok(()); // unsubscribed meanwhile
            };
            if let Some(room_id) = payload.room_id {
                if repo::newer_push(&mut conn, job.id, sub.id, room_id).await? {
                    metrics::counter!("parley_push_coalesced_total").increment(1);
                    return Ok(());
                }
            }
            let Some(view) = repo::view(&mut conn, payload.notification_id).await? else {
                return Ok(());
            };
            (sub, view)
        };
        if view["read"].as_bool() == Some(true) {
            return Ok(()); // read on another device before we got to it
        }
        let message = message(&view);
        let endpoint = match self.rule.check(&sub.endpoint) {
            Ok(url) => url,
            Err(why) => {
                // Stored before the rule (or in dev mode): never sent, and dropped.
                tracing::warn!(subscription = %sub.id, why, "push endpoint refused; subscription dropped");
                repo::drop_subscription(&mut *db.get().await?, sub.id).await?;
                return Ok(());
            }
        };
        let ua_public = p256::PublicKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(&sub.p256dh)?)?;
        let auth: [u8; 16] = URL_SAFE_NO_PAD
            .decode(&sub.auth)?
            .try_into()
            .map_err(|_| anyhow::anyhow!("a push auth secret is 16 bytes"))?;
        let auth = web_push_native::Auth::from(auth);
        let body = web_push_native::encrypt(serde_json::to_vec(&message)?, &ua_public, &auth)
            .map_err(|e| anyhow::anyhow!("encrypting a push: {e}"))?;
        let urgency = match message.kind.as_str() {
            "mention" | "dm" | "reply" => "high",
            _ => "normal",
        };
        let response = self
            .http
            .post(endpoint.clone())
            .header("TTL", TTL_SECS)
            .header("Urgency", urgency)
            // One pending push per room per browser: a newer one replaces it (RFC 8030 §5.4).
            .header("Topic", topic(&message))
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("Authorization", self.vapid.authorization(&endpoint)?)
            .body(body)
            .send()
            .await?;
        let status = response.status();
        metrics::counter!("parley_push_sent_total", "status" => status.as_u16().to_string()).increment(1);
        let answer = outbound::read_capped(response, ANSWER_MAX_BYTES)
            .await
            .unwrap_or_default();
        let mut conn = db.get().await?;
        match status.as_u16() {
            200..=299 => {
                repo::subscription_ok(&mut conn, sub.id).await?;
                Ok(())
            }
            404 | 410 => {
                repo::drop_subscription(&mut conn, sub.id).await?;
                Ok(())
            }
            429 | 500..=599 => anyhow::bail!("push service answered {status}"),
            _ => {
                let answer = String::from_utf8_lossy(&answer);
                tracing::warn!(%status, subscription = %sub.id, %answer, "push refused; not retried");
                Ok(())
            }
        }
    }
}

impl Task for PushSender {
    fn run<'a>(&'a self, db: &'a DbPool, job: &'a Job) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(self.send(db, job))
    }
}

fn message(view: &serde_json::Value) -> PushMessage {
    let kind = view["kind"].as_str().unwrap_or_default().to_owned();
    let room = view["room_name"].as_str().unwrap_or("a room");
    let count = view["count"].as_i64().unwrap_or(1);
    let (title, body) = match kind.as_str() {
        "mention" => (format!("Mentioned in {room}"), "You were mentioned".to_owned()),
        "reply" => (format!("Reply in {room}"), "Someone replied to you".to_owned()),
        "dm" if count > 1 => ("Direct messages".to_owned(), format!("{count} new messages")),
        "dm" => ("Direct message".to_owned(), "New message".to_owned()),
        "room_invite" => (format!("Added to {room}"), "You were added to a room".to_owned()),
        "booking_confirmed" | "booking_changed" | "booking_reminder" => (
            "Booking".to_owned(),
            view["preview"].as_str().unwrap_or("A booking changed").to_owned(),
        ),
        _ => (room.to_owned(), format!("{count} new messages")),
    };
    let id = |k: &str| view[k].as_str().and_then(|s| s.parse().ok());
    PushMessage {
        notification_id: id("id").unwrap_or_default(),
        kind,
        room_id: id("room_id"),
        message_id: id("message_id"),
        room_seq: view["room_seq"].as_i64(),
        title,
        body,
    }
}

/// At most 32 base64url characters: the room's id in hex (or the notification's).
fn topic(m: &PushMessage) -> String {
    m.room_id.unwrap_or(m.notification_id).simple().to_string()
}
