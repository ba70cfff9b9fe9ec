// Aliases derived from the generated schema by route, so they survive renames of
// component schemas in the API document. No request/response type is written by hand
// (but for one route, see ApiPaths below).
import type { components, paths } from "./schema";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Ok<Op> = Op extends { responses: infer R }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer B }
      ? Json<B>
      : never
  : never;
type Body<Op> = Op extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type Query<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The caller's own profile (`GET /v1/me`), private fields included: never someone else's. */
export type Me = Ok<paths["/v1/me"]["get"]>;
/** What anyone sees of a person (`GET /v1/users/{id}`, members, search). `Me` satisfies it too. */
export type PublicProfile = Ok<paths["/v1/users/{user_id}"]["get"]>;
/** What an avatar needs of a person: both profiles satisfy it. */
export type AvatarUser = Pick<PublicProfile, "display_name" | "avatar_file_id" | "image_url" | "color">;
export type UpdateMe = Body<paths["/v1/me"]["patch"]>;
export type Room = Ok<paths["/v1/rooms/{room_id}"]["get"]>;
export type RoomKind = Room["kind"];
export type CreateRoom = Body<paths["/v1/rooms"]["post"]>;
export type RoomPage = Ok<paths["/v1/rooms"]["get"]>;
export type UserPage = Ok<paths["/v1/users"]["get"]>;
export type Member = Ok<paths["/v1/rooms/{room_id}/members"]["get"]>["items"][number];
export type MemberRole = Member["role"];
export type Message = Ok<paths["/v1/rooms/{room_id}/messages"]["get"]>["items"][number];
export type MessagePage = Ok<paths["/v1/rooms/{room_id}/messages"]["get"]>;
export type PostMessage = Body<paths["/v1/rooms/{room_id}/messages"]["post"]>;
/** Who a message mentions (`room`: @room); the same shape when sending. */
export type Mentions = NonNullable<PostMessage["mentions"]>;
export type RoomEventRecord = Ok<paths["/v1/rooms/{room_id}/events"]["get"]>["items"][number];
export type Conversation = Ok<paths["/v1/conversations"]["get"]>["items"][number];
export type ConversationPage = Ok<paths["/v1/conversations"]["get"]>;
export type TransferRoom = Body<paths["/v1/rooms/{room_id}/transfer"]["post"]>;

// ---- Files and notes -------------------------------------------------------------------

/** POST /v1/files → 201 (the upload itself is multipart, sent with XMLHttpRequest). */
export type FileView = Ok<paths["/v1/files"]["post"]>;
export type FilePurpose = FileView["purpose"];
/** A file as messages and notes show it. */
export type Attachment = NonNullable<Message["attachments"]>[number];
export type NoteView = Ok<paths["/v1/notes/{note_id}"]["get"]>;
export type NotePage = Ok<paths["/v1/notes"]["get"]>;
export type NoteQuery = Query<paths["/v1/notes"]["get"]>;
export type CreateNote = Body<paths["/v1/notes"]["post"]>;
export type UpdateNote = Body<paths["/v1/notes/{note_id}"]["patch"]>;

// ---- Notifications ---------------------------------------------------------------------

export type AppNotification = Ok<paths["/v1/notifications"]["get"]>["items"][number];
export type NotificationKind = AppNotification["kind"];
export type NotificationPage = Ok<paths["/v1/notifications"]["get"]>;
export type MarkNotificationsRead = Body<paths["/v1/notifications/read"]["post"]>;
export type MarkedRead = Ok<paths["/v1/notifications/read"]["post"]>;
export type RoomNotificationLevel = Ok<paths["/v1/rooms/{room_id}/notification-level"]["get"]>;
export type SetRoomNotificationLevel = Body<paths["/v1/rooms/{room_id}/notification-level"]["put"]>;
export type NotificationLevel = SetRoomNotificationLevel["level"];
export type NotificationSettings = Ok<paths["/v1/me/notification-settings"]["get"]>;
export type UpdateNotificationSettings = Body<paths["/v1/me/notification-settings"]["put"]>;

