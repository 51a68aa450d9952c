// SPDX-License-Identifier: GPL-2.0
#include "policy/bounce/slot_quarantine.h"

#include "policy/bounce/bounce_area.h"

namespace altdma {

namespace {

constexpr altdma_u64 kPatternWord = 0x0101010101010101ull * SlotQuarantine::kPattern;

// Offset of the first byte of [p, p + n) that is not the pattern, or @n.
altdma_u64 first_changed(const altdma_u8 *p, altdma_u64 n)
{
	altdma_u64 i = 0;

	for (; i + 8 <= n; i += 8) {
		altdma_u64 w;

		__builtin_memcpy(&w, p + i, 8);
		if (w != kPatternWord)
			break;
	}
	for (; i < n; i++)
		if (p[i] != SlotQuarantine::kPattern)
			return i;
	return n;
}

} // namespace

void SlotQuarantine::hold(BounceArea *area, altdma_phys_t bounce,
			  altdma_dma_t dma, altdma_u64 size)
{
	auto *data = static_cast<altdma_u8 *>(altdma_plat_phys_to_virt(bounce));

	if (!data) {
		area->release(bounce);
		return;
	}
	__builtin_memset(data, kPattern, size);
	Held h = { area, bounce, dma, size, observer_->unmapped_stack(dma, size) };

	// The oldest leave first, each checked and released outside the lock.
	for (;;) {
		Held old = {};
		{
			SpinLockGuard guard(lock_);

			if (!count_ ||
			    (count_ < kEntries && bytes_ + size <= max_bytes_)) {
				ring_[(first_ + count_) % kEntries] = h;
				count_++;
				bytes_ += size;
				return;
			}
			pop_oldest_locked(&old);
		}
		release(old);
	}
}

bool SlotQuarantine::pop_oldest_locked(Held *out)
{
	if (!count_)
		return false;
	*out = ring_[first_];
	first_ = (first_ + 1) % kEntries;
	count_--;
	bytes_ -= out->size;
	return true;
}

void SlotQuarantine::release(const Held &h)
{
	const auto *data = static_cast<const altdma_u8 *>(altdma_plat_phys_to_virt(h.bounce));
	altdma_u64 offset = first_changed(data, h.size);

	if (offset < h.size)
		observer_->written_after_unmap(h.dma, h.size, offset, h.stack);
	h.area->release(h.bounce);
}

altdma_u32 SlotQuarantine::drain()
{
	altdma_u32 n = 0;

	for (;;) {
		Held old = {};
		{
			SpinLockGuard guard(lock_);

			if (!pop_oldest_locked(&old))
				return n;
		}
		release(old);
		n++;
	}
}

altdma_u64 SlotQuarantine::held_bytes() const
{
	SpinLockGuard guard(lock_);

	return bytes_;
}

} // namespace altdma
