// SPDX-License-Identifier: GPL-2.0
/*
 * altdma rules: attach to a device named from user space, so that the
 * kernel's own, unmodified driver runs over altdma.
 *
 * A rule attaches at once when it is enabled while its device exists with
 * no driver bound; otherwise it is armed and the bus notifier attaches at
 * BUS_NOTIFY_BIND_DRIVER. In really_probe() (drivers/base/dd.c, the same
 * order in 6.1, 6.12 and 7.2) that event is sent by driver_sysfs_add(),
 * after dev->driver is set and after the bus's dma_configure() (PCI:
 * pci_dma_configure(), which on x86 only counts the IOMMU group's users),
 * and before the driver's probe(); it is sent under device_lock(dev). So
 * the ops are in place before the driver's first dma_set_mask() and its
 * first mapping, and nobody else can attach or detach meanwhile.
 *
 * The end of a binding: on unbind the core sends BUS_NOTIFY_UNBOUND_DRIVER
 * after remove() and the release of the driver's devres; a failed probe
 * sends BUS_NOTIFY_DRIVER_NOT_BOUND *before* its devres is released. So
 * what the driver left behind is reported by a devres action registered at
 * bind, which runs after every devres entry of the driver on both paths.
 * The device stays attached for its next bind while the rule is enabled.
 *
 * Device removal: BUS_NOTIFY_DEL_DEVICE comes while a driver may still be
 * bound; BUS_NOTIFY_REMOVED_DEVICE comes after bus_remove_device() has
 * unbound it, and that is where the attachment is dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "altdma_compat.h"
#include "altdma_rules.h"

static char *attach;
module_param(attach, charp, 0444);
MODULE_PARM_DESC(attach,
		 "rules made at load, as in configfs: BUS/DEVICE[,KEY=VALUE...][;...], e.g. pci/0000:01:00.0,policy=bounce,emulated_mask_bits=32;platform/NAME,policy=direct (keys: policy, force, emulated_mask_bits, pool_mb, guard_bytes, max_mapping_kb, fault_injection, latency, checks; a checks list is joined with '+' here, as not_mapped+leak)");

static DEFINE_MUTEX(altdma_rules_lock);
static LIST_HEAD(altdma_rules);

/* The owner of an attachment whose rule went away while it was busy. */
static const char altdma_orphan_owner[] = "orphan";

struct altdma_key_info {
	const char *name;
	u32 min;
	u32 max;
};

static const struct altdma_key_info altdma_keys[ALTDMA_NR_KEYS] = {
	[ALTDMA_KEY_POLICY] = { "policy", ALTDMA_DIRECT, ALTDMA_BOUNCE },
	[ALTDMA_KEY_FORCE] = { "force", 0, 1 },
	[ALTDMA_KEY_EMULATED_MASK_BITS] = { "emulated_mask_bits", 0, 63 },
	[ALTDMA_KEY_POOL_MB] = { "pool_mb", 0, 1024 },
	[ALTDMA_KEY_GUARD_BYTES] = { "guard_bytes", 0, 4096 },
	[ALTDMA_KEY_MAX_MAPPING_KB] = { "max_mapping_kb", 0, 4096 },
	[ALTDMA_KEY_FAULT_INJECTION] = { "fault_injection", 0, 1 },
	[ALTDMA_KEY_LATENCY] = { "latency", 0, 1 },
	[ALTDMA_KEY_CHECKS] = { "checks", 0, ALTDMA_CHECKS_ALL | ALTDMA_CHECKS_OPT_IN },
};

const char *altdma_key_name(enum altdma_rule_key key)
{
	return altdma_keys[key].name;
}

/* The value as written: the string, with at most one trailing newline. */
static int altdma_parse_policy(const char *value, u32 *out)
{
	if (sysfs_streq(value, "direct"))
		*out = ALTDMA_DIRECT;
	else if (sysfs_streq(value, "bounce"))
		*out = ALTDMA_BOUNCE;
	else
		return -EINVAL;
	return 0;
}

/* The class (or ALTDMA_NR_CHECK_CLASSES for "all") named by @len bytes at @p. */
static int altdma_check_class_of(const char *p, size_t len)
{
	int cls;

	if (len == 3 && !strncmp(p, "all", 3))
		return ALTDMA_NR_CHECK_CLASSES;
	for (cls = 0; cls < ALTDMA_NR_CHECK_CLASSES; cls++) {
		const char *name = altdma_check_class_name(cls);

		if (strlen(name) == len && !strncmp(p, name, len))
			return cls;
	}
	return -EINVAL;
}

/*
 * "none", or names joined by ',' (configfs) or '+' (attach=, whose commas
 * separate keys), each at most once: "all" (every class but the opt-in
 * ones) and class names, as "all,cpu_wrote_to_device_buffer".
 */
