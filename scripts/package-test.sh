#!/usr/bin/env bash
# Builds the Debian package and checks it the way a host owner meets it: its file list, what the
# binary links, lintian, the unit (systemd-analyze verify and security score), then installs it
# with apt, checks the installed config, runs the installed binary as the unit would (an
# unprivileged user in group adm, NOTIFY_SOCKET read by this script, under the unit's own seccomp
# filter, built by scripts/unit-filter.py from its SystemCallFilter= lines as systemd builds it) on a
# real nginx log of mode 0640 root:adm: check, run, status, an alert to journald and a webhook, the
# metrics listener, reload, stop; then HTTPS delivery and replay of a .gz under the same filter;
# removes and purges it and checks what is left.
# Run as root. Prints one line per check and `package: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }

tmp=$(mktemp -d)
user=statusd-pkgtest
nginx_pid=""
daemon_pid=""
notify_pid=""
receiver_pid=""
tls_pid=""
journald_pid=""
cleanup() {
  for p in $daemon_pid $notify_pid $receiver_pid $tls_pid $journald_pid; do kill "$p" 2>/dev/null; done
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  dpkg --purge statusd >/dev/null 2>&1
  userdel "$user" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

deb=$(packaging/build-deb.sh "$tmp" | tail -1)
[ -f "$deb" ] || { echo "FAIL building the package"; echo "package: 0 passed, 1 failed"; exit 1; }
ok "package built: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"

# The file list.
dpkg-deb -c "$deb" | awk '{print $6}' > "$tmp/files"
for f in ./usr/bin/statusd ./etc/statusd/statusd.yaml ./lib/systemd/system/statusd.service \
         ./usr/share/man/man8/statusd.8.gz ./usr/share/bash-completion/completions/statusd \
         ./usr/share/zsh/vendor-completions/_statusd ./usr/share/fish/vendor_completions.d/statusd.fish \
         ./usr/share/doc/statusd/copyright ./usr/share/doc/statusd/changelog.Debian.gz; do
  check "the package holds $f" grep -qx "$f" "$tmp/files"
done
check "the config is a conffile" sh -c "dpkg-deb -I '$deb' conffiles | grep -qx /etc/statusd/statusd.yaml"

# What the binary links: glibc, libsystemd and zlib, nothing else (the Swift runtime is static).
dpkg-deb -x "$deb" "$tmp/root"
needed=$(objdump -p "$tmp/root/usr/bin/statusd" | awk '/NEEDED/ {print $2}' | sort | tr '\n' ' ')
echo "     NEEDED: $needed"
extra=$(echo "$needed" | tr ' ' '\n' | grep -v '^$' | grep -Ev '^(libc|libm|libpthread|libdl|librt|ld-linux[-a-z0-9_]*)\.so|^libsystemd\.so\.0$|^libz\.so\.1$' || true)
if [ -z "$extra" ]; then ok "the binary needs only glibc, libsystemd0 and zlib"; else bad "the binary also needs: $extra"; fi
pkgs=$(ldd "$tmp/root/usr/bin/statusd" | awk '/=>/ {print $3}' | xargs -r -n1 readlink -f | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u | tr '\n' ' ')
echo "     ldd resolves into packages: $pkgs"
allowed="libc6 libsystemd0 zlib1g $(apt-cache depends --important libsystemd0 2>/dev/null | awk '/Depends:/ {print $2}' | tr '\n' ' ')"
stray=""
for p in $pkgs; do case " $allowed " in *" ${p%%:*} "*) ;; *) stray="$stray $p" ;; esac; done
if [ -z "$stray" ]; then ok "ldd: only glibc, libsystemd0 (and its own dependencies) and zlib"; else bad "ldd pulls in:$stray"; fi

# lintian.
lintian --fail-on error,warning --suppress-tags-from-file /dev/null "$deb" > "$tmp/lintian" 2>&1
lrc=$?
sed 's/^/     lintian: /' "$tmp/lintian"
if [ $lrc -eq 0 ]; then ok "lintian: no errors or warnings"; else bad "lintian reports errors or warnings"; fi

