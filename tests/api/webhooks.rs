use std::time::Duration;

use parley_tests::clerk::svix_headers;
use parley_tests::{eventually, spawn_app, spawn_app_with, TestApp};
use serde_json::{json, Value};

async fn deliver(app: &TestApp, id: &str, timestamp: i64, body: &Value) -> reqwest::Response {
    let text = body.to_string();
    let mut req = app
        .http
        .post(format!("{}/v1/webhooks/clerk", app.url))
        .header("content-type", "application/json")
        .body(text.clone());
    for (k, v) in svix_headers(id, timestamp, &text) {
        req = req.header(k, v);
    }
    req.send().await.unwrap()
}

/// Whether the API stored a delivery (false for a replayed svix-id).
async fn stored(app: &TestApp, id: &str, timestamp: i64, body: &Value) -> Value {
    deliver(app, id, timestamp, body).await.json::<Value>().await.unwrap()["stored"].clone()
}

fn user_event(kind: &str, clerk_id: &str, first: &str) -> Value {
    json!({"type": kind, "object": "event", "data": {"id": clerk_id, "object": "user", "first_name": first, "last_name": "Lovelace",
        "primary_email_address_id": "idn_2", "image_url": "https://img.clerk.com/x.png",
        "email_addresses": [{"id": "idn_1", "email_address": "old@example.com"}, {"id": "idn_2", "email_address": "ada@example.com"}]}})
}

async fn status_of(app: &TestApp, svix_id: &str) -> (String, i64) {
    let attempts = app
        .db_query_i64(&format!(
            "SELECT attempts::bigint AS n FROM jobs WHERE dedupe_key = 'clerk.webhook:{svix_id}'"
        ))
        .await;
    let processed = app
        .db_query_i64(&format!(
            "SELECT count(*) AS n FROM jobs WHERE dedupe_key = 'clerk.webhook:{svix_id}' AND status = 'done'"
        ))
        .await;
    (
        if processed == 1 {
            "processed".into()
        } else {
            "pending".into()
        },
        attempts,
    )
}

#[tokio::test]
async fn a_signed_user_created_event_is_stored_then_applied() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let res = deliver(&app, "msg_1", now, &user_event("user.created", "user_ada", "Ada")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["stored"], true);
    let viewer = app.user("viewer").await;
    eventually(Duration::from_secs(10), "user.created applied", || async {
        let found = app.get_json(&viewer.token, "/v1/users?q=Ada").await;
        found["items"].as_array().unwrap().len() == 1
    })
    .await;
    let found = app.get_json(&viewer.token, "/v1/users?q=Ada").await;
    assert_eq!(found["items"][0]["display_name"], "Ada Lovelace");
    // The primary address is kept (for the user themself), never shown to others.
    assert!(found["items"][0].get("email").is_none());
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM users WHERE clerk_id = 'user_ada' AND email = 'ada@example.com'")
            .await,
        1
    );
}

#[tokio::test]
async fn forged_stale_or_unsigned_deliveries_are_refused_and_not_stored() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let body = user_event("user.created", "user_eve", "Eve").to_string();
    let send = |headers: Vec<(&'static str, String)>, body: String| {
        let mut req = app
            .http
            .post(format!("{}/v1/webhooks/clerk", app.url))
            .header("content-type", "application/json")
            .body(body);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };
    let mut forged = svix_headers("msg_f", now, &body);
    forged[2].1 = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
    assert_eq!(send(forged, body.clone()).await.unwrap().status(), 401);
    let tampered = svix_headers("msg_t", now, &body);
    assert_eq!(
        send(tampered, body.replace("Eve", "Mallory")).await.unwrap().status(),
        401
    );
    assert_eq!(
        send(svix_headers("msg_s", now - 600, &body), body.clone())
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        send(svix_headers("msg_future", now + 600, &body), body.clone())
            .await
            .unwrap()
            .status(),
        401
    );
    // A missing signature is an authentication failure, like a wrong one.
    let missing = send(vec![], body.clone()).await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM webhook_events").await, 0);
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM jobs").await, 0);
}

#[tokio::test]
async fn a_replayed_delivery_is_not_applied_twice() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let event = user_event("user.created", "user_rep", "Rep");
    assert_eq!(stored(&app, "msg_rep", now, &event).await, true);
    assert_eq!(stored(&app, "msg_rep", now, &event).await, false);
    eventually(Duration::from_secs(10), "processed", || async {
        status_of(&app, "msg_rep").await.0 == "processed"
    })
    .await;
    assert_eq!(status_of(&app, "msg_rep").await.1, 1, "applied exactly once");
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM webhook_events").await, 1);
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM jobs").await, 1);
}

#[tokio::test]
async fn a_failing_event_is_retried_with_its_error_kept() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    // A user event without the user's id cannot be applied: it fails and stays due.
    let broken = json!({"type": "user.updated", "data": {"object": "user", "first_name": "Nobody"}});
    assert_eq!(deliver(&app, "msg_broken", now, &broken).await.status(), 200);
    eventually(Duration::from_secs(10), "two failed attempts", || async {
        status_of(&app, "msg_broken").await.1 >= 2
    })
    .await;
    let error = app.db_query_i64("SELECT count(*) AS n FROM jobs WHERE dedupe_key = 'clerk.webhook:msg_broken' AND last_error LIKE '%no data.id%' AND status = 'queued'").await;
    assert_eq!(error, 1, "the failure is recorded and the event stays due");
}

