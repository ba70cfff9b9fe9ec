//! Subscriptions and their invoices.

use serde_json::{json, Value};

use super::api::merge;
use super::form::Params;
use super::state::{new_id, now, ApiError, State};

/// A billing period (the fake's "month").
pub const PERIOD: i64 = 30 * 86400;
/// When Stripe would retry a failed invoice.
const RETRY_AFTER: i64 = 3 * 86400;

impl State {
    /// A paid subscription-mode Checkout: customer (made from the email if needed), the
    /// Subscription and its first Invoice. Returns `(subscription, invoice, customer)`.
    pub fn start_subscription(&mut self, session: &Value, p: &Params) -> Result<(String, String, String), ApiError> {
        let price = self.fetch("price", p.str("line_items[0][price]").unwrap_or_default())?;
        let customer = match session["customer"].as_str() {
            Some(customer) => customer.to_owned(),
            None => {
                let id = new_id("cus");
                self.put(
                    json!({"id": id, "object": "customer", "email": session["customer_email"], "name": null,
                    "metadata": {}, "created": now(), "livemode": false}),
                );
                id
            }
        };
        let quantity = p.int("line_items[0][quantity]").ok().flatten().unwrap_or(1);
        let trial_days = p.int("subscription_data[trial_period_days]").ok().flatten();
        let start = now();
        let trial_end = trial_days.map(|days| start + days * 86400);
        let period_end = trial_end.unwrap_or(start + PERIOD);
        let transfer = p
            .str("subscription_data[transfer_data][destination]")
            .map(|destination| {
                let percent = p
                    .float("subscription_data[transfer_data][amount_percent]")
                    .ok()
                    .flatten();
                json!({"destination": destination, "amount_percent": percent})
            });
        let id = new_id("sub");
        self.put(json!({
            "id": id, "object": "subscription", "customer": customer,
            "status": if trial_end.is_some() { "trialing" } else { "active" },
            "cancel_at_period_end": false, "cancel_at": null, "canceled_at": null, "ended_at": null,
            "trial_start": trial_end.map(|_| start), "trial_end": trial_end, "start_date": start, "created": start,
            "metadata": p.map("subscription_data[metadata]"), "latest_invoice": null, "transfer_data": transfer,
            "currency": price["currency"], "collection_method": "charge_automatically", "livemode": false,
            "items": {"object": "list", "has_more": false, "total_count": 1,
                "url": format!("/v1/subscription_items?subscription={id}"),
                "data": [{"id": new_id("si"), "object": "subscription_item", "price": price, "quantity": quantity,
                    "subscription": id, "current_period_start": start, "current_period_end": period_end,
                    "created": start, "metadata": {}}]},
        }));
        let amount = if trial_end.is_some() {
            0
        } else {
            price["unit_amount"].as_i64().unwrap_or(0) * quantity
        };
        let invoice = self.new_invoice(&id, "subscription_create", (start, period_end), amount);
        self.update(&id, |s| s["latest_invoice"] = json!(invoice));
        self.emit("customer.subscription.created", &id, None);
        self.charge_invoice(&invoice, true)?;
        Ok((id, invoice, customer))
    }

    fn new_invoice(&mut self, subscription: &str, reason: &str, (start, end): (i64, i64), amount: i64) -> String {
        let sub = self.objects.get(subscription).cloned().unwrap_or_default();
        let item = &sub["items"]["data"][0];
        let id = new_id("in");
        self.put(json!({
            "id": id, "object": "invoice", "customer": sub["customer"], "status": "open", "amount_due": amount,
            "amount_paid": 0, "amount_remaining": amount, "currency": sub["currency"], "billing_reason": reason,
            "attempt_count": 0, "attempted": false, "next_payment_attempt": null, "period_start": start,
            "period_end": end, "created": now(), "collection_method": "charge_automatically", "livemode": false,
            "status_transitions": {"finalized_at": now(), "paid_at": null},
            "parent": {"type": "subscription_details", "quote_details": null,
                "subscription_details": {"subscription": subscription, "metadata": sub["metadata"]}},
            "lines": {"object": "list", "has_more": false, "total_count": 1, "data": [{
                "id": new_id("il"), "object": "line_item", "amount": amount, "currency": sub["currency"],
                "quantity": item["quantity"], "period": {"start": start, "end": end},
                "pricing": {"type": "price_details", "price_details":
                    {"price": item["price"]["id"], "product": item["price"]["product"]}},
                "parent": {"type": "subscription_item_details",
                    "subscription_item_details": {"subscription": subscription, "subscription_item": item["id"]}}}]},
            "payments": {"object": "list", "has_more": false, "data": []},
        }));
        id
    }

    /// One payment attempt on an invoice: its PaymentIntent's events (when there is money
    /// to move), then `invoice.paid` or `invoice.payment_failed`.
    fn charge_invoice(&mut self, id: &str, paid: bool) -> Result<(), ApiError> {
        let invoice = self.fetch("invoice", id)?;
        let amount = invoice["amount_due"].as_i64().unwrap_or(0);
        let mut payments = invoice["payments"]["data"].clone();
        if amount > 0 {
            let pi = match invoice["payments"]["data"][0]["payment"]["payment_intent"].as_str() {
                Some(pi) => pi.to_owned(),
                None => self.invoice_intent(&invoice, amount),
            };
            if paid {
                self.succeed_intent(&pi)?;
            } else {
                self.fail_intent(&pi)?;
            }
            payments = json!([{"id": new_id("inpay"), "object": "invoice_payment", "invoice": id, "is_default": true,
                "amount_requested": amount, "amount_paid": if paid { amount } else { 0 },
                "status": if paid { "paid" } else { "open" },
                "payment": {"type": "payment_intent", "payment_intent": pi}}]);
        }
        let attempts = invoice["attempt_count"].as_i64().unwrap_or(0) + i64::from(amount > 0 || !paid);
        self.update(id, |inv| {
            inv["payments"]["data"] = payments;
            inv["attempt_count"] = json!(attempts);
            inv["attempted"] = json!(true);
            if paid {
                merge(
                    inv,
                    &json!({"status": "paid", "amount_paid": amount, "amount_remaining": 0,
                    "next_payment_attempt": null}),
                );
                inv["status_transitions"]["paid_at"] = json!(now());
            } else {
                inv["next_payment_attempt"] = json!(now() + RETRY_AFTER);
            }
        });
        self.emit(if paid { "invoice.paid" } else { "invoice.payment_failed" }, id, None);
        Ok(())
    }

