//! Fans' subscriptions: Checkout in `mode=subscription` with the tier's Price, a
//! destination to the creator's account (`transfer_data[amount_percent]` = 100 − fee) and
//! our subscription id in the subscription's metadata, so every later event finds its row
//! whatever the order. Access (`access_until`) follows Stripe's status; when it ends the fan
//! leaves the tier's rooms (`member.left`, reason `subscription_ended`) on every instance.

use chrono::{DateTime, TimeZone, Utc};
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::repo::{self, SubscriptionState};
use super::views::{PortalView, SubscribeView, SubscriptionView};
use crate::features::payments::checkout::{self, customer, CheckoutSession};
use crate::features::payments::kinds::SubscriptionStatus;
use crate::features::payments::ledger;
use crate::features::payments::stripe::Form;
use crate::features::payments::{accounts, Payments};
use crate::features::rooms::members as rooms;
use crate::platform::config::PaymentSettings;
use crate::platform::error::{ApiError, ErrorCode};
use crate::platform::events::{Database, RoomEvent};
use crate::platform::pagination::Page;

/// A subscription being started: a new row, or the fan's open checkout handed out again.
enum Start {
    New(Uuid),
    Open(SubscribeView),
}

/// At most one subscription per fan and tier is starting or live
/// (`subscriptions_one_per_tier`): a second subscribe hands out the open checkout, waits
/// for one being paid, or replaces one that expired.
async fn start(store: &Database, payments: &Payments, fan: Uuid, tier: &repo::Tier) -> Result<Start, ApiError> {
    for _ in 0..2 {
        let id = Uuid::now_v7();
        let open = store
            .run(async |conn| {
                if repo::insert_subscription(conn, id, fan, tier).await? {
                    return Ok(None);
                }
                repo::starting(conn, fan, tier.id)
                    .await?
                    .map(Some)
                    .ok_or_else(|| ApiError::refused(ErrorCode::AlreadyOwned, "you have a subscription to this tier"))
            })
            .await?;
        let Some(open) = open else {
            return Ok(Start::New(id));
        };
        let session = open.stripe_checkout_session_id.as_deref();
        if let Some(url) = checkout::reuse_checkout(payments, session, open.created_at).await? {
            return Ok(Start::Open(SubscribeView {
                subscription_id: open.id,
                checkout_url: url,
            }));
        }
        store
            .run(async |conn| Ok(repo::expire_starting(conn, open.id).await?))
            .await?;
    }
    Err(checkout::in_progress())
}

/// Starts a subscription to one of the creator's active tiers: pay at `checkout_url`.
pub async fn subscribe(
    store: &Database,
    payments: &Payments,
    fan: Uuid,
    email: Option<&str>,
    creator: Uuid,
    tier_id: Uuid,
) -> Result<SubscribeView, ApiError> {
    if fan == creator {
        return Err(ApiError::refused(
            ErrorCode::SelfPayment,
            "you cannot subscribe to yourself",
        ));
    }
    let (tier, account) = store
        .run(async |conn| {
            let tier = match repo::tier(conn, tier_id).await? {
                Some(t) if t.creator_id == creator && t.active => t,
                _ => return Err(ApiError::NotFound("tier")),
            };
            if repo::has_access(conn, fan, tier_id).await? {
                return Err(ApiError::refused(
                    ErrorCode::AlreadyOwned,
                    "you are already subscribed to this tier",
                ));
            }
            let account = accounts::selling(conn, creator).await?;
            Ok((tier, account))
        })
        .await?;
    let price = tier
        .stripe_price_id
        .clone()
        .ok_or_else(|| ApiError::refused(ErrorCode::NotForSale, "this tier has no price"))?;
    let customer = customer(store, payments, fan, email).await?;
    let id = match start(store, payments, fan, &tier).await? {
        Start::New(id) => id,
        Start::Open(view) => return Ok(view),
    };
    let app = &payments.settings.app_url;
    let meta = [
        ("subscription_id", id.to_string()),
        ("fan_id", fan.to_string()),
        ("creator_id", creator.to_string()),
        ("tier_id", tier.id.to_string()),
    ];
    let keep = crate::features::payments::creator_share_percent(&payments.settings);
    let form = Form::new()
        .set("mode", "subscription")
        .set("customer", &customer)
        .set("client_reference_id", id)
        .set(
            "success_url",
            format!("{app}/creators/{creator}?subscription_id={id}&session_id={{CHECKOUT_SESSION_ID}}"),
        )
        .set(
            "cancel_url",
            format!("{app}/creators/{creator}?subscription_id={id}&canceled=1"),
        )
        .set("line_items[0][price]", &price)
        .set("line_items[0][quantity]", 1)
        .set(
            "subscription_data[transfer_data][destination]",
            &account.stripe_account_id,
        )
        .set("subscription_data[transfer_data][amount_percent]", keep)
        .opt(
            "subscription_data[trial_period_days]",
            (tier.trial_days > 0).then_some(tier.trial_days),
        )
        .metadata("subscription_data[metadata]", &meta)
        .metadata("metadata", &meta);
    let session: Result<CheckoutSession, _> = payments
        .stripe
        .post("/v1/checkout/sessions", &format!("subscription:{id}:checkout"), form)
        .await;
    match session {
        Ok(s) => {
            store
                .run(async |conn| Ok(repo::set_session(conn, id, &s.id).await?))
                .await?;
            Ok(SubscribeView {
                subscription_id: id,
                checkout_url: s.page()?,
            })
        }
        Err(e) => {
            let _ = store
                .run(async |conn| Ok(repo::delete_incomplete(conn, id).await?))
                .await;
            Err(e.into())
        }
    }
}

