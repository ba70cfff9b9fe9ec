#!/usr/bin/env python3
"""Cross-checks the fake Stripe against the official SDK (stripe==16.1.0).

Usage: stripe_sdk_check.py BASE_URL SECRET_KEY WEBHOOK_SECRET [--connect-webhook-secret S]

The SDK, pointed at the fake, creates an account, account link, customer, product, price, a
payment-mode Checkout Session with nested params, a PaymentIntent, a subscription-mode
session and a portal session; the session is paid and the account onboarded through the
fake's /_fake control routes; a refund and a subscription cancel go through the SDK. Every
response must parse into the SDK's classes. A local receiver takes the fake's webhooks and
verifies each with stripe.Webhook.construct_event (a tampered re-delivery must fail).
Exits non-zero on any failure.
"""

import argparse
import http.server
import json
import sys
import threading
import time
import urllib.request

import stripe

EXPECTED_SDK = "16.1.0"


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


class Receiver(http.server.BaseHTTPRequestHandler):
    secrets = {}
    verified = []  # (endpoint, event)
    rejected = []  # (endpoint, error)

    def do_POST(self):
        payload = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        endpoint = self.path.strip("/")
        try:
            event = stripe.Webhook.construct_event(payload, self.headers.get("Stripe-Signature"), self.secrets[endpoint])
            self.verified.append((endpoint, event))
            self.send_response(200)
        except (stripe.SignatureVerificationError, ValueError, KeyError) as e:
            self.rejected.append((endpoint, str(e)))
            self.send_response(400)
        self.end_headers()

    def log_message(self, *args):
        pass


