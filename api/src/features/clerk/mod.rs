//! Clerk webhooks (Svix-signed): verified, stored, applied by a durable job.

pub mod repo;
pub mod routes;
pub mod service;
