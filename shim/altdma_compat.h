/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference altdma depends on, in one place.
 *
 * Checked against the Debian sources of 6.1, 6.12 and 7.2. The version at
 * which each change happened between those is taken from upstream history;
 * kernels between the three are not tested.
 */
#ifndef _ALTDMA_COMPAT_H
#define _ALTDMA_COMPAT_H

#include <linux/cc_platform.h>
#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/iommu.h>
#include <linux/mmzone.h>
#include <linux/version.h>

/*
 * Without DMA ops support set_dma_ops() is an empty inline: a module built
 * anyway would attach and silently do nothing.
 */
#if !defined(CONFIG_DMA_OPS) && !defined(CONFIG_ARCH_HAS_DMA_OPS)
#error "altdma needs CONFIG_DMA_OPS or CONFIG_ARCH_HAS_DMA_OPS"
#endif

#ifndef CONFIG_X86
#error "altdma supports x86 only so far (zone layout, coherent DMA)"
#endif

/* The only place that compares kernel versions. */
#define ALTDMA_KERNEL_SINCE(major, minor) \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(major, minor, 0))

/* ZONE_DMA covers the first 16 MiB on x86 (zone_dma_bits is not exported). */
#define ALTDMA_ZONE_DMA_BITS 24

/* The largest order alloc_pages() accepts: MAX_ORDER became inclusive in 6.4. */
#if defined(MAX_PAGE_ORDER)
#define ALTDMA_MAX_PAGE_ORDER MAX_PAGE_ORDER
#elif ALTDMA_KERNEL_SINCE(6, 4)
#define ALTDMA_MAX_PAGE_ORDER MAX_ORDER
#else
#define ALTDMA_MAX_PAGE_ORDER (MAX_ORDER - 1)
#endif

/* ->alloc_pages became ->alloc_pages_op when alloc_pages() became a macro. */
#if ALTDMA_KERNEL_SINCE(6, 10)
#define ALTDMA_OPS_ALLOC_PAGES alloc_pages_op
#else
#define ALTDMA_OPS_ALLOC_PAGES alloc_pages
#endif

/*
 * 7.x maps by physical address: ->map_phys replaces ->map_page, and MMIO
 * (formerly ->map_resource) arrives there with DMA_ATTR_MMIO.
 */
#if ALTDMA_KERNEL_SINCE(6, 19)
#define ALTDMA_OPS_MAP_PHYS 1
#else
#define ALTDMA_OPS_MAP_PHYS 0
#endif

/*
 * Whether the kernel checks ->unmap_page (->unmap_phys) for NULL before
 * calling it: 6.12's direct calls into dma-iommu call ->unmap_page
 * unconditionally; 6.1 and 7.x check. ->unmap_sg and the sync ops are
 * checked in every version.
 */
#if ALTDMA_KERNEL_SINCE(6, 12) && !ALTDMA_OPS_MAP_PHYS
#define ALTDMA_OPS_UNMAP_PAGE_OPTIONAL 0
#else
#define ALTDMA_OPS_UNMAP_PAGE_OPTIONAL 1
#endif

/*
 * Since 6.11 dma_set_mask() caches whether syncs may be skipped, from the
 * ops present at that moment; recompute it whenever the ops change.
 */
static inline void altdma_compat_reset_need_sync(struct device *dev)
{
#if ALTDMA_KERNEL_SINCE(6, 11)
	dma_reset_need_sync(dev);
#endif
}

/*
 * A device in a translated IOMMU domain needs IOVAs, not physical
 * addresses. Since 6.12 such a device uses iommu-dma directly (dma_iommu)
 * and ignores dev->dma_ops; before, iommu-dma was installed as its ops.
 */
static inline bool altdma_compat_iommu_translated(struct device *dev)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);

#if ALTDMA_KERNEL_SINCE(7, 0)
	if (dev_dma_iommu(dev))
		return true;
#elif ALTDMA_KERNEL_SINCE(6, 12) && defined(CONFIG_IOMMU_DMA)
	if (dev->dma_iommu)
		return true;
#endif
	return domain && domain->type != IOMMU_DOMAIN_IDENTITY &&
	       domain->type != IOMMU_DOMAIN_BLOCKED;
}

/*
 * What else switching an IOMMU group to identity takes: until 6.4 or so
 * (6.1 checked, 6.12 not) a group of one device only, and the switch resets
 * the device's DMA ops, so altdma must attach after it.
 */
static inline const char *altdma_compat_identity_switch_rule(void)
{
#if ALTDMA_KERNEL_SINCE(6, 12)
	return "";
#else
	return " (here: a one-device group only; the switch clears DMA ops, so switch first)";
#endif
}

/*
 * Fills one dma_range_map entry (used by the KUnit suites to give a test
 * device a DMA offset). The redundant ->offset field went away after 6.1.
 */
static inline void altdma_compat_set_dma_region(struct bus_dma_region *region,
						phys_addr_t cpu_start,
						dma_addr_t dma_start, u64 size)
{
	region->cpu_start = cpu_start;
	region->dma_start = dma_start;
	region->size = size;
#if !ALTDMA_KERNEL_SINCE(6, 12)
	region->offset = (u64)cpu_start - (u64)dma_start;
#endif
}

/*
 * The bus API took const struct bus_type from 6.3 on; the casts only drop
 * a const these older prototypes lack, and nothing is written through them.
 */
static inline struct device *
altdma_compat_find_device(const struct bus_type *bus, const char *name)
{
	return bus_find_device_by_name((struct bus_type *)bus, NULL, name);
}

static inline int
altdma_compat_bus_register_notifier(const struct bus_type *bus,
				    struct notifier_block *nb)
{
	return bus_register_notifier((struct bus_type *)bus, nb);
}

static inline void
altdma_compat_bus_unregister_notifier(const struct bus_type *bus,
				      struct notifier_block *nb)
{
	bus_unregister_notifier((struct bus_type *)bus, nb);
}

static inline bool altdma_compat_memory_encrypted(void)
{
	return cc_platform_has(CC_ATTR_MEM_ENCRYPT);
}

/* __assign_str() takes its source from __string() since 6.10. */
#if ALTDMA_KERNEL_SINCE(6, 10)
#define ALTDMA_TRACE_ASSIGN_STR(dst, src) __assign_str(dst)
#else
#define ALTDMA_TRACE_ASSIGN_STR(dst, src) __assign_str(dst, src)
#endif

#endif /* _ALTDMA_COMPAT_H */
