// SPDX-License-Identifier: GPL-2.0
// The device's addressing limits, read fresh for each operation.
#ifndef ALTDMA_CORE_DEVICE_LIMITS_H
#define ALTDMA_CORE_DEVICE_LIMITS_H

#include <altdma/platform.h>

#include "base/util.h"

namespace altdma {

class DeviceLimits {
public:
	explicit DeviceLimits(struct altdma_plat_device *dev)
	{
		altdma_plat_dev_limits(dev, &limits_);
	}

	// A device without a streaming mask (the platform reports 0) cannot
	// stream at all: min_not_zero() alone would let the bus limit stand in
	// for it. (A zero coherent mask keeps dma-direct's meaning.)
	bool can_stream() const { return limits_.dma_mask != 0; }

	// Highest DMA address a streaming mapping may touch.
	altdma_u64 streaming_limit() const
	{
		return min_not_zero(limits_.dma_mask, limits_.bus_limit);
	}
	// Highest DMA address coherent memory may occupy.
	altdma_u64 coherent_limit() const
	{
		return min_not_zero(limits_.coherent_mask, limits_.bus_limit);
	}
	const struct altdma_dev_limits &raw() const { return limits_; }

private:
	struct altdma_dev_limits limits_;
};

// True if [dma, dma + size) lies at or below @limit. A zero-length range is
// checked as its first byte; a range that wraps past 2^64 is never reachable.
constexpr bool dma_range_reachable(altdma_dma_t dma, altdma_u64 size,
				   altdma_u64 limit)
{
	if (dma == ALTDMA_MAPPING_ERROR)
		return false;
	altdma_u64 last = size ? dma + (size - 1) : dma;
	if (last < dma)
		return false;
	return last <= limit;
}

} // namespace altdma

#endif
