use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::posting::{Draft, PostRequest, Posted, Poster};
use super::service::{self, HistoryPage};
use super::validate::{parse_emoji, ClientMsgId, MessageText, PpvRequest, SearchText};
use super::views::MessageView;
use crate::features::notifications::Mentions;
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::ApiResult;
use crate::platform::events::Database;
use crate::platform::json::Json;
use crate::platform::pagination::{self, Cursor, Page};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_messages)
        .service(post_message)
        .service(edit_message)
        .service(delete_message)
        .service(add_reaction)
        .service(remove_reaction)
        .service(search_messages);
}

#[derive(Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// Messages with seq below this, newest first. Not together with `after`.
    #[param(minimum = 0, maximum = 9007199254740991_i64)]
    pub before: Option<i64>,
    /// Messages with seq above this, oldest first. Not together with `before`.
    #[param(minimum = 0, maximum = 9007199254740991_i64)]
    pub after: Option<i64>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A page of history (paged by `seq`: see the operation).
#[derive(Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<MessageView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessageRequest {
    /// The text; may be left out when the message carries attachments.
    pub body: Option<MessageText>,
    /// The client's idempotency key (a UUID is ideal): a retry returns the first message.
    pub client_msg_id: ClientMsgId,
    /// A message of the same room.
    pub reply_to: Option<Uuid>,
    /// Members to notify (at most 50), and `room: true` for @room (owners and moderators,
    /// rooms of at most 1,000 members).
    #[serde(default, deserialize_with = "crate::platform::json::opt_object")]
    pub mentions: Option<Mentions>,
    /// Up to 10 of the sender's own uploads (purpose `attachment`) not attached elsewhere.
    #[schema(max_items = 10)]
    pub attachment_ids: Option<Vec<Uuid>>,
    /// Sell the message: members who did not buy it see only `preview` and the price
    /// (needs a body, and a payout account Stripe has enabled: 409 otherwise).
    pub ppv: Option<PpvRequest>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessageRequest {
    pub body: MessageText,
}

#[derive(Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Words to find (all of them).
    #[param(inline)]
    pub q: SearchText,
    /// Only this room.
    pub room_id: Option<Uuid>,
    #[param(inline)]
    pub cursor: Option<Cursor>,
    /// 1 to 100, default 50.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchPage {
    pub items: Vec<MessageView>,
    pub next_cursor: Option<String>,
}

/// A page of a room's history: the newest messages, or those before or after a seq (give
/// `before` or `after`, not both). Unlike the other lists, history pages by `seq`, not by an
/// opaque cursor: a room's seq is the log's contract (gap-free, the numbers of the event log,
/// live frames and resume), so the next page is `before` this page's smallest seq (or
/// `after` its largest).
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(HistoryQuery),
    responses((status = 200, body = MessagePage)))]
#[get("/rooms/{room_id}/messages")]
pub async fn list_messages(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    query: web::Query<HistoryQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = HistoryPage::parse(query.before, query.after)?;
    let limit = pagination::limit(query.limit)?;
    let room_id = room_id.into_inner();
    let items = store
        .run(async |conn| service::history(conn, user.id, room_id, page, limit).await)
        .await?;
    Ok(HttpResponse::Ok().json(MessagePage { items }))
}

/// Post a message (members only). Idempotent on `client_msg_id`: a retry answers 200 with
/// the first message and publishes nothing new.
#[utoipa::path(tag = "messages", security(("bearer" = [])), request_body = PostMessageRequest,
    responses((status = 201, body = MessageView), (status = 200, body = MessageView, description = "A retry")))]
