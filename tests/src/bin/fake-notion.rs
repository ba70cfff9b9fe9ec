//! The offline Notion for `make run` and the web's end-to-end test: the fake Notion API with
//! its consent page and page views (see `parley_tests::notion`).
//!
//! Env: `FAKE_NOTION_ADDR` (127.0.0.1:12121).

#[tokio::main]
async fn main() {
    let addr = std::env::var("FAKE_NOTION_ADDR").unwrap_or_else(|_| "127.0.0.1:12121".into());
    let bind = match addr.parse() {
        Ok(bind) => bind,
        Err(e) => {
            eprintln!("fake-notion: FAKE_NOTION_ADDR={addr}: {e}");
            std::process::exit(2);
        }
    };
    let fake = parley_tests::notion::FakeNotion::start_on(bind).await;
    println!(
        "fake Notion on {} (token {})",
        fake.base(),
        parley_tests::notion::DEV_TOKEN
    );
    tokio::signal::ctrl_c().await.ok();
}
