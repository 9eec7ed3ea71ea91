#!/usr/bin/env bash
# statusd tailing a real nginx (127.0.0.1, one worker) that wrk drives as fast as it goes. Prints
# the request rate, statusd's CPU share of one core while the load runs, its lag at the end (from
# wrk's last request until statusd has counted every line the log holds), and whether its counts
# equal the log's, code by code. Baseline measured the same way in the same run: `tail -F` following
# the same log (the least a tailer can do: coreutils, inotify, no parsing), and nginx's own CPU.
#   Benchmarks/live-nginx.sh [SECONDS] [CONNECTIONS]     (defaults 20 and 32)
# Needs: nginx (nginx-light) and wrk from Debian's packages. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
conns=${2:-32}
for tool in nginx wrk; do command -v $tool >/dev/null || { echo "needs $tool: apt-get install nginx-light wrk"; exit 1; }; done
swift build -c release --product statusd >/dev/null
bin=$(swift build -c release --show-bin-path)/statusd
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$dir"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$dir/logs"
cat > "$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
user root;
events { worker_connections 1024; }
http {
    access_log $dir/logs/access.log combined;
    client_body_temp_path $dir/cb; proxy_temp_path $dir/px; fastcgi_temp_path $dir/fc; uwsgi_temp_path $dir/uw; scgi_temp_path $dir/sc;
    server {
        listen 127.0.0.1:$port;
        location / { return 200 "ok\n"; }
        location /unavailable { return 503; }
        location /missing { return 404; }
    }
}
CONF
touch "$dir/logs/access.log"
nginx -c "$dir/nginx.conf" -p "$dir" & pids+=($!)
cat > "$dir/statusd.yaml" <<YAML
inputs:
  - {name: web, path: $dir/logs/access.log, format: combined, start_at: beginning}
rules:
  - {name: server-errors, match: 5xx, rate_above: 5%, window: 5m}
  - {name: origin-errors, match: 52x, rate_above: 1%, window: 5m}
  - {name: client-aborts, match: aborts, rate_above: 10%, window: 5m}
status: {socket: $dir/s.sock}
state_dir: $dir/state
YAML
"$bin" run --config "$dir/statusd.yaml" 2>"$dir/statusd.err" & spid=$!; pids+=($spid)
tail -F -n 0 "$dir/logs/access.log" > /dev/null 2>&1 & tpid=$!; pids+=($tpid)
for _ in $(seq 1 100); do [ -S "$dir/s.sock" ] && curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
# 1 request in 100 gets a 503 and 2 in 100 a 404.
cat > "$dir/mix.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  if n % 100 == 0 then return wrk.format("GET", "/unavailable") end
  if n % 50 == 7 then return wrk.format("GET", "/missing") end
  return wrk.format("GET", "/ok?n=" .. n)
end
LUA
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks=$(getconf CLK_TCK)
worker=$(pgrep -P "$(cat "$dir/nginx.pid")" | head -1)
s0=$(cpu $spid); t0=$(cpu $tpid); n0=$(cpu "$worker"); w0=$(date +%s.%N)
wrk -t2 -c"$conns" -d"${seconds}s" -s "$dir/mix.lua" "http://127.0.0.1:$port/" > "$dir/wrk.out"
wend=$(date +%s.%N)
# Lag: until statusd has counted every line the log holds.
caught=""
for _ in $(seq 1 400); do
  logged=$(wc -l < "$dir/logs/access.log")
  counted=$("$bin" status --socket "$dir/s.sock" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["inputs"][0]["lines"])' || echo 0)
  if [ "$counted" -ge "$logged" ]; then caught=$(date +%s.%N); break; fi
  sleep 0.02
done
s1=$(cpu $spid); t1=$(cpu $tpid); n1=$(cpu "$worker"); w1=$(date +%s.%N)
"$bin" status --socket "$dir/s.sock" --json > "$dir/status.json"
python3 - "$dir" "$ticks" "$w0" "$wend" "${caught:-0}" "$w1" "$s0" "$s1" "$t0" "$t1" "$n0" "$n1" <<'PY'
import json, re, sys, collections
d, ticks = sys.argv[1], int(sys.argv[2])
w0, wend, caught, w1 = map(float, sys.argv[3:7])
s0, s1, t0, t1, n0, n1 = map(float, sys.argv[7:13])
wrk = open(f"{d}/wrk.out").read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
truth = collections.Counter()
lines = 0
for line in open(f"{d}/logs/access.log", errors="replace"):
    lines += 1
    truth[line.split('"')[2].split()[0]] += 1
doc = json.load(open(f"{d}/status.json"))
inp = doc["inputs"][0]
codes = {k: v for k, v in inp["codes"].items()}
equal = codes == dict(truth) and inp["lines"] == lines
span = w1 - w0
conns = re.search(r"(\d+) connections", wrk).group(1)
print(f"nginx on 127.0.0.1 (1 worker), wrk -t2 -c{conns} for {wend - w0:.1f} s: {rps:,.0f} requests/s, {lines:,} lines logged")
print(f"{'process':<28} {'CPU s':>7} {'% of one core':>14}")
for name, a, b in (("statusd run", s0, s1), ("tail -F (baseline)", t0, t1), ("nginx worker", n0, n1)):
    print(f"{name:<28} {(b - a) / ticks:7.2f} {100 * (b - a) / ticks / span:13.1f}%")
lag = caught - wend if caught else None
print(f"lag at the end: {'%.2f s' % lag if lag is not None else 'did not catch up within 8 s'} (from wrk's end until statusd had counted every logged line)")
print(f"counts equal to the log's, code by code: {'yes' if equal else 'NO'} (statusd {inp['lines']:,} lines {dict(sorted(codes.items()))}, log {lines:,} {dict(sorted(truth.items()))})")
PY
