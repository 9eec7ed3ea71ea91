#!/usr/bin/env bash
# statusd replay against its peers, side by side in one run, on one generated log in the page cache:
#   wc -l (the physical floor), mawk counting the status field, and where installed mtail, goaccess
#   (status panel) and lnav (SQL), then statusd replay on one core (--threads 1, 3 default rules)
#   and, for combined, on all cores. One table: seconds, MB/s, lines/s, peak RSS, and each tool's speed as a ratio
#   to statusd's one-core speed. The slow peers (mtail, goaccess, lnav: minutes per GB) read the
#   first PEER_LINES lines of the same log, and statusd reads that sample too, beside them.
# Every tool's per-status counts are checked against statusd's on the same file before its ratio
# is printed.
#   Benchmarks/compare.sh [FORMAT] [LINES] [RUNS] [PEER_LINES]
#     FORMAT: combined (default), nginx-json, cloudfront or nginx-custom (nginx with a custom
#     `log_format`, host and upstream status first, read with `format: nginx` + `log_format:`); LINES default 5,500,000 (about 1 GB
#     of combined); RUNS default 3 (the fast tools); PEER_LINES default 200,000. Peers that read
#     only combined are skipped for other formats.
# Needs: mawk (Debian: mawk); optional: mtail, goaccess, lnav (apt-get install mtail goaccess lnav).
# STATUSD=path/to/statusd skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
format=${1:-combined}
lines=${2:-5500000}
runs=${3:-3}
peer_lines=${4:-200000}
if [ -n "${STATUSD:-}" ]; then
  bin=$STATUSD
else
  swift build -c release --product statusd >/dev/null
  bin=$(swift build -c release --show-bin-path)/statusd
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
log=$dir/access.log
"$bin" gen --format "$format" --lines "$lines" --seed 42 --incident 600+300:502:20% --incident 4000+200:499:40% -o "$log"
bytes=$(stat -c %s "$log")
sample=$dir/sample.log
head -n "$peer_lines" "$log" > "$sample"
cat "$log" "$sample" > /dev/null

# run NAME REPEATS command...: the run with the least CPU time (user + system) of REPEATS, with its
# wall time and peak RSS; the tool's output is kept in $dir/NAME.out. On a machine shared with other
# work, CPU time is the steadier measure; wall time is shown beside it.
run() {
  local name=$1 repeats=$2; shift 2
  for _ in $(seq 1 "$repeats"); do
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$@" > "$dir/$name.out" 2> "$dir/$name.err" || { echo "$name failed:"; tail -3 "$dir/$name.err"; return 1; }
    echo "$name|${file_tag:-full} $(cat "$dir/time")" >> "$dir/samples"
  done
}

: > "$dir/samples"
run "wc -l" "$runs" wc -l "$log"
case $format in
  combined)   run "mawk" "$runs" mawk '{c[$9]++} END {for (k in c) print k, c[k]}' "$log" ;;
  nginx-json) run "mawk" "$runs" mawk -F'"status":"' '{c[substr($2, 1, 3)]++} END {for (k in c) print k, c[k]}' "$log" ;;
  cloudfront) run "mawk" "$runs" mawk -F'\t' '!/^#/ {c[$9]++} END {for (k in c) print k, c[k]}' "$log" ;;
  # ($upstream_status may be a list, "502, 504": the status is the first word after the request's closing quote.)
  nginx-custom) run "mawk" "$runs" mawk -F'"' '{split($3, w, " "); c[w[1]]++} END {for (k in c) print k, c[k]}' "$log" ;;
esac
# nginx-custom: statusd reads it by its log_format, from a config input.
statusd_format=(--format "$format")
if [ "$format" = nginx-custom ]; then
  # LogGenerator.nginxCustomFormat
  cat > "$dir/log_format" <<'FMT'
$host $upstream_status $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $upstream_addr $request_time
FMT
  printf 'inputs:\n  - name: custom\n    path: %s\n    format: nginx\n    log_format: %s\n' "$log" \
    "'$(sed "s/'/''/g" "$dir/log_format")'" > "$dir/statusd.yaml"
  # A config needs rules: replay's three defaults, as `statusd replay --help` states them.
  cat >> "$dir/statusd.yaml" <<'RULES'
rules:
  - {name: server-errors, match: 5xx, rate_above: 5%, window: 5m, min_requests: 20}
  - {name: origin-errors, match: 52x, rate_above: 1%, window: 5m, min_requests: 20}
  - {name: client-aborts, match: aborts, rate_above: 10%, window: 5m, min_requests: 20}
RULES
  statusd_format=(--config "$dir/statusd.yaml")
fi
if [ "$format" = combined ]; then
  if command -v mtail >/dev/null; then
    mkdir -p "$dir/progs"
    cat > "$dir/progs/status.mtail" <<'MTAIL'
