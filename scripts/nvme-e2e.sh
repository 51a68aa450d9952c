#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nvme_demo end to end in QEMU on one kernel, and prints verdict lines:
#  1. a 64 MiB emulated NVMe disk written and verified under the direct,
#     bounce (32-bit emulated mask, RAM above 4 GiB) and force-bounce
#     policies, with altdma's counters checked after each;
#  2. hot-unplug (QMP device_del on a PCIe root port) during I/O.
#
#   scripts/nvme-e2e.sh 6.1|6.12|7.2|stock
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

version=${1:?usage: $0 6.1|6.12|7.2|stock}
altdma_prepare_kernel "$version"
work="$ALTDMA_CACHE/runs/nvme-$ALTDMA_KLABEL"
mkdir -p "$work"
modules=("$ALTDMA_MODS/altdma.ko" "$ALTDMA_MODS/nvme_demo/altdma_nvme.ko")
status=0

# --- 1. data integrity under every policy ---
label="nvme-$ALTDMA_KLABEL"
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/nvme.cpio" \
	"$ALTDMA_ROOT/scripts/guest/nvme.sh" "${modules[@]}"
rm -f "$work/disk.img" "$work/nvme.log"
truncate -s 64M "$work/disk.img"
"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" -i "$work/nvme.cpio" \
	-l "$work/nvme.log" -m 6G -t 900 -d "$work/disk.img" || true
"$ALTDMA_ROOT/scripts/verdict.sh" "$label" "$work/nvme.log" || status=1

# --- 2. hot-unplug during I/O ---
label="nvme-hotplug-$ALTDMA_KLABEL"
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/hotplug.cpio" \
	"$ALTDMA_ROOT/scripts/guest/nvme-hotplug.sh" "${modules[@]}"
log="$work/hotplug.log" qmp="$work/qmp.sock"
rm -f "$log" "$qmp"
"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" -i "$work/hotplug.cpio" \
	-l "$log" -m 2G -t 600 -d "$work/disk.img" -q "$qmp" &
guest=$!
for _ in $(seq 300); do
	grep -q '^ALTDMA-HOTPLUG-READY' "$log" 2>/dev/null && break
	kill -0 "$guest" 2>/dev/null || break
	sleep 1
done
if grep -q '^ALTDMA-HOTPLUG-READY' "$log" 2>/dev/null; then
	"$ALTDMA_ROOT/scripts/qmp.py" "$qmp" device_del '{"id": "nvme0"}' >> "$log.qmp" 2>&1 ||
		echo "ALTDMA-HOST: device_del failed: $(cat "$log.qmp")" >> "$log"
else
	echo "ALTDMA-HOST: the guest never got its reader going" >> "$log"
fi
wait "$guest" || true
"$ALTDMA_ROOT/scripts/verdict.sh" "$label" "$log" || status=1
[ "$status" = 0 ] || altdma_log "console logs: $work/*.log"
exit "$status"
