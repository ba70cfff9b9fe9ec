//! The Redis message format between instances:
//! `origin \n kind \n seq \n left-user-or-dash \n frame`, so a receiver routes an event
//! without parsing its JSON. Kinds: `E` a log event, `X` an ephemeral frame, `C` a control.

use uuid::Uuid;

#[derive(Debug, PartialEq)]
pub enum Message<'a> {
    Event {
        seq: i64,
        left_user: Option<Uuid>,
        frame: &'a str,
    },
    Ephemeral {
        frame: &'a str,
    },
    Control {
        json: &'a str,
    },
}

pub fn encode(origin: &str, message: &Message<'_>) -> String {
    match message {
        Message::Event { seq, left_user, frame } => {
            let left = left_user.map(|u| u.to_string()).unwrap_or_else(|| "-".into());
            format!("{origin}\nE\n{seq}\n{left}\n{frame}")
        }
        Message::Ephemeral { frame } => format!("{origin}\nX\n0\n-\n{frame}"),
        Message::Control { json } => format!("{origin}\nC\n0\n-\n{json}"),
    }
}

/// The origin and the message, or None for something that is not ours.
pub fn decode(payload: &str) -> Option<(&str, Message<'_>)> {
    let mut parts = payload.splitn(5, '\n');
    let (origin, kind, seq, left, body) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let message = match kind {
        "E" => Message::Event {
            seq: seq.parse().ok()?,
            left_user: left.parse().ok(),
            frame: body,
        },
        "X" => Message::Ephemeral { frame: body },
        "C" => Message::Control { json: body },
        _ => return None,
    };
    Some((origin, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_even_with_newlines_in_the_frame() {
        let user = Uuid::new_v4();
        for message in [
            Message::Event {
                seq: 42,
                left_user: Some(user),
                frame: "{\"a\":\"b\\nc\"}\nstill the frame",
            },
            Message::Event {
                seq: 1,
                left_user: None,
                frame: "{}",
            },
            Message::Ephemeral {
                frame: "{\"type\":\"typing\"}",
            },
            Message::Control {
                json: "{\"kind\":\"close_user\"}",
            },
        ] {
            let text = encode("inst-1", &message);
            assert_eq!(decode(&text), Some(("inst-1", message)));
        }
    }

    #[test]
    fn foreign_or_truncated_payloads_are_ignored() {
        assert_eq!(decode("inst\nE\nnot-a-number\n-\n{}"), None);
        assert_eq!(decode("inst\nQ\n0\n-\n{}"), None);
        assert_eq!(decode("inst\nE\n1"), None);
        assert_eq!(decode(""), None);
    }
}
