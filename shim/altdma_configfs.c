// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/config/altdma/<bus>/<device>/: one directory per rule, with
 * its settings, enable and a read-only state (see altdma_rules.c). The
 * controls are here rather than in debugfs because lockdown (Secure Boot)
 * blocks debugfs writes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/dma-direction.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "altdma_rules.h"

struct altdma_bus altdma_buses[2] = {
	{ .name = "pci", .type = &pci_bus_type },
	{ .name = "platform", .type = &platform_bus_type },
};

/*
 * configfs hands over at most 4095 bytes, NUL-terminated; a NUL inside
 * them would hide trailing garbage from the parsers.
 */
static bool altdma_clean_input(const char *page, size_t count)
{
	return count && !memchr(page, '\0', count);
}

static ssize_t altdma_store_key(struct config_item *item,
				enum altdma_rule_key key, const char *page,
				size_t count)
{
	int ret;

	if (!altdma_clean_input(page, count))
		return -EINVAL;
	ret = altdma_rule_set_key(altdma_rule_of(item), key, page);
	return ret ?: count;
}

static ssize_t altdma_show_key(struct config_item *item,
			       enum altdma_rule_key key, char *page)
{
	struct altdma_rule_settings settings;

	altdma_rule_get_settings(altdma_rule_of(item), &settings);
	return altdma_key_show(&settings, key, page);
}

#define ALTDMA_KEY_ATTR(_name, _key)					\
static const enum altdma_rule_key altdma_key_##_name = _key;		\
static ssize_t altdma_rule_##_name##_show(struct config_item *item,	\
					  char *page)			\
{									\
	return altdma_show_key(item, altdma_key_##_name, page);		\
}									\
static ssize_t altdma_rule_##_name##_store(struct config_item *item,	\
					   const char *page,		\
					   size_t count)		\
{									\
	return altdma_store_key(item, altdma_key_##_name, page, count);	\
}									\
CONFIGFS_ATTR(altdma_rule_, _name)

ALTDMA_KEY_ATTR(policy, ALTDMA_KEY_POLICY);
ALTDMA_KEY_ATTR(force, ALTDMA_KEY_FORCE);
ALTDMA_KEY_ATTR(emulated_mask_bits, ALTDMA_KEY_EMULATED_MASK_BITS);
ALTDMA_KEY_ATTR(pool_mb, ALTDMA_KEY_POOL_MB);
ALTDMA_KEY_ATTR(guard_bytes, ALTDMA_KEY_GUARD_BYTES);
ALTDMA_KEY_ATTR(max_mapping_kb, ALTDMA_KEY_MAX_MAPPING_KB);
ALTDMA_KEY_ATTR(fault_injection, ALTDMA_KEY_FAULT_INJECTION);
ALTDMA_KEY_ATTR(latency, ALTDMA_KEY_LATENCY);
ALTDMA_KEY_ATTR(checks, ALTDMA_KEY_CHECKS);

/* Write-only, as a command: "1" starts every histogram over. */
static ssize_t altdma_rule_latency_reset_store(struct config_item *item,
					       const char *page, size_t count)
{
	struct altdma_rule *rule = altdma_rule_of(item);
	int ret;

	if (!altdma_clean_input(page, count) || !sysfs_streq(page, "1")) {
		pr_err("%s/%s: latency_reset: write 1 to start the histograms over\n",
		       rule->bus->name, altdma_rule_name(rule));
		return -EINVAL;
	}
	ret = altdma_rule_latency_reset(rule);
	return ret ?: count;
}
CONFIGFS_ATTR_WO(altdma_rule_, latency_reset);

static ssize_t altdma_rule_enable_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", altdma_rule_enabled(altdma_rule_of(item)));
}

static ssize_t altdma_rule_enable_store(struct config_item *item,
					const char *page, size_t count)
{
	struct altdma_rule *rule = altdma_rule_of(item);
	int ret;

	if (!altdma_clean_input(page, count))
		return -EINVAL;
	if (sysfs_streq(page, "1")) {
		ret = altdma_rule_enable(rule);
	} else if (sysfs_streq(page, "0")) {
		ret = altdma_rule_disable(rule);
	} else {
		pr_err("%s/%s: enable: 0 or 1 expected\n", rule->bus->name,
		       altdma_rule_name(rule));
		ret = -EINVAL;
	}
	return ret ?: count;
}
CONFIGFS_ATTR(altdma_rule_, enable);

