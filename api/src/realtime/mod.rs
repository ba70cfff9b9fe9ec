//! Live delivery: the hub (who watches which room on this instance), the bus that fans
//! events out across instances, the WebSocket session, presence, tickets and rate limits.

pub mod bus;
pub mod hub;
pub mod limits;
pub mod outbox;
pub mod presence;
pub mod socket;
pub mod tickets;
