// SPDX-License-Identifier: GPL-2.0
#include "policy/reachable_pages.h"

#include "base/util.h"
#include "device/device_limits.h"

namespace altdma {

// The zone the limit falls into is tried first (dma_direct_optimal_gfp_mask);
// a zone the kernel lacks degrades to the next wider one, as GFP_DMA does.
enum altdma_zone
ReachablePages::first_zone(altdma_u64 dma_limit,
			   const struct altdma_plat_info &info) const
{
	altdma_phys_t phys_limit = ranges_.dma_to_phys(dma_limit);

	if (info.has_zone_dma && phys_limit <= bit_mask(info.zone_dma_bits))
		return ALTDMA_ZONE_DMA;
	if (info.has_zone_dma32 && phys_limit <= bit_mask(32))
		return ALTDMA_ZONE_DMA32;
	return ALTDMA_ZONE_NORMAL;
}

Result<CoherentBlock> ReachablePages::allocate(altdma_u64 size,
					       altdma_u64 dma_limit,
					       altdma_u32 caller_gfp)
{
	struct altdma_plat_info info;

	altdma_plat_get_info(&info);
	altdma_u32 order = page_order(size);
	if (order > info.max_page_order) {
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "coherent allocation of %llu bytes exceeds the largest page block (order %u)\n",
				    size,
				    info.max_page_order);
		return Status::kInvalid;
	}

	enum altdma_zone zone = first_zone(dma_limit, info);
	altdma_phys_t phys_limit = ranges_.dma_to_phys(dma_limit);

	for (;;) {
		altdma_phys_t phys;

		if (altdma_plat_alloc_pages(dev_, caller_gfp, zone, order, &phys))
			return Status::kNoMemory;

		altdma_dma_t dma = ranges_.phys_to_dma(phys);
		if (dma_range_reachable(dma, size, dma_limit))
			return CoherentBlock{ phys, dma };
		altdma_plat_free_pages(phys, order);

		// Out of reach: narrow the zone, as dma-direct does.
		if (zone == ALTDMA_ZONE_NORMAL && info.has_zone_dma32 &&
		    phys_limit < kU64Max)
			zone = ALTDMA_ZONE_DMA32;
		else if (zone != ALTDMA_ZONE_DMA && info.has_zone_dma)
			zone = ALTDMA_ZONE_DMA;
		else
			return Status::kNoMemory;
	}
}

bool ReachablePages::release(altdma_dma_t dma, altdma_u64 size)
{
	altdma_phys_t phys = ranges_.dma_to_phys(dma);

	if (phys == ALTDMA_PHYS_INVALID)
		return false;
	altdma_plat_free_pages(phys, page_order(size));
	return true;
}

} // namespace altdma
