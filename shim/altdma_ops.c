// SPDX-License-Identifier: GPL-2.0
/*
 * altdma's dma_map_ops: each callback translates kernel types and calls the
 * C++ core for the device's attachment. No policy lives here. Three tables:
 * the generic one (every entry through the core's policy interface) and a
 * fast one per policy (direct, bounce); the core chooses at attach.
 */
#include <linux/build_bug.h>
#include <linux/dma-map-ops.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>

#include "altdma_compat.h"
#include "altdma_internal.h"
#include "altdma_trace.h"

static_assert(ALTDMA_BIDIRECTIONAL == (int)DMA_BIDIRECTIONAL);
static_assert(ALTDMA_TO_DEVICE == (int)DMA_TO_DEVICE);
static_assert(ALTDMA_FROM_DEVICE == (int)DMA_FROM_DEVICE);
static_assert(ALTDMA_DIR_NONE == (int)DMA_NONE);
static_assert(ALTDMA_ATTR_WEAK_ORDERING == DMA_ATTR_WEAK_ORDERING);
static_assert(ALTDMA_ATTR_WRITE_COMBINE == DMA_ATTR_WRITE_COMBINE);
static_assert(ALTDMA_ATTR_NO_KERNEL_MAPPING == DMA_ATTR_NO_KERNEL_MAPPING);
static_assert(ALTDMA_ATTR_SKIP_CPU_SYNC == DMA_ATTR_SKIP_CPU_SYNC);
static_assert(ALTDMA_ATTR_FORCE_CONTIGUOUS == DMA_ATTR_FORCE_CONTIGUOUS);
static_assert(ALTDMA_ATTR_ALLOC_SINGLE_PAGES == DMA_ATTR_ALLOC_SINGLE_PAGES);
static_assert(ALTDMA_ATTR_NO_WARN == DMA_ATTR_NO_WARN);
static_assert(ALTDMA_ATTR_PRIVILEGED == DMA_ATTR_PRIVILEGED);
static_assert(ALTDMA_PAGE_SHIFT == PAGE_SHIFT);
static_assert(ALTDMA_MAPPING_ERROR == DMA_MAPPING_ERROR);
static_assert(sizeof(altdma_phys_t) >= sizeof(phys_addr_t));
static_assert(sizeof(altdma_dma_t) >= sizeof(dma_addr_t));

static struct altdma_core_device *altdma_core_of(struct device *dev)
{
	return altdma_attachment_of(dev)->core;
}

static enum altdma_dir altdma_dir(enum dma_data_direction dir)
{
	return (enum altdma_dir)dir;
}

static void *altdma_alloc(struct device *dev, size_t size,
			  dma_addr_t *dma_handle, gfp_t gfp,
			  unsigned long attrs)
{
	altdma_phys_t phys;
	void *cpu_addr = NULL;

	if (attrs & DMA_ATTR_NO_WARN)
		gfp |= __GFP_NOWARN;
	if (!altdma_core_alloc(altdma_core_of(dev), size, (__force u32)gfp,
			       attrs, &phys, dma_handle)) {
		/* As in dma-direct, the page itself is the cookie. */
		if (attrs & DMA_ATTR_NO_KERNEL_MAPPING)
			cpu_addr = altdma_phys_to_page(phys);
		else
			cpu_addr = phys_to_virt(phys);
	}
	trace_altdma_alloc(dev, cpu_addr, cpu_addr ? *dma_handle : 0, size,
			   DMA_NONE, gfp, attrs);
	return cpu_addr;
}

static void altdma_free(struct device *dev, size_t size, void *cpu_addr,
			dma_addr_t dma_handle, unsigned long attrs)
{
	trace_altdma_free(dev, cpu_addr, dma_handle, size, DMA_NONE, attrs);
	altdma_core_free(altdma_core_of(dev), size, dma_handle, attrs);
}

static struct page *altdma_alloc_pages(struct device *dev, size_t size,
				       dma_addr_t *dma_handle,
				       enum dma_data_direction dir, gfp_t gfp)
{
	altdma_phys_t phys;

	if (altdma_core_alloc_pages(altdma_core_of(dev), size, altdma_dir(dir),
				    (__force u32)gfp, &phys, dma_handle)) {
		trace_altdma_alloc(dev, NULL, 0, size, dir, gfp, 0);
		return NULL;
	}
	trace_altdma_alloc(dev, phys_to_virt(phys), *dma_handle, size, dir, gfp, 0);
	return altdma_phys_to_page(phys);
}

