use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::access::RoomKind;
use super::members::{self, InviteRole};
use super::validate::{NewRoomInput, RoomDescription, RoomName, RoomUpdate};
use super::views::{MemberView, RoomView};
use super::{dms, service};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::{ApiError, ApiResult};
use crate::platform::events::Database;
use crate::platform::events::RoomEvent;
use crate::platform::json::Json;
use crate::platform::pagination::{self, Cursor, Page, Prefix};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_rooms)
        .service(create_room)
        .service(get_room)
        .service(update_room)
        .service(delete_room)
        .service(join_room)
        .service(leave_room)
        .service(transfer_room)
        .service(list_members)
        .service(invite_member)
        .service(kick_member)
        .service(list_events)
        .service(mark_read)
        .service(open_direct);
}

/// The kinds of room a client may create (direct rooms come from `POST /v1/dms`).
#[derive(Deserialize, ToSchema, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
pub enum NewRoomKind {
    Public,
    Private,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoomRequest {
    pub name: RoomName,
    pub description: Option<RoomDescription>,
    pub kind: NewRoomKind,
    /// 1 to 100000; absent means unlimited.
    #[schema(minimum = 1, maximum = 100000)]
    #[serde(default, deserialize_with = "crate::platform::validate::opt_integer")]
    pub max_members: Option<i32>,
    /// A tier of one's own: the room is for its subscribers from its first moment.
    pub required_tier_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoomRequest {
    pub name: Option<RoomName>,
    /// Empty clears it.
    pub description: Option<RoomDescription>,
    /// 1 to 100000; 0 clears the limit.
    #[schema(minimum = 0, maximum = 100000)]
    #[serde(default, deserialize_with = "crate::platform::validate::opt_integer")]
    pub max_members: Option<i32>,
    /// An upload of one's own with purpose `room_logo` (re-encoded to a PNG of at most
    /// 512 px); null removes the logo. The one it replaces is deleted.
    #[serde(default, deserialize_with = "crate::platform::json::nullable")]
    #[schema(value_type = Option<Uuid>, nullable)]
    pub logo_file_id: Option<Option<Uuid>>,
    /// A tier of one's own: only its subscribers may join (owner only); null: open again.
    #[serde(default, deserialize_with = "crate::platform::json::nullable")]
    #[schema(value_type = Option<Uuid>, nullable)]
    pub required_tier_id: Option<Option<Uuid>>,
}

#[derive(Serialize, ToSchema)]
pub struct RoomPage {
    pub items: Vec<RoomView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct RoomQuery {
    /// Name prefix (case-insensitive).
    #[param(inline)]
    pub q: Option<Prefix>,
    #[param(inline)]
    pub cursor: Option<Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
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
    pub role: Option<InviteRole>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// A member of the room, who becomes its owner.
    pub user_id: Uuid,
}

#[derive(Deserialize, IntoParams)]
pub struct EventQuery {
    /// Events with seq greater than this (default 0).
    #[param(minimum = 0, maximum = 9007199254740991_i64)]
    pub after: Option<i64>,
    /// 1 to 1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
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
    #[schema(minimum = 0, maximum = 9007199254740991_i64)]
    #[serde(deserialize_with = "crate::platform::validate::integer")]
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

/// Public rooms and the caller's own rooms.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), params(RoomQuery), responses((status = 200, body = RoomPage)))]
#[get("/rooms")]
pub async fn list_rooms(
    user: AuthUser,
    query: web::Query<RoomQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = Page::parse(query.limit, query.cursor.as_ref())?;
    let prefix = query.q.clone().map(Prefix::into_inner).filter(|q| !q.is_empty());
    let (items, next_cursor) = store
        .run(async |conn| service::list(conn, user.id, prefix.as_deref(), page).await)
        .await?;
    Ok(HttpResponse::Ok().json(RoomPage { items, next_cursor }))
}

/// Create a public or private room; the caller becomes its owner.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = CreateRoomRequest,
    responses((status = 201, body = RoomView)))]
#[post("/rooms")]
pub async fn create_room(
    user: AuthUser,
    body: Json<CreateRoomRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let kind = match b.kind {
        NewRoomKind::Public => RoomKind::Public,
        NewRoomKind::Private => RoomKind::Private,
    };
    let input = NewRoomInput::parse(b.name, b.description, kind, b.max_members, b.required_tier_id)?;
    let room = store
        .write(async |conn| service::create(conn, user.id, input).await)
        .await?;
    Ok(HttpResponse::Created().json(room))
}

/// One room (404 for a private room the caller is not in).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), responses((status = 200, body = RoomView)))]
#[get("/rooms/{room_id}")]
pub async fn get_room(user: AuthUser, room_id: web::Path<Uuid>, store: web::Data<Database>) -> ApiResult<HttpResponse> {
    let room_id = room_id.into_inner();
    let room = store
        .run(async |conn| service::get(conn, user.id, room_id).await)
        .await?;
    Ok(HttpResponse::Ok().json(room))
}

/// Rename, describe or resize a room (owner or moderator).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = UpdateRoomRequest,
    responses((status = 200, body = RoomView)))]
