//! The one template engine for every e-mail and text (minijinja, Jinja syntax): per kind a
//! subject, a plain-text and an HTML body (HTML escaped, chosen by the `.html` name), and a
//! text message where the kind goes by SMS. Templates are compiled into the binary and all
//! rendered with sample data by a unit test, so a typo fails CI, not a send. Times arrive
//! already written in the recipient's zone (the caller knows whose zone applies).

use std::sync::OnceLock;

use minijinja::{Environment, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};

use super::views::ChannelKind;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("templates/layout.html")),
    ("footer.txt", include_str!("templates/footer.txt")),
    (
        "booking_confirmed.subject.txt",
        include_str!("templates/booking_confirmed.subject.txt"),
    ),
    ("booking_confirmed.txt", include_str!("templates/booking_confirmed.txt")),
    (
        "booking_confirmed.html",
        include_str!("templates/booking_confirmed.html"),
    ),
    (
        "booking_confirmed.sms.txt",
        include_str!("templates/booking_confirmed.sms.txt"),
    ),
    (
        "booking_changed.subject.txt",
        include_str!("templates/booking_changed.subject.txt"),
    ),
    ("booking_changed.txt", include_str!("templates/booking_changed.txt")),
    ("booking_changed.html", include_str!("templates/booking_changed.html")),
    (
        "booking_changed.sms.txt",
        include_str!("templates/booking_changed.sms.txt"),
    ),
    (
        "booking_reminder.subject.txt",
        include_str!("templates/booking_reminder.subject.txt"),
    ),
    ("booking_reminder.txt", include_str!("templates/booking_reminder.txt")),
    ("booking_reminder.html", include_str!("templates/booking_reminder.html")),
    (
        "booking_reminder.sms.txt",
        include_str!("templates/booking_reminder.sms.txt"),
    ),
    ("digest.subject.txt", include_str!("templates/digest.subject.txt")),
    ("digest.txt", include_str!("templates/digest.txt")),
    ("digest.html", include_str!("templates/digest.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // A missing value may be tested (`{% if note %}`) but never printed as blank.
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template {name}: {e}"));
        }
        env
    })
}

fn has(name: &str) -> bool {
    TEMPLATES.iter().any(|(n, _)| *n == name)
}

/// Whether the kind has an e-mail.
pub fn has_mail(kind: ChannelKind) -> bool {
    has(&format!("{}.txt", kind.as_str()))
}

/// Whether the kind has a text message.
pub fn has_sms(kind: ChannelKind) -> bool {
    has(&format!("{}.sms.txt", kind.as_str()))
}

/// An e-mail, rendered.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn render(name: &str, ctx: &Value) -> anyhow::Result<String> {
    let out = env()
        .get_template(name)?
        .render(ctx)
        .map_err(|e| anyhow::anyhow!("rendering {name}: {e:#}"))?;
    Ok(out)
}

/// The e-mail of a kind, or None when the kind has no e-mail templates.
pub fn mail(kind: ChannelKind, ctx: &serde_json::Value) -> anyhow::Result<Option<RenderedMail>> {
    let base = kind.as_str();
    if !has_mail(kind) {
        return Ok(None);
    }
    let ctx = Value::from_serialize(ctx);
    // A subject is one line, whatever the data held.
    let subject = render(&format!("{base}.subject.txt"), &ctx)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Some(RenderedMail {
        subject,
        text: render(&format!("{base}.txt"), &ctx)?,
        html: render(&format!("{base}.html"), &ctx)?,
    }))
}

/// Longest text sent: 4 SMS segments of 153 GSM characters (Twilio takes up to 1,600).
pub const SMS_MAX_CHARS: usize = 612;

