#!/usr/bin/env bash
# Heap allocations of `statusd replay --format combined`, counted with an LD_PRELOAD malloc counter
# (Benchmarks/malloc-count.c), on three logs: 20,000 lines over 200 s (the baseline), 200,000 lines
# over 2,000 s, and 200,000 lines over the same 200 s. If the hot path allocated per line, the third
# would be ~10x the baseline; work per second of log time (window flush, rule evaluation) shows
# in the second only.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product statusd >/dev/null
bin=$(swift build -c release --show-bin-path)/statusd
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cc -shared -fPIC -O2 -o "$dir/malloc-count.so" Benchmarks/malloc-count.c -ldl
python3 - "$dir" <<'PY'
import random, sys
random.seed(1)
for n, per_second, name in ((20000, 100, "base"), (200000, 100, "long"), (200000, 1000, "dense")):
    with open(f"{sys.argv[1]}/{name}.log", "w") as f:
        t = 1795168800
        for i in range(n):
            if i % per_second == 0: t += 1
            s = t % 86400
            f.write('1.2.3.4 - - [20/Nov/2026:%02d:%02d:%02d +0000] "GET /x?%d HTTP/1.1" %d 5 "-" "ua"\n'
                    % (s // 3600, s // 60 % 60, s % 60, i, random.choice([200, 200, 200, 404, 502])))
PY
for f in "base:20,000 lines over 200 s" "long:200,000 lines over 2,000 s" "dense:200,000 lines over 200 s"; do
  name=${f%%:*}
  a=$(LD_PRELOAD="$dir/malloc-count.so" "$bin" replay --format combined "$dir/$name.log" 2>&1 >/dev/null | sed -n 's/allocations: //p' | tail -1)
  echo "${f#*:}: $a allocations"
done
