#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Sourced by every guest /init: mounts, result lines, the end marker.
#
# Results go to the console as KTAP-style lines the host's verdict counts:
#   ALTDMA-RESULT ok <name>      ALTDMA-RESULT not ok <name> [reason]
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

result() {
	# result ok|fail NAME [REASON]
	if [ "$1" = ok ]; then
		echo "ALTDMA-RESULT ok $2"
	else
		echo "ALTDMA-RESULT not ok $2 ${3:-}"
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
		echo "ALTDMA-DMA-API-DISABLED (dma_debug=off: no leak check)"
	elif [ -r /sys/kernel/debug/dma-api/error_count ]; then
		echo "ALTDMA-DMA-API-ERRORS $(cat /sys/kernel/debug/dma-api/error_count)"
		# Mappings still alive after every test module is gone are leaks.
		sed 's/^/ALTDMA-DMA-API-LIVE /' /sys/kernel/debug/dma-api/dump
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

finish() {
	report_leaks
	echo "ALTDMA-GUEST-END"
	sync
	reboot -f
}
