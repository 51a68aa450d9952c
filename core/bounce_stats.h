// SPDX-License-Identifier: GPL-2.0
// Counters of a bounce pool, updated without a lock from any CPU.
#ifndef ALTDMA_CORE_BOUNCE_STATS_H
#define ALTDMA_CORE_BOUNCE_STATS_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

namespace altdma {

class Counter {
public:
	void add(altdma_u64 n) { __atomic_fetch_add(&value_, n, __ATOMIC_RELAXED); }
	void sub(altdma_u64 n) { __atomic_fetch_sub(&value_, n, __ATOMIC_RELAXED); }
	altdma_u64 get() const { return __atomic_load_n(&value_, __ATOMIC_RELAXED); }

	// Raises the counter to @n if it is lower (a high-water mark).
	void raise_to(altdma_u64 n)
	{
		altdma_u64 old = get();

		while (old < n &&
		       !__atomic_compare_exchange_n(&value_, &old, n, true,
						    __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED)) {
		}
	}

private:
	altdma_u64 value_ = 0;
};

struct BounceStats {
	Counter used;
	Counter high_water;
	Counter maps[4];
	Counter bytes[4];
	Counter outstanding;
	Counter coherent_outstanding;
	Counter refused_calls;
	Counter too_large;
	Counter fragmented;
	Counter exhausted;
	Counter unreachable;
	Counter guard_violations;
};

} // namespace altdma

#endif
