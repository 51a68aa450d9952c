// SPDX-License-Identifier: GPL-2.0
// The core's state for one attached device: its range map and its policy.
// Scatterlists, sg tables and mmap windows are built here from the policy's
// per-buffer operations, so every policy shares them.
#ifndef ALTDMA_CORE_DEVICE_H
#define ALTDMA_CORE_DEVICE_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/counter.h"
#include "base/status.h"
#include "device/dma_range_map.h"
#include "device/policy_config.h"
#include "policy/direct_policy.h"
#include "policy/mapping_policy.h"

namespace altdma {

class BouncePolicy;
class Checker;
class FaultLayer;
class LatencyLayer;

struct PhysChunk {
	altdma_phys_t phys;
	altdma_u64 length;
};

class Device {
public:
	explicit Device(struct altdma_plat_device *plat) : plat_(plat) {}
	~Device();
	Device(const Device &) = delete;
	Device &operator=(const Device &) = delete;

	Status init(const struct altdma_core_config &config);

	MappingPolicy &policy() { return *policy_; }
	// The policy for its fast table, or nullptr under any other policy.
	DirectPolicy *direct_policy() { return direct_; }
	BouncePolicy *bounce_policy() { return bounce_; }
	enum altdma_table_kind table_kind() const { return table_; }
	// The fault layer, or nullptr when attached without one.
	FaultLayer *faults() { return faults_; }
	// The latency layer, or nullptr when attached without one.
	LatencyLayer *latency() { return latency_; }
	// The checker layer, or nullptr when attached without one.
	Checker *checker() { return checker_; }
	void count_free() { coherent_frees_.add(1); }
	void read_stats(struct altdma_core_stats *stats);

	// Streaming maps and coherent allocations, counted for every policy.
	altdma_dma_t map_phys(altdma_phys_t phys, altdma_usize size,
			      enum altdma_dir dir, unsigned long attrs);
	altdma_dma_t map_resource(altdma_phys_t phys, altdma_usize size,
				  enum altdma_dir dir, unsigned long attrs);
	Result<CoherentBlock> alloc(altdma_usize size, altdma_u32 caller_gfp,
				    unsigned long attrs, CoherentKind kind,
				    enum altdma_dir dir);

	// Returns @nents, or the negated errno after unmapping what was mapped.
	int map_sg(struct altdma_plat_sg *sgl, int nents, enum altdma_dir dir,
		   unsigned long attrs);
	void unmap_sg(struct altdma_plat_sg *sgl, int nents,
		      enum altdma_dir dir, unsigned long attrs);
	void sync_sg_for_cpu(struct altdma_plat_sg *sgl, int nents,
			     enum altdma_dir dir);
	void sync_sg_for_device(struct altdma_plat_sg *sgl, int nents,
				enum altdma_dir dir);

	Result<PhysChunk> sgtable_chunk(altdma_dma_t dma, altdma_usize size);
	Result<altdma_u64> mmap_pfn(altdma_dma_t dma, altdma_usize size,
				    altdma_u64 pgoff, altdma_u64 user_pages);

private:
	altdma_dma_t counted(altdma_dma_t dma);
	bool injected(enum altdma_core_fault_class cls, altdma_u64 size,
		      enum altdma_dir dir);
	bool list_injected(struct altdma_plat_sg *sgl, int nents,
			   enum altdma_dir dir);
	altdma_dma_t map_entry(altdma_phys_t phys, altdma_usize size,
			       enum altdma_dir dir, unsigned long attrs);
	Status init_policy(const PolicyConfig &config);

	struct altdma_plat_device *plat_;
	DmaRangeMap ranges_;
	MappingPolicy *policy_ = nullptr;
	DirectPolicy *direct_ = nullptr;	// policy_, when it is direct
	BouncePolicy *bounce_ = nullptr;	// policy_, when it bounces
	FaultLayer *faults_ = nullptr;
	LatencyLayer *latency_ = nullptr;
	Checker *checker_ = nullptr;
	enum altdma_table_kind table_ = ALTDMA_TABLE_GENERIC;
	Counter maps_;
	Counter map_failures_;
	Counter coherent_allocs_;
	Counter coherent_frees_;
};

} // namespace altdma

#endif
