#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs altdma's in-kernel tests on one test kernel in QEMU and prints the
# verdict lines (PASS:/FAIL:/SKIP:).
#
#   scripts/kunit.sh 6.1|6.12|7.2 [--selftest]
#
# --selftest boots the harness self-test instead (a module that leaks a DMA
# mapping on purpose) and passes only if the verdict catches the leak.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

version=${1:?usage: $0 6.1|6.12|7.2 [--selftest]}
mode=${2:-}
label="linux-$version"
[ "$mode" != --selftest ] || label="selftest-$version"

altdma_prepare_kernel "$version"
mods=$ALTDMA_MODS
work="$ALTDMA_CACHE/runs/$label"
mkdir -p "$work"

if [ "$mode" = --selftest ]; then
	guest="$ALTDMA_ROOT/scripts/guest/selftest.sh"
	files=("$mods/altdma.ko" "$mods/kunit/altdma_smoke.ko")
else
	guest="$ALTDMA_ROOT/scripts/guest/kunit.sh"
	files=("$mods/altdma.ko" "$mods/kunit/altdma_smoke.ko" "$mods/kunit/altdma_kunit.ko")
fi
"$ALTDMA_ROOT/scripts/make-initramfs.sh" "$work/initramfs.cpio" "$guest" "${files[@]}"

log="$work/console.log"
rm -f "$log"
"$ALTDMA_ROOT/scripts/run-qemu.sh" -k "$ALTDMA_IMAGE" \
	-i "$work/initramfs.cpio" -l "$log" -m 6G -t 900 -a "kunit.enable=1 kunit.autorun=1" || true

if [ "$mode" = --selftest ]; then
	verdict=$("$ALTDMA_ROOT/scripts/verdict.sh" "$label" "$log" || true)
	if grep -q "^FAIL: $label: log free of" <<<"$verdict" &&
		grep -q "ALTDMA-DMA-API-LIVE .*altdma-smoke" "$log"; then
		echo "PASS: harness self-test on $version: a leaked DMA mapping fails the verdict"
	else
		echo "FAIL: harness self-test on $version: a leaked DMA mapping went unnoticed (log: $log)"
		exit 1
	fi
	exit 0
fi
"$ALTDMA_ROOT/scripts/verdict.sh" --kunit "$label" "$log" || {
	altdma_log "console log: $log"
	exit 1
}
