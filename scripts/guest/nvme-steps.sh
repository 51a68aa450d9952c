#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nvme_demo end to end under each altdma policy; sourced by the guest's
# /init. QEMU drops a bad DMA address silently, so only the data read back
# proves the mapping.

disk=altdma_nvme0n1
dev=/dev/$disk

# The altdma stats file of the one attached device, if any.
stats_file() {
	for f in /sys/kernel/debug/altdma/*/stats; do
		[ -r "$f" ] && echo "$f" && return 0
	done
	return 1
}

verify_policy() {
	name=$1
	shift
	if ! insmod /lib/altdma/altdma_nvme.ko "$@"; then
		result fail "nvme $name: insmod altdma_nvme $*"
		return
	fi
	if ! wait_for 20 test -b "$dev"; then
		result fail "nvme $name: $dev appeared"
		rmmod altdma_nvme
		return
	fi
	check_disk "nvme $name" "$dev"
	if st=$(stats_file); then
		check_stats "nvme $name" "$st" "$name"
	else
		result fail "nvme $name: altdma stats for the disk"
	fi
	expect_success "nvme $name: rmmod altdma_nvme" rmmod altdma_nvme
	expect_success "nvme $name: altdma detached from the disk" altdma_detached
}

expect_success "nvme: insmod altdma" insmod /lib/altdma/altdma.ko
verify_policy direct policy=direct
verify_policy bounce32 policy=bounce emulated_mask_bits=32
verify_policy force policy=force
expect_success "nvme: rmmod altdma" rmmod altdma
