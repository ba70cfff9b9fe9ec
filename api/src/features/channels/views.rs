//! What clients see of their notification channels: per kind, which of e-mail, SMS and
//! Web Push carry it; the verified phone number; quiet hours.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::platform::time::ClockTime;

crate::platform::text_enum::text_enum! {
    /// What a message sent on a channel is about.
    pub enum ChannelKind {
        /// A booking was made or confirmed (e-mail with the invite attached).
        BookingConfirmed = "booking_confirmed",
        /// A booking was rescheduled or cancelled (e-mail with the updated invite).
        BookingChanged = "booking_changed",
        /// A booking starts soon.
        BookingReminder = "booking_reminder",
        /// Unread mentions and DMs, after a while offline (e-mail only).
        Digest = "digest",
        /// A lecture starts soon.
        LectureReminder = "lecture_reminder",
    }
}

crate::platform::text_enum::text_enum! {
    /// A way to reach a user outside the app.
    pub enum Channel {
        Email = "email",
        Sms = "sms",
        Push = "push",
    }
}

impl ChannelKind {
    /// Whether this kind goes out on this channel at all (a digest is e-mail only).
    pub fn offers(self, channel: Channel) -> bool {
        !matches!((self, channel), (ChannelKind::Digest, Channel::Sms | Channel::Push))
    }

    /// What a user gets before changing anything: e-mail and push for everything offered,
    /// SMS only for reminders (texts cost the reader attention, so they are kept for what
    /// is about to happen).
    pub fn default_on(self, channel: Channel) -> bool {
        self.offers(channel)
            && match channel {
                Channel::Email | Channel::Push => true,
                Channel::Sms => matches!(self, ChannelKind::BookingReminder | ChannelKind::LectureReminder),
            }
    }
}

/// Which channels carry one kind.
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ChannelSet {
    pub email: bool,
    pub sms: bool,
    pub push: bool,
}

impl ChannelSet {
    pub fn get(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email,
            Channel::Sms => self.sms,
            Channel::Push => self.push,
        }
    }

    pub fn set(&mut self, channel: Channel, on: bool) {
        match channel {
            Channel::Email => self.email = on,
            Channel::Sms => self.sms = on,
            Channel::Push => self.push = on,
        }
    }
}

/// A digest's channels: e-mail only (`sms` and `push` are always false).
fn digest_set_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let never = || {
        ObjectBuilder::new()
            .schema_type(Type::Boolean)
            .enum_values(Some([false]))
            .description(Some("Always false: a digest goes by e-mail only."))
    };
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("A digest goes by e-mail only."))
        .property("email", ObjectBuilder::new().schema_type(Type::Boolean))
        .property("sms", never())
        .property("push", never())
        .required("email")
        .required("sms")
        .required("push")
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)))
        .build()
}

/// Every kind's channels. A digest goes by e-mail only (`sms` and `push` stay false).
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ChannelsByKind {
    pub booking_confirmed: ChannelSet,
    pub booking_changed: ChannelSet,
    pub booking_reminder: ChannelSet,
    #[schema(schema_with = digest_set_schema)]
    pub digest: ChannelSet,
    pub lecture_reminder: ChannelSet,
}

impl ChannelsByKind {
    pub fn of(&self, kind: ChannelKind) -> ChannelSet {
        match kind {
            ChannelKind::BookingConfirmed => self.booking_confirmed,
            ChannelKind::BookingChanged => self.booking_changed,
            ChannelKind::BookingReminder => self.booking_reminder,
            ChannelKind::Digest => self.digest,
            ChannelKind::LectureReminder => self.lecture_reminder,
        }
    }

    pub fn of_mut(&mut self, kind: ChannelKind) -> &mut ChannelSet {
        match kind {
            ChannelKind::BookingConfirmed => &mut self.booking_confirmed,
            ChannelKind::BookingChanged => &mut self.booking_changed,
            ChannelKind::BookingReminder => &mut self.booking_reminder,
            ChannelKind::Digest => &mut self.digest,
            ChannelKind::LectureReminder => &mut self.lecture_reminder,
        }
    }

    pub fn defaults() -> Self {
        let set = |kind: ChannelKind| ChannelSet {
            email: kind.default_on(Channel::Email),
            sms: kind.default_on(Channel::Sms),
            push: kind.default_on(Channel::Push),
        };
        Self {
            booking_confirmed: set(ChannelKind::BookingConfirmed),
            booking_changed: set(ChannelKind::BookingChanged),
            booking_reminder: set(ChannelKind::BookingReminder),
            digest: set(ChannelKind::Digest),
            lecture_reminder: set(ChannelKind::LectureReminder),
        }
    }
}

/// The phone number texts go to: the account's verified number at Clerk (Parley never
/// takes one typed in). Read-only: a PUT may send it back and it is ignored.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct PhoneView {
    /// E.164, e.g. +14155550123.
    #[schema(max_length = 16)]
    pub number: String,
    /// Always true: only verified numbers are used.
    pub verified: bool,
    /// The number replied STOP: no texts until it replies START.
    #[serde(default)]
    pub stopped: bool,
    /// Texts to it failed for good (not a mobile number): none are sent.
    #[serde(default)]
    pub failing: bool,
}

/// The address e-mails go to (the account's at Clerk). Read-only, like `phone`.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct EmailView {
    #[schema(max_length = 320)]
    pub address: String,
    /// The mail server refused it for good: none are sent until it changes.
    #[serde(default)]
    pub bouncing: bool,
}

/// Daily hours with no texts or pushes, in a time zone (the do-not-disturb hours of
/// `/v1/me/notification-settings`: one setting). E-mail still arrives.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    pub start: ClockTime,
    /// Exclusive; earlier than the start to span midnight.
    pub end: ClockTime,
    #[schema(schema_with = crate::platform::time::time_zone_schema)]
    pub time_zone: String,
}

/// The caller's channels. PUT takes back exactly what GET gives.
#[derive(Serialize, ToSchema)]
pub struct ChannelPrefsView {
    pub channels: ChannelsByKind,
    pub phone: Option<PhoneView>,
    pub email: Option<EmailView>,
    pub quiet_hours: Option<QuietHours>,
}
