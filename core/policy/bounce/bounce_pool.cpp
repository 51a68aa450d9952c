// SPDX-License-Identifier: GPL-2.0
#include "policy/bounce/bounce_pool.h"

#include "base/object.h"
#include "base/util.h"

namespace altdma {

namespace {

constexpr altdma_u8 kGuardByte = 0xbd;

constexpr altdma_u64 round_up_pow2(altdma_u64 value)
{
	return value <= 1 ? 1 : 1ULL << fls64(value - 1);
}

bool copies_to_cpu(enum altdma_dir dir)
{
	return dir == ALTDMA_FROM_DEVICE || dir == ALTDMA_BIDIRECTIONAL;
}

bool copies_to_device(enum altdma_dir dir)
{
	return dir == ALTDMA_TO_DEVICE || dir == ALTDMA_BIDIRECTIONAL;
}

// swiotlb page-aligns the slots of mappings of a page or more. Keeping the
// original's offset within the page does that for a page-aligned original
// and leaves any other crossing as many page boundaries as it did.
altdma_u64 kept_align_mask(altdma_u64 min_align_mask, altdma_u64 size)
{
	return size >= ALTDMA_PAGE_SIZE ? min_align_mask | (ALTDMA_PAGE_SIZE - 1) :
					  min_align_mask;
}

} // namespace

// The owner drained the quarantine (its observer may be gone now).
BouncePool::~BouncePool()
{
	destroy_object(quarantine_);
	destroy_aligned_array(areas_, nr_areas_);
	for (altdma_u32 i = 0; i < nr_chunks_; i++)
		pages_.release(chunks_[i].dma, chunks_[i].size);
	altdma_plat_free(chunks_);
}

Status BouncePool::init(const BouncePoolConfig &config)
{
	struct altdma_plat_info info;

	altdma_plat_get_info(&info);
	config_ = config;
	altdma_u64 largest_block = ALTDMA_PAGE_SIZE << info.max_page_order;
	altdma_u64 min_area = page_align(config.max_mapping + 2ULL * config.guard +
					 BounceArea::kSlotSize);
	chunk_size_ = min_u64(largest_block, round_up_pow2(page_align(config.size)));
	if (config.size == 0 || config.max_mapping == 0 || min_area > chunk_size_) {
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 0,
				    "invalid configuration: max_mapping_size = %llu: with its red zones and a slot of offset it does not fit the pool's contiguous pieces of %llu bytes (pool %llu bytes)\n",
				    config.max_mapping, chunk_size_, config.size);
		return Status::kInvalid;
	}
	Status status = allocate_chunks();
	if (status != Status::kOk)
		return status;
	return create_areas();
}

Status BouncePool::allocate_chunks()
{
	altdma_u32 wanted = static_cast<altdma_u32>((config_.size + chunk_size_ - 1) / chunk_size_);

	chunks_ = static_cast<Chunk *>(
		altdma_plat_alloc(wanted * sizeof(Chunk), ALTDMA_GFP_KERNEL));
	if (!chunks_)
		return Status::kNoMemory;
	while (nr_chunks_ < wanted) {
		Result<CoherentBlock> block = pages_.allocate(
			chunk_size_, config_.dma_limit,
			altdma_plat_page_gfp(ALTDMA_GFP_KERNEL | ALTDMA_GFP_NOWARN |
					     ALTDMA_GFP_NORETRY));
		if (!block.ok()) {
			altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 0,
					    "bounce pool: only %u of %u pieces of %llu bytes could be allocated below DMA address %#llx\n",
					    nr_chunks_, wanted, chunk_size_,
					    config_.dma_limit);
			return Status::kNoMemory;
		}
		// Keep the pieces sorted by address: lookups bisect them.
		altdma_u32 i = nr_chunks_++;
		for (; i > 0 && chunks_[i - 1].dma > block.value().dma; i--)
			chunks_[i] = chunks_[i - 1];
		chunks_[i] = Chunk{ block.value().phys, block.value().dma, chunk_size_ };
		altdma_dma_t last = block.value().dma + chunk_size_ - 1;
		if (last > highest_dma_)
			highest_dma_ = last;
		if (block.value().dma < lowest_dma_)
			lowest_dma_ = block.value().dma;
	}
	return Status::kOk;
}

