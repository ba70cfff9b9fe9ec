//! Outside services a user connects, Notion first: a connection per user (OAuth or a
//! pasted token, kept encrypted), and session records exported to it by a durable job.

pub mod blocks;
pub mod crypto;
pub mod export;
pub mod notion;
pub mod repo;
pub mod routes;
pub mod service;
pub mod views;

pub use service::Integrations;
