#!/usr/bin/env bash
# Offline SMS for `make run` and the web's end-to-end test: starts the project's fake Twilio
# (tests/src/twilio.rs: the Messages API, replies POSTed signed to Parley's webhook, STOP/START
# handled as Twilio does) unless it already answers, and prints the settings that point
# Parley at it:
#   eval "$(api/scripts/dev-twilio.sh API_URL [PORT] [PUBLIC_URL])"
# Replies go to API_URL/v1/webhooks/twilio, signed for PUBLIC_URL/v1/webhooks/twilio (the
# URL Parley checks signatures against; default API_URL). A person replies with
#   curl -X POST -H 'content-type: application/json' http://127.0.0.1:PORT/_fake/reply -d '{"from":"+1…","body":"STOP"}'
# Real credentials (TWILIO_ACCOUNT_SID set by the caller) switch this off: the caller skips it.
set -euo pipefail
cd "$(dirname "$0")/../.."
api=${1:-http://127.0.0.1:8080}
port=${2:-12131}
public=${3:-$api}
base="http://127.0.0.1:$port"
account=AC0123456789abcdef0123456789abcdef
token=f00dfeedf00dfeedf00dfeedf00dfeed
from=+15005550006
if ! curl -sf "$base/_fake/health" >/dev/null 2>&1; then
  mkdir -p target
  (
    exec >target/fake-twilio.log 2>&1 </dev/null
    FAKE_TWILIO_ADDR="127.0.0.1:$port" FAKE_TWILIO_INBOUND_URL="$api/v1/webhooks/twilio" \
      FAKE_TWILIO_SIGNED_URL="$public/v1/webhooks/twilio" exec "${FAKE_TWILIO_BIN:-target/debug/fake-twilio}"
  ) &
  echo "FAKE_TWILIO_PID=$!"
  for _ in $(seq 1 100); do curl -sf "$base/_fake/health" >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "export TWILIO_API_BASE=$base TWILIO_ACCOUNT_SID=$account TWILIO_AUTH_TOKEN=$token TWILIO_FROM=$from"
echo "echo 'sms: OFFLINE TEST MODE — the fake Twilio at $base (texts go nowhere; see $base/_fake/messages, reply with POST $base/_fake/reply)' >&2"
