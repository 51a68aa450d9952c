#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest /init of `make bench`: one boot of the benchmark. The host chooses
# the boot and its sizes on the kernel command line:
#
#   altdma_bench_boot=main|swiotlb|dmadebug  which peers this boot holds
#   altdma_bench_runs=R       repetitions of every case (peers interleaved)
#   altdma_bench_batches=B    batches of 32 operations per case and run
#   altdma_bench_mb_seconds=S seconds per dma_map_benchmark cross-check
#   altdma_bench_fio_seconds=S, altdma_bench_fio_runs=F   fio (main boot)
#   altdma_bench_accel=kvm|tcg  printed with the results
#
# Peers are QEMU edu devices (no driver claims them): in the main boot the
# first is plain dma-direct, the second altdma direct, the third altdma
# bounce with force, the fourth altdma direct with the latency layer, the
# fifth altdma direct with every fault class armed (fail_nth far beyond
# the run: each operation decides, none fails), the sixth altdma direct
# with the DMA-API checker (checks=all); the swiotlb boot (swiotlb=force) times the first, plain
# (swiotlb bounces it), and the second under altdma force-bounce (altdma's
# ops, not swiotlb, serve it), the ratio the bounce goal is judged on; the
# dmadebug boot (dma-debug on) times the first, plain. Results are ALTDMA-BENCH* lines
# for bench/report.py; checks are ALTDMA-RESULT lines for the verdict.
# shellcheck source=scripts/guest/common.sh
. /lib/altdma/common.sh

read -r cmdline < /proc/cmdline
arg() {
	for w in $cmdline; do
		case $w in "$1"=*) echo "${w#*=}"; return 0 ;; esac
	done
	echo "$2"
}

boot=$(arg altdma_bench_boot main)
runs=$(arg altdma_bench_runs 5)
batches=$(arg altdma_bench_batches 500)
mb_seconds=$(arg altdma_bench_mb_seconds 1)
mb_threads=$(arg altdma_bench_mb_threads all)
fio_seconds=$(arg altdma_bench_fio_seconds 5)
fio_runs=$(arg altdma_bench_fio_runs 3)
cases="map_4k map_64k map_sg_16x4k sync_4k alloc_4k"
ncpu=$(grep -c '^processor' /proc/cpuinfo)
# N threads hold 2 MiB each in the 64k and sg cases: 16 of them fit the
# 64 MiB pools (altdma's --pool 64, swiotlb's default) with room to spare.
nmax=$ncpu
[ "$nmax" -le 16 ] || nmax=16
threads=1
[ "$nmax" -lt 2 ] || threads="1 2"
[ "$nmax" -le 2 ] || threads="$threads $nmax"
say "ALTDMA-BENCH-ENV boot=$boot kernel=$(uname -r) cpus=$ncpu" \
	"accel=$(arg altdma_bench_accel unknown)" \
	"clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" \
	"runs=$runs batches=$batches threads=$(echo "$threads" | tr ' ' ,)"

load_chain configfs
mount_configfs
expect_success "bench $boot: insmod altdma" insmod /lib/altdma/altdma.ko
expect_success "bench $boot: insmod altdma_bench" insmod /lib/altdma/altdma_bench.ko
edus=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && edus="$edus $(basename "$d")"
done
# shellcheck disable=SC2086 # word lists
set -- $edus
case $boot in
main) peers="dma-direct=$1 altdma-direct=$2 altdma-bounce=$3 altdma-latency=$4 altdma-faults-armed=$5 altdma-checker=$6" ;;
swiotlb) peers="swiotlb-force=$1 altdma-bounce-swiotlb-boot=$2" ;;
*) peers="dma-debug=$1" ;;
esac

peer_dev() { echo "${1#*=}"; }
peer_name() { echo "${1%%=*}"; }

bind_to() {
	# bind_to DRIVER DEV
	echo "$1" > "/sys/bus/pci/devices/$2/driver_override"
	echo "$2" > /sys/bus/pci/drivers_probe
	test "$(basename "$(readlink "/sys/bus/pci/devices/$2/driver")")" = "$1"
}

unbind() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo > "/sys/bus/pci/devices/$1/driver_override"
}

maps_of() {
	stat_value "/sys/kernel/debug/altdma/$1/stats" maps
}

