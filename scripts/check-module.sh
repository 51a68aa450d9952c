#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# altdma build-time guard.  Run by the Makefile after every module build (and
# with --kdir-only before it); not meant to be run by hand, though it may be.
#
#   check-module.sh <module.ko> [KDIR]
#   check-module.sh --kdir-only KDIR
#
# Fails (exit 1, one line per offending item, naming the module) when
#  - a constructor / destructor section (.init_array, .init_array.*, .ctors,
#    .ctors.*, .fini_array*, .dtors*) calls anything but compiler
#    instrumentation (KASAN/gcov/KCSAN module constructors, see
#    check_cdtors): C++ dynamic initialisation, which stock kernels never run
#    (only CONFIG_CONSTRUCTORS kernels do);
#  - it has exception tables (.gcc_except_table*);
#  - two allocated sections share a name: the kernel cannot create both
#    /sys/module/<mod>/sections/ files and warns with a stack trace at
#    insmod.  C++ emits an inline function used in two objects as one COMDAT
#    group per object, normally merged by ld -r; objtool on some kernel
#    configs rewrites one object's group to a different signature, so both
#    copies survive;
#  - any symbol, defined or undefined, belongs to the C++ runtime or
#    libstdc++: __cxa_* (except a *defined* __cxa_pure_virtual, which the core
#    must provide, non-weak), __gxx_*, _Unwind_*, _ZSt*, _ZNSt*, _ZNKSt*,
#    __dynamic_cast, typeinfo _ZTI* / _ZTS*, _ZTVN10__cxxabiv1*;
#  - it exports a mangled (C++) symbol (__ksymtab__Z*);
#  - an undefined symbol is not in the allow-list (scripts/module-symbols.allow,
#    or $ALTDMA_SYMBOLS_ALLOW): one symbol per line, '#' starts a comment, a
#    line containing '*', '?' or '[' is a shell glob;
#  - KDIR is given and its kernel config (KDIR/include/config/auto.conf, else
#    KDIR/.config) has neither CONFIG_DMA_OPS nor CONFIG_ARCH_HAS_DMA_OPS.
# It never deletes anything: the caller decides what to do with a bad module.
# Exit 2 on usage errors or missing tools / files.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
allow_file=${ALTDMA_SYMBOLS_ALLOW:-$here/module-symbols.allow}
NM=${NM:-nm}
READELF=${READELF:-readelf}

usage() {
	echo "usage: $prog <module.ko> [KDIR]" >&2
	echo "       $prog --kdir-only KDIR" >&2
	exit 2
}

die() {
	echo "altdma guard: $*" >&2
	exit 2
}

failures=0
subject=
fail() {
	echo "altdma guard: FAIL ($subject): $*" >&2
	failures=$((failures + 1))
}

# check_kdir KDIR: the kernel must have dev->dma_ops.
check_kdir() {
	local kdir=$1 conf=
	[ -d "$kdir" ] || die "KDIR '$kdir' does not exist (install the kernel headers or pass KDIR=<kernel build dir>)"
	if [ -f "$kdir/include/config/auto.conf" ]; then
		conf=$kdir/include/config/auto.conf
	elif [ -f "$kdir/.config" ]; then
		conf=$kdir/.config
	else
		fail "no kernel config in KDIR '$kdir' (neither include/config/auto.conf nor .config)"
		return
	fi
	if ! grep -Eq '^CONFIG_(ARCH_HAS_)?DMA_OPS=y' "$conf"; then
		fail "kernel config $conf has neither CONFIG_DMA_OPS nor CONFIG_ARCH_HAS_DMA_OPS: set_dma_ops() would be a silent no-op"
	fi
}

