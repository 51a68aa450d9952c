#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Sourced by every guest /init: mounts, result lines, the end marker.
#
# Results go to the console as KTAP-style lines the host's verdict counts:
#   ALTDMA-RESULT ok <name>      ALTDMA-RESULT not ok <name> [reason]
# Every line for the host (results, hot-plug requests, the end marker) is
# written with say(), through /dev/kmsg: see there.
#
# busybox insmod retries a failed finit_module() with init_module(), so a
# module whose init fails runs that init twice: no step may count on the
# messages or side effects of a single failing init.

export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
exec > /dev/console 2>&1
# kmemleak's thread scans all memory a minute after boot and every 10 minutes
# after, half a minute of a vCPU each time under TCG (4.5 GiB, 6.1 test
# kernel): report_leaks() scans when every test is done, and that is enough.
[ -w /sys/kernel/debug/kmemleak ] && echo scan=off > /sys/kernel/debug/kmemleak

# A line echoed to the console can be cut in two by a kernel message printed
# meanwhile: a lockdep report once split an "ALTDMA-RESULT ok" line and the
# verdict counted a failure. A /dev/kmsg record is printed whole, after a
# timestamp (the verdict finds "[ts] ALTDMA-" anywhere in a line, since the
# record may also land inside a line of ordinary output). Records longer
# than the kernel takes (about 1000 bytes) and guests where /dev/kmsg is
# rate limited for good (printk.devkmsg= on the command line) fall back to
# the console.
say_kmsg=0
if echo on > /proc/sys/kernel/printk_devkmsg 2>/dev/null &&
	[ "$(cat /proc/sys/kernel/printk_devkmsg)" = on ] && [ -w /dev/kmsg ]; then
	say_kmsg=1
fi

# say LINE...: one line for the host.
say() {
	say_text="$*"
	if [ "$say_kmsg" = 1 ] && [ "${#say_text}" -lt 900 ]; then
		printf '<5>%s\n' "$say_text" > /dev/kmsg
	else
		echo "$say_text"
	fi
}

# say_lines PREFIX < LINES: each input line as one say() line after PREFIX.
say_lines() {
	while IFS= read -r sl_line; do say "$1$sl_line"; done
}

# shellcheck disable=SC2034 # for the sourcing steps
CFG=/sys/kernel/config/altdma
# shellcheck disable=SC2034
ctl=/lib/altdma/altdmactl

result() {
	# result ok|fail|skip NAME [REASON]
	if [ "$1" = ok ]; then
		say "ALTDMA-RESULT ok $2"
	elif [ "$1" = skip ]; then
		say "ALTDMA-RESULT skip $2 (${3:-})"
	else
		say "ALTDMA-RESULT not ok $2 ${3:-}"
	fi
}

# (busybox sh has "local"; without it these would clobber callers' names.)
# shellcheck disable=SC3043
expect_success() {
	# expect_success NAME COMMAND...
	local what="$1"
	shift
	if "$@"; then result ok "$what"; else result fail "$what" "'$*' failed"; fi
}

# shellcheck disable=SC3043
expect_failure() {
	local what="$1"
	shift
	if "$@"; then result fail "$what" "'$*' succeeded"; else result ok "$what"; fi
}

# Scans for leaks twice (kmemleak reports an object only once it is older
# than 5 s, and the second scan drops transient false positives) and prints
# what it found for the host's verdict.
report_leaks() {
	if [ -w /sys/kernel/debug/kmemleak ]; then
		sleep 5
		echo scan > /sys/kernel/debug/kmemleak
		echo scan > /sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak
	fi
	# With dma_debug=off, 6.1 oopses on a read of dma-api/dump (its hash
	# buckets were never set up): ask dma-api/disabled first.
	if [ -r /sys/kernel/debug/dma-api/disabled ] &&
		[ "$(cat /sys/kernel/debug/dma-api/disabled)" != N ]; then
		say "ALTDMA-DMA-API-DISABLED (dma_debug=off: no leak check)"
	elif [ -r /sys/kernel/debug/dma-api/error_count ]; then
		say "ALTDMA-DMA-API-ERRORS $(cat /sys/kernel/debug/dma-api/error_count)"
		# Mappings still alive after every test module is gone are leaks.
		say_lines "ALTDMA-DMA-API-LIVE " < /sys/kernel/debug/dma-api/dump
	fi
}