static void altdma_free_pages(struct device *dev, size_t size,
			      struct page *page, dma_addr_t dma_handle,
			      enum dma_data_direction dir)
{
	trace_altdma_free(dev, page_address(page), dma_handle, size, dir, 0);
	altdma_core_free_pages(altdma_core_of(dev), size, dma_handle,
			       altdma_dir(dir));
}

/*
 * The device is cache coherent (attach refuses others), so dma_pgprot()
 * would leave the protection as it is.
 */
static int altdma_mmap(struct device *dev, struct vm_area_struct *vma,
		       void *cpu_addr, dma_addr_t dma_addr, size_t size,
		       unsigned long attrs)
{
	u64 pfn;
	int ret;

	ret = altdma_core_mmap_pfn(altdma_core_of(dev), dma_addr, size,
				   vma->vm_pgoff, vma_pages(vma), &pfn);
	if (ret)
		return ret;
	return remap_pfn_range(vma, vma->vm_start, pfn,
			       vma_pages(vma) << PAGE_SHIFT,
			       vma->vm_page_prot);
}

static int altdma_get_sgtable(struct device *dev, struct sg_table *sgt,
			      void *cpu_addr, dma_addr_t dma_addr, size_t size,
			      unsigned long attrs)
{
	altdma_phys_t phys;
	u64 length;
	int ret;

	ret = altdma_core_get_sgtable(altdma_core_of(dev), dma_addr, size,
				      &phys, &length);
	if (ret)
		return ret;
	if (length > UINT_MAX)
		return -EINVAL;
	ret = sg_alloc_table(sgt, 1, GFP_KERNEL);
	if (!ret)
		sg_set_page(sgt->sgl, altdma_phys_to_page(phys), length, 0);
	return ret;
}

static dma_addr_t altdma_map_phys(struct device *dev, phys_addr_t phys,
				  size_t size, enum dma_data_direction dir,
				  unsigned long attrs)
{
	dma_addr_t dma;

#if ALTDMA_OPS_MAP_PHYS
	if (attrs & DMA_ATTR_MMIO)
		dma = altdma_core_map_resource(altdma_core_of(dev), phys, size,
					       altdma_dir(dir), attrs);
	else
#endif
		dma = altdma_core_map_phys(altdma_core_of(dev), phys, size,
					   altdma_dir(dir), attrs);
	trace_altdma_map(dev, phys, dma, size, dir, attrs);
	return dma;
}

static void altdma_unmap_phys(struct device *dev, dma_addr_t dma_handle,
			      size_t size, enum dma_data_direction dir,
			      unsigned long attrs)
{
	trace_altdma_unmap(dev, dma_handle, size, dir, attrs);
#if ALTDMA_OPS_MAP_PHYS
	if (attrs & DMA_ATTR_MMIO) {
		altdma_core_unmap_resource(altdma_core_of(dev), dma_handle,
					   size, altdma_dir(dir), attrs);
		return;
	}
#endif
	altdma_core_unmap_phys(altdma_core_of(dev), dma_handle, size,
			       altdma_dir(dir), attrs);
}

#if !ALTDMA_OPS_MAP_PHYS
static dma_addr_t altdma_map_page(struct device *dev, struct page *page,
				  unsigned long offset, size_t size,
				  enum dma_data_direction dir,
				  unsigned long attrs)
{
	return altdma_map_phys(dev, page_to_phys(page) + offset, size, dir,
			       attrs);
}

static dma_addr_t altdma_map_resource(struct device *dev, phys_addr_t phys,
				      size_t size, enum dma_data_direction dir,
				      unsigned long attrs)
{
	dma_addr_t dma = altdma_core_map_resource(altdma_core_of(dev), phys,
						  size, altdma_dir(dir), attrs);

	trace_altdma_map(dev, phys, dma, size, dir, attrs);
	return dma;
}

static void altdma_unmap_resource(struct device *dev, dma_addr_t dma_handle,
				  size_t size, enum dma_data_direction dir,
				  unsigned long attrs)
{
	trace_altdma_unmap(dev, dma_handle, size, dir, attrs);
	altdma_core_unmap_resource(altdma_core_of(dev), dma_handle, size,
				   altdma_dir(dir), attrs);
}
#endif

