#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the build guard (scripts/check-module.sh), of the C++ Kbuild rule
# (scripts/Kbuild.cxx) and of the Makefile around them.  Run by `make check`.
#
#   KDIR=<kernel build dir> tests/guard/run.sh
#
# KDIR defaults to the stock Debian headers (scripts/install-deps.sh
# --print-kdir).  Everything is built in a temporary directory (mktemp -d)
# holding small test modules and a copy of the tree; the real tree is not
# touched.  Each case prints one line "PASS: <name>" or "FAIL: <name>"; the
# script exits 1 if any case failed.  Logs go to $ALTDMA_GUARD_LOG_DIR if set
# (scripts/check.sh sets it), else to the temporary directory, which is
# removed at exit (unless ALTDMA_GUARD_KEEP=1).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
guard=$root/scripts/check-module.sh
allow=$root/scripts/module-symbols.allow

if [ -z "${KDIR:-}" ]; then
	KDIR=$("$root/scripts/install-deps.sh" --print-kdir 2>/dev/null) ||
		KDIR=/lib/modules/$(uname -r)/build
fi
if [ ! -f "$KDIR/Makefile" ]; then
	echo "FAIL: setup (no kernel build dir at KDIR=$KDIR)"
	exit 1
fi
export KDIR

work=$(mktemp -d "${TMPDIR:-/tmp}/altdma-guard.XXXXXX")
# ALTDMA_GUARD_KEEP=1 keeps the temporary directory for inspection.
if [ "${ALTDMA_GUARD_KEEP:-0}" = 1 ]; then
	echo "keeping $work"
else
	trap 'rm -rf "$work"' EXIT
fi
logdir=${ALTDMA_GUARD_LOG_DIR:-$work/logs}
mkdir -p "$logdir"

# Keep the test environment from leaking into the guard.
unset ALTDMA_SYMBOLS_ALLOW

npass=0
nfail=0

# result NAME STATUS [LOG]: STATUS 0 = pass.  On failure the tail of LOG is
# shown, indented, to make CI output self-explanatory.
result() {
	local name=$1 status=$2 log=${3:-}
	if [ "$status" -eq 0 ]; then
		echo "PASS: $name"
		npass=$((npass + 1))
	else
		echo "FAIL: $name${log:+ (log: $log)}"
		nfail=$((nfail + 1))
		if [ -n "$log" ] && [ -f "$log" ]; then
			tail -n 15 "$log" | sed 's/^/    | /'
		fi
	fi
}

# output_has PATTERN CMD...: CMD's output matches the extended regex PATTERN.
# (Not "CMD | grep -q": with pipefail, grep -q quitting early makes CMD die
# of SIGPIPE and the pipeline fail at random.)
output_has() {
	local pattern=$1 out
	shift
	out=$("$@" 2>/dev/null) || return 1
	grep -Eq -- "$pattern" <<<"$out"
}

config_has() {
	grep -q "^$1=y" "$KDIR/include/config/auto.conf" 2>/dev/null
}

# Copy the source tree (tracked and untracked files, without build outputs).
copy_tree() {
	local dst=$1 f
	mkdir -p "$dst"
	if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$root" ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do
				[ -e "$root/$f" ] || continue # deleted, not yet committed
				mkdir -p "$dst/$(dirname "$f")"
				cp -p "$root/$f" "$dst/$f"
			done
	else
		(cd "$root" && tar --exclude=./build --exclude='*.o' --exclude='*.ko' \
			--exclude='.*.cmd' -cf - .) | (cd "$dst" && tar -xf -)
	fi
}

