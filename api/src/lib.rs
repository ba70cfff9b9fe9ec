//! Parley: an open chat backend. REST + WebSocket over PostgreSQL, fanned out with Redis.

pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod realtime;
pub mod startup;
pub mod state;

/// reqwest is built without a default TLS provider (it would pull aws-lc's C build):
/// install ring's once per process before the first client.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
