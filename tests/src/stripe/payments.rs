//! Checkout Sessions, PaymentIntents, Charges and Refunds.

use serde_json::{json, Value};

use super::form::{Params, MAX_AMOUNT};
use super::pages::money;
use super::state::{new_id, now, ApiError, State};

const DECLINED: &str = "Your card was declined.";

/// A Checkout `expires_at` must be 30 min … 24 h away (a minute's slack either side).
const EXPIRY_RANGE: (i64, i64) = (30 * 60 - 60, 24 * 3600 + 60);

impl State {
    pub fn create_checkout_session(&mut self, p: &Params) -> Result<Value, ApiError> {
        let mode = p
            .one_of("mode", &["payment", "subscription"])?
            .ok_or_else(|| ApiError::missing("mode"))?;
        if !p.has_prefix("line_items[0]") {
            return Err(ApiError::missing("line_items"));
        }
        let quantity = p.int("line_items[0][quantity]")?.unwrap_or(1);
        if !(1..=99).contains(&quantity) {
            return Err(ApiError::invalid(None, "Quantity must be between 1 and 99.").param("line_items[0][quantity]"));
        }
        let (unit, currency) = self.line_item(p, mode)?;
        let amount_total = unit * quantity;
        if amount_total > MAX_AMOUNT {
            return Err(ApiError::invalid(
                Some("amount_too_large"),
                "Amount must be no more than $999,999.99",
            ));
        }
        if let Some(customer) = p.str("customer") {
            self.fetch_param("customer", customer, "customer")?;
        }
        let data = if mode == "payment" {
            "payment_intent_data"
        } else {
            "subscription_data"
        };
        let destination = format!("{data}[transfer_data][destination]");
        if let Some(account) = p.str(&destination) {
            self.check_destination(account, &destination)?;
        }
        let fee_param = "payment_intent_data[application_fee_amount]";
        if p.amount(fee_param)?.unwrap_or(0) > amount_total {
            return Err(ApiError::invalid(None, "The application fee cannot exceed the amount.").param(fee_param));
        }
        let percent = "subscription_data[transfer_data][amount_percent]";
        if p.float(percent)?.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
            return Err(ApiError::invalid(None, "amount_percent must be between 0 and 100.").param(percent));
        }
        let trial = "subscription_data[trial_period_days]";
        if p.int(trial)?.is_some_and(|d| !(1..=730).contains(&d)) {
            return Err(ApiError::invalid(None, "trial_period_days must be between 1 and 730.").param(trial));
        }
        let created = now();
        let expires_at = p.int("expires_at")?.unwrap_or(created + 24 * 3600);
        if !(created + EXPIRY_RANGE.0..=created + EXPIRY_RANGE.1).contains(&expires_at) {
            return Err(ApiError::invalid(
                None,
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
            )
            .param("expires_at"));
        }
        let id = new_id("cs_test");
        self.sessions.insert(id.clone(), p.clone());
        Ok(self.put(json!({
            "id": id, "object": "checkout.session", "mode": mode, "status": "open", "payment_status": "unpaid",
            "url": format!("{}/checkout/{id}", self.base), "amount_subtotal": amount_total,
            "amount_total": amount_total, "currency": currency, "customer": p.str("customer"),
            "customer_email": p.str("customer_email"), "customer_details": null,
            "client_reference_id": p.str("client_reference_id"), "metadata": p.map("metadata"),
            "payment_intent": null, "subscription": null, "invoice": null, "success_url": p.str("success_url"),
            "cancel_url": p.str("cancel_url"), "expires_at": expires_at, "created": created, "livemode": false,
        })))
    }

    /// `(unit amount, currency)` of the (only) line item, checked for `mode`.
    fn line_item(&self, p: &Params, mode: &str) -> Result<(i64, String), ApiError> {
        let param = "line_items[0][price]";
        if let Some(id) = p.str(param) {
            let price = self.fetch_param("price", id, param)?;
            let invalid = |message: &str| Err(ApiError::invalid(None, message).param(param));
            if price["active"] != true {
                return invalid("The price specified is inactive. This field only accepts active prices.");
            }
            match (mode, price["recurring"].is_null()) {
                ("subscription", true) => {
                    return invalid("You must specify at least one recurring price in `subscription` mode.")
                }
                ("payment", false) => return invalid("You specified `payment` mode but passed a recurring price."),
                _ => {}
            }
            let currency = price["currency"].as_str().unwrap_or("usd").to_owned();
            return Ok((price["unit_amount"].as_i64().unwrap_or(0), currency));
        }
        if mode == "subscription" {
            return Err(ApiError::missing(param));
        }
        let currency = p.required("line_items[0][price_data][currency]")?.to_lowercase();
        let amount = "line_items[0][price_data][unit_amount]";
        let unit = p.amount(amount)?.ok_or_else(|| ApiError::missing(amount))?;
        if p.str("line_items[0][price_data][product]").is_none() {
            p.required("line_items[0][price_data][product_data][name]")?;
        }
        Ok((unit, currency))
    }

    /// A destination must exist and be able to take charges.
    fn check_destination(&self, account: &str, param: &str) -> Result<(), ApiError> {
        let found = self.fetch_param("account", account, param).map_err(|mut e| {
            e.message = format!("No such destination: '{account}'");
            e
        })?;
        if found["charges_enabled"] != true {
            return Err(ApiError::invalid(
                Some("insufficient_capabilities_for_transfer"),
                "Your destination account needs to have at least one of the following capabilities enabled: \
                 transfers, crypto_transfers, legacy_payments",
            )
            .param(param));
        }
        Ok(())
    }

    pub fn create_payment_intent(&mut self, p: &Params) -> Result<Value, ApiError> {
        let amount = p.amount("amount")?.ok_or_else(|| ApiError::missing("amount"))?;
        let currency = p.required("currency")?.to_lowercase();
        if amount < 50 {
            return Err(ApiError::invalid(
                Some("amount_too_small"),
                format!("Amount must be at least {}", money(50, &currency)),
            )
            .param("amount"));
        }
        let customer = p.str("customer");
        if let Some(customer) = customer {
            self.fetch_param("customer", customer, "customer")?;
        }
        let fee = p.amount("application_fee_amount")?;
        if fee.unwrap_or(0) > amount {
            return Err(ApiError::invalid(None, "The application fee cannot exceed the amount.")
                .param("application_fee_amount"));
        }
        let destination = p.str("transfer_data[destination]");
        if let Some(account) = destination {
            self.check_destination(account, "transfer_data[destination]")?;
        }
        let transfer = destination.map(|d| json!({"destination": d}));
        let id = self.new_intent(
            amount,
            &currency,
            json!(customer),
            p.map("metadata"),
            fee,
            json!(transfer),
        );
        self.fetch("payment_intent", &id)
    }

    pub fn new_intent(
        &mut self,
        amount: i64,
        currency: &str,
        customer: Value,
        metadata: Value,
        fee: Option<i64>,
        transfer: Value,
    ) -> String {
        let id = new_id("pi");
        let secret = format!("{id}_secret_{}", &new_id("s")[2..]);
        self.put(json!({
            "id": id, "object": "payment_intent", "amount": amount, "amount_received": 0, "amount_capturable": 0,
            "currency": currency, "status": "requires_payment_method", "client_secret": secret, "metadata": metadata,
            "application_fee_amount": fee, "transfer_data": transfer, "customer": customer, "latest_charge": null,
            "last_payment_error": null, "capture_method": "automatic", "payment_method_types": ["card"],
            "automatic_payment_methods": {"enabled": true}, "created": now(), "livemode": false,
        }));
        id
    }

    fn payable_intent(&self, id: &str) -> Result<Value, ApiError> {
        let intent = self.fetch("payment_intent", id)?;
        match intent["status"].as_str() {
            Some("succeeded" | "canceled") => Err(ApiError::invalid(
                Some("payment_intent_unexpected_state"),
                format!(
                    "This PaymentIntent's status is {}, so it cannot be paid.",
                    intent["status"]
                ),
            )),
            _ => Ok(intent),
        }
    }

    /// The card is charged: a Charge, `charge.succeeded` then `payment_intent.succeeded`.
    pub fn succeed_intent(&mut self, id: &str) -> Result<String, ApiError> {
        let pi = self.payable_intent(id)?;
        let charge = new_id("ch");
        let transfer = (!pi["transfer_data"].is_null()).then(|| new_id("tr"));
        self.put(json!({
            "id": charge, "object": "charge", "amount": pi["amount"], "amount_captured": pi["amount"],
            "amount_refunded": 0, "refunded": false, "captured": true, "paid": true, "status": "succeeded",
            "currency": pi["currency"], "customer": pi["customer"], "payment_intent": id, "metadata": pi["metadata"],
            "transfer_data": pi["transfer_data"], "transfer": transfer,
            "application_fee_amount": pi["application_fee_amount"], "created": now(), "livemode": false,
            "outcome": {"type": "authorized", "network_status": "approved_by_network"},
            "payment_method_details": {"type": "card", "card": {"brand": "visa", "last4": "4242"}},
        }));
        self.emit("charge.succeeded", &charge, None);
        self.update(id, |pi| {
            pi["status"] = json!("succeeded");
            pi["amount_received"] = pi["amount"].clone();
            pi["latest_charge"] = json!(charge);
            pi["last_payment_error"] = Value::Null;
        });
        self.emit("payment_intent.succeeded", id, None);
        Ok(charge)
    }

    /// The card is declined: `payment_intent.payment_failed`.
    pub fn fail_intent(&mut self, id: &str) -> Result<(), ApiError> {
        self.payable_intent(id)?;
        self.update(id, |pi| {
            pi["status"] = json!("requires_payment_method");
            pi["last_payment_error"] = json!({"type": "card_error", "code": "card_declined",
                "decline_code": "generic_decline", "message": DECLINED});
        });
        self.emit("payment_intent.payment_failed", id, None);
        Ok(())
    }

    pub fn open_session(&self, id: &str) -> Result<(Value, Params), ApiError> {
        let session = self.fetch("checkout.session", id)?;
        if session["status"] != "open" {
            return Err(ApiError::invalid(
                None,
                format!(
                    "This Checkout Session is no longer open (status: {}).",
                    session["status"]
                ),
            ));
        }
        Ok((session, self.sessions.get(id).cloned().unwrap_or_default()))
    }

    /// The PaymentIntent of a payment-mode session (made on the first attempt).
    fn session_intent(&mut self, session: &Value, p: &Params) -> String {
        let cs = session["id"].as_str().unwrap_or_default().to_owned();
        if let Some(id) = self.session_intents.get(&cs) {
            return id.clone();
        }
        let destination = p.str("payment_intent_data[transfer_data][destination]");
        let fee = p.amount("payment_intent_data[application_fee_amount]").ok().flatten();
        let id = self.new_intent(
            session["amount_total"].as_i64().unwrap_or(0),
            session["currency"].as_str().unwrap_or("usd"),
            session["customer"].clone(),
            p.map("payment_intent_data[metadata]"),
            fee,
            json!(destination.map(|d| json!({"destination": d}))),
        );
        self.session_intents.insert(cs, id.clone());
        id
    }

    pub fn pay_checkout(&mut self, cs: &str) -> Result<(), ApiError> {
        let (session, p) = self.open_session(cs)?;
        let email = session["customer_email"].clone();
        let mut completed = json!({"status": "complete", "payment_status": "paid",
            "customer_details": {"email": email}});
        if session["mode"] == "subscription" {
            let (subscription, invoice, customer) = self.start_subscription(&session, &p)?;
            completed["subscription"] = json!(subscription);
            completed["invoice"] = json!(invoice);
            completed["customer"] = json!(customer);
        } else {
            let pi = self.session_intent(&session, &p);
            self.succeed_intent(&pi)?;
            completed["payment_intent"] = json!(pi);
        }
        self.update(cs, |s| super::api::merge(s, &completed));
        self.emit("checkout.session.completed", cs, None);
        Ok(())
    }

    pub fn decline_checkout(&mut self, cs: &str) -> Result<(), ApiError> {
        let (session, p) = self.open_session(cs)?;
        let pi = self.session_intent(&session, &p);
        self.fail_intent(&pi)
    }

    pub fn expire_session(&mut self, cs: &str) -> Result<Value, ApiError> {
        let session = self.fetch("checkout.session", cs)?;
        if session["status"] != "open" {
            return Err(ApiError::invalid(
                None,
                format!(
                    "Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a \
                     status of {}.",
                    session["status"]
                ),
            ));
        }
        self.update(cs, |s| s["status"] = json!("expired"));
        self.emit("checkout.session.expired", cs, None);
        self.fetch("checkout.session", cs)
    }

    pub fn create_refund(&mut self, p: &Params) -> Result<Value, ApiError> {
        let charge_id = match (p.str("charge"), p.str("payment_intent")) {
            (Some(charge), _) => charge.to_owned(),
            (None, Some(pi)) => {
                let intent = self.fetch_param("payment_intent", pi, "payment_intent")?;
                let charge = intent["latest_charge"].as_str().map(str::to_owned);
                charge.ok_or_else(|| {
                    ApiError::invalid(
                        None,
                        format!("This PaymentIntent ({pi}) does not have a successful charge to refund."),
                    )
                    .param("payment_intent")
                })?
            }
            (None, None) => {
                return Err(ApiError::invalid(
                    Some("parameter_missing"),
                    "One of the following params should be provided for this request: payment_intent or charge.",
                ))
            }
        };
        let charge = self.fetch_param("charge", &charge_id, "charge")?;
        let (total, refunded) = (
            charge["amount"].as_i64().unwrap_or(0),
            charge["amount_refunded"].as_i64().unwrap_or(0),
        );
        let currency = charge["currency"].as_str().unwrap_or("usd").to_owned();
        let remaining = total - refunded;
        if remaining <= 0 {
            let message = format!("Charge {charge_id} has already been refunded.");
            return Err(ApiError::invalid(Some("charge_already_refunded"), message));
        }
        let amount = p.amount("amount")?.unwrap_or(remaining);
        if amount == 0 || amount > remaining {
            let message = format!(
                "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                money(amount, &currency),
                money(remaining, &currency)
            );
            return Err(ApiError::invalid(Some("amount_too_large"), message).param("amount"));
        }
        let reason = p.one_of("reason", &["duplicate", "fraudulent", "requested_by_customer"])?;
        let reversal =
            (p.bool("reverse_transfer")? == Some(true) && !charge["transfer"].is_null()).then(|| new_id("trr"));
        p.bool("refund_application_fee")?;
        let refund = self.put(json!({
            "id": new_id("re"), "object": "refund", "amount": amount, "currency": currency, "charge": charge_id,
            "payment_intent": charge["payment_intent"], "status": "succeeded", "reason": reason,
            "metadata": p.map("metadata"), "transfer_reversal": reversal, "created": now(),
        }));
        let previous = self.update(&charge_id, |c| {
            c["amount_refunded"] = json!(refunded + amount);
            c["refunded"] = json!(refunded + amount == total);
        });
        self.emit("charge.refunded", &charge_id, Some(previous));
        self.emit("refund.created", refund["id"].as_str().unwrap_or_default(), None);
        Ok(refund)
    }
}
