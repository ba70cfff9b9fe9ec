//! Money exactly once: one open purchase of a thing per payer, money that arrives with
//! nothing to deliver sent back by itself, refunds as rows of their own (keyed on their
//! row, never twice; the dashboard's recorded too; early events retried), disputes, the
//! endpoints' separation, `Idempotency-Key`, and the specific refusal codes.

use std::time::Duration;

use parley_tests::stripe::Delivery;
use parley_tests::{eventually, spawn_paid, stripe_id, Paid, TestApp, TestUser};
use serde_json::{json, Value};
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(10);

async fn ppv_message(app: &TestApp, creator: &TestUser, room: Uuid, body: &str) -> String {
    let res = app
        .post(
            &creator.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": body, "client_msg_id": Uuid::new_v4().to_string(), "ppv": {"amount": 700, "currency": "usd"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body
}

async fn payment(app: &TestApp, user: &TestUser, id: &str) -> Value {
    app.get_json(&user.token, &format!("/v1/payments/{id}")).await
}

/// The Stripe charge behind a settled payment.
async fn charge_of(paid: &Paid, payment_id: &str) -> String {
    let intent = paid
        .app()
        .db_query_text(&format!(
            "SELECT stripe_payment_intent_id AS t FROM payments WHERE id = '{payment_id}'"
        ))
        .await;
    paid.stripe.object(&intent).unwrap()["latest_charge"]
        .as_str()
        .unwrap()
        .to_owned()
}

struct Shop {
    paid: Paid,
    creator: TestUser,
    buyer: TestUser,
    room: Uuid,
}

async fn shop() -> Shop {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let buyer = app.user("buyer").await;
    let room = app.create_room(&creator, "shop", "public").await;
    app.join(&buyer, room).await;
    Shop {
        paid,
        creator,
        buyer,
        room,
    }
}

#[tokio::test]
async fn racing_unlocks_share_one_checkout_and_what_is_bought_is_not_sold_twice() {
    let Shop {
        paid,
        creator,
        buyer,
        room,
    } = shop().await;
    let app = paid.app();
    let id = ppv_message(app, &creator, room, "secret").await;
    let path = format!("/v1/messages/{id}/unlock");
    // Racing calls: one starts the checkout; the others get that same checkout, or are told
    // it is being started (409 purchase_in_progress) — never a second payment.
    let calls = (0..4).map(|_| app.post(&buyer.token, &path, json!({})));
    let mut answers = Vec::new();
    for res in futures_util::future::join_all(calls).await {
        match res.status().as_u16() {
            201 => answers.push(res.json::<Value>().await.unwrap()),
            409 => assert_eq!(res.json::<Value>().await.unwrap()["code"], "purchase_in_progress"),
            other => panic!("unexpected {other}"),
        }
    }
    // Asked again afterwards: the same open checkout.
    answers.push(json_of(app.post(&buyer.token, &path, json!({})).await, 201).await);
    for a in &answers {
        assert_eq!(
            (&a["payment_id"], &a["checkout_url"]),
            (&answers[0]["payment_id"], &answers[0]["checkout_url"]),
            "one checkout handed out to every call"
        );
    }
    assert_eq!(
        app.db_query_i64(&format!("SELECT count(*) AS n FROM payments WHERE subject_id = '{id}'"))
            .await,
        1
    );
    paid.pay(&buyer, &answers[0]).await;
    let again = json_of(app.post(&buyer.token, &path, json!({})).await, 409).await;
    assert_eq!(again["code"], "already_owned");
    // An Elements intent for it is refused the same way.
    let res = app
        .post(
            &buyer.token,
            "/v1/payments/intents",
            json!({"purchase": {"type": "ppv", "message_id": id}}),
        )
        .await;
    assert_eq!(json_of(res, 409).await["code"], "already_owned");
    // Refusals name what stands in the way.
    let own = json_of(app.post(&creator.token, &path, json!({})).await, 409).await;
    assert_eq!(own["code"], "self_payment");
    let res = app
        .post(
            &buyer.token,
            &format!("/v1/creators/{}/tips", buyer.id),
            json!({"amount": 500, "currency": "usd"}),
        )
        .await;
    assert_eq!(json_of(res, 409).await["code"], "self_payment");
    let nobody = app.user("nobody").await;
    let res = app
        .post(
            &buyer.token,
            &format!("/v1/creators/{}/tips", nobody.id),
            json!({"amount": 500, "currency": "usd"}),
        )
        .await;
    assert_eq!(json_of(res, 409).await["code"], "payee_not_ready");
}

#[tokio::test]
async fn money_for_a_message_deleted_meanwhile_or_bought_twice_goes_back_by_itself() {
    let Shop {
        paid,
        creator,
        buyer,
        room,
    } = shop().await;
    let app = paid.app();

    // Deleted between the checkout and the payment: refunded in full, nothing unlocked.
    let gone = ppv_message(app, &creator, room, "soon gone").await;
    let started = json_of(
        app.post(&buyer.token, &format!("/v1/messages/{gone}/unlock"), json!({}))
            .await,
        201,
    )
    .await;
    assert_eq!(
        app.delete(&creator.token, &format!("/v1/messages/{gone}"))
            .await
            .status(),
        200
    );
    let session = stripe_id(started["checkout_url"].as_str().unwrap());
    paid.stripe.pay_checkout(&session).await;
    let id = started["payment_id"].as_str().unwrap();
    eventually(WAIT, "refunded by itself", || async {
        payment(app, &buyer, id).await["status"] == "refunded"
    })
    .await;
    let p = payment(app, &buyer, id).await;
    assert_eq!(p["refunded_amount"], 700);
    assert_eq!(
        (p["refunds"][0]["reason"].as_str(), p["refunds"][0]["status"].as_str()),
        (Some("undeliverable"), Some("succeeded")),
        "the ledger shows the money in and the money back: {p}"
    );

    // Paid twice: an Elements intent begun, then a Checkout (which closes the intent's
    // attempt) paid; the intent confirmed anyway is a duplicate and goes back.
    let twice = ppv_message(app, &creator, room, "twice").await;
    let res = app
        .post(
            &buyer.token,
            "/v1/payments/intents",
            json!({"purchase": {"type": "ppv", "message_id": twice}}),
        )
        .await;
    let intent = json_of(res, 201).await;
    let checkout = json_of(
        app.post(&buyer.token, &format!("/v1/messages/{twice}/unlock"), json!({}))
            .await,
        201,
    )
    .await;
    assert_ne!(intent["payment_id"], checkout["payment_id"]);
    paid.pay(&buyer, &checkout).await;
    let first = intent["payment_id"].as_str().unwrap();
    let pi = app
        .db_query_text(&format!(
            "SELECT stripe_payment_intent_id AS t FROM payments WHERE id = '{first}'"
        ))
        .await;
    paid.stripe.succeed_payment_intent(&pi).await;
    eventually(WAIT, "the duplicate refunded", || async {
        payment(app, &buyer, first).await["status"] == "refunded"
    })
    .await;
    assert_eq!(payment(app, &buyer, first).await["refunds"][0]["reason"], "duplicate");
    let kept = payment(app, &buyer, checkout["payment_id"].as_str().unwrap()).await;
    assert_eq!(
        (kept["status"].as_str(), &kept["refunds"]),
        (Some("succeeded"), &json!([]))
    );
}

#[tokio::test]
async fn a_refund_is_asked_once_per_row_and_idempotency_keys_replay_the_first_answer() {
    let Shop {
        paid, creator, buyer, ..
    } = shop().await;
    let app = paid.app();
    let tip = |key: Option<&'static str>, amount: i64| {
        let mut req = app
            .request(
                reqwest::Method::POST,
                &buyer.token,
                &format!("/v1/creators/{}/tips", creator.id),
            )
            .json(&json!({"amount": amount, "currency": "usd"}));
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        req.send()
    };
    // The same key: the first answer again (one payment); another body: 422.
    let first = tip(Some("tip-1"), 1000).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = tip(Some("tip-1"), 1000).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let other = tip(Some("tip-1"), 1200).await.unwrap();
    assert_eq!(other.status(), 422);
    assert_eq!(other.json::<Value>().await.unwrap()["code"], "idempotency_key_reused");
    assert_eq!(
        app.db_query_i64(&format!(
            "SELECT count(*) AS n FROM payments WHERE payer_id = '{}'",
            buyer.id
        ))
        .await,
        1
    );
    paid.pay(&buyer, &first).await;

    // A refund with a key, repeated: one refund at Stripe, the same answer twice.
    let id = first["payment_id"].as_str().unwrap();
    let refund = |key: &'static str, amount: i64| {
        app.request(
            reqwest::Method::POST,
            &creator.token,
            &format!("/v1/payments/{id}/refund"),
        )
        .header("Idempotency-Key", key)
        .json(&json!({"amount": amount}))
        .send()
    };
    let r1 = refund("refund-1", 300).await.unwrap();
    assert_eq!(r1.status(), 200);
    let r1: Value = r1.json().await.unwrap();
    let r2 = refund("refund-1", 300).await.unwrap();
    assert_eq!(r2.headers()["idempotent-replayed"], "true");
    assert_eq!(r2.json::<Value>().await.unwrap(), r1);
    let asked = || {
        paid.stripe
            .requests()
            .into_iter()
            .filter(|r| r.path == "/v1/refunds")
            .count()
    };
    assert_eq!(asked(), 1);
    // Each refund is its own row, and Stripe's call is keyed on it (not on totals).
    let row = r1["refunds"][0]["id"].as_str().unwrap().to_owned();
    let sent = paid
        .stripe
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/refunds")
        .unwrap();
    assert_eq!(sent.idempotency_key.as_deref(), Some(format!("refund:{row}").as_str()));
    // A second refund (another key) is a second row; the total is their sum.
    let r3 = refund("refund-2", 200).await.unwrap();
    assert_eq!(r3.status(), 200);
    let r3: Value = r3.json().await.unwrap();
    assert_eq!(
        (r3["refunded_amount"].as_i64(), r3["refunds"].as_array().unwrap().len()),
        (Some(500), 2)
    );

    // The payee lists what they received.
    let received = app.get_json(&creator.token, "/v1/payments/history?role=payee").await;
    assert_eq!(received["items"][0]["id"], id);
    assert_eq!(
        app.get_json(&creator.token, "/v1/payments/history").await["items"],
        json!([])
    );

    // A refund made in Stripe's dashboard becomes a row of its own.
    let charge = charge_of(&paid, id).await;
    paid.stripe.refund_in_dashboard(&charge).await;
    eventually(WAIT, "the dashboard's refund recorded", || async {
        payment(app, &buyer, id).await["status"] == "refunded"
    })
    .await;
    let p = payment(app, &buyer, id).await;
    let reasons: Vec<&str> = p["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["requested", "requested", "external"]);
    assert_eq!(p["refunded_amount"], 1000);
}

