#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest /init for `make demo`: nvme_demo on altdma with a filesystem on it.
# Lines starting with ALTDMA-DEMO are the host's summary.
# shellcheck source=scripts/guest/common.sh
. /lib/altdma/common.sh

demo() { say "ALTDMA-DEMO $*"; }
dev=/dev/altdma_nvme0n1
args=$(cat /lib/altdma/demo-args)

insmod /lib/altdma/altdma.ko
# shellcheck disable=SC2086 # the arguments are separate words
insmod /lib/altdma/altdma_nvme.ko $args
n=20
while [ "$n" -gt 0 ] && [ ! -b "$dev" ]; do sleep 1; n=$((n - 1)); done
demo "driver: altdma_nvme $args"
demo "disk: $dev, $(($(cat /sys/block/altdma_nvme0n1/size) / 2048)) MiB"

dd if=/dev/urandom of=/tmp/data bs=1M count=24 2>/dev/null
sum=$(md5sum < /tmp/data)

# The ext4 driver mounts what busybox's mke2fs makes; a kernel without it
# built in (Debian's has it as a module) gets the raw disk instead.
filesystem() {
	mke2fs -q "$dev" || { demo "mke2fs: FAILED"; return; }
	mkdir -p /mnt/disk
	mount -t ext4 "$dev" /mnt/disk || { demo "mount: FAILED"; return; }
	cp /tmp/data /mnt/disk/data
	for i in 1 2 3 4 5 6 7 8; do
		dd if=/tmp/data of="/mnt/disk/file$i" bs=64k count=$((i * 16)) 2>/dev/null
	done
	umount /mnt/disk
	echo 3 > /proc/sys/vm/drop_caches
	mount -t ext4 "$dev" /mnt/disk || { demo "remount: FAILED"; return; }
	if [ "$(md5sum < /mnt/disk/data)" = "$sum" ]; then
		demo "ext4 on the disk: 24 MiB file plus 8 more written, remounted, read back: checksum matches"
	else
		demo "ext4 on the disk: file read back after remount: CHECKSUM MISMATCH"
	fi
	demo "filesystem: $(df -k /mnt/disk | awk 'NR == 2 { print $3 " KiB used of " $2 " KiB" }')"
	umount /mnt/disk
}

raw_disk() {
	dd if=/tmp/data of="$dev" bs=256k conv=fsync 2>/dev/null
	echo 3 > /proc/sys/vm/drop_caches
	if [ "$(head -c 25165824 "$dev" | md5sum)" = "$sum" ]; then
		demo "raw disk (no ext4 in this kernel): 24 MiB written and read back: checksum matches"
	else
		demo "raw disk: 24 MiB read back: CHECKSUM MISMATCH"
	fi
}

if grep -qw ext4 /proc/filesystems; then filesystem; else raw_disk; fi

for f in /sys/kernel/debug/altdma/*/stats; do
	say_lines "ALTDMA-DEMO altdma " < "$f"
done
rmmod altdma_nvme
rmmod altdma
dmesg | grep -v ALTDMA-DEMO | grep 'altdma_nvme0n1: .* reads' |
	sed 's/^.*altdma_nvme0n1: //' | say_lines "ALTDMA-DEMO driver counted: "
finish
