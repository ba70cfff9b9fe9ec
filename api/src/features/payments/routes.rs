use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::checkout;
use super::events::{self, Endpoint};
use super::validate::{Currency, TipNote};
use super::views::{AccountView, EarningsView, IntentView, OnboardingView, PaymentPage, PaymentView, StartedView};
use super::{accounts, ledger, ppv, signature, tips, Payments};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;
use crate::platform::idempotency::{self, Answer, IdempotencyHeader, IdempotencyKey};
use crate::platform::json::Json;
use crate::platform::pagination::{Cursor, Page};
use crate::platform::validate::{integer, UuidText};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(start_onboarding)
        .service(get_account)
        .service(earnings)
        .service(history)
        .service(get_payment)
        .service(refund)
        .service(create_intent)
        .service(tip)
        .service(unlock)
        .service(stripe_webhook)
        .service(stripe_connect_webhook);
}

/// Set up (first time) or continue getting paid: a Stripe Connect account with the Express
/// dashboard, and a fresh link to Stripe's onboarding.
#[utoipa::path(tag = "payouts", security(("bearer" = [])), responses((status = 200, body = OnboardingView)))]
#[post("/payouts/account")]
pub async fn start_onboarding(
    user: AuthUser,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    let view = accounts::onboard(&store, &payments, user.id, user.user.email.as_deref()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// One's payout account as Stripe last reported it (404 before onboarding starts).
#[utoipa::path(tag = "payouts", security(("bearer" = [])), responses((status = 200, body = AccountView)))]
#[get("/payouts/account")]
pub async fn get_account(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let view = store.run(async |conn| accounts::get(conn, user.id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// What one has earned as a payee: gross, the platform's fees, refunds and net, overall,
/// per month and per kind, per currency.
#[utoipa::path(tag = "payouts", security(("bearer" = [])), responses((status = 200, body = EarningsView)))]
#[get("/payouts/earnings")]
pub async fn earnings(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let view = store.run(async |conn| ledger::earnings(conn, user.id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Whose side of the ledger to list.
#[derive(Deserialize, ToSchema, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LedgerRole {
    /// What one paid (the default).
    #[default]
    Payer,
    /// What one received (a creator's sales, tips and invoices), to refund from.
    Payee,
}

#[derive(Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// `payer` (default) or `payee`.
    #[param(inline)]
    pub role: Option<LedgerRole>,
    #[param(inline)]
    pub cursor: Option<Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// One's payments as payer (or, with `role=payee`, those one received), newest first.
#[utoipa::path(tag = "payments", security(("bearer" = [])), params(HistoryQuery),
    responses((status = 200, body = PaymentPage)))]
#[get("/payments/history")]
pub async fn history(
    user: AuthUser,
    query: web::Query<HistoryQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = Page::parse(query.limit, query.cursor.as_ref())?;
    let view = store
        .run(async |conn| {
            ledger::history(conn, user.id, query.role.unwrap_or_default() == LedgerRole::Payee, page).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A payment one made or received (404 for anyone else's).
#[utoipa::path(tag = "payments", security(("bearer" = [])), responses((status = 200, body = PaymentView)))]
#[get("/payments/{payment_id}")]
pub async fn get_payment(
    user: AuthUser,
    payment_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = payment_id.into_inner();
    let view = store.run(async |conn| ledger::get(conn, user.id, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// Minor units to refund; default what is left.
    #[serde(default, deserialize_with = "crate::platform::validate::opt_integer")]
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
}

/// Refund a payment one received (admins: any), in whole or in part. The creator's share
/// and the platform's fee are pulled back. The refund is recorded before Stripe is asked:
/// 200 once Stripe took it, 202 when Stripe could not be reached (the refund stays
/// `pending` and is completed in the background, exactly once).
#[utoipa::path(tag = "payments", security(("bearer" = [])), request_body = RefundRequest,
    params(IdempotencyHeader),
    responses((status = 200, body = PaymentView), (status = 202, body = PaymentView)))]
#[post("/payments/{payment_id}/refund")]
pub async fn refund(
    req: HttpRequest,
    key: IdempotencyKey,
    user: AuthUser,
    payment_id: web::Path<Uuid>,
    body: Json<RefundRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    idempotency::once(&store.db, user.id, &req, key, async {
        let id = payment_id.into_inner();
        let amount = body.into_inner().amount;
        let done = ledger::refund(&store, &payments, user.id, user.is_admin(), id, amount).await?;
        let status = if done.accepted {
            StatusCode::ACCEPTED
        } else {
            StatusCode::OK
        };
        Ok(Answer::new(status, done.payment))
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TipRequest {
    /// Minor units, 100 to 100000 by default (TIP_MIN_AMOUNT, TIP_MAX_AMOUNT).
    #[serde(deserialize_with = "integer")]
    #[schema(minimum = 100, maximum = 100000)]
    pub amount: i64,
    pub currency: Currency,
    /// A room both are members of: `tip.received` is posted there once paid.
    pub room_id: Option<Uuid>,
    pub message: Option<TipNote>,
}

/// What a payment is for, when paying through Stripe Elements.
#[derive(Deserialize, ToSchema)]
// Unknown fields are ignored here (the variants' schemas cannot say `additionalProperties: false`).
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Purchase {
    /// A tip to a creator.
    Tip {
        #[schema(value_type = UuidText)]
        creator_id: Uuid,
        #[serde(deserialize_with = "integer")]
        #[schema(minimum = 100, maximum = 100000)]
        amount: i64,
        currency: Currency,
        #[schema(value_type = Option<UuidText>)]
        room_id: Option<Uuid>,
        message: Option<TipNote>,
    },
    /// Unlocking a pay-per-view message (its price is the message's).
    Ppv {
        #[schema(value_type = UuidText)]
        message_id: Uuid,
    },
}

impl From<TipRequest> for tips::Tip {
    fn from(t: TipRequest) -> Self {
        Self {
            amount: t.amount,
            currency: t.currency.into_inner(),
            room_id: t.room_id,
            note: t.message.map(TipNote::into_inner),
        }
    }
}

/// Tip a creator: pay at `checkout_url`; once paid, `tip.received` appears in the room.
#[utoipa::path(tag = "creators", security(("bearer" = [])), request_body = TipRequest,
    params(IdempotencyHeader), responses((status = 201, body = StartedView)))]
#[post("/creators/{user_id}/tips")]
pub async fn tip(
    req: HttpRequest,
    key: IdempotencyKey,
    user: AuthUser,
    user_id: web::Path<Uuid>,
    body: Json<TipRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    idempotency::once(&store.db, user.id, &req, key, async {
        let asked = tips::Tip::from(body.into_inner());
        let charge = tips::charge(&store, &payments.settings, user.id, user_id.into_inner(), asked).await?;
        let view = checkout::checkout(&store, &payments, charge, user.user.email.as_deref()).await?;
        Ok(Answer::new(StatusCode::CREATED, view))
    })
    .await
}

/// Unlock a pay-per-view message: pay at `checkout_url` (an open Checkout for it is handed
/// out again); once paid the message's body and attachments are yours on every path.
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(IdempotencyHeader),
    responses((status = 201, body = StartedView)))]
#[post("/messages/{message_id}/unlock")]
pub async fn unlock(
    req: HttpRequest,
    key: IdempotencyKey,
    user: AuthUser,
    message_id: web::Path<Uuid>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    idempotency::once(&store.db, user.id, &req, key, async {
        let email = user.user.email.as_deref();
        let view = ppv::unlock(&store, &payments, user.id, email, message_id.into_inner()).await?;
        Ok(Answer::new(StatusCode::CREATED, view))
    })
    .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntentRequest {
    pub purchase: Purchase,
}

/// Start a payment for Stripe Elements: a PaymentIntent with the same routing, fee and
/// metadata as Checkout; confirm `client_secret` in the browser.
#[utoipa::path(tag = "payments", security(("bearer" = [])), request_body = IntentRequest,
    params(IdempotencyHeader), responses((status = 201, body = IntentView)))]
#[post("/payments/intents")]
pub async fn create_intent(
    req: HttpRequest,
    key: IdempotencyKey,
    user: AuthUser,
    body: Json<IntentRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    idempotency::once(&store.db, user.id, &req, key, async {
        let charge = match body.into_inner().purchase {
            Purchase::Tip {
                creator_id,
                amount,
                currency,
                room_id,
                message,
            } => {
                let asked = tips::Tip {
                    amount,
                    currency: currency.into_inner(),
                    room_id,
                    note: message.map(TipNote::into_inner),
                };
                tips::charge(&store, &payments.settings, user.id, creator_id, asked).await?
            }
            Purchase::Ppv { message_id } => ppv::charge(&store, user.id, message_id).await?,
        };
        let view = checkout::intent(&store, &payments, charge, user.user.email.as_deref()).await?;
        Ok(Answer::new(StatusCode::CREATED, view))
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct EventAccepted {
    /// False when this event id had been received before (not applied again).
    pub stored: bool,
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    store: &Database,
    payments: &Payments,
    endpoint: Endpoint,
) -> ApiResult<HttpResponse> {
    let s = &payments.settings;
    let secrets = match endpoint {
        Endpoint::Platform => &s.webhook_secrets,
        Endpoint::Connect => &s.connect_webhook_secrets,
    };
    if secrets.is_empty() {
        return Err(ApiError::Unavailable("Stripe webhooks are not configured".into()));
    }
    let header = req
        .headers()
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Unauthenticated)?;
    // Like a missing or wrong Clerk signature: an authentication failure (401); Stripe retries.
    signature::verify(secrets, header, &body, chrono::Utc::now().timestamp()).map_err(|e| {
        tracing::info!(reason = %e, "Stripe webhook refused");
        ApiError::Unauthenticated
    })?;
    let event: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::invalid(format!("invalid JSON body: {e}")))?;
    let stored = store
        .run(async |conn| events::receive(conn, endpoint, &event).await)
        .await?;
    if stored {
        payments.jobs.wake();
    }
    Ok(HttpResponse::Ok().json(EventAccepted { stored }))
}

/// Stripe's events for the platform account (checkout, payment intents, invoices,
/// subscriptions, refunds). Verified with STRIPE_WEBHOOK_SECRET (`Stripe-Signature`, 300 s
/// tolerance: 401 otherwise), stored once per event id, applied in the background.
#[utoipa::path(tag = "webhooks", request_body(content = Object, description = "A Stripe event"),
    params(("Stripe-Signature" = Option<String>, Header, description = "Required: `t=<unix>,v1=<hex>`")),
    responses((status = 200, body = EventAccepted)))]
#[post("/webhooks/stripe")]
pub async fn stripe_webhook(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    receive(req, body, &store, &payments, Endpoint::Platform).await
}

/// Stripe's Connect events (`account.updated` of creators' accounts), verified with
/// STRIPE_CONNECT_WEBHOOK_SECRET.
#[utoipa::path(tag = "webhooks", request_body(content = Object, description = "A Stripe Connect event"),
    params(("Stripe-Signature" = Option<String>, Header, description = "Required: `t=<unix>,v1=<hex>`")),
    responses((status = 200, body = EventAccepted)))]
#[post("/webhooks/stripe/connect")]
pub async fn stripe_connect_webhook(
    req: HttpRequest,
    body: web::Bytes,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    receive(req, body, &store, &payments, Endpoint::Connect).await
}
