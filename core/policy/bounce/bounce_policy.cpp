// SPDX-License-Identifier: GPL-2.0
#include "policy/bounce/bounce_policy.h"

#include "base/util.h"
#include "device/device_limits.h"

namespace altdma {

// Where the pool may lie. The driver usually sets its masks after attach,
// so the masks of now are only a guess at its reach:
// - an emulated mask is the reach, whatever the driver sets later;
// - in force mode every buffer bounces, so a device that ends with a 64-bit
//   mask must not be held to today's 32 bits: only the bus limits it;
// - otherwise the pool serves a device that cannot reach all of RAM, and
//   the masks of now (PCI's 32-bit default) are the best bound there is.
// Below 4 GiB the page allocator's zones are tried from the widest the
// limit allows (ReachablePages), so ZONE_DMA32 is used only when needed.
altdma_u64 BouncePolicy::pool_limit(const DeviceLimits &limits) const
{
	altdma_u64 bus = limits.raw().bus_limit ? limits.raw().bus_limit : kU64Max;

	if (config_.cap != kU64Max || (config_.flags & ALTDMA_BOUNCE_FORCE))
		return min_u64(config_.cap, bus);
	altdma_u64 limit = direct_.coherent_limit(limits);
	if (limits.can_stream())
		limit = min_u64(limit, direct_.streaming_limit(limits));
	return limit;
}

Status BouncePolicy::init()
{
	return pool_.init(BouncePoolConfig{ config_.pool_size,
					    pool_limit(DeviceLimits(dev_)),
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
	pool_.sync_for_cpu(dma, size, dir);
}

void BouncePolicy::sync_for_device(altdma_dma_t dma, altdma_usize size,
				   enum altdma_dir dir)
{
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
		pool_.free_coherent(dma);
		return;
	}
	direct_.free(size, dma);
}

// A mask is fine if dma-direct would take it, or if it covers the pool. One
// that leaves part of the pool out of reach is taken, as dma-direct would,
// but said: bounces there will fail as unreachable.
bool BouncePolicy::dma_supported(altdma_u64 mask)
{
	if (mask < pool_.highest_dma() && may_bounce_below(mask))
		altdma_plat_dev_log(dev_, ALTDMA_LOG_WARN, 1,
				    "DMA mask %#llx does not reach all of the bounce pool (%#llx-%#llx): bounces above the mask will fail; attach with emulated_mask_bits at or below the mask\n",
				    mask, pool_.lowest_dma(), pool_.highest_dma());
	return direct_.dma_supported(mask) || pool_.highest_dma() <= mask;
}

// dma_addressing_limited() for a device whose mask is @limit: whether some
// RAM (or, in force mode, any buffer) would bounce.
bool BouncePolicy::may_bounce_below(altdma_u64 limit)
{
	return (config_.flags & ALTDMA_BOUNCE_FORCE) ||
	       min_u64(limit, config_.cap) < direct_.ram_mask();
}

altdma_u64 BouncePolicy::required_mask()
{
	return direct_.required_mask();
}

// As dma-direct: the bounce limit only for a device that may bounce, so a
// driver whose device reaches all of RAM does not shrink its requests.
altdma_usize BouncePolicy::max_mapping_size()
{
	DeviceLimits limits(dev_);

	if (limits.can_stream() &&
	    may_bounce_below(direct_.streaming_limit(limits)))
		return pool_.max_mapping();
	return direct_.max_mapping_size();
}

bool BouncePolicy::retry_may_succeed(altdma_usize size)
{
	DeviceLimits limits(dev_);

	return limits.can_stream() && size <= pool_.max_mapping() &&
	       pool_.lowest_dma() <= direct_.streaming_limit(limits);
}

void BouncePolicy::read_stats(struct altdma_core_stats *stats)
{
	pool_.read_stats(stats);
}

// Out of line: an inline virtual is emitted in every object that can
// devirtualise it, and objtool can leave those COMDAT copies unmerged.
altdma_u64 BouncePolicy::list_live(struct altdma_core_live_mapping *out,
				   altdma_u64 max)
{
	return pool_.list_live(out, max);
}

} // namespace altdma
