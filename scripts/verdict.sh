#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Judges one guest console log. Prints one line per result:
#   PASS: LABEL: NAME   FAIL: LABEL: NAME   SKIP: LABEL: NAME
# for every KUnit test case and suite (KTAP), every ALTDMA-RESULT line of
# the guest script, the end marker, and the log as a whole, which fails on
# any kernel warning, BUG, oops, stall, hung task, stack dump, lockdep,
# KASAN, UBSAN, kmemleak or DMA-API debug report. Exits non-zero if
# anything failed.
#
#   scripts/verdict.sh [--kunit] LABEL LOG
#
# --kunit: KUnit must have run (a test kernel); a log without a single KTAP
# test case then fails instead of passing in silence.
# tests/verdict/run.sh proves each rule on a log fixture.
set -uo pipefail

require_kunit=0
if [ "${1:-}" = --kunit ]; then
	require_kunit=1
	shift
fi
label=${1:?usage: $0 [--kunit] LABEL LOG}
log=${2:?usage: $0 [--kunit] LABEL LOG}
[ -r "$log" ] || { echo "FAIL: $label: console log $log missing"; exit 1; }

# Console lines without printk timestamps or carriage returns. The guest's
# own lines are /dev/kmsg records (scripts/guest/common.sh, say()): whole,
# but they may start inside a line of ordinary output, which is dropped.
clean=$(sed -e 's/\r$//' -e 's/^.*\[ *[0-9]*\.[0-9]*\] \(ALTDMA-[A-Z-]*\)/\1/' \
	-e 's/^\[ *[0-9]*\.[0-9]*\] //' "$log")
failed=0

report() {
	echo "$1: $label: $2"
	[ "$1" != FAIL ] || failed=1
}

check_end_marker() {
	if grep -q '^ALTDMA-GUEST-END' <<<"$clean"; then
		report PASS "guest ran to completion"
	else
		report FAIL "guest ran to completion ($(grep '^ALTDMA-HOST:' <<<"$clean" | tail -n 1))"
	fi
}

# KTAP as KUnit prints it for a module's suites: "    # Subtest: NAME",
# "    1..N", the cases one level (4 spaces) down, then the suite's own
# "ok|not ok K NAME" at the top level. Deeper levels are parameters of a
# case and fold into it. Prints "STATUS<TAB>NAME" per case and per suite,
# then "CASES<TAB>n". A suite is judged on its own line and on its plan, so
# a crash, a lost case or a failing suite init cannot hide behind the
# cases that did pass. A suite that runs twice (an init retried, say) is
# judged twice.
ktap_results() {
	awk -v OFS='\t' '
	function result(body, prefix,  name, status) {
		name = body
		sub(/^(not )?ok [0-9]+ (- )?/, "", name)
		sub(/ *#.*$/, "", name)
		if (body ~ /^not ok/)
			status = "FAIL"
		else if (body ~ /# SKIP/) {
			status = "SKIP"
			name = name " (" substr(body, index(body, "# SKIP") + 7) ")"
		} else
			status = "PASS"
		print status, prefix name
	}
	function unfinished() {
		print "FAIL", "kunit suite " suite ": stopped after " cases " of " \
			(plan < 0 ? "?" : plan) " planned cases, no suite result"
		suite = ""
	}
	function close_suite(body) {
		if (plan < 0)
			print "FAIL", "kunit suite " suite ": no 1..N plan"
		else if (cases != plan)
			print "FAIL", "kunit suite " suite ": " cases " of " plan " planned cases ran"
		result(body, "kunit suite ")
		suite = ""
	}
	/^KTAP version / { if (suite != "") unfinished(); next }
	/^    # Subtest: / {
		if (suite != "") unfinished()
		suite = substr($0, 16); plan = -1; cases = 0; next
	}
	/^    1\.\.[0-9]+$/ { if (suite != "" && plan < 0) plan = substr($0, 8) + 0; next }
	/^    (not )?ok [0-9]+/ {
		ncases++; if (suite != "") cases++
		result(substr($0, 5), "kunit "); next
	}
	/^(not )?ok [0-9]+/ {
		if (suite != "") close_suite($0)
		else if ($0 ~ /^not ok/) result($0, "kunit suite ")
		next
	}
	END { if (suite != "") unfinished(); print "CASES", ncases + 0 }
	' <<<"$clean"
}

check_kunit() {
	local status name cases=0
	while IFS=$'\t' read -r status name; do
		if [ "$status" = CASES ]; then
			cases=$name
		else
			report "$status" "$name"
		fi
	done < <(ktap_results)
	if [ "$require_kunit" = 1 ] && [ "$cases" = 0 ]; then
		report FAIL "kunit suites ran (no KTAP test case in the log)"
	fi
}

