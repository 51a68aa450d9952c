/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rules: "attach altdma to device NAME on bus BUS with these settings",
 * made in configfs (/sys/kernel/config/altdma/<bus>/<device>) or by the
 * attach= module parameter, and carried out at once or when the device
 * next binds a driver (a bus notifier).
 *
 * Locking, outermost first: device_lock(dev), then altdma_rules_lock, then
 * the attach code's own mutex. Every rule field below is guarded by
 * altdma_rules_lock. Attach and detach happen only with device_lock held
 * and no driver bound (or in the bind notifier, before probe), never under
 * live mappings.
 */
#ifndef _ALTDMA_RULES_H
#define _ALTDMA_RULES_H

#include <linux/configfs.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/notifier.h>
#include <linux/types.h>

#include "altdma_internal.h"

/* The settings a rule can have, by name in configfs and in attach=. */
enum altdma_rule_key {
	ALTDMA_KEY_POLICY,
	ALTDMA_KEY_FORCE,
	ALTDMA_KEY_EMULATED_MASK_BITS,
	ALTDMA_KEY_POOL_MB,
	ALTDMA_KEY_GUARD_BYTES,
	ALTDMA_KEY_MAX_MAPPING_KB,
	ALTDMA_KEY_LAST_BOUNCE = ALTDMA_KEY_MAX_MAPPING_KB,
	ALTDMA_KEY_FAULT_INJECTION,	/* any policy: the faults/ knobs act */
	ALTDMA_KEY_LATENCY,		/* any policy: the latency histograms */
	ALTDMA_KEY_CHECKS,		/* any policy: the checker's classes */
	ALTDMA_NR_KEYS,
};

struct altdma_rule_settings {
	u32 value[ALTDMA_NR_KEYS];	/* policy: enum altdma_policy; checks: a mask */
};

/**
 * struct altdma_bus - a bus rules can name: its configfs group, its notifier
 * @name: "pci" or "platform"
 * @type: the bus
 * @group: /sys/kernel/config/altdma/<name>
 * @nb: its bus notifier
 */
struct altdma_bus {
	const char *name;
	const struct bus_type *type;
	struct config_group group;
	struct notifier_block nb;
};

/**
 * struct altdma_fault_group - faults/<class>/ of a rule: one class's knobs
 * @group: the configfs directory
 * @rule: the rule it belongs to
 * @cls: the operation class
 */
struct altdma_fault_group {
	struct config_group group;
	struct altdma_rule *rule;
	enum altdma_fault_class cls;
};

/**
 * struct altdma_rule - attach altdma to one device by name
 * @group: the configfs directory; its name is the device's name
 * @bus: the bus the device is on
 * @settings: how to attach
 * @enabled: the rule acts (attached, or armed for the next bind)
 * @from_param: made by attach= (a configfs default group: no rmdir)
 * @depends: holds a configfs dependency on @group, so rmdir is refused,
 *	while a driver is bound over the attachment
 * @dev: the device attached through this rule (the attachment holds its
 *	reference), or %NULL
 * @refused: why the last attach was refused, or ""
 * @node: entry in the list of rules
 * @faults: the faults/ directory (a configfs default group)
 * @fault_class: its subdirectories, one per &enum altdma_fault_class
 */
struct altdma_rule {
	struct config_group group;
	struct altdma_bus *bus;
	struct altdma_rule_settings settings;
	bool enabled;
	bool from_param;
	bool depends;
	struct device *dev;
	char refused[ALTDMA_REASON_LEN];
	struct list_head node;
	struct config_group faults;
	struct altdma_fault_group fault_class[ALTDMA_NR_FAULT_CLASSES];
};

static inline struct altdma_rule *altdma_rule_of(struct config_item *item)
{
	return container_of(to_config_group(item), struct altdma_rule, group);
}

static inline const char *altdma_rule_name(struct altdma_rule *rule)
{
	return config_item_name(&rule->group.cg_item);
}

extern struct altdma_bus altdma_buses[2];

/* altdma_rules.c: the rules themselves. */
const char *altdma_key_name(enum altdma_rule_key key);
int altdma_key_parse(struct altdma_rule_settings *settings,
		     enum altdma_rule_key key, const char *value);
int altdma_key_show(const struct altdma_rule_settings *settings,
		    enum altdma_rule_key key, char *buf);
struct altdma_rule *altdma_rule_create(struct altdma_bus *bus, const char *name);
void altdma_rule_add(struct altdma_rule *rule);
int altdma_rule_set_key(struct altdma_rule *rule, enum altdma_rule_key key,
			const char *value);
int altdma_rule_enable(struct altdma_rule *rule);
int altdma_rule_disable(struct altdma_rule *rule);
void altdma_rule_remove(struct altdma_rule *rule);
bool altdma_rule_enabled(struct altdma_rule *rule);
void altdma_rule_get_settings(struct altdma_rule *rule,
			      struct altdma_rule_settings *settings);
ssize_t altdma_rule_state(struct altdma_rule *rule, char *buf);
int altdma_rule_fault_set(struct altdma_rule *rule, enum altdma_fault_class cls,
			  enum altdma_fault_knob knob, s64 value);
int altdma_rule_fault_get(struct altdma_rule *rule, enum altdma_fault_class cls,
			  enum altdma_fault_knob knob, s64 *value);
int altdma_rule_fault_counts(struct altdma_rule *rule,
			     enum altdma_fault_class cls, u64 *calls,
			     u64 *injected);
int altdma_rule_latency_reset(struct altdma_rule *rule);
int altdma_bus_notify(struct notifier_block *nb, unsigned long action,
		      void *data);

/* altdma_configfs.c: the configfs tree. */
extern struct configfs_subsystem altdma_subsys;
extern const struct config_item_type altdma_rule_type;
void altdma_configfs_init_rule(struct altdma_rule *rule, const char *name);
int altdma_configfs_init(void);
void altdma_configfs_exit(void);
int altdma_configfs_add_rule(struct altdma_rule *rule);
void altdma_configfs_remove_rule(struct altdma_rule *rule);

#endif /* _ALTDMA_RULES_H */
