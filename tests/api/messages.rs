use parley_tests::spawn_app;
use serde_json::{json, Value};
use uuid::Uuid;

#[tokio::test]
async fn seqs_stay_contiguous_under_twenty_concurrent_writers() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let room = app.create_room(&owner, "busy", "public").await;
    let mut writers = Vec::new();
    for i in 0..20 {
        let u = app.user(&format!("w{i}")).await;
        app.join(&u, room).await;
        writers.push(u);
    }
    let posts = writers.iter().map(|u| async {
        let mut seqs = Vec::new();
        for n in 0..10 {
            let res = app
                .post(
                    &u.token,
                    &format!("/v1/rooms/{room}/messages"),
                    json!({"body": format!("{} {n}", u.name), "client_msg_id": Uuid::new_v4()}),
                )
                .await;
            assert_eq!(res.status(), 201);
            seqs.push(res.json::<Value>().await.unwrap()["seq"].as_i64().unwrap());
        }
        seqs
    });
    let per_writer: Vec<Vec<i64>> = futures_util::future::join_all(posts).await;
    for seqs in &per_writer {
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "one writer's messages keep their order"
        );
    }
    let mut all: Vec<i64> = per_writer.concat();
    all.sort();
    let first = all[0];
    assert_eq!(all, (first..first + 200).collect::<Vec<_>>(), "no gap, no reuse");
    // The log itself: 1..=head with no hole.
    let head = app.get_json(&owner.token, &format!("/v1/rooms/{room}")).await["last_seq"]
        .as_i64()
        .unwrap();
    let mut after = 0;
    let mut seen = Vec::new();
    loop {
        let page = app
            .get_json(
                &owner.token,
                &format!("/v1/rooms/{room}/events?after={after}&limit=1000"),
            )
            .await;
        let items = page["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        seen.extend(items.iter().map(|e| e["seq"].as_i64().unwrap()));
        after = *seen.last().unwrap();
    }
    assert_eq!(seen, (1..=head).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_retried_post_returns_the_first_message_and_adds_no_event() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let room = app.create_room(&ann, "r", "public").await;
    let body = json!({"body": "once", "client_msg_id": "retry-1"});
    let first = app
        .post(&ann.token, &format!("/v1/rooms/{room}/messages"), body.clone())
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let head = app.get_json(&ann.token, &format!("/v1/rooms/{room}")).await["last_seq"].clone();
    let again = app.post(&ann.token, &format!("/v1/rooms/{room}/messages"), body).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["seq"], first["seq"]);
    assert_eq!(
        app.get_json(&ann.token, &format!("/v1/rooms/{room}")).await["last_seq"],
        head
    );
    // The same key in another room is a conflict, not a silent duplicate.
    let other = app.create_room(&ann, "o", "public").await;
    let res = app
        .post(
            &ann.token,
            &format!("/v1/rooms/{other}/messages"),
            json!({"body": "x", "client_msg_id": "retry-1"}),
        )
        .await;
    assert_eq!(res.status(), 409);
    // Concurrent retries of one key: one message.
    let posts = (0..8).map(|_| {
        app.post(
            &ann.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "race", "client_msg_id": "race-1"}),
        )
    });
    let statuses: Vec<u16> = futures_util::future::join_all(posts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 200), "{statuses:?}");
}

