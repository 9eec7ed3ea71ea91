#!/usr/bin/env bash
# Resident memory of the daemon, every input with traffic in its last 10 minutes (600 s x 5
# requests), measured 3 s after it caught up. Four runs, each printed with VmRSS (of which anonymous
# memory and mapped files: the binary and its libraries) and VmHWM:
#   baseline:  ONE input, ten 1 h rate rules (the fixed cost: runtime, libraries, the binary);
#   issue 10:  INPUTS inputs and ten rules with 1 h windows (target: under 30 MB resident);
#   issue 9:   INPUTS inputs, a 6 h rate window and a 99.9%/30-day SLO rule run per input
#              (group_by input: INPUTS series of burn-rate buckets; target: under 30 MB);
#   issue 10 again with MALLOC_ARENA_MAX=2 set in the environment (the daemon now asks glibc for two
#              arenas itself, so this should match the second run).
# "proportional" is the PSS: mapped library pages shared with other processes count by their share.
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
run() { # $1: id, $2: name, $3: rules yaml, $4: inputs (default INPUTS); environment: ENV (VAR=value ...)
  local cfg="$dir/$1.yaml" n=${4:-$inputs}
  { echo "inputs:"
    for i in $(seq 0 $((n - 1))); do echo "  - {name: site$i, path: $dir/logs/site$i.log, start_at: beginning, max_skew: 1h}"; done
    echo "rules:"; echo "$3"
    echo "status: {socket: $dir/$1.sock}"; echo "state_dir: $dir/state-$1"; } > "$cfg"
  env ${ENV:-} "$STATUSD" run --config "$cfg" 2>"$dir/$1.err" & pid=$!
  for _ in $(seq 1 100); do "$STATUSD" status --socket "$dir/$1.sock" --json >/dev/null 2>&1 && break || sleep 0.2; done
  sleep 3; kill -0 "$pid" 2>/dev/null || { echo "statusd exited:"; tail -5 "$dir/$1.err"; exit 1; }
  local lines
  lines=$({ "$STATUSD" status --socket "$dir/$1.sock" --json 2>/dev/null || true; } | python3 -c 'import json,sys; print(sum(i["lines"] for i in json.load(sys.stdin)["inputs"]))' || echo "?")
  local kb anon file hwm
  kb=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status); hwm=$(awk '/^VmHWM/ {print $2}' /proc/$pid/status)
  anon=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status); file=$(awk '/^RssFile/ {print $2}' /proc/$pid/status)
  local pss
  pss=$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)
  printf '%-44s lines %-8s resident %5.1f MB (anonymous %5.1f, files %5.1f), peak %5.1f MB, proportional %5.1f MB\n' "$2" "$lines" \
    "$(echo "$kb / 1024" | bc -l)" "$(echo "$anon / 1024" | bc -l)" "$(echo "$file / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)" "$(echo "$pss / 1024" | bc -l)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}
echo "inputs: $inputs, binary: $STATUSD"
ten_rules() { for r in $(seq 1 10); do echo "  - {name: rule$r, match: 5xx, rate_above: $r%, window: 1h}"; done; }
run one "baseline: 1 input, 10 rules, 1 h windows" "$(ten_rules)" 1
run ten "$inputs inputs, 10 rules, 1 h windows" "$(ten_rules)"
run long "$inputs inputs, 6 h window + 30 d SLO per input" "  - {name: server-errors, match: 5xx, rate_above: 5%, window: 6h}
  - {name: availability, match: 5xx, objective: 99.9%, period: 30d, group_by: [input], max_groups: $inputs}"
ENV=MALLOC_ARENA_MAX=2 run arena "$inputs inputs, 10 rules, 1 h, MALLOC_ARENA_MAX=2" "$(ten_rules)"
