// SPDX-License-Identifier: GPL-2.0
// Bounce policy: configuration checks and defaults, where the pool is
// allocated and how it is split, create failures, and the queries
// (dma_supported, required_mask, max_mapping_size).
#include "test_support.h"

namespace test {
namespace {

using BounceConfig = BounceTest;
using BouncePoolSetup = BounceTest;
using BounceQueries = BounceTest;

// ---- configuration ------------------------------------------------------------

class BounceRefusal : public BounceTest {
protected:
	// create must fail with -EINVAL, leave exactly one error message that
	// contains every needle, and leave nothing allocated.
	void expect_refused(const altdma_core_config &cfg, std::vector<std::string> needles)
	{
		dev_.log.clear();
		altdma_core_device *core = nullptr;
		EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core), -ALTDMA_EINVAL)
			<< dev_.dump_log();
		EXPECT_EQ(core, nullptr);
		EXPECT_EQ(dev_.find_log({}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
		EXPECT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
		EXPECT_EQ(dev_.find_log(needles, ALTDMA_LOG_ERR).size(), 1u)
			<< "the message should name the field and its value\n" << dev_.dump_log();
		EXPECT_EQ(plat().outstanding_allocs(), 0u);
		EXPECT_EQ(plat().live_locks(), 0u);
		EXPECT_EQ(plat().outstanding_page_blocks(), 0u);
	}
};

TEST_F(BounceConfig, DefaultsFillInPoolSizeAndMaxMapping)
{
	create_bounce(bounce());
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.pool_size, ALTDMA_BOUNCE_DEFAULT_POOL_SIZE);
	EXPECT_EQ(s.pool_size, 4 * MiB);
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.pool_high_water, 0u);
	// Four CPUs: four areas of 1 MiB, all free.
	EXPECT_EQ(s.pool_largest_free, 1 * MiB);
	for (int d = 0; d < 4; d++) {
		EXPECT_EQ(s.bounced_maps[d], 0u);
		EXPECT_EQ(s.bounced_bytes[d], 0u);
	}
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.fail_too_large, 0u);
	EXPECT_EQ(s.fail_fragmented, 0u);
	EXPECT_EQ(s.fail_exhausted, 0u);
	EXPECT_EQ(s.fail_unreachable, 0u);
	EXPECT_EQ(s.guard_violations, 0u);
	// The limit shows only where mappings may bounce (a 32-bit mask here).
	dev_.limits.dma_mask = fake::bits(32);
	EXPECT_EQ(altdma_core_max_mapping_size(core_), ALTDMA_BOUNCE_DEFAULT_MAX_MAPPING);
	EXPECT_EQ(altdma_core_max_mapping_size(core_), 256 * KiB);
	ASSERT_EQ(chunks_.size(), 1u);
	EXPECT_EQ(chunks_[0].size, 4 * MiB);
}

TEST_F(BounceConfig, DirectPolicyStatsAreAllZero)
{
	create();
	altdma_core_stats s;
	std::memset(&s, 0x5c, sizeof(s));
	altdma_core_get_stats(core_, &s);
	const auto *bytes = reinterpret_cast<const std::uint8_t *>(&s);
	for (std::size_t i = 0; i < sizeof(s); i++)
		ASSERT_EQ(bytes[i], 0) << "byte " << i;
}

TEST_F(BounceConfig, StatsAreZeroedBeforeFilling)
{
	create_bounce(bounce());
	altdma_core_stats s = stats();	// stats() pre-fills with 0x5c
	EXPECT_EQ(s.fail_unreachable, 0u);
	EXPECT_EQ(s.guard_violations, 0u);
	EXPECT_EQ(s.bounced_bytes[ALTDMA_DIR_NONE], 0u);
}

TEST_F(BounceRefusal, UnknownFlagBits)
{
	for (altdma_u32 flags : {1u << 3, 1u << 31, 0xffffffffu}) {
		SCOPED_TRACE(flags);
		expect_refused(bounce(flags), {"flags", std::to_string(flags)});
	}
}

TEST_F(BounceRefusal, EmulatedMaskBitsOutOfRange)
{
	for (altdma_u32 bits : {1u, 8u, 11u, 64u, 65u, 0xffffffffu}) {
		SCOPED_TRACE(bits);
		expect_refused(bounce(0, bits), {"emulated_mask_bits", std::to_string(bits)});
	}
}