#[tokio::test]
async fn history_pages_in_both_directions() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let room = app.create_room(&ann, "r", "public").await;
    for i in 0..120 {
        app.post_message(&ann, room, &format!("m{i}")).await;
    }
    let newest = app.get_json(&ann.token, &format!("/v1/rooms/{room}/messages")).await;
    let items = newest["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert_eq!(items[0]["body"], "m119");
    let oldest_seq = items[49]["seq"].as_i64().unwrap();
    let older = app
        .get_json(
            &ann.token,
            &format!("/v1/rooms/{room}/messages?before={oldest_seq}&limit=100"),
        )
        .await;
    let older = older["items"].as_array().unwrap();
    assert_eq!(older.len(), 70);
    assert_eq!(older[0]["seq"].as_i64().unwrap(), oldest_seq - 1);
    assert_eq!(older[69]["body"], "m0");
    let forward = app
        .get_json(&ann.token, &format!("/v1/rooms/{room}/messages?after=0&limit=3"))
        .await;
    let bodies: Vec<&str> = forward["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["m0", "m1", "m2"]);
    assert_eq!(
        app.get_json(&ann.token, &format!("/v1/rooms/{room}/messages?after=100000"))
            .await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        app.get_json(&ann.token, &format!("/v1/rooms/{room}/messages?before=1"))
            .await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    for bad in ["limit=101", "limit=0", "before=5&after=1", "after=-1", "before=x"] {
        assert_eq!(
            app.get(&ann.token, &format!("/v1/rooms/{room}/messages?{bad}"))
                .await
                .status(),
            422,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn authors_edit_and_moderators_delete() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let room = app.create_room(&owner, "r", "public").await;
    app.join(&ann, room).await;
    app.join(&bob, room).await;
    let m = app.post_message(&ann, room, "typo").await;
    let id = m["id"].as_str().unwrap();
    assert_eq!(
        app.patch(&bob.token, &format!("/v1/messages/{id}"), json!({"body": "hacked"}))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.patch(
            &owner.token,
            &format!("/v1/messages/{id}"),
            json!({"body": "moderated"})
        )
        .await
        .status(),
        403
    );
    let edited: Value = app
        .patch(&ann.token, &format!("/v1/messages/{id}"), json!({"body": "fixed"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(edited["body"], "fixed");
    assert!(edited["edited_at"].is_string());
    assert_eq!(edited["seq"], m["seq"]);
    assert_eq!(
        app.delete(&bob.token, &format!("/v1/messages/{id}")).await.status(),
        403
    );
    let deleted: Value = app
        .delete(&owner.token, &format!("/v1/messages/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(deleted["deleted"], true);
    assert_eq!(deleted["body"], "");
    assert_eq!(
        app.patch(&ann.token, &format!("/v1/messages/{id}"), json!({"body": "back"}))
            .await
            .status(),
        409
    );
    let history = app.get_json(&ann.token, &format!("/v1/rooms/{room}/messages")).await;
    assert_eq!(history["items"][0]["seq"], m["seq"], "the seq stays in history");
    assert_eq!(history["items"][0]["deleted"], true);
    let kinds = app.event_kinds(&ann, room).await;
    assert_eq!(
        &kinds[kinds.len() - 3..],
        ["message.created", "message.updated", "message.deleted"]
    );
    let log = app
        .get_json(&ann.token, &format!("/v1/rooms/{room}/events"))
        .await
        .to_string();
    assert!(
        !log.contains("typo") && !log.contains("fixed"),
        "a deleted message's text must leave the log too: {log}"
    );
    assert_eq!(
        app.patch(
            &ann.token,
            &format!("/v1/messages/{}", Uuid::new_v4()),
            json!({"body": "x"})
        )
        .await
        .status(),
        404
    );
}

#[tokio::test]
async fn reactions_are_validated_counted_and_idempotent() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let room = app.create_room(&ann, "r", "public").await;
    app.join(&bob, room).await;
    let m = app.post_message(&ann, room, "react to me").await;
    let id = m["id"].as_str().unwrap();
    let thumbs = "%F0%9F%91%8D";
    let first: Value = app
        .put(&ann.token, &format!("/v1/messages/{id}/reactions/{thumbs}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["reactions"]["👍"], 1);
    assert_eq!(first["my_reactions"], json!(["👍"]));
    let again = app
        .put(&ann.token, &format!("/v1/messages/{id}/reactions/{thumbs}"))
        .await;
    assert_eq!(again.status(), 200, "reacting twice is idempotent");
    let both: Value = app
        .put(&bob.token, &format!("/v1/messages/{id}/reactions/{thumbs}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(both["reactions"]["👍"], 2);
    let named: Value = app
        .put(&bob.token, &format!("/v1/messages/{id}/reactions/:party:"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(named["reactions"][":party:"], 1);
    let removed: Value = app
        .delete(&ann.token, &format!("/v1/messages/{id}/reactions/{thumbs}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(removed["reactions"]["👍"], 1);
    assert_eq!(removed["my_reactions"], json!([]));
    assert_eq!(
        app.delete(&ann.token, &format!("/v1/messages/{id}/reactions/{thumbs}"))
            .await
            .status(),
        200
    );
    for bad in ["abc", "%F0%9F%91%8D%F0%9F%91%8D", "%3Cscript%3E", ":has%20space:"] {
        assert_eq!(
            app.put(&ann.token, &format!("/v1/messages/{id}/reactions/{bad}"))
                .await
                .status(),
            422,
            "{bad}"
        );
    }
    let kinds = app.event_kinds(&ann, room).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "reaction.added").count(),
        3,
        "a repeated reaction adds no event"
    );
    assert_eq!(kinds.iter().filter(|k| *k == "reaction.removed").count(), 1);
}

#[tokio::test]
async fn bodies_and_replies_are_validated() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let room = app.create_room(&ann, "r", "public").await;
    let other = app.create_room(&ann, "o", "public").await;
    let elsewhere = app.post_message(&ann, other, "elsewhere").await;
    let post = |body: Value| app.post(&ann.token, &format!("/v1/rooms/{room}/messages"), body);
    assert_eq!(post(json!({"body": "   ", "client_msg_id": "a"})).await.status(), 422);
    assert_eq!(
        post(json!({"body": "x".repeat(4001), "client_msg_id": "b"}))
            .await
            .status(),
        422
    );
    assert_eq!(post(json!({"body": "x", "client_msg_id": ""})).await.status(), 422);
    assert_eq!(post(json!({"body": "x"})).await.status(), 422);
    assert_eq!(
        post(json!({"body": "x", "client_msg_id": "c", "reply_to": elsewhere["id"]}))
            .await
            .status(),
        422
    );
    // The limit counts the characters sent (as the OpenAPI schema's maxLength does); the
    // text is stored trimmed.
    let padded = post(json!({"body": format!("  {}  ", "é".repeat(3997)), "client_msg_id": "p"})).await;
    assert_eq!(padded.status(), 422);
    let long = post(json!({"body": format!("  {}  ", "é".repeat(3996)), "client_msg_id": "d"})).await;
    assert_eq!(long.status(), 201);
    let long: Value = long.json().await.unwrap();
    assert_eq!(long["body"], "é".repeat(3996));
    let reply: Value = post(json!({"body": "re", "client_msg_id": "e", "reply_to": long["id"]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reply["reply_to"], long["id"]);
}

#[tokio::test]
async fn search_finds_only_messages_in_the_callers_rooms() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let shared = app.create_room(&ann, "shared", "public").await;
    let private = app.create_room(&ann, "private", "private").await;
    let public_not_joined = app.create_room(&ann, "open", "public").await;
    app.join(&bob, shared).await;
    app.post_message(&ann, shared, "the zebra crossing").await;
    app.post_message(&ann, private, "secret zebra plans").await;
    app.post_message(&ann, public_not_joined, "zebra elsewhere").await;
    let deleted = app.post_message(&ann, shared, "deleted zebra").await;
    let res = app
        .delete(&ann.token, &format!("/v1/messages/{}", deleted["id"].as_str().unwrap()))
        .await;
    assert_eq!(res.status(), 200, "delete");
    let found = app.get_json(&bob.token, "/v1/search/messages?q=zebra").await;
    let bodies: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["the zebra crossing"]);
    let mine = app.get_json(&ann.token, "/v1/search/messages?q=zebra&limit=2").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let rest = app
        .get_json(
            &ann.token,
            &format!(
                "/v1/search/messages?q=zebra&limit=2&cursor={}",
                mine["next_cursor"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    let in_room = app
        .get_json(&ann.token, &format!("/v1/search/messages?q=zebra&room_id={private}"))
        .await;
    assert_eq!(in_room["items"][0]["body"], "secret zebra plans");
    assert_eq!(app.get(&ann.token, "/v1/search/messages?q=").await.status(), 422);
}
