use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use parley_tests::clerk::{main_key, other_key, sign};
use parley_tests::{spawn_app, spawn_app_with};
use serde_json::{json, Value};

async fn me_status(app: &parley_tests::TestApp, authorization: Option<String>) -> (u16, Value) {
    let mut req = app.http.get(format!("{}/v1/me", app.url));
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_valid_clerk_token_signs_the_user_in() {
    let app = spawn_app().await;
    let token = app.clerk.token("user_valid", json!({"email": "valid@example.com"}));
    let (status, me) = me_status(&app, Some(format!("Bearer {token}"))).await;
    assert_eq!(status, 200);
    assert_eq!(me["clerk_id"], "user_valid");
    assert_eq!(me["email"], "valid@example.com");
}

#[tokio::test]
async fn every_bad_token_gets_the_same_plain_401() {
    let app = spawn_app().await;
    let clerk = &app.clerk;
    let mut claims = clerk.claims("user_x");
    let now = chrono::Utc::now().timestamp();
    let mut cases: Vec<(&str, Option<String>)> = vec![
        ("no header", None),
        ("malformed", Some("Token abc".into())),
        ("empty bearer", Some("Bearer ".into())),
        ("garbage", Some("Bearer not.a.jwt".into())),
    ];
    let mut signed =
        |name: &'static str, c: Value| cases.push((name, Some(format!("Bearer {}", sign(&c, main_key())))));
    claims["exp"] = json!(now - 30);
    signed("expired", claims.clone());
    let mut c = clerk.claims("user_x");
    c["nbf"] = json!(now + 120);
    signed("nbf in the future", c);
    let mut c = clerk.claims("user_x");
    c["iss"] = json!("https://evil.example.com");
    signed("wrong iss", c);
    let mut c = clerk.claims("user_x");
    c["azp"] = json!("https://evil.example.com");
    signed("wrong azp", c);
    let mut c = clerk.claims("user_x");
    c.as_object_mut().unwrap().remove("exp");
    signed("no exp", c);

    // alg: none
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT", "kid": "clerk-key-1"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(clerk.claims("user_x").to_string());
    cases.push(("alg none", Some(format!("Bearer {header}.{payload}."))));
    // HS256 with the public key as the HMAC secret (the classic confusion attack)
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    h.kid = Some("clerk-key-1".into());
    let hs = jsonwebtoken::encode(
        &h,
        &clerk.claims("user_x"),
        &jsonwebtoken::EncodingKey::from_secret(main_key().public_pem.as_bytes()),
    )
    .unwrap();
    cases.push(("hs256 with public key", Some(format!("Bearer {hs}"))));
    // right kid, another key
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    h.kid = Some("clerk-key-1".into());
    let forged = jsonwebtoken::encode(&h, &clerk.claims("user_x"), &other_key().encoding).unwrap();
    cases.push(("right kid, wrong key", Some(format!("Bearer {forged}"))));
    // tampered payload
    let good = clerk.token("user_x", json!({}));
    let parts: Vec<&str> = good.split('.').collect();
    let mut tampered_claims = clerk.claims("user_admin");
    tampered_claims["sid"] = json!("x");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(tampered_claims.to_string()),
        parts[2]
    );
    cases.push(("tampered payload", Some(format!("Bearer {tampered}"))));

    let mut bodies = Vec::new();
    for (name, authorization) in cases {
        let (status, body) = me_status(&app, authorization).await;
        assert_eq!(status, 401, "{name}");
        assert_eq!(body["code"], "unauthorized", "{name}");
        bodies.push(body["detail"].clone());
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "401s must not say which check failed"
    );
}

