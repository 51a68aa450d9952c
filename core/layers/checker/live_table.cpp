// SPDX-License-Identifier: GPL-2.0
#include "layers/checker/live_table.h"

#include "base/object.h"

namespace altdma {

const char *live_kind_name(LiveKind kind)
{
	switch (kind) {
	case LiveKind::kSingle:
		return "single";
	case LiveKind::kSg:
		return "scatterlist";
	case LiveKind::kResource:
		return "resource";
	case LiveKind::kCoherent:
		return "coherent";
	case LiveKind::kPages:
		return "pages";
	}
	return "?";
}

void LiveTable::free_list(LiveEntry *e)
{
	while (e) {
		LiveEntry *next = e->next;

		altdma_plat_free(e);
		e = next;
	}
}

LiveTable::~LiveTable()
{
	if (buckets_) {
		for (altdma_u32 i = 0; i < kBuckets; i++) {
			SpinLockGuard guard(buckets_[i].lock);

			free_list(buckets_[i].head);
			free_list(buckets_[i].spare);
		}
		destroy_aligned_array(buckets_, kBuckets);
	}
	SpinLockGuard guard(reserve_lock_);
	free_list(reserve_);
}

Status LiveTable::init()
{
	buckets_ = create_aligned_array<Bucket>(kBuckets, ALTDMA_GFP_KERNEL);
	if (!buckets_)
		return Status::kNoMemory;
	for (altdma_u32 i = 0; i < kReserve; i++) {
		auto *e = static_cast<LiveEntry *>(
			altdma_plat_alloc(sizeof(LiveEntry), ALTDMA_GFP_KERNEL));
		if (!e)
			return Status::kNoMemory;
		SpinLockGuard guard(reserve_lock_);
		e->next = reserve_;
		reserve_ = e;
	}
	return Status::kOk;
}

LiveEntry *LiveTable::take_reserve()
{
	SpinLockGuard guard(reserve_lock_);
	LiveEntry *e = reserve_;

	if (e)
		reserve_ = e->next;
	return e;
}

// A bucket's own spares first (no other lock), then the shared reserve,
// then new memory that needs no sleep: maps come in any context.
LiveEntry *LiveTable::take_entry_locked(Bucket &b)
{
	LiveEntry *e = b.spare;

	if (e) {
		b.spare = e->next;
		return e;
	}
	e = take_reserve();
	if (e)
		return e;
	return static_cast<LiveEntry *>(altdma_plat_alloc(
		sizeof(LiveEntry), ALTDMA_GFP_ATOMIC | ALTDMA_GFP_NOWARN));
}

bool LiveTable::insert(const LiveEntry &e)
{
	Bucket &b = buckets_[bucket_of(e.dma)];
	SpinLockGuard guard(b.lock);
	LiveEntry *entry = take_entry_locked(b);

	if (!entry) {
		untracked_.add(1);
		untracked_live_.add(1);
		return false;
	}
	*entry = e;
	entry->next = b.head;
	b.head = entry;
	live_.add(1);
	altdma_u64 seen = __atomic_load_n(&max_size_, __ATOMIC_RELAXED);
	while (e.size > seen &&
	       !__atomic_compare_exchange_n(&max_size_, &seen, e.size, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
	}
	return true;
}

int LiveTable::fit(const LiveEntry &e, const Want &want, bool kind)
{
	return (kind && e.kind == want.kind) + (e.size == want.size) +
	       (e.dir == want.dir);
}

bool LiveTable::remove(altdma_dma_t dma, const Want &want,
		       altdma_u32 unmap_stack, LiveEntry *out)
{
	Bucket &b = buckets_[bucket_of(dma)];
	SpinLockGuard guard(b.lock);
	LiveEntry **best = nullptr;
	int best_fit = -1;

	for (LiveEntry **link = &b.head; *link; link = &(*link)->next) {
		int f;

		if ((*link)->dma != dma)
			continue;
		f = fit(**link, want, true);
		if (f > best_fit) {
			best = link;
			best_fit = f;
		}
	}
	if (!best)
		return false;
	LiveEntry *e = *best;
	*best = e->next;
	*out = *e;
	e->next = b.spare;
	b.spare = e;
	Tombstone &t = b.tombs[b.next_tomb];
	b.next_tomb = (b.next_tomb + 1) % kTombstones;
	t = Tombstone{ dma, out->size, out->stack, unmap_stack, out->kind, true };
	live_.sub(1);
	return true;
}

bool LiveTable::find_locked(const Bucket &b, altdma_dma_t dma, bool inside,
			    const Want &want, LiveEntry *out)
{
	int best_fit = -1;

	for (const LiveEntry *e = b.head; e; e = e->next) {
		bool hit = inside ? dma - e->dma < (e->size ? e->size : 1) :
				    e->dma == dma;
		if (!hit)
			continue;
		int f = fit(*e, want, false);
		if (f > best_fit) {
			*out = *e;
			best_fit = f;
		}
	}
	return best_fit >= 0;
}

// Exact starts first, then entries starting up to the largest size ever
// mapped below @dma, one bucket's worth of addresses at a time.
bool LiveTable::find_containing(altdma_dma_t dma, const Want &want,
				LiveEntry *out)
{
	altdma_u64 reach = __atomic_load_n(&max_size_, __ATOMIC_RELAXED);
	altdma_u64 steps = (reach >> kBucketShift) + 1;

	// Past one lap every bucket has been looked at.
	if (steps > kBuckets - 1)
		steps = kBuckets - 1;
	{
		Bucket &b = buckets_[bucket_of(dma)];
		SpinLockGuard guard(b.lock);

		if (find_locked(b, dma, false, want, out))
			return true;
	}
	for (altdma_u64 step = 0; step <= steps; step++) {
		altdma_dma_t at = dma - (step << kBucketShift);

		if (at > dma)
			break;
		Bucket &b = buckets_[bucket_of(at)];
		SpinLockGuard guard(b.lock);

		if (find_locked(b, dma, true, want, out))
			return true;
	}
	return false;
}

bool LiveTable::find_tombstone(altdma_dma_t dma, Tombstone *out)
{
	Bucket &b = buckets_[bucket_of(dma)];
	SpinLockGuard guard(b.lock);

	// Newest first.
	for (altdma_u32 i = 1; i <= kTombstones; i++) {
		const Tombstone &t = b.tombs[(b.next_tomb + kTombstones - i) % kTombstones];

		if (t.used && t.dma == dma) {
			*out = t;
			return true;
		}
	}
	return false;
}

void LiveTable::for_each(void (*fn)(void *ctx, const LiveEntry &e), void *ctx)
{
	for (altdma_u32 i = 0; i < kBuckets; i++) {
		SpinLockGuard guard(buckets_[i].lock);

		for (const LiveEntry *e = buckets_[i].head; e; e = e->next)
			fn(ctx, *e);
	}
}

bool LiveTable::absorb_untracked()
{
	return untracked_live_.take_one();
}

} // namespace altdma
