#!/usr/bin/env bash
# `statusd replay --threads 2` against its own `--threads 1`, side by side: one generated log
# (combined, nginx-json or cloudfront) in the page cache, the two runs alternated RUNS times (so both see the same load), each pair's
# wall-time ratio printed with the load average at that moment, then the best and the median ratio.
# On a machine shared with other work the median is the honest figure; the best is what two free
# cores give. Each run also shows the CPU other processes used meanwhile (the machine's busy time
# less the run's own), and the median over the pairs where that stayed under 0.1 s is printed apart. Every run's per-status counts are checked equal to the one-thread run's.
#   Benchmarks/threads.sh [LINES] [RUNS] [THREADS] [FORMAT]
#   (defaults 5,500,000 lines ~ 1 GB of combined, 7 runs, 2 threads, combined)
#   STATUSD=path/to/statusd skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-5500000}
runs=${2:-7}
threads=${3:-2}
format=${4:-combined}
if [ -z "${STATUSD:-}" ]; then
  swift build -c release --product statusd >/dev/null
  STATUSD=$(swift build -c release --show-bin-path)/statusd
fi
# Busy CPU ticks of the whole machine (user, nice, system, irq, softirq, steal).
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
log=$dir/access.log
"$STATUSD" gen --format "$format" --lines "$lines" --seed 42 --incident 600+300:502:20% -o "$log"
cat "$log" > /dev/null
bytes=$(stat -c %s "$log")
: > "$dir/pairs"
for r in $(seq 1 "$runs"); do
  for n in 1 "$threads"; do
    before=$(busy)
    /usr/bin/time -f '%e %U %S' -o "$dir/time.$n" "$STATUSD" replay --json --threads "$n" --format "$format" "$log" > "$dir/out.$n"
    # The CPU other processes used during the run: the machine's busy time less the run's own.
    echo "$(cat "$dir/time.$n") $before $(busy)" | awk -v tck="$(getconf CLK_TCK)" '{printf "%s %s %s %.2f\n", $1, $2, $3, ($5 - $4) / tck - $2 - $3}' > "$dir/run.$n"
  done
  python3 - "$dir/out.1" "$dir/out.$threads" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("lines", "counts", "codes", "ignored", "timeline"):
    assert a[key] == b[key], f"threads changed the {key}"
PY
  echo "$(cat "$dir/run.1") $(cat "$dir/run.$threads") $(cut -d' ' -f1 /proc/loadavg)" >> "$dir/pairs"
done
python3 - "$dir/pairs" "$bytes" "$threads" "$format" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
size, n, fmt = int(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"replay of {size / 1e6:,.0f} MB {fmt}, --threads 1 against --threads {n}, alternated; {len(rows)} pairs")
print(f"{'run':>3} {'1 thread s':>10} {'CPU s':>6} {n + ' threads s':>11} {'CPU s':>6} {'speed-up':>9} {'others CPU s':>13} {'load 1m':>8}")
ratios, quiet = [], []
for k, (w1, u1, s1, o1, w2, u2, s2, o2, load) in enumerate(rows, 1):
    ratios.append(w1 / w2)
    # Others' CPU during the pair's runs: near 0 when the second core was free for this run.
    if max(o1, o2) < 0.10: quiet.append(w1 / w2)
    print(f"{k:>3} {w1:10.2f} {u1 + s1:6.2f} {w2:11.2f} {u2 + s2:6.2f} {w1 / w2:8.2f}x {o1:6.2f} {o2:6.2f} {load:8.2f}")
print(f"speed-up by wall time: best {max(ratios):.2f}x, median {statistics.median(ratios):.2f}x "
      f"(one thread at best {size / min(r[0] for r in rows) / 1e6:,.0f} MB/s, {n} threads at best {size / min(r[4] for r in rows) / 1e6:,.0f} MB/s)")
if quiet:
    print(f"pairs during which other processes used under 0.1 s of CPU per run: {len(quiet)}, median speed-up {statistics.median(quiet):.2f}x")
else:
    print("no pair ran with the machine otherwise idle (others' CPU 0.1 s or more in every pair)")
PY
