#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: altdma against dma-direct, swiotlb and dma-debug, side by
# side, and fio through the kernel's nvme driver with and without altdma.
#
#   bench/run.sh           the benchmark: the bench kernel of
#                          ALTDMA_BENCH_KERNEL (6.1|6.12|7.2, default 6.1),
#                          built once and cached; results in build/bench/
#   bench/run.sh --quick   the same harness in one short run per case on the
#                          6.1 test kernel that `make check` builds anyway;
#                          numbers not judged, results in build/bench-quick/
#
# Three boots of one QEMU guest (KVM when /dev/kvm can be opened, TCG
# otherwise; ALTDMA_BENCH_ACCEL=tcg forces TCG) with six edu devices and
# an NVMe disk: "main" (dma_debug=off) times plain dma-direct, altdma
# direct, altdma force-bounce, altdma direct with latency=1 and altdma
# direct with faults armed but not firing, altdma direct with checks=all,
# and runs fio; "swiotlb" (swiotlb=force)
# times swiotlb bouncing the plain device beside altdma force-bounce on a
# second one (the one-boot bounce ratio); "dmadebug" times dma-direct with
# dma-debug on. bench/report.py turns the console logs into results.json,
# results.md (ratios altdma / peer) and plot.svg; the host part times the
# core's fast paths in instructions under callgrind (bench/host).
# Prints PASS:/FAIL: lines for what the harness checks, then the table.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"

quick=0
[ "${1:-}" != --quick ] || quick=1
command -v fio > /dev/null || altdma_die "fio is not installed (scripts/install-deps.sh)"
command -v valgrind > /dev/null || altdma_die "valgrind is not installed (scripts/install-deps.sh)"
version=${ALTDMA_BENCH_KERNEL:-6.1}
case $version in
6.1 | 6.12 | 7.2) ;;
*) altdma_die "ALTDMA_BENCH_KERNEL must be 6.1, 6.12 or 7.2 (not '$version')" ;;
esac
if [ "$quick" = 1 ]; then
	altdma_prepare_kernel "$version"
	out=${ALTDMA_BENCH_OUT:-$ALTDMA_ROOT/build/bench-quick}
else
	altdma_prepare_kernel "bench-$version"
	out=${ALTDMA_BENCH_OUT:-$ALTDMA_ROOT/build/bench}
