//! Starting a payment: a pending ledger row first (its id keys everything at Stripe), then
//! a hosted Checkout Session or a PaymentIntent as a destination charge to the payee's
//! account with the platform's fee. Amounts and currencies come from the caller's service
//! (our database or our checked limits), never from Stripe's answer or the client's say.
//! If Stripe refuses or cannot be reached, the pending row is removed again.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::accounts;
use super::kinds::{PaymentKind, PaymentStatus};
use super::repo::{self, Payment};
use super::stripe::{Form, StripeError};
use super::views::{IntentView, StartedView};
use super::Payments;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::Database;

/// What is being paid for, decided by the feature that sells it.
pub struct Charge {
    pub kind: PaymentKind,
    pub payer: Uuid,
    pub payee: Uuid,
    pub amount: i64,
    pub currency: String,
    pub subject_id: Option<Uuid>,
    pub room_id: Option<Uuid>,
    pub note: Option<String>,
    /// Shown on Stripe's page.
    pub product_name: String,
    /// Where the web app shows the outcome (a path of APP_URL).
    pub return_path: String,
    /// When the Checkout page closes (30 minutes to 24 hours ahead; Stripe's default, 24
    /// hours, when None).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A Checkout Session as Stripe answers it (made or looked up): one type for every
/// checkout (payments and subscriptions).
#[derive(Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    /// The hosted page (while it is open).
    pub url: Option<String>,
    /// `open`, `complete` or `expired`.
    pub status: Option<String>,
}

impl CheckoutSession {
    /// The page of a session just made (Stripe always gives one).
    pub fn page(&self) -> Result<String, ApiError> {
        self.url
            .clone()
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("Stripe made checkout {} without a URL", self.id)))
    }
}

/// A Checkout Session as it stands now.
pub async fn session(payments: &Payments, id: &str) -> Result<CheckoutSession, ApiError> {
    Ok(payments.stripe.get(&format!("/v1/checkout/sessions/{id}")).await?)
}

#[derive(Deserialize)]
struct Customer {
    id: String,
}

#[derive(Deserialize)]
struct Intent {
    id: String,
    client_secret: String,
}

/// The payer's Stripe customer, created once.
pub async fn customer(
    store: &Database,
    payments: &Payments,
    user: Uuid,
    email: Option<&str>,
) -> Result<String, ApiError> {
    if let Some(id) = store.run(async |conn| Ok(repo::customer(conn, user).await?)).await? {
        return Ok(id);
    }
    let created: Customer = payments
        .stripe
        .post(
            "/v1/customers",
            &format!("customer:{user}"),
            Form::new()
                .opt("email", email)
                .metadata("metadata", &[("user_id", user.to_string())]),
        )
        .await?;
    store
        .run(async |conn| Ok(repo::insert_customer(conn, user, &created.id).await?))
        .await
}

/// A purchase's ledger row: a new one, or the open one of the same thing (at most one per
/// payer and subject: the `payments_one_purchase` index).
enum Started {
    New(Payment),
    Open(Payment),
}

/// Records the pending payment after checking the payee may sell; for something bought
/// once (a message), hands back the payer's open attempt instead, and refuses what they
/// already have (409 `already_owned`).
async fn pending(store: &Database, payments: &Payments, charge: &Charge) -> Result<Started, ApiError> {
    if charge.payer == charge.payee {
        return Err(ApiError::refused(ErrorCode::SelfPayment, "you cannot pay yourself"));
    }
    store
        .run(async |conn| {
            let account = accounts::selling(conn, charge.payee).await?;
            let once = match (charge.kind, charge.subject_id) {
                (PaymentKind::Ppv, Some(subject)) => Some(subject),
                _ => None,
            };
            let open = async |conn: &mut diesel_async::AsyncPgConnection| match once {
                Some(subject) => match repo::open_purchase(conn, charge.payer, charge.kind, subject).await? {
                    Some(p) if p.status == PaymentStatus::Pending => Ok(Some(Started::Open(p))),
                    Some(_) => Err(ApiError::refused(ErrorCode::AlreadyOwned, "you already bought this")),
                    None => Ok(None),
                },
                None => Ok(None),
            };
            if let Some(open) = open(conn).await? {
                return Ok(open);
            }
            let payment = Payment {
                id: Uuid::now_v7(),
                kind: charge.kind,
                payer_id: charge.payer,
                payee_id: charge.payee,
                payee_account: account.stripe_account_id,
                amount: charge.amount,
                currency: charge.currency.clone(),
                fee_amount: payments.fee(charge.amount),
                status: PaymentStatus::Pending,
                refunded_amount: 0,
                subject_id: charge.subject_id,
                room_id: charge.room_id,
                note: charge.note.clone(),
                stripe_checkout_session_id: None,
                stripe_payment_intent_id: None,
                stripe_invoice_id: None,
                created_at: Utc::now(),
                succeeded_at: None,
            };
            if repo::insert_payment(conn, &payment).await? {
                return Ok(Started::New(payment));
            }
            // Another request of the payer's started the same purchase a moment ago.
            open(conn).await?.ok_or_else(in_progress)
        })
        .await
}

