//! `webhook_events`: every verified Clerk delivery, once per `svix-id`.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::platform::schema::webhook_events;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = webhook_events)]
pub struct WebhookEvent {
    pub id: i64,
    pub svix_id: String,
    pub event_type: String,
    pub payload: serde_json::Value,
}

/// Stores a delivery once per Svix message id; its row id, or None for a replay.
pub async fn store(
    conn: &mut AsyncPgConnection,
    svix_id: &str,
    event_type: &str,
    payload: &serde_json::Value,
) -> QueryResult<Option<i64>> {
    diesel::insert_into(webhook_events::table)
        .values((
            webhook_events::svix_id.eq(svix_id),
            webhook_events::event_type.eq(event_type),
            webhook_events::payload.eq(payload),
        ))
        .on_conflict(webhook_events::svix_id)
        .do_nothing()
        .returning(webhook_events::id)
        .get_result(conn)
        .await
        .optional()
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<WebhookEvent>> {
    webhook_events::table
        .find(id)
        .select(WebhookEvent::as_select())
        .first(conn)
        .await
        .optional()
}
