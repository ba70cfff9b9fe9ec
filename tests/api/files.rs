//! Files on the local store: uploads streamed with the cap enforced while reading, the type
//! from the bytes, the quota, signed download URLs, and nothing left behind on any failure.

use parley::features::files::signing::{Signed, UrlSigner};
use parley_tests::{spawn_app, TestApp, TestUser, FILES_SIGNING_KEY};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use uuid::Uuid;

pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// A PNG signature and IHDR claiming these dimensions (no pixels follow).
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b
}

pub fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    b.resize(size, b'x');
    b
}

pub fn form(purpose: Option<&str>, name: &str, client_type: &str, bytes: Vec<u8>) -> Form {
    let mut form = Form::new();
    if let Some(p) = purpose {
        form = form.text("purpose", p.to_owned());
    }
    form.part(
        "file",
        Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str(client_type)
            .unwrap(),
    )
}

pub async fn upload(app: &TestApp, user: &TestUser, form: Form) -> reqwest::Response {
    app.request(reqwest::Method::POST, &user.token, "/v1/files")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub async fn uploaded(app: &TestApp, user: &TestUser, form: Form) -> Value {
    let res = upload(app, user, form).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "upload: {body}");
    body
}

/// Objects in the store (files the store finished writing).
pub fn objects(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        let path = e.path();
                        if path.is_dir() {
                            walk(&path)
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.settings.files.dir)
}

/// Waits until the store holds `n` objects: released objects go through the durable
/// `files.delete_objects` job, a moment after the request that released them.
pub async fn objects_become(app: &TestApp, n: usize, what: &str) {
    parley_tests::eventually(std::time::Duration::from_secs(10), what, || async { objects(app) == n }).await;
}

