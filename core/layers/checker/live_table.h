// SPDX-License-Identifier: GPL-2.0
// The checker's table of a device's live mappings and allocations, keyed
// by DMA address: dma-debug's shape (hash buckets, each with its own lock)
// but per device. An entry is found by its first address, or by an address
// inside it (syncs of part of a mapping); each bucket remembers the last
// entries removed from it, so that a second unmap can be told from an
// address never mapped. Entries come from a bucket's own spares (entries
// freed there), then from per-CPU reserves made at create (for maps in
// atomic context, which cannot sleep for memory), then from memory taken
// without sleeping; when that runs out a mapping goes untracked (counted),
// and the rest are still checked. A second index keys the
// entries by the memory they map (their first page), for overlaps.
#ifndef ALTDMA_CORE_LIVE_TABLE_H
#define ALTDMA_CORE_LIVE_TABLE_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/counter.h"
#include "base/spin_lock.h"
#include "base/status.h"
#include "base/thread_annotations.h"

namespace altdma {

// What made a live entry; an unmap or free must be of the same kind.
enum class LiveKind : altdma_u8 {
	kSingle,	// map_page / map_phys
	kSg,		// one entry of a map_sg list
	kResource,	// map_resource (MMIO)
	kCoherent,	// alloc
	kPages,		// alloc_pages
};

const char *live_kind_name(LiveKind kind);

inline constexpr altdma_u8 kSumCpu = 1;
inline constexpr altdma_u8 kSumDevice = 2;

struct LiveEntry {
	LiveEntry *next;
	LiveEntry *memory_next;		// in the memory index (phys known only)
	altdma_dma_t dma;
	altdma_u64 size;
	altdma_phys_t phys;		// what was mapped (ALTDMA_PHYS_INVALID: unknown)
	const void *sg_list;		// kSg: the list's first entry
	unsigned long attrs;
	altdma_u32 stack;		// the mapping's stack (0: none)
	altdma_s32 sg_nents;		// kSg: the nents map_sg was given
	altdma_phys_t slot;		// a bounce slot's (ALTDMA_PHYS_INVALID: none)
	altdma_u64 cpu_sum;		// the data checks' checksums: of the original
	altdma_u64 device_sum;		// and of the slot
	altdma_u8 sums;			// which of the two are set (kSum*)
	bool leak_counted;		// counted as a leak at an unbind already
	enum altdma_dir dir;
	LiveKind kind;
};

// An entry removed lately: enough to say "already unmapped" and show the
// mapping's stack. (The unmap's own stack is not saved: a stack costs more
// than the rest of an unmap's checks.)
struct Tombstone {
	altdma_dma_t dma;
	altdma_u64 size;
	altdma_u32 map_stack;
	LiveKind kind;
	bool used;
};

class LiveTable {
public:
	static constexpr altdma_u32 kBuckets = 256;
	static constexpr altdma_u32 kBucketShift = ALTDMA_PAGE_SHIFT;
	static constexpr altdma_u32 kTombstones = 4;
	// Reserve entries: kReserve over all CPUs, at least kReservePerCpu in
	// each of at most kMaxReserves lists (CPUs beyond share them).
	static constexpr altdma_u32 kReserve = 256;
	static constexpr altdma_u32 kReservePerCpu = 32;
	static constexpr altdma_u32 kMaxReserves = 32;

	LiveTable() = default;
	~LiveTable();
	LiveTable(const LiveTable &) = delete;
	LiveTable &operator=(const LiveTable &) = delete;

	// The buckets and the per-CPU reserves; may sleep.
	Status init();

	// Adds a copy of @e; returns it (to compare pointers with only), or
	// nullptr when no entry could be had: untracked.
	const LiveEntry *insert(const LiveEntry &e);
	// What an unmap or sync says of the mapping it means: of several live
	// entries at one address (a buffer mapped twice), the one agreeing in
	// the most of kind, size and direction is taken.
	struct Want {
		LiveKind kind;
		altdma_u64 size;
		enum altdma_dir dir;
	};
	// Removes the entry starting at @dma that best fits @want into *@out
	// (and leaves a tombstone); false if there is none.
	bool remove(altdma_dma_t dma, const Want &want, LiveEntry *out);
	// An entry starting at @dma, or else one holding @dma, that best fits
	// @want (its kind is not compared), into *@out.
	bool find_containing(altdma_dma_t dma, const Want &want, LiveEntry *out);
	// A live entry other than @self whose memory overlaps [phys, phys +
	// size) and for which @conflicts(@ctx, entry) holds, into *@out.
	bool find_overlap(const LiveEntry *self, altdma_phys_t phys,
			  altdma_u64 size,
			  bool (*conflicts)(const void *ctx, const LiveEntry &e),
			  const void *ctx, LiveEntry *out);
	// Sets the checksums of the live entry at @dma mapping @phys.
	void set_sums(altdma_dma_t dma, altdma_phys_t phys, altdma_u64 cpu_sum,
		      altdma_u64 device_sum);
	// The latest tombstone for @dma, if it is still remembered.
	bool find_tombstone(altdma_dma_t dma, Tombstone *out);

