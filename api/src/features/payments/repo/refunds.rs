//! Refunds and disputes: rows of their own beside the payment they move money back from.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::features::payments::kinds::{RefundReason, RefundStatus};
use crate::platform::schema::{disputes, refunds};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = refunds)]
pub struct Refund {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub amount: i64,
    pub currency: String,
    pub reason: RefundReason,
    pub status: RefundStatus,
    pub stripe_refund_id: Option<String>,
    pub requested_by: Option<Uuid>,
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = disputes)]
pub struct Dispute {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub stripe_dispute_id: String,
    pub amount: i64,
    pub currency: String,
    pub reason: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_refund(conn: &mut AsyncPgConnection, r: &Refund) -> QueryResult<()> {
    diesel::insert_into(refunds::table)
        .values(r)
        .execute(conn)
        .await
        .map(drop)
}

pub async fn refund(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Refund>> {
    refunds::table
        .find(id)
        .select(Refund::as_select())
        .first(conn)
        .await
        .optional()
}

/// What is already refunded or on its way back (pending and succeeded rows).
pub async fn committed_total(conn: &mut AsyncPgConnection, payment: Uuid) -> QueryResult<i64> {
    refunds::table
        .filter(refunds::payment_id.eq(payment))
        .filter(refunds::status.ne(RefundStatus::Failed))
        .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "COALESCE(sum(amount), 0)::int8",
        ))
        .first(conn)
        .await
}

/// Records Stripe's answer on a pending row (once: false when it was recorded already).
pub async fn record_refund(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: RefundStatus,
    stripe_id: Option<&str>,
    failure: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::update(
        refunds::table
            .find(id)
            .filter(refunds::status.eq(RefundStatus::Pending)),
    )
    .set((
        refunds::status.eq(status),
        refunds::stripe_refund_id.eq(stripe_id),
        refunds::failure.eq(failure),
        refunds::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// A refund Stripe told us of (`refund.*`): ours (by `refund_id` in its metadata) gets its
/// Stripe id and state; one made elsewhere (the dashboard) becomes an `external` row.
pub async fn upsert_stripe_refund(conn: &mut AsyncPgConnection, ours: Option<Uuid>, new: &Refund) -> QueryResult<()> {
    let stripe_id = new.stripe_refund_id.as_deref();
    if let Some(id) = ours {
        let n = diesel::update(refunds::table.find(id))
            .set((
                refunds::stripe_refund_id.eq(stripe_id),
                refunds::status.eq(new.status),
                refunds::updated_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        if n == 1 {
            return Ok(());
        }
    }
    diesel::insert_into(refunds::table)
        .values(new)
        .on_conflict(refunds::stripe_refund_id)
        .do_update()
        .set((refunds::status.eq(new.status), refunds::updated_at.eq(Utc::now())))
        .execute(conn)
        .await
        .map(drop)
}

/// Recomputes the payment's refunded total and status from its rows (and takes back what
/// it bought when refunded in full or lost in a dispute): `parley_payment_refresh`.
pub async fn refresh_payment(conn: &mut AsyncPgConnection, payment: Uuid) -> QueryResult<()> {
    diesel::sql_query("SELECT parley_payment_refresh($1)")
        .bind::<diesel::sql_types::Uuid, _>(payment)
        .execute(conn)
        .await
        .map(drop)
}

/// The refunds of these payments, oldest first.
pub async fn refunds_of(conn: &mut AsyncPgConnection, payments: &[Uuid]) -> QueryResult<Vec<Refund>> {
    refunds::table
        .filter(refunds::payment_id.eq_any(payments))
        .order(refunds::created_at.asc())
        .select(Refund::as_select())
        .load(conn)
        .await
}

pub async fn disputes_of(conn: &mut AsyncPgConnection, payments: &[Uuid]) -> QueryResult<Vec<Dispute>> {
    disputes::table
        .filter(disputes::payment_id.eq_any(payments))
        .order(disputes::created_at.asc())
        .select(Dispute::as_select())
        .load(conn)
        .await
}

/// A dispute's state as of a Stripe event (an older event than the stored one changes
/// nothing).
pub struct DisputeState<'a> {
    pub stripe_id: &'a str,
    pub payment_id: Uuid,
    pub amount: i64,
    pub currency: &'a str,
    pub reason: Option<&'a str>,
    pub status: &'a str,
    pub created: i64,
}

pub async fn write_dispute(conn: &mut AsyncPgConnection, d: &DisputeState<'_>) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO disputes (id, payment_id, stripe_dispute_id, amount, currency, reason, status, state_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (stripe_dispute_id) DO UPDATE SET amount = excluded.amount, reason = excluded.reason, \
           status = excluded.status, state_at = excluded.state_at, updated_at = now() \
         WHERE disputes.state_at <= excluded.state_at",
    )
    .bind::<diesel::sql_types::Uuid, _>(Uuid::now_v7())
    .bind::<diesel::sql_types::Uuid, _>(d.payment_id)
    .bind::<diesel::sql_types::Text, _>(d.stripe_id)
    .bind::<diesel::sql_types::BigInt, _>(d.amount)
    .bind::<diesel::sql_types::Text, _>(d.currency)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(d.reason)
    .bind::<diesel::sql_types::Text, _>(d.status)
    .bind::<diesel::sql_types::BigInt, _>(d.created)
    .execute(conn)
    .await
    .map(drop)
}
