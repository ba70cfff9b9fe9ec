//! Payments against the fake Stripe (real wire format and signatures): onboarding, tips
//! through Checkout, the ledger, refunds, and the webhook receiver's rules — signatures,
//! replays, reordered and stale events.

use std::time::Duration;

use parley_tests::stripe::{self, Delivery};
use parley_tests::{eventually, spawn_paid, stripe_id, Paid, TestUser};
use serde_json::{json, Value};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(10);

async fn tip(paid: &Paid, fan: &TestUser, creator: &TestUser, body: Value) -> reqwest::Response {
    paid.app()
        .post(&fan.token, &format!("/v1/creators/{}/tips", creator.id), body)
        .await
}

#[tokio::test]
async fn a_creator_onboards_a_fan_tips_in_a_room_and_both_see_it() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let (fan, stranger) = (app.user("fan").await, app.user("stranger").await);

    // Before onboarding nothing can be sold, and there is no account to show.
    let newcomer = app.user("newcomer").await;
    assert_eq!(app.get(&newcomer.token, "/v1/payouts/account").await.status(), 404);
    let res = tip(&paid, &fan, &newcomer, json!({"amount": 500, "currency": "usd"})).await;
    assert_eq!(res.status(), 409, "a creator without charges_enabled cannot be paid");
    let res = app.post(&newcomer.token, "/v1/payouts/account", json!({})).await;
    let started: Value = res.json().await.unwrap();
    assert_eq!(started["account"]["charges_enabled"], false);
    assert!(!started["account"]["requirements"].as_array().unwrap().is_empty());
    assert_eq!(
        tip(&paid, &fan, &newcomer, json!({"amount": 500, "currency": "usd"}))
            .await
            .status(),
        409
    );

    let creator = paid.creator("creator").await;
    let account = app.get_json(&creator.token, "/v1/payouts/account").await;
    assert_eq!(account["payouts_enabled"], true);
    assert_eq!(account["requirements"], json!([]));

    let room = app.create_room(&creator, "fans", "public").await;
    app.join(&fan, room).await;
    // Limits and checks: too small, too large, an unknown currency, a room the creator is not in.
    for bad in [
        json!({"amount": 99, "currency": "usd"}),
        json!({"amount": 100001, "currency": "usd"}),
        json!({"amount": 500, "currency": "xyz"}),
    ] {
        assert_eq!(tip(&paid, &fan, &creator, bad).await.status(), 422);
    }
    let elsewhere = app.create_room(&fan, "elsewhere", "public").await;
    let res = tip(
        &paid,
        &fan,
        &creator,
        json!({"amount": 500, "currency": "usd", "room_id": elsewhere}),
    )
    .await;
    assert_eq!(res.status(), 422);

    let res = tip(
        &paid,
        &fan,
        &creator,
        json!({"amount": 500, "currency": "usd", "room_id": room, "message": "thanks!"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let started: Value = res.json().await.unwrap();
    // Stripe got the amount from our checks, the fee and the creator's account.
    let session = paid
        .stripe
        .object(&stripe_id(started["checkout_url"].as_str().unwrap()))
        .unwrap();
    assert_eq!(session["amount_total"], 500);
    let pending = app
        .get_json(
            &fan.token,
            &format!("/v1/payments/{}", started["payment_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(pending["status"], "pending");

    paid.pay(&fan, &started).await;
    let payment = app
        .get_json(
            &creator.token,
            &format!("/v1/payments/{}", started["payment_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(
        (payment["amount"].as_i64(), payment["fee_amount"].as_i64()),
        (Some(500), Some(50))
    );
    assert_eq!(payment["kind"], "tip");
    // The room hears of it.
    let events = app.get_json(&fan.token, &format!("/v1/rooms/{room}/events")).await;
    let tip_event = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "tip.received")
        .cloned();
    let tip_event = tip_event.expect("tip.received in the room's log");
    assert_eq!(tip_event["data"]["amount"], 500);
    assert_eq!(tip_event["data"]["message"], "thanks!");

    // History (payer), earnings (payee), and nobody else's view of it.
    let history = app.get_json(&fan.token, "/v1/payments/history").await;
    assert_eq!(history["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get_json(&stranger.token, "/v1/payments/history").await["items"],
        json!([])
    );
    let earnings = app.get_json(&creator.token, "/v1/payouts/earnings").await;
    assert_eq!(
        earnings["totals"][0],
        json!({"currency": "usd", "gross": 500, "fees": 50, "refunded": 0, "net": 450, "count": 1})
    );
    assert_eq!(earnings["kinds"][0]["kind"], "tip");
    let path = format!("/v1/payments/{}", started["payment_id"].as_str().unwrap());
    assert_eq!(app.get(&stranger.token, &path).await.status(), 404);
    assert_eq!(
        app.get(&stranger.token, &format!("/v1/payments/{}", Uuid::new_v4()))
            .await
            .status(),
        404
    );

    // Every POST to Stripe carried the pinned version and an idempotency key.
    for r in paid.stripe.requests() {
        assert_eq!(
            r.stripe_version.as_deref(),
            Some("2026-10-28.endive"),
            "{} {}",
            r.method,
            r.path
        );
        if r.method == "POST" {
            assert!(r.idempotency_key.is_some(), "{} has an Idempotency-Key", r.path);
        }
    }
}

#[tokio::test]
async fn an_elements_intent_settles_through_payment_intent_succeeded() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let fan = app.user("fan").await;
    let res = app
        .post(
            &fan.token,
            "/v1/payments/intents",
            json!({"purchase": {"type": "tip", "creator_id": creator.id, "amount": 700, "currency": "eur"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let intent: Value = res.json().await.unwrap();
    let secret = intent["client_secret"].as_str().unwrap();
    let pi = secret.split("_secret_").next().unwrap();
    assert_eq!(
        paid.stripe.object(pi).unwrap()["metadata"]["payment_id"],
        intent["payment_id"]
    );
    let path = format!("/v1/payments/{}", intent["payment_id"].as_str().unwrap());
    paid.stripe.fail_payment_intent(pi).await;
    eventually(WAIT, "the decline is recorded", || async {
        app.get_json(&fan.token, &path).await["status"] == "failed"
    })
    .await;
    paid.stripe.succeed_payment_intent(pi).await;
    eventually(WAIT, "a later success still settles it", || async {
        app.get_json(&fan.token, &path).await["status"] == "succeeded"
    })
    .await;
    assert_eq!(
        app.get_json(&creator.token, "/v1/payouts/earnings").await["totals"][0]["gross"],
        700
    );
}

#[tokio::test]
async fn webhooks_need_a_valid_fresh_signature_and_apply_an_event_once() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let fan = app.user("fan").await;
    paid.stripe.hold(true);
    let res = tip(&paid, &fan, &creator, json!({"amount": 300, "currency": "usd"})).await;
    let started: Value = res.json().await.unwrap();
    paid.stripe
        .pay_checkout(&stripe_id(started["checkout_url"].as_str().unwrap()))
        .await;
    let event = paid.stripe.events_of("payment_intent.succeeded").pop().unwrap();
    let id = event["id"].as_str().unwrap();
    let now = chrono::Utc::now().timestamp();

    for (what, delivery) in [
        (
            "no signature",
            Delivery {
                omit_signature: true,
                ..Default::default()
            },
        ),
        (
            "a changed body",
            Delivery {
                tamper_body: true,
                ..Default::default()
            },
        ),
        (
            "a signature 6 minutes old",
            Delivery {
                timestamp: Some(now - 360),
                ..Default::default()
            },
        ),
        (
            "a wrong secret",
            Delivery {
                secrets: Some(vec!["whsec_wrong".into()]),
                ..Default::default()
            },
        ),
    ] {
        assert_eq!(paid.stripe.deliver(id, delivery).await, 401, "{what} is refused");
    }
    let path = format!("/v1/payments/{}", started["payment_id"].as_str().unwrap());
    assert_eq!(
        app.get_json(&fan.token, &path).await["status"],
        "pending",
        "nothing refused was applied"
    );

    // During a rotation Stripe signs with both secrets: the one Parley holds is enough.
    paid.stripe.rotate_webhook_secret("whsec_the_next_secret");
    assert_eq!(paid.stripe.deliver(id, Delivery::default()).await, 200);
    eventually(WAIT, "the event is applied", || async {
        app.get_json(&fan.token, &path).await["status"] == "succeeded"
    })
    .await;
    // A replay is acknowledged, not applied again: one ledger row, one tip.
    let again = paid
        .stripe
        .deliver(
            id,
            Delivery {
                secrets: Some(vec![stripe::WEBHOOK_SECRET.into()]),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(again, 200);
    assert_eq!(
        app.db_query_i64(&format!("SELECT count(*) AS n FROM stripe_events WHERE id = '{id}'"))
            .await,
        1
    );
    paid.stripe.release_held().await;
    assert_eq!(
        app.get_json(&creator.token, "/v1/payouts/earnings").await["totals"][0]["count"],
        1
    );
}

#[tokio::test]
async fn account_events_out_of_order_keep_the_newest_state() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let res = app.post(&creator.token, "/v1/payouts/account", json!({})).await;
    let account = stripe_id(res.json::<Value>().await.unwrap()["onboarding_url"].as_str().unwrap());
    paid.stripe.hold(true);
    paid.stripe.restrict_account(&account).await; // older: charges disabled
    paid.stripe.complete_onboarding(&account).await; // newer: enabled again
    let held = paid.stripe.held();
    let ids: Vec<String> = held.iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    // The newest first, then the older one (and the newer one once more).
    assert_eq!(paid.stripe.deliver(&ids[1], Delivery::default()).await, 200);
    assert_eq!(paid.stripe.deliver(&ids[0], Delivery::default()).await, 200);
    assert_eq!(paid.stripe.deliver(&ids[1], Delivery::default()).await, 200);
    eventually(WAIT, "both events are applied", || async {
        app.db_query_i64("SELECT count(*) AS n FROM jobs WHERE kind = 'stripe.event' AND status = 'done'")
            .await
            >= 3
    })
    .await;
    let now = app.get_json(&creator.token, "/v1/payouts/account").await;
    assert_eq!(now["charges_enabled"], true, "the older restriction did not win: {now}");
}

#[tokio::test]
async fn the_payee_refunds_in_part_then_in_full_and_no_one_else_may() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let (fan, stranger) = (app.user("fan").await, app.user("stranger").await);
    let started: Value = tip(&paid, &fan, &creator, json!({"amount": 1000, "currency": "usd"}))
        .await
        .json()
        .await
        .unwrap();
    paid.pay(&fan, &started).await;
    let path = format!("/v1/payments/{}/refund", started["payment_id"].as_str().unwrap());

    assert_eq!(app.post(&stranger.token, &path, json!({})).await.status(), 404);
    assert_eq!(app.post(&fan.token, &path, json!({})).await.status(), 403);
    assert_eq!(
        app.post(&creator.token, &path, json!({"amount": 1001})).await.status(),
        422
    );
    let res = app.post(&creator.token, &path, json!({"amount": 400})).await;
    assert_eq!(res.status(), 200);
    let partial: Value = res.json().await.unwrap();
    assert_eq!(
        (partial["status"].as_str(), partial["refunded_amount"].as_i64()),
        (Some("partially_refunded"), Some(400))
    );
    let refund = paid
        .stripe
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/refunds")
        .unwrap();
    for flag in ["reverse_transfer", "refund_application_fee"] {
        assert!(refund.params.contains(&(flag.into(), "true".into())), "{flag} sent");
    }
    assert_eq!(
        app.post(&creator.token, &path, json!({"amount": 601})).await.status(),
        422
    );
    let full: Value = app.post(&creator.token, &path, json!({})).await.json().await.unwrap();
    assert_eq!(
        (full["status"].as_str(), full["refunded_amount"].as_i64()),
        (Some("refunded"), Some(1000))
    );
    assert_eq!(
        app.post(&creator.token, &path, json!({})).await.status(),
        409,
        "nothing is left"
    );
    // charge.refunded events (older totals included) leave the ledger at the full refund.
    paid.stripe.settle().await;
    eventually(WAIT, "charge.refunded applied", || async {
        app.db_query_i64("SELECT count(*) AS n FROM jobs WHERE kind = 'stripe.event' AND status <> 'done'")
            .await
            == 0
    })
    .await;
    let earnings = app.get_json(&creator.token, "/v1/payouts/earnings").await;
    assert_eq!(earnings["totals"][0]["refunded"], 1000);
    assert_eq!(earnings["totals"][0]["net"], 0, "the fee went back too: {earnings}");
}

#[tokio::test]
async fn an_event_reporting_another_amount_than_the_ledgers_fulfils_nothing_and_sends_it_back() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let fan = app.user("fan").await;
    let room = app.create_room(&creator, "tips", "public").await;
    app.join(&fan, room).await;
    let started: Value = tip(
        &paid,
        &fan,
        &creator,
        json!({"amount": 800, "currency": "usd", "room_id": room}),
    )
    .await
    .json()
    .await
    .unwrap();
    // A forged-looking but validly signed event: 1 cent "paid" for an 800 cent tip.
    let body = json!({"id": "evt_mismatch", "object": "event", "type": "payment_intent.succeeded",
        "created": chrono::Utc::now().timestamp(), "data": {"object": {"id": "pi_mismatch", "object": "payment_intent",
        "amount_received": 1, "currency": "usd", "metadata": {"payment_id": started["payment_id"]}}}})
    .to_string();
    let header = stripe::signature_header(
        chrono::Utc::now().timestamp(),
        &body,
        &[stripe::WEBHOOK_SECRET.to_owned()],
    );
    let res = app
        .http
        .post(format!("{}/v1/webhooks/stripe", app.url))
        .header("stripe-signature", header)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let path = format!("/v1/payments/{}", started["payment_id"].as_str().unwrap());
    // Nothing is delivered, and the money that came goes back by itself (here Stripe knows no
    // such charge, so the refund row records its refusal: nothing moved twice).
    eventually(WAIT, "the mismatch is recorded and a refund attempted", || async {
        let p = app.get_json(&fan.token, &path).await;
        p["status"] == "undeliverable"
            && p["refunds"][0]["reason"] == "amount_mismatch"
            && p["refunds"][0]["status"] != "pending"
    })
    .await;
    assert!(!app.event_kinds(&fan, room).await.contains(&"tip.received".to_owned()));
}

#[tokio::test]
async fn an_expired_or_declined_checkout_leaves_a_failed_payment_and_no_tip() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let fan = app.user("fan").await;
    let room = app.create_room(&creator, "tips", "public").await;
    app.join(&fan, room).await;
    for end in ["decline", "expire"] {
        let started: Value = tip(
            &paid,
            &fan,
            &creator,
            json!({"amount": 250, "currency": "gbp", "room_id": room}),
        )
        .await
        .json()
        .await
        .unwrap();
        let session = stripe_id(started["checkout_url"].as_str().unwrap());
        match end {
            "decline" => paid.stripe.decline_checkout(&session).await,
            _ => paid.stripe.expire_checkout(&session).await,
        };
        let path = format!("/v1/payments/{}", started["payment_id"].as_str().unwrap());
        eventually(WAIT, "the payment failed", || async {
            app.get_json(&fan.token, &path).await["status"] == "failed"
        })
        .await;
    }
    assert!(!app.event_kinds(&fan, room).await.contains(&"tip.received".to_owned()));
    assert_eq!(
        app.get_json(&creator.token, "/v1/payouts/earnings").await["totals"],
        json!([])
    );
}
