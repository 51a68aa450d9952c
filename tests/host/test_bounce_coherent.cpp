// SPDX-License-Identifier: GPL-2.0
// Bounce policy: coherent memory (reachable pages under the cap, or the
// pool with COHERENT_FROM_POOL), and locking discipline: the streaming
// paths neither allocate nor sleep, copy with no lock held, one lock per
// area.
#include <gtest/gtest-spi.h>

#include "test_support.h"

namespace test {
namespace {

using BounceCoherent = BounceTest;
using BounceLocking = BounceTest;

constexpr altdma_u32 kCallerGfp = 0x1234;

// ---- coherent memory ------------------------------------------------------------

TEST_F(BounceCoherent, AllocationsComeFromReachablePagesBelowTheCap)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	plat().clear_records();
	for (bool pages : {false, true}) {
		SCOPED_TRACE(pages ? "alloc_pages" : "alloc");
		altdma_phys_t phys = 0;
		altdma_dma_t dma = 0;
		int ret = pages ? altdma_core_alloc_pages(core_, 10000, ALTDMA_BIDIRECTIONAL,
							  kCallerGfp, &phys, &dma)
				: altdma_core_alloc(core_, 10000, kCallerGfp, 0, &phys, &dma);
		ASSERT_EQ(ret, 0) << dev_.dump_log();
		EXPECT_EQ(dma, phys);
		EXPECT_EQ(phys % kPage, 0u);
		EXPECT_LE(dma + page_align(10000) - 1, fake::bits(32));
		EXPECT_FALSE(in_pool(dma)) << "from the pool without COHERENT_FROM_POOL";
		EXPECT_TRUE(plat().all_bytes(phys, page_align(10000), 0));
		ASSERT_FALSE(plat().page_alloc_calls().empty());
		EXPECT_EQ(plat().page_alloc_calls().back().caller_gfp, kCallerGfp);
		EXPECT_EQ(plat().page_alloc_calls().back().zone, ALTDMA_ZONE_DMA32);
		EXPECT_EQ(stats().pool_used, 0u);
		if (pages)
			altdma_core_free_pages(core_, 10000, dma, ALTDMA_BIDIRECTIONAL);
		else
			altdma_core_free(core_, 10000, dma, 0);
		EXPECT_FALSE(plat().page_block_allocated(phys));
		plat().clear_records();
	}
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BounceCoherent, CoherentMaskNarrowerThanTheCapIsHonoured)
{
	dev_.set_masks(fake::bits(64), fake::bits(30));
	create_bounce(bounce(0, 32, 1 * MiB));
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	ASSERT_EQ(altdma_core_alloc(core_, 3 * kPage, kCallerGfp, 0, &phys, &dma), 0);
	EXPECT_LE(dma + 3 * kPage - 1, fake::bits(30));
	EXPECT_FALSE(in_pool(dma));
	altdma_core_free(core_, 3 * kPage, dma, 0);
}

TEST_F(BounceCoherent, CapNarrowerThanTheCoherentMaskIsHonoured)
{
	// A 24-bit cap: ZONE_DMA, shared with the 1 MiB pool.
	create_bounce(bounce(0, 24, 1 * MiB));
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	ASSERT_EQ(altdma_core_alloc(core_, 64 * KiB, kCallerGfp, 0, &phys, &dma), 0);
	EXPECT_LE(dma + 64 * KiB - 1, fake::bits(24));
	EXPECT_FALSE(in_pool(dma, 64 * KiB));
	altdma_core_free(core_, 64 * KiB, dma, 0);
}

TEST_F(BounceCoherent, FromThePoolPageAlignedZeroedAndCounted)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_COHERENT_FROM_POOL));
	// Dirty the start of every area first.
	for (altdma_u32 cpu = 0; cpu < 4; cpu++) {
		plat().cpu_id = cpu;
		altdma_dma_t d = map(kNormalRam, 60000, ALTDMA_FROM_DEVICE);
		ASSERT_NE(d, ALTDMA_MAPPING_ERROR);
		std::memset(dev_mem(d), 0xEE, 60000);
		unmap(d, 60000, ALTDMA_FROM_DEVICE, ALTDMA_ATTR_SKIP_CPU_SYNC);
	}
	plat().cpu_id = 0;
	plat().clear_records();
	const altdma_u64 high_water = stats().pool_high_water;

	for (bool pages : {false, true}) {
		SCOPED_TRACE(pages ? "alloc_pages" : "alloc");
		altdma_phys_t phys = 0;
		altdma_dma_t dma = 0;
		int ret = pages ? altdma_core_alloc_pages(core_, 5000, ALTDMA_FROM_DEVICE,
							  kCallerGfp, &phys, &dma)
				: altdma_core_alloc(core_, 5000, kCallerGfp, 0, &phys, &dma);
		ASSERT_EQ(ret, 0) << dev_.dump_log();
		EXPECT_EQ(dma % kPage, 0u);
		EXPECT_EQ(phys, to_phys(dma));
		EXPECT_TRUE(in_pool(dma, 8192)) << hex(dma);
		EXPECT_TRUE(plat().all_bytes(phys, 8192, 0)) << "not zeroed";
		EXPECT_TRUE(plat().page_alloc_calls().empty()) << "pages allocated for it";
		altdma_core_stats s = stats();
		EXPECT_EQ(s.pool_used, 8192u);
		EXPECT_EQ(s.outstanding_bounces, 0u) << "not a streaming mapping";
		EXPECT_EQ(s.pool_high_water, std::max<altdma_u64>(high_water, 8192));

		// The sg table and mmap see the pool memory.
		altdma_phys_t sg_phys = 0;
		altdma_u64 length = 0;
		EXPECT_EQ(altdma_core_get_sgtable(core_, dma, 5000, &sg_phys, &length), 0);
		EXPECT_EQ(sg_phys, phys);
		EXPECT_EQ(length, 8192u);
		altdma_u64 pfn = 0;
		EXPECT_EQ(altdma_core_mmap_pfn(core_, dma, 5000, 1, 1, &pfn), 0);
		EXPECT_EQ(pfn, (phys >> 12) + 1);

		if (pages)
			altdma_core_free_pages(core_, 5000, dma, ALTDMA_FROM_DEVICE);
		else
			altdma_core_free(core_, 5000, dma, 0);
		s = stats();
		EXPECT_EQ(s.pool_used, 0u);
		EXPECT_EQ(s.pool_largest_free, 1 * MiB);
	}
	EXPECT_TRUE(plat().page_free_calls().empty());
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BounceCoherent, FromThePoolSizeLimits)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_COHERENT_FROM_POOL));
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	EXPECT_EQ(altdma_core_alloc(core_, 0, kCallerGfp, 0, &phys, &dma), -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_alloc(core_, 256 * KiB + 1, kCallerGfp, 0, &phys, &dma),
		  -ALTDMA_EINVAL);
	ASSERT_EQ(altdma_core_alloc(core_, 256 * KiB, kCallerGfp, 0, &phys, &dma), 0);
	EXPECT_TRUE(in_pool(dma, 256 * KiB));
	EXPECT_EQ(stats().pool_used, 256 * KiB);
	altdma_core_free(core_, 256 * KiB, dma, 0);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceCoherent, FromThePoolExhaustion)
{
	plat().nr_cpus = 1;
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_COHERENT_FROM_POOL, 64 * KiB, 16 * KiB));
	std::vector<altdma_dma_t> live;
	for (int i = 0; i < 4; i++) {
		altdma_phys_t phys = 0;
		altdma_dma_t dma = 0;
		ASSERT_EQ(altdma_core_alloc(core_, 16 * KiB, kCallerGfp, 0, &phys, &dma), 0);
		live.push_back(dma);
	}
	EXPECT_EQ(stats().pool_used, 64 * KiB);
	dev_.log.clear();
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	EXPECT_EQ(altdma_core_alloc(core_, 100, kCallerGfp, 0, &phys, &dma), -ALTDMA_ENOMEM);
	EXPECT_EQ(stats().fail_exhausted, 1u);
	EXPECT_EQ(dev_.find_log({"exhausted"}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	// Streaming mappings have no room either.
	EXPECT_EQ(map(kNormalRam, 100), ALTDMA_MAPPING_ERROR);
	for (altdma_dma_t d : live)
		altdma_core_free(core_, 16 * KiB, d, 0);
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_EQ(stats().pool_largest_free, 64 * KiB);
}

TEST_F(BounceCoherent, FromThePoolAndStreamingMappingsDoNotOverlap)
{
	plat().nr_cpus = 1;
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_COHERENT_FROM_POOL |
					      ALTDMA_BOUNCE_GUARD_BYTES, 256 * KiB, 32 * KiB));
	struct Block {
		altdma_dma_t dma;
		altdma_u64 size;
		bool coherent;
	};
	std::vector<Block> live;
	altdma_u64 used = 0;
	for (altdma_u64 i = 0; i < 24; i++) {
		if (i % 3 == 0) {
			altdma_phys_t phys = 0;
			altdma_dma_t dma = 0;
			const altdma_u64 size = 1000 + i * 300;
			ASSERT_EQ(altdma_core_alloc(core_, size, kCallerGfp, 0, &phys, &dma), 0);
			std::memset(dev_mem(dma), static_cast<int>(i), page_align(size));
			live.push_back({dma, size, true});
			used += page_align(size);
		} else {
			const altdma_u64 size = 500 + i * 411;
			altdma_dma_t dma = map(kNormalRam + i * 0x10000 + i * 37, size, ALTDMA_TO_DEVICE);
			ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
			live.push_back({dma, size, false});
			used += run_end(dma, size, 64) - run_start(dma, 64);
		}
	}
	EXPECT_EQ(stats().pool_used, used);
	for (std::size_t a = 0; a < live.size(); a++) {
		for (std::size_t b = a + 1; b < live.size(); b++) {
			auto lo = [](const Block &x) {
				return x.coherent ? x.dma : run_start(x.dma, 64);
			};
			auto hi = [](const Block &x) {
				return x.coherent ? x.dma + page_align(x.size) : run_end(x.dma, x.size, 64);
			};
			EXPECT_TRUE(hi(live[a]) <= lo(live[b]) || hi(live[b]) <= lo(live[a]))
				<< a << " and " << b << " overlap";
		}
	}
	for (std::size_t i = 0; i < live.size(); i++) {
		if (!live[i].coherent) {
			unmap(live[i].dma, live[i].size, ALTDMA_TO_DEVICE);
			continue;
		}
		EXPECT_TRUE(plat().all_bytes(to_phys(live[i].dma), page_align(live[i].size),
					     static_cast<std::uint8_t>(i)))
			<< "coherent block " << i << " overwritten";
	}
	for (std::size_t i = 0; i < live.size(); i++)
		if (live[i].coherent)
			altdma_core_free(core_, live[i].size, live[i].dma, 0);
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_EQ(stats().guard_violations, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

// core_api.h: coherent memory is "reachable under the coherent mask and bus
// limit". The pool sits below the limits of attach time; a coherent mask
// narrowed since (drivers call dma_set_coherent_mask() after attach) must
// not get pool memory above it. (Fails: BouncePolicy::alloc hands out pool
// memory without checking the current coherent limit, unlike map_phys,
// which checks the streaming limit and fails as unreachable.)
TEST_F(BounceCoherent, FromThePoolHonoursANarrowedCoherentMask)
{
	create_bounce(bounce(ALTDMA_BOUNCE_COHERENT_FROM_POOL));	// pool at 32 GiB
	ASSERT_EQ(chunks_[0].phys, kHighRam);
	dev_.set_masks(fake::bits(64), fake::bits(32));
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	int ret = altdma_core_alloc(core_, 4096, kCallerGfp, 0, &phys, &dma);
	if (ret == 0) {
		EXPECT_LE(dma + 4096 - 1, fake::bits(32))
			<< "coherent block at " << hex(dma) << " is above the coherent mask";
		altdma_core_free(core_, 4096, dma, 0);
	} else {
		EXPECT_EQ(ret, -ALTDMA_ENOMEM);
	}
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceCoherent, FreeInsideAPoolAllocationIsIgnored)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_COHERENT_FROM_POOL));
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	ASSERT_EQ(altdma_core_alloc(core_, 3 * kPage, kCallerGfp, 0, &phys, &dma), 0);
	altdma_core_free(core_, 2 * kPage, dma + kPage, 0);
	EXPECT_EQ(dev_.find_log({"coherent free", hex(dma + kPage), "refused",
				 "starts 4096 bytes earlier"}, ALTDMA_LOG_ERR).size(), 1u)
		<< dev_.dump_log();
	EXPECT_EQ(stats().pool_used, 3 * kPage);
	// A free pool address (no allocation there at all).
	altdma_core_free(core_, kPage, dma + 8 * kPage, 0);
	EXPECT_EQ(dev_.find_log({"coherent free", hex(dma + 8 * kPage), "no bounce mapping"},
				ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	EXPECT_EQ(stats().refused_calls, 2u);
	EXPECT_EQ(stats().pool_coherent_outstanding, 1u);
	altdma_core_free(core_, 3 * kPage, dma, 0);
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_EQ(stats().pool_coherent_outstanding, 0u);
	EXPECT_EQ(plat().page_free_calls().size(), 0u);
}

// A coherent pool allocation has no original: an unmap or sync of it must
// neither copy (to physical address 0) nor free it.
TEST_F(BounceCoherent, UnmapAndSyncOfAPoolAllocationAreRefused)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_COHERENT_FROM_POOL));
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	ASSERT_EQ(altdma_core_alloc(core_, 2 * kPage, kCallerGfp, 0, &phys, &dma), 0);
	fill(plat_virt(phys), 2 * kPage, 77);
	const altdma_core_stats before = stats();
	const char *calls[] = {"unmap", "sync for CPU", "sync for device"};

	unmap(dma, 2 * kPage, ALTDMA_FROM_DEVICE);
	sync_cpu(dma + 100, 1000, ALTDMA_FROM_DEVICE);
	sync_dev(dma, kPage, ALTDMA_TO_DEVICE);
	for (const char *call : calls)
		EXPECT_EQ(dev_.find_log({call, hex(call[0] == 's' && call[9] == 'C' ? dma + 100 : dma),
					 "refused", "coherent allocation of 8192 bytes"},
					ALTDMA_LOG_ERR).size(), 1u)
			<< call << "\n" << dev_.dump_log();
	const altdma_core_stats after = stats();
	EXPECT_EQ(after.refused_calls - before.refused_calls, 3u);
	EXPECT_EQ(after.pool_used, before.pool_used);
	EXPECT_EQ(after.pool_coherent_outstanding, 1u);
	EXPECT_EQ(mismatch(plat_virt(phys), 2 * kPage, 77), -1);
	// Nothing else in the pool was handed out over it.
	altdma_dma_t other = map(kNormalRam, 3 * kPage, ALTDMA_TO_DEVICE);
	ASSERT_NE(other, ALTDMA_MAPPING_ERROR);
	EXPECT_TRUE(other + 3 * kPage <= dma || other >= dma + 2 * kPage) << hex(other);
	unmap(other, 3 * kPage, ALTDMA_TO_DEVICE);
	altdma_core_free(core_, 2 * kPage, dma, 0);
	EXPECT_EQ(stats().pool_used, 0u);
}

