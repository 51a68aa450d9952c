#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Trace events from user space: altdma:* in tracefs (every event, the
# fields of each format), then the kernel's own nvme driver over altdma
# force-bounce. On the fast bounce table the events must count what
# altdma's own counters count (maps, unmaps) and show bounce copies both
# ways; on the generic table with fault injection, a probe's allocations
# are events the fault layer counted too, and a one-shot injected map
# failure is exactly one fault_injected event and one failed map event.
# Sourced by the guest's /init with altdma not loaded; leaves it so, and
# nvme unloaded.
# shellcheck disable=SC2154 # ctl comes from common.sh

nvme=$(pci_dev 0x1b36:0x0010)
tr=/sys/kernel/tracing
trace_events="altdma_map altdma_unmap altdma_map_sg altdma_unmap_sg altdma_sync altdma_alloc altdma_free altdma_bounce altdma_fault_injected altdma_check_error"

# trace_mount: tracefs at $tr (Debian's systemd mounts it; the initramfs
# does not). Fails where the kernel has no tracing at all.
trace_mount() {
	[ -d "$tr/events" ] && return 0
	grep -qw tracefs /proc/filesystems || return 1
	mount -t tracefs nodev "$tr" 2>/dev/null
	[ -d "$tr/events" ]
}

# trace_count FILE EVENT: how many altdma_EVENT lines of the nvme device
# FILE has (failed maps left out: altdma counts them apart).
trace_count() {
	grep " altdma_$2: $nvme " "$1" | grep -vc ' failed$'
}

# trace_sum FILE EVENT FIELD: the sum of FIELD=N over the device's EVENT lines.
trace_sum() {
	# shellcheck disable=SC2016 # awk's fields
	grep " altdma_$2: $nvme " "$1" | sed -n "s/.* $3=\(-\{0,1\}[0-9]*\).*/\1/p" |
		awk '$1 > 0 { n += $1 } END { print n + 0 }'
}

# trace_start, then trace_stop FILE: altdma's events in between, into FILE.
trace_start() {
	echo 0 > "$tr/tracing_on"
	echo > "$tr/trace"
	echo 1 > "$tr/events/altdma/enable"
	echo 1 > "$tr/tracing_on"
}
trace_stop() {
	echo 0 > "$tr/events/altdma/enable"
	cat "$tr/trace" > "$1"
	say "ALTDMA-TRACE $(grep -c ': ' "$1") lines, first: $(grep -m1 " $nvme " "$1")"
}

trace_formats() {
	missing=""
	for e in $trace_events; do
		[ -r "$tr/events/altdma/$e/format" ] || missing="$missing $e"
	done
	expect_success "trace: every altdma event in tracefs (missing:${missing:- none})" \
		test -z "$missing"
	f=$tr/events/altdma/altdma_map/format
	expect_success "trace: map has the fields of the kernel's dma: events" \
		sh -c "grep -q '__data_loc char\[\] device;' $f && grep -q 'u64 phys_addr;' $f &&
			grep -q 'u64 dma_addr;' $f && grep -q 'size_t size;' $f &&
			grep -q 'enum dma_data_direction dir;' $f && grep -q 'unsigned long attrs;' $f"
	f=$tr/events/altdma/altdma_bounce/format
	expect_success "trace: bounce names the original, the slot, size and direction" \
		sh -c "grep -q 'u64 orig_addr;' $f && grep -q 'u64 slot_addr;' $f && grep -q 'bool to_device;' $f"
	f=$tr/events/altdma/altdma_fault_injected/format
	expect_success "trace: fault_injected names the class and the operation's index" \
		sh -c "grep -q '__data_loc char\[\] op_class;' $f && grep -q 'u64 op_index;' $f"
}