fn updated_at(mut event: Value, millis: i64) -> Value {
    event["data"]["updated_at"] = json!(millis);
    event
}

#[tokio::test]
async fn a_late_or_older_clerk_event_never_brings_back_or_overwrites_personal_data() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let ms = now * 1000;
    // Svix may deliver a delete before the create: the create that follows it and a late
    // update bring nothing back.
    let deleted = json!({"type": "user.deleted", "data": {"id": "user_late", "deleted": true, "object": "user"}});
    assert_eq!(deliver(&app, "msg_del", now, &deleted).await.status(), 200);
    eventually(Duration::from_secs(10), "the delete applied", || async {
        status_of(&app, "msg_del").await.0 == "processed"
    })
    .await;
    let create = updated_at(user_event("user.created", "user_late", "Late"), ms - 2000);
    let update = updated_at(user_event("user.updated", "user_late", "Later"), ms - 1000);
    deliver(&app, "msg_create", now, &create).await;
    deliver(&app, "msg_update", now, &update).await;
    eventually(Duration::from_secs(10), "both applied", || async {
        status_of(&app, "msg_create").await.0 == "processed" && status_of(&app, "msg_update").await.0 == "processed"
    })
    .await;
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM users WHERE clerk_id = 'user_late' AND deleted AND display_name = 'Deleted user' AND email IS NULL AND first_name IS NULL AND image_url IS NULL").await, 1);

    // For a live user, an event older than the one applied changes nothing.
    let newer = updated_at(user_event("user.updated", "user_ada", "Ada"), ms);
    let older = updated_at(user_event("user.updated", "user_ada", "Augusta"), ms - 5000);
    deliver(&app, "msg_newer", now, &newer).await;
    eventually(Duration::from_secs(10), "the newer applied", || async {
        status_of(&app, "msg_newer").await.0 == "processed"
    })
    .await;
    deliver(&app, "msg_older", now, &older).await;
    eventually(Duration::from_secs(10), "the older handled", || async {
        status_of(&app, "msg_older").await.0 == "processed"
    })
    .await;
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM users WHERE clerk_id = 'user_ada' AND first_name = 'Ada' AND display_name = 'Ada Lovelace'").await, 1);
    let same_time = updated_at(user_event("user.updated", "user_ada", "Ada Augusta"), ms + 1);
    deliver(&app, "msg_next", now, &same_time).await;
    eventually(Duration::from_secs(10), "a newer one still applies", || async {
        app.db_query_i64("SELECT count(*) AS n FROM users WHERE clerk_id = 'user_ada' AND first_name = 'Ada Augusta'")
            .await
            == 1
    })
    .await;
}

#[tokio::test]
async fn a_deleted_user_is_signed_out_but_their_messages_stay() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let gone = app.user("gone").await;
    let friend = app.user("friend").await;
    let room = app.create_room(&gone, "farewell", "public").await;
    app.join(&friend, room).await;
    let message = app.post_message(&gone, room, "last words").await;
    let event = json!({"type": "user.deleted", "data": {"id": gone.clerk_id, "deleted": true}});
    deliver(&app, "msg_gone", now, &event).await;
    eventually(Duration::from_secs(10), "user.deleted applied", || async {
        app.get(&gone.token, "/v1/me").await.status() == 401
    })
    .await;
    let history = app.get_json(&friend.token, &format!("/v1/rooms/{room}/messages")).await;
    let kept = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == message["id"])
        .unwrap();
    assert_eq!(kept["body"], "last words");
    let author = app.get_json(&friend.token, &format!("/v1/users/{}", gone.id)).await;
    assert_eq!(author["deleted"], true);
    assert_eq!(author["display_name"], "Deleted user");
}

#[tokio::test]
async fn without_a_secret_the_webhook_answers_503() {
    let app = spawn_app_with(|s| s.auth.clerk_webhook_secret = None).await;
    let res = deliver(
        &app,
        "msg_x",
        chrono::Utc::now().timestamp(),
        &json!({"type": "user.created"}),
    )
    .await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn only_a_verified_primary_phone_from_clerk_is_where_texts_go() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let user = app.user("ada").await;
    let phone_event = |verified: &str, primary: &str| {
        let mut e = user_event("user.updated", &user.clerk_id, "Ada");
        e["data"]["primary_phone_number_id"] = json!(primary);
        e["data"]["phone_numbers"] = json!([
            {"id": "idn_p1", "phone_number": "+15551230009", "verification": {"status": verified}},
            {"id": "idn_p2", "phone_number": "+15551230010", "verification": {"status": "verified"}},
        ]);
        e
    };
    let phone = || async { app.get_json(&user.token, "/v1/me/notification-channels").await["phone"].clone() };
    // Unverified primary: no number, even though another one is verified.
    deliver(&app, "msg_p1", now, &phone_event("unverified", "idn_p1")).await;
    eventually(Duration::from_secs(10), "the event is applied", || async {
        status_of(&app, "msg_p1").await.0 == "processed"
    })
    .await;
    assert_eq!(phone().await, Value::Null);
    deliver(&app, "msg_p2", now, &phone_event("verified", "idn_p1")).await;
    eventually(Duration::from_secs(10), "the verified number is taken", || async {
        phone().await["number"] == "+15551230009"
    })
    .await;
    // Nobody else sees it.
    let other = app.user("other").await;
    let profile = app.get_json(&other.token, &format!("/v1/users/{}", user.id)).await;
    assert!(!profile.to_string().contains("+1555"), "{profile}");
}
