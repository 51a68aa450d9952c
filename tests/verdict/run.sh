#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the harness's judging, on fixtures (no QEMU, no kernel, a
# second or two): scripts/verdict.sh on the guest console logs in
# fixtures/*.log, and scripts/lib.sh's helpers that `make check` counts
# with (GoogleTest cases, build warnings, whether KUnit is expected).
# Each case prints one line "PASS: <name>" or "FAIL: <name>"; the script
# exits 1 if any case failed. Run by scripts/check.sh.
#
#   tests/verdict/run.sh
#
# ALTDMA_VERDICT=<script> judges the fixtures with another verdict script
# (an older one, say, to see which rules it lacked).
#
# The fixtures are cut from real guest logs (6.1 and 7.2 test kernels) with
# the reports of the kernel's own formats (lockdep, BUG(), RCU stalls, hung
# tasks, KTAP) put in where a case needs them.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fx=$here/fixtures
verdict=${ALTDMA_VERDICT:-$root/scripts/verdict.sh}
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

npass=0
nfail=0

# check NAME pass|fail|any [-m ERE]... [-n ERE]... [-1 ERE]... -- CMD...:
# runs CMD; the case passes if its exit status is as expected (zero, non-
# zero, either), some output line matches each -m, no line matches any -n,
# and exactly one line matches each -1. Otherwise shows the output.
check() {
	local name=$1 want=$2 out rc=0 why=
	local -a must=() mustnot=() once=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		-m) must+=("$2") ;;
		-n) mustnot+=("$2") ;;
		-1) once+=("$2") ;;
		*) echo "FAIL: $name (bad option $1)"; nfail=$((nfail + 1)); return ;;
		esac
		shift 2
	done
	shift
	out=$("$@" 2>&1) || rc=$?
	case $want in
	pass) [ "$rc" -eq 0 ] || why="exit status $rc, expected 0" ;;
	fail) [ "$rc" -ne 0 ] || why="exit status 0, expected non-zero" ;;
	esac
	why+=$(match_all "$out")
	if [ -z "$why" ]; then
		echo "PASS: $name"
		npass=$((npass + 1))
	else
		echo "FAIL: $name ($why)"
		nfail=$((nfail + 1))
		printf "%s\n" "$out" | head -n 30 | sed "s/^/    | /"
	fi
}

# match_all OUTPUT: the unmet -m/-n/-1 conditions of check(), if any.
match_all() {
	local p n
	for p in "${must[@]}"; do
		grep -Eq -- "$p" <<<"$1" || printf ' missing /%s/' "$p"
	done
	for p in "${mustnot[@]}"; do
		! grep -Eq -- "$p" <<<"$1" || printf ' unexpected /%s/' "$p"
	done
	for p in "${once[@]}"; do
		n=$(grep -Ec -- "$p" <<<"$1")
		[ "$n" = 1 ] || printf ' /%s/ %s times, expected once' "$p" "$n"
	done
}

