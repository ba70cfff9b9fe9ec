//! Payments on Stripe: creators' Connect accounts (Express dashboard), destination charges
//! through hosted Checkout or a PaymentIntent (Elements), one ledger (`payments`), refunds,
//! and Stripe's webhooks verified, stored once per event id and applied from the jobs queue
//! as state (never increments), ignoring what is older than what is stored.

pub mod accounts;
pub mod checkout;
pub mod events;
pub mod kinds;
pub mod ledger;
pub mod ppv;
pub mod refunds;
pub mod repo;
pub mod routes;
pub mod signature;
pub mod stripe;
pub mod tips;
pub mod validate;
pub mod views;

use std::sync::Arc;

use crate::platform::config::PaymentSettings;
use crate::platform::jobs::Jobs;

/// What payment routes and services take as app data.
#[derive(Clone)]
pub struct Payments {
    pub stripe: stripe::Stripe,
    pub settings: Arc<PaymentSettings>,
    /// Woken when a webhook event is stored.
    pub jobs: Jobs,
}

/// A user id that names nobody (users' lookup calls it invalid input) is a missing creator.
pub fn no_such_creator(e: crate::platform::error::ApiError) -> crate::platform::error::ApiError {
    use crate::platform::error::ApiError;
    match e {
        ApiError::Invalid(_) => ApiError::NotFound("creator"),
        other => other,
    }
}

/// The platform's fee on `amount` (rounded down): the one fee rule, for every kind.
pub fn platform_fee(settings: &PaymentSettings, amount: i64) -> i64 {
    amount * i64::from(settings.fee_percent) / 100
}

/// What a creator keeps of a subscription, in percent (Stripe's `amount_percent`): the
/// complement of the same fee.
pub fn creator_share_percent(settings: &PaymentSettings) -> i64 {
    100 - i64::from(settings.fee_percent)
}

impl Payments {
    /// The platform's fee on `amount`.
    pub fn fee(&self, amount: i64) -> i64 {
        platform_fee(&self.settings, amount)
    }
}