counter requests by status
/^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" (?P<status>\d{3}) / {
  requests[$status]++
}
MTAIL
    file_tag=sample run "mtail" 1 mtail --one_shot --one_shot_format json --progs "$dir/progs" --logs "$sample"
  fi
  if command -v goaccess >/dev/null; then
    file_tag=sample run "goaccess" 1 goaccess "$sample" --log-format=COMBINED --no-global-config --no-progress --ignore-panel=VISITORS -o "$dir/goaccess.json"
  fi
  if command -v lnav >/dev/null; then
    file_tag=sample run "lnav" 1 lnav -n -c ';SELECT sc_status, count(*) AS n FROM access_log GROUP BY sc_status' -c ':write-csv-to -' "$sample"
  fi
  file_tag=sample run "statusd (sample)" "$runs" "$bin" replay --json --threads 1 --format "$format" "$sample"
fi
run "statusd" "$runs" "$bin" replay --json --threads 1 "${statusd_format[@]}" "$log"
# --threads splits combined (and common, alb, haproxy); JSON and CloudFront are read on one thread.
if [ "$format" = combined ]; then
  run "statusd --threads $(nproc)" "$runs" "$bin" replay --json --threads "$(nproc)" --format "$format" "$log"
fi

python3 - "$dir" "$bytes" "$lines" "$format" "$(stat -c %s "$sample")" "$(wc -l < "$sample")" <<'PY'
import json, os, sys
d, size, lines, fmt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
files = {"full": (size, lines), "sample": (int(sys.argv[5]), int(sys.argv[6]))}
best, tag = {}, {}
for l in open(os.path.join(d, "samples")).read().splitlines():
    key, wall, user, sys_, rss = l.rsplit(" ", 4)
    name, t = key.split("|")
    tag[name] = t
    cpu = max(0.01, float(user) + float(sys_))  # /usr/bin/time counts in 10 ms steps
    if name not in best or cpu < best[name][1]: best[name] = (float(wall), cpu, int(rss))
rows = list(best.items())
def out(name): return open(os.path.join(d, name + ".out")).read()
def codes(name): return {int(k): v for k, v in json.loads(out(name))["codes"].items()}
refs = {"full": codes("statusd")}
if "statusd (sample)" in best: refs["sample"] = codes("statusd (sample)")
assert sum(refs["full"].values()) == lines, f"statusd counted {sum(refs['full'].values())} requests of {lines} lines"
def counts(name):
    """The tool's per-status counts, or None when it reports none (wc)."""
    if name == "wc -l": return None
    if name == "mawk":
        return {int(k): int(v) for k, v in (l.split() for l in out(name).splitlines())}
    if name == "mtail":
        doc = json.loads(out(name))
        return {int(lv["Labels"][0]): int(lv["Value"]["Value"]) for lv in doc["requests"][0]["LabelValues"]}
    if name == "goaccess":
        doc = json.load(open(os.path.join(d, "goaccess.json")))
        return {int(i["data"].split()[0]): i["hits"]["count"] for c in doc["status_codes"]["data"] for i in c.get("items", [])}
    if name == "lnav":
        body = out(name).splitlines()[1:]
        return {int(k): int(v) for k, v in (l.split(",") for l in body if l)}
    return {int(k): v for k, v in json.loads(out(name))["codes"].items()}
base = size / best["statusd"][1]  # statusd's one-core bytes per CPU second
print(f"{fmt}: {lines:,} lines, {size / 1e6:,.0f} MB (slow peers: the first {files['sample'][1]:,} lines, {files['sample'][0] / 1e6:,.0f} MB), in the page cache; machine: {os.cpu_count()} cores, {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
print(f"{'tool':<22} {'file':>6} {'wall s':>7} {'CPU s':>7} {'MB/s':>8} {'lines/s':>12} {'peak RSS':>10} {'counts':>7} {'statusd is':>11}")
for name, (wall, t, rss) in rows:
    fsize, flines = files[tag[name]]
    ref = refs[tag[name]]
    c = counts(name)
    if c is None:
        ok = "n/a"
    elif c == ref:
        ok = "equal"
    else:
        diff = {k: (c.get(k, 0), ref.get(k, 0)) for k in set(c) | set(ref) if c.get(k, 0) != ref.get(k, 0)}
        ok = "DIFFER"
        print(f"  {name}: counts differ from statusd's (tool, statusd): {dict(list(diff.items())[:5])}")
    rate = fsize / t
    ratio = "" if name == "statusd" else (f"{base / rate:.2f}x" if ok != "DIFFER" else "(no ratio)")
    if name == "wc -l": ratio = f"{base / rate:.2f}x"
    if name.startswith("statusd --threads"):
        # All cores: its speed by wall time against the one-core run's wall time.
        ratio = f"{best['statusd'][0] / wall:.2f}x wall"
    print(f"{name:<22} {tag[name]:>6} {wall:7.2f} {t:7.2f} {fsize / t / 1e6:8,.0f} {flines / t:12,.0f} {rss / 1024:7,.0f} MB {ok:>7} {ratio:>11}")
print("MB/s and lines/s by CPU time (user + system; the least of the runs). 'statusd is': statusd's one-core MB/s")
print("over the tool's (3.00x: statusd is three times as fast); for wc -l, below 1 is how close")
print("statusd comes to the physical floor. statusd --threads: its wall-time speed-up over --threads 1.")
PY