# Forbidden C++ runtime / libstdc++ symbols, by name.  $1 = nm type letter.
# Sets msg (empty: the symbol is fine).
forbidden_symbol() {
	local type=$1 name=$2
	msg=
	case $name in
	__cxa_pure_virtual)
		case $type in
		U) msg="undefined __cxa_pure_virtual (the core must define it)" ;;
		w | v | W | V) msg="weak __cxa_pure_virtual (must be a strong definition: an unresolved weak symbol loads as address 0)" ;;
		esac ;;
	__cxa_*) msg="C++ ABI runtime symbol $name" ;;
	__gxx_*) msg="C++ runtime symbol $name" ;;
	_Unwind_*) msg="unwinder symbol $name (exceptions)" ;;
	_ZSt* | _ZNSt* | _ZNKSt*) msg="libstdc++ symbol $name" ;;
	__dynamic_cast) msg="RTTI symbol $name" ;;
	_ZTI* | _ZTS*) msg="typeinfo symbol $name (RTTI)" ;;
	_ZTVN10__cxxabiv1*) msg="typeinfo vtable $name (RTTI)" ;;
	__ksymtab__Z* | __kstrtab__Z*) msg="exported C++ (mangled) symbol ${name#__k???tab_}" ;;
	esac
}

# Constructor / destructor sections.  C++ dynamic initialisation (gcc names
# the function _GLOBAL__sub_I_<file>, or _GLOBAL__sub_D_ for destructors) is
# always rejected.  Compiler instrumentation registers itself the same way:
# KASAN's global redzones, gcov, KCSAN (gcc: _sub_I_<prio>_<n> /
# _sub_D_<prio>_<n>; clang: <tool>.module_ctor / .module_dtor).  Those are
# accepted: they come with the kernel config (CONFIG_CONSTRUCTORS is selected
# by KASAN, GCOV and KCSAN kernels, which do run them), not from our code.
# Every entry is resolved through its relocation to the function it calls;
# an entry that cannot be resolved is rejected.
check_cdtors() {
	local ko=$1 sec
	shift
	local -A sec_index=() func_at=()
	local value stype ndx name
	# "   13: 0000000000000020    44 FUNC    LOCAL  DEFAULT    5 name"
	while read -r _ value _ stype _ _ ndx name; do
		case $stype in
		SECTION) [ -z "$name" ] || sec_index[$name]=$ndx ;;
		FUNC) func_at[$ndx:$((16#$value))]=$name ;;
		esac
	done < <("$READELF" -sW "$ko")
	# "<section> <symbol> <sign> <addend>" for every entry of a cdtor section.
	local entries
	entries=$("$READELF" -rW "$ko" | awk '
		/^Relocation section / {
			sec = $3; gsub(/\047/, "", sec); sub(/^\.rela?/, "", sec)
			want = (sec ~ /^\.(init_array|ctors|fini_array|dtors)(\.|$)/)
			next
		}
		want && NF >= 5 && $1 ~ /^[0-9a-f]+$/ {
			sign = "+"; add = "0"
			if (NF >= 7) { sign = $6; add = $7 }
			print sec, $5, sign, add
		}')
	local -A seen=()
	local rsec sym sign add target instr=() before=$failures
	while read -r rsec sym sign add; do
		[ -n "$rsec" ] || continue
		seen[$rsec]=1
		target=
		if [ -n "${sec_index[$sym]:-}" ] && [ "$sign" = + ]; then
			target=${func_at[${sec_index[$sym]}:$((16#$add))]:-}
		elif [ "$sign" = + ] && [ "$((16#$add))" -eq 0 ]; then
			target=$sym
		fi
		case $target in
		_sub_[ID]_[0-9]*_[0-9]* | *.module_ctor | *.module_dtor)
			instr+=("$target") ;;
		_GLOBAL__sub_I_*)
			fail "section $rsec runs $target: C++ dynamic initialisation (a namespace-scope object with a constructor or a non-constant initialiser); stock kernels never run it" ;;
		_GLOBAL__sub_D_*)
			fail "section $rsec runs $target: C++ static destructors" ;;
		"")
			fail "section $rsec: entry $sym $sign 0x$add does not resolve to a function (dynamic initialisation?)" ;;
		*)
			fail "section $rsec runs $target: dynamic initialisation / finalisation" ;;
		esac
	done <<<"$entries"
	for sec in "$@"; do
		[ -n "${seen[$sec]:-}" ] ||
			fail "section $sec: constructor/destructor table without relocations (cannot tell what it runs)"
	done
	if [ ${#instr[@]} -ne 0 ] && [ "$failures" -eq "$before" ]; then
		echo "altdma guard: note ($subject): constructor tables hold only compiler instrumentation ($(printf '%s\n' "${instr[@]}" | sort -u | tr '\n' ' ')); allowed"
	fi
}

load_allow_list() {
	[ -f "$allow_file" ] || die "allow-list '$allow_file' not found"
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		line=${line//[[:space:]]/}
		[ -n "$line" ] || continue
		case $line in
		*[*?[]*) allow_globs+=("$line") ;;
		*) allow_exact[$line]=1 ;;
		esac
	done <"$allow_file"
}

allowed() {
	local sym=$1 g
	[ -n "${allow_exact[$sym]:-}" ] && return 0
	for g in "${allow_globs[@]}"; do
		# shellcheck disable=SC2053 # $g is a glob on purpose
		[[ $sym == $g ]] && return 0
	done
	return 1
}

# Allocated sections (flag A) whose name occurs more than once.
check_duplicate_sections() {
	local ko=$1 name count
	while read -r count name; do
		fail "section $name occurs $count times: insmod would warn 'cannot create duplicate filename' (an inline C++ function emitted in several objects whose COMDAT groups were not merged: define it out of line in one .cpp)"
	done < <("$READELF" -SW "$ko" |
		sed -n 's/^ *\[ *[0-9]*\] //p' |
		awk '$7 ~ /A/ { print $1 }' | sort | uniq -cd)
}

check_module() {
	local ko=$1 sec name type addr msg
	[ -f "$ko" ] || die "module '$ko' not found"
	command -v "$NM" >/dev/null || die "'$NM' not found (binutils)"
	command -v "$READELF" >/dev/null || die "'$READELF' not found (binutils)"
	"$READELF" -h "$ko" >/dev/null 2>&1 || die "'$ko' is not an ELF file"

	# Sections.
	local cdtor_secs=()
	while read -r sec; do
		case $sec in
		.init_array | .init_array.* | .ctors | .ctors.* | \
			.fini_array | .fini_array.* | .dtors | .dtors.*)
			cdtor_secs+=("$sec") ;;
		.gcc_except_table*)
			fail "section $sec: exception tables (compiled with exceptions)" ;;
		esac
	done < <("$READELF" -SW "$ko" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p')
	[ ${#cdtor_secs[@]} -eq 0 ] || check_cdtors "$ko" "${cdtor_secs[@]}"
	check_duplicate_sections "$ko"

	# Symbols, defined and undefined.
	local nm_out
	nm_out=$("$NM" "$ko") || die "$NM failed on '$ko'"
	while read -r addr type name; do
		if [ -z "$name" ]; then # undefined: "U name" (no address)
			name=$type type=$addr
		fi
		forbidden_symbol "$type" "$name"
		[ -z "$msg" ] || fail "$msg"
	done <<<"$nm_out"

	# Undefined symbols against the allow-list.
	declare -gA allow_exact=()
	allow_globs=()
	load_allow_list
	while read -r type name; do
		[ -n "$name" ] || continue
		case $name in
		__cxa_* | __gxx_* | _Unwind_* | _ZSt* | _ZNSt* | _ZNKSt* | __dynamic_cast | _ZTI* | _ZTS* | _ZTVN10__cxxabiv1*)
			continue ;; # already reported above
		esac
		allowed "$name" ||
			fail "undefined symbol $name is not in the allow-list ${allow_file#"$PWD"/} (find which object needs it with nm -u; if the module really needs it, review it and add it there)"
	done < <("$NM" -u "$ko")
}

[ $# -ge 1 ] || usage
case $1 in
-h | --help) usage ;;
--kdir-only)
	[ $# -eq 2 ] || usage
	subject="KDIR $2"
	check_kdir "$2"
	;;
-*) usage ;;
*)
	[ $# -le 2 ] || usage
	subject=$1
	check_module "$1"
	[ $# -lt 2 ] || check_kdir "$2"
	;;
esac

if [ "$failures" -ne 0 ]; then
	echo "altdma guard: REJECTED ($subject): $failures problem(s)" >&2
	exit 1
fi
echo "altdma guard: OK ($subject)"
