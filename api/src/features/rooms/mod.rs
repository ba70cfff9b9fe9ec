//! Rooms (public, private, direct), membership, read markers and the room's event log.

pub mod access;
pub mod dms;
pub mod kinds;
pub mod members;
pub mod repo;
pub mod routes;
pub mod service;
pub mod validate;
pub mod views;
