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
		# One download at a time: make check's parallel jobs share
		# the private apt state.
		(
			flock 8
			[ -n "$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb")" ] && exit 0
			if ! (cd "$dir" && apt-get -q download "$pkg" >&2 2>/dev/null); then
				altdma_private_apt update >&2 ||
					altdma_die "apt update (private state) failed"
				(cd "$dir" && altdma_private_apt download "$pkg" >&2) ||
					altdma_die "could not download $pkg"
			fi
		) 8>"$dir/.download.lock" || exit 1
		deb=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -n 1)
	fi
	[ -n "$deb" ] || altdma_die "could not download $pkg"
	printf '%s\n' "$deb"
}

# altdma_prepare_kernel 6.1|6.12|7.2|stock: builds (or reuses) the kernel
# and the modules for it. Sets ALTDMA_IMAGE (bzImage), ALTDMA_KMODULES (the
# kernel's own modules: its build or unpacked tree), ALTDMA_MODS (module
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
		if [ ! -f "$image/.altdma-unpacked" ]; then
			rm -rf "$image" && mkdir -p "$image/x"
			dpkg-deb -x "$deb" "$image/x"
			cp "$image/x/boot/vmlinuz-$release" "$image/vmlinuz"
			mv "$image/x/lib/modules/$release/kernel" "$image/modules"
			rm -rf "$image/x"
			touch "$image/.altdma-unpacked"
		fi
		ALTDMA_IMAGE=$image/vmlinuz
		ALTDMA_KMODULES=$image/modules
		ALTDMA_KLABEL=stock-$release
	elif [ "${version#bench-}" != "$version" ]; then
		kdir=$("$ALTDMA_ROOT/scripts/build-test-kernel.sh" "${version#bench-}" --bench) ||
			return 1
		ALTDMA_IMAGE=$kdir/arch/x86/boot/bzImage
		ALTDMA_KMODULES=$kdir
		ALTDMA_KLABEL=linux-$version
	else
		kdir=$("$ALTDMA_ROOT/scripts/build-test-kernel.sh" "$version") || return 1
		ALTDMA_IMAGE=$kdir/arch/x86/boot/bzImage
		ALTDMA_KMODULES=$kdir
		ALTDMA_KLABEL=linux-$version
	fi
	ALTDMA_MODS=$("$ALTDMA_ROOT/scripts/build-modules.sh" "$kdir" \
		"$ALTDMA_CACHE/modbuild/$ALTDMA_KLABEL") || return 1
}

