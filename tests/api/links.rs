//! Short links (integrations issue): our own codes at `/s/{code}` counted across instances
//! (bots not counted), the same link for the same URL, the owner's view only, refusals of
//! private and looping destinations; Bitly through its fake (201/200, 429, 402, the monthly
//! limit, tag edits, clicks); a booking page's link.

use std::time::Duration;

use parley::platform::config::LinkProvider;
use parley_tests::bitly::{self, FakeBitly};
use parley_tests::{eventually, spawn_app, spawn_app_with, spawn_cluster, TestApp, TestUser};
use serde_json::{json, Value};

const BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn follow(app: &TestApp, code: &str, ua: Option<&str>) -> reqwest::Response {
    let mut r = no_redirects().get(format!("{}/s/{code}", app.url));
    if let Some(ua) = ua {
        r = r.header("user-agent", ua);
    }
    r.send().await.unwrap()
}

async fn make(app: &TestApp, user: &TestUser, body: Value) -> (u16, Value) {
    let res = app.post(&user.token, "/v1/links", body).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn total(app: &TestApp, user: &TestUser, id: &str) -> i64 {
    app.get_json(&user.token, &format!("/v1/links/{id}/stats")).await["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_short_link_redirects_and_counts_people_on_every_instance_but_not_bots() {
    let apps = spawn_cluster(2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let owner = a.user("owner").await;
    let other = a.user("other").await;

    let (status, link) = make(
        a,
        &owner,
        json!({"long_url": "https://example.com/spring?x=1", "title": "Spring sale",
               "tags": ["Promo", "promo", "Spring"]}),
    )
    .await;
    assert_eq!(status, 201, "{link}");
    assert_eq!(link["tags"], json!(["promo", "spring"]));
    let code = link["code"].as_str().unwrap().to_owned();
    assert_eq!(link["short_url"], json!(format!("{}/s/{code}", a.url)));
    assert_eq!(code.len(), 7);
    // The same URL again is the same link.
    let (status, again) = make(a, &owner, json!({"long_url": "https://example.com/spring?x=1"})).await;
    assert_eq!((status, &again["id"]), (200, &link["id"]));
    // A fence link: once its clicks are written, every click before it is too.
    let (_, fence) = make(a, &owner, json!({"long_url": "https://example.com/fence"})).await;
    let fence_code = fence["code"].as_str().unwrap();

    let res = follow(a, &code, Some(BROWSER)).await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "https://example.com/spring?x=1");
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    follow(a, &code, Some(BROWSER)).await;
    follow(b, &code, Some(BROWSER)).await;
    // Link previews and crawlers follow links nobody clicked.
    for ua in [
        Some("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"),
        Some("facebookexternalhit/1.1"),
        None,
    ] {
        assert_eq!(follow(b, &code, ua).await.status(), 302);
    }
    follow(a, fence_code, Some(BROWSER)).await;
    follow(b, fence_code, Some(BROWSER)).await;
    let fence_id = fence["id"].as_str().unwrap();
    eventually(Duration::from_secs(10), "the fence's clicks are written", || async {
        total(a, &owner, fence_id).await == 2
    })
    .await;
    let id = link["id"].as_str().unwrap();
    let stats = a.get_json(&owner.token, &format!("/v1/links/{id}/stats?days=7")).await;
    assert_eq!(stats["total"], 3, "{stats}");
    let days = stats["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(days[6], json!({"date": today, "clicks": 3}));
    assert_eq!(
        a.get_json(&owner.token, &format!("/v1/links/{id}")).await["click_count"],
        3
    );

    // Lists by tag, newest first; only one's own.
    let promo = a.get_json(&owner.token, "/v1/links?tag=promo").await;
    assert_eq!(promo["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        a.get_json(&owner.token, "/v1/links").await["items"][0]["id"],
        fence["id"]
    );
    assert_eq!(a.get_json(&other.token, "/v1/links").await["items"], json!([]));

    // Someone else's link is not there for them.
    for res in [
        a.get(&other.token, &format!("/v1/links/{id}")).await,
        a.get(&other.token, &format!("/v1/links/{id}/stats")).await,
        a.patch(&other.token, &format!("/v1/links/{id}"), json!({"tags": []}))
            .await,
        a.delete(&other.token, &format!("/v1/links/{id}")).await,
    ] {
        assert_eq!(res.status(), 404);
    }

    // Tags and title change; where it leads does not.
    let res = a
        .patch(
            &owner.token,
            &format!("/v1/links/{id}"),
            json!({"title": null, "tags": ["Archive"]}),
        )
        .await;
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        (&changed["title"], &changed["tags"]),
        (&Value::Null, &json!(["archive"]))
    );
    let res = a
        .patch(
            &owner.token,
            &format!("/v1/links/{id}"),
            json!({"long_url": "https://evil.example"}),
        )
        .await;
    assert_eq!(res.status(), 422);

    // Deleted: the code is unknown from then on.
    assert_eq!(a.delete(&owner.token, &format!("/v1/links/{id}")).await.status(), 204);
    let res = follow(a, &code, Some(BROWSER)).await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn custom_codes_are_first_come_and_bad_destinations_are_refused() {
    let app = spawn_app().await;
    let owner = app.user("owner").await;
    let other = app.user("other").await;
    let body = json!({"long_url": "https://example.com/lecture/42", "custom_code": "cs101-week1"});
    let (status, link) = make(&app, &owner, body.clone()).await;
    assert_eq!((status, &link["code"]), (201, &json!("cs101-week1")));
    // A retry is the same link; someone else cannot have the code.
    let (status, again) = make(&app, &owner, body).await;
    assert_eq!((status, &again["id"]), (200, &link["id"]));
    let (status, taken) = make(
        &app,
        &other,
        json!({"long_url": "https://example.org", "custom_code": "cs101-week1"}),
    )
    .await;
    assert_eq!((status, &taken["code"]), (409, &json!("code_taken")));
    assert_eq!(
        follow(&app, "cs101-week1", Some(BROWSER)).await.headers()["location"],
        "https://example.com/lecture/42"
    );

    let own_link = format!("{}/s/cs101-week1", app.url);
    for (bad, why) in [
        (json!({"long_url": "ftp://example.com/file"}), "not http"),
        (json!({"long_url": "javascript:alert(1)"}), "script"),
        (json!({"long_url": "http://10.1.2.3/admin"}), "private address"),
        (
            json!({"long_url": "http://169.254.169.254/latest/meta-data/"}),
            "metadata address",
        ),
        (json!({"long_url": "http://localhost:5432/"}), "loopback"),
        (json!({"long_url": "http://fileserver/"}), "intranet name"),
        (json!({"long_url": own_link}), "a loop through our own links"),
        (
            json!({"long_url": format!("https://example.com/{}", "a".repeat(2048))}),
            "too long",
        ),
        (
            json!({"long_url": "https://example.com", "custom_code": "admin"}),
            "reserved code",
        ),
        (
            json!({"long_url": "https://example.com", "custom_code": "a b"}),
            "bad code",
        ),
        (
            json!({"long_url": "https://example.com", "expires_at": "2020-01-01T00:00:00Z"}),
            "expired already",
        ),
        (
            json!({"long_url": "https://example.com", "tags": ["a\u{0}b"]}),
            "a NUL in a tag",
        ),
    ] {
        let (status, problem) = make(&app, &owner, bad).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (422, Some("invalid")),
            "{why}: {problem}"
        );
    }
    assert_eq!(
        app.get(&owner.token, "/v1/links").await.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Expired: 410, told apart from unknown (404).
    let (_, soon) = make(
        &app,
        &owner,
        json!({"long_url": "https://example.com/offer", "expires_at": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()}),
    )
    .await;
    app.exec(&format!(
        "UPDATE links SET expires_at = now() - interval '1 minute' WHERE id = '{}'",
        soon["id"].as_str().unwrap()
    ))
    .await;
    let res = follow(&app, soon["code"].as_str().unwrap(), Some(BROWSER)).await;
    assert_eq!(res.status(), 410);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "link_expired");
    assert_eq!(follow(&app, "nope123", Some(BROWSER)).await.status(), 404);
}

async fn bitly_app(fake: &FakeBitly, token: &str) -> TestApp {
    let (base, token) = (fake.base(), token.to_owned());
    spawn_app_with(move |s| {
        s.links.provider = LinkProvider::Bitly {
            token,
            group_guid: bitly::GROUP.into(),
            domain: None,
            api_base: base,
        }
    })
    .await
}

#[tokio::test]
async fn bitly_links_are_made_once_edited_counted_and_its_limits_are_clear_problems() {
    let fake = FakeBitly::start().await;
    let app = bitly_app(&fake, bitly::TOKEN).await;
    let owner = app.user("owner").await;
    let other = app.user("other").await;

    let (status, link) = make(
        &app,
        &owner,
        json!({"long_url": "https://example.com/lecture/7", "title": "Lecture 7", "tags": ["cs101"]}),
    )
    .await;
    assert_eq!(status, 201, "{link}");
    let bitlink = link["short_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("https://")
        .to_owned();
    assert!(bitlink.starts_with("bit.ly/"), "{link}");
    assert_eq!(link["code"].as_str().unwrap(), bitlink.trim_start_matches("bit.ly/"));
    let at_bitly = fake.link(&bitlink).unwrap();
    assert_eq!(
        (at_bitly.title.as_deref(), at_bitly.tags.clone()),
        (Some("Lecture 7"), vec!["cs101".to_owned()])
    );
    // The same URL again is answered here, without spending Bitly's quota.
    let calls = fake.requests().len();
    let (status, again) = make(&app, &owner, json!({"long_url": "https://example.com/lecture/7"})).await;
    assert_eq!((status, &again["id"]), (200, &link["id"]));
    assert_eq!(fake.requests().len(), calls);
    // Bitly answers its existing bitlink (200) for another owner's same URL: theirs now too.
    let (status, theirs) = make(&app, &other, json!({"long_url": "https://example.com/lecture/7"})).await;
    assert_eq!((status, &theirs["short_url"]), (201, &link["short_url"]));

    // Tag edits go to Bitly (the bitlink's slash encoded).
    let id = link["id"].as_str().unwrap();
    let res = app
        .patch(
            &owner.token,
            &format!("/v1/links/{id}"),
            json!({"tags": ["cs101", "slides"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        fake.link(&bitlink).unwrap().tags,
        vec!["cs101".to_owned(), "slides".to_owned()]
    );
    assert!(fake
        .requests()
        .iter()
        .any(|(m, p, _)| m == "PATCH" && p.contains("bit.ly%2F")));

    // Clicks are Bitly's.
    let today = chrono::Utc::now().date_naive().to_string();
    fake.add_clicks(&bitlink, &today, 5);
    let stats = app
        .get_json(&owner.token, &format!("/v1/links/{id}/stats?days=3"))
        .await;
    assert_eq!(stats["total"], 5, "{stats}");
    assert_eq!(
        stats["days"].as_array().unwrap().last().unwrap(),
        &json!({"date": today, "clicks": 5})
    );

    // Bitly's refusals, as problems a client can act on.
    fake.fail_next(429, "RATE_LIMIT_EXCEEDED");
    let res = app
        .post(&owner.token, "/v1/links", json!({"long_url": "https://example.com/a"}))
        .await;
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "provider_rate_limited");
    fake.set_custom_keywords(false);
    let (status, p) = make(
        &app,
        &owner,
        json!({"long_url": "https://example.com/b", "custom_code": "mine"}),
    )
    .await;
    assert_eq!((status, p["code"].as_str()), (503, Some("provider_plan_limit")), "{p}");
    fake.set_custom_keywords(true);
    let (status, _) = make(
        &app,
        &owner,
        json!({"long_url": "https://example.com/c", "custom_code": "taken1"}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, p) = make(
        &app,
        &other,
        json!({"long_url": "https://example.com/d", "custom_code": "taken1"}),
    )
    .await;
    assert_eq!((status, p["code"].as_str()), (409, Some("code_taken")));
    fake.set_monthly_limit(Some(fake.links().len()));
    let res = app
        .post(&owner.token, "/v1/links", json!({"long_url": "https://example.com/e"}))
        .await;
    assert_eq!(res.status(), 503);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 31 * 86_400);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "provider_plan_limit");
    fake.set_monthly_limit(None);
    fake.fail_next(503, "TEMPORARILY_UNAVAILABLE");
    let (status, p) = make(&app, &owner, json!({"long_url": "https://example.com/f"})).await;
    assert_eq!((status, p["code"].as_str()), (503, Some("unavailable")));
    let (status, p) = make(&app, &owner, json!({"long_url": "https://bit.ly/other"})).await;
    assert_eq!((status, p["code"].as_str()), (422, Some("invalid")), "{p}");
    // Nothing half-made was kept.
    assert_eq!(
        app.get_json(&owner.token, "/v1/links").await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Deleting archives it at Bitly.
    assert_eq!(app.delete(&owner.token, &format!("/v1/links/{id}")).await.status(), 204);
    assert!(fake.link(&bitlink).unwrap().archived);

    // A refused token is the operator's problem: 503, never Bitly's words about our token.
    let wrong = bitly_app(&fake, "not-the-token").await;
    let someone = wrong.user("someone").await;
    let (status, p) = make(&wrong, &someone, json!({"long_url": "https://example.com/g"})).await;
    assert_eq!((status, p["code"].as_str()), (503, Some("unavailable")));
    assert!(!p["detail"].as_str().unwrap().contains("token"), "{p}");
}

#[tokio::test]
async fn a_booking_page_gets_one_short_link() {
    let app = spawn_app().await;
    let host = app.user("host").await;
    let other = app.user("other").await;
    let res = app
        .post(
            &host.token,
            "/v1/booking-types",
            json!({"title": "Office hours", "slug": "office-hours", "length_minutes": 30}),
        )
        .await;
    let t: Value = res.json().await.unwrap();
    let path = format!("/v1/booking-types/{}/link", t["id"].as_str().unwrap());
    let res = app.post(&host.token, &path, json!({})).await;
    assert_eq!(res.status(), 201);
    let link: Value = res.json().await.unwrap();
    assert_eq!(
        link["long_url"],
        json!(format!(
            "{}/book/{}/office-hours",
            app.settings.payments.app_url, host.id
        ))
    );
    assert_eq!(
        (&link["title"], &link["tags"]),
        (&json!("Office hours"), &json!(["booking"]))
    );
    let res = app.post(&host.token, &path, json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["id"], link["id"]);
    assert_eq!(app.post(&other.token, &path, json!({})).await.status(), 404);
    let res = follow(&app, link["code"].as_str().unwrap(), Some(BROWSER)).await;
    assert_eq!(res.headers()["location"], link["long_url"].as_str().unwrap());
}

#[tokio::test]
async fn a_batch_of_clicks_left_in_redis_by_a_crash_is_written_once() {
    let app = spawn_app_with(|s| s.redis.url = Some(parley_tests::redis_url())).await;
    let owner = app.user("owner").await;
    let (_, link) = make(&app, &owner, json!({"long_url": "https://example.com/crash"})).await;
    let id = link["id"].as_str().unwrap();
    let today = chrono::Utc::now().date_naive();
    // Batch "applied": written to PostgreSQL, then the instance died before dropping it from
    // Redis. Batch "pending": taken from the live hash, then the instance died.
    app.exec("INSERT INTO link_click_batches (batch) VALUES ('applied')")
        .await;
    app.exec(&format!(
        "INSERT INTO link_clicks (link_id, day, clicks) VALUES ('{id}', '{today}', 5)"
    ))
    .await;
    app.exec(&format!("UPDATE links SET click_count = 5 WHERE id = '{id}'"))
        .await;
    let key = format!("{}:link_clicks", app.settings.redis.prefix);
    let client = redis::Client::open(parley_tests::redis_url()).unwrap();
    let mut redis = client.get_multiplexed_async_connection().await.unwrap();
    for (batch, n) in [("applied", 5), ("pending", 2)] {
        let batch_key = format!("{key}:batch:{batch}");
        let _: () = redis::cmd("HSET")
            .arg(&batch_key)
            .arg(format!("{id}:{today}"))
            .arg(n)
            .query_async(&mut redis)
            .await
            .unwrap();
        let _: () = redis::cmd("SADD")
            .arg(format!("{key}:batches"))
            .arg(&batch_key)
            .query_async(&mut redis)
            .await
            .unwrap();
    }
    eventually(Duration::from_secs(10), "the left batches are gone from Redis", || {
        let mut redis = redis.clone();
        let key = key.clone();
        async move {
            let left: i64 = redis::cmd("SCARD")
                .arg(format!("{key}:batches"))
                .query_async(&mut redis)
                .await
                .unwrap();
            left == 0
        }
    })
    .await;
    assert_eq!(
        total(&app, &owner, id).await,
        7,
        "the applied batch is not counted twice"
    );
}
