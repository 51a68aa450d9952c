// SPDX-License-Identifier: GPL-2.0
/*
 * The direct policy's fast callback table. For a cache-coherent device,
 * dma-direct's work is one translation and one reachability check: map_page
 * (map_phys) and map_sg call straight into the core's direct policy with the
 * two limits it needs, count per CPU, and leave unmap and sync to the kernel
 * (NULL) where it allows that, since there is nothing to undo or
 * synchronise; 6.11+ then also sets dma_skip_sync for the device. The other
 * entries are the generic table's.
 */
#include <linux/dma-map-ops.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>

#include "altdma_compat.h"
#include "altdma_internal.h"

static u64 altdma_fast_dma_mask(struct device *dev)
{
	return dev->dma_mask ? *dev->dma_mask : 0;
}

static dma_addr_t altdma_fast_map(struct altdma_attachment *att,
				  struct device *dev, phys_addr_t phys,
				  size_t size)
{
	dma_addr_t dma;

	dma = altdma_core_direct_map(att->core, phys, size,
				     altdma_fast_dma_mask(dev),
				     dev->bus_dma_limit);
	if (unlikely(dma == DMA_MAPPING_ERROR))
		this_cpu_inc(att->fast->map_failures);
	else
		this_cpu_inc(att->fast->maps);
	return dma;
}

#if ALTDMA_OPS_MAP_PHYS
static dma_addr_t altdma_fast_map_phys(struct device *dev, phys_addr_t phys,
				       size_t size,
				       enum dma_data_direction dir,
				       unsigned long attrs)
{
	struct altdma_attachment *att = altdma_attachment_of(dev);

	if (unlikely(attrs & DMA_ATTR_MMIO))
		return altdma_core_map_resource(att->core, phys, size,
						(enum altdma_dir)dir, attrs);
	return altdma_fast_map(att, dev, phys, size);
}
#else
static dma_addr_t altdma_fast_map_page(struct device *dev, struct page *page,
				       unsigned long offset, size_t size,
				       enum dma_data_direction dir,
				       unsigned long attrs)
{
	return altdma_fast_map(altdma_attachment_of(dev), dev,
			       page_to_phys(page) + offset, size);
}
#endif

static int altdma_fast_map_sg(struct device *dev, struct scatterlist *sgl,
			      int nents, enum dma_data_direction dir,
			      unsigned long attrs)
{
	struct altdma_attachment *att = altdma_attachment_of(dev);
	u64 mask = altdma_fast_dma_mask(dev), bus_limit = dev->bus_dma_limit;
	struct scatterlist *sg = sgl;
	dma_addr_t dma;
	int i;

	if (unlikely(nents <= 0 || !sgl))
		return -EINVAL;
	for (i = 0; i < nents; i++, sg = sg_next(sg)) {
		if (unlikely(!sg)) {
			dev_err_ratelimited(dev, "altdma: scatterlist has %d entries, %d requested\n",
					    i, nents);
			this_cpu_add(att->fast->maps, i);
			return -EINVAL;
		}
		dma = altdma_core_direct_map(att->core, sg_phys(sg),
					     sg->length, mask, bus_limit);
		if (unlikely(dma == DMA_MAPPING_ERROR)) {
			this_cpu_add(att->fast->maps, i);
			this_cpu_inc(att->fast->map_failures);
			return altdma_core_map_sg_error(att->core, sg->length);
		}
		sg->dma_address = dma;
		sg_dma_len(sg) = sg->length;
	}
	this_cpu_add(att->fast->maps, nents);
	return nents;
}

#if !ALTDMA_OPS_UNMAP_OPTIONAL
/* The kernel calls these unconditionally: nothing to do. */
static void altdma_fast_unmap_page(struct device *dev, dma_addr_t addr,
				   size_t size, enum dma_data_direction dir,
				   unsigned long attrs)
{
}

static void altdma_fast_unmap_sg(struct device *dev, struct scatterlist *sgl,
				 int nents, enum dma_data_direction dir,
				 unsigned long attrs)
{
}
#endif

/**
 * altdma_ops_make_direct_fast() - turn a copy of the generic table into
 * the direct policy's fast table
 * @ops: the attachment's table, not yet installed
 */
void altdma_ops_make_direct_fast(struct dma_map_ops *ops)
{
#if ALTDMA_OPS_MAP_PHYS
	ops->map_phys = altdma_fast_map_phys;
	ops->unmap_phys = NULL;
#else
	ops->map_page = altdma_fast_map_page;
#if ALTDMA_OPS_UNMAP_OPTIONAL
	ops->unmap_page = NULL;
#else
	ops->unmap_page = altdma_fast_unmap_page;
#endif
#endif
	ops->map_sg = altdma_fast_map_sg;
#if ALTDMA_OPS_UNMAP_OPTIONAL
	ops->unmap_sg = NULL;
#else
	ops->unmap_sg = altdma_fast_unmap_sg;
#endif
	ops->sync_single_for_cpu = NULL;
	ops->sync_single_for_device = NULL;
	ops->sync_sg_for_cpu = NULL;
	ops->sync_sg_for_device = NULL;
}
