#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A driver that leaks (altdma_leaky, bound to QEMU's edu device over altdma
# by name): at unbind altdma lists every leaked bounce mapping, stays
# attached with its pool, refuses to detach or unload, and lets go once the
# leaks are released. Sourced by the guest's /init with altdma not loaded;
# leaves it so.
# shellcheck disable=SC2154 # CFG and ctl come from common.sh

edu=$(pci_dev 0x1234:0x11e8)

leak_state() {
	test "$(cat "$CFG/pci/$edu/state")" = "$1"
}

# leak_reported LOG: every "leaked mapping" line of the driver has its
# "bounce mapping" line in altdma's report, and there are three of them.
leak_reported() {
	sed -n 's/.*altdma_leaky: leaked mapping at DMA address \(0x[0-9a-f]*\),.*/\1/p' \
		"$1" > /tmp/leaked
	n=0
	while read -r addr; do
		grep -q "altdma:   bounce mapping at DMA address $addr, " "$1" || {
			echo "no report of the leaked mapping at $addr"
			return 1
		}
		n=$((n + 1))
	done < /tmp/leaked
	[ "$n" = 3 ] || { echo "$n leaked mappings logged, expected 3"; return 1; }
}

expect_success "leak: insmod altdma" insmod /lib/altdma/altdma.ko
expect_success "leak: insmod altdma_leaky" insmod /lib/altdma/altdma_leaky.ko
# --mask 32 places the pool where the edu device's 32-bit mask reaches.
expect_success "leak: altdmactl attach (force bounce, 32-bit)" \
	"$ctl" attach "$edu" --force --mask 32
expect_success "leak: attached (no driver)" leak_state "attached (no driver)"
echo altdma_leaky > "/sys/bus/pci/devices/$edu/driver_override"
dmesg -c > /dev/null
expect_success "leak: altdma_leaky binds" \
	sh -c "echo $edu > /sys/bus/pci/drivers/altdma_leaky/bind"
expect_success "leak: attached (driver altdma_leaky)" \
	leak_state "attached (driver altdma_leaky)"

# DMA-API debugging (test kernels) sees the same leak above altdma and
# counts one error for it: it is expected, and its report is muted.
dmaapi_mute
expect_success "leak: altdma_leaky unbinds" \
	sh -c "echo $edu > /sys/bus/pci/drivers/altdma_leaky/unbind"
dmesg > /tmp/leak.log
dmaapi_unmute "altdma_leaky unbound with pending mappings"
if [ -n "$dmaapi_errors" ]; then
	expect_success "leak: DMA-API debugging counted the leak once" test "$dmaapi_errors" = 1
fi
expect_success "leak: the report counts the leaks" grep -q \
	"driver altdma_leaky unbound: left behind 3 bounce mappings and 1 coherent/page allocations" \
	/tmp/leak.log
expect_success "leak: the report lists each leaked mapping" leak_reported /tmp/leak.log
expect_success "leak: still attached (no driver)" leak_state "attached (no driver)"
expect_failure "leak: altdmactl detach refused while mappings are live" \
	"$ctl" detach "$edu"
expect_success "leak: still attached after the refused detach" \
	leak_state "attached (no driver)"
# (An attachment pins the module whether mappings are live or not; what
# the leaks add is that detach, above, is refused.)
expect_failure "leak: rmmod altdma refused while attached" rmmod altdma
expect_success "leak: rmmod altdma_leaky releases the leaks" rmmod altdma_leaky
echo > "/sys/bus/pci/devices/$edu/driver_override"
expect_success "leak: altdmactl detach" "$ctl" detach "$edu"
expect_success "leak: altdma detached" altdma_detached

