//! Creator tiers, fans' subscriptions and creator profiles.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::features::payments::kinds::SubscriptionStatus;
use crate::platform::schema::{creator_profiles, creator_tiers, subscriptions};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = creator_tiers)]
pub struct Tier {
    pub id: Uuid,
    pub creator_id: Uuid,
    pub name: String,
    pub amount: i64,
    pub currency: String,
    pub benefits: serde_json::Value,
    pub trial_days: i32,
    pub active: bool,
    pub stripe_product_id: Option<String>,
    pub stripe_price_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert_tier(conn: &mut AsyncPgConnection, tier: &Tier) -> QueryResult<()> {
    diesel::insert_into(creator_tiers::table)
        .values(tier)
        .execute(conn)
        .await
        .map(drop)
}

pub async fn tier(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Tier>> {
    creator_tiers::table
        .find(id)
        .select(Tier::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn tier_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Tier>> {
    creator_tiers::table
        .find(id)
        .select(Tier::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// A page of the creator's tiers, active or not, oldest first.
pub async fn tiers_page(
    conn: &mut AsyncPgConnection,
    creator: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Tier>> {
    let mut q = creator_tiers::table
        .filter(creator_tiers::creator_id.eq(creator))
        .select(Tier::as_select())
        .order(creator_tiers::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(creator_tiers::id.gt(after));
    }
    q.load(conn).await
}

pub async fn tiers(conn: &mut AsyncPgConnection, creator: Uuid, only_active: bool) -> QueryResult<Vec<Tier>> {
    let mut q = creator_tiers::table
        .filter(creator_tiers::creator_id.eq(creator))
        .select(Tier::as_select())
        .order((creator_tiers::amount.asc(), creator_tiers::created_at.asc()))
        .into_boxed();
    if only_active {
        q = q.filter(creator_tiers::active.eq(true));
    }
    q.load(conn).await
}

pub async fn save_tier(conn: &mut AsyncPgConnection, tier: &Tier) -> QueryResult<()> {
    diesel::update(creator_tiers::table.find(tier.id))
        .set((
            creator_tiers::name.eq(&tier.name),
            creator_tiers::amount.eq(tier.amount),
            creator_tiers::currency.eq(&tier.currency),
            creator_tiers::benefits.eq(&tier.benefits),
            creator_tiers::trial_days.eq(tier.trial_days),
            creator_tiers::active.eq(tier.active),
            creator_tiers::stripe_product_id.eq(&tier.stripe_product_id),
            creator_tiers::stripe_price_id.eq(&tier.stripe_price_id),
            creator_tiers::price_request.eq(None::<serde_json::Value>),
            creator_tiers::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// The id a new Price for this amount is created under, stored before Stripe is asked:
/// the pending request's when it is for the same price (a retry after a lost answer), a
/// new one otherwise (never an earlier price's: Stripe would answer its archived Price).
pub async fn price_request(conn: &mut AsyncPgConnection, tier: Uuid, amount: i64, currency: &str) -> QueryResult<Uuid> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
    }
    let row: Row = diesel::sql_query(
        "UPDATE creator_tiers SET price_request = CASE \
            WHEN price_request->>'amount' = $2::text AND price_request->>'currency' = $3 THEN price_request \
            ELSE jsonb_build_object('id', $4::uuid, 'amount', $2, 'currency', $3) END \
         WHERE id = $1 RETURNING (price_request->>'id')::uuid AS id",
    )
    .bind::<diesel::sql_types::Uuid, _>(tier)
    .bind::<diesel::sql_types::BigInt, _>(amount)
    .bind::<diesel::sql_types::Text, _>(currency)
    .bind::<diesel::sql_types::Uuid, _>(Uuid::now_v7())
    .get_result(conn)
    .await?;
    Ok(row.id)
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub id: Uuid,
    pub fan_id: Uuid,
    pub creator_id: Uuid,
    pub tier_id: Uuid,
    pub stripe_subscription_id: Option<String>,
    pub stripe_checkout_session_id: Option<String>,
    pub status: SubscriptionStatus,
    pub cancel_at_period_end: bool,
    pub current_period_end: Option<DateTime<Utc>>,
    pub trial_end: Option<DateTime<Utc>>,
    /// Whether it gives access now (`parley_subscription_live`, the one rule).
    #[diesel(select_expression = diesel::dsl::sql::<diesel::sql_types::Bool>("parley_subscription_live(subscriptions.access_until)"))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::Bool>)]
    pub access: bool,
    pub created_at: DateTime<Utc>,
}

/// Inserts a starting subscription; false when the fan has one of the tier starting or
/// live already (`subscriptions_one_per_tier`).
pub async fn insert_subscription(conn: &mut AsyncPgConnection, id: Uuid, fan: Uuid, tier: &Tier) -> QueryResult<bool> {
    let n = diesel::insert_into(subscriptions::table)
        .values((
            subscriptions::id.eq(id),
            subscriptions::fan_id.eq(fan),
            subscriptions::creator_id.eq(tier.creator_id),
            subscriptions::tier_id.eq(tier.id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// The fan's subscription to the tier that is starting (a checkout not yet completed).
pub async fn starting(conn: &mut AsyncPgConnection, fan: Uuid, tier: Uuid) -> QueryResult<Option<Subscription>> {
    subscriptions::table
        .filter(subscriptions::fan_id.eq(fan))
        .filter(subscriptions::tier_id.eq(tier))
        .filter(subscriptions::status.eq(SubscriptionStatus::Incomplete))
        .select(Subscription::as_select())
        .first(conn)
        .await
        .optional()
}

/// A starting subscription whose checkout expired (or never began) ends: `incomplete_expired`.
pub async fn expire_starting(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(
        subscriptions::table
            .find(id)
            .filter(subscriptions::status.eq(SubscriptionStatus::Incomplete)),
    )
    .set((
        subscriptions::status.eq(SubscriptionStatus::IncompleteExpired),
        subscriptions::updated_at.eq(Utc::now()),
    ))
    .execute(conn)
    .await
    .map(drop)
}

pub async fn set_session(conn: &mut AsyncPgConnection, id: Uuid, session: &str) -> QueryResult<()> {
    diesel::update(subscriptions::table.find(id))
        .set(subscriptions::stripe_checkout_session_id.eq(session))
        .execute(conn)
        .await
        .map(drop)
}

pub async fn delete_incomplete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::delete(
        subscriptions::table
            .find(id)
            .filter(subscriptions::stripe_subscription_id.is_null())
            .filter(subscriptions::stripe_checkout_session_id.is_null()),
    )
    .execute(conn)
    .await
    .map(drop)
}

pub async fn subscription(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Subscription>> {
    subscriptions::table
        .find(id)
        .select(Subscription::as_select())
        .first(conn)
        .await
        .optional()
}

/// A page of the fan's subscriptions that started (a checkout completed), newest first
/// (before the subscription `before`).
pub async fn of_fan(
    conn: &mut AsyncPgConnection,
    fan: Uuid,
    before: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Subscription>> {
    let mut q = subscriptions::table
        .filter(subscriptions::fan_id.eq(fan))
        .filter(subscriptions::stripe_subscription_id.is_not_null())
        .select(Subscription::as_select())
        .order(subscriptions::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        q = q.filter(subscriptions::id.lt(before));
    }
    q.load(conn).await
}

/// Whether the fan has a subscription to the tier with access now.
pub async fn has_access(conn: &mut AsyncPgConnection, fan: Uuid, tier: Uuid) -> QueryResult<bool> {
    diesel::select(
        diesel::dsl::sql::<diesel::sql_types::Bool>("parley_tier_access(")
            .bind::<diesel::sql_types::Uuid, _>(fan)
            .sql(", ")
            .bind::<diesel::sql_types::Uuid, _>(tier)
            .sql(")"),
    )
    .get_result(conn)
    .await
}

/// Fans with access now, of any of the creator's tiers.
pub async fn subscriber_count(conn: &mut AsyncPgConnection, creator: Uuid) -> QueryResult<i64> {
    subscriptions::table
        .filter(subscriptions::creator_id.eq(creator))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "parley_subscription_live(access_until)",
        ))
        .select(diesel::dsl::sql::<diesel::sql_types::BigInt>("count(DISTINCT fan_id)"))
        .first(conn)
        .await
}

/// A subscription's state as of a Stripe event.
pub struct SubscriptionState<'a> {
    pub stripe_id: &'a str,
    pub status: SubscriptionStatus,
    pub cancel_at_period_end: bool,
    pub current_period_end: Option<DateTime<Utc>>,
    pub trial_end: Option<DateTime<Utc>>,
    pub at: i64,
}

/// Writes the state unless a newer event was applied; access follows the status: trialing
/// or active, until the paid period's end plus `grace` (a renewal's event moves it on, so
/// a lost cancellation never grants access for ever); past due, until `grace` after it
/// first went past due. Returns whether it was written.
pub async fn write_state(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    s: &SubscriptionState<'_>,
    grace_secs: i64,
) -> QueryResult<bool> {
    let n = diesel::sql_query(
        "UPDATE subscriptions SET stripe_subscription_id = $2, status = $3, cancel_at_period_end = $4, \
           current_period_end = $5, trial_end = $6, state_at = $7, updated_at = now(), \
           past_due_since = CASE WHEN $3 = 'past_due' THEN coalesce(past_due_since, to_timestamp($7)) END, \
           access_until = CASE WHEN $3 IN ('trialing', 'active') THEN coalesce($5, $6, to_timestamp($7)) + make_interval(secs => $8) \
                               WHEN $3 = 'past_due' THEN coalesce(past_due_since, to_timestamp($7)) + make_interval(secs => $8) \
                               ELSE least(coalesce(access_until, now()), now()) END \
         WHERE id = $1 AND state_at <= $7 AND (stripe_subscription_id IS NULL OR stripe_subscription_id = $2)",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Text, _>(s.stripe_id)
    .bind::<diesel::sql_types::Text, _>(s.status.as_str())
    .bind::<diesel::sql_types::Bool, _>(s.cancel_at_period_end)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>, _>(s.current_period_end)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>, _>(s.trial_end)
    .bind::<diesel::sql_types::BigInt, _>(s.at)
    .bind::<diesel::sql_types::Double, _>(grace_secs as f64)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// A failed invoice of an active or trialing subscription makes it past due (unless a newer
/// event was applied); access runs on through the grace period. Returns whether it changed.
pub async fn mark_past_due(conn: &mut AsyncPgConnection, id: Uuid, at: i64, grace_secs: i64) -> QueryResult<bool> {
    let n = diesel::sql_query(
        "UPDATE subscriptions SET status = 'past_due', state_at = $2, updated_at = now(), \
           past_due_since = to_timestamp($2), access_until = to_timestamp($2) + make_interval(secs => $3) \
         WHERE id = $1 AND state_at < $2 AND status IN ('active', 'trialing')",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::BigInt, _>(at)
    .bind::<diesel::sql_types::Double, _>(grace_secs as f64)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Records the Stripe subscription a completed checkout made (state comes from its events).
pub async fn link(conn: &mut AsyncPgConnection, id: Uuid, stripe_id: &str) -> QueryResult<()> {
    diesel::update(
        subscriptions::table
            .find(id)
            .filter(subscriptions::stripe_subscription_id.is_null()),
    )
    .set(subscriptions::stripe_subscription_id.eq(stripe_id))
    .execute(conn)
    .await
    .map(drop)
}

pub async fn customer_of(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<String>> {
    use crate::platform::schema::stripe_customers;
    subscriptions::table
        .inner_join(stripe_customers::table.on(stripe_customers::user_id.eq(subscriptions::fan_id)))
        .filter(subscriptions::id.eq(id))
        .select(stripe_customers::stripe_customer_id)
        .first(conn)
        .await
        .optional()
}

#[derive(Queryable, Selectable, Clone, Debug, Default)]
#[diesel(table_name = creator_profiles)]
pub struct Profile {
    pub bio: String,
    pub show_subscriber_count: bool,
}

pub async fn profile(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<Option<Profile>> {
    creator_profiles::table
        .find(user)
        .select(Profile::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn save_profile(conn: &mut AsyncPgConnection, user: Uuid, p: &Profile) -> QueryResult<()> {
    diesel::insert_into(creator_profiles::table)
        .values((
            creator_profiles::user_id.eq(user),
            creator_profiles::bio.eq(&p.bio),
            creator_profiles::show_subscriber_count.eq(p.show_subscriber_count),
        ))
        .on_conflict(creator_profiles::user_id)
        .do_update()
        .set((
            creator_profiles::bio.eq(&p.bio),
            creator_profiles::show_subscriber_count.eq(p.show_subscriber_count),
            creator_profiles::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(drop)
}