# The guest's own checks. A module whose init fails is loaded twice by
# busybox insmod (finit_module, then init_module), so its result lines can
# repeat: each is judged, none is expected exactly once.
check_guest_results() {
	local line rest
	while IFS= read -r line; do
		rest=${line#ALTDMA-RESULT }
		if [[ $rest == "ok "* ]]; then
			report PASS "${rest#ok }"
		elif [[ $rest == "skip "* ]]; then
			report SKIP "${rest#skip }"
		else
			report FAIL "${rest#not ok }"
		fi
	done < <(grep '^ALTDMA-RESULT ' <<<"$clean")
}

# A known report of the kernel's own, not of altdma: pciehp re-takes its
# slot's reset_lock under pci_rescan_remove_lock while it unbinds a removed
# device (drivers/pci/hotplug/pciehp_pci.c, the same in 6.1, 6.12 and 7.2),
# which lockdep flags on every hot-unplug. Only a circular-dependency report
# naming exactly those two locks in pciehp_unconfigure_device is set aside,
# and of it only the two lines the report patterns below match: its
# WARNING line and the "Call Trace:" right after its "stack backtrace:".
# Prints their line numbers. Lockdep is off after it (the guest hot-unplugs
# last for that reason).
pciehp_report_lines() {
	awk '/WARNING: possible circular locking dependency detected/ {
		start = NR; want = 0; ok = 0; bt = 0 }
	start && NR <= start + 12 && /is trying to acquire lock:/ { want = NR + 1 }
	start && NR == want && /\(&ctrl->reset_lock\).*pciehp_unconfigure_device/ { ok = 1 }
	start && ok == 1 && NR <= start + 12 && /\(pci_rescan_remove_lock\).*pciehp_unconfigure_device/ {
		print start; ok = 2 }
	start && ok == 2 && /stack backtrace:/ { bt = NR }
	start && bt && NR <= bt + 6 && /Call Trace:/ { print NR; start = 0 }' <<<"$clean"
}

# A stack altdma's fault injection prints on purpose (verbose 2, as the
# kernel's fail_dump()): the "Call Trace:" within a few lines of its
# "fault injected: ..., stack follows" line. Prints its line numbers.
fault_stack_lines() {
	awk '/altdma: fault injected: .*, stack follows/ { at = NR }
	at && NR <= at + 6 && /Call Trace:/ { print NR; at = 0 }' <<<"$clean"
}

# The stack of the call the checker found wrong (as dma-debug's): the
# "Call Trace:" within a few lines of its "checker:   reported at:" line.
checker_stack_lines() {
	awk '/altdma: checker:   reported at:/ { at = NR }
	at && NR <= at + 6 && /Call Trace:/ { print NR; at = 0 }' <<<"$clean"
}

# Reports that must never appear: warnings, BUG() (x86 prints "kernel BUG
# at" and "invalid opcode:", no "Oops", and a worker may die before any
# panic line), general protection faults, RCU stalls, hung tasks, lockups,
# and any stack dump ("Call Trace:" also comes without a WARNING line, from
# dump_stack() or a stall). DMA-API debug announces itself with harmless
# lines at boot, one of them when dma_debug=off; anything else it prints is
# an error report. A hot-plug command of the guest that the host could not
# carry out leaves the guest's checks of it meaningless.
bad_patterns='WARNING:|BUG:|kernel BUG at|invalid opcode:|Oops|Kernel panic'
bad_patterns+='|general protection fault|UBSAN:|INFO: possible|INFO: task .* blocked'
bad_patterns+='|blocked for more than|detected stall|hard LOCKUP|Call Trace:'
bad_patterns+='|unreferenced object|DMA-API: |^ALTDMA-DMA-API-LIVE '
bad_patterns+='|^ALTDMA-HOST: (QMP .* failed|refused QMP)'
harmless='DMA-API: (preallocated [0-9]+ debug entries|debugging enabled by kernel config|debugging disabled on kernel command line)$'

check_reports() {
	local known bad line errors expected
	known=$(pciehp_report_lines)
	if [ -n "$known" ]; then
		report SKIP "kernel lockdep report in pciehp (reset_lock vs pci_rescan_remove_lock on hot-unplug), not altdma's"
	fi
	known+=$'\n'$(fault_stack_lines)
	known+=$'\n'$(checker_stack_lines)
	bad=$(grep -nE "$bad_patterns" <<<"$clean" | grep -vE "$harmless")
	for line in $known; do
		bad=$(grep -v "^$line:" <<<"$bad")
	done
	# A step that provokes a DMA-API error on purpose (a leaking driver)
	# checks it counted exactly that and says so; only the rest is bad.
	errors=$(sed -n 's/^ALTDMA-DMA-API-ERRORS \([0-9]*\).*/\1/p' <<<"$clean" | tail -n 1)
	expected=$(sed -n 's/^ALTDMA-DMA-API-EXPECTED \([0-9]*\) .*/\1/p' <<<"$clean" |
		awk '{ n += $1 } END { print n + 0 }')
	if [ -n "$errors" ] && [ "$errors" != "$expected" ]; then
		bad+=$'\n'"DMA-API debug counted $errors error(s), $expected of them expected"
	fi
	bad=$(sed '/^$/d' <<<"$bad")
	if [ -z "$bad" ]; then
		report PASS "log free of warnings, BUG, lockdep, KASAN, kmemleak and DMA-API reports"
	else
		report FAIL "log free of warnings, BUG, lockdep, KASAN, kmemleak and DMA-API reports"
		head -n 20 <<<"$bad" | sed "s/^/    $label: /"
	fi
}

# The guest says so when DMA-API debugging is off (dma_debug=off): its leak
# check then did not run, which is not a pass.
check_dma_debug_on() {
	if grep -q '^ALTDMA-DMA-API-DISABLED' <<<"$clean"; then
		report SKIP "DMA-API leak check (DMA-API debugging is off in this guest)"
	fi
}

check_end_marker
check_kunit
check_guest_results
check_dma_debug_on
check_reports
exit "$failed"
