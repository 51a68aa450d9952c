#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Smoke module and unload rules; sourced after altdma.ko is loaded.
expect_success "insmod altdma_smoke" insmod /lib/altdma/altdma_smoke.ko
expect_failure "rmmod altdma refused while a device is attached" rmmod altdma
expect_success "altdma still loaded after the refused rmmod" grep -q "^altdma " /proc/modules
expect_success "rmmod altdma_smoke" rmmod altdma_smoke
expect_success "rmmod altdma once nothing is attached" rmmod altdma
