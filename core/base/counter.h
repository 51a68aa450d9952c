// SPDX-License-Identifier: GPL-2.0
// Statistics counters that need no lock to read: one any CPU may bump
// (a locked add), and one written only under its owner's lock (a plain
// store, cheaper where the lock is held anyway).
#ifndef ALTDMA_CORE_COUNTER_H
#define ALTDMA_CORE_COUNTER_H

#include <altdma/platform.h>

namespace altdma {

class Counter {
public:
	void add(altdma_u64 n) { __atomic_fetch_add(&value_, n, __ATOMIC_RELAXED); }
	void sub(altdma_u64 n) { __atomic_fetch_sub(&value_, n, __ATOMIC_RELAXED); }
	altdma_u64 get() const { return __atomic_load_n(&value_, __ATOMIC_RELAXED); }
	// Takes one away unless it is 0; whether it did.
	bool take_one()
	{
		altdma_u64 n = get();

		while (n && !__atomic_compare_exchange_n(&value_, &n, n - 1, true,
							 __ATOMIC_RELAXED,
							 __ATOMIC_RELAXED)) {
		}
		return n != 0;
	}

private:
	altdma_u64 value_ = 0;
};

// A counter written only with one lock held and read from anywhere: a
// plain load and store (no locked instruction), atomic only so that a
// reader without the lock sees whole values.
class LockedCounter {
public:
	void add_locked(altdma_u64 n) { set_locked(get() + n); }
	void sub_locked(altdma_u64 n) { set_locked(get() - n); }
	void raise_to_locked(altdma_u64 n)
	{
		if (n > get())
			set_locked(n);
	}
	altdma_u64 get() const { return __atomic_load_n(&value_, __ATOMIC_RELAXED); }

private:
	void set_locked(altdma_u64 n) { __atomic_store_n(&value_, n, __ATOMIC_RELAXED); }

	altdma_u64 value_ = 0;
};

} // namespace altdma

#endif
