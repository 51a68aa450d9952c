#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest /init: every in-kernel test in one boot. KUnit suites (on kernels
# that have KUnit), the smoke module and unload rules, nvme_demo under each
# policy, attach by name (rules, altdmactl, a leaking driver's unbind
# report, the kernel's nvme and virtio-blk drivers over altdma, fault
# injection and a fault walk over nvme's probe, latency histograms and
# trace events, the README's recipes, an IOMMU group switched for it where
# the guest has an IOMMU), then hot-unplug of the disk during I/O; leaks
# are reported last.
# shellcheck source=scripts/guest/common.sh
. /lib/altdma/common.sh

expect_success "insmod altdma" insmod /lib/altdma/altdma.ko
if [ -e /lib/altdma/altdma_kunit.ko ]; then
	# KUnit runs the suites while the module loads.
	expect_success "insmod altdma_kunit" insmod /lib/altdma/altdma_kunit.ko
	expect_success "rmmod altdma_kunit" rmmod altdma_kunit
	expect_success "insmod altdma_fault_kunit" insmod /lib/altdma/altdma_fault_kunit.ko
	expect_success "rmmod altdma_fault_kunit" rmmod altdma_fault_kunit
	expect_success "insmod altdma_latency_kunit" insmod /lib/altdma/altdma_latency_kunit.ko
	expect_success "rmmod altdma_latency_kunit" rmmod altdma_latency_kunit
	# The checker's suite misuses the DMA API on purpose; DMA-API
	# debugging above altdma sees it too: its reports are muted meanwhile
	# and its count of them declared.
	dmaapi_mute
	expect_success "insmod altdma_check_kunit" insmod /lib/altdma/altdma_check_kunit.ko
	expect_success "rmmod altdma_check_kunit" rmmod altdma_check_kunit
	dmaapi_unmute "altdma_check_kunit misuses the DMA API on purpose"
fi
# shellcheck source=scripts/guest/smoke-steps.sh
. /lib/altdma/smoke-steps.sh
dd if=/dev/urandom of=/tmp/pattern bs=1M count=32 2>/dev/null
dd if=/dev/urandom of=/tmp/pattern2 bs=1M count=20 2>/dev/null
# shellcheck source=scripts/guest/nvme-steps.sh
. /lib/altdma/nvme-steps.sh
# shellcheck source=scripts/guest/rules-steps.sh
. /lib/altdma/rules-steps.sh
# shellcheck source=scripts/guest/leak-steps.sh
. /lib/altdma/leak-steps.sh
# shellcheck source=scripts/guest/stock-steps.sh
. /lib/altdma/stock-steps.sh
# shellcheck source=scripts/guest/faults-steps.sh
. /lib/altdma/faults-steps.sh
# shellcheck source=scripts/guest/latency-steps.sh
. /lib/altdma/latency-steps.sh
# shellcheck source=scripts/guest/trace-steps.sh
. /lib/altdma/trace-steps.sh
# shellcheck source=scripts/guest/soak-steps.sh
. /lib/altdma/soak-steps.sh
# shellcheck source=scripts/guest/recipes-steps.sh
. /lib/altdma/recipes-steps.sh
if grep -q 'intel_iommu=on' /proc/cmdline; then
	# shellcheck source=scripts/guest/iommu-steps.sh
	. /lib/altdma/iommu-steps.sh
fi
# shellcheck source=scripts/guest/virtio-steps.sh
. /lib/altdma/virtio-steps.sh
rm -f /tmp/pattern /tmp/pattern2
# shellcheck source=scripts/guest/hotplug-steps.sh
. /lib/altdma/hotplug-steps.sh
finish
