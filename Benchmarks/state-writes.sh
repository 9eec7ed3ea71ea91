#!/usr/bin/env bash
# What statusd writes to its state directory: 20 inputs at 200 lines/s each, a 5-minute rate rule
# and a 99.9%/30-day SLO grouped by input (issue 21), today's design (BASELINE, a build of main)
# beside the new one (NEW). For each, over SECONDS of traffic (after the daemon is ready):
#   - bytes written, from /proc/PID/io write_bytes (stderr goes to /dev/null, so the state files
#     are all statusd writes to disk), and from strace: the write(2)s to files in state_dir;
#   - fsync(2)/fdatasync(2) calls a second (strace);
#   - each figure scaled to an hour and a day (the run is a few minutes; see below).
# The new design writes the snapshot (state.json) every 5 minutes or rarer, so a run of SECONDS
# (default 330: one scheduled snapshot falls inside) is then scaled. Both designs' snapshots grow
# as the 30-day series fill, so a second part starts each daemon from a state whose 30-day series
# are full (see `full` below), runs FULL_SECONDS (60) of the same traffic, stops it cleanly, and
# prints the state file's size, the bytes written meanwhile and the per-day cost the size implies:
# old, one write a second while lines are read; new, one snapshot per `interval` (5 minutes, or
# size / 578 bytes a second, at most 1 h: see CheckpointStore.snapshotInterval).
#   Benchmarks/state-writes.sh [SECONDS]     NEW=path/to/statusd BASELINE=path/to/old/statusd
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-330}
full_seconds=${FULL_SECONDS:-60}
NEW=${NEW:-$PWD/.build/debug/statusd}
BASELINE=${BASELINE:-/work/main/.build/debug/statusd}
for b in "$NEW" "$BASELINE"; do [ -x "$b" ] || { echo "no binary at $b (set NEW / BASELINE)"; exit 1; }; done
command -v strace >/dev/null || { echo "strace is needed (apt-get install strace)"; exit 1; }
base=$(mktemp -d /var/tmp/state-writes.XXXXXX)
pid= spid= wpid=
cleanup() { for p in $wpid $spid; do kill "$p" 2>/dev/null || true; done; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$base"; }
trap cleanup EXIT

config() { # $1 dir, $2 extra input keys
  { echo "inputs:"
    for i in $(seq 1 20); do echo "  - {name: web$i, path: $1/logs/web$i.log$2}"; done
    cat <<YAML
rules:
  - {name: server-errors, match: 5xx, rate_above: 5%, window: 5m}
  - {name: availability, match: 5xx, objective: 99.9%, period: 30d, group_by: [input]}
status: {socket: $1/s.sock}
state_dir: $1/state
YAML
  } > "$1/statusd.yaml"
}

start() { # $1 binary, $2 dir
  "$1" run --config "$2/statusd.yaml" >/dev/null 2>&1 & pid=$!
  for _ in $(seq 1 150); do "$1" status --socket "$2/s.sock" --json >/dev/null 2>&1 && return 0 || sleep 0.2; done
  echo "statusd did not answer"; exit 1
}

lines_counted() { # $1 binary, $2 dir
  "$1" status --socket "$2/s.sock" --json | python3 -c 'import json,sys; print(sum(i["lines"] for i in json.load(sys.stdin)["inputs"]))'
}

stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }  # SIGTERM: a clean stop (snapshot)

# 20 files x 200 lines a second, stamped now, 1 in 2,000 a 502 (nothing fires).
writer() { # $1 dir, $2 seconds
  python3 - "$1/logs" "$2" <<'PY'
import sys, time
d, secs = sys.argv[1], float(sys.argv[2])
files = [open(f"{d}/web{i}.log", "a") for i in range(1, 21)]
start = time.time(); n = 0
while time.time() - start < secs:
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
    for f in files:
        f.write("".join(f'127.0.0.1 - - [{stamp}] "GET /p HTTP/1.1" {502 if (n + k) % 2000 == 0 else 200} 1 "-" "bench"\n' for k in range(20)))
        f.flush()
    n += 20
    time.sleep(max(0, start + n / 200 - time.time()))
print(n * 20)
PY
}

