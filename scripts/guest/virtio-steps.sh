#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A second stock driver of another subsystem over altdma: virtio-blk on a
# virtio-blk-pci device with iommu_platform=on (so virtio uses the DMA API),
# attached with altdmactl under bounce with a 32-bit emulated mask and the
# DMA-API checker (checks=all), with the
# same data and counter checks as the stock nvme passes. Sourced by the
# guest's /init with altdma not loaded; leaves it so, and the virtio device
# unbound, so that its rings are not left mapped at the leak check.

virtio=$(pci_dev 0x1af4:0x1042)

# The virtio-blk disk of the virtio-pci function.
virtio_disk() {
	for b in /sys/bus/pci/devices/"$virtio"/virtio*/block/vd*; do
		[ -e "$b" ] && basename "$b" && return 0
	done
	return 1
}

expect_success "virtio-blk: virtio-blk-pci function present" test -n "$virtio"
expect_success "virtio-blk: insmod altdma" insmod /lib/altdma/altdma.ko
load_virtio() { load_chain virtio_pci && load_chain virtio_blk; }
expect_success "virtio-blk: load virtio-pci and virtio-blk" load_virtio
wait_for 30 test -L "/sys/bus/pci/devices/$virtio/driver"
driver_pass "virtio-blk" bounce32 "$virtio" virtio-pci virtio_disk --mask 32 \
	--checks all,cpu_wrote_to_device_buffer,device_wrote_to_device_buffer,dma_after_unmap
expect_success "virtio-blk: rmmod altdma" rmmod altdma
expect_success "virtio-blk: rmmod virtio_blk" rmmod virtio_blk
expect_success "virtio-blk: unbind virtio-pci" \
	sh -c "echo $virtio > /sys/bus/pci/drivers/virtio-pci/unbind"