# altdma_module_chain TREE NAME...: the .ko files under TREE of each module
# NAME and of everything it depends on (modinfo), dependencies first, each
# once. A name with no .ko is built in (or absent) and is left out.
altdma_module_chain() {
	local tree=$1 f n
	shift
	local -A path=() seen=()
	while IFS= read -r f; do
		n=$(basename "$f" .ko)
		path[${n//-/_}]=$f
	done < <(find "$tree" -name '*.ko')
	_altdma_visit() {
		local name=${1//-/_} dep
		[ -z "${seen[$name]:-}" ] || return 0
		seen[$name]=1
		[ -n "${path[$name]:-}" ] || return 0
		for dep in $(modinfo -F depends "${path[$name]}" | tr ',' ' '); do
			_altdma_visit "$dep"
		done
		printf '%s\n' "${path[$name]}"
	}
	for n in "$@"; do
		_altdma_visit "$n"
	done
}

# altdma_kernel_drivers DIR: copies the kernel's own modules the guests use
# (configfs where it is modular, nvme, virtio-blk and what they need) into
# DIR, and for each writes DIR/chain-NAME: the modules to insmod, in order.
altdma_kernel_drivers() {
	local dir=$1 name f
	rm -rf "$dir" && mkdir -p "$dir"
	for name in configfs nvme virtio_blk virtio_pci; do
		: > "$dir/chain-$name"
		while IFS= read -r f; do
			cp "$f" "$dir/"
			basename "$f" >> "$dir/chain-$name"
		done < <(altdma_module_chain "$ALTDMA_KMODULES" "$name")
	done
}

# altdma_kunit_expected VERSION MODS: whether the guest must show KUnit
# results. Every test kernel is built with KUnit (kunit/altdma.config), so
# there a missing altdma_kunit.ko is a failure, never a reason to skip.
altdma_kunit_expected() {
	[ "$1" != stock ] || [ -f "$2/kunit/altdma_kunit.ko" ]
}

# altdma_gtest_verdicts LOG STATUS: the GoogleTest run in LOG (make's exit
# STATUS) as verdict lines: "PASS: host: X.Y" per passed case, "FAIL: ..."
# per failed one, "SKIP: ..." per GTEST_SKIP()ped one. Only the per-case
# lines count ("[  SKIPPED ] X.Y (0 ms)", "[  FAILED  ] P/X.Y/1, where
# GetParam() = 3 (0 ms)"), not the summary that lists the same names again
# without a time. A failing status without a failed case
# (a build error, a sanitizer report after the last case) is one failure.
altdma_gtest_verdicts() {
	local log=$1 rc=$2 n_ok n_failed n_skipped case=' ([^ ,]+).* \([0-9]+ ms\)$'
	n_ok=$(grep -cE "^\[       OK \]$case" "$log")
	n_failed=$(grep -cE "^\[  FAILED  \]$case" "$log")
	n_skipped=$(grep -cE "^\[  SKIPPED \]$case" "$log")
	sed -nE -e "s/^\[       OK \]$case/PASS: host: \1/p" \
		-e "s/^\[  FAILED  \]$case/FAIL: host: \1/p" \
		-e "s/^\[  SKIPPED \]$case/SKIP: host: \1/p" "$log"
	if [ "$rc" -ne 0 ] && [ "$n_failed" -eq 0 ]; then
		if [ "$n_ok" -eq 0 ]; then
			echo "FAIL: host tests: build (make -C tests/host test exited $rc)"
		else
			echo "FAIL: host tests: exit status $rc after $n_ok passing cases (sanitizer report?)"
		fi
		tail -n 20 "$log" | sed 's/^/    | /'
	elif [ "$rc" -eq 0 ] && [ "$((n_ok + n_skipped))" -eq 0 ]; then
		echo "FAIL: host tests: no test case ran"
	fi
	echo "    $n_ok GoogleTest cases passed, $n_failed failed, $n_skipped skipped"
}

# altdma_kbuild_warnings LOG TREE BUILT: the "no warnings from our files"
# verdict on the module build log LOG of the copy TREE. BUILT=1 only if the
# build ran to its end: a build that stopped early (or never started) has
# not compiled our files, so finding no warning in it proves nothing.
# Diagnostics about our files: gcc/sparse/objtool "path:...: warning:",
# "cc1plus: warning:" (a C-only flag reached C++), modpost warnings about
# the module.
altdma_kbuild_warnings() {
	local log=$1 tree=$2 built=$3 ours lines name="kernel build: no warnings from our files"
	ours="($tree/)?(core|shim|nvme_demo|kunit)/[^ :]*"
	lines=$(grep -Ei "($ours.*(warning|error)[: ])|(^cc1plus: (warning|error))|(modpost: .*altdma)" \
		"$log" 2>/dev/null)
	if [ "$built" != 1 ]; then
		echo "FAIL: $name (the build did not run to its end: nothing was checked)"
	elif [ -n "$lines" ]; then
		echo "FAIL: $name ($(grep -c . <<<"$lines") lines)"
	else
		echo "PASS: $name"
	fi
	[ -z "$lines" ] || head -n 20 <<<"$lines" | sed "s|$tree/||; s/^/    | /"
}

# altdma_serve_qmp PID LOG SOCKET OUT: while the guest PID runs, executes each
# "ALTDMA-QMP COMMAND JSON" record the guest prints on its console LOG (a
# /dev/kmsg record: after a timestamp, maybe inside another line), once
# and in order, on the QMP SOCKET; answers go to OUT, failures as
# "ALTDMA-HOST: QMP ... failed" lines. Only device_del and device_add are
# served: the guest's console is not a way to run anything else. device_add
# is retried for a few seconds, as QEMU frees a slot only once the guest has
# ejected its device.
altdma_serve_qmp() {
	local pid=$1 log=$2 sock=$3 out=$4 done=0 n line cmd args tries
	: > "$out"
	while kill -0 "$pid" 2>/dev/null; do
		n=0
		while IFS= read -r line; do
			line=${line%$'\r'}
			# Every request ends with its JSON object: anything else
			# is a line QEMU is still writing, for the next poll.
			[ "${line%\}}" != "$line" ] || break
			n=$((n + 1))
			[ "$n" -gt "$done" ] || continue
			done=$n
			cmd=${line#ALTDMA-QMP }
			args=${cmd#* }
			cmd=${cmd%% *}
			case $cmd in
			device_del | device_add) ;;
			*)
				echo "ALTDMA-HOST: refused QMP command '$cmd' (only device_del and device_add)" >> "$out"
				continue ;;
			esac
			tries=10
			until "$ALTDMA_ROOT/scripts/qmp.py" "$sock" "$cmd" "$args" >> "$out" 2>&1; do
				tries=$((tries - 1))
				if [ "$cmd" != device_add ] || [ "$tries" -eq 0 ]; then
					echo "ALTDMA-HOST: QMP $cmd $args failed" >> "$out"
					break
				fi
				sleep 1
			done
		done < <(grep -ao 'ALTDMA-QMP .*' "$log" 2>/dev/null)
		sleep 1
	done
}

# altdma_readme_recipes DIR: writes each recipe of README.md (a ```sh block
# right after a "<!-- recipe: NAME -->" line) to DIR/recipe-NAME.sh, as
# written, and prints the names. The guests run them.
altdma_readme_recipes() {
	local dir=$1
	rm -rf "$dir" && mkdir -p "$dir"
	awk -v dir="$dir" '
		/^<!-- recipe: [a-z0-9_-]+ -->$/ { name = $3; next }
		name != "" && !inblock && $0 == "```sh" {
			inblock = 1
			out = dir "/recipe-" name ".sh"
			printf "" > out
			print name
			next
		}
		!inblock { name = "" }
		inblock && $0 == "```" { close(out); inblock = 0; name = ""; next }
		inblock { print > out }' "$ALTDMA_ROOT/README.md"
}
