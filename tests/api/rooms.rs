use parley_tests::spawn_app;
use serde_json::{json, Value};
use uuid::Uuid;

#[tokio::test]
async fn a_created_room_belongs_to_its_creator_and_starts_its_log() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let res = app
        .post(
            &ann.token,
            "/v1/rooms",
            json!({"name": " General ", "kind": "public", "description": "all"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let room: Value = res.json().await.unwrap();
    assert_eq!(room["name"], "General");
    assert_eq!(room["my_role"], "owner");
    assert_eq!(room["member_count"], 1);
    assert_eq!(room["last_seq"], 1);
    let events = app
        .get_json(
            &ann.token,
            &format!("/v1/rooms/{}/events", room["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(events["items"][0]["kind"], "member.joined");
    assert_eq!(events["items"][0]["seq"], 1);
    for bad in [
        json!({"name": "", "kind": "public"}),
        json!({"name": "x", "kind": "direct"}),
        json!({"name": "x", "kind": "public", "max_members": 0}),
        json!({"name": "x".repeat(81), "kind": "private"}),
        json!({"name": "x", "kind": "public", "owner": "me"}),
    ] {
        assert_eq!(
            app.post(&ann.token, "/v1/rooms", bad.clone()).await.status(),
            422,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_private_room_is_indistinguishable_from_a_missing_one_to_outsiders() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let outsider = app.user("outsider").await;
    let room = app.create_room(&owner, "secret", "private").await;
    let message = app.post_message(&owner, room, "classified").await;
    let mid = message["id"].as_str().unwrap();
    let missing = Uuid::new_v4();
    for (method, path, body) in [
        ("GET", "/v1/rooms/{r}", None),
        ("PATCH", "/v1/rooms/{r}", Some(json!({"name": "mine"}))),
        ("DELETE", "/v1/rooms/{r}", None),
        ("POST", "/v1/rooms/{r}/join", Some(json!({}))),
        ("POST", "/v1/rooms/{r}/leave", Some(json!({}))),
        ("GET", "/v1/rooms/{r}/members", None),
        ("POST", "/v1/rooms/{r}/members", Some(json!({"user_id": outsider.id}))),
        ("GET", "/v1/rooms/{r}/messages", None),
        (
            "POST",
            "/v1/rooms/{r}/messages",
            Some(json!({"body": "hi", "client_msg_id": "c1"})),
        ),
        ("GET", "/v1/rooms/{r}/events", None),
        ("POST", "/v1/rooms/{r}/read", Some(json!({"seq": 1}))),
    ] {
        let mut responses = Vec::new();
        for target in [room, missing] {
            let url = format!("{}{}", app.url, path.replace("{r}", &target.to_string()));
            let mut req = app
                .http
                .request(method.parse().unwrap(), url)
                .bearer_auth(&outsider.token);
            if let Some(b) = &body {
                req = req.json(b);
            }
            let res = req.send().await.unwrap();
            responses.push((
                res.status().as_u16(),
                res.json::<Value>().await.unwrap()["detail"].clone(),
            ));
        }
        assert_eq!(responses[0].0, 404, "{method} {path}");
        assert_eq!(
            responses[0], responses[1],
            "{method} {path}: a private room must look missing"
        );
    }
    for (method, path) in [
        ("PATCH", format!("/v1/messages/{mid}")),
        ("DELETE", format!("/v1/messages/{mid}")),
        ("PUT", format!("/v1/messages/{mid}/reactions/%F0%9F%91%8D")),
    ] {
        let res = app
            .http
            .request(method.parse().unwrap(), format!("{}{path}", app.url))
            .bearer_auth(&outsider.token)
            .json(&json!({"body": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{method} {path}");
    }
    let listed = app.get_json(&outsider.token, "/v1/rooms").await;
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"] != room.to_string()));
    let found = app.get_json(&outsider.token, "/v1/search/messages?q=classified").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 0);
    assert_eq!(
        app.get(
            &outsider.token,
            &format!("/v1/search/messages?q=classified&room_id={room}")
        )
        .await
        .status(),
        404
    );
}

#[tokio::test]
async fn a_public_room_is_readable_by_anyone_but_writable_by_members_only() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let reader = app.user("reader").await;
    let room = app.create_room(&owner, "lobby", "public").await;
    let message = app.post_message(&owner, room, "welcome").await;
    assert_eq!(
        app.get(&reader.token, &format!("/v1/rooms/{room}/messages"))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&reader.token, &format!("/v1/rooms/{room}/members"))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&reader.token, &format!("/v1/rooms/{room}/events"))
            .await
            .status(),
        200
    );
    let post = app
        .post(
            &reader.token,
            &format!("/v1/rooms/{room}/messages"),
            json!({"body": "hi", "client_msg_id": "r1"}),
        )
        .await;
    assert_eq!(post.status(), 403);
    let react = app
        .put(
            &reader.token,
            &format!(
                "/v1/messages/{}/reactions/%F0%9F%91%8D",
                message["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(react.status(), 403);
    assert_eq!(
        app.post(&reader.token, &format!("/v1/rooms/{room}/read"), json!({"seq": 1}))
            .await
            .status(),
        403
    );
    app.join(&reader, room).await;
    app.post_message(&reader, room, "now I can").await;
}

#[tokio::test]
async fn only_owners_and_moderators_manage_a_room() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let moderator = app.user("mod").await;
    let member = app.user("member").await;
    let other = app.user("other").await;
    let room = app.create_room(&owner, "managed", "private").await;
    let invite = |who: &parley_tests::TestUser, target: Uuid, role: Option<&str>| {
        let body = match role {
            Some(r) => json!({"user_id": target, "role": r}),
            None => json!({"user_id": target}),
        };
        app.post(&who.token, &format!("/v1/rooms/{room}/members"), body)
    };
    assert_eq!(invite(&owner, moderator.id, Some("moderator")).await.status(), 200);
    assert_eq!(invite(&moderator, member.id, None).await.status(), 200);
    // A member may not invite, kick, rename or delete.
    assert_eq!(invite(&member, other.id, None).await.status(), 403);
    assert_eq!(
        app.delete(&member.token, &format!("/v1/rooms/{room}/members/{}", moderator.id))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.patch(&member.token, &format!("/v1/rooms/{room}"), json!({"name": "hijacked"}))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.delete(&member.token, &format!("/v1/rooms/{room}")).await.status(),
        403
    );
    // A moderator may not appoint moderators, nor kick the owner.
    assert_eq!(invite(&moderator, other.id, Some("moderator")).await.status(), 403);
    assert_eq!(
        app.delete(&moderator.token, &format!("/v1/rooms/{room}/members/{}", owner.id))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.delete(&owner.token, &format!("/v1/rooms/{room}/members/{}", owner.id))
            .await
            .status(),
        403
    );
    assert_eq!(invite(&owner, other.id, Some("owner")).await.status(), 422);
    // A moderator renames and kicks a member; the owner kicks the moderator.
    let renamed = app
        .patch(
            &moderator.token,
            &format!("/v1/rooms/{room}"),
            json!({"name": "renamed"}),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        app.delete(&moderator.token, &format!("/v1/rooms/{room}/members/{}", member.id))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.get(&member.token, &format!("/v1/rooms/{room}")).await.status(),
        404,
        "a kicked member loses sight of a private room"
    );
    assert_eq!(
        app.delete(&owner.token, &format!("/v1/rooms/{room}/members/{}", moderator.id))
            .await
            .status(),
        204
    );
    let kinds = app.event_kinds(&owner, room).await;
    assert_eq!(
        kinds,
        [
            "member.joined",
            "member.joined",
            "member.joined",
            "room.updated",
            "member.left",
            "member.left"
        ]
    );
    assert_eq!(
        app.delete(&owner.token, &format!("/v1/rooms/{room}")).await.status(),
        204
    );
    assert_eq!(app.get(&owner.token, &format!("/v1/rooms/{room}")).await.status(), 404);
}

#[tokio::test]
async fn max_members_holds_under_concurrent_joins() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let res = app
        .post(
            &owner.token,
            "/v1/rooms",
            json!({"name": "small", "kind": "public", "max_members": 5}),
        )
        .await;
    let room: Uuid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut joiners = Vec::new();
    for i in 0..12 {
        joiners.push(app.user(&format!("j{i}")).await);
    }
    let joins = joiners
        .iter()
        .map(|u| app.post(&u.token, &format!("/v1/rooms/{room}/join"), json!({})));
    let statuses: Vec<u16> = futures_util::future::join_all(joins)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 4, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 8, "{statuses:?}");
    let room_view = app.get_json(&owner.token, &format!("/v1/rooms/{room}")).await;
    assert_eq!(room_view["member_count"], 5);
    assert_eq!(
        app.get_json(&owner.token, &format!("/v1/rooms/{room}/members")).await["items"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test]
async fn joining_twice_and_leaving_twice_are_harmless() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let ann = app.user("ann").await;
    let room = app.create_room(&owner, "r", "public").await;
    app.join(&ann, room).await;
    app.join(&ann, room).await;
    assert_eq!(
        app.post(&ann.token, &format!("/v1/rooms/{room}/leave"), json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.post(&ann.token, &format!("/v1/rooms/{room}/leave"), json!({}))
            .await
            .status(),
        204
    );
    let events = app.get_json(&owner.token, &format!("/v1/rooms/{room}/events")).await;
    assert_eq!(
        events["items"].as_array().unwrap().len(),
        3,
        "join, join, leave: one event each, no duplicates"
    );
    app.join(&ann, room).await;
    let res = app
        .post(&owner.token, &format!("/v1/rooms/{room}/leave"), json!({}))
        .await;
    assert_eq!(res.status(), 409, "the owner cannot abandon members");
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "owner_must_transfer");
}

#[tokio::test]
async fn an_owner_hands_the_room_over_and_the_last_member_leaving_deletes_it() {
    let app = spawn_app().await;
    let (owner, ann, eve) = (app.user("owner").await, app.user("ann").await, app.user("eve").await);
    let room = app.create_room(&owner, "handover", "private").await;
    app.post(
        &owner.token,
        &format!("/v1/rooms/{room}/members"),
        json!({"user_id": ann.id}),
    )
    .await;
    app.post_message(&owner, room, "before I go").await;
    let transfer = |who: &parley_tests::TestUser, to: Uuid| {
        app.post(
            &who.token,
            &format!("/v1/rooms/{room}/transfer"),
            json!({"user_id": to}),
        )
    };

    // Only the owner hands over, and only to a member; a stranger sees no room at all.
    assert_eq!(transfer(&ann, ann.id).await.status(), 403);
    assert_eq!(transfer(&eve, eve.id).await.status(), 404);
    assert_eq!(transfer(&owner, eve.id).await.status(), 422);
    assert_eq!(transfer(&owner, ann.id).await.status(), 204);
    let members = app.get_json(&ann.token, &format!("/v1/rooms/{room}/members")).await;
    let role_of = |id: Uuid| {
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user"]["id"] == json!(id))
            .map(|m| m["role"].clone())
    };
    assert_eq!(
        (role_of(ann.id), role_of(owner.id)),
        (Some(json!("owner")), Some(json!("moderator")))
    );
    let kinds = app.event_kinds(&ann, room).await;
    assert_eq!(
        &kinds[kinds.len() - 2..],
        ["member.joined", "member.joined"],
        "both role changes are logged"
    );

    // The old owner may now leave; the new owner, left alone, leaving deletes the room.
    assert_eq!(
        app.post(&owner.token, &format!("/v1/rooms/{room}/leave"), json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.post(&ann.token, &format!("/v1/rooms/{room}/leave"), json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(app.get(&ann.token, &format!("/v1/rooms/{room}")).await.status(), 404);
    assert_eq!(
        app.db_query_i64(&format!("SELECT count(*) AS n FROM rooms WHERE id = '{room}'"))
            .await,
        0
    );
    assert_eq!(
        app.db_query_i64(&format!("SELECT count(*) AS n FROM messages WHERE room_id = '{room}'"))
            .await,
        0
    );

    // A public room too: its last member leaving takes it off the list.
    let public = app.create_room(&eve, "brief", "public").await;
    assert_eq!(
        app.post(&eve.token, &format!("/v1/rooms/{public}/leave"), json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(app.get(&ann.token, &format!("/v1/rooms/{public}")).await.status(), 404);
}

#[tokio::test]
async fn concurrent_dm_requests_make_one_room_for_the_pair() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let eve = app.user("eve").await;
    let calls = (0..10).map(|i| {
        let (me, other) = if i % 2 == 0 { (&ann, &bob) } else { (&bob, &ann) };
        app.post(&me.token, "/v1/dms", json!({"user_id": other.id}))
    });
    let rooms: Vec<Value> =
        futures_util::future::join_all(calls.map(|f| async { f.await.json::<Value>().await.unwrap() })).await;
    assert!(
        rooms.iter().all(|r| r["id"] == rooms[0]["id"] && r["kind"] == "direct"),
        "{rooms:?}"
    );
    let room = rooms[0]["id"].as_str().unwrap();
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM rooms WHERE kind = 'direct'")
            .await,
        1
    );
    assert_eq!(app.get(&eve.token, &format!("/v1/rooms/{room}")).await.status(), 404);
    assert_eq!(
        app.post(&eve.token, &format!("/v1/rooms/{room}/join"), json!({}))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post(&ann.token, "/v1/dms", json!({"user_id": ann.id}))
            .await
            .status(),
        422
    );
    assert_eq!(
        app.post(&ann.token, "/v1/dms", json!({"user_id": Uuid::new_v4()}))
            .await
            .status(),
        422,
        "a body naming a user who does not exist is invalid input"
    );
    assert_eq!(
        app.post(
            &ann.token,
            &format!("/v1/rooms/{room}/members"),
            json!({"user_id": eve.id})
        )
        .await
        .status(),
        403
    );
}

#[tokio::test]
async fn conversations_show_activity_order_last_message_and_unread_counts() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let quiet = app.create_room(&ann, "quiet", "public").await;
    let busy = app.create_room(&ann, "busy", "public").await;
    app.join(&bob, busy).await;
    app.join(&bob, quiet).await;
    let dm: Value = app
        .post(&bob.token, "/v1/dms", json!({"user_id": ann.id}))
        .await
        .json()
        .await
        .unwrap();
    app.post_message(&bob, dm["id"].as_str().unwrap().parse().unwrap(), "psst")
        .await;
    for i in 0..3 {
        app.post_message(&bob, busy, &format!("b{i}")).await;
    }
    app.post_message(&ann, busy, "mine do not count").await;
    let list = app.get_json(&ann.token, "/v1/conversations").await;
    let items = list["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|c| c["room"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["busy", "Direct message", "quiet"]);
    assert_eq!(items[0]["unread_count"], 3);
    assert_eq!(items[0]["last_message"]["body"], "mine do not count");
    assert_eq!(items[1]["unread_count"], 1);
    assert_eq!(items[2]["unread_count"], 0);
    assert!(items[2]["last_message"].is_null());
    // Pages like every list: `limit` and an opaque `next_cursor`, in the same order.
    let first = app.get_json(&ann.token, "/v1/conversations?limit=2").await;
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let rest = app
        .get_json(&ann.token, &format!("/v1/conversations?limit=2&cursor={cursor}"))
        .await;
    let paged: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["items"].as_array().unwrap())
        .map(|c| c["room"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(paged, ["busy", "Direct message", "quiet"]);
    assert!(rest["next_cursor"].is_null());
    // Reading moves forward only, and never past the head.
    let last_seq = items[0]["room"]["last_seq"].as_i64().unwrap();
    let read: Value = app
        .post(
            &ann.token,
            &format!("/v1/rooms/{busy}/read"),
            json!({"seq": last_seq - 1}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["last_read_seq"], last_seq - 1);
    let back: Value = app
        .post(&ann.token, &format!("/v1/rooms/{busy}/read"), json!({"seq": 1}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(back["last_read_seq"], last_seq - 1);
    let past: Value = app
        .post(&ann.token, &format!("/v1/rooms/{busy}/read"), json!({"seq": 1_000_000}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(past["last_read_seq"], last_seq);
    let list = app.get_json(&ann.token, "/v1/conversations").await;
    assert_eq!(list["items"][0]["unread_count"], 0);
    assert_eq!(
        app.post(&ann.token, &format!("/v1/rooms/{busy}/read"), json!({"seq": -1}))
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn the_room_directory_searches_and_pages() {
    let app = spawn_app().await;
    let ann = app.user("ann").await;
    for i in 0..4 {
        app.create_room(&ann, &format!("Rust {i}"), "public").await;
    }
    app.create_room(&ann, "Go", "public").await;
    let bob = app.user("bob").await;
    let page = app.get_json(&bob.token, "/v1/rooms?q=rust&limit=3").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    assert!(page["items"][0]["my_role"].is_null());
    let next = app
        .get_json(
            &bob.token,
            &format!(
                "/v1/rooms?q=rust&limit=3&cursor={}",
                page["next_cursor"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert!(next["next_cursor"].is_null());
}

#[tokio::test]
async fn deleting_a_room_removes_its_messages_reactions_and_log_only() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let doomed = app.create_room(&owner, "doomed", "public").await;
    let kept = app.create_room(&owner, "kept", "public").await;
    for room in [doomed, kept] {
        let first = app.post_message(&owner, room, "first").await;
        let reply = app
            .post(
                &owner.token,
                &format!("/v1/rooms/{room}/messages"),
                json!({"body": "reply", "client_msg_id": Uuid::new_v4().to_string(), "reply_to": first["id"]}),
            )
            .await;
        assert_eq!(reply.status(), 201);
        let id = first["id"].as_str().unwrap();
        assert_eq!(
            app.put(&owner.token, &format!("/v1/messages/{id}/reactions/%F0%9F%91%8D"))
                .await
                .status(),
            200
        );
    }
    let count = |table: &str, room: Uuid| {
        let sql = match table {
            "reactions" => format!(
                "SELECT count(*) AS n FROM reactions r JOIN messages m ON m.id = r.message_id WHERE m.room_id = '{room}'"
            ),
            t => format!("SELECT count(*) AS n FROM {t} WHERE room_id = '{room}'"),
        };
        let app = &app;
        async move { app.db_query_i64(&sql).await }
    };
    assert_eq!(count("messages", doomed).await, 2);
    assert_eq!(
        app.delete(&owner.token, &format!("/v1/rooms/{doomed}")).await.status(),
        204
    );
    for table in ["messages", "room_events", "reactions", "room_members"] {
        assert_eq!(count(table, doomed).await, 0, "{table} of the deleted room");
    }
    assert_eq!(count("messages", kept).await, 2);
    assert_eq!(count("reactions", kept).await, 1);
    // The kept room keeps its whole log.
    assert_eq!(
        count("room_events", kept).await,
        app.event_kinds(&owner, kept).await.len() as i64
    );
    assert_eq!(
        app.get_json(&owner.token, &format!("/v1/rooms/{kept}/messages")).await["items"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}