    fn invoice_intent(&mut self, invoice: &Value, amount: i64) -> String {
        let sub = invoice["parent"]["subscription_details"]["subscription"]
            .as_str()
            .unwrap_or_default();
        let transfer = self
            .objects
            .get(sub)
            .map(|s| s["transfer_data"].clone())
            .unwrap_or_default();
        let transfer = match transfer["destination"].as_str() {
            Some(destination) => {
                let percent = transfer["amount_percent"].as_f64().unwrap_or(100.0);
                json!({"destination": destination, "amount": (amount as f64 * percent / 100.0).round() as i64})
            }
            None => Value::Null,
        };
        let currency = invoice["currency"].as_str().unwrap_or("usd");
        self.new_intent(amount, currency, invoice["customer"].clone(), json!({}), None, transfer)
    }

    fn live_subscription(&self, id: &str) -> Result<Value, ApiError> {
        let sub = self.fetch("subscription", id)?;
        if sub["status"] == "canceled" {
            return Err(ApiError::invalid(
                None,
                format!("The subscription {id} has already been canceled."),
            ));
        }
        Ok(sub)
    }

    /// The next period's invoice (or a retry of the open one), paid or failed, and the
    /// subscription's new state (`customer.subscription.updated` when it changed).
    pub fn cycle(&mut self, id: &str, paid: bool) -> Result<(), ApiError> {
        let sub = self.live_subscription(id)?;
        let latest = sub["latest_invoice"].as_str().unwrap_or_default();
        let invoice = match self.objects.get(latest).filter(|i| i["status"] == "open") {
            Some(open) => open["id"].as_str().unwrap_or_default().to_owned(),
            None => {
                let item = &sub["items"]["data"][0];
                let start = item["current_period_end"].as_i64().unwrap_or_else(now);
                let amount =
                    item["price"]["unit_amount"].as_i64().unwrap_or(0) * item["quantity"].as_i64().unwrap_or(1);
                self.new_invoice(id, "subscription_cycle", (start, start + PERIOD), amount)
            }
        };
        self.charge_invoice(&invoice, paid)?;
        let inv = self.fetch("invoice", &invoice)?;
        let previous = self.update(id, |s| {
            s["latest_invoice"] = json!(invoice);
            s["status"] = json!(if paid { "active" } else { "past_due" });
            if paid {
                s["items"]["data"][0]["current_period_start"] = inv["period_start"].clone();
                s["items"]["data"][0]["current_period_end"] = inv["period_end"].clone();
            }
        });
        self.emit_if_changed(id, previous);
        Ok(())
    }

    fn emit_if_changed(&mut self, id: &str, previous: Value) {
        if previous.as_object().is_some_and(|p| !p.is_empty()) {
            self.emit("customer.subscription.updated", id, Some(previous));
        }
    }

    /// The period ends: a subscription set to cancel ends, any other renews (paid).
    pub fn end_period(&mut self, id: &str) -> Result<(), ApiError> {
        let sub = self.live_subscription(id)?;
        if sub["cancel_at_period_end"] == true {
            return self.cancel_subscription(id).map(drop);
        }
        self.cycle(id, true)
    }

    /// Ends it now: `customer.subscription.deleted`.
    pub fn cancel_subscription(&mut self, id: &str) -> Result<Value, ApiError> {
        self.live_subscription(id)?;
        let at = now();
        self.update(id, |s| {
            s["status"] = json!("canceled");
            s["ended_at"] = json!(at);
            if s["canceled_at"].is_null() {
                s["canceled_at"] = json!(at);
            }
        });
        self.emit("customer.subscription.deleted", id, None);
        self.fetch("subscription", id)
    }

    pub fn update_subscription(&mut self, id: &str, p: &Params) -> Result<Value, ApiError> {
        let cancel = p.bool("cancel_at_period_end")?;
        self.set_cancel_at_period_end(id, cancel, &p.map("metadata"))
    }

    pub fn set_cancel_at_period_end(
        &mut self,
        id: &str,
        cancel: Option<bool>,
        metadata: &Value,
    ) -> Result<Value, ApiError> {
        let sub = self.fetch("subscription", id)?;
        if cancel.is_some() && sub["status"] == "canceled" {
            return Err(ApiError::invalid(
                None,
                "A canceled subscription can only update its cancellation_details and metadata.",
            ));
        }
        let at = now();
        let previous = self.update(id, |s| {
            if let Some(cancel) = cancel.filter(|c| s["cancel_at_period_end"] != *c) {
                s["cancel_at_period_end"] = json!(cancel);
                s["cancel_at"] = if cancel {
                    s["items"]["data"][0]["current_period_end"].clone()
                } else {
                    Value::Null
                };
                s["canceled_at"] = if cancel { json!(at) } else { Value::Null };
            }
            merge(&mut s["metadata"], metadata);
        });
        self.emit_if_changed(id, previous);
        self.fetch("subscription", id)
    }
}