# Checks that say "altdma is not attached" prove it only where altdma's
# debugfs directory exists: altdma loaded and debugfs mounted.
altdma_debugfs_ready() {
	grep -q "^altdma " /proc/modules && [ -d /sys/kernel/debug/altdma ]
}

# altdma loaded, and no device attached.
altdma_detached() {
	altdma_debugfs_ready || { echo "altdma not loaded or debugfs not mounted"; return 1; }
	for f in /sys/kernel/debug/altdma/*/stats; do
		[ -e "$f" ] && { echo "still attached: $f"; return 1; }
	done
	return 0
}

# altdma loaded, and at least one device attached.
altdma_attached() {
	altdma_debugfs_ready || { echo "altdma not loaded or debugfs not mounted"; return 1; }
	for f in /sys/kernel/debug/altdma/*/stats; do
		[ -e "$f" ] && return 0
	done
	return 1
}

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

# load_chain NAME: the kernel's own module NAME and the modules it needs,
# in the order the host resolved (nothing where it is built in).
load_chain() {
	/lib/altdma/modprobe "$1"
}

mount_configfs() {
	grep -q ' /sys/kernel/config configfs ' /proc/mounts ||
		mount -t configfs configfs /sys/kernel/config
}

# pci_dev VENDOR:DEVICE: the name of the first PCI function with that ID.
pci_dev() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = "$1" ] || continue
		basename "$d"
		return 0
	done
	return 1
}

# nvme_disk PCIDEV: the first namespace of the kernel's nvme driver on the
# PCI function PCIDEV (nvme_demo's disks are altdma_nvme*, not these).
nvme_disk() {
	for b in /sys/bus/pci/devices/"$1"/nvme/nvme*/nvme*n1; do
		[ -e "$b" ] && basename "$b" && return 0
	done
	return 1
}

stat_value() {
	# stat_value FILE KEY: the first number after "KEY:"
	sed -n "s/^$2: \([0-9]*\).*/\1/p" "$1"
}

# check_disk NAME BLOCKDEV: writes the whole disk through the page cache and
# then 4 MiB of distinct data per block size with direct I/O, and reads each
# back (needs /tmp/pattern, 32 MiB, and /tmp/pattern2, 20 MiB, of random
# data). QEMU drops a bad DMA address silently, so only the data read back
# proves the mapping. Leaves the disk's size in MiB in $disk_mib.
check_disk() {
	cd_name=$1 cd_dev=$2
	disk_mib=$(($(cat "/sys/block/${cd_dev#/dev/}/size") / 2048))
	dd if=/tmp/pattern of="$cd_dev" bs=1M count="$disk_mib" conv=fsync 2>/dev/null
	echo 3 > /proc/sys/vm/drop_caches
	dd if="$cd_dev" of=/tmp/readback bs=1M count="$disk_mib" 2>/dev/null
	# The pattern is 32 MiB; a smaller disk holds its first disk_mib.
	dd if=/tmp/pattern of=/tmp/expect bs=1M count="$disk_mib" 2>/dev/null
	expect_success "$cd_name: whole disk ($disk_mib MiB) reads back as written" \
		cmp -s /tmp/expect /tmp/readback
	rm -f /tmp/readback /tmp/expect

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
		dd if=/tmp/direct-src of="$cd_dev" bs="$bs" count=$((4194304 / bs)) \
			seek=$((8388608 / bs)) oflag=direct conv=fsync 2>/dev/null || ok=0
		dd if="$cd_dev" of=/tmp/direct bs="$bs" count=$((4194304 / bs)) \
			skip=$((8388608 / bs)) iflag=direct 2>/dev/null || ok=0
		cmp -s /tmp/direct-src /tmp/direct || ok=0
		[ "$ok" = 1 ] || { echo "direct I/O mismatch at bs=$bs"; break; }
		mv /tmp/direct-src /tmp/direct-prev
	done
	rm -f /tmp/direct /tmp/direct-src /tmp/direct-prev
	if [ "$ok" = 1 ]; then
		result ok "$cd_name: direct I/O of 4 KiB to 1 MiB blocks reads back"
	else
		result fail "$cd_name: direct I/O of 4 KiB to 1 MiB blocks reads back"
	fi
}

