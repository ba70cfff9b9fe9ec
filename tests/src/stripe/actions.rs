//! Control actions: what Stripe does on its own (customers paying, renewals, onboarding).

use serde_json::json;

use super::api::requirements;
use super::state::{ApiError, State};
use super::Action;

impl Action {
    /// `accounts/{id}/complete_onboarding`, `checkout/sessions/{id}/pay`... (see `control`).
    pub fn from_path(segments: &[&str]) -> Option<Self> {
        let id = |s: &str| s.to_owned();
        Some(match segments {
            ["accounts", a, "complete_onboarding"] => Action::CompleteOnboarding(id(a)),
            ["accounts", a, "restrict"] => Action::RestrictAccount(id(a)),
            ["checkout", "sessions", cs, "pay"] => Action::PayCheckout(id(cs)),
            ["checkout", "sessions", cs, "decline"] => Action::DeclineCheckout(id(cs)),
            ["checkout", "sessions", cs, "expire"] => Action::ExpireCheckout(id(cs)),
            ["payment_intents", pi, "succeed"] => Action::SucceedPaymentIntent(id(pi)),
            ["payment_intents", pi, "fail"] => Action::FailPaymentIntent(id(pi)),
            ["subscriptions", sub, "invoice_paid"] => Action::Invoice {
                subscription: id(sub),
                paid: true,
            },
            ["subscriptions", sub, "invoice_failed"] => Action::Invoice {
                subscription: id(sub),
                paid: false,
            },
            ["subscriptions", sub, "end_period"] => Action::EndPeriod(id(sub)),
            ["subscriptions", sub, "cancel_now"] => Action::CancelSubscriptionNow(id(sub)),
            ["subscriptions", sub, "cancel_at_period_end"] => Action::CancelAtPeriodEnd(id(sub)),
            ["charges", ch, "refund"] => Action::RefundInDashboard(id(ch)),
            ["charges", ch, "dispute"] => Action::OpenDispute(id(ch)),
            ["disputes", dp, "win"] => Action::CloseDispute {
                dispute: id(dp),
                won: true,
            },
            ["disputes", dp, "lose"] => Action::CloseDispute {
                dispute: id(dp),
                won: false,
            },
            _ => return None,
        })
    }
}

impl State {
    pub fn apply(&mut self, action: &Action) -> Result<(), ApiError> {
        match action {
            Action::CompleteOnboarding(account) => self.set_onboarded(account, true),
            Action::RestrictAccount(account) => self.set_onboarded(account, false),
            Action::PayCheckout(cs) => self.pay_checkout(cs),
            Action::DeclineCheckout(cs) => self.decline_checkout(cs),
            Action::ExpireCheckout(cs) => self.expire_session(cs).map(drop),
            Action::SucceedPaymentIntent(pi) => self.succeed_intent(pi).map(drop),
            Action::FailPaymentIntent(pi) => self.fail_intent(pi),
            Action::Invoice { subscription, paid } => self.cycle(subscription, *paid),
            Action::EndPeriod(sub) => self.end_period(sub),
            Action::CancelSubscriptionNow(sub) => self.cancel_subscription(sub).map(drop),
            Action::CancelAtPeriodEnd(sub) => self.set_cancel_at_period_end(sub, Some(true), &json!({})).map(drop),
            Action::RefundInDashboard(ch) => self
                .create_refund(&super::form::Params(vec![("charge".into(), ch.clone())]))
                .map(drop),
            Action::OpenDispute(ch) => self.open_dispute(ch),
            Action::CloseDispute { dispute, won } => self.close_dispute(dispute, *won),
        }
    }

    /// A chargeback: the charge's amount, `needs_response`.
    fn open_dispute(&mut self, charge: &str) -> Result<(), ApiError> {
        let c = self.fetch("charge", charge)?;
        let dispute = super::state::new_id("dp");
        self.put(json!({
            "id": dispute, "object": "dispute", "amount": c["amount"], "currency": c["currency"],
            "charge": charge, "payment_intent": c["payment_intent"], "reason": "fraudulent",
            "status": "needs_response", "is_charge_refundable": false, "livemode": false,
            "created": super::state::now(), "metadata": {},
        }));
        self.update(charge, |c| c["disputed"] = json!(true));
        self.emit("charge.dispute.created", &dispute, None);
        Ok(())
    }

    fn close_dispute(&mut self, dispute: &str, won: bool) -> Result<(), ApiError> {
        self.fetch("dispute", dispute)?;
        let previous = self.update(dispute, |d| d["status"] = json!(if won { "won" } else { "lost" }));
        self.emit("charge.dispute.closed", dispute, Some(previous));
        Ok(())
    }

    /// Onboarding finished (or new requirements came due): `account.updated` on Connect.
    fn set_onboarded(&mut self, account: &str, done: bool) -> Result<(), ApiError> {
        self.fetch("account", account)?;
        let previous = self.update(account, |a| {
            a["charges_enabled"] = json!(done);
            a["payouts_enabled"] = json!(done);
            if done {
                a["details_submitted"] = json!(true);
            }
            a["requirements"] = requirements(!done);
            if let Some(capabilities) = a["capabilities"].as_object_mut() {
                capabilities
                    .values_mut()
                    .for_each(|c| *c = json!(if done { "active" } else { "inactive" }));
            }
        });
        self.emit("account.updated", account, Some(previous));
        Ok(())
    }
}
