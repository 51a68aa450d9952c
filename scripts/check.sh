#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: everything CI runs.  Each check counts as one test; the last
# line of output is "N passed, N failed" and the exit status is non-zero if
# anything failed.
#
#  0. dependencies (scripts/install-deps.sh; apt only when something is
#     missing) - counted only if it fails
#  i. host tests: make -C tests/host test (ASan+UBSan) and make -C
#     tests/host tsan (ThreadSanitizer), one test per GoogleTest case
#     ("[       OK ] X.Y (N ms)" / "[  FAILED  ] ..." / "[  SKIPPED ] ...",
#     the last counted as skipped); a build failure or a failing exit
#     status without a failed case counts as one failed test
# ii. kernel build of altdma.ko (and the test modules of kunit/ that the
#     kernel supports, ALTDMA_TEST_MODULES=y) against the stock Debian headers
#     with W=1 and sparse (C=2), in a fresh copy of the tree (build/check/tree):
#       - build: the module builds
#       - warnings: no warning/error line (gcc, sparse, objtool, cc1plus,
#         modpost) about our files (core/, shim/, nvme_demo/, kunit/); fails
#         when the build did not run to its end, as nothing was checked
#       - guard: scripts/check-module.sh accepts the module
#iii. tests/guard/run.sh: one test per PASS:/FAIL: line
#     tests/verdict/run.sh (the log verdict and the counting above, on
#     fixtures; no QEMU): one test per PASS:/FAIL: line
#     tests/docs/run.sh: the ABI docs list exactly the files the code
#     creates, and altdmactl's help and man page every command
#     tests/dkms/run.sh: make dkms-install and dkms-remove for the stock
#     headers' release, as root: one test per PASS:/FAIL: line
# iv. checkpatch.pl --strict on the C shim (one test per file), when
#     checkpatch.pl can be found or extracted from Debian's linux-source-6.1;
#     without it every file is counted as skipped
#  v. shellcheck on the build scripts (one test per script), when installed;
#     without it every script is counted as skipped
# vi. in-kernel tests (scripts/guest-test.sh: KUnit, smoke, nvme_demo under
#     every policy, hot-unplug) on each kernel in $ALTDMA_KERNELS (default:
#     the 6.1, 6.12 and 7.2 test kernels, built once and cached, and Debian's
#     stock 6.1 kernel): one test per KUnit case, guest result and log
#     verdict (SKIP lines are counted as skipped, never as passed)
#vii. the harness self-test: a deliberately leaked DMA mapping must fail the
#     verdict
#viii. bench/run.sh --quick: the benchmark harness in one short run per case
#     on the first test kernel (three boots, fio, callgrind, the report),
#     numbers not judged: one test per PASS:/FAIL: line
#
# Logs: build/check/ (ignored by git).  Environment: KDIR overrides the
# stock headers directory.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
logdir=$root/build/check
rm -rf "$logdir"
mkdir -p "$logdir"

passed=0
failed=0
skipped=0
pass() {
	echo "PASS: $1"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL: $1${2:+ (log: ${2#"$root"/})}"
	failed=$((failed + 1))
}
step_start=0
step() {
	step_start=$SECONDS
	echo "=== $*"
}
step_done() {
	echo "    ($((SECONDS - step_start)) s)"
}
skip() {
	echo "SKIP: $1"
	skipped=$((skipped + 1))
}
finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

# run_verdicts NAME LOG PREFIX COMMAND...: runs a script that prints verdict
# lines (PASS:/FAIL:/SKIP:) and counts them, each named with PREFIX; a
# non-zero exit without a FAIL line, or no verdict line at all, is one
# failure.
run_verdicts() {
	local name=$1 log=$2 prefix=$3 rc=0
	shift 3
	"$@" >"$log" 2>&1 || rc=$?
	count_verdicts "$name" "$log" "$prefix" "$rc"
}

# count_verdicts NAME LOG PREFIX STATUS: counts what run_verdicts ran.
count_verdicts() {
	local name=$1 log=$2 prefix=$3 rc=$4 n=0 line
	while IFS= read -r line; do
		case $line in
		"PASS: "*) pass "$prefix${line#PASS: }"; n=$((n + 1)) ;;
		"FAIL: "*) fail "$prefix${line#FAIL: }"; n=$((n + 1)) ;;
		"SKIP: "*) skip "$prefix${line#SKIP: }"; n=$((n + 1)) ;;
		"    "*) echo "$line" ;;
		esac
	done <"$log"
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$log"; then
		fail "$name: exit status $rc without a FAIL line" "$log"
		tail -n 15 "$log" | sed 's/^/    | /'
	elif [ "$n" -eq 0 ]; then
		fail "$name: no result" "$log"
	fi
}

