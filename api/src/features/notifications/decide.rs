//! The one decision: does this change notify this user, in the feed and by push?
//! Pure (no I/O), so the whole policy is a table test.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;

crate::platform::text_enum::text_enum! {
    /// A member's notification level for a room (absent = the default: `all` in direct
    /// rooms, `mentions` elsewhere).
    pub enum Level {
        All = "all",
        Mentions = "mentions",
        None = "none",
    }
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Posted,
    Edited,
    Reacted,
}

/// Why this user is considered for this message (the strongest reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trigger {
    /// A message in a room where the user's level is `all`.
    Message,
    /// A message in a direct room.
    Dm,
    /// `@room`.
    RoomMention,
    /// A reply to the user's message.
    Reply,
    /// The user is mentioned by id.
    Mention,
}

#[derive(Clone, Copy, Debug)]
pub struct Input {
    pub change: Change,
    pub trigger: Trigger,
    /// The user wrote it.
    pub own: bool,
    pub direct_room: bool,
    pub level: Option<Level>,
    /// A mute is running.
    pub muted: bool,
    /// Inside the user's do-not-disturb hours.
    pub do_not_disturb: bool,
    /// The user has the room open on a live socket.
    pub watching: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Decision {
    /// A row in the feed (and the live frame).
    pub feed: bool,
    /// A Web Push to the user's browsers.
    pub push: bool,
}

pub fn effective_level(level: Option<Level>, direct_room: bool) -> Level {
    level.unwrap_or(if direct_room { Level::All } else { Level::Mentions })
}

pub fn decide(i: Input) -> Decision {
    if i.change != Change::Posted || i.own || i.muted {
        return Decision::default();
    }
    let notifies = match effective_level(i.level, i.direct_room) {
        Level::None => false,
        Level::Mentions => matches!(i.trigger, Trigger::Mention | Trigger::RoomMention | Trigger::Reply),
        Level::All => true,
    };
    Decision {
        feed: notifies,
        push: notifies && !i.do_not_disturb && !i.watching,
    }
}

/// Whether `now` falls in the daily window [start, end) minutes after local midnight in
/// `tz` (a window may wrap past midnight: 22:00–07:00).
pub fn in_window(now: DateTime<Utc>, tz: Tz, start: u16, end: u16) -> bool {
    let local = now.with_timezone(&tz);
    let minute = (local.hour() * 60 + local.minute()) as u16;
    match start.cmp(&end) {
        std::cmp::Ordering::Less => start <= minute && minute < end,
        std::cmp::Ordering::Greater => minute >= start || minute < end,
        std::cmp::Ordering::Equal => false,
    }
}

/// Whether `now` is inside a user's do-not-disturb hours as stored (time zone name, start
/// and end minutes; no hours set = never).
pub fn do_not_disturb(now: DateTime<Utc>, zone: &str, start: Option<i16>, end: Option<i16>) -> bool {
    match (start, end) {
        (Some(start), Some(end)) => in_window(now, zone.parse().unwrap_or(chrono_tz::UTC), start as u16, end as u16),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn base() -> Input {
        Input {
            change: Change::Posted,
            trigger: Trigger::Mention,
            own: false,
            direct_room: false,
            level: None,
            muted: false,
            do_not_disturb: false,
            watching: false,
        }
    }

    const NONE: Decision = Decision {
        feed: false,
        push: false,
    };
    const FEED: Decision = Decision {
        feed: true,
        push: false,
    };
    const BOTH: Decision = Decision { feed: true, push: true };

    #[test]
    fn the_policy_as_a_table() {
        use Trigger::*;
        #[rustfmt::skip]
        let table: Vec<(&str, Input, Decision)> = vec![
            ("mention, defaults", base(), BOTH),
            ("own message", Input { own: true, ..base() }, NONE),
            ("an edit never notifies", Input { change: Change::Edited, ..base() }, NONE),
            ("a reaction never notifies", Input { change: Change::Reacted, ..base() }, NONE),
            ("reply at default level", Input { trigger: Reply, ..base() }, BOTH),
            ("@room at default level", Input { trigger: RoomMention, ..base() }, BOTH),
            ("plain message in a group room: default is mentions", Input { trigger: Message, ..base() }, NONE),
            ("plain message, level all", Input { trigger: Message, level: Some(Level::All), ..base() }, BOTH),
            ("DM at default level (all)", Input { trigger: Dm, direct_room: true, ..base() }, BOTH),
            ("DM with level mentions", Input { trigger: Dm, direct_room: true, level: Some(Level::Mentions), ..base() }, NONE),
            ("DM with level none", Input { trigger: Dm, direct_room: true, level: Some(Level::None), ..base() }, NONE),
            ("mention with level none", Input { level: Some(Level::None), ..base() }, NONE),
            ("mention with level mentions", Input { level: Some(Level::Mentions), ..base() }, BOTH),
            ("muted room", Input { muted: true, ..base() }, NONE),
            ("do not disturb: feed, no push", Input { do_not_disturb: true, ..base() }, FEED),
            ("room open on a socket: feed, no push", Input { watching: true, ..base() }, FEED),
            ("own message while watching", Input { own: true, watching: true, ..base() }, NONE),
        ];
        for (name, input, want) in table {
            assert_eq!(decide(input), want, "{name}");
        }
    }

    #[test]
    fn do_not_disturb_windows_in_the_users_time_zone() {
        let at = |h, m| Utc.with_ymd_and_hms(2026, 7, 1, h, m, 0).unwrap();
        let paris: Tz = "Europe/Paris".parse().unwrap(); // UTC+2 in July
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap(); // UTC+9
        #[rustfmt::skip]
        let table = [
            ("inside a same-day window", at(10, 0), chrono_tz::UTC, 9 * 60, 17 * 60, true),
            ("end is exclusive", at(17, 0), chrono_tz::UTC, 9 * 60, 17 * 60, false),
            ("before a same-day window", at(8, 59), chrono_tz::UTC, 9 * 60, 17 * 60, false),
            ("wrapping window, late evening", at(23, 0), chrono_tz::UTC, 22 * 60, 7 * 60, true),
            ("wrapping window, early morning", at(6, 59), chrono_tz::UTC, 22 * 60, 7 * 60, true),
            ("wrapping window, daytime", at(12, 0), chrono_tz::UTC, 22 * 60, 7 * 60, false),
            ("21:00 UTC is 23:00 in Paris", at(21, 0), paris, 22 * 60, 7 * 60, true),
            ("21:00 UTC is 06:00 in Tokyo", at(21, 0), tokyo, 22 * 60, 7 * 60, true),
            ("03:00 UTC is 12:00 in Tokyo", at(3, 0), tokyo, 22 * 60, 7 * 60, false),
            ("an empty window is never", at(3, 0), chrono_tz::UTC, 60, 60, false),
        ];
        for (name, now, tz, start, end, want) in table {
            assert_eq!(in_window(now, tz, start, end), want, "{name}");
        }
    }
}
