#!/usr/bin/env bash
# The web app's checks: type check, lint, unit tests, then the end-to-end test in Debian's
# Chromium against `next start` and a real API (dev auth mode, its own fresh database).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
export NEXT_TELEMETRY_DISABLED=1 NEXT_IGNORE_INCORRECT_LOCKFILE=1
eval "$(api/scripts/services.sh)"

# The committed lockfile is complete (every platform's optional packages): install exactly it.
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium for the browser tests" >&2
  if [ "$(id -u)" = 0 ]; then sudo_=(); else sudo_=(sudo); fi
  "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
  "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
fi
# The typed client must match the committed OpenAPI document.
(cd web && npm run gen:api >/dev/null && git diff --exit-code -- src/lib/api/schema.d.ts \
  || { echo "web/src/lib/api/schema.d.ts is stale: run make openapi and commit it" >&2; exit 1; })
(cd web && npm run typecheck && npm run lint && npm run test:unit)

# PARLEY_BIN: another build of the API (a snapshot, while target/ is being rebuilt).
bin=${PARLEY_BIN:-target/debug/parley}
api_port=${E2E_API_PORT:-18080}
web_port=${E2E_WEB_PORT:-3100}
db=parley_e2e
psql -w "$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
psql -w "$PG_BASE_URL/postgres" -qc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="$PG_BASE_URL/$db"
"$bin" migrate >/dev/null
# Payments in offline test mode: the fake Stripe on its own port, webhooks to this API.
eval "$(api/scripts/dev-stripe.sh "http://127.0.0.1:$api_port" "${E2E_STRIPE_PORT:-12112}")"
# Notion in offline test mode: the fake Notion on its own port.
eval "$(api/scripts/dev-notion.sh "http://127.0.0.1:$api_port" "${E2E_NOTION_PORT:-12122}")"
# E-mail to a MailDev of its own (AUTH required), SMS to the fake Twilio: the dev pages read both.
eval "$(api/scripts/maildev.sh "${E2E_SMTP_PORT:-12026}" "${E2E_MAILDEV_PORT:-12081}" parley parley-smtp-e2e)"
eval "$(api/scripts/dev-twilio.sh "http://127.0.0.1:$api_port" "${E2E_TWILIO_PORT:-12132}")"
SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" FILES_DIR="$repo/target/e2e-files" AUTH_MODE=dev BIND_ADDR="127.0.0.1:$api_port" CORS_ORIGINS="http://localhost:$web_port" APP_URL="http://localhost:$web_port" RUST_LOG=warn \
  "$bin" serve >"$repo/target/e2e-api.log" 2>&1 &
api_pid=$!
trap 'kill $api_pid ${FAKE_STRIPE_PID:-} ${FAKE_NOTION_PID:-} ${FAKE_TWILIO_PID:-} ${MAILDEV_PID:-} 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$api_port/readyz" >/dev/null && break; sleep 0.1; done
cd web
FAKE_TWILIO_URL="$TWILIO_API_BASE" API_URL="http://127.0.0.1:$api_port" NEXT_PUBLIC_API_URL="http://127.0.0.1:$api_port" WEB_PORT="$web_port" npm run test:e2e
