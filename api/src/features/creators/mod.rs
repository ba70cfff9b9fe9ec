//! Creators: tiers (a Stripe Product and monthly Price each), fans' subscriptions and the
//! creator's public page. Tips and pay-per-view unlocks are one-time payments
//! (`payments::checkout`).

pub mod repo;
pub mod routes;
pub mod subscriptions;
pub mod tiers;
pub mod views;
