#!/usr/bin/env bash
# Writes packaging/statusd.order: the functions a running daemon executes, hottest first, for the
# linker's --symbol-ordering-file (packaging/build-deb.sh).
#
# Why: the kernel maps a file-backed binary into a process a large folio at a time, so code spread
# thinly over 27 MB of text makes most of the text resident though only ~2 MB of it ever runs.
# Laid out first and together, the code the daemon runs fills a few MB; the rest (argument
# parsing, completions, replay, chart, unused parts of Foundation) stays on disk.
#
# How: the release binary runs under callgrind (instruction counts, no timing) through what a
# daemon does: start, restore, tail two logs, evaluate rate, SLO and grouped rules, fire and
# resolve, answer `statusd status` (text and JSON) and a Prometheus scrape, reload on SIGHUP,
# checkpoint, stop. Every function of the binary that ran is listed, most instructions first.
# A stale list only costs memory, never correctness: the linker places unknown names nowhere.
#   packaging/hot-code.sh            (STATUSD=path/to/release/statusd skips the build)
# Needs: valgrind, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${STATUSD:-}" ]; then
  swift build -c release --product statusd >/dev/null
  STATUSD=$(swift build -c release --show-bin-path)/statusd
fi
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
# valgrind 3.19 cannot read the toolchain's DWARF 5: profile a copy without debug sections (the
# symbol table, which names the functions, stays).
strip --strip-debug -o "$dir/statusd" "$STATUSD"
mkdir -p "$dir/logs"
now=$(date +%s)
python3 - "$dir/logs" "$now" <<'PY'
import sys, time
d, now = sys.argv[1], int(sys.argv[2])
for i, host in enumerate(["shop.example", "api.example"]):
    with open(f"{d}/site{i}.log", "w") as f:
        for s in range(now - 300, now):
            t = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(s))
            for k in range(5):
                code = 502 if (s // 60) % 2 and k == 0 else (499 if k == 1 and s % 7 == 0 else 200)
                f.write(f'{host}:443 10.0.0.{k} - - [{t}] "GET /api/orders/{s} HTTP/1.1" {code} 12 "-" "bench"\n')
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/statusd.yaml" <<EOF
inputs:
  - {name: shop, path: $dir/logs/site0.log, start_at: beginning, max_skew: 1h}
  - {name: api, path: $dir/logs/site1.log, start_at: beginning, max_skew: 1h}
rules:
  - {name: server-errors, match: 5xx, rate_above: 5%, window: 1m}
  - {name: origin-errors, match: 52x, rate_above: 1%, window: 5m, inhibits: [server-errors]}
  - {name: client-aborts, match: aborts, count_above: 5, window: 1m}
  - {name: availability, match: 5xx, objective: 99.9%, period: 30d, group_by: [input]}
  - {name: per-host, match: 5xx, rate_above: 5%, window: 2m, group_by: [host]}
  - {name: silent, no_traffic: 30s}
status: {socket: $dir/status.sock}
metrics: {listen: "127.0.0.1:$port"}
state_dir: $dir/state
EOF
run() {
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$dir/cg.$1" "$dir/statusd" run --config "$dir/statusd.yaml" >"$dir/run.$1" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do "$STATUSD" status --socket "$dir/status.sock" >/dev/null 2>&1 && break || sleep 0.2; done
  for round in 1 2 3; do
    sleep 3
    "$STATUSD" status --socket "$dir/status.sock" >/dev/null || true
    "$STATUSD" status --socket "$dir/status.sock" --json >/dev/null || true
    curl -sf "http://127.0.0.1:$port/metrics" >/dev/null || true
    t=$(date -u +%d/%b/%Y:%H:%M:%S)
    for k in $(seq 1 50); do echo "shop.example:443 10.0.0.1 - - [$t +0000] \"GET /p/$k HTTP/1.1\" 200 1 \"-\" \"x\""; done >> "$dir/logs/site0.log"
    [ "$round" = 2 ] && kill -HUP "$pid"
  done
  sleep 2
  kill -TERM "$pid"; wait "$pid" || true; pid=
}
run 1   # from an empty state directory
run 2   # restored from the checkpoint the first run left
# Self instructions per function of the binary, straight from callgrind's files (callgrind_annotate
# rounds its cumulative threshold and drops the tail: functions run once at start-up).
python3 - "$dir/statusd" "$dir"/cg.* > packaging/statusd.order <<'PY'
import re, sys
binary, files = sys.argv[1], sys.argv[2:]
cost = {}
for path in files:
    names, objects = {}, {}
    ob = fn = None
    skip = False
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line)
        if m:
            kind, ident, name = m.groups()
            table = objects if kind.endswith("ob") else names
            if name is not None:
                table[ident] = name
            if kind == "ob":
                ob = objects.get(ident)
            elif kind == "fn":
                fn = names.get(ident)
            continue
        if line.startswith("calls="):
            skip = True  # the next cost line is the call's inclusive cost
            continue
        if line[:1].isdigit() or line[:1] in "+-*":
            if skip:
                skip = False
            elif ob == binary and fn and not fn.startswith("0x"):
                parts = line.split()
                if len(parts) >= 2:
                    name = re.sub(r"'\d+$", "", fn)
                    cost[name] = cost.get(name, 0) + int(parts[-1])
for name in sorted(cost, key=lambda n: (-cost[n], n)):
    print(name)
PY
echo "packaging/statusd.order: $(wc -l < packaging/statusd.order) functions"
