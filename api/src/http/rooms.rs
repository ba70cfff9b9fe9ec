use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::auth::AuthUser;
use crate::db::events::{self, RoomEvent};
use crate::db::messages as message_db;
use crate::db::rooms::{self as room_db, RoomChanges};
use crate::db::users;
use crate::domain::messages::{views, MessageView};
use crate::domain::rooms::{self, NewRoomInput, RoomView};
use crate::error::{ApiError, ApiResult, Problem};
use crate::http::pagination;
use crate::http::users::UserResponse;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_rooms)
        .service(create_room)
        .service(get_room)
        .service(update_room)
        .service(delete_room)
        .service(join_room)
        .service(leave_room)
        .service(list_members)
        .service(invite_member)
        .service(kick_member)
        .service(list_events)
        .service(mark_read)
        .service(open_direct)
        .service(list_conversations);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoomRequest {
    /// 1 to 80 characters.
    pub name: String,
    pub description: Option<String>,
    /// `public` or `private` (direct rooms come from `POST /v1/dms`).
    pub kind: String,
    /// 1 to 100000; absent means unlimited.
    pub max_members: Option<i32>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoomRequest {
    pub name: Option<String>,
    /// Empty clears it.
    pub description: Option<String>,
    /// 0 clears the limit.
    pub max_members: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct RoomPage {
    pub items: Vec<RoomView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct RoomQuery {
    /// Name prefix (case-insensitive).
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// 1 to 100, default 50.
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberView {
    pub user: UserResponse,
    /// `owner`, `moderator` or `member`.
    pub role: String,
    pub joined_at: DateTime<Utc>,
    pub last_read_seq: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<MemberView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub user_id: Uuid,
    /// `member` (default) or `moderator` (owner only). Inviting an existing member with
    /// another role changes their role (owner only).
    pub role: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct EventQuery {
    /// Events with seq greater than this (default 0).
    pub after: Option<i64>,
    /// 1 to 1000, default 100.
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<RoomEvent>,
    /// The room's log head when read: page on while the last item's seq is below it.
    pub last_seq: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadRequest {
    /// The highest seq the user has seen; the marker never moves backwards.
    pub seq: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ReadResponse {
    pub room_id: Uuid,
    pub last_read_seq: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectRequest {
    pub user_id: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct Conversation {
    pub room: RoomView,
    pub last_message: Option<MessageView>,
    /// Others' messages after the caller's read marker.
    pub unread_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationList {
    pub items: Vec<Conversation>,
}

/// Public rooms and the caller's own rooms.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), params(RoomQuery),
    responses((status = 200, body = RoomPage), (status = "4XX", body = Problem)))]
#[get("/rooms")]
pub async fn list_rooms(
    user: AuthUser,
    query: web::Query<RoomQuery>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let prefix = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let mut conn = state.db.get().await?;
    let rows = room_db::list_visible(&mut conn, user.id, prefix, after, limit).await?;
    let next_cursor = pagination::next_cursor(&rows, limit, |(r, _)| r.id);
    let items = rows.into_iter().map(|(r, m)| RoomView::new(r, m.as_ref())).collect();
    Ok(HttpResponse::Ok().json(RoomPage { items, next_cursor }))
}

/// Create a public or private room; the caller becomes its owner.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = CreateRoomRequest,
    responses((status = 201, body = RoomView), (status = "4XX", body = Problem)))]
#[post("/rooms")]
pub async fn create_room(
    user: AuthUser,
    body: web::Json<CreateRoomRequest>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if !matches!(b.kind.as_str(), "public" | "private") {
        return Err(ApiError::invalid("kind must be public or private"));
    }
    let input = NewRoomInput {
        name: rooms::parse_name(&b.name)?,
        description: rooms::parse_description(b.description)?,
        kind: b.kind,
        max_members: rooms::parse_max_members(b.max_members)?,
    };
    let mut conn = state.db.get().await?;
    let (room, events) = rooms::create(&mut conn, user.id, input).await?;
    drop(conn);
    state.bus.publish_events(&events).await;
    Ok(HttpResponse::Created().json(room))
}

/// One room (404 for a private room the caller is not in).
#[utoipa::path(tag = "rooms", security(("bearer" = [])),
    responses((status = 200, body = RoomView), (status = "4XX", body = Problem)))]
#[get("/rooms/{room_id}")]
pub async fn get_room(user: AuthUser, room_id: web::Path<Uuid>, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = state.db.get().await?;
    let access = rooms::access(&mut conn, room_id.into_inner(), user.id).await?;
    Ok(HttpResponse::Ok().json(RoomView::new(access.room, access.membership.as_ref())))
}

/// Rename, describe or resize a room (owner or moderator).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = UpdateRoomRequest,
    responses((status = 200, body = RoomView), (status = "4XX", body = Problem)))]
#[patch("/rooms/{room_id}")]
pub async fn update_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: web::Json<UpdateRoomRequest>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let changes = RoomChanges {
        name: b.name.as_deref().map(rooms::parse_name).transpose()?,
        description: b.description.map(|d| rooms::parse_description(Some(d))).transpose()?,
        max_members: match b.max_members {
            None => None,
            Some(0) => Some(None),
            Some(n) => Some(rooms::parse_max_members(Some(n))?),
        },
        updated_at: Some(Utc::now()),
    };
    let mut conn = state.db.get().await?;
    let (room, events) = rooms::update(&mut conn, user.id, room_id.into_inner(), changes).await?;
    drop(conn);
    state.bus.publish_events(&events).await;
    Ok(HttpResponse::Ok().json(room))
}

/// Delete a room with its history (owner or moderator).
#[utoipa::path(tag = "rooms", security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), (status = "4XX", body = Problem)))]
#[delete("/rooms/{room_id}")]
pub async fn delete_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.db.get().await?;
    rooms::delete(&mut conn, user.id, room_id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Join a public room (idempotent; 409 when full).
#[utoipa::path(tag = "rooms", security(("bearer" = [])),
    responses((status = 200, body = RoomView), (status = "4XX", body = Problem)))]