static int altdma_map_sg(struct device *dev, struct scatterlist *sgl,
			 int nents, enum dma_data_direction dir,
			 unsigned long attrs)
{
	int ret = altdma_core_map_sg(altdma_core_of(dev),
				     altdma_to_plat_sg(sgl), nents,
				     altdma_dir(dir), attrs);

	trace_altdma_map_sg(dev, sgl, nents, ret, dir, attrs);
	return ret;
}

static void altdma_unmap_sg(struct device *dev, struct scatterlist *sgl,
			    int nents, enum dma_data_direction dir,
			    unsigned long attrs)
{
	trace_altdma_unmap_sg(dev, sgl, nents, dir, attrs);
	altdma_core_unmap_sg(altdma_core_of(dev), altdma_to_plat_sg(sgl),
			     nents, altdma_dir(dir), attrs);
}

/* One sync event per entry, the list walked only while someone traces. */
static void altdma_trace_sync_sg(struct device *dev, struct scatterlist *sgl,
				 int nents, enum dma_data_direction dir,
				 bool for_device)
{
	struct scatterlist *sg;
	int i;

	if (!trace_altdma_sync_enabled())
		return;
	for_each_sg(sgl, sg, nents, i)
		trace_altdma_sync(dev, sg_dma_address(sg), sg_dma_len(sg),
				  dir, for_device);
}

static void altdma_sync_single_for_cpu(struct device *dev, dma_addr_t addr,
				       size_t size,
				       enum dma_data_direction dir)
{
	trace_altdma_sync(dev, addr, size, dir, false);
	altdma_core_sync_single_for_cpu(altdma_core_of(dev), addr, size,
					altdma_dir(dir));
}

static void altdma_sync_single_for_device(struct device *dev,
					  dma_addr_t addr, size_t size,
					  enum dma_data_direction dir)
{
	trace_altdma_sync(dev, addr, size, dir, true);
	altdma_core_sync_single_for_device(altdma_core_of(dev), addr, size,
					   altdma_dir(dir));
}

static void altdma_sync_sg_for_cpu(struct device *dev,
				   struct scatterlist *sgl, int nents,
				   enum dma_data_direction dir)
{
	altdma_trace_sync_sg(dev, sgl, nents, dir, false);
	altdma_core_sync_sg_for_cpu(altdma_core_of(dev),
				    altdma_to_plat_sg(sgl), nents,
				    altdma_dir(dir));
}

static void altdma_sync_sg_for_device(struct device *dev,
				      struct scatterlist *sgl, int nents,
				      enum dma_data_direction dir)
{
	altdma_trace_sync_sg(dev, sgl, nents, dir, true);
	altdma_core_sync_sg_for_device(altdma_core_of(dev),
				       altdma_to_plat_sg(sgl), nents,
				       altdma_dir(dir));
}

static int altdma_dma_supported(struct device *dev, u64 mask)
{
	return altdma_core_dma_supported(altdma_core_of(dev), mask);
}

static u64 altdma_get_required_mask(struct device *dev)
{
	return altdma_core_get_required_mask(altdma_core_of(dev));
}

static size_t altdma_max_mapping_size(struct device *dev)
{
	return altdma_core_max_mapping_size(altdma_core_of(dev));
}

/* Copied into each attachment: dev->dma_ops points at the copy. */
const struct dma_map_ops altdma_ops_template = {
	.alloc			= altdma_alloc,
	.free			= altdma_free,
	.ALTDMA_OPS_ALLOC_PAGES	= altdma_alloc_pages,
	.free_pages		= altdma_free_pages,
	.mmap			= altdma_mmap,
	.get_sgtable		= altdma_get_sgtable,
#if ALTDMA_OPS_MAP_PHYS
	.map_phys		= altdma_map_phys,
	.unmap_phys		= altdma_unmap_phys,
#else
	.map_page		= altdma_map_page,
	.unmap_page		= altdma_unmap_phys,
	.map_resource		= altdma_map_resource,
	.unmap_resource		= altdma_unmap_resource,
#endif
	.map_sg			= altdma_map_sg,
	.unmap_sg		= altdma_unmap_sg,
	.sync_single_for_cpu	= altdma_sync_single_for_cpu,
	.sync_single_for_device	= altdma_sync_single_for_device,
	.sync_sg_for_cpu	= altdma_sync_sg_for_cpu,
	.sync_sg_for_device	= altdma_sync_sg_for_device,
	.dma_supported		= altdma_dma_supported,
	.get_required_mask	= altdma_get_required_mask,
	.max_mapping_size	= altdma_max_mapping_size,
};