/// The text message of a kind, or None when the kind is not sent by SMS.
pub fn sms(kind: ChannelKind, ctx: &serde_json::Value) -> anyhow::Result<Option<String>> {
    if !has_sms(kind) {
        return Ok(None);
    }
    let name = format!("{}.sms.txt", kind.as_str());
    let text = render(&name, &Value::from_serialize(ctx))?;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Some(match text.chars().count() > SMS_MAX_CHARS {
        true => text.chars().take(SMS_MAX_CHARS - 1).chain(['…']).collect(),
        false => text,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn common() -> serde_json::Value {
        json!({
            "name": "Ada <script>",
            "title": "Intro call",
            "with": "Grace & Co",
            "when": "Tue 8 Dec 2026, 15:00 (Europe/Paris)",
            "app_url": "http://localhost:3000",
            "path": "/bookings/1",
            "unsubscribe_url": "http://127.0.0.1:8080/v1/unsubscribe/t",
            "settings_url": "http://localhost:3000/settings/channels",
        })
    }

    #[test]
    fn every_template_renders_with_sample_data_and_html_is_escaped() {
        let mut ctx = common();
        ctx["note"] = json!("Bring the slides");
        for kind in [ChannelKind::BookingConfirmed, ChannelKind::BookingReminder] {
            let mail = mail(kind, &ctx).unwrap().unwrap();
            assert!(mail.subject.contains("Intro call with Grace & Co"), "{}", mail.subject);
            assert!(!mail.subject.contains('\n'));
            assert!(mail.text.contains("Hello Ada <script>"), "{}", mail.text);
            assert!(mail.text.contains("/v1/unsubscribe/t"));
            assert!(mail.html.contains("Ada &lt;script&gt;"), "{}", mail.html);
            assert!(mail.html.contains("Grace &amp; Co"));
            assert!(sms(kind, &ctx).unwrap().unwrap().contains("Intro call"));
        }
        for (cancelled, word) in [(true, "Cancelled"), (false, "Moved")] {
            let mut ctx = common();
            ctx["cancelled"] = json!(cancelled);
            ctx["by"] = json!("Grace");
            ctx["reason"] = json!("Ill");
            ctx["previous_when"] = json!("Mon 7 Dec 2026, 15:00 (Europe/Paris)");
            let mail = mail(ChannelKind::BookingChanged, &ctx).unwrap().unwrap();
            assert!(mail.subject.starts_with(word), "{}", mail.subject);
            assert!(mail.text.contains("by Grace"), "{}", mail.text);
        }
        let mut ctx = common();
        ctx["total"] = json!(3);
        ctx["more"] = json!(1);
        ctx["items"] = json!([
            {"kind": "mention", "from": "Bo", "room": "general", "at": "14:02", "count": 1, "preview": "@ada look"},
            {"kind": "dm", "from": "Cy", "room": null, "at": "14:05", "count": 2, "preview": "hi <b>"},
        ]);
        let mail = mail(ChannelKind::Digest, &ctx).unwrap().unwrap();
        assert_eq!(mail.subject, "3 unread messages for you on Parley");
        assert!(
            mail.text.contains("Bo in general, 14:02:\n  @ada look"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("Cy (direct message), 14:05 (2 messages)"));
        assert!(mail.html.contains("hi &lt;b&gt;"));
        assert!(sms(ChannelKind::Digest, &ctx).unwrap().is_none());
        assert!(mail.text.contains("and 1 more"));
    }

    #[test]
    fn a_value_missing_from_the_data_fails_the_render() {
        let err = mail(ChannelKind::BookingConfirmed, &json!({"name": "Ada"})).unwrap_err();
        assert!(err.to_string().contains("booking_confirmed"), "{err}");
    }

    #[test]
    fn long_texts_are_cut_to_four_segments() {
        let mut ctx = common();
        ctx["title"] = json!("x".repeat(2000));
        let text = sms(ChannelKind::BookingReminder, &ctx).unwrap().unwrap();
        assert_eq!(text.chars().count(), SMS_MAX_CHARS);
        assert!(text.ends_with('…'));
    }
}
