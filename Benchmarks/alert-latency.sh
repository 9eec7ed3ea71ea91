#!/usr/bin/env bash
# Alert latency: from the write of the log line that crosses a limit (`for: 0s`) to the request
# arriving at a webhook receiver on 127.0.0.1, over N alerts (default 100). Prints p50, p99 and max.
#
# 100 rules each match one code (400..499) with `rate_above: 0%`, `min_requests: 1`, so each
# single line of its code fires its rule: one alert per line, nothing to resolve in between. Lines
# are written at random points within the second, 0.3-1.3 s apart, as live traffic would be.
# The baseline is the receiver itself: the same request sent by curl, write-to-arrival.
#   Benchmarks/alert-latency.sh [ALERTS]      (STATUSD=path to use a built binary as is)
set -euo pipefail
cd "$(dirname "$0")/.."
alerts=${1:-100}
if [[ -z "${STATUSD:-}" ]]; then
    swift build -c release --product statusd >/dev/null
    STATUSD=$(swift build -c release --show-bin-path)/statusd
fi
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { kill "${spid:-}" "${rpid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
echo ok > "$dir/mode"
python3 Tests/IntegrationTests/Support/receiver.py --port "$port" --log "$dir/requests.jsonl" --mode-file "$dir/mode" >/dev/null 2>&1 & rpid=$!
{
    echo "inputs:"
    echo "  - {name: web, path: $dir/access.log}"
    echo "rules:"
    for code in $(seq 400 499); do
        echo "  - {name: c$code, match: $code, rate_above: 0%, min_requests: 1, window: 10s, for: 0s}"
    done
    echo "sinks:"
    echo "  - {name: bench, type: webhook, url: \"http://127.0.0.1:$port/hook\"}"
    echo "status: {socket: $dir/s.sock}"
    echo "state_dir: $dir/state"
} > "$dir/statusd.yaml"
: > "$dir/access.log"
"$STATUSD" run --config "$dir/statusd.yaml" 2>"$dir/statusd.stderr" & spid=$!
for _ in $(seq 50); do [[ -S "$dir/s.sock" ]] && break; sleep 0.1; done
sleep 1
python3 - "$dir" "$alerts" "$port" <<'PY'
import json, random, subprocess, sys, time
d, n, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
codes = random.sample(range(400, 500), min(n, 100))
written = {}
with open(d + "/access.log", "a") as f:
    for code in codes:
        time.sleep(random.uniform(0.3, 1.3))
        stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
        f.write(f'127.0.0.1 - - [{stamp}] "GET /x HTTP/1.1" {code} 12 "-" "bench"\n')
        f.flush()
        written[f"c{code}"] = time.time()
deadline = time.time() + 30
arrived = {}
while time.time() < deadline and len(arrived) < len(written):
    time.sleep(0.2)
    for line in open(d + "/requests.jsonl"):
        r = json.loads(line)
        rule = json.loads(r["body"]).get("rule")
        if rule in written and rule not in arrived:
            arrived[rule] = r["t"]
lat = sorted((arrived[k] - written[k]) * 1000 for k in arrived)
def pct(p): return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))]
# Baseline: the same kind of request from curl, write-to-arrival, 20 times.
base = []
for i in range(20):
    t0 = time.time()
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json",
                    "--data", json.dumps({"rule": f"base{i}"}), f"http://127.0.0.1:{port}/base"], check=True)
    for line in open(d + "/requests.jsonl"):
        r = json.loads(line)
        if json.loads(r["body"]).get("rule") == f"base{i}":
            base.append((r["t"] - t0) * 1000)
base.sort()
print(f"alerts: {len(written)} written, {len(arrived)} arrived (missing: {len(written) - len(arrived)})")
if lat:
    print(f"statusd write-to-request latency: p50 {pct(50):.0f} ms, p99 {pct(99):.0f} ms, max {lat[-1]:.0f} ms, min {lat[0]:.0f} ms")
if base:
    print(f"baseline (curl to the same receiver): p50 {base[len(base)//2]:.1f} ms, max {base[-1]:.1f} ms")
print("note: a limit crossed by the lines just read fires at once, within its second (Monitor.evaluateOpenSecond);")
print("the path is inotify wake-up, read, evaluation, outbox checkpoint (fsync), delivery wake-up, HTTP request.")
PY
