//! Stripe's webhook events: verified by the route, stored once per event id with a job in
//! one transaction (a replay is acknowledged and not applied twice), then applied by the
//! jobs queue with retries. Stripe does not keep order, so handlers write the object's
//! current state and ignore an event older than what is stored.

use std::sync::Arc;

use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures_util::future::BoxFuture;
use serde_json::Value;
use uuid::Uuid;

use super::ledger::{Deliver, Paid};
use super::{accounts, ledger, repo};
use crate::platform::error::ApiError;
use crate::platform::events::{Committed, Publish, RoomEvent};
use crate::platform::jobs::{self, AfterCommit, Handler, Job};

pub const JOB_KIND: &str = "stripe.event";

/// Which endpoint an event came to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Endpoint {
    Platform,
    Connect,
}

/// Stores a verified event and queues its job; false for an event id seen before.
pub async fn receive(conn: &mut AsyncPgConnection, endpoint: Endpoint, event: &Value) -> Result<bool, ApiError> {
    let (Some(id), Some(kind), Some(created)) =
        (event["id"].as_str(), event["type"].as_str(), event["created"].as_i64())
    else {
        return Err(ApiError::invalid("an event needs id, type and created"));
    };
    let account = event["account"].as_str();
    if endpoint == Endpoint::Connect && account.is_none() {
        return Err(ApiError::invalid("a Connect event names its account"));
    }
    if endpoint == Endpoint::Platform && account.is_some() {
        // A connected account's event sent to the platform's endpoint (a misconfigured
        // webhook): acknowledged, never applied; the Connect endpoint is where it counts.
        tracing::warn!(
            event = id,
            kind,
            "a connected account's event at the platform endpoint: ignored"
        );
        return Ok(false);
    }
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !repo::store_event(conn, id, kind, account, created, event).await? {
            return Ok(false);
        }
        jobs::enqueue(
            conn,
            JOB_KIND,
            &serde_json::json!({ "event_id": id }),
            Some(&format!("{JOB_KIND}:{id}")),
        )
        .await?;
        Ok(true)
    })
    .await
}

/// Applies stored events; the room events (a tip) and feed entries (an unlock) they make
/// are published after commit.
pub struct StripeEvents {
    pub publish: Arc<dyn Publish>,
    /// Other features' events (subscriptions: creators), asked first.
    pub routes: Vec<Arc<dyn EventRoute>>,
    /// Other features' purchases (bookings), delivered when paid.
    pub deliverers: Vec<Arc<dyn Deliver>>,
}

impl Handler for StripeEvents {
    fn run<'a>(&'a self, conn: &'a mut AsyncPgConnection, job: &'a Job) -> BoxFuture<'a, anyhow::Result<AfterCommit>> {
        Box::pin(async move {
            let id = job.payload["event_id"]
                .as_str()
                .ok_or_else(|| anyhow::anyhow!("job has no event_id"))?;
            let (kind, event) = repo::event(conn, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("Stripe event {id} is gone"))?;
            let applied = apply(conn, &self.routes, &self.deliverers, &kind, &event).await?;
            if applied.events.is_empty() && applied.feed.is_empty() {
                return Ok(None);
            }
            let publish = self.publish.clone();
            let after: BoxFuture<'static, ()> = Box::pin(async move { applied.publish(&*publish).await });
            Ok(Some(after))
        })
    }
}

/// Our payment id, from the object's metadata.
fn payment_id(object: &Value) -> Option<Uuid> {
    object["metadata"]["payment_id"].as_str().and_then(|s| s.parse().ok())
}

/// Stripe's events about objects another feature owns (subscriptions and their invoices:
/// creators). Payments verifies, stores and schedules every event; an event a route takes
/// is applied by that feature, in the same job transaction.
pub trait EventRoute: Send + Sync + 'static {
    /// Applies the event if it is one of this feature's (its room events to publish);
    /// `None` when it is not.
    fn apply<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        kind: &'a str,
        event: &'a Value,
    ) -> BoxFuture<'a, Option<anyhow::Result<Vec<RoomEvent>>>>;
}

async fn apply(
    conn: &mut AsyncPgConnection,
    routes: &[Arc<dyn EventRoute>],
    deliverers: &[Arc<dyn Deliver>],
    kind: &str,
    event: &Value,
) -> anyhow::Result<Committed<()>> {
    for route in routes {
        if let Some(applied) = route.apply(conn, kind, event).await {
            return applied.map(|events| Committed::new((), events));
        }
    }
    let object = &event["data"]["object"];
    let created = event["created"].as_i64().unwrap_or(0);
    match kind {
        "account.updated" => accounts::apply_update(conn, object, created)
            .await
            .map(Committed::quiet),
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            match (
                object["mode"].as_str(),
                object["payment_status"].as_str(),
                payment_id(object),
            ) {
                (Some("payment"), Some("paid"), Some(id)) => {
                    let paid = Paid {
                        amount: object["amount_total"].as_i64(),
                        currency: object["currency"].as_str(),
                    };
                    ledger::settle(conn, deliverers, id, object["payment_intent"].as_str(), paid).await
                }
                _ => Ok(Committed::quiet(())),
            }
        }
        "checkout.session.async_payment_failed" | "checkout.session.expired" => {
            if let Some(id) = payment_id(object) {
                ledger::fail(conn, id, "the checkout was not paid").await?;
            }
            Ok(Committed::quiet(()))
        }
        "payment_intent.succeeded" => match payment_id(object) {
            Some(id) => {
                let paid = Paid {
                    amount: object["amount_received"].as_i64(),
                    currency: object["currency"].as_str(),
                };
                ledger::settle(conn, deliverers, id, object["id"].as_str(), paid).await
            }
            None => Ok(Committed::quiet(())),
        },
        "payment_intent.payment_failed" => {
            if let Some(id) = payment_id(object) {
                let why = object["last_payment_error"]["message"]
                    .as_str()
                    .unwrap_or("the payment failed");
                ledger::fail(conn, id, why).await?;
            }
            Ok(Committed::quiet(()))
        }
        "charge.refunded" => {
            if let Some(intent) = object["payment_intent"].as_str() {
                ledger::refunded(conn, intent, payment_id(object)).await?;
            }
            Ok(Committed::quiet(()))
        }
        "refund.created" | "refund.updated" | "refund.failed" => {
            ledger::stripe_refund(conn, object).await?;
            Ok(Committed::quiet(()))
        }
        "charge.dispute.created"
        | "charge.dispute.updated"
        | "charge.dispute.closed"
        | "charge.dispute.funds_withdrawn"
        | "charge.dispute.funds_reinstated" => {
            ledger::dispute(conn, object, created).await?;
            Ok(Committed::quiet(()))
        }
        other => {
            tracing::debug!(event_type = other, "Stripe event ignored");
            Ok(Committed::quiet(()))
        }
    }
}
