#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every in-kernel test on one kernel, in one QEMU guest (q35, TCG, 4.5 GiB
# so that RAM above 4 GiB exists, an NVMe disk behind a PCIe root port),
# and prints the verdict lines (PASS:/FAIL:/SKIP:):
#  - KUnit suites driving the real DMA API (test kernels only),
#  - the smoke module and the module unload rules,
#  - nvme_demo writing and verifying the disk under the direct, bounce
#    (32-bit emulated mask) and force-bounce policies,
#  - attach by name: configfs rules and attach= against hostile input,
#    altdmactl's error paths, and the kernel's own nvme driver over altdma
#    (attached with altdmactl) under the same three policies, and a leaking
#    driver's unbind report,
#  - a second stock driver (virtio-blk, on a virtio-blk-pci disk that uses
#    the DMA API) over altdma, and on 6.1 and 7.2 an emulated Intel IOMMU
#    with one group switched to a DMA domain and back (--iommu-identity),
#  - hot-unplug of the disk (QMP device_del) during I/O, with the kernel's
#    nvme driver over altdma and with nvme_demo, and replug (device_add),
#  - a log free of warnings, BUG, lockdep, KASAN, kmemleak and DMA-API
#    debug reports.
#
#   scripts/guest-test.sh 6.1|6.12|7.2|stock [--selftest]
#
# --selftest boots the harness self-test instead (a module that leaks a DMA
# mapping on purpose) and passes only if the verdict catches the leak.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

version=${1:?usage: $0 6.1|6.12|7.2|stock [--selftest]}
mode=${2:-}
altdma_prepare_kernel "$version"
mods=$ALTDMA_MODS
label=$ALTDMA_KLABEL
[ "$mode" != --selftest ] || label="selftest-$ALTDMA_KLABEL"
work="$ALTDMA_CACHE/runs/$label"
mkdir -p "$work"
# QEMU unlinks its QMP socket when it exits: one path per run, so that a
# guest left over from an interrupted run cannot take this run's socket.
log="$work/console.log" qmp="$work/qmp.$$.sock"
rm -f "$log" "$log.qmp" "$qmp" "$work/disk.img" "$work/vdisk.img"
# The kernel's own modules the guest loads (configfs, nvme, virtio).
altdma_kernel_drivers "$work/drivers"

if [ "$mode" = --selftest ]; then
	"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/initramfs.cpio" \
		"$ALTDMA_ROOT/scripts/guest/selftest.sh" "$work/drivers"/* "$mods/altdma.ko" \
		"$mods/kunit/altdma_smoke.ko"
	"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" \
		-i "$work/initramfs.cpio" -l "$log" -m 2G -t 600 || true
	verdict=$("$ALTDMA_ROOT/scripts/verdict.sh" "$label" "$log" || true)
	if grep -q "^FAIL: $label: log free of" <<<"$verdict" &&
		grep -q "ALTDMA-DMA-API-LIVE .*altdma-smoke" "$log"; then
		echo "PASS: harness self-test on $ALTDMA_KLABEL: a leaked DMA mapping fails the verdict"
		exit 0
	fi
	echo "FAIL: harness self-test on $ALTDMA_KLABEL: a leaked DMA mapping went unnoticed (log: $log)"
	exit 1
fi

# ALTDMA_GUEST_DKMS_MODULES=DIR (stock kernel only): altdma.ko and
# altdma_nvme.ko from DIR, as DKMS built and installed them, instead of
# this tree's build; the test modules are this tree's either way.
altdma_ko=$mods/altdma.ko nvme_ko=$mods/nvme_demo/altdma_nvme.ko
dkms_mods=${ALTDMA_GUEST_DKMS_MODULES:-}
if [ -n "$dkms_mods" ]; then
	[ "$version" = stock ] || altdma_die "ALTDMA_GUEST_DKMS_MODULES is for the stock kernel only"
	altdma_ko=$dkms_mods/altdma.ko nvme_ko=$dkms_mods/altdma_nvme.ko
	if cmp -s <(modinfo -F srcversion "$altdma_ko") <(modinfo -F srcversion "$mods/altdma.ko"); then
		echo "PASS: $label: the guest runs DKMS's altdma.ko and altdma_nvme.ko ($dkms_mods), built from this tree"
	else
		echo "FAIL: $label: DKMS's altdma.ko ($dkms_mods) was not built from this tree (srcversion differs)"
	fi
fi
files=("$work/drivers"/* "$ALTDMA_ROOT/tools/altdmactl" "$altdma_ko"
	"$mods/kunit/altdma_smoke.ko" "$mods/kunit/altdma_leaky.ko" "$nvme_ko")
# The README's recipes, run in the guest as written.
altdma_readme_recipes "$work/recipes" > /dev/null
files+=("$work/recipes"/recipe-*.sh)
kunit=()
if [ -f "$mods/kunit/altdma_kunit.ko" ]; then
	files+=("$mods/kunit/altdma_kunit.ko" "$mods/kunit/altdma_fault_kunit.ko"
		"$mods/kunit/altdma_latency_kunit.ko" "$mods/kunit/altdma_check_kunit.ko")
	kunit=(--kunit)
fi
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/initramfs.cpio" \
	"$ALTDMA_ROOT/scripts/guest/all.sh" "${files[@]}"
truncate -s 32M "$work/disk.img"
truncate -s 16M "$work/vdisk.img"
qemu_opts=() cmdline="kunit.enable=1 kunit.autorun=1"
# The stock nvme policy matrix runs whole on 6.1 and Debian's stock kernel,
# bounce-32 only on 6.12 and 7.2 (CI's time budget).
case $version in
6.12 | 7.2) cmdline+=" altdma_stock_matrix=bounce32" ;;
esac
# The fault-injection soak (256 MiB through injected map failures) and the
# faultwalk of every class run on Debian's own kernel, the one users run
# them on; the test kernels walk the allocations of nvme's probe (6.1 its
# scatterlist map too), for CI's time budget.
case $version in
stock) cmdline+=" altdma_soak=256" ;;
6.1) cmdline+=" altdma_faultwalk=alloc,map_sg" ;;
*) cmdline+=" altdma_faultwalk=alloc" ;;
esac

# Debian 12's 6.1 and the newest kernel run with an emulated IOMMU in
# passthrough (what most real machines have, minus the passthrough), and
# the guest switches one group to a DMA domain and back.
case $version in
6.1 | 7.2)
	qemu_opts=(-I)
	cmdline+=" intel_iommu=on iommu=pt" ;;
esac
"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" -i "$work/initramfs.cpio" \
	-l "$log" -m 4608M -t 1800 -d "$work/disk.img" -v "$work/vdisk.img" -q "$qmp" \
	"${qemu_opts[@]}" -a "$cmdline" &
guest=$!
# The guest asks for hot-unplug and replug (ALTDMA-QMP lines) while its
# drivers are busy on the disk.
altdma_serve_qmp "$guest" "$log" "$qmp" "$log.qmp"
wait "$guest" || true
grep '^ALTDMA-HOST: ' "$log.qmp" >> "$log" || true
rm -f "$qmp"
"$ALTDMA_ROOT/scripts/verdict.sh" "${kunit[@]}" "$label" "$log" || {
	altdma_log "console log: $log"
	exit 1
}
