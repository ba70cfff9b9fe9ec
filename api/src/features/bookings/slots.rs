//! Bookable slots, computed from a host's weekly wall-clock rules and date overrides in their
//! IANA time zone (chrono-tz), for a range of instants.
//!
//! - Candidates step by the slot interval in the host's *wall clock* from each available
//!   range's start (09:00, 09:30… on every day, also across a DST change).
//! - A wall-clock time the clocks skip (spring forward) is no slot; one they repeat (fall
//!   back) is offered once, at its earlier instant — never twice.
//! - A slot lasts `length` real minutes and must end within its range (as instants).
//! - Then: not before `now + minimum notice`, not after `now + window`, within the asked
//!   range, not overlapping a busy range widened by the type's buffers, and at most
//!   `max_per_day` per host-local day (counting what is already booked that day).
//!
//! `tz` in the request only changes how a client shows the instants, never which are
//! answered.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// A range of wall-clock times on one day (`end` after `start`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WallRange {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A host's availability: weekly rules and date overrides (an empty override: unavailable).
#[derive(Clone, Debug)]
pub struct Availability {
    pub time_zone: Tz,
    pub weekly: Vec<(Weekday, WallRange)>,
    pub overrides: BTreeMap<NaiveDate, Vec<WallRange>>,
}

/// What of a booking type shapes its slots (minutes).
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub length: i64,
    pub interval: i64,
    pub buffer_before: i64,
    pub buffer_after: i64,
    pub minimum_notice: i64,
    pub window_days: i64,
    pub max_per_day: Option<i64>,
}

/// A slot, or a busy range: instants, `end` after `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The earlier instant of a wall-clock time; None when the clocks skip it.
fn instant(tz: Tz, at: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&at) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// A range boundary as an instant: a skipped wall-clock time moves to the first instant
/// after the gap.
fn boundary(tz: Tz, at: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = at;
    loop {
        if let Some(t) = instant(tz, probe) {
            return t;
        }
        probe += Duration::minutes(1);
    }
}

impl Availability {
    fn ranges_on(&self, day: NaiveDate) -> Vec<WallRange> {
        match self.overrides.get(&day) {
            Some(ranges) => ranges.clone(),
            None => self
                .weekly
                .iter()
                .filter(|(d, _)| *d == day.weekday())
                .map(|(_, r)| *r)
                .collect(),
        }
    }
}