# check_stats NAME STATS_FILE POLICY: altdma's counters prove its ops made
# the mappings (each MiB written or read needs at least one) and the
# queues, nothing is left outstanding, and under the bounce policies that
# both directions bounced. Uses $disk_mib from check_disk.
check_stats() {
	cs_name=$1 cs_st=$2
	if [ ! -r "$cs_st" ]; then
		result fail "$cs_name: altdma stats for the disk ($cs_st)"
		return
	fi
	say_lines "ALTDMA-STATS $cs_name: " < "$cs_st"
	expect_success "$cs_name: altdma's ops mapped the I/O" \
		test "$(stat_value "$cs_st" maps)" -ge $((2 * disk_mib))
	expect_success "$cs_name: altdma's ops allocated the queues" \
		test "$(stat_value "$cs_st" coherent_allocs)" -ge 2
	expect_success "$cs_name: no bounce mapping outstanding" \
		test "$(stat_value "$cs_st" outstanding_bounces)" = 0
	expect_success "$cs_name: no guard-byte violation" \
		test "$(stat_value "$cs_st" guard_violations)" = 0
	if [ "$3" != direct ]; then
		expect_success "$cs_name: writes were bounced" \
			test "$(stat_value "$cs_st" bounced_to_device)" -gt 0
		expect_success "$cs_name: reads were bounced" \
			test "$(stat_value "$cs_st" bounced_from_device)" -gt 0
	fi
}

# dmaapi_mute: DMA-API debugging (test kernels), above altdma, is about to
# see a misuse made on purpose: its reports are muted and its count noted.
dmaapi_mute() {
	dmaapi_errors=""
	[ -r /sys/kernel/debug/dma-api/error_count ] || return 0
	dmaapi_errors=$(cat /sys/kernel/debug/dma-api/error_count)
	dmaapi_shown=$(cat /sys/kernel/debug/dma-api/num_errors)
	echo 0 > /sys/kernel/debug/dma-api/num_errors
}

# dmaapi_unmute REASON: its reports are shown again; what it counted since
# dmaapi_mute is declared for the verdict (ALTDMA-DMA-API-EXPECTED) and
# left in $dmaapi_errors ("" without DMA-API debugging).
dmaapi_unmute() {
	[ -n "$dmaapi_errors" ] || return 0
	echo "$dmaapi_shown" > /sys/kernel/debug/dma-api/num_errors
	dmaapi_errors=$(($(cat /sys/kernel/debug/dma-api/error_count) - dmaapi_errors))
	say "ALTDMA-DMA-API-EXPECTED $dmaapi_errors ($1)"
}

# check_checker LABEL PCIDEV: attached with the checker (altdmactl attach
# --checks LIST), the driver's whole data test made no finding of any
# enabled class, and the checker tracked its mappings (the queues are live).
check_checker() {
	cc_dir=/sys/kernel/debug/altdma/$2
	if [ ! -r "$cc_dir/checks" ]; then
		result fail "$1: debugfs checks of the checked device is readable"
		return
	fi
	say_lines "ALTDMA-CHECKS $1: " < "$cc_dir/checks"
	expect_success "$1: the checker tracks the driver's queues" \
		test "$(sed -n 's/^live: //p' "$cc_dir/checks")" -ge 2
	expect_success "$1: the checker found nothing (every enabled class)" \
		test "$(awk '$2 == "yes" { n += $3 } END { print n + 0 }' "$cc_dir/checks")" = 0
	expect_success "$1: debugfs errors is empty" \
		grep -q '^last 0 findings (of 0)' "$cc_dir/errors"
	if grep -q '^last [1-9]' "$cc_dir/errors"; then
		say_lines "ALTDMA-CHECK-ERRORS $1: " < "$cc_dir/errors"
	fi
}

