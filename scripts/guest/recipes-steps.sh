#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The README's recipes, each run as written (sh -e, so every command must
# succeed) on the kernel's own nvme driver at 0000:01:00.0, the device the
# recipes name. Their modprobe and altdmactl are the guest's (functions,
# since busybox's sh runs its own applets before anything in PATH).
# Sourced by the guest's /init with altdma not loaded; leaves it so.

nvme=$(pci_dev 0x1b36:0x0010)
recipe_disk() { nvme_disk "$nvme"; }

expect_success "recipes: the NVMe function is 0000:01:00.0, as in the README" \
	test "$nvme" = 0000:01:00.0
expect_success "recipes: the README's recipes are here (3 or more)" \
	test "$(find /lib/altdma -name 'recipe-*.sh' | wc -l)" -ge 3
expect_success "recipes: load the kernel's nvme driver" load_chain nvme
wait_for 30 recipe_disk > /dev/null
for recipe in /lib/altdma/recipe-*.sh; do
	[ -e "$recipe" ] || continue
	name=$(basename "$recipe" .sh)
	name=${name#recipe-}
	# shellcheck disable=SC2016 # expanded by the inner sh
	expect_success "recipes: README recipe '$name' runs as written" \
		sh -e -c 'modprobe() { /lib/altdma/modprobe "$@"; }
			altdmactl() { /lib/altdma/altdmactl "$@"; }
			. "$0"' "$recipe"
	# The driver probes again after each recipe: wait for it.
	wait_for 30 recipe_disk > /dev/null
done
expect_success "recipes: nothing attached after the recipes" altdma_detached
expect_success "recipes: no rule left after the recipes" \
	test -z "$(ls /sys/kernel/config/altdma/pci/ 2>/dev/null)"
expect_success "recipes: rmmod altdma" rmmod altdma
expect_success "recipes: rmmod nvme" rmmod nvme