static int altdma_parse_checks(const char *value, u32 *out)
{
	size_t len = strlen(value);
	const char *p = value, *end;
	u32 mask = 0, bits;
	int cls;

	if (sysfs_streq(value, "none")) {
		*out = 0;
		return 0;
	}
	if (len && value[len - 1] == '\n')
		len--;
	for (end = value + len; p < end; p += len + 1) {
		len = strcspn(p, ",+");
		if (p + len > end)
			len = end - p;
		cls = altdma_check_class_of(p, len);
		if (cls < 0)
			return -EINVAL;
		bits = cls == ALTDMA_NR_CHECK_CLASSES ? ALTDMA_CHECKS_ALL : BIT(cls);
		if (mask & bits)
			return -EINVAL;
		mask |= bits;
		if (p + len == end - 1)
			return -EINVAL;	/* a trailing separator */
	}
	if (!mask)
		return -EINVAL;
	*out = mask;
	return 0;
}

static void altdma_checks_usage(void)
{
	char names[256];
	int cls, n = 0;

	for (cls = 0; cls < ALTDMA_NR_CHECK_CLASSES; cls++)
		n += scnprintf(names + n, sizeof(names) - n, "%s%s",
			       cls ? ", " : "", altdma_check_class_name(cls));
	pr_err("checks: 'none', or 'all' (all but the data checks) and class names joined by ',' (in attach=, by '+'), each once, from: %s\n",
	       names);
}

static int altdma_show_checks(u32 mask, char *buf)
{
	int cls, n = 0;

	if (!mask)
		return sysfs_emit(buf, "none\n");
	if ((mask & ALTDMA_CHECKS_ALL) == ALTDMA_CHECKS_ALL) {
		n = sysfs_emit(buf, "all");
		mask &= ~ALTDMA_CHECKS_ALL;
	}
	for (cls = 0; cls < ALTDMA_NR_CHECK_CLASSES; cls++)
		if (mask & BIT(cls))
			n += sysfs_emit_at(buf, n, "%s%s", n ? "," : "",
					   altdma_check_class_name(cls));
	return n + sysfs_emit_at(buf, n, "\n");
}

/*
 * Decimal digits only: no sign, no space, no radix prefix; kstrtou32()
 * allows one trailing newline and refuses anything else after the digits.
 */
static int altdma_parse_u32(const char *value, u32 *out)
{
	if (!isdigit(value[0]) || (value[0] == '0' && isdigit(value[1])))
		return -EINVAL;
	return kstrtou32(value, 10, out) ? -EINVAL : 0;
}

/**
 * altdma_key_parse - parse one setting's value into @settings
 * @settings: changed only on success
 * @key: the setting
 * @value: NUL-terminated, as written (a trailing newline is allowed)
 *
 * Return: 0, or -EINVAL (with a message) for anything but a valid value.
 */
int altdma_key_parse(struct altdma_rule_settings *settings,
		     enum altdma_rule_key key, const char *value)
{
	const struct altdma_key_info *info = &altdma_keys[key];
	u32 v;
	int ret;

	if (key == ALTDMA_KEY_CHECKS) {
		ret = altdma_parse_checks(value, &v);
		if (ret) {
			altdma_checks_usage();
			return ret;
		}
		settings->value[key] = v;
		return 0;
	}
	if (key == ALTDMA_KEY_POLICY)
		ret = altdma_parse_policy(value, &v);
	else
		ret = altdma_parse_u32(value, &v);
	if (!ret && (v < info->min || v > info->max))
		ret = -EINVAL;
	if (!ret && key == ALTDMA_KEY_EMULATED_MASK_BITS && v && v < 12)
		ret = -EINVAL;
	if (ret) {
		if (key == ALTDMA_KEY_POLICY)
			pr_err("%s: 'direct' or 'bounce' expected\n", info->name);
		else if (key == ALTDMA_KEY_EMULATED_MASK_BITS)
			pr_err("%s: 0 (none) or 12 to 63 expected, in decimal\n",
			       info->name);
		else
			pr_err("%s: a decimal number from %u to %u expected\n",
			       info->name, info->min, info->max);
		return ret;
	}
	settings->value[key] = v;
	return 0;
}

int altdma_key_show(const struct altdma_rule_settings *settings,
		    enum altdma_rule_key key, char *buf)
{
	u32 v = settings->value[key];

	if (key == ALTDMA_KEY_POLICY)
		return sysfs_emit(buf, "%s\n", altdma_policy_name(v));
	if (key == ALTDMA_KEY_CHECKS)
		return altdma_show_checks(v, buf);
	return sysfs_emit(buf, "%u\n", v);
}

static bool altdma_is_hex(const char *s, int n)
{
	while (n--)
		if (!isxdigit(*s++))
			return false;
	return true;
}

