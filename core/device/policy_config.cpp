// SPDX-License-Identifier: GPL-2.0
#include "device/policy_config.h"

#include "base/util.h"
#include "policy/bounce/bounce_area.h"

namespace altdma {

namespace {

constexpr altdma_u32 kKnownFlags = ALTDMA_BOUNCE_FORCE |
				   ALTDMA_BOUNCE_GUARD_BYTES |
				   ALTDMA_BOUNCE_COHERENT_FROM_POOL |
				   ALTDMA_LAYER_FLAGS;
constexpr altdma_u32 kMinMaskBits = 12;
constexpr altdma_u32 kMaxMaskBits = 63;
constexpr altdma_u32 kMaxGuard = 4096;

Status refuse(struct altdma_plat_device *dev, const char *field,
	      unsigned long long value, const char *why)
{
	altdma_plat_dev_log(dev, ALTDMA_LOG_ERR, 0,
			    "invalid configuration: %s = %llu: %s\n", field,
			    value, why);
	return Status::kInvalid;
}

Result<PolicyConfig> check_bounce(struct altdma_plat_device *dev,
				  const struct altdma_core_config &in)
{
	PolicyConfig out = { in.policy, in.flags, kU64Max,
			     in.pool_size ? in.pool_size : ALTDMA_BOUNCE_DEFAULT_POOL_SIZE,
			     in.max_mapping_size ? in.max_mapping_size :
						   ALTDMA_BOUNCE_DEFAULT_MAX_MAPPING,
			     0 };

	if (in.flags & ~kKnownFlags)
		return refuse(dev, "flags", in.flags, "unknown flag bits");
	if (in.emulated_mask_bits) {
		if (in.emulated_mask_bits < kMinMaskBits ||
		    in.emulated_mask_bits > kMaxMaskBits)
			return refuse(dev, "emulated_mask_bits",
				      in.emulated_mask_bits,
				      "must be 0 (none) or 12 to 63");
		out.cap = bit_mask(in.emulated_mask_bits);
	}
	if (out.pool_size > ALTDMA_BOUNCE_MAX_POOL_SIZE)
		return refuse(dev, "pool_size", out.pool_size,
			      "larger than the 1 GiB maximum");
	if (out.pool_size < ALTDMA_PAGE_SIZE)
		return refuse(dev, "pool_size", out.pool_size,
			      "smaller than a page");
	if (out.max_mapping > out.pool_size)
		return refuse(dev, "max_mapping_size", out.max_mapping,
			      "larger than the pool");
	if (in.flags & ALTDMA_BOUNCE_GUARD_BYTES) {
		out.guard = in.guard_size ? in.guard_size :
					    ALTDMA_BOUNCE_DEFAULT_GUARD_SIZE;
		if (out.guard > kMaxGuard)
			return refuse(dev, "guard_size", out.guard,
				      "larger than 4096 bytes");
	} else if (in.guard_size) {
		return refuse(dev, "guard_size", in.guard_size,
			      "set without the guard-bytes flag");
	}
	// A mapping, its red zones and up to a slot of kept offset must fit
	// one physically contiguous piece of the pool.
	struct altdma_plat_info info;
	altdma_plat_get_info(&info);
	altdma_u64 piece = ALTDMA_PAGE_SIZE << info.max_page_order;
	if (out.max_mapping + 2ULL * out.guard + BounceArea::kSlotSize > piece)
		return refuse(dev, "max_mapping_size", out.max_mapping,
			      "with its red zones and a slot of offset it exceeds the largest contiguous piece of the pool");
	return out;
}

} // namespace

Result<PolicyConfig> check_policy_config(struct altdma_plat_device *dev,
					 const struct altdma_core_config &in)
{
	if (in.checks >> ALTDMA_CHECK_CLASS_COUNT)
		return refuse(dev, "checks", in.checks, "unknown check classes");
	if (in.checks && !(in.flags & ALTDMA_FLAG_CHECKS))
		return refuse(dev, "checks", in.checks,
			      "set without the checker's flag");
	switch (in.policy) {
	case ALTDMA_POLICY_DIRECT:
		if ((in.flags & ~ALTDMA_LAYER_FLAGS) ||
		    in.emulated_mask_bits || in.guard_size || in.pool_size ||
		    in.max_mapping_size)
			return refuse(dev, "policy", in.policy,
				      "the direct policy takes no bounce settings");
		return PolicyConfig{ in.policy,
				     in.flags & ALTDMA_LAYER_FLAGS,
				     kU64Max, 0, 0, 0 };
	case ALTDMA_POLICY_BOUNCE:
		return check_bounce(dev, in);
	default:
		altdma_plat_dev_log(dev, ALTDMA_LOG_ERR, 0,
				    "unknown DMA policy %u\n", in.policy);
		return Status::kInvalid;
	}
}

} // namespace altdma
