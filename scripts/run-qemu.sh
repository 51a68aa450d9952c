#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boots a kernel and initramfs in a q35 QEMU guest under TCG (with QEMU's
# edu device, which no driver claims, as a DMA target) and captures
# its serial console. Exits 0 if the guest reached its end marker, 1 on a
# timeout or a crash before it; judging the log is scripts/verdict.sh's job.
#
#   scripts/run-qemu.sh -k BZIMAGE -i INITRD -l LOG [-m MEM] [-t SECONDS]
#                       [-d DISK_IMAGE] [-a EXTRA_CMDLINE] [-q QMP_SOCKET]
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mem=6G timeout=600 disk="" append="" qmp=""
kernel="" initrd="" log=""
while getopts "k:i:l:m:t:d:a:q:" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	l) log=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) timeout=$OPTARG ;;
	d) disk=$OPTARG ;;
	a) append=$OPTARG ;;
	q) qmp=$OPTARG ;;
	*) altdma_die "bad option" ;;
	esac
done
if [ -z "$kernel" ] || [ -z "$initrd" ] || [ -z "$log" ]; then
	altdma_die "usage: $0 -k BZIMAGE -i INITRD -l LOG [-m MEM] [-t SECONDS] [-d DISK] [-a CMDLINE] [-q QMP]"
fi

args=(-M q35 -cpu max -smp 2 -m "$mem" -nographic -no-reboot -nic none
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 oops=panic loglevel=7 $append"
	-serial "file:$log" -monitor none
	-device edu)
# A PCIe root port lets QMP device_del hot-unplug the disk. QEMU 7.2's q35
# handles that through ACPI by default; native PCIe hotplug (pciehp) needs
# no ACPI hotplug driver in the guest.
if [ -n "$disk" ]; then
	args+=(-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
		-device "pcie-root-port,id=rp1,chassis=1,slot=1"
		-drive "file=$disk,if=none,id=nvm,format=raw"
		-device "nvme,serial=altdma0001,drive=nvm,bus=rp1,id=nvme0")
fi
[ -z "$qmp" ] || args+=(-qmp "unix:$qmp,server=on,wait=off")

start=$SECONDS
status=0
timeout --kill-after=10 "$timeout" qemu-system-x86_64 "${args[@]}" \
	< /dev/null > "$log.qemu" 2>&1 || status=$?
altdma_log "guest ran $((SECONDS - start)) s (qemu exit $status)"
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "ALTDMA-HOST: guest timed out after $timeout s" >> "$log"
	exit 1
fi
grep -q '^ALTDMA-GUEST-END' "$log" || {
	echo "ALTDMA-HOST: guest stopped before its end marker (qemu exit $status)" >> "$log"
	exit 1
}
