#!/usr/bin/env bash
# Builds statusd_VERSION_ARCH.deb with dpkg-deb: a release binary with the Swift runtime linked
# statically, the commented default config as a conffile, and the systemd unit.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/statusd/Statusd.swift)
arch=$(dpkg --print-architecture)
swift build -c release --static-swift-stdlib --product statusd
bin=$(swift build -c release --show-bin-path)/statusd
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -Dm0755 "$bin" "$root/usr/bin/statusd"
strip "$root/usr/bin/statusd" 2>/dev/null || true
install -Dm0644 Config/statusd.yaml "$root/etc/statusd/statusd.yaml"
install -Dm0644 packaging/statusd.service "$root/lib/systemd/system/statusd.service"
install -Dm0644 README.md "$root/usr/share/doc/statusd/README.md"
install -d "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CTL
Package: statusd
Version: $version
Architecture: $arch
Maintainer: statusd maintainers <statusd@localhost>
Depends: libsystemd0, zlib1g, libc6
Section: admin
Priority: optional
Description: alerts on HTTP 5xx, Cloudflare 52x and client-abort rates from access logs
 statusd tails nginx, Apache and CDN access logs, counts status classes in sliding
 windows and writes alerts and resolved notices to journald.
CTL
echo /etc/statusd/statusd.yaml > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/postinst" <<'POST'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
  systemctl enable statusd.service || true
fi
POST
chmod 0755 "$root/DEBIAN/postinst"
out="statusd_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$out"
echo "built $out"
