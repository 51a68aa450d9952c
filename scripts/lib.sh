#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for altdma's scripts: cache location, Debian package
# download through the machine's own mirror, logging.

# shellcheck disable=SC2034 # the variables below are for the sourcing scripts
ALTDMA_CACHE=${ALTDMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/altdma}
ALTDMA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian suite that ships each test kernel's source package.
declare -A ALTDMA_KERNEL_SUITE=([6.1]=bookworm [6.12]=trixie [7.2]=sid)

altdma_log() { printf '[altdma] %s\n' "$*" >&2; }
altdma_die() { printf '[altdma] error: %s\n' "$*" >&2; exit 1; }

# The Debian archive URI this machine's apt is configured with. Read at run
# time so that no host name is ever written into the repository.
altdma_debian_uri() {
	local uri
	uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	if [ -z "$uri" ]; then
		uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
	fi
	[ -n "$uri" ] || altdma_die "no Debian archive found in this machine's apt sources"
	printf '%s\n' "$uri"
}

# apt-get with a private state directory that also sees trixie and sid;
# the system's own apt configuration is never touched.
altdma_private_apt() {
	local state="$ALTDMA_CACHE/apt" uri
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/etc"
	if [ ! -s "$state/etc/sources.list" ]; then
		uri=$(altdma_debian_uri)
		{
			for suite in bookworm trixie sid; do
				printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$uri" "$suite"
			done
		} > "$state/etc/sources.list"
	fi
	apt-get -q -o Dir::State="$state" -o Dir::State::Lists="$state/lists" \
		-o Dir::Cache="$state/cache" -o Dir::Etc::SourceList="$state/etc/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o APT::Architecture=amd64 \
		-o APT::Sandbox::User=root "$@"
}

# Downloads Debian package $1 into directory $2 (once); prints the .deb path.
# The system's own apt lists are tried first (bookworm and its security
# updates), then the private state that adds trixie and sid.
altdma_fetch_deb() {
	local pkg=$1 dir=$2 deb
	mkdir -p "$dir"
	deb=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n 1)
	if [ -z "$deb" ]; then
		if ! (cd "$dir" && apt-get -q download "$pkg" >&2 2>/dev/null); then
			altdma_private_apt update >&2 ||
				altdma_die "apt update (private state) failed"
			(cd "$dir" && altdma_private_apt download "$pkg" >&2) ||
				altdma_die "could not download $pkg"
		fi
		deb=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n 1)
	fi
	[ -n "$deb" ] || altdma_die "could not download $pkg"
	printf '%s\n' "$deb"
}

# altdma_prepare_kernel 6.1|6.12|7.2|stock: builds (or reuses) the kernel
# and the modules for it. Sets ALTDMA_IMAGE (bzImage), ALTDMA_MODS (module
# build directory) and ALTDMA_KLABEL (linux-<version> or stock-<release>).
altdma_prepare_kernel() {
	local version=$1 kdir release deb image
	if [ "$version" = stock ]; then
		kdir=$("$ALTDMA_ROOT/scripts/install-deps.sh" --print-kdir) || return 1
		release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
			"$kdir/include/generated/utsrelease.h")
		[ -n "$release" ] || altdma_die "cannot tell the release of $kdir"
		deb=$(altdma_fetch_deb "linux-image-$release" "$ALTDMA_CACHE/debs") || return 1
		image="$ALTDMA_CACHE/stock/$release"
		if [ ! -f "$image/vmlinuz" ]; then
			rm -rf "$image" && mkdir -p "$image/x"
			dpkg-deb -x "$deb" "$image/x"
			cp "$image/x/boot/vmlinuz-$release" "$image/vmlinuz"
			rm -rf "$image/x"
		fi
		ALTDMA_IMAGE=$image/vmlinuz
		ALTDMA_KLABEL=stock-$release
	else
		kdir=$("$ALTDMA_ROOT/scripts/build-test-kernel.sh" "$version") || return 1
		ALTDMA_IMAGE=$kdir/arch/x86/boot/bzImage
		ALTDMA_KLABEL=linux-$version
	fi
	ALTDMA_MODS=$("$ALTDMA_ROOT/scripts/build-modules.sh" "$kdir" \
		"$ALTDMA_CACHE/modbuild/$ALTDMA_KLABEL") || return 1
}
