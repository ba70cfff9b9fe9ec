//! The fake's own tests: wire format, idempotency, Connect + Checkout + refunds (and the
//! helpers `selftest_billing` shares).

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::Value;

use super::*;

/// A webhook receiver: records `(path, Stripe-Signature, body)` and answers `status`.
#[derive(Clone, Default)]
pub(super) struct Hook {
    pub url: String,
    pub received: Arc<Mutex<Vec<(String, String, String)>>>,
    pub status: Arc<AtomicU16>,
}

impl Hook {
    async fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let hook = Hook {
            url: format!("http://{}", listener.local_addr().unwrap()),
            ..Hook::default()
        };
        hook.status.store(200, Ordering::SeqCst);
        let data = hook.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(data.clone()))
                .default_service(web::to(
                    |req: HttpRequest, body: web::Bytes, hook: web::Data<Hook>| async move {
                        let sig = req
                            .headers()
                            .get("stripe-signature")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("");
                        let body = String::from_utf8_lossy(&body).to_string();
                        hook.received
                            .lock()
                            .unwrap()
                            .push((req.path().to_owned(), sig.to_owned(), body));
                        let status = hook.status.load(Ordering::SeqCst);
                        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
                    },
                ))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        hook
    }

    pub fn bodies(&self, path: &str) -> Vec<Value> {
        let received = self.received.lock().unwrap();
        received
            .iter()
            .filter(|r| r.0 == path)
            .map(|r| serde_json::from_str(&r.2).unwrap())
            .collect()
    }
}

pub(super) struct Env {
    pub fake: FakeStripe,
    pub hook: Hook,
    pub http: reqwest::Client,
}

pub(super) async fn env() -> Env {
    let fake = FakeStripe::start(FakeStripeConfig::default()).await;
    let hook = Hook::start().await;
    fake.set_webhook_urls(&format!("{}/platform", hook.url), &format!("{}/connect", hook.url));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Env { fake, hook, http }
}

impl Env {
    pub async fn call(&self, method: &str, path: &str, params: &[(&str, &str)], key: Option<&str>) -> (u16, Value) {
        let body = super::form::Params::encode(params);
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.fake.base))
            .bearer_auth(SECRET_KEY)
            .header("stripe-version", API_VERSION)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(key) = key {
            req = req.header("idempotency-key", key);
        }
        let res = req.send().await.unwrap();
        assert!(res.headers().contains_key("request-id"));
        (res.status().as_u16(), res.json().await.unwrap())
    }

    pub async fn post(&self, path: &str, params: &[(&str, &str)]) -> Value {
        let (status, body) = self.call("POST", path, params, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    /// An onboarded Express account.
    pub async fn creator(&self) -> String {
        let acct = self
            .post("/v1/accounts", &[("type", "express"), ("metadata[user_id]", "u1")])
            .await;
        let id = acct["id"].as_str().unwrap().to_owned();
        self.fake.complete_onboarding(&id).await;
        id
    }
}

pub(super) fn types(sent: &[Sent]) -> Vec<&str> {
    sent.iter().map(|s| s.event_type.as_str()).collect()
}

#[test]
fn signature_known_answer() {
    let body = r#"{"id":"evt_1","object":"event","type":"checkout.session.completed"}"#;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    assert_eq!(
        signature(secret, 1700000000, body),
        "0081d46bd30dfce489a49b3913ad3ef0a88f4a019ec37e38a2b8ec5d851edfa7"
    );
    let two = signature_header(1700000000, body, &[secret.into(), "whsec_x".into()]);
    assert!(two.starts_with("t=1700000000,v1=0081d46b") && two.matches(",v1=").count() == 2);
}

#[tokio::test]
async fn auth_errors_and_idempotency() {
    let env = env().await;
    let res = env
        .http
        .get(format!("{}/v1/customers/cus_x", env.fake.base))
        .bearer_auth("sk_test_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Invalid API Key provided"));

    let (status, body) = env.call("GET", "/v1/customers/cus_nope", &[], None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("resource_missing"))
    );
    let (status, body) = env.call("POST", "/v1/products", &[], Some("k0")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("parameter_missing"))
    );
    assert_eq!(body["error"]["param"], "name");
    let p = env.post("/v1/products", &[("name", "Tip")]).await;
    let pid = p["id"].as_str().unwrap();
    let (status, body) = env
        .call(
            "POST",
            "/v1/prices",
            &[("product", pid), ("currency", "usd"), ("unit_amount", "5x")],
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("parameter_invalid_integer"))
    );
    let big = [("product", pid), ("currency", "usd"), ("unit_amount", "100000000")];
    assert_eq!(
        env.call("POST", "/v1/prices", &big, None).await.1["error"]["code"],
        "amount_too_large"
    );

    // A validation failure is not saved: the same key then succeeds, and replays.
    let (status, first) = env.call("POST", "/v1/products", &[("name", "A")], Some("k0")).await;
    assert_eq!(status, 200);
    let (_, again) = env.call("POST", "/v1/products", &[("name", "A")], Some("k0")).await;
    assert_eq!(first, again);
    let (status, body) = env.call("POST", "/v1/products", &[("name", "B")], Some("k0")).await;
    assert_eq!(
        (status, body["error"]["type"].as_str()),
        (400, Some("idempotency_error"))
    );
    let requests = env.fake.requests();
    let replayed: Vec<bool> = requests
        .iter()
        .filter(|r| r.idempotency_key.as_deref() == Some("k0"))
        .map(|r| r.replayed)
        .collect();
    assert_eq!(replayed, [false, false, true, false]);
    assert!(requests
        .iter()
        .all(|r| r.stripe_version.as_deref() == Some(API_VERSION) || r.status == 401));
}

