//! The `/v1` API: auth, idempotency, request recording, routing and the simple resources.

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use serde_json::{json, Value};

use super::form::Params;
use super::state::{new_id, now, ApiError, Saved, State, API_VERSION};
use super::{FakeStripe, RecordedRequest};

pub async fn handle(req: HttpRequest, body: web::Bytes, fake: web::Data<FakeStripe>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let method = req.method().clone();
    let path = req.path().to_owned();
    let mut params = Params::parse(req.query_string().as_bytes());
    params.0.extend(Params::parse(&body).0);
    let key = header("idempotency-key").filter(|_| method == Method::POST);
    let request_id = new_id("req");
    let mut record = RecordedRequest {
        method: method.to_string(),
        path: path.clone(),
        idempotency_key: key.clone(),
        stripe_version: header("stripe-version"),
        params: params.0.clone(),
        status: 200,
        replayed: false,
    };
    let (result, events) = {
        let mut s = fake.lock();
        let from = s.events.len();
        let result = match authorize(header("authorization"), &fake.secret_key) {
            Err(e) => Err(e),
            Ok(()) => match key.as_ref().and_then(|k| s.idempotency.get(k)) {
                Some(saved) => replay(saved, &method, &path, &params).inspect(|_| record.replayed = true),
                None => {
                    s.request = Some((request_id.clone(), key.clone()));
                    let result = route(&mut s, &method, &path, &params).map(|body| (200, body));
                    s.request = None;
                    if let (Some(key), Ok((status, body))) = (&key, &result) {
                        let saved = Saved {
                            method: method.to_string(),
                            path: path.clone(),
                            params: params.sorted(),
                            status: *status,
                            body: body.clone(),
                        };
                        s.idempotency.insert(key.clone(), saved);
                    }
                    result
                }
            },
        };
        let (status, body) = result.unwrap_or_else(|e| (e.status, e.body()));
        record.status = status;
        s.requests.push(record.clone());
        ((status, body), s.events_since(from))
    };
    fake.dispatch_later(events);
    let mut response = HttpResponse::build(StatusCode::from_u16(result.0).unwrap_or(StatusCode::OK));
    response
        .insert_header(("request-id", request_id))
        .insert_header(("stripe-version", API_VERSION));
    if record.replayed {
        response.insert_header(("idempotent-replayed", "true"));
    }
    response.json(result.1)
}

/// `Bearer <key>`, or Basic with the key as the user name (`curl -u sk_…:`).
fn authorize(value: Option<String>, expected: &str) -> Result<(), ApiError> {
    let value = value.unwrap_or_default();
    let given = match value.split_once(' ') {
        Some(("Bearer", key)) => key.trim().to_owned(),
        Some(("Basic", b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|raw| String::from_utf8(raw).ok())
            .map(|user| user.split(':').next().unwrap_or_default().to_owned())
            .unwrap_or_default(),
        _ => String::new(),
    };
    if given == expected {
        return Ok(());
    }
    let message = match given.is_empty() {
        true => "You did not provide an API key. You need to provide your API key in the Authorization header, \
                 using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
            .to_owned(),
        false => {
            let tail: String = given
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("Invalid API Key provided: sk_test_****{tail}")
        }
    };
    Err(ApiError::new(401, "invalid_request_error", None, message))
}

fn replay(saved: &Saved, method: &Method, path: &str, params: &Params) -> Result<(u16, Value), ApiError> {
    if saved.method == method.as_str() && saved.path == path && saved.params == params.sorted() {
        return Ok((saved.status, saved.body.clone()));
    }
    Err(ApiError::new(
        400,
        "idempotency_error",
        None,
        "Keys for idempotent requests can only be used with the same parameters they were first used with. \
         Try using a key other than the one used in the original request.",
    ))
}

fn route(s: &mut State, method: &Method, path: &str, p: &Params) -> Result<Value, ApiError> {
    let segments: Vec<&str> = path.trim_start_matches("/v1/").split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["accounts"]) => create_account(s, p),
        ("POST", ["accounts", id, "login_links"]) => login_link(s, id),
        ("POST", ["account_links"]) => account_link(s, p),
        ("POST", ["customers"]) => create_customer(s, p),
        ("POST", ["products"]) => create_product(s, p),
        ("POST", ["prices"]) => create_price(s, p),
        ("POST", ["prices", id]) => update_price(s, id, p),
        ("POST", ["checkout", "sessions"]) => s.create_checkout_session(p),
        ("POST", ["checkout", "sessions", id, "expire"]) => s.expire_session(id),
        ("POST", ["payment_intents"]) => s.create_payment_intent(p),
        ("POST", ["refunds"]) => s.create_refund(p),
        ("POST", ["subscriptions", id]) => s.update_subscription(id, p),
        ("DELETE", ["subscriptions", id]) => s.cancel_subscription(id),
        ("POST", ["billing_portal", "sessions"]) => portal_session(s, p),
        ("GET", ["checkout", "sessions", id]) => s.fetch("checkout.session", id),
        ("GET", [collection, id]) if object_type(collection).is_some() => {
            s.fetch(object_type(collection).unwrap_or_default(), id)
        }
        _ => Err(ApiError::new(
            404,
            "invalid_request_error",
            None,
            format!(
                "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at \
                 https://support.stripe.com/."
            ),
        )),
    }
}

fn object_type(collection: &str) -> Option<&'static str> {
    Some(match collection {
        "accounts" => "account",
        "customers" => "customer",
        "products" => "product",
        "prices" => "price",
        "payment_intents" => "payment_intent",
        "charges" => "charge",
        "refunds" => "refund",
        "subscriptions" => "subscription",
        "invoices" => "invoice",
        _ => return None,
    })
}

