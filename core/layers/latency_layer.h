// SPDX-License-Identifier: GPL-2.0
// The latency layer of the generic (instrumented) table: how long each
// operation takes inside altdma, per class and per CPU, summed on read.
// The time is the core's whole part of the call (fault decision, policy,
// bounce copies), read from the platform's monotonic clock.
#ifndef ALTDMA_CORE_LATENCY_LAYER_H
#define ALTDMA_CORE_LATENCY_LAYER_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/status.h"
#include "layers/latency_histogram.h"

namespace altdma {

class LatencyLayer {
public:
	// One cell per possible CPU and class, each its own allocation of
	// under a page (3.5 KiB), so that no attach needs a high-order block.
	static Result<LatencyLayer *> create(altdma_u32 gfp);
	~LatencyLayer();
	LatencyLayer(const LatencyLayer &) = delete;
	LatencyLayer &operator=(const LatencyLayer &) = delete;

	void record(enum altdma_core_latency_class cls, altdma_u64 ns)
	{
		blocks_[altdma_plat_cpu_id() % nr_blocks_]->cells[cls]->record(ns);
	}

	// Zeroes *@out, then sums every CPU's cell of @cls into it.
	Status read(enum altdma_core_latency_class cls,
		    struct altdma_core_latency *out) const;
	void reset();

private:
	struct CpuBlock {
		LatencyCell *cells[ALTDMA_CORE_LATENCY_CLASS_COUNT];
	};

	template <typename T, typename... Args>
	friend T *create_object(altdma_u32 gfp, Args &&...args);
	LatencyLayer(CpuBlock **blocks, altdma_u32 nr_blocks)
		: blocks_(blocks), nr_blocks_(nr_blocks)
	{
	}

	CpuBlock **blocks_;
	altdma_u32 nr_blocks_;
};

// Times the scope it lives in into @layer's class @cls; nothing without a
// layer (one test of a pointer the caller has loaded anyway).
class LatencyScope {
public:
	LatencyScope(LatencyLayer *layer, enum altdma_core_latency_class cls)
		: layer_(layer), cls_(cls), start_(layer ? altdma_plat_clock_ns() : 0)
	{
	}
	~LatencyScope()
	{
		if (layer_)
			layer_->record(cls_, altdma_plat_clock_ns() - start_);
	}
	LatencyScope(const LatencyScope &) = delete;
	LatencyScope &operator=(const LatencyScope &) = delete;

private:
	LatencyLayer *layer_;
	enum altdma_core_latency_class cls_;
	altdma_u64 start_;
};

} // namespace altdma

#endif