#[tokio::test]
async fn refund_events_before_their_payment_settles_are_applied_once_it_has() {
    let Shop {
        paid, creator, buyer, ..
    } = shop().await;
    let app = paid.app();
    let started = json_of(
        app.post(
            &buyer.token,
            &format!("/v1/creators/{}/tips", creator.id),
            json!({"amount": 900, "currency": "usd"}),
        )
        .await,
        201,
    )
    .await;
    // Stripe's events arrive out of order: the refund's before the payment's.
    paid.stripe.hold(true);
    paid.stripe
        .pay_checkout(&stripe_id(started["checkout_url"].as_str().unwrap()))
        .await;
    let paid_events: Vec<String> = paid
        .stripe
        .held()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    let id = started["payment_id"].as_str().unwrap();
    let intent = paid
        .stripe
        .held()
        .iter()
        .find_map(|e| e["data"]["object"]["payment_intent"].as_str().map(str::to_owned))
        .unwrap();
    let charge = paid.stripe.object(&intent).unwrap()["latest_charge"]
        .as_str()
        .unwrap()
        .to_owned();
    paid.stripe.refund_in_dashboard(&charge).await;
    let refund_events: Vec<String> = paid
        .stripe
        .held()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .filter(|e| !paid_events.contains(e))
        .collect();
    for e in &refund_events {
        assert_eq!(paid.stripe.deliver(e, Delivery::default()).await, 200);
    }
    eventually(WAIT, "the early refund events wait and retry", || async {
        app.db_query_i64(
            "SELECT count(*) AS n FROM jobs WHERE kind = 'stripe.event' AND attempts >= 1 AND status = 'queued'",
        )
        .await
            >= 1
    })
    .await;
    for e in &paid_events {
        paid.stripe.deliver(e, Delivery::default()).await;
    }
    eventually(WAIT, "settled, then refunded", || async {
        let p = payment(app, &buyer, id).await;
        p["status"] == "refunded" && p["refunded_amount"] == 900
    })
    .await;
}

