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
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "altdma.h"
#include "altdma_compat.h"
#include "altdma_internal.h"

static_assert(ALTDMA_FORCE_BOUNCE == ALTDMA_BOUNCE_FORCE);
static_assert(ALTDMA_GUARD_BYTES == ALTDMA_BOUNCE_GUARD_BYTES);
static_assert(ALTDMA_COHERENT_FROM_POOL == ALTDMA_BOUNCE_COHERENT_FROM_POOL);
static_assert((int)ALTDMA_BOUNCE == ALTDMA_POLICY_BOUNCE);
static_assert(sizeof(struct altdma_stats) == sizeof(struct altdma_core_stats));
static_assert(offsetof(struct altdma_stats, guard_violations) ==
	      offsetof(struct altdma_core_stats, guard_violations));
static_assert(offsetof(struct altdma_stats, coherent_allocs) ==
	      offsetof(struct altdma_core_stats, coherent_allocs));

static LIST_HEAD(altdma_attachments);
static DEFINE_MUTEX(altdma_attach_lock);

static struct altdma_attachment *altdma_find(struct device *dev)
{
	struct altdma_attachment *att;

	lockdep_assert_held(&altdma_attach_lock);
	list_for_each_entry(att, &altdma_attachments, node)
		if (att->dev == dev)
			return att;
	return NULL;
}

static int altdma_check_device(struct device *dev)
{
	if (!dev->dma_mask) {
		dev_err(dev, "altdma: device has no DMA mask\n");
		return -EINVAL;
	}
	if (!dev_is_dma_coherent(dev)) {
		dev_err(dev, "altdma: non-coherent devices are not supported\n");
		return -EOPNOTSUPP;
	}
	/*
	 * Ops the architecture gives every device (Xen's swiotlb, AMD GART)
	 * translate addresses altdma would hand out as physical ones.
	 */
	if (!dev->dma_ops && get_dma_ops(dev)) {
		dev_err(dev, "altdma: device uses the architecture's DMA ops (Xen or GART); not supported\n");
		return -EOPNOTSUPP;
	}
	if (altdma_compat_iommu_translated(dev)) {
		dev_err(dev, "altdma: device is in a translated IOMMU domain; use iommu=pt or detach it from the IOMMU\n");
		return -EOPNOTSUPP;
	}
	if (altdma_compat_memory_encrypted()) {
		dev_err(dev, "altdma: memory encryption (SME/SEV/TDX) is active; not supported\n");
		return -EOPNOTSUPP;
	}
	return 0;
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
	};
	struct altdma_attachment *att;
	int ret;

	att = kzalloc(sizeof(*att), GFP_KERNEL);
	if (!att)
		return ERR_PTR(-ENOMEM);
	/* Not yet visible to anyone: the only write to the const ops. */
	memcpy((void *)&att->ops, &altdma_ops_template, sizeof(att->ops));
	att->dev = dev;
	ratelimit_state_init(&att->ratelimit, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	att->config = *cfg;
	ret = altdma_core_create(altdma_to_plat(att), &core_config, &att->core);
	if (ret) {
		kfree(att);
		return ERR_PTR(ret);
	}
	return att;
}

static void altdma_destroy(struct altdma_attachment *att)
{
	altdma_debugfs_remove(att);
	altdma_core_destroy(att->core);
	kfree(att);
}

/*
 * Detach refuses while the device still has bounce mappings or pool
 * allocations: the pool dies with the attachment, and the device could DMA
 * into freed pages, a later unmap or free would reach the ops restored.
 */
static int altdma_check_idle(struct altdma_attachment *att)
{
	struct altdma_core_stats stats;

	altdma_core_get_stats(att->core, &stats);
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
		dev_err(dev, "altdma: this kernel ignores per-device DMA ops\n");
		return -EOPNOTSUPP;
	}
	altdma_compat_reset_need_sync(dev);
	return 0;
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
 * for, or -ENOMEM.
 */
int altdma_attach(struct device *dev, const struct altdma_config *config)
{
	static const struct altdma_config default_config = {
		.policy = ALTDMA_DIRECT,
	};
	struct altdma_attachment *att;
	int ret;

	if (!dev)
		return -EINVAL;
	device_lock_assert(dev);
	ret = altdma_check_device(dev);
	if (ret)
		return ret;

	mutex_lock(&altdma_attach_lock);
	if (altdma_find(dev)) {
		dev_err(dev, "altdma: already attached\n");
		ret = -EBUSY;
		goto unlock;
	}
	att = altdma_create(dev, config ?: &default_config);
	if (IS_ERR(att)) {
		ret = PTR_ERR(att);
		goto unlock;
	}
	ret = altdma_install(att);
	if (ret) {
		altdma_destroy(att);
		goto unlock;
	}
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
EXPORT_SYMBOL_GPL(altdma_attach);

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
	struct altdma_attachment *att;
	int ret = 0;

	if (!dev)
		return -EINVAL;
	device_lock_assert(dev);
	mutex_lock(&altdma_attach_lock);
	att = altdma_find(dev);
	if (!att) {
		dev_err(dev, "altdma: detach of a device altdma is not attached to\n");
		ret = -EINVAL;
		goto unlock;
	}
	if (dev->dma_ops != &att->ops) {
		dev_err(dev, "altdma: DMA ops were replaced since attach; not restoring\n");
		ret = -EBUSY;
		goto unlock;
	}
	ret = altdma_check_idle(att);
	if (ret)
		goto unlock;
	set_dma_ops(dev, att->saved_ops);
	altdma_compat_reset_need_sync(dev);
	list_del(&att->node);
unlock:
	mutex_unlock(&altdma_attach_lock);
	if (ret)
		return ret;

	dev_info(dev, "altdma: detached\n");
	altdma_destroy(att);
	put_device(dev);
	module_put(THIS_MODULE);
	return 0;
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
		altdma_core_get_stats(att->core, &core_stats);
	else
		ret = -EINVAL;
	mutex_unlock(&altdma_attach_lock);
	if (!ret)
		memcpy(stats, &core_stats, sizeof(*stats));
	return ret;
}
EXPORT_SYMBOL_GPL(altdma_get_stats);

const char *altdma_policy_name(u32 policy)
{
	return policy == ALTDMA_BOUNCE ? "bounce" : "direct";
}

static int __init altdma_init(void)
{
	altdma_debugfs_init();
	pr_info("loaded\n");
	return 0;
}

static void __exit altdma_exit(void)
{
	altdma_debugfs_exit();
	pr_info("unloaded\n");
}

module_init(altdma_init);
module_exit(altdma_exit);

MODULE_DESCRIPTION("altdma: per-device DMA mapping layer");
MODULE_LICENSE("GPL");
