//! Payout accounts, Stripe customers, received Stripe events and the ledger (`payments`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::kinds::{PaymentKind, PaymentStatus};
use crate::platform::schema::{payments, payout_accounts, stripe_customers, stripe_events};

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

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = payments)]
pub struct Payment {
    pub id: Uuid,
    pub kind: PaymentKind,
    pub payer_id: Uuid,
    pub payee_id: Uuid,
    pub payee_account: String,
    pub amount: i64,
    pub currency: String,
    pub fee_amount: i64,
    pub status: PaymentStatus,
    pub refunded_amount: i64,
    pub subject_id: Option<Uuid>,
    pub room_id: Option<Uuid>,
    pub note: Option<String>,
    pub stripe_checkout_session_id: Option<String>,
    pub stripe_payment_intent_id: Option<String>,
    pub stripe_invoice_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub succeeded_at: Option<DateTime<Utc>>,
}

pub async fn insert_payment(conn: &mut AsyncPgConnection, p: &Payment) -> QueryResult<()> {
    diesel::insert_into(payments::table)
        .values(p)
        .execute(conn)
        .await
        .map(drop)
}

/// A ledger row by the invoice that made it (the first insert wins).
pub async fn insert_invoice_payment(conn: &mut AsyncPgConnection, p: &Payment) -> QueryResult<bool> {
    let n = diesel::insert_into(payments::table)
        .values(p)
        .on_conflict(payments::stripe_invoice_id)
        .do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

pub async fn payment(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Payment>> {
    payments::table
        .find(id)
        .select(Payment::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn payment_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Payment>> {
    payments::table
        .find(id)
        .select(Payment::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub async fn payment_by_intent(conn: &mut AsyncPgConnection, intent: &str) -> QueryResult<Option<Payment>> {
    payments::table
        .filter(payments::stripe_payment_intent_id.eq(intent))
        .select(Payment::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn set_checkout(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    session: Option<&str>,
    intent: Option<&str>,
) -> QueryResult<()> {
    diesel::update(payments::table.find(id))
        .set((
            payments::stripe_checkout_session_id.eq(session),
            payments::stripe_payment_intent_id.eq(intent),
            payments::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Marks a payment succeeded (once: false when it already was, or later); records its intent.
pub async fn mark_succeeded(conn: &mut AsyncPgConnection, id: Uuid, intent: Option<&str>) -> QueryResult<bool> {
    let n = diesel::update(
        payments::table
            .find(id)
            .filter(payments::status.eq_any([PaymentStatus::Pending, PaymentStatus::Failed])),
    )
    .set((
        payments::status.eq(PaymentStatus::Succeeded),
        payments::stripe_payment_intent_id.eq(diesel::dsl::sql::<Nullable<Text>>(
            "coalesce(stripe_payment_intent_id, ",
        )
        .bind::<Nullable<Text>, _>(intent)
        .sql(")")),
        payments::failure.eq(None::<String>),
        payments::succeeded_at.eq(Utc::now()),
        payments::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// A pending payment failed (a later success still wins).
pub async fn mark_failed(conn: &mut AsyncPgConnection, id: Uuid, why: &str) -> QueryResult<()> {
    diesel::update(
        payments::table
            .find(id)
            .filter(payments::status.eq(PaymentStatus::Pending)),
    )
    .set((
        payments::status.eq(PaymentStatus::Failed),
        payments::failure.eq(why),
        payments::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await
    .map(drop)
}

/// Writes the refunded total Stripe reports; a smaller (older) total never lowers it.
pub async fn set_refunded(conn: &mut AsyncPgConnection, id: Uuid, refunded: i64) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE payments SET refunded_amount = LEAST(amount, GREATEST(refunded_amount, $2)), \
         status = CASE WHEN LEAST(amount, GREATEST(refunded_amount, $2)) >= amount THEN 'refunded' \
                       WHEN GREATEST(refunded_amount, $2) > 0 THEN 'partially_refunded' ELSE status END, \
         updated_at = now() WHERE id = $1 AND status IN ('succeeded', 'partially_refunded', 'refunded')",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<BigInt, _>(refunded)
    .execute(conn)
    .await
    .map(drop)
}

/// The payer's payments, newest first.
pub async fn history(
    conn: &mut AsyncPgConnection,
    payer: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Payment>> {
    let mut q = payments::table
        .filter(payments::payer_id.eq(payer))
        .select(Payment::as_select())
        .order(payments::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(payments::id.lt(before));
    }
    q.load(conn).await
}

#[derive(QueryableByName, Debug)]
pub struct EarningsRow {
    #[diesel(sql_type = Text)]
    pub month: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = BigInt)]
    pub gross: i64,
    #[diesel(sql_type = BigInt)]
    pub fees: i64,
    #[diesel(sql_type = BigInt)]
    pub refunded: i64,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// The payee's settled money (succeeded, refunded in part or whole) per month (UTC), kind
/// and currency; fees are what the platform kept (a refund returns its share of the fee).
pub async fn earnings(conn: &mut AsyncPgConnection, payee: Uuid) -> QueryResult<Vec<EarningsRow>> {
    diesel::sql_query(
        "SELECT to_char(date_trunc('month', coalesce(succeeded_at, created_at) AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, \
                kind, currency, sum(amount)::int8 AS gross, sum(fee_amount - fee_amount * refunded_amount / amount)::int8 AS fees, \
                sum(refunded_amount)::int8 AS refunded, count(*)::int8 AS count \
         FROM payments WHERE payee_id = $1 AND status IN ('succeeded', 'partially_refunded', 'refunded') \
         GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3",
    )
    .bind::<diesel::sql_types::Uuid, _>(payee)
    .load(conn)
    .await
}

/// Removes a payment Stripe never took (still pending, no Stripe object recorded).
pub async fn delete_pending(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(
        payments::table
            .find(id)
            .filter(payments::status.eq(PaymentStatus::Pending))
            .filter(payments::stripe_checkout_session_id.is_null())
            .filter(payments::stripe_payment_intent_id.is_null()),
    )
    .execute(conn)
    .await
}

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
                EXISTS (SELECT 1 FROM ppv_unlocks u WHERE u.message_id = m.id AND u.user_id = $2) AS bought \
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

/// The payer's pending Checkout for this purchase, if any (to hand out again, not twice).
pub async fn pending_checkout(
    conn: &mut AsyncPgConnection,
    payer: Uuid,
    kind: PaymentKind,
    subject: Uuid,
) -> QueryResult<Option<(Uuid, String)>> {
    payments::table
        .filter(payments::payer_id.eq(payer))
        .filter(payments::kind.eq(kind))
        .filter(payments::subject_id.eq(subject))
        .filter(payments::status.eq(PaymentStatus::Pending))
        .filter(payments::stripe_checkout_session_id.is_not_null())
        .order(payments::id.desc())
        .select((payments::id, payments::stripe_checkout_session_id.assume_not_null()))
        .first(conn)
        .await
        .optional()
}