# verdict_case NAME FIXTURE pass|fail [-m|-n|-1 ERE]... [-- VERDICT_OPTION...]
verdict_case() {
	local name=$1 log=$fx/$2 want=$3 opts=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1" "$2")
		shift 2
	done
	[ $# -eq 0 ] || shift
	check "verdict: $name" "$want" "${opts[@]}" -- "$verdict" "$@" fixture "$log"
}

clean_log='^PASS: fixture: log free of'
dirty_log='^FAIL: fixture: log free of'

# --- clean logs pass ------------------------------------------------------------
verdict_case "clean 6.1 test-kernel log passes" clean.log pass \
	-m "$clean_log" -m '^PASS: fixture: guest ran to completion' \
	-m '^PASS: fixture: kunit suite altdma_direct$' -m '^PASS: fixture: kunit altdma_test_range_map_offset$' \
	-n '^FAIL' -n '^SKIP' -- --kunit
verdict_case "clean 7.2 log (top-level plan, # module, # Totals, CRLF) passes" clean-7.2.log pass \
	-m '^PASS: fixture: kunit suite altdma_force_bounce$' -n '^FAIL' -- --kunit
verdict_case "guest records (kmsg) count where they start inside a line" kmsg-records.log fail \
	-m "$clean_log" -m '^PASS: fixture: guest ran to completion' \
	-1 '^PASS: fixture: insmod altdma$' \
	-1 "^FAIL: fixture: smoke a record inside a line of output 'dd' failed" -- --kunit
verdict_case "parameterised cases fold into their case" ktap-params.log pass \
	-m '^PASS: fixture: kunit suite altdma_direct$' -m '^PASS: fixture: kunit altdma_test_sizes$' \
	-n '^FAIL' -n 'kunit 512' -- --kunit
verdict_case "log without KTAP passes where KUnit is not expected (stock kernel)" no-ktap.log pass \
	-m "$clean_log" -n '^FAIL'

# --- item 17: KTAP plans, suite results, KUnit expected ----------------------------
verdict_case "suite with fewer cases than its 1..N plan fails" ktap-plan-short.log fail \
	-m '^FAIL: fixture: kunit suite altdma_direct: 12 of 13 planned cases ran$' -- --kunit
verdict_case "top-level 'not ok' suite line fails" ktap-suite-not-ok.log fail \
	-m '^FAIL: fixture: kunit suite altdma_attach$' -n '^FAIL: fixture: kunit altdma_test' -- --kunit
verdict_case "suite without its result line (stopped mid-way) fails" ktap-unfinished.log fail \
	-m '^FAIL: fixture: kunit suite altdma_force_bounce: stopped after 2 of 2 planned cases' -- --kunit
verdict_case "no KTAP at all where KUnit is expected fails" no-ktap.log fail \
	-m '^FAIL: fixture: kunit suites ran' -- --kunit

kunit_dir=$(mktemp -d "${TMPDIR:-/tmp}/altdma-verdict.XXXXXX")
trap 'rm -rf "$kunit_dir"' EXIT
mkdir -p "$kunit_dir/none/kunit" "$kunit_dir/built/kunit"
touch "$kunit_dir/built/kunit/altdma_kunit.ko"
check "lib: KUnit expected on a test kernel even without altdma_kunit.ko" pass -- \
	altdma_kunit_expected 6.1 "$kunit_dir/none"
check "lib: KUnit not expected on the stock kernel without altdma_kunit.ko" fail -- \
	altdma_kunit_expected stock "$kunit_dir/none"
check "lib: KUnit expected wherever altdma_kunit.ko was built" pass -- \
	altdma_kunit_expected stock "$kunit_dir/built"

# --- item 16: reports the log verdict must catch -----------------------------------
report_case() {
	# report_case FIXTURE WHAT ERE: FIXTURE fails, its ERE line quoted
	verdict_case "$2 fails the log" "$1" fail -m "$dirty_log" -1 "^    fixture: [0-9]+:.*$3"
}
report_case kernel-bug.log "BUG() in a worker, no Oops or panic line (kernel BUG at)" 'kernel BUG at'
report_case invalid-opcode.log "x86 BUG() trap (invalid opcode:)" 'invalid opcode:'
report_case rcu-self-detected.log "RCU self-detected stall" 'rcu_sched self-detected stall'
report_case rcu-preempt.log "RCU stall detected by another CPU" 'rcu_preempt detected stalls'
report_case hung-task.log "hung task (blocked for more than)" 'blocked for more than'
report_case gpf.log "general protection fault" 'general protection fault'
report_case call-trace.log "stack dump without a WARNING line (Call Trace:)" 'Call Trace:'
report_case dma-api-error.log "DMA-API debug error report" 'DMA-API: altdma_nvme'

# The known pciehp report is set aside (its WARNING and its Call Trace);
# nothing else is.
verdict_case "pciehp's own lockdep report alone is skipped, not failed" pciehp-lockdep.log pass \
	-m '^SKIP: fixture: kernel lockdep report in pciehp' -m "$clean_log" -n '^FAIL'
verdict_case "a different lockdep report fails, WARNING and Call Trace quoted" lockdep-other.log fail \
	-m "$dirty_log" -1 ':WARNING: possible circular locking' -1 ':Call Trace:' -n '^SKIP: .*pciehp'
verdict_case "a stack dump after the pciehp report still fails" pciehp-then-trace.log fail \
	-m '^SKIP: fixture: kernel lockdep report in pciehp' -m "$dirty_log" \
	-1 '^    fixture: [0-9]+:Call Trace:' -n ':WARNING:'

# The stack of a fault injected with verbose 2 is expected; no other is.
verdict_case "the stack right after an injected fault's line passes" fault-stack.log pass \
	-m "$clean_log" -n '^FAIL'
verdict_case "a stack further from an injected fault's line fails" fault-stack-far.log fail \
	-m "$dirty_log" -1 '^    fixture: [0-9]+:.*Call Trace:'

# --- a DMA-API error provoked on purpose --------------------------------------------
verdict_case "a DMA-API error the guest expected and counted passes" dma-api-expected.log pass \
	-m "$clean_log" -n '^FAIL'
verdict_case "a DMA-API error beyond the expected one fails" dma-api-unexpected.log fail \
	-m "$dirty_log" -1 'counted 2 error\(s\), 1 of them expected'
verdict_case "a DMA-API error nobody expected fails" dma-api-counted.log fail \
	-m "$dirty_log" -1 'counted 1 error\(s\), 0 of them expected'

verdict_case "a hot-plug command the host could not carry out fails" qmp-failed.log fail \
	-m "$dirty_log" -1 'ALTDMA-HOST: QMP device_add .* failed'

# --- item 19: dma_debug=off ---------------------------------------------------------
verdict_case "dma_debug=off boot line is harmless, the skipped leak check says so" dma-debug-off.log pass \
	-m "$clean_log" -m '^SKIP: fixture: DMA-API leak check' -n '^FAIL'
check "verdict: missing console log fails" fail -m 'console log .* missing' -- \
	"$verdict" fixture "$fx/no-such.log"

# --- item 18: what scripts/check.sh counts ------------------------------------------
check "lib: GoogleTest SKIPPED cases counted as skipped, once each" any \
	-1 '^SKIP: host: Pool.NeedsHugePages$' -m '^PASS: host: Pool.Allocates$' \
	-m '^FAIL: host: Pool.Frees$' -m '^FAIL: host: Sizes/P.Even/1$' -m '^PASS: host: Sizes/P.Even/0$' \
	-m '2 GoogleTest cases passed, 2 failed, 1 skipped' -n 'exit status' -- \
	altdma_gtest_verdicts "$fx/gtest-mixed.log" 1
check "lib: GoogleTest build failure is one failure" any \
	-1 '^FAIL: host tests: build' -n '^(PASS|SKIP)' -- \
	altdma_gtest_verdicts "$fx/gtest-build-error.log" 2
check "lib: build warnings FAIL when the build did not run" any \
	-1 '^FAIL: kernel build: no warnings from our files \(the build did not run' -n '^PASS' -- \
	altdma_kbuild_warnings "$fx/kbuild-not-run.log" /TREE 0
check "lib: build warnings PASS on a clean build" any \
	-1 '^PASS: kernel build: no warnings from our files$' -n '^FAIL' -- \
	altdma_kbuild_warnings "$fx/kbuild-clean.log" /TREE 1
check "lib: build warnings FAIL on a warning from our files" any \
	-1 '^FAIL: kernel build: no warnings from our files \(1 lines\)' \
	-m '^    \| shim/altdma_main.c:120:5: warning' -n '^PASS' -- \
	altdma_kbuild_warnings "$fx/kbuild-warning.log" /TREE 1

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