static ssize_t altdma_rule_state_show(struct config_item *item, char *page)
{
	return altdma_rule_state(altdma_rule_of(item), page);
}
CONFIGFS_ATTR_RO(altdma_rule_, state);

static struct configfs_attribute *altdma_rule_attrs[] = {
	&altdma_rule_attr_policy,
	&altdma_rule_attr_force,
	&altdma_rule_attr_emulated_mask_bits,
	&altdma_rule_attr_pool_mb,
	&altdma_rule_attr_guard_bytes,
	&altdma_rule_attr_max_mapping_kb,
	&altdma_rule_attr_fault_injection,
	&altdma_rule_attr_latency,
	&altdma_rule_attr_latency_reset,
	&altdma_rule_attr_checks,
	&altdma_rule_attr_enable,
	&altdma_rule_attr_state,
	NULL,
};

/*
 * The last reference is gone (rmdir, a refused or removed attach= rule):
 * the faults/ groups are embedded in the rule and drop their own first.
 */
static void altdma_rule_release(struct config_item *item)
{
	struct altdma_rule *rule = altdma_rule_of(item);

	configfs_remove_default_groups(&rule->faults);
	configfs_remove_default_groups(&rule->group);
	kfree(rule);
}

static struct configfs_item_operations altdma_rule_item_ops = {
	.release = altdma_rule_release,
};

const struct config_item_type altdma_rule_type = {
	.ct_item_ops = &altdma_rule_item_ops,
	.ct_attrs = altdma_rule_attrs,
	.ct_owner = THIS_MODULE,
};

/* ---- faults/<class>/: the fault-injection knobs of one class ---------- */

static const char *const altdma_dir_names[] = {
	[DMA_BIDIRECTIONAL] = "bidirectional",
	[DMA_TO_DEVICE] = "to_device",
	[DMA_FROM_DEVICE] = "from_device",
};

/* What a knob takes, for the message that refuses a value. */
static const char *const altdma_fault_knob_ranges[ALTDMA_NR_FAULT_KNOBS] = {
	[ALTDMA_FAULT_PROBABILITY] = "a percentage from 0 to 100",
	[ALTDMA_FAULT_INTERVAL] = "a decimal number from 1",
	[ALTDMA_FAULT_TIMES] = "-1 (no limit) or a decimal number",
	[ALTDMA_FAULT_SPACE] = "a number of bytes",
	[ALTDMA_FAULT_VERBOSE] = "0, 1 or 2",
	[ALTDMA_FAULT_MIN_SIZE] = "a number of bytes, at most max_size unless that is 0",
	[ALTDMA_FAULT_MAX_SIZE] = "0 (no bound) or a number of bytes from min_size",
	[ALTDMA_FAULT_DIRECTIONS] =
		"'all', or a comma list of bidirectional, to_device and from_device",
	[ALTDMA_FAULT_FAIL_NTH] = "0 (off) or N (the Nth operation from now fails)",
	[ALTDMA_FAULT_SEED] = "a decimal number below 2^64",
};

/* Every direction, DMA_NONE's bit too (as the core's default). */
#define ALTDMA_FAULT_ALL_DIRECTIONS 0xf

static struct altdma_fault_group *altdma_fault_group_of(struct config_item *item)
{
	return container_of(to_config_group(item), struct altdma_fault_group,
			    group);
}

/*
 * Decimal digits, no sign (but times' "-1"), no leading zero, at most one
 * trailing newline; the ranges are the core's to check.
 */
static int altdma_parse_knob_number(enum altdma_fault_knob knob,
				    const char *page, s64 *value)
{
	u64 v;

	if (knob == ALTDMA_FAULT_TIMES && sysfs_streq(page, "-1")) {
		*value = -1;
		return 0;
	}
	if (!isdigit(page[0]) || (page[0] == '0' && isdigit(page[1])) ||
	    kstrtou64(page, 10, &v))
		return -EINVAL;
	if (knob != ALTDMA_FAULT_SEED && v > S64_MAX)
		return -EINVAL;
	*value = (s64)v;
	return 0;
}

