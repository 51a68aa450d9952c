#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-test: the smoke module leaks one mapping on purpose. The
# host expects the verdict on this log to FAIL.
# shellcheck source=scripts/guest/common.sh
. /lib/altdma/common.sh

insmod /lib/altdma/altdma.ko
insmod /lib/altdma/altdma_smoke.ko selftest_leak_mapping=1
rmmod altdma_smoke
rmmod altdma
finish
