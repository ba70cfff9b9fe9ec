//! Clerk webhook events: stored durably on receipt, applied here off the request path.
//!
//! The worker claims one due event at a time with `FOR UPDATE SKIP LOCKED` and applies it in
//! the same transaction that marks it processed, so a crash mid-way leaves it `received` for
//! the next try, and several instances never apply one event twice. A failure is recorded
//! (attempts, last error) and retried with exponential backoff, up to `MAX_ATTEMPTS`.

use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;

use crate::db::users::{self, ClerkProfile};
use crate::db::webhooks::{self, WebhookEvent};
use crate::realtime::bus::Control;
use crate::state::AppState;

pub const MAX_ATTEMPTS: i32 = 8;
const IDLE_POLL: Duration = Duration::from_secs(1);

/// What to do once the transaction that applied an event has committed.
enum AfterCommit {
    Nothing,
    Control(Control),
}

pub async fn run_worker(state: AppState) {
    loop {
        match process_one(&state).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = ?e, "webhook worker"),
        }
        tokio::select! {
            _ = state.webhook_wake.notified() => {}
            _ = tokio::time::sleep(IDLE_POLL) => {}
            _ = state.shutdown.cancelled() => return,
        }
    }
}

/// Applies the oldest due event, if any. Returns whether there was one.
pub async fn process_one(state: &AppState) -> anyhow::Result<bool> {
    let mut conn = state.db.get().await?;
    let base = state.settings.webhook_retry_base;
    let outcome = conn
        .transaction::<_, anyhow::Error, _>(async |conn| {
            let Some(event) = webhooks::claim_due(conn).await? else {
                return Ok(None);
            };
            // A savepoint: a failed apply rolls back its own writes but keeps our claim.
            let applied = conn
                .transaction::<_, anyhow::Error, _>(async |conn| apply(conn, &event).await)
                .await;
            match applied {
                Ok(after) => {
                    webhooks::mark_processed(conn, event.id).await?;
                    Ok(Some(after))
                }
                Err(e) => {
                    let attempts = event.attempts + 1;
                    let next = (attempts < MAX_ATTEMPTS)
                        .then(|| chrono::Utc::now() + base * 2u32.saturating_pow(attempts as u32 - 1));
                    tracing::warn!(svix_id = %event.svix_id, attempts, error = %e, "webhook event failed");
                    webhooks::mark_failed_attempt(conn, event.id, &format!("{e:#}"), next).await?;
                    Ok(Some(AfterCommit::Nothing))
                }
            }
        })
        .await?;
    match outcome {
        None => Ok(false),
        Some(AfterCommit::Nothing) => Ok(true),
        Some(AfterCommit::Control(control)) => {
            state.bus.control(control).await;
            Ok(true)
        }
    }
}

async fn apply(conn: &mut AsyncPgConnection, event: &WebhookEvent) -> anyhow::Result<AfterCommit> {
    let data = &event.payload["data"];
    match event.event_type.as_str() {
        "user.created" | "user.updated" => {
            let profile = clerk_profile(data)?;
            users::upsert_from_clerk(conn, &profile).await?;
            Ok(AfterCommit::Nothing)
        }
        "user.deleted" => {
            let clerk_id = str_field(data, "id")?;
            // Svix does not promise order: a delete seen before its create is retried later.
            let user = users::mark_deleted(conn, &clerk_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("user {clerk_id} not known yet"))?;
            Ok(AfterCommit::Control(Control::CloseUser { user_id: user.id }))
        }
        "session.ended" | "session.revoked" | "session.removed" => {
            let session_id = str_field(data, "id")?;
            Ok(AfterCommit::Control(Control::CloseSession { session_id }))
        }
        other => {
            tracing::debug!(event_type = other, "webhook event ignored");
            Ok(AfterCommit::Nothing)
        }
    }
}

fn str_field(data: &Value, name: &str) -> anyhow::Result<String> {
    data[name]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("payload has no data.{name}"))
}

fn opt(data: &Value, name: &str) -> Option<String> {
    data[name].as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Clerk's user object: the primary address is found by `primary_email_address_id`.
fn clerk_profile(data: &Value) -> anyhow::Result<ClerkProfile> {
    let clerk_id = str_field(data, "id")?;
    let primary = data["primary_email_address_id"].as_str();
    let email = data["email_addresses"].as_array().and_then(|list| {
        list.iter()
            .find(|e| primary.is_some() && e["id"].as_str() == primary)
            .or_else(|| list.first())
            .and_then(|e| e["email_address"].as_str().map(str::to_owned))
    });
    let first_name = opt(data, "first_name");
    let last_name = opt(data, "last_name");
    let display_name = match (&first_name, &last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(f), None) => f.clone(),
        (None, Some(l)) => l.clone(),
        (None, None) => opt(data, "username")
            .or_else(|| email.as_ref().and_then(|e| e.split('@').next().map(str::to_owned)))
            .unwrap_or_else(|| clerk_id.clone()),
    };
    Ok(ClerkProfile {
        clerk_id,
        email,
        first_name,
        last_name,
        image_url: opt(data, "image_url"),
        display_name,
    })
}

/// Stores a verified webhook delivery; false when this Svix id was seen before.
pub async fn receive(state: &AppState, svix_id: &str, body: &Value) -> anyhow::Result<bool> {
    let event_type = body["type"].as_str().unwrap_or("unknown");
    let mut conn = state.db.get().await?;
    let fresh = webhooks::store(&mut conn, svix_id, event_type, body).await?;
    if fresh {
        state.webhook_wake.notify_one();
    }
    Ok(fresh)
}
