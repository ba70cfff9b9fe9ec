//! A session's record as Markdown: YAML front matter, participants, notes (action items as
//! task boxes), and the transcript.

use std::collections::HashMap;
use std::fmt::Write;

use uuid::Uuid;

use super::repo::{NoteKind, Session, SessionNote};
use super::views::ParticipantView;
use crate::features::messages::views::MessageView;

/// A YAML scalar, quoted (JSON strings are valid YAML).
fn yaml(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// One line of text for a list item: line breaks become spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else {
        format!("{m} min {s:02} s")
    }
}

pub fn markdown(
    s: &Session,
    room: &str,
    host: &str,
    participants: &[ParticipantView],
    notes: &[SessionNote],
    transcript: &[MessageView],
    names: &HashMap<Uuid, String>,
) -> String {
    let mut out = String::new();
    let t = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "title: {}", yaml(&s.title));
    let _ = writeln!(out, "session_id: {}", s.id);
    let _ = writeln!(out, "room: {}", yaml(room));
    let _ = writeln!(out, "host: {}", yaml(host));
    let _ = writeln!(out, "status: {}", s.status);
    for (key, value) in [
        ("scheduled_at", s.scheduled_at),
        ("started_at", s.started_at),
        ("ended_at", s.ended_at),
    ] {
        if value.is_some() {
            let _ = writeln!(out, "{key}: {}", t(value));
        }
    }
    if let (Some(a), Some(b)) = (s.started_at, s.ended_at) {
        let _ = writeln!(out, "duration_seconds: {}", (b - a).num_seconds());
    }
    if let Some(b) = s.booking_id {
        let _ = writeln!(out, "booking_id: {b}");
    }
    let _ = writeln!(out, "---\n");
    let _ = writeln!(out, "# {}\n", one_line(&s.title));

    let _ = writeln!(out, "## Participants\n");
    if participants.is_empty() {
        let _ = writeln!(out, "Nobody attended.\n");
    }
    for p in participants {
        let spans: Vec<String> = p
            .intervals
            .iter()
            .map(|i| {
                let from = i.joined_at.format("%H:%M:%S");
                match i.left_at {
                    Some(to) => format!("{from}–{}", to.format("%H:%M:%S")),
                    None => format!("{from}–"),
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "- **{}**: {} ({} UTC)",
            one_line(&p.display_name),
            duration(p.total_seconds),
            spans.join(", ")
        );
    }
    if !participants.is_empty() {
        out.push('\n');
    }

    let _ = writeln!(out, "## Notes\n");
    if notes.is_empty() {
        let _ = writeln!(out, "No notes.\n");
    }
    for (kind, heading) in [
        (NoteKind::ActionItem, "Action items"),
        (NoteKind::Decision, "Decisions"),
        (NoteKind::Highlight, "Highlights"),
        (NoteKind::Note, "Notes"),
    ] {
        let of_kind: Vec<&SessionNote> = notes.iter().filter(|n| n.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {heading}\n");
        for n in of_kind {
            let who = names.get(&n.author_id).map(String::as_str).unwrap_or("someone");
            let private = if n.visibility == super::repo::Visibility::Private {
                " (private)"
            } else {
                ""
            };
            let body = one_line(&n.body);
            match kind {
                NoteKind::ActionItem => {
                    let box_ = if n.done { "x" } else { " " };
                    let _ = writeln!(out, "- [{box_}] {body} — {}{private}", one_line(who));
                }
                _ => {
                    let _ = writeln!(out, "- {body} — {}{private}", one_line(who));
                }
            }
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Transcript\n");
    if transcript.is_empty() {
        let _ = writeln!(out, "No messages.");
    }
    for m in transcript {
        let who = names.get(&m.author_id).map(String::as_str).unwrap_or("someone");
        let at = m.created_at.format("%H:%M");
        let text = if m.deleted {
            "_message deleted_".to_owned()
        } else if m.locked {
            match &m.preview {
                Some(p) => format!("_pay-per-view message (locked)_: {}", one_line(p)),
                None => "_pay-per-view message (locked)_".to_owned(),
            }
        } else {
            m.body.as_deref().map(one_line).unwrap_or_default()
        };
        let _ = writeln!(out, "- **{}** ({at}): {text}", one_line(who));
    }
    out
}