# The guests run ALTDMA_JOBS (2) at a time. A TCG guest works through a
# sequential script and keeps about one core busy, so one guest at a time
# leaves the second core idle; a kernel build that one of them needs first
# shares the cores with the other. Kernel and module builds lock their own
# directories, so jobs that need the same kernel wait for one build of it.
# Each job writes its own log; the verdicts are counted in the order the
# jobs were queued, once all have ended.
job_title=() job_name=() job_log=() job_prefix=() job_cmd=()

# queue_job TITLE NAME LOG PREFIX COMMAND...: a run_verdicts for later.
queue_job() {
	job_title+=("$1") job_name+=("$2") job_log+=("$3") job_prefix+=("$4")
	shift 4
	job_cmd+=("$(printf '%q ' "$@")")
}

# run_job I: runs job I in the background; "STATUS SECONDS" go to LOG.status.
run_job() {
	local i=$1
	(
		start=$SECONDS rc=0
		eval "${job_cmd[i]}" >"${job_log[i]}" 2>&1 </dev/null || rc=$?
		echo "$rc $((SECONDS - start))" >"${job_log[i]}.status"
	) &
}

run_jobs() {
	local max=${ALTDMA_JOBS:-2} next=0 running=0 i rc secs start=$SECONDS
	[ "$max" -ge 1 ] 2>/dev/null || max=1
	while [ "$next" -lt "${#job_cmd[@]}" ] || [ "$running" -gt 0 ]; do
		if [ "$next" -lt "${#job_cmd[@]}" ] && [ "$running" -lt "$max" ]; then
			echo "    started after $((SECONDS - start)) s: ${job_title[next]}"
			run_job "$next"
			next=$((next + 1)) running=$((running + 1))
		else
			wait -n
			running=$((running - 1))
		fi
	done
	echo "    all ${#job_cmd[@]} jobs ended after $((SECONDS - start)) s ($max at a time)"
	for i in "${!job_cmd[@]}"; do
		step "${job_title[i]}"
		rc=1 secs=0
		read -r rc secs 2>/dev/null <"${job_log[i]}.status"
		count_verdicts "${job_name[i]}" "${job_log[i]}" "${job_prefix[i]}" "${rc:-1}"
		echo "    (${secs:-0} s)"
	done
	job_title=() job_name=() job_log=() job_prefix=() job_cmd=()
}

# --- 0. dependencies ---------------------------------------------------------
step "dependencies (scripts/install-deps.sh)"
if ! scripts/install-deps.sh >"$logdir/deps.log" 2>&1; then
	tail -n 20 "$logdir/deps.log" | sed 's/^/    | /'
	fail "dependencies installed" "$logdir/deps.log"
fi
grep '^altdma deps:' "$logdir/deps.log" | sed 's/^/    /'
if [ -z "${KDIR:-}" ]; then
	KDIR=$(scripts/install-deps.sh --print-kdir 2>/dev/null) || KDIR=
fi
export KDIR
echo "    KDIR=${KDIR:-<none>}"
step_done

# --- i. host tests -------------------------------------------------------------
# count_gtest LOG STATUS LABEL: counts a GoogleTest run. One PASS line per
# case would drown the rest of the output: passes are only counted.
count_gtest() {
	local log=$1 rc=$2 label=$3 line
	while IFS= read -r line; do
		case $line in
		"PASS: "*) passed=$((passed + 1)) ;;
		"FAIL: "*) fail "$label${line#FAIL: host}" "$log" ;;
		"SKIP: "*) skip "$label${line#SKIP: host}" ;;
		"    "*) echo "$line" ;;
		esac
	done < <(altdma_gtest_verdicts "$log" "$rc")
}

step "host tests (make -C tests/host test)"
log=$logdir/host-tests.log
rc=0
make -C tests/host -j"$(nproc)" test >"$log" 2>&1 || rc=$?
count_gtest "$log" "$rc" host
step_done

# The same cases again under ThreadSanitizer: the concurrency tests run
# real threads against the fake's real locks; a race report stops the run.
step "host tests under ThreadSanitizer (make -C tests/host tsan)"
log=$logdir/host-tests-tsan.log
rc=0
make -C tests/host -j"$(nproc)" tsan >"$log" 2>&1 || rc=$?
count_gtest "$log" "$rc" "host (tsan)"
step_done

# --- ii. kernel build -------------------------------------------------------------
step "kernel build of altdma.ko (W=1 C=2, KDIR=$KDIR)"
tree=$logdir/tree
mkdir -p "$tree"
if git rev-parse --git-dir >/dev/null 2>&1; then
	# Tracked and untracked files, without ignored build outputs.
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] || continue
			mkdir -p "$tree/$(dirname "$f")"
			cp -p "$f" "$tree/$f"
		done
