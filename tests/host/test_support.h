// SPDX-License-Identifier: GPL-2.0
// Shared fixture and reference model for the core tests.
#ifndef ALTDMA_TESTS_HOST_TEST_SUPPORT_H
#define ALTDMA_TESTS_HOST_TEST_SUPPORT_H

#include <altdma/core_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "fake_platform.h"

namespace test {

using fake::FakeDevice;
using fake::GiB;
using fake::KiB;
using fake::kPage;
using fake::MiB;

inline constexpr altdma_dir kAllDirs[] = {
	ALTDMA_BIDIRECTIONAL, ALTDMA_TO_DEVICE, ALTDMA_FROM_DEVICE, ALTDMA_DIR_NONE,
};

// Default RAM regions (see fake::default_layout()).
inline constexpr altdma_phys_t kDmaRam = 0x00400000ull;		// 4 MiB, ZONE_DMA
inline constexpr altdma_phys_t kDma32Ram = 0x40000000ull;	// 8 MiB, ZONE_DMA32
inline constexpr altdma_phys_t kNormalRam = 0x100000000ull;	// 8 MiB, NORMAL
inline constexpr altdma_phys_t kHighRam = 0x800000000ull;	// 4 MiB, NORMAL (top)
inline constexpr altdma_u64 kDefaultMaxPfn = (kHighRam + 4 * MiB) >> 12;

inline std::string hex(altdma_u64 v)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(v));
	return buf;
}

// ---- reference model --------------------------------------------------------
//
// The oracles below are written from the definitions (the kernel's and the
// platform ABI's), not from the core: 128-bit arithmetic instead of the
// core's wrap checks, division instead of mask tricks, constraint lists
// instead of min_not_zero(). Keep them that way: an oracle copied from core/
// checks the code against itself.

using u128 = unsigned __int128;

inline constexpr u128 kU64Top = ~static_cast<altdma_u64>(0);

// Bytes a range of @size occupies for checking: a zero length is its first
// byte.
inline altdma_u64 checked_bytes(altdma_u64 size)
{
	return std::max<altdma_u64>(size, 1);
}

// Last byte of [start, start + size), exact (may exceed 2^64 - 1).
inline u128 last_byte(altdma_u64 start, altdma_u64 size)
{
	return static_cast<u128>(start) + checked_bytes(size) - 1;
}

// Rounded up to whole pages (exact for sizes near 2^64; the result then
// does not fit and is clamped to 2^64 - 1).
inline altdma_u64 page_align(altdma_u64 size)
{
	u128 pages = (static_cast<u128>(size) + kPage - 1) / kPage;
	u128 bytes = pages * kPage;
	return bytes > kU64Top ? static_cast<altdma_u64>(kU64Top) : static_cast<altdma_u64>(bytes);
}

inline unsigned int get_order(altdma_u64 size)
{
	unsigned int order = 0;

	while ((kPage << order) < size)
		order++;
	return order;
}

// The smallest all-ones mask (2^n - 1) that covers @v.
inline altdma_u64 covering_mask(altdma_u64 v)
{
	u128 m = 0;

	while (m < v)
		m = m * 2 + 1;
	return static_cast<altdma_u64>(m);
}

// Reference translation (kernel translate_phys_to_dma /
// translate_dma_to_phys): the first range containing the address, ranges
// compared in 128 bits so one that ends exactly at 2^64 needs no special
// case; the translated address wraps modulo 2^64 as dma_addr_t does.
inline altdma_dma_t ref_phys_to_dma(const std::vector<altdma_range> &ranges,
				    altdma_phys_t phys)
{
	if (ranges.empty())
		return phys;
	for (const altdma_range &r : ranges) {
		const u128 lo = r.cpu_start, hi = static_cast<u128>(r.cpu_start) + r.size;
		if (phys >= lo && phys < hi)
			return static_cast<altdma_dma_t>(static_cast<u128>(r.dma_start) + phys - lo);
	}
	return ALTDMA_MAPPING_ERROR;
}

inline altdma_phys_t ref_dma_to_phys(const std::vector<altdma_range> &ranges,
				     altdma_dma_t dma)
{
	if (ranges.empty())
		return dma;
	for (const altdma_range &r : ranges) {
		const u128 lo = r.dma_start, hi = static_cast<u128>(r.dma_start) + r.size;
		if (dma >= lo && dma < hi)
			return static_cast<altdma_phys_t>(static_cast<u128>(r.cpu_start) + dma - lo);
	}
	return ALTDMA_PHYS_INVALID;
}