/*
 * The direct policy's fast entries. For a cache-coherent device, dma-direct's
 * work is one translation and one reachability check: map_page (map_phys)
 * and map_sg call straight into the core's direct policy with the two limits
 * it needs and count per CPU; unmap and sync are left to the kernel (NULL)
 * where it allows that, since there is nothing to undo or synchronise. On
 * 6.11+ the kernel then also skips the device's syncs (dma_skip_sync) once
 * its mask is set with these ops in place, as a driver's probe does, unless
 * DMA-API debugging is built in.
 */
static u64 altdma_fast_dma_mask(struct device *dev)
{
	return dev->dma_mask ? *dev->dma_mask : 0;
}

/* Both fast tables count their maps per CPU, summed by altdma_read_stats(). */
static __always_inline dma_addr_t altdma_fast_count(struct altdma_attachment *att,
						    dma_addr_t dma)
{
	if (unlikely(dma == DMA_MAPPING_ERROR))
		this_cpu_inc(att->fast->map_failures);
	else
		this_cpu_inc(att->fast->maps);
	return dma;
}

static dma_addr_t altdma_fast_map(struct altdma_attachment *att,
				  struct device *dev, phys_addr_t phys,
				  size_t size, enum dma_data_direction dir,
				  unsigned long attrs)
{
	dma_addr_t dma = altdma_core_direct_map(att->core, phys, size,
						altdma_fast_dma_mask(dev),
						dev->bus_dma_limit);

	trace_altdma_map(dev, phys, dma, size, dir, attrs);
	return altdma_fast_count(att, dma);
}

#if ALTDMA_OPS_MAP_PHYS
static dma_addr_t altdma_fast_map_phys(struct device *dev, phys_addr_t phys,
				       size_t size,
				       enum dma_data_direction dir,
				       unsigned long attrs)
{
	struct altdma_attachment *att = altdma_attachment_of(dev);

	if (unlikely(attrs & DMA_ATTR_MMIO))
		return altdma_map_phys(dev, phys, size, dir, attrs);
	return altdma_fast_map(att, dev, phys, size, dir, attrs);
}
#else
static dma_addr_t altdma_fast_map_page(struct device *dev, struct page *page,
				       unsigned long offset, size_t size,
				       enum dma_data_direction dir,
				       unsigned long attrs)
{
	return altdma_fast_map(altdma_attachment_of(dev), dev,
			       page_to_phys(page) + offset, size, dir, attrs);
}
#endif

/*
 * One fast map_sg for both policies (@bounce is a constant at each call, so
 * each table gets its own copy without a test per entry): limits are read
 * once per list. A failed entry undoes what was mapped before it, without
 * syncing (the CPU never saw those mappings).
 */
static __always_inline int altdma_fast_map_sg_common(struct device *dev,
						     struct scatterlist *sgl,
						     int nents,
						     enum dma_data_direction dir,
						     unsigned long attrs,
						     bool bounce)
{
	struct altdma_attachment *att = altdma_attachment_of(dev);
	u64 mask = altdma_fast_dma_mask(dev), bus_limit = dev->bus_dma_limit;
	struct scatterlist *sg = sgl;
	dma_addr_t dma;
	int i, ret;

	if (unlikely(nents <= 0 || !sgl)) {
		trace_altdma_map_sg(dev, sgl, nents, -EINVAL, dir, attrs);
		return -EINVAL;
	}
	for (i = 0; i < nents; i++, sg = sg_next(sg)) {
		if (unlikely(!sg)) {
			if (__ratelimit(&att->ratelimit))
				dev_err(dev, "altdma: scatterlist has %d entries, %d requested\n",
					i, nents);
			ret = -EINVAL;
			goto undo;
		}
		if (bounce)
			dma = altdma_core_bounce_map(att->core, sg_phys(sg),
						     sg->length,
						     altdma_dir(dir), attrs);
		else
			dma = altdma_core_direct_map(att->core, sg_phys(sg),
						     sg->length, mask,
						     bus_limit);
		if (unlikely(dma == DMA_MAPPING_ERROR)) {
			this_cpu_inc(att->fast->map_failures);
			ret = altdma_core_map_sg_error(att->core, sg->length);
			goto undo;
		}
		sg->dma_address = dma;
		sg_dma_len(sg) = sg->length;
	}
	this_cpu_add(att->fast->maps, nents);
	trace_altdma_map_sg(dev, sgl, nents, nents, dir, attrs);
	return nents;

undo:
	/* Counted as made, as the generic table does; only bounces hold slots. */
	this_cpu_add(att->fast->maps, i);
	for (sg = sgl; bounce && i > 0; i--, sg = sg_next(sg))
		altdma_core_bounce_unmap(att->core, sg_dma_address(sg),
					 sg_dma_len(sg), altdma_dir(dir),
					 attrs | DMA_ATTR_SKIP_CPU_SYNC);
	trace_altdma_map_sg(dev, sgl, nents, ret, dir, attrs);
	return ret;
}