# ---------------------------------------------------------------------------
# Small test modules: a C part (module_init) and a C++ part built by
# scripts/Kbuild.cxx.  make_module DIR CFLAGS CXXFLAGS
# ---------------------------------------------------------------------------
make_module() {
	local dir=$1 cflags=$2 cxxflags=$3
	mkdir -p "$dir/scripts"
	cp "$root/scripts/Kbuild.cxx" "$dir/scripts/"
	cat >"$dir/Kbuild" <<EOF
obj-m += altdma_guard_test.o
altdma_guard_test-y := main.o part.o
ccflags-y += $cflags
cxxflags-y += $cxxflags
include \$(src)/scripts/Kbuild.cxx
EOF
	cat >"$dir/main.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>

int altdma_guard_seed(void);
int altdma_guard_cxx_value(void);
#ifdef GUARD_UNKNOWN
void altdma_guard_test_unknown_symbol(void);
#endif

int altdma_guard_seed(void)
{
	return 42;
}

#ifdef GUARD_DUP_SECTION
/* Two COMDAT groups of one section name, as unmerged inline C++ copies. */
asm(".pushsection .rodata.altdma_guard_dup,\"aG\",@progbits,altdma_guard_dup_a,comdat\n"
    "altdma_guard_dup_a: .byte 1\n"
    ".popsection\n"
    ".pushsection .rodata.altdma_guard_dup,\"aG\",@progbits,altdma_guard_dup_b,comdat\n"
    "altdma_guard_dup_b: .byte 2\n"
    ".popsection\n");
#endif

static int __init altdma_guard_init(void)
{
#ifdef GUARD_UNKNOWN
	altdma_guard_test_unknown_symbol();
#endif
	return altdma_guard_cxx_value() == 42 ? 0 : -EINVAL;
}

static void __exit altdma_guard_exit(void)
{
}

module_init(altdma_guard_init);
module_exit(altdma_guard_exit);
MODULE_LICENSE("GPL");
EOF
	cat >"$dir/part.cpp" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
extern "C" int altdma_guard_seed(void);
extern "C" int altdma_guard_cxx_value(void);

namespace {
struct Seeded {
	int v;
	Seeded() : v(altdma_guard_seed()) {}
};
} // namespace

#ifdef GUARD_GLOBALS
// Instrumented globals (KASAN registers their redzones from a constructor).
int altdma_guard_table[16] = { 1 };
extern "C" int altdma_guard_table_get(int i);
extern "C" int altdma_guard_table_get(int i)
{
	return altdma_guard_table[i & 15];
}
#endif

#if defined(GUARD_CTOR)
// A namespace-scope object with a non-trivial constructor: dynamic
// initialisation, emitted through .init_array.
namespace {
Seeded seeded;
}
extern "C" int altdma_guard_cxx_value(void)
{
	return seeded.v;
}
#elif defined(GUARD_LOCAL_STATIC)
// A function-local static; with -fthreadsafe-statics it needs
// __cxa_guard_acquire / __cxa_guard_release from the C++ runtime.
extern "C" int altdma_guard_cxx_value(void)
{
	static Seeded seeded;
	return seeded.v;
}
#else
extern "C" int altdma_guard_cxx_value(void)
{
	Seeded s;
	return s.v;
}
#endif
EOF
}

# build_module DIR LOG [make args...]: modpost only warns about undefined
# symbols here (KBUILD_MODPOST_WARN=1), so that a module with an unknown or
# C++-runtime symbol is still produced and reaches the guard.
build_module() {
	local dir=$1 log=$2
	shift 2
	make -C "$KDIR" M="$dir" KBUILD_MODPOST_WARN=1 "$@" modules >"$log" 2>&1 &&
		[ -f "$dir/altdma_guard_test.ko" ]
}

# expect_reject NAME KO KDIR-or-empty PATTERN: the guard must exit 1, report
# at least one problem, and every FAIL line must match PATTERN (so the module
# is rejected for the reason under test and nothing else).
expect_reject() {
	local name=$1 ko=$2 kdir=$3 pattern=$4 log rc=0
	log=$logdir/$(printf '%s' "$name" | tr -cs 'A-Za-z0-9._' '-').log
	# shellcheck disable=SC2086 # $kdir is empty or one word
	"$guard" "$ko" $kdir >"$log" 2>&1 || rc=$?
	local fails
	fails=$(grep "FAIL (" "$log")
	if [ "$rc" -eq 1 ] && [ -n "$fails" ] && ! grep -Evq -- "$pattern" <<<"$fails"; then
		result "$name" 0
	else
		echo "expected exit 1 with only FAIL lines matching /$pattern/, got exit $rc" >>"$log"
		result "$name" 1 "$log"
	fi
}

