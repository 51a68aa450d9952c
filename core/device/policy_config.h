// SPDX-License-Identifier: GPL-2.0
// An attach-time configuration, checked and with its defaults filled in.
#ifndef ALTDMA_CORE_POLICY_CONFIG_H
#define ALTDMA_CORE_POLICY_CONFIG_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/status.h"

namespace altdma {

struct PolicyConfig {
	altdma_u32 policy;
	altdma_u32 flags;
	altdma_u64 cap;			// highest reachable DMA address
	altdma_u64 pool_size;
	altdma_u64 max_mapping;
	altdma_u32 guard;		// 0 unless ALTDMA_BOUNCE_GUARD_BYTES
};

// kInvalid, after one message naming the offending field, for a
// configuration that is out of range or sets what its policy does not use.
Result<PolicyConfig> check_policy_config(struct altdma_plat_device *dev,
					 const struct altdma_core_config &in);

} // namespace altdma

#endif