/* "all", or a comma list of direction names, each at most once. */
static int altdma_parse_directions(const char *page, s64 *value)
{
	size_t len = strcspn(page, "\n");
	const char *p = page;
	u32 mask = 0;

	if (page[len] && page[len + 1])
		return -EINVAL;		/* more after the newline */
	if (sysfs_streq(page, "all")) {
		*value = ALTDMA_FAULT_ALL_DIRECTIONS;
		return 0;
	}
	while (p < page + len) {
		size_t n = strcspn(p, ",\n");
		int dir = -1, i;

		for (i = 0; i < ARRAY_SIZE(altdma_dir_names); i++)
			if (n == strlen(altdma_dir_names[i]) &&
			    !strncmp(p, altdma_dir_names[i], n))
				dir = i;
		if (dir < 0 || (mask & BIT(dir)))
			return -EINVAL;
		mask |= BIT(dir);
		p += n;
		if (*p == ',' && ++p == page + len)
			return -EINVAL;	/* a trailing comma */
	}
	if (!mask)
		return -EINVAL;
	*value = mask;
	return 0;
}

static ssize_t altdma_show_directions(s64 mask, char *page)
{
	ssize_t len = 0;
	int i;

	if (mask == ALTDMA_FAULT_ALL_DIRECTIONS)
		return sysfs_emit(page, "all\n");
	for (i = 0; i < ARRAY_SIZE(altdma_dir_names); i++)
		if (mask & BIT(i))
			len += sysfs_emit_at(page, len, "%s%s", len ? "," : "",
					     altdma_dir_names[i]);
	return len + sysfs_emit_at(page, len, "\n");
}

static ssize_t altdma_fault_store(struct config_item *item,
				  enum altdma_fault_knob knob,
				  const char *name, const char *page,
				  size_t count)
{
	struct altdma_fault_group *fg = altdma_fault_group_of(item);
	struct altdma_rule *rule = fg->rule;
	s64 value;
	int ret;

	if (!altdma_clean_input(page, count))
		return -EINVAL;
	if (knob == ALTDMA_FAULT_DIRECTIONS)
		ret = altdma_parse_directions(page, &value);
	else
		ret = altdma_parse_knob_number(knob, page, &value);
	if (!ret)
		ret = altdma_rule_fault_set(rule, fg->cls, knob, value);
	if (ret == -EINVAL)
		pr_err("%s/%s: faults/%s/%s: %s expected\n", rule->bus->name,
		       altdma_rule_name(rule), altdma_fault_class_name(fg->cls),
		       name, altdma_fault_knob_ranges[knob]);
	return ret ?: count;
}

static ssize_t altdma_fault_show(struct config_item *item,
				 enum altdma_fault_knob knob, char *page)
{
	struct altdma_fault_group *fg = altdma_fault_group_of(item);
	s64 value;
	int ret;

	ret = altdma_rule_fault_get(fg->rule, fg->cls, knob, &value);
	if (ret)
		return ret;
	if (knob == ALTDMA_FAULT_DIRECTIONS)
		return altdma_show_directions(value, page);
	if (knob == ALTDMA_FAULT_SEED)
		return sysfs_emit(page, "%llu\n", (u64)value);
	return sysfs_emit(page, "%lld\n", value);
}

