//! Notifications: explicit mentions, a durable per-user feed (gap-free seq, coalesced rows,
//! live on the socket), per-room levels, mute and do-not-disturb, and Web Push.
//!
//! Messages are posted first; the posting lane then hands the committed batch to
//! `fanout`, which finds who may be told (mentioned, replied to, DM partner, `@room`,
//! members at level `all`), asks `decide` about each, and writes the rows in one statement.

pub mod decide;
pub mod fanout;
pub mod feed;
pub mod mentions;
pub mod push;
pub mod repo;
pub mod routes;
pub mod service;
pub mod settings;
pub mod views;

pub use fanout::{FanoutRetry, Notifier, PostedMessage, Watching, RETRY_JOB};
pub use mentions::Mentions;