#[tokio::test]
async fn leeway_is_five_seconds_and_missing_azp_is_accepted() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let mut c = app.clerk.claims("user_leeway");
    c["exp"] = json!(now - 2);
    c.as_object_mut().unwrap().remove("azp");
    let (status, _) = me_status(&app, Some(format!("Bearer {}", sign(&c, main_key())))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn unknown_key_ids_do_not_hammer_the_jwks_endpoint() {
    let app = spawn_app().await;
    let (status, _) = me_status(&app, Some(format!("Bearer {}", app.clerk.token("user_a", json!({}))))).await;
    assert_eq!(status, 200);
    assert_eq!(app.clerk.jwks_hits(), 1);
    // A key Clerk never published: refused, and the refetch is throttled.
    for _ in 0..10 {
        let t = sign(&app.clerk.claims("user_b"), other_key());
        let (status, _) = me_status(&app, Some(format!("Bearer {t}"))).await;
        assert_eq!(status, 401);
    }
    assert_eq!(app.clerk.jwks_hits(), 1, "unknown kids within 30 s must not refetch");
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_on_first_sight() {
    let app = spawn_app().await;
    app.clerk.publish(other_key());
    let t = sign(&app.clerk.claims("user_rotated"), other_key());
    let (status, me) = me_status(&app, Some(format!("Bearer {t}"))).await;
    assert_eq!(status, 200);
    assert_eq!(me["clerk_id"], "user_rotated");
}

#[tokio::test]
async fn pem_mode_verifies_without_any_network() {
    let app = spawn_app_with(|s| {
        s.auth.clerk_jwt_key = Some(main_key().public_pem.clone());
        s.auth.clerk_jwks_url = Some("http://127.0.0.1:9/unreachable".into());
    })
    .await;
    let (status, _) = me_status(&app, Some(format!("Bearer {}", app.clerk.token("user_pem", json!({}))))).await;
    assert_eq!(status, 200);
    let forged = sign(&app.clerk.claims("user_pem"), other_key());
    let (status, _) = me_status(&app, Some(format!("Bearer {forged}"))).await;
    assert_eq!(status, 401);
    assert_eq!(app.clerk.jwks_hits(), 0);
}

#[tokio::test]
async fn concurrent_first_requests_create_exactly_one_user() {
    let app = spawn_app().await;
    let token = app.clerk.token("user_racer", json!({}));
    let requests = (0..20).map(|_| {
        let (http, url, token) = (app.http.clone(), app.url.clone(), token.clone());
        tokio::spawn(async move {
            http.get(format!("{url}/v1/me"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        })
    });
    let ids: Vec<Value> = futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|r| r.unwrap()["id"].clone())
        .collect();
    assert!(ids.iter().all(|id| id == &ids[0] && id.is_string()));
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM users WHERE clerk_id = 'user_racer'")
            .await,
        1
    );
}

#[tokio::test]
async fn dev_mode_issues_tokens_its_own_verifier_accepts() {
    let app = spawn_app_with(|s| {
        s.auth.mode = parley::platform::config::AuthMode::Dev;
        s.auth.clerk_issuer = String::new();
        s.auth.clerk_jwks_url = None;
    })
    .await;
    let res = app
        .http
        .post(format!("{}/v1/dev/token", app.url))
        .json(&json!({"user_id": "user_dev", "name": "Dev"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let token = res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let (status, me) = me_status(&app, Some(format!("Bearer {token}"))).await;
    assert_eq!(status, 200);
    assert_eq!(me["display_name"], "Dev");
    // A Clerk-signed token is not valid in dev mode (another issuer and key).
    let (status, _) = me_status(&app, Some(format!("Bearer {}", app.clerk.token("user_dev", json!({}))))).await;
    assert_eq!(status, 401);
    let bad = app
        .http
        .post(format!("{}/v1/dev/token", app.url))
        .json(&json!({"user_id": "bad id!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn the_dev_issuer_is_off_in_clerk_mode() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(format!("{}/v1/dev/token", app.url))
        .json(&json!({"user_id": "user_x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[test]
fn dev_mode_refuses_a_public_address_unless_forced() {
    let env = |force: bool| {
        move |name: &str| match name {
            "DATABASE_URL" => Some("postgres://x/y".to_owned()),
            "AUTH_MODE" => Some("dev".to_owned()),
            "BIND_ADDR" => Some("0.0.0.0:8080".to_owned()),
            "DEV_AUTH_FORCE" if force => Some("true".to_owned()),
            _ => None,
        }
    };
    let err = parley::platform::config::Settings::from_lookup(&env(false)).unwrap_err();
    assert_eq!(err.name, "AUTH_MODE");
    assert!(parley::platform::config::Settings::from_lookup(&env(true)).is_ok());
}

#[test]
fn a_bad_or_missing_setting_names_the_variable() {
    let only = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    let err = parley::platform::config::Settings::from_lookup(&only(&[])).unwrap_err();
    assert_eq!(err.name, "DATABASE_URL");
    let err =
        parley::platform::config::Settings::from_lookup(&only(&[("DATABASE_URL", "postgres://x/y")])).unwrap_err();
    assert_eq!(err.name, "CLERK_ISSUER");
    let err = parley::platform::config::Settings::from_lookup(&only(&[
        ("DATABASE_URL", "postgres://x/y"),
        ("AUTH_MODE", "dev"),
        ("BIND_ADDR", "nowhere"),
    ]))
    .unwrap_err();
    assert_eq!(err.name, "BIND_ADDR");
    let err = parley::platform::config::Settings::from_lookup(&only(&[
        ("DATABASE_URL", "postgres://x/y"),
        ("CLERK_ISSUER", "https://c.example.com"),
        ("CLERK_WEBHOOK_SECRET", "whsec_***"),
    ]))
    .unwrap_err();
    assert_eq!(err.name, "CLERK_WEBHOOK_SECRET");
}