// A streaming bounce is not a coherent allocation: freeing it must leave
// the slot and its data live for the unmap that copies them back.
TEST_F(BounceCoherent, CoherentFreeOfAStreamingBounceIsRefused)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_COHERENT_FROM_POOL));
	altdma_dma_t dma = map(kNormalRam + 0x40, 3000, ALTDMA_FROM_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	fill(dev_mem(dma), 3000, 91);
	const altdma_u64 used = stats().pool_used;

	altdma_core_free(core_, kPage, dma, 0);
	EXPECT_EQ(dev_.find_log({"coherent free", hex(dma), "refused",
				 "streaming bounce mapping of 3000 bytes", hex(kNormalRam + 0x40)},
				ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	EXPECT_EQ(stats().pool_used, used);
	EXPECT_EQ(stats().outstanding_bounces, 1u);
	EXPECT_EQ(stats().refused_calls, 1u);
	EXPECT_EQ(mismatch(dev_mem(dma), 3000, 91), -1);

	unmap(dma, 3000, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(mismatch(high_ + 0x40, 3000, 91), -1);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceCoherent, WithoutFromPoolDirectBlocksAreFreedToThePageAllocator)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_FORCE));
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	ASSERT_EQ(altdma_core_alloc(core_, 2 * kPage, kCallerGfp, 0, &phys, &dma), 0);
	EXPECT_FALSE(in_pool(dma));
	altdma_core_free(core_, 2 * kPage, dma, 0);
	ASSERT_EQ(plat().page_free_calls().size(), 1u);
	EXPECT_EQ(plat().page_free_calls()[0].phys, phys);
	EXPECT_EQ(plat().page_free_calls()[0].order, 1u);
	EXPECT_EQ(stats().pool_used, 0u);
}

