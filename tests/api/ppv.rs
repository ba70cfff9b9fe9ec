//! Pay-per-view messages opening live. Room events stay locked for everyone; the buyer's
//! and the author's sockets, on every instance, are told through their own feeds when a
//! message is bought or edited (ids only, never the body), and fetch it over REST. A
//! member who did not buy it is told nothing. A purchase refunded in full locks it again.

use parley_tests::{spawn_paid, TestApp, TestUser, WsClient};
use serde_json::{json, Value};

async fn subscribe_feed(ws: &mut WsClient, since: Option<i64>) -> i64 {
    let mut frame = json!({"type": "subscribe_notifications"});
    if let Some(s) = since {
        frame["since"] = s.into();
    }
    let reply = ws.call(frame).await;
    assert_eq!(reply["type"], "ok", "{reply}");
    reply["last_seq"].as_i64().unwrap()
}

/// The message a `message_unlocked` frame names, fetched as its frame says.
async fn fetch(app: &TestApp, user: &TestUser, frame: &Value) -> Value {
    let seq = frame["message_seq"].as_i64().unwrap();
    let path = format!(
        "/v1/rooms/{}/messages?after={}&limit=1",
        frame["room_id"].as_str().unwrap(),
        seq - 1
    );
    let page = app.get_json(&user.token, &path).await;
    let m = page["items"][0].clone();
    assert_eq!(m["id"], frame["message_id"], "{page}");
    m
}

#[tokio::test]
async fn buying_or_editing_a_pay_per_view_message_opens_it_on_the_entitled_sockets_of_both_instances() {
    let paid = spawn_paid(2, |_| {}).await;
    let (a, b) = (&paid.apps[0], &paid.apps[1]);
    let creator = paid.creator("creator").await;
    let (buyer, other) = (a.user("buyer").await, a.user("other").await);
    let room = a.create_room(&creator, "ppv", "public").await;
    a.join(&buyer, room).await;
    a.join(&other, room).await;
    // The buyer's phone on instance B; the author's other device on A.
    let mut phone = b.connect(&buyer).await;
    subscribe_feed(&mut phone, None).await;
    let mut desk = a.connect(&creator).await;
    subscribe_feed(&mut desk, None).await;

    let secret = "okapi first draft";
    let posted: Value = a
        .post(
            &creator.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": secret, "client_msg_id": "p1", "ppv": {"amount": 500, "currency": "usd"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = posted["id"].as_str().unwrap().to_owned();
    let started: Value = a
        .post(&buyer.token, &format!("/v1/messages/{id}/unlock"), json!({}))
        .await
        .json()
        .await
        .unwrap();
    paid.pay(&buyer, &started).await;

    let bought = phone.next_of("message_unlocked").await;
    assert_eq!(
        (bought["room_id"].as_str(), bought["message_id"].as_str()),
        (Some(room.to_string().as_str()), Some(id.as_str()))
    );
    assert!(
        !bought.to_string().contains("okapi"),
        "the feed never holds the body: {bought}"
    );
    let m = fetch(b, &buyer, &bought).await;
    assert_eq!((m["body"].as_str(), m["locked"].as_bool()), (Some(secret), Some(false)));

    // The author edits it: the buyer and the author's other device hear of the new text.
    let edited = "okapi final text";
    let res = a
        .patch(&creator.token, &format!("/v1/messages/{id}"), json!({"body": edited}))
        .await;
    assert_eq!(res.status(), 200);
    let again = phone.next_of("message_unlocked").await;
    assert!(again["seq"].as_i64() > bought["seq"].as_i64());
    assert_eq!(fetch(b, &buyer, &again).await["body"], edited);
    let told = desk.next_of("message_unlocked").await;
    assert_eq!(told["message_id"], id.as_str());
    assert_eq!(fetch(a, &creator, &told).await["body"], edited);

    // A resume on another socket replays both, in order; the other member's feed is empty.
    let mut laptop = a.connect(&buyer).await;
    let head = subscribe_feed(&mut laptop, Some(0)).await;
    assert_eq!(head, again["seq"].as_i64().unwrap());
    let first = laptop.next_of("message_unlocked").await;
    let second = laptop.next_of("message_unlocked").await;
    assert_eq!(
        (first["seq"].clone(), second["seq"].clone()),
        (bought["seq"].clone(), again["seq"].clone())
    );
    let mut theirs = b.connect(&other).await;
    assert_eq!(
        subscribe_feed(&mut theirs, Some(0)).await,
        0,
        "no entry for who did not buy it"
    );
    let m = a.get_json(&other.token, &format!("/v1/rooms/{room}/messages")).await;
    assert!(!m.to_string().contains("okapi"), "still locked for them: {m}");

    // A partial refund keeps it open; a full refund locks it again.
    let refund = format!("/v1/payments/{}/refund", started["payment_id"].as_str().unwrap());
    let res = a.post(&creator.token, &refund, json!({"amount": 100})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(fetch(b, &buyer, &again).await["body"], edited);
    let res = a.post(&creator.token, &refund, json!({})).await;
    assert_eq!(res.status(), 200);
    let m = fetch(b, &buyer, &again).await;
    assert_eq!(m["locked"], true, "refunded in full: {m}");
    assert!(!m.to_string().contains("okapi"), "{m}");
}
