#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The "insmod on a test machine" path: boots Debian 12's own kernel
# (unpacked from its linux-image package) in QEMU, loads altdma.ko and the
# smoke module built against the matching stock headers, and judges the log.
#
#   scripts/stock-smoke.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

kdir=$("$ALTDMA_ROOT/scripts/install-deps.sh" --print-kdir)
release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
[ -n "$release" ] || altdma_die "cannot tell the release of $kdir"

deb=$(altdma_fetch_deb "linux-image-$release" "$ALTDMA_CACHE/debs") || exit 1
image="$ALTDMA_CACHE/stock/$release"
if [ ! -f "$image/vmlinuz" ]; then
	rm -rf "$image" && mkdir -p "$image/x"
	dpkg-deb -x "$deb" "$image/x"
	cp "$image/x/boot/vmlinuz-$release" "$image/vmlinuz"
	rm -rf "$image/x"
fi

label="stock-$release"
work="$ALTDMA_CACHE/runs/$label"
mkdir -p "$work"
mods=$("$ALTDMA_ROOT/scripts/build-modules.sh" "$kdir" "$ALTDMA_CACHE/modbuild/stock-$release")
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/initramfs.cpio" \
	"$ALTDMA_ROOT/scripts/guest/stock.sh" "$mods/altdma.ko" "$mods/kunit/altdma_smoke.ko"
log="$work/console.log"
rm -f "$log"
"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$image/vmlinuz" -i "$work/initramfs.cpio" \
	-l "$log" -m 2G -t 300 || true
"$ALTDMA_ROOT/scripts/verdict.sh" "$label" "$log" || {
	altdma_log "console log: $log"
	exit 1
}
