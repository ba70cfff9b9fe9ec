//! The per-room event log (append, range, scrub) and how committed events are published:
//! the `Publish` trait and `Committed<T>`, which every write service returns.

pub mod log;
pub mod publish;
pub mod store;
pub mod unlock;

pub use log::{EventKind, RoomEvent};
pub use publish::{Committed, Control, Ephemeral, FeedEntry, Publish};
pub use store::Store;
