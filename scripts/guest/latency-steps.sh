#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Latency histograms from user space: the rule's latency setting and its
# latency_reset command against hostile input (on QEMU's edu device, which
# no driver claims), then the kernel's own nvme driver over altdma with the
# latency and fault layers: the histograms count exactly the operations the
# fault layer's independent counters saw, the disk's data reads back, the
# report and reset work. Sourced by the guest's /init with altdma not
# loaded; leaves it so, and nvme unloaded.
# shellcheck disable=SC2154 # CFG, ctl, numeric come from common.sh and rules-steps.sh

edu=$(pci_dev 0x1234:0x11e8)
nvme=$(pci_dev 0x1b36:0x0010)
lat_classes="map unmap map_sg unmap_sg sync alloc free"

# lat_count FILE CLASS: the count column of CLASS in a debugfs latency file.
lat_count() {
	awk -v c="$2" '$1 == c && NF == 9 { print $2; exit }' "$1"
}

# fault_calls STATS CLASS: the calls the fault layer counted for CLASS.
fault_calls() {
	sed -n "s/^faults_$2: \([0-9]*\) calls.*/\1/p" "$1"
}

expect_success "latency: insmod altdma" insmod /lib/altdma/altdma.ko
rule=$CFG/pci/$edu
mkdir "$rule"
expect_success "latency: off by default" test "$(cat "$rule/latency")" = 0
numeric latency 2
expect_failure "latency: latency_reset is write-only" cat "$rule/latency_reset"
bad=""
for v in 0 2 -1 01 " 1" "1 " abc "
" "1
2" "$long"; do
	try_write "$rule/latency_reset" "$v" 2>/dev/null && bad="$bad [$v]"
done
if [ -z "$bad" ]; then
	result ok "latency: latency_reset refuses all but 1"
else
	result fail "latency: latency_reset refuses all but 1" "accepted:$bad"
fi
expect_failure "latency: latency_reset needs an attachment" try_write "$rule/latency_reset" 1
expect_success "latency: the refusal says what to do" \
	sh -c "dmesg | tail -n 3 | grep -q 'latency_reset: not attached: enable the rule (with latency 1) first'"
try_write "$rule/enable" 1
expect_failure "latency: latency_reset refused when attached without latency" \
	try_write "$rule/latency_reset" 1
expect_success "latency: that refusal says what to do" \
	sh -c "dmesg | tail -n 3 | grep -q 'attached without latency: write 0 to enable, 1 to latency, then 1 to enable'"
expect_failure "latency: no debugfs latency file without the layer" \
	test -e "/sys/kernel/debug/altdma/$edu/latency"
ctl_fails "altdmactl latency: says how to get the histograms" "attach $edu --latency" latency "$edu"
try_write "$rule/enable" 0
expect_success "latency: latency 1 on a direct rule" try_write "$rule/latency" 1
expect_success "latency: enable attaches with the latency layer" try_write "$rule/enable" 1
lat=/sys/kernel/debug/altdma/$edu/latency
expect_success "latency: debugfs latency file" test -r "$lat"
expect_success "latency: debugfs says the generic table" \
	grep -q "^ops_table: generic" "/sys/kernel/debug/altdma/$edu/stats"
zero=0
for c in $lat_classes; do
	[ "$(lat_count "$lat" "$c")" = 0 ] || zero=1
done
expect_success "latency: a row per class, every count 0" test "$zero" = 0
expect_success "latency: latency_reset 1" try_write "$rule/latency_reset" "1
"
expect_success "altdmactl latency --reset" "$ctl" latency "$edu" --reset
ctl_fails "altdmactl latency: unknown option" "unknown option" latency "$edu" --zero
"$ctl" report "$edu" > /tmp/ctl.out 2>&1
expect_success "altdmactl report: shows latency and its table" \
	sh -c "grep -q '^  latency: 1' /tmp/ctl.out && grep -q '^  class  *count  *min  *p50' /tmp/ctl.out"
try_write "$rule/enable" 0
rmdir "$rule"
expect_success "latency: the edu device detached" altdma_detached

# --- the stock nvme driver over altdma with latency and faults -------------
expect_success "latency nvme: load the kernel's nvme driver" load_chain nvme
wait_for 30 test -L "/sys/bus/pci/devices/$nvme/driver"
expect_success "latency nvme: attach with --force --latency --faults" \
	"$ctl" attach "$nvme" --force --latency --faults
lat=/sys/kernel/debug/altdma/$nvme/latency
st=/sys/kernel/debug/altdma/$nvme/stats
if wait_for 30 nvme_disk "$nvme" > /dev/null; then
	disk=/dev/$(nvme_disk "$nvme")
	wait_for 10 test -b "$disk"
	dd if=/tmp/pattern2 of=/tmp/lat-src bs=1M count=4 skip=3 2>/dev/null
	dd if=/tmp/lat-src of="$disk" bs=64k oflag=direct conv=fsync 2>/dev/null
	dd if="$disk" of=/tmp/lat-back bs=4k count=1024 iflag=direct 2>/dev/null
	expect_success "latency nvme: 4 MiB of direct I/O reads back" cmp -s /tmp/lat-src /tmp/lat-back
	rm -f /tmp/lat-src /tmp/lat-back
	# The disk is idle now: both files count the same operations.
	say_lines "ALTDMA-LATENCY stock nvme: " < "$lat"
	maps=$(lat_count "$lat" map) sgs=$(lat_count "$lat" map_sg) allocs=$(lat_count "$lat" alloc)
	expect_success "latency nvme: the I/O was timed ($maps map, $sgs map_sg)" \
		test $((maps + sgs)) -ge 1024
	expect_success "latency nvme: map count = the fault layer's map + map_resource calls" \
		test "$maps" = $(($(fault_calls "$st" map) + $(fault_calls "$st" map_resource)))
	expect_success "latency nvme: map_sg count = the fault layer's map_sg calls" \
		test "$sgs" = "$(fault_calls "$st" map_sg)"
	expect_success "latency nvme: alloc count = the fault layer's alloc + alloc_pages calls" \
		test "$allocs" = $(($(fault_calls "$st" alloc) + $(fault_calls "$st" alloc_pages)))
	expect_success "latency nvme: every map was unmapped" \
		test $((maps + sgs)) = $(($(lat_count "$lat" unmap) + $(lat_count "$lat" unmap_sg)))
	# shellcheck disable=SC2016 # awk's fields
	expect_success "latency nvme: quantiles ordered within min..max" \
		awk '$1 == "map" && NF == 9 { exit !($3 <= $4 && $4 <= $5 && $5 <= $6 && $6 <= $7 && $7 <= $8) }' "$lat"
	expect_success "latency nvme: a bar histogram per class timed" \
		sh -c "grep -q '^map:' '$lat' && grep -q 'ns |#' '$lat'"
	expect_success "latency nvme: altdmactl latency --reset" "$ctl" latency "$nvme" --reset
	expect_success "latency nvme: every count 0 after the reset" \
		sh -c "! awk 'NF == 9 && \$2 != \"count\" && \$2 != 0' '$lat' | grep -q ."
	dd if="$disk" of=/dev/null bs=4k count=16 iflag=direct 2>/dev/null
	expect_success "latency nvme: counting again after the reset" \
		test $(($(lat_count "$lat" map) + $(lat_count "$lat" map_sg))) -ge 16
else
	result fail "latency nvme: the disk appeared"
fi
expect_success "latency nvme: detach" "$ctl" detach "$nvme"
expect_success "latency nvme: rmmod altdma" rmmod altdma
expect_success "latency nvme: rmmod nvme" rmmod nvme
rm -f /tmp/ctl.out