// Reference reachability: every byte of [dma, dma + max(size, 1)) is at or
// below @limit, computed exactly in 128 bits, so a range running past 2^64
// is never reachable. Separately, a mapping whose handle would equal
// ALTDMA_MAPPING_ERROR cannot be returned, so that address never is.
inline bool ref_reachable(altdma_dma_t dma, altdma_u64 size, altdma_u64 limit)
{
	if (dma == ALTDMA_MAPPING_ERROR)
		return false;
	return last_byte(dma, size) <= limit;
}

// Reference streaming check (dma_capable()): the device needs a DMA mask at
// all; every byte must be under the mask, under the bus limit if there is
// one (0: none), and under the emulated limit @cap.
inline bool ref_streaming_ok(const altdma_dev_limits &l, altdma_dma_t dma, altdma_u64 size,
			     altdma_u64 cap = ~0ull)
{
	if (l.dma_mask == 0 || dma == ALTDMA_MAPPING_ERROR)
		return false;
	const u128 last = last_byte(dma, size);
	return last <= l.dma_mask && (l.bus_limit == 0 || last <= l.bus_limit) && last <= cap;
}

// Reference coherent limit (dma_coherent_ok()): the coherent mask, narrowed
// by a bus limit; a zero on one side means that side sets no limit, so a
// zero coherent mask with no bus limit is the limit 0.
inline altdma_u64 ref_coherent_limit(const altdma_dev_limits &l)
{
	if (l.bus_limit == 0)
		return l.coherent_mask;
	if (l.coherent_mask == 0)
		return l.bus_limit;
	return l.coherent_mask < l.bus_limit ? l.coherent_mask : l.bus_limit;
}

// Every test gets a freshly reset fake platform and one device; TearDown
// destroys the core (if the test left one) and fails the test on any leaked
// page, bookkeeping allocation or lock.
class CoreTest : public ::testing::Test {
protected:
	void SetUp() override { fake::platform().reset(); }

	void TearDown() override
	{
		if (core_)
			altdma_core_destroy(core_);
		core_ = nullptr;
		EXPECT_TRUE(fake::platform().check_clean())
			<< "device log:\n" << dev_.dump_log();
	}

	fake::FakePlatform &plat() { return fake::platform(); }

	// Zero fields take their defaults, so the config may grow.
	static altdma_core_config config(altdma_u32 policy)
	{
		altdma_core_config cfg{};
		cfg.policy = policy;
		return cfg;
	}
	static altdma_core_config direct() { return config(ALTDMA_POLICY_DIRECT); }

	// Creates core_ for dev_ (direct policy); fails the test on error.
	void create()
	{
		altdma_core_config cfg = direct();
		ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0) << dev_.dump_log();
		ASSERT_NE(core_, nullptr);
	}

	void destroy()
	{
		altdma_core_destroy(core_);
		core_ = nullptr;
	}

	// Fails each bookkeeping allocation of create in turn until create
	// succeeds (within @limit): every failure must be -ENOMEM with no core
	// and leave nothing behind. Returns how many allocations were failed.
	int fail_each_create_allocation(const altdma_core_config &cfg, int limit)
	{
		int failures = 0;

		for (int nth = 1; nth < limit; nth++) {
			plat().fail_alloc_nth(nth);
			altdma_core_config c = cfg;
			altdma_core_device *core = nullptr;
			int ret = altdma_core_create(dev_.plat(), &c, &core);
			plat().fail_alloc_nth(0);
			if (ret == 0) {
				EXPECT_NE(core, nullptr);
				altdma_core_destroy(core);
				return failures;
			}
			failures++;
			EXPECT_EQ(core, nullptr) << "failing allocation #" << nth;
			EXPECT_EQ(ret, -ALTDMA_ENOMEM) << "failing allocation #" << nth;
			if (!plat().check_clean()) {
				ADD_FAILURE() << "leak after failing allocation #" << nth;
				return failures;
			}
		}
		ADD_FAILURE() << "create still fails after " << limit << " allocations";
		return failures;
	}

	// Whether dev_ may stream [dma, dma + size) (see ref_streaming_ok).
	bool streaming_ok(altdma_dma_t dma, altdma_u64 size) const
	{
		return ref_streaming_ok(dev_.limits, dma, size);
	}
	altdma_u64 coherent_limit() const { return ref_coherent_limit(dev_.limits); }

	FakeDevice dev_;
	altdma_core_device *core_ = nullptr;
};

