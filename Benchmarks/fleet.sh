#!/usr/bin/env bash
# Fleet simulation: N statusd instances on one machine (N configs, N logs, one `host:` name each,
# their own state dirs and status sockets), all sending to one real Alertmanager
# (prometheus-alertmanager on 127.0.0.1) whose route groups by `alertname`. Every log gets healthy
# traffic; then an incident (a 5xx burst) hits K of them. Prints: instances, alerts, groups, and
# the time from the first bad line to the group appearing in Alertmanager's API
# (`GET /api/v2/alerts/groups`), and to the group naming all K hosts; then the time to resolve.
# Baseline in the same run: an alert posted straight to Alertmanager with curl, post to listed.
#   Benchmarks/fleet.sh [INSTANCES] [INCIDENT_HOSTS]     (STATUSD=path to use a built binary as is)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
k=${2:-3}
if [[ -z "${STATUSD:-}" ]]; then
    if [[ -x .build/release/statusd ]]; then STATUSD=.build/release/statusd
    else
        swift build -c release --product statusd >/dev/null
        STATUSD=$(swift build -c release --show-bin-path)/statusd
    fi
fi
AM=${ALERTMANAGER:-/usr/bin/prometheus-alertmanager}
[[ -x "$AM" ]] || { echo "fleet.sh: needs $AM (apt-get install prometheus-alertmanager)" >&2; exit 1; }
dir=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
amport=$(free_port)
pids=()
cleanup() {
    for p in "${pids[@]}" ${ampid:-}; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}" ${ampid:-}; do wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT

cat > "$dir/am.yml" <<YML
route:
  receiver: fleet
  group_by: [alertname]
  group_wait: 5s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: fleet
YML
"$AM" --config.file="$dir/am.yml" --storage.path="$dir/am-data" --web.listen-address="127.0.0.1:$amport" \
    --cluster.listen-address= --log.level=warn 2>"$dir/am.stderr" & ampid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$amport/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done

stamp() { date -u +'%d/%b/%Y:%H:%M:%S +0000'; }
for i in $(seq -w 1 "$n"); do
    h="fleet-$i"
    mkdir -p "$dir/$h"
    : > "$dir/$h/access.log"
    cat > "$dir/$h/statusd.yaml" <<YML
host: $h
inputs:
  - {name: web, path: $dir/$h/access.log}
rules:
  - {name: fleet-5xx, match: 5xx, rate_above: 10%, resolve_below: 5%, window: 10s, min_requests: 20, severity: critical}
sinks:
  - {name: am, type: alertmanager, url: "http://127.0.0.1:$amport", resend_interval: 10s}
status: {socket: $dir/$h/s.sock}
state_dir: $dir/$h/state
log_level: warning
YML
    "$STATUSD" run --config "$dir/$h/statusd.yaml" 2>"$dir/$h/stderr" & pids+=($!)
done
for i in $(seq -w 1 "$n"); do
    for _ in $(seq 100); do [[ -S "$dir/fleet-$i/s.sock" ]] && break; sleep 0.1; done
done

python3 - "$dir" "$n" "$k" "$amport" "${pids[*]}" <<'PY'
import json, os, random, subprocess, sys, time, urllib.request
d, n, k, port, pids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5].split()
hosts = [f"fleet-{i:0{len(str(n))}d}" for i in range(1, n + 1)]
random.seed(7)
trouble = sorted(random.sample(hosts, k))
api = f"http://127.0.0.1:{port}/api/v2"
logs = {h: open(f"{d}/{h}/access.log", "a") for h in hosts}

def get(path):
    with urllib.request.urlopen(api + path, timeout=5) as r:
        return json.load(r)

def groups():
    out = []
    for g in get("/alerts/groups"):
        hs = sorted(a["labels"].get("host", "?") for a in g["alerts"])
        out.append((g["labels"].get("alertname"), hs))
    return out

