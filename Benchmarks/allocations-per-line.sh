#!/usr/bin/env bash
# Heap allocations per log line of `statusd replay --format F`, per format, counted with an
# LD_PRELOAD malloc counter (Benchmarks/malloc-count.c: malloc, calloc and realloc calls).
#
# For each format two logs cover the same 200 s of log time with the same status mix: a base log
# of 20,000 lines (100 a second) and a dense one of 200,000 (1,000 a second). Start-up, config,
# per-second work (window flushes, rule evaluation) and the report cost the same in both, so
#   (dense - base) / 180,000 extra lines
# is what one more line costs: 1.00 or more is an allocation per line; 0.00 is the goal.
#   Benchmarks/allocations-per-line.sh      (STATUSD=path/to/statusd skips the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${STATUSD:-}" ]; then
  bin=$STATUSD
else
  swift build -c release --product statusd >/dev/null
  bin=$(swift build -c release --show-bin-path)/statusd
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cc -shared -fPIC -O2 -o "$dir/malloc-count.so" Benchmarks/malloc-count.c -ldl

python3 - "$dir" <<'PY'
import sys
out = sys.argv[1]
start = 1795168800  # 2026-11-20T10:00:00Z
codes = [200, 200, 200, 404, 502]  # the same mix in every log: 20% 5xx, so a rule fires in both

cf_fields = ("date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) "
             "cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header "
             "cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type "
             "cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
             "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end")

def hms(t):
    s = t % 86400
    return "%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)

def combined(i, t, code):
    return '1.2.3.4 - - [20/Nov/2026:%s +0000] "GET /x?%d HTTP/1.1" %d 5 "-" "ua"\n' % (hms(t), i, code)

def nginx_json(i, t, code):
    return ('{"time_iso8601":"2026-11-20T%s+00:00","remote_addr":"1.2.3.4","request":"GET /x?%d HTTP/1.1",'
            '"status":"%d","body_bytes_sent":"5","request_time":"0.001","http_user_agent":"ua"}\n' % (hms(t), i, code))

def vhost(i, t, code):
    return 'shop%d.example:443 1.2.3.4 - - [20/Nov/2026:%s +0000] "GET /api/orders/%d?x=1 HTTP/1.1" %d 5 "-" "ua"\n' % (i % 3, hms(t), i, code)

def w3c(i, t, code):
    return "2026-11-20 %s GET /x/%d %d 15\n" % (hms(t), i, code)

def cloudfront(i, t, code):
    return ("2026-11-20\t%s\tFRA56-P1\t612\t192.0.2.10\tGET\td111111abcdef8.cloudfront.net\t/x/%d\t%d\t-\tMozilla/5.0\t-\t-\t"
            "Hit\tAbC%d==\twww.example.com\thttps\t120\t0.002\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t"
            "50000\t0.001\tHit\ttext/html\t612\t-\t-\n" % (hms(t), i, code, i))

formats = {
    "combined": ("", combined),
    "nginx-json": ("", nginx_json),
    "vhost": ("", vhost),
    "w3c": ("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"
            "#Fields: date time cs-method cs-uri-stem sc-status time-taken\n", w3c),
    "cloudfront": ("#Version: 1.0\n#Fields: " + cf_fields + "\n", cloudfront),
}
for name, (header, line) in formats.items():
    for size, per_second in (("base", 100), ("dense", 1000)):
        with open(f"{out}/{name}.{size}.log", "w") as f:
            f.write(header)
            for i in range(200 * per_second):
                f.write(line(i, start + i // per_second, codes[i % len(codes)]))
PY

# Counts one replay; fails loudly when the lines were not all read as requests (a wrong log
# would measure the unparsed path instead).
count() { # format file lines [config]
  local a
  a=$(LD_PRELOAD="$dir/malloc-count.so" "$bin" replay --json --format "$1" ${4:+--config "$4"} "$2" 2>&1 >"$dir/out.json" | sed -n 's/allocations: //p' | tail -1)
  python3 - "$dir/out.json" "$3" "$1" <<'PY' >&2 || return 1
import json, sys
doc = json.load(open(sys.argv[1]))
requests = sum(v for k, v in doc["codes"].items())
if doc["counts"]["unparsed"] or requests != int(sys.argv[2]):
    sys.exit(f"{sys.argv[3]}: {requests} requests and {doc['counts']['unparsed']} unparsed, expected {sys.argv[2]} requests")
PY
  echo "$a"
}

echo "Heap allocations of \`statusd replay --format F\` (release build, LD_PRELOAD malloc/calloc/realloc counter)"
echo "  base:     allocations for 20,000 lines over 200 s of log time"
echo "  dense:    allocations for 200,000 lines over the same 200 s"
echo "  per line: (dense - base) / 180,000 extra lines; 1.00 or more is an allocation per line, 0.00 the goal"
echo "  auto/X:   --format auto on the logs of format X (detected from the first lines)"
echo
printf '%-18s %12s %12s %10s\n' format base dense "per line"
for row in combined nginx-json w3c cloudfront auto/combined auto/nginx-json auto/w3c auto/cloudfront; do
  format=${row%%/*} file=${row#*/}
  base=$(count "$format" "$dir/$file.base.log" 20000)
  dense=$(count "$format" "$dir/$file.dense.log" 200000)
  printf '%-18s %12s %12s %10s\n' "$row" "$base" "$dense" "$(python3 -c "print(f'{($dense - $base) / 180000:.2f}')")"
done

# Labels: a vhost-prefixed combined log replayed with rules that need them. `top-k`: a 5xx rule
# (the 20% of 5xx lines are re-read for the top paths and hosts; replay keeps its per-second path);
# `group_by host`: a rule per virtual host (replay goes line by line, every line is re-read and
# counted in its group).
cat >"$dir/topk.yaml" <<YAML
inputs:
  - {name: replay, path: /dev/null, format: combined}
rules:
  - {name: server-errors, match: 5xx, rate_above: 5%, window: 1m}
status: {socket: $dir/s.sock}
state_dir: $dir/state
YAML
sed 's/window: 1m}/window: 1m, group_by: [host]}/' "$dir/topk.yaml" >"$dir/grouped.yaml"
for row in "vhost, default rules:" "vhost, 5xx rule:topk" "vhost, group_by host:grouped"; do
  name=${row%%:*} cfg=${row#*:}
  config=${cfg:+$dir/$cfg.yaml}
  base=$(count combined "$dir/vhost.base.log" 20000 "$config")
  dense=$(count combined "$dir/vhost.dense.log" 200000 "$config")
  printf '%-24s %12s %12s %10s\n' "$name" "$base" "$dense" "$(python3 -c "print(f'{($dense - $base) / 180000:.2f}')")"
done
