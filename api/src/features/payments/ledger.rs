//! The ledger's services: settling and failing payments from Stripe's events, refunds, the
//! payer's history and the payee's earnings. Every read checks the caller is the payer or
//! the payee (an admin may refund anything); anyone else gets 404, as for a missing id.

use std::sync::Arc;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::future::BoxFuture;
use uuid::Uuid;

use super::kinds::{PaymentKind, PaymentStatus, RefundReason, RefundStatus};
use super::refunds;
use super::repo::{self, Payment};
use super::views::{EarningsView, PaymentPage, PaymentView, TipEvent};
use super::Payments;
use crate::features::messages::unlocked;
use crate::platform::config::PaymentSettings;
use crate::platform::error::ApiError;
use crate::platform::events::log;
use crate::platform::events::{Committed, Database, EventKind};
use crate::platform::pagination::Page;

/// A settled payment, as the feature that sells its kind sees it.
pub struct Settled {
    pub payment_id: Uuid,
    pub payer: Uuid,
    pub payee: Uuid,
    pub subject_id: Option<Uuid>,
}

/// What delivering a paid purchase came to.
pub enum Delivery {
    Done(Committed<()>),
    /// Nothing to deliver (the booking was taken or cancelled meanwhile): the money goes
    /// back in full, by the jobs queue.
    Nothing(&'static str),
}

/// Delivers what another feature sells (bookings), in the transaction that settles the
/// payment: the purchase and its delivery commit together or not at all.
pub trait Deliver: Send + Sync + 'static {
    fn kind(&self) -> PaymentKind;
    fn deliver<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        paid: &'a Settled,
    ) -> BoxFuture<'a, anyhow::Result<Delivery>>;
}

/// What Stripe says was paid: the amount and currency.
pub struct Paid<'a> {
    pub amount: Option<i64>,
    pub currency: Option<&'a str>,
}

/// Marks a payment succeeded and delivers what it bought, once; the room events and feed
/// entries to publish. Money that arrives with nothing to deliver — another amount or
/// currency than the ledger's, a second purchase of what the payer has, a message deleted
/// since the checkout began — is not fulfilled but refunded in full, by the jobs queue.
pub async fn settle(
    conn: &mut AsyncPgConnection,
    deliverers: &[Arc<dyn Deliver>],
    id: Uuid,
    intent: Option<&str>,
    paid: Paid<'_>,
) -> anyhow::Result<Committed<()>> {
    let Some(payment) = repo::payment_for_update(conn, id).await? else {
        tracing::info!(payment = %id, "a Stripe event names a payment Parley does not have");
        return Ok(Committed::quiet(()));
    };
    if !matches!(payment.status, PaymentStatus::Pending | PaymentStatus::Failed) {
        return Ok(Committed::quiet(())); // settled before: an event delivered again
    }
    // The charge is recorded first: whatever happens next, it can be refunded.
    repo::set_intent(conn, id, intent).await?;
    let payment = Payment {
        stripe_payment_intent_id: payment.stripe_payment_intent_id.or(intent.map(str::to_owned)),
        ..payment
    };
    if paid.amount != Some(payment.amount) || paid.currency != Some(payment.currency.as_str()) {
        tracing::error!(payment = %id, ?paid.amount, ?paid.currency, "Stripe reports another amount than the ledger's");
        refunds::undeliverable(
            conn,
            &payment,
            RefundReason::AmountMismatch,
            "the amount paid differs from the price",
        )
        .await?;
        return Ok(Committed::quiet(()));
    }
    if let Some(why) = nothing_to_deliver(conn, &payment).await? {
        refunds::undeliverable(conn, &payment, why.0, why.1).await?;
        return Ok(Committed::quiet(()));
    }
    // A later attempt at the same purchase that is still open gives way to this one (if it
    // is paid too, it is a duplicate and goes back).
    repo::supersede_pending(conn, &payment).await?;
    if !repo::mark_succeeded(conn, id, intent).await? {
        return Ok(Committed::quiet(()));
    }
    if let Some(d) = deliverers.iter().find(|d| d.kind() == payment.kind) {
        let settled = Settled {
            payment_id: payment.id,
            payer: payment.payer_id,
            payee: payment.payee_id,
            subject_id: payment.subject_id,
        };
        return match d.deliver(conn, &settled).await? {
            Delivery::Done(done) => Ok(done),
            Delivery::Nothing(why) => {
                refunds::undeliverable(conn, &payment, RefundReason::Undeliverable, why).await?;
                Ok(Committed::quiet(()))
            }
        };
    }
    deliver(conn, &payment).await
}

