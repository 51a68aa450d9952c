// SPDX-License-Identifier: GPL-2.0
// Unmapped bounce slots held back from reuse for a while, filled with a
// pattern: a device that still writes through a DMA address its driver
// unmapped changes the pattern, and the change is found when the slot
// leaves the quarantine (the checker's dma_after_unmap class). The oldest
// slot leaves when the quarantine is full (kEntries slots or its byte
// budget); all leave when the pool has no room for a new mapping, so the
// quarantine never makes a map fail that would succeed without it.
#ifndef ALTDMA_CORE_SLOT_QUARANTINE_H
#define ALTDMA_CORE_SLOT_QUARANTINE_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/spin_lock.h"
#include "base/thread_annotations.h"

namespace altdma {

class BounceArea;

// Who is told about slots written after their unmap (the checker).
class QuarantineObserver {
public:
	// The stack of the mapping of @size bytes at @dma that was just
	// unmapped (0: none known).
	virtual altdma_u32 unmapped_stack(altdma_dma_t dma, altdma_u64 size) = 0;
	// The device wrote [dma, dma + size) of an unmapped slot: the first
	// changed byte is @offset bytes in; @stack is the mapping's.
	virtual void written_after_unmap(altdma_dma_t dma, altdma_u64 size,
					 altdma_u64 offset, altdma_u32 stack) = 0;

protected:
	~QuarantineObserver() = default;
};

class SlotQuarantine {
public:
	static constexpr altdma_u32 kEntries = 64;
	static constexpr altdma_u8 kPattern = 0x6b;	// as the slab's free poison

	SlotQuarantine(QuarantineObserver *observer, altdma_u64 max_bytes)
		: observer_(observer), max_bytes_(max_bytes)
	{
	}
	~SlotQuarantine() = default;
	SlotQuarantine(const SlotQuarantine &) = delete;
	SlotQuarantine &operator=(const SlotQuarantine &) = delete;

	// Takes over the unmapped slot run whose data is [bounce, bounce +
	// size) in @area (device address @dma), fills the data with the
	// pattern, and releases the oldest slots beyond the quarantine's room.
	void hold(BounceArea *area, altdma_phys_t bounce, altdma_dma_t dma,
		  altdma_u64 size);
	// Checks and releases every held slot; returns how many there were.
	altdma_u32 drain();
	altdma_u64 held_bytes() const;

private:
	struct Held {
		BounceArea *area;
		altdma_phys_t bounce;
		altdma_dma_t dma;
		altdma_u64 size;
		altdma_u32 stack;
	};

	bool pop_oldest_locked(Held *out) ALTDMA_REQUIRES(lock_);
	void release(const Held &h);

	QuarantineObserver *observer_;
	altdma_u64 max_bytes_;
	mutable SpinLock lock_;
	Held ring_[kEntries] ALTDMA_GUARDED_BY(lock_) = {};
	altdma_u32 first_ ALTDMA_GUARDED_BY(lock_) = 0;
	altdma_u32 count_ ALTDMA_GUARDED_BY(lock_) = 0;
	altdma_u64 bytes_ ALTDMA_GUARDED_BY(lock_) = 0;
};

} // namespace altdma

#endif
