#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own nvme driver over altdma, attached by name with
# altdmactl, under the direct policy, bounce with a 32-bit emulated mask
# (the guest has RAM above 4 GiB) and the DMA-API checker, and force; then
# detached, with nvme
# working again without altdma. Sourced by the guest's /init with altdma
# not loaded; leaves it so.

nvme=$(pci_dev 0x1b36:0x0010)

expect_success "stock nvme: NVMe function present" test -n "$nvme"
expect_success "stock nvme: insmod altdma" insmod /lib/altdma/altdma.ko
expect_success "stock nvme: load the kernel's nvme driver" load_chain nvme
wait_for 30 test -L "/sys/bus/pci/devices/$nvme/driver"
stock_disk() { nvme_disk "$nvme"; }
# altdma_stock_matrix=bounce32 on the command line (the host's choice for
# some kernels, to stay in CI's time budget) runs only the bounce-32 pass.
matrix="direct bounce32 force"
if grep -q 'altdma_stock_matrix=bounce32' /proc/cmdline; then
	matrix=bounce32
	echo "stock nvme: bounce32 only on this kernel (direct and force run on the others)"
fi
for policy in $matrix; do
	case $policy in
	direct) driver_pass "stock nvme" direct "$nvme" nvme stock_disk ;;
	bounce32) driver_pass "stock nvme" bounce32 "$nvme" nvme stock_disk --mask 32 \
		--checks all,cpu_wrote_to_device_buffer,device_wrote_to_device_buffer,dma_after_unmap ;;
	force) driver_pass "stock nvme" force "$nvme" nvme stock_disk --force --guard 64 ;;
	esac
done
expect_success "stock nvme: rmmod altdma" rmmod altdma
# The next steps drive the disk with nvme_demo again.
expect_success "stock nvme: rmmod nvme" rmmod nvme
