//! Tips: an amount within the configured bounds to a creator, optionally in a room both
//! are members of (`tip.received` is posted there once paid).

use uuid::Uuid;

use super::checkout::Charge;
use super::kinds::PaymentKind;
use crate::features::rooms::access as rooms;
use crate::features::users::service as users;
use crate::platform::config::PaymentSettings;
use crate::platform::error::ApiError;
use crate::platform::events::Database;
use crate::platform::money::Bounds;

/// A tip as asked for (the route checked the currency's and the note's shapes).
pub struct Tip {
    pub amount: i64,
    pub currency: String,
    pub room_id: Option<Uuid>,
    pub note: Option<String>,
}

/// The bounds of a tip's amount (TIP_MIN_AMOUNT to TIP_MAX_AMOUNT).
pub fn bounds(settings: &PaymentSettings) -> Bounds {
    Bounds {
        field: "amount",
        min: settings.tip_min,
        max: settings.tip_max,
    }
}

/// The charge for a tip from `payer` to `creator` (404 for no such creator; the room must
/// have both as members).
pub async fn charge(
    store: &Database,
    settings: &PaymentSettings,
    payer: Uuid,
    creator: Uuid,
    tip: Tip,
) -> Result<Charge, ApiError> {
    bounds(settings).check(tip.amount)?;
    let name = store
        .run(async |conn| {
            let creator = users::live(conn, creator).await.map_err(super::no_such_creator)?;
            if let Some(room) = tip.room_id {
                rooms::member(conn, room, payer).await?;
                rooms::member(conn, room, creator.id)
                    .await
                    .map_err(|_| ApiError::invalid("the creator is not in that room"))?;
            }
            Ok(creator.display_name)
        })
        .await?;
    Ok(Charge {
        kind: PaymentKind::Tip,
        payer,
        payee: creator,
        amount: tip.amount,
        currency: tip.currency,
        subject_id: None,
        room_id: tip.room_id,
        note: tip.note,
        product_name: format!("Tip for {name}"),
        return_path: match tip.room_id {
            Some(room) => format!("/rooms/{room}"),
            None => format!("/creators/{creator}"),
        },
        expires_at: None,
    })
}
