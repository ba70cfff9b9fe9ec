//! Payout accounts, Stripe customers and received Stripe events.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{payout_accounts, stripe_customers, stripe_events};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = payout_accounts)]
pub struct PayoutAccount {
    pub user_id: Uuid,
    pub stripe_account_id: String,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    pub requirements: serde_json::Value,
    pub disabled_reason: Option<String>,
}

/// What an `account.updated` says.
pub struct AccountState {
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    pub requirements: serde_json::Value,
    pub disabled_reason: Option<String>,
}

pub async fn account(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<Option<PayoutAccount>> {
    payout_accounts::table
        .find(user)
        .select(PayoutAccount::as_select())
        .first(conn)
        .await
        .optional()
}

/// Records the user's Stripe account (the first one wins: a retry returns it).
pub async fn insert_account(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    stripe_id: &str,
    state: &AccountState,
) -> QueryResult<PayoutAccount> {
    diesel::insert_into(payout_accounts::table)
        .values((
            payout_accounts::user_id.eq(user),
            payout_accounts::stripe_account_id.eq(stripe_id),
            payout_accounts::charges_enabled.eq(state.charges_enabled),
            payout_accounts::payouts_enabled.eq(state.payouts_enabled),
            payout_accounts::details_submitted.eq(state.details_submitted),
            payout_accounts::requirements.eq(&state.requirements),
            payout_accounts::disabled_reason.eq(&state.disabled_reason),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    payout_accounts::table
        .find(user)
        .select(PayoutAccount::as_select())
        .first(conn)
        .await
}

/// Writes an account's state unless a newer event was applied; false when no row (yet) or
/// the event is older.
pub async fn update_account(
    conn: &mut AsyncPgConnection,
    stripe_id: &str,
    state: &AccountState,
    at: i64,
) -> QueryResult<usize> {
    diesel::update(
        payout_accounts::table
            .filter(payout_accounts::stripe_account_id.eq(stripe_id))
            .filter(payout_accounts::state_at.le(at)),
    )
    .set((
        payout_accounts::charges_enabled.eq(state.charges_enabled),
        payout_accounts::payouts_enabled.eq(state.payouts_enabled),
        payout_accounts::details_submitted.eq(state.details_submitted),
        payout_accounts::requirements.eq(&state.requirements),
        payout_accounts::disabled_reason.eq(&state.disabled_reason),
        payout_accounts::state_at.eq(at),
        payout_accounts::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await
}

pub async fn account_exists(conn: &mut AsyncPgConnection, stripe_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        payout_accounts::table.filter(payout_accounts::stripe_account_id.eq(stripe_id)),
    ))
    .get_result(conn)
    .await
}

pub async fn customer(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<Option<String>> {
    stripe_customers::table
        .find(user)
        .select(stripe_customers::stripe_customer_id)
        .first(conn)
        .await
        .optional()
}

pub async fn insert_customer(conn: &mut AsyncPgConnection, user: Uuid, stripe_id: &str) -> QueryResult<String> {
    diesel::insert_into(stripe_customers::table)
        .values((
            stripe_customers::user_id.eq(user),
            stripe_customers::stripe_customer_id.eq(stripe_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    stripe_customers::table
        .find(user)
        .select(stripe_customers::stripe_customer_id)
        .first(conn)
        .await
}

/// Stores an event once per id; false for a replay.
pub async fn store_event(
    conn: &mut AsyncPgConnection,
    id: &str,
    kind: &str,
    account: Option<&str>,
    created: i64,
    payload: &serde_json::Value,
) -> QueryResult<bool> {
    let n = diesel::insert_into(stripe_events::table)
        .values((
            stripe_events::id.eq(id),
            stripe_events::event_type.eq(kind),
            stripe_events::account.eq(account),
            stripe_events::created.eq(created),
            stripe_events::payload.eq(payload),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

pub async fn event(conn: &mut AsyncPgConnection, id: &str) -> QueryResult<Option<(String, serde_json::Value)>> {
    stripe_events::table
        .find(id)
        .select((stripe_events::event_type, stripe_events::payload))
        .first(conn)
        .await
        .optional()
}
