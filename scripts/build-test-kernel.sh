#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds (once) the test kernel for one version and prints its build
# directory: bzImage, the NVMe module, and what external modules need.
#
#   scripts/build-test-kernel.sh 6.1|6.12|7.2 [--bench]
#
# --bench builds the bench kernel instead: the test kernel's configuration
# with bench/bench-kernel.config on top (each symbol it names replaces the
# test fragments' line for it: no KASAN, lockdep, kmemleak or KUnit).
#
# The kernel source comes from Debian's linux-source-<version> package. The
# result is cached under $ALTDMA_CACHE/kernels/<version>-<key>, where the
# key hashes the source package, the CONFIG_ lines of the fragments and this
# recipe, so a changed option builds a new kernel while comments, order and
# an unchanged configuration reuse the cached one. Superseded builds of the
# same version are removed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

version=${1:-}
[ -n "${ALTDMA_KERNEL_SUITE[$version]:-}" ] ||
	altdma_die "usage: $0 6.1|6.12|7.2 [--bench]"
flavour=""
case ${2:-} in
"") ;;
--bench) flavour=bench- ;;
*) altdma_die "usage: $0 6.1|6.12|7.2 [--bench]" ;;
esac
fragments=("$ALTDMA_ROOT/kunit/altdma.config" "$ALTDMA_ROOT/kunit/altdma-$version.config")
[ -z "$flavour" ] || fragments+=("$ALTDMA_ROOT/bench/bench-kernel.config")
recipe_version=1

# The fragments as one, a later line replacing an earlier one's symbol.
merged_fragment() {
	cat "${fragments[@]}" | awk '
		/^CONFIG_/ { sym = $0; sub(/=.*/, "", sym)
			if (!(sym in line)) order[n++] = sym
			line[sym] = $0; next }
		{ other[m++] = $0 }
		END { for (i = 0; i < m; i++) print other[i]
			for (i = 0; i < n; i++) print line[order[i]] }'
}

deb=$(altdma_fetch_deb "linux-source-$version" "$ALTDMA_CACHE/debs") || exit 1
key=$( { basename "$deb"; merged_fragment | grep '^CONFIG_' | LC_ALL=C sort -u
	echo "recipe $recipe_version"; } | sha256sum | cut -c1-16)
out="$ALTDMA_CACHE/kernels/$flavour$version-$key"
if [ -f "$out/.altdma-built" ]; then
	printf '%s\n' "$out"
	exit 0
fi

mkdir -p "$ALTDMA_CACHE/kernels"
exec 9> "$ALTDMA_CACHE/kernels/.lock-$flavour$version"
flock 9
if [ -f "$out/.altdma-built" ]; then
	printf '%s\n' "$out"
	exit 0
fi

src="$ALTDMA_CACHE/src/$(basename "$deb" .deb)"
if [ ! -f "$src/.altdma-unpacked" ]; then
	altdma_log "unpacking $(basename "$deb")"
	rm -rf "$src" && mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards "./usr/src/linux-source-$version.tar.*" |
		tar -xJ -C "$src" --strip-components=1
	touch "$src/.altdma-unpacked"
fi

find "$ALTDMA_CACHE/kernels" -mindepth 1 -maxdepth 1 -type d -name "$flavour$version-*" \
	! -name "$flavour$version-$key" -exec rm -rf {} +
mkdir -p "$out"
merged_fragment > "$out/altdma.fragment"
altdma_log "configuring Linux $version in $out"
make -s -C "$src" O="$out" KCONFIG_ALLCONFIG="$out/altdma.fragment" allnoconfig >&2
make -s -C "$src" O="$out" olddefconfig >&2

# Every requested option must have survived dependency resolution (an
# option asked to be off may also be gone, hidden by another one).
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) grep -q "^${line%=n}=" "$out/.config" || continue
		want="# ${line%=n} is not set" ;;
	CONFIG_*) want=$line ;;
	*) continue ;;
	esac
	if ! grep -qxF "$want" "$out/.config"; then
		altdma_log "config: '$line' did not take effect"
		missing=1
	fi
done < "$out/altdma.fragment"
[ "$missing" = 0 ] || altdma_die "test-kernel config for $version is incomplete"

altdma_log "building Linux $version ($(nproc) jobs; about 15 minutes cold)"
start=$SECONDS
if ! make -C "$src" O="$out" -j"$(nproc)" bzImage modules > "$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	altdma_die "kernel $version failed to build (log: $out/build.log)"
fi
altdma_log "built Linux $version in $((SECONDS - start)) s"
touch "$out/.altdma-built"
printf '%s\n' "$out"
