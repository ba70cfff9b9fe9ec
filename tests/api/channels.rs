//! E-mail and SMS as notification channels, against a real SMTP server that requires AUTH
//! (MailDev) and the fake Twilio: booking mails with invites that parse, the one-click
//! unsubscribe, reminders by mail and text (never for a cancelled booking), STOP, permanent
//! and passing failures, no second mail after a send whose answer was lost, the digest.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::bookings::at;
use parley::platform::config::TwilioSettings;
use parley_tests::mail::{inbox, Inbox};
use parley_tests::twilio::{self, FakeTwilio};
use parley_tests::{eventually, spawn_app_with, TestApp, TestUser};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(15);

async fn mail_app(twilio: Option<&FakeTwilio>) -> (TestApp, &'static Inbox) {
    let inbox = inbox().await;
    let twilio = twilio.map(|t| TwilioSettings {
        account_sid: twilio::ACCOUNT_SID.into(),
        auth_token: twilio::AUTH_TOKEN.into(),
        from: Some(twilio::FROM.into()),
        messaging_service: None,
        api_base: t.base(),
    });
    let app = spawn_app_with(|s| {
        s.channels.smtp_url = Some(inbox.smtp_url.clone());
        s.channels.twilio = twilio.clone();
    })
    .await;
    (app, inbox)
}

/// Open every day (UTC) with one 30-minute type, `intro`.
async fn open_all_week(app: &TestApp, host: &TestUser) {
    super::bookings::open_all_week(app, host, "UTC").await;
    super::bookings::booking_type(
        app,
        host,
        json!({"title": "Intro call", "slug": "intro", "length_minutes": 30}),
    )
    .await;
}

async fn type_id(app: &TestApp, host: &TestUser) -> Value {
    app.get_json(&host.token, "/v1/booking-types").await["items"][0]["id"].clone()
}

