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

/// What a record's exports are made of (read with the reader's visibility rules).
pub struct Parts {
    pub session: Session,
    pub room: String,
    pub host: String,
    pub participants: Vec<ParticipantView>,
    pub notes: Vec<SessionNote>,
    pub transcript: Vec<MessageView>,
    pub names: HashMap<Uuid, String>,
}

/// The record for exports other than Markdown (Notion): plain text, in order.
#[derive(Debug, Clone)]
pub struct Document {
    pub session_id: Uuid,
    pub title: String,
    /// "Room: …", "Host: …", "Started: …" lines.
    pub summary: Vec<String>,
    pub participants: Vec<String>,
    /// (heading, notes): action items carry whether they are done.
    pub notes: Vec<(&'static str, Vec<DocNote>)>,
    pub transcript: Vec<DocLine>,
}

#[derive(Debug, Clone)]
pub struct DocNote {
    pub text: String,
    pub done: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct DocLine {
    pub who: String,
    /// `HH:MM` UTC.
    pub at: String,
    pub text: String,
}

const NOTE_HEADINGS: [(NoteKind, &str); 4] = [
    (NoteKind::ActionItem, "Action items"),
    (NoteKind::Decision, "Decisions"),
    (NoteKind::Highlight, "Highlights"),
    (NoteKind::Note, "Notes"),
];

/// A transcript message's text as a reader may see it: deleted and locked messages say so
/// (a locked one shows only its preview).
fn message_text(m: &MessageView, line: impl Fn(&str) -> String) -> String {
    if m.deleted {
        "_message deleted_".to_owned()
    } else if m.locked {
        match &m.preview {
            Some(p) => format!("_pay-per-view message (locked)_: {}", line(p)),
            None => "_pay-per-view message (locked)_".to_owned(),
        }
    } else {
        m.body.as_deref().map(line).unwrap_or_default()
    }
}

fn participant_line(p: &ParticipantView) -> String {
    let (name, rest) = participant_parts(p);
    format!("{name}: {rest}")
}

/// A participant's name, and how long they attended when (UTC).
fn participant_parts(p: &ParticipantView) -> (String, String) {
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
    (
        one_line(&p.display_name),
        format!("{} ({} UTC)", duration(p.total_seconds), spans.join(", ")),
    )
}

fn note_text(n: &SessionNote, names: &HashMap<Uuid, String>) -> String {
    let who = names.get(&n.author_id).map(String::as_str).unwrap_or("someone");
    let private = if n.visibility == super::repo::Visibility::Private {
        " (private)"
    } else {
        ""
    };
    format!("{} — {}{private}", one_line(&n.body), one_line(who))
}

pub fn document(r: &Parts) -> Document {
    let s = &r.session;
    let t = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let mut summary = vec![format!("Room: {}", r.room), format!("Host: {}", r.host)];
    if let Some(at) = s.scheduled_at {
        summary.push(format!("Scheduled: {}", t(at)));
    }
    if let Some(at) = s.started_at {
        summary.push(format!("Started: {}", t(at)));
    }
    if let Some(at) = s.ended_at {
        summary.push(format!("Ended: {}", t(at)));
    }
    if let (Some(a), Some(b)) = (s.started_at, s.ended_at) {
        summary.push(format!("Duration: {}", duration((b - a).num_seconds())));
    }
    let notes = NOTE_HEADINGS
        .iter()
        .filter_map(|(kind, heading)| {
            let of_kind: Vec<DocNote> = r
                .notes
                .iter()
                .filter(|n| n.kind == *kind)
                .map(|n| DocNote {
                    text: note_text(n, &r.names),
                    done: (*kind == NoteKind::ActionItem).then_some(n.done),
                })
                .collect();
            (!of_kind.is_empty()).then_some((*heading, of_kind))
        })
        .collect();
    Document {
        session_id: s.id,
        title: one_line(&s.title),
        summary,
        participants: r.participants.iter().map(participant_line).collect(),
        notes,
        transcript: r
            .transcript
            .iter()
            .map(|m| DocLine {
                who: one_line(r.names.get(&m.author_id).map(String::as_str).unwrap_or("someone")),
                at: m.created_at.format("%H:%M").to_string(),
                text: message_text(m, |b| b.to_owned()),
            })
            .collect(),
    }
}

pub fn markdown(r: &Parts) -> String {
    let (s, room, host, participants, notes, transcript, names) = (
        &r.session,
        &r.room,
        &r.host,
        &r.participants,
        &r.notes,
        &r.transcript,
        &r.names,
    );
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
        let (name, rest) = participant_parts(p);
        let _ = writeln!(out, "- **{name}**: {rest}");
    }
    if !participants.is_empty() {
        out.push('\n');
    }

    let _ = writeln!(out, "## Notes\n");
    if notes.is_empty() {
        let _ = writeln!(out, "No notes.\n");
    }
    for (kind, heading) in NOTE_HEADINGS {
        let of_kind: Vec<&SessionNote> = notes.iter().filter(|n| n.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {heading}\n");
        for n in of_kind {
            let text = note_text(n, names);
            match kind {
                NoteKind::ActionItem => {
                    let box_ = if n.done { "x" } else { " " };
                    let _ = writeln!(out, "- [{box_}] {text}");
                }
                _ => {
                    let _ = writeln!(out, "- {text}");
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
        let text = message_text(m, one_line);
        let _ = writeln!(out, "- **{}** ({at}): {text}", one_line(who));
    }
    out
}