// One area per CPU where the pool is large enough, never smaller than what
// one maximal mapping needs.
Status BouncePool::create_areas()
{
	altdma_u64 min_area = config_.max_mapping + 2ULL * config_.guard +
			      BounceArea::kSlotSize;
	altdma_u32 cpus = altdma_plat_nr_cpus();
	altdma_u32 per_chunk = static_cast<altdma_u32>(
		round_up_pow2((cpus + nr_chunks_ - 1) / nr_chunks_));

	while (per_chunk > 1 && chunk_size_ / per_chunk < min_area)
		per_chunk /= 2;
	altdma_u32 count = nr_chunks_ * per_chunk;
	areas_ = create_aligned_array<BounceArea>(count, ALTDMA_GFP_KERNEL);
	if (!areas_)
		return Status::kNoMemory;
	nr_areas_ = count;

	altdma_u64 area_size = chunk_size_ / per_chunk;
	for (altdma_u32 c = 0; c < nr_chunks_; c++) {
		altdma_phys_t phys = chunks_[c].phys;

		for (altdma_u32 a = 0; a < per_chunk; a++) {
			Status status = areas_[c * per_chunk + a].init(
				phys + a * area_size, chunks_[c].dma + a * area_size,
				area_size, ALTDMA_GFP_KERNEL);
			if (status != Status::kOk)
				return status;
		}
	}
	return Status::kOk;
}

BounceArea *BouncePool::find_area(altdma_dma_t dma) const
{
	altdma_u32 low = 0, high = nr_areas_;

	while (low < high) {
		altdma_u32 mid = low + (high - low) / 2;

		if (areas_[mid].dma() <= dma)
			low = mid + 1;
		else
			high = mid;
	}
	if (low == 0)
		return nullptr;
	BounceArea *area = &areas_[low - 1];
	return dma - area->dma() < area->size() ? area : nullptr;
}

// Areas wholly above @limit are passed over: a mask narrowed since attach
// may still reach the rest of the pool.
altdma_dma_t BouncePool::reserve(const BounceRequest &req, altdma_u64 limit,
				 BounceMapping *mapping, BounceArea **area)
{
	altdma_u32 start = altdma_plat_cpu_id() % nr_areas_;

	for (altdma_u32 i = 0; i < nr_areas_; i++) {
		BounceArea *candidate = &areas_[(start + i) % nr_areas_];
		BounceFailure why;

		if (candidate->dma() > limit)
			continue;
		Result<BounceMapping> reserved = candidate->reserve(req, &why);

		if (reserved.ok()) {
			*mapping = reserved.value();
			*area = candidate;
			return candidate->dma() + (mapping->bounce - candidate->phys());
		}
	}
	return ALTDMA_MAPPING_ERROR;
}

// With a quarantine, a full pool first gets back the quarantined slots:
// the quarantine never fails a map that would succeed without it.
altdma_dma_t BouncePool::reserve_or_drain(const BounceRequest &req,
					  altdma_u64 limit,
					  BounceMapping *mapping,
					  BounceArea **area)
{
	altdma_dma_t dma = reserve(req, limit, mapping, area);

	// Again even if this drain found nothing: another CPU's may just have
	// given slots back.
	if (dma == ALTDMA_MAPPING_ERROR && quarantine_) {
		drain_quarantine();
		dma = reserve(req, limit, mapping, area);
	}
	return dma;
}

