// SPDX-License-Identifier: GPL-2.0
/*
 * altdma: attach and detach the per-device DMA mapping layer.
 *
 * Attaching gives the device its own copy of altdma's dma_map_ops and the
 * C++ core's state for the configured policy; detaching restores the ops
 * the device had before. While any device is attached the module holds a
 * reference on itself, so it cannot be unloaded under a device that still
 * points at its ops (x86 never resets dev->dma_ops on unbind).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "altdma.h"
#include "altdma_compat.h"
#include "altdma_internal.h"

static_assert(ALTDMA_FORCE_BOUNCE == ALTDMA_BOUNCE_FORCE);
static_assert(ALTDMA_GUARD_BYTES == ALTDMA_BOUNCE_GUARD_BYTES);
static_assert(ALTDMA_COHERENT_FROM_POOL == ALTDMA_BOUNCE_COHERENT_FROM_POOL);
static_assert(ALTDMA_GENERIC_TABLE == ALTDMA_FLAG_GENERIC_TABLE);
static_assert(ALTDMA_FAULTS == ALTDMA_FLAG_FAULTS);
static_assert((int)ALTDMA_FAULT_MAP_SG == ALTDMA_CORE_FAULT_MAP_SG);
static_assert((int)ALTDMA_FAULT_MAP_RESOURCE == ALTDMA_CORE_FAULT_MAP_RESOURCE);
static_assert((int)ALTDMA_FAULT_ALLOC_PAGES == ALTDMA_CORE_FAULT_ALLOC_PAGES);
static_assert((int)ALTDMA_NR_FAULT_CLASSES == ALTDMA_CORE_FAULT_CLASS_COUNT);
static_assert((int)ALTDMA_FAULT_VERBOSE == ALTDMA_CORE_FAULT_VERBOSE);
static_assert((int)ALTDMA_FAULT_DIRECTIONS == ALTDMA_CORE_FAULT_DIRECTIONS);
static_assert((int)ALTDMA_FAULT_SEED == ALTDMA_CORE_FAULT_SEED);
static_assert((int)ALTDMA_NR_FAULT_KNOBS == ALTDMA_CORE_FAULT_KNOB_COUNT);
static_assert(offsetof(struct altdma_stats, faults_injected) ==
	      offsetof(struct altdma_core_stats, faults_injected));
static_assert(ALTDMA_LATENCY == ALTDMA_FLAG_LATENCY);
static_assert((int)ALTDMA_LATENCY_SYNC == ALTDMA_CORE_LATENCY_SYNC);
static_assert((int)ALTDMA_LATENCY_FREE == ALTDMA_CORE_LATENCY_FREE);
static_assert((int)ALTDMA_NR_LATENCY_CLASSES == ALTDMA_CORE_LATENCY_CLASS_COUNT);
static_assert(ALTDMA_LATENCY_BUCKETS == ALTDMA_CORE_LATENCY_BUCKETS);
static_assert(sizeof(struct altdma_latency) == sizeof(struct altdma_core_latency));
static_assert(offsetof(struct altdma_latency, buckets) ==
	      offsetof(struct altdma_core_latency, buckets));
static_assert(ALTDMA_CHECKS == ALTDMA_FLAG_CHECKS);
static_assert((int)ALTDMA_CHECK_CLASS_SYNC_DIRECTION == ALTDMA_CHECK_SYNC_DIRECTION);
static_assert((int)ALTDMA_CHECK_CLASS_LEAK == ALTDMA_CHECK_LEAK);
static_assert((int)ALTDMA_CHECK_CLASS_OVERLAP == ALTDMA_CHECK_OVERLAP);
static_assert((int)ALTDMA_CHECK_CLASS_DMA_AFTER_UNMAP == ALTDMA_CHECK_DMA_AFTER_UNMAP);
static_assert(ALTDMA_CHECKS_OPT_IN == ALTDMA_CHECK_OPT_IN);
static_assert(ALTDMA_CHECKS_ALL == ALTDMA_CHECK_DEFAULT);
static_assert((int)ALTDMA_NR_CHECK_CLASSES == ALTDMA_CHECK_CLASS_COUNT);
static_assert(sizeof(struct altdma_check_stats) ==
	      sizeof(struct altdma_core_check_stats));
static_assert(ALTDMA_CHECK_REPORTS == ALTDMA_CORE_CHECK_REPORTS);
static_assert(ALTDMA_CHECK_REPORT_UNMAP_STACK == ALTDMA_CORE_CHECK_REPORT_UNMAP_STACK);
static_assert(sizeof(struct altdma_check_report) ==
	      sizeof(struct altdma_core_check_report));
static_assert(offsetof(struct altdma_check_report, text) ==
	      offsetof(struct altdma_core_check_report, text));
static_assert((int)ALTDMA_OPS_DIRECT_FAST == ALTDMA_TABLE_DIRECT_FAST);
static_assert((int)ALTDMA_OPS_GENERIC == ALTDMA_TABLE_GENERIC);
static_assert((int)ALTDMA_OPS_BOUNCE_FAST == ALTDMA_TABLE_BOUNCE_FAST);
static_assert((int)ALTDMA_BOUNCE == ALTDMA_POLICY_BOUNCE);
static_assert(sizeof(struct altdma_stats) == sizeof(struct altdma_core_stats));
static_assert(offsetof(struct altdma_stats, guard_violations) ==
	      offsetof(struct altdma_core_stats, guard_violations));
static_assert(offsetof(struct altdma_stats, coherent_allocs) ==
	      offsetof(struct altdma_core_stats, coherent_allocs));
static_assert(offsetof(struct altdma_stats, ops_table) ==
	      offsetof(struct altdma_core_stats, ops_table));

static LIST_HEAD(altdma_attachments);
/* Guards altdma_attachments and every attachment's life (attach, detach). */
DEFINE_MUTEX(altdma_attach_lock);

