//! Creators' payout accounts: a Stripe Connect account with the Express dashboard (set up
//! by controller properties), onboarded through an Account Link, kept current by
//! `account.updated`.

use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::repo::{self, AccountState, PayoutAccount};
use super::stripe::Form;
use super::views::{AccountView, OnboardingView};
use super::Payments;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::Database;

/// Stripe's account object (the fields Parley keeps).
#[derive(Deserialize, Debug)]
pub struct StripeAccount {
    pub id: String,
    #[serde(default)]
    pub charges_enabled: bool,
    #[serde(default)]
    pub payouts_enabled: bool,
    #[serde(default)]
    pub details_submitted: bool,
    #[serde(default)]
    pub requirements: Value,
}

impl StripeAccount {
    pub fn state(&self) -> AccountState {
        let due = match &self.requirements["currently_due"] {
            Value::Array(list) => Value::Array(list.clone()),
            _ => Value::Array(vec![]),
        };
        AccountState {
            charges_enabled: self.charges_enabled,
            payouts_enabled: self.payouts_enabled,
            details_submitted: self.details_submitted,
            requirements: due,
            disabled_reason: self.requirements["disabled_reason"].as_str().map(str::to_owned),
        }
    }
}

#[derive(Deserialize)]
struct Link {
    url: String,
}

/// The caller's account, creating it at Stripe on first use, and a fresh onboarding link.
pub async fn onboard(
    store: &Database,
    payments: &Payments,
    user: Uuid,
    email: Option<&str>,
) -> Result<OnboardingView, ApiError> {
    let existing = store.run(async |conn| Ok(repo::account(conn, user).await?)).await?;
    let account = match existing {
        Some(a) => a,
        None => {
            // The key is the user's: a retry after a lost answer gets the same account.
            let created: StripeAccount = payments
                .stripe
                .post(
                    "/v1/accounts",
                    &format!("account:{user}"),
                    Form::new()
                        .set("controller[stripe_dashboard][type]", "express")
                        .set("controller[fees][payer]", "application")
                        .set("controller[losses][payments]", "application")
                        .set("controller[requirement_collection]", "stripe")
                        .set("capabilities[card_payments][requested]", true)
                        .set("capabilities[transfers][requested]", true)
                        .opt("email", email)
                        .metadata("metadata", &[("user_id", user.to_string())]),
                )
                .await?;
            store
                .run(async |conn| Ok(repo::insert_account(conn, user, &created.id, &created.state()).await?))
                .await?
        }
    };
    let app = &payments.settings.app_url;
    let link: Link = payments
        .stripe
        .post(
            "/v1/account_links",
            &format!("account_link:{user}:{}", Uuid::new_v4()),
            Form::new()
                .set("account", &account.stripe_account_id)
                .set("type", "account_onboarding")
                .set("refresh_url", format!("{app}/payouts?onboarding=refresh"))
                .set("return_url", format!("{app}/payouts?onboarding=done")),
        )
        .await?;
    Ok(OnboardingView {
        onboarding_url: link.url,
        account: AccountView::from(&account),
    })
}

pub async fn get(conn: &mut AsyncPgConnection, user: Uuid) -> Result<AccountView, ApiError> {
    let account = repo::account(conn, user)
        .await?
        .ok_or(ApiError::NotFound("payout account"))?;
    Ok(AccountView::from(&account))
}

/// Whether the user's payout account takes payments now (a creator page shows it).
pub async fn accepts_payments(conn: &mut AsyncPgConnection, user: Uuid) -> Result<bool, ApiError> {
    Ok(repo::account(conn, user).await?.is_some_and(|a| a.charges_enabled))
}

/// The account of a payee who may sell now: 409 while Stripe has not enabled charges.
pub async fn selling(conn: &mut AsyncPgConnection, payee: Uuid) -> Result<PayoutAccount, ApiError> {
    match repo::account(conn, payee).await? {
        Some(a) if a.charges_enabled => Ok(a),
        _ => Err(ApiError::refused(
            ErrorCode::PayeeNotReady,
            "this creator cannot accept payments yet (payout account not enabled)",
        )),
    }
}

/// Applies `account.updated` (ignored when older than what is stored). An account Parley
/// has not recorded yet is an error, so the job retries once the onboarding call's row is in.
pub async fn apply_update(conn: &mut AsyncPgConnection, object: &Value, created: i64) -> anyhow::Result<()> {
    let account: StripeAccount = serde_json::from_value(object.clone())?;
    if repo::update_account(conn, &account.id, &account.state(), created).await? == 0
        && !repo::account_exists(conn, &account.id).await?
    {
        anyhow::bail!("account {} is not known yet", account.id);
    }
    Ok(())
}