fi
label=bench-$ALTDMA_KLABEL
[ "$quick" = 0 ] || label=bench-quick-$ALTDMA_KLABEL
work=$ALTDMA_CACHE/runs/$label
mkdir -p "$work" "$out"
rm -f "$work"/console-*.log "$work"/*.img

# KVM only if it boots this kernel: a /dev/kvm that opens is not proof (a
# nested one seen here never got past the BIOS). Without a root file system
# the kernel panics at once, and panic=-1 with -no-reboot ends QEMU.
kvm_boots() {
	local probe=$work/kvm-probe.log
	rm -f "$probe"
	timeout 60 qemu-system-x86_64 -M q35 -accel kvm -cpu host -smp 1 -m 512M \
		-nographic -no-reboot -nic none -monitor none -serial "file:$probe" \
		-kernel "$ALTDMA_IMAGE" -append "console=ttyS0 panic=-1" \
		< /dev/null > /dev/null 2>&1
	grep -q 'Kernel panic' "$probe" 2>/dev/null
}
accel=tcg qemu_accel=() why="ALTDMA_BENCH_ACCEL=tcg"
if [ "${ALTDMA_BENCH_ACCEL:-}" != tcg ]; then
	why="no usable /dev/kvm"
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		if kvm_boots; then
			accel=kvm qemu_accel=(-K) why="/dev/kvm boots the kernel"
		else
			why="/dev/kvm opens but a KVM guest did not boot within 60 s"
		fi
	fi
fi
altdma_log "bench: accelerator $accel ($why)"
cpus=$(nproc)
if [ "$quick" = 1 ]; then
	# kmemleak (test kernels) would scan all memory at the end of each boot.
	sizes="altdma_bench_runs=1 altdma_bench_batches=10 altdma_bench_mb_seconds=1"
	sizes+=" altdma_bench_mb_threads=1 altdma_bench_fio_seconds=1 altdma_bench_fio_runs=1"
	sizes+=" kmemleak=off"
elif [ "$accel" = kvm ]; then
	sizes="altdma_bench_runs=5 altdma_bench_batches=2000 altdma_bench_mb_seconds=3"
	sizes+=" altdma_bench_fio_seconds=5 altdma_bench_fio_runs=3"
else
	sizes="altdma_bench_runs=5 altdma_bench_batches=300 altdma_bench_mb_seconds=2"
	sizes+=" altdma_bench_fio_seconds=5 altdma_bench_fio_runs=3"
fi
altdma_log "bench: $ALTDMA_KLABEL, $accel, $cpus vCPUs, $sizes"

gcc -static -O2 -Wall -Wextra -Werror -o "$work/map_benchmark_ioctl" \
	"$ALTDMA_ROOT/bench/map_benchmark_ioctl.c"
altdma_kernel_drivers "$work/drivers"
files=("$work/drivers"/* "$ALTDMA_ROOT/tools/altdmactl" "$ALTDMA_MODS/altdma.ko"
	"$ALTDMA_MODS/bench/altdma_bench.ko" "$ALTDMA_MODS/nvme_demo/altdma_nvme.ko"
	"$work/map_benchmark_ioctl")
# fio and its libraries (80 MiB) only where it runs: the main boot.
ALTDMA_INITRAMFS_PROGRAMS=$(command -v fio) "$ALTDMA_ROOT/scripts/make-initramfs.sh" \
	"$work/initramfs-main.cpio" "$ALTDMA_ROOT/bench/guest-bench.sh" "${files[@]}"
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/initramfs.cpio" \
	"$ALTDMA_ROOT/bench/guest-bench.sh" "${files[@]}"

status=0
logs=()
for boot in main swiotlb dmadebug; do
	case $boot in
	main) extra="dma_debug=off" ;;
	swiotlb) extra="swiotlb=force dma_debug=off" ;;
	dmadebug) extra="" ;;
	esac
	log=$work/console-$boot.log initrd=$work/initramfs.cpio
	[ "$boot" != main ] || initrd=$work/initramfs-main.cpio
	truncate -s 256M "$work/disk.img"
	"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" -i "$initrd" \
		-l "$log" -m 2G -t 1800 -E 6 -c "$cpus" "${qemu_accel[@]}" -d "$work/disk.img" \
		-a "altdma_bench_boot=$boot altdma_bench_accel=$accel $sizes $extra" || true
	"$ALTDMA_ROOT/scripts/verdict.sh" "$label-$boot" "$log" || status=1
	logs+=("$log")
	rm -f "$work/disk.img"
done

# A fresh build: the cache is shared by checkouts, whose core objects
# must not stand in for this one's.
rm -rf "$work/host"
host_ops=1000
[ "$quick" = 0 ] || host_ops=100
if make -s -C "$ALTDMA_ROOT/bench/host" BUILD="$work/host" OPS="$host_ops" run \
	> "$work/host.txt" 2> "$work/host.err"; then
	echo "PASS: $label: host instructions per operation under callgrind"
else
	echo "FAIL: $label: host instructions per operation under callgrind (log: $work/host.err)"
	status=1
fi
quick_flag=()
[ "$quick" = 0 ] || quick_flag=(--quick)
if python3 "$ALTDMA_ROOT/bench/report.py" --out "$out" --host "$work/host.txt" \
	"${quick_flag[@]}" "${logs[@]}" > "$work/report.log" 2>&1; then
	echo "PASS: $label: results.json, results.md and plot.svg in $out"
else
	echo "FAIL: $label: bench/report.py (log: $work/report.log)"
	cat "$work/report.log" >&2
	status=1
fi
[ "$quick" = 1 ] || cat "$out/results.md"
exit "$status"