def control(base, path, body=None):
    request = urllib.request.Request(
        f"{base}/_fake/{path}",
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def wait_for(event_type, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [e for _, e in Receiver.verified if e.type == event_type]
        if found:
            return found[-1]
        time.sleep(0.05)
    fail(f"no verified {event_type} webhook arrived")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("secret_key")
    parser.add_argument("webhook_secret")
    parser.add_argument("--connect-webhook-secret", default="whsec_parleyDevConnectSecret00000000000")
    args = parser.parse_args()
    check(stripe.VERSION == EXPECTED_SDK, f"stripe SDK {stripe.VERSION}, expected {EXPECTED_SDK}")
    base = args.base.rstrip("/")
    stripe.api_key = args.secret_key
    stripe.api_base = base
    stripe.max_network_retries = 0

    Receiver.secrets = {"platform": args.webhook_secret, "connect": args.connect_webhook_secret}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_address[1]}"
    control(base, "webhook_urls", {"platform": f"{hook}/platform", "connect": f"{hook}/connect"})

    account = stripe.Account.create(
        controller={"stripe_dashboard": {"type": "express"}, "fees": {"payer": "application"},
                    "losses": {"payments": "application"}},
        country="US", email="creator@example.com", metadata={"user_id": "u1"},
        capabilities={"card_payments": {"requested": True}, "transfers": {"requested": True}},
    )
    check(isinstance(account, stripe.Account) and account.id.startswith("acct_"), f"account: {account}")
    check(account.charges_enabled is False and account.requirements.currently_due, "new account must be restricted")
    check(account.metadata["user_id"] == "u1", "account metadata")
    link = stripe.AccountLink.create(account=account.id, type="account_onboarding",
                                     refresh_url="http://app/refresh", return_url="http://app/return")
    check(isinstance(link, stripe.AccountLink) and link.expires_at - link.created == 300, f"account link: {link}")
    try:
        stripe.checkout.Session.create(
            mode="payment", success_url="http://app/ok", line_items=[{"quantity": 1, "price_data": {
                "currency": "usd", "unit_amount": 500, "product_data": {"name": "Tip"}}}],
            payment_intent_data={"transfer_data": {"destination": account.id}})
        fail("a destination that cannot take charges was accepted")
    except stripe.InvalidRequestError as e:
        check(e.param == "payment_intent_data[transfer_data][destination]", f"destination error param: {e.param}")
    control(base, f"accounts/{account.id}/complete_onboarding")
    updated = wait_for("account.updated")
    check(updated.account == account.id and updated.data.object.charges_enabled, "account.updated payload")
    check(stripe.Account.retrieve(account.id).charges_enabled is True, "account retrieve after onboarding")
    login = stripe.Account.create_login_link(account.id)
    check(isinstance(login, stripe.LoginLink) and login.url.startswith(base), f"login link: {login}")

    customer = stripe.Customer.create(email="fan@example.com", name="Fan", metadata={"user_id": "u2"})
    check(isinstance(customer, stripe.Customer) and customer.id.startswith("cus_"), f"customer: {customer}")
    product = stripe.Product.create(name="Gold tier", metadata={"tier_id": "t1"})
    check(isinstance(product, stripe.Product) and product.id.startswith("prod_"), f"product: {product}")
    price = stripe.Price.create(product=product.id, currency="usd", unit_amount=999, recurring={"interval": "month"})
    check(isinstance(price, stripe.Price) and price.recurring.interval == "month", f"price: {price}")

    session = stripe.checkout.Session.create(
        mode="payment", client_reference_id="booking_1", customer=customer.id,
        success_url="http://app/ok?session_id={CHECKOUT_SESSION_ID}", cancel_url="http://app/cancel",
        expires_at=int(time.time()) + 3600,
        line_items=[{"quantity": 2, "price_data": {"currency": "usd", "unit_amount": 2500,
                                                   "product_data": {"name": "Session"}}}],
        payment_intent_data={"application_fee_amount": 500, "transfer_data": {"destination": account.id},
                             "metadata": {"booking_id": "b1"}},
        metadata={"booking_id": "b1"},
    )
    check(isinstance(session, stripe.checkout.Session) and session.id.startswith("cs_test_"), f"session: {session}")
    check(session.amount_total == 5000 and session.status == "open" and session.payment_intent is None, "session fields")
    intent = stripe.PaymentIntent.create(
        amount=2500, currency="usd", automatic_payment_methods={"enabled": True}, customer=customer.id,
        application_fee_amount=250, transfer_data={"destination": account.id},
        metadata={"lecture_id": "l1", "user_id": "u2"})
    check(isinstance(intent, stripe.PaymentIntent) and intent.client_secret.startswith(intent.id + "_secret_"),
          f"payment intent: {intent}")

    paid = control(base, f"checkout/sessions/{session.id}/pay")
    types = [e["type"] for e in paid["events"]]
    check(types == ["charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"], f"pay events {types}")
    check(all(e["status"] == 200 for e in paid["events"]), f"deliveries: {paid}")
    completed = wait_for("checkout.session.completed").data.object
    check(completed.payment_status == "paid" and completed.client_reference_id == "booking_1", "completed session")
    pi = stripe.PaymentIntent.retrieve(completed.payment_intent)
    check(pi.status == "succeeded" and pi.metadata["booking_id"] == "b1" and pi.amount_received == 5000, f"pi: {pi}")

    refund = stripe.Refund.create(payment_intent=pi.id, amount=1000, reason="requested_by_customer",
                                  reverse_transfer=True, refund_application_fee=True)
    check(isinstance(refund, stripe.Refund) and refund.status == "succeeded" and refund.amount == 1000, f"refund {refund}")
    refunded = wait_for("charge.refunded").data.object
    check(refunded.amount_refunded == 1000 and refunded.refunded is False, f"charge.refunded: {refunded}")
    try:
        stripe.Refund.create(payment_intent=pi.id, amount=999999)
        fail("an over-refund was accepted")
    except stripe.InvalidRequestError as e:
        check(e.param == "amount", f"over-refund param {e.param}")

    sub_session = stripe.checkout.Session.create(
        mode="subscription", customer=customer.id, success_url="http://app/ok", line_items=[{"price": price.id, "quantity": 1}],
        subscription_data={"trial_period_days": 7, "metadata": {"fan_id": "u2"},
                           "transfer_data": {"destination": account.id, "amount_percent": 80}})
    control(base, f"checkout/sessions/{sub_session.id}/pay")
    sub = stripe.Subscription.retrieve(stripe.checkout.Session.retrieve(sub_session.id).subscription)
    check(isinstance(sub, stripe.Subscription) and sub.status == "trialing", f"subscription: {sub}")
    check(sub["items"].data[0].current_period_end == sub.trial_end, "item period ends at trial end")
    invoice = wait_for("invoice.paid").data.object
    check(invoice.parent.subscription_details.subscription == sub.id, f"invoice parent: {invoice.parent}")
    sub = stripe.Subscription.modify(sub.id, cancel_at_period_end=True)
    check(sub.cancel_at_period_end is True, "cancel_at_period_end")
    check(wait_for("customer.subscription.updated").data.previous_attributes.cancel_at_period_end is False,
          "previous_attributes")
    portal = stripe.billing_portal.Session.create(customer=customer.id, return_url="http://app/settings")
    check(isinstance(portal, stripe.billing_portal.Session) and portal.url.startswith(base), f"portal: {portal}")
    canceled = stripe.Subscription.cancel(sub.id)
    check(canceled.status == "canceled" and canceled.ended_at, f"canceled: {canceled}")
    wait_for("customer.subscription.deleted")

    try:
        stripe.Customer.retrieve("cus_missing")
        fail("a missing customer was found")
    except stripe.InvalidRequestError as e:
        check(e.http_status == 404 and e.code == "resource_missing", f"404 shape: {e.code}")
    check(not Receiver.rejected, f"webhooks failed verification: {Receiver.rejected}")
    tampered = control(base, f"events/{updated.id}/deliver", {"tamper_body": True})
    check(tampered["status"] == 400 and Receiver.rejected, f"a tampered delivery verified: {tampered}")
    try:
        stripe.Webhook.construct_event(b"{}", "t=1,v1=00", args.webhook_secret)
        fail("a bad signature verified")
    except stripe.SignatureVerificationError:
        pass
    print(f"OK: stripe {stripe.VERSION} parsed every response; {len(Receiver.verified)} webhooks verified")


if __name__ == "__main__":
    main()