/// The slots in `[from, to)`, earliest first. `busy`: live bookings (their own times);
/// `booked_per_day`: how many bookings of this type each host-local day already has.
pub fn slots(
    availability: &Availability,
    shape: &Shape,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    busy: &[Span],
    booked_per_day: &BTreeMap<NaiveDate, i64>,
) -> Vec<Span> {
    let tz = availability.time_zone;
    let earliest = (now + Duration::minutes(shape.minimum_notice)).max(from);
    let latest = (now + Duration::days(shape.window_days)).min(to);
    if earliest >= latest || shape.length <= 0 || shape.interval <= 0 {
        return Vec::new();
    }
    let length = Duration::minutes(shape.length);
    let step = Duration::minutes(shape.interval);
    let (before, after) = (
        Duration::minutes(shape.buffer_before),
        Duration::minutes(shape.buffer_after),
    );
    let first_day = earliest.with_timezone(&tz).date_naive() - Duration::days(1);
    let last_day = latest.with_timezone(&tz).date_naive();
    let mut out = Vec::new();
    let mut day = first_day;
    while day <= last_day {
        // A day with as many bookings as the type allows offers nothing more.
        let full = shape
            .max_per_day
            .is_some_and(|max| booked_per_day.get(&day).copied().unwrap_or(0) >= max);
        if !full {
            for range in availability.ranges_on(day) {
                let range_end = boundary(tz, day.and_time(range.end));
                let mut wall = day.and_time(range.start);
                while wall < day.and_time(range.end) {
                    if let Some(start) = instant(tz, wall) {
                        let end = start + length;
                        let (wide_start, wide_end) = (start - before, end + after);
                        let free = !busy.iter().any(|b| b.start < wide_end && wide_start < b.end);
                        if end <= range_end && start >= earliest && start < latest && free {
                            out.push(Span { start, end });
                        }
                    }
                    wall += step;
                }
            }
        }
        day += Duration::days(1);
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn every_day(tz: &str, start: NaiveTime, end: NaiveTime) -> Availability {
        let days = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        Availability {
            time_zone: tz.parse().unwrap(),
            weekly: days.iter().map(|d| (*d, WallRange { start, end })).collect(),
            overrides: BTreeMap::new(),
        }
    }

    fn shape(length: i64, interval: i64) -> Shape {
        Shape {
            length,
            interval,
            buffer_before: 0,
            buffer_after: 0,
            minimum_notice: 0,
            window_days: 3650,
            max_per_day: None,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// The slots of one host-local day, as UTC instants `HH:MM`.
    fn day_of(a: &Availability, s: &Shape, date: &str) -> Vec<String> {
        let day: NaiveDate = date.parse().unwrap();
        let tz = a.time_zone;
        let from = boundary(tz, day.and_time(t(0, 0)));
        let to = boundary(tz, (day + Duration::days(1)).and_time(t(0, 0)));
        let now = utc("2026-12-01T00:00:00Z");
        slots(a, s, from, to, now, &[], &BTreeMap::new())
            .iter()
            .map(|slot| slot.start.format("%d %H:%M").to_string())
            .collect()
    }

    #[test]
    fn new_york_spring_forward_skips_the_missing_hour() {
        // 2027-03-14: 02:00 EST becomes 03:00 EDT.
        let a = every_day("America/New_York", t(0, 0), t(5, 0));
        let got = day_of(&a, &shape(30, 30), "2027-03-14");
        assert_eq!(
            got,
            ["14 05:00", "14 05:30", "14 06:00", "14 06:30", "14 07:00", "14 07:30", "14 08:00", "14 08:30"]
        );
    }

    #[test]
    fn new_york_fall_back_offers_the_repeated_hour_once() {
        // 2027-11-07: 02:00 EDT becomes 01:00 EST; 01:00 and 01:30 happen twice.
        let a = every_day("America/New_York", t(0, 0), t(5, 0));
        let got = day_of(&a, &shape(30, 30), "2027-11-07");
        assert_eq!(
            got,
            [
                "07 04:00", "07 04:30", "07 05:00", "07 05:30", "07 07:00", "07 07:30", "07 08:00", "07 08:30",
                "07 09:00", "07 09:30"
            ]
        );
    }

    #[test]
    fn berlin_both_changes() {
        // 2027-03-28: 02:00 CET becomes 03:00 CEST; 2027-10-31: 03:00 CEST becomes 02:00 CET.
        let a = every_day("Europe/Berlin", t(1, 0), t(4, 0));
        assert_eq!(
            day_of(&a, &shape(60, 60), "2027-03-28"),
            ["28 00:00", "28 01:00"],
            "01:00 CET, then 03:00 CEST (02:00 does not exist)"
        );
        assert_eq!(
            day_of(&a, &shape(60, 60), "2027-10-31"),
            ["30 23:00", "31 00:00", "31 02:00"],
            "01:00 CEST, 02:00 once (CEST), 03:00 CET; the range ends 04:00 CET"
        );
    }

    #[test]
    fn kolkata_keeps_its_half_hour_offset() {
        let a = every_day("Asia/Kolkata", t(9, 0), t(11, 0));
        assert_eq!(
            day_of(&a, &shape(45, 30), "2027-06-01"),
            ["01 03:30", "01 04:00", "01 04:30"],
            "09:00, 09:30, 10:00 IST; 10:30 would end after 11:00"
        );
    }

    #[test]
    fn a_client_elsewhere_gets_the_same_instants_and_notice_window_buffers_and_limits_apply() {
        let a = every_day("Europe/Berlin", t(9, 0), t(12, 0));
        let mut s = shape(60, 60);
        let from = utc("2027-06-01T00:00:00Z");
        let to = utc("2027-06-03T00:00:00Z");
        let now = utc("2027-06-01T07:30:00Z"); // 09:30 in Berlin
        let all = slots(&a, &s, from, to, now, &[], &BTreeMap::new());
        let starts: Vec<String> = all.iter().map(|x| x.start.to_rfc3339()).collect();
        assert_eq!(
            starts,
            [
                "2027-06-01T08:00:00+00:00",
                "2027-06-01T09:00:00+00:00",
                "2027-06-02T07:00:00+00:00",
                "2027-06-02T08:00:00+00:00",
                "2027-06-02T09:00:00+00:00"
            ],
            "the 09:00 slot of today has begun"
        );
        s.minimum_notice = 120;
        let noticed = slots(&a, &s, from, to, now, &[], &BTreeMap::new());
        assert_eq!(noticed[0].start, utc("2027-06-02T07:00:00Z"), "two hours' notice");
        s.minimum_notice = 0;
        s.window_days = 1;
        let window = slots(&a, &s, from, to, now, &[], &BTreeMap::new());
        assert_eq!(
            window.last().unwrap().start,
            utc("2027-06-02T07:00:00Z"),
            "starting within a day of now only"
        );
        s.window_days = 30;
        // A booking 10:00–11:00 (Berlin) on the 2nd, with a 15-minute buffer after slots.
        s.buffer_after = 15;
        let busy = [Span {
            start: utc("2027-06-02T08:00:00Z"),
            end: utc("2027-06-02T09:00:00Z"),
        }];
        let around = slots(&a, &s, from, to, now, &busy, &BTreeMap::new());
        let second: Vec<_> = around.iter().filter(|x| x.start.date_naive().day() == 2).collect();
        assert_eq!(
            second.len(),
            1,
            "09:00 ends at 10:00 but its buffer reaches 10:15; 11:00 is free"
        );
        assert_eq!(second[0].start, utc("2027-06-02T09:00:00Z"));
        s.buffer_after = 0;
        s.max_per_day = Some(1);
        let day: NaiveDate = "2027-06-02".parse().unwrap();
        let booked = BTreeMap::from([(day, 1)]);
        let limited = slots(&a, &s, from, to, now, &busy, &booked);
        assert!(
            limited.iter().all(|x| x.start.date_naive().day() == 1),
            "the 2nd is full"
        );
    }

    #[test]
    fn an_override_replaces_the_weekly_rules_and_an_empty_one_closes_the_day() {
        let mut a = every_day("UTC", t(9, 0), t(10, 0));
        a.overrides.insert("2027-06-01".parse().unwrap(), vec![]);
        a.overrides.insert(
            "2027-06-02".parse().unwrap(),
            vec![WallRange {
                start: t(14, 0),
                end: t(15, 0),
            }],
        );
        assert!(day_of(&a, &shape(60, 60), "2027-06-01").is_empty());
        assert_eq!(day_of(&a, &shape(60, 60), "2027-06-02"), ["02 14:00"]);
        assert_eq!(day_of(&a, &shape(60, 60), "2027-06-03"), ["03 09:00"]);
    }
}
