//! Pay-per-view: priced messages, buyers' unlocks, and an open Checkout to hand out again.

use diesel::prelude::*;
use diesel::sql_types::Nullable;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// A pay-per-view message's room, author and price (`{amount, currency, preview}`).
#[derive(QueryableByName, Debug)]
pub struct PricedMessage {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub room_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub author_id: Uuid,
    #[diesel(sql_type = Nullable<diesel::sql_types::Jsonb>)]
    pub ppv: Option<serde_json::Value>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub deleted: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub bought: bool,
}

pub async fn priced_message(conn: &mut AsyncPgConnection, id: Uuid, buyer: Uuid) -> QueryResult<Option<PricedMessage>> {
    diesel::sql_query(
        "SELECT m.room_id, m.author_id, m.ppv, m.deleted_at IS NOT NULL AS deleted, \
                parley_ppv_open(m.id, m.ppv, m.author_id, $2) AS bought \
         FROM messages m WHERE m.id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Uuid, _>(buyer)
    .get_result(conn)
    .await
    .optional()
}

/// Gives the buyer the message for good (once).
pub async fn unlock(conn: &mut AsyncPgConnection, message: Uuid, buyer: Uuid, payment: Uuid) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO ppv_unlocks (message_id, user_id, payment_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind::<diesel::sql_types::Uuid, _>(message)
    .bind::<diesel::sql_types::Uuid, _>(buyer)
    .bind::<diesel::sql_types::Uuid, _>(payment)
    .execute(conn)
    .await
    .map(drop)
}