# The checker's leak report: the same driver, now with 37 receive buffers
# mapped in one refill loop, with checks=all (and the 32-bit pool, as the
# edu device reaches only that). At
# unbind every live mapping and allocation is listed, grouped by the stack
# that made it, each group with the driver's function that mapped it.
check_count() { # CLASS: its findings in debugfs checks
	sed -n "s/^$1 *yes *\([0-9]*\)$/\1/p" "/sys/kernel/debug/altdma/$edu/checks"
}
checks_clean() { # every class but leak: 0 findings
	for c in not_mapped wrong_size wrong_direction wrong_kind sync_range \
		sync_direction sg_mismatch sg_segment overlap; do
		[ "$(check_count "$c")" = 0 ] || { echo "$c: $(check_count "$c")"; return 1; }
	done
}
expect_success "leak/checks: insmod altdma_leaky rx_buffers=37" \
	insmod /lib/altdma/altdma_leaky.ko rx_buffers=37
expect_success "leak/checks: altdmactl attach --checks all" \
	"$ctl" attach "$edu" --mask 32 --checks all
expect_success "leak/checks: the rule reads back checks all" \
	test "$(cat "$CFG/pci/$edu/checks")" = all
echo altdma_leaky > "/sys/bus/pci/devices/$edu/driver_override"
expect_success "leak/checks: altdma_leaky binds" \
	sh -c "echo $edu > /sys/bus/pci/drivers/altdma_leaky/bind"
expect_success "leak/checks: 41 live in debugfs mappings, in 5 groups" grep -q \
	"^live mappings and allocations: 41, in 5 groups" "/sys/kernel/debug/altdma/$edu/mappings"
dmaapi_mute
dmesg -c > /dev/null
expect_success "leak/checks: altdma_leaky unbinds" \
	sh -c "echo $edu > /sys/bus/pci/drivers/altdma_leaky/unbind"
dmesg > /tmp/leak.log
dmaapi_unmute "altdma_leaky unbound with pending mappings, checker round"
expect_success "leak/checks: the report counts 41 in 5 groups" grep -q \
	"driver altdma_leaky unbound: checker: leak: 41 mappings and allocations left behind, in 5 groups by the stack that made them" \
	/tmp/leak.log
expect_success "leak/checks: 37 receive buffers, one group, named by their refill" grep -q \
	"altdma:   37 x 4096 bytes FROM_DEVICE single from leaky_rx_refill[.a-z0-9]*+0x[0-9a-f]*/0x[0-9a-f]* \[altdma_leaky\]" \
	/tmp/leak.log
expect_success "leak/checks: the other mappings, each with its own caller" sh -c "
	grep -q 'altdma:   1 x 1000 bytes TO_DEVICE single from leaky_map[.a-z0-9]*+' /tmp/leak.log &&
	grep -q 'altdma:   1 x 4096 bytes FROM_DEVICE single from leaky_map[.a-z0-9]*+' /tmp/leak.log &&
	grep -q 'altdma:   1 x 9000 bytes BIDIRECTIONAL single from leaky_map[.a-z0-9]*+' /tmp/leak.log"
expect_success "leak/checks: the coherent allocation, from probe" grep -q \
	"altdma:   1 x 8192 bytes coherent from leaky_probe+" /tmp/leak.log
expect_success "leak/checks: 41 leak findings" test "$(check_count leak)" = 41
expect_success "leak/checks: altdmactl report lists the groups" sh -c \
	"'$ctl' report $edu | grep -q '^  37 x 4096 bytes FROM_DEVICE single'"
expect_success "leak/checks: rmmod altdma_leaky releases them" rmmod altdma_leaky
expect_success "leak/checks: nothing live after the release" grep -q \
	"^live: 0$" "/sys/kernel/debug/altdma/$edu/checks"
expect_success "leak/checks: no finding but the leaks" checks_clean
echo > "/sys/bus/pci/devices/$edu/driver_override"
expect_success "leak/checks: altdmactl detach" "$ctl" detach "$edu"
expect_success "leak: rmmod altdma" rmmod altdma
rm -f /tmp/leak.log /tmp/leaked
