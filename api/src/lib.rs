//! Parley: an open chat backend. REST + WebSocket over PostgreSQL, fanned out with Redis.
//!
//! Layout: `platform` (settings, errors, database, jobs, metrics; depends on nothing above
//! it), `features/<name>` (routes, services, repos, views per feature), `auth`, `realtime`
//! (hub, bus, outbox, socket session and protocol), and `app` (building and stopping the
//! server, every route's configuration, middleware, the OpenAPI and AsyncAPI documents).

pub mod app;
pub mod auth;
pub mod features;
pub mod platform;
pub mod realtime;

/// reqwest is built without a default TLS provider (it would pull aws-lc's C build):
/// install ring's once per process before the first client.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