else
	tar --exclude=./build --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		-cf - . | (cd "$tree" && tar -xf -)
fi
log=$logdir/kbuild.log
ko=$tree/altdma.ko
built=0
if [ -n "$KDIR" ] && [ -f "$KDIR/Makefile" ]; then
	if scripts/check-module.sh --kdir-only "$KDIR" >"$log" 2>&1 &&
		make -C "$KDIR" M="$tree" W=1 C=2 CHECK=sparse ALTDMA_TEST_MODULES=y \
			modules >>"$log" 2>&1 &&
		[ -f "$ko" ]; then
		pass "kernel build: altdma.ko (W=1, sparse)"
		built=1
	else
		fail "kernel build: altdma.ko (W=1, sparse)" "$log"
		grep -E 'error|Error' "$log" | head -n 20 | sed 's/^/    | /'
	fi
	run_verdicts "kernel build warnings" "$logdir/kbuild-warnings.log" "" \
		altdma_kbuild_warnings "$log" "$tree" "$built"
	if [ -f "$ko" ] && scripts/check-module.sh "$ko" "$KDIR" >"$logdir/guard.log" 2>&1; then
		pass "kernel build: guard accepts altdma.ko"
	else
		fail "kernel build: guard accepts altdma.ko" "$logdir/guard.log"
		sed 's/^/    | /' "$logdir/guard.log" 2>/dev/null | head -n 20
	fi
else
	echo "no kernel build dir at KDIR='$KDIR'" >"$log"
	fail "kernel build: altdma.ko (W=1, sparse)" "$log"
	fail "kernel build: no warnings from our files" "$log"
	fail "kernel build: guard accepts altdma.ko" "$log"
fi
step_done

# --- iii. guard tests -------------------------------------------------------------
step "guard tests (tests/guard/run.sh)"
export ALTDMA_GUARD_LOG_DIR=$logdir/guard
run_verdicts "guard tests" "$logdir/guard-tests.log" "guard: " tests/guard/run.sh
step_done

# --- iii. verdict tests ------------------------------------------------------------
step "verdict tests (tests/verdict/run.sh: log fixtures, no QEMU)"
run_verdicts "verdict tests" "$logdir/verdict-tests.log" "verdict: " tests/verdict/run.sh
step_done

# The docs against the code (ABI entries, altdmactl's help and man page).
step "docs (tests/docs/run.sh)"
run_verdicts "docs tests" "$logdir/docs-tests.log" "" tests/docs/run.sh
step_done

# --- iii. DKMS ---------------------------------------------------------------------
# make dkms-install / dkms-remove for the stock headers' release (needs root).
step "DKMS (tests/dkms/run.sh)"
krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' \
	"${KDIR:-/nonexistent}/include/generated/utsrelease.h" 2>/dev/null)
if [ -z "$krel" ]; then
	fail "dkms: kernel release of KDIR='$KDIR'" "$logdir/deps.log"
else
	ALTDMA_DKMS_LOG=$logdir/dkms.log ALTDMA_DKMS_KEEP=$logdir/dkms-modules \
		run_verdicts "DKMS test" "$logdir/dkms-test.log" "" tests/dkms/run.sh "$krel"
fi
step_done