# The unit.
score=$(systemd-analyze security --offline=true packaging/statusd.service 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
echo "     systemd-analyze security: exposure ${score:-?}"
check "the unit's exposure is at most 2.0" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'

# Install it.
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$tmp/apt" 2>&1; then ok "apt-get install ./$(basename "$deb")"; else bad "apt-get install"; cat "$tmp/apt"; fi
check "systemd-analyze verify on the installed unit" systemd-analyze verify /lib/systemd/system/statusd.service
check "statusd check on the installed config" /usr/bin/statusd check --config /etc/statusd/statusd.yaml
check "enabled on install" test -L /etc/systemd/system/multi-user.target.wants/statusd.service
check "not started on install" sh -c '! pgrep -f "^/usr/bin/statusd run"'
# statusd discover --write on a packaged host: the unedited shipped config gives way to one for this
# host's own logs (kept as statusd.yaml.shipped); a config that is not the shipped one is never overwritten.
cp /etc/statusd/statusd.yaml "$tmp/shipped.yaml"
check "discover --write takes the place of the unedited shipped config" /usr/bin/statusd discover --no-exec --write
check "the shipped config is kept as statusd.yaml.shipped" cmp -s "$tmp/shipped.yaml" /etc/statusd/statusd.yaml.shipped
check "statusd check accepts the discovered config" /usr/bin/statusd check --config /etc/statusd/statusd.yaml
check "discover --write refuses a config that is not the shipped one" sh -c '! /usr/bin/statusd discover --no-exec --write'
mv /etc/statusd/statusd.yaml.shipped /etc/statusd/statusd.yaml
check "the man page reads" sh -c 'MANPAGER=cat man 8 statusd 2>/dev/null | grep -q replay || zcat /usr/share/man/man8/statusd.8.gz | grep -q replay'

# The README's install commands, with the webhook URL pointing at a receiver on 127.0.0.1 and the
# daemon not started by systemctl (no systemd here).
rport=$((20000 + RANDOM % 20000))
python3 scripts/webhook-receiver.py "$rport" > "$tmp/receiver.log" 2>&1 & receiver_pid=$!
python3 - README.md > "$tmp/install.sh" <<'PY'
import sys
text = open(sys.argv[1]).read()
block = text[text.index("## Install"):]
block = block[block.index("```sh") + 6:]
print(block[:block.index("```")].strip())
PY
sed -n 2p "$tmp/install.sh" | sed "s#https://hooks.slack.com/services/T000/B000/XXXX#http://127.0.0.1:$rport/slack#" > "$tmp/step2.sh"
sed -n 3p "$tmp/install.sh" | sed 's/^systemctl start statusd && //' > "$tmp/step3.sh"
check "README install step 2 (sink and URL) runs" bash "$tmp/step2.sh"
check "the env file is 0600" sh -c "stat -c %a /etc/statusd/statusd.env | grep -qx 600"
check "statusd check accepts the edited config" sh -c "env \$(cat /etc/statusd/statusd.env) /usr/bin/statusd check --config /etc/statusd/statusd.yaml"
for _ in $(seq 30); do curl -s -o /dev/null "http://127.0.0.1:$rport/" -X POST -d '{}' && break; sleep 0.1; done
check "README install step 3 (test-sink) delivers" bash "$tmp/step3.sh"
check "the receiver got the marked test message" grep -q "TEST from statusd" "$tmp/receiver.log"
check "no webhook URL in check or test-sink output" sh -c "! (bash '$tmp/step3.sh'; env \$(cat /etc/statusd/statusd.env) /usr/bin/statusd check) 2>&1 | grep -q '127.0.0.1:$rport/slack'"

# A real nginx on 127.0.0.1 writing a log of mode 0640 root:adm.
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/tmp"
port=$((20000 + RANDOM % 20000))
cat > "$tmp/nginx/nginx.conf" <<CONF
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 64; }
http {
  access_log $tmp/nginx/logs/access.log combined;
  client_body_temp_path $tmp/nginx/tmp; proxy_temp_path $tmp/nginx/tmp; fastcgi_temp_path $tmp/nginx/tmp;
  uwsgi_temp_path $tmp/nginx/tmp; scgi_temp_path $tmp/nginx/tmp;
  server {
    listen 127.0.0.1:$port;
    location /ok { return 200 "ok\n"; }
    location /missing { return 404; }
    location /broken { return 502; }
  }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" & nginx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/ok" && break; sleep 0.1; done
chown root:adm "$tmp/nginx/logs/access.log"
chmod 0640 "$tmp/nginx/logs/access.log"
chmod 0755 "$tmp" "$tmp/nginx" "$tmp/nginx/logs"
check "the log is 0640 root:adm" sh -c "stat -c '%a %U:%G' '$tmp/nginx/logs/access.log' | grep -qx '640 root:adm'"

# The installed binary as the unit runs it: its own user, group adm, notify socket, runtime and
# state directories of its own, and the unit's seccomp filter (a denied call kills: --kill, even
# though the unit itself answers one with EPERM, so that none goes unseen).
useradd --system --no-create-home --shell /usr/sbin/nologin -G adm "$user" 2>/dev/null
install -d -o "$user" -m 0755 "$tmp/run" "$tmp/state"
install -m 0755 scripts/unit-filter.py "$tmp/unit-filter.py"
unit=/lib/systemd/system/statusd.service
as_unit=(setpriv --reuid="$user" --regid="$user" --init-groups env $(cat /etc/statusd/statusd.env))
filtered=("${as_unit[@]}" /usr/bin/python3 "$tmp/unit-filter.py" "$unit" --kill --)
echo "     the unit's filter: $(/usr/bin/python3 scripts/unit-filter.py "$unit" --print | wc -l) calls allowed, $(grep -E '^SystemCall(Filter|ErrorNumber)=' "$unit" | tr '\n' ' ')"
mport=$((20000 + RANDOM % 20000))
sed -e "s#/var/log/nginx/access.log#$tmp/nginx/logs/access.log#" \
    -e "s#/run/statusd/statusd.sock#$tmp/run/statusd.sock#" /etc/statusd/statusd.yaml > "$tmp/statusd.yaml"
printf '\nstate_dir: %s\nmetrics:\n  listen: "127.0.0.1:%s"\n' "$tmp/state" "$mport" >> "$tmp/statusd.yaml"
sed -i '/^\s*start_at:/d; s#^\(\s*format: combined.*\)#\1\n    start_at: beginning#' "$tmp/statusd.yaml"
# A rule that fires on this log's 5 of 36 (the shipped ones wait for 100 requests and a minute).
sed -i 's#^rules:#rules:\n  - {name: pkgtest-5xx, match: 5xx, rate_above: 5%, window: 1m, min_requests: 10}#' "$tmp/statusd.yaml"
chmod 0644 "$tmp/statusd.yaml"

# The filter is live: with setpriority denied (the unit as shipped before) check dies of SIGSYS;
# answered with EPERM (the unit's SystemCallErrorNumber=), check still works.
"${as_unit[@]}" /usr/bin/python3 "$tmp/unit-filter.py" "$unit" --kill --deny setpriority -- /usr/bin/statusd check --config "$tmp/statusd.yaml" >/dev/null 2>&1
rc=$?
echo "     statusd check with setpriority denied and killing: exit $rc"
check "the filter is live: setpriority denied kills check with SIGSYS" test "$rc" -eq 159
check "statusd check works with setpriority failing (EPERM)" "${as_unit[@]}" /usr/bin/python3 "$tmp/unit-filter.py" "$unit" --deny setpriority -- /usr/bin/statusd check --config "$tmp/statusd.yaml"
check "statusd check (ExecStartPre) under the unit's filter" "${filtered[@]}" /usr/bin/statusd check --config "$tmp/statusd.yaml"

# A journald for the alert (the one running, else one started here and stopped by its PID).
if [ ! -S /run/systemd/journal/socket ] || ! python3 -c 'import socket; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.connect("/run/systemd/journal/socket")' 2>/dev/null; then
  mkdir -p /run/systemd/journal
  /lib/systemd/systemd-journald >/dev/null 2>&1 & journald_pid=$!
  for _ in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
fi
python3 - "$tmp/notify.sock" > "$tmp/notify.log" 2>&1 <<'PY' &
import os, socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o777)
s.settimeout(1)
end = time.time() + 60
while time.time() < end:
    try:
        msg = s.recv(4096).decode()
    except socket.timeout:
        continue
    print(msg.replace("\n", " | "), flush=True)
