//! The ledger's services: settling and failing payments from Stripe's events, refunds, the
//! payer's history and the payee's earnings. Every read checks the caller is the payer or
//! the payee (an admin may refund anything); anyone else gets 404, as for a missing id.

use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use uuid::Uuid;

use super::kinds::{PaymentKind, PaymentStatus};
use super::repo::{self, Payment};
use super::stripe::Form;
use super::views::{EarningsView, PaymentPage, PaymentView, TipEvent};
use super::Payments;
use crate::features::events::log;
use crate::features::events::{Committed, EventKind, Store};
use crate::features::messages::unlocked;
use crate::platform::error::ApiError;
use crate::platform::pagination::Page;

/// What Stripe says was paid: the amount and currency.
pub struct Paid<'a> {
    pub amount: Option<i64>,
    pub currency: Option<&'a str>,
}

/// Marks a payment succeeded and delivers what it bought, once; the room events and feed
/// entries to publish.
/// A payment whose paid amount or currency differs from the ledger's is not fulfilled.
pub async fn settle(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    intent: Option<&str>,
    paid: Paid<'_>,
) -> anyhow::Result<Committed<()>> {
    let Some(payment) = repo::payment_for_update(conn, id).await? else {
        tracing::info!(payment = %id, "a Stripe event names a payment Parley does not have");
        return Ok(Committed::quiet(()));
    };
    if paid.amount != Some(payment.amount) || paid.currency != Some(payment.currency.as_str()) {
        tracing::error!(payment = %id, ?paid.amount, ?paid.currency, "Stripe reports another amount than the ledger's: not fulfilled");
        repo::mark_failed(conn, id, "the amount paid differs from the price").await?;
        return Ok(Committed::quiet(()));
    }
    if !repo::mark_succeeded(conn, id, intent).await? {
        return Ok(Committed::quiet(()));
    }
    deliver(conn, &payment).await
}

async fn deliver(conn: &mut AsyncPgConnection, p: &Payment) -> anyhow::Result<Committed<()>> {
    match (p.kind, p.room_id) {
        (PaymentKind::Tip, Some(room)) => {
            let data = TipEvent {
                payment_id: p.id,
                from_user_id: p.payer_id,
                to_user_id: p.payee_id,
                amount: p.amount,
                currency: p.currency.clone(),
                message: p.note.clone(),
            };
            let data = serde_json::to_value(data)?;
            let event = log::append(conn, room, EventKind::TipReceived, &data).await?;
            Ok(Committed::new((), vec![event]))
        }
        (PaymentKind::Ppv, _) => {
            let Some(message) = p.subject_id else {
                return Ok(Committed::quiet(()));
            };
            repo::unlock(conn, message, p.payer_id, p.id).await?;
            // The buyer's sockets (any device, any instance) hear of it through their feed.
            let told = unlocked::tell_buyer(conn, message, p.payer_id).await?;
            Ok(Committed::quiet(()).with_feed(told))
        }
        _ => Ok(Committed::quiet(())),
    }
}

/// A pending payment failed (declined, expired); a later success still settles it.
pub async fn fail(conn: &mut AsyncPgConnection, id: Uuid, why: &str) -> anyhow::Result<()> {
    repo::mark_failed(conn, id, why).await?;
    Ok(())
}

/// `charge.refunded`: the charge's refunded total, as state.
pub async fn refunded(conn: &mut AsyncPgConnection, intent: &str, total: i64) -> anyhow::Result<()> {
    match repo::payment_by_intent(conn, intent).await? {
        Some(p) => repo::set_refunded(conn, p.id, total).await?,
        None => tracing::info!(intent, "refund of a charge Parley did not make"),
    }
    Ok(())
}

/// A payment its payer or payee may see.
async fn visible(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<Payment, ApiError> {
    match repo::payment(conn, id).await? {
        Some(p) if p.payer_id == user || p.payee_id == user => Ok(p),
        _ => Err(ApiError::NotFound("payment")),
    }
}

pub async fn get(conn: &mut AsyncPgConnection, user: Uuid, id: Uuid) -> Result<PaymentView, ApiError> {
    Ok(visible(conn, user, id).await?.into())
}

/// A page of the payments the user made (or, `as_payee`, received), newest first.
pub async fn history(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    as_payee: bool,
    page: Page,
) -> Result<PaymentPage, ApiError> {
    let rows = repo::history(conn, user, as_payee, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&rows, |p| p.id);
    Ok(PaymentPage {
        items: rows.into_iter().map(PaymentView::from).collect(),
        next_cursor,
    })
}

pub async fn earnings(conn: &mut AsyncPgConnection, user: Uuid) -> Result<EarningsView, ApiError> {
    Ok(EarningsView::from_rows(repo::earnings(conn, user).await?))
}

#[derive(Deserialize)]
struct Refund {
    #[allow(dead_code)]
    id: String,
}

/// Refunds `amount` (default: what is left) of a settled payment, pulling the creator's
/// share back (`reverse_transfer`) and the platform's fee (`refund_application_fee`). Only
/// the payee or an admin; the payer gets 403, anyone else 404.
pub async fn refund(
    store: &Store,
    payments: &Payments,
    user: Uuid,
    admin: bool,
    id: Uuid,
    amount: Option<i64>,
) -> Result<PaymentView, ApiError> {
    let payment = store
        .run(async |conn| match repo::payment(conn, id).await? {
            Some(p) if admin || p.payee_id == user => Ok(p),
            Some(p) if p.payer_id == user => Err(ApiError::Forbidden("only the payee or an admin may refund".into())),
            _ => Err(ApiError::NotFound("payment")),
        })
        .await?;
    if !matches!(
        payment.status,
        PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded
    ) {
        return Err(ApiError::Conflict(format!(
            "a {} payment cannot be refunded",
            payment.status
        )));
    }
    let left = payment.amount - payment.refunded_amount;
    let amount = amount.unwrap_or(left);
    if amount < 1 || amount > left {
        return Err(ApiError::invalid(format!(
            "amount must be 1 to {left} (what is left to refund)"
        )));
    }
    let Some(intent) = payment.stripe_payment_intent_id.as_deref() else {
        return Err(ApiError::Conflict("this payment has no charge to refund".into()));
    };
    // The key names the refunded total before and after: a retried request refunds once.
    let key = format!("payment:{id}:refund:{}:{amount}", payment.refunded_amount);
    let _: Refund = payments
        .stripe
        .post(
            "/v1/refunds",
            &key,
            Form::new()
                .set("payment_intent", intent)
                .set("amount", amount)
                .set("reason", "requested_by_customer")
                .set("reverse_transfer", true)
                .set("refund_application_fee", true)
                .metadata("metadata", &[("payment_id", id.to_string())]),
        )
        .await?;
    store
        .run(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                repo::set_refunded(conn, id, payment.refunded_amount + amount).await?;
                Ok(repo::payment(conn, id)
                    .await?
                    .ok_or(ApiError::NotFound("payment"))?
                    .into())
            })
            .await
        })
        .await
}