Status BouncePool::enable_quarantine(QuarantineObserver *observer)
{
	if (quarantine_)
		return Status::kOk;
	// An eighth of the pool at most: the rest stays free for mappings.
	quarantine_ = create_object<SlotQuarantine>(ALTDMA_GFP_KERNEL, observer,
						    nr_chunks_ * chunk_size_ / 8);
	return quarantine_ ? Status::kOk : Status::kNoMemory;
}

// Three different failures, told apart (swiotlb reports all three as "full").
// The largest free run costs a scan of every area under its lock: only a
// message that will be printed pays for it.
void BouncePool::report_failure(altdma_u64 size, BounceFailure why)
{
	struct altdma_core_stats snapshot = {};
	const char *kind = "exhausted";

	if (why == BounceFailure::kFragmented) {
		kind = "fragmented";
		stats_.fragmented.add(1);
	} else {
		stats_.exhausted.add(1);
	}
	if (!altdma_plat_dev_log_ratelimit(dev_))
		return;
	read_stats(&snapshot);
	altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 0,
			    "bounce of %llu bytes failed: pool %s (pool %llu bytes, %llu used, largest free run %llu bytes)\n",
			    size, kind, snapshot.pool_size, snapshot.pool_used,
			    snapshot.pool_largest_free);
}

bool BouncePool::copy(altdma_phys_t to, altdma_phys_t from, altdma_u64 size)
{
	void *dst = altdma_plat_phys_to_virt(to);
	const void *src = altdma_plat_phys_to_virt(from);

	if (!dst || !src) {
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "bounce copy of %llu bytes from %#llx to %#llx: memory has no kernel mapping\n",
				    size, from, to);
		return false;
	}
	__builtin_memcpy(dst, src, size);
	return true;
}

bool BouncePool::bounce_copy(const BounceMapping &m, altdma_u64 offset,
			     altdma_u64 size, bool to_slot)
{
	altdma_phys_t orig = m.orig + offset, slot = m.bounce + offset;

	if (!(to_slot ? copy(slot, orig, size) : copy(orig, slot, size)))
		return false;
	altdma_plat_trace_bounce(dev_, orig, slot, size, to_slot);
	return true;
}

BouncePool::GuardRanges BouncePool::guard_ranges(const BounceMapping &m) const
{
	altdma_u64 data = m.size ? m.size : 1;
	altdma_u64 lead = m.bounce - m.run_start;
	altdma_u64 tail = m.run_bytes - lead - data;
	GuardRanges g;

	// The red zones proper, config_.guard bytes on each side of the data
	// (less where the run ends first); the rest of the run is not checked.
	g.before = min_u64(lead, config_.guard);
	g.after = min_u64(tail, config_.guard);
	g.before_start = lead - g.before;
	g.after_start = lead + data;
	return g;
}

void BouncePool::fill_guards(const BounceMapping &m)
{
	auto *run = static_cast<altdma_u8 *>(altdma_plat_phys_to_virt(m.run_start));

	if (!config_.guard || !run)
		return;
	GuardRanges g = guard_ranges(m);
	__builtin_memset(run + g.before_start, kGuardByte, g.before);
	__builtin_memset(run + g.after_start, kGuardByte, g.after);
}

namespace {

// Index of the first byte in [p, p + n) that is not @byte, or @n.
altdma_u64 first_not(const altdma_u8 *p, altdma_u64 n, altdma_u8 byte)
{
	for (altdma_u64 i = 0; i < n; i++)
		if (p[i] != byte)
			return i;
	return n;
}

} // namespace

