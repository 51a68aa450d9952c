#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds altdma.ko and the test modules for the kernel in KDIR, in a copy of
# the sources under OUTDIR (so builds for several kernels never share
# objects), and runs the guard on altdma.ko.
#
#   scripts/build-modules.sh KDIR OUTDIR
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: $0 KDIR OUTDIR}
out=${2:?usage: $0 KDIR OUTDIR}
mkdir -p "$out"
# make check runs guests as parallel jobs, some for the same kernel.
exec 9>"$out.lock"
flock 9
# Copy only what Kbuild reads. Files are compared by content and a changed
# one gets a new mtime: another checkout's older copy of a file (the cache
# is shared) must still rebuild its objects, and an unchanged file keeps its
# mtime, so the copy rebuilds incrementally.
rsync -rlpc --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod*' --exclude 'Module.symvers' --exclude 'modules.order' \
	--include '/Kbuild' --include '/VERSION' --include '/core/***' --include '/shim/***' \
	--include '/kunit/***' --include '/nvme_demo/***' --include '/scripts/***' \
	--include '/bench/' --include '/bench/Kbuild' --include '/bench/*.c' \
	--exclude '*' \
	"$ALTDMA_ROOT/" "$out/"
"$out/scripts/check-module.sh" --kdir-only "$kdir" >&2
if ! make -C "$kdir" M="$out" ALTDMA_TEST_MODULES=y modules > "$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	altdma_die "module build against $kdir failed"
fi
grep -E 'warning:|error:' "$out/build.log" >&2 || true
# Debug kernels instrument every object (KASAN, lockdep, kcov ...): their
# extra symbols are allowed on top of the stock list.
allow=$(mktemp)
trap 'rm -f "$allow"' EXIT
cat "$ALTDMA_ROOT/scripts/module-symbols.allow" \
	"$ALTDMA_ROOT/scripts/module-symbols-test-kernels.allow" > "$allow"
ALTDMA_SYMBOLS_ALLOW=$allow "$out/scripts/check-module.sh" "$out/altdma.ko" "$kdir" >&2
printf '%s\n' "$out"
