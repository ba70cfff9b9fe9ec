#!/usr/bin/env bash
# Offline payments for `make run` and the web's end-to-end test: starts the project's fake
# Stripe (tests/src/stripe, hosted Checkout/onboarding/portal pages, signed webhooks to the
# API) unless it already answers, and prints the settings that point Parley at it:
#   eval "$(api/scripts/dev-stripe.sh API_URL [PORT])"
# Real keys (STRIPE_SECRET_KEY set by the caller) switch this off: the caller skips it.
set -euo pipefail
cd "$(dirname "$0")/../.."
api=${1:-http://127.0.0.1:8080}
port=${2:-12111}
base="http://127.0.0.1:$port"
key=sk_test_parley
platform=whsec_parleyDevPlatformSecret0000000000
connect=whsec_parleyDevConnectSecret00000000000
if ! curl -sf "$base/_fake/events" >/dev/null 2>&1; then
  mkdir -p target
  # Every descriptor of the background job goes to the log: the caller may read our
  # stdout to its end (eval "$(…)"), which must not wait for the server.
  (
    exec >target/fake-stripe.log 2>&1 </dev/null
    FAKE_STRIPE_ADDR="127.0.0.1:$port" STRIPE_SECRET_KEY=$key STRIPE_WEBHOOK_SECRET=$platform \
      STRIPE_CONNECT_WEBHOOK_SECRET=$connect PARLEY_WEBHOOK_URL="$api/v1/webhooks/stripe" \
      PARLEY_CONNECT_WEBHOOK_URL="$api/v1/webhooks/stripe/connect" exec "${FAKE_STRIPE_BIN:-target/debug/fake-stripe}"
  ) &
  echo "FAKE_STRIPE_PID=$!"
  for _ in $(seq 1 100); do curl -sf "$base/_fake/events" >/dev/null 2>&1 && break; sleep 0.1; done
else
  curl -sf -X POST -H 'content-type: application/json' "$base/_fake/webhook_urls" \
    -d "{\"platform\":\"$api/v1/webhooks/stripe\",\"connect\":\"$api/v1/webhooks/stripe/connect\"}" >/dev/null
fi
echo "export STRIPE_SECRET_KEY=$key STRIPE_API_BASE=$base STRIPE_WEBHOOK_SECRET=$platform STRIPE_CONNECT_WEBHOOK_SECRET=$connect"
echo "echo 'payments: OFFLINE TEST MODE — the fake Stripe at $base (no real money; pages say TEST MODE)' >&2"
