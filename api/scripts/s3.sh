#!/usr/bin/env bash
# The S3-compatible server the storage tests use: ministack (PyPI, pinned) on 127.0.0.1 with
# AUTH=true and an IAM user (its built-in root keys would skip header signature checks), so
# SigV4 and presigned signatures are verified for real. Installs it into target/s3-venv when
# absent, starts it when stopped, and prints shell assignments:
#   S3_ENDPOINT=… S3_REGION=… S3_BUCKET=… S3_ACCESS_KEY_ID=… S3_SECRET_ACCESS_KEY=…
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
MINISTACK_VERSION=1.5.33
port=${S3_TEST_PORT:-14566}
venv="$repo/target/s3-venv"
state="$repo/target/s3"
endpoint="http://127.0.0.1:$port"
bucket=parley-test
log() { echo "s3: $*" >&2; }
mkdir -p "$state"
answers() { curl -s -o /dev/null --max-time 2 "$endpoint/" ; }

if ! "$venv/bin/python" -c "import ministack" 2>/dev/null \
   || [ "$(cat "$venv/.version" 2>/dev/null)" != "$MINISTACK_VERSION" ]; then
  log "installing ministack $MINISTACK_VERSION into $venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "ministack==$MINISTACK_VERSION" >&2
  echo "$MINISTACK_VERSION" > "$venv/.version"
fi
if ! answers; then
  log "starting ministack on 127.0.0.1:$port"
  # Every descriptor of the background job goes to the log, the subshell's included: a
  # caller that reads this script's output to its end (the test harness) must not wait on
  # the server's lifetime. (A redirection on the python command alone left the waiting
  # subshell holding our stdout: the harness hung on a cold start.)
  (cd "$state" && AUTH=true BIND_HOST=127.0.0.1 GATEWAY_PORT=$port exec "$venv/bin/python" -m ministack) \
      </dev/null >"$state/server.log" 2>&1 &
  for _ in $(seq 1 100); do answers && break; sleep 0.1; done
  answers || { log "ministack did not come up; see $state/server.log"; exit 1; }
fi
# Keys from an earlier start are reused only if this server still knows them.
"$venv/bin/python" "$repo/api/scripts/s3_bootstrap.py" "$endpoint" "$bucket" "$state/keys" > "$state/keys.new"
mv "$state/keys.new" "$state/keys"
read -r key secret < "$state/keys"
echo "S3_ENDPOINT=$endpoint S3_REGION=us-east-1 S3_BUCKET=$bucket S3_ACCESS_KEY_ID=$key S3_SECRET_ACCESS_KEY=$secret"