# driver_pass LABEL POLICY PCIDEV DRIVER DISKFN [ALTDMACTL_OPTIONS...]: the
# kernel's own DRIVER, bound to PCIDEV, attached over altdma with
# altdmactl: the disk DISKFN names (a function printing its block device
# name) is written and read back whole and with direct I/O, altdma's
# counters prove it made the mappings (POLICY: direct, bounce32 or force,
# as check_stats takes it), the rule holds while the driver is bound, and
# after altdmactl detach the driver works without altdma on the data
# altdma wrote. Needs a disk of 16 MiB or more.
driver_pass() {
	dp_name="$1 $2" dp_policy=$2 dp_dev=$3 dp_drv=$4 dp_disk=$5
	shift 5
	if ! "$ctl" attach "$dp_dev" "$@"; then
		result fail "$dp_name: altdmactl attach $*"
		return
	fi
	expect_success "$dp_name: attached (driver $dp_drv)" \
		test "$(cat "$CFG/pci/$dp_dev/state")" = "attached (driver $dp_drv)"
	if ! wait_for 30 "$dp_disk" > /dev/null; then
		result fail "$dp_name: the disk appeared"
		"$ctl" detach "$dp_dev"
		return
	fi
	disk=$("$dp_disk")
	wait_for 10 test -b "/dev/$disk"
	check_disk "$dp_name" "/dev/$disk"
	check_stats "$dp_name" "/sys/kernel/debug/altdma/$dp_dev/stats" "$dp_policy"
	case " $* " in
	*" --checks "*) check_checker "$dp_name" "$dp_dev" ;;
	esac
	dp_clean=$(dmesg | grep -c "driver $dp_drv unbound: checker: no mapping or allocation left behind")
	expect_failure "$dp_name: rmdir refused while $dp_drv is bound over altdma" \
		rmdir "$CFG/pci/$dp_dev"
	expect_failure "$dp_name: disable refused while $dp_drv is bound over altdma" \
		sh -c "echo 0 > $CFG/pci/$dp_dev/enable"
	expect_success "$dp_name: altdmactl report" \
		sh -c "'$ctl' report '$dp_dev' | grep -q 'driver: $dp_drv'"
	expect_success "$dp_name: altdmactl detach" "$ctl" detach "$dp_dev"
	expect_success "$dp_name: altdma detached" altdma_detached
	case " $* " in
	*" --checks "*)
		expect_success "$dp_name: the checker: $dp_drv left nothing behind at unbind" \
			test "$(dmesg | grep -c "driver $dp_drv unbound: checker: no mapping or allocation left behind")" -gt "$dp_clean"
		;;
	esac
	expect_success "$dp_name: $dp_drv bound again without altdma" \
		test "$(basename "$(readlink "/sys/bus/pci/devices/$dp_dev/driver")")" = "$dp_drv"
	if ! wait_for 30 "$dp_disk" > /dev/null; then
		result fail "$dp_name: the disk came back without altdma"
		return
	fi
	disk=$("$dp_disk")
	wait_for 10 test -b "/dev/$disk"
	# What altdma's mappings wrote is on the disk (the first 8 MiB were
	# not overwritten by the direct-I/O pass at 8 MiB) ...
	dd if="/dev/$disk" of=/tmp/readback bs=1M count=8 iflag=direct 2>/dev/null
	dd if=/tmp/pattern of=/tmp/expect bs=1M count=8 2>/dev/null
	expect_success "$dp_name: data written over altdma reads back without it" \
		cmp -s /tmp/expect /tmp/readback
	# ... and the plain driver writes and reads new data at 12 MiB.
	dd if=/tmp/pattern2 of=/tmp/expect bs=1M skip=16 count=4 2>/dev/null
	dd if=/tmp/expect of="/dev/$disk" bs=64k seek=192 oflag=direct conv=fsync 2>/dev/null
	dd if="/dev/$disk" of=/tmp/readback bs=64k skip=192 count=64 iflag=direct 2>/dev/null
	expect_success "$dp_name: $dp_drv without altdma writes and reads back" \
		cmp -s /tmp/expect /tmp/readback
	rm -f /tmp/expect /tmp/readback
}

# altdma.ko needs configfs, a module on Debian's kernels.
load_chain configfs && mount_configfs 2>/dev/null

finish() {
	report_leaks
	say "ALTDMA-GUEST-END"
	sync
	reboot -f
}
