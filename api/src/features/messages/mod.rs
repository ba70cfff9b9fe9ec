//! Messages: posting (group commit), history, edits, deletes, reactions and search.

pub mod posting;
pub mod repo;
pub mod routes;
pub mod service;
pub mod unlocked;
pub mod validate;
pub mod views;