#[derive(Deserialize)]
struct OpenIntent {
    status: String,
    client_secret: Option<String>,
}

/// What an open attempt at a purchase can still be: its Checkout page or its PaymentIntent
/// handed out again, `already_owned` while Stripe settles a paid one, or nothing (it
/// expired, or is of the other flow): then it is closed and a new attempt begins.
enum Reuse {
    /// The payment's id and its Checkout page.
    Checkout(Uuid, String),
    /// The payment's id and its PaymentIntent's client secret.
    Intent(Uuid, String),
    Closed,
}

/// An earlier attempt's Checkout (payments and subscriptions alike), asked again:
/// `Some(url)` while it is open, to hand out again; `None` when it is gone (expired, or a
/// crash left the attempt without one for over a minute): the caller closes the attempt
/// and starts another. 409 `already_owned` while Stripe settles a paid one; 409
/// `purchase_in_progress` while another request is still making it.
pub async fn reuse_checkout(
    payments: &Payments,
    session_id: Option<&str>,
    started_at: DateTime<Utc>,
) -> Result<Option<String>, ApiError> {
    let Some(cs) = session_id else {
        return match Utc::now() - started_at < chrono::Duration::minutes(1) {
            true => Err(in_progress()),
            false => Ok(None),
        };
    };
    let s = session(payments, cs).await?;
    match (s.status.as_deref(), s.url) {
        (Some("open"), Some(url)) => Ok(Some(url)),
        (Some("complete"), _) => Err(settling()),
        _ => Ok(None),
    }
}

fn settling() -> ApiError {
    ApiError::refused(ErrorCode::AlreadyOwned, "your payment for this is being processed")
}

async fn reuse(store: &Database, payments: &Payments, p: &Payment, want_checkout: bool) -> Result<Reuse, ApiError> {
    match (&p.stripe_checkout_session_id, &p.stripe_payment_intent_id) {
        (None, Some(pi)) => {
            let i: OpenIntent = payments.stripe.get(&format!("/v1/payment_intents/{pi}")).await?;
            match (i.status.as_str(), i.client_secret) {
                ("requires_payment_method" | "requires_confirmation" | "requires_action", Some(secret))
                    if !want_checkout =>
                {
                    return Ok(Reuse::Intent(p.id, secret))
                }
                ("processing" | "succeeded" | "requires_capture", _) => return Err(settling()),
                _ => {}
            }
        }
        (cs, _) => {
            // An open Checkout is handed out again to who asks for Checkout.
            let open = reuse_checkout(payments, cs.as_deref(), p.created_at).await?;
            if let (Some(url), true) = (open, want_checkout) {
                return Ok(Reuse::Checkout(p.id, url));
            }
        }
    }
    // Expired, cancelled or of the other flow: closed (should it be paid anyway, the
    // payment is a duplicate and goes back by itself).
    store
        .run(async |conn| Ok(repo::mark_failed(conn, p.id, "replaced by a new attempt").await?))
        .await?;
    Ok(Reuse::Closed)
}

/// 409 `purchase_in_progress`: another request of the caller's is starting it.
pub fn in_progress() -> ApiError {
    ApiError::refused(
        ErrorCode::PurchaseInProgress,
        "this purchase is being started by another request; try again in a moment",
    )
}

/// A new pending payment for the charge, or the open attempt handed out again.
async fn begin(
    store: &Database,
    payments: &Payments,
    charge: &Charge,
    want_checkout: bool,
) -> Result<Result<Payment, Reuse>, ApiError> {
    for _ in 0..2 {
        match pending(store, payments, charge).await? {
            Started::New(p) => return Ok(Ok(p)),
            Started::Open(p) => match reuse(store, payments, &p, want_checkout).await? {
                Reuse::Closed => continue,
                open => return Ok(Err(open)),
            },
        }
    }
    Err(in_progress())
}

/// Undoes the pending row when Stripe refused (nothing exists there); when Stripe could not
/// be reached it may have made the object, so the row stays, marked failed, and a late
/// success event still settles it.
async fn undo(store: &Database, id: Uuid, error: &StripeError) {
    let undone = store
        .run(async |conn| {
            match error {
                StripeError::Refused { .. } | StripeError::NotConfigured => {
                    repo::delete_pending(conn, id).await.map(drop)?
                }
                _ => repo::mark_failed(conn, id, "the payment provider could not be reached").await?,
            }
            Ok(())
        })
        .await;
    if let Err(e) = undone {
        tracing::warn!(payment = %id, error = %e, "a payment Stripe did not take could not be undone");
    }
}

fn metadata(p: &Payment) -> Vec<(&'static str, String)> {
    vec![
        ("payment_id", p.id.to_string()),
        ("kind", p.kind.to_string()),
        ("payer_id", p.payer_id.to_string()),
        ("payee_id", p.payee_id.to_string()),
    ]
}

