#!/usr/bin/env bash
# Rule evaluation cost per event second for a 10 s and a 6 h window, side by side in one run
# (ordo-one/benchmark, Benchmarks/Package.swift): a Monitor with 3 rate rules on one input, its
# window prefilled with traffic, evaluating further seconds with 5 lines each. Window sums are
# incremental, so the claim is a ratio near 1 (6 h costs what 10 s costs).
#   Benchmarks/rule-eval.sh
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
swift package --allow-writing-to-package-directory benchmark --filter 'RuleEval/.*' --no-progress >"$out" 2>&1 || { cat "$out"; exit 1; }
python3 - "$out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rows = {}
for name in ("RuleEval/10s", "RuleEval/6h"):
    block = text.split("\n" + name + "\n", 1)[1].split("╛", 1)[0]
    def p50(metric):
        line = next(l for l in block.splitlines() if l.startswith("│ " + metric))
        cells = [c.strip() for c in line.split("│")[1:-1]]
        return cells[0], float(cells[3])  # metric label, p50
    tl, tp = p50("Throughput")
    _, ns = p50("Time (wall clock)")
    _, mallocs = p50("Malloc (total)")
    scale = {"(K)": 1e3, "(M)": 1e6}.get(tl.split()[-1], 1)
    rows[name] = (tp * scale, ns, mallocs)
print("Rule evaluation per event second: 3 rate rules, one input, window prefilled, 5 lines a second (p50)")
print(f"{'benchmark':<14} {'seconds/s':>12} {'ns/second':>10} {'mallocs/second':>15}")
for name, (tp, ns, m) in rows.items():
    print(f"{name:<14} {tp:>12,.0f} {ns:>10,.0f} {m:>15,.0f}")
a, b = rows["RuleEval/10s"][1], rows["RuleEval/6h"][1]
print(f"ratio 6h / 10s time per second: {b / a:.2f} (1.00: evaluation cost does not grow with the window)")
PY
