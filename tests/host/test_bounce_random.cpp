// SPDX-License-Identifier: GPL-2.0
// Bounce policy: seeded random map / unmap / sync / coherent sequences
// across simulated CPUs, against a reference model of the pool (every
// area's slots, every live mapping's expected original and bounce
// contents). After every step:
//   - no two live slot runs (data plus guards) overlap;
//   - every live mapping keeps its min_align_mask / slot-offset bits, stays
//     inside one segment of its boundary, one area and the device's reach;
//   - a mapping lands in its CPU's area whenever it fits there;
//   - a failure happens only when no area has a run that fits, and is
//     classified (exhausted / fragmented / too large) as specified;
//   - data round-trips per direction: copy-in at map, partial syncs both
//     ways, copy-back at unmap unless SKIP_CPU_SYNC;
//   - red-zone writes are caught (and only they);
//   - every counter matches the model, no lock is left held and nothing is
//     allocated (the loop runs in the fake's atomic context);
// and at the end all space returns. Deterministic: a failure reproduces
// with its scenario.
#include <cstring>
#include <iterator>
#include <random>

#include "test_support.h"

namespace test {
namespace {

enum class Limit {
	kCap32,		// emulated 32-bit mask, device reaches 64 bits
	kDevice32,	// no emulated mask, device masks 32 bits at attach
	kCap33,		// emulated 33-bit mask: NORMAL RAM at 4 GiB is reachable
};

struct BounceScenario {
	const char *name;
	std::uint64_t seed;
	int steps;
	Limit limit;
	altdma_u32 flags;
	altdma_u32 guard;		// with ALTDMA_BOUNCE_GUARD_BYTES
	altdma_u64 pool_size;
	altdma_u64 max_mapping;
	altdma_u32 cpus;
	altdma_u32 max_page_order;
};

void PrintTo(const BounceScenario &s, std::ostream *os)
{
	*os << s.name;
}

// memcpy that accepts the null data() of an empty vector.
void copy_bytes(void *dst, const void *src, std::size_t n)
{
	if (n)
		std::memcpy(dst, src, n);
}

constexpr altdma_u32 kForce = ALTDMA_BOUNCE_FORCE;
constexpr altdma_u32 kGuard = ALTDMA_BOUNCE_GUARD_BYTES;
constexpr altdma_u32 kFromPool = ALTDMA_BOUNCE_COHERENT_FROM_POOL;

struct Area {
	altdma_phys_t phys;	// == DMA address (no range map)
	altdma_u64 size;
	std::vector<int> owner;	// per slot: live block id, or -1
	altdma_u64 used = 0, peak = 0;	// bytes of slot runs, now and at most
};

struct Live {
	int id;
	altdma_phys_t orig;
	altdma_u64 size;
	altdma_dir dir;
	altdma_dma_t dma;
	bool bounced;
	int area;		// bounced only
	altdma_u64 run_lo, run_hi;
	std::vector<std::uint8_t> cpu;	// expected original
	std::vector<std::uint8_t> dev;	// expected bounce buffer
};

struct Coherent {
	int id;
	altdma_dma_t dma;
	altdma_u64 size;
	bool pages;
	int area;
	std::uint8_t fill;
};

// A request as the model sees it.
struct Req {
	altdma_phys_t orig;
	altdma_u64 size;		// 0 counts as 1
	altdma_u64 min_align_mask;	// 2^n - 1
	altdma_u64 alloc_align_mask;
	altdma_u64 boundary;		// 0: none
	altdma_u32 guard;
};

class BounceRandomized : public BounceTest,
			 public ::testing::WithParamInterface<BounceScenario> {
protected:
	std::mt19937_64 rng_;
	altdma_u64 rand(altdma_u64 n) { return n ? rng_() % n : 0; }
	bool chance(int percent) { return rand(100) < static_cast<altdma_u64>(percent); }

	altdma_u32 guard_ = 0;
	bool force_ = false;
	bool from_pool_ = false;
	altdma_u64 limit_ = 0;		// min(streaming limit, cap)
	altdma_u64 max_mapping_ = 0;
	std::vector<Area> areas_;
	std::vector<Live> live_;
	std::vector<Coherent> coherent_;
	int next_id_ = 1;

	// Model counters.
	altdma_u64 used_ = 0;
	altdma_u64 maps_[4] = {}, bytes_[4] = {};
	altdma_u64 too_large_ = 0, fragmented_ = 0, exhausted_ = 0, violations_ = 0;
	int direct_maps_ = 0, spills_ = 0, syncs_ = 0, coherent_ok_ = 0;

	// Originals in use (no two live originals overlap).
	std::vector<std::pair<altdma_phys_t, altdma_phys_t>> orig_used_;

	static altdma_u64 kept_mask(altdma_u64 min_align_mask)
	{
		altdma_u64 m = min_align_mask | (kSlot - 1);
		return fake::bits(64 - static_cast<unsigned>(__builtin_clzll(m)));
	}

	void build_areas(altdma_u32 cpus)
	{
		const altdma_u64 chunk = chunks_[0].size;
		const altdma_u64 n = chunks_.size();
		const altdma_u64 min_area = max_mapping_ + 2ull * guard_ + kSlot;
		altdma_u64 per = 1;
		while (per < (cpus + n - 1) / n)
			per *= 2;
		while (per > 1 && chunk / per < min_area)
			per /= 2;
		for (const Chunk &c : chunks_) {
			ASSERT_EQ(c.size, chunk);
			for (altdma_u64 a = 0; a < per; a++)
				areas_.push_back({c.phys + a * (chunk / per), chunk / per,
						  std::vector<int>(chunk / per / kSlot, -1)});
		}
	}

	int area_of(altdma_dma_t dma) const
	{
		for (std::size_t i = 0; i < areas_.size(); i++)
			if (dma >= areas_[i].phys && dma - areas_[i].phys < areas_[i].size)
				return static_cast<int>(i);
		return -1;
	}

	// Whether the request has a valid, free placement in @area.
	bool placeable(const Area &area, const Req &r) const
	{
		const altdma_u64 s = r.size ? r.size : 1;
		const altdma_u64 keep = kept_mask(r.min_align_mask);
		const altdma_u64 step = keep + 1;
		const altdma_u64 A = area.size;
		if (step > A || s + 2ull * r.guard > A)
			return false;
		std::vector<int> busy(area.owner.size() + 1, 0);	// prefix count
		for (std::size_t i = 0; i < area.owner.size(); i++)
			busy[i + 1] = busy[i] + (area.owner[i] >= 0);
		const altdma_u64 low = ((r.orig & keep) - (area.phys & keep)) & keep;
		for (altdma_u64 b = low; b < A; b += step) {
			if (b < r.guard)
				continue;
			const altdma_u64 rs = align_down(b - r.guard, kSlot);
			const altdma_u64 re = align_up(b + s + r.guard, kSlot);
			if (re > A)
				break;
			if ((area.phys + rs) & r.alloc_align_mask)
				continue;
			if (!within_boundary(area.phys + b, s, r.boundary))
				continue;
			if (busy[re / kSlot] == busy[rs / kSlot])
				return true;
		}
		return false;
	}

	bool placeable_anywhere(const Req &r) const
	{
		for (const Area &a : areas_)
			if (placeable(a, r))
				return true;
		return false;
	}

	altdma_u64 largest_free() const
	{
		altdma_u64 best = 0;
		for (const Area &a : areas_) {
			altdma_u64 run = 0;
			for (int o : a.owner) {
				run = o < 0 ? run + 1 : 0;
				best = std::max(best, run);
			}
		}
		return best * kSlot;
	}

	// Marks [lo, hi) of area @a as owned by @id; fails on any overlap.
	void claim(int a, altdma_u64 lo, altdma_u64 hi, int id)
	{
		Area &area = areas_[a];
		ASSERT_GE(lo, area.phys);
		ASSERT_LE(hi, area.phys + area.size);
		ASSERT_EQ(lo % kSlot, 0u);
		ASSERT_EQ(hi % kSlot, 0u);
		for (altdma_u64 p = lo; p < hi; p += kSlot) {
			int &o = area.owner[(p - area.phys) / kSlot];
			ASSERT_EQ(o, -1) << "slot " << hex(p) << " of block " << id
					 << " already belongs to block " << o;
			o = id;
		}
		used_ += hi - lo;
		area.used += hi - lo;
		area.peak = std::max(area.peak, area.used);
	}

	void release(int a, altdma_u64 lo, altdma_u64 hi, int id)
	{
		Area &area = areas_[a];
		for (altdma_u64 p = lo; p < hi; p += kSlot) {
			int &o = area.owner[(p - area.phys) / kSlot];
			ASSERT_EQ(o, id);
			o = -1;
		}
		used_ -= hi - lo;
		area.used -= hi - lo;
	}

	// A free stretch of original memory: unreachable RAM, or (sometimes, in
	// non-force mode) RAM the device reaches directly.
	bool pick_original(altdma_u64 size, altdma_phys_t *orig)
	{
		struct Region {
			altdma_phys_t base;
			altdma_u64 size;
		};
		std::vector<Region> regions;
		const bool want_reachable = chance(25);
		for (const Region &r : {Region{kDmaRam, 4 * MiB}, Region{kNormalRam, 8 * MiB},
					Region{kHighRam, 4 * MiB}}) {
			if (force_ || ref_reachable(r.base, r.size, limit_) == want_reachable)
				regions.push_back(r);
		}
		if (regions.empty())
			return false;
		const altdma_u64 len = size ? size : 1;
		for (int attempt = 0; attempt < 8; attempt++) {
			const Region &r = regions[rand(regions.size())];
			if (len > r.size)
				continue;
			const altdma_phys_t lo = r.base + rand(r.size - len + 1);
			bool clash = false;
			for (auto [a, b] : orig_used_)
				if (lo < b && a < lo + len)
					clash = true;
			if (!clash) {
				*orig = lo;
				return true;
			}
		}
		return false;
	}

	void forget_original(altdma_phys_t orig)
	{
		for (std::size_t i = 0; i < orig_used_.size(); i++)
			if (orig_used_[i].first == orig) {
				orig_used_.erase(orig_used_.begin() + static_cast<long>(i));
				return;
			}
		ADD_FAILURE() << "original " << hex(orig) << " not tracked";
	}

	void random_bytes(std::uint8_t *p, altdma_u64 n)
	{
		for (altdma_u64 i = 0; i < n; i++)
			p[i] = static_cast<std::uint8_t>(rng_());
	}

	// Memory agrees with the model for @l.
	void verify(const Live &l, const char *when)
	{
		if (!l.size)
			return;
		ASSERT_EQ(std::memcmp(plat().virt(l.orig), l.cpu.data(), l.size), 0)
			<< when << ": original of block " << l.id << " at " << hex(l.orig) << "+"
			<< l.size << " dir " << l.dir;
		if (l.bounced) {
			ASSERT_EQ(std::memcmp(dev_mem(l.dma), l.dev.data(), l.size), 0)
				<< when << ": bounce buffer of block " << l.id << " at "
				<< hex(l.dma) << "+" << l.size;
		}
	}

	void check_counters()
	{
		const altdma_core_stats s = stats();
		altdma_u64 bounced = 0;
		for (const Live &l : live_)
			bounced += l.bounced;
		ASSERT_EQ(s.outstanding_bounces, bounced);
		ASSERT_EQ(s.pool_used, used_);
		ASSERT_EQ(s.pool_used > 0, bounced + coherent_.size() > 0);
		// The pool reports the sum of each area's peak (the areas count
		// under their own locks; see BouncePool::read_stats).
		altdma_u64 peaks = 0;
		for (const Area &a : areas_)
			peaks += a.peak;
		ASSERT_EQ(s.pool_high_water, peaks);
		ASSERT_EQ(s.pool_largest_free, largest_free());
		ASSERT_EQ(s.pool_size, pool_bytes());
		for (int d = 0; d < 4; d++) {
			ASSERT_EQ(s.bounced_maps[d], maps_[d]) << "dir " << d;
			ASSERT_EQ(s.bounced_bytes[d], bytes_[d]) << "dir " << d;
		}
		ASSERT_EQ(s.fail_too_large, too_large_);
		ASSERT_EQ(s.fail_fragmented, fragmented_);
		ASSERT_EQ(s.fail_exhausted, exhausted_);
		ASSERT_EQ(s.fail_unreachable, 0u);
		ASSERT_EQ(s.guard_violations, violations_);
	}

	void do_map()
	{
		// The device's limits for this mapping.
		static constexpr altdma_u64 kMasks[] = {0, 0, 0, 0xfff, 0xfff, 0x3fff, 0xffff};
		static constexpr altdma_u64 kBoundaries[] = {0xffffffffull, 0xffffffffull, ~0ull, 0,
							     0xffff, 0x3fff, 0x7ffff, 0xfffff};
		static constexpr altdma_u32 kSegs[] = {65536, 65536, 0, 0, 0xffffffffu, 4096, 1};
		dev_.limits.min_align_mask = kMasks[rand(std::size(kMasks))];
		dev_.limits.segment_boundary = kBoundaries[rand(std::size(kBoundaries))];
		altdma_u32 seg = kSegs[rand(std::size(kSegs))];
		if (seg == 1)
			seg = static_cast<altdma_u32>(max_mapping_);
		dev_.limits.max_segment_size = seg;
		// max_segment_size limits sg segments only, never a single map.
		const altdma_u64 largest = max_mapping_;

		altdma_u64 size;
		const altdma_u64 r = rand(100);
		if (r < 2)
			size = 0;
		else if (r < 40)
			size = 1 + rand(4096);
		else if (r < 70)
			size = 1 + rand(32 * KiB);
		else if (r < 95)
			size = 1 + rand(max_mapping_);
		else
			size = largest + 1 + rand(4096);
		const altdma_dir dir = kAllDirs[rand(4)];
		altdma_phys_t orig;
		if (!pick_original(size, &orig))
			return;

		Live l{next_id_++, orig, size, dir, 0, false, -1, 0, 0, {}, {}};
		l.cpu.resize(size);
		random_bytes(l.cpu.data(), size);
		copy_bytes(plat().virt(orig), l.cpu.data(), size);

		const bool direct = !force_ && ref_reachable(orig, size, limit_);
		// swiotlb's rule: a page or more keeps its offset in the page.
		const altdma_u64 keep = dev_.limits.min_align_mask | (size >= kPage ? kPage - 1 : 0);
		const Req req{orig, size, keep, 0, dev_.limits.segment_boundary, guard_};
		const int own = static_cast<int>(plat().cpu_id % areas_.size());
		const bool fits_own = !direct && size <= largest && placeable(areas_[own], req);
		const bool fits = fits_own || (!direct && size <= largest && placeable_anywhere(req));

		l.dma = map(orig, size, dir);
		SCOPED_TRACE(::testing::Message() << "map " << hex(orig) << "+" << size << " dir " << dir
				     << " min_align " << hex(req.min_align_mask) << " boundary "
				     << hex(req.boundary) << " max_seg " << seg << " cpu "
				     << plat().cpu_id);
		if (direct) {
			ASSERT_EQ(l.dma, orig);
			ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
			direct_maps_++;
			l.dev = l.cpu;
		} else if (size > largest) {
			ASSERT_EQ(l.dma, ALTDMA_MAPPING_ERROR);
			too_large_++;
			ASSERT_EQ(dev_.find_log({"too large"}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
			return;
		} else if (!fits) {
			ASSERT_EQ(l.dma, ALTDMA_MAPPING_ERROR) << "no free run in the model";
			const bool frag = pool_bytes() - used_ >= size + 2ull * guard_;
			(frag ? fragmented_ : exhausted_)++;
			ASSERT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
			ASSERT_EQ(dev_.find_log({frag ? "fragmented" : "exhausted",
						 std::to_string(size)}, ALTDMA_LOG_ERR).size(), 1u)
				<< dev_.dump_log();
			return;
		} else {
			ASSERT_NE(l.dma, ALTDMA_MAPPING_ERROR)
				<< "failed although the model has room\n" << dev_.dump_log();
			ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
			const altdma_u64 s = size ? size : 1;
			// Placement rules.
			ASSERT_EQ((l.dma ^ orig) & (req.min_align_mask | (kSlot - 1)), 0u)
				<< hex(l.dma);
			ASSERT_TRUE(within_boundary(l.dma, s, req.boundary)) << hex(l.dma);
			ASSERT_TRUE(ref_reachable(l.dma, s, limit_)) << hex(l.dma);
			l.area = area_of(l.dma);
			ASSERT_GE(l.area, 0) << hex(l.dma) << " outside every area";
			if (l.area != own) {
				ASSERT_FALSE(fits_own) << "went to area " << l.area
						       << " although it fits its CPU's area " << own;
				spills_++;
			}
			l.run_lo = run_start(l.dma, guard_);
			l.run_hi = run_end(l.dma, size, guard_);
			ASSERT_NO_FATAL_FAILURE(claim(l.area, l.run_lo, l.run_hi, l.id));
			l.bounced = true;
			l.dev = l.cpu;
			maps_[dir]++;
			bytes_[dir] += size;
		}
		orig_used_.push_back({orig, orig + (size ? size : 1)});
		ASSERT_NO_FATAL_FAILURE(verify(l, "after map"));
		live_.push_back(std::move(l));
	}

	// A random sub-range [*off, *off + *len) of @l (possibly empty).
	void sub_range(const Live &l, altdma_u64 *off, altdma_u64 *len)
	{
		if (!l.size) {
			*off = *len = 0;
			return;
		}
		if (chance(25)) {
			*off = 0;
			*len = l.size;
			return;
		}
		*off = rand(l.size);
		*len = 1 + rand(l.size - *off);
	}

	void do_unmap(std::size_t i)
	{
		Live l = std::move(live_[i]);
		live_.erase(live_.begin() + static_cast<long>(i));
		const unsigned long attrs = chance(20) ? ALTDMA_ATTR_SKIP_CPU_SYNC : 0;
		if (l.bounced && l.size && (l.dir == ALTDMA_FROM_DEVICE ||
					    l.dir == ALTDMA_BIDIRECTIONAL) && chance(70)) {
			altdma_u64 off, len;
			sub_range(l, &off, &len);
			random_bytes(dev_mem(l.dma) + off, len);
			copy_bytes(l.dev.data() + off, dev_mem(l.dma) + off, len);
		}
		unmap(l.dma, l.size, l.dir, attrs);
		ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
		if (l.bounced) {
			if (!(attrs & ALTDMA_ATTR_SKIP_CPU_SYNC) &&
			    (l.dir == ALTDMA_FROM_DEVICE || l.dir == ALTDMA_BIDIRECTIONAL))
				l.cpu = l.dev;
			// The bounce buffer is gone: check the original only.
			l.bounced = false;
			ASSERT_NO_FATAL_FAILURE(verify(l, "after unmap"));
			ASSERT_NO_FATAL_FAILURE(release(l.area, l.run_lo, l.run_hi, l.id));
		} else {
			ASSERT_NO_FATAL_FAILURE(verify(l, "after direct unmap"));
		}
		forget_original(l.orig);
	}

	// The device writes part of a mapping, the CPU syncs part of it.
	void do_sync_for_cpu(Live &l)
	{
		altdma_u64 off, len;
		if (l.dir != ALTDMA_TO_DEVICE && l.dir != ALTDMA_DIR_NONE) {
			sub_range(l, &off, &len);
			std::uint8_t *mem = l.bounced ? dev_mem(l.dma) : plat().virt(l.orig);
			random_bytes(mem + off, len);
			copy_bytes(l.dev.data() + off, mem + off, len);
			if (!l.bounced)
				copy_bytes(l.cpu.data() + off, mem + off, len);
		}
		sub_range(l, &off, &len);
		sync_cpu(l.dma + off, len, l.dir);
		ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
		if (l.bounced && (l.dir == ALTDMA_FROM_DEVICE || l.dir == ALTDMA_BIDIRECTIONAL))
			copy_bytes(l.cpu.data() + off, l.dev.data() + off, len);
		syncs_++;
		ASSERT_NO_FATAL_FAILURE(verify(l, "after sync for CPU"));
	}

	// The CPU writes part of its buffer, then syncs part of it for the
	// device.
	void do_sync_for_device(Live &l)
	{
		altdma_u64 off, len;
		sub_range(l, &off, &len);
		random_bytes(plat().virt(l.orig) + off, len);
		copy_bytes(l.cpu.data() + off, plat().virt(l.orig) + off, len);
		if (!l.bounced)
			copy_bytes(l.dev.data() + off, plat().virt(l.orig) + off, len);
		sub_range(l, &off, &len);
		sync_dev(l.dma + off, len, l.dir);
		ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
		if (l.bounced && (l.dir == ALTDMA_TO_DEVICE || l.dir == ALTDMA_BIDIRECTIONAL))
			copy_bytes(l.dev.data() + off, l.cpu.data() + off, len);
		syncs_++;
		ASSERT_NO_FATAL_FAILURE(verify(l, "after sync for device"));
	}

	// A write into a red zone, found by the next check of that mapping.
	void do_red_zone(std::size_t i)
	{
		Live &l = live_[i];
		const altdma_u64 g = guard_;
		const bool before = chance(50);
		const altdma_u64 k = rand(g);
		std::uint8_t *at = before ? dev_mem(l.dma) - 1 - k : dev_mem(l.dma) + l.size + k;
		*at ^= static_cast<std::uint8_t>(1 + rand(255));
		violations_++;
		const std::string where = before ? std::to_string(k + 1) + " bytes before"
						 : std::to_string(k) + " bytes after";
		const altdma_dma_t start = l.dma;
		switch (rand(3)) {
		case 0:
			ASSERT_NO_FATAL_FAILURE(do_sync_for_cpu_expecting_report(l));
			break;
		case 1:
			sync_dev(l.dma, l.size, l.dir);
			if (l.dir == ALTDMA_TO_DEVICE || l.dir == ALTDMA_BIDIRECTIONAL)
				l.dev = l.cpu;
			break;
		default: {
			unmap(l.dma, l.size, l.dir, ALTDMA_ATTR_SKIP_CPU_SYNC);
			ASSERT_EQ(dev_.find_log({"guard", "unmap", hex(start), where},
						ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
			Live gone = std::move(live_[i]);
			live_.erase(live_.begin() + static_cast<long>(i));
			ASSERT_NO_FATAL_FAILURE(release(gone.area, gone.run_lo, gone.run_hi, gone.id));
			forget_original(gone.orig);
			return;
		}
		}
		ASSERT_EQ(dev_.find_log({"guard", hex(start), where}, ALTDMA_LOG_ERR).size(), 1u)
			<< dev_.dump_log();
		dev_.log.clear();
		// Refilled: the next check finds nothing.
		sync_cpu(l.dma, l.size, ALTDMA_TO_DEVICE);
		ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
		ASSERT_NO_FATAL_FAILURE(verify(l, "after a red-zone report"));
	}

	void do_sync_for_cpu_expecting_report(Live &l)
	{
		sync_cpu(l.dma, l.size, l.dir);
		if (l.dir == ALTDMA_FROM_DEVICE || l.dir == ALTDMA_BIDIRECTIONAL)
			l.cpu = l.dev;
	}

	void do_coherent_alloc()
	{
		altdma_u64 size;
		const altdma_u64 r = rand(100);
		if (r < 3)
			size = r == 0 ? 0 : max_mapping_ + 1 + rand(8192);
		else if (r < 60)
			size = 1 + rand(3 * kPage);
		else
			size = 1 + rand(max_mapping_);
		const bool pages = chance(30);
		const Req req{0, page_align(size), 0, kPage - 1, 0, 0};
		const int own = static_cast<int>(plat().cpu_id % areas_.size());
		const bool fits_own = size && size <= max_mapping_ && placeable(areas_[own], req);
		const bool fits = fits_own || (size && size <= max_mapping_ && placeable_anywhere(req));
		altdma_phys_t phys = 0;
		altdma_dma_t dma = 0;
		int ret = pages ? altdma_core_alloc_pages(core_, size, ALTDMA_BIDIRECTIONAL,
							  0x77, &phys, &dma)
				: altdma_core_alloc(core_, size, 0x77, 0, &phys, &dma);
		SCOPED_TRACE(::testing::Message() << "coherent alloc of " << size);
		if (size == 0 || size > max_mapping_) {
			ASSERT_EQ(ret, -ALTDMA_EINVAL);
			dev_.log.clear();
			return;
		}
		if (!fits) {
			ASSERT_EQ(ret, -ALTDMA_ENOMEM) << "failed although the model has room";
			exhausted_++;
			ASSERT_EQ(dev_.find_log({"exhausted"}, ALTDMA_LOG_ERR).size(), 1u)
				<< dev_.dump_log();
			dev_.log.clear();
			return;
		}
		ASSERT_EQ(ret, 0) << dev_.dump_log();
		ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
		ASSERT_EQ(dma % kPage, 0u);
		ASSERT_EQ(phys, dma);
		const int area = area_of(dma);
		ASSERT_GE(area, 0);
		if (area != own) {
			ASSERT_FALSE(fits_own) << "coherent block outside its CPU's area";
		}
		ASSERT_TRUE(ref_reachable(dma, page_align(size), limit_));
		ASSERT_TRUE(plat().all_bytes(phys, page_align(size), 0)) << "not zeroed";
		const int id = next_id_++;
		ASSERT_NO_FATAL_FAILURE(claim(area, dma, dma + page_align(size), id));
		const std::uint8_t fill = static_cast<std::uint8_t>(1 + rand(255));
		std::memset(plat().virt(phys), fill, page_align(size));
		coherent_.push_back({id, dma, size, pages, area, fill});
		coherent_ok_++;
	}

	void do_coherent_free(std::size_t i)
	{
		Coherent c = coherent_[i];
		coherent_.erase(coherent_.begin() + static_cast<long>(i));
		ASSERT_TRUE(plat().all_bytes(c.dma, page_align(c.size), c.fill))
			<< "coherent block " << c.id << " overwritten";
		if (c.pages)
			altdma_core_free_pages(core_, c.size, c.dma, ALTDMA_BIDIRECTIONAL);
		else
			altdma_core_free(core_, c.size, c.dma, 0);
		ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
		ASSERT_NO_FATAL_FAILURE(release(c.area, c.dma, c.dma + page_align(c.size), c.id));
	}
};

TEST_P(BounceRandomized, PoolInvariantsHoldOverRandomOperations)
{
	const BounceScenario &sc = GetParam();
	rng_.seed(sc.seed);
	plat().nr_cpus = sc.cpus;
	if (sc.max_page_order)
		plat().info().max_page_order = sc.max_page_order;
	// The buffers to map; the pool then lands in DMA32 RAM.
	plat().reserve(kDmaRam, 4 * MiB, 0);
	plat().reserve(kNormalRam, 8 * MiB, 0);
	plat().reserve(kHighRam, 4 * MiB, 0);
	altdma_u32 bits = 0;
	switch (sc.limit) {
	case Limit::kCap32:
		bits = 32;
		limit_ = fake::bits(32);
		break;
	case Limit::kDevice32:
		dev_.set_masks(fake::bits(32), fake::bits(32));
		limit_ = fake::bits(32);
		break;
	case Limit::kCap33:
		bits = 33;
		limit_ = fake::bits(33);
		break;
	}
	guard_ = (sc.flags & kGuard) ? (sc.guard ? sc.guard : 64) : 0;
	force_ = sc.flags & kForce;
	from_pool_ = sc.flags & kFromPool;
	max_mapping_ = sc.max_mapping ? sc.max_mapping : 256 * KiB;
	create_bounce(bounce(sc.flags, bits, sc.pool_size, sc.max_mapping,
			     (sc.flags & kGuard) ? sc.guard : 0));
	ASSERT_NO_FATAL_FAILURE(build_areas(sc.cpus));
	const altdma_u64 area_size = areas_[0].size;
	ASSERT_EQ(stats().pool_largest_free, area_size) << "area layout differs from the model";
	for (const Area &a : areas_)
		ASSERT_TRUE(ref_reachable(a.phys, a.size, limit_));

	const int allocs = plat().alloc_calls();
	const std::size_t page_calls = plat().page_alloc_calls().size();
	plat().atomic_context = true;

	for (int step = 0; step < sc.steps; step++) {
		SCOPED_TRACE(::testing::Message() << sc.name << " step " << step);
		dev_.log.clear();
		plat().cpu_id = static_cast<altdma_u32>(rand(sc.cpus));
		const altdma_u64 op = rand(100);
		if (op < 32 && live_.size() < 48) {
			ASSERT_NO_FATAL_FAILURE(do_map());
		} else if (op < 55 && !live_.empty()) {
			ASSERT_NO_FATAL_FAILURE(do_unmap(rand(live_.size())));
		} else if (op < 68 && !live_.empty()) {
			ASSERT_NO_FATAL_FAILURE(do_sync_for_cpu(live_[rand(live_.size())]));
		} else if (op < 81 && !live_.empty()) {
			ASSERT_NO_FATAL_FAILURE(do_sync_for_device(live_[rand(live_.size())]));
		} else if (op < 90 && from_pool_) {
			if (coherent_.size() < 8 && (coherent_.empty() || chance(50))) {
				ASSERT_NO_FATAL_FAILURE(do_coherent_alloc());
			} else if (!coherent_.empty()) {
				ASSERT_NO_FATAL_FAILURE(do_coherent_free(rand(coherent_.size())));
			}
		} else if (op < 94 && guard_) {
			std::vector<std::size_t> candidates;
			for (std::size_t i = 0; i < live_.size(); i++)
				if (live_[i].bounced && live_[i].size)
					candidates.push_back(i);
			if (!candidates.empty()) {
				ASSERT_NO_FATAL_FAILURE(do_red_zone(candidates[rand(candidates.size())]));
			}
		} else if (op < 97) {
			// Every live mapping still holds what it should.
			for (const Live &l : live_)
				ASSERT_NO_FATAL_FAILURE(verify(l, "periodic check"));
			for (const Coherent &c : coherent_)
				ASSERT_TRUE(plat().all_bytes(c.dma, page_align(c.size), c.fill));
		}
		ASSERT_EQ(plat().locks_held(), 0);
		ASSERT_NO_FATAL_FAILURE(check_counters());
	}

	plat().atomic_context = false;
	EXPECT_EQ(plat().alloc_calls(), allocs) << "the streaming paths allocated";
	EXPECT_EQ(plat().page_alloc_calls().size(), page_calls);

	// Everything returns.
	dev_.log.clear();
	while (!live_.empty())
		ASSERT_NO_FATAL_FAILURE(do_unmap(live_.size() - 1));
	while (!coherent_.empty())
		ASSERT_NO_FATAL_FAILURE(do_coherent_free(coherent_.size() - 1));
	ASSERT_NO_FATAL_FAILURE(check_counters());
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.pool_largest_free, area_size);
	destroy();
	EXPECT_EQ(plat().outstanding_page_blocks(), 0u);

	// The sequence exercised what it was meant to.
	altdma_u64 maps = 0;
	for (altdma_u64 m : maps_)
		maps += m;
	EXPECT_GT(maps, 100u);
	EXPECT_GT(syncs_, 100);
	EXPECT_GT(too_large_, 0u);
	EXPECT_GT(fragmented_ + exhausted_, 0u);
	if (!force_) {
		EXPECT_GT(direct_maps_, 0);
	}
	if (guard_) {
		EXPECT_GT(violations_, 0u);
	}
	if (from_pool_) {
		EXPECT_GT(coherent_ok_, 0);
	}
	if (areas_.size() > 1) {
		EXPECT_GT(spills_, 0);
	}
	RecordProperty("maps", static_cast<int>(maps));
	RecordProperty("fragmented", static_cast<int>(fragmented_));
	RecordProperty("exhausted", static_cast<int>(exhausted_));
	RecordProperty("spills", spills_);
}

INSTANTIATE_TEST_SUITE_P(
	Seeds, BounceRandomized,
	::testing::Values(
		BounceScenario{"cap32_from_pool_4cpu", 1, 6000, Limit::kCap32, kFromPool, 0,
			       1 * MiB, 64 * KiB, 4, 0},
		BounceScenario{"force_guard64_2cpu", 0x5eed5eedull, 6000, Limit::kCap32,
			       kForce | kGuard, 0, 256 * KiB, 32 * KiB, 2, 0},
		BounceScenario{"device32_guard4096_8cpu", 20240601, 4000, Limit::kDevice32,
			       kGuard | kFromPool, 4096, 4 * MiB, 256 * KiB, 8, 0},
		BounceScenario{"cap33_many_pieces_3cpu", 987654321, 6000, Limit::kCap33,
			       kGuard | kFromPool, 1, 1 * MiB, 48 * KiB, 3, 6},
		BounceScenario{"tiny_pool_1cpu", 42, 6000, Limit::kCap32,
			       kForce | kGuard | kFromPool, 200, 64 * KiB, 16 * KiB, 1, 0},
		BounceScenario{"two_chunks_16cpu", 7, 4000, Limit::kCap32, 0, 0,
			       8 * MiB, 0, 16, 0}),
	[](const ::testing::TestParamInfo<BounceScenario> &info) {
		return std::string(info.param.name);
	});

} // namespace
} // namespace test
