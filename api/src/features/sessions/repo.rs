//! The `sessions` table.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::platform::schema::sessions;

crate::platform::text_enum::text_enum! {
    /// Where a session stands: it only moves forward.
    pub enum SessionStatus {
        Scheduled = "scheduled",
        Live = "live",
        Ended = "ended",
    }
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: Uuid,
    pub room_id: Uuid,
    pub host_id: Uuid,
    pub title: String,
    pub status: SessionStatus,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub start_seq: Option<i64>,
    pub end_seq: Option<i64>,
    pub booking_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, s: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(s)
        .execute(conn)
        .await
        .map(drop)
}

pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Session>> {
    sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)
        .await
        .optional()
}

/// A page of a room's sessions, newest first.
pub async fn of_room(
    conn: &mut AsyncPgConnection,
    room: Uuid,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<Session>> {
    let mut q = sessions::table
        .filter(sessions::room_id.eq(room))
        .order(sessions::id.desc())
        .limit(limit)
        .select(Session::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(sessions::id.lt(after));
    }
    q.load(conn).await
}

/// Moves a session that has not started; false when it has.
pub async fn reschedule(conn: &mut AsyncPgConnection, id: Uuid, at: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::status.eq(SessionStatus::Scheduled)),
    )
    .set((sessions::scheduled_at.eq(at), sessions::updated_at.eq(Utc::now())))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Deletes a session that has not started; false when it has.
pub async fn delete_scheduled(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
    let n = diesel::delete(
        sessions::table
            .find(id)
            .filter(sessions::status.eq(SessionStatus::Scheduled)),
    )
    .execute(conn)
    .await?;
    Ok(n == 1)
}
