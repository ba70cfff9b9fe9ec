//! The `booking_types` and `availability` tables.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{availability, booking_types};

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
