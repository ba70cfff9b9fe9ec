//! What every feature stands on and that depends on nothing above it: settings, the one
//! error type, the database pool and schema, pagination, metrics and the durable jobs queue.

pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod ical;
pub mod idempotency;
pub mod jobs;
pub mod json;
pub mod limits;
pub mod metrics;
pub mod money;
pub mod outbound;
pub mod pagination;
pub mod schema;
pub mod storage;
pub mod tasks;
pub mod text_enum;
pub mod time;
pub mod validate;