#define ALTDMA_FAULT_ATTR(_name, _knob)					\
static const enum altdma_fault_knob altdma_fault_knob_##_name = _knob;	\
static ssize_t altdma_fault_##_name##_show(struct config_item *item,	\
					   char *page)			\
{									\
	return altdma_fault_show(item, altdma_fault_knob_##_name, page);	\
}									\
static ssize_t altdma_fault_##_name##_store(struct config_item *item,	\
					    const char *page,		\
					    size_t count)		\
{									\
	return altdma_fault_store(item, altdma_fault_knob_##_name,	\
				  #_name, page, count);			\
}									\
CONFIGFS_ATTR(altdma_fault_, _name)

ALTDMA_FAULT_ATTR(probability, ALTDMA_FAULT_PROBABILITY);
ALTDMA_FAULT_ATTR(interval, ALTDMA_FAULT_INTERVAL);
ALTDMA_FAULT_ATTR(times, ALTDMA_FAULT_TIMES);
ALTDMA_FAULT_ATTR(space, ALTDMA_FAULT_SPACE);
ALTDMA_FAULT_ATTR(verbose, ALTDMA_FAULT_VERBOSE);
ALTDMA_FAULT_ATTR(min_size, ALTDMA_FAULT_MIN_SIZE);
ALTDMA_FAULT_ATTR(max_size, ALTDMA_FAULT_MAX_SIZE);
ALTDMA_FAULT_ATTR(direction, ALTDMA_FAULT_DIRECTIONS);
ALTDMA_FAULT_ATTR(fail_nth, ALTDMA_FAULT_FAIL_NTH);
ALTDMA_FAULT_ATTR(seed, ALTDMA_FAULT_SEED);

static ssize_t altdma_fault_counts_show(struct config_item *item, char *page)
{
	struct altdma_fault_group *fg = altdma_fault_group_of(item);
	u64 calls, injected;
	int ret;

	ret = altdma_rule_fault_counts(fg->rule, fg->cls, &calls, &injected);
	if (ret)
		return ret;
	return sysfs_emit(page, "calls %llu\ninjected %llu\n", calls, injected);
}
CONFIGFS_ATTR_RO(altdma_fault_, counts);

static struct configfs_attribute *altdma_fault_attrs[] = {
	&altdma_fault_attr_probability,
	&altdma_fault_attr_interval,
	&altdma_fault_attr_times,
	&altdma_fault_attr_space,
	&altdma_fault_attr_verbose,
	&altdma_fault_attr_min_size,
	&altdma_fault_attr_max_size,
	&altdma_fault_attr_direction,
	&altdma_fault_attr_fail_nth,
	&altdma_fault_attr_seed,
	&altdma_fault_attr_counts,
	NULL,
};

static const struct config_item_type altdma_fault_class_type = {
	.ct_attrs = altdma_fault_attrs,
	.ct_owner = THIS_MODULE,
};

static const struct config_item_type altdma_faults_type = {
	.ct_owner = THIS_MODULE,
};

/**
 * altdma_configfs_init_rule - the rule's configfs directory and faults/
 * @rule: a new rule (its bus set)
 * @name: the device's name, the directory's
 */
void altdma_configfs_init_rule(struct altdma_rule *rule, const char *name)
{
	int cls;

	config_group_init_type_name(&rule->group, name, &altdma_rule_type);
	config_group_init_type_name(&rule->faults, "faults", &altdma_faults_type);
	configfs_add_default_group(&rule->faults, &rule->group);
	for (cls = 0; cls < ALTDMA_NR_FAULT_CLASSES; cls++) {
		struct altdma_fault_group *fg = &rule->fault_class[cls];

		fg->rule = rule;
		fg->cls = cls;
		config_group_init_type_name(&fg->group,
					    altdma_fault_class_name(cls),
					    &altdma_fault_class_type);
		configfs_add_default_group(&fg->group, &rule->faults);
	}
}

static struct config_group *altdma_make_rule(struct config_group *group,
					     const char *name)
{
	struct altdma_bus *bus = container_of(group, struct altdma_bus, group);
	struct altdma_rule *rule;

	rule = altdma_rule_create(bus, name);
	if (IS_ERR(rule))
		return ERR_CAST(rule);
	altdma_rule_add(rule);
	return &rule->group;
}

/* configfs refuses the rmdir itself while a driver is bound over it. */
static void altdma_drop_rule(struct config_group *group,
			     struct config_item *item)
{
	altdma_rule_remove(altdma_rule_of(item));
	config_item_put(item);
}

static struct configfs_group_operations altdma_bus_group_ops = {
	.make_group = altdma_make_rule,
	.drop_item = altdma_drop_rule,
};

static const struct config_item_type altdma_bus_type = {
	.ct_group_ops = &altdma_bus_group_ops,
	.ct_owner = THIS_MODULE,
};

static const struct config_item_type altdma_root_type = {
	.ct_owner = THIS_MODULE,
};

struct configfs_subsystem altdma_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "altdma",
			.ci_type = &altdma_root_type,
		},
	},
};

int altdma_configfs_init(void)
{
	int i, ret;

	config_group_init(&altdma_subsys.su_group);
	mutex_init(&altdma_subsys.su_mutex);
	for (i = 0; i < ARRAY_SIZE(altdma_buses); i++) {
		config_group_init_type_name(&altdma_buses[i].group,
					    altdma_buses[i].name,
					    &altdma_bus_type);
		configfs_add_default_group(&altdma_buses[i].group,
					   &altdma_subsys.su_group);
	}
	ret = configfs_register_subsystem(&altdma_subsys);
	if (ret)
		pr_err("cannot register /sys/kernel/config/altdma (%d)\n", ret);
	return ret;
}

void altdma_configfs_exit(void)
{
	configfs_unregister_subsystem(&altdma_subsys);
}

/* An attach= rule: a default group of its bus (user space cannot rmdir it). */
int altdma_configfs_add_rule(struct altdma_rule *rule)
{
	return configfs_register_group(&rule->bus->group, &rule->group);
}

void altdma_configfs_remove_rule(struct altdma_rule *rule)
{
	configfs_unregister_group(&rule->group);
}
