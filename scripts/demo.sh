#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boots a QEMU guest (the 6.1 test kernel unless
# DEMO_KERNEL=6.12|7.2|stock), loads altdma and nvme_demo with
# DEMO_ARGS (default: the bounce policy with a 32-bit emulated mask, in a
# 6 GiB guest, so buffers above 4 GiB really bounce), puts an ext4
# filesystem on the emulated NVMe disk, and prints what happened.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

kernel=${DEMO_KERNEL:-6.1}
args=${DEMO_ARGS:-policy=bounce emulated_mask_bits=32}
"$ALTDMA_ROOT/scripts/install-deps.sh" > /dev/null
echo "altdma demo: preparing Linux $kernel (the first run builds the test kernel: ~10 minutes)"
altdma_prepare_kernel "$kernel"
work="$ALTDMA_CACHE/runs/demo-$ALTDMA_KLABEL"
mkdir -p "$work"
printf '%s\n' "$args" > "$work/demo-args"
altdma_kernel_drivers "$work/drivers"
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/demo.cpio" \
	"$ALTDMA_ROOT/scripts/guest/demo.sh" "$work/drivers"/* "$ALTDMA_MODS/altdma.ko" \
	"$ALTDMA_MODS/nvme_demo/altdma_nvme.ko" "$work/demo-args"
rm -f "$work/disk.img" "$work/console.log"
truncate -s 128M "$work/disk.img"
echo "altdma demo: booting QEMU (q35, TCG, 6 GiB, NVMe disk of 128 MiB)"
"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" -i "$work/demo.cpio" \
	-l "$work/console.log" -m 6G -t 600 -d "$work/disk.img" || true

echo
echo "=== altdma demo on $ALTDMA_KLABEL ==="
sed -n 's/\r$//; s/^\(.*\[ *[0-9.]*\] \)\{0,1\}ALTDMA-DEMO //p' "$work/console.log"
echo
if "$ALTDMA_ROOT/scripts/verdict.sh" demo "$work/console.log" > "$work/verdict" &&
	! grep -q 'FAILED\|MISMATCH' "$work/console.log"; then
	echo "kernel log: clean (no warning, BUG, lockdep, KASAN, kmemleak or DMA-API report)"
else
	grep -v '^PASS' "$work/verdict" || true
	echo "demo FAILED; console log: $work/console.log"
	exit 1
fi
echo "console log: $work/console.log"
