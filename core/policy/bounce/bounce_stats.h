// SPDX-License-Identifier: GPL-2.0
// Counters of a bounce pool: those of its rare paths (failures, refusals)
// shared by every CPU, those of every map and unmap kept per area, under
// the area's lock, so the fast path writes no line another CPU writes.
#ifndef ALTDMA_CORE_BOUNCE_STATS_H
#define ALTDMA_CORE_BOUNCE_STATS_H

#include <altdma/platform.h>

#include "base/counter.h"

namespace altdma {

// What one area has live and has done, under its lock.
struct AreaCounters {
	LockedCounter used_bytes;	// slot runs reserved
	LockedCounter peak_bytes;	// the highest used_bytes reached
	LockedCounter streaming;	// live bounce mappings
	LockedCounter coherent;		// live coherent allocations
	LockedCounter maps[4];		// bounce mappings made, per direction
	LockedCounter bytes[4];
};

// The pool's shared counters: written only off the fast path.
struct BounceStats {
	Counter refused_calls;
	Counter too_large;
	Counter fragmented;
	Counter exhausted;
	Counter unreachable;
	Counter guard_violations;
};

} // namespace altdma

#endif
