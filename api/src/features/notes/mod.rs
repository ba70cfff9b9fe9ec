//! The study-notes library: a file with a title and description, public or private, shared
//! to a room or not, with exact view and download counts. A note shared to a room posts a
//! `note.shared` event in the room's log.

pub mod repo;
pub mod routes;
pub mod service;
pub mod validate;
pub mod views;