/* DDDD:BB:DD.F, as under /sys/bus/pci/devices (domains may be longer). */
static bool altdma_valid_pci_name(const char *name)
{
	size_t len = strlen(name), domain = len - 8;

	if (len < 12 || len > 16 || !altdma_is_hex(name, domain))
		return false;
	name += domain;
	return name[0] == ':' && altdma_is_hex(name + 1, 2) &&
	       name[3] == ':' && altdma_is_hex(name + 4, 2) &&
	       name[6] == '.' && name[7] >= '0' && name[7] <= '7';
}

static bool altdma_valid_platform_name(const char *name)
{
	size_t len = strlen(name);

	if (!len || len > 64)
		return false;
	for (; *name; name++)
		if (!isalnum(*name) && !strchr("._-:+", *name))
			return false;
	return true;
}

/**
 * altdma_check_device_name - whether @name can name a device on @bus
 * @bus: the bus
 * @name: the name
 *
 * Return: 0, or -EINVAL with a message.
 */
static int altdma_check_device_name(const struct altdma_bus *bus,
				    const char *name)
{
	if (!strcmp(bus->name, "pci")) {
		if (altdma_valid_pci_name(name))
			return 0;
		pr_err("'%s' is not a PCI device name: DDDD:BB:DD.F expected, as in /sys/bus/pci/devices\n",
		       name);
		return -EINVAL;
	}
	if (altdma_valid_platform_name(name))
		return 0;
	pr_err("'%s' is not a platform device name: letters, digits and ._-:+ expected, as in /sys/bus/platform/devices\n",
	       name);
	return -EINVAL;
}

/*
 * A direct rule with bounce settings is a mistake: say so before it acts
 * (and keep the reason in @why, for a rule's state).
 */
static int altdma_settings_check(const struct altdma_rule_settings *s,
				 const char *who, char *why, size_t why_len)
{
	enum altdma_rule_key key;

	if (s->value[ALTDMA_KEY_POLICY] == ALTDMA_BOUNCE)
		return 0;
	for (key = ALTDMA_KEY_FORCE; key <= ALTDMA_KEY_LAST_BOUNCE; key++) {
		if (!s->value[key])
			continue;
		snprintf(why, why_len,
			 "%s is a bounce setting, but the policy is direct: set policy to bounce, or %s to 0",
			 altdma_key_name(key), altdma_key_name(key));
		pr_err("%s: %s\n", who, why);
		return -EINVAL;
	}
	return 0;
}

static void altdma_settings_to_config(const struct altdma_rule_settings *s,
				      struct altdma_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->policy = s->value[ALTDMA_KEY_POLICY];
	if (s->value[ALTDMA_KEY_FORCE])
		cfg->flags |= ALTDMA_FORCE_BOUNCE;
	if (s->value[ALTDMA_KEY_GUARD_BYTES]) {
		cfg->flags |= ALTDMA_GUARD_BYTES;
		cfg->guard_size = s->value[ALTDMA_KEY_GUARD_BYTES];
	}
	cfg->emulated_mask_bits = s->value[ALTDMA_KEY_EMULATED_MASK_BITS];
	cfg->pool_size = (u64)s->value[ALTDMA_KEY_POOL_MB] << 20;
	cfg->max_mapping_size = (u64)s->value[ALTDMA_KEY_MAX_MAPPING_KB] << 10;
	if (s->value[ALTDMA_KEY_FAULT_INJECTION])
		cfg->flags |= ALTDMA_FAULTS;
	if (s->value[ALTDMA_KEY_LATENCY])
		cfg->flags |= ALTDMA_LATENCY;
	if (s->value[ALTDMA_KEY_CHECKS]) {
		cfg->flags |= ALTDMA_CHECKS;
		cfg->checks = s->value[ALTDMA_KEY_CHECKS];
	}
}

/**
 * altdma_rule_create - a new, disabled direct rule for device @name
 * @bus: the bus the device is on
 * @name: the device's name, checked against the bus's naming
 *
 * Return: the rule (its configfs item holds the one reference), or
 * ERR_PTR(-EINVAL) for a bad name (with a message) or ERR_PTR(-ENOMEM).
 */
struct altdma_rule *altdma_rule_create(struct altdma_bus *bus, const char *name)
{
	struct altdma_rule *rule;

	if (altdma_check_device_name(bus, name))
		return ERR_PTR(-EINVAL);
	rule = kzalloc(sizeof(*rule), GFP_KERNEL);
	if (!rule)
		return ERR_PTR(-ENOMEM);
	rule->bus = bus;
	rule->settings.value[ALTDMA_KEY_POLICY] = ALTDMA_DIRECT;
	INIT_LIST_HEAD(&rule->node);
	altdma_configfs_init_rule(rule, name);
	return rule;
}

void altdma_rule_add(struct altdma_rule *rule)
{
	mutex_lock(&altdma_rules_lock);
	list_add_tail(&rule->node, &altdma_rules);
	mutex_unlock(&altdma_rules_lock);
}

