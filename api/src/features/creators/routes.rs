use actix_web::http::StatusCode;
use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::subscriptions;
use super::tiers::{self, TierInput};
use super::views::{CreatorView, PortalView, SubscribeView, SubscriptionView, TierView};
use crate::features::payments::validate::{Benefit, Bio, Currency, TierName};
use crate::features::payments::Payments;
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;
use crate::platform::idempotency::{self, Answer, IdempotencyHeader, IdempotencyKey};
use crate::platform::json::Json;
use crate::platform::money::TIER_PRICE;
use crate::platform::pagination::PageQuery;
use crate::platform::validate::{integer, opt_integer};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_tier)
        .service(list_tiers)
        .service(update_tier)
        .service(save_profile)
        .service(my_page)
        .service(creator_page)
        .service(subscribe)
        .service(my_subscriptions)
        .service(cancel_subscription)
        .service(subscription_portal);
}

fn benefits(list: Option<Vec<Benefit>>) -> Result<Option<Vec<String>>, ApiError> {
    match list {
        Some(l) if l.len() > 20 => Err(ApiError::invalid("at most 20 benefits")),
        other => Ok(other.map(|l| l.into_iter().map(Benefit::into_inner).collect())),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTierRequest {
    pub name: TierName,
    /// Monthly price in minor units: 100 to 1000000.
    #[serde(deserialize_with = "integer")]
    #[schema(minimum = 100, maximum = 1000000)]
    pub amount: i64,
    pub currency: Currency,
    /// Up to 20.
    #[schema(max_items = 20)]
    pub benefits: Option<Vec<Benefit>>,
    /// 0 to 730 free days before the first charge.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 730)]
    pub trial_days: Option<i32>,
    pub active: Option<bool>,
}

fn check_amount(amount: Option<i64>) -> Result<Option<i64>, ApiError> {
    amount.map(|a| TIER_PRICE.check(a)).transpose()
}

fn check_trial(days: Option<i32>) -> Result<Option<i32>, ApiError> {
    match days {
        Some(d) if !(0..=730).contains(&d) => Err(ApiError::invalid("trial_days must be 0 to 730")),
        other => Ok(other),
    }
}

/// Add a tier (a monthly subscription fans can buy once one's payout account is enabled).
#[utoipa::path(tag = "creators", security(("bearer" = [])), request_body = CreateTierRequest,
    responses((status = 201, body = TierView)))]
#[post("/creators/me/tiers")]
pub async fn create_tier(
    user: AuthUser,
    body: Json<CreateTierRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let input = TierInput {
        name: Some(b.name.into_inner()),
        amount: check_amount(Some(b.amount))?,
        currency: Some(b.currency.into_inner()),
        benefits: benefits(b.benefits)?,
        trial_days: check_trial(b.trial_days)?,
        active: b.active,
    };
    let view = tiers::create(&store, &payments, user.id, input).await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Serialize, ToSchema)]
pub struct TierPage {
    pub items: Vec<TierView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One's tiers, active or not, oldest first, a page at a time.
#[utoipa::path(tag = "creators", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = TierPage)))]
#[get("/creators/me/tiers")]
pub async fn list_tiers(
    user: AuthUser,
    query: web::Query<PageQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = query.page()?;
    let (items, next_cursor) = store
        .run(async |conn| tiers::list_mine(conn, user.id, page).await)
        .await?;
    Ok(HttpResponse::Ok().json(TierPage { items, next_cursor }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTierRequest {
    pub name: Option<TierName>,
    /// A new price applies to new subscribers; existing ones keep theirs.
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 100, maximum = 1000000)]
    pub amount: Option<i64>,
    pub currency: Option<Currency>,
    #[schema(max_items = 20)]
    pub benefits: Option<Vec<Benefit>>,
    #[serde(default, deserialize_with = "opt_integer")]
    #[schema(minimum = 0, maximum = 730)]
    pub trial_days: Option<i32>,
    /// An inactive tier takes no new subscribers.
    pub active: Option<bool>,
}

/// Change one of one's tiers.
#[utoipa::path(tag = "creators", security(("bearer" = [])), request_body = UpdateTierRequest,
    responses((status = 200, body = TierView)))]
