use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, Conversation};
use crate::features::events::Store;
use crate::features::users::signed_in::AuthUser;
use crate::platform::error::ApiResult;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_conversations);
}

#[derive(Serialize, ToSchema)]
pub struct ConversationList {
    /// At most 200.
    #[schema(max_items = 200)]
    pub items: Vec<Conversation>,
}

/// The caller's rooms by last activity, with the last message and unread count (up to 200).
#[utoipa::path(tag = "rooms", security(("bearer" = [])), responses((status = 200, body = ConversationList)))]
#[get("/conversations")]
pub async fn list_conversations(user: AuthUser, store: web::Data<Store>) -> ApiResult<HttpResponse> {
    let items = store.run(async |conn| service::list(conn, user.id).await).await?;
    Ok(HttpResponse::Ok().json(ConversationList { items }))
}
