// SPDX-License-Identifier: GPL-2.0
// The bounce policy: the direct policy, narrowed to an optional emulated
// mask, plus the device's own bounce pool for what it cannot reach (or for
// everything, in force mode). Coherent memory comes from reachable pages,
// or from the pool when so configured.
#ifndef ALTDMA_CORE_BOUNCE_POLICY_H
#define ALTDMA_CORE_BOUNCE_POLICY_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "device/device_limits.h"
#include "device/dma_range_map.h"
#include "device/policy_config.h"
#include "policy/bounce/bounce_pool.h"
#include "policy/direct_policy.h"
#include "policy/mapping_policy.h"

namespace altdma {

class BouncePolicy final : public MappingPolicy {
public:
	BouncePolicy(struct altdma_plat_device *dev, const DmaRangeMap &ranges,
		     const PolicyConfig &config)
		: dev_(dev), config_(config), direct_(dev, ranges, config.cap),
		  pool_(dev, ranges)
	{
	}

	// Allocates the pool where the device can reach it (see pool_limit).
	Status init();

	altdma_dma_t map_phys(altdma_phys_t phys, altdma_usize size,
			      enum altdma_dir dir,
			      unsigned long attrs) override;
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
	bool retry_may_succeed(altdma_usize size) override;
	void read_stats(struct altdma_core_stats *stats) override;
	altdma_u64 list_live(struct altdma_core_live_mapping *out,
			     altdma_u64 max) override;
	// The bounce slot holding what the device sees at @dma, or
	// ALTDMA_PHYS_INVALID when @dma did not bounce.
	altdma_phys_t slot_phys(altdma_dma_t dma) const
	{
		return pool_.slot_phys(dma);
	}
	Status enable_quarantine(QuarantineObserver *observer)
	{
		return pool_.enable_quarantine(observer);
	}
	altdma_u32 drain_quarantine() { return pool_.drain_quarantine(); }

private:
	altdma_u64 pool_limit(const DeviceLimits &limits) const;
	bool may_bounce_below(altdma_u64 limit);

	struct altdma_plat_device *dev_;
	PolicyConfig config_;
	DirectPolicy direct_;
	BouncePool pool_;
};

} // namespace altdma

#endif
