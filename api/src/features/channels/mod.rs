//! E-mail and SMS as notification channels: per-user choices per kind and channel, quiet
//! hours, the verified phone number from Clerk; deliveries written in the transaction that
//! decides them and sent exactly once from the recipient's view by a leased job (SMTP
//! through lettre, Twilio's Messages API); one-click unsubscribe (RFC 8058); Twilio's
//! STOP; the digest of unread mentions and DMs after a while offline.

pub mod digest;
pub mod mail;
pub mod repo;
pub mod routes;
pub mod send;
pub mod service;
pub mod sms;
pub mod templates;
pub mod views;

use std::time::Duration;

/// What channel routes and jobs take as app data.
#[derive(Clone)]
pub struct Channels {
    /// None: e-mail is off (no `SMTP_URL`).
    pub mailer: Option<mail::Mailer>,
    /// None: SMS is off (no `TWILIO_ACCOUNT_SID`).
    pub twilio: Option<sms::Twilio>,
    /// Signs one-click unsubscribe links.
    pub unsubscribe_key: [u8; 32],
    /// This API's public address (unsubscribe links, the Twilio webhook's signed URL).
    pub public_url: String,
    /// The web app (links in messages).
    pub app_url: String,
    /// How long mentions and DMs stay unread before a digest is mailed.
    pub digest_after: Duration,
}
