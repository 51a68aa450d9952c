// SPDX-License-Identifier: GPL-2.0
// Page blocks whose every byte a device can reach: dma-direct's zone choice
// (DMA / DMA32 / normal) with its retry when a page lands out of reach.
#ifndef ALTDMA_CORE_REACHABLE_PAGES_H
#define ALTDMA_CORE_REACHABLE_PAGES_H

#include <altdma/platform.h>

#include "base/status.h"
#include "device/dma_range_map.h"
#include "policy/mapping_policy.h"

namespace altdma {

class ReachablePages {
public:
	ReachablePages(struct altdma_plat_device *dev,
		       const DmaRangeMap &ranges)
		: dev_(dev), ranges_(ranges)
	{
	}

	// A block of @size bytes (page aligned, non-zero) whose DMA addresses
	// all lie at or below @dma_limit. kInvalid if no page block is that
	// large, kNoMemory if no zone produced a reachable block.
	Result<CoherentBlock> allocate(altdma_u64 size, altdma_u64 dma_limit,
				       altdma_u32 caller_gfp);
	// Returns a block by its DMA address; false if @dma does not translate.
	bool release(altdma_dma_t dma, altdma_u64 size);

private:
	enum altdma_zone first_zone(altdma_u64 dma_limit,
				    const struct altdma_plat_info &info) const;

	struct altdma_plat_device *dev_;
	const DmaRangeMap &ranges_;
};

} // namespace altdma

#endif
