#!/usr/bin/env bash
# The demo: runs statusd on Config/examples/demo.yaml against a minute of generated traffic with an
# outage in the middle. Within about a minute you see the alert fire and resolve on stderr and at a
# webhook receiver on 127.0.0.1:8765 (signed JSON, checked), and then the same two entries read back
# from the journal. Run as root (it starts journald if none runs).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
missing=()
for p in libsystemd-dev zlib1g-dev pkg-config systemd python3; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
swift build
bin=$(swift build --show-bin-path)/statusd
journald_pid=""
# A journald that runs (a socket file left by a stopped one does not count).
if ! pgrep -x systemd-journal >/dev/null; then
  $SUDO mkdir -p /run/systemd/journal
  $SUDO /lib/systemd/systemd-journald & journald_pid=$!
  sleep 1
fi
rm -rf /tmp/statusd-demo && mkdir -p /tmp/statusd-demo
since=$(date '+%Y-%m-%d %H:%M:%S')
python3 scripts/webhook-receiver.py 8765 demo-secret-for-signing-0123 & receiver=$!
"$bin" run --config Config/examples/demo.yaml & daemon=$!
cleanup() {
  kill "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  kill "$receiver" 2>/dev/null || true
  [ -n "$journald_pid" ] && $SUDO kill "$journald_pid" 2>/dev/null || true
}
trap cleanup EXIT
sleep 1
echo "== demo traffic: 10 s healthy, 20 s of 502/503/504, then healthy; statusd tails /tmp/statusd-demo/access.log"
"$bin" demo-traffic --path /tmp/statusd-demo/access.log --healthy 10 --outage 20 --recovery 30 &
traffic=$!
sleep 22
echo "== statusd status (during the outage)"
"$bin" status --socket /tmp/statusd-demo/statusd.sock || true
wait "$traffic"
echo "== statusd status (after)"
"$bin" status --socket /tmp/statusd-demo/statusd.sock || true
echo "== the alerts in the journal"
journalctl --no-pager -t statusd --since "$since" MESSAGE_ID=6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f81 + MESSAGE_ID=6f1c0c3a9d2e4f5b8a7d3e2c1b0a9f82 || true