// ---- locking discipline ----------------------------------------------------------

// map / unmap / sync (and coherent allocations from the pool) may run in
// interrupt context: no allocation at all, every lock released.
TEST_F(BounceLocking, StreamingPathsNeitherAllocateNorLeaveLocksHeld)
{
	plat().nr_cpus = 2;
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES |
					      ALTDMA_BOUNCE_COHERENT_FROM_POOL, 64 * KiB, 16 * KiB));
	const int allocs = plat().alloc_calls();
	const std::size_t page_calls = plat().page_alloc_calls().size();
	const long locks = plat().lock_acquisitions();
	plat().atomic_context = true;
	auto check = [&](const char *what) {
		EXPECT_EQ(plat().locks_held(), 0) << what;
		EXPECT_EQ(plat().alloc_calls(), allocs) << what;
		EXPECT_EQ(plat().page_alloc_calls().size(), page_calls) << what;
	};

	std::vector<std::pair<altdma_dma_t, altdma_dir>> live;
	for (altdma_u32 i = 0; i < 8; i++) {
		plat().cpu_id = i % 2;
		const altdma_dir dir = kAllDirs[i % 4];
		altdma_dma_t dma = map(kNormalRam + i * 0x8000 + i, 3000, dir);
		check("map");
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		sync_cpu(dma + 10, 100, dir);
		check("sync for cpu");
		sync_dev(dma, 3000, dir);
		check("sync for device");
		live.push_back({dma, dir});
	}
	dev_mem(live[0].first)[-1] ^= 1;	// a guard violation
	sync_cpu(live[0].first, 3000, live[0].second);
	check("guard report");
	EXPECT_EQ(map(kNormalRam, 16 * KiB + 1), ALTDMA_MAPPING_ERROR);
	check("too large");
	for (int i = 0; i < 4; i++)
		map(kNormalRam + 1 * MiB + i * 0x8000, 16 * KiB);
	check("exhausted / fragmented");
	dev_.limits.dma_mask = fake::bits(30);
	EXPECT_EQ(map(kNormalRam, 100), ALTDMA_MAPPING_ERROR);
	check("unreachable");
	dev_.limits.dma_mask = fake::bits(64);
	unmap(kDma32Ram + 4 * MiB + 60 * KiB, 100);
	check("unmap of nothing");

	altdma_phys_t phys = 0;
	altdma_dma_t coherent = 0;
	if (altdma_core_alloc(core_, 2048, kCallerGfp, 0, &phys, &coherent) == 0) {
		check("coherent alloc from the pool");
		altdma_core_free(core_, 2048, coherent, 0);
		check("coherent free to the pool");
	}
	fake::SgChain sg({{kNormalRam + 5 * MiB, 1000}, {kNormalRam + 6 * MiB, 1500}});
	if (altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_BIDIRECTIONAL, 0) == 2) {
		altdma_core_sync_sg_for_cpu(core_, sg.head(), 2, ALTDMA_BIDIRECTIONAL);
		altdma_core_sync_sg_for_device(core_, sg.head(), 2, ALTDMA_BIDIRECTIONAL);
		altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_BIDIRECTIONAL, 0);
	}
	check("scatterlists");
	stats();
	altdma_core_dma_supported(core_, fake::bits(31));
	altdma_core_get_required_mask(core_);
	altdma_core_max_mapping_size(core_);
	check("queries");

	for (auto [dma, dir] : live)
		unmap(dma, 3000, dir);
	check("unmap");
	EXPECT_GT(plat().lock_acquisitions(), locks) << "the areas are not locked at all?";
	plat().atomic_context = false;
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_EQ(stats().guard_violations, 1u);
}

