//! The per-room event log (append, range, scrub) and how committed events are published:
//! the `Publish` trait and `Committed<T>`, which every write service returns.

pub mod database;
pub mod log;
pub mod publish;
pub mod unlock;

pub use database::Database;
pub use log::{EventKind, RoomEvent};
pub use publish::{Committed, Control, Ephemeral, FeedEntry, Publish};
