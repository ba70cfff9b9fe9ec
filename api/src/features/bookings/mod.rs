//! Booking pages: hosts' booking types and availability, and the bookable slots computed
//! from them (the first step of the bookings issue; bookings themselves come next).

pub mod repo;
pub mod routes;
pub mod service;
pub mod slots;
pub mod validate;
pub mod views;
