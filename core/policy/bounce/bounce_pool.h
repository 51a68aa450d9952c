// SPDX-License-Identifier: GPL-2.0
// A device's own bounce pool: physically contiguous areas the device can
// reach, each with its own lock; a mapping starts its search in the area of
// the CPU that makes it, so CPUs rarely share a lock.
//
// Unmap and sync accept only streaming records, free only coherent ones,
// and each only at the address the mapping or allocation starts (sync: any
// address inside it): a misdirected call is refused with a message and
// changes no byte and no slot.
//
// Cost: a map or unmap takes one area lock twice at most (reserve, then the
// copy runs unlocked) and copies the buffer once. Finding a run is next fit
// over the area's slots: typically O(run length), since the search resumes
// where the last one ended and frees happen roughly in order; the worst case
// (a nearly full, fragmented area) scans every candidate offset once,
// skipping past each busy slot it meets, so O(slots in the area). Failure
// then tries the other areas before it gives up.
#ifndef ALTDMA_CORE_BOUNCE_POOL_H
#define ALTDMA_CORE_BOUNCE_POOL_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/status.h"
#include "device/device_limits.h"
#include "device/dma_range_map.h"
#include "policy/bounce/bounce_area.h"
#include "policy/bounce/bounce_stats.h"
#include "policy/mapping_policy.h"
#include "policy/bounce/slot_quarantine.h"
#include "policy/reachable_pages.h"

namespace altdma {

struct BouncePoolConfig {
	altdma_u64 size;		// bytes, rounded up to whole chunks
	altdma_u64 dma_limit;		// every pool byte must be at or below
	altdma_u64 max_mapping;		// largest single mapping
	altdma_u32 guard;		// red-zone bytes per side, 0 for none
};

class BouncePool {
public:
	BouncePool(struct altdma_plat_device *dev, const DmaRangeMap &ranges)
		: dev_(dev), ranges_(ranges), pages_(dev, ranges)
	{
	}
	~BouncePool();
	BouncePool(const BouncePool &) = delete;
	BouncePool &operator=(const BouncePool &) = delete;

	Status init(const BouncePoolConfig &config);

	bool owns(altdma_dma_t dma) const { return find_area(dma) != nullptr; }
	// Where the device's bytes at @dma are, if in the pool.
	altdma_phys_t slot_phys(altdma_dma_t dma) const
	{
		const BounceArea *area = find_area(dma);

		return area ? area->phys() + (dma - area->dma()) : ALTDMA_PHYS_INVALID;
	}
	altdma_dma_t lowest_dma() const { return lowest_dma_; }
	altdma_dma_t highest_dma() const { return highest_dma_; }
	altdma_u64 max_mapping() const { return config_.max_mapping; }

	// Bounces @size bytes at @orig into a slot at or below @limit: the
	// original is copied in whatever the direction.
	// ALTDMA_MAPPING_ERROR (with one message) on failure.
	altdma_dma_t map(altdma_phys_t orig, altdma_u64 size,
			 enum altdma_dir dir, const DeviceLimits &limits,
			 altdma_u64 limit);
	// Unmap and sync ignore an address outside the pool (a mapping that
	// did not bounce) and report one inside it that is not a mapping.
	void unmap(altdma_dma_t dma, altdma_u64 size, enum altdma_dir dir,
		   unsigned long attrs);
	void sync_for_cpu(altdma_dma_t dma, altdma_u64 size, enum altdma_dir dir);
	void sync_for_device(altdma_dma_t dma, altdma_u64 size,
			     enum altdma_dir dir);

	// Zeroed, page-aligned coherent memory from the pool, at or below
	// @limit.
	Result<CoherentBlock> alloc_coherent(altdma_u64 size, altdma_u64 limit);
	// Refuses (with a message) anything but the start of a live coherent
	// allocation; the pool is then left as it was.
	void free_coherent(altdma_dma_t dma);

	// From now on unmapped slots go through a quarantine whose findings
	// @observer hears of (after init; may sleep).
	Status enable_quarantine(QuarantineObserver *observer);
	// Checks and releases every quarantined slot; returns how many.
	altdma_u32 drain_quarantine()
	{
		return quarantine_ ? quarantine_->drain() : 0;
	}

	// (Both release the quarantine first: its slots are not mappings.)
	void read_stats(struct altdma_core_stats *stats);
	altdma_u64 list_live(struct altdma_core_live_mapping *out,
			     altdma_u64 max);
	BounceStats &stats() { return stats_; }

private:
	struct Chunk {
		altdma_phys_t phys;
		altdma_dma_t dma;
		altdma_u64 size;
	};
	struct Found {
		BounceArea *area;
		BounceMapping mapping;
		altdma_u64 offset;	// of the address into the mapping's data
	};

	Status allocate_chunks();
	Status create_areas();
	BounceArea *find_area(altdma_dma_t dma) const;
	Result<Found> find_mapping(const char *what, BounceArea *area,
				   altdma_dma_t dma, BounceKind kind);
	void report_wrong_kind(const char *what, altdma_dma_t dma,
			       const BounceMapping &m);
	Result<Found> begin_sync(const char *when, BounceArea *area,
				 altdma_dma_t dma, altdma_u64 *size);
	altdma_dma_t reserve(const BounceRequest &req, altdma_u64 limit,
			     BounceMapping *mapping, BounceArea **area);
	altdma_dma_t reserve_or_drain(const BounceRequest &req, altdma_u64 limit,
				      BounceMapping *mapping, BounceArea **area);
	bool reachable(altdma_dma_t dma, const BounceMapping &m,
		       altdma_u64 limit, BounceArea *area);
	void report_failure(altdma_u64 size, BounceFailure why);
	altdma_u64 used_bytes() const;
	void report_unreachable(altdma_u64 size, altdma_u64 limit);
	// Offsets into a mapping's run of its two red zones, and their sizes.
	struct GuardRanges {
		altdma_u64 before_start, before;
		altdma_u64 after_start, after;
	};
	GuardRanges guard_ranges(const BounceMapping &m) const;
	void fill_guards(const BounceMapping &m);
	void check_guards(const char *when, const BounceMapping &m,
			  altdma_dma_t dma);
	bool copy(altdma_phys_t to, altdma_phys_t from, altdma_u64 size);
	// A copy a bounce makes, @size bytes at @offset into mapping @m, into
	// its slot or back to the original; each raises one bounce trace event.
	bool bounce_copy(const BounceMapping &m, altdma_u64 offset,
			 altdma_u64 size, bool to_slot);

	struct altdma_plat_device *dev_;
	const DmaRangeMap &ranges_;
	ReachablePages pages_;
	BouncePoolConfig config_ = {};
	Chunk *chunks_ = nullptr;
	altdma_u32 nr_chunks_ = 0;
	BounceArea *areas_ = nullptr;	// sorted by address
	altdma_u32 nr_areas_ = 0;
	altdma_u64 chunk_size_ = 0;
	altdma_dma_t lowest_dma_ = kU64Max;
	altdma_dma_t highest_dma_ = 0;
	BounceStats stats_;
	SlotQuarantine *quarantine_ = nullptr;
};

} // namespace altdma

#endif
