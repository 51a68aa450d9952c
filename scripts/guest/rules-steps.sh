#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The attach-by-name interface without a driver: configfs rules, their
# attributes against hostile input, the attach= parameter, and altdmactl's
# error paths; attach and detach of QEMU's edu device (no driver claims
# it). Sourced by the guest's /init with altdma not loaded; leaves it so.
# shellcheck disable=SC2154 # CFG and ctl come from common.sh

absent=0000:ff:1f.7
edu=$(pci_dev 0x1234:0x11e8)

# try_write FILE VALUE: one write(2) of VALUE (no newline added).
try_write() {
	printf '%s' "$2" > /tmp/value
	dd if=/tmp/value of="$1" bs=8192 2>/dev/null
}

# ctl_fails NAME PATTERN ARGS...: altdmactl fails, and says PATTERN.
ctl_fails() {
	name=$1 pattern=$2
	shift 2
	if "$ctl" "$@" > /tmp/ctl.out 2>&1; then
		result fail "$name" "altdmactl $* succeeded: $(cat /tmp/ctl.out)"
	elif ! grep -q "$pattern" /tmp/ctl.out; then
		result fail "$name" "altdmactl $* said: $(cat /tmp/ctl.out)"
	else
		result ok "$name"
	fi
}

long=$(head -c 4096 /dev/zero | tr '\0' 1)
longname=$(head -c 4000 /dev/zero | tr '\0' a)

# hostile ATTR VALUE...: each write is refused, and the value stays.
hostile() {
	attr=$1
	shift
	before=$(cat "$rule/$attr")
	bad=""
	for value in "$@"; do
		if try_write "$rule/$attr" "$value"; then
			bad="$bad [$value] accepted;"
		fi
	done
	[ "$(cat "$rule/$attr")" = "$before" ] || bad="$bad value changed to $(cat "$rule/$attr");"
	if [ -z "$bad" ]; then
		result ok "rules: $attr refuses hostile input, unchanged"
	else
		result fail "rules: $attr refuses hostile input, unchanged" "$bad"
	fi
}

# The same list for every numeric attribute, then its own bounds.
numbers='
 
 1
1 
	1
-1
+1
01
0x10
1e3
abc
1x
4294967296
99999999999999999999'

# hostile_numbers ATTR LIST VALUE...: hostile with LIST's lines (one value
# per line, spaces kept), the long and the two-line value, and VALUE...
hostile_numbers() {
	attr=$1 list=$2
	shift 2
	old_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2086 # one value per line, spaces kept
	hostile "$attr" $list "$long" "1
2" "$@"
	IFS=$old_ifs
}

numeric() {
	attr=$1
	shift
	hostile_numbers "$attr" "$numbers" "$@"
}

expect_success "rules: edu device present" test -n "$edu"
ctl_fails "altdmactl: module not loaded" "module is not loaded" status

# attach= at load: each hostile value fails the load; nothing stays. (No
# spaces: the kernel splits module arguments at them.)
for param in "pci" "pci/" "usb/0000:00:01.0" "pci/0000:00:01.0,policy" \
	"pci/0000:00:01.0,policy=bounce,policy=direct" \
	"pci/0000:00:01.0,unknown=1" "pci/0000:00:01.0,policy=bounce,pool_mb=-1" \
	"pci/0000:00:01.0,policy=bounce,pool_mb=99999999999" \
	"pci/0000:00:01.0;" ";" "pci/0000:00:01.0;pci/0000:00:01.0" \
	"pci/0000:00:01.0,force=1" "pci/00/00" "pci/0000:00:01.0,policy= bounce" \
	"platform/a!b" "pci/$longname" "pci/0000:00:01.0,checks=bogus" \
	"pci/0000:00:01.0,checks=leak+" "pci/0000:00:01.0,checks=all+leak"; do
	if insmod /lib/altdma/altdma.ko "attach=$param" 2>/dev/null; then
		result fail "rules: attach=$param refused" "the module loaded"
		rmmod altdma
	else
		result ok "rules: attach=$(echo "$param" | cut -c1-40) refused"
	fi