for p in $peers; do
	name=$(peer_name "$p") dev=$(peer_dev "$p")
	case $name in
	altdma-direct)
		expect_success "bench: altdmactl attach $dev (direct)" "$ctl" attach "$dev" ;;
	altdma-bounce | altdma-bounce-swiotlb-boot)
		expect_success "bench: altdmactl attach $dev --force --pool 64" \
			"$ctl" attach "$dev" --force --pool 64 ;;
	altdma-latency)
		expect_success "bench: altdmactl attach $dev --latency" "$ctl" attach "$dev" --latency ;;
	altdma-checker)
		expect_success "bench: altdmactl attach $dev --checks all" "$ctl" attach "$dev" --checks all ;;
	altdma-faults-armed)
		expect_success "bench: altdmactl attach $dev --faults" "$ctl" attach "$dev" --faults
		expect_success "bench: arm every fault class of $dev, far beyond the run" \
			"$ctl" faults "$dev" all fail_nth=4611686018427387904 verbose=0 ;;
	esac
	expect_success "bench $boot: altdma_bench bound to $name ($dev)" bind_to altdma_bench "$dev"
done

# Every altdma peer must count exactly the maps made on it: per thread and
# batch (warm-up included) 32 maps of 4 KiB, 32 of 64 KiB and 32 lists of
# 16 entries, plus the sync case's 32 maps made once.
expected_maps=0
for t in $threads; do
	expected_maps=$((expected_maps + t * ((2 * 32 + 16 * 32) * (batches + 2) + 32)))
done
expected_maps=$((expected_maps * runs))
for p in $peers; do
	case $p in altdma-*) eval "maps_before_$(peer_name "$p" | tr - _)=$(maps_of "$(peer_dev "$p")")" ;; esac
done

run=1
while [ "$run" -le "$runs" ]; do
	for c in $cases; do
		for t in $threads; do
			for p in $peers; do
				name=$(peer_name "$p") dev=$(peer_dev "$p")
				f=/sys/kernel/debug/altdma_bench/$dev/run
				if echo "$c $t $batches" > "$f"; then
					say "ALTDMA-BENCH boot=$boot peer=$name run=$run $(cat "$f")"
				else
					result fail "bench $boot: $c on $t threads, $name, run $run" "$(cat "$f")"
				fi
			done
		done
	done
	run=$((run + 1))
done
result ok "bench $boot: every case ran on every peer"

for p in $peers; do
	case $p in
	altdma-*)
		name=$(peer_name "$p")
		eval "before=\$maps_before_$(echo "$name" | tr - _)"
		after=$(maps_of "$(peer_dev "$p")")
		# shellcheck disable=SC2154 # set by eval
		expect_success "bench: $name counted every map made through altdma ($((after - before)) = $expected_maps)" \
			test "$((after - before))" -eq "$expected_maps" ;;
	esac
done
for p in $peers; do
	case $p in
	altdma-bounce=* | altdma-bounce-swiotlb-boot=*)
		name=$(peer_name "$p") dev=$(peer_dev "$p")
		b=$(sed -n 's/^bounced_bidirectional: \([0-9]*\) maps.*/\1/p' "/sys/kernel/debug/altdma/$dev/stats")
		expect_success "bench: $name bounced every map ($b = $expected_maps)" \
			test "${b:-0}" -eq "$expected_maps" ;;
	esac
done

for p in $peers; do
	name=$(peer_name "$p") dev=$(peer_dev "$p")
	case $name in
	altdma-latency)
		lat=/sys/kernel/debug/altdma/$dev/latency
		timed=$(awk '$1 == "map" && NF == 9 { m = $2 } $1 == "map_sg" && NF == 9 { s = $2 } END { print m + 16 * s }' "$lat")
		expect_success "bench: $name timed every map ($timed = $expected_maps)" \
			test "$timed" -eq "$expected_maps" ;;
	altdma-checker)
		chk=/sys/kernel/debug/altdma/$dev/checks
		found=$(awk '$2 == "yes" { n += $3 } END { print n + 0 }' "$chk")
		expect_success "bench: $name found nothing in the bench's correct use ($found findings)" \
			test "$found" = 0
		expect_success "bench: $name tracked every mapping and kept none ($(sed -n 's/^live: //p' "$chk") live)" \
			test "$(sed -n 's/^live: //p;s/^untracked: //p' "$chk" | tr '\n' ' ')" = "0 0 " ;;
	altdma-faults-armed)
		injected=$(sed -n 's/^faults_[a-z_]*: [0-9]* calls, \([0-9]*\) injected/\1/p' \
			"/sys/kernel/debug/altdma/$dev/stats" | awk '{ n += $1 } END { print n + 0 }')
		expect_success "bench: $name decided every operation and failed none ($injected injected)" \
			test "$injected" = 0 ;;
	esac