const ONBOARDING_DUE: [&str; 6] = [
    "business_profile.url",
    "external_account",
    "individual.dob.day",
    "individual.first_name",
    "tos_acceptance.date",
    "tos_acceptance.ip",
];

/// Requirements of an account that has (not) finished onboarding.
pub fn requirements(due: bool) -> Value {
    let list: Vec<&str> = if due { ONBOARDING_DUE.to_vec() } else { Vec::new() };
    json!({"currently_due": list, "eventually_due": list, "past_due": list, "pending_verification": [],
        "errors": [], "current_deadline": null,
        "disabled_reason": if due { json!("requirements.past_due") } else { Value::Null }})
}

fn create_account(s: &mut State, p: &Params) -> Result<Value, ApiError> {
    let kind = p.one_of("type", &["express", "standard", "custom"])?;
    let dashboard = p.one_of("controller[stripe_dashboard][type]", &["express", "full", "none"])?;
    let kind = match (kind, dashboard) {
        (Some(kind), _) => kind,
        (None, Some("full")) => "standard",
        (None, Some("none")) => "custom",
        _ => "express",
    };
    let capabilities: serde_json::Map<String, Value> = ["card_payments", "transfers"]
        .iter()
        .filter(|c| p.str(&format!("capabilities[{c}][requested]")) == Some("true"))
        .map(|c| (c.to_string(), json!("inactive")))
        .collect();
    Ok(s.put(json!({
        "id": new_id("acct"), "object": "account", "type": kind, "country": p.str("country").unwrap_or("US"),
        "email": p.str("email"), "metadata": p.map("metadata"), "created": now(), "charges_enabled": false,
        "payouts_enabled": false, "details_submitted": false, "capabilities": capabilities,
        "controller": {"type": "application", "stripe_dashboard": {"type": dashboard.unwrap_or("express")},
            "fees": {"payer": p.str("controller[fees][payer]").unwrap_or("application")},
            "losses": {"payments": p.str("controller[losses][payments]").unwrap_or("application")}},
        "requirements": requirements(true), "business_type": null, "default_currency": "usd",
    })))
}

fn account_link(s: &mut State, p: &Params) -> Result<Value, ApiError> {
    let account = p.required("account")?;
    s.fetch_param("account", account, "account")?;
    p.one_of("type", &["account_onboarding", "account_update"])?
        .ok_or_else(|| ApiError::missing("type"))?;
    let return_url = p.required("return_url")?;
    let refresh_url = p.str("refresh_url").unwrap_or(return_url);
    let query = Params::encode(&[("return_url", return_url), ("refresh_url", refresh_url)]);
    let created = now();
    Ok(
        json!({"object": "account_link", "created": created, "expires_at": created + 300,
        "url": format!("{}/onboarding/{account}?{query}", s.base)}),
    )
}

fn login_link(s: &mut State, account: &str) -> Result<Value, ApiError> {
    s.fetch("account", account)?;
    Ok(json!({"object": "login_link", "created": now(), "url": format!("{}/express/{account}", s.base)}))
}

fn create_customer(s: &mut State, p: &Params) -> Result<Value, ApiError> {
    Ok(s.put(
        json!({"id": new_id("cus"), "object": "customer", "email": p.str("email"), "name": p.str("name"),
        "metadata": p.map("metadata"), "created": now(), "livemode": false}),
    ))
}

fn create_product(s: &mut State, p: &Params) -> Result<Value, ApiError> {
    Ok(s.put(
        json!({"id": new_id("prod"), "object": "product", "name": p.required("name")?, "active": true,
        "metadata": p.map("metadata"), "created": now(), "livemode": false}),
    ))
}

fn create_price(s: &mut State, p: &Params) -> Result<Value, ApiError> {
    let product = p.required("product")?;
    s.fetch_param("product", product, "product")?;
    let currency = p.required("currency")?.to_lowercase();
    let amount = p
        .amount("unit_amount")?
        .ok_or_else(|| ApiError::missing("unit_amount"))?;
    let recurring = match p.one_of("recurring[interval]", &["day", "week", "month", "year"])? {
        Some(interval) => {
            json!({"interval": interval, "interval_count": p.int("recurring[interval_count]")?.unwrap_or(1),
            "usage_type": "licensed"})
        }
        None => Value::Null,
    };
    let kind = if recurring.is_null() { "one_time" } else { "recurring" };
    Ok(s.put(
        json!({"id": new_id("price"), "object": "price", "product": product, "currency": currency,
        "unit_amount": amount, "recurring": recurring, "type": kind, "active": true,
        "metadata": p.map("metadata"), "created": now(), "livemode": false}),
    ))
}

fn update_price(s: &mut State, id: &str, p: &Params) -> Result<Value, ApiError> {
    s.fetch("price", id)?;
    let active = p.bool("active")?;
    let metadata = p.map("metadata");
    s.update(id, |price| {
        if let Some(active) = active {
            price["active"] = json!(active);
        }
        merge(&mut price["metadata"], &metadata);
    });
    s.fetch("price", id)
}

/// Adds `extra`'s keys to the JSON object `into`.
pub fn merge(into: &mut Value, extra: &Value) {
    if let (Some(into), Some(extra)) = (into.as_object_mut(), extra.as_object()) {
        into.extend(extra.clone());
    }
}

fn portal_session(s: &mut State, p: &Params) -> Result<Value, ApiError> {
    let customer = p.required("customer")?;
    s.fetch_param("customer", customer, "customer")?;
    let id = new_id("bps");
    Ok(s.put(
        json!({"id": id, "object": "billing_portal.session", "customer": customer,
        "return_url": p.str("return_url"), "url": format!("{}/portal/{id}", s.base), "created": now(),
        "livemode": false, "configuration": "bpc_parley_fake"}),
    ))
}
