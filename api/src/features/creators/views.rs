//! What clients see of tiers, subscriptions and creator pages.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::repo::{Subscription, Tier};
use crate::features::payments::kinds::SubscriptionStatus;

#[derive(Serialize, ToSchema, Debug)]
pub struct TierView {
    pub id: Uuid,
    pub name: String,
    /// Monthly price in minor units.
    #[schema(example = 500)]
    pub amount: i64,
    #[schema(example = "usd")]
    pub currency: String,
    pub benefits: Vec<String>,
    pub trial_days: i32,
    pub active: bool,
}

impl From<Tier> for TierView {
    fn from(t: Tier) -> Self {
        Self {
            id: t.id,
            name: t.name,
            amount: t.amount,
            currency: t.currency,
            benefits: serde_json::from_value(t.benefits).unwrap_or_default(),
            trial_days: t.trial_days,
            active: t.active,
        }
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct SubscriptionView {
    pub id: Uuid,
    pub creator_id: Uuid,
    pub tier_id: Uuid,
    pub status: SubscriptionStatus,
    /// Whether it gives access now (trialing, active, or past due within the grace period).
    pub access: bool,
    /// It ends at `current_period_end` instead of renewing.
    pub cancel_at_period_end: bool,
    pub current_period_end: Option<DateTime<Utc>>,
    pub trial_end: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Subscription> for SubscriptionView {
    fn from(s: Subscription) -> Self {
        Self {
            id: s.id,
            creator_id: s.creator_id,
            tier_id: s.tier_id,
            status: s.status,
            access: s.access,
            cancel_at_period_end: s.cancel_at_period_end,
            current_period_end: s.current_period_end,
            trial_end: s.trial_end,
            created_at: s.created_at,
        }
    }
}

/// A creator's public page.
#[derive(Serialize, ToSchema, Debug)]
pub struct CreatorView {
    pub user_id: Uuid,
    pub display_name: String,
    pub bio: String,
    /// Active tiers, cheapest first.
    pub tiers: Vec<TierView>,
    /// Whether the creator can be paid now (tips, subscriptions, unlocks).
    pub accepts_payments: bool,
    /// Fans with access now; only when the creator chooses to show it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscriber_count: Option<i64>,
}

/// A Stripe-hosted page to open (the Billing Portal).
#[derive(Serialize, ToSchema, Debug)]
pub struct PortalView {
    pub url: String,
}

/// A subscription that was started: pay at `checkout_url` (Stripe's hosted Checkout); each
/// paid invoice then appears in the ledger.
#[derive(Serialize, ToSchema, Debug)]
pub struct SubscribeView {
    pub subscription_id: Uuid,
    pub checkout_url: String,
}