/// A page of the fan's subscriptions, newest first; the next cursor.
pub async fn mine(
    conn: &mut AsyncPgConnection,
    fan: Uuid,
    page: Page,
) -> Result<(Vec<SubscriptionView>, Option<String>), ApiError> {
    let found = repo::of_fan(conn, fan, page.after, page.limit).await?;
    let next_cursor = page.next_cursor(&found, |s| s.id);
    Ok((found.into_iter().map(SubscriptionView::from).collect(), next_cursor))
}

async fn own(store: &Database, fan: Uuid, id: Uuid) -> Result<repo::Subscription, ApiError> {
    store
        .run(async |conn| match repo::subscription(conn, id).await? {
            Some(s) if s.fan_id == fan && s.stripe_subscription_id.is_some() => Ok(s),
            _ => Err(ApiError::NotFound("subscription")),
        })
        .await
}

/// Cancels at the period's end: access stays until then (Stripe confirms with an event;
/// the answer already shows the change).
pub async fn cancel(store: &Database, payments: &Payments, fan: Uuid, id: Uuid) -> Result<SubscriptionView, ApiError> {
    let mut sub = own(store, fan, id).await?;
    if matches!(
        sub.status,
        SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired
    ) {
        return Err(ApiError::Conflict("this subscription has ended".into()));
    }
    let stripe_id = sub.stripe_subscription_id.clone().unwrap_or_default();
    let _: Value = payments
        .stripe
        .post(
            &format!("/v1/subscriptions/{stripe_id}"),
            &format!("subscription:{id}:cancel"),
            Form::new().set("cancel_at_period_end", true),
        )
        .await?;
    sub.cancel_at_period_end = true;
    Ok(sub.into())
}

/// A Billing Portal session for the fan's customer (payment method, invoices, cancel).
pub async fn portal(store: &Database, payments: &Payments, fan: Uuid, id: Uuid) -> Result<PortalView, ApiError> {
    own(store, fan, id).await?;
    let customer = store
        .run(async |conn| {
            repo::customer_of(conn, id)
                .await?
                .ok_or(ApiError::NotFound("subscription"))
        })
        .await?;
    #[derive(Deserialize)]
    struct Portal {
        url: String,
    }
    let portal: Portal = payments
        .stripe
        .post(
            "/v1/billing_portal/sessions",
            &format!("portal:{id}:{}", Uuid::new_v4()),
            Form::new()
                .set("customer", customer)
                .set("return_url", format!("{}/subscriptions", payments.settings.app_url)),
        )
        .await?;
    Ok(PortalView { url: portal.url })
}

fn our_id(meta: &Value) -> Option<Uuid> {
    meta["subscription_id"].as_str().and_then(|s| s.parse().ok())
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_i64().and_then(|t| Utc.timestamp_opt(t, 0).single())
}

/// `customer.subscription.*`: writes the subscription's state (older events are ignored),
/// then removes the fan from the tier's rooms if access ended.
pub async fn apply_state(
    conn: &mut AsyncPgConnection,
    object: &Value,
    created: i64,
    grace_secs: i64,
) -> anyhow::Result<Vec<RoomEvent>> {
    let (Some(id), Some(stripe_id)) = (our_id(&object["metadata"]), object["id"].as_str()) else {
        tracing::info!("a Stripe subscription without Parley's subscription_id: ignored");
        return Ok(vec![]);
    };
    let Some(sub) = repo::subscription(conn, id).await? else {
        tracing::info!(subscription = %id, "a Stripe event names a subscription Parley does not have");
        return Ok(vec![]);
    };
    let status = object["status"]
        .as_str()
        .and_then(SubscriptionStatus::parse)
        .ok_or_else(|| anyhow::anyhow!("subscription {stripe_id} has an unknown status"))?;
    let item = &object["items"]["data"][0];
    let state = SubscriptionState {
        stripe_id,
        status,
        cancel_at_period_end: object["cancel_at_period_end"].as_bool().unwrap_or(false),
        current_period_end: time(&item["current_period_end"]),
        trial_end: time(&object["trial_end"]),
        at: created,
    };
    if !repo::write_state(conn, id, &state, grace_secs).await? {
        return Ok(vec![]);
    }
    let removed = rooms::remove_lapsed(conn, Some((sub.fan_id, sub.tier_id))).await?;
    Ok(removed.events)
}

