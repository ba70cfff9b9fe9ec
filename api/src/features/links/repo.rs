//! The `links` and `link_clicks` tables.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Date, Int8, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{link_clicks, links};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = links)]
pub struct Link {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub provider: String,
    pub code: String,
    pub external_id: Option<String>,
    pub short_url: String,
    pub long_url: String,
    pub long_url_hash: Vec<u8>,
    pub custom: bool,
    pub title: Option<String>,
    pub tags: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub click_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What `/s/{code}` needs of a local link.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = links)]
pub struct Target {
    pub id: Uuid,
    pub long_url: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Inserts a link; None when a unique index refused it (the code, or the same URL of the
/// same owner made meanwhile).
pub async fn insert(conn: &mut AsyncPgConnection, link: &Link) -> QueryResult<Option<Link>> {
    diesel::insert_into(links::table)
        .values(link)
        .on_conflict_do_nothing()
        .returning(Link::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// The owner's link to this URL at this provider (custom codes aside).
pub async fn find_same(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    provider: &str,
    hash: &[u8],
) -> QueryResult<Option<Link>> {
    links::table
        .filter(links::owner_id.eq(owner))
        .filter(links::provider.eq(provider))
        .filter(links::long_url_hash.eq(hash))
        .filter(links::custom.eq(false))
        .select(Link::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn by_local_code(conn: &mut AsyncPgConnection, code: &str) -> QueryResult<Option<Link>> {
    links::table
        .filter(links::provider.eq("local"))
        .filter(links::code.eq(code))
        .select(Link::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn owned(conn: &mut AsyncPgConnection, owner: Uuid, id: Uuid) -> QueryResult<Option<Link>> {
    links::table
        .filter(links::id.eq(id))
        .filter(links::owner_id.eq(owner))
        .select(Link::as_select())
        .first(conn)
        .await
        .optional()
}

/// The owner's links, newest first, optionally with a tag.
pub async fn list(
    conn: &mut AsyncPgConnection,
    owner: Uuid,
    tag: Option<&str>,
    before: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Link>> {
    let mut q = links::table
        .filter(links::owner_id.eq(owner))
        .select(Link::as_select())
        .order(links::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(t) = tag {
        q = q.filter(links::tags.contains(vec![t.to_owned()]));
    }
    if let Some(b) = before {
        q = q.filter(links::id.lt(b));
    }
    q.load(conn).await
}

pub async fn set_meta(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    title: Option<&str>,
    tags: &[String],
) -> QueryResult<Link> {
    diesel::update(links::table.find(id))
        .set((
            links::title.eq(title),
            links::tags.eq(tags),
            links::updated_at.eq(Utc::now()),
        ))
        .returning(Link::as_returning())
        .get_result(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(links::table.find(id)).execute(conn).await
}

pub async fn target(conn: &mut AsyncPgConnection, code: &str) -> QueryResult<Option<Target>> {
    links::table
        .filter(links::provider.eq("local"))
        .filter(links::code.eq(code))
        .select(Target::as_select())
        .first(conn)
        .await
        .optional()
}

/// Clicks per day from `since`, oldest first.
pub async fn daily(conn: &mut AsyncPgConnection, id: Uuid, since: NaiveDate) -> QueryResult<Vec<(NaiveDate, i64)>> {
    link_clicks::table
        .filter(link_clicks::link_id.eq(id))
        .filter(link_clicks::day.ge(since))
        .select((link_clicks::day, link_clicks::clicks))
        .order(link_clicks::day.asc())
        .load(conn)
        .await
}

/// Applies one batch of counted clicks, once: a batch id seen before changes nothing.
/// Links deleted meanwhile are skipped. Returns whether the batch was new.
pub async fn apply_clicks(
    conn: &mut AsyncPgConnection,
    batch: &str,
    counts: &[(Uuid, NaiveDate, i64)],
) -> QueryResult<bool> {
    let fresh = diesel::sql_query("INSERT INTO link_click_batches (batch) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind::<Text, _>(batch)
        .execute(conn)
        .await?;
    if fresh == 0 {
        return Ok(false);
    }
    let ids: Vec<Uuid> = counts.iter().map(|c| c.0).collect();
    let days: Vec<NaiveDate> = counts.iter().map(|c| c.1).collect();
    let n: Vec<i64> = counts.iter().map(|c| c.2).collect();
    diesel::sql_query(
        "INSERT INTO link_clicks (link_id, day, clicks)
         SELECT c.id, c.day, c.n FROM unnest($1::uuid[], $2::date[], $3::int8[]) AS c(id, day, n)
         JOIN links l ON l.id = c.id
         ON CONFLICT (link_id, day) DO UPDATE SET clicks = link_clicks.clicks + EXCLUDED.clicks",
    )
    .bind::<Array<SqlUuid>, _>(&ids)
    .bind::<Array<Date>, _>(&days)
    .bind::<Array<Int8>, _>(&n)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "UPDATE links l SET click_count = l.click_count + c.n
         FROM (SELECT id, sum(n)::int8 AS n FROM unnest($1::uuid[], $2::int8[]) AS u(id, n) GROUP BY id) c
         WHERE l.id = c.id",
    )
    .bind::<Array<SqlUuid>, _>(&ids)
    .bind::<Array<Int8>, _>(&n)
    .execute(conn)
    .await?;
    // Batch ids are kept a week: long past any retry of a flush.
    diesel::sql_query("DELETE FROM link_click_batches WHERE flushed_at < now() - interval '7 days'")
        .execute(conn)
        .await?;
    Ok(true)
}