// The copies (and red-zone fills and checks) run with the area lock
// released.
TEST_F(BounceLocking, CopiesRunWithoutALockHeld)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES |
					      ALTDMA_BOUNCE_COHERENT_FROM_POOL));
	const long calls = plat().phys_to_virt_calls();
	altdma_dma_t dma = map(kNormalRam + 0x123, 10000);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	sync_cpu(dma, 10000);
	sync_dev(dma + 5, 100);
	dev_mem(dma)[10000] ^= 1;
	unmap(dma, 10000);
	altdma_phys_t phys = 0;
	ASSERT_EQ(altdma_core_alloc(core_, 5000, kCallerGfp, 0, &phys, &dma), 0);
	altdma_core_free(core_, 5000, dma, 0);
	EXPECT_GT(plat().phys_to_virt_calls(), calls);
	EXPECT_EQ(plat().phys_to_virt_calls_locked(), 0);
	EXPECT_EQ(stats().guard_violations, 1u);
}

TEST_F(BounceLocking, EachAreaHasItsOwnLock)
{
	struct Case {
		altdma_u32 cpus;
		std::size_t areas;
	};
	for (const Case &c : {Case{1, 1}, Case{2, 2}, Case{4, 4}, Case{16, 8}}) {
		SCOPED_TRACE(c.cpus);
		create();
		const std::size_t base = plat().live_locks();
		destroy();
		plat().nr_cpus = c.cpus;
		create_bounce(bounce());
		EXPECT_EQ(plat().live_locks() - base, c.areas);
		destroy();
		EXPECT_EQ(plat().live_locks(), 0u);
	}
}

