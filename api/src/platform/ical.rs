//! iCalendar (RFC 5545) content lines: TEXT escaping (§3.3.11) and folding at 75 octets
//! (§3.1). Bookings write events with them; e-mail adds the iMIP organizer and attendee.

/// The text of a property value, escaped (§3.3.11).
pub fn text(raw: &str) -> String {
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

/// A parameter value (§3.2): quoted, without the characters a quoted value cannot hold.
pub fn param(raw: &str) -> String {
    let clean: String = raw.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// A content line folded at 75 octets (§3.1), never inside a character, ended by CRLF.
pub fn line(out: &mut String, content: &str) {
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
        assert_eq!(param("Ada \"The\" Lovelace"), "\"Ada The Lovelace\"");
    }
}
