#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The fault-injection soak, where the host asks for it (altdma_soak=MiB on
# the command line; Debian's stock kernel, for CI's time budget): the
# kernel's own nvme driver over altdma force-bounce with probability=1 on
# map and map_sg, MiB written and read back in passes of distinct data. A
# refused mapping must be retried by the block layer, never corrupt data or
# leak; I/O errors the block layer does report are counted and shown.
# Sourced by the guest's /init with altdma not loaded; leaves it so, and
# nvme unloaded.
# shellcheck disable=SC2154 # ctl comes from common.sh

soak_mib=$(sed -n 's/.*altdma_soak=\([0-9]*\).*/\1/p' /proc/cmdline)
nvme=$(pci_dev 0x1b36:0x0010)

soak_run() {
	expect_success "soak: insmod altdma" insmod /lib/altdma/altdma.ko
	expect_success "soak: load the kernel's nvme driver" load_chain nvme
	wait_for 30 test -L "/sys/bus/pci/devices/$nvme/driver"
	expect_success "soak: attach nvme with --force --faults" "$ctl" attach "$nvme" --force --faults
	for c in map map_sg; do
		expect_success "soak: probability=1 on $c, no limit" \
			"$ctl" faults "$nvme" "$c" probability=1 times=-1 verbose=0
	done
	st=/sys/kernel/debug/altdma/$nvme/stats
	if wait_for 30 nvme_disk "$nvme" > /dev/null; then
		disk=/dev/$(nvme_disk "$nvme")
		wait_for 10 test -b "$disk"
		disk_mib=$(($(cat "/sys/block/${disk#/dev/}/size") / 2048))
		errors_before=$(dmesg | grep -c 'I/O error')
		started=$(date +%s) done_mib=0 pass=0 bad=0 dd_failed=0
		while [ "$done_mib" -lt "$soak_mib" ]; do
			pass=$((pass + 1))
			# Fresh random data per pass: a stale block cannot read back right.
			head -c $((disk_mib << 20)) /dev/urandom > /tmp/soak-src
			dd if=/tmp/soak-src of="$disk" bs=64k oflag=direct conv=fsync 2>/dev/null ||
				dd_failed=$((dd_failed + 1))
			dd if="$disk" of=/tmp/soak-back bs=128k iflag=direct 2>/dev/null ||
				dd_failed=$((dd_failed + 1))
			cmp -s /tmp/soak-src /tmp/soak-back || { bad=$((bad + 1)); echo "soak: pass $pass read back wrong"; }
			done_mib=$((done_mib + disk_mib))
		done
		rm -f /tmp/soak-src /tmp/soak-back
		io_errors=$(($(dmesg | grep -c 'I/O error') - errors_before))
		injected=$(sed -n 's/^faults_map\(_sg\)\{0,1\}: [0-9]* calls, \([0-9]*\) injected/\2/p' "$st" |
			awk '{ n += $1 } END { print n + 0 }')
		calls=$(sed -n 's/^faults_map\(_sg\)\{0,1\}: \([0-9]*\) calls.*/\2/p' "$st" |
			awk '{ n += $1 } END { print n + 0 }')
		echo "soak: $done_mib MiB written and read in $pass passes, $(($(date +%s) - started)) s:" \
			"$calls maps, $injected failed by injection, $io_errors I/O errors reported, $dd_failed dd failures"
		say_lines "ALTDMA-STATS soak: " < "$st"
		expect_success "soak: failures were injected ($injected of $calls maps)" test "$injected" -gt 0
		expect_success "soak: every pass read back as written ($pass passes)" test "$bad" = 0
		expect_success "soak: no I/O error reported ($io_errors; a refused map is retried)" \
			test "$io_errors" = 0 -a "$dd_failed" = 0
		expect_success "soak: no bounce mapping outstanding" \
			test "$(stat_value "$st" outstanding_bounces)" = 0
	else
		result fail "soak: the disk appeared"
	fi
	expect_success "soak: detach" "$ctl" detach "$nvme"
	expect_success "soak: rmmod altdma" rmmod altdma
	expect_success "soak: rmmod nvme" rmmod nvme
}

if [ -n "$soak_mib" ]; then
	soak_run
else
	echo "soak: not on this kernel (the host asks for it with altdma_soak=MiB)"
fi