TEST_F(BounceLocking, CreateAndDestroyRunWithoutLocksHeld)
{
	create_bounce(bounce(ALTDMA_BOUNCE_GUARD_BYTES));
	for (const fake::PageAllocCall &c : plat().page_alloc_calls())
		EXPECT_FALSE(c.lock_held);
	EXPECT_EQ(plat().locks_held(), 0);
	destroy();
	EXPECT_EQ(plat().locks_held(), 0);
}

// The fake's atomic-context and locked-copy checks used above do work.
TEST_F(BounceLocking, FakeFlagsSleepingAllocationsInAtomicContext)
{
	plat().atomic_context = true;
	void *p = nullptr;
	EXPECT_NONFATAL_FAILURE(p = altdma_plat_alloc(16, ALTDMA_GFP_KERNEL), "atomic context");
	altdma_plat_free(p);
	p = altdma_plat_alloc(16, ALTDMA_GFP_ATOMIC);
	altdma_plat_free(p);
	altdma_phys_t phys = 0;
	EXPECT_NONFATAL_FAILURE(altdma_plat_alloc_pages(dev_.plat(),
							altdma_plat_page_gfp(ALTDMA_GFP_KERNEL),
							ALTDMA_ZONE_NORMAL, 0, &phys),
				"atomic context");
	altdma_plat_free_pages(phys, 0);
	// A caller's gfp is opaque: the caller answers for it.
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), kCallerGfp, ALTDMA_ZONE_NORMAL, 0, &phys), 0);
	altdma_plat_free_pages(phys, 0);
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), altdma_plat_page_gfp(ALTDMA_GFP_ATOMIC),
					  ALTDMA_ZONE_NORMAL, 0, &phys), 0);
	altdma_plat_free_pages(phys, 0);
	plat().atomic_context = false;

	struct altdma_plat_lock storage;
	struct altdma_plat_lock *lock = &storage;
	altdma_plat_lock_init(lock);
	EXPECT_NE(altdma_plat_phys_to_virt(kDmaRam), nullptr);
	EXPECT_EQ(plat().phys_to_virt_calls_locked(), 0);
	unsigned long flags = altdma_plat_lock(lock);
	altdma_plat_phys_to_virt(kDmaRam);
	altdma_plat_unlock(lock, flags);
	EXPECT_EQ(plat().phys_to_virt_calls_locked(), 1);
	altdma_plat_lock_destroy(lock);
	plat().reset();
	EXPECT_EQ(plat().phys_to_virt_calls_locked(), 0);
	EXPECT_FALSE(plat().atomic_context);
}

