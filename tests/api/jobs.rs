//! The jobs queue: leased jobs, lanes that keep a slow push service from holding up
//! payments, and push endpoints that cannot reach into the operator's network.

use std::time::Duration;

use parley_tests::push::FakePush;
use parley_tests::{eventually, spawn_app, spawn_app_with, spawn_paid, TestApp, TestUser};
use serde_json::json;
use uuid::Uuid;

async fn room_of_two(app: &TestApp, a: &TestUser, b: &TestUser) -> Uuid {
    let room = app.create_room(a, "pushes", "private").await;
    app.post(&a.token, &format!("/v1/rooms/{room}/members"), json!({"user_id": b.id}))
        .await;
    room
}

async fn mention(app: &TestApp, from: &TestUser, room: Uuid, to: &TestUser) {
    let res = app
        .post(
            &from.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "look", "client_msg_id": Uuid::new_v4().to_string(), "mentions": {"user_ids": [to.id]}}),
        )
        .await;
    assert_eq!(res.status(), 201);
}

async fn push_jobs(app: &TestApp, status: &str) -> i64 {
    app.db_query_i64(&format!(
        "SELECT count(*) AS n FROM jobs WHERE kind = 'push.send' AND status = '{status}'"
    ))
    .await
}

#[tokio::test]
async fn a_push_service_that_never_answers_does_not_delay_a_stripe_event() {
    // A push service that takes the connection and never answers.
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hang_addr = hang.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hang.accept().await {
            held.push(socket);
        }
    });
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let room = room_of_two(app, &alice, &bob).await;
    let keys = FakePush::start().await.device();
    let sub = json!({"endpoint": format!("http://{hang_addr}/push/stuck"),
        "keys": {"p256dh": keys.p256dh, "auth": keys.auth}});
    assert_eq!(app.post(&bob.token, "/v1/push/subscriptions", sub).await.status(), 201);
    mention(app, &alice, room, &bob).await;
    eventually(Duration::from_secs(10), "the push is in flight", || async {
        push_jobs(app, "running").await == 1
    })
    .await;

    // A Stripe event (a creator's account enabled) is applied while the push still hangs.
    let carol = paid.creator("carol").await;
    let account = app.get_json(&carol.token, "/v1/payouts/account").await;
    assert_eq!(account["charges_enabled"], true);
    assert_eq!(
        push_jobs(app, "running").await,
        1,
        "the Stripe event did not wait for the push service"
    );
}

#[tokio::test]
async fn a_job_whose_worker_died_runs_again_when_its_lease_runs_out() {
    let app = spawn_app().await;
    // As a crashed instance leaves it: running, its lease over.
    app.exec(
        "INSERT INTO jobs (kind, payload, status, attempts, lease_until, lease_token) \
         VALUES ('files.delete_objects', '{\"keys\": [\"files/left-behind\"]}', 'running', 1, \
                 now() - interval '1 second', gen_random_uuid())",
    )
    .await;
    // And one whose lease still runs: another worker has it, it is not touched.
    app.exec(
        "INSERT INTO jobs (kind, payload, status, attempts, lease_until, lease_token) \
         VALUES ('files.delete_objects', '{\"keys\": [\"files/in-hand\"]}', 'running', 1, \
                 now() + interval '1 hour', gen_random_uuid())",
    )
    .await;
    eventually(Duration::from_secs(10), "the abandoned job done", || async {
        app.db_query_i64(
            "SELECT count(*) AS n FROM jobs WHERE payload->'keys' ? 'files/left-behind' AND status = 'done' AND attempts = 2",
        )
        .await
            == 1
    })
    .await;
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM jobs WHERE payload->'keys' ? 'files/in-hand' AND status = 'running' AND attempts = 1")
            .await,
        1
    );
}

#[tokio::test]
async fn push_endpoints_must_be_public_https_hosts_outside_dev_mode() {
    let push = FakePush::start().await;
    let app = spawn_app_with(|s| s.push.allow_loopback = false).await;
    let (alice, bob) = (app.user("alice").await, app.user("bob").await);
    let device = push.device();
    let keys = json!({"p256dh": device.p256dh, "auth": device.auth});
    for endpoint in [
        device.endpoint.clone(),
        "http://push.example.com/x".into(),
        "https://10.0.0.7/x".into(),
        "https://169.254.169.254/latest/meta-data".into(),
        "https://[fd00::1]/x".into(),
        "https://[::ffff:127.0.0.1]/x".into(),
        "https://localhost/x".into(),
        "https://0.0.0.0/x".into(),
    ] {
        let res = app
            .post(
                &bob.token,
                "/v1/push/subscriptions",
                json!({"endpoint": endpoint, "keys": keys}),
            )
            .await;
        assert_eq!(res.status(), 422, "{endpoint} accepted");
    }
    let res = app
        .post(
            &bob.token,
            "/v1/push/subscriptions",
            json!({"endpoint": "https://push.example.com/send/abc", "keys": keys}),
        )
        .await;
    assert_eq!(res.status(), 201);

    // One stored before the rule (or in dev mode) is checked again when sending: never sent,
    // and dropped.
    app.exec("DELETE FROM push_subscriptions").await;
    app.exec(&format!(
        "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth) VALUES ('{}', '{}', '{}', '{}', '{}')",
        Uuid::now_v7(),
        bob.id,
        device.endpoint,
        device.p256dh,
        device.auth
    ))
    .await;
    let room = room_of_two(&app, &alice, &bob).await;
    mention(&app, &alice, room, &bob).await;
    eventually(Duration::from_secs(10), "the loopback subscription dropped", || async {
        app.db_query_i64("SELECT count(*) AS n FROM push_subscriptions").await == 0
    })
    .await;
    assert!(push.received().is_empty(), "a push went to loopback");
}