PY
notify_pid=$!
sleep 0.5
for _ in $(seq 20); do curl -s -o /dev/null "http://127.0.0.1:$port/ok"; done
for _ in $(seq 10); do curl -s -o /dev/null "http://127.0.0.1:$port/missing"; done
for _ in $(seq 5); do curl -s -o /dev/null "http://127.0.0.1:$port/broken"; done
"${as_unit[@]}" NOTIFY_SOCKET="$tmp/notify.sock" /usr/bin/python3 "$tmp/unit-filter.py" "$unit" --kill -- \
  /usr/bin/statusd run --config "$tmp/statusd.yaml" > "$tmp/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do grep -q 'READY=1' "$tmp/notify.log" && break; sleep 0.2; done
check "READY=1 arrives on NOTIFY_SOCKET (under the unit's filter)" grep -q 'READY=1' "$tmp/notify.log"
check "it runs unprivileged, in group adm, under a seccomp filter" sh -c "awk '/^Uid:/ {exit !(\$2 != 0)}' /proc/$daemon_pid/status && grep -q \"^Groups:.*\\b$(getent group adm | cut -d: -f3)\\b\" /proc/$daemon_pid/status && grep -q '^Seccomp:[[:space:]]*2' /proc/$daemon_pid/status"
counts=""
for _ in $(seq 50); do
  counts=$("${filtered[@]}" /usr/bin/statusd status --socket "$tmp/run/statusd.sock" --json 2>/dev/null | python3 -c 'import json,sys; c=json.load(sys.stdin)["inputs"][0]["counts"]; print(c["2xx"], c["4xx"], c["5xx"], c["unparsed"])' 2>/dev/null)
  [ "$counts" = "21 10 5 0" ] && break
  sleep 0.2
