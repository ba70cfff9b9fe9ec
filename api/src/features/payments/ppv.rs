//! Unlocking a pay-per-view message: a one-time payment whose price comes from the message
//! (our database). An open Checkout for the same message is handed out again rather than
//! a second one made (`checkout`); after payment the buyer has the message for good.

use serde::Deserialize;
use uuid::Uuid;

use super::checkout::{self, Charge};
use super::kinds::PaymentKind;
use super::repo;
use super::views::StartedView;
use super::Payments;
use crate::features::rooms::access as rooms;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::Database;

#[derive(Deserialize)]
struct Price {
    amount: i64,
    currency: String,
}

/// The charge for unlocking `message` (404 unless the caller may see it; 409 when there is
/// nothing to buy).
pub async fn charge(store: &Database, buyer: Uuid, message: Uuid) -> Result<Charge, ApiError> {
    store
        .run(async |conn| {
            let m = repo::priced_message(conn, message, buyer)
                .await?
                .ok_or(ApiError::NotFound("message"))?;
            rooms::member(conn, m.room_id, buyer).await.map_err(|e| match e {
                ApiError::Forbidden(_) => ApiError::NotFound("message"),
                other => other,
            })?;
            let price: Price = match (&m.ppv, m.deleted) {
                (Some(ppv), false) => serde_json::from_value(ppv.clone())
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("a stored price is unreadable: {e}")))?,
                _ => return Err(ApiError::refused(ErrorCode::NotForSale, "this message is not for sale")),
            };
            if m.author_id == buyer {
                return Err(ApiError::refused(ErrorCode::SelfPayment, "this is your own message"));
            }
            if m.bought {
                return Err(ApiError::refused(
                    ErrorCode::AlreadyOwned,
                    "you already have this message",
                ));
            }
            Ok(Charge {
                kind: PaymentKind::Ppv,
                payer: buyer,
                payee: m.author_id,
                amount: price.amount,
                currency: price.currency,
                subject_id: Some(message),
                room_id: None,
                note: None,
                product_name: "Pay-per-view message".into(),
                return_path: format!("/rooms/{}?message={message}", m.room_id),
                expires_at: None,
            })
        })
        .await
}

/// Starts (or hands out again) the buyer's Checkout for a message.
pub async fn unlock(
    store: &Database,
    payments: &Payments,
    buyer: Uuid,
    email: Option<&str>,
    message: Uuid,
) -> Result<StartedView, ApiError> {
    let charge = charge(store, buyer, message).await?;
    checkout::checkout(store, payments, charge, email).await
}
