//! Bookings as iCalendar (RFC 5545): one booking's `.ics` (METHOD:CANCEL once it is off)
//! and a person's feed of their bookings, which calendar apps poll. The UID is the
//! booking's (stable across reschedules); SEQUENCE is the booking's, rising with each
//! change; times are UTC instants.

use chrono::{DateTime, Utc};

use super::repo::{Booking, BookingStatus};

/// How a calendar shows one booking.
pub struct Event<'a> {
    pub booking: &'a Booking,
    /// The booking's page in the web app.
    pub url: String,
    /// Who the other side is, by their public name.
    pub with: String,
}

/// The text of a property value, escaped (§3.3.11).
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (§3.1), never inside a character, ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_and_text_is_escaped() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", text(&"é; a, b\\c\n".repeat(10))));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.starts_with("SUMMARY:é\\; a\\, b\\\\c\\né"));
    }
}
