//! Signing and sending events the way Stripe does.

use std::fmt::Write;
use std::time::Duration;

use hmac::{Hmac, Mac};

use super::state::now;
use super::{Delivery, FakeStripe, Sent};

/// `hex(HMAC-SHA256(key = the whole "whsec_…" string, msg = "{t}.{body}"))`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    mac.finalize().into_bytes().iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

/// `t=<unix>,v1=<hex>[,v1=<hex>…]`, one `v1` per secret.
pub fn signature_header(timestamp: i64, body: &str, secrets: &[String]) -> String {
    secrets.iter().fold(format!("t={timestamp}"), |header, secret| {
        format!("{header},v1={}", signature(secret, timestamp, body))
    })
}

const USER_AGENT: &str = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
/// Attempts after the first when retrying (1 s, 2 s, 4 s, 8 s apart).
const RETRIES: u32 = 4;

impl FakeStripe {
    /// Sends an event (again) as `how` says; Parley's status, 0 if unreachable or no URL set.
    pub async fn deliver(&self, event_id: &str, how: Delivery) -> u16 {
        self.send(event_id, &how)
            .await
            .unwrap_or_else(|| panic!("fake Stripe: no event {event_id}"))
    }

    /// Delivers the held events in creation order (holding stays as it was).
    pub async fn release_held(&self) -> Vec<Sent> {
        let ids = std::mem::take(&mut self.lock().held);
        let mut sent = Vec::new();
        for id in ids {
            sent.push(self.send_default(id).await);
        }
        sent
    }

    /// Waits for the deliveries that API requests started in the background.
    pub async fn settle(&self) {
        loop {
            let tasks = std::mem::take(&mut *self.background.lock().unwrap_or_else(|e| e.into_inner()));
            if tasks.is_empty() {
                return;
            }
            for task in tasks {
                let _ = task.await;
            }
        }
    }

    /// Delivers new events now (or holds them).
    pub(super) async fn dispatch(&self, ids: Vec<String>) -> Vec<Sent> {
        let hold = {
            let mut s = self.lock();
            if s.hold {
                s.held.extend(ids.iter().cloned());
            }
            s.hold
        };
        let mut sent = Vec::new();
        for id in ids {
            sent.push(if hold {
                self.sent(id, None)
            } else {
                self.send_default(id).await
            });
        }
        sent
    }

    /// Delivers new events from a background task (events an API request caused).
    pub(super) fn dispatch_later(&self, ids: Vec<String>) {
        if ids.is_empty() {
            return;
        }
        let fake = self.clone();
        let task = tokio::spawn(async move {
            fake.dispatch(ids).await;
        });
        self.background.lock().unwrap_or_else(|e| e.into_inner()).push(task);
    }

    async fn send_default(&self, id: String) -> Sent {
        let status = self.send(&id, &Delivery::default()).await;
        if self.retry && status.is_some_and(|s| !(200..300).contains(&s)) {
            let fake = self.clone();
            let id = id.clone();
            tokio::spawn(async move {
                for attempt in 0..RETRIES {
                    tokio::time::sleep(Duration::from_secs(1 << attempt)).await;
                    if fake
                        .send(&id, &Delivery::default())
                        .await
                        .is_some_and(|s| (200..300).contains(&s))
                    {
                        return;
                    }
                }
            });
        }
        self.sent(id, status)
    }

    fn sent(&self, id: String, status: Option<u16>) -> Sent {
        let event_type = self
            .lock()
            .event(&id)
            .map(|e| e.event["type"].as_str().unwrap_or_default().to_owned());
        Sent {
            id,
            event_type: event_type.unwrap_or_default(),
            status,
        }
    }

    /// One delivery attempt, recorded; `None` when there is no such event.
    pub(super) async fn send(&self, event_id: &str, how: &Delivery) -> Option<u16> {
        let (url, body, secrets) = {
            let s = self.lock();
            let record = s.event(event_id)?;
            let endpoint = usize::from(record.connect);
            let secrets = how.secrets.clone().unwrap_or_else(|| s.secrets[endpoint].clone());
            (s.webhook_urls[endpoint].clone(), record.event.to_string(), secrets)
        };
        let header = signature_header(how.timestamp.unwrap_or_else(now), &body, &secrets);
        let body = match how.tamper_body {
            true => body.replacen("\"livemode\":false", "\"livemode\":true", 1),
            false => body,
        };
        let status = match url {
            None => 0,
            Some(url) => {
                let mut request = self
                    .client
                    .post(url)
                    .header("content-type", "application/json; charset=utf-8")
                    .header("user-agent", USER_AGENT)
                    .body(body);
                if !how.omit_signature {
                    request = request.header("stripe-signature", header);
                }
                request.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
            }
        };
        let mut s = self.lock();
        if let Some(record) = s.events.iter_mut().find(|e| e.event["id"] == event_id) {
            record.deliveries.push(status);
        }
        Some(status)
    }
}
