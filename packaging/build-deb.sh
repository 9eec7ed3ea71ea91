#!/usr/bin/env bash
# Builds statusd_VERSION_ARCH.deb with dpkg-deb: a release binary with the Swift runtime linked
# statically (it needs only glibc, libsystemd0 and zlib at run time), the commented default config
# as a conffile, the hardened systemd unit, a man page statusd(8) and bash, zsh and fish completions
# generated from the command definitions, copyright, changelog and maintainer scripts.
#   packaging/build-deb.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir=${1:-.}
upstream=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/statusd/Statusd.swift)
# The Debian revision of this packaging (see packaging/debian/changelog).
version="$upstream-1"
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$root" "$work"' EXIT
# The Swift runtime, libstdc++ and libgcc are linked statically: the binary needs only glibc,
# libsystemd0 and zlib. The Swift runtime's link line names -lstdc++ itself, so a folder holding
# only libstdc++.a goes first in the linker's search path.
mkdir -p "$work/static"
ln -s "$(g++ -print-file-name=libstdc++.a)" "$work/static/libstdc++.a"
flags=(-c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -static-libgcc)
# Resident memory (see packaging/hot-code.sh): every function in its own section, so that lld can
# lay out the functions a running daemon executes first and together (packaging/statusd.order);
# relative relocations packed (DT_RELR: 24 KB instead of 3 MB read at every start); and no
# exported dynamic symbol table (the Swift runtime's link arguments ask for one; nothing here
# looks symbols up at run time).
flags+=(-Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections -Xswiftc -use-ld=lld)
link=(-Xlinker --no-export-dynamic -Xlinker -z -Xlinker pack-relative-relocs
      -Xlinker --symbol-ordering-file="$PWD/packaging/statusd.order" -Xlinker --no-warn-symbol-ordering)
swift build "${flags[@]}" "${link[@]}" -Xlinker -L"$work/static" --product statusd
bin=$(swift build "${flags[@]}" --show-bin-path)/statusd

install -Dm0755 "$bin" "$root/usr/bin/statusd"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/statusd"
install -Dm0644 Config/statusd.yaml "$root/etc/statusd/statusd.yaml"
install -Dm0644 packaging/statusd.service "$root/lib/systemd/system/statusd.service"

# The man page and the completions come from the command definitions (swift-argument-parser).
swift package plugin generate-manual --configuration debug --section 8 --date "$(date -u +%F)" --authors 'statusd maintainers<statusd-maintainers@users.noreply.github.com>' >/dev/null
page=$(find .build/plugins/GenerateManual/outputs -name 'statusd.8' | head -1)
[ -n "$page" ] || { echo "no man page generated" >&2; exit 1; }
install -d "$root/usr/share/man/man8"
gzip -9n < "$page" > "$root/usr/share/man/man8/statusd.8.gz"
chmod 0644 "$root/usr/share/man/man8/statusd.8.gz"
# Completions are sourced, not run: no #! line.
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' > "$work/bash"
"$bin" --generate-completion-script zsh > "$work/zsh"
"$bin" --generate-completion-script fish > "$work/fish"
install -Dm0644 "$work/bash" "$root/usr/share/bash-completion/completions/statusd"
install -Dm0644 "$work/zsh" "$root/usr/share/zsh/vendor-completions/_statusd"
install -Dm0644 "$work/fish" "$root/usr/share/fish/vendor_completions.d/statusd.fish"

doc="$root/usr/share/doc/statusd"
install -Dm0644 packaging/debian/copyright "$doc/copyright"
gzip -9n < packaging/debian/changelog > "$doc/changelog.Debian.gz"
gzip -9n < README.md > "$doc/README.md.gz"
chmod 0644 "$doc"/*.gz
if [ -s packaging/debian/lintian-overrides ]; then
  install -Dm0644 packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/statusd"
fi

install -d "$root/DEBIAN"
for s in postinst prerm postrm; do install -m0755 "packaging/debian/$s" "$root/DEBIAN/$s"; done
echo /etc/statusd/statusd.yaml > "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CTL
Package: statusd
Version: $version
Architecture: $arch
Maintainer: statusd maintainers <statusd-maintainers@users.noreply.github.com>
Installed-Size: $size
Depends: libc6, libsystemd0, zlib1g, ca-certificates, init-system-helpers (>= 1.54~)
Section: admin
Priority: optional
Homepage: https://github.com/statusd/statusd
Description: alerts on HTTP 5xx, Cloudflare 52x and client-abort rates from access logs
 statusd tails nginx, Apache, CDN and load-balancer access logs, counts status
 classes in sliding windows, and alerts to journald (and chat or webhooks) when
 the share of 5xx errors, Cloudflare 52x origin errors or client aborts crosses
 a limit. A resolved notice follows when it is over.
CTL
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control" "$root/DEBIAN/conffiles"
out="$out_dir/statusd_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
