//! Files on an S3-compatible store that checks signatures (ministack with an IAM user):
//! presigned downloads, tampering refused by the store, nothing left behind on a refused
//! upload, and an unreachable store answered with 503 and no row.

use parley_tests::proxy::{host_port, via, Proxy};
use parley_tests::{s3_config, spawn_app_with, TestApp};
use serde_json::Value;

use super::files::{download_location, form, no_redirects, pdf, upload, uploaded, PNG};

/// Every key under the configuration's prefix, listed from the bucket itself.
async fn keys(config: &parley::platform::storage::S3Config) -> Vec<String> {
    use futures_util::StreamExt;
    use object_store::ObjectStore;
    let mut builder = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(&config.bucket)
        .with_region(&config.region)
        .with_access_key_id(&config.access_key_id)
        .with_secret_access_key(&config.secret_access_key);
    if let Some(endpoint) = &config.endpoint {
        builder = builder.with_endpoint(endpoint).with_allow_http(true);
    }
    let s3 = builder.build().unwrap();
    let prefix = object_store::path::Path::from(config.prefix.as_str());
    let prefix = (!config.prefix.is_empty()).then_some(&prefix);
    let mut listing = s3.list(prefix);
    let mut keys = Vec::new();
    while let Some(meta) = listing.next().await {
        let key = meta.unwrap().location.to_string();
        // As the app names them: relative to its prefix.
        let key = key
            .strip_prefix(&format!("{}/", config.prefix))
            .map(str::to_owned)
            .unwrap_or(key);
        keys.push(key);
    }
    keys
}

async fn app_on(config: &parley::platform::storage::S3Config) -> TestApp {
    let config = config.clone();
    spawn_app_with(move |s| s.files.s3 = Some(config)).await
}

/// An app that reaches the store through a proxy the test can cut.
async fn app_through_proxy(s3: &parley::platform::storage::S3Config) -> (Proxy, TestApp) {
    let endpoint = s3.endpoint.clone().unwrap();
    let proxy = Proxy::start(host_port(&endpoint)).await;
    let mut through = s3.clone();
    through.endpoint = Some(via(&endpoint, proxy.addr));
    (proxy, app_on(&through).await)
}

#[tokio::test]
async fn downloads_are_presigned_by_the_store_and_a_tampered_url_is_refused_by_it() {
    let s3 = s3_config().await;
    let app = app_on(&s3).await;
    let alice = app.user("alice").await;
    let file = uploaded(&app, &alice, form(None, "report final.pdf", "text/html", pdf(5000))).await;
    assert_eq!(file["content_type"], "application/pdf");
    let id = file["id"].as_str().unwrap();
    assert_eq!(keys(&s3).await, vec![format!("files/{id}")]);

    let http = no_redirects();
    let location = download_location(&app, &alice, id, "").await;
    assert!(location.starts_with(s3.endpoint.as_deref().unwrap()), "{location}");
    assert!(location.contains("X-Amz-Signature="), "{location}");
    let got = http.get(&location).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.headers()["content-disposition"],
        "attachment; filename*=UTF-8''report%20final.pdf"
    );
    assert_eq!(got.headers()["content-type"], "application/pdf");
    assert_eq!(got.bytes().await.unwrap().as_ref(), pdf(5000).as_slice());

    // The store itself refuses a URL whose signed parts were changed.
    let tampered = location.replace("attachment", "inline");
    let res = http.get(&tampered).send().await.unwrap();
    assert_eq!(res.status(), 403, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn refused_uploads_leave_nothing_in_the_bucket() {
    let s3 = s3_config().await;
    let app = app_on(&s3).await;
    let alice = app.user("alice").await;
    for (f, status) in [
        (form(None, "big.pdf", "application/pdf", pdf(1024 * 1024 + 1)), 413),
        (form(Some("avatar"), "me.pdf", "image/png", pdf(1000)), 415),
        (form(None, "empty", "image/png", Vec::new()), 422),
    ] {
        assert_eq!(upload(&app, &alice, f).await.status(), status);
    }
    assert!(keys(&s3).await.is_empty());
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM files").await, 0);
}

#[tokio::test]
async fn an_unreachable_store_is_503_with_no_row_and_no_object() {
    let s3 = s3_config().await;
    let (proxy, app) = app_through_proxy(&s3).await;
    let alice = app.user("alice").await;
    proxy.cut();
    let res = upload(&app, &alice, form(None, "a.png", "image/png", PNG.to_vec())).await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "unavailable");
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM files").await, 0);
    proxy.restore();
    assert!(keys(&s3).await.is_empty(), "no object");
    uploaded(&app, &alice, form(None, "a.png", "image/png", PNG.to_vec())).await;
    assert_eq!(keys(&s3).await.len(), 1);
}

#[tokio::test]
async fn a_store_going_down_mid_upload_is_503_with_no_row_and_no_object() {
    let s3 = s3_config().await;
    let (proxy, app) = app_through_proxy(&s3).await;
    let alice = app.user("alice").await;
    assert_eq!(proxy.connections(), 0);

    // The body streams: its first part, then (once the app has begun the upload in the
    // store) the store goes down, then the rest.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let body = reqwest::Body::wrap_stream(tokio_stream_of(rx));
    let part = reqwest::multipart::Part::stream(body)
        .file_name("big.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let request = app
        .request(reqwest::Method::POST, &alice.token, "/v1/files")
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send();
    let sending = tokio::spawn(request);
    let bytes = pdf(900 * 1024);
    tx.send(Ok(bytes[..64 * 1024].to_vec())).await.unwrap();
    parley_tests::eventually(
        std::time::Duration::from_secs(10),
        "the upload reached the store",
        || async { proxy.connections() > 0 },
    )
    .await;
    proxy.cut();
    tx.send(Ok(bytes[64 * 1024..].to_vec())).await.unwrap();
    drop(tx);
    let res = sending.await.unwrap().unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(app.db_query_i64("SELECT count(*) AS n FROM files").await, 0);
    proxy.restore();
    assert!(keys(&s3).await.is_empty(), "no object");
}

/// An mpsc receiver as a stream of chunks.
fn tokio_stream_of(
    mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
