//! Refunds, exactly once. A refund is a row written before Stripe is asked, in the same
//! transaction as a durable `payments.refund` job; Stripe's call is keyed on the row's id
//! (`refund:{id}`), so however often it is retried — by the request that wrote it, by the
//! job after a crash or an unreachable Stripe — Stripe refunds once. The outcome is recorded
//! on the row; the payment's refunded total and status are derived from its rows
//! (`parley_payment_refresh`), never overwritten from an event's running total.
//!
//! Money that arrives with nothing to deliver (a duplicate purchase, a deleted subject,
//! another amount than the price) is refunded the same way, by the job alone.

use std::time::Duration;

use chrono::Utc;
use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;
use serde::Deserialize;
use uuid::Uuid;

use super::kinds::{PaymentStatus, RefundReason, RefundStatus};
use super::repo::{self, Payment, Refund};
use super::stripe::{Form, Stripe, StripeError};
use crate::platform::db::DbPool;
use crate::platform::error::ApiError;
use crate::platform::jobs::{self, Job, Task};

pub const JOB_KIND: &str = "payments.refund";
/// A requested refund's job waits this long before its first try: the request that wrote
/// the row asks Stripe itself at once (the same key: never twice).
pub const FIRST_TRY_AFTER: Duration = Duration::from_secs(30);

/// Writes a pending refund of `amount` and its job (the caller's transaction holds the
/// payment's row lock); the job's first try waits `first_try_after` (a request that asks
/// Stripe itself at once gives itself that head start). 422 when more than what is left
/// would go back.
pub async fn queue(
    conn: &mut AsyncPgConnection,
    payment: &Payment,
    amount: i64,
    reason: RefundReason,
    by: Option<Uuid>,
    first_try_after: Duration,
) -> Result<Refund, ApiError> {
    let left = payment.amount - repo::committed_total(conn, payment.id).await?;
    if amount < 1 || amount > left {
        return Err(ApiError::invalid(format!(
            "amount must be 1 to {left} (what is left to refund)"
        )));
    }
    let refund = Refund {
        id: Uuid::now_v7(),
        payment_id: payment.id,
        amount,
        currency: payment.currency.clone(),
        reason,
        status: RefundStatus::Pending,
        stripe_refund_id: None,
        requested_by: by,
        failure: None,
        created_at: Utc::now(),
    };
    repo::insert_refund(conn, &refund).await?;
    let payload = serde_json::json!({ "refund_id": refund.id });
    jobs::enqueue_after(
        conn,
        JOB_KIND,
        &payload,
        Some(&format!("{JOB_KIND}:{}", refund.id)),
        first_try_after,
    )
    .await?;
    Ok(refund)
}

/// Sends everything back from a payment that delivered nothing (in the caller's
/// transaction, which holds its row): marks it `undeliverable` and queues the refund.
pub async fn undeliverable(
    conn: &mut AsyncPgConnection,
    payment: &Payment,
    reason: RefundReason,
    why: &str,
) -> anyhow::Result<()> {
    tracing::warn!(payment = %payment.id, why, "paid with nothing to deliver: refunding");
    repo::mark_undeliverable(conn, payment.id, why).await?;
    queue(conn, payment, payment.amount, reason, None, Duration::ZERO)
        .await
        .map_err(|e| anyhow::anyhow!("queueing an automatic refund: {e}"))?;
    Ok(())
}

#[derive(Deserialize)]
struct StripeRefund {
    id: String,
    status: Option<String>,
}

/// What asking Stripe came to.
pub enum Outcome {
    /// Recorded (done now or before).
    Done,
    /// Stripe refused: nothing moved; the row is `failed`.
    Refused(StripeError),
}

/// Asks Stripe for a pending refund and records the answer; an unreachable Stripe is an
/// error (the row stays pending: the job tries again with the same key).
pub async fn execute(db: &DbPool, stripe: &Stripe, refund_id: Uuid) -> anyhow::Result<Outcome> {
    let (refund, payment) = {
        let mut conn = db.get().await?;
        let Some(refund) = repo::refund(&mut conn, refund_id).await? else {
            return Ok(Outcome::Done);
        };
        if refund.status != RefundStatus::Pending {
            return Ok(Outcome::Done);
        }
        let payment = repo::payment(&mut conn, refund.payment_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("refund {refund_id} of a missing payment"))?;
        (refund, payment)
    };
    let answer = match payment.stripe_payment_intent_id.as_deref() {
        None => Err(StripeError::Refused {
            status: 400,
            kind: "invalid_request_error".into(),
            code: None,
            message: "this payment has no charge to refund".into(),
        }),
        Some(intent) => {
            let reason = match refund.reason {
                RefundReason::Duplicate => "duplicate",
                _ => "requested_by_customer",
            };
            stripe
                .post::<StripeRefund>(
                    "/v1/refunds",
                    &format!("refund:{}", refund.id),
                    Form::new()
                        .set("payment_intent", intent)
                        .set("amount", refund.amount)
                        .set("reason", reason)
                        .set("reverse_transfer", true)
                        .set("refund_application_fee", true)
                        .metadata(
                            "metadata",
                            &[
                                ("refund_id", refund.id.to_string()),
                                ("payment_id", payment.id.to_string()),
                            ],
                        ),
                )
                .await
        }
    };
    let mut conn = db.get().await?;
    match answer {
        Ok(made) => {
            let status = match made.status.as_deref() {
                Some("failed") | Some("canceled") => RefundStatus::Failed,
                // `pending` at Stripe (some payment methods) still moves the money back.
                _ => RefundStatus::Succeeded,
            };
            repo::record_refund(&mut conn, refund.id, status, Some(&made.id), None).await?;
            repo::refresh_payment(&mut conn, payment.id).await?;
            Ok(Outcome::Done)
        }
        Err(e @ StripeError::Refused { status, .. }) if status < 500 && status != 429 => {
            let why = e.to_string();
            repo::record_refund(&mut conn, refund.id, RefundStatus::Failed, None, Some(&why)).await?;
            repo::refresh_payment(&mut conn, payment.id).await?;
            Ok(Outcome::Refused(e))
        }
        Err(e) => Err(anyhow::anyhow!("asking Stripe for refund {}: {e}", refund.id)),
    }
}

/// The `payments.refund` job: asks Stripe for one pending refund.
pub struct RefundJob {
    pub stripe: Stripe,
}

#[derive(Deserialize)]
struct Payload {
    refund_id: Uuid,
}

impl Task for RefundJob {
    fn run<'a>(&'a self, db: &'a DbPool, job: &'a Job) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let Payload { refund_id } = serde_json::from_value(job.payload.clone())?;
            match execute(db, &self.stripe, refund_id).await? {
                Outcome::Done => Ok(()),
                Outcome::Refused(e) => {
                    tracing::error!(refund = %refund_id, error = %e, "Stripe refused a refund; recorded as failed");
                    Ok(())
                }
            }
        })
    }
}

/// Whether a payment can be refunded by its payee.
pub fn refundable(p: &Payment) -> bool {
    matches!(p.status, PaymentStatus::Succeeded | PaymentStatus::PartiallyRefunded)
}
