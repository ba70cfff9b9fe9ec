//! E-mail over SMTP (lettre, rustls, pooled connections): one message per delivery, text
//! and HTML alternatives, an iCalendar invite where there is one (`text/calendar` with its
//! `method=`, as RFC 6047 asks), `List-Unsubscribe` with the one-click `POST` of RFC 8058,
//! and a `Message-ID` made from the delivery's id (a duplicate, if one ever slips through,
//! is recognisably the same message).
//!
//! Outcomes are sorted by what they say about the recipient's view: a reply of 4xx or a
//! refused connection means nothing was taken (retry); 5xx means never (stop; 550/551/553
//! also mark the address); a timeout or a broken connection after the data may have been
//! taken, so it is reported as ambiguous and never sent again.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
pub use lettre::Message;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::templates::RenderedMail;

/// Longest one SMTP exchange may take (lettre's own timeout covers each command's wait, not
/// the whole send).
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// A calendar file to attach.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Invite {
    /// `REQUEST` or `CANCEL` (the MIME part's `method=`, equal to the file's METHOD).
    pub method: String,
    pub ics: String,
}

/// What became of one send.
#[derive(Debug)]
pub enum Outcome {
    /// Taken; the server's answer (its queue id, often).
    Sent(String),
    /// Not taken, try later.
    Retry(String),
    /// Never: `bounce` when the address itself was refused.
    Permanent { bounce: bool, error: String },
    /// May or may not have been taken: not sent again.
    Ambiguous(String),
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The SMTP host is this machine (a local catcher): test mode.
    pub local: bool,
}

impl Mailer {
    /// `smtp_url`: `smtp://user:pass@host:port`, `?tls=required` for STARTTLS, `smtps://`
    /// for implicit TLS; `from`: `Name <address>`.
    pub fn new(smtp_url: &str, from: &str, pool_size: u32) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(10)))
            .pool_config(PoolConfig::new().max_size(pool_size.max(1)))
            .build();
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("MAIL_FROM {from:?}: {e}"))?;
        let host = url::Url::parse(smtp_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        Ok(Self {
            transport,
            from,
            local: matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]"),
        })
    }

    /// The sender's name and bare address (an invite's ORGANIZER).
    pub fn sender(&self) -> (String, String) {
        let name = self.from.name.clone().unwrap_or_else(|| "Parley".into());
        (name, self.from.email.to_string())
    }

    /// Builds the message (without sending it).
    pub fn build(
        &self,
        id: Uuid,
        (to, to_name): (&str, &str),
        rendered: &RenderedMail,
        invite: Option<&Invite>,
        unsubscribe_url: &str,
    ) -> anyhow::Result<Message> {
        let to = Mailbox::new(Some(to_name.to_owned()), to.parse()?);
        let domain = self.from.email.domain().to_owned();
        let alternative = MultiPart::alternative_plain_html(rendered.text.clone(), rendered.html.clone());
        let body = match invite {
            None => alternative,
            Some(invite) => {
                let kind = ContentType::parse(&format!("text/calendar; charset=UTF-8; method={}", invite.method))?;
                MultiPart::mixed()
                    .multipart(alternative)
                    .singlepart(Attachment::new("invite.ics".into()).body(invite.ics.clone(), kind))
            }
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .message_id(Some(format!("<{id}@{domain}>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{unsubscribe_url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ))
            .multipart(body)?;
        Ok(message)
    }

    /// Hands one message to the SMTP server.
    pub async fn send(&self, message: Message) -> Outcome {
        match tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await {
            Err(_) => Outcome::Ambiguous(format!("no answer within {SEND_TIMEOUT:?}")),
            Ok(Ok(response)) => Outcome::Sent(response.message().collect::<Vec<_>>().join(" ")),
            Ok(Err(e)) => classify(&e),
        }
    }
}

fn classify(e: &lettre::transport::smtp::Error) -> Outcome {
    let text = e.to_string();
    if let Some(code) = e.status() {
        let code = u16::from(code);
        return match code {
            // Authentication and TLS demands are ours to fix, not the recipient's: retry
            // (with backoff) so mail flows once the settings are right.
            530 | 534 | 535 | 538 => Outcome::Retry(text),
            // The mailbox does not exist / is not here / the name is not allowed.
            550 | 551 | 553 => Outcome::Permanent {
                bounce: true,
                error: text,
            },
            _ if e.is_permanent() => Outcome::Permanent {
                bounce: false,
                error: text,
            },
            _ => Outcome::Retry(text),
        };
    }
    // "Connection error": no connection was made, nothing was sent.
    if text.starts_with("Connection error") || e.is_client() || e.is_transport_shutdown() {
        return Outcome::Retry(text);
    }
    Outcome::Ambiguous(text)
}
