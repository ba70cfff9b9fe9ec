//! Users and their profiles.

pub mod repo;
pub mod routes;
pub mod service;
pub mod signed_in;
pub mod validate;
pub mod views;
