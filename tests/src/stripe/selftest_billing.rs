//! The fake's own tests: subscriptions, invoices, holding and re-delivering events.

use std::sync::atomic::Ordering;

use serde_json::Value;

use super::selftest::{env, types};
use super::*;

#[tokio::test]
async fn subscriptions() {
    let env = env().await;
    let acct = env.creator().await;
    let cus = env.post("/v1/customers", &[("email", "fan@x")]).await;
    let prod = env.post("/v1/products", &[("name", "Gold")]).await;
    let params = [
        ("product", prod["id"].as_str().unwrap()),
        ("currency", "usd"),
        ("unit_amount", "999"),
        ("recurring[interval]", "month"),
    ];
    let price = env.post("/v1/prices", &params).await;
    let cs = env
        .post(
            "/v1/checkout/sessions",
            &[
                ("mode", "subscription"),
                ("customer", cus["id"].as_str().unwrap()),
                ("line_items[0][price]", price["id"].as_str().unwrap()),
                ("line_items[0][quantity]", "1"),
                ("subscription_data[trial_period_days]", "7"),
                ("subscription_data[metadata][tier_id]", "t1"),
                ("subscription_data[transfer_data][destination]", &acct),
                ("subscription_data[transfer_data][amount_percent]", "80"),
            ],
        )
        .await;
    let sent = env.fake.pay_checkout(cs["id"].as_str().unwrap()).await;
    assert_eq!(
        types(&sent),
        [
            "customer.subscription.created",
            "invoice.paid",
            "checkout.session.completed"
        ]
    );
    let session = env.fake.object(cs["id"].as_str().unwrap()).unwrap();
    let sub_id = session["subscription"].as_str().unwrap().to_owned();
    let sub = env.fake.object(&sub_id).unwrap();
    assert_eq!(
        (sub["status"].as_str(), sub["metadata"]["tier_id"].as_str()),
        (Some("trialing"), Some("t1"))
    );
    assert_eq!(sub["items"]["data"][0]["current_period_end"], sub["trial_end"]);
    let first = env.fake.object(sub["latest_invoice"].as_str().unwrap()).unwrap();
    assert_eq!(
        (first["amount_paid"].as_i64(), first["billing_reason"].as_str()),
        (Some(0), Some("subscription_create"))
    );

    let sent = env.fake.invoice(&sub_id, false).await;
    assert_eq!(
        types(&sent),
        [
            "payment_intent.payment_failed",
            "invoice.payment_failed",
            "customer.subscription.updated"
        ]
    );
    let sub = env.fake.object(&sub_id).unwrap();
    let inv = env.fake.object(sub["latest_invoice"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            sub["status"].as_str(),
            inv["attempt_count"].as_i64(),
            inv["status"].as_str()
        ),
        (Some("past_due"), Some(1), Some("open"))
    );
    let sent = env.fake.invoice(&sub_id, true).await;
    assert_eq!(
        types(&sent),
        [
            "charge.succeeded",
            "payment_intent.succeeded",
            "invoice.paid",
            "customer.subscription.updated"
        ]
    );
    let sub = env.fake.object(&sub_id).unwrap();
    assert_eq!(sub["latest_invoice"], inv["id"]);
    assert_eq!(
        (
            sub["status"].as_str(),
            sub["items"]["data"][0]["current_period_end"].as_i64()
        ),
        (Some("active"), inv["period_end"].as_i64())
    );
    let pi = env
        .fake
        .object(
            inv["payments"]["data"][0]["payment"]["payment_intent"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(pi["transfer_data"]["amount"], 799);

    let updated = env
        .post(
            &format!("/v1/subscriptions/{sub_id}"),
            &[("cancel_at_period_end", "true")],
        )
        .await;
    assert_eq!(updated["cancel_at_period_end"], true);
    env.fake.settle().await;
    let last = env.fake.events().pop().unwrap();
    assert_eq!(
        (
            last["type"].as_str(),
            &last["data"]["previous_attributes"]["cancel_at_period_end"]
        ),
        (Some("customer.subscription.updated"), &Value::Bool(false))
    );
    assert_eq!(
        types(&env.fake.end_period(&sub_id).await),
        ["customer.subscription.deleted"]
    );
    assert_eq!(env.fake.object(&sub_id).unwrap()["status"], "canceled");
    let (status, _) = env
        .call("DELETE", &format!("/v1/subscriptions/{sub_id}"), &[], None)
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn hold_redeliver_and_rotate() {
    let env = env().await;
    env.fake.hold(true);
    let acct = env.creator().await;
    env.fake.restrict_account(&acct).await;
    assert_eq!(env.fake.held().len(), 2);
    assert!(env.hook.received.lock().unwrap().is_empty());
    let sent = env.fake.release_held().await;
    assert!(sent.iter().all(|s| s.status == Some(200)) && sent.len() == 2);
    env.fake.hold(false);
    let restricted = &env.hook.bodies("/connect")[1]["data"]["object"];
    assert_eq!(
        (
            restricted["charges_enabled"].as_bool(),
            restricted["requirements"]["currently_due"]
                .as_array()
                .map(Vec::is_empty)
        ),
        (Some(false), Some(false))
    );

    let event = env.fake.events()[0]["id"].as_str().unwrap().to_owned();
    let status = env
        .fake
        .deliver(
            &event,
            Delivery {
                timestamp: Some(1_000),
                tamper_body: true,
                ..Delivery::default()
            },
        )
        .await;
    assert_eq!(status, 200);
    let (_, sig, body) = env.hook.received.lock().unwrap().last().cloned().unwrap();
    assert!(sig.starts_with("t=1000,v1=") && body.contains("\"livemode\":true"));
    env.fake
        .deliver(
            &event,
            Delivery {
                omit_signature: true,
                ..Delivery::default()
            },
        )
        .await;
    assert_eq!(env.hook.received.lock().unwrap().last().unwrap().1, "");
    env.hook.status.store(500, Ordering::SeqCst);
    env.fake.rotate_connect_webhook_secret("whsec_new");
    assert_eq!(env.fake.complete_onboarding(&acct).await[0].status, Some(500));
    let (_, sig, body) = env.hook.received.lock().unwrap().last().cloned().unwrap();
    let t: i64 = sig[2..12].parse().unwrap();
    assert_eq!(
        sig,
        signature_header(t, &body, &[CONNECT_WEBHOOK_SECRET.into(), "whsec_new".into()])
    );
    let last = env.fake.events().pop().unwrap();
    assert_eq!(env.fake.deliveries(last["id"].as_str().unwrap()), [500]);

    let res = env
        .http
        .post(format!("{}/_fake/accounts/{acct}/restrict", env.fake.base))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["events"][0]["type"].as_str(), body["events"][0]["status"].as_u64()),
        (Some("account.updated"), Some(500))
    );
    let res = env
        .http
        .post(format!("{}/_fake/checkout/sessions/cs_nope/pay", env.fake.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