#[tokio::test]
async fn a_lost_dispute_takes_back_what_was_bought_and_the_payee_sees_it() {
    let Shop {
        paid,
        creator,
        buyer,
        room,
    } = shop().await;
    let app = paid.app();
    let id = ppv_message(app, &creator, room, "disputed secret").await;
    let started = json_of(
        app.post(&buyer.token, &format!("/v1/messages/{id}/unlock"), json!({}))
            .await,
        201,
    )
    .await;
    paid.pay(&buyer, &started).await;
    let payment_id = started["payment_id"].as_str().unwrap();
    let charge = charge_of(&paid, payment_id).await;
    let opened = paid.stripe.open_dispute(&charge).await;
    assert!(opened.iter().all(|s| s.status == Some(200)));
    eventually(WAIT, "the payee sees the dispute", || async {
        payment(app, &creator, payment_id).await["dispute"]["status"] == "needs_response"
    })
    .await;
    let history = app.get_json(&buyer.token, &format!("/v1/rooms/{room}/messages")).await;
    assert!(
        history.to_string().contains("disputed secret"),
        "open while the dispute runs"
    );
    let dispute = paid.stripe.events_of("charge.dispute.created").last().unwrap()["data"]["object"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    paid.stripe.close_dispute(&dispute, false).await;
    eventually(WAIT, "lost: locked again", || async {
        let history = app.get_json(&buyer.token, &format!("/v1/rooms/{room}/messages")).await;
        !history.to_string().contains("disputed secret")
    })
    .await;
    assert_eq!(payment(app, &creator, payment_id).await["dispute"]["status"], "lost");
}

#[tokio::test]
async fn a_connected_accounts_event_at_the_platform_endpoint_is_not_applied() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let account = app
        .db_query_text(&format!(
            "SELECT stripe_account_id AS t FROM payout_accounts WHERE user_id = '{}'",
            creator.id
        ))
        .await;
    // A misconfigured webhook sends a Connect event, signed for the platform, there.
    let stored = || app.db_query_i64("SELECT count(*) AS n FROM stripe_events");
    let before = stored().await;
    paid.stripe.hold(true);
    paid.stripe.restrict_account(&account).await;
    let event = paid.stripe.held().last().unwrap()["id"].as_str().unwrap().to_owned();
    let platform = Delivery {
        secrets: Some(vec![parley_tests::stripe::WEBHOOK_SECRET.to_owned()]),
        ..Delivery::default()
    };
    paid.stripe.set_webhook_urls(
        &format!("{}/v1/webhooks/stripe", app.url),
        &format!("{}/v1/webhooks/stripe", app.url),
    );
    assert_eq!(paid.stripe.deliver(&event, platform).await, 200, "acknowledged");
    assert_eq!(stored().await, before, "not even stored");
    let state = app.get_json(&creator.token, "/v1/payouts/account").await;
    assert_eq!(state["charges_enabled"], true, "not applied from the wrong endpoint");
}