#[post("/rooms/{room_id}/join")]
pub async fn join_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.db.get().await?;
    let (room, events) = rooms::join(&mut conn, user.id, room_id.into_inner()).await?;
    drop(conn);
    state.bus.publish_events(&events).await;
    Ok(HttpResponse::Ok().json(room))
}

/// Leave a room (idempotent).
#[utoipa::path(tag = "rooms", security(("bearer" = [])),
    responses((status = 204, description = "Left"), (status = "4XX", body = Problem)))]
#[post("/rooms/{room_id}/leave")]
pub async fn leave_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.db.get().await?;
    let events = rooms::leave(&mut conn, user.id, room_id.into_inner()).await?;
    drop(conn);
    state.bus.publish_events(&events).await;
    Ok(HttpResponse::NoContent().finish())
}

/// A room's members with their roles and read markers.
#[utoipa::path(tag = "rooms", security(("bearer" = [])),
    responses((status = 200, body = MemberList), (status = "4XX", body = Problem)))]
#[get("/rooms/{room_id}/members")]
pub async fn list_members(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let room_id = room_id.into_inner();
    let mut conn = state.db.get().await?;
    rooms::access(&mut conn, room_id, user.id).await?;
    let members = room_db::members(&mut conn, room_id).await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let people: std::collections::HashMap<Uuid, _> = users::by_ids(&mut conn, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let items = members
        .into_iter()
        .filter_map(|m| {
            let user = people.get(&m.user_id)?.clone();
            Some(MemberView {
                user: user.into(),
                role: m.role,
                joined_at: m.joined_at,
                last_read_seq: m.last_read_seq,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(MemberList { items }))
}

/// Add a user to the room, or change a member's role (owner or moderator).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = InviteRequest,
    responses((status = 200, body = MemberView), (status = "4XX", body = Problem)))]
#[post("/rooms/{room_id}/members")]
pub async fn invite_member(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: web::Json<InviteRequest>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let mut conn = state.db.get().await?;
    let (membership, events) = rooms::invite(&mut conn, user.id, room_id.into_inner(), b.user_id, b.role).await?;
    let invited = users::by_id(&mut conn, membership.user_id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    drop(conn);
    state.bus.publish_events(&events).await;
    Ok(HttpResponse::Ok().json(MemberView {
        user: invited.into(),
        role: membership.role,
        joined_at: membership.joined_at,
        last_read_seq: membership.last_read_seq,
    }))
}

/// Remove a member (owner or moderator; the owner cannot be removed).
#[utoipa::path(tag = "rooms", security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = "4XX", body = Problem)))]
#[delete("/rooms/{room_id}/members/{user_id}")]
pub async fn kick_member(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (room_id, target) = path.into_inner();
    let mut conn = state.db.get().await?;
    let events = rooms::kick(&mut conn, user.id, room_id, target).await?;
    drop(conn);
    state.bus.publish_events(&events).await;
    Ok(HttpResponse::NoContent().finish())
}

/// The room's event log after a seq, oldest first: how a client catches up after a drop.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), params(EventQuery),
    responses((status = 200, body = EventPage), (status = "4XX", body = Problem)))]
#[get("/rooms/{room_id}/events")]
pub async fn list_events(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    query: web::Query<EventQuery>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let after = query.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::invalid("after must be 0 or more"));
    }
    let limit = match query.limit {
        None => 100,
        Some(n) if (1..=1000).contains(&n) => n,
        Some(n) => return Err(ApiError::invalid(format!("limit must be between 1 and 1000, not {n}"))),
    };
    let mut conn = state.db.get().await?;
    let access = rooms::access(&mut conn, room_id.into_inner(), user.id).await?;
    let items = events::after(&mut conn, access.room.id, after, limit).await?;
    Ok(HttpResponse::Ok().json(EventPage {
        items,
        last_seq: access.room.last_seq,
    }))
}

