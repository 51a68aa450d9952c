#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# nvme_demo end to end under each altdma policy; sourced by the guest's
# /init. QEMU drops a bad DMA address silently, so only the data read back
# proves the mapping.

disk=altdma_nvme0n1
dev=/dev/$disk

wait_for() {
	# wait_for SECONDS TEST...
	n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 1
		n=$((n - 1))
	done
	return 1
}

# The altdma stats file of the one attached device, if any.
stats_file() {
	for f in /sys/kernel/debug/altdma/*/stats; do
		[ -r "$f" ] && echo "$f" && return 0
	done
	return 1
}

stat_value() {
	# stat_value FILE KEY: the first number after "KEY:"
	sed -n "s/^$2: \([0-9]*\).*/\1/p" "$1"
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
	bytes=$(($(cat /sys/block/$disk/size) * 512))
	mib=$((bytes / 1048576))

	# The whole disk through the page cache, read back after dropping it.
	dd if=/tmp/pattern of="$dev" bs=1M count="$mib" conv=fsync 2>/dev/null
	echo 3 > /proc/sys/vm/drop_caches
	dd if="$dev" of=/tmp/readback bs=1M count="$mib" 2>/dev/null
	expect_success "nvme $name: whole disk ($mib MiB) reads back as written" \
		cmp -s /tmp/pattern /tmp/readback
	rm -f /tmp/readback

	# Direct I/O of several sizes: user buffers, multi-segment requests.
	# Each size writes its own 4 MiB of random data over the last one's
	# (and the page-cache pass's), so a dropped or misplaced write cannot
	# read back as right.
	ok=1
	slice=0
	for bs in 4096 8192 65536 262144 1048576; do
		dd if=/tmp/pattern2 of=/tmp/direct-src bs=1M skip=$((slice * 4)) \
			count=4 2>/dev/null || ok=0
		slice=$((slice + 1))
		if cmp -s /tmp/direct-src /tmp/direct-prev; then
			echo "direct I/O data repeats the previous iteration's"
			ok=0
		fi
		dd if=/tmp/direct-src of="$dev" bs="$bs" count=$((4194304 / bs)) \
			seek=$((8388608 / bs)) oflag=direct conv=fsync 2>/dev/null || ok=0
		dd if="$dev" of=/tmp/direct bs="$bs" count=$((4194304 / bs)) \
			skip=$((8388608 / bs)) iflag=direct 2>/dev/null || ok=0
		cmp -s /tmp/direct-src /tmp/direct || ok=0
		[ "$ok" = 1 ] || { echo "direct I/O mismatch at bs=$bs"; break; }
		mv /tmp/direct-src /tmp/direct-prev
	done
	rm -f /tmp/direct /tmp/direct-src /tmp/direct-prev
	if [ "$ok" = 1 ]; then
		result ok "nvme $name: direct I/O of 4 KiB to 1 MiB blocks reads back"
	else
		result fail "nvme $name: direct I/O of 4 KiB to 1 MiB blocks reads back"
	fi

	if st=$(stats_file); then
		sed "s/^/ALTDMA-STATS $name: /" "$st"
		# Under every policy, direct too: altdma's ops made the mappings
		# (each MiB written or read needs at least one), and the queues.
		expect_success "nvme $name: altdma's ops mapped the I/O" \
			test "$(stat_value "$st" maps)" -ge $((2 * mib))
		expect_success "nvme $name: altdma's ops allocated the queues" \
			test "$(stat_value "$st" coherent_allocs)" -ge 2
		expect_success "nvme $name: no bounce mapping outstanding" \
			test "$(stat_value "$st" outstanding_bounces)" = 0
		expect_success "nvme $name: no guard-byte violation" \
			test "$(stat_value "$st" guard_violations)" = 0
		if [ "$name" != direct ]; then
			expect_success "nvme $name: writes were bounced" \
				test "$(stat_value "$st" bounced_to_device)" -gt 0
			expect_success "nvme $name: reads were bounced" \
				test "$(stat_value "$st" bounced_from_device)" -gt 0
		fi
	else
		result fail "nvme $name: altdma stats for the disk"
	fi
	expect_success "nvme $name: rmmod altdma_nvme" rmmod altdma_nvme
	expect_success "nvme $name: altdma detached from the disk" altdma_detached
}

dd if=/dev/urandom of=/tmp/pattern bs=1M count=32 2>/dev/null
dd if=/dev/urandom of=/tmp/pattern2 bs=1M count=20 2>/dev/null
expect_success "nvme: insmod altdma" insmod /lib/altdma/altdma.ko
verify_policy direct policy=direct
verify_policy bounce32 policy=bounce emulated_mask_bits=32
verify_policy force policy=force
expect_success "nvme: rmmod altdma" rmmod altdma
rm -f /tmp/pattern /tmp/pattern2
