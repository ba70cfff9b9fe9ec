//! Bookings as iCalendar (RFC 5545): one booking's `.ics` (METHOD:CANCEL once it is off)
//! and a person's feed of their bookings, which calendar apps poll. The UID is the
//! booking's (stable across reschedules); SEQUENCE is the booking's, rising with each
//! change; times are UTC instants.

use chrono::{DateTime, Utc};

use super::repo::{Booking, BookingStatus};
use crate::platform::ical::{line, text};

/// How a calendar shows one booking.
pub struct Event<'a> {
    pub booking: &'a Booking,
    /// The booking's page in the web app.
    pub url: String,
    /// Who the other side is, by their public name.
    pub with: String,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn event(out: &mut String, e: &Event<'_>, now: DateTime<Utc>) {
    let b = e.booking;
    let status = match b.status {
        BookingStatus::Confirmed => "CONFIRMED",
        BookingStatus::Held | BookingStatus::Pending => "TENTATIVE",
        _ => "CANCELLED",
    };
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}@parley", b.id));
    line(out, &format!("DTSTAMP:{}", stamp(now)));
    line(out, &format!("DTSTART:{}", stamp(b.start_at)));
    line(out, &format!("DTEND:{}", stamp(b.end_at)));
    line(out, &format!("SEQUENCE:{}", b.sequence));
    line(out, &format!("LAST-MODIFIED:{}", stamp(b.updated_at)));
    line(
        out,
        &format!("SUMMARY:{}", text(&format!("{} with {}", b.title, e.with))),
    );
    let mut about = format!("Booked on Parley: {}", e.url);
    if let Some(note) = &b.note {
        about.push_str("\n\n");
        about.push_str(note);
    }
    line(out, &format!("DESCRIPTION:{}", text(&about)));
    line(out, &format!("URL:{}", text(&e.url)));
    line(out, &format!("STATUS:{status}"));
    line(out, "TRANSP:OPAQUE");
    line(out, "END:VEVENT");
}

fn calendar(events: &[Event<'_>], method: &str, name: Option<&str>) -> String {
    let now = Utc::now();
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Parley//Bookings//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, &format!("METHOD:{method}"));
    if let Some(name) = name {
        line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    }
    for e in events {
        event(&mut out, e, now);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// One booking: PUBLISH while it stands, CANCEL once it is off.
pub fn one(e: &Event<'_>) -> String {
    let method = match e.booking.status.live() {
        true => "PUBLISH",
        false => "CANCEL",
    };
    calendar(std::slice::from_ref(e), method, None)
}

/// A person's feed: every booking, the ones that are off as CANCELLED events.
pub fn feed(events: &[Event<'_>]) -> String {
    calendar(events, "PUBLISH", Some("Parley bookings"))
}

/// One booking as an e-mail invitation (iMIP, RFC 6047): REQUEST while it stands, CANCEL
/// once it is off; the method, and the file without ORGANIZER and ATTENDEE (the mail adds
/// its sender and recipient).
pub fn invite(e: &Event<'_>) -> (&'static str, String) {
    let method = match e.booking.status.live() {
        true => "REQUEST",
        false => "CANCEL",
    };
    (method, calendar(std::slice::from_ref(e), method, None))
}
