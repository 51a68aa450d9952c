// SPDX-License-Identifier: GPL-2.0
/*
 * The DMA-API checker, for drivers, tests and the unbind report: its
 * counters, its last findings, and the leak report, which lists every live
 * mapping and allocation grouped by the stack that made it ("37 x 4096
 * bytes FROM_DEVICE single from foo_rx_refill+0x44/0x210 [foo]").
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "altdma_internal.h"

/* The kernel log names this many groups; debugfs mappings has them all. */
#define ALTDMA_LEAK_GROUPS_LOGGED 64

/*
 * As the checker's messages and dma-debug's, with a space after it; ""
 * for allocations, which have no direction.
 */
const char *altdma_check_dir_label(u32 dir)
{
	static const char *const names[] = {
		"BIDIRECTIONAL ", "TO_DEVICE ", "FROM_DEVICE ", "",
	};

	return dir < ARRAY_SIZE(names) ? names[dir] : "? ";
}

/**
 * altdma_check_class_name - the name of a checker class
 * @cls: the class
 *
 * Return: its name as in the checks rule key ("not_mapped"), or "?".
 */
const char *altdma_check_class_name(enum altdma_check_class cls)
{
	const char *name = altdma_core_check_name((enum altdma_core_check_class)cls);

	return name ?: "?";
}
EXPORT_SYMBOL_GPL(altdma_check_class_name);

/* With altdma_attach_lock held: @dev's attachment if it has the checker. */
static struct altdma_attachment *altdma_find_checked(struct device *dev,
						     int *err)
{
	struct altdma_attachment *att = dev ? altdma_find(dev) : NULL;

	*err = att ? 0 : -EINVAL;
	if (att && !(att->config.flags & ALTDMA_CHECKS)) {
		*err = -EOPNOTSUPP;
		att = NULL;
	}
	return att;
}

/**
 * altdma_check_read - what the checker counted for a device
 * @dev: a device attached with ALTDMA_CHECKS
 * @stats: filled on success
 *
 * Context: process context; takes a mutex.
 * Return: 0; -EINVAL if @dev is not attached; -EOPNOTSUPP if attached
 * without ALTDMA_CHECKS.
 */
int altdma_check_read(struct device *dev, struct altdma_check_stats *stats)
{
	struct altdma_attachment *att;
	int ret;

	mutex_lock(&altdma_attach_lock);
	att = altdma_find_checked(dev, &ret);
	if (att)
		ret = altdma_core_check_read(att->core,
					     (struct altdma_core_check_stats *)stats);
	mutex_unlock(&altdma_attach_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_check_read);

/**
 * altdma_check_reports - the checker's last findings for a device
 * @dev: a device attached with ALTDMA_CHECKS
 * @out: up to @max reports, oldest first
 * @max: room in @out (the checker keeps %ALTDMA_CHECK_REPORTS)
 *
 * Every finding of an enabled class is kept, also those whose message the
 * rate limit kept out of the log.
 *
 * Context: process context; takes a mutex.
 * Return: how many reports were filled, or as altdma_check_read().
 */
long altdma_check_reports(struct device *dev, struct altdma_check_report *out,
			  u32 max)
{
	struct altdma_attachment *att;
	long ret;
	int err;

	mutex_lock(&altdma_attach_lock);
	att = altdma_find_checked(dev, &err);
	ret = att ? altdma_core_check_reports(att->core,
					      (struct altdma_core_check_report *)out,
					      max) : err;
	mutex_unlock(&altdma_attach_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_check_reports);

static void altdma_check_print_group(struct altdma_attachment *att,
				     const struct altdma_core_check_group *g,
				     char *caller)
{
	altdma_stack_caller(g->stack, caller, KSYM_SYMBOL_LEN);
	dev_err(att->dev,
		"altdma:   %llu x %llu bytes %s%s from %s (lowest DMA address %#llx)\n",
		g->count, g->size, altdma_check_dir_label(g->dir), g->kind,
		caller, (u64)g->first_dma);
}

/**
 * altdma_check_print_leaks - log what a driver left behind, grouped by stack
 * @att: an attachment with the checker
 * @when: what just ended ("driver nvme unbound")
 *
 * Each live entry not counted at an earlier unbind counts as a leak finding.
 *
 * Context: process context, with altdma_attach_lock held; may sleep.
 * Return: how many mappings and allocations are live, or a negative errno.
 */
long altdma_check_print_leaks(struct altdma_attachment *att, const char *when)
{
	struct altdma_core_check_group *groups;
	struct altdma_core_check_stats stats;
	char *caller;
	long n, i;

	lockdep_assert_held(&altdma_attach_lock);
	groups = kcalloc(ALTDMA_LEAK_GROUPS_LOGGED, sizeof(*groups), GFP_KERNEL);
	caller = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	n = groups && caller ?
		altdma_core_check_outstanding(att->core, groups,
					      ALTDMA_LEAK_GROUPS_LOGGED, 1) :
		-ENOMEM;
	if (n < 0) {
		dev_err(att->dev, "altdma: %s: checker: cannot list the live mappings (%pe)\n",
			when, ERR_PTR(n));
		goto out;
	}
	altdma_core_check_read(att->core, &stats);
	if (!n) {
		dev_info(att->dev, "altdma: %s: checker: no mapping or allocation left behind\n",
			 when);
		goto out;
	}
	dev_err(att->dev,
		"altdma: %s: checker: leak: %llu mappings and allocations left behind, in %ld groups by the stack that made them:\n",
		when, stats.live, n);
	for (i = 0; i < min_t(long, n, ALTDMA_LEAK_GROUPS_LOGGED); i++)
		altdma_check_print_group(att, &groups[i], caller);
	if (n > ALTDMA_LEAK_GROUPS_LOGGED)
		dev_err(att->dev, "altdma:   ... and %ld more groups: see /sys/kernel/debug/altdma/%s/mappings\n",
			n - ALTDMA_LEAK_GROUPS_LOGGED, dev_name(att->dev));
	n = stats.live;
out:
	kfree(caller);
	kfree(groups);
	return n;
}

/**
 * altdma_check_report_leaks - log every live mapping of a device, as leaks
 * @dev: a device attached with ALTDMA_CHECKS
 * @when: what ended, for the message ("driver foo unbound")
 *
 * What altdma does itself when a driver bound over a rule's attachment
 * unbinds; for a driver that attached its device itself, before detach.
 * Each live mapping and allocation counts as one leak finding, once.
 *
 * Context: process context; takes a mutex; may sleep.
 * Return: how many mappings and allocations were live, or as
 * altdma_check_read(), or -ENOMEM.
 */
long altdma_check_report_leaks(struct device *dev, const char *when)
{
	struct altdma_attachment *att;
	long ret;
	int err;

	mutex_lock(&altdma_attach_lock);
	att = altdma_find_checked(dev, &err);
	ret = att ? altdma_check_print_leaks(att, when ?: "leak check") : err;
	mutex_unlock(&altdma_attach_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_check_report_leaks);
