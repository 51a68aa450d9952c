#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boots a kernel and initramfs in a q35 QEMU guest under TCG (with QEMU's
# edu device, which no driver claims, as a DMA target) and captures
# its serial console. Exits 0 if the guest reached its end marker, 1 on a
# timeout or a crash before it; judging the log is scripts/verdict.sh's job.
#
#   scripts/run-qemu.sh -k BZIMAGE -i INITRD -l LOG [-m MEM] [-t SECONDS]
#                       [-d DISK_IMAGE] [-v VIRTIO_DISK_IMAGE] [-I]
#                       [-a EXTRA_CMDLINE] [-q QMP_SOCKET]
#                       [-E EDU_DEVICES] [-c CPUS] [-K]
#
# -d: an NVMe disk behind a PCIe root port (hot-pluggable); -v: a
# virtio-blk-pci disk that uses the DMA API (iommu_platform=on); -I: QEMU's
# emulated Intel IOMMU (the guest enables it with intel_iommu=on). -E: how
# many edu devices (default 1); -c: vCPUs (default 2); -K: KVM instead of
# TCG when /dev/kvm can be opened (the benchmark; tests stay on TCG).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mem=6G timeout=600 disk="" vdisk="" iommu=0 append="" qmp="" edus=1 cpus=2 kvm=0
kernel="" initrd="" log=""
while getopts "k:i:l:m:t:d:v:Ia:q:E:c:K" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	l) log=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) timeout=$OPTARG ;;
	d) disk=$OPTARG ;;
	v) vdisk=$OPTARG ;;
	I) iommu=1 ;;
	a) append=$OPTARG ;;
	q) qmp=$OPTARG ;;
	E) edus=$OPTARG ;;
	c) cpus=$OPTARG ;;
	K) kvm=1 ;;
	*) altdma_die "bad option" ;;
	esac
done
if [ -z "$kernel" ] || [ -z "$initrd" ] || [ -z "$log" ]; then
	altdma_die "usage: $0 -k BZIMAGE -i INITRD -l LOG [-m MEM] [-t SECONDS] [-d DISK] [-v VDISK] [-I] [-a CMDLINE] [-q QMP] [-E EDUS] [-c CPUS] [-K]"
fi

accel=(-cpu max)
if [ "$kvm" = 1 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host)
fi
args=(-M q35 "${accel[@]}" -smp "$cpus" -m "$mem" -nographic -no-reboot -nic none
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 oops=panic loglevel=7 $append"
	-serial "file:$log" -monitor none)
# The IOMMU must come before the devices it translates. Interrupt
# remapping would need a split irqchip; DMA remapping is what is tested.
[ "$iommu" = 0 ] || args+=(-device "intel-iommu,intremap=off")
for _ in $(seq "$edus"); do
	args+=(-device edu)
done
# A PCIe root port lets QMP device_del hot-unplug the disk. QEMU 7.2's q35
# handles that through ACPI by default; native PCIe hotplug (pciehp) needs
# no ACPI hotplug driver in the guest. The disk is a -blockdev, not a
# -drive, so that it outlives device_del and device_add can plug it again.
if [ -n "$disk" ]; then
	args+=(-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
		-device "pcie-root-port,id=rp1,chassis=1,slot=1"
		-blockdev "driver=raw,node-name=nvm,file.driver=file,file.filename=$disk"
		-device "nvme,serial=altdma0001,drive=nvm,bus=rp1,id=nvme0")
fi
if [ -n "$vdisk" ]; then
	args+=(-drive "file=$vdisk,if=none,id=vd,format=raw"
		-device "virtio-blk-pci,drive=vd,num-queues=2,iommu_platform=on,disable-legacy=on")
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
grep -q 'ALTDMA-GUEST-END' "$log" || {
	echo "ALTDMA-HOST: guest stopped before its end marker (qemu exit $status)" >> "$log"
	exit 1
}
