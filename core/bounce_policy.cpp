// SPDX-License-Identifier: GPL-2.0
#include "bounce_policy.h"

#include "device_limits.h"
#include "util.h"

namespace altdma {

Status BouncePolicy::init()
{
	DeviceLimits limits(dev_);
	// Streaming and coherent buffers may both end up in the pool, and the
	// driver has usually not set its masks yet: stay below all of them.
	altdma_u64 limit = direct_.coherent_limit(limits);
	if (limits.can_stream())
		limit = min_u64(limit, direct_.streaming_limit(limits));

	return pool_.init(BouncePoolConfig{ config_.pool_size, limit,
					    config_.max_mapping,
					    config_.guard });
}

altdma_dma_t BouncePolicy::map_phys(altdma_phys_t phys, altdma_usize size,
				    enum altdma_dir dir, unsigned long attrs)
{
	DeviceLimits limits(dev_);
	bool force = config_.flags & ALTDMA_BOUNCE_FORCE;

	if (!limits.can_stream())
		return direct_.map_phys(phys, size, dir, attrs);
	altdma_u64 limit = direct_.streaming_limit(limits);
	if (!force) {
		altdma_dma_t dma = direct_.translate(phys);

		if (dma_range_reachable(dma, size, limit))
			return dma;
	}

	return pool_.map(phys, size, dir, limits, limit);
}

void BouncePolicy::unmap_phys(altdma_dma_t dma, altdma_usize size,
			      enum altdma_dir dir, unsigned long attrs)
{
	if (pool_.owns(dma))
		pool_.unmap(dma, size, dir, attrs);
}

altdma_dma_t BouncePolicy::map_resource(altdma_phys_t phys, altdma_usize size,
					enum altdma_dir dir,
					unsigned long attrs)
{
	return direct_.map_resource(phys, size, dir, attrs);
}

void BouncePolicy::sync_for_cpu(altdma_dma_t dma, altdma_usize size,
				enum altdma_dir dir)
{
	if (pool_.owns(dma))
		pool_.sync_for_cpu(dma, size, dir);
}

void BouncePolicy::sync_for_device(altdma_dma_t dma, altdma_usize size,
				   enum altdma_dir dir)
{
	if (pool_.owns(dma))
		pool_.sync_for_device(dma, size, dir);
}

Result<CoherentBlock> BouncePolicy::alloc(altdma_usize size,
					  altdma_u32 caller_gfp,
					  unsigned long attrs,
					  CoherentKind kind)
{
	if (config_.flags & ALTDMA_BOUNCE_COHERENT_FROM_POOL) {
		if (size == 0 || size > pool_.max_mapping())
			return Status::kInvalid;
		return pool_.alloc_coherent(size,
					    direct_.coherent_limit(DeviceLimits(dev_)));
	}
	return direct_.alloc(size, caller_gfp, attrs, kind);
}

void BouncePolicy::free(altdma_usize size, altdma_dma_t dma)
{
	if (pool_.owns(dma)) {
		if (!pool_.free_coherent(dma))
			altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
					    "free of %zu bytes at DMA address %#llx ignored: not a pool allocation\n",
					    size, dma);
		return;
	}
	direct_.free(size, dma);
}

// A mask is fine if dma-direct would take it, or if it covers the pool.
bool BouncePolicy::dma_supported(altdma_u64 mask)
{
	return direct_.dma_supported(mask) || pool_.highest_dma() <= mask;
}

altdma_u64 BouncePolicy::required_mask()
{
	return direct_.required_mask();
}

altdma_usize BouncePolicy::max_mapping_size()
{
	return pool_.max_mapping();
}

void BouncePolicy::read_stats(struct altdma_core_stats *stats)
{
	pool_.read_stats(stats);
}

} // namespace altdma
