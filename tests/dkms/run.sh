#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS, as a user installs altdma (make dkms-install), against a kernel
# release whose headers are installed (default: the stock Debian headers
# `make check` installs): dkms add, build and install; the installed modules
# pass the guard, carry the version and describe every parameter; then
# make dkms-remove leaves nothing behind (ALTDMA_DKMS_KEEP=DIR keeps a copy
# of the installed modules there first); then the same through make deb,
# apt install ./altdma-dkms_*.deb and apt purge. Needs root and dkms. Prints one PASS:/FAIL: line
# per check.
#
#   tests/dkms/run.sh KERNEL_RELEASE
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
krel=${1:?usage: $0 KERNEL_RELEASE}
version=$(cat "$root/VERSION")
dest=/lib/modules/$krel/updates/dkms
log=${ALTDMA_DKMS_LOG:-/tmp/altdma-dkms.log}

pass() { echo "PASS: dkms: $1"; }
fail() { echo "FAIL: dkms: $1${2:+ ($2)}"; }
check() {
	local name=$1
	shift
	if "$@" >> "$log" 2>&1; then pass "$name"; else fail "$name" "log: $log"; fi
}

# The module file DKMS installed (compressed where the kernel compresses).
installed_ko() {
	local f
	for f in "$dest/$1.ko" "$dest/$1.ko.xz" "$dest/$1.ko.zst" "$dest/$1.ko.gz"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# Nothing of altdma left in DKMS's tree, /usr/src or the modules directory.
nothing_left() {
	local left
	left=$(ls -d /var/lib/dkms/altdma /usr/src/altdma-* "$dest"/altdma* 2>/dev/null)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# Every module_param of FILE has a description (modinfo's parm: NAME:DESC).
params_described() {
	local bad
	bad=$(/sbin/modinfo -F parm "$1" | grep -v '^[a-z_0-9]*:[^(]')
	[ -z "$bad" ] || { echo "no description: $bad"; return 1; }
}

# Whatever happens, the machine is left as it was: no package, no DKMS
# module, no source tree.
cleanup() {
	if dpkg-query -W altdma-dkms > /dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q altdma-dkms >> "$log" 2>&1
	fi
	"$root/scripts/dkms.sh" remove >> "$log" 2>&1
	rm -f "$log.contents"
}

: > "$log"
if [ "$(id -u)" != 0 ] || ! command -v dkms > /dev/null; then
	fail "DKMS test needs root and dkms" "uid $(id -u), dkms: $(command -v dkms || echo missing)"
	exit 1
fi
trap cleanup EXIT
check "nothing of altdma installed before the test" nothing_left
check "make dkms-install (add, build, install for $krel)" \
	make -C "$root" dkms-install DKMS_KERNEL="$krel"
check "dkms status says installed" \
	sh -c "dkms status -m altdma -v '$version' -k '$krel' | grep -q 'installed'"
for m in altdma altdma_nvme; do
	if ko=$(installed_ko "$m"); then
		pass "$m installed in $dest"
		check "$m carries version $version" \
			test "$(/sbin/modinfo -F version "$ko")" = "$version"
		check "$m describes every parameter" params_described "$ko"
		# DKMS signs with its machine owner key (made on first use), as
		# Secure Boot needs; the README says how to enrol it.
		check "$m is signed (DKMS's key)" test -n "$(/sbin/modinfo -F signer "$ko")"
	else
		fail "$m installed in $dest" "$(find "$dest" -maxdepth 1 2>&1 | tr '\n' ' ')"
	fi
done
ko=$(installed_ko altdma) || ko=$dest/altdma.ko
check "the installed altdma.ko passes the guard" \
	"$root/scripts/check-module.sh" "$ko" "/lib/modules/$krel/build"
check "no test module installed" \
	sh -c "! ls '$dest' | grep -q -e altdma_smoke -e altdma_kunit -e altdma_fault_kunit -e altdma_latency_kunit -e altdma_leaky"
# What users install is what the stock-kernel guest then boots with.
if [ -n "${ALTDMA_DKMS_KEEP:-}" ]; then
	rm -rf "$ALTDMA_DKMS_KEEP" && mkdir -p "$ALTDMA_DKMS_KEEP"
	# The guest's initramfs wants them as plain .ko files.
	keep() {
		local m ko
		for m in altdma altdma_nvme; do
			ko=$(installed_ko "$m") || return 1
			case $ko in
			*.xz) xz -dc "$ko" ;;
			*.zst) zstd -dc "$ko" ;;
			*.gz) gzip -dc "$ko" ;;
			*) cat "$ko" ;;
			esac > "$ALTDMA_DKMS_KEEP/$m.ko" || return 1
		done
	}
	check "DKMS's build kept for the stock-kernel guest" keep
