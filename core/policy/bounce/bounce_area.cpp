// SPDX-License-Identifier: GPL-2.0
#include "policy/bounce/bounce_area.h"

#include "base/spin_lock.h"
#include "base/util.h"

namespace altdma {

namespace {

constexpr altdma_u64 align_down(altdma_u64 value, altdma_u64 align)
{
	return value & ~(align - 1);
}

constexpr altdma_u64 align_up(altdma_u64 value, altdma_u64 align)
{
	return (value + align - 1) & ~(align - 1);
}

// The bits a bounce address must share with the original: those under
// min_align_mask, and the offset within a slot. A mask that is not of the
// form 2^n - 1 is widened to one, which keeps every bit it asks for.
constexpr altdma_u64 kept_bits(altdma_u64 min_align_mask)
{
	return bit_mask(fls64(min_align_mask | (BounceArea::kSlotSize - 1)));
}

} // namespace

BounceArea::~BounceArea()
{
	altdma_plat_free(records_);
	altdma_plat_free(heads_);
}

Status BounceArea::init(altdma_phys_t phys, altdma_dma_t dma, altdma_u64 size,
			altdma_u32 gfp)
{
	if (size == 0 || size % kSlotSize || phys % kSlotSize ||
	    (size >> kSlotShift) >= kFreeSlot)
		return Status::kInvalid;
	altdma_u32 slots = static_cast<altdma_u32>(size >> kSlotShift);

	heads_ = static_cast<altdma_u32 *>(
		altdma_plat_alloc(slots * sizeof(*heads_), gfp));
	records_ = static_cast<Record *>(
		altdma_plat_alloc(slots * sizeof(*records_), gfp));
	if (!heads_ || !records_)
		return Status::kNoMemory;
	for (altdma_u32 i = 0; i < slots; i++)
		heads_[i] = kFreeSlot;
	phys_ = phys;
	dma_ = dma;
	size_ = size;
	nr_slots_ = slots;
	return Status::kOk;
}

bool BounceArea::run_is_free(altdma_u32 first, altdma_u32 count,
			     altdma_u32 *busy) const
{
	for (altdma_u32 i = first + count; i > first; i--) {
		if (heads_[i - 1] != kFreeSlot) {
			*busy = i - 1;
			return false;
		}
	}
	return true;
}

// Whether data at @bounce_offset into the area obeys every placement rule;
// if so, the run of slots it needs.
bool BounceArea::place(const BounceRequest &req, altdma_u64 bounce_offset,
		       altdma_u32 *first, altdma_u32 *count) const
{
	altdma_u64 size = req.size ? req.size : 1;

	if (bounce_offset < req.guard)
		return false;
	altdma_u64 run_start = align_down(bounce_offset - req.guard, kSlotSize);
	altdma_u64 run_end = align_up(bounce_offset + size + req.guard, kSlotSize);
	if (run_end > size_ || ((phys_ + run_start) & req.alloc_align_mask))
		return false;

	altdma_dma_t start = dma_ + bounce_offset;
	altdma_dma_t last = start + (size - 1);
	if ((start & ~req.segment_boundary) != (last & ~req.segment_boundary))
		return false;

	*first = static_cast<altdma_u32>(run_start >> kSlotShift);
	*count = static_cast<altdma_u32>((run_end - run_start) >> kSlotShift);
	return true;
}

// Candidates are every offset with the original's kept bits, searched from
// where the last reservation ended (next fit), wrapping once.
Result<BounceMapping> BounceArea::reserve(const BounceRequest &req,
					  BounceFailure *why)
{
	altdma_u64 size = req.size ? req.size : 1;
	altdma_u64 keep = kept_bits(req.min_align_mask);
	altdma_u64 step = keep + 1;
	altdma_u64 min_slots = align_up(size + 2ULL * req.guard, kSlotSize) >> kSlotShift;

	*why = BounceFailure::kExhausted;
	if (step > size_ || size + 2ULL * req.guard > size_)
		return Status::kInvalid;
	// Offsets within the area whose absolute address keeps the bits.
	altdma_u64 low = ((req.orig & keep) - (phys_ & keep)) & keep;
	altdma_u64 candidates = (size_ - low + step - 1) / step;

	SpinLockGuard guard(lock_);
	if (nr_slots_ - used_slots_ < min_slots)
		return Status::kNoMemory;
	*why = BounceFailure::kFragmented;

	altdma_u64 start = (static_cast<altdma_u64>(next_) << kSlotShift) / step;
	for (altdma_u64 n = 0; n < candidates; n++) {
		altdma_u64 index = (start + n) % candidates;
		altdma_u32 first, count, busy;

		if (!place(req, low + index * step, &first, &count))
			continue;
		if (!run_is_free(first, count, &busy)) {
			// Skip the candidates whose run would still cover @busy.
			altdma_u64 clear = ((static_cast<altdma_u64>(busy) + 1) << kSlotShift) +
					   req.guard;
			altdma_u64 next = clear > low ? (clear - low + step - 1) / step : 0;
			if (next > index + 1 && next <= candidates)
				n += next - index - 1;
			continue;
		}
		for (altdma_u32 i = first; i < first + count; i++)
			heads_[i] = first;
		records_[first] = Record{
			req.orig, req.size,
			static_cast<altdma_u32>(low + index * step -
						(static_cast<altdma_u64>(first) << kSlotShift)),
			count, req.dir, req.kind, false,
		};
		used_slots_ += count;
		next_ = (first + count) % nr_slots_;
		count_reserved_locked(records_[first]);
		*why = BounceFailure::kNone;
		return mapping_at(first);
	}
	return Status::kNoMemory;
}

BounceMapping BounceArea::mapping_at(altdma_u32 head) const
{
	const Record &r = records_[head];
	altdma_phys_t run_start = phys_ + (static_cast<altdma_u64>(head) << kSlotShift);

	return BounceMapping{
		r.orig, r.size, run_start + r.lead, run_start,
		r.run_bytes(), r.dir, r.kind, r.quarantined,
	};
}

Result<BounceMapping> BounceArea::lookup(altdma_phys_t phys)
{
	if (!contains_phys(phys))
		return Status::kInvalid;
	SpinLockGuard guard(lock_);
	altdma_u32 head = heads_[(phys - phys_) >> kSlotShift];
	if (head == kFreeSlot)
		return Status::kInvalid;
	BounceMapping mapping = mapping_at(head);
	altdma_u64 size = mapping.size ? mapping.size : 1;
	if (phys < mapping.bounce || phys - mapping.bounce >= size)
		return Status::kInvalid;
	return mapping;
}

altdma_u64 BounceArea::list_live(struct altdma_core_live_mapping *out,
				 altdma_u64 max, altdma_u64 first)
{
	SpinLockGuard guard(lock_);
	altdma_u64 live = 0;

	for (altdma_u32 slot = 0; slot < nr_slots_; slot++) {
		if (heads_[slot] != slot || records_[slot].quarantined)
			continue;
		if (first + live < max) {
			BounceMapping m = mapping_at(slot);
			struct altdma_core_live_mapping *entry = &out[first + live];

			entry->dma = dma_ + (m.bounce - phys_);
			entry->size = m.size;
			entry->dir = m.dir;
			entry->coherent = m.kind == BounceKind::kCoherent;
		}
		live++;
	}
	return live;
}

void BounceArea::count_reserved_locked(const Record &r)
{
	counters_.used_bytes.add_locked(r.run_bytes());
	counters_.peak_bytes.raise_to_locked(counters_.used_bytes.get());
	if (r.kind == BounceKind::kCoherent) {
		counters_.coherent.add_locked(1);
		return;
	}
	counters_.streaming.add_locked(1);
	counters_.maps[r.dir & 3].add_locked(1);
	counters_.bytes[r.dir & 3].add_locked(r.size);
}

void BounceArea::count_released_locked(const Record &r, bool cancel)
{
	counters_.used_bytes.sub_locked(r.run_bytes());
	if (r.kind == BounceKind::kCoherent) {
		counters_.coherent.sub_locked(1);
		return;
	}
	counters_.streaming.sub_locked(1);
	if (cancel) {
		counters_.maps[r.dir & 3].sub_locked(1);
		counters_.bytes[r.dir & 3].sub_locked(r.size);
	}
}

void BounceArea::release(altdma_phys_t bounce, bool cancel)
{
	if (!contains_phys(bounce))
		return;
	SpinLockGuard guard(lock_);
	altdma_u32 head = heads_[(bounce - phys_) >> kSlotShift];
	if (head == kFreeSlot || mapping_at(head).bounce != bounce)
		return;
	altdma_u32 count = records_[head].run_slots;
	for (altdma_u32 i = head; i < head + count; i++)
		heads_[i] = kFreeSlot;
	used_slots_ -= count;
	count_released_locked(records_[head], cancel);
}

void BounceArea::quarantine(altdma_phys_t bounce)
{
	if (!contains_phys(bounce))
		return;
	SpinLockGuard guard(lock_);
	altdma_u32 head = heads_[(bounce - phys_) >> kSlotShift];
	if (head != kFreeSlot && mapping_at(head).bounce == bounce)
		records_[head].quarantined = true;
}

altdma_u32 BounceArea::largest_free_run() const
{
	altdma_u32 best = 0, run = 0;

	for (altdma_u32 i = 0; i < nr_slots_; i++) {
		run = heads_[i] == kFreeSlot ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

altdma_u64 BounceArea::largest_free_bytes()
{
	SpinLockGuard guard(lock_);

	return static_cast<altdma_u64>(largest_free_run()) << kSlotShift;
}

} // namespace altdma
