//! A dependency that goes down answers `unavailable` (503 with Retry-After on REST, an
//! `unavailable` error frame on the socket), never `internal`, and the instance recovers by
//! itself when it comes back. The database and Redis are reached through a proxy the test
//! cuts, so the servers other tests share stay up.

use parley_tests::proxy::{self, Proxy};
use parley_tests::{base_settings, fresh_database, redis_url, FakeClerk, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

async fn assert_unavailable(res: reqwest::Response) {
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert!(res.headers()["retry-after"].to_str().unwrap().parse::<u32>().unwrap() >= 1);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "unavailable");
}

#[tokio::test]
async fn while_the_database_is_down_requests_are_unavailable_and_then_recover() {
    let clerk = FakeClerk::start().await;
    let db = fresh_database().await;
    let pg = Proxy::start(proxy::host_port(&db)).await;
    let mut settings = base_settings(&proxy::via(&db, pg.addr), &clerk);
    settings.db.pool_size = 4;
    let app = TestApp::start(settings, clerk).await;
    let ann = app.user("ann").await;
    let room = app.create_room(&ann, "r", "public").await;
    let mut ws = app.connect(&ann).await;
    let ok = ws.call(json!({"type": "subscribe", "room_id": room})).await;
    assert_eq!(ok["type"], "ok");

    pg.cut();
    assert_unavailable(app.get(&ann.token, &format!("/v1/rooms/{room}/messages")).await).await;
    let post = app
        .post(
            &ann.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "lost?", "client_msg_id": Uuid::new_v4()}),
        )
        .await;
    assert_unavailable(post).await;
    let sent = ws
        .call(json!({"type": "send", "room_id": room, "body": "lost?", "client_msg_id": Uuid::new_v4()}))
        .await;
    assert_eq!(sent["type"], "error");
    assert_eq!(sent["code"], "unavailable", "{sent}");
    let ready = app.get(&ann.token, "/readyz").await;
    assert_eq!(ready.status(), 503);

    pg.restore();
    // The pool reconnects by itself: the next requests succeed.
    let posted = app.post_message(&ann, room, "after the outage").await;
    assert_eq!(posted["body"], "after the outage");
    let sent = ws
        .call(json!({"type": "send", "room_id": room, "body": "socket too", "client_msg_id": Uuid::new_v4()}))
        .await;
    assert_eq!(sent["type"], "ok", "{sent}");
    // Nothing refused during the outage was stored.
    let page = app.get_json(&ann.token, &format!("/v1/rooms/{room}/messages")).await;
    let bodies: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["socket too", "after the outage"]);
}

#[tokio::test]
async fn while_redis_is_down_tickets_are_unavailable_and_chat_goes_on() {
    let clerk = FakeClerk::start().await;
    let db = fresh_database().await;
    let redis = Proxy::start(proxy::host_port(&redis_url())).await;
    let mut settings = base_settings(&db, &clerk);
    settings.redis.url = Some(proxy::via(&redis_url(), redis.addr));
    let app = TestApp::start(settings, clerk).await;
    let ann = app.user("ann").await;
    let room = app.create_room(&ann, "r", "public").await;
    let ticket = app.post(&ann.token, "/v1/ws/tickets", json!({})).await;
    assert_eq!(ticket.status(), 201);

    redis.cut();
    assert_unavailable(app.post(&ann.token, "/v1/ws/tickets", json!({})).await).await;
    // Messages are stored in PostgreSQL: posting still works (the send limit falls back to
    // this instance's own count).
    app.post_message(&ann, room, "redis is down").await;
    let ready = app.get(&ann.token, "/readyz").await;
    assert_eq!(ready.status(), 503);

    redis.restore();
    let ticket = app.post(&ann.token, "/v1/ws/tickets", json!({})).await;
    assert_eq!(ticket.status(), 201);
}
