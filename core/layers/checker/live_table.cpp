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

static_assert(__builtin_offsetof(LiveEntry, dma) == 2 * sizeof(LiveEntry *),
	      "the links come first");

// Under the entry's bucket lock: everything but the links.
void LiveTable::copy_payload(const LiveEntry &e, LiveEntry *out)
{
	out->next = nullptr;
	out->memory_next = nullptr;
	__builtin_memcpy(&out->dma, &e.dma,
			 sizeof(LiveEntry) - __builtin_offsetof(LiveEntry, dma));
}

// Under a memory bucket's lock: what does not change while it is live.
void LiveTable::copy_identity(const LiveEntry &e, LiveEntry *out)
{
	*out = LiveEntry{};
	out->dma = e.dma;
	out->size = e.size;
	out->phys = e.phys;
	out->sg_list = e.sg_list;
	out->attrs = e.attrs;
	out->stack = e.stack;
	out->sg_nents = e.sg_nents;
	out->slot = e.slot;
	out->dir = e.dir;
	out->kind = e.kind;
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
	if (memory_)
		destroy_aligned_array(memory_, kBuckets + 1);
	if (reserves_) {
		for (altdma_u32 i = 0; i < nr_reserves_; i++) {
			SpinLockGuard guard(reserves_[i].lock);

			free_list(reserves_[i].head);
		}
		destroy_aligned_array(reserves_, nr_reserves_);
	}
}

Status LiveTable::init()
{
	buckets_ = create_aligned_array<Bucket>(kBuckets, ALTDMA_GFP_KERNEL);
	if (!buckets_)
		return Status::kNoMemory;
	memory_ = create_aligned_array<MemoryBucket>(kBuckets + 1, ALTDMA_GFP_KERNEL);
	if (!memory_)
		return Status::kNoMemory;
	altdma_u32 cpus = altdma_plat_nr_cpus() ? altdma_plat_nr_cpus() : 1;

	if (cpus > kMaxReserves)
		cpus = kMaxReserves;
	altdma_u32 per_cpu = kReserve / cpus > kReservePerCpu ? kReserve / cpus :
								 kReservePerCpu;

	reserves_ = create_aligned_array<CpuReserve>(cpus, ALTDMA_GFP_KERNEL);
	if (!reserves_)
		return Status::kNoMemory;
	nr_reserves_ = cpus;
	for (altdma_u32 cpu = 0; cpu < cpus; cpu++) {
		for (altdma_u32 i = 0; i < per_cpu; i++) {
			auto *e = static_cast<LiveEntry *>(
				altdma_plat_alloc(sizeof(LiveEntry), ALTDMA_GFP_KERNEL));
			if (!e)
				return Status::kNoMemory;
			SpinLockGuard guard(reserves_[cpu].lock);
			e->next = reserves_[cpu].head;
			reserves_[cpu].head = e;
		}
	}
	return Status::kOk;
}

// The caller's CPU's own first (the CPU may change meanwhile: the lock,
// not the CPU, guards the list).
LiveEntry *LiveTable::take_reserve()
{
	altdma_u32 first = altdma_plat_cpu_id() % nr_reserves_;

	for (altdma_u32 i = 0; i < nr_reserves_; i++) {
		CpuReserve &r = reserves_[(first + i) % nr_reserves_];
		SpinLockGuard guard(r.lock);
		LiveEntry *e = r.head;

		if (e) {
			r.head = e->next;
			return e;
		}
	}
	return nullptr;
}

// A bucket's own spares first (no other lock), then the per-CPU reserves,
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

