//! The `integrations` and `session_exports` tables.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::{integrations, session_exports};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = integrations)]
pub struct Integration {
    pub user_id: Uuid,
    pub provider: String,
    pub status: String,
    pub access_token: Option<Vec<u8>>,
    pub refresh_token: Option<Vec<u8>>,
    pub workspace_name: Option<String>,
    pub problem: Option<String>,
    pub connected_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = session_exports)]
pub struct Export {
    pub id: Uuid,
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub target: String,
    pub status: String,
    pub parent_page_id: Option<String>,
    pub page_id: Option<String>,
    pub page_url: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn list(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<Vec<Integration>> {
    integrations::table
        .filter(integrations::user_id.eq(user))
        .select(Integration::as_select())
        .load(conn)
        .await
}

pub async fn get(conn: &mut AsyncPgConnection, user: Uuid, provider: &str) -> QueryResult<Option<Integration>> {
    integrations::table
        .find((user, provider))
        .select(Integration::as_select())
        .first(conn)
        .await
        .optional()
}

/// Connected with these (sealed) tokens, replacing what was there.
pub async fn connect(conn: &mut AsyncPgConnection, row: &Integration) -> QueryResult<Integration> {
    diesel::insert_into(integrations::table)
        .values(row)
        .on_conflict((integrations::user_id, integrations::provider))
        .do_update()
        .set((
            integrations::status.eq(excluded(integrations::status)),
            integrations::access_token.eq(excluded(integrations::access_token)),
            integrations::refresh_token.eq(excluded(integrations::refresh_token)),
            integrations::workspace_name.eq(excluded(integrations::workspace_name)),
            integrations::problem.eq(None::<String>),
            integrations::connected_at.eq(excluded(integrations::connected_at)),
            integrations::updated_at.eq(excluded(integrations::updated_at)),
        ))
        .returning(Integration::as_returning())
        .get_result(conn)
        .await
}

/// Rotated tokens after a refresh.
pub async fn set_tokens(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    provider: &str,
    access: &[u8],
    refresh: Option<&[u8]>,
) -> QueryResult<usize> {
    diesel::update(integrations::table.find((user, provider)))
        .set((
            integrations::access_token.eq(access),
            integrations::refresh_token.eq(refresh),
            integrations::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
}

/// The tokens are dropped; the row stays to say why.
pub async fn disconnect_with(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    provider: &str,
    problem: &str,
) -> QueryResult<usize> {
    diesel::update(integrations::table.find((user, provider)))
        .set((
            integrations::status.eq("disconnected"),
            integrations::access_token.eq(None::<Vec<u8>>),
            integrations::refresh_token.eq(None::<Vec<u8>>),
            integrations::problem.eq(problem),
            integrations::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
}

pub async fn delete(conn: &mut AsyncPgConnection, user: Uuid, provider: &str) -> QueryResult<usize> {
    diesel::delete(integrations::table.find((user, provider)))
        .execute(conn)
        .await
}

pub async fn export_for(
    conn: &mut AsyncPgConnection,
    session: Uuid,
    user: Uuid,
    target: &str,
) -> QueryResult<Option<Export>> {
    session_exports::table
        .filter(session_exports::session_id.eq(session))
        .filter(session_exports::user_id.eq(user))
        .filter(session_exports::target.eq(target))
        .select(Export::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// A user's exports of a session (one per target).
pub async fn exports_of(conn: &mut AsyncPgConnection, session: Uuid, user: Uuid) -> QueryResult<Vec<Export>> {
    session_exports::table
        .filter(session_exports::session_id.eq(session))
        .filter(session_exports::user_id.eq(user))
        .select(Export::as_select())
        .order(session_exports::target.asc())
        .load(conn)
        .await
}

pub async fn insert_export(conn: &mut AsyncPgConnection, e: &Export) -> QueryResult<Export> {
    diesel::insert_into(session_exports::table)
        .values(e)
        .returning(Export::as_returning())
        .get_result(conn)
        .await
}

pub async fn export(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Export>> {
    session_exports::table
        .find(id)
        .select(Export::as_select())
        .first(conn)
        .await
        .optional()
}

/// Queued again (a new parent drops the page made under the old one).
pub async fn requeue(conn: &mut AsyncPgConnection, e: &Export, parent: Option<&str>) -> QueryResult<Export> {
    let same_parent = e.parent_page_id.as_deref() == parent;
    diesel::update(session_exports::table.find(e.id))
        .set((
            session_exports::status.eq("queued"),
            session_exports::error.eq(None::<String>),
            session_exports::parent_page_id.eq(parent),
            session_exports::page_id.eq(if same_parent { e.page_id.clone() } else { None }),
            session_exports::page_url.eq(if same_parent { e.page_url.clone() } else { None }),
            session_exports::updated_at.eq(Utc::now()),
        ))
        .returning(Export::as_returning())
        .get_result(conn)
        .await
}

pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: &str,
    error: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(session_exports::table.find(id))
        .set((
            session_exports::status.eq(status),
            session_exports::error.eq(error),
            session_exports::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
}

pub async fn set_page(conn: &mut AsyncPgConnection, id: Uuid, page: &str, url: &str) -> QueryResult<usize> {
    diesel::update(session_exports::table.find(id))
        .set((
            session_exports::page_id.eq(page),
            session_exports::page_url.eq(url),
            session_exports::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
}
