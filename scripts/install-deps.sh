#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what `make check` needs on Debian 12 (bookworm), idempotently.
#
#   scripts/install-deps.sh             install what is missing (as root),
#                                       then print the stock headers dir
#   scripts/install-deps.sh --check     install nothing; exit 1 and list what
#                                       is missing
#   scripts/install-deps.sh --print-kdir
#                                       print only the stock Debian kernel
#                                       headers directory (KDIR) and exit
#
# Packages: the toolchain (build-essential, g++ and the g++-N that gives the
# kernel's own gcc-N its cc1plus), make, GoogleTest (libgtest-dev, which on
# bookworm ships libgtest.a / libgtest_main.a), sparse, kmod, libelf-dev, bc,
# python3, shellcheck, and the STOCK Debian kernel headers through the
# metapackage linux-headers-amd64 (-> linux-headers-6.1.0-NN-amd64).
# linux-source-6.1 is installed too: it is the only Debian package carrying
# scripts/checkpatch.pl, which scripts/check.sh extracts once into a cache.
# The in-kernel tests need what a kernel build needs (flex, bison, libssl-dev,
# cpio), QEMU, busybox-static for the guest, rsync and file; the DKMS and
# package tests need dkms, debhelper and dh-dkms; the benchmark (and its
# quick mode in make check) needs fio, valgrind and a static libc (libc6-dev).
#
# Apt sources are used as configured; this script never edits them.  When
# everything is present it does not touch apt at all.
set -euo pipefail

packages=(build-essential g++ make libgtest-dev sparse kmod libelf-dev bc
	python3 shellcheck xz-utils linux-source-6.1 linux-headers-amd64
	flex bison libssl-dev cpio rsync file qemu-system-x86 busybox-static dkms
	debhelper dh-dkms fio valgrind libc6-dev)

export DEBIAN_FRONTEND=noninteractive

log() { echo "altdma deps: $*"; }

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# The stock headers package the metapackage points at, e.g.
# linux-headers-6.1.0-56-amd64, from its Depends field.
stock_headers_pkg() {
	dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		tr ',' '\n' | sed -n '/^ *linux-headers-/{s/^ *\(linux-headers-[^ ]*\).*/\1/p;q;}'
}

stock_kdir() {
	local pkg
	pkg=$(stock_headers_pkg)
	[ -n "$pkg" ] || return 1
	[ -d "/usr/src/$pkg" ] || return 1
	echo "/usr/src/$pkg"
}

# g++-N for the kernel's gcc-N (CONFIG_CC_VERSION_TEXT="gcc-12 (Debian ...").
kernel_gxx_pkg() {
	local kdir=$1 ver
	# auto.conf has the value unquoted, .config quoted.
	ver=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\{0,1\}gcc-\([0-9][0-9]*\) .*/\1/p' \
		"$kdir/include/config/auto.conf" "$kdir/.config" 2>/dev/null)
	ver=${ver%%$'\n'*}
	[ -n "$ver" ] && echo "g++-$ver"
}

apt_lists_fresh() {
	# Fresh = some package list younger than a day.
	[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 -print -quit 2>/dev/null)" ]
}

apt_install() {
	if [ "$(id -u)" -ne 0 ]; then
		log "missing packages: $* (run this script as root)" >&2
		exit 1
	fi
	if ! apt_lists_fresh; then
		log "apt-get update (package lists are empty or older than a day)"
		apt-get update -q
	fi
	log "installing: $*"
	apt-get install -y -q --no-install-recommends "$@"
}

missing() {
	local p
	for p in "$@"; do
		installed "$p" || echo "$p"
	done
}

mode=${1:-install}
case $mode in
--print-kdir)
	stock_kdir || { log "stock kernel headers (linux-headers-amd64) not installed" >&2; exit 1; }
	exit 0 ;;
--check | install) ;;
*) echo "usage: $0 [--check|--print-kdir]" >&2; exit 2 ;;
esac

mapfile -t todo < <(missing "${packages[@]}")
if [ ${#todo[@]} -ne 0 ]; then
	[ "$mode" = install ] || { log "missing: ${todo[*]}" >&2; exit 1; }
	apt_install "${todo[@]}"
else
	log "all packages present: ${packages[*]}"
fi

# Second round: packages that depend on what the first round installed.
kdir=$(stock_kdir) || { log "stock kernel headers not found after install" >&2; exit 1; }
extra=()
gxx=$(kernel_gxx_pkg "$kdir") || true
[ -z "$gxx" ] || extra+=("$gxx")
headers_pkg=$(stock_headers_pkg)
extra+=("$headers_pkg")
mapfile -t todo < <(missing "${extra[@]}")
if [ ${#todo[@]} -ne 0 ]; then
	[ "$mode" = install ] || { log "missing: ${todo[*]}" >&2; exit 1; }
	apt_install "${todo[@]}"
fi

# The kernel's compiler must be able to compile C++ (cc1plus).
kcc=${gxx/g++/gcc}
kcc=${kcc:-gcc}
if ! cc1plus=$("$kcc" -print-prog-name=cc1plus 2>/dev/null) || [ ! -x "$cc1plus" ]; then
	log "$kcc has no cc1plus: install ${gxx:-g++}" >&2
	exit 1
fi
for lib in /usr/lib/x86_64-linux-gnu/libgtest.a /usr/lib/x86_64-linux-gnu/libgtest_main.a; do
	[ -f "$lib" ] || log "note: $lib not found (libgtest-dev layout changed?)" >&2
done
log "kernel compiler: $kcc (cc1plus: $cc1plus)"
log "stock kernel headers: KDIR=$kdir (package $headers_pkg)"