# The fast bounce table: a map is one event, counted like altdma's maps.
trace_fast() {
	expect_success "trace fast: attach nvme --force" "$ctl" attach "$nvme" --force
	st=/sys/kernel/debug/altdma/$nvme/stats
	if ! wait_for 30 nvme_disk "$nvme" > /dev/null; then
		result fail "trace fast: the disk appeared"
		"$ctl" detach "$nvme"
		return
	fi
	disk=/dev/$(nvme_disk "$nvme")
	wait_for 10 test -b "$disk"
	expect_success "trace fast: on the fast bounce table" grep -q '^ops_table: bounce-fast' "$st"
	dd if=/tmp/pattern2 of=/tmp/trace-src bs=1M count=2 skip=5 2>/dev/null
	maps=$(stat_value "$st" maps) failures=$(stat_value "$st" map_failures)
	trace_start
	dd if=/tmp/trace-src of="$disk" bs=64k oflag=direct conv=fsync 2>/dev/null
	dd if="$disk" of=/tmp/trace-back bs=4k count=512 iflag=direct 2>/dev/null
	trace_stop /tmp/trace.txt
	maps=$(($(stat_value "$st" maps) - maps))
	failures=$(($(stat_value "$st" map_failures) - failures))
	expect_success "trace fast: 2 MiB of direct I/O reads back" cmp -s /tmp/trace-src /tmp/trace-back
	t=/tmp/trace.txt
	events=$(($(trace_count $t map) + $(trace_sum $t map_sg ents)))
	expect_success "trace fast: map events + map_sg ents ($events) = altdma's maps ($maps, $failures refused)" \
		test "$events" = "$maps" -a "$maps" -ge 512 -a "$failures" = 0
	unmaps=$(($(trace_count $t unmap) + $(trace_sum $t unmap_sg nents)))
	expect_success "trace fast: every map was unmapped ($unmaps unmap events)" test "$unmaps" = "$maps"
	expect_success "trace fast: every event names the device" \
		test "$(grep -E -c ': altdma_[a-z_]*: ' $t)" = "$(grep -E -c ": altdma_[a-z_]*: $nvme " $t)"
	to_dev=$(grep -c " altdma_bounce: $nvme to_device " $t)
	to_cpu=$(grep -c " altdma_bounce: $nvme to_cpu " $t)
	expect_success "trace fast: a bounce copy into a slot per map ($to_dev for $maps maps)" \
		test "$to_dev" -ge "$maps"
	expect_success "trace fast: copies back for the reads ($to_cpu)" test "$to_cpu" -ge 512
	# shellcheck disable=SC2016 # awk's fields
	expect_success "trace fast: bounced maps have a DMA address other than the buffer's" \
		awk -v dev="$nvme" '
			$0 ~ " altdma_map: " dev " " {
				n++
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^dma_addr=/) d = substr($i, 10)
					if ($i ~ /^phys_addr=/) p = substr($i, 11)
				}
				if (d == p) bad++
			}
			END { exit !(n > 0 && bad == 0) }' $t
	expect_success "trace fast: directions named" \
		sh -c "grep -q ' dir=TO_DEVICE ' $t && grep -q ' dir=FROM_DEVICE ' $t"
	rm -f /tmp/trace-src /tmp/trace-back
	expect_success "trace fast: detach" "$ctl" detach "$nvme"
}

# The generic table with faults: a probe's allocations and one injected map
# failure, each an event.
trace_generic() {
	trace_start
	expect_success "trace faults: attach nvme --force --faults" "$ctl" attach "$nvme" --force --faults
	st=/sys/kernel/debug/altdma/$nvme/stats
	if ! wait_for 30 nvme_disk "$nvme" > /dev/null; then
		trace_stop /tmp/trace.txt
		result fail "trace faults: the disk appeared"
		"$ctl" detach "$nvme"
		return
	fi
	disk=/dev/$(nvme_disk "$nvme")
	wait_for 10 test -b "$disk"
	# Single pages: each read is one map (not map_sg) in every version.
	expect_success "trace faults: fail the 3rd map from now" \
		"$ctl" faults "$nvme" map fail_nth=3 verbose=0
	dd if="$disk" of=/tmp/trace-back bs=4k count=8 skip=1000 iflag=direct 2>/dev/null
	dd if=/tmp/pattern2 bs=4k count=8 skip=$((1000 + 5 * 256)) 2>/dev/null > /tmp/trace-src
	dd if=/tmp/trace-src of="$disk" bs=4k seek=1000 oflag=direct conv=fsync 2>/dev/null
	dd if="$disk" of=/tmp/trace-back bs=4k count=8 skip=1000 iflag=direct 2>/dev/null
	expect_success "trace faults: the data reads back past the failure" cmp -s /tmp/trace-src /tmp/trace-back
	allocs=$(($(sed -n 's/^faults_alloc\(_pages\)\{0,1\}: \([0-9]*\) calls.*/\2/p' "$st" |
		awk '{ n += $1 } END { print n + 0 }')))
	expect_success "trace faults: detach" "$ctl" detach "$nvme"
	trace_stop /tmp/trace.txt
	t=/tmp/trace.txt
	expect_success "trace faults: one fault_injected event" test "$(trace_count $t fault_injected)" = 1
	expect_success "trace faults: it names class map and operation 3" \
		grep -q " altdma_fault_injected: $nvme class=map dir=FROM_DEVICE size=4096 op_index=3$" $t
	expect_success "trace faults: one failed map event" \
		test "$(grep " altdma_map: $nvme " $t | grep -c ' failed$')" = 1
	events=$(trace_count $t alloc)
	expect_success "trace faults: alloc events ($events) = the fault layer's alloc calls ($allocs)" \
		test "$events" = "$allocs" -a "$allocs" -ge 1
	expect_success "trace faults: the unbind freed each allocation ($(trace_count $t free) free events)" \
		test "$(trace_count $t free)" = "$events"
	rm -f /tmp/trace-src /tmp/trace-back
}

trace_run() {
	expect_success "trace: insmod altdma" insmod /lib/altdma/altdma.ko
	trace_formats
	echo 8192 > "$tr/buffer_size_kb"
	expect_success "trace: load the kernel's nvme driver" load_chain nvme
	wait_for 30 test -L "/sys/bus/pci/devices/$nvme/driver"
	trace_fast
	trace_generic
	echo 0 > "$tr/events/altdma/enable"
	echo > "$tr/trace"
	echo 1408 > "$tr/buffer_size_kb"
	rm -f /tmp/trace.txt
	expect_success "trace: rmmod altdma" rmmod altdma
	expect_success "trace: rmmod nvme" rmmod nvme
}

if trace_mount; then
	trace_run
elif grep -qw tracefs /proc/filesystems; then
	result fail "trace: tracefs mounted at $tr"
else
	result skip "trace: altdma:* events" "this kernel has no tracefs (built without CONFIG_TRACING)"
fi
