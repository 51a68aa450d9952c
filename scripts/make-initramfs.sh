#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds a busybox initramfs (uncompressed newc cpio, which every kernel
# accepts) that runs one guest script as /init.
#
#   scripts/make-initramfs.sh OUT.cpio GUEST_SCRIPT [FILE...]
#
# Each FILE (modules, test data) is copied to /lib/altdma/ in the image.
# ALTDMA_INITRAMFS_PROGRAMS="PATH..." adds dynamically linked programs
# (the benchmark's fio) to /lib/altdma/, with the shared libraries ldd
# lists for them at their own paths.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || altdma_die "usage: $0 OUT.cpio GUEST_SCRIPT [FILE...]"
out=$1 guest=$2
shift 2

busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	busybox=/bin/busybox
[ -x "$busybox" ] || altdma_die "busybox-static is not installed (scripts/install-deps.sh)"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lib/altdma,mnt}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
for steps in "$ALTDMA_ROOT"/scripts/guest/common.sh \
	"$ALTDMA_ROOT"/scripts/guest/modprobe "$ALTDMA_ROOT"/scripts/guest/*-steps.sh; do
	install -m 0755 "$steps" "$root/lib/altdma/"
done
install -m 0755 "$guest" "$root/init"
for file in "$@"; do
	cp "$file" "$root/lib/altdma/"
done
for program in ${ALTDMA_INITRAMFS_PROGRAMS:-}; do
	cp "$program" "$root/lib/altdma/"
	ldd "$program" | grep -o '/[^ ]*' | while IFS= read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) > "$out"