/// Sends back in full what is left of a settled payment (in the caller's transaction: a
/// booking cancelled within its policy, or rejected), queued for the jobs queue at once;
/// false when there is nothing to send back. Wake the jobs after commit.
pub async fn give_back(conn: &mut AsyncPgConnection, id: Uuid, by: Option<Uuid>) -> Result<bool, ApiError> {
    let Some(payment) = repo::payment_for_update(conn, id).await? else {
        return Ok(false);
    };
    if !refunds::refundable(&payment) {
        return Ok(false);
    }
    let left = payment.amount - repo::committed_total(conn, id).await?;
    if left < 1 {
        return Ok(false);
    }
    refunds::queue(conn, &payment, left, RefundReason::Requested, by, Duration::ZERO).await?;
    Ok(true)
}

/// Why a paid purchase cannot be delivered, if it cannot.
async fn nothing_to_deliver(
    conn: &mut AsyncPgConnection,
    p: &Payment,
) -> anyhow::Result<Option<(RefundReason, &'static str)>> {
    if p.kind != PaymentKind::Ppv {
        return Ok(None);
    }
    if repo::other_delivered(conn, p).await? {
        return Ok(Some((RefundReason::Duplicate, "the payer already bought this")));
    }
    let gone = match p.subject_id {
        Some(message) => repo::priced_message(conn, message, p.payer_id)
            .await?
            .is_none_or(|m| m.deleted),
        None => true,
    };
    Ok(gone.then_some((RefundReason::Undeliverable, "the message was deleted")))
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

/// A paid subscription invoice, as the feature that sells subscriptions reports it.
pub struct Invoice<'a> {
    pub stripe_id: &'a str,
    pub payer: Uuid,
    pub payee: Uuid,
    /// What was bought: the subscription.
    pub subject: Uuid,
    pub amount: i64,
    pub currency: String,
    pub intent: Option<String>,
}

/// Records a paid invoice in the ledger (once per invoice: the first insert wins), with the
/// platform's fee. The payee's account must exist: nothing is invented.
pub async fn record_invoice(
    conn: &mut AsyncPgConnection,
    settings: &PaymentSettings,
    i: Invoice<'_>,
) -> anyhow::Result<()> {
    let account = repo::account(conn, i.payee)
        .await?
        .map(|a| a.stripe_account_id)
        .ok_or_else(|| anyhow::anyhow!("the payee of invoice {} has no payout account", i.stripe_id))?;
    let now = chrono::Utc::now();
    repo::insert_invoice_payment(
        conn,
        &Payment {
            id: Uuid::now_v7(),
            kind: PaymentKind::SubscriptionInvoice,
            payer_id: i.payer,
            payee_id: i.payee,
            payee_account: account,
            amount: i.amount,
            currency: i.currency,
            fee_amount: super::platform_fee(settings, i.amount),
            status: PaymentStatus::Succeeded,
            refunded_amount: 0,
            subject_id: Some(i.subject),
            room_id: None,
            note: None,
            stripe_checkout_session_id: None,
            stripe_payment_intent_id: i.intent,
            stripe_invoice_id: Some(i.stripe_id.to_owned()),
            created_at: now,
            succeeded_at: Some(now),
        },
    )
    .await?;
    Ok(())
}