#[patch("/creators/me/tiers/{tier_id}")]
pub async fn update_tier(
    user: AuthUser,
    tier_id: web::Path<Uuid>,
    body: Json<UpdateTierRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let input = TierInput {
        name: b.name.map(TierName::into_inner),
        amount: check_amount(b.amount)?,
        currency: b.currency.map(Currency::into_inner),
        benefits: benefits(b.benefits)?,
        trial_days: check_trial(b.trial_days)?,
        active: b.active,
    };
    let view = tiers::update(&store, &payments, user.id, tier_id.into_inner(), input).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatorProfileRequest {
    pub bio: Bio,
    /// Show how many fans have access now on one's page.
    pub show_subscriber_count: bool,
}

/// Set one's creator page (bio, whether to show the subscriber count).
#[utoipa::path(tag = "creators", security(("bearer" = [])), request_body = CreatorProfileRequest,
    responses((status = 200, body = CreatorView)))]
#[put("/creators/me")]
pub async fn save_profile(
    user: AuthUser,
    body: Json<CreatorProfileRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let view = store
        .run(async |conn| tiers::save_profile(conn, user.id, b.bio.into_inner(), b.show_subscriber_count).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// One's own creator page, as others see it.
#[utoipa::path(tag = "creators", security(("bearer" = [])), responses((status = 200, body = CreatorView)))]
#[get("/creators/me")]
pub async fn my_page(user: AuthUser, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let view = store.run(async |conn| tiers::page(conn, user.id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A creator's public page: bio, active tiers, and the subscriber count if shown.
#[utoipa::path(tag = "creators", security(("bearer" = [])), responses((status = 200, body = CreatorView)))]
#[get("/creators/{user_id}")]
pub async fn creator_page(
    _user: AuthUser,
    user_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = user_id.into_inner();
    let view = store.run(async |conn| tiers::page(conn, id).await).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscribeRequest {
    pub tier_id: Uuid,
}

/// Subscribe to a creator's tier: pay at `checkout_url`.
#[utoipa::path(tag = "creators", security(("bearer" = [])), request_body = SubscribeRequest,
    params(IdempotencyHeader), responses((status = 201, body = SubscribeView)))]
#[post("/creators/{user_id}/subscribe")]
pub async fn subscribe(
    req: HttpRequest,
    key: IdempotencyKey,
    user: AuthUser,
    user_id: web::Path<Uuid>,
    body: Json<SubscribeRequest>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    idempotency::once(&store.db, user.id, &req, key, async {
        let email = user.user.email.as_deref();
        let creator = user_id.into_inner();
        let view = subscriptions::subscribe(&store, &payments, user.id, email, creator, body.tier_id).await?;
        Ok(Answer::new(StatusCode::CREATED, view))
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct SubscriptionPage {
    pub items: Vec<SubscriptionView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One's subscriptions, newest first, a page at a time.
#[utoipa::path(tag = "creators", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = SubscriptionPage)))]
#[get("/subscriptions")]
pub async fn my_subscriptions(
    user: AuthUser,
    query: web::Query<PageQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = query.page()?;
    let (items, next_cursor) = store
        .run(async |conn| subscriptions::mine(conn, user.id, page).await)
        .await?;
    Ok(HttpResponse::Ok().json(SubscriptionPage { items, next_cursor }))
}

/// Cancel at the end of the paid period (access stays until then).
#[utoipa::path(tag = "creators", security(("bearer" = [])), responses((status = 200, body = SubscriptionView)))]
#[post("/subscriptions/{subscription_id}/cancel")]
pub async fn cancel_subscription(
    user: AuthUser,
    subscription_id: web::Path<Uuid>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    let view = subscriptions::cancel(&store, &payments, user.id, subscription_id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A link to Stripe's Billing Portal (payment method, invoices) for this subscription.
#[utoipa::path(tag = "creators", security(("bearer" = [])), responses((status = 200, body = PortalView)))]
#[post("/subscriptions/{subscription_id}/portal")]
pub async fn subscription_portal(
    user: AuthUser,
    subscription_id: web::Path<Uuid>,
    store: web::Data<Database>,
    payments: web::Data<Payments>,
) -> ApiResult<HttpResponse> {
    let view = subscriptions::portal(&store, &payments, user.id, subscription_id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}
