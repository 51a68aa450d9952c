#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS install and removal of altdma and altdma_nvme (make dkms-install,
# make dkms-remove), and the source tree DKMS builds from.
#
#   scripts/dkms.sh tree DIR         writes the DKMS source tree into DIR
#   scripts/dkms.sh install [KREL]   the tree into /usr/src/altdma-VERSION,
#                                    then dkms add, build and install for
#                                    kernel release KREL (default: running)
#   scripts/dkms.sh remove           dkms remove --all, and the tree
#
# The version is ./VERSION; dkms.conf's #MODULE_VERSION# becomes it, as
# dh_dkms would do. Only what the modules' build reads goes into the tree,
# and nothing test-only (no kunit/).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$root/VERSION")
src=/usr/src/altdma-$version
files=(Kbuild Makefile VERSION dkms.conf README.md core shim nvme_demo
	scripts/Kbuild.cxx scripts/check-module.sh scripts/module-symbols.allow)

die() { printf 'altdma dkms: %s\n' "$*" >&2; exit 1; }

make_tree() {
	local dir=$1 f
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ "$(git -C "$root" rev-parse --show-toplevel 2>/dev/null)" = "$root" ]; then
		# Tracked files only: no build output of an in-tree make.
		git -C "$root" ls-files -z -- "${files[@]}" |
			while IFS= read -r -d '' f; do
				mkdir -p "$dir/$(dirname "$f")"
				cp --preserve=mode,timestamps "$root/$f" "$dir/$f"
			done
	else
		for f in "${files[@]}"; do
			mkdir -p "$dir/$(dirname "$f")"
			cp -r --preserve=mode,timestamps "$root/$f" "$dir/$f"
		done
		find "$dir" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
			-o -name '*.mod.c' -o -name 'modules.order' -o -name 'Module.symvers' \) -delete
	fi
	sed -i "s/#MODULE_VERSION#/$version/" "$dir/dkms.conf"
	# Root builds from this tree at every kernel upgrade: nobody else may
	# write to it, whoever owns the checkout it came from.
	if [ "$(id -u)" = 0 ]; then
		chown -R root:root "$dir"
		chmod -R go-w "$dir"
	fi
}

need_dkms() {
	[ "$(id -u)" = 0 ] || die "run as root (DKMS writes /usr/src, /var/lib/dkms and /lib/modules)"
	command -v dkms > /dev/null || die "dkms is not installed (apt install dkms)"
}

# An earlier install of this version goes first, whatever state it is in.
remove_installed() {
	if [ -n "$(dkms status -m altdma -v "$version" 2>/dev/null)" ]; then
		dkms remove -m altdma -v "$version" --all
	fi
	rm -rf "$src"
}

case ${1:-} in
tree)
	[ -n "${2:-}" ] || die "usage: $0 tree DIR"
	make_tree "$2" ;;
install)
	need_dkms
	krel=${2:-$(uname -r)}
	[ -d "/lib/modules/$krel/build" ] ||
		die "no headers for kernel $krel (/lib/modules/$krel/build): apt install linux-headers-$krel"
	remove_installed
	make_tree "$src"
	dkms add -m altdma -v "$version"
	dkms build -m altdma -v "$version" -k "$krel" ||
		die "build for $krel failed: see /var/lib/dkms/altdma/$version/build/make.log"
	dkms install -m altdma -v "$version" -k "$krel" ;;
remove)
	need_dkms
	remove_installed ;;
*)
	die "usage: $0 tree DIR | install [KERNEL_RELEASE] | remove" ;;
esac
