#!/usr/bin/env bash
# Builds the parser fuzzer (libFuzzer + AddressSanitizer) from the core's sources and runs it: no
# parser may crash, and the fast parsers must read every line as the reference byte-loop ones do.
#   Fuzz/run.sh [SECONDS]   (default 60); seeds: the real logs and the format fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The parse target (Sources/StatusdParse: bytes to statuses, with CScan and nothing else), compiled
# as one module with the fuzzer so that it reaches the parsers' internals as the tests do.
mapfile -t sources < <(find Sources/StatusdParse -name '*.swift')
# The reference parsers the fast ones are checked against, as one module with the parse target.
sed '/^@testable import/d' Tests/StatusdCoreTests/ReferenceParsers.swift > "$out/ReferenceParsers.swift"
sed '/^@testable import/d' Tests/StatusdCoreTests/ReferenceTemplateParser.swift > "$out/ReferenceTemplateParser.swift"
# The C scanning helpers (Sources/CScan, header-only) as the module `CScan`, as SwiftPM makes it.
printf 'module CScan {\n  umbrella "%s"\n  export *\n}\n' "$PWD/Sources/CScan/include" > "$out/module.modulemap"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name StatusdFuzz -package-name statusd -Xcc -fmodule-map-file="$out/module.modulemap" \
  "${sources[@]}" "$out/ReferenceParsers.swift" "$out/ReferenceTemplateParser.swift" Fuzz/ParserFuzzer.swift -o "$out/fuzz-parsers"
mkdir -p "$out/corpus"
find ../shared/realdata Tests/Fixtures -type f -size -200k -exec cp {} "$out/corpus/" \;
mkdir -p "$out/crash"
rc=0
"$out/fuzz-parsers" -max_total_time="$seconds" -max_len=4096 -artifact_prefix="$out/crash/" "$out/corpus" > "$out/log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  # Why it failed, and the input that did it (kept in Fuzz/crashes/, which git ignores), so that
  # a failure seen once in CI can be replayed: `Fuzz/run.sh` builds, then `fuzz-parsers FILE`.
  grep -E 'Fatal error|ERROR: AddressSanitizer|SUMMARY|differs|deadly signal|#[0-9]+ 0x.* in ' "$out/log" | head -40
  mkdir -p Fuzz/crashes
  for f in "$out"/crash/*; do
    [ -e "$f" ] || continue
    cp "$f" Fuzz/crashes/
    echo "input ($(wc -c < "$f") bytes), kept as Fuzz/crashes/$(basename "$f"):"
    head -c 600 "$f" | od -c | head -20
  done
  exit "$rc"
fi
tail -5 "$out/log"