done
expect_failure "rules: altdma not loaded after the refused attach= values" \
	grep -q "^altdma " /proc/modules

expect_success "rules: insmod altdma with two attach= rules" insmod /lib/altdma/altdma.ko \
	"attach=pci/$absent,policy=bounce,emulated_mask_bits=32,guard_bytes=64;platform/altdma-none,policy=direct"
rule=$CFG/pci/$absent
expect_success "rules: attach= made the pci rule, enabled" test "$(cat "$rule/enable")" = 1
expect_success "rules: attach= rule has its settings" \
	test "$(cat "$rule/policy") $(cat "$rule/emulated_mask_bits") $(cat "$rule/guard_bytes")" = "bounce 32 64"
expect_success "rules: attach= rule is armed for an absent device" \
	test "$(cat "$rule/state")" = "armed (device not present)"
expect_success "rules: attach= made the platform rule" test "$(cat "$CFG/platform/altdma-none/policy")" = direct
expect_failure "rules: settings cannot change while enabled" try_write "$rule/pool_mb" 8
expect_failure "rules: an attach= rule cannot be removed" rmdir "$rule"
expect_success "rules: an attach= rule can be disabled" try_write "$rule/enable" 0
expect_success "rules: disabled state" test "$(cat "$rule/state")" = disabled
expect_success "rules: rmmod altdma with attach= rules" rmmod altdma

expect_success "rules: insmod altdma" insmod /lib/altdma/altdma.ko
if ALTDMA_CONFIGFS=/tmp/no-configfs "$ctl" status > /tmp/ctl.out 2>&1; then
	result fail "altdmactl: configfs not mounted" "status succeeded"
else
	expect_success "altdmactl: configfs not mounted" grep -q "configfs is not mounted" /tmp/ctl.out
fi
expect_success "rules: configfs has the pci and platform groups" \
	test -d "$CFG/pci" -a -d "$CFG/platform"

for name in 0000:01:00 0000:01:00.8 zz 0000:0g:00.0 "0000:01:00.0 " \
	0000:01:00.0x 123456789:00:00.0; do
	if mkdir "$CFG/pci/$name" 2>/dev/null; then
		result fail "rules: mkdir pci/'$name' refused"
		rmdir "$CFG/pci/$name"
	else
		result ok "rules: mkdir pci/'$name' refused"
	fi
done
expect_failure "rules: mkdir platform/'a b' refused" mkdir "$CFG/platform/a b"
expect_success "rules: mkdir a rule for an absent device" mkdir "$CFG/pci/$absent"
expect_failure "rules: no directory inside a rule" mkdir "$CFG/pci/$absent/x"
expect_failure "rules: a second rule of the same name" mkdir "$CFG/pci/$absent"
expect_success "rules: a new rule is disabled, direct" \
	test "$(cat "$rule/enable") $(cat "$rule/policy") $(cat "$rule/state")" = "0 direct disabled"

# (A write of nothing never reaches the kernel: "empty" is a lone newline.)
hostile policy "
" " direct" "direct " "Direct" "directx" "bounce bounce" "force" "$long"
numeric force
numeric emulated_mask_bits 11 64 1
numeric pool_mb 1025
numeric guard_bytes 4097
numeric max_mapping_kb 4097
hostile enable "
" 2 -1 " 1" "1 " yes on "$long"
hostile checks "
" bogus "leak," ",leak" "leak,,sg_segment" "leak,leak" "none,leak" "all,leak" \
	" all" "all " ALL "not_mapped leak" "all,all" "leak
,overlap" "$long"
expect_success "rules: checks accepts a list" try_write "$rule/checks" "leak+not_mapped
"
expect_success "rules: checks reads back the list in class order" \
	test "$(cat "$rule/checks")" = "not_mapped,leak"
expect_success "rules: checks accepts all" try_write "$rule/checks" all
expect_success "rules: checks reads back all" test "$(cat "$rule/checks")" = all
expect_success "rules: checks takes all and an opt-in data check" \
	try_write "$rule/checks" "device_wrote_to_device_buffer,all"
expect_success "rules: checks reads them back, all first" \
	test "$(cat "$rule/checks")" = "all,device_wrote_to_device_buffer"
