#!/usr/bin/env bash
# Container envelopes against plain lines, side by side in one run: the same generated combined log
# as it is, as a CRI runtime writes it (`<time> stdout F <line>`) and as Docker's json-file driver
# writes it (`{"log":"<line, JSON-escaped>\n","stream":"stdout","time":"..."}`), each read by
# `statusd replay` on one core (`wrapper: cri` / `wrapper: docker` from a config input). Prints
# MB/s and lines/s by CPU time (best of RUNS) and each one's time as a ratio to plain combined's,
# after checking that every variant counts the same statuses.
#   Benchmarks/wrapper.sh [LINES] [RUNS]     LINES default 3,000,000; RUNS default 3
# STATUSD=path/to/statusd skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-3000000}
runs=${2:-3}
if [ -n "${STATUSD:-}" ]; then
  bin=$STATUSD
else
  swift build -c release --product statusd >/dev/null
  bin=$(swift build -c release --show-bin-path)/statusd
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" gen --format combined --lines "$lines" --seed 42 --incident 600+300:502:20% -o "$dir/plain.log"
mawk '{print "2026-12-07T15:06:42.123456789Z stdout F " $0}' "$dir/plain.log" > "$dir/cri.log"
mawk '{gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); print "{\"log\":\"" $0 "\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-07T15:06:42.123456789Z\"}"}' \
  "$dir/plain.log" > "$dir/docker.log"
# Each file rewritten in 4 MiB writes, as `gen` writes the plain one: a file written 4 KiB at a
# time (mawk) sits in the page cache in small pages, which costs its reader several times the
# kernel time to map (0.10 s against 0.01 s of system time here), whatever the reader does.
for v in cri docker; do
  dd if="$dir/$v.log" of="$dir/$v.big" bs=4M status=none && mv "$dir/$v.big" "$dir/$v.log"
done
for w in cri docker; do
  cat > "$dir/$w.yaml" <<YAML
inputs:
  - {name: $w, path: $dir/$w.log, format: combined, wrapper: $w}
rules:
  - {name: server-errors, match: 5xx, rate_above: 5%, window: 5m, min_requests: 20}
  - {name: origin-errors, match: 52x, rate_above: 1%, window: 5m, min_requests: 20}
  - {name: client-aborts, match: aborts, rate_above: 10%, window: 5m, min_requests: 20}
YAML
done
cat "$dir"/*.log > /dev/null
: > "$dir/samples"
run() {
  local name=$1; shift
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$@" > "$dir/$name.out" 2> "$dir/$name.err" || { echo "$name failed:"; tail -3 "$dir/$name.err"; exit 1; }
    echo "$name $(cat "$dir/time")" >> "$dir/samples"
  done
}
run plain "$bin" replay --json --threads 1 --format combined "$dir/plain.log"
run cri "$bin" replay --json --threads 1 --config "$dir/cri.yaml" "$dir/cri.log"
run docker "$bin" replay --json --threads 1 --config "$dir/docker.yaml" "$dir/docker.log"
python3 - "$dir" "$lines" <<'PY'
import json, os, sys
d, lines = sys.argv[1], int(sys.argv[2])
best = {}
for l in open(os.path.join(d, "samples")).read().splitlines():
    name, wall, user, sys_, rss = l.split()
    cpu = max(0.01, float(user) + float(sys_))
    if name not in best or cpu < best[name][1]: best[name] = (float(wall), cpu, int(rss))
codes = {n: json.load(open(os.path.join(d, n + ".out")))["codes"] for n in best}
for n in codes: assert codes[n] == codes["plain"], f"{n} counts {codes[n]} but plain counts {codes['plain']}"
assert sum(codes["plain"].values()) == lines
print(f"{lines:,} combined lines, plain and in container envelopes, one core; machine: {os.cpu_count()} cores")
print(f"{'variant':<8} {'MB':>7} {'CPU s':>7} {'MB/s':>8} {'lines/s':>12} {'peak RSS':>9} {'CPU time vs plain':>18}")
for n, (wall, cpu, rss) in best.items():
    size = os.path.getsize(os.path.join(d, n + ".log"))
    print(f"{n:<8} {size/1e6:>7,.0f} {cpu:>7.2f} {size/cpu/1e6:>8,.0f} {lines/cpu:>12,.0f} {rss/1024:>7.0f}MB {cpu/best['plain'][1]:>17.2f}x")
print("counts: identical in all three")
PY