#[tokio::test]
async fn connect_checkout_and_refunds() {
    let env = env().await;
    let acct = env
        .post(
            "/v1/accounts",
            &[("controller[stripe_dashboard][type]", "express"), ("email", "c@x")],
        )
        .await;
    let acct = acct["id"].as_str().unwrap();
    assert_eq!(env.fake.object(acct).unwrap()["charges_enabled"], false);
    let link = env
        .post(
            "/v1/account_links",
            &[
                ("account", acct),
                ("type", "account_onboarding"),
                ("return_url", "http://app/r"),
            ],
        )
        .await;
    assert!(link["url"]
        .as_str()
        .unwrap()
        .contains(&format!("/onboarding/{acct}?return_url=")));
    let checkout = [
        ("mode", "payment"),
        ("success_url", "http://app/ok?cs={CHECKOUT_SESSION_ID}"),
        ("client_reference_id", "booking_1"),
        ("line_items[0][quantity]", "1"),
        ("line_items[0][price_data][currency]", "usd"),
        ("line_items[0][price_data][unit_amount]", "5000"),
        ("line_items[0][price_data][product_data][name]", "Call"),
        ("payment_intent_data[application_fee_amount]", "500"),
        ("payment_intent_data[transfer_data][destination]", acct),
        ("payment_intent_data[metadata][booking_id]", "b1"),
    ];
    let (status, body) = env.call("POST", "/v1/checkout/sessions", &checkout, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("insufficient_capabilities_for_transfer"))
    );

    let sent = env.fake.complete_onboarding(acct).await;
    assert_eq!((types(&sent), sent[0].status), (vec!["account.updated"], Some(200)));
    let updated = &env.hook.bodies("/connect")[0];
    assert_eq!(
        (
            updated["account"].as_str(),
            &updated["data"]["previous_attributes"]["charges_enabled"]
        ),
        (Some(acct), &Value::Bool(false))
    );
    let (_, sig, body) = env.hook.received.lock().unwrap()[0].clone();
    let t: i64 = sig.split(',').next().unwrap()[2..].parse().unwrap();
    assert_eq!(sig, signature_header(t, &body, &[CONNECT_WEBHOOK_SECRET.into()]));

    let cs = env.post("/v1/checkout/sessions", &checkout).await;
    let cs_id = cs["id"].as_str().unwrap();
    assert_eq!(
        (cs["status"].as_str(), cs["amount_total"].as_i64()),
        (Some("open"), Some(5000))
    );
    let page = env
        .http
        .get(cs["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(">Pay</button>") && page.contains(">Decline card</button>") && page.contains("TEST MODE"));
    let declined = env.fake.decline_checkout(cs_id).await;
    assert_eq!(types(&declined), ["payment_intent.payment_failed"]);
    let res = env
        .http
        .post(format!("{}/checkout/{cs_id}/pay", env.fake.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("http://app/ok?cs={cs_id}").as_str());
    let events = env.hook.bodies("/platform");
    let names: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "payment_intent.payment_failed",
            "charge.succeeded",
            "payment_intent.succeeded",
            "checkout.session.completed"
        ]
    );
    assert!(events
        .windows(2)
        .all(|w| w[0]["created"].as_i64() < w[1]["created"].as_i64()));
    let session = &events[3]["data"]["object"];
    assert_eq!(
        (
            session["payment_status"].as_str(),
            session["client_reference_id"].as_str()
        ),
        (Some("paid"), Some("booking_1"))
    );
    let pi = env.fake.object(session["payment_intent"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            pi["status"].as_str(),
            pi["metadata"]["booking_id"].as_str(),
            pi["amount_received"].as_i64()
        ),
        (Some("succeeded"), Some("b1"), Some(5000))
    );
    assert_eq!(pi["last_payment_error"], Value::Null);

    let pi_id = pi["id"].as_str().unwrap();
    let refund = env
        .post(
            "/v1/refunds",
            &[
                ("payment_intent", pi_id),
                ("amount", "2000"),
                ("reverse_transfer", "true"),
            ],
        )
        .await;
    assert_eq!(
        (refund["object"].as_str(), refund["amount"].as_i64()),
        (Some("refund"), Some(2000))
    );
    let (status, body) = env
        .call(
            "POST",
            "/v1/refunds",
            &[("payment_intent", pi_id), ("amount", "3001")],
            None,
        )
        .await;
    assert_eq!((status, body["error"]["param"].as_str()), (400, Some("amount")));
    env.post("/v1/refunds", &[("payment_intent", pi_id)]).await;
    let (_, body) = env
        .call("POST", "/v1/refunds", &[("payment_intent", pi_id)], None)
        .await;
    assert_eq!(body["error"]["code"], "charge_already_refunded");
    env.fake.settle().await;
    let refunds: Vec<Value> = env
        .hook
        .bodies("/platform")
        .into_iter()
        .filter(|e| e["type"] == "charge.refunded")
        .collect();
    assert_eq!(refunds.len(), 2);
    assert_eq!(
        (
            refunds[1]["data"]["object"]["refunded"].as_bool(),
            refunds[1]["data"]["object"]["amount_refunded"].as_i64()
        ),
        (Some(true), Some(5000))
    );
    assert!(refunds[0]["request"]["id"].as_str().unwrap().starts_with("req_"));
}
