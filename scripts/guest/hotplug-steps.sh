#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The host hot-unplugs the NVMe disk (QMP device_del, once it sees
# ALTDMA-HOTPLUG-READY) while a reader is busy on it; sourced last by the
# guest's /init, since the disk is gone afterwards.

dev=/dev/altdma_nvme0n1

expect_success "hotplug: insmod altdma" insmod /lib/altdma/altdma.ko
expect_success "hotplug: insmod altdma_nvme (bounce, 32-bit)" \
	insmod /lib/altdma/altdma_nvme.ko policy=bounce emulated_mask_bits=32
n=20
while [ "$n" -gt 0 ] && [ ! -b "$dev" ]; do sleep 1; n=$((n - 1)); done
expect_success "hotplug: the disk is there" test -b "$dev"
expect_success "hotplug: altdma attached to the disk's device" altdma_attached

(
	while dd if="$dev" of=/dev/null bs=64k iflag=direct 2>/dev/null; do :; done
	echo stopped > /tmp/reader-stopped
) &
sleep 2
# rmmod under load: the open disk pins the driver, so the kernel refuses.
expect_failure "hotplug: rmmod altdma_nvme refused while the disk is in use" \
	rmmod altdma_nvme
expect_success "hotplug: the reader is still running" sh -c '! test -e /tmp/reader-stopped'
echo "ALTDMA-HOTPLUG-READY"

n=90
while [ "$n" -gt 0 ] && [ -e /sys/block/altdma_nvme0n1 ]; do sleep 1; n=$((n - 1)); done
expect_failure "hotplug: disk removed after device_del" test -e /sys/block/altdma_nvme0n1
n=20
while [ "$n" -gt 0 ] && [ ! -e /tmp/reader-stopped ]; do sleep 1; n=$((n - 1)); done
expect_success "hotplug: the reader got an I/O error and stopped" test -e /tmp/reader-stopped
# The disk goes at del_gendisk(), early in the driver's remove(); altdma
# detaches at its end, so the reader can stop before that.
expect_success "hotplug: altdma detached from the removed device" \
	wait_for 20 altdma_detached
expect_success "hotplug: rmmod altdma_nvme" rmmod altdma_nvme
expect_success "hotplug: rmmod altdma" rmmod altdma
