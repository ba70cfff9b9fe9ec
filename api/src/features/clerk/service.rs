//! Clerk webhook events: stored durably on receipt with a job that applies them off the
//! request path (`platform::jobs`: claimed once across instances, retried with backoff,
//! attempts and last error visible on the job).

use std::sync::Arc;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::future::BoxFuture;
use serde_json::Value;

use super::repo;
use crate::features::users::service::{self as users, ClerkProfile};
use crate::platform::error::ApiError;
use crate::platform::events::{Control, Publish};
use crate::platform::jobs::{self, AfterCommit, Handler, Job};

/// The job kind that applies one stored Clerk delivery.
pub const JOB_KIND: &str = "clerk.webhook";

/// Stores a verified delivery and queues its job, in one transaction; false when this
/// Svix id was seen before (a replay: not applied again). Call `Jobs::wake` after.
pub async fn receive(conn: &mut AsyncPgConnection, svix_id: &str, body: &Value) -> Result<bool, ApiError> {
    let event_type = body["type"].as_str().unwrap_or("unknown").to_owned();
    conn.transaction::<_, ApiError, _>(async |conn| {
        let Some(id) = repo::store(conn, svix_id, &event_type, body).await? else {
            return Ok(false);
        };
        let payload = serde_json::json!({ "webhook_event_id": id });
        jobs::enqueue(conn, JOB_KIND, &payload, Some(&format!("{JOB_KIND}:{svix_id}"))).await?;
        Ok(true)
    })
    .await
}

/// Applies stored Clerk deliveries; closing sockets goes through `publish` after commit.
pub struct ClerkWebhooks {
    pub publish: Arc<dyn Publish>,
}

impl Handler for ClerkWebhooks {
    fn run<'a>(&'a self, conn: &'a mut AsyncPgConnection, job: &'a Job) -> BoxFuture<'a, anyhow::Result<AfterCommit>> {
        Box::pin(async move {
            let id = job.payload["webhook_event_id"]
                .as_i64()
                .ok_or_else(|| anyhow::anyhow!("job has no webhook_event_id"))?;
            let event = repo::by_id(conn, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("webhook event {id} is gone"))?;
            let control = apply(conn, &event.event_type, &event.payload).await?;
            Ok(control.map(|control| {
                let publish = self.publish.clone();
                let after: BoxFuture<'static, ()> = Box::pin(async move { publish.control(control).await });
                after
            }))
        })
    }
}

/// Applies one event; what every instance must then do with its sockets, if anything.
async fn apply(conn: &mut AsyncPgConnection, event_type: &str, payload: &Value) -> anyhow::Result<Option<Control>> {
    let data = &payload["data"];
    match event_type {
        "user.created" | "user.updated" => {
            let profile = clerk_profile(data)?;
            users::upsert_from_clerk(conn, &profile).await?;
            Ok(None)
        }
        "user.deleted" => {
            let clerk_id = str_field(data, "id")?;
            // Svix does not promise order: a delete seen before its create leaves a
            // tombstone that the create cannot bring back.
            let user_id = users::mark_deleted(conn, &clerk_id).await?;
            Ok(Some(Control::CloseUser { user_id }))
        }
        "session.ended" | "session.revoked" | "session.removed" => {
            let session_id = str_field(data, "id")?;
            Ok(Some(Control::CloseSession { session_id }))
        }
        other => {
            tracing::debug!(event_type = other, "webhook event ignored");
            Ok(None)
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
    // Texts go only to a number Clerk verified: the primary one, if verified.
    let primary_phone = data["primary_phone_number_id"].as_str();
    let phone = data["phone_numbers"].as_array().and_then(|list| {
        list.iter()
            .find(|p| primary_phone.is_some() && p["id"].as_str() == primary_phone)
            .filter(|p| p["verification"]["status"].as_str() == Some("verified"))
            .and_then(|p| p["phone_number"].as_str())
            .filter(|n| crate::platform::validate::PhoneNumber::parse(n).is_ok())
            .map(str::to_owned)
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
        phone,
        first_name,
        last_name,
        image_url: opt(data, "image_url"),
        display_name,
        // Clerk's user object carries `updated_at` in milliseconds since the epoch.
        updated_at: data["updated_at"]
            .as_i64()
            .and_then(chrono::DateTime::from_timestamp_millis),
    })
}