/// Move the caller's read marker forward.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = ReadRequest,
    responses((status = 200, body = ReadResponse), (status = "4XX", body = Problem)))]
#[post("/rooms/{room_id}/read")]
pub async fn mark_read(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: web::Json<ReadRequest>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let room_id = room_id.into_inner();
    let last_read_seq = rooms::mark_read(&state, user.id, room_id, body.seq).await?;
    Ok(HttpResponse::Ok().json(ReadResponse { room_id, last_read_seq }))
}

/// The direct room with another user, created on first use (201) or found (200).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = DirectRequest,
    responses((status = 200, body = RoomView), (status = 201, body = RoomView), (status = "4XX", body = Problem)))]
#[post("/dms")]
pub async fn open_direct(
    user: AuthUser,
    body: web::Json<DirectRequest>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.db.get().await?;
    let (room, events, created) = rooms::direct(&mut conn, user.id, body.user_id).await?;
    drop(conn);
    state.bus.publish_events(&events).await;
    Ok(if created {
        HttpResponse::Created().json(room)
    } else {
        HttpResponse::Ok().json(room)
    })
}

/// The caller's rooms by last activity, with the last message and unread count (up to 200).
#[utoipa::path(tag = "rooms", security(("bearer" = [])),
    responses((status = 200, body = ConversationList), (status = "4XX", body = Problem)))]
#[get("/conversations")]
pub async fn list_conversations(user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = state.db.get().await?;
    let rows = room_db::conversations(&mut conn, user.id, 200).await?;
    let room_ids: Vec<Uuid> = rows.iter().map(|r| r.room_id).collect();
    let mut rooms_by_id: std::collections::HashMap<Uuid, _> = room_db::by_ids(&mut conn, &room_ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let message_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.last_message_id).collect();
    let last_messages = message_db::by_ids(&mut conn, &message_ids).await?;
    let messages = views(&mut conn, last_messages, user.id).await?;
    let mut messages_by_id: std::collections::HashMap<Uuid, MessageView> =
        messages.into_iter().map(|m| (m.id, m)).collect();
    let items = rows
        .into_iter()
        .filter_map(|row| {
            let room = rooms_by_id.remove(&row.room_id)?;
            let mut view = RoomView::new(room, None);
            view.my_role = Some(row.role);
            Some(Conversation {
                room: view,
                last_message: row.last_message_id.and_then(|id| messages_by_id.remove(&id)),
                unread_count: row.unread,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(ConversationList { items }))
}