# --- Kbuild lists every source of the module ----------------------------------
log=$logdir/kbuild-lists-sources.log
: >"$log"
ok=0
mapfile -t core_sources < <(find "$root/core" -name '*.cpp' | sort)
for f in "${core_sources[@]}" "$root"/shim/*.c; do
	[ -e "$f" ] || continue
	rel=${f#"$root"/}
	rel=${rel%.*}.o
	grep -qwF -- "$rel" "$root/Kbuild" ||
		{ echo "$rel is not listed in Kbuild" >>"$log"; ok=1; }
done
result "Kbuild lists every core/**/*.cpp and shim/*.c" "$ok" "$log"

# --- (a) .init_array from a C++ global with a constructor -------------------
m=$work/ctor
make_module "$m" "" "-DGUARD_CTOR"
if build_module "$m" "$logdir/build-ctor.log"; then
	if output_has '\.init_array' readelf -SW "$m/part.o"; then
		expect_reject "rejects .init_array (C++ global with a constructor)" \
			"$m/altdma_guard_test.ko" "" 'section \.init_array runs _GLOBAL__sub_I_'
	else
		echo "part.o has no .init_array: the test module does not test anything" >>"$logdir/build-ctor.log"
		result "rejects .init_array (C++ global with a constructor)" 1 "$logdir/build-ctor.log"
	fi
else
	result "rejects .init_array (C++ global with a constructor)" 1 "$logdir/build-ctor.log"
fi

# --- two allocated sections of one name (unmerged COMDAT copies) -----------
m=$work/dupsec
make_module "$m" "-DGUARD_DUP_SECTION" ""
if build_module "$m" "$logdir/build-dupsec.log"; then
	expect_reject "rejects two allocated sections of one name" \
		"$m/altdma_guard_test.ko" "" 'section \.rodata\.altdma_guard_dup occurs 2 times'
else
	result "rejects two allocated sections of one name" 1 "$logdir/build-dupsec.log"
fi

# --- control: the same module without the constructor is accepted ----------
m=$work/plain
make_module "$m" "" ""
log=$logdir/accepts-plain.log
if build_module "$m" "$logdir/build-plain.log" &&
	"$guard" "$m/altdma_guard_test.ko" "$KDIR" >"$log" 2>&1; then
	result "accepts the same C/C++ test module without the constructor" 0
else
	cat "$logdir/build-plain.log" >>"$log" 2>/dev/null
	result "accepts the same C/C++ test module without the constructor" 1 "$log"
fi

# --- KASAN-style instrumentation: its module constructors are allowed -------
# (KASAN kernels register global redzones through .init_array; the C++ rule
# inherits the same flags.)  Built here with the KASAN flags of a generic
# KASAN kernel on top of the stock config; only the guard looks at it.
kasan_flags="-fsanitize=kernel-address -fasan-shadow-offset=0xdffffc0000000000 --param asan-globals=1 --param asan-instrumentation-with-call-threshold=0"
{ cat "$allow"; echo '__asan_*'; } >"$work/allow-kasan"
m=$work/kasan
make_module "$m" "$kasan_flags" "-DGUARD_GLOBALS"
log=$logdir/accepts-kasan.log
if build_module "$m" "$logdir/build-kasan.log" &&
	output_has '\.init_array' readelf -SW "$m/altdma_guard_test.ko" &&
	ALTDMA_SYMBOLS_ALLOW=$work/allow-kasan "$guard" "$m/altdma_guard_test.ko" >"$log" 2>&1; then
	result "accepts KASAN module constructors in .init_array" 0
else
	cat "$logdir/build-kasan.log" >>"$log" 2>/dev/null
	result "accepts KASAN module constructors in .init_array" 1 "$log"
fi
m=$work/kasan-ctor
make_module "$m" "$kasan_flags" "-DGUARD_GLOBALS -DGUARD_CTOR"
if build_module "$m" "$logdir/build-kasan-ctor.log"; then
	ALTDMA_SYMBOLS_ALLOW=$work/allow-kasan expect_reject \
		"rejects a C++ constructor among KASAN constructors" \
		"$m/altdma_guard_test.ko" "" 'section \.init_array runs _GLOBAL__sub_I_'
else
	result "rejects a C++ constructor among KASAN constructors" 1 "$logdir/build-kasan-ctor.log"
fi

# --- C++ flags: no "valid for C/ObjC but not for C++" under W=1, W=2, W=3 --
log=$logdir/build-plain-w123.log
if build_module "$m" "$log" W=123 && ! grep -q 'not for C++' "$log"; then
	result "C++ rule drops every C-only flag (W=123)" 0
else
	grep 'not for C++' "$log" | sort -u >"$log.c-only"
	result "C++ rule drops every C-only flag (W=123)" 1 "$log.c-only"
fi

# --- (b) an undefined symbol that is not in the allow-list ------------------
m=$work/unknown
make_module "$m" "-DGUARD_UNKNOWN" ""
if build_module "$m" "$logdir/build-unknown.log"; then
	expect_reject "rejects an undefined symbol missing from the allow-list" \
		"$m/altdma_guard_test.ko" "" 'undefined symbol altdma_guard_test_unknown_symbol '
else
	result "rejects an undefined symbol missing from the allow-list" 1 "$logdir/build-unknown.log"
fi

# --- C++ runtime symbols (__cxa_guard_*) ------------------------------------
m=$work/cxa
make_module "$m" "" "-DGUARD_LOCAL_STATIC -fthreadsafe-statics"
if build_module "$m" "$logdir/build-cxa.log"; then
	expect_reject "rejects C++ runtime symbols (__cxa_guard_acquire)" \
		"$m/altdma_guard_test.ko" "" 'C\+\+ ABI runtime symbol __cxa_guard_(acquire|release)$'
else
	result "rejects C++ runtime symbols (__cxa_guard_acquire)" 1 "$logdir/build-cxa.log"
fi

# --- (c) a kernel config without DMA ops -------------------------------------
fake=$work/fake-kdir
mkdir -p "$fake/include/config"
cat >"$fake/include/config/auto.conf" <<'EOF'
CONFIG_64BIT=y
CONFIG_X86_64=y
CONFIG_MODULES=y
CONFIG_HAS_DMA=y
CONFIG_SWIOTLB=y
EOF
log=$logdir/kdir-only-no-dma-ops.log
rc=0
"$guard" --kdir-only "$fake" >"$log" 2>&1 || rc=$?
if [ "$rc" -eq 1 ] && grep -q 'neither CONFIG_DMA_OPS nor CONFIG_ARCH_HAS_DMA_OPS' "$log"; then
	result "rejects a kernel config without DMA ops (--kdir-only)" 0
else
	result "rejects a kernel config without DMA ops (--kdir-only)" 1 "$log"
fi

log=$logdir/kdir-ok.log
if "$guard" --kdir-only "$KDIR" >"$log" 2>&1; then
	result "accepts the kernel config of KDIR ($(basename "$KDIR"))" 0
else
	result "accepts the kernel config of KDIR ($(basename "$KDIR"))" 1 "$log"
fi

# The Makefile checks the config before building anything.
tree=$work/tree
copy_tree "$tree"
log=$logdir/makefile-no-dma-ops.log
rc=0
make -C "$tree" KDIR="$fake" modules >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && grep -q 'neither CONFIG_DMA_OPS' "$log" &&
	! grep -q 'CC \[M\]\|CXX \[M\]' "$log"; then
	result "make refuses a kernel without DMA ops before building" 0
else
	result "make refuses a kernel without DMA ops before building" 1 "$log"
fi

# Kbuild itself refuses such a kernel (CONFIG_DMA_OPS emptied on the command
# line overrides auto.conf) instead of building a module that does nothing.
log=$logdir/kbuild-no-dma-ops.log
rc=0
make -C "$KDIR" M="$tree" CONFIG_DMA_OPS= CONFIG_ARCH_HAS_DMA_OPS= modules >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && grep -q 'set_dma_ops() would be a silent no-op' "$log" &&
	! grep -q 'CC \[M\]\|CXX \[M\]' "$log"; then
	result "Kbuild refuses a kernel without DMA ops" 0
else
	result "Kbuild refuses a kernel without DMA ops" 1 "$log"
fi

# --- (d) the real altdma.ko, built through the Makefile ---------------------
log=$logdir/build-altdma.log
ko=$tree/altdma.ko
if make -C "$tree" KDIR="$KDIR" W=1 modules >"$log" 2>&1 && [ -f "$ko" ]; then
	built=1
	log=$logdir/accepts-altdma.log
	if "$guard" "$ko" "$KDIR" >"$log" 2>&1 && grep -q 'altdma guard: OK' "$log"; then
		result "accepts altdma.ko" 0
	else
		result "accepts altdma.ko" 1 "$log"
	fi
else
	built=0
	result "accepts altdma.ko" 1 "$log"
fi

if [ "$built" -eq 1 ]; then
	# The same module with the module's real kernel config rejected.
	expect_reject "rejects altdma.ko for a kernel config without DMA ops" \
		"$ko" "$fake" 'CONFIG_DMA_OPS'

	# The Makefile deletes a module that fails the guard (here: an
	# allow-list without kfree).
	log=$logdir/makefile-deletes.log
	grep -v '^kfree' "$allow" >"$work/allow-no-kfree"
	rc=0
	ALTDMA_SYMBOLS_ALLOW=$work/allow-no-kfree make -C "$tree" KDIR="$KDIR" W=1 modules >"$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] && [ ! -e "$ko" ] && grep -q 'undefined symbol kfree ' "$log"; then
		result "make deletes a module that fails the guard" 0
	else
		result "make deletes a module that fails the guard" 1 "$log"
	fi
	# Rebuild it (relinks only) for the checks below.
	make -C "$tree" KDIR="$KDIR" W=1 modules >>"$log" 2>&1 || built=0
fi

# --- C++ objects: objtool ran, code generation inherited, no kernel headers -
# The kernel's compiler (first word of a command) and its own headers.
kcc=gcc
kcc_include=
cxx_objs=()
if [ "$built" -eq 1 ]; then
	read -ra words <<<"$(head -n1 "$tree/shim/.altdma_main.o.cmd" 2>/dev/null)"
	kcc=${words[2]:-gcc}
	kcc_include=$("$kcc" -print-file-name=include)
	while IFS= read -r -d '' f; do
		cxx_objs+=("${f%.cpp}.o")
	done < <(find "$tree/core" -name '*.cpp' -print0 | sort -z)
fi
log=$logdir/cxx-flags.log
: >"$log"
ok=$([ "${#cxx_objs[@]}" -gt 0 ] && echo 0 || echo 1)
[ "$ok" -eq 0 ] || echo "no C++ object built" >>"$log"
# The code-generation flags of a C object of the same module.
c_cmd=$(find "$tree/shim" -name '.*.o.cmd' | head -n1)
c_flags=()
if [ -n "$c_cmd" ]; then
	read -ra words <<<"$(head -n1 "$c_cmd")"
	for w in "${words[@]}"; do
		case $w in
		-mrecord-mcount | -mfentry | -mnop-mcount) ;; # ftrace: dropped on purpose
		-m* | -fstack-protector* | -fno-stack-protector | -fcf-protection* | \
			-fno-PIE | -fzero-call-used-regs* | -fsanitize* | -fno-jump-tables | \
			-ftrivial-auto-var-init* | -fno-delete-null-pointer-checks | \
			-fno-asynchronous-unwind-tables | -fno-strict-overflow | -fno-common)
			c_flags+=("$w") ;;
		esac
	done
fi
[ "${#c_flags[@]}" -gt 0 ] || { echo "no code-generation flags found in ${c_cmd:-shim .cmd}" >>"$log"; ok=1; }
for o in "${cxx_objs[@]}"; do
	cmdf=$(dirname "$o")/.$(basename "$o").cmd
	line=$(head -n1 "$cmdf" 2>/dev/null)
	for w in "${c_flags[@]}"; do
		[[ " $line " == *" $w "* ]] || { echo "$o: missing inherited flag $w" >>"$log"; ok=1; }
	done
	for w in -include -pg -mfentry -mrecord-mcount -DCC_USING_FENTRY -std=gnu11; do
		[[ " $line " != *" $w "* ]] || { echo "$o: has C/kernel flag $w" >>"$log"; ok=1; }
	done
	# Include directories: only gcc's own and the module's.
	read -ra words <<<"$line"
	prev=
	for w in "${words[@]}"; do
		dir=
		case $prev in -isystem | -I | -iquote | -idirafter) dir=$w ;; esac
		case $w in -I?*) dir=${w#-I} ;; esac
		prev=$w
		[ -n "$dir" ] || continue
		[ "$dir" = "$kcc_include" ] || [[ $dir == "$tree"/* ]] ||
			{ echo "$o: include directory $dir in the command" >>"$log"; ok=1; }
	done
	for w in -std=gnu++20 -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit -nostdinc; do
		[[ " $line " == *" $w "* ]] || { echo "$o: missing C++ flag $w" >>"$log"; ok=1; }
	done
done
result "C++ objects inherit the kernel's code-generation flags, without kernel headers or ftrace" "$ok" "$log"

log=$logdir/cxx-objtool.log
: >"$log"
ok=$([ "${#cxx_objs[@]}" -gt 0 ] && echo 0 || echo 1)
for o in "${cxx_objs[@]}"; do
	cmdf=$(dirname "$o")/.$(basename "$o").cmd
	grep -q 'objtool/objtool .*--module' "$cmdf" 2>/dev/null ||
		{ echo "$o: objtool not in its command" >>"$log"; ok=1; }
	if config_has CONFIG_RETHUNK && output_has '__x86_return_thunk' objdump -dr "$o"; then
		output_has '\.return_sites' readelf -SW "$o" ||
			{ echo "$o: no .return_sites (objtool --rethunk did not run)" >>"$log"; ok=1; }
	fi
	if config_has CONFIG_UNWINDER_ORC; then
		output_has '\.orc_unwind' readelf -SW "$o" ||
			{ echo "$o: no .orc_unwind (objtool --orc did not run)" >>"$log"; ok=1; }
	fi
done
result "objtool ran on every C++ object" "$ok" "$log"

# --- dependency tracking ------------------------------------------------------
# Objects (re)compiled by a make run, from Kbuild's quiet output.
compiled() {
	sed -n 's/^ *\(CC\|CXX\) \[M\]  *\(.*\.o\)$/\2/p' "$1" | grep -v '\.mod\.o$' | sort -u
}
# C++ objects whose source includes HEADER, according to gcc itself.
cxx_includers() {
	local header=$1 src deps
	local -a sources
	mapfile -t sources < <(find "$tree/core" -name '*.cpp' | sort)
	for src in "${sources[@]}"; do
		deps=$("$kcc" -MM -x c++ -std=gnu++20 -nostdinc -isystem "$kcc_include" \
			-I"$tree/core/include" -I"$tree/core" "$src" 2>/dev/null | tr -s ' ' '\n')
		if grep -qxF -- "$header" <<<"$deps"; then
			echo "${src%.cpp}.o"
		fi
	done | sort -u
}

if [ "$built" -eq 1 ]; then
	log=$logdir/deps-noop.log
	if make -C "$tree" KDIR="$KDIR" W=1 modules >"$log" 2>&1 && [ -z "$(compiled "$log")" ]; then
		result "deps: a second build compiles nothing" 0
	else
		result "deps: a second build compiles nothing" 1 "$log"
	fi

	# A core private header with the fewest (but some) C++ includers, so
	# that some C++ objects must be rebuilt and others must not.
	best='' best_n=999
	mapfile -t private_headers < <(find "$tree/core" -name '*.h' -not -path '*/include/*' | sort)
	for h in "${private_headers[@]}"; do
		n=$(cxx_includers "$h" | wc -l)
		if [ "$n" -gt 0 ] && [ "$n" -lt "$best_n" ]; then
			best=$h best_n=$n
		fi
	done
	for h in $best "$tree/core/include/altdma/platform.h"; do
		rel=${h#"$tree"/}
		name="deps: touching $rel recompiles exactly the C++ objects that include it"
		[ "$rel" != core/include/altdma/platform.h ] ||
			name="deps: touching $rel recompiles every C++ object that includes it"
		log=$logdir/deps-$(basename "$h").log
		expected=$(cxx_includers "$h")
		sleep 1
		touch "$h"
		if ! make -C "$tree" KDIR="$KDIR" W=1 modules >"$log" 2>&1; then
			result "$name" 1 "$log"
			continue
		fi
		got=$(compiled "$log")
		{
			echo "expected (gcc -MM): $(echo "$expected" | tr '\n' ' ')"
			echo "recompiled:         $(echo "$got" | tr '\n' ' ')"
		} >>"$log"
		ok=0
		[ -n "$expected" ] || ok=1
		missing=$(comm -23 <(echo "$expected") <(echo "$got"))
		[ -z "$missing" ] || { echo "not recompiled: $missing" >>"$log"; ok=1; }
		if [ "$rel" != core/include/altdma/platform.h ]; then
			# A private core header: nothing else may be rebuilt, and
			# something must have been left alone.
			extra=$(comm -13 <(echo "$expected") <(echo "$got"))
			[ -z "$extra" ] || { echo "needlessly recompiled: $extra" >>"$log"; ok=1; }
			untouched=$(find "$tree/core" "$tree/shim" -name '*.o' | sort | comm -23 - <(echo "$got"))
			[ -n "$untouched" ] || { echo "every object was rebuilt" >>"$log"; ok=1; }
		fi
		grep -q 'LD \[M\] .*altdma\.ko' "$log" || { echo "altdma.ko not relinked" >>"$log"; ok=1; }
		result "$name" "$ok" "$log"
	done
else
	result "deps: dependency tracking (altdma.ko did not build)" 1 "$logdir/build-altdma.log"
fi

echo "guard tests: $npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