def write(bad_hosts, lines=5, bad_share=0.4):
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime())
    first_bad = None
    for h, f in logs.items():
        for _ in range(lines):
            code = 200
            if h in bad_hosts and random.random() < bad_share:
                code = random.choice([500, 502, 503, 504])
                if first_bad is None: first_bad = time.time()
            f.write(f'10.0.0.1 - - [{stamp}] "GET /api HTTP/1.1" {code} 512 "-" "fleet"\n')
        f.flush()
    return first_bad

# Healthy traffic for 5 s (50 requests a second on each host).
end = time.time() + 5
while time.time() < end:
    write(set()); time.sleep(0.1)
assert groups() == [], groups()

# Baseline: an alert posted straight to Alertmanager by curl, until its group is listed.
body = json.dumps([{"labels": {"alertname": "baseline", "host": "curl"}, "annotations": {"summary": "baseline"},
                    "startsAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 10))}])
t0 = time.time()
subprocess.run(["curl", "-sf", "-XPOST", "-H", "Content-Type: application/json", "-d", body, api + "/alerts"], check=True,
               stdout=subprocess.DEVNULL)
while not any(name == "baseline" for name, _ in groups()): time.sleep(0.01)
baseline = time.time() - t0
subprocess.run(["curl", "-sf", "-XPOST", "-H", "Content-Type: application/json", "-d",
                body.replace('"}]', '", "endsAt": "' + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1)) + '"}]'),
                api + "/alerts"], check=True, stdout=subprocess.DEVNULL)

# The incident: 40% 5xx on the K hosts for 20 s, healthy elsewhere.
first_bad, appeared, complete = None, None, None
end = time.time() + 20
while time.time() < end:
    t = write(set(trouble))
    first_bad = first_bad or t
    g = [hs for name, hs in groups() if name == "fleet-5xx"]
    now = time.time()
    if g and appeared is None: appeared = now
    if g and g[0] == trouble and complete is None: complete = now
    time.sleep(0.05)
final = groups()
alerts = get("/alerts")
fleet = [hs for name, hs in final if name == "fleet-5xx"]
# Healthy again: until Alertmanager lists no fleet alert.
t_calm = time.time()
resolved = None
while time.time() - t_calm < 60:
    write(set()); time.sleep(0.1)
    if not any(a["labels"].get("alertname") == "fleet-5xx" for a in get("/alerts")):
        resolved = time.time() - t_calm; break
rss = 0
for p in pids:
    for line in open(f"/proc/{p}/status"):
        if line.startswith("VmRSS:"): rss += int(line.split()[1])
fmt = lambda v: f"{v:.2f} s" if v is not None else "never"
print(f"instances                 {n} statusd (one host name each), 1 Alertmanager grouping by alertname")
print(f"incident on               {k} hosts: {', '.join(trouble)} (40% 5xx for 20 s; 50 requests/s each)")
print(f"alerts in Alertmanager    {sum(1 for a in alerts if a['labels'].get('alertname') == 'fleet-5xx')} (fleet-5xx)")
print(f"groups                    {len(fleet)} fleet-5xx group{'s' if len(fleet) != 1 else ''}, naming {fleet[0] if fleet else []}")
print(f"first bad line -> group   {fmt(appeared - first_bad if appeared else None)}")
print(f"first bad line -> all {k}   {fmt(complete - first_bad if complete else None)}")
print(f"errors stop -> resolved   {fmt(resolved)} (window 10 s, resolves at or below 5%)")
print(f"baseline: curl -> group   {baseline * 1000:.0f} ms (Alertmanager's own share)")
print(f"statusd memory            {rss / 1024:.0f} MB RSS for {n} daemons ({rss / 1024 / n:.1f} MB each)")
ok = len(fleet) == 1 and fleet[0] == trouble
print("result                    " + ("ok: one group, exactly the incident's hosts" if ok else "WRONG"))
sys.exit(0 if ok else 1)
PY