// ---- bounce policy -----------------------------------------------------------

inline constexpr altdma_u64 kSlot = 2048;	// bounce slot size
inline constexpr altdma_u32 kCorePoolGfp = fake::FakePlatform::kCoreGfpTag |
	ALTDMA_GFP_KERNEL | ALTDMA_GFP_NOWARN | ALTDMA_GFP_NORETRY;

// Multiples of @a (any positive value, not only powers of two), by division.
inline altdma_u64 align_down(altdma_u64 v, altdma_u64 a) { return v / a * a; }
inline altdma_u64 align_up(altdma_u64 v, altdma_u64 a)
{
	return static_cast<altdma_u64>((static_cast<u128>(v) + a - 1) / a * a);
}

// The slot run a bounce mapping of @size bytes at @dma occupies with @guard
// red-zone bytes on each side (a zero-length mapping holds one byte): from
// the slot holding its first guard byte to the end of the slot holding its
// last.
inline altdma_u64 run_start(altdma_dma_t dma, altdma_u32 guard)
{
	return (dma - guard) / kSlot * kSlot;
}
inline altdma_u64 run_end(altdma_dma_t dma, altdma_u64 size, altdma_u32 guard)
{
	const u128 last = last_byte(dma, size) + guard;
	return static_cast<altdma_u64>((last / kSlot + 1) * kSlot);
}

// True if [dma, dma + size) stays inside one segment of @boundary + 1 bytes
// (@boundary a 2^n - 1 mask; 0 means none): first and last byte fall in the
// same segment.
inline bool within_boundary(altdma_dma_t dma, altdma_u64 size, altdma_u64 boundary)
{
	if (!boundary)
		return true;
	const u128 segment = static_cast<u128>(boundary) + 1;
	return dma / segment == last_byte(dma, size) / segment;
}

// A device under the bounce policy. create_bounce() records where the pool's
// page blocks landed (the core's own page allocations during create).
class BounceTest : public CoreTest {
protected:
	struct Chunk {
		altdma_phys_t phys;
		altdma_u64 size;
	};

	static altdma_core_config bounce(altdma_u32 flags = 0, altdma_u32 mask_bits = 0,
					 altdma_u64 pool_size = 0,
					 altdma_u64 max_mapping = 0, altdma_u32 guard = 0)
	{
		altdma_core_config cfg = config(ALTDMA_POLICY_BOUNCE);
		cfg.flags = flags;
		cfg.emulated_mask_bits = mask_bits;
		cfg.pool_size = pool_size;
		cfg.max_mapping_size = max_mapping;
		cfg.guard_size = guard;
		return cfg;
	}

	// altdma_core_create's result; core_ is set on success.
	int try_create(const altdma_core_config &cfg)
	{
		const std::size_t calls = plat().page_alloc_calls().size();
		altdma_core_device *core = nullptr;
		int ret = altdma_core_create(dev_.plat(), &cfg, &core);
		chunks_.clear();
		if (ret == 0) {
			core_ = core;
			const auto &rec = plat().page_alloc_calls();
			for (std::size_t i = calls; i < rec.size(); i++) {
				if (rec[i].result != 0 ||
				    !plat().page_block_allocated(rec[i].phys))
					continue;
				chunks_.push_back({rec[i].phys, kPage << rec[i].order});
			}
			std::sort(chunks_.begin(), chunks_.end(),
				  [](const Chunk &a, const Chunk &b) { return a.phys < b.phys; });
		} else {
			EXPECT_EQ(core, nullptr) << "*out written on failure";
		}
		return ret;
	}

	void create_bounce(const altdma_core_config &cfg)
	{
		ASSERT_EQ(try_create(cfg), 0) << dev_.dump_log();
		ASSERT_NE(core_, nullptr);
		ASSERT_FALSE(chunks_.empty()) << "no pool pages allocated";
	}

	altdma_core_stats stats()
	{
		altdma_core_stats s;
		std::memset(&s, 0x5c, sizeof(s));
		altdma_core_get_stats(core_, &s);
		return s;
	}