#[tokio::test]
async fn subscribing_twice_hands_out_one_checkout_and_an_earlier_price_is_a_new_price() {
    let paid = spawn_paid(1, |_| {}).await;
    let app = paid.app();
    let creator = paid.creator("creator").await;
    let fan = app.user("fan").await;
    let tier = json_of(
        app.post(
            &creator.token,
            "/v1/creators/me/tiers",
            json!({"name": "Gold", "amount": 500, "currency": "usd"}),
        )
        .await,
        201,
    )
    .await;
    let path = format!("/v1/creators/{}/subscribe", creator.id);
    let a = json_of(app.post(&fan.token, &path, json!({"tier_id": tier["id"]})).await, 201).await;
    let b = json_of(app.post(&fan.token, &path, json!({"tier_id": tier["id"]})).await, 201).await;
    assert_eq!(
        (&a["subscription_id"], &a["checkout_url"]),
        (&b["subscription_id"], &b["checkout_url"])
    );
    assert!(a.get("payment_id").is_none());

    // A subscriber-only room is one from its first moment (a tier of one's own only).
    let res = app
        .post(
            &creator.token,
            "/v1/rooms",
            json!({"name": "gold lounge", "kind": "public", "required_tier_id": tier["id"]}),
        )
        .await;
    let room = json_of(res, 201).await;
    assert_eq!(room["required_tier_id"], tier["id"]);
    let res = app
        .post(
            &fan.token,
            &format!("/v1/rooms/{}/join", room["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 403, "not before subscribing");
    let res = app
        .post(
            &fan.token,
            "/v1/rooms",
            json!({"name": "mine", "kind": "public", "required_tier_id": tier["id"]}),
        )
        .await;
    assert_eq!(res.status(), 422, "someone else's tier");

    // Paying makes the subscription live; access ends with the paid period (plus grace),
    // never "for ever".
    paid.stripe
        .pay_checkout(&stripe_id(a["checkout_url"].as_str().unwrap()))
        .await;
    eventually(WAIT, "subscribed", || async {
        app.get_json(&fan.token, "/v1/subscriptions").await["items"][0]["access"] == true
    })
    .await;
    let bounded = app
        .db_query_i64(&format!(
            "SELECT count(*) AS n FROM subscriptions WHERE id = '{}' AND access_until > now() \
             AND access_until <= current_period_end + interval '30 days'",
            a["subscription_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(bounded, 1);
    let again = json_of(app.post(&fan.token, &path, json!({"tier_id": tier["id"]})).await, 409).await;
    assert_eq!(again["code"], "already_owned");

    // Lists page: a creator's tiers, a fan's subscriptions.
    json_of(
        app.post(
            &creator.token,
            "/v1/creators/me/tiers",
            json!({"name": "Silver", "amount": 300, "currency": "usd"}),
        )
        .await,
        201,
    )
    .await;
    let page = app.get_json(&creator.token, "/v1/creators/me/tiers?limit=1").await;
    assert_eq!(page["items"][0]["name"], "Gold");
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = app
        .get_json(
            &creator.token,
            &format!("/v1/creators/me/tiers?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(next["items"][0]["name"], "Silver");
    let subs = app.get_json(&fan.token, "/v1/subscriptions?limit=1").await;
    assert_eq!(subs["items"].as_array().unwrap().len(), 1);

    // A price set back to an earlier one gets a Price of its own, active.
    let tier_path = format!("/v1/creators/me/tiers/{}", tier["id"].as_str().unwrap());
    let price_of = || async {
        app.db_query_text(&format!(
            "SELECT stripe_price_id AS t FROM creator_tiers WHERE id = '{}'",
            tier["id"].as_str().unwrap()
        ))
        .await
    };
    let first = price_of().await;
    json_of(app.patch(&creator.token, &tier_path, json!({"amount": 700})).await, 200).await;
    json_of(app.patch(&creator.token, &tier_path, json!({"amount": 500})).await, 200).await;
    let back = price_of().await;
    assert_ne!(back, first, "not the archived Price");
    assert_eq!(paid.stripe.object(&back).unwrap()["active"], true);
    assert_eq!(paid.stripe.object(&back).unwrap()["unit_amount"], 500);
}
