//! Channel choices, what is queued for whom, unsubscribing and STOP.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use super::mail::Invite;
use super::repo::{self, NewDelivery};
use super::sms::{self, Keyword};
use super::views::{
    Channel, ChannelKind, ChannelPrefsView, ChannelSet, ChannelsByKind, EmailView, PhoneView, QuietHours,
};
use crate::features::notifications::service as notifications;
use crate::platform::error::ApiError;
use crate::platform::jobs;
use crate::platform::time::ClockTime;

/// The job that sends one delivery.
pub const SEND_JOB: &str = "channels.send";

/// The defaults with the user's stored choices applied (one kind's, or all).
async fn choices(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    kind: Option<ChannelKind>,
) -> Result<ChannelsByKind, ApiError> {
    let mut channels = ChannelsByKind::defaults();
    for row in repo::prefs(conn, user, kind.map(ChannelKind::as_str)).await? {
        if let (Some(kind), Some(channel)) = (ChannelKind::parse(&row.kind), Channel::parse(&row.channel)) {
            if kind.offers(channel) {
                channels.of_mut(kind).set(channel, row.enabled);
            }
        }
    }
    Ok(channels)
}

/// Which channels carry this kind to this user (their choices, else the defaults; never a
/// channel the kind does not go by). One query.
pub async fn channels_of(conn: &mut AsyncPgConnection, user: Uuid, kind: ChannelKind) -> Result<ChannelSet, ApiError> {
    Ok(choices(conn, user, Some(kind)).await?.of(kind))
}

pub async fn prefs(conn: &mut AsyncPgConnection, user: Uuid) -> Result<ChannelPrefsView, ApiError> {
    let channels = choices(conn, user, None).await?;
    let contact = repo::contact(conn, user).await?.ok_or(ApiError::NotFound("user"))?;
    let settings = notifications::settings(conn, user).await?;
    let quiet_hours = match settings.dnd {
        Some(dnd) => Some(QuietHours {
            start: ClockTime::parse(&dnd.start)?,
            end: ClockTime::parse(&dnd.end)?,
            time_zone: settings.time_zone,
        }),
        None => None,
    };
    Ok(ChannelPrefsView {
        channels,
        phone: contact.phone.map(|number| PhoneView {
            number,
            verified: true,
            stopped: contact.phone_stopped,
            failing: contact.phone_failed,
        }),
        email: contact.email.map(|address| EmailView {
            address,
            bouncing: contact.email_bounced,
        }),
        quiet_hours,
    })
}

/// Replaces the caller's choices and quiet hours (none: no quiet hours; the time zone
/// stays).
pub async fn set_prefs(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    channels: ChannelsByKind,
    quiet: Option<(String, i16, i16)>,
) -> Result<ChannelPrefsView, ApiError> {
    for kind in ChannelKind::ALL {
        for channel in Channel::ALL {
            if !kind.offers(*channel) && channels.of(*kind).get(*channel) {
                return Err(ApiError::invalid(format!(
                    "channels.{kind}.{channel} must be false: {kind} is not sent by {channel}"
                )));
            }
        }
    }
    conn.transaction::<_, ApiError, _>(async |conn| {
        let (mut kinds, mut names, mut enabled) = (Vec::new(), Vec::new(), Vec::new());
        for kind in ChannelKind::ALL {
            for channel in Channel::ALL {
                let on = channels.of(*kind).get(*channel);
                if kind.offers(*channel) && on != kind.default_on(*channel) {
                    kinds.push(kind.as_str());
                    names.push(channel.as_str());
                    enabled.push(on);
                }
            }
        }
        repo::set_prefs(conn, user, &kinds, &names, &enabled).await?;
        let zone = match &quiet {
            Some((zone, _, _)) => zone.clone(),
            None => notifications::settings(conn, user).await?.time_zone,
        };
        notifications::set_settings(conn, user, &zone, quiet.map(|(_, start, end)| (start, end))).await?;
        prefs(conn, user).await
    })
    .await
}

/// Something to tell one person by e-mail and text (whichever they take).
pub struct Outgoing {
    pub kind: ChannelKind,
    /// What it is about, unique per kind and recipient for one message (e.g.
    /// `booking:<id>:<sequence>`): queuing it again sends nothing more.
    pub subject: String,
    pub recipient: Uuid,
    /// The templates' data; times already in the recipient's zone.
    pub context: serde_json::Value,
    /// A calendar invite to attach to the e-mail.
    pub invite: Option<Invite>,
}

/// What a delivery keeps until it is sent: rendered then, with this API's addresses.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Stored {
    pub context: serde_json::Value,
    pub invite: Option<Invite>,
}

