#!/usr/bin/env bash
# Resident memory of the daemon with long windows: 100 inputs, a 6 h rate window and a 99.9%/30-day
# SLO rule run per input (100 series of burn-rate buckets: 10 s for 6 h, 1 min for 3 d, 1 h for
# 30 d), every input with traffic in its last 10 minutes. Baseline: the same inputs and traffic
# with one 5-minute rate rule, measured the same way. Prints VmRSS and VmHWM of both.
#   Benchmarks/rule-memory.sh [INPUTS]          (STATUSD=path/to/statusd to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
inputs=${1:-100}
if [ -z "${STATUSD:-}" ]; then
  swift build -c release --product statusd >/dev/null
  STATUSD=$(swift build -c release --show-bin-path)/statusd
fi
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
mkdir -p "$dir/logs"
now=$(date +%s)
# 600 seconds x 5 requests per input, 1% 502s, stamped over the last 10 minutes.
python3 - "$dir/logs" "$inputs" "$now" <<'PY'
import sys, time
d, n, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    with open(f"{d}/site{i}.log", "w") as f:
        for s in range(now - 600, now):
            t = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(s))
            for k in range(5):
                code = 502 if (s + k) % 100 == 0 else 200
                f.write(f'127.0.0.1 - - [{t}] "GET /p{k} HTTP/1.1" {code} 1 "-" "bench"\n')
PY
run() { # $1: id, $2: name, $3: rules yaml
  local cfg="$dir/$1.yaml"
  { echo "inputs:"
    for i in $(seq 0 $((inputs - 1))); do echo "  - {name: site$i, path: $dir/logs/site$i.log, start_at: beginning, max_skew: 1h}"; done
    echo "rules:"; echo "$3"
    echo "status: {socket: $dir/$1.sock}"; echo "state_dir: $dir/state-$1"; } > "$cfg"
  "$STATUSD" run --config "$cfg" 2>"$dir/$1.err" & pid=$!
  for _ in $(seq 1 100); do "$STATUSD" status --socket "$dir/$1.sock" --json >/dev/null 2>&1 && break || sleep 0.2; done
  sleep 3; kill -0 "$pid" 2>/dev/null || { echo "statusd exited:"; tail -5 "$dir/$1.err"; exit 1; }
  local lines
  lines=$({ "$STATUSD" status --socket "$dir/$1.sock" --json 2>/dev/null || true; } | python3 -c 'import json,sys; print(sum(i["lines"] for i in json.load(sys.stdin)["inputs"]))' || echo "?")
  printf '%-32s lines %-8s %s, %s\n' "$2" "$lines" "$(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ')" "$(grep VmHWM /proc/$pid/status | tr -s ' \t' ' ')"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}
echo "inputs: $inputs, binary: $STATUSD"
run base "baseline: one 5m rate rule" "  - {name: server-errors, match: 5xx, rate_above: 5%, window: 5m}"
run long "6h window + 30d SLO per input" "  - {name: server-errors, match: 5xx, rate_above: 5%, window: 6h}
  - {name: availability, match: 5xx, objective: 99.9%, period: 30d, group_by: [input], max_groups: $inputs}"
