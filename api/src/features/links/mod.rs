//! Short links: `POST /v1/links` makes one (our own code served at `/s/{code}`, or a Bitly
//! link), the owner lists, tags and deletes theirs and reads clicks per day. Redirects are
//! read from a small in-memory cache and clicks are counted in memory, then Redis, then
//! PostgreSQL (`clicks.rs`), so a redirect costs no write.

pub mod clicks;
pub mod provider;
pub mod repo;
pub mod routes;
pub mod service;
pub mod validate;
pub mod views;

pub use service::Links;
