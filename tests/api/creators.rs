//! Creators: tiers, subscriptions through their whole life on two instances (trial,
//! active, past due within the grace period, lapsed and removed from the room, cancel at
//! period end), and a failed invoice on its own making the subscription past due.

use std::time::Duration;

use parley_tests::stripe::Delivery;
use parley_tests::{eventually, spawn_paid, stripe_id, Paid, TestApp, TestUser};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(10);

async fn tier(app: &TestApp, creator: &TestUser, body: Value) -> Value {
    let res = app.post(&creator.token, "/v1/creators/me/tiers", body).await;
    assert_eq!(res.status(), 201, "tier created");
    res.json().await.unwrap()
}

async fn subscription(app: &TestApp, fan: &TestUser) -> Value {
    let list = app.get_json(&fan.token, "/v1/subscriptions").await;
    list["items"]
        .as_array()
        .unwrap()
        .first()
        .cloned()
        .unwrap_or(Value::Null)
}

/// Subscribes and pays; the Stripe subscription's id.
async fn subscribe(paid: &Paid, fan: &TestUser, creator: &TestUser, tier_id: &str) -> String {
    let app = paid.app();
    let res = app
        .post(
            &fan.token,
            &format!("/v1/creators/{}/subscribe", creator.id),
            json!({"tier_id": tier_id}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let started: Value = res.json().await.unwrap();
    paid.stripe
        .pay_checkout(&stripe_id(started["checkout_url"].as_str().unwrap()))
        .await;
    eventually(WAIT, "the subscription gives access", || async {
        subscription(app, fan).await["access"] == true
    })
    .await;
    let session = paid
        .stripe
        .object(&stripe_id(started["checkout_url"].as_str().unwrap()))
        .unwrap();
    session["subscription"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn tiers_are_the_creators_own_and_a_price_change_makes_a_new_price() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let other = app.user("other").await;
    let t = tier(
        app,
        &creator,
        json!({"name": "Gold", "amount": 900, "currency": "usd", "benefits": ["DMs"], "trial_days": 7}),
    )
    .await;
    assert_eq!(
        (t["amount"].as_i64(), t["trial_days"].as_i64(), t["active"].as_bool()),
        (Some(900), Some(7), Some(true))
    );
    let path = format!("/v1/creators/me/tiers/{}", t["id"].as_str().unwrap());
    assert_eq!(
        app.patch(&other.token, &path, json!({"name": "mine"})).await.status(),
        404
    );
    assert_eq!(
        app.post(
            &other.token,
            "/v1/creators/me/tiers",
            json!({"name": "x", "amount": 50, "currency": "usd"})
        )
        .await
        .status(),
        422
    );
    let prices_before = paid.stripe.requests().iter().filter(|r| r.path == "/v1/prices").count();
    let updated: Value = app
        .patch(&creator.token, &path, json!({"amount": 1200}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated["amount"], 1200);
    assert_eq!(
        paid.stripe.requests().iter().filter(|r| r.path == "/v1/prices").count(),
        prices_before + 1
    );
    let page = app
        .get_json(&other.token, &format!("/v1/creators/{}", creator.id))
        .await;
    assert_eq!(page["tiers"][0]["amount"], 1200);
    assert_eq!(page["accepts_payments"], true);
    assert!(
        page.get("subscriber_count").is_none(),
        "hidden unless the creator shows it"
    );
    let shown = app
        .request(reqwest::Method::PUT, &creator.token, "/v1/creators/me")
        .json(&json!({"bio": "hi", "show_subscriber_count": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(shown.status(), 200);
    assert_eq!(
        app.get_json(&other.token, &format!("/v1/creators/{}", creator.id))
            .await["subscriber_count"],
        0
    );
}

#[tokio::test]
async fn a_subscription_opens_the_room_keeps_it_through_grace_and_closes_it_on_both_instances() {
    let paid = spawn_paid(2, |s| s.payments.grace = Duration::from_secs(3 * 86_400)).await;
    let (a, b) = (&paid.apps[0], &paid.apps[1]);
    let creator = paid.creator("creator").await;
    let fan = a.user("fan").await;
    let t = tier(
        a,
        &creator,
        json!({"name": "Inner circle", "amount": 500, "currency": "usd", "trial_days": 7}),
    )
    .await;
    let tier_id = t["id"].as_str().unwrap();
    let room = a.create_room(&creator, "inner", "public").await;
    let res = a
        .patch(
            &creator.token,
            &format!("/v1/rooms/{room}"),
            json!({"required_tier_id": tier_id}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        a.post(&fan.token, &format!("/v1/rooms/{room}/join"), json!({}))
            .await
            .status(),
        403,
        "subscribers only"
    );
    // Someone else's tier cannot guard one's room.
    let other_room = a.create_room(&fan, "mine", "public").await;
    let res = a
        .patch(
            &fan.token,
            &format!("/v1/rooms/{other_room}"),
            json!({"required_tier_id": tier_id}),
        )
        .await;
    assert_eq!(res.status(), 422);

    let sub = subscribe(&paid, &fan, &creator, tier_id).await;
    assert_eq!(subscription(a, &fan).await["status"], "trialing");
    a.join(&fan, room).await;
    let mut ws_a = a.connect(&fan).await;
    let mut ws_b = b.connect(&creator).await;
    ws_a.call(json!({"type": "subscribe", "room_id": room})).await;
    ws_b.call(json!({"type": "subscribe", "room_id": room})).await;

    paid.stripe.invoice(&sub, true).await;
    eventually(WAIT, "active", || async {
        subscription(a, &fan).await["status"] == "active"
    })
    .await;
    assert_eq!(
        a.get_json(&fan.token, "/v1/payments/history").await["items"][0]["kind"],
        "subscription_invoice"
    );
    paid.stripe.invoice(&sub, false).await;
    eventually(WAIT, "past due", || async {
        subscription(a, &fan).await["status"] == "past_due"
    })
    .await;
    // Within the grace period the fan stays and reads.
    assert_eq!(subscription(a, &fan).await["access"], true);
    assert_eq!(
        b.get(&fan.token, &format!("/v1/rooms/{room}/messages")).await.status(),
        200
    );

    // The grace period runs out (aged here rather than waited for): the sweep removes them.
    a.exec(&format!(
        "UPDATE subscriptions SET past_due_since = now() - interval '4 days', access_until = now() - interval '1 day' WHERE fan_id = '{}'",
        fan.id
    ))
    .await;
    for ws in [&mut ws_a, &mut ws_b] {
        let left = ws.next_of("event").await;
        assert_eq!(left["event"], "member.left", "{left}");
        assert_eq!(left["data"]["reason"], "subscription_ended");
        assert_eq!(left["data"]["user_id"], fan.id.to_string());
    }
    assert_eq!(
        b.get(&fan.token, &format!("/v1/rooms/{room}/messages")).await.status(),
        403
    );
    let res = b
        .post(
            &fan.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "hi", "client_msg_id": "x1"}),
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn cancel_at_period_end_keeps_access_until_the_period_ends() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let (fan, other) = (app.user("fan").await, app.user("other").await);
    let t = tier(
        app,
        &creator,
        json!({"name": "Basic", "amount": 300, "currency": "usd"}),
    )
    .await;
    let room = app.create_room(&creator, "basic", "public").await;
    app.patch(
        &creator.token,
        &format!("/v1/rooms/{room}"),
        json!({"required_tier_id": t["id"]}),
    )
    .await;
    let sub = subscribe(&paid, &fan, &creator, t["id"].as_str().unwrap()).await;
    app.join(&fan, room).await;
    let ours = subscription(app, &fan).await;
    let cancel = format!("/v1/subscriptions/{}/cancel", ours["id"].as_str().unwrap());
    assert_eq!(app.post(&other.token, &cancel, json!({})).await.status(), 404);
    let res = app.post(&fan.token, &cancel, json!({})).await;
    assert_eq!(res.status(), 200);
    eventually(WAIT, "Stripe confirms", || async {
        subscription(app, &fan).await["cancel_at_period_end"] == true
    })
    .await;
    assert_eq!(subscription(app, &fan).await["access"], true);
    paid.stripe.end_period(&sub).await;
    eventually(WAIT, "ended", || async {
        subscription(app, &fan).await["status"] == "canceled"
    })
    .await;
    eventually(WAIT, "removed from the room", || async {
        app.event_kinds(&creator, room).await.last().map(String::as_str) == Some("member.left")
    })
    .await;
}

#[tokio::test]
async fn a_failed_invoice_alone_makes_the_subscription_past_due_and_an_older_event_does_not_undo_it() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let fan = app.user("fan").await;
    let t = tier(
        app,
        &creator,
        json!({"name": "Monthly", "amount": 400, "currency": "usd"}),
    )
    .await;
    let sub = subscribe(&paid, &fan, &creator, t["id"].as_str().unwrap()).await;
    assert_eq!(subscription(app, &fan).await["status"], "active");
    let all_applied = || async {
        app.db_query_i64("SELECT count(*) AS n FROM jobs WHERE kind = 'stripe.event' AND status <> 'done'")
            .await
            == 0
    };

    // Only invoice.payment_failed arrives (Stripe's subscription update is held back).
    paid.stripe.hold(true);
    paid.stripe.invoice(&sub, false).await;
    let held = paid.stripe.held();
    let failed = held
        .iter()
        .find(|e| e["type"] == "invoice.payment_failed")
        .expect("a failed invoice event");
    assert_eq!(
        paid.stripe
            .deliver(failed["id"].as_str().unwrap(), Delivery::default())
            .await,
        200
    );
    eventually(WAIT, "past due from the invoice alone", || async {
        subscription(app, &fan).await["status"] == "past_due"
    })
    .await;
    assert_eq!(subscription(app, &fan).await["access"], true, "within the grace period");

    // An older event that still says active (the subscription's creation) changes nothing.
    let created = paid.stripe.events_of("customer.subscription.created");
    assert_eq!(
        paid.stripe
            .deliver(created[0]["id"].as_str().unwrap(), Delivery::default())
            .await,
        200
    );
    eventually(WAIT, "the older event is applied", all_applied).await;
    assert_eq!(subscription(app, &fan).await["status"], "past_due");

    // Stripe's own update, then the paid retry, bring it back to active.
    paid.stripe.hold(false);
    paid.stripe.release_held().await;
    eventually(WAIT, "the held events are applied", all_applied).await;
    assert_eq!(subscription(app, &fan).await["status"], "past_due");
    paid.stripe.invoice(&sub, true).await;
    eventually(WAIT, "active again", || async {
        subscription(app, &fan).await["status"] == "active"
    })
    .await;
}