expect_success "rules: checks accepts none" try_write "$rule/checks" none
expect_success "rules: checks reads back none" test "$(cat "$rule/checks")" = none
for kv in "policy bounce" "force 1" "emulated_mask_bits 32" "pool_mb 8" \
	"guard_bytes 64" "max_mapping_kb 128"; do
	key=${kv% *} value=${kv#* }
	expect_success "rules: $key accepts $value" try_write "$rule/$key" "$value
"
	expect_success "rules: $key reads back $value" test "$(cat "$rule/$key")" = "$value"
done
expect_failure "rules: state is read-only" try_write "$rule/state" x
try_write "$rule/policy" direct
expect_failure "rules: enable of direct with bounce settings refused" try_write "$rule/enable" 1
expect_success "rules: the refusal says why" grep -q "refused: force is a bounce setting" "$rule/state"
expect_success "rules: and the rule stays disabled" test "$(cat "$rule/enable")" = 0
try_write "$rule/policy" bounce
expect_success "rules: enable a rule for an absent device" try_write "$rule/enable" 1
expect_success "rules: armed (device not present)" \
	test "$(cat "$rule/state")" = "armed (device not present)"
expect_failure "rules: settings are busy while enabled" try_write "$rule/guard_bytes" 0
expect_success "rules: guard_bytes unchanged" test "$(cat "$rule/guard_bytes")" = 64
expect_success "rules: rmdir of an armed rule" rmdir "$rule"
mkdir "$rule" && try_write "$rule/enable" 1
expect_success "altdmactl: detach of an absent device removes its armed rule" \
	sh -c "'$ctl' detach '$absent' && ! test -d '$rule'"
ctl_fails "altdmactl: detach of an absent device without a rule" "not found" detach "$absent"

ctl_fails "altdmactl: device not found" "not found" attach "$absent"
ctl_fails "altdmactl: bad device name" "not a device name" attach ../x
ctl_fails "altdmactl: detach without a rule" "has no altdma rule" detach "$edu"
ctl_fails "altdmactl: unknown option" "unknown option" attach "$edu" --bogus
ctl_fails "altdmactl: unknown command" "unknown command" frobnicate
ctl_fails "altdmactl: refused attach says why" "attach refused: the configuration was refused" \
	attach "$edu" --pool 1 --max-mapping 4096
expect_failure "altdmactl: a refused attach leaves no rule" test -d "$CFG/pci/$edu"
expect_success "altdmactl: a refused attach leaves nothing attached" altdma_detached

expect_success "altdmactl: attach the edu device (force, red zones)" \
	"$ctl" attach "$edu" --force --guard 64
expect_success "altdmactl: attached (no driver)" \
	test "$(cat "$CFG/pci/$edu/state")" = "attached (no driver)"
expect_success "altdmactl: debugfs has the device" test -r "/sys/kernel/debug/altdma/$edu/stats"
"$ctl" status > /tmp/ctl.out 2>&1
expect_success "altdmactl: status lists the rule" grep -q "^pci/$edu: enable=1 policy=bounce: attached (no driver)" /tmp/ctl.out
expect_success "altdmactl: status lists the counters" grep -q "^$edu: policy bounce, 0 maps" /tmp/ctl.out
"$ctl" report "$edu" > /tmp/ctl.out 2>&1
expect_success "altdmactl: report has the rule and the stats" \
	sh -c "grep -q 'guard_bytes: 64' /tmp/ctl.out && grep -q 'pool_size: ' /tmp/ctl.out && grep -q 'live pool mappings: 0' /tmp/ctl.out"
ctl_fails "altdmactl: a second attach" "already has an enabled rule" attach "$edu"
expect_failure "rules: rmmod altdma refused while attached" rmmod altdma
expect_success "altdmactl: detach the edu device" "$ctl" detach "$edu"
expect_failure "altdmactl: detach removed the rule" test -d "$CFG/pci/$edu"
expect_success "altdmactl: nothing attached after detach" altdma_detached
expect_success "rules: rmmod altdma" rmmod altdma
rm -f /tmp/value /tmp/ctl.out