done

# The kernel's dma_map_benchmark on the same devices, one at a time.
if [ "$mb_seconds" -gt 0 ]; then
	for p in $peers; do
		name=$(peer_name "$p") dev=$(peer_dev "$p")
		unbind "$dev"
		if ! bind_to dma_map_benchmark "$dev"; then
			result fail "bench $boot: dma_map_benchmark bound to $name"
			unbind "$dev"
			continue
		fi
		mt=$threads
		[ "$mb_threads" = all ] || mt=$mb_threads
		for t in $mt; do
			for g in 1 16; do
				if out=$(/lib/altdma/map_benchmark_ioctl "$t" "$mb_seconds" "$g"); then
					say "ALTDMA-BENCH-MB boot=$boot peer=$name threads=$t granule=$g $out"
				else
					result fail "bench $boot: dma_map_benchmark on $name ($t threads, $g pages)"
				fi
			done
		done
		unbind "$dev"
		result ok "bench $boot: dma_map_benchmark cross-check on $name"
	done
fi

fio_jobs() {
	# fio_jobs CONFIG DISK: the three jobs one after another in one fio
	# (it starts slowly under TCG), $fio_runs times
	for r in $(seq "$fio_runs"); do
		if ! /lib/altdma/fio --minimal --filename="/dev/$2" --direct=1 --thread \
			--time_based --runtime="$fio_seconds" \
			--name=randread-4k-qd1 --rw=randread --bs=4k --ioengine=psync --iodepth=1 \
			--name=randread-4k-qd32 --stonewall --rw=randread --bs=4k \
			--ioengine=libaio --iodepth=32 \
			--name=read-128k-qd8 --stonewall --rw=read --bs=128k \
			--ioengine=libaio --iodepth=8 > /tmp/fio.out 2> /tmp/fio.err; then
			result fail "bench: fio on $1 (run $r)" "$(head -c 300 /tmp/fio.err)"
			return 1
		fi
		grep '^3;' /tmp/fio.out | while IFS= read -r line; do
			say "ALTDMA-BENCH-FIO config=$1 job=$(echo "$line" | cut -d';' -f3) run=$r terse=$line"
		done
	done
	result ok "bench: fio on $1"
}

fio_pass() {
	# fio_pass CONFIG NVME_DEV: fio on the stock nvme driver's disk
	if ! wait_for 30 nvme_disk "$2" > /dev/null; then
		result fail "bench: fio $1: the disk appeared"
		return 1
	fi
	fio_jobs "$1" "$(nvme_disk "$2")"
}

if [ "$boot" = main ]; then
	nvme=$(pci_dev 0x1b36:0x0010)
	load_chain nvme
	fio_pass stock-nvme "$nvme"
	for policy in direct bounce; do
		opts="" && [ "$policy" = direct ] || opts="--force --pool 64"
		# shellcheck disable=SC2086
		if ! "$ctl" attach "$nvme" $opts; then
			result fail "bench: altdmactl attach $nvme $opts"
			continue
		fi
		before=$(maps_of "$nvme")
		fio_pass "stock-nvme-altdma-$policy" "$nvme"
		after=$(maps_of "$nvme")
		expect_success "bench: fio over altdma $policy mapped through altdma ($((after - before)) maps)" \
			test "$((after - before))" -gt 1000
		expect_success "bench: altdmactl detach $nvme" "$ctl" detach "$nvme"
	done
	unbind "$nvme"
	if insmod /lib/altdma/altdma_nvme.ko; then
		if wait_for 30 test -b /dev/altdma_nvme0n1; then
			fio_jobs nvme-demo altdma_nvme0n1
		else
			result fail "bench: nvme_demo's disk appeared"
		fi
		expect_success "bench: rmmod altdma_nvme" rmmod altdma_nvme
	else
		result fail "bench: insmod altdma_nvme"
	fi
fi

for p in $peers; do
	dev=$(peer_dev "$p")
	unbind "$dev"
	case $p in altdma-*) expect_success "bench: altdmactl detach $dev" "$ctl" detach "$dev" ;; esac
done
expect_success "bench $boot: rmmod altdma_bench" rmmod altdma_bench
expect_success "bench $boot: rmmod altdma" rmmod altdma
finish
