#!/usr/bin/env bash
# Offline Notion for `make run` and the web's end-to-end test: starts the project's fake
# Notion (tests/src/notion.rs: the API, a consent page, page views) unless it already
# answers, and prints the settings that point Parley at it:
#   eval "$(api/scripts/dev-notion.sh API_URL [PORT])"
# A real NOTION_API_BASE (set by the caller) switches this off: the caller skips it.
set -euo pipefail
cd "$(dirname "$0")/../.."
api=${1:-http://127.0.0.1:8080}
port=${2:-12121}
base="http://127.0.0.1:$port"
if ! curl -sf "$base/_fake/health" >/dev/null 2>&1; then
  mkdir -p target
  (
    exec >target/fake-notion.log 2>&1 </dev/null
    FAKE_NOTION_ADDR="127.0.0.1:$port" exec "${FAKE_NOTION_BIN:-target/debug/fake-notion}"
  ) &
  echo "FAKE_NOTION_PID=$!"
  for _ in $(seq 1 100); do curl -sf "$base/_fake/health" >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "export NOTION_API_BASE=$base NOTION_CLIENT_ID=notion-client-parley NOTION_CLIENT_SECRET=notion-secret-parley NOTION_REDIRECT_URI=$api/v1/integrations/notion/callback"
echo "echo 'notion: OFFLINE TEST MODE — the fake Notion at $base (paste the token ntn_parley_dev_token, or connect through its consent page)' >&2"
