//! Bookings' background work: delivering paid bookings (asked by payments in the
//! settling transaction), reminders (a durable job per booking and sequence), and the
//! sweeper that releases holds that ran out.

use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use futures_util::future::BoxFuture;
use serde::Deserialize;
use uuid::Uuid;

use super::book;
use crate::features::payments::kinds::PaymentKind;
use crate::features::payments::ledger::{Deliver, Delivery, Settled};
use crate::platform::config::BookingSettings;
use crate::platform::events::{Database, Publish};
use crate::platform::jobs::{AfterCommit, Handler, Job};

/// Paid bookings, delivered when their payment settles.
pub struct PaidBookings {
    pub settings: Arc<BookingSettings>,
}

impl Deliver for PaidBookings {
    fn kind(&self) -> PaymentKind {
        PaymentKind::Booking
    }

    fn deliver<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        paid: &'a Settled,
    ) -> BoxFuture<'a, anyhow::Result<Delivery>> {
        Box::pin(book::deliver(conn, &self.settings, paid))
    }
}

/// The `bookings.reminder` job: tells both a booking starts soon, unless it changed.
pub struct Reminders {
    pub publish: Arc<dyn Publish>,
    pub settings: Arc<BookingSettings>,
}

#[derive(Deserialize)]
struct Reminder {
    booking_id: Uuid,
    sequence: i32,
}

impl Handler for Reminders {
    fn run<'a>(&'a self, conn: &'a mut AsyncPgConnection, job: &'a Job) -> BoxFuture<'a, anyhow::Result<AfterCommit>> {
        Box::pin(async move {
            let r: Reminder = serde_json::from_value(job.payload.clone())?;
            let feed = book::send_reminder(conn, &self.settings, r.booking_id, r.sequence)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if feed.is_empty() {
                return Ok(None);
            }
            let publish = self.publish.clone();
            let after: BoxFuture<'static, ()> = Box::pin(async move { publish.feed(&feed).await });
            Ok(Some(after))
        })
    }
}

/// Releases holds that ran out, every `interval`, until `stop`.
pub async fn run_sweep(store: Database, interval: std::time::Duration, stop: tokio_util::sync::CancellationToken) {
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
        let swept = store.write(async |conn| book::sweep(conn).await).await;
        match swept {
            Ok(0) => {}
            Ok(n) => tracing::info!(released = n, "booking holds that ran out were released"),
            Err(e) => tracing::warn!(error = %e, "the booking hold sweep failed"),
        }
    }
}