measure() { # $1 label, $2 binary
  local dir="$base/$1"; mkdir -p "$dir/logs"
  for i in $(seq 1 20); do : > "$dir/logs/web$i.log"; done
  config "$dir" ""
  start "$2" "$dir"
  sleep 1
  strace -f -y -qq -e trace=write,pwrite64,fsync,fdatasync -e signal=none -o "$dir/strace" -p "$pid" & spid=$!
  sleep 1
  local w0 w1 written counted
  w0=$(awk '/^write_bytes/ {print $2}' "/proc/$pid/io")
  written=$(writer "$dir" "$seconds")
  sleep 3
  w1=$(awk '/^write_bytes/ {print $2}' "/proc/$pid/io")
  counted=$(lines_counted "$2" "$dir")
  kill "$spid"; wait "$spid" 2>/dev/null || true; spid=
  stop
  python3 - "$1" "$dir" "$seconds" "$w0" "$w1" "$written" "$counted" <<'PY'
import re, sys, os
label, d, secs, w0, w1, written, counted = sys.argv[1], sys.argv[2], float(sys.argv[3]) + 3, int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
state = d + "/state/"
traced = fsyncs = writes = 0
for line in open(d + "/strace"):
    m = re.search(r'^\d+\s+(p?write(?:64)?)\(\d+<([^>]*)>.*=\s+(\d+)$', line)
    if m and m.group(2).startswith(state):
        traced += int(m.group(3)); writes += 1
    elif re.search(r'^\d+\s+f(data)?sync\(', line):
        fsyncs += 1
files = {f: os.path.getsize(state + f) for f in sorted(os.listdir(state)) if os.path.isfile(state + f)}
disk = w1 - w0
mb = lambda b: b / 1e6
print(f"{label}: {written} lines written, {counted} counted, over {secs:.0f} s")
print(f"  /proc/PID/io write_bytes: {mb(disk):8.2f} MB -> {mb(disk * 3600 / secs):8.1f} MB/hour, {mb(disk * 86400 / secs):8.1f} MB/day")
print(f"  write(2) to state_dir:    {mb(traced):8.2f} MB in {writes} writes -> {mb(traced * 3600 / secs):8.1f} MB/hour, {mb(traced * 86400 / secs):8.1f} MB/day")
print(f"  fsync/fdatasync: {fsyncs} -> {fsyncs / secs:.2f} a second")
print("  state files after the run: " + ", ".join(f"{k} {v} B" for k, v in files.items()))
PY
}

# The state once the 30-day series are full. Reading 30 days of history through the daemon would
# evaluate 2.6 million quiet seconds, so the state is made full instead: a short run writes the
# state file with its structure, then every long-window series' buckets are filled (per 10 s over
# the last hour, per minute over 3 days, per hour over 30 days: the SLO's tiers, as a month of
# traffic leaves them), and the daemon is started from that state for FULL_SECONDS of traffic.
full() { # $1 label, $2 binary
  local dir="$base/full-$1"; mkdir -p "$dir/logs"
  for i in $(seq 1 20); do : > "$dir/logs/web$i.log"; done
  config "$dir" ""
  start "$2" "$dir"
  writer "$dir" 5 >/dev/null
  sleep 2
  stop
  python3 - "$dir/state/state.json" <<'PY'
import json, sys, time
path = sys.argv[1]
doc = json.load(open(path))
now = int(time.time())
for key, series in (doc.get("long") or {}).items():
    tiers = []
    heads = []
    for width, slots, total, matched in ((10, 360, 2000, 1), (60, 4320, 12000, 6), (3600, 720, 720000, 360)):
        head = now // width
        tiers.append([[i, total, matched] for i in range(head - slots + 1, head + 1)])
        heads.append(head)
    series["tiers"] = tiers[:len(series["tiers"])]
    series["heads"] = heads[:len(series["heads"])]
json.dump(doc, open(path, "w"), separators=(",", ":"))
PY
  rm -f "$dir/state/state.json.prev"
  local filled; filled=$(stat -c %s "$dir/state/state.json")
  start "$2" "$dir"
  sleep 1
  local w0 w1
  w0=$(awk '/^write_bytes/ {print $2}' "/proc/$pid/io")
  writer "$dir" "$full_seconds" >/dev/null
  sleep 2
  w1=$(awk '/^write_bytes/ {print $2}' "/proc/$pid/io")
  stop
  local size; size=$(stat -c %s "$dir/state/state.json")
  python3 - "$1" "$filled" "$size" "$w0" "$w1" "$full_seconds" <<'PY'
import sys
label, filled, size, w0, w1, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]) + 2
disk = w1 - w0
if label == "old":
    per_day, how = size * 86400, "rewritten once a second while lines are read"
else:
    interval = min(3600, max(300, size // (50_000_000 // 86400)))
    per_day, how = size * 86400 / interval, f"one snapshot every {interval} s"
print(f"{label}, from a full 30-day state ({filled / 1e3:.0f} KB as filled): state.json {size / 1e3:.0f} KB after a clean stop; "
      f"{how}: {per_day / 1e6:.0f} MB/day. Measured over {secs} s of traffic: write_bytes {disk / 1e6:.2f} MB -> {disk * 86400 / secs / 1e6:.0f} MB/day")
PY
}

echo "20 inputs x 200 lines/s, 5-minute rate rule, 30-day SLO grouped by input; ${seconds} s of traffic"
echo "old: $BASELINE"
echo "new: $NEW"
measure old "$BASELINE"
measure new "$NEW"
full old "$BASELINE"
full new "$NEW"