done
echo "     statusd status counts (2xx 4xx 5xx unparsed): ${counts:-none} (nginx wrote 21, 10, 5)"
check "statusd status (under the filter) answers with the log's counts" test "$counts" = "21 10 5 0"
for _ in $(seq 50); do grep -q 'pkgtest-5xx' "$tmp/receiver.log" && break; sleep 0.2; done
check "the alert reaches the webhook receiver (HTTP, from the filtered daemon)" grep -q 'pkgtest-5xx' "$tmp/receiver.log"
check "the alert reaches journald" sh -c "for i in \$(seq 30); do journalctl --no-pager -o cat 2>/dev/null | grep -q pkgtest-5xx && exit 0; sleep 0.2; done; exit 1"
check "the metrics listener answers (under the filter)" sh -c "curl -sf 'http://127.0.0.1:$mport/metrics' | grep -q '^statusd_'"
kill -HUP "$daemon_pid" 2>/dev/null
for _ in $(seq 50); do [ "$(grep -c 'READY=1' "$tmp/notify.log")" -ge 2 ] && break; sleep 0.2; done
check "reload (SIGHUP): RELOADING=1, then READY=1 again" sh -c "grep -q 'RELOADING=1' '$tmp/notify.log' && [ \$(grep -c 'READY=1' '$tmp/notify.log') -ge 2 ]"
alive=no
for _ in $(seq 25); do
  # `statusd status` exits non-zero while a rule fires (pkgtest-5xx does): its answer is what counts.
  kill -0 "$daemon_pid" 2>/dev/null && "${filtered[@]}" /usr/bin/statusd status --socket "$tmp/run/statusd.sock" > "$tmp/status-after-reload" 2>&1
  grep -q 'FIRING  pkgtest-5xx' "$tmp/status-after-reload" && kill -0 "$daemon_pid" 2>/dev/null && { alive=yes; break; }
  sleep 0.2
