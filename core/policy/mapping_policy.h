// SPDX-License-Identifier: GPL-2.0
// The interface every mapping policy (direct, bounce, ...) implements: the
// per-buffer operations of dma_map_ops. Scatterlists, sg tables and mmap are
// built on top of it by Device, identically for every policy.
#ifndef ALTDMA_CORE_MAPPING_POLICY_H
#define ALTDMA_CORE_MAPPING_POLICY_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/status.h"

namespace altdma {

struct CoherentBlock {
	altdma_phys_t phys;
	altdma_dma_t dma;
};

enum class CoherentKind {
	kCoherent,	// dma_alloc_attrs(): zeroed unless NO_KERNEL_MAPPING
	kPages,		// dma_alloc_pages(): always zeroed
};

class MappingPolicy {
public:
	virtual ~MappingPolicy() = default;

	virtual altdma_dma_t map_phys(altdma_phys_t phys, altdma_usize size,
				      enum altdma_dir dir,
				      unsigned long attrs) = 0;
	virtual void unmap_phys(altdma_dma_t dma, altdma_usize size,
				enum altdma_dir dir, unsigned long attrs) = 0;
	virtual altdma_dma_t map_resource(altdma_phys_t phys,
					  altdma_usize size,
					  enum altdma_dir dir,
					  unsigned long attrs) = 0;
	virtual void sync_for_cpu(altdma_dma_t dma, altdma_usize size,
				  enum altdma_dir dir) = 0;
	virtual void sync_for_device(altdma_dma_t dma, altdma_usize size,
				     enum altdma_dir dir) = 0;

	virtual Result<CoherentBlock> alloc(altdma_usize size,
					    altdma_u32 caller_gfp,
					    unsigned long attrs,
					    CoherentKind kind) = 0;
	virtual void free(altdma_usize size, altdma_dma_t dma) = 0;

	virtual bool dma_supported(altdma_u64 mask) = 0;
	virtual altdma_u64 required_mask() = 0;
	virtual altdma_usize max_mapping_size() = 0;
	// After a refused map of @size bytes: whether the same map may succeed
	// once other mappings are gone (a full pool), rather than never (out of
	// reach, too large). Decides map_sg's -ENOMEM against -EIO.
	virtual bool retry_may_succeed(altdma_usize) { return false; }
	// Fills what this policy counts; *stats arrives zeroed.
	virtual void read_stats(struct altdma_core_stats *) {}
	// The live mappings of a bounce pool (see altdma_core_list_live).
	// (Not an inline default: gcc folded its body into read_stats()'s
	// COMDAT group, which the kernel's module link then discards.)
	virtual altdma_u64 list_live(struct altdma_core_live_mapping *out,
				     altdma_u64 max) = 0;
};

} // namespace altdma

#endif
