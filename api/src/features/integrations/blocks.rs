//! A session record as Notion blocks: headings, the summary, participants, notes (action
//! items as to-dos), the transcript as paragraphs. Text is split at Notion's 2,000
//! characters per rich-text item (on a character boundary, at a space when one is near).

use serde_json::{json, Value};

use crate::features::sessions::export::Document;

/// Notion's most characters in one rich-text item.
pub const TEXT_MAX: usize = 2000;
/// Notion's most blocks in one request.
pub const CHUNK: usize = 100;

/// Splits text into pieces of at most `max` characters, preferring to cut after a space.
pub fn split_text(text: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return vec![text.to_owned()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + max).min(chars.len());
        if end < chars.len() {
            // Cut after the last space in the last tenth of the piece, if there is one.
            if let Some(space) = (start + max * 9 / 10..end).rev().find(|&i| chars[i] == ' ') {
                end = space + 1;
            }
        }
        out.push(chars[start..end].iter().collect());
        start = end;
    }
    out
}

fn rich(text: &str) -> Vec<Value> {
    split_text(text, TEXT_MAX)
        .into_iter()
        .map(|t| json!({"type": "text", "text": {"content": t}}))
        .collect()
}

fn block(kind: &str, body: Value) -> Value {
    json!({"object": "block", "type": kind, kind: body})
}

fn heading(level: u8, text: &str) -> Value {
    block(&format!("heading_{level}"), json!({"rich_text": rich(text)}))
}

/// One block per piece when a text needs more than 100 rich-text items (never in practice:
/// 200,000 characters), so no block breaks Notion's limits.
fn texts(kind: &str, text: &str, extra: impl Fn(&mut Value)) -> Vec<Value> {
    let items = rich(text);
    items
        .chunks(CHUNK)
        .map(|c| {
            let mut body = json!({"rich_text": c});
            extra(&mut body);
            block(kind, body)
        })
        .collect()
}

pub fn title(doc: &Document) -> String {
    split_text(&doc.title, TEXT_MAX).swap_remove(0)
}

pub fn blocks(doc: &Document) -> Vec<Value> {
    let mut out = Vec::new();
    for line in &doc.summary {
        out.extend(texts("paragraph", line, |_| {}));
    }
    out.push(heading(2, "Participants"));
    if doc.participants.is_empty() {
        out.extend(texts("paragraph", "Nobody attended.", |_| {}));
    }
    for p in &doc.participants {
        out.extend(texts("bulleted_list_item", p, |_| {}));
    }
    out.push(heading(2, "Notes"));
    if doc.notes.is_empty() {
        out.extend(texts("paragraph", "No notes.", |_| {}));
    }
    for (name, notes) in &doc.notes {
        out.push(heading(3, name));
        for n in notes {
            match n.done {
                Some(done) => out.extend(texts("to_do", &n.text, |b| b["checked"] = json!(done))),
                None => out.extend(texts("bulleted_list_item", &n.text, |_| {})),
            }
        }
    }
    out.push(heading(2, "Transcript"));
    if doc.transcript.is_empty() {
        out.extend(texts("paragraph", "No messages.", |_| {}));
    }
    for l in &doc.transcript {
        let mut items = vec![
            json!({"type": "text", "text": {"content": format!("{} ({}): ", l.who, l.at)},
                                    "annotations": {"bold": true}}),
        ];
        items.extend(rich(&l.text));
        for c in items.chunks(CHUNK) {
            out.push(block("paragraph", json!({"rich_text": c})));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_split_within_notions_limit_and_nothing_is_lost() {
        let text = "word ".repeat(1000) + &"é".repeat(2500);
        let parts = split_text(&text, TEXT_MAX);
        assert!(parts.iter().all(|p| p.chars().count() <= TEXT_MAX));
        assert_eq!(parts.concat(), text);
        assert!(parts[0].ends_with(' '), "cut at a space when one is near");
        assert_eq!(split_text("short", TEXT_MAX), vec!["short"]);
    }
}