// Scans the two red zones only, not the data: the cost of an unmap or sync
// with red zones stays independent of the mapping's size.
void BouncePool::check_guards(const char *when, const BounceMapping &m,
			      altdma_dma_t dma)
{
	auto *run = static_cast<altdma_u8 *>(altdma_plat_phys_to_virt(m.run_start));

	if (!config_.guard || !run)
		return;
	GuardRanges g = guard_ranges(m);
	altdma_u64 i = first_not(run + g.before_start, g.before, kGuardByte);

	if (i < g.before) {
		stats_.guard_violations.add(1);
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "guard bytes overwritten (found at %s): %llu bytes before bounce mapping DMA %#llx+%llu of original %#llx\n",
				    when, g.before - i, dma, m.size, m.orig);
		fill_guards(m);
		return;
	}
	i = first_not(run + g.after_start, g.after, kGuardByte);
	if (i < g.after) {
		stats_.guard_violations.add(1);
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "guard bytes overwritten (found at %s): %llu bytes after the end of bounce mapping DMA %#llx+%llu of original %#llx\n",
				    when, i, dma, m.size, m.orig);
		fill_guards(m);
	}
}

// The pool sits below the device's limits of attach time; a mask narrowed
// since may not cover the slot just reserved. Gives it back if not.
bool BouncePool::reachable(altdma_dma_t dma, const BounceMapping &m,
			   altdma_u64 limit, BounceArea *area)
{
	if (dma_range_reachable(dma, m.size, limit))
		return true;
	area->cancel(m.bounce);
	report_unreachable(m.size, limit);
	return false;
}

void BouncePool::report_unreachable(altdma_u64 size, altdma_u64 limit)
{
	stats_.unreachable.add(1);
	altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
			    "bounce of %llu bytes failed: the device's limit %#llx does not reach the pool (placed at %#llx-%#llx, below %#llx at attach): attach with emulated_mask_bits at or below the device's mask\n",
			    size, limit, lowest_dma_, highest_dma_,
			    config_.dma_limit);
}

altdma_dma_t BouncePool::map(altdma_phys_t orig, altdma_u64 size,
			     enum altdma_dir dir, const DeviceLimits &limits,
			     altdma_u64 limit)
{
	const struct altdma_dev_limits &raw = limits.raw();

	// max_segment_size limits the segments of a scatterlist, not a single
	// mapping: swiotlb ignores it too (PCI's default is only 64 KiB).
	if (size > config_.max_mapping) {
		stats_.too_large.add(1);
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "bounce of %llu bytes failed: too large (max mapping size %llu bytes)\n",
				    size, config_.max_mapping);
		return ALTDMA_MAPPING_ERROR;
	}

	BounceRequest req = {
		orig, size, dir, kept_align_mask(raw.min_align_mask, size), 0,
		raw.segment_boundary ? raw.segment_boundary : kU64Max,
		config_.guard, BounceKind::kStreaming,
	};
	BounceMapping m;
	BounceArea *area;
	altdma_dma_t dma = reserve_or_drain(req, limit, &m, &area);
	if (dma == ALTDMA_MAPPING_ERROR && lowest_dma_ > limit) {
		report_unreachable(size, limit);
		return ALTDMA_MAPPING_ERROR;
	}
	if (dma == ALTDMA_MAPPING_ERROR) {
		altdma_u64 free_bytes = nr_chunks_ * chunk_size_ - used_bytes();
		report_failure(size, free_bytes >= size + 2ULL * config_.guard ?
					     BounceFailure::kFragmented :
					     BounceFailure::kExhausted);
		return ALTDMA_MAPPING_ERROR;
	}
	if (!reachable(dma, m, limit, area))
		return ALTDMA_MAPPING_ERROR;
	// Always copy in, so bytes the device does not write read back as
	// the original's rather than as stale pool contents.
	if (!bounce_copy(m, 0, size, true)) {
		area->cancel(m.bounce);
		return ALTDMA_MAPPING_ERROR;
	}
	fill_guards(m);
	return dma;
}

void BouncePool::report_wrong_kind(const char *what, altdma_dma_t dma,
				   const BounceMapping &m)
{
	stats_.refused_calls.add(1);
	if (m.kind == BounceKind::kCoherent)
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "%s of DMA address %#llx refused: it is in a coherent allocation of %llu bytes from the bounce pool, not a streaming mapping\n",
				    what, dma, m.size);
	else
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "%s of DMA address %#llx refused: it is in a streaming bounce mapping of %llu bytes (original %#llx), not a coherent allocation\n",
				    what, dma, m.size, m.orig);
}

