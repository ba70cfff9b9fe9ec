//! Validated input types and the operations that span several tables.

pub mod messages;
pub mod posting;
pub mod profile;
pub mod rooms;
pub mod webhooks;
