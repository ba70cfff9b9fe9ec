#!/usr/bin/env bash
# The clamd the scanning tests use: Debian's clamav-daemon (installed with apt-get when
# absent) with only the signature database in DBDIR (the tests write it: no signature
# file is in the repository, and the official database cannot be had offline). Starts it on
# 127.0.0.1 when it does not answer, and prints `CLAMD_ADDR=127.0.0.1:PORT`.
# Usage: api/scripts/clamd.sh DBDIR
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
db=$(cd "$1" && pwd)
port=${CLAMD_TEST_PORT:-13310}
state="$repo/target/clamd"
log() { echo "clamd: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
answers() { [ "$(printf 'zPING\0' | timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat >&3; tr -d '\0' <&3" 2>/dev/null)" = PONG ]; }

if ! command -v clamd >/dev/null 2>&1 && [ ! -x /usr/sbin/clamd ]; then
  log "installing clamav-daemon with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clamav-daemon >&2
fi
if ! answers; then
  mkdir -p "$state"
  cat > "$state/clamd.conf" <<CONF
TCPSocket $port
TCPAddr 127.0.0.1
DatabaseDirectory $db
PidFile $state/clamd.pid
LogFile $state/clamd.log
Foreground false
StreamMaxLength 64M
CONF
  log "starting clamd on 127.0.0.1:$port with the databases in $db"
  "$(command -v clamd || echo /usr/sbin/clamd)" --config-file="$state/clamd.conf" >&2
  for _ in $(seq 1 100); do answers && break; sleep 0.1; done
  answers || { log "clamd did not come up; see $state/clamd.log"; exit 1; }
fi
echo "CLAMD_ADDR=127.0.0.1:$port"