Result<BouncePool::Found> BouncePool::find_mapping(const char *what,
						    BounceArea *area,
						    altdma_dma_t dma,
						    BounceKind kind)
{
	if (area) {
		altdma_phys_t phys = area->phys() + (dma - area->dma());
		Result<BounceMapping> m = area->lookup(phys);

		if (m.ok() && m.value().quarantined) {
			stats_.refused_calls.add(1);
			altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
					    "%s of DMA address %#llx: no bounce mapping there (unmapped, its slot in the quarantine)\n",
					    what, dma);
			return Status::kInvalid;
		}
		if (m.ok() && m.value().kind == kind)
			return Found{ area, m.value(), phys - m.value().bounce };
		if (m.ok()) {
			report_wrong_kind(what, dma, m.value());
			return Status::kInvalid;
		}
	}
	stats_.refused_calls.add(1);
	altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
			    "%s of DMA address %#llx: no bounce mapping there\n",
			    what, dma);
	return Status::kInvalid;
}

void BouncePool::unmap(altdma_dma_t dma, altdma_u64 size, enum altdma_dir dir,
		       unsigned long attrs)
{
	BounceArea *area = find_area(dma);

	if (!area)
		return;
	Result<Found> found = find_mapping("unmap", area, dma,
					   BounceKind::kStreaming);
	if (!found.ok())
		return;
	const BounceMapping &m = found.value().mapping;
	if (found.value().offset) {
		stats_.refused_calls.add(1);
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "unmap of DMA address %#llx: inside a bounce mapping that starts %llu bytes earlier; ignored\n",
				    dma, found.value().offset);
		return;
	}
	if (size != m.size)
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "unmap of DMA address %#llx with size %llu, mapped with %llu\n",
				    dma, size, m.size);
	check_guards("unmap", m, dma);
	if (!(attrs & ALTDMA_ATTR_SKIP_CPU_SYNC) && copies_to_cpu(dir))
		bounce_copy(m, 0, m.size, false);
	if (quarantine_) {
		area->quarantine(m.bounce);
		quarantine_->hold(area, m.bounce, dma, m.size);
	} else {
		area->release(m.bounce);
	}
}

// A sync of [dma, dma + size) inside a live mapping: checks its red zones,
// clamps the range to the mapping, and says where in it the range starts.
Result<BouncePool::Found> BouncePool::begin_sync(const char *when,
						  BounceArea *area,
						  altdma_dma_t dma,
						  altdma_u64 *size)
{
	Result<Found> found = find_mapping(when, area, dma,
					   BounceKind::kStreaming);

	if (!found.ok())
		return found;
	const BounceMapping &m = found.value().mapping;
	altdma_u64 offset = found.value().offset;
	check_guards(when, m, dma - offset);
	if (*size > m.size - offset) {
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "sync of DMA address %#llx+%llu runs past its mapping's end\n",
				    dma, *size);
		*size = m.size - offset;
	}
	return found;
}

void BouncePool::sync_for_cpu(altdma_dma_t dma, altdma_u64 size,
			      enum altdma_dir dir)
{
	BounceArea *area = find_area(dma);

	if (!area)
		return;
	Result<Found> found = begin_sync("sync for CPU", area, dma, &size);

	if (found.ok() && copies_to_cpu(dir))
		bounce_copy(found.value().mapping, found.value().offset, size,
			    false);
}

void BouncePool::sync_for_device(altdma_dma_t dma, altdma_u64 size,
				 enum altdma_dir dir)
{
	BounceArea *area = find_area(dma);

	if (!area)
		return;
	Result<Found> found = begin_sync("sync for device", area, dma, &size);

	if (found.ok() && copies_to_device(dir))
		bounce_copy(found.value().mapping, found.value().offset, size,
			    true);
}

