#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own nvme driver over altdma, attached by name with
# altdmactl, under the direct policy, bounce with a 32-bit emulated mask
# (the guest has RAM above 4 GiB) and force; then detached, with nvme
# working again without altdma. Sourced by the guest's /init with altdma
# not loaded; leaves it so.

CFG=/sys/kernel/config/altdma
ctl=/lib/altdma/altdmactl
nvme=$(pci_dev 0x1b36:0x0010)

# The first namespace of the stock driver's controller on $nvme.
stock_disk() {
	for b in /sys/bus/pci/devices/"$nvme"/nvme/nvme*/nvme*n1; do
		[ -e "$b" ] && basename "$b" && return 0
	done
	return 1
}

stock_pass() {
	policy=$1 name="stock nvme $1"
	shift
	if ! "$ctl" attach "$nvme" "$@"; then
		result fail "$name: altdmactl attach $*"
		return
	fi
	expect_success "$name: attached (driver nvme)" \
		test "$(cat "$CFG/pci/$nvme/state")" = "attached (driver nvme)"
	if ! wait_for 30 stock_disk > /dev/null; then
		result fail "$name: the disk appeared"
		"$ctl" detach "$nvme"
		return
	fi
	disk=$(stock_disk)
	wait_for 10 test -b "/dev/$disk"
	check_disk "$name" "/dev/$disk"
	check_stats "$name" "/sys/kernel/debug/altdma/$nvme/stats" "$policy"
	expect_failure "$name: rmdir refused while nvme is bound over altdma" \
		rmdir "$CFG/pci/$nvme"
	expect_failure "$name: disable refused while nvme is bound over altdma" \
		sh -c "echo 0 > $CFG/pci/$nvme/enable"
	expect_success "$name: altdmactl report" sh -c "'$ctl' report '$nvme' | grep -q 'driver: nvme'"
	expect_success "$name: altdmactl detach" "$ctl" detach "$nvme"
	expect_success "$name: altdma detached" altdma_detached
	expect_success "$name: nvme bound again without altdma" \
		test "$(basename "$(readlink "/sys/bus/pci/devices/$nvme/driver")")" = nvme
	if wait_for 30 stock_disk > /dev/null; then
		disk=$(stock_disk)
		wait_for 10 test -b "/dev/$disk"
		# What altdma's mappings wrote is on the disk (the first 8 MiB
		# were not overwritten by the direct-I/O pass) ...
		dd if="/dev/$disk" of=/tmp/readback bs=1M count=8 iflag=direct 2>/dev/null
		dd if=/tmp/pattern of=/tmp/expect bs=1M count=8 2>/dev/null
		expect_success "$name: data written over altdma reads back without it" \
			cmp -s /tmp/expect /tmp/readback
		# ... and the plain driver writes and reads new data.
		dd if=/tmp/pattern2 of=/tmp/expect bs=1M skip=16 count=4 2>/dev/null
		dd if=/tmp/expect of="/dev/$disk" bs=64k seek=256 oflag=direct conv=fsync 2>/dev/null
		dd if="/dev/$disk" of=/tmp/readback bs=64k skip=256 count=64 iflag=direct 2>/dev/null
		expect_success "$name: nvme without altdma writes and reads back" \
			cmp -s /tmp/expect /tmp/readback
		rm -f /tmp/expect /tmp/readback
	else
		result fail "$name: the disk came back without altdma"
	fi
}

expect_success "stock nvme: NVMe function present" test -n "$nvme"
expect_success "stock nvme: insmod altdma" insmod /lib/altdma/altdma.ko
expect_success "stock nvme: load the kernel's nvme driver" load_chain nvme
wait_for 30 test -L "/sys/bus/pci/devices/$nvme/driver"
stock_pass direct
stock_pass bounce32 --mask 32
stock_pass force --force --guard 64
expect_success "stock nvme: rmmod altdma" rmmod altdma
# The next steps drive the disk with nvme_demo again.
expect_success "stock nvme: rmmod nvme" rmmod nvme
