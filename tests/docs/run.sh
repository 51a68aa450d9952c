#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The docs cannot drift from the code: the configfs attributes, debugfs
# files and module parameters the code creates are listed from the sources,
# the What: lines of Documentation/ABI/ are listed from the docs, and the
# two lists must be equal; every ABI entry has its What, Date,
# KernelVersion, Contact and Description; every altdmactl command is in its
# --help and its man page. Prints one PASS:/FAIL: line per check.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
abi=Documentation/ABI/testing
failed=0
pass() { echo "PASS: docs: $1"; }
fail() { echo "FAIL: docs: $1"; failed=1; }

# What the code creates, as ABI paths.
from_code() {
	echo /sys/kernel/config/altdma/'<bus>/<device>'
	sed -n '/altdma_rule_attrs\[\] = {/,/};/s/.*&altdma_rule_attr_\([a-z_0-9]*\),.*/\1/p' \
		shim/altdma_configfs.c | sed 's|^|/sys/kernel/config/altdma/<bus>/<device>/|'
	# faults/<class>/: one default group per class, each with these.
	echo /sys/kernel/config/altdma/'<bus>/<device>/faults/<class>'
	sed -n '/altdma_fault_attrs\[\] = {/,/};/s/.*&altdma_fault_attr_\([a-z_0-9]*\),.*/\1/p' \
		shim/altdma_configfs.c | sed 's|^|/sys/kernel/config/altdma/<bus>/<device>/faults/<class>/|'
	sed -n 's/.*debugfs_create_file("\([a-z_0-9]*\)".*/\1/p' shim/altdma_debugfs.c |
		sed 's|^|/sys/kernel/debug/altdma/<device>/|'
	sed -n 's/^module_param[a-z_]*(\([a-z_0-9]*\),.*/\1/p' shim/*.c |
		sed 's|^|/sys/module/altdma/parameters/|'
	sed -n 's/^module_param[a-z_]*(\([a-z_0-9]*\),.*/\1/p' nvme_demo/*.c |
		sed 's|^|/sys/module/altdma_nvme/parameters/|'
}

from_docs() {
	sed -n 's/^What:[[:space:]]*//p' "$abi"/*
}

code=$(from_code | LC_ALL=C sort)
docs=$(from_docs | LC_ALL=C sort)
undocumented=$(comm -23 <(echo "$code") <(echo "$docs"))
stale=$(comm -13 <(echo "$code") <(echo "$docs"))
if [ -n "$code" ] && [ -z "$undocumented" ]; then
	pass "every configfs, debugfs and parameter file of the code has an ABI entry ($(echo "$code" | wc -l))"
else
	fail "files without an ABI entry: $(echo "${undocumented:-<the code list is empty>}" | tr '\n' ' ')"
fi
if [ -z "$stale" ]; then
	pass "every ABI entry names a file the code creates"
else
	fail "ABI entries for files the code does not create: $(echo "$stale" | tr '\n' ' ')"
fi
if [ -z "$(echo "$docs" | uniq -d)" ]; then
	pass "no ABI entry twice"
else
	fail "ABI entries twice: $(echo "$docs" | uniq -d | tr '\n' ' ')"
fi

# Each entry (a paragraph starting with What:) has all five fields.
bad=$(awk '
	function check() {
		if (what != "" && !(d && k && c && s)) print FILENAME ": " what
	}
	FNR == 1 { check(); what = "" }
	/^What:/ { check(); what = $2; d = k = c = s = 0 }
	/^Date:/ { d = 1 }
	/^KernelVersion:/ { k = 1 }
	/^Contact:/ { c = 1 }
	/^Description:/ { s = 1 }
	END { check() }' "$abi"/*)
if [ -z "$bad" ]; then
	pass "every ABI entry has What, Date, KernelVersion, Contact and Description"
else
	fail "ABI entries missing a field: $(echo "$bad" | tr '\n' ' ')"
fi

help=$(tools/altdmactl --help 2>&1)
man=Documentation/altdmactl.8
while read -r cmd; do
	if grep -q "altdmactl $cmd" <<<"$help" && grep -q "^\.B $cmd\$" "$man"; then
		pass "altdmactl $cmd in --help and the man page"
	else
		fail "altdmactl $cmd missing from --help or $man"
	fi
done < <(sed -n 's/^cmd_\([a-z]*\)() {$/\1/p' tools/altdmactl)
if command -v man > /dev/null && man -l "$man" > /dev/null 2>&1; then
	pass "$man renders"
else
	fail "$man does not render (man -l)"
fi
exit "$failed"
