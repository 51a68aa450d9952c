// SPDX-License-Identifier: GPL-2.0
// The fault-injection layer of the generic (instrumented) table: one
// FaultInjector per operation class, above any policy. A failure it injects
// is what the policy would return for a real one, and nothing below sees
// the operation; a line (verbose 1) or a line and the stack (verbose 2)
// says which operation failed, so a driver's error path can be traced back
// to the call that started it.
#ifndef ALTDMA_CORE_FAULT_LAYER_H
#define ALTDMA_CORE_FAULT_LAYER_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/counter.h"
#include "base/status.h"
#include "layers/fault_injector.h"

namespace altdma {

class FaultLayer {
public:
	explicit FaultLayer(struct altdma_plat_device *plat) : plat_(plat) {}
	FaultLayer(const FaultLayer &) = delete;
	FaultLayer &operator=(const FaultLayer &) = delete;

	Status set(enum altdma_core_fault_class cls, enum altdma_core_fault_knob knob,
		   altdma_s64 value);
	Result<altdma_s64> get(enum altdma_core_fault_class cls,
			       enum altdma_core_fault_knob knob);

	// Counts the call, then whether it is to fail. Any context.
	bool should_fail(enum altdma_core_fault_class cls, altdma_u64 size,
			 enum altdma_dir dir)
	{
		calls_[cls].add(1);
		FaultDecision decision = injectors_[cls].decide(size, dir);
		if (!decision.fail)
			return false;
		report(cls, size, dir, decision);
		return true;
	}
	// Whether a map_sg must add up its list's size for should_fail().
	bool armed(enum altdma_core_fault_class cls) const
	{
		return injectors_[cls].armed();
	}

	void read_stats(struct altdma_core_stats *stats) const;

private:
	void report(enum altdma_core_fault_class cls, altdma_u64 size,
		    enum altdma_dir dir, const FaultDecision &decision);

	struct altdma_plat_device *plat_;
	FaultInjector injectors_[ALTDMA_CORE_FAULT_CLASS_COUNT];
	Counter calls_[ALTDMA_CORE_FAULT_CLASS_COUNT];
};

} // namespace altdma

#endif
