// SPDX-License-Identifier: GPL-2.0
// An IRQ-safe spinlock from the platform, embedded where it is declared,
// and the only way to hold it.
#ifndef ALTDMA_CORE_SPIN_LOCK_H
#define ALTDMA_CORE_SPIN_LOCK_H

#include <altdma/platform.h>

#include "base/thread_annotations.h"

namespace altdma {

class ALTDMA_CAPABILITY("spinlock") SpinLock {
public:
	SpinLock() { altdma_plat_lock_init(&lock_); }
	// For locks taken under (or over) another SpinLock: a class of its own.
	explicit SpinLock(enum altdma_lock_class cls)
	{
		altdma_plat_lock_init_class(&lock_, cls);
	}
	~SpinLock() { altdma_plat_lock_destroy(&lock_); }
	SpinLock(const SpinLock &) = delete;
	SpinLock &operator=(const SpinLock &) = delete;

private:
	friend class SpinLockGuard;
	struct altdma_plat_lock lock_;
};

// Holds a SpinLock, interrupts disabled, for the guard's lifetime.
class [[nodiscard]] ALTDMA_SCOPED_CAPABILITY SpinLockGuard {
public:
	explicit SpinLockGuard(SpinLock &lock) ALTDMA_ACQUIRE(lock)
		: lock_(lock), flags_(altdma_plat_lock(&lock.lock_))
	{
	}
	~SpinLockGuard() ALTDMA_RELEASE() { altdma_plat_unlock(&lock_.lock_, flags_); }
	SpinLockGuard(const SpinLockGuard &) = delete;
	SpinLockGuard &operator=(const SpinLockGuard &) = delete;

private:
	SpinLock &lock_;
	unsigned long flags_;
};

} // namespace altdma

#endif
