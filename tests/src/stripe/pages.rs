//! The hosted pages a browser sees in offline dev mode: Checkout, Connect onboarding, the
//! customer portal and the Express dashboard. Plain HTML, no external resources.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::form::Params;
use super::{Action, FakeStripe};

type Fake = web::Data<FakeStripe>;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/checkout/{id}", web::get().to(checkout))
        .route("/checkout/{id}/pay", web::post().to(pay))
        .route("/checkout/{id}/decline", web::post().to(decline))
        .route("/onboarding/{id}", web::get().to(onboarding))
        .route("/onboarding/{id}/complete", web::post().to(complete_onboarding))
        .route("/portal/{id}", web::get().to(portal))
        .route("/portal/{id}/cancel/{sub}", web::post().to(portal_cancel))
        .route("/express/{id}", web::get().to(express));
}

/// `$12.34`, `€5.00`, `¥500`, `12.34 CHF`.
pub fn money(amount: i64, currency: &str) -> String {
    let currency = currency.to_lowercase();
    let zero_decimal = [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf",
    ];
    let number = match zero_decimal.contains(&currency.as_str()) {
        true => amount.to_string(),
        false => format!(
            "{}{}.{:02}",
            if amount < 0 { "-" } else { "" },
            amount.abs() / 100,
            amount.abs() % 100
        ),
    };
    match currency.as_str() {
        "usd" => format!("${number}"),
        "eur" => format!("€{number}"),
        "gbp" => format!("£{number}"),
        "jpy" => format!("¥{number}"),
        other => format!("{number} {}", other.to_uppercase()),
    }
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(status: u16, title: &str, body: &str) -> HttpResponse {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>\
         body{{font-family:system-ui,sans-serif;max-width:32rem;margin:0 auto;padding:1rem;color:#1a1a2e}}\
         .banner{{background:#ffd43b;padding:.6rem;border-radius:6px;font-weight:600;text-align:center}}\
         button{{font-size:1rem;padding:.6rem 1.2rem;margin:.3rem 0;border-radius:6px;border:0;cursor:pointer}}\
         .primary{{background:#635bff;color:#fff}} .danger{{background:#e03131;color:#fff}}\
         .error{{color:#c92a2a;font-weight:600}} .card{{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}}\
         </style></head><body><p class=\"banner\" id=\"test-mode\">TEST MODE — Parley's offline Stripe stand-in, \
         no real money moves</p><h1>{title}</h1>{body}</body></html>",
        title = esc(title)
    );
    let status = actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html)
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("location", to)).finish()
}

fn not_found(what: &str) -> HttpResponse {
    page(
        404,
        "Not found",
        &format!("<p class=\"error\">No such {}.</p>", esc(what)),
    )
}

fn refused(e: super::ApiError) -> HttpResponse {
    page(
        400,
        "Something went wrong",
        &format!("<p class=\"error\" id=\"error\">{}</p>", esc(&e.message)),
    )
}

fn object_of(fake: &FakeStripe, id: &str, kind: &str) -> Option<Value> {
    fake.object(id).filter(|o| o["object"] == kind)
}

fn query(req: &HttpRequest) -> Params {
    Params::parse(req.query_string().as_bytes())
}

async fn checkout(req: HttpRequest, fake: Fake, id: web::Path<String>) -> HttpResponse {
    let Some(session) = object_of(&fake, &id, "checkout.session") else {
        return not_found("checkout session");
    };
    let name = {
        let s = fake.lock();
        let p = s.sessions.get(id.as_str()).cloned().unwrap_or_default();
        let product = p
            .str("line_items[0][price]")
            .and_then(|price| s.objects.get(price))
            .and_then(|price| s.objects.get(price["product"].as_str().unwrap_or_default()));
        match product {
            Some(product) => product["name"].as_str().unwrap_or_default().to_owned(),
            None => p
                .string("line_items[0][price_data][product_data][name]")
                .unwrap_or_default(),
        }
    };
    let amount = money(
        session["amount_total"].as_i64().unwrap_or(0),
        session["currency"].as_str().unwrap_or("usd"),
    );
    let per = if session["mode"] == "subscription" {
        " per period"
    } else {
        ""
    };
    let mut body = format!(
        "<div class=\"card\"><p id=\"product\">{}</p><p><strong id=\"amount\">{amount}</strong>{per}</p></div>",
        esc(&name)
    );
    if query(&req).str("declined").is_some() {
        body.push_str("<p class=\"error\" id=\"error\">Your card was declined.</p>");
    }
    if session["status"] == "open" {
        body.push_str(&format!(
            "<form method=\"post\" action=\"/checkout/{id}/pay\"><button id=\"pay\" class=\"primary\" \
             type=\"submit\">Pay</button></form><form method=\"post\" action=\"/checkout/{id}/decline\">\
             <button id=\"decline\" class=\"danger\" type=\"submit\">Decline card</button></form>",
            id = esc(&id)
        ));
        if let Some(cancel) = session["cancel_url"].as_str() {
            body.push_str(&format!("<p><a id=\"cancel\" href=\"{}\">Cancel</a></p>", esc(cancel)));
        }
    } else {
        body.push_str(&format!(
            "<p id=\"status\">This checkout is {}.</p>",
            esc(session["status"].as_str().unwrap_or(""))
        ));
    }
    page(200, "Checkout", &body)
}

async fn pay(fake: Fake, id: web::Path<String>) -> HttpResponse {
    if let Err(e) = fake.act(Action::PayCheckout(id.to_string())).await {
        return refused(e);
    }
    let session = fake.object(&id).unwrap_or_default();
    match session["success_url"].as_str() {
        Some(url) => redirect(&url.replace("{CHECKOUT_SESSION_ID}", &id)),
        None => page(200, "Payment complete", "<p id=\"status\">Payment complete.</p>"),
    }
}

async fn decline(fake: Fake, id: web::Path<String>) -> HttpResponse {
    match fake.act(Action::DeclineCheckout(id.to_string())).await {
        Ok(_) => redirect(&format!("/checkout/{id}?declined=1")),
        Err(e) => refused(e),
    }
}

async fn onboarding(req: HttpRequest, fake: Fake, id: web::Path<String>) -> HttpResponse {
    if object_of(&fake, &id, "account").is_none() {
        return not_found("account");
    }
    let return_url = query(&req).string("return_url").unwrap_or_default();
    page(
        200,
        "Set up payouts",
        &format!(
            "<p>Account <code>{id}</code> — the fake fills in every requirement.</p>\
             <form method=\"post\" action=\"/onboarding/{id}/complete\"><input type=\"hidden\" name=\"return_url\" \
             value=\"{ret}\"><button id=\"complete\" class=\"primary\" type=\"submit\">Complete onboarding</button></form>",
            id = esc(&id),
            ret = esc(&return_url)
        ),
    )
}

async fn complete_onboarding(fake: Fake, id: web::Path<String>, body: web::Bytes) -> HttpResponse {
    if let Err(e) = fake.act(Action::CompleteOnboarding(id.to_string())).await {
        return refused(e);
    }
    match Params::parse(&body).str("return_url") {
        Some(url) => redirect(url),
        None => page(200, "Onboarding complete", "<p id=\"status\">Onboarding complete.</p>"),
    }
}

async fn portal(fake: Fake, id: web::Path<String>) -> HttpResponse {
    let Some(session) = object_of(&fake, &id, "billing_portal.session") else {
        return not_found("portal session");
    };
    let mut subscriptions: Vec<Value> = {
        let s = fake.lock();
        let mine = |o: &&Value| o["object"] == "subscription" && o["customer"] == session["customer"];
        s.objects.values().filter(mine).cloned().collect()
    };
    subscriptions.sort_by_key(|s| s["created"].as_i64());
    let mut body = String::new();
    for sub in &subscriptions {
        let sid = esc(sub["id"].as_str().unwrap_or_default());
        let price = &sub["items"]["data"][0]["price"];
        let amount = money(
            price["unit_amount"].as_i64().unwrap_or(0),
            price["currency"].as_str().unwrap_or("usd"),
        );
        let interval = price["recurring"]["interval"].as_str().unwrap_or("period");
        let status = sub["status"].as_str().unwrap_or_default();
        let action = match (status, sub["cancel_at_period_end"] == true) {
            ("canceled", _) => String::new(),
            (_, true) => "<p class=\"status\">Cancels at the end of the period.</p>".to_owned(),
            _ => format!(
                "<form method=\"post\" action=\"/portal/{id}/cancel/{sid}\"><button class=\"danger\" \
                 id=\"cancel-{sid}\" type=\"submit\">Cancel subscription</button></form>",
                id = esc(&id)
            ),
        };
        body.push_str(&format!(
            "<div class=\"card\" id=\"{sid}\"><p>{amount} / {interval} — <span class=\"status\">{status}</span></p>{action}</div>"
        ));
    }
    if subscriptions.is_empty() {
        body.push_str("<p>No subscriptions.</p>");
    }
    if let Some(url) = session["return_url"].as_str() {
        body.push_str(&format!("<p><a id=\"return\" href=\"{}\">Return</a></p>", esc(url)));
    }
    page(200, "Your subscriptions", &body)
}

async fn portal_cancel(fake: Fake, path: web::Path<(String, String)>) -> HttpResponse {
    let (id, sub) = path.into_inner();
    let (Some(session), Some(subscription)) = (object_of(&fake, &id, "billing_portal.session"), fake.object(&sub))
    else {
        return not_found("subscription");
    };
    if subscription["customer"] != session["customer"] {
        return not_found("subscription");
    }
    match fake.act(Action::CancelAtPeriodEnd(sub)).await {
        Ok(_) => redirect(&format!("/portal/{id}")),
        Err(e) => refused(e),
    }
}

async fn express(fake: Fake, id: web::Path<String>) -> HttpResponse {
    let Some(account) = object_of(&fake, &id, "account") else {
        return not_found("account");
    };
    let (gross, fees, refunded) = fake.lock().balance(&id);
    let net = gross - fees - refunded;
    let row = |label: &str, amount: i64| format!("<tr><td>{label}</td><td>{}</td></tr>", money(amount, "usd"));
    page(
        200,
        "Express dashboard",
        &format!(
            "<p>Account <code>{}</code> — payouts {}</p><table id=\"balance\">{}{}{}{}</table>",
            esc(&id),
            if account["payouts_enabled"] == true {
                "enabled"
            } else {
                "disabled"
            },
            row("Gross", gross),
            row("Platform fees", -fees),
            row("Refunded", -refunded),
            row("Net", net)
        ),
    )
}
