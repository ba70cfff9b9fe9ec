//! The `booking_types` and `availability` tables.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{availability, booking_types, bookings, calendar_feeds};

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = booking_types, treat_none_as_null = true)]
pub struct BookingType {
    pub id: Uuid,
    pub host_id: Uuid,
    pub title: String,
    pub slug: String,
    pub description: Option<String>,
    pub length_minutes: i32,
    pub price_amount: Option<i64>,
    pub price_currency: Option<String>,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub minimum_notice_minutes: i32,
    pub window_days: i32,
    pub slot_interval_minutes: i32,
    pub max_per_day: Option<i32>,
    pub requires_confirmation: bool,
    pub refund_until_hours: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Inserts a booking type; false when the host has one with that slug.
pub async fn insert(conn: &mut AsyncPgConnection, t: &BookingType) -> QueryResult<bool> {
    let n = diesel::insert_into(booking_types::table)
        .values(t)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// Saves a changed booking type; false when its new slug is another of the host's.
pub async fn save(conn: &mut AsyncPgConnection, t: &BookingType) -> QueryResult<bool> {
    let clash: bool = diesel::select(diesel::dsl::exists(
        booking_types::table
            .filter(booking_types::host_id.eq(t.host_id))
            .filter(booking_types::slug.eq(&t.slug))
            .filter(booking_types::id.ne(t.id)),
    ))
    .get_result(conn)
    .await?;
    if clash {
        return Ok(false);
    }
    diesel::update(booking_types::table.find(t.id))
        .set(t)
        .execute(conn)
        .await?;
    Ok(true)
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<BookingType>> {
    booking_types::table
        .find(id)
        .select(BookingType::as_select())
        .first(conn)
        .await
        .optional()
}

/// The slugs of booking types by id (those that still exist).
pub async fn slugs(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<(Uuid, String)>> {
    booking_types::table
        .filter(booking_types::id.eq_any(ids))
        .select((booking_types::id, booking_types::slug))
        .load(conn)
        .await
}

pub async fn by_slug(conn: &mut AsyncPgConnection, host: Uuid, slug: &str) -> QueryResult<Option<BookingType>> {
    booking_types::table
        .filter(booking_types::host_id.eq(host))
        .filter(booking_types::slug.eq(slug))
        .select(BookingType::as_select())
        .first(conn)
        .await
        .optional()
}

/// A page of the host's booking types, oldest first.
pub async fn of_host(
    conn: &mut AsyncPgConnection,
    host: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<BookingType>> {
    let mut q = booking_types::table
        .filter(booking_types::host_id.eq(host))
        .order(booking_types::id.asc())
        .limit(limit)
        .select(BookingType::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(booking_types::id.gt(after));
    }
    q.load(conn).await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(booking_types::table.find(id)).execute(conn).await
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = availability)]
pub struct Schedule {
    pub host_id: Uuid,
    pub time_zone: String,
    pub weekly: serde_json::Value,
    pub overrides: serde_json::Value,
    pub updated_at: DateTime<Utc>,
}

pub async fn schedule(conn: &mut AsyncPgConnection, host: Uuid) -> QueryResult<Option<Schedule>> {
    availability::table
        .find(host)
        .select(Schedule::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn save_schedule(conn: &mut AsyncPgConnection, s: &Schedule) -> QueryResult<()> {
    diesel::insert_into(availability::table)
        .values(s)
        .on_conflict(availability::host_id)
        .do_update()
        .set(s)
        .execute(conn)
        .await
        .map(drop)
}

crate::platform::text_enum::text_enum! {
    /// Where a booking stands. `held` (waiting for its payment), `pending` (waiting for the
    /// host) and `confirmed` keep the slot; the rest release it.
    pub enum BookingStatus {
        Held = "held",
        Pending = "pending",
        Confirmed = "confirmed",
        Cancelled = "cancelled",
        Rejected = "rejected",
        Expired = "expired",
    }
}

impl BookingStatus {
    /// Whether it keeps its slot (the exclusion constraint's statuses).
    pub fn live(self) -> bool {
        matches!(self, Self::Held | Self::Pending | Self::Confirmed)
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = bookings, treat_none_as_null = true)]
pub struct Booking {
    pub id: Uuid,
    pub booking_type_id: Option<Uuid>,
    pub host_id: Uuid,
    pub client_id: Uuid,
    pub title: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub buffer_before_minutes: i32,
    pub buffer_after_minutes: i32,
    pub status: BookingStatus,
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub time_zone: String,
    pub note: Option<String>,
    pub price_amount: Option<i64>,
    pub price_currency: Option<String>,
    pub refund_until_hours: Option<i32>,
    pub requires_confirmation: bool,
    pub room_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub payment_id: Option<Uuid>,
    pub checkout_url: Option<String>,
    pub sequence: i32,
    pub cancel_reason: Option<String>,
    pub cancelled_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The exclusion constraint refused a write: the host has another live booking there.
fn overlap(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(_, info) if info.constraint_name() == Some("bookings_no_overlap"))
}

/// Writes a new booking; `Ok(false)` when the host has a live booking in its range.
pub async fn insert_booking(conn: &mut AsyncPgConnection, b: &Booking) -> QueryResult<bool> {
    match diesel::insert_into(bookings::table).values(b).execute(conn).await {
        Ok(_) => Ok(true),
        Err(e) if overlap(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Saves a changed booking in a savepoint; `Ok(false)` (nothing changed, the transaction
/// still usable) when its range or status now clashes with another live booking.
pub async fn save_booking(conn: &mut AsyncPgConnection, b: &Booking) -> QueryResult<bool> {
    use diesel_async::AsyncConnection;
    let saved = conn
        .transaction::<_, diesel::result::Error, _>(async |conn| {
            diesel::update(bookings::table.find(b.id)).set(b).execute(conn).await
        })
        .await;
    match saved {
        Ok(_) => Ok(true),
        Err(e) if overlap(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn booking(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Booking>> {
    bookings::table
        .find(id)
        .select(Booking::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn booking_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Booking>> {
    bookings::table
        .find(id)
        .select(Booking::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Releases the host's holds that ran out and overlap `[from, to)` (before a new booking
/// claims the range, in its transaction); or, with no host, every hold that ran out (the
/// sweeper, a batch at a time). The released holds' sessions (for the caller to drop).
pub async fn expire_holds(
    conn: &mut AsyncPgConnection,
    host: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<Option<Uuid>>> {
    #[derive(QueryableByName)]
    struct Gone {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
        session_id: Option<Uuid>,
    }
    let gone: Vec<Gone> = diesel::sql_query(
        "UPDATE bookings SET status = 'expired', checkout_url = NULL, sequence = sequence + 1,
                             updated_at = now()
         WHERE id IN (SELECT id FROM bookings
                      WHERE status = 'held' AND hold_expires_at < now()
                        AND ($1::uuid IS NULL OR (host_id = $1 AND blocked && tstzrange($2, $3, '[)')))
                      ORDER BY hold_expires_at LIMIT 500
                      FOR UPDATE SKIP LOCKED)
         RETURNING session_id",
    )
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(host)
    .bind::<diesel::sql_types::Timestamptz, _>(from)
    .bind::<diesel::sql_types::Timestamptz, _>(to)
    .load(conn)
    .await?;
    Ok(gone.into_iter().map(|g| g.session_id).collect())
}

/// What a live booking keeps from others (with its buffers), and when it starts.
#[derive(QueryableByName, Debug)]
pub struct Busy {
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub blocked_from: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub blocked_to: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub start_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub booking_type_id: Option<Uuid>,
}

/// The host's live bookings whose blocked range meets `[from, to)` (holds that ran out do
/// not count), but `except`.
pub async fn busy(
    conn: &mut AsyncPgConnection,
    host: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    except: Option<Uuid>,
) -> QueryResult<Vec<Busy>> {
    diesel::sql_query(
        "SELECT lower(blocked) AS blocked_from, upper(blocked) AS blocked_to, start_at, booking_type_id FROM bookings
         WHERE host_id = $1 AND blocked && tstzrange($2, $3, '[)')
           AND status IN ('held', 'pending', 'confirmed')
           AND NOT (status = 'held' AND hold_expires_at < now())
           AND ($4::uuid IS NULL OR id <> $4)
         ORDER BY lower(blocked)",
    )
    .bind::<diesel::sql_types::Uuid, _>(host)
    .bind::<diesel::sql_types::Timestamptz, _>(from)
    .bind::<diesel::sql_types::Timestamptz, _>(to)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(except)
    .load(conn)
    .await
}

/// Serialises bookings of one host (a daily limit needs one view of the day).
pub async fn lock_host(conn: &mut AsyncPgConnection, host: Uuid) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 22))")
        .bind::<diesel::sql_types::Uuid, _>(host)
        .execute(conn)
        .await
        .map(drop)
}

/// A page of the user's bookings, newest first.
pub async fn bookings_of(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    (as_host, as_client): (bool, bool),
    status: Option<BookingStatus>,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Booking>> {
    let mut q = bookings::table
        .order(bookings::id.desc())
        .limit(limit)
        .select(Booking::as_select())
        .into_boxed();
    q = match (as_host, as_client) {
        (true, false) => q.filter(bookings::host_id.eq(user)),
        (false, true) => q.filter(bookings::client_id.eq(user)),
        _ => q.filter(bookings::host_id.eq(user).or(bookings::client_id.eq(user))),
    };
    if let Some(status) = status {
        q = q.filter(bookings::status.eq(status));
    }
    if let Some(after) = after {
        q = q.filter(bookings::id.lt(after));
    }
    q.load(conn).await
}

/// The user's bookings for their calendar feed: those ending after `since`, either side,
/// every status a calendar should show (live ones, and the cancelled so it removes them).
pub async fn calendar_of(conn: &mut AsyncPgConnection, user: Uuid, since: DateTime<Utc>) -> QueryResult<Vec<Booking>> {
    bookings::table
        .filter(bookings::host_id.eq(user).or(bookings::client_id.eq(user)))
        .filter(bookings::end_at.gt(since))
        .filter(bookings::status.ne(BookingStatus::Expired))
        .order(bookings::start_at.asc())
        .limit(1000)
        .select(Booking::as_select())
        .load(conn)
        .await
}

/// Whether a booking type has live bookings still to come.
pub async fn upcoming_of_type(conn: &mut AsyncPgConnection, type_id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        bookings::table
            .filter(bookings::booking_type_id.eq(type_id))
            .filter(bookings::status.eq_any([BookingStatus::Held, BookingStatus::Pending, BookingStatus::Confirmed]))
            .filter(bookings::end_at.gt(Utc::now())),
    ))
    .get_result(conn)
    .await
}

/// Replaces the user's calendar feed token (its SHA-256).
pub async fn set_feed(conn: &mut AsyncPgConnection, user: Uuid, hash: &[u8]) -> QueryResult<()> {
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::user_id.eq(user),
            calendar_feeds::token_hash.eq(hash),
            calendar_feeds::created_at.eq(Utc::now()),
        ))
        .on_conflict(calendar_feeds::user_id)
        .do_update()
        .set((
            calendar_feeds::token_hash.eq(hash),
            calendar_feeds::created_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Whose feed a token's SHA-256 opens.
pub async fn feed_owner(conn: &mut AsyncPgConnection, hash: &[u8]) -> QueryResult<Option<Uuid>> {
    calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(hash))
        .select(calendar_feeds::user_id)
        .first(conn)
        .await
        .optional()
}