static struct altdma_rule *altdma_rule_find_locked(const struct bus_type *bus,
						   const char *name)
{
	struct altdma_rule *rule;

	lockdep_assert_held(&altdma_rules_lock);
	list_for_each_entry(rule, &altdma_rules, node)
		if (rule->bus->type == bus && !strcmp(altdma_rule_name(rule), name))
			return rule;
	return NULL;
}

static struct altdma_rule *altdma_rule_of_dev_locked(struct device *dev)
{
	struct altdma_rule *rule;

	lockdep_assert_held(&altdma_rules_lock);
	list_for_each_entry(rule, &altdma_rules, node)
		if (rule->dev == dev)
			return rule;
	return NULL;
}

/* The device of that name on the rule's bus, with a reference, or NULL. */
static struct device *altdma_rule_find_device(struct altdma_rule *rule)
{
	return altdma_compat_find_device(rule->bus->type,
					 altdma_rule_name(rule));
}

/*
 * Takes device_lock of the rule's device (the attached one, else the one
 * of that name on the bus), then altdma_rules_lock, in that order. Returns
 * the device, locked and with a reference, or NULL with only the rules
 * lock held; release both with altdma_rule_unlock().
 */
static struct device *altdma_rule_lock(struct altdma_rule *rule)
{
	struct device *dev;

	for (;;) {
		mutex_lock(&altdma_rules_lock);
		dev = rule->dev ? get_device(rule->dev) : NULL;
		mutex_unlock(&altdma_rules_lock);
		if (!dev)
			dev = altdma_rule_find_device(rule);
		if (dev)
			device_lock(dev);
		mutex_lock(&altdma_rules_lock);
		if (!rule->dev || rule->dev == dev)
			return dev;
		/* Attached meanwhile to another device of that name. */
		mutex_unlock(&altdma_rules_lock);
		if (dev) {
			device_unlock(dev);
			put_device(dev);
		}
	}
}

static void altdma_rule_unlock(struct device *dev)
{
	mutex_unlock(&altdma_rules_lock);
	if (dev) {
		device_unlock(dev);
		put_device(dev);
	}
}

/*
 * Still on its bus: a device found by name may be on its way out, and
 * bus_remove_device() takes it off the bus before BUS_NOTIFY_REMOVED_DEVICE
 * (which needs the locks held here). Found here means that notifier has not
 * run yet and will see the attachment.
 */
static bool altdma_still_on_bus(struct altdma_rule *rule, struct device *dev)
{
	struct device *found = altdma_rule_find_device(rule);

	put_device(found);
	return found == dev;
}

/*
 * The next driver must not inherit the previous one's DMA masks (nothing
 * in the driver core resets them): the bounce pool is placed by the masks
 * at attach. A PCI device starts with 32-bit masks (pci_setup_device()).
 */
static void altdma_reset_masks(struct device *dev, u64 *mask, u64 *coherent)
{
	*mask = *dev->dma_mask;
	*coherent = dev->coherent_dma_mask;
	if (dev_is_pci(dev)) {
		*dev->dma_mask = DMA_BIT_MASK(32);
		dev->coherent_dma_mask = DMA_BIT_MASK(32);
	}
}

/* With device_lock(@dev) and altdma_rules_lock held. */
static int altdma_rule_attach_locked(struct altdma_rule *rule,
				     struct device *dev)
{
	struct altdma_config cfg;
	u64 mask = 0, coherent = 0;
	bool masks_saved = dev->dma_mask;
	int ret;

	device_lock_assert(dev);
	lockdep_assert_held(&altdma_rules_lock);
	altdma_settings_to_config(&rule->settings, &cfg);
	if (masks_saved)
		altdma_reset_masks(dev, &mask, &coherent);
	ret = altdma_attach_owned(dev, &cfg, rule, rule->refused,
				  sizeof(rule->refused));
	if (ret) {
		if (masks_saved) {
			*dev->dma_mask = mask;
			dev->coherent_dma_mask = coherent;
		}
		return ret;
	}
	rule->refused[0] = '\0';
	rule->dev = dev;
	return 0;
}

/* With device_lock(rule->dev) and altdma_rules_lock held. */
static int altdma_rule_detach_locked(struct altdma_rule *rule, bool removed)
{
	struct device *dev = rule->dev;
	int ret;

	if (dev->driver) {
		dev_err(dev, "altdma: driver %s is bound over altdma: unbind it first (altdmactl detach unbinds, detaches and binds it again)\n",
			dev->driver->name);
		return -EBUSY;
	}
	/* Gone from its bus now, or earlier with mappings then still live. */
	if (removed || !device_is_registered(dev))
		ret = altdma_detach_removed(dev, rule);
	else
		ret = altdma_detach_owned(dev, rule);
	if (!ret)
		rule->dev = NULL;
	return ret;
}

/**
 * altdma_rule_set_key - change one setting of a disabled rule
 * @rule: the rule
 * @key: the setting
 * @value: as written
 *
 * Return: 0, -EBUSY while the rule is enabled, or -EINVAL; the rule is
 * unchanged on error.
 */
