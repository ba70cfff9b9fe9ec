//! What clients see of payments: accounts, ledger rows, earnings, started payments.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::kinds::{PaymentKind, PaymentStatus, RefundReason, RefundStatus};
use super::repo::{Dispute, Payment, PayoutAccount, Refund};

/// A creator's payout account as Stripe last reported it.
#[derive(Serialize, ToSchema, Debug)]
pub struct AccountView {
    /// Paid features (tiers, tips, pay-per-view) work only when this is true.
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    /// What Stripe still needs (`requirements.currently_due`), e.g. `external_account`.
    pub requirements: Vec<String>,
}

impl From<&PayoutAccount> for AccountView {
    fn from(a: &PayoutAccount) -> Self {
        Self {
            charges_enabled: a.charges_enabled,
            payouts_enabled: a.payouts_enabled,
            details_submitted: a.details_submitted,
            requirements: serde_json::from_value(a.requirements.clone()).unwrap_or_default(),
        }
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct OnboardingView {
    /// Stripe's hosted onboarding (valid for a few minutes: ask again for a new one).
    pub onboarding_url: String,
    pub account: AccountView,
}

/// A payment that was started: pay at `checkout_url` (Stripe's hosted Checkout).
#[derive(Serialize, ToSchema, Debug)]
pub struct StartedView {
    pub payment_id: Uuid,
    pub checkout_url: String,
}

/// A payment started for Stripe Elements: confirm `client_secret` in the browser.
#[derive(Serialize, ToSchema, Debug)]
pub struct IntentView {
    pub payment_id: Uuid,
    pub client_secret: String,
}

/// One money movement in the ledger (minor units, lowercase ISO currency).
#[derive(Serialize, ToSchema, Debug)]
pub struct PaymentView {
    pub id: Uuid,
    pub kind: PaymentKind,
    #[schema(example = 500)]
    pub amount: i64,
    #[schema(example = "usd")]
    pub currency: String,
    /// The platform's fee, taken from `amount`.
    pub fee_amount: i64,
    pub status: PaymentStatus,
    pub refunded_amount: i64,
    pub payer_id: Uuid,
    pub payee_id: Uuid,
    /// What was bought: a message (ppv), a subscription (invoice), a lecture, a booking.
    pub subject_id: Option<Uuid>,
    /// A tip's room.
    pub room_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// Money sent back, oldest first: its sum (the succeeded ones) is `refunded_amount`.
    pub refunds: Vec<RefundView>,
    /// A chargeback, if the payer opened one.
    pub dispute: Option<DisputeView>,
}

impl PaymentView {
    pub fn new(p: Payment, refunds: Vec<Refund>, dispute: Option<Dispute>) -> Self {
        Self {
            id: p.id,
            kind: p.kind,
            amount: p.amount,
            currency: p.currency,
            fee_amount: p.fee_amount,
            status: p.status,
            refunded_amount: p.refunded_amount,
            payer_id: p.payer_id,
            payee_id: p.payee_id,
            subject_id: p.subject_id,
            room_id: p.room_id,
            created_at: p.created_at,
            refunds: refunds.into_iter().map(RefundView::from).collect(),
            dispute: dispute.map(DisputeView::from),
        }
    }
}

/// Money sent back from a payment: a row of its own in the ledger.
#[derive(Serialize, ToSchema, Debug)]
pub struct RefundView {
    pub id: Uuid,
    pub amount: i64,
    pub currency: String,
    pub reason: RefundReason,
    /// `pending` until Stripe has confirmed it (retried until it does).
    pub status: RefundStatus,
    pub created_at: DateTime<Utc>,
}

impl From<Refund> for RefundView {
    fn from(r: Refund) -> Self {
        Self {
            id: r.id,
            amount: r.amount,
            currency: r.currency,
            reason: r.reason,
            status: r.status,
            created_at: r.created_at,
        }
    }
}

/// A chargeback the payer opened with their bank, as Stripe last reported it. A `lost` one
/// takes back what the payment bought.
#[derive(Serialize, ToSchema, Debug)]
pub struct DisputeView {
    pub amount: i64,
    pub currency: String,
    /// The bank's reason, as Stripe names it (`fraudulent`, `product_not_received`…).
    pub reason: Option<String>,
    /// Stripe's: `warning_needs_response`, `needs_response`, `under_review`, `won`, `lost`…
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl From<Dispute> for DisputeView {
    fn from(d: Dispute) -> Self {
        Self {
            amount: d.amount,
            currency: d.currency,
            reason: d.reason,
            status: d.status,
            created_at: d.created_at,
        }
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct PaymentPage {
    pub items: Vec<PaymentView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Money in one currency: what was paid, the platform's fee, what was refunded, and net.
#[derive(Serialize, ToSchema, Debug, Default, Clone)]
pub struct Totals {
    pub currency: String,
    pub gross: i64,
    pub fees: i64,
    pub refunded: i64,
    /// gross − fees − refunded: what reaches the creator's Stripe balance.
    pub net: i64,
    pub count: i64,
}

impl Totals {
    fn add(&mut self, gross: i64, fees: i64, refunded: i64, count: i64) {
        self.gross += gross;
        self.fees += fees;
        self.refunded += refunded;
        self.net = self.gross - self.fees - self.refunded;
        self.count += count;
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct MonthEarnings {
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub totals: Vec<Totals>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct KindEarnings {
    pub kind: PaymentKind,
    pub totals: Vec<Totals>,
}

/// A payee's earnings, overall, per month (newest first) and per kind, per currency.
#[derive(Serialize, ToSchema, Debug)]
pub struct EarningsView {
    pub totals: Vec<Totals>,
    pub months: Vec<MonthEarnings>,
    pub kinds: Vec<KindEarnings>,
}

impl EarningsView {
    pub fn from_rows(rows: Vec<super::repo::EarningsRow>) -> Self {
        fn add_to(list: &mut Vec<Totals>, r: &super::repo::EarningsRow) {
            let i = match list.iter().position(|t| t.currency == r.currency) {
                Some(i) => i,
                None => {
                    list.push(Totals {
                        currency: r.currency.clone(),
                        ..Totals::default()
                    });
                    list.len() - 1
                }
            };
            list[i].add(r.gross, r.fees, r.refunded, r.count);
        }
        let mut view = Self {
            totals: vec![],
            months: vec![],
            kinds: vec![],
        };
        for r in &rows {
            add_to(&mut view.totals, r);
            if view.months.last().map(|m| m.month != r.month).unwrap_or(true) {
                view.months.push(MonthEarnings {
                    month: r.month.clone(),
                    totals: vec![],
                });
            }
            add_to(&mut view.months.last_mut().expect("pushed").totals, r);
            let Some(kind) = PaymentKind::parse(&r.kind) else {
                continue;
            };
            let i = match view.kinds.iter().position(|k| k.kind == kind) {
                Some(i) => i,
                None => {
                    view.kinds.push(KindEarnings { kind, totals: vec![] });
                    view.kinds.len() - 1
                }
            };
            add_to(&mut view.kinds[i].totals, r);
        }
        view
    }
}

/// A `tip.received` event's data: a tip paid in the room.
#[derive(Serialize, ToSchema, Debug)]
pub struct TipEvent {
    pub payment_id: Uuid,
    pub from_user_id: Uuid,
    pub to_user_id: Uuid,
    /// Minor units.
    pub amount: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// The tipper's note, if any.
    pub message: Option<String>,
}