# --- iv. checkpatch on the shim -------------------------------------------------
step "checkpatch.pl --strict (shim, nvme_demo, kunit, bench)"
checkpatch_files=(shim/*.c shim/*.h nvme_demo/*.c nvme_demo/*.h kunit/*.c kunit/*.h
	bench/altdma_bench.c)
# Per-file exceptions, each with its reason.  altdma_compat.h is the one
# place an out-of-tree module must compare kernel versions; checkpatch's
# LINUX_VERSION_CODE advice is for in-tree code, and CONSTANT_COMPARISON
# fires on the same line (LINUX_VERSION_CODE >= KERNEL_VERSION(...)).
# altdma_trace.h has the layout of every include/trace/events/*.h (TP_*
# blocks opened at line end, then aligned by field), and its attrs names are
# a bare { flag, "name" } list for __print_flags(), as mmflags.h's are.
declare -A checkpatch_ignore=(
	[shim/altdma_trace.h]="OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT,COMPLEX_MACRO"
	[shim/altdma_compat.h]="LINUX_VERSION_CODE,CONSTANT_COMPARISON"
	[nvme_demo/nvd_compat.h]="LINUX_VERSION_CODE,CONSTANT_COMPARISON"
)
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/altdma/checkpatch-6.1
checkpatch=
if command -v checkpatch.pl >/dev/null 2>&1; then
	checkpatch=$(command -v checkpatch.pl)
elif [ -x "$KDIR/scripts/checkpatch.pl" ]; then
	checkpatch=$KDIR/scripts/checkpatch.pl
elif [ -f "$cache/checkpatch.pl" ]; then
	checkpatch=$cache/checkpatch.pl
elif [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	# Once: extract just the three files checkpatch needs.
	echo "    extracting checkpatch.pl from /usr/src/linux-source-6.1.tar.xz into $cache"
	tmp=$(mktemp -d)
	if tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp" --occurrence=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		>"$logdir/checkpatch-extract.log" 2>&1; then
		mkdir -p "$cache"
		cp "$tmp"/linux-source-6.1/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} "$cache/"
		checkpatch=$cache/checkpatch.pl
	fi
	rm -rf "$tmp"
fi
if [ -z "$checkpatch" ]; then
	for f in "${checkpatch_files[@]}"; do
		[ -f "$f" ] && skip "checkpatch --strict: $f (no checkpatch.pl: install linux-source-6.1)"
	done
else
	for f in "${checkpatch_files[@]}"; do
		[ -f "$f" ] || continue
		log=$logdir/checkpatch-$(basename "$f").log
		ignore=${checkpatch_ignore[$f]:-}
		if perl "$checkpatch" --no-tree --strict --terse --show-types \
			${ignore:+--ignore "$ignore"} -f "$f" >"$log" 2>&1; then
			pass "checkpatch --strict: $f"
		else
			fail "checkpatch --strict: $f" "$log"
			grep -E '(ERROR|WARNING|CHECK):' "$log" | head -n 10 | sed 's/^/    | /'
		fi
	done
fi
step_done

# --- v. shellcheck ----------------------------------------------------------------
step "shellcheck (build scripts)"
shell_scripts=()
for f in scripts/*.sh tests/guard/run.sh tests/verdict/run.sh tests/dkms/run.sh \
	tests/docs/run.sh bench/run.sh .ci/run; do
	[ -f "$f" ] && shell_scripts+=("$f")
done
guest_scripts=(scripts/guest/*.sh bench/guest-bench.sh tools/altdmactl)
if command -v shellcheck >/dev/null 2>&1; then
	for f in "${shell_scripts[@]}"; do
		log=$logdir/shellcheck-$(basename "$f").log
		if shellcheck -x "$f" >"$log" 2>&1; then
			pass "shellcheck: $f"
		else
			fail "shellcheck: $f" "$log"
			head -n 10 "$log" | sed 's/^/    | /'
		fi
	done
	for f in "${guest_scripts[@]}"; do
		log=$logdir/shellcheck-guest-$(basename "$f").log
		if shellcheck -x -s sh "$f" >"$log" 2>&1; then
			pass "shellcheck: $f"
		else
			fail "shellcheck: $f" "$log"
			head -n 10 "$log" | sed 's/^/    | /'
		fi
	done
else
	for f in "${shell_scripts[@]}" "${guest_scripts[@]}"; do
		skip "shellcheck: $f (shellcheck not installed)"
	done
fi
step_done

# --- vi. in-kernel tests ----------------------------------------------------------
step "guests: in-kernel tests, harness self-test, bench quick mode (run as jobs)"
for version in ${ALTDMA_KERNELS:-6.1 6.12 7.2 stock}; do
	# Debian's own kernel runs what DKMS built and installed for it.
	dkms_mods=
	if [ "$version" = stock ] && [ -f "$logdir/dkms-modules/altdma.ko" ]; then
		dkms_mods=$logdir/dkms-modules
	fi
	queue_job "in-kernel tests on Linux $version (a test kernel is built once, then cached)" \
		"linux-$version" "$logdir/guest-$version.log" "" \
		env ALTDMA_GUEST_DKMS_MODULES="$dkms_mods" scripts/guest-test.sh "$version"
done

# --- vii. harness self-test -------------------------------------------------------
selftest_kernel=${ALTDMA_KERNELS:-6.1}
selftest_kernel=${selftest_kernel%% *}
queue_job "harness self-test on Linux $selftest_kernel (a leaked mapping must fail the verdict)" \
	"selftest" "$logdir/selftest.log" "" scripts/guest-test.sh "$selftest_kernel" --selftest

# --- viii. the benchmark's quick mode ----------------------------------------------
bench_kernel=${ALTDMA_KERNELS:-6.1}
bench_kernel=${bench_kernel%% *}
if [ "$bench_kernel" = stock ]; then
	skip "bench quick mode (needs a test kernel; ALTDMA_KERNELS starts with stock)"
else
	queue_job "make bench, quick mode, on Linux $bench_kernel (one short run per case, numbers not judged)" \
		"bench" "$logdir/bench-quick.log" "" \
		env ALTDMA_BENCH_KERNEL="$bench_kernel" ALTDMA_BENCH_ACCEL=tcg bench/run.sh --quick
fi
run_jobs

finish