TEST_F(BounceConfig, EmulatedMaskBitsAtTheEndsOfTheRangeAreAccepted)
{
	// 12 bits is a valid configuration; there is just no RAM below 4 KiB
	// on this machine, so the pool cannot be allocated.
	altdma_core_config cfg = bounce(0, 12);
	EXPECT_EQ(try_create(cfg), -ALTDMA_ENOMEM) << dev_.dump_log();
	EXPECT_TRUE(dev_.find_log({"invalid configuration"}).empty()) << dev_.dump_log();
	EXPECT_TRUE(plat().check_clean());

	dev_.log.clear();
	create_bounce(bounce(0, 63));
	destroy();
	create_bounce(bounce(0, 24));
	for (const Chunk &c : chunks_)
		EXPECT_LE(c.phys + c.size - 1, fake::bits(24));
}

TEST_F(BounceRefusal, PoolSizeOutOfRange)
{
	for (altdma_u64 size : {ALTDMA_BOUNCE_MAX_POOL_SIZE + 1, 2 * GiB, ~0ull}) {
		SCOPED_TRACE(size);
		expect_refused(bounce(0, 0, size, 64 * KiB), {"pool_size", std::to_string(size)});
	}
	for (altdma_u64 size : {1ull, 2048ull, kPage - 1}) {
		SCOPED_TRACE(size);
		expect_refused(bounce(0, 0, size, 1), {"pool_size", std::to_string(size)});
	}
}

TEST_F(BounceConfig, PoolSizeLimitsThemselvesAreAccepted)
{
	// One page, with mappings small enough for it.
	create_bounce(bounce(0, 0, kPage, 2 * KiB));
	EXPECT_EQ(stats().pool_size, kPage);
	EXPECT_EQ(stats().pool_largest_free, kPage);
	destroy();
	// 1 GiB passes the checks; the 24 MiB machine cannot back it.
	EXPECT_EQ(try_create(bounce(0, 0, ALTDMA_BOUNCE_MAX_POOL_SIZE)), -ALTDMA_ENOMEM);
	EXPECT_TRUE(dev_.find_log({"invalid configuration"}).empty()) << dev_.dump_log();
	EXPECT_TRUE(plat().check_clean());
}

TEST_F(BounceRefusal, MaxMappingLargerThanPool)
{
	expect_refused(bounce(0, 0, 64 * KiB, 64 * KiB + 1),
		       {"max_mapping_size", std::to_string(64 * KiB + 1)});
	// The default pool (4 MiB) applies before the comparison.
	expect_refused(bounce(0, 0, 0, 4 * MiB + 1),
		       {"max_mapping_size", std::to_string(4 * MiB + 1)});
	// The default max mapping (256 KiB) does not fit a 128 KiB pool.
	expect_refused(bounce(0, 0, 128 * KiB, 0),
		       {"max_mapping_size", std::to_string(256 * KiB)});
}

// A mapping must fit one physically contiguous piece of the pool: pieces
// are at most 2^max_page_order pages, and a mapping may need one slot more
// than its size (its offset within a slot is kept).
TEST_F(BounceRefusal, MaxMappingThatFitsNoContiguousPiece)
{
	// 8 MiB pool in two 4 MiB pieces; a 4 MiB mapping fits neither.
	expect_refused(bounce(0, 0, 8 * MiB, 4 * MiB), {std::to_string(4 * MiB)});
	// max mapping == pool size == the largest page block.
	expect_refused(bounce(0, 0, 4 * MiB, 4 * MiB), {std::to_string(4 * MiB)});
	// Guard bytes count too.
	expect_refused(bounce(ALTDMA_BOUNCE_GUARD_BYTES, 0, 4 * MiB, 4 * MiB - 4 * KiB, 2048),
		       {std::to_string(4 * MiB - 4 * KiB)});
	// A machine whose largest page block is 64 KiB: the default 256 KiB
	// max mapping cannot be served.
	plat().info().max_page_order = 4;
	expect_refused(bounce(), {std::to_string(256 * KiB)});
}