/** Per kind of notice, which of e-mail, SMS and push carry it; the phone and address; quiet hours. */
export type ChannelPrefs = Ok<paths["/v1/me/notification-channels"]["get"]>;
/** PUT takes back exactly what GET gives (phone and e-mail are read-only and ignored). */
export type UpdateChannelPrefs = Body<paths["/v1/me/notification-channels"]["put"]>;
export type ChannelsByKind = ChannelPrefs["channels"];
export type ChannelKind = keyof ChannelsByKind;
/** Which channels carry one kind (a digest's `sms` and `push` are typed `false`: it goes by e-mail only). */
export type ChannelSet = ChannelsByKind["booking_confirmed"];
export type ChannelName = keyof ChannelSet;
export type QuietHours = NonNullable<ChannelPrefs["quiet_hours"]>;
export type PhoneChannel = NonNullable<ChannelPrefs["phone"]>;
export type EmailChannel = NonNullable<ChannelPrefs["email"]>;

type ServerFrame = components["schemas"]["ServerFrame"];
/** A new notification, or one updated by coalescing. */
export type NotificationFrame = Extract<ServerFrame, { type: "notification" }>;
/** Notifications marked read elsewhere (another tab, or reading the room). */
export type NotificationsReadFrame = Extract<ServerFrame, { type: "notifications_read" }>;
export type MessageUnlockedFrame = Extract<ServerFrame, { type: "message_unlocked" }>;

// ---- Payments ----------------------------------------------------------------------------

export type PayoutAccount = Ok<paths["/v1/payouts/account"]["get"]>;
export type Onboarding = Ok<paths["/v1/payouts/account"]["post"]>;
export type Earnings = Ok<paths["/v1/payouts/earnings"]["get"]>;
export type Totals = Earnings["totals"][number];
export type Payment = Ok<paths["/v1/payments/{payment_id}"]["get"]>;
export type PaymentKind = Payment["kind"];
export type PaymentStatus = Payment["status"];
export type PaymentPage = Ok<paths["/v1/payments/history"]["get"]>;
export type Creator = Ok<paths["/v1/creators/{user_id}"]["get"]>;
export type Tier = Creator["tiers"][number];
export type CreateTier = Body<paths["/v1/creators/me/tiers"]["post"]>;
export type UpdateTier = Body<paths["/v1/creators/me/tiers/{tier_id}"]["patch"]>;
export type CreatorProfile = Body<paths["/v1/creators/me"]["put"]>;
export type TipRequest = Body<paths["/v1/creators/{user_id}/tips"]["post"]>;
/** A payment started at Stripe's hosted Checkout: `checkout_url` is where to pay. */
export type Started = Ok<paths["/v1/creators/{user_id}/tips"]["post"]>;
export type Subscription = Ok<paths["/v1/subscriptions"]["get"]>["items"][number];
/** A subscription started: pay at `checkout_url`; `subscription_id` is where to come back to. */
export type SubscribeStarted = Ok<paths["/v1/creators/{user_id}/subscribe"]["post"]>;
export type PaymentRole = NonNullable<Query<paths["/v1/payments/history"]["get"]>["role"]>;
export type RefundRequest = Body<paths["/v1/payments/{payment_id}/refund"]["post"]>;
export type SubscriptionStatus = Subscription["status"];
/** A pay-per-view price and preview, when posting. */
export type PpvRequest = NonNullable<PostMessage["ppv"]>;
export type UpdateRoom = Body<paths["/v1/rooms/{room_id}"]["patch"]>;

// ---- Bookings ----------------------------------------------------------------------------