	altdma_dma_t to_dma(altdma_phys_t phys) const { return ref_phys_to_dma(dev_.ranges, phys); }
	altdma_phys_t to_phys(altdma_dma_t dma) const { return ref_dma_to_phys(dev_.ranges, dma); }

	// Index of the pool chunk holding [dma, dma + size), or -1.
	int chunk_of(altdma_dma_t dma, altdma_u64 size = 1) const
	{
		for (std::size_t i = 0; i < chunks_.size(); i++) {
			altdma_dma_t base = to_dma(chunks_[i].phys);
			if (dma >= base && dma - base < chunks_[i].size &&
			    (size ? size : 1) <= chunks_[i].size - (dma - base))
				return static_cast<int>(i);
		}
		return -1;
	}
	bool in_pool(altdma_dma_t dma, altdma_u64 size = 1) const
	{
		return chunk_of(dma, size) >= 0;
	}
	altdma_u64 pool_bytes() const
	{
		altdma_u64 n = 0;
		for (const Chunk &c : chunks_)
			n += c.size;
		return n;
	}

	// What the device sees at @dma (host pointer to the bounce slot).
	std::uint8_t *dev_mem(altdma_dma_t dma) const { return plat_virt(to_phys(dma)); }
	static std::uint8_t *plat_virt(altdma_phys_t phys) { return fake::platform().virt(phys); }

	altdma_dma_t map(altdma_phys_t phys, altdma_usize size,
			 altdma_dir dir = ALTDMA_BIDIRECTIONAL, unsigned long attrs = 0)
	{
		return altdma_core_map_phys(core_, phys, size, dir, attrs);
	}
	void unmap(altdma_dma_t dma, altdma_usize size,
		   altdma_dir dir = ALTDMA_BIDIRECTIONAL, unsigned long attrs = 0)
	{
		altdma_core_unmap_phys(core_, dma, size, dir, attrs);
	}
	void sync_cpu(altdma_dma_t dma, altdma_usize size, altdma_dir dir = ALTDMA_BIDIRECTIONAL)
	{
		altdma_core_sync_single_for_cpu(core_, dma, size, dir);
	}
	void sync_dev(altdma_dma_t dma, altdma_usize size, altdma_dir dir = ALTDMA_BIDIRECTIONAL)
	{
		altdma_core_sync_single_for_device(core_, dma, size, dir);
	}

	// Deterministic byte patterns, distinct per @seed.
	static std::uint8_t pattern(altdma_u64 seed, altdma_u64 i)
	{
		altdma_u64 x = (seed + 1) * 0x9E3779B97F4A7C15ull + i * 0xBF58476D1CE4E5B9ull;
		x ^= x >> 29;
		return static_cast<std::uint8_t>(x ^ (x >> 17));
	}
	static void fill(std::uint8_t *p, altdma_u64 size, altdma_u64 seed)
	{
		for (altdma_u64 i = 0; i < size; i++)
			p[i] = pattern(seed, i);
	}
	// Index of the first byte of @p that differs from the pattern, or -1.
	static long mismatch(const std::uint8_t *p, altdma_u64 size, altdma_u64 seed,
			     altdma_u64 first = 0)
	{
		for (altdma_u64 i = 0; i < size; i++)
			if (p[i] != pattern(seed, first + i))
				return static_cast<long>(i);
		return -1;
	}

	// The usual setup: a 32-bit emulated mask (the pool lands at the top of
	// DMA32 RAM, 0x40400000) and all of NORMAL RAM at 4 GiB reserved, filled
	// with 0x3C, for the buffers to map. Use with ASSERT_NO_FATAL_FAILURE.
	void create_capped(altdma_u32 flags = 0, altdma_u64 pool_size = 0,
			   altdma_u64 max_mapping = 0, altdma_u32 guard = 0)
	{
		create_bounce(bounce(flags, 32, pool_size, max_mapping, guard));
		ASSERT_NE(core_, nullptr);
		high_ = plat().reserve(kNormalRam, 8 * MiB, 0x3C);
		ASSERT_NE(high_, nullptr);
	}

	std::vector<Chunk> chunks_;
	std::uint8_t *high_ = nullptr;	// host view of kNormalRam after create_capped()
};

} // namespace test

#endif