static int altdma_fast_map_sg(struct device *dev, struct scatterlist *sgl,
			      int nents, enum dma_data_direction dir,
			      unsigned long attrs)
{
	return altdma_fast_map_sg_common(dev, sgl, nents, dir, attrs, false);
}

#if !ALTDMA_OPS_UNMAP_PAGE_OPTIONAL
/* The kernel calls it unconditionally: nothing to do but trace it. */
static void altdma_fast_unmap_page(struct device *dev, dma_addr_t addr,
				   size_t size, enum dma_data_direction dir,
				   unsigned long attrs)
{
	trace_altdma_unmap(dev, addr, size, dir, attrs);
}
#endif

/*
 * The direct policy's fast table: the map entries above, unmap and sync
 * left to the kernel where it checks for NULL, everything else generic.
 */
const struct dma_map_ops altdma_ops_direct_fast = {
	.alloc			= altdma_alloc,
	.free			= altdma_free,
	.ALTDMA_OPS_ALLOC_PAGES	= altdma_alloc_pages,
	.free_pages		= altdma_free_pages,
	.mmap			= altdma_mmap,
	.get_sgtable		= altdma_get_sgtable,
#if ALTDMA_OPS_MAP_PHYS
	.map_phys		= altdma_fast_map_phys,
#else
	.map_page		= altdma_fast_map_page,
#if !ALTDMA_OPS_UNMAP_PAGE_OPTIONAL
	.unmap_page		= altdma_fast_unmap_page,
#endif
	.map_resource		= altdma_map_resource,
	.unmap_resource		= altdma_unmap_resource,
#endif
	.map_sg			= altdma_fast_map_sg,
	.dma_supported		= altdma_dma_supported,
	.get_required_mask	= altdma_get_required_mask,
	.max_mapping_size	= altdma_max_mapping_size,
};

/*
 * The bounce policy's fast entries: straight into the final BouncePolicy (no
 * virtual call), maps counted per CPU here and bounces per area by the pool.
 * Unmap and sync have work to do (copies, red zones), so they are real.
 */
static dma_addr_t altdma_bounce_map(struct altdma_attachment *att,
				    struct device *dev, phys_addr_t phys,
				    size_t size, enum dma_data_direction dir,
				    unsigned long attrs)
{
	dma_addr_t dma = altdma_core_bounce_map(att->core, phys, size,
						altdma_dir(dir), attrs);

	trace_altdma_map(dev, phys, dma, size, dir, attrs);
	return altdma_fast_count(att, dma);
}

#if ALTDMA_OPS_MAP_PHYS
static dma_addr_t altdma_bounce_map_phys(struct device *dev, phys_addr_t phys,
					 size_t size,
					 enum dma_data_direction dir,
					 unsigned long attrs)
{
	struct altdma_attachment *att = altdma_attachment_of(dev);

	if (unlikely(attrs & DMA_ATTR_MMIO))
		return altdma_map_phys(dev, phys, size, dir, attrs);
	return altdma_bounce_map(att, dev, phys, size, dir, attrs);
}

/* Resources never bounce: an MMIO unmap has nothing to do. */
static void altdma_bounce_unmap_phys(struct device *dev, dma_addr_t addr,
				     size_t size, enum dma_data_direction dir,
				     unsigned long attrs)
{
	trace_altdma_unmap(dev, addr, size, dir, attrs);
	if (likely(!(attrs & DMA_ATTR_MMIO)))
		altdma_core_bounce_unmap(altdma_core_of(dev), addr, size,
					 altdma_dir(dir), attrs);
}
#else
static dma_addr_t altdma_bounce_map_page(struct device *dev, struct page *page,
					 unsigned long offset, size_t size,
					 enum dma_data_direction dir,
					 unsigned long attrs)
{
	return altdma_bounce_map(altdma_attachment_of(dev), dev,
				 page_to_phys(page) + offset, size, dir, attrs);
}