/** A kind of meeting a host offers (`/book/{host}/{slug}`). */
export type BookingType = Ok<paths["/v1/booking-types/{booking_type_id}"]["get"]>;
export type BookingTypePage = Ok<paths["/v1/booking-types"]["get"]>;
export type CreateBookingType = Body<paths["/v1/booking-types"]["post"]>;
export type UpdateBookingType = Body<paths["/v1/booking-types/{booking_type_id}"]["patch"]>;
/** A host's schedule: weekly rules and date overrides in an IANA zone. */
export type Availability = Ok<paths["/v1/availability"]["get"]>;
export type WeeklyRule = Availability["weekly"][number];
export type DateOverride = Availability["overrides"][number];
export type TimeRange = DateOverride["ranges"][number];
export type Weekday = WeeklyRule["day"];
/** An IANA zone name the API knows. */
export type TimeZone = Availability["time_zone"];
export type Slot = Ok<paths["/v1/hosts/{user_id}/booking-types/{slug}/slots"]["get"]>["items"][number];
export type Booking = Ok<paths["/v1/bookings/{booking_id}"]["get"]>;
export type BookingStatus = Booking["status"];
export type BookingPage = Ok<paths["/v1/bookings"]["get"]>;
export type BookingRole = NonNullable<Query<paths["/v1/bookings"]["get"]>["role"]>;
export type CreateBooking = Body<paths["/v1/bookings"]["post"]>;
export type CalendarFeed = Ok<paths["/v1/me/calendar-feed"]["post"]>;

// ---- Short links -------------------------------------------------------------------------

/** One of my short links (`short_url` leads to `long_url`; `/s/{code}` on the API for ours). */
export type LinkView = Ok<paths["/v1/links/{link_id}"]["get"]>;
export type LinkPage = Ok<paths["/v1/links"]["get"]>;
export type CreateLink = Body<paths["/v1/links"]["post"]>;
export type UpdateLink = Body<paths["/v1/links/{link_id}"]["patch"]>;
/** Clicks per UTC day of a period, oldest first, and the total. */
export type LinkStats = Ok<paths["/v1/links/{link_id}/stats"]["get"]>;
export type DayClicks = LinkStats["days"][number];

// ---- The routes the client is typed with ------------------------------------------------
export type ApiPaths = paths;

// ---- Live sessions -----------------------------------------------------------------------

/** A session in a room: scheduled, live or ended. */
export type Session = Ok<paths["/v1/sessions/{session_id}"]["get"]>;
export type SessionStatus = Session["status"];
export type SessionPage = Ok<paths["/v1/rooms/{room_id}/sessions"]["get"]>;
export type CreateSession = Body<paths["/v1/rooms/{room_id}/sessions"]["post"]>;
export type UpdateSession = Body<paths["/v1/sessions/{session_id}"]["patch"]>;
/** A note taken during a session (shared, or the caller's private one). */
export type SessionNote = Ok<paths["/v1/sessions/{session_id}/notes"]["get"]>["items"][number];
export type SessionNoteKind = SessionNote["kind"];
export type SessionNoteVisibility = SessionNote["visibility"];
export type CreateSessionNote = Body<paths["/v1/sessions/{session_id}/notes"]["post"]>;
export type UpdateSessionNote = Body<paths["/v1/session-notes/{note_id}"]["patch"]>;
/** Who attended when, the notes the caller sees, a page of the transcript. */
export type SessionRecord = Ok<paths["/v1/sessions/{session_id}/record"]["get"]>;
export type SessionParticipant = SessionRecord["participants"][number];
export type AttendanceInterval = SessionParticipant["intervals"][number];

// ---- Connections and exports -------------------------------------------------------------

/** A connection to an outside service (Notion): its state, never its token. */
export type Integration = Ok<paths["/v1/integrations/notion/token"]["put"]>;
export type IntegrationList = Ok<paths["/v1/integrations"]["get"]>;
/** A pasted Notion token (`PUT /v1/integrations/notion/token`). */
export type NotionTokenBody = Body<paths["/v1/integrations/notion/token"]["put"]>;
/** Where Notion's consent page is (`GET /v1/integrations/notion/authorize`, JSON asked for). */
export type NotionAuthorize = Ok<paths["/v1/integrations/notion/authorize"]["get"]>;
export type CreateExport = Body<paths["/v1/sessions/{session_id}/exports"]["post"]>;
/** An export of a session's record to Notion: POST answers it (202), GET follows it. */
export type SessionExport = Ok<paths["/v1/exports/{export_id}"]["get"]>;
