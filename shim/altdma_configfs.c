// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/config/altdma/<bus>/<device>/: one directory per rule, with
 * its settings, enable and a read-only state (see altdma_rules.c). The
 * controls are here rather than in debugfs because lockdown (Secure Boot)
 * blocks debugfs writes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
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
	&altdma_rule_attr_enable,
	&altdma_rule_attr_state,
	NULL,
};

static void altdma_rule_release(struct config_item *item)
{
	kfree(altdma_rule_of(item));
}

static struct configfs_item_operations altdma_rule_item_ops = {
	.release = altdma_rule_release,
};

const struct config_item_type altdma_rule_type = {
	.ct_item_ops = &altdma_rule_item_ops,
	.ct_attrs = altdma_rule_attrs,
	.ct_owner = THIS_MODULE,
};

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