#[post("/rooms/{room_id}/messages")]
pub async fn post_message(
    user: AuthUser,
    room_id: web::Path<Uuid>,
    body: Json<PostMessageRequest>,
    poster: web::Data<Poster>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let request = PostRequest::new(
        user.id,
        Draft {
            room_id: room_id.into_inner(),
            client_msg_id: b.client_msg_id,
            body: b.body,
            reply_to: b.reply_to,
            mentions: b.mentions,
            attachment_ids: b.attachment_ids,
            ppv: b.ppv,
        },
    )?;
    Ok(match poster.post(request).await? {
        Posted::Created(view) => HttpResponse::Created().json(view),
        Posted::Duplicate(view) => HttpResponse::Ok().json(view),
    })
}

/// Edit one's own message.
#[utoipa::path(tag = "messages", security(("bearer" = [])), request_body = EditMessageRequest,
    responses((status = 200, body = MessageView)))]
#[patch("/messages/{message_id}")]
pub async fn edit_message(
    user: AuthUser,
    message_id: web::Path<Uuid>,
    body: Json<EditMessageRequest>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let text = body.into_inner().body.into_inner();
    let id = message_id.into_inner();
    let view = store
        .write(async |conn| service::edit(conn, user.id, id, text).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a message (author, moderator or owner): the body goes, the seq stays.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    responses((status = 200, body = MessageView)))]
#[delete("/messages/{message_id}")]
pub async fn delete_message(
    user: AuthUser,
    message_id: web::Path<Uuid>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let id = message_id.into_inner();
    let view = store
        .write(async |conn| service::delete(conn, user.id, id).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A reaction's address: the message and the emoji (URL-encoded).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReactionPath {
    pub message_id: Uuid,
    /// One emoji (a single grapheme, e.g. 👍) or a `:short_name:`.
    #[param(
        max_length = 34,
        pattern = r"^(:[A-Za-z0-9_+-]{1,32}:|[^\u0000-\u0020\u0030-\u0039\u0041-\u005A\u0061-\u007A\u007F-\u00A0]{1,32})$"
    )]
    pub emoji: String,
}

async fn react(user: AuthUser, path: ReactionPath, store: web::Data<Database>, add: bool) -> ApiResult<HttpResponse> {
    let message_id = path.message_id;
    let emoji = parse_emoji(&path.emoji)?;
    let view = store
        .write(async |conn| service::react(conn, user.id, message_id, emoji, add).await)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// React to a message (members; idempotent). The emoji is URL-encoded in the path.
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(ReactionPath),
    responses((status = 200, body = MessageView)))]
#[put("/messages/{message_id}/reactions/{emoji}")]
pub async fn add_reaction(
    user: AuthUser,
    path: web::Path<ReactionPath>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    react(user, path.into_inner(), store, true).await
}

/// Take back a reaction (idempotent).
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(ReactionPath),
    responses((status = 200, body = MessageView)))]
#[delete("/messages/{message_id}/reactions/{emoji}")]
pub async fn remove_reaction(
    user: AuthUser,
    path: web::Path<ReactionPath>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    react(user, path.into_inner(), store, false).await
}

/// Full-text search over the rooms the caller belongs to, newest first.
#[utoipa::path(tag = "messages", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = SearchPage)))]
#[get("/search/messages")]
pub async fn search_messages(
    user: AuthUser,
    query: web::Query<SearchQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let q = query.q.as_str();
    let page = Page::parse(query.limit, query.cursor.as_ref())?;
    let room_id = query.room_id;
    let (items, next_cursor) = store
        .run(async |conn| service::search(conn, user.id, q, room_id, page).await)
        .await?;
    Ok(HttpResponse::Ok().json(SearchPage { items, next_cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::messages::validate::EMOJI_SHAPE;

    #[test]
    fn the_documented_emoji_pattern_is_the_one_checked() {
        let doc = serde_json::to_value(<ReactionPath as IntoParams>::into_params(|| None)).unwrap();
        let emoji = doc.as_array().unwrap().iter().find(|p| p["name"] == "emoji").unwrap();
        assert_eq!(emoji["schema"]["pattern"], EMOJI_SHAPE.source);
    }
}
