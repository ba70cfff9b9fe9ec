//! The ledger: one row per money movement (`payments`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::features::payments::kinds::{PaymentKind, PaymentStatus};
use crate::platform::schema::payments;

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

/// Inserts a payment; false when it would be a second open purchase of one thing.
pub async fn insert_payment(conn: &mut AsyncPgConnection, p: &Payment) -> QueryResult<bool> {
    let n = diesel::insert_into(payments::table)
        .values(p)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
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

/// Paid, but nothing to deliver: refunded automatically (a later success changes nothing).
pub async fn mark_undeliverable(conn: &mut AsyncPgConnection, id: Uuid, why: &str) -> QueryResult<()> {
    diesel::update(payments::table.find(id))
        .set((
            payments::status.eq(PaymentStatus::Undeliverable),
            payments::failure.eq(why),
            payments::succeeded_at.eq(Utc::now()),
            payments::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Records the charge's PaymentIntent on a payment (once).
pub async fn set_intent(conn: &mut AsyncPgConnection, id: Uuid, intent: Option<&str>) -> QueryResult<()> {
    diesel::update(payments::table.find(id))
        .set(
            payments::stripe_payment_intent_id.eq(diesel::dsl::sql::<Nullable<Text>>(
                "coalesce(stripe_payment_intent_id, ",
            )
            .bind::<Nullable<Text>, _>(intent)
            .sql(")")),
        )
        .execute(conn)
        .await
        .map(drop)
}

/// Another live purchase of the same thing by the same payer (succeeded or refunded in part).
pub async fn other_delivered(conn: &mut AsyncPgConnection, p: &Payment) -> QueryResult<bool> {
    let Some(subject) = p.subject_id else {
        return Ok(false);
    };
    diesel::select(diesel::dsl::exists(
        payments::table
            .filter(payments::payer_id.eq(p.payer_id))
            .filter(payments::kind.eq(p.kind))
            .filter(payments::subject_id.eq(subject))
            .filter(payments::id.ne(p.id))
            .filter(payments::status.eq_any([PaymentStatus::Succeeded, PaymentStatus::PartiallyRefunded])),
    ))
    .get_result(conn)
    .await
}

/// Later attempts at the same purchase still open give way to one being settled: marked
/// failed (should one be paid anyway, it is a duplicate and goes back).
pub async fn supersede_pending(conn: &mut AsyncPgConnection, p: &Payment) -> QueryResult<()> {
    let Some(subject) = p.subject_id else {
        return Ok(());
    };
    diesel::update(
        payments::table
            .filter(payments::payer_id.eq(p.payer_id))
            .filter(payments::kind.eq(p.kind))
            .filter(payments::subject_id.eq(subject))
            .filter(payments::id.ne(p.id))
            .filter(payments::status.eq(PaymentStatus::Pending)),
    )
    .set((
        payments::status.eq(PaymentStatus::Failed),
        payments::failure.eq("an earlier attempt at this purchase went through"),
        payments::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await
    .map(drop)
}

/// The open or delivered purchase of this thing by this payer, if any (at most one: the
/// `payments_one_purchase` index).
pub async fn open_purchase(
    conn: &mut AsyncPgConnection,
    payer: Uuid,
    kind: PaymentKind,
    subject: Uuid,
) -> QueryResult<Option<Payment>> {
    payments::table
        .filter(payments::payer_id.eq(payer))
        .filter(payments::kind.eq(kind))
        .filter(payments::subject_id.eq(subject))
        .filter(payments::status.eq_any([
            PaymentStatus::Pending,
            PaymentStatus::Succeeded,
            PaymentStatus::PartiallyRefunded,
        ]))
        .select(Payment::as_select())
        .first(conn)
        .await
        .optional()
}

/// The user's payments as payer (or as payee: pending ones left out), newest first.
pub async fn history(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    as_payee: bool,
    before: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Payment>> {
    let mut q = payments::table
        .select(Payment::as_select())
        .order(payments::id.desc())
        .limit(limit)
        .into_boxed();
    q = if as_payee {
        q.filter(payments::payee_id.eq(user))
            .filter(payments::status.ne(PaymentStatus::Pending))
    } else {
        q.filter(payments::payer_id.eq(user))
    };
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
