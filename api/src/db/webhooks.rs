use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::schema::webhook_events;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = webhook_events)]
pub struct WebhookEvent {
    pub id: i64,
    pub svix_id: String,
    pub event_type: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
}

/// Stores an event once per Svix message id. Returns false for a replay.
pub async fn store(
    conn: &mut AsyncPgConnection,
    svix_id: &str,
    event_type: &str,
    payload: &serde_json::Value,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(webhook_events::table)
        .values((
            webhook_events::svix_id.eq(svix_id),
            webhook_events::event_type.eq(event_type),
            webhook_events::payload.eq(payload),
        ))
        .on_conflict(webhook_events::svix_id)
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

/// The oldest due event, locked for this transaction; other workers skip it.
pub async fn claim_due(conn: &mut AsyncPgConnection) -> QueryResult<Option<WebhookEvent>> {
    webhook_events::table
        .filter(webhook_events::status.eq("received"))
        .filter(webhook_events::next_attempt_at.le(diesel::dsl::now))
        .order(webhook_events::id.asc())
        .select(WebhookEvent::as_select())
        .for_update()
        .skip_locked()
        .first(conn)
        .await
        .optional()
}

pub async fn mark_processed(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    let now = Utc::now();
    diesel::update(webhook_events::table.find(id))
        .set((
            webhook_events::status.eq("processed"),
            webhook_events::attempts.eq(webhook_events::attempts + 1),
            webhook_events::processed_at.eq(now),
            webhook_events::last_error.eq(None::<String>),
            webhook_events::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_failed_attempt(
    conn: &mut AsyncPgConnection,
    id: i64,
    error: &str,
    next_attempt_at: Option<DateTime<Utc>>,
) -> QueryResult<()> {
    let status = if next_attempt_at.is_some() {
        "received"
    } else {
        "failed"
    };
    diesel::update(webhook_events::table.find(id))
        .set((
            webhook_events::status.eq(status),
            webhook_events::attempts.eq(webhook_events::attempts + 1),
            webhook_events::last_error.eq(error),
            webhook_events::next_attempt_at.eq(next_attempt_at.unwrap_or_else(Utc::now)),
            webhook_events::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn by_svix_id(conn: &mut AsyncPgConnection, svix_id: &str) -> QueryResult<Option<WebhookEvent>> {
    webhook_events::table
        .filter(webhook_events::svix_id.eq(svix_id))
        .select(WebhookEvent::as_select())
        .first(conn)
        .await
        .optional()
}