/// A completed checkout in subscription mode: links the Stripe subscription.
pub async fn checkout_completed(conn: &mut AsyncPgConnection, object: &Value) -> anyhow::Result<()> {
    if let (Some(id), Some(stripe_id)) = (our_id(&object["metadata"]), object["subscription"].as_str()) {
        repo::link(conn, id, stripe_id).await?;
    }
    Ok(())
}

/// `invoice.payment_failed`: the subscription is past due from the event's time, even when
/// Stripe's `customer.subscription.updated` saying so comes later or not at all; that
/// event, being as new or newer, then writes the whole state.
pub async fn invoice_failed(
    conn: &mut AsyncPgConnection,
    invoice: &Value,
    created: i64,
    grace_secs: i64,
) -> anyhow::Result<()> {
    let Some(id) = our_id(&invoice["parent"]["subscription_details"]["metadata"]) else {
        return Ok(());
    };
    if repo::subscription(conn, id).await?.is_none() {
        anyhow::bail!("subscription {id} is not known yet");
    }
    repo::mark_past_due(conn, id, created, grace_secs).await?;
    Ok(())
}

/// `invoice.paid`: a ledger row per paid invoice (none for a free trial's).
pub async fn invoice_paid(
    conn: &mut AsyncPgConnection,
    settings: &PaymentSettings,
    invoice: &Value,
) -> anyhow::Result<()> {
    let details = &invoice["parent"]["subscription_details"];
    let (Some(id), Some(invoice_id)) = (our_id(&details["metadata"]), invoice["id"].as_str()) else {
        return Ok(());
    };
    let amount = invoice["amount_paid"].as_i64().unwrap_or(0);
    let Some(sub) = repo::subscription(conn, id).await? else {
        anyhow::bail!("subscription {id} is not known yet");
    };
    if amount <= 0 {
        return Ok(());
    }
    // Never invented: an invoice without its currency is an error the jobs queue keeps
    // (and retries) rather than a wrong ledger row.
    let currency = invoice["currency"]
        .as_str()
        .filter(|c| c.len() == 3)
        .ok_or_else(|| anyhow::anyhow!("invoice {invoice_id} has no currency"))?
        .to_owned();
    let intent = invoice["payments"]["data"]
        .as_array()
        .and_then(|list| list.iter().find_map(|p| p["payment"]["payment_intent"].as_str()))
        .map(str::to_owned);
    ledger::record_invoice(
        conn,
        settings,
        ledger::Invoice {
            stripe_id: invoice_id,
            payer: sub.fan_id,
            payee: sub.creator_id,
            subject: sub.id,
            amount,
            currency,
            intent,
        },
    )
    .await
}

/// Removes everyone whose access ended (grace periods run out without an event); run
/// periodically on every instance.
pub async fn sweep(store: &Database) -> Result<usize, ApiError> {
    store.write(async |conn| rooms::remove_lapsed(conn, None).await).await
}

/// The periodic sweep's loop (every `interval` until stopped).
pub async fn run_sweep(store: Database, interval: std::time::Duration, stop: tokio_util::sync::CancellationToken) {
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
        match sweep(&store).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "members whose subscription ended were removed"),
            Err(e) => tracing::warn!(error = %e, "the subscription sweep failed"),
        }
    }
}

/// `checkout.session.expired` of a subscription's checkout: it never started.
pub async fn checkout_expired(conn: &mut AsyncPgConnection, object: &Value) -> anyhow::Result<()> {
    if let Some(id) = object["metadata"]["subscription_id"]
        .as_str()
        .and_then(|s| s.parse().ok())
    {
        repo::expire_starting(conn, id).await?;
    }
    Ok(())
}

/// The Stripe events of subscriptions and their invoices, routed here by payments.
pub struct SubscriptionEvents {
    pub settings: std::sync::Arc<PaymentSettings>,
}

impl crate::features::payments::events::EventRoute for SubscriptionEvents {
    fn apply<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        kind: &'a str,
        event: &'a Value,
    ) -> futures_util::future::BoxFuture<'a, Option<anyhow::Result<Vec<RoomEvent>>>> {
        Box::pin(async move {
            let object = &event["data"]["object"];
            let created = event["created"].as_i64().unwrap_or(0);
            let grace = self.settings.grace.as_secs() as i64;
            let subscription_checkout = object["mode"].as_str() == Some("subscription");
            Some(match kind {
                "customer.subscription.created"
                | "customer.subscription.updated"
                | "customer.subscription.deleted"
                | "customer.subscription.paused"
                | "customer.subscription.resumed" => apply_state(conn, object, created, grace).await,
                "invoice.paid" => invoice_paid(conn, &self.settings, object).await.map(|()| vec![]),
                "invoice.payment_failed" => invoice_failed(conn, object, created, grace).await.map(|()| vec![]),
                "checkout.session.completed" if subscription_checkout => {
                    checkout_completed(conn, object).await.map(|()| vec![])
                }
                "checkout.session.expired" if subscription_checkout => {
                    checkout_expired(conn, object).await.map(|()| vec![])
                }
                _ => return None,
            })
        })
    }
}
