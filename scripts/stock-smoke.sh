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

altdma_prepare_kernel stock
work="$ALTDMA_CACHE/runs/$ALTDMA_KLABEL"
mkdir -p "$work"
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/initramfs.cpio" \
	"$ALTDMA_ROOT/scripts/guest/stock.sh" "$ALTDMA_MODS/altdma.ko" \
	"$ALTDMA_MODS/kunit/altdma_smoke.ko"
log="$work/console.log"
rm -f "$log"
"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" -i "$work/initramfs.cpio" \
	-l "$log" -m 2G -t 300 || true
"$ALTDMA_ROOT/scripts/verdict.sh" "$ALTDMA_KLABEL" "$log" || {
	altdma_log "console log: $log"
	exit 1
}
