// SPDX-License-Identifier: GPL-2.0
#include "layers/latency_layer.h"

#include "base/object.h"

namespace altdma {

Result<LatencyLayer *> LatencyLayer::create(altdma_u32 gfp)
{
	altdma_u32 nr_blocks = altdma_plat_nr_cpus();

	if (nr_blocks == 0)
		nr_blocks = 1;
	auto **blocks = static_cast<CpuBlock **>(
		altdma_plat_alloc(nr_blocks * sizeof(CpuBlock *), gfp | ALTDMA_GFP_ZERO));
	if (!blocks)
		return Status::kNoMemory;
	auto *layer = create_object<LatencyLayer>(gfp, blocks, nr_blocks);
	if (!layer) {
		altdma_plat_free(blocks);
		return Status::kNoMemory;
	}
	for (altdma_u32 cpu = 0; cpu < nr_blocks; cpu++) {
		blocks[cpu] = static_cast<CpuBlock *>(
			altdma_plat_alloc(sizeof(CpuBlock), gfp | ALTDMA_GFP_ZERO));
		if (!blocks[cpu]) {
			destroy_object(layer);
			return Status::kNoMemory;
		}
		for (LatencyCell *&cell : blocks[cpu]->cells) {
			cell = create_aligned_array<LatencyCell>(1, gfp);
			if (!cell) {
				destroy_object(layer);
				return Status::kNoMemory;
			}
		}
	}
	return layer;
}

LatencyLayer::~LatencyLayer()
{
	for (altdma_u32 cpu = 0; cpu < nr_blocks_; cpu++) {
		if (!blocks_[cpu])
			continue;
		for (LatencyCell *cell : blocks_[cpu]->cells)
			destroy_aligned_array(cell, 1);
		altdma_plat_free(blocks_[cpu]);
	}
	altdma_plat_free(blocks_);
}

Status LatencyLayer::read(enum altdma_core_latency_class cls,
			  struct altdma_core_latency *out) const
{
	if (static_cast<unsigned>(cls) >= ALTDMA_CORE_LATENCY_CLASS_COUNT)
		return Status::kInvalid;
	__builtin_memset(out, 0, sizeof(*out));
	for (altdma_u32 cpu = 0; cpu < nr_blocks_; cpu++)
		blocks_[cpu]->cells[cls]->add_to(out);
	return Status::kOk;
}

void LatencyLayer::reset()
{
	for (altdma_u32 cpu = 0; cpu < nr_blocks_; cpu++)
		for (LatencyCell *cell : blocks_[cpu]->cells)
			cell->reset();
}

} // namespace altdma
