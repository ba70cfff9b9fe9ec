//! Live delivery: the hub (who watches which room on this instance), the bus that fans
//! events out across instances, the per-socket outbox, the WebSocket session and its
//! protocol, presence and tickets. Dependencies point one way:
//! routes → session → commands / hub → outbox → frame; bus → hub (through its handle).

pub mod attendance;
pub mod bus;
pub mod commands;
pub mod context;
pub mod frame;
pub mod hub;
pub mod outbox;
pub mod presence;
pub mod protocol;
pub mod routes;
pub mod session;
pub mod tickets;
