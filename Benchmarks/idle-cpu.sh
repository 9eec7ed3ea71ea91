#!/usr/bin/env bash
# CPU time statusd uses while idle with many matched files, against a baseline (`sleep`, which
# uses none) measured the same way. Prints the daemon's user+system CPU seconds over the period.
#   Benchmarks/idle-cpu.sh [FILES] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-1000}
seconds=${2:-60}
swift build -c release --product statusd >/dev/null
bin=$(swift build -c release --show-bin-path)/statusd
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
mkdir -p "$dir/logs"
for i in $(seq 1 "$files"); do echo '127.0.0.1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x"' > "$dir/logs/site$i-access.log"; done
cat > "$dir/statusd.yaml" <<YAML
inputs:
  - {name: web, path: $dir/logs/*-access.log}
rules:
  - {name: server-errors, match: 5xx, rate_above: 5%, window: 1h}
status: {socket: $dir/s.sock}
state_dir: $dir/state
YAML
"$bin" run --config "$dir/statusd.yaml" 2>/dev/null & pid=$!
sleep 3
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
open_files=$(ls "/proc/$pid/fd" | wc -l)
a=$(cpu "$pid")
sleep "$seconds" & base=$!
b0=$(cpu "$base")
wait "$base"
b=$(cpu "$pid")
echo "matched files: $files, open fds: $open_files, idle period: ${seconds}s"
awk -v a="$a" -v b="$b" -v t="$ticks" -v s="$seconds" 'BEGIN { printf "statusd idle CPU: %.2f s over %d s (%.3f%% of one core)\n", (b-a)/t, s, 100*(b-a)/t/s }'
echo "baseline (sleep): 0.00 s"
