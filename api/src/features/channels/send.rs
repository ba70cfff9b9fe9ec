//! The `channels.send` job: one delivery, sent once. Runs as a [`Task`] (no transaction
//! open during the network call):
//!
//! 1. `pending → sending` is committed first. A run that finds `sending` (the one before it
//!    died, or lost its lease, between the call and recording its answer) marks the
//!    delivery `unknown` and sends nothing: a lost mail is possible in that window, a
//!    second one is not.
//! 2. The message is rendered (templates, this API's unsubscribe link) and handed over.
//! 3. `sent` with the provider's id; back to `pending` for a retry when nothing was taken
//!    (4xx, a refused connection, 429/5xx from Twilio), until the job's last attempt;
//!    `failed` for good on a permanent refusal, which also marks the address (5.5.0 mailbox
//!    unknown) or the number (not a mobile; replied STOP); `unknown` when the answer was
//!    lost after the request left.

use futures_util::future::BoxFuture;
use uuid::Uuid;

use super::mail::{self, Invite};
use super::repo::{self, Delivery};
use super::service::{unsubscribe_token, Stored};
use super::sms;
use super::templates;
use super::views::ChannelKind;
use super::Channels;
use crate::platform::db::DbPool;
use crate::platform::ical::{line, param};
use crate::platform::jobs::{Job, Task};

pub struct SendDelivery(pub Channels);

/// A send's end, to record.
enum End {
    Sent(String),
    Retry(String),
    Failed {
        error: String,
        mark: Mark,
    },
    Unknown(String),
    /// Not sent, and never will be (the channel is off here, or the content is broken).
    Cancelled(String),
}

enum Mark {
    Nothing,
    Bounced,
    PhoneFailed,
    Stopped,
}

impl Task for SendDelivery {
    fn run<'a>(&'a self, db: &'a DbPool, job: &'a Job) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let id: Uuid = serde_json::from_value(job.payload["delivery_id"].clone())?;
            let mut conn = db.get().await?;
            let Some(d) = repo::claim(&mut conn, id).await? else {
                if let Some(d) = repo::delivery(&mut conn, id).await? {
                    if d.status == "sending" {
                        tracing::warn!(delivery = %id, "a send was cut off before its answer was recorded: not sent again");
                        let why = "the send before was cut off before its answer was recorded: not sent again";
                        repo::finish(&mut conn, id, "sending", "unknown", None, Some(why)).await?;
                    }
                }
                return Ok(());
            };
            drop(conn);
            let end = self.send(&d).await;
            let mut conn = db.get().await?;
            let (status, provider, error) = match &end {
                End::Sent(pid) => ("sent", Some(pid.as_str()), None),
                End::Retry(e) if job.attempts < job.max_attempts => ("pending", None, Some(e.as_str())),
                End::Retry(e) => ("failed", None, Some(e.as_str())),
                End::Failed { error, .. } => ("failed", None, Some(error.as_str())),
                End::Unknown(e) => ("unknown", None, Some(e.as_str())),
                End::Cancelled(e) => ("cancelled", None, Some(e.as_str())),
            };
            repo::finish(&mut conn, id, "sending", status, provider, error).await?;
            match end {
                End::Failed { mark, .. } => match mark {
                    Mark::Bounced => repo::mark_bounced(&mut conn, d.recipient_id, &d.address).await?,
                    Mark::PhoneFailed => repo::mark_phone_failed(&mut conn, d.recipient_id, &d.address).await?,
                    Mark::Stopped => repo::opt_out(&mut conn, &d.address).await?,
                    Mark::Nothing => {}
                },
                End::Retry(e) if status == "pending" => anyhow::bail!("{e}"),
                _ => {}
            }
            Ok(())
        })
    }
}

