//! Files: uploads streamed to the object store with the size cap enforced while reading,
//! the type decided from the bytes and checked against the purpose's allowlist, a per-user
//! quota, thumbnails, what uses files (attachments, avatars, logos, notes), short-lived
//! signed download URLs, and a sweep of uploads nobody used.

pub mod detect;
pub mod images;
pub mod repo;
pub mod routes;
pub mod scan;
pub mod service;
pub mod serving;
pub mod signing;
pub mod sweep;
pub mod upload;
pub mod uses;
pub mod views;

pub use serving::Files;