// Like every other refusal, this one names the field to fix. (Fails: the
// pool's message says "cannot hold mappings of N bytes (largest contiguous
// piece M bytes)", without the field name, and with M == N in the first
// case below, which reads as if the mapping should fit.)
TEST_F(BounceRefusal, MaxMappingThatFitsNoContiguousPieceNamesTheField)
{
	expect_refused(bounce(0, 0, 4 * MiB, 4 * MiB),
		       {"max_mapping_size", std::to_string(4 * MiB)});
	plat().info().max_page_order = 4;
	expect_refused(bounce(), {"max_mapping_size", std::to_string(256 * KiB)});
}

TEST_F(BounceConfig, LargestMaxMappingThatFitsAPieceIsUsableAtEveryOffset)
{
	// 4 MiB - 4 KiB + a slot of offset still fits the 4 MiB piece.
	const altdma_u64 max = 4 * MiB - 4 * KiB;
	create_bounce(bounce(ALTDMA_BOUNCE_FORCE, 0, 4 * MiB, max));
	EXPECT_EQ(stats().pool_largest_free, 4 * MiB) << "one area expected";
	dev_.limits.max_segment_size = 0;
	plat().reserve(kNormalRam, 8 * MiB);
	for (altdma_u64 off : {0ull, 1ull, 2047ull, 2048ull, 4095ull}) {
		SCOPED_TRACE(off);
		altdma_dma_t dma = map(kNormalRam + off, max, ALTDMA_TO_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
		EXPECT_EQ(dma % kSlot, off % kSlot);
		unmap(dma, max, ALTDMA_TO_DEVICE);
	}
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceRefusal, GuardSize)
{
	expect_refused(bounce(ALTDMA_BOUNCE_GUARD_BYTES, 0, 0, 0, 4097),
		       {"guard_size", "4097"});
	expect_refused(bounce(ALTDMA_BOUNCE_GUARD_BYTES, 0, 0, 0, 0xffffffffu),
		       {"guard_size", std::to_string(0xffffffffu)});
	expect_refused(bounce(0, 0, 0, 0, 64), {"guard_size", "64"});
	expect_refused(bounce(ALTDMA_BOUNCE_FORCE, 0, 0, 0, 1), {"guard_size", "1"});
}

TEST_F(BounceConfig, GuardSizeUpToAPageIsAccepted)
{
	for (altdma_u32 guard : {1u, 64u, 4096u}) {
		SCOPED_TRACE(guard);
		create_bounce(bounce(ALTDMA_BOUNCE_GUARD_BYTES, 0, 0, 0, guard));
		EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
		destroy();
	}
}

// The default guard is 64 bytes: data may start 64 bytes into a slot run,
// not 63.
TEST_F(BounceConfig, DefaultGuardIs64Bytes)
{
	create_bounce(bounce(ALTDMA_BOUNCE_FORCE | ALTDMA_BOUNCE_GUARD_BYTES, 32));
	plat().reserve(kNormalRam, 64 * KiB);
	// Offset 64 in its slot, 1920 bytes: 64 + 1920 + 64 == one slot.
	altdma_dma_t dma = map(kNormalRam + 64, 1920, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
	EXPECT_EQ(stats().pool_used, kSlot) << "a guard larger than 64 bytes?";
	unmap(dma, 1920, ALTDMA_TO_DEVICE);
	// Offset 63: the 64 guard bytes before it do not fit in front of it.
	dma = map(kNormalRam + 4096 + 63, 1920, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
	EXPECT_EQ(stats().pool_used, 2 * kSlot) << "a guard smaller than 64 bytes?";
	unmap(dma, 1920, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceConfig, EveryBookkeepingAllocationFailureIsENOMEMWithoutLeaks)
{
	int failures = fail_each_create_allocation(bounce(ALTDMA_BOUNCE_GUARD_BYTES, 32), 200);
	// Core, device state, policy, chunk table, area table, and two tables
	// for each of the four areas (their locks are embedded).
	EXPECT_GE(failures, 12);
}

TEST_F(BounceConfig, PoolPageAllocationFailureIsENOMEMWithoutLeaks)
{
	plat().fail_next_page_allocs(1);
	EXPECT_EQ(try_create(bounce()), -ALTDMA_ENOMEM);
	EXPECT_FALSE(dev_.find_log({"bounce pool"}, ALTDMA_LOG_ERR).empty()) << dev_.dump_log();
	EXPECT_TRUE(plat().check_clean());
}

TEST_F(BounceConfig, PartlyAllocatedPoolIsReleasedOnFailure)
{
	// Below 4 GiB there are three 4 MiB blocks; a 16 MiB pool needs four.
	EXPECT_EQ(try_create(bounce(0, 32, 16 * MiB, 0)), -ALTDMA_ENOMEM);
	EXPECT_EQ(dev_.find_log({"bounce pool", "3 of 4"}, ALTDMA_LOG_ERR).size(), 1u)
		<< dev_.dump_log();
	int allocated = 0;
	for (const fake::PageAllocCall &c : plat().page_alloc_calls())
		allocated += c.result == 0;
	EXPECT_EQ(allocated, 3);
	EXPECT_EQ(plat().page_free_calls().size(), 3u);
	EXPECT_TRUE(plat().check_clean());
}

// ---- where the pool lives -----------------------------------------------------------

TEST_F(BouncePoolSetup, PoolUsesTheCoresOwnSleepingGfpWithoutALock)
{
	create_bounce(bounce());
	ASSERT_FALSE(plat().page_alloc_calls().empty());
	for (const fake::PageAllocCall &c : plat().page_alloc_calls()) {
		// NORETRY is asked for by the core, not added behind its back.
		EXPECT_EQ(c.caller_gfp, kCorePoolGfp | ALTDMA_GFP_NORETRY);
		EXPECT_FALSE(c.lock_held);
		EXPECT_EQ(c.dev, dev_.plat());
	}
}

TEST_F(BouncePoolSetup, WithoutLimitsThePoolIsInTheHighestMemory)
{
	create_bounce(bounce());
	ASSERT_EQ(chunks_.size(), 1u);
	EXPECT_EQ(chunks_[0].phys, kHighRam);
	EXPECT_EQ(plat().page_alloc_zones(), std::vector<altdma_zone>{ALTDMA_ZONE_NORMAL});
}

// Force mode bounces every buffer of a device whose driver may still raise
// its mask: today's 32-bit masks must not pin the pool in ZONE_DMA32.
TEST_F(BouncePoolSetup, ForceModePoolIsNotHeldBelowTheMasksOfAttachTime)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create_bounce(bounce(ALTDMA_BOUNCE_FORCE));
	ASSERT_EQ(chunks_.size(), 1u);
	EXPECT_GT(chunks_[0].phys, fake::bits(32)) << hex(chunks_[0].phys);
	EXPECT_EQ(plat().page_alloc_zones(), std::vector<altdma_zone>{ALTDMA_ZONE_NORMAL});
	altdma_core_stats s = stats();
	EXPECT_EQ(s.pool_lowest_dma, chunks_[0].phys);
	EXPECT_EQ(s.pool_highest_dma, chunks_[0].phys + chunks_[0].size - 1);
	destroy();

	// The bus limit still holds.
	plat().reset();
	dev_.limits.bus_limit = fake::bits(32);
	create_bounce(bounce(ALTDMA_BOUNCE_FORCE, 0, 1 * MiB));
	for (const Chunk &ch : chunks_)
		EXPECT_LE(ch.phys + ch.size - 1, fake::bits(32));
}

// An emulated mask is the device's reach whatever its masks are now: a
// 36-bit one takes memory above 4 GiB first, not ZONE_DMA32.
TEST_F(BouncePoolSetup, EmulatedMaskAbove4GiBPrefersHighMemory)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create_bounce(bounce(0, 36));
	ASSERT_EQ(chunks_.size(), 1u);
	EXPECT_GT(chunks_[0].phys, fake::bits(32)) << hex(chunks_[0].phys);
	EXPECT_LE(chunks_[0].phys + chunks_[0].size - 1, fake::bits(36));
	EXPECT_EQ(plat().page_alloc_zones().front(), ALTDMA_ZONE_NORMAL);
}

// A mask set later below the pool is taken (dma-direct would), but said.
TEST_F(BounceQueries, MaskThatLeavesThePoolOutOfReachIsWarnedAbout)
{
	create_bounce(bounce(ALTDMA_BOUNCE_FORCE));
	ASSERT_GT(stats().pool_lowest_dma, fake::bits(32));
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(32)), 1);
	EXPECT_EQ(dev_.find_log({"does not reach all of the bounce pool", "emulated_mask_bits"},
				ALTDMA_LOG_WARN).size(), 1u) << dev_.dump_log();
	dev_.limits.dma_mask = fake::bits(32);
	EXPECT_EQ(map(kDma32Ram, 100), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.find_log({"does not reach the pool", "emulated_mask_bits"},
				ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	EXPECT_EQ(stats().fail_unreachable, 1u);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BouncePoolSetup, EmulatedMaskPutsThePoolBelowTheCap)
{
	create_bounce(bounce(0, 32));
	ASSERT_EQ(chunks_.size(), 1u);
	EXPECT_EQ(chunks_[0].phys, kDma32Ram + 4 * MiB);
	EXPECT_EQ(plat().page_alloc_zones(), std::vector<altdma_zone>{ALTDMA_ZONE_DMA32});
	destroy();

	create_bounce(bounce(0, 24, 1 * MiB));
	ASSERT_EQ(chunks_.size(), 1u);
	EXPECT_LE(chunks_[0].phys + chunks_[0].size - 1, fake::bits(24));
}

TEST_F(BouncePoolSetup, PoolStaysBelowCoherentStreamingAndBusLimits)
{
	struct Case {
		altdma_u64 dma_mask, coherent_mask, bus_limit, expect_top;
	};
	const Case cases[] = {
		{fake::bits(64), fake::bits(32), 0, fake::bits(32)},
		{fake::bits(32), fake::bits(64), 0, fake::bits(32)},
		{fake::bits(64), fake::bits(64), fake::bits(32), fake::bits(32)},
		// No streaming mask (yet): only the coherent limit applies.
		{0, fake::bits(40), 0, fake::bits(40)},
		// 30 bits: DMA32 memory is out of reach, ZONE_DMA is tried next.
		{fake::bits(30), fake::bits(64), 0, fake::bits(30)},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(hex(c.dma_mask) + " " + hex(c.coherent_mask) + " " + hex(c.bus_limit));
		plat().reset();
		dev_.limits.dma_mask = c.dma_mask;
		dev_.limits.coherent_mask = c.coherent_mask;
		dev_.limits.bus_limit = c.bus_limit;
		create_bounce(bounce(0, 0, 1 * MiB));
		for (const Chunk &ch : chunks_)
			EXPECT_LE(ch.phys + ch.size - 1, c.expect_top) << hex(ch.phys);
		destroy();
		EXPECT_TRUE(plat().check_clean());
	}
}

TEST_F(BouncePoolSetup, PoolOutOfReachInItsZoneRetriesANarrowerZone)
{
	dev_.set_masks(fake::bits(30), fake::bits(64));
	create_bounce(bounce(0, 0, 1 * MiB));
	EXPECT_EQ(plat().page_alloc_zones(),
		  (std::vector<altdma_zone>{ALTDMA_ZONE_DMA32, ALTDMA_ZONE_DMA}));
	ASSERT_EQ(chunks_.size(), 1u);
	EXPECT_LT(chunks_[0].phys, 16 * MiB);
}

TEST_F(BouncePoolSetup, RangeMapTranslatesThePool)
{
	// Only the two low RAM regions have DMA addresses: 128 and 256 MiB.
	dev_.ranges = {{kDma32Ram, 0x10000000ull, 8 * MiB}, {kDmaRam, 0x08000000ull, 4 * MiB}};
	create_bounce(bounce(0, 30, 1 * MiB));
	ASSERT_EQ(chunks_.size(), 1u);
	const altdma_dma_t pool_dma = to_dma(chunks_[0].phys);
	ASSERT_NE(pool_dma, ALTDMA_MAPPING_ERROR);
	EXPECT_LE(pool_dma + chunks_[0].size - 1, fake::bits(30));

	// RAM without a DMA address is bounced (the pool has one).
	const altdma_phys_t orig = kNormalRam + 0x10000 + 0x123;
	std::uint8_t *buf = plat().reserve(kNormalRam + 0x10000, 8192);
	fill(buf + 0x123, 1000, 7);
	altdma_dma_t dma = map(orig, 1000, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
	EXPECT_TRUE(in_pool(dma, 1000)) << hex(dma);
	EXPECT_EQ(dma & 2047, 0x123u);
	EXPECT_EQ(mismatch(dev_mem(dma), 1000, 7), -1) << "not copied in";
	std::memset(dev_mem(dma), 0xEE, 1000);
	sync_cpu(dma + 10, 10);
	EXPECT_TRUE(plat().all_bytes(orig + 10, 10, 0xEE));
	EXPECT_EQ(buf[0x123 + 9], pattern(7, 9));
	unmap(dma, 1000);
	EXPECT_TRUE(plat().all_bytes(orig, 1000, 0xEE));
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_EQ(stats().outstanding_bounces, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();

	// Translated RAM within the cap is mapped directly.
	EXPECT_EQ(map(kDmaRam + 0x10, 100), 0x08000010ull);
}

// Pieces whose DMA order is the reverse of their physical order: areas are
// looked up by DMA address, data is copied by physical address.
TEST_F(BouncePoolSetup, PiecesInReversedDmaOrder)
{
	plat().info().max_page_order = 6;	// 256 KiB pieces
	const altdma_phys_t top = kDma32Ram + 8 * MiB;
	for (altdma_u64 i = 0; i < 4; i++)
		dev_.ranges.push_back({top - (i + 1) * 256 * KiB, 0x10000000ull + i * 256 * KiB,
				       256 * KiB});
	dev_.ranges.push_back({0, 0, 64 * GiB});	// everything else: identity
	create_bounce(bounce(0, 32, 1 * MiB, 64 * KiB));
	ASSERT_EQ(chunks_.size(), 4u);
	for (const Chunk &c : chunks_)
		ASSERT_GE(c.phys, top - 1 * MiB) << "the pool is not where the ranges are";
	EXPECT_EQ(stats().pool_largest_free, 256 * KiB);
	std::uint8_t *buf = plat().reserve(kNormalRam, 1 * MiB);
	fill(buf, 1 * MiB, 11);

	std::vector<altdma_dma_t> live;
	for (altdma_u32 cpu = 0; cpu < 4; cpu++) {
		plat().cpu_id = cpu;
		const altdma_u64 off = cpu * 0x10000 + 0x123;
		altdma_dma_t dma = map(kNormalRam + off, 5000, ALTDMA_BIDIRECTIONAL);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
		EXPECT_GE(dma, 0x10000000ull + cpu * 256 * KiB) << "cpu " << cpu;
		EXPECT_LT(dma, 0x10000000ull + (cpu + 1) * 256 * KiB) << "cpu " << cpu;
		EXPECT_EQ(to_phys(dma) & 2047, off & 2047);
		EXPECT_EQ(mismatch(dev_mem(dma), 5000, 11, off), -1) << "copied in from elsewhere";
		std::memset(dev_mem(dma), 0x40 + cpu, 5000);
		live.push_back(dma);
	}
	for (altdma_u32 cpu = 0; cpu < 4; cpu++) {
		sync_cpu(live[cpu] + 100, 10);
		EXPECT_TRUE(plat().all_bytes(kNormalRam + cpu * 0x10000 + 0x123 + 100, 10, 0x40 + cpu));
		unmap(live[cpu], 5000);
		EXPECT_TRUE(plat().all_bytes(kNormalRam + cpu * 0x10000 + 0x123, 5000, 0x40 + cpu));
	}
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	// The mask that covers the pool's highest DMA address.
	plat().info().has_zone_dma = 0;
	EXPECT_EQ(altdma_core_dma_supported(core_, 0x100fffffull), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, 0x100ffffeull), 0);
}

TEST_F(BouncePoolSetup, PoolSizeIsRoundedUpToWholePieces)
{
	struct Case {
		altdma_u64 requested, max_mapping, expect;
	};
	const Case cases[] = {
		{3 * kPage, 4 * KiB, 4 * kPage},
		{1 * MiB + 1, 0, 2 * MiB},
		{5 * MiB, 0, 8 * MiB},
		{8 * MiB, 0, 8 * MiB},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.requested);
		create_bounce(bounce(0, 0, c.requested, c.max_mapping));
		EXPECT_EQ(stats().pool_size, c.expect);
		EXPECT_EQ(pool_bytes(), c.expect);
		destroy();
	}
}

TEST_F(BouncePoolSetup, LargePoolIsBuiltFromSeveralPieces)
{
	create_bounce(bounce(0, 0, 8 * MiB));
	ASSERT_EQ(chunks_.size(), 2u);
	EXPECT_EQ(chunks_[0].size, 4 * MiB);
	EXPECT_EQ(chunks_[1].size, 4 * MiB);
	EXPECT_EQ(stats().pool_size, 8 * MiB);
	// Four CPUs over two pieces: two areas of 2 MiB each per piece.
	EXPECT_EQ(stats().pool_largest_free, 2 * MiB);
}

TEST_F(BouncePoolSetup, SmallMaxPageOrderGivesManyPieces)
{
	plat().info().max_page_order = 6;	// 256 KiB blocks
	create_bounce(bounce(0, 0, 1 * MiB, 64 * KiB));
	EXPECT_EQ(chunks_.size(), 4u);
	for (const fake::PageAllocCall &c : plat().page_alloc_calls())
		EXPECT_EQ(c.order, 6u);
	EXPECT_EQ(stats().pool_size, 1 * MiB);
	EXPECT_EQ(stats().pool_largest_free, 256 * KiB);
}

// One area per CPU (rounded to a power of two per piece), never smaller
// than one maximal mapping needs.
TEST_F(BouncePoolSetup, AreasPerCpu)
{
	struct Case {
		altdma_u32 cpus;
		altdma_u64 area;
	};
	const Case cases[] = {
		{1, 4 * MiB}, {2, 2 * MiB}, {3, 1 * MiB}, {4, 1 * MiB},
		{8, 512 * KiB}, {64, 512 * KiB},	// 256 KiB + a slot needs 512 KiB
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.cpus);
		plat().nr_cpus = c.cpus;
		create_bounce(bounce());
		EXPECT_EQ(stats().pool_largest_free, c.area);
		destroy();
	}
}

// ---- queries -----------------------------------------------------------------

// As dma-direct: the pool's limit only where a mapping may bounce, so a
// device that reaches all of RAM keeps SIZE_MAX.
TEST_F(BounceQueries, MaxMappingSizeIsTheConfiguredOneOnlyWhenBouncesHappen)
{
	create_bounce(bounce(0, 0, 1 * MiB, 100 * KiB));
	EXPECT_EQ(altdma_core_max_mapping_size(core_), ~static_cast<altdma_usize>(0))
		<< "a 64-bit device without an emulated mask never bounces";
	dev_.limits.dma_mask = fake::bits(32);	// RAM reaches 32 GiB
	EXPECT_EQ(altdma_core_max_mapping_size(core_), 100 * KiB);
	dev_.limits.dma_mask = fake::bits(36);	// covers all of RAM again
	EXPECT_EQ(altdma_core_max_mapping_size(core_), ~static_cast<altdma_usize>(0));
	dev_.limits.bus_limit = fake::bits(33);
	EXPECT_EQ(altdma_core_max_mapping_size(core_), 100 * KiB);
	destroy();
	dev_.limits.bus_limit = 0;
	create_bounce(bounce(ALTDMA_BOUNCE_FORCE));
	EXPECT_EQ(altdma_core_max_mapping_size(core_), 256 * KiB);
	destroy();
	create_bounce(bounce(0, 32));
	EXPECT_EQ(altdma_core_max_mapping_size(core_), 256 * KiB);
}

TEST_F(BounceQueries, RequiredMaskIsCappedAtTheEmulatedMask)
{
	const altdma_u64 full = fake::bits(36);	// top RAM page at 32 GiB + 4 MiB
	create_bounce(bounce());
	EXPECT_EQ(altdma_core_get_required_mask(core_), full);
	destroy();
	create_bounce(bounce(0, 32));
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(32));
	destroy();
	create_bounce(bounce(0, 40));
	EXPECT_EQ(altdma_core_get_required_mask(core_), full);
}

TEST_F(BounceQueries, DmaSupportedWhenDirectWouldOrWhenTheMaskCoversThePool)
{
	// Without ZONE_DMA dma-direct wants a mask covering all RAM below
	// 4 GiB; the pool (top of DMA32 RAM) needs less.
	plat().info().has_zone_dma = 0;
	create_bounce(bounce(0, 32));
	ASSERT_EQ(chunks_.size(), 1u);
	const altdma_dma_t top = chunks_[0].phys + chunks_[0].size - 1;
	EXPECT_EQ(top, 0x407fffffull);
	EXPECT_EQ(altdma_core_dma_supported(core_, top), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(31)), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, top - 1), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(30)), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(32)), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(64)), 1);
}

TEST_F(BounceQueries, DmaSupportedFollowsDirectForNarrowMasks)
{
	// With ZONE_DMA (24 bits) dma-direct takes masks down to 24 bits.
	create_bounce(bounce(0, 0, 1 * MiB));
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(24)), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(23)), 0);
}

} // namespace
} // namespace test
