#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A driver that leaks (altdma_leaky, bound to QEMU's edu device over altdma
# by name): at unbind altdma lists every leaked bounce mapping, stays
# attached with its pool, refuses to detach or unload, and lets go once the
# leaks are released. Sourced by the guest's /init with altdma not loaded;
# leaves it so.
# shellcheck disable=SC2154 # CFG and ctl come from common.sh

edu=$(pci_dev 0x1234:0x11e8)
dmaapi=/sys/kernel/debug/dma-api

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
errors=""
if [ -r "$dmaapi/error_count" ]; then
	errors=$(cat "$dmaapi/error_count")
	shown=$(cat "$dmaapi/num_errors")
	echo 0 > "$dmaapi/num_errors"
fi
expect_success "leak: altdma_leaky unbinds" \
	sh -c "echo $edu > /sys/bus/pci/drivers/altdma_leaky/unbind"
dmesg > /tmp/leak.log
if [ -n "$errors" ]; then
	echo "$shown" > "$dmaapi/num_errors"
	errors=$(($(cat "$dmaapi/error_count") - errors))
	say "ALTDMA-DMA-API-EXPECTED $errors (altdma_leaky unbound with pending mappings)"
	expect_success "leak: DMA-API debugging counted the leak once" test "$errors" = 1
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
expect_success "leak: rmmod altdma" rmmod altdma
rm -f /tmp/leak.log /tmp/leaked