struct altdma_attachment *altdma_find(struct device *dev)
{
	struct altdma_attachment *att;

	lockdep_assert_held(&altdma_attach_lock);
	list_for_each_entry(att, &altdma_attachments, node)
		if (att->dev == dev)
			return att;
	return NULL;
}

/*
 * Logs why @dev cannot be attached, with the way out, and keeps the reason
 * in @why for a rule's state.
 */
static __printf(5, 6) int altdma_refuse(struct device *dev, char *why,
					size_t why_len, int err,
					const char *fmt, ...)
{
	char reason[ALTDMA_REASON_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(reason, sizeof(reason), fmt, args);
	va_end(args);
	dev_err(dev, "altdma: attach refused: %s\n", reason);
	if (why)
		strscpy(why, reason, why_len);
	return err;
}

static int altdma_refuse_translated(struct device *dev, char *why,
				    size_t why_len)
{
	struct iommu_group *group = iommu_group_get(dev);
	int id = group ? iommu_group_id(group) : -1;

	iommu_group_put(group);
	return altdma_refuse(dev, why, why_len, -EOPNOTSUPP,
			     "device is in IOMMU group %d, whose DMA domain translates addresses; unbind every driver of the group, echo identity > /sys/kernel/iommu_groups/%d/type%s, then attach (altdmactl attach --iommu-identity does all of it), or boot with iommu=pt",
			     id, id, altdma_compat_identity_switch_rule());
}

static int altdma_check_device(struct device *dev, char *why, size_t why_len)
{
	if (!dev->dma_mask)
		return altdma_refuse(dev, why, why_len, -EINVAL,
				     "device has no DMA mask (it does no DMA)");
	if (!dev_is_dma_coherent(dev))
		return altdma_refuse(dev, why, why_len, -EOPNOTSUPP,
				     "non-coherent devices are not supported");
	/* Before the ops test: on 6.1 iommu-dma is the device's dma_ops. */
	if (altdma_compat_iommu_translated(dev))
		return altdma_refuse_translated(dev, why, why_len);
	/*
	 * Ops of the device's own (a bus or platform's) or of the
	 * architecture (Xen's swiotlb, AMD GART) translate or bounce in ways
	 * altdma's physical addresses would bypass.
	 */
	if (dev->dma_ops)
		return altdma_refuse(dev, why, why_len, -EOPNOTSUPP,
				     "device has its own DMA ops (%ps); altdma replaces only the kernel's direct mapping",
				     dev->dma_ops);
	if (get_dma_ops(dev))
		return altdma_refuse(dev, why, why_len, -EOPNOTSUPP,
				     "device uses the architecture's DMA ops (Xen or GART); not supported");
	if (altdma_compat_memory_encrypted())
		return altdma_refuse(dev, why, why_len, -EOPNOTSUPP,
				     "memory encryption (SME/SEV/TDX) is active; not supported");
	return 0;
}

static const struct dma_map_ops *altdma_table_of(struct altdma_core_device *core)
{
	switch (altdma_core_table_kind(core)) {
	case ALTDMA_TABLE_DIRECT_FAST:
		return &altdma_ops_direct_fast;
	case ALTDMA_TABLE_BOUNCE_FAST:
		return &altdma_ops_bounce_fast;
	default:
		return &altdma_ops_template;
	}
}

static struct altdma_attachment *altdma_create(struct device *dev,
					       const struct altdma_config *cfg)
{
	struct altdma_core_config core_config = {
		.policy = cfg->policy,
		.flags = cfg->flags,
		.emulated_mask_bits = cfg->emulated_mask_bits,
		.guard_size = cfg->guard_size,
		.pool_size = cfg->pool_size,
		.max_mapping_size = cfg->max_mapping_size,
		.checks = cfg->checks,
		.reserved = cfg->reserved,
	};
	struct altdma_attachment *att;
	int ret;

	att = kzalloc(sizeof(*att), GFP_KERNEL);
	if (!att)
		return ERR_PTR(-ENOMEM);
	att->fast = alloc_percpu(struct altdma_fast_counters);
	if (!att->fast) {
		kfree(att);
		return ERR_PTR(-ENOMEM);
	}
	att->dev = dev;
	ratelimit_state_init(&att->ratelimit, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	att->config = *cfg;
	ret = altdma_core_create(altdma_to_plat(att), &core_config, &att->core);
	if (ret) {
		free_percpu(att->fast);
		kfree(att);
		return ERR_PTR(ret);
	}
	/* Not yet visible to anyone: the only write to the const ops. */
	memcpy((void *)&att->ops, altdma_table_of(att->core), sizeof(att->ops));
	return att;
}

static void altdma_destroy(struct altdma_attachment *att)
{
	altdma_debugfs_remove(att);
	altdma_core_destroy(att->core);
	free_percpu(att->fast);
	kfree(att);
}

/**
 * altdma_read_stats() - everything counted for an attachment
 * @att: the attachment
 * @stats: filled with the core's counters plus the fast table's
 *
 * Context: any; the per-CPU sums are not a snapshot across CPUs.
 */
void altdma_read_stats(struct altdma_attachment *att,
		       struct altdma_core_stats *stats)
{
	int cpu;

	altdma_core_get_stats(att->core, stats);
	for_each_possible_cpu(cpu) {
		const struct altdma_fast_counters *fast =
			per_cpu_ptr(att->fast, cpu);

		stats->maps += READ_ONCE(fast->maps);
		stats->map_failures += READ_ONCE(fast->map_failures);
	}
}

/*
 * Detach refuses while the device still has bounce mappings or pool
 * allocations: the pool dies with the attachment, and the device could DMA
 * into freed pages, a later unmap or free would reach the ops restored.
 */
static int altdma_check_idle(struct altdma_attachment *att)
{
	struct altdma_core_stats stats;

	altdma_read_stats(att, &stats);
	if (!stats.outstanding_bounces && !stats.pool_coherent_outstanding)
		return 0;
	dev_err(att->dev,
		"altdma: detach refused: %llu bounce mappings and %llu coherent allocations from the pool (%llu pool bytes) are still live; unmap and free them, then detach again (altdma stays attached and loaded)\n",
		stats.outstanding_bounces, stats.pool_coherent_outstanding,
		stats.pool_used);
	return -EBUSY;
}

static int altdma_install(struct altdma_attachment *att)
{
	struct device *dev = att->dev;

	att->saved_ops = dev->dma_ops;
	set_dma_ops(dev, &att->ops);
	if (get_dma_ops(dev) != &att->ops) {
		set_dma_ops(dev, att->saved_ops);
		return -EOPNOTSUPP;
	}
	altdma_compat_reset_need_sync(dev);
	return 0;
}

/**
 * altdma_attach_owned - attach @dev for an owner, saying why not
 * @dev: the device, with device_lock(@dev) held
 * @config: policy and settings, or %NULL for the direct policy
 * @owner: what attaches (a configfs rule), %NULL for altdma_attach()
 * @why: if not %NULL, receives the reason of a refusal
 * @why_len: size of @why
 *
 * Return: as altdma_attach().
 */
int altdma_attach_owned(struct device *dev, const struct altdma_config *config,
			const void *owner, char *why, size_t why_len)
{
	static const struct altdma_config default_config = {
		.policy = ALTDMA_DIRECT,
	};
	struct altdma_attachment *att;
	int ret;

	device_lock_assert(dev);
	mutex_lock(&altdma_attach_lock);
	if (altdma_find(dev)) {
		ret = altdma_refuse(dev, why, why_len, -EBUSY,
				    "already attached");
		goto unlock;
	}
	ret = altdma_check_device(dev, why, why_len);
	if (ret)
		goto unlock;
	/* Without the depot the checker still works, with "no stack" saved. */
	if (config && (config->flags & ALTDMA_CHECKS) && altdma_stack_prepare())
		dev_warn(dev, "altdma: no stack depot: the checker's reports will have no mapping stacks\n");
	att = altdma_create(dev, config ?: &default_config);
	if (IS_ERR(att)) {
		ret = altdma_refuse(dev, why, why_len, PTR_ERR(att),
				    "the configuration was refused (%pe; the message above names the setting)",
				    att);
		goto unlock;
	}
	ret = altdma_install(att);
	if (ret) {
		altdma_destroy(att);
		ret = altdma_refuse(dev, why, why_len, ret,
				    "this kernel ignores per-device DMA ops");
		goto unlock;
	}
	att->owner = owner;
	get_device(dev);
	__module_get(THIS_MODULE);
	list_add(&att->node, &altdma_attachments);
	altdma_debugfs_add(att);
	dev_info(dev, "altdma: attached (%s policy)\n",
		 altdma_policy_name(att->config.policy));
unlock:
	mutex_unlock(&altdma_attach_lock);
	return ret;
}

/**
 * altdma_attach - map DMA for @dev through altdma
 * @dev: the device; it must have a DMA mask and be cache coherent
 * @config: policy and settings, or %NULL for the direct policy
 *
 * Replaces @dev's DMA ops with altdma's until altdma_detach(). Call it
 * before the driver sets its DMA masks and before any mapping is made.
 *
 * Context: process context, with device_lock(@dev) held (as in a driver's
 * probe(), or with no driver bound); takes a mutex.
 * Return: 0, -EINVAL for a bad device or configuration, -EBUSY if @dev is
 * already attached, -EOPNOTSUPP for a device or kernel altdma cannot map
 * for (in a translated IOMMU domain, or with DMA ops of its own), or
 * -ENOMEM.
 */
int altdma_attach(struct device *dev, const struct altdma_config *config)
{
	if (!dev)
		return -EINVAL;
	return altdma_attach_owned(dev, config, NULL, NULL, 0);
}
EXPORT_SYMBOL_GPL(altdma_attach);

static int __altdma_detach(struct device *dev, const void *owner, bool gone)
{
	struct altdma_attachment *att;
	bool restore = true;
	int ret = 0;

	device_lock_assert(dev);
	mutex_lock(&altdma_attach_lock);
	att = altdma_find(dev);
	if (!att || att->owner != owner) {
		dev_err(dev, "altdma: detach of a device altdma is not attached to%s\n",
			att ? " by this caller" : "");
		ret = -EINVAL;
		goto unlock;
	}
	if (dev->dma_ops != &att->ops) {
		/*
		 * 6.1's Intel IOMMU clears the ops of a removed device
		 * (intel_iommu_release_device) before this runs: nothing
		 * can call ours any more, so only the attachment goes.
		 * Any other replacement keeps it.
		 */
		if (!gone || dev->dma_ops) {
			dev_err(dev, "altdma: DMA ops were replaced since attach; not restoring\n");
			ret = -EBUSY;
			goto unlock;
		}
		restore = false;
	}
	ret = altdma_check_idle(att);
	if (ret)
		goto unlock;
	if (restore) {
		set_dma_ops(dev, att->saved_ops);
		altdma_compat_reset_need_sync(dev);
	}
	list_del(&att->node);
unlock:
	mutex_unlock(&altdma_attach_lock);
	if (ret)
		return ret;

	dev_info(dev, "altdma: detached%s\n",
		 restore ? "" : " (removed; its DMA ops were already cleared)");
	altdma_destroy(att);
	put_device(dev);
	module_put(THIS_MODULE);
	return 0;
}

/**
 * altdma_detach_owned - detach @dev if @owner attached it
 * @dev: the device, with device_lock(@dev) held
 * @owner: as given to altdma_attach_owned()
 *
 * Return: as altdma_detach(); -EINVAL also if someone else attached @dev.
 */
int altdma_detach_owned(struct device *dev, const void *owner)
{
	return __altdma_detach(dev, owner, false);
}

/**
 * altdma_detach_removed - detach @dev, removed from its bus, if @owner
 * attached it
 * @dev: the device, with device_lock(@dev) held and no driver bound
 * @owner: as given to altdma_attach_owned()
 *
 * As altdma_detach_owned(), but DMA ops that someone else cleared at
 * removal (an IOMMU releasing the device) do not keep the attachment.
 *
 * Return: as altdma_detach_owned().
 */
int altdma_detach_removed(struct device *dev, const void *owner)
{
	return __altdma_detach(dev, owner, true);
}

/**
 * altdma_change_owner - hand @dev's attachment from one owner to another
 * @dev: an attached device
 * @from: its owner now; nothing changes if it is not
 * @to: the new owner
 *
 * Context: process context; takes a mutex.
 */
void altdma_change_owner(struct device *dev, const void *from, const void *to)
{
	struct altdma_attachment *att;

	mutex_lock(&altdma_attach_lock);
	att = altdma_find(dev);
	if (att && att->owner == from)
		att->owner = to;
	mutex_unlock(&altdma_attach_lock);
}

/**
 * altdma_detach - give @dev back the DMA ops it had before altdma_attach()
 * @dev: an attached device with no DMA in flight and no DMA API call to come
 *
 * Refuses, changing nothing, while bounce mappings or coherent allocations
 * from the bounce pool are live (see shim/altdma.h).
 *
 * Context: process context, with device_lock(@dev) held (as in a driver's
 * remove(), or with no driver bound); takes a mutex.
 * Return: 0, -EINVAL if @dev is not attached, or -EBUSY if bounce mappings
 * or pool allocations are live or someone replaced altdma's ops on @dev
 * since attach (then nothing is changed).
 */
int altdma_detach(struct device *dev)
{
	if (!dev)
		return -EINVAL;
	return altdma_detach_owned(dev, NULL);
}
EXPORT_SYMBOL_GPL(altdma_detach);

/**
 * altdma_is_attached - whether altdma maps DMA for @dev
 * @dev: any device
 *
 * Context: process context; takes a mutex.
 * Return: true between a successful altdma_attach() and altdma_detach().
 */
bool altdma_is_attached(struct device *dev)
{
	bool attached;

	mutex_lock(&altdma_attach_lock);
	attached = altdma_find(dev);
	mutex_unlock(&altdma_attach_lock);
	return attached;
}
EXPORT_SYMBOL_GPL(altdma_is_attached);

/**
 * altdma_is_rule_attached - whether a configfs rule attached @dev
 * @dev: any device
 *
 * A driver that attaches its device itself uses this to keep a rule's
 * attachment (made before its probe) instead of making its own.
 *
 * Context: process context; takes a mutex.
 * Return: true if @dev is attached and a rule owns the attachment.
 */
bool altdma_is_rule_attached(struct device *dev)
{
	struct altdma_attachment *att;
	bool by_rule;

	mutex_lock(&altdma_attach_lock);
	att = altdma_find(dev);
	by_rule = att && att->owner;
	mutex_unlock(&altdma_attach_lock);
	return by_rule;
}
EXPORT_SYMBOL_GPL(altdma_is_rule_attached);

/**
 * altdma_get_stats - what altdma counted for an attached device
 * @dev: the device
 * @stats: filled on success
 *
 * Context: process context; takes a mutex.
 * Return: 0, or -EINVAL if @dev is not attached.
 */
int altdma_get_stats(struct device *dev, struct altdma_stats *stats)
{
	struct altdma_core_stats core_stats;
	struct altdma_attachment *att;
	int ret = 0;

	mutex_lock(&altdma_attach_lock);
	att = dev ? altdma_find(dev) : NULL;
	if (att)
		altdma_read_stats(att, &core_stats);
	else
		ret = -EINVAL;
	mutex_unlock(&altdma_attach_lock);
	if (!ret)
		memcpy(stats, &core_stats, sizeof(*stats));
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_get_stats);

/**
 * altdma_fault_set - set a fault-injection knob of an attached device
 * @dev: a device attached with ALTDMA_FAULTS
 * @cls: the operation class
 * @knob: the knob (see &enum altdma_fault_knob for meanings and ranges)
 * @value: its new value
 *
 * Takes effect for the next operation; fail_nth counts from here.
 *
 * Context: process context; takes a mutex. May be called while the device
 * maps.
 * Return: 0; -EINVAL if @dev is not attached or @cls, @knob or @value is
 * out of range (nothing changed); -EOPNOTSUPP if attached without
 * ALTDMA_FAULTS.
 */
int altdma_fault_set(struct device *dev, enum altdma_fault_class cls,
		     enum altdma_fault_knob knob, s64 value)
{
	struct altdma_attachment *att;
	int ret = -EINVAL;

	mutex_lock(&altdma_attach_lock);
	att = dev ? altdma_find(dev) : NULL;
	if (att)
		ret = altdma_core_fault_set(att->core,
					    (enum altdma_core_fault_class)cls,
					    (enum altdma_core_fault_knob)knob, value);
	mutex_unlock(&altdma_attach_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_fault_set);

/**
 * altdma_fault_get - read a fault-injection knob of an attached device
 * @dev: a device attached with ALTDMA_FAULTS
 * @cls: the operation class
 * @knob: the knob; fail_nth reads the operations left until the failure,
 *	times the failures left
 * @value: filled on success
 *
 * Context: process context; takes a mutex.
 * Return: as altdma_fault_set().
 */
int altdma_fault_get(struct device *dev, enum altdma_fault_class cls,
		     enum altdma_fault_knob knob, s64 *value)
{
	struct altdma_attachment *att;
	altdma_s64 got;
	int ret = -EINVAL;

	mutex_lock(&altdma_attach_lock);
	att = dev ? altdma_find(dev) : NULL;
	if (att)
		ret = altdma_core_fault_get(att->core,
					    (enum altdma_core_fault_class)cls,
					    (enum altdma_core_fault_knob)knob, &got);
	mutex_unlock(&altdma_attach_lock);
	if (!ret)
		*value = got;
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_fault_get);

/**
 * altdma_latency_read - the latency histogram of one class of operations
 * @dev: a device attached with ALTDMA_LATENCY
 * @cls: the class
 * @lat: filled on success
 *
 * Each field is summed over the CPUs while the device may go on mapping:
 * the counts of operations under way may be one off each other.
 *
 * Context: process context; takes a mutex.
 * Return: 0; -EINVAL if @dev is not attached or @cls is out of range;
 * -EOPNOTSUPP if attached without ALTDMA_LATENCY.
 */
int altdma_latency_read(struct device *dev, enum altdma_latency_class cls,
			struct altdma_latency *lat)
{
	struct altdma_attachment *att;
	int ret = -EINVAL;

	mutex_lock(&altdma_attach_lock);
	att = dev ? altdma_find(dev) : NULL;
	if (att)
		ret = altdma_core_latency_read(att->core,
					       (enum altdma_core_latency_class)cls,
					       (struct altdma_core_latency *)lat);
	mutex_unlock(&altdma_attach_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_latency_read);

/**
 * altdma_latency_reset - start every latency histogram of a device over
 * @dev: a device attached with ALTDMA_LATENCY
 *
 * Context: process context; takes a mutex.
 * Return: as altdma_latency_read().
 */
int altdma_latency_reset(struct device *dev)
{
	struct altdma_attachment *att;
	int ret = -EINVAL;

	mutex_lock(&altdma_attach_lock);
	att = dev ? altdma_find(dev) : NULL;
	if (att)
		ret = altdma_core_latency_reset(att->core);
	mutex_unlock(&altdma_attach_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_latency_reset);

/**
 * altdma_latency_bucket_low - the shortest time a histogram bucket holds
 * @bucket: its index, below %ALTDMA_LATENCY_BUCKETS
 *
 * Return: nanoseconds.
 */
u64 altdma_latency_bucket_low(u32 bucket)
{
	return altdma_core_latency_bucket_low(bucket);
}
EXPORT_SYMBOL_GPL(altdma_latency_bucket_low);

/**
 * altdma_latency_quantile - a quantile of a latency histogram
 * @lat: the histogram
 * @ppm: the quantile in parts per million (500000: the median)
 *
 * Return: nanoseconds, within 3.2% of the exact quantile; 0 when empty.
 */
u64 altdma_latency_quantile(const struct altdma_latency *lat, u32 ppm)
{
	return altdma_core_latency_quantile((const struct altdma_core_latency *)lat,
					    ppm);
}
EXPORT_SYMBOL_GPL(altdma_latency_quantile);

const char *altdma_policy_name(u32 policy)
{
	return policy == ALTDMA_BOUNCE ? "bounce" : "direct";
}

const char *altdma_ops_table_name(u64 table)
{
	static const char *const names[] = {
		"direct-fast", "generic", "bounce-fast",
	};

	return table < ARRAY_SIZE(names) ? names[table] : "?";
}

const char *altdma_latency_class_name(u32 cls)
{
	static const char *const names[ALTDMA_NR_LATENCY_CLASSES] = {
		[ALTDMA_LATENCY_MAP] = "map",
		[ALTDMA_LATENCY_UNMAP] = "unmap",
		[ALTDMA_LATENCY_MAP_SG] = "map_sg",
		[ALTDMA_LATENCY_UNMAP_SG] = "unmap_sg",
		[ALTDMA_LATENCY_SYNC] = "sync",
		[ALTDMA_LATENCY_ALLOC] = "alloc",
		[ALTDMA_LATENCY_FREE] = "free",
	};

	return cls < ARRAY_SIZE(names) ? names[cls] : "?";
}

/* Also the names of the configfs faults/ directories. */
const char *altdma_fault_class_name(u32 cls)
{
	static const char *const names[ALTDMA_NR_FAULT_CLASSES] = {
		[ALTDMA_FAULT_MAP] = "map",
		[ALTDMA_FAULT_MAP_SG] = "map_sg",
		[ALTDMA_FAULT_MAP_RESOURCE] = "map_resource",
		[ALTDMA_FAULT_ALLOC] = "alloc",
		[ALTDMA_FAULT_ALLOC_PAGES] = "alloc_pages",
	};

	return cls < ARRAY_SIZE(names) ? names[cls] : "?";
}

const char *altdma_dir_name(u32 dir)
{
	static const char *const names[] = {
		"bidirectional", "to_device", "from_device", "none",
	};

	return dir < ARRAY_SIZE(names) ? names[dir] : "?";
}

/* Leak reports list this many mappings one by one, then count the rest. */
#define ALTDMA_REPORT_MAX 64

static void altdma_print_outstanding(struct altdma_attachment *att,
				     const char *when,
				     const struct altdma_core_live_mapping *live,
				     u64 listed)
{
	struct altdma_core_stats stats;
	u64 coherent, i;

	altdma_read_stats(att, &stats);
	coherent = stats.coherent_allocs - stats.coherent_frees;
	if (!stats.outstanding_bounces && !stats.pool_coherent_outstanding &&
	    !coherent) {
		dev_info(att->dev, "altdma: %s: no mapping or allocation left behind\n",
			 when);
		return;
	}
	dev_warn(att->dev,
		 "altdma: %s: left behind %llu bounce mappings and %llu coherent/page allocations (%llu of them in the bounce pool); altdma stays attached with its pool, so the device cannot write into freed memory\n",
		 when, stats.outstanding_bounces, coherent,
		 stats.pool_coherent_outstanding);
	for (i = 0; i < min_t(u64, listed, ALTDMA_REPORT_MAX); i++)
		dev_warn(att->dev,
			 "altdma:   %s at DMA address %#llx, %llu bytes, %s\n",
			 live[i].coherent ? "coherent allocation" :
					    "bounce mapping",
			 (u64)live[i].dma, (u64)live[i].size,
			 live[i].coherent ? "-" : altdma_dir_name(live[i].dir));
	if (listed > ALTDMA_REPORT_MAX)
		dev_warn(att->dev, "altdma:   ... and %llu more in the pool\n",
			 listed - ALTDMA_REPORT_MAX);
}

/**
 * altdma_report_outstanding - log what @dev's driver left behind
 * @dev: a device, attached or not (then nothing is logged)
 * @when: what just ended, for the message ("driver nvme unbound")
 *
 * Counts of outstanding bounce mappings and allocations, and each live
 * mapping of the bounce pool with its DMA address, size and direction.
 *
 * Context: process context; takes a mutex.
 */
void altdma_report_outstanding(struct device *dev, const char *when)
{
	struct altdma_core_live_mapping *live;
	struct altdma_attachment *att;
	u64 listed = 0;

	live = kcalloc(ALTDMA_REPORT_MAX, sizeof(*live), GFP_KERNEL);
	mutex_lock(&altdma_attach_lock);
	att = altdma_find(dev);
	if (att) {
		if (live)
			listed = altdma_core_list_live(att->core, live,
						       ALTDMA_REPORT_MAX);
		altdma_print_outstanding(att, when, live, listed);
		if ((att->config.flags & ALTDMA_CHECKS) &&
		    ((att->config.checks ?: ALTDMA_CHECKS_ALL) &
		     BIT(ALTDMA_CHECK_CLASS_LEAK)))
			altdma_check_print_leaks(att, when);
	}
	mutex_unlock(&altdma_attach_lock);
	kfree(live);
}

static int __init altdma_init(void)
{
	int ret;

	altdma_debugfs_init();
	ret = altdma_rules_init();
	if (ret) {
		altdma_debugfs_exit();
		return ret;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit altdma_exit(void)
{
	altdma_rules_exit();
	altdma_debugfs_exit();
	pr_info("unloaded\n");
}

module_init(altdma_init);
module_exit(altdma_exit);

MODULE_DESCRIPTION("altdma: per-device DMA mapping layer");
MODULE_VERSION(ALTDMA_VERSION);
MODULE_LICENSE("GPL");