/// A pending payment failed (declined, expired); a later success still settles it.
pub async fn fail(conn: &mut AsyncPgConnection, id: Uuid, why: &str) -> anyhow::Result<()> {
    repo::mark_failed(conn, id, why).await?;
    Ok(())
}

/// `charge.refunded`: the refunds themselves are rows (ours, and `refund.*` events for the
/// dashboard's), so this only checks the payment is known: one Stripe sends before the
/// payment's own settlement is an error, retried by the jobs queue until it is settled.
pub async fn refunded(conn: &mut AsyncPgConnection, intent: &str, ours: Option<Uuid>) -> anyhow::Result<()> {
    if let Some(p) = repo::payment_by_intent(conn, intent).await? {
        repo::refresh_payment(conn, p.id).await?;
        return Ok(());
    }
    match ours {
        Some(id) if repo::payment(conn, id).await?.is_some() => {
            anyhow::bail!("a refund of payment {id}, which is not settled yet: tried again later")
        }
        _ => {
            tracing::info!(intent, "refund of a charge Parley did not make");
            Ok(())
        }
    }
}

/// `refund.created` / `refund.updated` / `refund.failed`: a refund as Stripe has it. Ours
/// (by `refund_id` in its metadata) gets its Stripe id and state; one made in the dashboard
/// becomes a row of its own. Early (the payment not settled yet): retried.
pub async fn stripe_refund(conn: &mut AsyncPgConnection, object: &serde_json::Value) -> anyhow::Result<()> {
    let (Some(stripe_id), Some(amount), Some(currency)) = (
        object["id"].as_str(),
        object["amount"].as_i64(),
        object["currency"].as_str(),
    ) else {
        anyhow::bail!("a refund event without id, amount or currency");
    };
    let ours: Option<Uuid> = object["metadata"]["refund_id"].as_str().and_then(|s| s.parse().ok());
    let payment = match object["payment_intent"].as_str() {
        Some(intent) => repo::payment_by_intent(conn, intent).await?,
        None => None,
    };
    let Some(payment) = payment else {
        // A Checkout payment's charge is known once it settles; a refund event may come
        // first (one made in the dashboard carries no id of ours). Tried again until the
        // jobs queue gives up (then it was a charge Parley did not make).
        anyhow::bail!("refund {stripe_id} of a charge not (yet) in the ledger: tried again later");
    };
    let status = match object["status"].as_str() {
        Some("failed") | Some("canceled") => RefundStatus::Failed,
        Some("pending") | Some("requires_action") => RefundStatus::Pending,
        _ => RefundStatus::Succeeded,
    };
    let row = repo::Refund {
        id: Uuid::now_v7(),
        payment_id: payment.id,
        amount,
        currency: currency.to_owned(),
        reason: RefundReason::External,
        status,
        stripe_refund_id: Some(stripe_id.to_owned()),
        requested_by: None,
        failure: None,
        created_at: chrono::Utc::now(),
    };
    repo::upsert_stripe_refund(conn, ours, &row).await?;
    repo::refresh_payment(conn, payment.id).await?;
    Ok(())
}

/// `charge.dispute.*`: the dispute's state (newest event wins); a lost one takes back what
/// the payment bought, like a full refund.
pub async fn dispute(conn: &mut AsyncPgConnection, object: &serde_json::Value, created: i64) -> anyhow::Result<()> {
    let (Some(stripe_id), Some(amount), Some(currency), Some(status)) = (
        object["id"].as_str(),
        object["amount"].as_i64(),
        object["currency"].as_str(),
        object["status"].as_str(),
    ) else {
        anyhow::bail!("a dispute event without id, amount, currency or status");
    };
    let Some(payment) = (match object["payment_intent"].as_str() {
        Some(intent) => repo::payment_by_intent(conn, intent).await?,
        None => None,
    }) else {
        tracing::info!(stripe_id, "a dispute of a charge Parley did not make");
        return Ok(());
    };
    repo::write_dispute(
        conn,
        &repo::DisputeState {
            stripe_id,
            payment_id: payment.id,
            amount,
            currency,
            reason: object["reason"].as_str(),
            status,
            created,
        },
    )
    .await?;
    repo::refresh_payment(conn, payment.id).await?;
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
    let p = visible(conn, user, id).await?;
    Ok(views(conn, vec![p]).await?.remove(0))
}