async fn book(app: &TestApp, client: &TestUser, type_id: &Value, start: DateTime<Utc>) -> Value {
    let res = app
        .post(
            &client.token,
            "/v1/bookings",
            json!({"booking_type_id": type_id, "start": start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                   "tz": "Europe/Paris"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn mails(inbox: &Inbox, to: &str, n: usize) -> Vec<Value> {
    eventually(WAIT, &format!("{n} e-mails to {to}"), || async {
        inbox.to(to).await.len() >= n
    })
    .await;
    inbox.to(to).await
}

type Properties = std::collections::HashMap<String, String>;

/// The calendar's METHOD and its one event's properties, as a real iCalendar parser reads them.
fn parse_ics(text: &str) -> (String, Properties) {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("it parses");
    let method = calendar
        .properties
        .iter()
        .find(|p| p.name == "METHOD")
        .and_then(|p| p.value.clone())
        .unwrap_or_default();
    assert_eq!(calendar.events.len(), 1);
    let event = calendar.events[0]
        .properties
        .iter()
        .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
        .collect();
    (method, event)
}

/// A header of the message as the SMTP server took it (unfolded).
async fn header(inbox: &Inbox, mail: &Value, name: &str) -> String {
    let source = inbox.source(mail["id"].as_str().unwrap()).await;
    let head = source
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .replace("\r\n ", " ");
    head.lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
        .unwrap_or_default()
}

async fn delivery_statuses(app: &TestApp, user: &TestUser) -> String {
    app.db_query_text(&format!(
        "SELECT coalesce(string_agg(kind || '/' || channel || '/' || status, ',' ORDER BY created_at, channel), '') AS t \
         FROM deliveries WHERE recipient_id = '{}'",
        user.id
    ))
    .await
}

#[tokio::test]
async fn a_booking_mails_both_an_invite_that_parses_and_a_cancel_mails_its_removal() {
    let (app, inbox) = mail_app(None).await;
    let (host, host_mail) = app.user_with_email("host").await;
    let (client, client_mail) = app.user_with_email("client").await;
    open_all_week(&app, &host).await;
    let start = at(3, 10);
    let b = book(&app, &client, &type_id(&app, &host).await, start).await;
    let id = b["id"].as_str().unwrap();

    for (to, with) in [(&client_mail, "host"), (&host_mail, "client")] {
        let got = mails(inbox, to, 1).await;
        let m = &got[0];
        assert!(
            m["subject"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Booked: Intro call with {with}")),
            "{}",
            m["subject"]
        );
        assert!(
            header(inbox, m, "list-unsubscribe").await.contains("/v1/unsubscribe/"),
            "{m}"
        );
        assert_eq!(
            header(inbox, m, "list-unsubscribe-post").await,
            "List-Unsubscribe=One-Click"
        );
        assert!(header(inbox, m, "message-id").await.contains("@parley.test>"));
        assert!(m["text"].as_str().unwrap().contains("Intro call with"));
        assert!(m["html"].as_str().unwrap().contains("<strong>Intro call</strong>"));
        let ics = inbox.attachment(m, "invite.ics").await;
        let (method, event) = parse_ics(&ics);
        assert_eq!(method, "REQUEST");
        assert_eq!(event["UID"], format!("{id}@parley"));
        assert_eq!(event["DTSTART"], start.format("%Y%m%dT%H%M%SZ").to_string());
        assert_eq!(event["STATUS"], "CONFIRMED");
        assert_eq!(event["ORGANIZER"], "mailto:bookings@parley.test");
        assert_eq!(event["ATTENDEE"], format!("mailto:{to}"));
    }
    // The client's mail gives the time in their zone (Paris), the host's in theirs (UTC).
    let client_text = inbox.to(&client_mail).await[0]["text"].as_str().unwrap().to_owned();
    assert!(client_text.contains("(Europe/Paris)"), "{client_text}");

    // The host moves it: both hear where it went and where it was; calendars update.
    let moved_to = at(3, 12);
    let res = app
        .post(
            &host.token,
            &format!("/v1/bookings/{id}/reschedule"),
            json!({"start": moved_to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)}),
        )
        .await;
    assert_eq!(res.status(), 200);
    for to in [&client_mail, &host_mail] {
        let got = mails(inbox, to, 2).await;
        let m = &got[1];
        assert!(m["subject"].as_str().unwrap().starts_with("Moved: Intro call"), "{m}");
        let (method, event) = parse_ics(&inbox.attachment(m, "invite.ics").await);
        assert_eq!((method.as_str(), event["SEQUENCE"].as_str()), ("REQUEST", "1"));
        assert_eq!(event["DTSTART"], moved_to.format("%Y%m%dT%H%M%SZ").to_string());
        assert_eq!(event["UID"], format!("{id}@parley"), "the same event, moved");
    }
    let client_moved = inbox.to(&client_mail).await[1]["text"].as_str().unwrap().to_owned();
    assert!(client_moved.contains("moved by host"), "{client_moved}");
    assert!(client_moved.contains("Was: "), "{client_moved}");

    let res = app
        .post(
            &client.token,
            &format!("/v1/bookings/{id}/cancel"),
            json!({"reason": "ill"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    for to in [&client_mail, &host_mail] {
        let got = mails(inbox, to, 3).await;
        let m = &got[2];
        assert!(
            m["subject"].as_str().unwrap().starts_with("Cancelled: Intro call"),
            "{m}"
        );
        let (method, event) = parse_ics(&inbox.attachment(m, "invite.ics").await);
        assert_eq!((method.as_str(), event["STATUS"].as_str()), ("CANCEL", "CANCELLED"));
        assert_eq!(event["SEQUENCE"], "2", "a higher sequence than the invite's");
    }
    let host_cancel = &inbox.to(&host_mail).await[2];
    assert!(host_cancel["text"].as_str().unwrap().contains("cancelled by client"));
    assert!(host_cancel["text"].as_str().unwrap().contains("Reason: ill"));
    eventually(WAIT, "all three of the client's recorded as sent", || async {
        delivery_statuses(&app, &client).await
            == "booking_confirmed/email/sent,booking_changed/email/sent,booking_changed/email/sent"
    })
    .await;
}

#[tokio::test]
async fn the_one_click_unsubscribe_turns_that_kind_off_without_signing_in_and_a_get_changes_nothing() {
    let (app, inbox) = mail_app(None).await;
    let (host, _) = app.user_with_email("host").await;
    let (client, client_mail) = app.user_with_email("client").await;
    open_all_week(&app, &host).await;
    let t = type_id(&app, &host).await;
    book(&app, &client, &t, at(3, 10)).await;
    let got = mails(inbox, &client_mail, 1).await;
    let link = header(inbox, &got[0], "list-unsubscribe")
        .await
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned();
    assert!(link.starts_with(&app.url), "{link}");
    let http = reqwest::Client::new();

    // Opening the link (a mail scanner does) only asks.
    let page = http.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("booking confirmations"));
    let prefs = app.get_json(&client.token, "/v1/me/notification-channels").await;
    assert_eq!(prefs["channels"]["booking_confirmed"]["email"], true);

    // A forged or altered token is unknown.
    let mut forged = link.clone();
    forged.replace_range(forged.len() - 3.., "AAA");
    let res = http.post(&forged).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // The mail app's one-click POST: no cookie, no token, not a redirect.
    let res = http
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let again = http.post(&link).send().await.unwrap();
    assert_eq!(again.status(), 200, "idempotent");
    let prefs = app.get_json(&client.token, "/v1/me/notification-channels").await;
    assert_eq!(prefs["channels"]["booking_confirmed"]["email"], false);
    assert_eq!(prefs["channels"]["booking_changed"]["email"], true, "only that kind");

    // The next booking mails the host only; the client still hears of changes.
    let second = book(&app, &client, &t, at(4, 10)).await;
    app.post(
        &client.token,
        &format!("/v1/bookings/{}/cancel", second["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    let got = mails(inbox, &client_mail, 2).await;
    assert!(
        got[1]["subject"].as_str().unwrap().starts_with("Cancelled"),
        "{}",
        got[1]
    );
    assert_eq!(inbox.to(&client_mail).await.len(), 2);
}

#[tokio::test]
async fn choices_round_trip_and_bad_ones_are_refused() {
    let app = spawn_app_with(|_| {}).await;
    let (user, email) = app.user_with_email("ada").await;
    let got = app.get_json(&user.token, "/v1/me/notification-channels").await;
    assert_eq!(
        got["channels"]["booking_reminder"],
        json!({"email": true, "sms": true, "push": true})
    );
    assert_eq!(
        got["channels"]["digest"],
        json!({"email": true, "sms": false, "push": false})
    );
    assert_eq!(got["email"], json!({"address": email, "bouncing": false}));
    assert_eq!(got["phone"], Value::Null, "no verified number at Clerk");
    assert_eq!(got["quiet_hours"], Value::Null);

    let mut wanted = got.clone();
    wanted["channels"]["booking_confirmed"]["push"] = json!(false);
    wanted["channels"]["digest"]["email"] = json!(false);
    wanted["quiet_hours"] = json!({"start": "22:00", "end": "07:00", "time_zone": "Europe/Paris"});
    let res = app
        .request(reqwest::Method::PUT, &user.token, "/v1/me/notification-channels")
        .json(&wanted)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), wanted);
    assert_eq!(app.get_json(&user.token, "/v1/me/notification-channels").await, wanted);
    // Quiet hours are the do-not-disturb hours: one setting.
    let dnd = app.get_json(&user.token, "/v1/me/notification-settings").await;
    assert_eq!(
        dnd,
        json!({"time_zone": "Europe/Paris", "dnd": {"start": "22:00", "end": "07:00"}})
    );

    for (bad, why) in [
        (json!({"channels": {"digest": {"sms": true}}}), "digest by SMS"),
        (
            json!({"quiet_hours": {"start": "25:00", "end": "07:00", "time_zone": "UTC"}}),
            "hour",
        ),
        (
            json!({"quiet_hours": {"start": "22:00", "end": "07:00", "time_zone": "Mars/Olympus"}}),
            "zone",
        ),
        (json!({"extra": true}), "unknown field"),
    ] {
        let mut body = wanted.clone();
        merge(&mut body, &bad);
        let res = app
            .request(reqwest::Method::PUT, &user.token, "/v1/me/notification-channels")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{why}");
    }
    assert_eq!(app.get_json(&user.token, "/v1/me/notification-channels").await, wanted);
}

fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b.clone(),
    }
}

async fn run_reminders(app: &TestApp) {
    app.exec("UPDATE jobs SET run_at = now() WHERE kind = 'bookings.reminder' AND status = 'queued'")
        .await;
    eventually(WAIT, "the reminders ran", || async {
        app.db_query_i64(
            "SELECT count(*) AS n FROM jobs WHERE kind IN ('bookings.reminder', 'channels.send') \
             AND status IN ('queued', 'running')",
        )
        .await
            == 0
    })
    .await;
}

#[tokio::test]
async fn reminders_go_by_mail_and_text_never_for_a_cancelled_booking_and_stop_ends_the_texts() {
    let fake = FakeTwilio::start().await;
    let (app, inbox) = mail_app(Some(&fake)).await;
    fake.set_inbound(
        &format!("{}/v1/webhooks/twilio", app.url),
        &format!("{}/v1/webhooks/twilio", app.url),
    );
    let (host, _) = app.user_with_email("host").await;
    let (keeps, keeps_mail) = app.user_with_email("keeps").await;
    let (cancels, cancels_mail) = app.user_with_email("cancels").await;
    let (keeps_phone, cancels_phone) = ("+15551230001", "+15551230002");
    for (u, p) in [(&keeps, keeps_phone), (&cancels, cancels_phone)] {
        // As Clerk's user.updated with a verified primary number would set it.
        app.exec(&format!("UPDATE users SET phone = '{p}' WHERE id = '{}'", u.id))
            .await;
    }
    let prefs = app.get_json(&keeps.token, "/v1/me/notification-channels").await;
    assert_eq!(
        prefs["phone"],
        json!({"number": keeps_phone, "verified": true, "stopped": false, "failing": false})
    );
    open_all_week(&app, &host).await;
    let t = type_id(&app, &host).await;
    let kept = book(&app, &keeps, &t, at(3, 10)).await;
    let gone = book(&app, &cancels, &t, at(3, 11)).await;
    app.post(
        &cancels.token,
        &format!("/v1/bookings/{}/cancel", gone["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    run_reminders(&app).await;

    let texts: Vec<_> = fake.messages().into_iter().filter(|m| m.to == keeps_phone).collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].body.starts_with("Parley reminder: Intro call with host"),
        "{}",
        texts[0].body
    );
    assert_eq!(texts[0].from.as_deref(), Some(twilio::FROM));
    let got = mails(inbox, &keeps_mail, 2).await;
    assert!(
        got[1]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Starting soon: Intro call"),
        "{}",
        got[1]
    );
    assert!(
        fake.messages().iter().all(|m| m.to != cancels_phone),
        "no reminder of a cancelled booking"
    );
    let cancelled = inbox.to(&cancels_mail).await;
    assert!(cancelled
        .iter()
        .all(|m| !m["subject"].as_str().unwrap().starts_with("Starting soon")));
    assert_eq!(
        app.db_query_text(&format!(
            "SELECT provider_id AS t FROM deliveries WHERE channel = 'sms' AND recipient_id = '{}'",
            keeps.id
        ))
        .await,
        texts[0].sid,
        "Twilio's message sid is kept"
    );

    // A forged STOP changes nothing; a real one turns texts off.
    let forged = reqwest::Client::new()
        .post(format!("{}/v1/webhooks/twilio", app.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        .body(format!("From=%2B{}&Body=STOP", &keeps_phone[1..]))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    assert_eq!(
        app.get_json(&keeps.token, "/v1/me/notification-channels").await["phone"]["stopped"],
        false
    );
    assert_eq!(fake.reply(keeps_phone, "STOP").await, 200);
    assert_eq!(
        app.get_json(&keeps.token, "/v1/me/notification-channels").await["phone"]["stopped"],
        true
    );

    // The next reminder is mailed, not texted.
    let before = fake.requests();
    book(&app, &keeps, &t, at(4, 10)).await;
    run_reminders(&app).await;
    assert_eq!(mails(inbox, &keeps_mail, 4).await.len(), 4);
    assert_eq!(fake.requests(), before, "no text after STOP");
    // START turns them back on.
    assert_eq!(fake.reply(keeps_phone, "start").await, 200);
    assert_eq!(
        app.get_json(&keeps.token, "/v1/me/notification-channels").await["phone"]["stopped"],
        false
    );
    let _ = kept;
}

#[tokio::test]
async fn a_number_twilio_refuses_is_not_retried_and_a_429_is() {
    let fake = FakeTwilio::start().await;
    let (app, _inbox) = mail_app(Some(&fake)).await;
    let (host, _) = app.user_with_email("host").await;
    let (bad, _) = app.user_with_email("bad").await;
    let (good, _) = app.user_with_email("good").await;
    app.exec(&format!("UPDATE users SET phone = '+1' WHERE id = '{}'", bad.id))
        .await;
    app.exec(&format!(
        "UPDATE users SET phone = '+15551230003' WHERE id = '{}'",
        good.id
    ))
    .await;
    open_all_week(&app, &host).await;
    let t = type_id(&app, &host).await;
    book(&app, &bad, &t, at(3, 10)).await;
    run_reminders(&app).await;
    assert_eq!(
        app.db_query_text(&format!(
            "SELECT status || ' ' || coalesce(error, '') AS t FROM deliveries WHERE channel = 'sms' AND recipient_id = '{}'",
            bad.id
        ))
        .await
        .split(' ')
        .take(3)
        .collect::<Vec<_>>(),
        ["failed", "Twilio", "400"]
    );
    assert_eq!(fake.requests(), 1, "21211 is not retried");
    assert_eq!(
        app.get_json(&bad.token, "/v1/me/notification-channels").await["phone"]["failing"],
        true
    );

    fake.fail_next(429, 20429, Some(1));
    book(&app, &good, &t, at(3, 11)).await;
    run_reminders(&app).await;
    assert_eq!(fake.requests(), 3, "the 429, then the send");
    assert_eq!(fake.messages().len(), 1);
    assert_eq!(
        delivery_statuses(&app, &good).await,
        "booking_confirmed/email/sent,booking_reminder/email/sent,booking_reminder/sms/sent"
    );
}

#[tokio::test]
async fn a_send_cut_off_before_its_answer_was_recorded_is_not_sent_again() {
    let (app, inbox) = mail_app(None).await;
    let (host, _) = app.user_with_email("host").await;
    let (client, client_mail) = app.user_with_email("client").await;
    open_all_week(&app, &host).await;
    book(&app, &client, &type_id(&app, &host).await, at(3, 10)).await;
    mails(inbox, &client_mail, 1).await;
    eventually(WAIT, "recorded as sent", || async {
        delivery_statuses(&app, &client).await == "booking_confirmed/email/sent"
    })
    .await;
    // What a crash right after the server took the mail leaves: the delivery still
    // `sending`, its job due again (its lease ran out).
    let id = app
        .db_query_text(&format!(
            "SELECT id::text AS t FROM deliveries WHERE recipient_id = '{}'",
            client.id
        ))
        .await;
    app.exec(&format!("UPDATE deliveries SET status = 'sending' WHERE id = '{id}'"))
        .await;
    app.exec(&format!(
        "UPDATE jobs SET status = 'running', lease_until = now() - interval '1 second', lease_token = gen_random_uuid() \
         WHERE kind = 'channels.send' AND payload->>'delivery_id' = '{id}'"
    ))
    .await;
    eventually(WAIT, "the job ran again", || async {
        delivery_statuses(&app, &client).await == "booking_confirmed/email/unknown"
    })
    .await;
    assert_eq!(inbox.to(&client_mail).await.len(), 1, "no second mail");
}

async fn dm(app: &TestApp, from: &TestUser, to: &TestUser, body: &str) {
    let res = app.post(&from.token, "/v1/dms", json!({"user_id": to.id})).await;
    assert!(res.status().is_success());
    let room: Value = res.json().await.unwrap();
    let room = room["id"].as_str().unwrap().parse().unwrap();
    app.post_message(from, room, body).await;
}

#[tokio::test]
async fn a_digest_lists_what_is_still_unread_and_nothing_goes_to_someone_who_read_it() {
    let (app, inbox) = mail_app(None).await;
    let (ada, _) = app.user_with_email("ada").await;
    let (away, away_mail) = app.user_with_email("away").await;
    let (reader, reader_mail) = app.user_with_email("reader").await;
    dm(&app, &ada, &away, "are you free <tomorrow>?").await;
    dm(&app, &ada, &reader, "lunch?").await;
    eventually(WAIT, "both windows open", || async {
        app.db_query_i64("SELECT count(*) AS n FROM digest_pending").await == 2
    })
    .await;
    let res = app
        .post(&reader.token, "/v1/notifications/read", json!({"up_to_seq": 1000}))
        .await;
    assert_eq!(res.status(), 200);
    // Half an hour later (DIGEST_AFTER_MINUTES): the sweep takes both windows.
    app.exec("UPDATE digest_pending SET since = now() - interval '31 minutes'")
        .await;
    eventually(WAIT, "the sweep took both", || async {
        app.db_query_i64("SELECT count(*) AS n FROM digest_pending").await == 0
    })
    .await;
    let got = mails(inbox, &away_mail, 1).await;
    assert_eq!(got[0]["subject"], "1 unread message for you on Parley");
    let text = got[0]["text"].as_str().unwrap();
    assert!(text.contains("ada (direct message)"), "{text}");
    assert!(text.contains("are you free <tomorrow>?"), "{text}");
    assert!(got[0]["html"]
        .as_str()
        .unwrap()
        .contains("are you free &lt;tomorrow&gt;?"));
    eventually(WAIT, "the digest is recorded as sent", || async {
        delivery_statuses(&app, &away).await == "digest/email/sent"
    })
    .await;
    assert_eq!(delivery_statuses(&app, &reader).await, "", "read in time: nothing");
    assert!(inbox.to(&reader_mail).await.is_empty());
}

#[tokio::test]
async fn a_mailbox_the_server_refuses_for_good_is_not_retried_and_gets_no_more_mail() {
    let smtp = parley_tests::mail::RefusingSmtp::start().await;
    let url = smtp.url.clone();
    let app = spawn_app_with(|s| s.channels.smtp_url = Some(url.clone())).await;
    let (host, _) = app.user_with_email("host").await;
    let (client, _) = app.user_with_email("client").await;
    open_all_week(&app, &host).await;
    let t = type_id(&app, &host).await;
    book(&app, &client, &t, at(3, 10)).await;
    eventually(WAIT, "both confirmations end", || async {
        app.db_query_i64("SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'sending')")
            .await
            == 0
    })
    .await;
    let outcome = app
        .db_query_text(&format!(
            "SELECT status || ' ' || attempts || ' ' || error AS t FROM deliveries WHERE recipient_id = '{}'",
            client.id
        ))
        .await;
    assert!(outcome.starts_with("failed 1 permanent error (550)"), "{outcome}");
    assert_eq!(smtp.offered(), 2, "one try per confirmation, no retry");
    let prefs = app.get_json(&client.token, "/v1/me/notification-channels").await;
    assert_eq!(prefs["email"]["bouncing"], true);

    // Nothing more is queued for a bouncing address (the host's bounced too).
    book(&app, &client, &t, at(4, 10)).await;
    assert_eq!(
        app.db_query_i64("SELECT count(*) AS n FROM deliveries").await,
        2,
        "no delivery to a bouncing address"
    );
    assert_eq!(smtp.offered(), 2);
}
