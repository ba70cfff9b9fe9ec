//! Channel preferences, contact details, deliveries and pending digests.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Int4, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(QueryableByName)]
pub struct PrefRow {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub channel: String,
    #[diesel(sql_type = Bool)]
    pub enabled: bool,
}

/// The user's choices that differ from the defaults: all of them, or one kind's.
pub async fn prefs(conn: &mut AsyncPgConnection, user: Uuid, kind: Option<&str>) -> QueryResult<Vec<PrefRow>> {
    diesel::sql_query(
        "SELECT kind, channel, enabled FROM channel_prefs WHERE user_id = $1 AND ($2::text IS NULL OR kind = $2)",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Nullable<Text>, _>(kind)
    .load(conn)
    .await
}

/// Replaces the user's choices (only those that differ from the defaults are stored).
pub async fn set_prefs(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    kinds: &[&str],
    channels: &[&str],
    enabled: &[bool],
) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM channel_prefs WHERE user_id = $1")
        .bind::<SqlUuid, _>(user)
        .execute(conn)
        .await?;
    diesel::sql_query(
        "INSERT INTO channel_prefs (user_id, kind, channel, enabled) \
         SELECT $1, k, c, e FROM unnest($2::text[], $3::text[], $4::bool[]) AS x(k, c, e)",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Array<Text>, _>(kinds)
    .bind::<Array<Text>, _>(channels)
    .bind::<Array<Bool>, _>(enabled)
    .execute(conn)
    .await?;
    Ok(())
}

/// How to reach a user.
#[derive(QueryableByName, Debug, Clone)]
pub struct Contact {
    #[diesel(sql_type = Text)]
    pub display_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Bool)]
    pub email_bounced: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub phone: Option<String>,
    #[diesel(sql_type = Bool)]
    pub phone_failed: bool,
    #[diesel(sql_type = Bool)]
    pub phone_stopped: bool,
}

pub async fn contact(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<Option<Contact>> {
    diesel::sql_query(
        "SELECT u.display_name, u.email, u.email_bounced_at IS NOT NULL AS email_bounced, u.phone, \
                u.phone_failed_at IS NOT NULL AS phone_failed, \
                EXISTS (SELECT 1 FROM sms_opt_outs o WHERE o.phone = u.phone) AS phone_stopped \
         FROM users u WHERE u.id = $1 AND NOT u.deleted",
    )
    .bind::<SqlUuid, _>(user)
    .get_result(conn)
    .await
    .optional()
}

pub struct NewDelivery<'a> {
    pub id: Uuid,
    pub kind: &'a str,
    pub subject: &'a str,
    pub recipient: Uuid,
    pub channel: &'a str,
    pub address: &'a str,
    pub content: &'a serde_json::Value,
}

/// Records a delivery once per (kind, subject, recipient, channel); its id when new.
pub async fn insert_delivery(conn: &mut AsyncPgConnection, d: &NewDelivery<'_>) -> QueryResult<Option<Uuid>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
    }
    let row: Option<Row> = diesel::sql_query(
        "INSERT INTO deliveries (id, kind, subject, recipient_id, channel, address, content) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (kind, subject, recipient_id, channel) DO NOTHING RETURNING id",
    )
    .bind::<SqlUuid, _>(d.id)
    .bind::<Text, _>(d.kind)
    .bind::<Text, _>(d.subject)
    .bind::<SqlUuid, _>(d.recipient)
    .bind::<Text, _>(d.channel)
    .bind::<Text, _>(d.address)
    .bind::<Jsonb, _>(d.content)
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|r| r.id))
}

#[derive(QueryableByName, Debug, Clone)]
pub struct Delivery {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = SqlUuid)]
    pub recipient_id: Uuid,
    #[diesel(sql_type = Text)]
    pub channel: String,
    #[diesel(sql_type = Text)]
    pub address: String,
    #[diesel(sql_type = Jsonb)]
    pub content: serde_json::Value,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Int4)]
    pub attempts: i32,
}

const DELIVERY_COLUMNS: &str = "id, kind, recipient_id, channel, address, content, status, attempts";

/// Takes a pending delivery for one send: `sending` is committed before the network call.
/// None when it is not pending (sent, failed, or a run that died mid-send left it sending).
pub async fn claim(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Delivery>> {
    diesel::sql_query(format!(
        "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = now() \
         WHERE id = $1 AND status = 'pending' RETURNING {DELIVERY_COLUMNS}"
    ))
    .bind::<SqlUuid, _>(id)
    .get_result(conn)
    .await
    .optional()
}

pub async fn delivery(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Delivery>> {
    diesel::sql_query(format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1"))
        .bind::<SqlUuid, _>(id)
        .get_result(conn)
        .await
        .optional()
}

/// Records how a send ended (only from `from`: a second writer changes nothing).
pub async fn finish(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    from: &str,
    status: &str,
    provider_id: Option<&str>,
    error: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::sql_query(
        "UPDATE deliveries SET status = $3, provider_id = coalesce($4, provider_id), error = $5, \
                sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END, updated_at = now() \
         WHERE id = $1 AND status = $2",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<Text, _>(from)
    .bind::<Text, _>(status)
    .bind::<Nullable<Text>, _>(provider_id)
    .bind::<Nullable<Text>, _>(error)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// The mail server refused the user's address for good.
pub async fn mark_bounced(conn: &mut AsyncPgConnection, user: Uuid, address: &str) -> QueryResult<()> {
    diesel::sql_query("UPDATE users SET email_bounced_at = now() WHERE id = $1 AND email = $2")
        .bind::<SqlUuid, _>(user)
        .bind::<Text, _>(address)
        .execute(conn)
        .await?;
    Ok(())
}

/// Twilio refused the user's number for good (not a mobile number).
pub async fn mark_phone_failed(conn: &mut AsyncPgConnection, user: Uuid, phone: &str) -> QueryResult<()> {
    diesel::sql_query("UPDATE users SET phone_failed_at = now() WHERE id = $1 AND phone = $2")
        .bind::<SqlUuid, _>(user)
        .bind::<Text, _>(phone)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn opt_out(conn: &mut AsyncPgConnection, phone: &str) -> QueryResult<()> {
    diesel::sql_query("INSERT INTO sms_opt_outs (phone) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind::<Text, _>(phone)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn opt_in(conn: &mut AsyncPgConnection, phone: &str) -> QueryResult<()> {
    diesel::sql_query("DELETE FROM sms_opt_outs WHERE phone = $1")
        .bind::<Text, _>(phone)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes digests whose window ran out (each by one instance): who, and since when.
pub async fn take_due_digests(
    conn: &mut AsyncPgConnection,
    before: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<(Uuid, DateTime<Utc>)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = SqlUuid)]
        user_id: Uuid,
        #[diesel(sql_type = Timestamptz)]
        since: DateTime<Utc>,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "DELETE FROM digest_pending WHERE user_id IN ( \
             SELECT user_id FROM digest_pending WHERE since <= $1 \
             ORDER BY since LIMIT $2 FOR UPDATE SKIP LOCKED) \
         RETURNING user_id, since",
    )
    .bind::<Timestamptz, _>(before)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.user_id, r.since)).collect())
}

/// Sets one choice (the one-click unsubscribe).
pub async fn set_pref(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    kind: &str,
    channel: &str,
    enabled: bool,
) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO channel_prefs (user_id, kind, channel, enabled) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, kind, channel) DO UPDATE SET enabled = excluded.enabled",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Text, _>(kind)
    .bind::<Text, _>(channel)
    .bind::<Bool, _>(enabled)
    .execute(conn)
    .await?;
    Ok(())
}
