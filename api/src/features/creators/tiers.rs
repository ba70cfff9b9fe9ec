//! Tiers: a Stripe Product per tier and a recurring monthly Price; a price change makes a
//! new Price (subscribers keep the one they signed up with) and retires the old one.

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use uuid::Uuid;

use super::repo::{self, Tier};
use super::views::{CreatorView, TierView};
use crate::features::payments::stripe::Form;
use crate::features::payments::{self, accounts, Payments};
use crate::features::users::service as users;
use crate::platform::error::ApiError;
use crate::platform::events::Database;
use crate::platform::pagination::Page;

/// A tier's fields, checked by the route.
pub struct TierInput {
    pub name: Option<String>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub benefits: Option<Vec<String>>,
    pub trial_days: Option<i32>,
    pub active: Option<bool>,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

/// A monthly Price for the tier's amount; `key` is an id stored before the call.
async fn new_price(payments: &Payments, tier: &Tier, product: &str, key: &str) -> Result<String, ApiError> {
    let price: Created = payments
        .stripe
        .post(
            "/v1/prices",
            key,
            Form::new()
                .set("product", product)
                .set("currency", &tier.currency)
                .set("unit_amount", tier.amount)
                .set("recurring[interval]", "month")
                .metadata("metadata", &[("tier_id", tier.id.to_string())]),
        )
        .await?;
    Ok(price.id)
}

pub async fn create(
    store: &Database,
    payments: &Payments,
    creator: Uuid,
    input: TierInput,
) -> Result<TierView, ApiError> {
    let now = Utc::now();
    let mut tier = Tier {
        id: Uuid::now_v7(),
        creator_id: creator,
        name: input.name.ok_or_else(|| ApiError::invalid("name is required"))?,
        amount: input.amount.ok_or_else(|| ApiError::invalid("amount is required"))?,
        currency: input
            .currency
            .ok_or_else(|| ApiError::invalid("currency is required"))?,
        benefits: serde_json::to_value(input.benefits.unwrap_or_default()).expect("strings serialise"),
        trial_days: input.trial_days.unwrap_or(0),
        active: input.active.unwrap_or(true),
        stripe_product_id: None,
        stripe_price_id: None,
        created_at: now,
        updated_at: now,
    };
    let product: Created = payments
        .stripe
        .post(
            "/v1/products",
            &format!("tier:{}:product", tier.id),
            Form::new().set("name", &tier.name).metadata(
                "metadata",
                &[("tier_id", tier.id.to_string()), ("creator_id", creator.to_string())],
            ),
        )
        .await?;
    let key = format!("tier:{}:price", tier.id);
    tier.stripe_price_id = Some(new_price(payments, &tier, &product.id, &key).await?);
    tier.stripe_product_id = Some(product.id);
    store
        .run(async |conn| Ok(repo::insert_tier(conn, &tier).await?))
        .await?;
    Ok(tier.into())
}

/// A page of the creator's tiers, active or not, oldest first; the next cursor.
pub async fn list_mine(
    conn: &mut AsyncPgConnection,
    creator: Uuid,
    page: Page,
) -> Result<(Vec<TierView>, Option<String>), ApiError> {
    let found = repo::tiers_page(conn, creator, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&found, |t| t.id);
    Ok((found.into_iter().map(TierView::from).collect(), next_cursor))
}

/// One of the caller's tiers (404 for anyone else's).
async fn own(conn: &mut AsyncPgConnection, creator: Uuid, id: Uuid) -> Result<Tier, ApiError> {
    match repo::tier(conn, id).await? {
        Some(t) if t.creator_id == creator => Ok(t),
        _ => Err(ApiError::NotFound("tier")),
    }
}

pub async fn update(
    store: &Database,
    payments: &Payments,
    creator: Uuid,
    id: Uuid,
    input: TierInput,
) -> Result<TierView, ApiError> {
    let mut tier = store.run(async |conn| own(conn, creator, id).await).await?;
    let old_price = (tier.amount, tier.currency.clone());
    if let Some(name) = input.name {
        tier.name = name;
    }
    if let Some(amount) = input.amount {
        tier.amount = amount;
    }
    if let Some(currency) = input.currency {
        tier.currency = currency;
    }
    if let Some(benefits) = input.benefits {
        tier.benefits = serde_json::to_value(benefits).expect("strings serialise");
    }
    if let Some(days) = input.trial_days {
        tier.trial_days = days;
    }
    if let Some(active) = input.active {
        tier.active = active;
    }
    if (tier.amount, tier.currency.clone()) != old_price {
        let product = tier
            .stripe_product_id
            .clone()
            .ok_or_else(|| ApiError::Conflict("this tier has no Stripe product".into()))?;
        let retired = tier.stripe_price_id.clone();
        let request = store
            .run(async |conn| Ok(repo::price_request(conn, id, tier.amount, &tier.currency).await?))
            .await?;
        let key = format!("price:{request}");
        tier.stripe_price_id = Some(new_price(payments, &tier, &product, &key).await?);
        if let Some(old) = retired {
            let _: Created = payments
                .stripe
                .post(
                    &format!("/v1/prices/{old}"),
                    &format!("price:{old}:retire"),
                    Form::new().set("active", false),
                )
                .await?;
        }
    }
    store
        .run(async |conn| {
            conn.transaction::<_, ApiError, _>(async |conn| {
                // The row is locked and re-checked: a concurrent delete of the creator fails here.
                repo::tier_for_update(conn, id)
                    .await?
                    .ok_or(ApiError::NotFound("tier"))?;
                Ok(repo::save_tier(conn, &tier).await?)
            })
            .await
        })
        .await?;
    Ok(tier.into())
}

pub async fn page(conn: &mut AsyncPgConnection, creator: Uuid) -> Result<CreatorView, ApiError> {
    let user = users::live(conn, creator).await.map_err(payments::no_such_creator)?;
    let profile = repo::profile(conn, creator).await?.unwrap_or_default();
    let tiers = repo::tiers(conn, creator, true).await?;
    let accepts_payments = accounts::accepts_payments(conn, creator).await?;
    let subscriber_count = match profile.show_subscriber_count {
        true => Some(repo::subscriber_count(conn, creator).await?),
        false => None,
    };
    Ok(CreatorView {
        user_id: creator,
        display_name: user.display_name,
        bio: profile.bio,
        tiers: tiers.into_iter().map(TierView::from).collect(),
        accepts_payments,
        subscriber_count,
    })
}

pub async fn save_profile(
    conn: &mut AsyncPgConnection,
    creator: Uuid,
    bio: String,
    show_count: bool,
) -> Result<CreatorView, ApiError> {
    repo::save_profile(
        conn,
        creator,
        &repo::Profile {
            bio,
            show_subscriber_count: show_count,
        },
    )
    .await?;
    page(conn, creator).await
}