namespace {

void raise_to(altdma_u64 *max, altdma_u64 size)
{
	altdma_u64 seen = __atomic_load_n(max, __ATOMIC_RELAXED);

	while (size > seen &&
	       !__atomic_compare_exchange_n(max, &seen, size, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
	}
}

} // namespace

altdma_u32 LiveTable::memory_index_of(const LiveEntry &e) const
{
	if (e.size > kLargeBytes)
		return kBuckets;
	return (e.phys >> ALTDMA_PAGE_SHIFT) & (kBuckets - 1);
}

// Under the entry's bucket lock: an entry is in both indexes or in none
// whenever a bucket's lock is free.
void LiveTable::index_memory(LiveEntry *e)
{
	if (!indexed(*e))
		return;
	altdma_u32 index = memory_index_of(*e);
	MemoryBucket &m = memory_[index];
	SpinLockGuard guard(m.lock);

	e->memory_next = m.head;
	m.head = e;
	raise_to(&memory_max_[index], e->size ? e->size : 1);
}

void LiveTable::unindex_memory(LiveEntry *e)
{
	if (!indexed(*e))
		return;
	altdma_u32 index = memory_index_of(*e);
	MemoryBucket &m = memory_[index];
	SpinLockGuard guard(m.lock);

	for (LiveEntry **link = &m.head; *link; link = &(*link)->memory_next) {
		if (*link == e) {
			*link = e->memory_next;
			break;
		}
	}
	if (!m.head)
		__atomic_store_n(&memory_max_[index], 0, __ATOMIC_RELAXED);
}

const LiveEntry *LiveTable::insert(const LiveEntry &e)
{
	Bucket &b = buckets_[bucket_of(e.dma)];
	SpinLockGuard guard(b.lock);
	LiveEntry *entry = take_entry_locked(b);

	if (!entry) {
		untracked_.add(1);
		untracked_live_.add(1);
		return nullptr;
	}
	*entry = e;
	entry->next = b.head;
	b.head = entry;
	index_memory(entry);
	live_.add(1);
	raise_to(&max_size_, e.size);
	return entry;
}

int LiveTable::fit(const LiveEntry &e, const Want &want, bool kind)
{
	return (kind && e.kind == want.kind) + (e.size == want.size) +
	       (e.dir == want.dir);
}

bool LiveTable::remove(altdma_dma_t dma, const Want &want, LiveEntry *out)
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
	unindex_memory(e);
	copy_payload(*e, out);
	e->next = b.spare;
	b.spare = e;
	Tombstone &t = b.tombs[b.next_tomb];
	b.next_tomb = (b.next_tomb + 1) % kTombstones;
	t = Tombstone{ dma, out->size, out->stack, out->kind, true };
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
			copy_payload(*e, out);
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

bool LiveTable::find_overlap_locked(const MemoryBucket &m, const LiveEntry *self,
				    altdma_phys_t phys, altdma_phys_t last,
				    bool (*conflicts)(const void *ctx, const LiveEntry &e),
				    const void *ctx, LiveEntry *out)
{
	for (const LiveEntry *e = m.head; e; e = e->memory_next) {
		altdma_u64 e_last = e->phys + (e->size ? e->size - 1 : 0);

		if (e == self || e->phys > last || e_last < phys || !conflicts(ctx, *e))
			continue;
		copy_identity(*e, out);
		return true;
	}
	return false;
}

// Small entries are indexed by their first page: one starting up to
// kLargeBytes below @phys may reach into [phys, phys + size). A bucket
// whose entries are all too small to reach that far is passed unlocked.
bool LiveTable::find_overlap(const LiveEntry *self, altdma_phys_t phys,
			     altdma_u64 size,
			     bool (*conflicts)(const void *ctx, const LiveEntry &e),
			     const void *ctx, LiveEntry *out)
{
	altdma_phys_t last = phys + (size ? size - 1 : 0);
	altdma_u64 first_page = (phys > kLargeBytes ? phys - kLargeBytes : 0) >> ALTDMA_PAGE_SHIFT;
	altdma_u64 pages = (last >> ALTDMA_PAGE_SHIFT) - first_page + 1;
	// Past one lap a bucket holds pages of several distances: no passing.
	bool wraps = pages > kBuckets;

	if (__atomic_load_n(&memory_max_[kBuckets], __ATOMIC_RELAXED)) {
		SpinLockGuard guard(large().lock);

		if (find_overlap_locked(large(), self, phys, last, conflicts, ctx, out))
			return true;
	}
	if (wraps)
		pages = kBuckets;
	for (altdma_u64 i = 0; i < pages; i++) {
		altdma_u64 page = first_page + i;
		altdma_u32 index = page & (kBuckets - 1);
		altdma_u64 largest = __atomic_load_n(&memory_max_[index], __ATOMIC_RELAXED);
		altdma_phys_t page_end = (page + 1) << ALTDMA_PAGE_SHIFT;

		// An entry starting in this page, at page_end - 1 at the latest,
		// reaches @phys only with phys - page_end + 2 bytes or more.
		if (!largest || (!wraps && page_end <= phys && largest + page_end <= phys + 1))
			continue;
		MemoryBucket &m = memory_[index];
		SpinLockGuard guard(m.lock);

		if (find_overlap_locked(m, self, phys, last, conflicts, ctx, out))
			return true;
	}
	return false;
}

void LiveTable::set_sums(altdma_dma_t dma, altdma_phys_t phys,
			 altdma_u64 cpu_sum, altdma_u64 device_sum)
{
	Bucket &b = buckets_[bucket_of(dma)];
	SpinLockGuard guard(b.lock);

	for (LiveEntry *e = b.head; e; e = e->next) {
		if (e->dma == dma && e->phys == phys) {
			e->cpu_sum = cpu_sum;
			e->device_sum = device_sum;
			return;
		}
	}
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

altdma_u64 LiveTable::count_leaks()
{
	altdma_u64 n = 0;

	for (altdma_u32 i = 0; i < kBuckets; i++) {
		SpinLockGuard guard(buckets_[i].lock);

		for (LiveEntry *e = buckets_[i].head; e; e = e->next) {
			n += !e->leak_counted;
			e->leak_counted = true;
		}
	}
	return n;
}

bool LiveTable::absorb_untracked()
{
	return untracked_live_.take_one();
}

} // namespace altdma