Result<CoherentBlock> BouncePool::alloc_coherent(altdma_u64 size,
						 altdma_u64 limit)
{
	BounceRequest req = {
		0, page_align(size), ALTDMA_DIR_NONE, 0, ALTDMA_PAGE_SIZE - 1,
		kU64Max, 0, BounceKind::kCoherent,
	};
	BounceMapping m;
	BounceArea *area;
	altdma_dma_t dma = reserve_or_drain(req, limit, &m, &area);

	if (dma == ALTDMA_MAPPING_ERROR && lowest_dma_ > limit) {
		report_unreachable(size, limit);
		return Status::kNoMemory;
	}
	if (dma == ALTDMA_MAPPING_ERROR) {
		report_failure(size, BounceFailure::kExhausted);
		return Status::kNoMemory;
	}
	if (!reachable(dma, m, limit, area))
		return Status::kNoMemory;
	void *cpu = altdma_plat_phys_to_virt(m.bounce);
	if (!cpu) {
		area->cancel(m.bounce);
		return Status::kNoMemory;
	}
	__builtin_memset(cpu, 0, req.size);
	return CoherentBlock{ m.bounce, dma };
}

void BouncePool::free_coherent(altdma_dma_t dma)
{
	Result<Found> found = find_mapping("coherent free", find_area(dma), dma,
					   BounceKind::kCoherent);

	if (!found.ok())
		return;
	if (found.value().offset) {
		stats_.refused_calls.add(1);
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "coherent free of DMA address %#llx refused: inside an allocation that starts %llu bytes earlier\n",
				    dma, found.value().offset);
		return;
	}
	found.value().area->release(found.value().mapping.bounce);
}

altdma_u64 BouncePool::list_live(struct altdma_core_live_mapping *out,
				 altdma_u64 max)
{
	altdma_u64 live = 0;

	drain_quarantine();
	for (altdma_u32 i = 0; i < nr_areas_; i++)
		live += areas_[i].list_live(out, max, live);
	return live;
}

altdma_u64 BouncePool::used_bytes() const
{
	altdma_u64 used = 0;

	for (altdma_u32 i = 0; i < nr_areas_; i++)
		used += areas_[i].counters().used_bytes.get();
	return used;
}

// The per-area counters summed. The high-water mark is the sum of each
// area's own: the pool's true peak when one CPU maps, an upper bound when
// several do (their areas need not have peaked together).
void BouncePool::read_stats(struct altdma_core_stats *stats)
{
	drain_quarantine();
	stats->pool_size = nr_chunks_ * chunk_size_;
	stats->pool_lowest_dma = nr_chunks_ ? lowest_dma_ : 0;
	stats->pool_highest_dma = highest_dma_;
	stats->refused_calls = stats_.refused_calls.get();
	stats->pool_largest_free = 0;
	for (altdma_u32 i = 0; i < nr_areas_; i++) {
		const AreaCounters &c = areas_[i].counters();
		altdma_u64 largest = areas_[i].largest_free_bytes();

		if (largest > stats->pool_largest_free)
			stats->pool_largest_free = largest;
		stats->pool_used += c.used_bytes.get();
		stats->pool_high_water += c.peak_bytes.get();
		stats->outstanding_bounces += c.streaming.get();
		stats->pool_coherent_outstanding += c.coherent.get();
		for (altdma_u32 d = 0; d < 4; d++) {
			stats->bounced_maps[d] += c.maps[d].get();
			stats->bounced_bytes[d] += c.bytes[d].get();
		}
	}
	stats->fail_too_large = stats_.too_large.get();
	stats->fail_fragmented = stats_.fragmented.get();
	stats->fail_exhausted = stats_.exhausted.get();
	stats->fail_unreachable = stats_.unreachable.get();
	stats->guard_violations = stats_.guard_violations.get();
}

} // namespace altdma
