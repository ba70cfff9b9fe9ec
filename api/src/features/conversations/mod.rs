//! The caller's conversations: their rooms by last activity, with the last message and
//! unread counts. Built on the rooms and messages features.

pub mod repo;
pub mod routes;
pub mod service;
