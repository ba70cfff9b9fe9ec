use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, Conversation};
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::ApiResult;
use crate::platform::events::Database;
use crate::platform::pagination::PageQuery;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_conversations);
}

#[derive(Serialize, ToSchema)]
pub struct ConversationList {
    pub items: Vec<Conversation>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The caller's rooms by last activity, with the last message and unread count, a page at
/// a time (a room active again meanwhile moves to the first page).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = ConversationList)))]
#[get("/conversations")]
pub async fn list_conversations(
    user: AuthUser,
    query: web::Query<PageQuery>,
    store: web::Data<Database>,
) -> ApiResult<HttpResponse> {
    let page = query.page()?;
    let (items, next_cursor) = store.run(async |conn| service::list(conn, user.id, page).await).await?;
    Ok(HttpResponse::Ok().json(ConversationList { items, next_cursor }))
}