/// Queues e-mails and texts in the caller's transaction: a delivery row each (once per
/// kind, subject, recipient and channel) and its send job. E-mail goes to a good address
/// of someone who takes the kind by e-mail; a text to a verified number that did not reply
/// STOP, outside quiet hours (a text that would wake someone is dropped, not delayed: what
/// it says would be stale by morning). How many were queued; wake the jobs after commit.
pub async fn queue(conn: &mut AsyncPgConnection, items: Vec<Outgoing>) -> Result<usize, ApiError> {
    let mut queued = 0;
    for item in items {
        let Some(contact) = repo::contact(conn, item.recipient).await? else {
            continue;
        };
        let takes = channels_of(conn, item.recipient, item.kind).await?;
        let mut context = item.context;
        if context.get("name").is_none() {
            context["name"] = contact.display_name.clone().into();
        }
        if let Some(email) = contact.email.as_deref().filter(|_| !contact.email_bounced) {
            if takes.email && super::templates::has_mail(item.kind) {
                let stored = Stored {
                    context: context.clone(),
                    invite: item.invite.clone(),
                };
                queued += record(
                    conn,
                    &item.subject,
                    item.kind,
                    item.recipient,
                    Channel::Email,
                    email,
                    &stored,
                )
                .await?;
            }
        }
        if let Some(phone) = contact
            .phone
            .as_deref()
            .filter(|_| !contact.phone_failed && !contact.phone_stopped)
        {
            if takes.sms
                && super::templates::has_sms(item.kind)
                && !notifications::quiet_now(conn, item.recipient).await?
            {
                let stored = Stored { context, invite: None };
                queued += record(
                    conn,
                    &item.subject,
                    item.kind,
                    item.recipient,
                    Channel::Sms,
                    phone,
                    &stored,
                )
                .await?;
            }
        }
    }
    Ok(queued)
}

async fn record(
    conn: &mut AsyncPgConnection,
    subject: &str,
    kind: ChannelKind,
    recipient: Uuid,
    channel: Channel,
    address: &str,
    stored: &Stored,
) -> Result<usize, ApiError> {
    let content = serde_json::to_value(stored).map_err(|e| ApiError::Internal(e.into()))?;
    let new = NewDelivery {
        id: Uuid::now_v7(),
        kind: kind.as_str(),
        subject,
        recipient,
        channel: channel.as_str(),
        address,
        content: &content,
    };
    let Some(id) = repo::insert_delivery(conn, &new).await? else {
        return Ok(0);
    };
    let payload = serde_json::json!({ "delivery_id": id });
    jobs::enqueue(conn, SEND_JOB, &payload, Some(&format!("{SEND_JOB}:{id}"))).await?;
    Ok(1)
}

const TOKEN_LABEL: &[u8] = b"parley-unsubscribe-v1";
const TOKEN_MAC_BYTES: usize = 16;

fn token_mac(key: &[u8; 32], payload: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(TOKEN_LABEL);
    mac.update(payload);
    mac
}

/// The one-click unsubscribe token of a user and kind: who and what, and a MAC (no sign-in
/// needed, nothing to guess).
pub fn unsubscribe_token(key: &[u8; 32], user: Uuid, kind: ChannelKind) -> String {
    let mut payload = user.as_bytes().to_vec();
    payload.extend_from_slice(kind.as_str().as_bytes());
    let tag = token_mac(key, &payload).finalize().into_bytes();
    payload.extend_from_slice(&tag[..TOKEN_MAC_BYTES]);
    URL_SAFE_NO_PAD.encode(payload)
}

/// The user and kind of a genuine token.
pub fn read_token(key: &[u8; 32], token: &str) -> Option<(Uuid, ChannelKind)> {
    let raw = URL_SAFE_NO_PAD.decode(token).ok()?;
    if raw.len() <= 16 + TOKEN_MAC_BYTES {
        return None;
    }
    let (payload, tag) = raw.split_at(raw.len() - TOKEN_MAC_BYTES);
    token_mac(key, payload).verify_truncated_left(tag).ok()?;
    let user = Uuid::from_slice(&payload[..16]).ok()?;
    let kind = ChannelKind::parse(std::str::from_utf8(&payload[16..]).ok()?)?;
    Some((user, kind))
}

/// The kind a token names, if genuine (404 otherwise, like an unknown link).
pub fn unsubscribe_target(key: &[u8; 32], token: &str) -> Result<(Uuid, ChannelKind), ApiError> {
    read_token(key, token).ok_or(ApiError::NotFound("unsubscribe link"))
}

/// Turns the token's kind off by e-mail (idempotent).
pub async fn unsubscribe(conn: &mut AsyncPgConnection, key: &[u8; 32], token: &str) -> Result<ChannelKind, ApiError> {
    let (user, kind) = unsubscribe_target(key, token)?;
    if repo::contact(conn, user).await?.is_none() {
        return Err(ApiError::NotFound("unsubscribe link"));
    }
    repo::set_pref(conn, user, kind.as_str(), Channel::Email.as_str(), false).await?;
    Ok(kind)
}

/// A text to our number (Twilio's inbound webhook, signature checked by the caller): STOP
/// and its synonyms turn texts to that number off, START turns them back on.
pub async fn inbound_sms(conn: &mut AsyncPgConnection, from: &str, body: &str) -> Result<Keyword, ApiError> {
    let keyword = sms::keyword(body);
    match keyword {
        Keyword::Stop => repo::opt_out(conn, from).await?,
        Keyword::Start => repo::opt_in(conn, from).await?,
        Keyword::Other => {}
    }
    Ok(keyword)
}