/// Payments as their payer and payee see them, with their refunds and disputes.
pub async fn views(conn: &mut AsyncPgConnection, list: Vec<Payment>) -> Result<Vec<PaymentView>, ApiError> {
    let ids: Vec<Uuid> = list.iter().map(|p| p.id).collect();
    let mut refunds = repo::refunds_of(conn, &ids).await?;
    let mut disputes = repo::disputes_of(conn, &ids).await?;
    Ok(list
        .into_iter()
        .map(|p| {
            let mine = |r: &repo::Refund| r.payment_id == p.id;
            let (theirs, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut refunds).into_iter().partition(mine);
            refunds = rest;
            let dispute = disputes
                .iter()
                .rposition(|d| d.payment_id == p.id)
                .map(|i| disputes.remove(i));
            PaymentView::new(p, theirs, dispute)
        })
        .collect())
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
        items: views(conn, rows).await?,
        next_cursor,
    })
}

pub async fn earnings(conn: &mut AsyncPgConnection, user: Uuid) -> Result<EarningsView, ApiError> {
    Ok(EarningsView::from_rows(repo::earnings(conn, user).await?))
}

/// What a refund request came to: the payment as it stands, and whether Stripe has yet to
/// be reached (the refund is recorded and the jobs queue finishes it).
pub struct Refunded {
    pub payment: PaymentView,
    pub accepted: bool,
}

/// Refunds `amount` (default: what is left) of a settled payment, pulling the creator's
/// share back (`reverse_transfer`) and the platform's fee (`refund_application_fee`). Only
/// the payee or an admin; the payer gets 403, anyone else 404. The refund row and its job
/// are written first; Stripe is asked at once, keyed on the row (never twice).
pub async fn refund(
    store: &Database,
    payments: &Payments,
    user: Uuid,
    admin: bool,
    id: Uuid,
    amount: Option<i64>,
) -> Result<Refunded, ApiError> {
    let row = store
        .run(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                let payment = match repo::payment_for_update(conn, id).await? {
                    Some(p) if admin || p.payee_id == user => p,
                    Some(p) if p.payer_id == user => {
                        return Err(ApiError::Forbidden("only the payee or an admin may refund".into()))
                    }
                    _ => return Err(ApiError::NotFound("payment")),
                };
                if !refunds::refundable(&payment) {
                    return Err(ApiError::Conflict(format!(
                        "a {} payment cannot be refunded",
                        payment.status
                    )));
                }
                let left = payment.amount - repo::committed_total(conn, id).await?;
                let amount = amount.unwrap_or(left);
                let by = Some(user);
                refunds::queue(
                    conn,
                    &payment,
                    amount,
                    RefundReason::Requested,
                    by,
                    refunds::FIRST_TRY_AFTER,
                )
                .await
            })
            .await
        })
        .await?;
    payments.jobs.wake();
    let accepted = match refunds::execute(&store.db, &payments.stripe, row.id).await {
        Ok(refunds::Outcome::Done) => false,
        Ok(refunds::Outcome::Refused(e)) => return Err(e.into()),
        Err(e) => {
            tracing::warn!(refund = %row.id, error = %e, "a refund left to the jobs queue");
            true
        }
    };
    let payment = store
        .run(async |conn| {
            let p = repo::payment(conn, id).await?.ok_or(ApiError::NotFound("payment"))?;
            Ok(views(conn, vec![p]).await?.remove(0))
        })
        .await?;
    Ok(Refunded { payment, accepted })
}