	// Calls @fn(@ctx, entry) for each live entry, bucket by bucket, each
	// bucket's lock held meanwhile (@fn must not call back in).
	void for_each(void (*fn)(void *ctx, const LiveEntry &e), void *ctx);

	// Marks every live entry as counted as a leak; returns how many were
	// not yet.
	altdma_u64 count_leaks();

	altdma_u64 live() const { return live_.get(); }
	altdma_u64 untracked() const { return untracked_.get(); }
	// An unmap of an untracked mapping finds nothing: absorbs one if any
	// are outstanding (no report for it), and says whether it did.
	bool absorb_untracked();

private:
	struct alignas(ALTDMA_CACHE_LINE_BYTES) Bucket {
		SpinLock lock{ ALTDMA_LOCK_CLASS_CHECKER_BUCKET };
		LiveEntry *head ALTDMA_GUARDED_BY(lock) = nullptr;
		LiveEntry *spare ALTDMA_GUARDED_BY(lock) = nullptr;
		Tombstone tombs[kTombstones] ALTDMA_GUARDED_BY(lock) = {};
		altdma_u32 next_tomb ALTDMA_GUARDED_BY(lock) = 0;
	};

	// Never nested among themselves; under a Bucket's lock.
	struct alignas(ALTDMA_CACHE_LINE_BYTES) MemoryBucket {
		SpinLock lock{ ALTDMA_LOCK_CLASS_CHECKER_MEMORY };
		LiveEntry *head ALTDMA_GUARDED_BY(lock) = nullptr;
	};
	// Entries larger than this are kept apart in large(): a search looks
	// back this far in the page-keyed buckets, and through large() whole.
	static constexpr altdma_u64 kLargeBytes = 16 * ALTDMA_PAGE_SIZE;

	static altdma_u32 bucket_of(altdma_dma_t dma)
	{
		return (dma >> kBucketShift) & (kBuckets - 1);
	}
	static bool indexed(const LiveEntry &e)
	{
		return e.phys != ALTDMA_PHYS_INVALID && e.kind != LiveKind::kResource;
	}
	MemoryBucket &large() { return memory_[kBuckets]; }
	altdma_u32 memory_index_of(const LiveEntry &e) const;
	void index_memory(LiveEntry *e);
	void unindex_memory(LiveEntry *e);
	static bool find_overlap_locked(const MemoryBucket &m, const LiveEntry *self,
					altdma_phys_t phys, altdma_phys_t last,
					bool (*conflicts)(const void *ctx, const LiveEntry &e),
					const void *ctx, LiveEntry *out);
	// One CPU's reserve; a CPU whose own is empty takes from the others'.
	struct alignas(ALTDMA_CACHE_LINE_BYTES) CpuReserve {
		SpinLock lock{ ALTDMA_LOCK_CLASS_CHECKER_RESERVE };
		LiveEntry *head ALTDMA_GUARDED_BY(lock) = nullptr;
	};

	LiveEntry *take_entry_locked(Bucket &b);
	LiveEntry *take_reserve();
	static int fit(const LiveEntry &e, const Want &want, bool kind);
	static bool find_locked(const Bucket &b, altdma_dma_t dma, bool inside,
				const Want &want, LiveEntry *out);
	static void free_list(LiveEntry *e);
	// Copies of an entry found under one index's lock leave out what the
	// other index's lock guards: the links (under either), the sums and
	// the leak mark (under the entry's bucket lock).
	static void copy_payload(const LiveEntry &e, LiveEntry *out);
	static void copy_identity(const LiveEntry &e, LiveEntry *out);

	Bucket *buckets_ = nullptr;
	// kBuckets keyed by page, then the one of the large entries.
	MemoryBucket *memory_ = nullptr;
	// Per memory bucket, the largest entry since it was last empty
	// (atomic; together on few lines): a search passes a bucket whose
	// entries cannot reach it, or none, without touching it.
	altdma_u64 memory_max_[kBuckets + 1] = {};
	CpuReserve *reserves_ = nullptr;
	altdma_u32 nr_reserves_ = 0;
	altdma_u64 max_size_ = 0;	// the largest entry ever: how far back inside looks
	Counter live_;
	Counter untracked_;		// mappings made while no entry could be had
	Counter untracked_live_;	// of those, not yet unmapped (as far as known)
};

} // namespace altdma

#endif
