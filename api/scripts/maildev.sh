#!/usr/bin/env bash
# MailDev (tests/maildev, pinned by its package-lock.json): an SMTP catcher that requires
# AUTH, with a REST API to read what it caught. Installs it on first use, starts it unless
# it already answers, and prints the settings that point Parley at it (one line each):
#   eval "$(api/scripts/maildev.sh [SMTP_PORT] [WEB_PORT] [USER] [PASS])"
# Prints MAILDEV_PID=… only when it started one (the caller stops it).
set -euo pipefail
cd "$(dirname "$0")/../.."
smtp_port=${1:-1025}
web_port=${2:-1080}
user=${3:-parley}
pass=${4:-parley-smtp-dev}
api="http://127.0.0.1:$web_port/api"
bin=tests/maildev/node_modules/.bin/maildev
mkdir -p target
if [ ! -x "$bin" ]; then
  if ! (cd tests/maildev && npm install --no-audit --no-fund) >target/maildev-install.log 2>&1; then
    echo "maildev.sh: npm install failed (target/maildev-install.log):" >&2
    tail -n 20 target/maildev-install.log >&2
    exit 1
  fi
fi
if ! curl -sf "$api/healthz" >/dev/null 2>&1; then
  log="target/maildev-$smtp_port.log"
  # MailDev keeps each message's .eml under $TMPDIR/maildev, a folder every instance would
  # share (and DELETE /api/email/all empties): one of its own for this SMTP port.
  tmp="$PWD/target/maildev-$smtp_port.tmp"
  mkdir -p "$tmp"
  # Every descriptor of the background job goes to the log: the caller may read our
  # stdout to its end (eval "$(…)"), which must not wait for the server.
  (
    exec >"$log" 2>&1 </dev/null
    TMPDIR=$tmp exec "$bin" --smtp "$smtp_port" --web "$web_port" --ip 127.0.0.1 --web-ip 127.0.0.1 \
      --incoming-user "$user" --incoming-pass "$pass"
  ) &
  pid=$!
  up=
  for _ in $(seq 1 200); do
    if curl -sf "$api/healthz" >/dev/null 2>&1; then up=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$up" ]; then
    echo "maildev.sh: MailDev did not answer on $api/healthz ($log):" >&2
    tail -n 20 "$log" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  echo "MAILDEV_PID=$pid"
fi
echo "export SMTP_URL=smtp://$user:$pass@127.0.0.1:$smtp_port MAILDEV_API=$api"
