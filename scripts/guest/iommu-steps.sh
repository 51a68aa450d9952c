#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# With QEMU's Intel IOMMU (intel_iommu=on iommu=pt: every group starts in
# the identity domain, where altdma attaches as without an IOMMU): the NVMe
# function's group is switched to a translating DMA domain, attach is then
# refused with the group number and the way out, altdmactl attach
# --iommu-identity switches the group itself and the kernel's nvme driver
# runs over altdma on it with verified data, and altdmactl detach puts the
# DMA domain back. Sourced by the guest's /init with altdma not loaded;
# leaves it so, with the group in the identity domain again.
# shellcheck disable=SC2154 # ctl comes from common.sh

nvme=$(pci_dev 0x1b36:0x0010)
group=$(basename "$(readlink "/sys/bus/pci/devices/$nvme/iommu_group")")
group_type=/sys/kernel/iommu_groups/$group/type
iommu_disk() { nvme_disk "$nvme"; }

# nvme probes asynchronously: a bind returns while its reset work runs, and
# an unbind then fails with -EBUSY. Waits for the disk.
nvme_ready() {
	wait_for 30 iommu_disk > /dev/null
}

# iommu_switch TYPE: the group's domain type, with nvme unbound meanwhile
# (and bound afterwards, whether it was before or not).
iommu_switch() {
	if [ -L "/sys/bus/pci/devices/$nvme/driver" ]; then
		echo "$nvme" > /sys/bus/pci/drivers/nvme/unbind || return 1
	fi
	echo "$1" > "$group_type" &&
		echo "$nvme" > /sys/bus/pci/drivers/nvme/bind &&
		nvme_ready
}

group_is() {
	test "$(sed 's/ .*//' "$group_type")" = "$1"
}

expect_success "iommu: insmod altdma" insmod /lib/altdma/altdma.ko
expect_success "iommu: load the kernel's nvme driver" load_chain nvme
wait_for 30 test -L "/sys/bus/pci/devices/$nvme/driver"
nvme_ready
expect_success "iommu: the NVMe function is in IOMMU group $group (identity)" \
	group_is identity
expect_success "iommu: switch group $group to a DMA domain" iommu_switch DMA
expect_success "iommu: group $group translates (DMA)" group_is DMA
if "$ctl" attach "$nvme" --mask 32 > /tmp/ctl.out 2>&1; then
	result fail "iommu: attach refused in a DMA domain" "$(cat /tmp/ctl.out)"
	"$ctl" detach "$nvme"
else
	result ok "iommu: attach refused in a DMA domain"
fi
expect_success "iommu: the refusal names the group" \
	grep -q "IOMMU group $group, whose DMA domain translates" /tmp/ctl.out
expect_success "iommu: the refusal names --iommu-identity" \
	grep -q -- "--iommu-identity" /tmp/ctl.out
expect_failure "iommu: a refused attach leaves no rule" test -d "$CFG/pci/$nvme"
expect_success "iommu: nvme is bound again after the refusal" nvme_ready
driver_pass "iommu identity" bounce32 "$nvme" nvme iommu_disk --mask 32 --iommu-identity
expect_success "iommu: altdmactl detach put the DMA domain back" group_is DMA
nvme_ready
expect_success "iommu: switch group $group back to identity" iommu_switch identity
expect_success "iommu: rmmod altdma" rmmod altdma
expect_success "iommu: rmmod nvme" rmmod nvme
rm -f /tmp/ctl.out