int altdma_rule_set_key(struct altdma_rule *rule, enum altdma_rule_key key,
			const char *value)
{
	int ret = -EBUSY;

	mutex_lock(&altdma_rules_lock);
	if (rule->enabled)
		pr_err("%s/%s: %s cannot change while the rule is enabled: write 0 to enable first\n",
		       rule->bus->name, altdma_rule_name(rule),
		       altdma_key_name(key));
	else
		ret = altdma_key_parse(&rule->settings, key, value);
	if (!ret)
		rule->refused[0] = '\0';	/* it spoke of other settings */
	mutex_unlock(&altdma_rules_lock);
	return ret;
}

bool altdma_rule_enabled(struct altdma_rule *rule)
{
	bool enabled;

	mutex_lock(&altdma_rules_lock);
	enabled = rule->enabled;
	mutex_unlock(&altdma_rules_lock);
	return enabled;
}

void altdma_rule_get_settings(struct altdma_rule *rule,
			      struct altdma_rule_settings *settings)
{
	mutex_lock(&altdma_rules_lock);
	*settings = rule->settings;
	mutex_unlock(&altdma_rules_lock);
}

/**
 * altdma_rule_enable - attach now if the device is there without a driver,
 * else arm the rule for the device's next bind
 * @rule: the rule
 *
 * Return: 0, -EINVAL for inconsistent settings, or why the attach was
 * refused (then the rule stays disabled, and its state says why).
 */
int altdma_rule_enable(struct altdma_rule *rule)
{
	char who[96];
	struct device *dev;
	int ret = 0;

	dev = altdma_rule_lock(rule);
	if (rule->enabled)
		goto unlock;
	snprintf(who, sizeof(who), "%s/%s", rule->bus->name,
		 altdma_rule_name(rule));
	rule->refused[0] = '\0';
	ret = altdma_settings_check(&rule->settings, who, rule->refused,
				    sizeof(rule->refused));
	if (ret)
		goto unlock;
	if (dev && !dev->driver && !rule->dev && altdma_still_on_bus(rule, dev)) {
		ret = altdma_rule_attach_locked(rule, dev);
		if (ret)
			goto unlock;
	}
	rule->enabled = true;
unlock:
	altdma_rule_unlock(dev);
	return ret;
}

/**
 * altdma_rule_disable - detach, and stop acting on binds
 * @rule: the rule
 *
 * Return: 0, or -EBUSY (nothing changed) while a driver is bound over the
 * attachment or the pool still holds the last driver's mappings.
 */
int altdma_rule_disable(struct altdma_rule *rule)
{
	struct device *dev;
	int ret = 0;

	dev = altdma_rule_lock(rule);
	if (rule->dev)
		ret = altdma_rule_detach_locked(rule, false);
	if (!ret) {
		rule->enabled = false;
		rule->refused[0] = '\0';
	}
	altdma_rule_unlock(dev);
	return ret;
}

/**
 * altdma_rule_remove - the rule goes (rmdir, or the module's exit)
 * @rule: the rule
 *
 * Detaches; an attachment that cannot be detached (live mappings left by
 * a driver) stays, owned by nobody, so its pool is never freed under the
 * device.
 */
void altdma_rule_remove(struct altdma_rule *rule)
{
	struct device *dev;

	dev = altdma_rule_lock(rule);
	list_del_init(&rule->node);
	rule->enabled = false;
	if (rule->dev && altdma_rule_detach_locked(rule, false)) {
		altdma_change_owner(rule->dev, rule, altdma_orphan_owner);
		dev_warn(rule->dev, "altdma: rule removed, but altdma stays attached (and loaded) with its pool: its mappings are still live\n");
		rule->dev = NULL;
	}
	altdma_rule_unlock(dev);
}

/**
 * altdma_rule_state - what the rule is doing, for its state attribute
 * @rule: the rule
 * @buf: a page
 *
 * Return: the length written.
 */
ssize_t altdma_rule_state(struct altdma_rule *rule, char *buf)
{
	struct device *dev;
	ssize_t len;

	dev = altdma_rule_lock(rule);
	if (rule->dev && rule->dev->driver)
		len = sysfs_emit(buf, "attached (driver %s)\n",
				 rule->dev->driver->name);
	else if (rule->dev)
		len = sysfs_emit(buf, "attached (no driver)\n");
	else if (rule->refused[0])
		len = sysfs_emit(buf, "refused: %s\n", rule->refused);
	else if (!rule->enabled)
		len = sysfs_emit(buf, "disabled\n");
	else if (!dev)
		len = sysfs_emit(buf, "armed (device not present)\n");
	else if (dev->driver)
		len = sysfs_emit(buf, "armed (device bound to %s: unbind and bind it again)\n",
				 dev->driver->name);
	else
		len = sysfs_emit(buf, "armed (no driver bound: attaches when one binds)\n");
	altdma_rule_unlock(dev);
	return len;
}

