// SPDX-License-Identifier: GPL-2.0
// One physically contiguous piece of a bounce pool: 2 KiB slots, its own
// lock, the record of every mapping that lives in it, and its counters.
// Mostly one CPU maps into an area, so everything a map or unmap writes is
// kept here, under the area's lock, on cache lines of the area's own.
//
// Placement rules (swiotlb's contract): the bounce address keeps the
// original's bits under min_align_mask and its offset within a slot,
// the run of slots starts on alloc_align_mask, and the data never crosses
// a segment boundary. With red zones, guard bytes on both sides of the data
// stay inside the run.
#ifndef ALTDMA_CORE_BOUNCE_AREA_H
#define ALTDMA_CORE_BOUNCE_AREA_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/spin_lock.h"
#include "base/status.h"
#include "policy/bounce/bounce_stats.h"

namespace altdma {

// What a run of slots holds: the unmap/sync and the free paths each accept
// only their own kind, so a misdirected call cannot copy over or free the
// other's memory.
enum class BounceKind : altdma_u8 {
	kStreaming,	// a bounced dma_map_*(): has an original to copy
	kCoherent,	// a coherent allocation: no original
};

struct BounceRequest {
	altdma_phys_t orig;		// first byte of the original buffer
	altdma_u64 size;
	enum altdma_dir dir;
	altdma_u64 min_align_mask;
	altdma_u64 alloc_align_mask;
	altdma_u64 segment_boundary;	// dma_get_seg_boundary()
	altdma_u32 guard;		// red-zone bytes on each side
	BounceKind kind;
};

// A live mapping as the area recorded it.
struct BounceMapping {
	altdma_phys_t orig;
	altdma_u64 size;
	altdma_phys_t bounce;		// where the data lives in the area
	altdma_phys_t run_start;	// first byte of its slot run
	altdma_u64 run_bytes;
	enum altdma_dir dir;
	BounceKind kind;
	bool quarantined;		// unmapped, its run held by a quarantine
};

enum class BounceFailure {
	kNone,
	kFragmented,	// enough free slots, but no run that fits
	kExhausted,	// not enough free slots
};

class alignas(ALTDMA_CACHE_LINE_BYTES) BounceArea {
public:
	static constexpr unsigned int kSlotShift = 11;
	static constexpr altdma_u64 kSlotSize = 1ULL << kSlotShift;

	BounceArea() = default;
	~BounceArea();
	BounceArea(const BounceArea &) = delete;
	BounceArea &operator=(const BounceArea &) = delete;

	// @phys and @dma describe the same @size bytes (a multiple of the
	// slot size); the memory itself belongs to the caller.
	Status init(altdma_phys_t phys, altdma_dma_t dma, altdma_u64 size,
		    altdma_u32 gfp);

	// Reserves a run for @req, records and counts the mapping; copies
	// nothing.
	Result<BounceMapping> reserve(const BounceRequest &req,
				      BounceFailure *why);
	// The mapping whose data contains @phys, if any.
	Result<BounceMapping> lookup(altdma_phys_t phys);
	// Frees the run of the mapping whose data starts at @bounce.
	void release(altdma_phys_t bounce) { release(bounce, false); }
	// Marks it unmapped, its run kept (see SlotQuarantine): no longer a
	// mapping to unmap or sync, nor listed live.
	void quarantine(altdma_phys_t bounce);
	// The same for a reservation whose map then failed: it is no longer
	// counted as made either.
	void cancel(altdma_phys_t bounce) { release(bounce, true); }

	bool contains_phys(altdma_phys_t phys) const
	{
		return phys >= phys_ && phys - phys_ < size_;
	}
	altdma_phys_t phys() const { return phys_; }
	altdma_dma_t dma() const { return dma_; }
	altdma_u64 size() const { return size_; }

	// Stores the live mappings (from index @first of @out, below @max)
	// and returns how many there are.
	altdma_u64 list_live(struct altdma_core_live_mapping *out,
			     altdma_u64 max, altdma_u64 first);

	const AreaCounters &counters() const { return counters_; }
	// The largest run of free slots, in bytes (a scan under the lock).
	altdma_u64 largest_free_bytes();

private:
	static constexpr altdma_u32 kFreeSlot = ~0u;

	struct Record {
		altdma_phys_t orig;
		altdma_u64 size;
		altdma_u32 lead;	// bytes from run start to the data
		altdma_u32 run_slots;
		enum altdma_dir dir;
		BounceKind kind;
		bool quarantined;

		altdma_u64 run_bytes() const
		{
			return static_cast<altdma_u64>(run_slots) << kSlotShift;
		}
	};

	void release(altdma_phys_t bounce, bool cancel);
	void count_reserved_locked(const Record &r);
	void count_released_locked(const Record &r, bool cancel);
	bool run_is_free(altdma_u32 first, altdma_u32 count,
			 altdma_u32 *busy) const;
	bool place(const BounceRequest &req, altdma_u64 bounce_offset,
		   altdma_u32 *first, altdma_u32 *count) const;
	altdma_u32 largest_free_run() const;
	BounceMapping mapping_at(altdma_u32 head) const;

	// Written on every map and unmap, under lock_ (heads_ and records_
	// point to memory of the same kind). The lock comes last: its storage
	// is sized for debug kernels, and a production spinlock_t uses only
	// its first bytes, so the lines a map writes are the first two.
	altdma_u32 used_slots_ = 0;
	altdma_u32 next_ = 0;		// where the next search starts
	AreaCounters counters_;
	SpinLock lock_;

	// Fixed by init(), on a line of their own: any CPU's unmap reads them
	// to find its area.
	alignas(ALTDMA_CACHE_LINE_BYTES) altdma_phys_t phys_ = 0;
	altdma_dma_t dma_ = 0;
	altdma_u64 size_ = 0;
	altdma_u32 nr_slots_ = 0;
	altdma_u32 *heads_ = nullptr;	// per slot: its run's first slot
	Record *records_ = nullptr;	// per run's first slot
};

} // namespace altdma

#endif