done
[ "$alive" = yes ] || sed 's/^/     status after reload: /' "$tmp/status-after-reload"
check "alive after the reload, status answers" test "$alive" = yes
kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid"; rc=$?; daemon_pid=""
echo "     statusd run exit status after SIGTERM: $rc"
check "STOPPING=1 on SIGTERM" grep -q 'STOPPING=1' "$tmp/notify.log"
check "stops with exit 0 (no SIGSYS, no other signal)" test "$rc" -eq 0
kill "$receiver_pid" 2>/dev/null; receiver_pid=""
[ -n "$journald_pid" ] && { kill "$journald_pid" 2>/dev/null; wait "$journald_pid" 2>/dev/null; journald_pid=""; }

# HTTPS under the filter: a receiver with a self-signed certificate; the handshake runs (the CA
# store read, BoringSSL) and fails verification: an error, not a signal.
tport=$((20000 + RANDOM % 20000))
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout "$tmp/tls.key" -out "$tmp/tls.crt" >/dev/null 2>&1
python3 - "$tport" "$tmp/tls.crt" "$tmp/tls.key" > "$tmp/tls.log" 2>&1 <<'PY' &
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv = socket.create_server(("127.0.0.1", int(sys.argv[1])))
srv.settimeout(30)
for _ in range(5):
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        break
    print("client hello", flush=True)
    try:
        ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as e:
        print("handshake:", e, flush=True)
PY
tls_pid=$!
sleep 0.5
cat > "$tmp/tls.yaml" <<YAML
inputs:
  - {name: web, path: $tmp/nginx/logs/access.log}
rules:
  - {name: r, match: 5xx, rate_above: 5%}
sinks:
  - {name: secure, type: webhook, url: "https://127.0.0.1:$tport/hook"}
YAML
chmod 0644 "$tmp/tls.yaml"
"${filtered[@]}" /usr/bin/statusd test-sink secure --config "$tmp/tls.yaml" > "$tmp/tls-sink.log" 2>&1
rc=$?
echo "     test-sink over HTTPS to a self-signed receiver: exit $rc, $(grep -ci 'certificate\|handshake\|tls\|ssl' "$tmp/tls-sink.log") TLS words"
check "HTTPS under the filter: the handshake ran and failed verification, no signal" sh -c "[ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -q 'client hello' '$tmp/tls.log'"
kill "$tls_pid" 2>/dev/null; tls_pid=""

# Replay of a rotated .gz under the filter.
gzip -c "$tmp/nginx/logs/access.log" > "$tmp/access.log.1.gz"; chmod 0644 "$tmp/access.log.1.gz"
check "statusd replay of a .gz under the filter" sh -c "${filtered[*]} /usr/bin/statusd replay --json '$tmp/access.log.1.gz' | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"counts\"]; sys.exit(not (c[\"2xx\"], c[\"5xx\"]) == (21, 5))'"

# Remove keeps the config; purge leaves nothing.
echo "# the owner's edit" >> /etc/statusd/statusd.yaml
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq statusd > /dev/null 2>&1
check "remove: the binary is gone" test ! -e /usr/bin/statusd
check "remove: the config is kept, with the owner's edit" grep -q "the owner's edit" /etc/statusd/statusd.yaml
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq statusd > /dev/null 2>&1
check "purge: /etc/statusd is gone, the env file with it" test ! -e /etc/statusd
check "purge: no state directory" sh -c 'test ! -e /var/lib/statusd && test ! -e /var/lib/private/statusd'
check "purge: not enabled any more" test ! -e /etc/systemd/system/multi-user.target.wants/statusd.service
check "purge: dpkg knows nothing of it" sh -c '! dpkg -s statusd'

echo "package: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
