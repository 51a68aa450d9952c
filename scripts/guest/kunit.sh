#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest /init for a test kernel: KUnit suites, then the smoke module and the
# unload rules.
# shellcheck source=scripts/guest/common.sh
. /lib/altdma/common.sh

expect_success "insmod altdma" insmod /lib/altdma/altdma.ko
# KUnit runs the suites while the module loads.
expect_success "insmod altdma_kunit" insmod /lib/altdma/altdma_kunit.ko
expect_success "rmmod altdma_kunit" rmmod altdma_kunit
# shellcheck source=scripts/guest/smoke-steps.sh
. /lib/altdma/smoke-steps.sh
finish