#[patch("/rooms/{room_id}")]
pub async fn update_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: Json<UpdateRoomRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let update = RoomUpdate::parse(b.name, b.description, b.max_members, b.logo_file_id, b.required_tier_id)?;
    let room_id = room_id.into_inner();
    let room = store
        .write(async |conn| service::update(conn, user.id, room_id, update).await)
        .await?;
    Ok(HttpResponse::Ok().json(room))
}

/// Delete a room with its history (owner or moderator).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), responses((status = 204, description = "Deleted")))]
#[delete("/rooms/{room_id}")]
pub async fn delete_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room_id = room_id.into_inner();
    store
        .run(async |conn| service::delete(conn, user.id, room_id).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Join a public room (idempotent; 409 when full).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), responses((status = 200, body = RoomView)))]
#[post("/rooms/{room_id}/join")]
pub async fn join_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room_id = room_id.into_inner();
    let room = store
        .write(async |conn| service::join(conn, user.id, room_id).await)
        .await?;
    Ok(HttpResponse::Ok().json(room))
}

/// Leave a room (idempotent). The last member leaving deletes the room; the owner of a room
/// others stay in hands it over first (409 `owner_must_transfer`).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), responses((status = 204, description = "Left")))]
#[post("/rooms/{room_id}/leave")]
pub async fn leave_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room_id = room_id.into_inner();
    store
        .write(async |conn| service::leave(conn, user.id, room_id).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hand the room to another member (the owner only): they become its owner, the caller a
/// moderator. An owner who wants to leave while others stay does this first.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = TransferRequest,
    responses((status = 204, description = "Handed over")))]
#[post("/rooms/{room_id}/transfer")]
pub async fn transfer_room(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: Json<TransferRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (room_id, to) = (room_id.into_inner(), body.into_inner().user_id);
    store
        .write(async |conn| service::transfer(conn, user.id, room_id, to).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A room's members with their roles and read markers.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), responses((status = 200, body = MemberList)))]
#[get("/rooms/{room_id}/members")]
pub async fn list_members(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let room_id = room_id.into_inner();
    let items = store
        .run(async |conn| members::list(conn, user.id, room_id).await)
        .await?;
    Ok(HttpResponse::Ok().json(MemberList { items }))
}

/// Add a user to the room, or change a member's role (owner or moderator).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = InviteRequest,
    responses((status = 200, body = MemberView)))]
#[post("/rooms/{room_id}/members")]
pub async fn invite_member(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: Json<InviteRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (room_id, b) = (room_id.into_inner(), body.into_inner());
    let role = b.role.unwrap_or_default();
    let member = store
        .write(async |conn| members::invite(conn, user.id, room_id, b.user_id, role).await)
        .await?;
    Ok(HttpResponse::Ok().json(member))
}

/// Remove a member (owner or moderator; the owner cannot be removed).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), responses((status = 204, description = "Removed")))]
#[delete("/rooms/{room_id}/members/{user_id}")]
pub async fn kick_member(
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (room_id, target) = path.into_inner();
    store
        .write(async |conn| members::kick(conn, user.id, room_id, target).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The room's event log after a seq, oldest first: how a client catches up after a drop.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), params(EventQuery), responses((status = 200, body = EventPage)))]
#[get("/rooms/{room_id}/events")]
pub async fn list_events(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    query: web::Query<EventQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let after = pagination::seq("after", query.after.unwrap_or(0))?;
    let limit = match query.limit {
        None => 100,
        Some(n) if (1..=1000).contains(&n) => n,
        Some(n) => return Err(ApiError::invalid(format!("limit must be between 1 and 1000, not {n}"))),
    };
    let room_id = room_id.into_inner();
    let (items, last_seq) = store
        .run(async |conn| service::events(conn, user.id, room_id, after, limit).await)
        .await?;
    Ok(HttpResponse::Ok().json(EventPage { items, last_seq }))
}

/// Move the caller's read marker forward.
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = ReadRequest, responses((status = 200, body = ReadResponse)))]
#[post("/rooms/{room_id}/read")]
pub async fn mark_read(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: Json<ReadRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let (room_id, seq) = (room_id.into_inner(), pagination::seq("seq", body.seq)?);
    let last_read_seq = store
        .write(async |conn| members::mark_read(conn, user.id, room_id, seq).await)
        .await?;
    Ok(HttpResponse::Ok().json(ReadResponse { room_id, last_read_seq }))
}

/// The direct room with another user, created on first use (201) or found (200).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), request_body = DirectRequest,
    responses((status = 200, body = RoomView), (status = 201, body = RoomView)))]
#[post("/dms")]
pub async fn open_direct(
    user: AuthUser,
    body: Json<DirectRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let other = body.user_id;
    let (room, created) = store
        .write(async |conn| dms::direct(conn, user.id, other).await)
        .await?;
    Ok(if created {
        HttpResponse::Created().json(room)
    } else {
        HttpResponse::Ok().json(room)
    })
}