fi
check "make dkms-remove" make -C "$root" dkms-remove
check "nothing of altdma left after make dkms-remove" nothing_left

# A kernel without per-device DMA ops: DKMS skips it (BUILD_EXCLUSIVE_CONFIG,
# exit status 77) rather than building a module that cannot work. Its
# config is the stock one without CONFIG_DMA_OPS and CONFIG_ARCH_HAS_DMA_OPS.
fake=$(mktemp -d)
grep -v -e '^CONFIG_DMA_OPS=' -e '^CONFIG_ARCH_HAS_DMA_OPS=' \
	"/lib/modules/$krel/build/.config" > "$fake/.config"
"$root/scripts/dkms.sh" tree "/usr/src/altdma-$version" &&
	dkms add -m altdma -v "$version" >> "$log" 2>&1
rc=0
dkms build -m altdma -v "$version" -k "$krel" --kernelsourcedir "$fake" >> "$log" 2>&1 || rc=$?
if [ "$rc" = 77 ] && grep -q 'BUILD_EXCLUSIVE directive which does not match' "$log" &&
	grep -q "altdma: kernel $krel has neither CONFIG_DMA_OPS nor CONFIG_ARCH_HAS_DMA_OPS" "$log"; then
	pass "DKMS skips a kernel without DMA ops (BUILD_EXCLUSIVE_CONFIG), and altdma says why"
else
	fail "DKMS skips a kernel without DMA ops (BUILD_EXCLUSIVE_CONFIG)" "dkms build exit $rc, log: $log"
fi
rm -rf "$fake"
check "make dkms-remove after the skipped build" make -C "$root" dkms-remove
check "nothing of altdma left after the skipped build" nothing_left

# The Debian package: make deb, apt install, a DKMS build for $krel, apt purge.
deb=$root/build/altdma-dkms_${version}_all.deb
rm -f "$deb"
check "make deb" make -C "$root" deb
if [ ! -f "$deb" ]; then
	fail "make deb wrote $deb"
	exit 0
fi
dpkg-deb -c "$deb" > "$log.contents" 2>&1
check "the package holds the DKMS tree, altdmactl and no test module" sh -c "
	grep -q ' ./usr/src/altdma-$version/dkms.conf\$' '$log.contents' &&
	grep -q ' ./usr/src/altdma-$version/shim/altdma_main.c\$' '$log.contents' &&
	grep -q ' ./usr/sbin/altdmactl\$' '$log.contents' &&
	grep -q ' ./usr/share/man/man8/altdmactl.8.gz\$' '$log.contents' &&
	! grep -q -e /kunit/ -e /tests/ '$log.contents'"
check "the packaged dkms.conf has version $version" sh -c \
	"dpkg-deb --fsys-tarfile '$deb' | tar -xOf - ./usr/src/altdma-$version/dkms.conf | grep -q '^PACKAGE_VERSION=\"$version\"'"
check "apt install ./$(basename "$deb") registers altdma with DKMS" sh -c \
	"DEBIAN_FRONTEND=noninteractive apt-get install -y -q '$deb' &&
	dkms status -m altdma -v '$version' | grep -q altdma"
check "DKMS builds and installs the packaged sources for $krel" \
	dkms install -m altdma -v "$version" -k "$krel"
if ko=$(installed_ko altdma); then
	check "the packaged build of altdma.ko passes the guard" \
		"$root/scripts/check-module.sh" "$ko" "/lib/modules/$krel/build"
else
	fail "the packaged build of altdma.ko is installed in $dest"
fi
check "apt purge altdma-dkms" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q altdma-dkms
check "nothing of altdma left after apt purge" sh -c \
	"! test -e /usr/sbin/altdmactl && ! ls -d /var/lib/dkms/altdma /usr/src/altdma-* '$dest'/altdma* 2>/dev/null | grep -q ."
