// SPDX-License-Identifier: GPL-2.0
// Per-device physical <-> DMA address translation (the kernel's
// dev->dma_range_map), copied once at attach time.
#ifndef ALTDMA_CORE_DMA_RANGE_MAP_H
#define ALTDMA_CORE_DMA_RANGE_MAP_H

#include <altdma/platform.h>

#include "base/status.h"

namespace altdma {

class DmaRangeMap {
public:
	constexpr DmaRangeMap() = default;
	~DmaRangeMap();
	DmaRangeMap(const DmaRangeMap &) = delete;
	DmaRangeMap &operator=(const DmaRangeMap &) = delete;

	// Copies the device's ranges; no ranges means an identity mapping.
	Status init(struct altdma_plat_device *dev, altdma_u32 gfp);

	// ALTDMA_MAPPING_ERROR when @phys lies outside every range, so that
	// every reachability check on the result fails. Inline for the fast
	// path: most devices have no ranges (an identity map).
	altdma_dma_t phys_to_dma(altdma_phys_t phys) const
	{
		return count_ ? phys_to_dma_ranged(phys) : phys;
	}
	// ALTDMA_PHYS_INVALID when @dma lies outside every range.
	altdma_phys_t dma_to_phys(altdma_dma_t dma) const;

	altdma_u32 count() const { return count_; }

private:
	altdma_dma_t phys_to_dma_ranged(altdma_phys_t phys) const;

	struct altdma_range *ranges_ = nullptr;
	altdma_u32 count_ = 0;
};

} // namespace altdma

#endif
