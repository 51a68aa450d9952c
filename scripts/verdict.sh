#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Judges one guest console log. Prints one line per result:
#   PASS: LABEL: NAME   FAIL: LABEL: NAME   SKIP: LABEL: NAME
# for every KUnit test case (KTAP), every ALTDMA-RESULT line of the guest
# script, the end marker, and the log as a whole, which fails on any kernel
# warning, BUG, lockdep, KASAN, UBSAN, kmemleak or DMA-API debug report.
# Exits non-zero if anything failed.
#
#   scripts/verdict.sh [--kunit] LABEL LOG
set -uo pipefail

require_kunit=0
if [ "${1:-}" = --kunit ]; then
	require_kunit=1
	shift
fi
label=${1:?usage: $0 [--kunit] LABEL LOG}
log=${2:?usage: $0 [--kunit] LABEL LOG}
[ -r "$log" ] || { echo "FAIL: $label: console log $log missing"; exit 1; }

# Console lines without printk timestamps or carriage returns.
clean=$(sed -e 's/\r$//' -e 's/^\[ *[0-9]*\.[0-9]*\] //' "$log")
failed=0

report() {
	echo "$1: $label: $2"
	[ "$1" != FAIL ] || failed=1
}

if grep -q '^ALTDMA-GUEST-END' <<<"$clean"; then
	report PASS "guest ran to completion"
else
	report FAIL "guest ran to completion ($(grep '^ALTDMA-HOST:' <<<"$clean" | tail -n 1))"
fi

# KTAP: test cases are the results one level (4 spaces) below a suite;
# deeper levels are parameters of a case and fold into it.
kunit_cases=0
while IFS= read -r line; do
	case "$line" in
	"    ok "* | "    not ok "*) ;;
	*) continue ;;
	esac
	kunit_cases=$((kunit_cases + 1))
	body=${line#    }
	name=$(sed -E 's/^(not )?ok [0-9]+ (- )?//; s/ *#.*$//' <<<"$body")
	if [[ $body == "not ok"* ]]; then
		report FAIL "kunit $name"
	elif [[ $body == *"# SKIP"* ]]; then
		report SKIP "kunit $name (${body#*# SKIP})"
	else
		report PASS "kunit $name"
	fi
done <<<"$clean"
if [ "$require_kunit" = 1 ] && [ "$kunit_cases" = 0 ]; then
	report FAIL "kunit suites ran (no KTAP test case in the log)"
fi

while IFS= read -r line; do
	rest=${line#ALTDMA-RESULT }
	if [[ $rest == "ok "* ]]; then
		report PASS "${rest#ok }"
	else
		report FAIL "${rest#not ok }"
	fi
done < <(grep '^ALTDMA-RESULT ' <<<"$clean")

# A known report of the kernel's own, not of altdma: pciehp re-takes its
# slot's reset_lock under pci_rescan_remove_lock while it unbinds a removed
# device (drivers/pci/hotplug/pciehp_pci.c, the same in 6.1, 6.12 and 7.2),
# which lockdep flags on every hot-unplug. Only a circular-dependency report
# naming exactly those two locks in pciehp_unconfigure_device is set aside;
# it is listed as skipped, and lockdep is off after it (the guest hot-unplugs
# last for that reason).
known=$(awk '/WARNING: possible circular locking dependency detected/ { start = NR; want = 0 }
	start && NR <= start + 12 && /is trying to acquire lock:/ { want = NR + 1 }
	start && NR == want && /\(&ctrl->reset_lock\).*pciehp_unconfigure_device/ { ok = 1 }
	start && ok && NR <= start + 12 && /\(pci_rescan_remove_lock\).*pciehp_unconfigure_device/ {
		print start; start = 0; ok = 0 }' <<<"$clean")
if [ -n "$known" ]; then
	report SKIP "kernel lockdep report in pciehp (reset_lock vs pci_rescan_remove_lock on hot-unplug), not altdma's"
fi

# Reports that must never appear. DMA-API debug announces itself with two
# harmless lines at boot; anything else it prints is an error report.
bad=$(grep -nE 'WARNING:|BUG:|Oops|Kernel panic|general protection fault|UBSAN:|INFO: possible|INFO: task .* blocked|unreferenced object|DMA-API: |^ALTDMA-DMA-API-LIVE ' <<<"$clean" |
	grep -vE 'DMA-API: (preallocated [0-9]+ debug entries|debugging enabled by kernel config)')
for line in $known; do
	bad=$(grep -v "^$line:" <<<"$bad")
done
errors=$(sed -n 's/^ALTDMA-DMA-API-ERRORS \([0-9]*\).*/\1/p' <<<"$clean" | tail -n 1)
if [ -n "$errors" ] && [ "$errors" != 0 ]; then
	bad+=$'\n'"DMA-API debug counted $errors error(s)"
fi
if [ -z "$bad" ]; then
	report PASS "log free of warnings, BUG, lockdep, KASAN, kmemleak and DMA-API reports"
else
	report FAIL "log free of warnings, BUG, lockdep, KASAN, kmemleak and DMA-API reports"
	head -n 20 <<<"$bad" | sed "s/^/    $label: /"
fi
exit "$failed"
