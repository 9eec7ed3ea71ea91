#!/usr/bin/env bash
# Installs what the tests need (Debian 12 packages) and runs every test: unit tests of the core and
# integration tests against a real systemd-journald, a real nginx on 127.0.0.1 and real logrotate.
# Run as root (the tests start journald and nginx), or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
need=(libsystemd-dev zlib1g-dev pkg-config systemd nginx-light logrotate curl python3 lintian binutils chromium fonts-dejavu-core prometheus prometheus-alertmanager apache2 haproxy faketime python3-seccomp openssl tzdata python3-aiosmtpd)
missing=()
for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# nginx's package starts a server on port 80 when installed; the tests run their own on loopback.
$SUDO systemctl stop nginx >/dev/null 2>&1 || true
# apache2 and haproxy too (port 80, and haproxy's own): the format tests run their own on loopback.
$SUDO systemctl stop apache2 haproxy >/dev/null 2>&1 || true
# Likewise Alertmanager's on port 9093: the tests start their own on free loopback ports.
$SUDO systemctl stop prometheus-alertmanager >/dev/null 2>&1 || true
# Likewise prometheus (on :9090); the tests run their own on a free port with a temporary store.
$SUDO systemctl stop prometheus prometheus-node-exporter >/dev/null 2>&1 || true
# Every import is a declared dependency: a target cannot reach past the layers Package.swift
# gives it, even to a module the build happens to have made.
swift build --explicit-target-dependency-import-check error
log=$(mktemp)
set +e
swift test 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
passed=$(grep -oE 'Test run with [0-9]+ tests?( in [0-9]+ suites?)? passed' "$log" | grep -oE '[0-9]+' | head -1 || true)
failed=$(grep -cE '^✘ Test .* failed' "$log" || true)
# The Debian package, built, installed, run and purged as a host owner would (scripts/package-test.sh).
set +e
./scripts/package-test.sh 2>&1 | tee "$log.pkg"
prc=${PIPESTATUS[0]}
set -e
ppassed=$(sed -n 's/^package: \([0-9]*\) passed.*/\1/p' "$log.pkg")
pfailed=$(sed -n 's/^package: [0-9]* passed, \([0-9]*\) failed.*/\1/p' "$log.pkg")
[ -n "$pfailed" ] || pfailed=1
# The parser fuzzer (libFuzzer + AddressSanitizer, Fuzz/run.sh) for a bounded time: no parser may
# crash, the fast parsers must read every line as their references, and replay's one-pass readers
# must count what line by line counts. One check.
set +e
./Fuzz/run.sh "${FUZZ_SECONDS:-60}" > "$log.fuzz" 2>&1
frc=$?
set -e
if [ "$frc" -eq 0 ]; then keep=4; else keep=60; fi
grep -vE "ld.gold: warning: Cannot export local symbol" "$log.fuzz" | tail -"$keep"
if [ "$frc" -eq 0 ]; then echo "fuzz: passed"; fpassed=1; ffailed=0; else echo "fuzz: FAILED"; fpassed=0; ffailed=1; fi
echo "tests: $(( ${passed:-0} + ${ppassed:-0} + fpassed )) passed, $(( ${failed:-0} + pfailed + ffailed )) failed"
rm -f "$log" "$log.pkg" "$log.fuzz"
[ "$rc" -eq 0 ] && [ "$prc" -eq 0 ] && [ "$frc" -eq 0 ]