impl SendDelivery {
    async fn send(&self, d: &Delivery) -> End {
        let Some(kind) = ChannelKind::parse(&d.kind) else {
            return End::Cancelled(format!("unknown kind {}", d.kind));
        };
        let stored: Stored = match serde_json::from_value(d.content.clone()) {
            Ok(s) => s,
            Err(e) => return End::Cancelled(format!("stored content unreadable: {e}")),
        };
        let mut context = stored.context;
        let ch = &self.0;
        context["app_url"] = ch.app_url.clone().into();
        context["settings_url"] = format!("{}/settings/channels", ch.app_url).into();
        context["unsubscribe_url"] = unsubscribe_url(ch, d.recipient_id, kind).into();
        match d.channel.as_str() {
            "email" => self.mail(d, kind, &context, stored.invite.as_ref()).await,
            "sms" => self.text(d, kind, &context).await,
            other => End::Cancelled(format!("unknown channel {other}")),
        }
    }

    async fn mail(&self, d: &Delivery, kind: ChannelKind, context: &serde_json::Value, invite: Option<&Invite>) -> End {
        let Some(mailer) = &self.0.mailer else {
            return End::Cancelled("e-mail is off here (no SMTP_URL)".into());
        };
        let rendered = match templates::mail(kind, context) {
            Ok(Some(r)) => r,
            Ok(None) => return End::Cancelled(format!("{kind} has no e-mail")),
            Err(e) => {
                tracing::error!(delivery = %d.id, error = %e, "an e-mail template failed");
                return End::Cancelled(format!("{e:#}"));
            }
        };
        let name = context["name"].as_str().unwrap_or_default();
        let invite = invite.map(|i| Invite {
            method: i.method.clone(),
            ics: addressed(&i.ics, mailer.sender(), (name, &d.address)),
        });
        let unsubscribe = context["unsubscribe_url"].as_str().unwrap_or_default();
        let message = match mailer.build(d.id, (&d.address, name), &rendered, invite.as_ref(), unsubscribe) {
            Ok(m) => m,
            Err(e) => return End::Cancelled(format!("the message cannot be built: {e:#}")),
        };
        match mailer.send(message).await {
            mail::Outcome::Sent(answer) => End::Sent(answer),
            mail::Outcome::Retry(e) => End::Retry(e),
            mail::Outcome::Permanent { bounce, error } => End::Failed {
                error,
                mark: if bounce { Mark::Bounced } else { Mark::Nothing },
            },
            mail::Outcome::Ambiguous(e) => End::Unknown(e),
        }
    }

    async fn text(&self, d: &Delivery, kind: ChannelKind, context: &serde_json::Value) -> End {
        let Some(twilio) = &self.0.twilio else {
            return End::Cancelled("SMS is off here (no TWILIO_ACCOUNT_SID)".into());
        };
        let body = match templates::sms(kind, context) {
            Ok(Some(b)) => b,
            Ok(None) => return End::Cancelled(format!("{kind} has no text")),
            Err(e) => {
                tracing::error!(delivery = %d.id, error = %e, "an SMS template failed");
                return End::Cancelled(format!("{e:#}"));
            }
        };
        match twilio.send(&d.address, &body).await {
            sms::Outcome::Sent(sid) => End::Sent(sid),
            sms::Outcome::Retry(e) => End::Retry(e),
            sms::Outcome::Permanent {
                stopped,
                bad_number,
                error,
            } => End::Failed {
                error,
                mark: match (stopped, bad_number) {
                    (true, _) => Mark::Stopped,
                    (_, true) => Mark::PhoneFailed,
                    _ => Mark::Nothing,
                },
            },
            sms::Outcome::Ambiguous(e) => End::Unknown(e),
        }
    }
}

/// The one-click unsubscribe URL of a user and kind.
pub fn unsubscribe_url(ch: &Channels, user: Uuid, kind: ChannelKind) -> String {
    format!(
        "{}/v1/unsubscribe/{}",
        ch.public_url,
        unsubscribe_token(&ch.unsubscribe_key, user, kind)
    )
}

/// An invite with its iMIP organizer (our sender, on the host's behalf) and attendee (the
/// recipient) added to the event.
fn addressed(ics: &str, (org_name, org_email): (String, String), (name, email): (&str, &str)) -> String {
    let mut people = String::new();
    line(
        &mut people,
        &format!("ORGANIZER;CN={}:mailto:{org_email}", param(&org_name)),
    );
    line(
        &mut people,
        &format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{email}",
            param(name)
        ),
    );
    ics.replacen("END:VEVENT\r\n", &format!("{people}END:VEVENT\r\n"), 1)
}
