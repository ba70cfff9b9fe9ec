//! Booking pages and bookings: hosts' booking types and availability, the bookable slots
//! computed from them, bookings (free and paid, held, confirmed, cancelled, moved) with no
//! double booking, reminders, and calendars.

pub mod book;
pub mod calendar;
pub mod ics;
pub mod jobs;
pub mod repo;
pub mod routes;
pub mod service;
pub mod slots;
pub mod validate;
pub mod views;

use std::sync::Arc;

use crate::platform::config::BookingSettings;

/// What booking routes take as app data.
#[derive(Clone)]
pub struct Bookings {
    pub settings: Arc<BookingSettings>,
    /// The web app, which calendars link to.
    pub app_url: String,
}

impl Bookings {
    pub fn addresses(&self) -> calendar::Addresses<'_> {
        calendar::Addresses {
            app_url: &self.app_url,
            public_url: &self.settings.public_url,
        }
    }
}