/// `GET /v1/files/{id}/download{query}` as `user`: asserts the 302 and answers its Location.
pub async fn download_location(app: &TestApp, user: &TestUser, id: &str, query: &str) -> String {
    let res = no_redirects()
        .get(format!("{}/v1/files/{id}/download{query}", app.url))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302, "download of {id}");
    res.headers()["location"].to_str().unwrap().to_owned()
}

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_upload_is_typed_by_its_bytes_and_downloaded_through_a_short_lived_signed_url() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    // The client calls it HTML with a path in its name: the bytes say PNG, the name is kept for display.
    let file = uploaded(&app, &alice, form(None, "../../ev\til.html", "text/html", PNG.to_vec())).await;
    assert_eq!(file["content_type"], "image/png");
    assert_eq!(file["name"], "../../evil.html");
    assert_eq!(file["size"], PNG.len());
    assert_eq!(file["purpose"], "attachment");
    assert_eq!(file["status"], "uploaded");
    assert_eq!((file["width"].as_i64(), file["height"].as_i64()), (Some(1), Some(1)));
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(PNG).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(file["sha256"], digest);
    let id = file["id"].as_str().unwrap();
    assert_eq!(app.get_json(&alice.token, &format!("/v1/files/{id}")).await["id"], id);

    let http = no_redirects();
    let location = download_location(&app, &alice, id, "?inline=1").await;
    let got = http.get(format!("{}{location}", app.url)).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        got.headers()["content-disposition"],
        "inline; filename*=UTF-8''..%2F..%2Fevil.html"
    );
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);
    // Counted.
    let n = app
        .db_query_i64(&format!("SELECT download_count AS n FROM files WHERE id = '{id}'"))
        .await;
    assert_eq!(n, 1);

    // A PDF is always a download, inline asked or not.
    let doc = uploaded(
        &app,
        &alice,
        form(Some("note"), "report.pdf", "application/pdf", pdf(2000)),
    )
    .await;
    let doc_id = doc["id"].as_str().unwrap();
    let location = download_location(&app, &alice, doc_id, "?inline=1").await;
    let got = http.get(format!("{}{location}", app.url)).send().await.unwrap();
    assert!(got.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));

    // Tampered or expired: 403.
    let tampered = location.replace("inline=0", "inline=1");
    assert_eq!(
        http.get(format!("{}{tampered}", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let signer = UrlSigner::new(FILES_SIGNING_KEY.as_bytes());
    let expired = signer.url(
        doc_id.parse().unwrap(),
        Signed::default(),
        chrono::Utc::now().timestamp() - 121,
    );
    let res = http.get(format!("{}{expired}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "forbidden");
    let fresh = signer.url(
        doc_id.parse().unwrap(),
        Signed::default(),
        chrono::Utc::now().timestamp(),
    );
    assert_eq!(
        http.get(format!("{}{fresh}", app.url)).send().await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn someone_elses_file_is_404_like_a_missing_one() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let file = uploaded(&app, &alice, form(None, "a.png", "image/png", PNG.to_vec())).await;
    let id = file["id"].as_str().unwrap();
    let missing = Uuid::now_v7();
    for path in [
        format!("/v1/files/{id}"),
        format!("/v1/files/{id}/download"),
        format!("/v1/files/{missing}"),
    ] {
        let res = app.get(&bob.token, &path).await;
        assert_eq!(res.status(), 404, "{path}");
    }
    assert_eq!(app.delete(&bob.token, &format!("/v1/files/{id}")).await.status(), 404);
    // The owner deletes it: row and object gone.
    assert_eq!(objects(&app), 1);
    assert_eq!(app.delete(&alice.token, &format!("/v1/files/{id}")).await.status(), 204);
    assert_eq!(app.get(&alice.token, &format!("/v1/files/{id}")).await.status(), 404);
    // The bytes go through the durable job queued with the row's deletion.
    let queued = app
        .db_query_i64(&format!(
            "SELECT count(*) AS n FROM jobs WHERE kind = 'files.delete_objects' AND payload->'keys' ? 'files/{id}'"
        ))
        .await;
    assert_eq!(queued, 1, "the object's deletion is a job");
    objects_become(&app, 0, "the object deleted").await;
}

#[tokio::test]
async fn bad_uploads_are_refused_and_leave_nothing_behind() {
    let app = spawn_app().await; // caps: 1 MiB, avatars 256 KiB, quota 3 MiB
    let alice = app.user("alice").await;
    let cases: Vec<(Form, u16, &str)> = vec![
        (
            form(None, "big.pdf", "application/pdf", pdf(1024 * 1024 + 1)),
            413,
            "too_large",
        ),
        (
            form(Some("avatar"), "me.pdf", "image/png", pdf(1000)),
            415,
            "unsupported_media_type",
        ),
        (
            form(
                Some("avatar"),
                "big.png",
                "image/png",
                [PNG, &vec![0u8; 300 * 1024]].concat(),
            ),
            413,
            "too_large",
        ),
        (
            form(
                None,
                "page.html",
                "image/png",
                b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
            ),
            415,
            "unsupported_media_type",
        ),
        (form(None, "empty.png", "image/png", Vec::new()), 422, "invalid"),
        (
            form(None, "huge.png", "image/png", png_header(100_000, 100_000)),
            422,
            "invalid",
        ),
        (
            form(None, "wide.png", "image/png", png_header(10_001, 10)),
            422,
            "invalid",
        ),
        (
            form(None, "41mp.png", "image/png", png_header(7_000, 6_000)),
            422,
            "invalid",
        ),
        (form(Some("selfie"), "a.png", "image/png", PNG.to_vec()), 422, "invalid"),
        (
            Form::new().text("other", "x").part("file", Part::bytes(PNG.to_vec())),
            422,
            "invalid",
        ),
        (Form::new().text("purpose", "avatar"), 422, "invalid"),
    ];
    for (i, (form, status, code)) in cases.into_iter().enumerate() {
        let res = upload(&app, &alice, form).await;
        assert_eq!(res.status(), status, "case {i}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], code, "case {i}: {problem}");
    }
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM files").await, 0);
    objects_become(&app, 0, "nothing left in the store").await;

    // The quota (3 MiB): three files of 1 MiB fit, the fourth does not.
    for _ in 0..3 {
        uploaded(
            &app,
            &alice,
            form(None, "p.pdf", "application/pdf", pdf(1024 * 1024 - 100)),
        )
        .await;
    }
    let res = upload(&app, &alice, form(None, "p.pdf", "application/pdf", pdf(1000))).await;
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "quota_exceeded");
    objects_become(&app, 3, "the refused upload's object deleted").await;
}

#[tokio::test]
async fn when_the_database_refuses_the_row_the_stored_bytes_are_removed() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    app.exec("ALTER TABLE files ADD CONSTRAINT no_fail CHECK (name <> 'fail-me.png')")
        .await;
    let res = upload(&app, &alice, form(None, "fail-me.png", "image/png", PNG.to_vec())).await;
    assert_eq!(res.status(), 422);
    objects_become(&app, 0, "the object written before the row failed is gone").await;
    uploaded(&app, &alice, form(None, "fine.png", "image/png", PNG.to_vec())).await;
    assert_eq!(objects(&app), 1);
}

#[tokio::test]
async fn unused_uploads_are_swept_after_a_day() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    let old = uploaded(&app, &alice, form(None, "old.png", "image/png", PNG.to_vec())).await;
    let new = uploaded(&app, &alice, form(None, "new.png", "image/png", PNG.to_vec())).await;
    let old_id = old["id"].as_str().unwrap();
    app.exec(&format!(
        "UPDATE files SET created_at = now() - interval '25 hours' WHERE id = '{old_id}'"
    ))
    .await;
    parley_tests::eventually(std::time::Duration::from_secs(10), "the old upload swept", || async {
        app.db_query_i64("SELECT count(*) AS n FROM files").await == 1
    })
    .await;
    assert_eq!(
        app.get(&alice.token, &format!("/v1/files/{old_id}")).await.status(),
        404
    );
    let new_id = new["id"].as_str().unwrap();
    assert_eq!(
        app.get(&alice.token, &format!("/v1/files/{new_id}")).await.status(),
        200
    );
    objects_become(&app, 1, "the swept upload's object deleted").await;
}

#[tokio::test]
async fn with_clamd_an_infected_upload_is_refused_and_a_down_scanner_is_503_and_nothing_is_kept() {
    let addr = parley_tests::clamd_addr().await;
    let app = parley_tests::spawn_app_with(move |s| s.files.clamd_addr = Some(addr)).await;
    let alice = app.user("alice").await;
    uploaded(&app, &alice, form(None, "clean.png", "image/png", PNG.to_vec())).await;
    let res = upload(
        &app,
        &alice,
        form(None, "eicar.txt", "text/plain", parley_tests::eicar()),
    )
    .await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "infected", "{problem}");
    // Also when it hides past the first chunk of a larger file.
    let mut padded = b"just some notes\n".repeat(8000);
    padded.extend(parley_tests::eicar());
    let res = upload(&app, &alice, form(Some("note"), "notes.txt", "text/plain", padded)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM files").await, 1);
    objects_become(&app, 1, "only the clean file").await;

    // A scanner that does not answer: 503, nothing kept.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let app = parley_tests::spawn_app_with(move |s| s.files.clamd_addr = Some(closed)).await;
    let bob = app.user("bob").await;
    let res = upload(&app, &bob, form(None, "clean.png", "image/png", PNG.to_vec())).await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "unavailable");
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM files").await, 0);
    objects_become(&app, 0, "nothing kept").await;
}

#[tokio::test]
async fn avatars_are_reencoded_small_and_a_polyglot_gif_is_only_ever_an_image() {
    let app = spawn_app().await;
    let alice = app.user("alice").await;
    // An avatar: a 1200×600 JPEG with a comment block comes back a 512×256 PNG without it.
    let img = image::RgbImage::from_fn(1200, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 9]));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    let mut bytes = jpeg.into_inner();
    bytes.splice(2..2, b"\xff\xfe\x00\x11secret-location".iter().copied());
    let avatar = uploaded(&app, &alice, form(Some("avatar"), "me.jpg", "image/jpeg", bytes)).await;
    assert_eq!(avatar["content_type"], "image/png");
    assert_eq!(
        (avatar["width"].as_i64(), avatar["height"].as_i64()),
        (Some(512), Some(256))
    );
    let http = no_redirects();
    let id = avatar["id"].as_str().unwrap();
    let location = download_location(&app, &alice, id, "").await;
    let stored = http
        .get(format!("{}{location}", app.url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(stored.starts_with(b"\x89PNG"));
    assert!(
        !stored.windows(15).any(|w| w == b"secret-location"),
        "metadata stripped"
    );
    assert_eq!(stored.len() as i64, avatar["size"].as_i64().unwrap());

    // A GIF that is also a script: stored as image/gif, served as image/gif with nosniff
    // and as a download unless inline is asked.
    let mut polyglot = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    polyglot.extend(b"/*<script>alert(document.domain)</script>*/");
    let gif = uploaded(&app, &alice, form(None, "cat.gif", "text/html", polyglot)).await;
    assert_eq!(gif["content_type"], "image/gif");
    let id = gif["id"].as_str().unwrap();
    let location = download_location(&app, &alice, id, "").await;
    let got = http.get(format!("{}{location}", app.url)).send().await.unwrap();
    assert_eq!(got.headers()["content-type"], "image/gif");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert!(got.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert!(got.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
}