// Leak reports: every live bounce and pool allocation, with the device's
// address, the size and the direction; the list follows unmap and free.
TEST_F(BounceCoherent, LiveListNamesEveryPoolMapping)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_COHERENT_FROM_POOL));
	altdma_core_live_mapping live[4] = {};
	EXPECT_EQ(altdma_core_list_live(core_, live, 4), 0u);

	altdma_dma_t to_dev = map(kNormalRam + 512, 3000, ALTDMA_TO_DEVICE);
	altdma_dma_t from_dev = map(kNormalRam + 2 * kPage, 700, ALTDMA_FROM_DEVICE);
	ASSERT_NE(to_dev, ALTDMA_MAPPING_ERROR);
	ASSERT_NE(from_dev, ALTDMA_MAPPING_ERROR);
	altdma_phys_t phys = 0;
	altdma_dma_t coherent = 0;
	ASSERT_EQ(altdma_core_alloc(core_, 5000, kCallerGfp, 0, &phys, &coherent), 0);

	ASSERT_EQ(altdma_core_list_live(core_, live, 4), 3u);
	bool seen_to = false, seen_from = false, seen_coherent = false;
	for (const altdma_core_live_mapping &m : live) {
		if (m.dma == to_dev && m.size == 3000 && m.dir == ALTDMA_TO_DEVICE && !m.coherent)
			seen_to = true;
		if (m.dma == from_dev && m.size == 700 && m.dir == ALTDMA_FROM_DEVICE &&
		    !m.coherent)
			seen_from = true;
		if (m.dma == coherent && m.coherent)
			seen_coherent = true;
	}
	EXPECT_TRUE(seen_to && seen_from && seen_coherent);
	// A short buffer gets the first entries and the full count.
	altdma_core_live_mapping one[1] = {};
	EXPECT_EQ(altdma_core_list_live(core_, one, 1), 3u);
	EXPECT_NE(one[0].size, 0u);

	unmap(to_dev, 3000, ALTDMA_TO_DEVICE, 0);
	ASSERT_EQ(altdma_core_list_live(core_, live, 4), 2u);
	EXPECT_NE(live[0].dma, to_dev);
	EXPECT_NE(live[1].dma, to_dev);
	unmap(from_dev, 700, ALTDMA_FROM_DEVICE, 0);
	altdma_core_free(core_, 5000, coherent, 0);
	EXPECT_EQ(altdma_core_list_live(core_, live, 4), 0u);
	altdma_core_stats s = stats();
	EXPECT_EQ(s.coherent_allocs, 1u);
	EXPECT_EQ(s.coherent_frees, 1u);
}

} // namespace
} // namespace test
