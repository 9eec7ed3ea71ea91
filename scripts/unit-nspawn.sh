#!/usr/bin/env bash
# Starts the packaged unit under a real systemd (252, Debian 12) in a systemd-nspawn container and
# reports what systemctl sees: start (ExecStartPre check, then run), status, reload, stop; and the
# same unit with the filter as shipped before (setpriority denied), which must fail.
# Usage: scripts/unit-nspawn.sh STATUSD.deb [ROOT]   (ROOT: a debootstrap'd bookworm, made once:
#   debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm ROOT)
# Needs: systemd-container, debootstrap. Run as root. Prints `nspawn: N passed, M failed`.
set -uo pipefail
deb=$(readlink -f "$1")
root=${2:-/var/cache/statusd-nspawn/bookworm}
if [ ! -x "$root/lib/systemd/systemd" ]; then
  mkdir -p "$root"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm "$root" http://deb.debian.org/debian >/dev/null || { echo "nspawn: 0 passed, 1 failed (debootstrap)"; exit 1; }
fi
out=$(mktemp -d)
nspawn=(systemd-nspawn -q -D "$root" --register=no --keep-unit)
cp "$deb" "$out/statusd.deb"
"${nspawn[@]}" --bind="$out:/out" --pipe sh -c 'dpkg -i /out/statusd.deb >/out/dpkg.log 2>&1; echo dpkg=$? >> /out/dpkg.log'
# The old filter, for the failure it caused.
sed '/^SystemCallFilter=setpriority/d; /^SystemCallErrorNumber=/d' "$root/lib/systemd/system/statusd.service" > "$out/statusd-old.service"
cp "$out/statusd-old.service" "$root/etc/systemd/system/statusd-old.service"
cat > "$root/etc/systemd/system/probe.service" <<'UNIT'
[Unit]
Description=statusd probe
After=multi-user.target
[Service]
Type=oneshot
StandardOutput=file:/out/probe.log
StandardError=inherit
ExecStart=/bin/sh /out/probe.sh
ExecStopPost=/bin/systemctl poweroff --no-block
UNIT
ln -sf /etc/systemd/system/probe.service "$root/etc/systemd/system/multi-user.target.wants/probe.service"
cat > "$out/probe.sh" <<'PROBE'
set -x
mkdir -p /var/log/nginx
line() { echo "10.0.0.1 - - [$(date -u +%d/%b/%Y:%H:%M:%S) +0000] \"GET /$1 HTTP/1.1\" $2 5 \"-\" \"probe\""; }
: > /var/log/nginx/access.log; chown root:adm /var/log/nginx/access.log; chmod 0640 /var/log/nginx/access.log
systemctl start statusd; echo "start=$?"
sleep 2
echo "active=$(systemctl is-active statusd)"
for i in 1 2 3 4 5 6 7 8; do line ok 200 >> /var/log/nginx/access.log; done
line broken 502 >> /var/log/nginx/access.log
sleep 2
statusd status --json | tr -d ' \n' | grep -o '"counts":{[^}]*}' | head -1 | sed 's/^/counts=/'
systemctl reload statusd; echo "reload=$?"
sleep 2
echo "after-reload=$(systemctl is-active statusd)"
statusd status >/dev/null; echo "status=$?"
grep -E '^Seccomp:' /proc/$(systemctl show -p MainPID --value statusd)/status
systemctl stop statusd; echo "stop=$?"
echo "result=$(systemctl show -p Result --value statusd) exec=$(systemctl show -p ExecMainCode,ExecMainStatus --value statusd | tr '\n' ' ')"
journalctl -u statusd --no-pager -o cat | tail -8
systemctl start statusd-old; echo "old-start=$?"
sleep 1
echo "old-result=$(systemctl show -p Result --value statusd-old)"
journalctl -u statusd-old --no-pager -o cat | tail -4
PROBE
timeout 300 "${nspawn[@]}" -b --bind="$out:/out" > "$out/boot.log" 2>&1
rm -f "$root/etc/systemd/system/multi-user.target.wants/probe.service" "$root/etc/systemd/system/statusd-old.service"
sed 's/^/     /' "$out/probe.log"
pass=0; fail=0
t() { if grep -qE "$2" "$out/probe.log"; then echo "ok   $1"; pass=$((pass+1)); else echo "FAIL $1"; fail=$((fail+1)); fi; }
t "systemctl start statusd (ExecStartPre check, then run) under systemd" '^start=0'
t "the service is active" '^active=active'
t "statusd status counts the lines (8 2xx, 1 5xx)" '"2xx":8.*"5xx":1'
t "systemctl reload" '^reload=0'
t "active after the reload" '^after-reload=active'
t "the main process runs under seccomp" '^Seccomp:[[:space:]]*2'
t "systemctl stop: result success" '^result=success'
t "the old filter (setpriority denied) fails to start" '^old-start=[1-9]'
echo "nspawn: $pass passed, $fail failed"
rm -rf "$out"
[ "$fail" -eq 0 ]
