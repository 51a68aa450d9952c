#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every in-kernel test on one kernel, in one QEMU guest (q35, TCG, 4.5 GiB
# so that RAM above 4 GiB exists, an NVMe disk behind a PCIe root port),
# and prints the verdict lines (PASS:/FAIL:/SKIP:):
#  - KUnit suites driving the real DMA API (test kernels only),
#  - the smoke module and the module unload rules,
#  - nvme_demo writing and verifying the disk under the direct, bounce
#    (32-bit emulated mask) and force-bounce policies,
#  - attach by name: configfs rules and attach= against hostile input,
#    altdmactl's error paths, and the kernel's own nvme driver over altdma
#    (attached with altdmactl) under the same three policies,
#  - hot-unplug of the disk (QMP device_del) during I/O,
#  - a log free of warnings, BUG, lockdep, KASAN, kmemleak and DMA-API
#    debug reports.
#
#   scripts/guest-test.sh 6.1|6.12|7.2|stock [--selftest]
#
# --selftest boots the harness self-test instead (a module that leaks a DMA
# mapping on purpose) and passes only if the verdict catches the leak.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

version=${1:?usage: $0 6.1|6.12|7.2|stock [--selftest]}
mode=${2:-}
altdma_prepare_kernel "$version"
mods=$ALTDMA_MODS
label=$ALTDMA_KLABEL
[ "$mode" != --selftest ] || label="selftest-$ALTDMA_KLABEL"
work="$ALTDMA_CACHE/runs/$label"
mkdir -p "$work"
log="$work/console.log" qmp="$work/qmp.sock"
rm -f "$log" "$log.qmp" "$qmp" "$work/disk.img"
# The kernel's own modules the guest loads (configfs, nvme, virtio).
altdma_kernel_drivers "$work/drivers"

if [ "$mode" = --selftest ]; then
	"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/initramfs.cpio" \
		"$ALTDMA_ROOT/scripts/guest/selftest.sh" "$work/drivers"/* "$mods/altdma.ko" \
		"$mods/kunit/altdma_smoke.ko"
	"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" \
		-i "$work/initramfs.cpio" -l "$log" -m 2G -t 600 || true
	verdict=$("$ALTDMA_ROOT/scripts/verdict.sh" "$label" "$log" || true)
	if grep -q "^FAIL: $label: log free of" <<<"$verdict" &&
		grep -q "ALTDMA-DMA-API-LIVE .*altdma-smoke" "$log"; then
		echo "PASS: harness self-test on $ALTDMA_KLABEL: a leaked DMA mapping fails the verdict"
		exit 0
	fi
	echo "FAIL: harness self-test on $ALTDMA_KLABEL: a leaked DMA mapping went unnoticed (log: $log)"
	exit 1
fi

files=("$work/drivers"/* "$ALTDMA_ROOT/tools/altdmactl" "$mods/altdma.ko"
	"$mods/kunit/altdma_smoke.ko" "$mods/nvme_demo/altdma_nvme.ko")
kunit=()
if [ -f "$mods/kunit/altdma_kunit.ko" ]; then
	files+=("$mods/kunit/altdma_kunit.ko")
	kunit=(--kunit)
fi
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/initramfs.cpio" \
	"$ALTDMA_ROOT/scripts/guest/all.sh" "${files[@]}"
truncate -s 32M "$work/disk.img"
"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" -i "$work/initramfs.cpio" \
	-l "$log" -m 4608M -t 1200 -d "$work/disk.img" -q "$qmp" \
	-a "kunit.enable=1 kunit.autorun=1" &
guest=$!
# The guest says when its reader is busy on the disk: unplug it then.
until grep -q '^ALTDMA-HOTPLUG-READY' "$log" 2>/dev/null; do
	kill -0 "$guest" 2>/dev/null || break
	sleep 1
done
if grep -q '^ALTDMA-HOTPLUG-READY' "$log" 2>/dev/null &&
	! "$ALTDMA_ROOT/scripts/qmp.py" "$qmp" device_del '{"id": "nvme0"}' > "$log.qmp" 2>&1; then
	echo "ALTDMA-HOST: device_del failed: $(cat "$log.qmp")" >> "$log"
fi
wait "$guest" || true
"$ALTDMA_ROOT/scripts/verdict.sh" "${kunit[@]}" "$label" "$log" || {
	altdma_log "console log: $log"
	exit 1
}