/// A hosted Checkout Session (`mode=payment`) for the charge.
pub async fn checkout(
    store: &Database,
    payments: &Payments,
    charge: Charge,
    email: Option<&str>,
) -> Result<StartedView, ApiError> {
    let customer = customer(store, payments, charge.payer, email).await?;
    let payment = match begin(store, payments, &charge, true).await? {
        Ok(new) => new,
        Err(Reuse::Checkout(payment_id, url)) => {
            return Ok(StartedView {
                payment_id,
                checkout_url: url,
            });
        }
        Err(_) => return Err(in_progress()),
    };
    let app = &payments.settings.app_url;
    let back = format!("{app}{}", charge.return_path);
    let sep = if back.contains('?') { '&' } else { '?' };
    let meta = metadata(&payment);
    let form = Form::new()
        .set("mode", "payment")
        .set("customer", &customer)
        .set("client_reference_id", payment.id)
        .set(
            "success_url",
            format!(
                "{back}{sep}payment_id={}&session_id={{CHECKOUT_SESSION_ID}}",
                payment.id
            ),
        )
        .set("cancel_url", format!("{back}{sep}payment_id={}&canceled=1", payment.id))
        .opt("expires_at", charge.expires_at.map(|t| t.timestamp()))
        .set("line_items[0][quantity]", 1)
        .set("line_items[0][price_data][currency]", &payment.currency)
        .set("line_items[0][price_data][unit_amount]", payment.amount)
        .set("line_items[0][price_data][product_data][name]", &charge.product_name)
        .set("payment_intent_data[application_fee_amount]", payment.fee_amount)
        .set(
            "payment_intent_data[transfer_data][destination]",
            &payment.payee_account,
        )
        .metadata("payment_intent_data[metadata]", &meta)
        .metadata("metadata", &meta);
    let session: CheckoutSession = match payments
        .stripe
        .post(
            "/v1/checkout/sessions",
            &format!("payment:{}:checkout", payment.id),
            form,
        )
        .await
    {
        Ok(s) => s,
        Err(e) => {
            undo(store, payment.id, &e).await;
            return Err(e.into());
        }
    };
    store
        .run(async |conn| Ok(repo::set_checkout(conn, payment.id, Some(&session.id), None).await?))
        .await?;
    Ok(StartedView {
        payment_id: payment.id,
        checkout_url: session.page()?,
    })
}

/// Closes a payment's open Checkout page (what it bought went away: a cancelled booking),
/// so it can no longer be paid; best effort, with no transaction open. Should it have been
/// paid meanwhile, settling it finds nothing to deliver and sends the money back.
pub async fn close(store: &Database, payments: &Payments, payment_id: Uuid) {
    let found = store.run(async |conn| Ok(repo::payment(conn, payment_id).await?)).await;
    let Ok(Some(p)) = found else { return };
    let (PaymentStatus::Pending, Some(cs)) = (p.status, p.stripe_checkout_session_id.as_deref()) else {
        return;
    };
    let closed: Result<CheckoutSession, StripeError> = payments
        .stripe
        .post(
            &format!("/v1/checkout/sessions/{cs}/expire"),
            &format!("payment:{payment_id}:expire"),
            Form::new(),
        )
        .await;
    if let Err(e) = closed {
        // Already complete or expired: its own event says which.
        tracing::info!(payment = %payment_id, error = %e, "a checkout was not closed");
    }
}

/// A PaymentIntent for Stripe Elements, with the same metadata and routing.
pub async fn intent(
    store: &Database,
    payments: &Payments,
    charge: Charge,
    email: Option<&str>,
) -> Result<IntentView, ApiError> {
    let customer = customer(store, payments, charge.payer, email).await?;
    let payment = match begin(store, payments, &charge, false).await? {
        Ok(new) => new,
        Err(Reuse::Intent(payment_id, client_secret)) => {
            return Ok(IntentView {
                payment_id,
                client_secret,
            });
        }
        Err(_) => return Err(in_progress()),
    };
    let form = Form::new()
        .set("amount", payment.amount)
        .set("currency", &payment.currency)
        .set("customer", &customer)
        .set("automatic_payment_methods[enabled]", true)
        .set("application_fee_amount", payment.fee_amount)
        .set("transfer_data[destination]", &payment.payee_account)
        .metadata("metadata", &metadata(&payment));
    let intent: Intent = match payments
        .stripe
        .post("/v1/payment_intents", &format!("payment:{}:intent", payment.id), form)
        .await
    {
        Ok(i) => i,
        Err(e) => {
            undo(store, payment.id, &e).await;
            return Err(e.into());
        }
    };
    store
        .run(async |conn| Ok(repo::set_checkout(conn, payment.id, None, Some(&intent.id)).await?))
        .await?;
    Ok(IntentView {
        payment_id: payment.id,
        client_secret: intent.client_secret,
    })
}