/*
 * The knobs and histograms live in the attachment (they survive the
 * driver's unbind and bind, not a detach). With altdma_rules_lock held:
 * rule->dev stays.
 */
static int altdma_rule_layer_locked(struct altdma_rule *rule,
				    enum altdma_rule_key key, const char *what)
{
	const char *name = altdma_key_name(key);

	lockdep_assert_held(&altdma_rules_lock);
	if (!rule->dev) {
		pr_err("%s/%s: %s: not attached: enable the rule (with %s 1) first; it attaches at once to a device with no driver bound\n",
		       rule->bus->name, altdma_rule_name(rule), what, name);
		return -ENODEV;
	}
	if (!rule->settings.value[key]) {
		pr_err("%s/%s: %s: attached without %s: write 0 to enable, 1 to %s, then 1 to enable\n",
		       rule->bus->name, altdma_rule_name(rule), what, name,
		       name);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int altdma_rule_faults_locked(struct altdma_rule *rule, const char *what)
{
	return altdma_rule_layer_locked(rule, ALTDMA_KEY_FAULT_INJECTION, what);
}

/**
 * altdma_rule_fault_set - set a fault knob of the rule's attachment
 * @rule: the rule
 * @cls: the operation class
 * @knob: the knob
 * @value: its value, checked by altdma_fault_set()
 *
 * Return: 0; -ENODEV if not attached, -EOPNOTSUPP if attached without
 * fault_injection, -EINVAL for a value out of range (nothing changed).
 */
int altdma_rule_fault_set(struct altdma_rule *rule, enum altdma_fault_class cls,
			  enum altdma_fault_knob knob, s64 value)
{
	int ret;

	mutex_lock(&altdma_rules_lock);
	ret = altdma_rule_faults_locked(rule, "faults/ knobs");
	if (!ret)
		ret = altdma_fault_set(rule->dev, cls, knob, value);
	mutex_unlock(&altdma_rules_lock);
	return ret;
}

int altdma_rule_fault_get(struct altdma_rule *rule, enum altdma_fault_class cls,
			  enum altdma_fault_knob knob, s64 *value)
{
	int ret;

	mutex_lock(&altdma_rules_lock);
	ret = altdma_rule_faults_locked(rule, "faults/ knobs");
	if (!ret)
		ret = altdma_fault_get(rule->dev, cls, knob, value);
	mutex_unlock(&altdma_rules_lock);
	return ret;
}

int altdma_rule_fault_counts(struct altdma_rule *rule,
			     enum altdma_fault_class cls, u64 *calls,
			     u64 *injected)
{
	struct altdma_stats stats;
	int ret;

	mutex_lock(&altdma_rules_lock);
	ret = altdma_rule_faults_locked(rule, "faults/ counts");
	if (!ret)
		ret = altdma_get_stats(rule->dev, &stats);
	mutex_unlock(&altdma_rules_lock);
	if (!ret) {
		*calls = stats.fault_calls[cls];
		*injected = stats.faults_injected[cls];
	}
	return ret;
}

/**
 * altdma_rule_latency_reset - start the rule's latency histograms over
 * @rule: the rule
 *
 * Return: 0; -ENODEV if not attached, -EOPNOTSUPP if attached without
 * latency.
 */
int altdma_rule_latency_reset(struct altdma_rule *rule)
{
	int ret;

	mutex_lock(&altdma_rules_lock);
	ret = altdma_rule_layer_locked(rule, ALTDMA_KEY_LATENCY, "latency_reset");
	if (!ret)
		ret = altdma_latency_reset(rule->dev);
	mutex_unlock(&altdma_rules_lock);
	return ret;
}

/* Runs after the driver's own devres on unbind and on a failed probe. */
static void altdma_binding_ended(void *data)
{
	struct device *dev = data;
	char when[96];

	snprintf(when, sizeof(when), "driver %s unbound",
		 dev->driver ? dev->driver->name : "?");
	altdma_report_outstanding(dev, when);
}

/* VFIO and the like: the driver owns the IOMMU domain, not the DMA API. */
static bool altdma_driver_manages_dma(struct device *dev)
{
	if (dev_is_pci(dev))
		return to_pci_driver(dev->driver)->driver_managed_dma;
	if (dev_is_platform(dev))
		return to_platform_driver(dev->driver)->driver_managed_dma;
	return false;
}

/* A driver binds @dev: probe() comes next, under the same device_lock. */
static void altdma_rules_bind(struct altdma_bus *bus, struct device *dev)
{
	struct altdma_rule *rule;
	bool depend;
	int ret;

	mutex_lock(&altdma_rules_lock);
	rule = altdma_rule_find_locked(bus->type, dev_name(dev));
	if (!rule || !rule->enabled || (rule->dev && rule->dev != dev)) {
		mutex_unlock(&altdma_rules_lock);
		return;
	}
	if (!rule->dev) {
		if (altdma_driver_manages_dma(dev)) {
			snprintf(rule->refused, sizeof(rule->refused),
				 "driver %s manages DMA itself (driver_managed_dma, as VFIO does)",
				 dev->driver->name);
			dev_err(dev, "altdma: attach refused: %s\n", rule->refused);
			ret = -EOPNOTSUPP;
		} else {
			ret = altdma_rule_attach_locked(rule, dev);
		}
		if (ret) {
			dev_err(dev, "altdma: driver %s probes without altdma\n",
				dev->driver->name);
			mutex_unlock(&altdma_rules_lock);
			return;
		}
	}
	depend = !rule->depends;
	rule->depends = true;
	config_item_get(&rule->group.cg_item);
	mutex_unlock(&altdma_rules_lock);

	/*
	 * Outside the rules lock: configfs_depend_item() takes the configfs
	 * root's inode lock, which rmdir and mkdir order before it.
	 */
	if (depend && configfs_depend_item(&altdma_subsys, &rule->group.cg_item)) {
		mutex_lock(&altdma_rules_lock);
		rule->depends = false;
		mutex_unlock(&altdma_rules_lock);
	}
	config_item_put(&rule->group.cg_item);
	if (devm_add_action(dev, altdma_binding_ended, dev))
		dev_warn(dev, "altdma: out of memory: no report when this driver unbinds\n");
	dev_info(dev, "altdma: driver %s binds over altdma (rule %s/%s; rmdir of the rule is refused until it unbinds)\n",
		 dev->driver->name, bus->name, dev_name(dev));
}

/* The binding is over (unbound, or probe failed): rmdir may go ahead. */
static void altdma_rules_unbound(struct device *dev)
{
	struct altdma_rule *rule;
	bool undepend = false;

	mutex_lock(&altdma_rules_lock);
	rule = altdma_rule_of_dev_locked(dev);
	if (rule && rule->depends) {
		rule->depends = false;
		undepend = true;
		config_item_get(&rule->group.cg_item);
	}
	mutex_unlock(&altdma_rules_lock);
	if (undepend) {
		configfs_undepend_item(&rule->group.cg_item);
		config_item_put(&rule->group.cg_item);
	}
}

/* The device is gone from its bus, its driver unbound: drop it. */
static void altdma_rules_removed(struct device *dev)
{
	struct altdma_rule *rule;

	device_lock(dev);
	mutex_lock(&altdma_rules_lock);
	rule = altdma_rule_of_dev_locked(dev);
	if (rule && altdma_rule_detach_locked(rule, true))
		dev_warn(dev, "altdma: device removed with live mappings: altdma stays attached (and loaded) so their memory is never reused\n");
	mutex_unlock(&altdma_rules_lock);
	device_unlock(dev);
}

int altdma_bus_notify(struct notifier_block *nb, unsigned long action,
		      void *data)
{
	struct altdma_bus *bus = container_of(nb, struct altdma_bus, nb);
	struct device *dev = data;

	switch (action) {
	case BUS_NOTIFY_BIND_DRIVER:
		altdma_rules_bind(bus, dev);
		break;
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
	case BUS_NOTIFY_UNBOUND_DRIVER:
		altdma_rules_unbound(dev);
		break;
	case BUS_NOTIFY_REMOVED_DEVICE:
		altdma_rules_removed(dev);
		break;
	}
	return NOTIFY_DONE;
}

/* One "BUS/DEVICE,KEY=VALUE,..." of attach=, into a new rule. */
static struct altdma_rule *altdma_param_rule(char *entry)
{
	char *target = strsep(&entry, ","), *name, *pair;
	unsigned long seen = 0;
	struct altdma_rule *rule;
	struct altdma_bus *bus = NULL;
	int i;

	name = strchr(target, '/');
	if (!name) {
		pr_err("attach=: '%s': BUS/DEVICE expected (pci/0000:01:00.0)\n",
		       target);
		return ERR_PTR(-EINVAL);
	}
	*name++ = '\0';
	for (i = 0; i < ARRAY_SIZE(altdma_buses); i++)
		if (!strcmp(target, altdma_buses[i].name))
			bus = &altdma_buses[i];
	if (!bus) {
		pr_err("attach=: unknown bus '%s' (pci or platform)\n", target);
		return ERR_PTR(-EINVAL);
	}
	rule = altdma_rule_create(bus, name);
	if (IS_ERR(rule))
		return rule;
	while ((pair = strsep(&entry, ","))) {
		char *value = strchr(pair, '=');
		enum altdma_rule_key key;

		if (value)
			*value++ = '\0';
		for (key = 0; key < ALTDMA_NR_KEYS; key++)
			if (!strcmp(pair, altdma_key_name(key)))
				break;
		if (!value || key == ALTDMA_NR_KEYS) {
			pr_err("attach=: %s/%s: '%s' is not KEY=VALUE with a known key\n",
			       bus->name, name, pair);
			goto invalid;
		}
		if (__test_and_set_bit(key, &seen)) {
			pr_err("attach=: %s/%s: %s given twice\n", bus->name,
			       name, pair);
			goto invalid;
		}
		if (altdma_key_parse(&rule->settings, key, value))
			goto invalid;
	}
	if (altdma_settings_check(&rule->settings, "attach=", rule->refused,
				  sizeof(rule->refused)))
		goto invalid;
	rule->from_param = true;
	return rule;
invalid:
	config_item_put(&rule->group.cg_item);
	return ERR_PTR(-EINVAL);
}

static void altdma_param_rules_free(struct list_head *rules)
{
	struct altdma_rule *rule, *next;

	list_for_each_entry_safe(rule, next, rules, node) {
		list_del_init(&rule->node);
		config_item_put(&rule->group.cg_item);
	}
}

static bool altdma_param_duplicate(struct list_head *rules,
				   struct altdma_rule *new)
{
	struct altdma_rule *rule;

	list_for_each_entry(rule, rules, node)
		if (rule->bus == new->bus &&
		    !strcmp(altdma_rule_name(rule), altdma_rule_name(new)))
			return true;
	return false;
}

/* Parses attach= into @rules; all of it, or nothing and -EINVAL. */
static int altdma_param_parse(struct list_head *rules)
{
	char *copy, *cursor, *entry;
	int ret = 0;

	if (!attach || !*attach)
		return 0;
	copy = kstrdup(attach, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	cursor = copy;
	while ((entry = strsep(&cursor, ";"))) {
		struct altdma_rule *rule;

		if (!*entry) {
			pr_err("attach=: empty rule (';' twice, or at either end)\n");
			ret = -EINVAL;
			break;
		}
		rule = altdma_param_rule(entry);
		if (IS_ERR(rule)) {
			ret = PTR_ERR(rule);
			break;
		}
		if (altdma_param_duplicate(rules, rule)) {
			pr_err("attach=: %s/%s named twice\n", rule->bus->name,
			       altdma_rule_name(rule));
			config_item_put(&rule->group.cg_item);
			ret = -EINVAL;
			break;
		}
		list_add_tail(&rule->node, rules);
	}
	kfree(copy);
	if (ret)
		altdma_param_rules_free(rules);
	return ret;
}

static void altdma_notifiers_unregister(int count)
{
	while (count--)
		altdma_compat_bus_unregister_notifier(altdma_buses[count].type,
						      &altdma_buses[count].nb);
}

/**
 * altdma_rules_init - parse attach=, make configfs, listen to the buses
 *
 * Return: 0, or an errno with everything undone (-EINVAL for attach=).
 */
int altdma_rules_init(void)
{
	struct altdma_rule *rule, *next;
	LIST_HEAD(param_rules);
	int ret, i;

	ret = altdma_param_parse(&param_rules);
	if (ret)
		return ret;
	ret = altdma_configfs_init();
	if (ret)
		goto free_rules;
	for (i = 0; i < ARRAY_SIZE(altdma_buses); i++) {
		altdma_buses[i].nb.notifier_call = altdma_bus_notify;
		ret = altdma_compat_bus_register_notifier(altdma_buses[i].type,
							  &altdma_buses[i].nb);
		if (ret) {
			altdma_notifiers_unregister(i);
			altdma_configfs_exit();
			goto free_rules;
		}
	}
	list_for_each_entry_safe(rule, next, &param_rules, node) {
		list_del_init(&rule->node);
		ret = altdma_configfs_add_rule(rule);
		if (ret) {
			pr_err("attach=: %s/%s: cannot add it to configfs (%d)\n",
			       rule->bus->name, altdma_rule_name(rule), ret);
			config_item_put(&rule->group.cg_item);
			continue;
		}
		altdma_rule_add(rule);
		if (altdma_rule_enable(rule))
			pr_err("attach=: %s/%s not attached; its state says why\n",
			       rule->bus->name, altdma_rule_name(rule));
	}
	return 0;
free_rules:
	altdma_param_rules_free(&param_rules);
	return ret;
}

/*
 * Only reached with no attachment (each pins the module) and no rule made
 * by mkdir (configfs pins the module for each): what is left are attach=
 * rules, none of them attached.
 */
void altdma_rules_exit(void)
{
	struct altdma_rule *rule;

	altdma_notifiers_unregister(ARRAY_SIZE(altdma_buses));
	for (;;) {
		mutex_lock(&altdma_rules_lock);
		rule = list_first_entry_or_null(&altdma_rules,
						struct altdma_rule, node);
		mutex_unlock(&altdma_rules_lock);
		if (!rule)
			break;
		altdma_configfs_remove_rule(rule);
		altdma_rule_remove(rule);
		config_item_put(&rule->group.cg_item);
	}
	altdma_configfs_exit();
}
