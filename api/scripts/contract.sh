#!/usr/bin/env bash
# The API contract test: schemathesis (pinned, installed here on first use) with every check
# against a freshly started API (dev sign-in, its own database). Fails on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
SCHEMATHESIS_VERSION=4.32.5
eval "$(api/scripts/services.sh)"

venv=target/contract-venv
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  if ! python3 -m venv --help >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then sudo_=(); else sudo_=(sudo); fi
    "${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# The WebSocket contract: openapi/asyncapi.yaml must validate against the official AsyncAPI
# 3.0.0 schema (from the npm package @asyncapi/specs, pinned).
ASYNCAPI_SPECS_VERSION=6.11.1
specs=target/asyncapi-tools/node_modules/@asyncapi/specs
if ! grep -q "\"version\": \"$ASYNCAPI_SPECS_VERSION\"" "$specs/package.json" 2>/dev/null; then
  mkdir -p target/asyncapi-tools
  npm install --no-audit --no-fund --silent --prefix target/asyncapi-tools "@asyncapi/specs@$ASYNCAPI_SPECS_VERSION" >/dev/null
fi
"$venv/bin/python" - "$specs/schemas/3.0.0-without-\$id.json" openapi/asyncapi.yaml <<'PY'
import json, sys
import jsonschema_rs, yaml
schema = json.load(open(sys.argv[1]))
doc = yaml.safe_load(open(sys.argv[2]))
errors = list(jsonschema_rs.Draft7Validator(schema).iter_errors(doc))
for e in errors:
    print(f"asyncapi.yaml {e.instance_path}: {e.message}", file=sys.stderr)
if errors:
    sys.exit(1)
print(f"openapi/asyncapi.yaml is valid AsyncAPI {doc['asyncapi']}: {len(doc['components']['messages'])} messages")
PY

# The fake Stripe (tests/src/stripe) against the official SDK, pinned: every response must
# parse into the SDK's classes and every webhook verify with stripe.Webhook.construct_event.
# Its own fake on its own port (the check points the webhooks at its own receiver).
STRIPE_SDK_VERSION=16.1.0
"$venv/bin/python" -c "import stripe, sys; sys.exit(stripe.VERSION != '$STRIPE_SDK_VERSION')" 2>/dev/null \
  || "$venv/bin/pip" install -q --disable-pip-version-check "stripe==$STRIPE_SDK_VERSION"
sdk_port=${CONTRACT_SDK_STRIPE_PORT:-12115}
sdk_env=$(api/scripts/dev-stripe.sh "http://127.0.0.1:9" "$sdk_port")
sdk_pid=$(sed -n 's/^FAKE_STRIPE_PID=//p' <<<"$sdk_env")
sdk=0
"$venv/bin/python" api/scripts/stripe_sdk_check.py "http://127.0.0.1:$sdk_port" sk_test_parley \
  whsec_parleyDevPlatformSecret0000000000 || sdk=$?
[ -n "$sdk_pid" ] && kill "$sdk_pid" 2>/dev/null || true
if [ "$sdk" -ne 0 ]; then echo "the fake Stripe does not match the official SDK" >&2; exit 1; fi

port=${CONTRACT_PORT:-18091}
db=parley_contract
psql -w "$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
psql -w "$PG_BASE_URL/postgres" -qc "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="$PG_BASE_URL/$db"
target/debug/parley migrate >/dev/null
# Payments against the fake Stripe (its own port), so paid routes answer as they would live.
eval "$(api/scripts/dev-stripe.sh "http://127.0.0.1:$port" "${CONTRACT_STRIPE_PORT:-12113}")"
eval "$(api/scripts/dev-notion.sh "http://127.0.0.1:$port" "${CONTRACT_NOTION_PORT:-12123}")"
eval "$(api/scripts/maildev.sh "${CONTRACT_SMTP_PORT:-12027}" "${CONTRACT_MAILDEV_PORT:-12082}" parley parley-smtp-contract)"
eval "$(api/scripts/dev-twilio.sh "http://127.0.0.1:$port" "${CONTRACT_TWILIO_PORT:-12133}")"
FILES_DIR="$repo/target/contract-files" AUTH_MODE=dev BIND_ADDR="127.0.0.1:$port" RUST_LOG=warn target/debug/parley serve >"$repo/target/contract-api.log" 2>&1 &
api_pid=$!
trap 'kill $api_pid ${FAKE_STRIPE_PID:-} ${FAKE_NOTION_PID:-} ${FAKE_TWILIO_PID:-} ${MAILDEV_PID:-} 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/v1/dev/token" -H 'content-type: application/json' \
  -d '{"user_id":"user_contract","name":"Contract"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Run from target/ so schemathesis's cache stays out of the tree.
cd target
"$repo/$venv/bin/schemathesis" --config-file "$repo/api/scripts/schemathesis.toml" run \
  "http://127.0.0.1:$port/openapi.json" -H "Authorization: Bearer $token" \
  --max-examples "${CONTRACT_EXAMPLES:-40}" --report junit --report-dir "$repo/target/contract-report" \
  | tee "$repo/target/contract.log"
