//! Live sessions in rooms: scheduled (by a room's managers, or by a booking), then live and
//! ended. This step: scheduling and reading; starting, ending, attendance, notes and the
//! record come next (the bookings-and-sessions issue).

pub mod repo;
pub mod routes;
pub mod service;
pub mod validate;
pub mod views;