static void altdma_bounce_unmap_page(struct device *dev, dma_addr_t addr,
				     size_t size, enum dma_data_direction dir,
				     unsigned long attrs)
{
	trace_altdma_unmap(dev, addr, size, dir, attrs);
	altdma_core_bounce_unmap(altdma_core_of(dev), addr, size,
				 altdma_dir(dir), attrs);
}
#endif

static int altdma_bounce_map_sg(struct device *dev, struct scatterlist *sgl,
				int nents, enum dma_data_direction dir,
				unsigned long attrs)
{
	return altdma_fast_map_sg_common(dev, sgl, nents, dir, attrs, true);
}

static void altdma_bounce_unmap_sg(struct device *dev, struct scatterlist *sgl,
				   int nents, enum dma_data_direction dir,
				   unsigned long attrs)
{
	struct altdma_core_device *core = altdma_core_of(dev);
	struct scatterlist *sg;
	int i;

	trace_altdma_unmap_sg(dev, sgl, nents, dir, attrs);
	for_each_sg(sgl, sg, nents, i)
		altdma_core_bounce_unmap(core, sg_dma_address(sg),
					 sg_dma_len(sg), altdma_dir(dir), attrs);
}

static void altdma_bounce_sync_single_for_cpu(struct device *dev,
					      dma_addr_t addr, size_t size,
					      enum dma_data_direction dir)
{
	trace_altdma_sync(dev, addr, size, dir, false);
	altdma_core_bounce_sync_for_cpu(altdma_core_of(dev), addr, size,
					altdma_dir(dir));
}

static void altdma_bounce_sync_single_for_device(struct device *dev,
						 dma_addr_t addr, size_t size,
						 enum dma_data_direction dir)
{
	trace_altdma_sync(dev, addr, size, dir, true);
	altdma_core_bounce_sync_for_device(altdma_core_of(dev), addr, size,
					   altdma_dir(dir));
}

static void altdma_bounce_sync_sg_for_cpu(struct device *dev,
					  struct scatterlist *sgl, int nents,
					  enum dma_data_direction dir)
{
	struct altdma_core_device *core = altdma_core_of(dev);
	struct scatterlist *sg;
	int i;

	altdma_trace_sync_sg(dev, sgl, nents, dir, false);
	for_each_sg(sgl, sg, nents, i)
		altdma_core_bounce_sync_for_cpu(core, sg_dma_address(sg),
						sg_dma_len(sg), altdma_dir(dir));
}

static void altdma_bounce_sync_sg_for_device(struct device *dev,
					     struct scatterlist *sgl, int nents,
					     enum dma_data_direction dir)
{
	struct altdma_core_device *core = altdma_core_of(dev);
	struct scatterlist *sg;
	int i;

	altdma_trace_sync_sg(dev, sgl, nents, dir, true);
	for_each_sg(sgl, sg, nents, i)
		altdma_core_bounce_sync_for_device(core, sg_dma_address(sg),
						   sg_dma_len(sg),
						   altdma_dir(dir));
}

/* The bounce policy's fast table: everything but the hot entries generic. */
const struct dma_map_ops altdma_ops_bounce_fast = {
	.alloc			= altdma_alloc,
	.free			= altdma_free,
	.ALTDMA_OPS_ALLOC_PAGES	= altdma_alloc_pages,
	.free_pages		= altdma_free_pages,
	.mmap			= altdma_mmap,
	.get_sgtable		= altdma_get_sgtable,
#if ALTDMA_OPS_MAP_PHYS
	.map_phys		= altdma_bounce_map_phys,
	.unmap_phys		= altdma_bounce_unmap_phys,
#else
	.map_page		= altdma_bounce_map_page,
	.unmap_page		= altdma_bounce_unmap_page,
	.map_resource		= altdma_map_resource,
	.unmap_resource		= altdma_unmap_resource,
#endif
	.map_sg			= altdma_bounce_map_sg,
	.unmap_sg		= altdma_bounce_unmap_sg,
	.sync_single_for_cpu	= altdma_bounce_sync_single_for_cpu,
	.sync_single_for_device	= altdma_bounce_sync_single_for_device,
	.sync_sg_for_cpu	= altdma_bounce_sync_sg_for_cpu,
	.sync_sg_for_device	= altdma_bounce_sync_sg_for_device,
	.dma_supported		= altdma_dma_supported,
	.get_required_mask	= altdma_get_required_mask,
	.max_mapping_size	= altdma_max_mapping_size,
};
