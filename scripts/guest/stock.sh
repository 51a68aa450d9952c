#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest /init for the stock distribution kernel (no KUnit): insmod path.
# shellcheck source=scripts/guest/common.sh
. /lib/altdma/common.sh

expect_success "insmod altdma" insmod /lib/altdma/altdma.ko
# shellcheck source=scripts/guest/smoke-steps.sh
. /lib/altdma/smoke-steps.sh
finish
