#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Hot-unplug during I/O, asked of the host with ALTDMA-QMP lines (QMP
# device_del, device_add). First the kernel's nvme driver over altdma
# (attached by name, force bounce) with a reader busy on the disk: the
# attachment goes with the device, the rule stays armed and attaches again
# when the device comes back. Then nvme_demo, with the same unplug. Sourced
# last by the guest's /init, since the disk is gone afterwards.
# shellcheck disable=SC2154 # CFG and ctl come from common.sh

nvme=$(pci_dev 0x1b36:0x0010)

hp_state() {
	test "$(cat "$CFG/pci/$nvme/state")" = "$1"
}

# hp_reader DEV: reads DEV with direct I/O until an I/O error stops it.
hp_reader() {
	rm -f /tmp/reader-stopped
	(
		while dd if="$1" of=/dev/null bs=64k iflag=direct 2>/dev/null; do :; done
		echo stopped > /tmp/reader-stopped
	) &
}

expect_success "hotplug: insmod altdma" insmod /lib/altdma/altdma.ko
expect_success "hotplug stock: load the kernel's nvme driver" load_chain nvme
wait_for 30 test -L "/sys/bus/pci/devices/$nvme/driver"
if ! "$ctl" attach "$nvme" --force; then
	result fail "hotplug stock: altdmactl attach (force bounce)"
elif ! wait_for 30 nvme_disk "$nvme" > /dev/null; then
	result fail "hotplug stock: the disk appeared"
else
	result ok "hotplug stock: altdmactl attach (force bounce)"
	disk=$(nvme_disk "$nvme")
	wait_for 10 test -b "/dev/$disk"
	dd if=/dev/urandom of=/tmp/hp bs=1M count=4 2>/dev/null
	expect_success "hotplug stock: write 4 MiB over altdma" \
		dd if=/tmp/hp of="/dev/$disk" bs=64k oflag=direct conv=fsync
	hp_reader "/dev/$disk"
	sleep 2
	expect_success "hotplug stock: the reader is running" \
		sh -c '! test -e /tmp/reader-stopped'
	say 'ALTDMA-QMP device_del {"id": "nvme0"}'
	expect_success "hotplug stock: the disk is gone after device_del" \
		wait_for 90 sh -c "! test -e /sys/block/$disk"
	expect_success "hotplug stock: the PCI function is gone" \
		wait_for 30 sh -c "! test -e /sys/bus/pci/devices/$nvme"
	expect_success "hotplug stock: the reader got an I/O error and stopped" \
		wait_for 20 test -e /tmp/reader-stopped
	expect_success "hotplug stock: altdma dropped the attachment" \
		wait_for 20 altdma_detached
	expect_success "hotplug stock: the rule is armed (device not present)" \
		hp_state "armed (device not present)"

	say 'ALTDMA-QMP device_add {"driver": "nvme", "id": "nvme0", "bus": "rp1", "drive": "nvm", "serial": "altdma0001"}'
	expect_success "hotplug stock: the device is back after device_add" \
		wait_for 90 test -L "/sys/bus/pci/devices/$nvme/driver"
	expect_success "hotplug stock: the armed rule attached again (driver nvme)" \
		wait_for 30 hp_state "attached (driver nvme)"
	if wait_for 30 nvme_disk "$nvme" > /dev/null; then
		disk=$(nvme_disk "$nvme")
		wait_for 10 test -b "/dev/$disk"
		hp_stats=/sys/kernel/debug/altdma/$nvme/stats
		before=$(stat_value "$hp_stats" bounced_from_device)
		dd if="/dev/$disk" of=/tmp/hp.back bs=64k count=64 iflag=direct 2>/dev/null
		after=$(stat_value "$hp_stats" bounced_from_device)
		expect_success "hotplug stock: data written before the unplug reads back" \
			cmp -s /tmp/hp /tmp/hp.back
		# 64 reads of 64 KiB: at least one bounce each.
		expect_success "hotplug stock: the read back was bounced by altdma" \
			test "$((${after:-0} - ${before:-0}))" -ge 64
	else
		result fail "hotplug stock: the disk came back"
	fi
	rm -f /tmp/hp /tmp/hp.back
fi
expect_success "hotplug stock: altdmactl detach" "$ctl" detach "$nvme"
expect_success "hotplug stock: rmmod nvme" rmmod nvme
expect_success "hotplug stock: rmmod altdma" rmmod altdma

dev=/dev/altdma_nvme0n1

expect_success "hotplug: insmod altdma again" insmod /lib/altdma/altdma.ko
expect_success "hotplug: insmod altdma_nvme (bounce, 32-bit)" \
	insmod /lib/altdma/altdma_nvme.ko policy=bounce emulated_mask_bits=32
n=20
while [ "$n" -gt 0 ] && [ ! -b "$dev" ]; do sleep 1; n=$((n - 1)); done
expect_success "hotplug: the disk is there" test -b "$dev"
expect_success "hotplug: altdma attached to the disk's device" altdma_attached

hp_reader "$dev"
sleep 2
# rmmod under load: the open disk pins the driver, so the kernel refuses.
expect_failure "hotplug: rmmod altdma_nvme refused while the disk is in use" \
	rmmod altdma_nvme
expect_success "hotplug: the reader is still running" sh -c '! test -e /tmp/reader-stopped'
say 'ALTDMA-QMP device_del {"id": "nvme0"}'

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
