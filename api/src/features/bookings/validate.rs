//! Booking types' and availability's input, checked once.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime, Weekday};

use super::slots::{Availability, WallRange};
use super::views::{AvailabilityView, Day, TimeRange};
use crate::platform::error::ApiError;
use crate::platform::money::BOOKING_PRICE;
use crate::platform::time::time_zone;
use crate::platform::validate::{as_given, checked_string, pattern, trimmed, Rule, LINE, NO_NUL};

checked_string!(
    /// A booking type's title: 1 to 200 characters on one line.
    BookingTitle,
    Rule {
        min: 1,
        max: 200,
        pattern: Some(&LINE),
        message: "title must be 1 to 200 characters on one line with at least one visible",
    },
    trimmed
);

pattern!(
    /// Lowercase letters and digits in words joined by single hyphens.
    pub SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
);

checked_string!(
    /// The booking type's part of its page's address (`/book/{user}/{slug}`): 1 to 64
    /// lowercase letters, digits and single hyphens.
    Slug,
    Rule {
        min: 1,
        max: 64,
        pattern: Some(&SLUG),
        message: "slug must be 1 to 64 lowercase letters and digits joined by single hyphens",
    },
    as_given
);

checked_string!(
    /// What a booking type is: up to 2,000 characters.
    BookingDescription,
    Rule {
        min: 0,
        max: 2000,
        pattern: Some(&NO_NUL),
        message: "description must be at most 2000 characters, without NUL",
    },
    trimmed
);

checked_string!(
    /// What a client tells the host with a booking: at most 1000 characters.
    BookingNote,
    Rule {
        min: 0,
        max: 1000,
        pattern: Some(&NO_NUL),
        message: "note must be at most 1000 characters, without NUL",
    },
    trimmed
);

checked_string!(
    /// Why a booking is cancelled or rejected: at most 500 characters.
    BookingReason,
    Rule {
        min: 0,
        max: 500,
        pattern: Some(&NO_NUL),
        message: "reason must be at most 500 characters, without NUL",
    },
    trimmed
);

/// An integer setting within its bounds (422 naming it otherwise).
pub fn within(name: &str, value: i32, min: i32, max: i32) -> Result<i32, ApiError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid(format!("{name} must be {min} to {max}")))
    }
}

/// A booking type's fields as asked for, each checked; `None`: left as it is (or its
/// default, when creating). `Some(None)` clears a nullable one.
#[derive(Default)]
pub struct BookingTypeChanges {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub description: Option<Option<String>>,
    pub length_minutes: Option<i32>,
    /// `(amount, currency)`; `Some(None)`: free.
    pub price: Option<Option<(i64, String)>>,
    pub buffer_before_minutes: Option<i32>,
    pub buffer_after_minutes: Option<i32>,
    pub minimum_notice_minutes: Option<i32>,
    pub window_days: Option<i32>,
    pub slot_interval_minutes: Option<i32>,
    pub max_per_day: Option<Option<i32>>,
    pub requires_confirmation: Option<bool>,
    pub refund_until_hours: Option<Option<i32>>,
}

impl BookingTypeChanges {
    /// Checks every bound (422 naming the field).
    pub fn checked(self) -> Result<Self, ApiError> {
        let opt = |name: &str, v: Option<i32>, min: i32, max: i32| v.map(|v| within(name, v, min, max)).transpose();
        let nullable = |name: &str, v: Option<Option<i32>>, min: i32, max: i32| match v {
            Some(Some(v)) => within(name, v, min, max).map(|v| Some(Some(v))),
            other => Ok(other),
        };
        Ok(Self {
            length_minutes: opt("length_minutes", self.length_minutes, 5, 720)?,
            price: match self.price {
                Some(Some((amount, currency))) => Some(Some((BOOKING_PRICE.check(amount)?, currency))),
                other => other,
            },
            buffer_before_minutes: opt("buffer_before_minutes", self.buffer_before_minutes, 0, 240)?,
            buffer_after_minutes: opt("buffer_after_minutes", self.buffer_after_minutes, 0, 240)?,
            minimum_notice_minutes: opt("minimum_notice_minutes", self.minimum_notice_minutes, 0, 43_200)?,
            window_days: opt("window_days", self.window_days, 1, 365)?,
            slot_interval_minutes: opt("slot_interval_minutes", self.slot_interval_minutes, 5, 720)?,
            max_per_day: nullable("max_per_day", self.max_per_day, 1, 100)?,
            refund_until_hours: nullable("refund_until_hours", self.refund_until_hours, 0, 720)?,
            ..self
        })
    }
}

/// Most weekly rules, override dates and ranges per date a schedule holds.
pub const MAX_WEEKLY: usize = 50;
pub const MAX_OVERRIDES: usize = 400;
pub const MAX_RANGES: usize = 12;

fn clock(raw: &str) -> NaiveTime {
    // The type's pattern checked it: HH:MM, 00:00 to 23:59.
    NaiveTime::parse_from_str(raw, "%H:%M").expect("a checked HH:MM time")
}

fn range(r: &TimeRange) -> Result<WallRange, ApiError> {
    let (start, end) = (clock(r.start.as_str()), clock(r.end.as_str()));
    if end <= start {
        return Err(ApiError::invalid("a range's end must be after its start (same day)"));
    }
    Ok(WallRange { start, end })
}

fn weekday(d: Day) -> Weekday {
    match d {
        Day::Mon => Weekday::Mon,
        Day::Tue => Weekday::Tue,
        Day::Wed => Weekday::Wed,
        Day::Thu => Weekday::Thu,
        Day::Fri => Weekday::Fri,
        Day::Sat => Weekday::Sat,
        Day::Sun => Weekday::Sun,
    }
}

/// A schedule as the slot engine reads it; 422 for an unknown zone, a backwards range, a
/// date given twice or too many rules.
pub fn availability(a: &AvailabilityView) -> Result<Availability, ApiError> {
    if a.weekly.len() > MAX_WEEKLY || a.overrides.len() > MAX_OVERRIDES {
        return Err(ApiError::invalid(format!(
            "at most {MAX_WEEKLY} weekly rules and {MAX_OVERRIDES} overrides"
        )));
    }
    let mut overrides: BTreeMap<NaiveDate, Vec<WallRange>> = BTreeMap::new();
    for o in &a.overrides {
        if o.ranges.len() > MAX_RANGES {
            return Err(ApiError::invalid(format!("at most {MAX_RANGES} ranges a date")));
        }
        let ranges = o.ranges.iter().map(range).collect::<Result<Vec<_>, _>>()?;
        if overrides.insert(o.date, ranges).is_some() {
            return Err(ApiError::invalid(format!("the date {} is given twice", o.date)));
        }
    }
    Ok(Availability {
        time_zone: time_zone(&a.time_zone)?,
        weekly: a
            .weekly
            .iter()
            .map(|w| {
                range(&TimeRange {
                    start: w.start.clone(),
                    end: w.end.clone(),
                })
                .map(|r| (weekday(w.day), r))
            })
            .collect::<Result<_, _>>()?,
        overrides,
    })
}
