#!/usr/bin/env bash
# Parsing throughput of `statusd replay` (combined format, release build) on a generated log in
# the page cache, side by side with baselines measured the same way in the same run:
#   wc -l (the physical floor) and mawk counting $9 (the classic one-liner).
# One core of two on a noisy machine: compare the ratios, not the absolute times.
#   Benchmarks/throughput.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-2000000}
swift build -c release --product statusd >/dev/null
bin=$(swift build -c release --show-bin-path)/statusd
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/access.log" "$lines" <<'PY'
import sys, random
random.seed(7)
path, n = sys.argv[1], int(sys.argv[2])
paths = ["/", "/index.html", "/api/v1/cart?id=%d", "/static/app.%d.js", "/img/p/%d.jpg"]
codes = [200]*90 + [304]*4 + [404]*3 + [301, 502, 503]
with open(path, "w") as f:
    t = 1795168800
    for i in range(n):
        if i % 300 == 0: t += 1
        p = random.choice(paths)
        if "%d" in p: p = p % random.randint(1, 99999)
        s = t % 86400
        stamp = "20/Nov/2026:%02d:%02d:%02d +0000" % (s // 3600, s // 60 % 60, s % 60)
        f.write('203.0.113.%d - - [%s] "GET %s HTTP/1.1" %d %d "https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"\n'
                % (random.randint(1, 254), stamp, p, random.choice(codes), random.randint(100, 90000)))
PY
bytes=$(stat -c %s "$dir/access.log")
cat "$dir/access.log" > /dev/null
run() { # name command...
  local name=$1; shift
  local best=999999
  for _ in 1 2 3; do
    local s=$(date +%s.%N); "$@" > /dev/null; local e=$(date +%s.%N)
    best=$(python3 -c "print(min($best, $e - $s))")
  done
  python3 -c "b=$bytes; t=$best; n=$lines; print(f'{\"$name\":<28} {t:7.3f} s  {b/t/1e6:8.1f} MB/s  {n/t/1e6:6.2f} M lines/s')"
  echo "$best" > "$dir/$name.t"
}
echo "$lines lines, $((bytes / 1000000)) MB, best of 3"
run "wc -l" wc -l "$dir/access.log"
if command -v mawk >/dev/null; then run "mawk count \$9" mawk '{c[$9]++} END {for (k in c) print k, c[k]}' "$dir/access.log"; fi
run "statusd replay (combined)" "$bin" replay --format combined "$dir/access.log"
run "statusd replay (auto)" "$bin" replay --format auto "$dir/access.log"
python3 - "$dir" <<'PY'
import sys, os
d = sys.argv[1]
t = {f[:-2]: float(open(os.path.join(d, f)).read()) for f in os.listdir(d) if f.endswith(".t")}
s = t["statusd replay (combined)"]
for k in sorted(t):
    if k != "statusd replay (combined)": print(f"statusd / {k}: {t[k]/s:.2f}x the speed")
PY
