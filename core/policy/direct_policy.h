// SPDX-License-Identifier: GPL-2.0
// The direct policy: kernel/dma/direct.c for one device, on a cache-coherent
// device without memory encryption (the shim refuses any other). DMA
// addresses are physical addresses through the device's range map; a buffer
// the device cannot reach fails cleanly instead of bouncing.
#ifndef ALTDMA_CORE_DIRECT_POLICY_H
#define ALTDMA_CORE_DIRECT_POLICY_H

#include <altdma/platform.h>

#include "device/device_limits.h"
#include "device/dma_range_map.h"
#include "policy/mapping_policy.h"
#include "policy/reachable_pages.h"

namespace altdma {

class DirectPolicy final : public MappingPolicy {
public:
	// @cap: the highest DMA address the device may use whatever its masks
	// say (an emulated narrow mask); kU64Max for none.
	DirectPolicy(struct altdma_plat_device *dev, const DmaRangeMap &ranges,
		     altdma_u64 cap = ~0ULL)
		: dev_(dev), ranges_(ranges), pages_(dev, ranges), cap_(cap)
	{
	}

	altdma_dma_t translate(altdma_phys_t phys) const
	{
		return ranges_.phys_to_dma(phys);
	}

	// The limits every check uses: the device's, under the cap.
	altdma_u64 streaming_limit(const DeviceLimits &limits) const;
	altdma_u64 coherent_limit(const DeviceLimits &limits) const;
	// The smallest all-ones mask that covers every RAM page, cap or not.
	altdma_u64 ram_mask() const;

	altdma_dma_t map_phys(altdma_phys_t phys, altdma_usize size,
			      enum altdma_dir dir,
			      unsigned long attrs) override;

	// The fast table's map: the caller passes the two limits a direct map
	// needs (the device's streaming mask and bus limit) instead of the
	// policy reading all six through the platform. Only a failure takes
	// the out-of-line path, for its message.
	altdma_dma_t map_fast(altdma_phys_t phys, altdma_usize size,
			      altdma_u64 dma_mask, altdma_u64 bus_limit)
	{
		altdma_dma_t dma = ranges_.phys_to_dma(phys);
		altdma_u64 limit = min_u64(min_not_zero(dma_mask, bus_limit),
					   cap_);

		if (__builtin_expect(dma_mask != 0 &&
				     dma_range_reachable(dma, size, limit), 1))
			return dma;
		return checked_mapping("map", phys, dma, size);
	}
	void unmap_phys(altdma_dma_t dma, altdma_usize size,
			enum altdma_dir dir, unsigned long attrs) override;
	altdma_dma_t map_resource(altdma_phys_t phys, altdma_usize size,
				  enum altdma_dir dir,
				  unsigned long attrs) override;
	void sync_for_cpu(altdma_dma_t dma, altdma_usize size,
			  enum altdma_dir dir) override;
	void sync_for_device(altdma_dma_t dma, altdma_usize size,
			     enum altdma_dir dir) override;

	Result<CoherentBlock> alloc(altdma_usize size, altdma_u32 caller_gfp,
				    unsigned long attrs,
				    CoherentKind kind) override;
	void free(altdma_usize size, altdma_dma_t dma) override;

	bool dma_supported(altdma_u64 mask) override;
	altdma_u64 required_mask() override;
	altdma_usize max_mapping_size() override;
	// Out of line, not MappingPolicy's inline defaults: this header is now
	// in several objects, and a module link discards the COMDAT copies
	// that objtool's .return_sites still point into.
	bool retry_may_succeed(altdma_usize size) override;
	void read_stats(struct altdma_core_stats *stats) override;
	// Direct mappings live in no pool of altdma's.
	altdma_u64 list_live(struct altdma_core_live_mapping *,
			     altdma_u64) override;

private:
	altdma_dma_t checked_mapping(const char *what, altdma_phys_t phys,
				     altdma_dma_t dma, altdma_usize size);

	struct altdma_plat_device *dev_;
	const DmaRangeMap &ranges_;
	ReachablePages pages_;
	altdma_u64 cap_;
};

} // namespace altdma

#endif
