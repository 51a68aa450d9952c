// SPDX-License-Identifier: GPL-2.0
// Bounce policy: each failure kind (too large, exhausted, fragmented,
// unreachable) with its counter and message, the pool intact afterwards;
// red zones (guard bytes) detected at unmap and at both syncs.
#include "test_support.h"

namespace test {
namespace {

class BounceFailureTest : public BounceTest {
protected:
	// Exactly one message since the log was last cleared: an error, rate
	// limited, containing every needle. Clears the log.
	void expect_one_failure_message(std::vector<std::string> needles)
	{
		ASSERT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
		const fake::LogEntry &e = dev_.log[0];
		EXPECT_EQ(e.level, ALTDMA_LOG_ERR) << e.text;
		EXPECT_TRUE(e.ratelimited) << e.text;
		EXPECT_EQ(dev_.find_log(needles).size(), 1u)
			<< "message lacks one of the expected parts: " << e.text;
		dev_.log.clear();
	}

	// All of the pool is free again and usable for a maximal mapping.
	void expect_pool_whole(altdma_u64 area_size, altdma_u64 max_mapping)
	{
		const altdma_core_stats s = stats();
		EXPECT_EQ(s.pool_used, 0u);
		EXPECT_EQ(s.outstanding_bounces, 0u);
		EXPECT_EQ(s.pool_largest_free, area_size);
		const altdma_u32 mss = dev_.limits.max_segment_size;
		dev_.limits.max_segment_size = 0;
		altdma_dma_t dma = map(kNormalRam + 7 * MiB + 0x7ff, max_mapping, ALTDMA_TO_DEVICE);
		EXPECT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
		if (dma != ALTDMA_MAPPING_ERROR)
			unmap(dma, max_mapping, ALTDMA_TO_DEVICE);
		dev_.limits.max_segment_size = mss;
		EXPECT_EQ(stats().pool_used, 0u);
	}

	// A small pool: one CPU, 64 KiB in one area of 32 slots.
	void create_small(altdma_u32 flags = 0)
	{
		plat().nr_cpus = 1;
		ASSERT_NO_FATAL_FAILURE(create_capped(flags, 64 * KiB, 16 * KiB));
		ASSERT_EQ(stats().pool_largest_free, 64 * KiB);
	}

	// Fills the small pool with 32 one-slot mappings.
	std::vector<altdma_dma_t> fill_pool()
	{
		std::vector<altdma_dma_t> live;
		for (altdma_u64 i = 0; i < 32; i++) {
			altdma_dma_t dma = map(kNormalRam + i * kSlot, kSlot, ALTDMA_TO_DEVICE);
			EXPECT_NE(dma, ALTDMA_MAPPING_ERROR) << "#" << i << "\n" << dev_.dump_log();
			live.push_back(dma);
		}
		EXPECT_EQ(stats().pool_used, 64 * KiB);
		EXPECT_EQ(stats().pool_largest_free, 0u);
		return live;
	}
};

using BounceFailures = BounceFailureTest;
using BounceRedZone = BounceFailureTest;

// ---- too large ------------------------------------------------------------------

TEST_F(BounceFailures, TooLargeForTheMaxMappingSize)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	dev_.limits.max_segment_size = 0;	// no segment limit
	EXPECT_EQ(map(kNormalRam, 256 * KiB + 1), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"262145", "too large", "262144"});
	EXPECT_EQ(stats().fail_too_large, 1u);
	// A segment limit above the max mapping size changes nothing.
	dev_.limits.max_segment_size = 1 << 20;
	EXPECT_EQ(map(kNormalRam, 256 * KiB + 1), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"262145", "too large"});
	EXPECT_EQ(stats().fail_too_large, 2u);

	altdma_dma_t dma = map(kNormalRam, 256 * KiB);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
	unmap(dma, 256 * KiB);
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.fail_exhausted + s.fail_fragmented + s.fail_unreachable, 0u);
	EXPECT_EQ(s.bounced_maps[ALTDMA_BIDIRECTIONAL], 1u);
	expect_pool_whole(1 * MiB, 256 * KiB);
}

// max_segment_size limits sg segments; swiotlb ignores it for a single
// mapping, and so must altdma (PCI's default is only 64 KiB).
TEST_F(BounceFailures, MaxSegmentSizeDoesNotLimitASingleMapping)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	ASSERT_EQ(dev_.limits.max_segment_size, 65536u);
	for (altdma_u32 seg : {65536u, 4096u}) {
		dev_.limits.max_segment_size = seg;
		const altdma_u64 size = 128 * KiB + 1;
		fill(high_, size, seg);
		altdma_dma_t dma = map(kNormalRam, size, ALTDMA_TO_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << seg << "\n" << dev_.dump_log();
		EXPECT_TRUE(in_pool(dma, size));
		EXPECT_EQ(mismatch(dev_mem(dma), size, seg), -1);
		unmap(dma, size, ALTDMA_TO_DEVICE);
	}
	EXPECT_EQ(stats().fail_too_large, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	expect_pool_whole(1 * MiB, 256 * KiB);
}

// ---- exhausted and fragmented -----------------------------------------------------

TEST_F(BounceFailures, ExhaustedPool)
{
	ASSERT_NO_FATAL_FAILURE(create_small());
	std::vector<altdma_dma_t> live = fill_pool();
	dev_.log.clear();
	EXPECT_EQ(map(kNormalRam + 1 * MiB, 2048, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"bounce of 2048 bytes", "exhausted", "pool 65536 bytes",
				    "65536 used", "largest free run 0 bytes"});
	altdma_core_stats s = stats();
	EXPECT_EQ(s.fail_exhausted, 1u);
	EXPECT_EQ(s.fail_fragmented, 0u);

	// One slot free: two slots' worth does not fit, and that is not
	// fragmentation either.
	unmap(live[7], kSlot, ALTDMA_TO_DEVICE);
	EXPECT_EQ(map(kNormalRam + 1 * MiB, 4096, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"bounce of 4096 bytes", "exhausted", "63488 used",
				    "largest free run 2048 bytes"});
	s = stats();
	EXPECT_EQ(s.fail_exhausted, 2u);
	EXPECT_EQ(s.fail_fragmented, 0u);
	EXPECT_EQ(s.outstanding_bounces, 31u);
	// The free slot is still usable.
	live[7] = map(kNormalRam + 1 * MiB, kSlot, ALTDMA_TO_DEVICE);
	ASSERT_NE(live[7], ALTDMA_MAPPING_ERROR);

	for (altdma_dma_t dma : live)
		unmap(dma, kSlot, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().pool_high_water, 64 * KiB);
	expect_pool_whole(64 * KiB, 16 * KiB);
}

TEST_F(BounceFailures, FragmentedPool)
{
	ASSERT_NO_FATAL_FAILURE(create_small());
	std::vector<altdma_dma_t> live = fill_pool();
	for (std::size_t i = 0; i < live.size(); i += 2) {
		unmap(live[i], kSlot, ALTDMA_TO_DEVICE);
		live[i] = ALTDMA_MAPPING_ERROR;
	}
	altdma_core_stats s = stats();
	EXPECT_EQ(s.pool_used, 32 * KiB);
	EXPECT_EQ(s.pool_largest_free, kSlot);
	dev_.log.clear();

	EXPECT_EQ(map(kNormalRam + 1 * MiB, 4096, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"bounce of 4096 bytes", "fragmented", "pool 65536 bytes",
				    "32768 used", "largest free run 2048 bytes"});
	// One slot's worth at an offset in its slot needs two slots.
	EXPECT_EQ(map(kNormalRam + 1 * MiB + 1, 2048, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"bounce of 2048 bytes", "fragmented"});
	s = stats();
	EXPECT_EQ(s.fail_fragmented, 2u);
	EXPECT_EQ(s.fail_exhausted, 0u);
	EXPECT_EQ(s.pool_used, 32 * KiB);

	// What fits a hole still maps.
	altdma_dma_t dma = map(kNormalRam + 1 * MiB + 1, 2047, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	unmap(dma, 2047, ALTDMA_TO_DEVICE);
	for (altdma_dma_t d : live)
		if (d != ALTDMA_MAPPING_ERROR)
			unmap(d, kSlot, ALTDMA_TO_DEVICE);
	expect_pool_whole(64 * KiB, 16 * KiB);
}

// Free space split between areas is fragmentation too: a mapping never
// spans two areas.
TEST_F(BounceFailures, FreeSpaceSpreadOverAreasIsFragmentation)
{
	plat().nr_cpus = 2;
	ASSERT_NO_FATAL_FAILURE(create_capped(0, 64 * KiB, 16 * KiB));
	ASSERT_EQ(stats().pool_largest_free, 32 * KiB) << "two areas of 32 KiB expected";
	std::vector<altdma_dma_t> live;
	for (altdma_u32 cpu = 0; cpu < 2; cpu++) {
		plat().cpu_id = cpu;
		for (int i = 0; i < 2; i++) {
			altdma_dma_t dma = map(kNormalRam + (cpu * 2 + i) * 0x10000, 10 * KiB,
					       ALTDMA_TO_DEVICE);
			ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
			live.push_back(dma);
		}
	}
	altdma_core_stats s = stats();
	EXPECT_EQ(s.pool_used, 40 * KiB);
	// 10 KiB maps are page aligned (swiotlb's rule): each area keeps a
	// 2 KiB hole between them and 10 KiB at its end.
	EXPECT_EQ(s.pool_largest_free, 10 * KiB);
	dev_.log.clear();
	EXPECT_EQ(map(kNormalRam + 1 * MiB, 16 * KiB, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"bounce of 16384 bytes", "fragmented", "40960 used",
				    "largest free run 10240 bytes"});
	EXPECT_EQ(stats().fail_fragmented, 1u);
	for (altdma_dma_t dma : live)
		unmap(dma, 10 * KiB, ALTDMA_TO_DEVICE);
	expect_pool_whole(32 * KiB, 16 * KiB);
}

TEST_F(BounceFailures, GuardBytesCountWhenTellingExhaustedFromFragmented)
{
	ASSERT_NO_FATAL_FAILURE(create_small(ALTDMA_BOUNCE_GUARD_BYTES));
	// With 64-byte guards a 1920-byte mapping at offset 64 fills one slot.
	std::vector<altdma_dma_t> live;
	for (altdma_u64 i = 0; i < 32; i++) {
		altdma_dma_t dma = map(kNormalRam + i * kSlot + 64, 1920, ALTDMA_TO_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << i;
		live.push_back(dma);
	}
	EXPECT_EQ(stats().pool_used, 64 * KiB);
	unmap(live[3], 1920, ALTDMA_TO_DEVICE);
	unmap(live[9], 1920, ALTDMA_TO_DEVICE);
	dev_.log.clear();
	// 4 KiB free; 4000 bytes + 2 x 64 guard bytes is more than that.
	EXPECT_EQ(map(kNormalRam + 1 * MiB, 4000, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"exhausted"});
	// 3900 + 128 fits in 4 KiB, but not in one slot.
	EXPECT_EQ(map(kNormalRam + 1 * MiB, 3900, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"fragmented"});
	live.erase(live.begin() + 9);
	live.erase(live.begin() + 3);
	for (altdma_dma_t dma : live)
		unmap(dma, 1920, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().guard_violations, 0u);
	expect_pool_whole(64 * KiB, 16 * KiB);
}

// ---- unreachable ------------------------------------------------------------------

// The pool sits below the limits of attach time; a driver narrowing its mask
// afterwards can make it unreachable.
TEST_F(BounceFailures, PoolAboveANarrowedMaskIsUnreachable)
{
	create_bounce(bounce());	// no limits: the pool is at 32 GiB
	ASSERT_EQ(chunks_[0].phys, kHighRam);
	std::uint8_t *buf = plat().reserve(kNormalRam, 64 * KiB);
	fill(buf, 64 * KiB, 1);
	dev_.set_masks(fake::bits(32), fake::bits(32));
	EXPECT_EQ(map(kNormalRam + 0x10, 3000, ALTDMA_FROM_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"does not reach the pool", "limit", hex(fake::bits(32)),
				    "emulated_mask_bits"});
	altdma_core_stats s = stats();
	EXPECT_EQ(s.fail_unreachable, 1u);
	EXPECT_EQ(s.fail_too_large + s.fail_exhausted + s.fail_fragmented, 0u);
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.pool_largest_free, 1 * MiB);
	EXPECT_EQ(mismatch(buf, 64 * KiB, 1), -1) << "the failed bounce wrote the original";

	// Through the bus limit just the same.
	dev_.set_masks(fake::bits(64), fake::bits(64));
	dev_.limits.bus_limit = fake::bits(34);
	EXPECT_EQ(map(kNormalRam, 100, ALTDMA_TO_DEVICE), kNormalRam) << "reachable: direct";
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	dev_.limits.bus_limit = fake::bits(32);
	EXPECT_EQ(map(kNormalRam, 100, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_one_failure_message({"does not reach the pool", "limit", hex(fake::bits(32)),
				    "emulated_mask_bits"});
	EXPECT_EQ(stats().fail_unreachable, 2u);

	// Widened again, the pool works.
	dev_.limits.bus_limit = 0;
	altdma_core_destroy(core_);
	core_ = nullptr;
	create_bounce(bounce(ALTDMA_BOUNCE_FORCE));
	altdma_dma_t dma = map(kNormalRam + 0x10, 3000, ALTDMA_FROM_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	EXPECT_TRUE(in_pool(dma, 3000));
	unmap(dma, 3000, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceFailures, NarrowedMaskStillReachingTheBufferMapsDirectly)
{
	create_bounce(bounce());
	plat().reserve(kDma32Ram, 64 * KiB);
	dev_.set_masks(fake::bits(32), fake::bits(32));
	EXPECT_EQ(map(kDma32Ram + 0x10, 3000), kDma32Ram + 0x10);
	EXPECT_EQ(stats().fail_unreachable, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

// A mapping that failed is not a bounced mapping. (Fails: BouncePolicy::
// map_phys counts the unreachable bounce buffer it gives back.)
TEST_F(BounceFailures, UnreachableFailureIsNotCountedAsBounced)
{
	create_bounce(bounce());
	plat().reserve(kNormalRam, 64 * KiB);
	dev_.set_masks(fake::bits(32), fake::bits(32));
	EXPECT_EQ(map(kNormalRam + 0x10, 3000, ALTDMA_FROM_DEVICE), ALTDMA_MAPPING_ERROR);
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.fail_unreachable, 1u);
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.bounced_maps[ALTDMA_FROM_DEVICE], 0u);
	EXPECT_EQ(s.bounced_bytes[ALTDMA_FROM_DEVICE], 0u);
}

TEST_F(BounceFailures, PoolIsIntactAfterEveryKindOfFailure)
{
	ASSERT_NO_FATAL_FAILURE(create_small(ALTDMA_BOUNCE_GUARD_BYTES));
	std::vector<altdma_dma_t> live;
	// 12 x 2 slots of 32; 16 KiB + guards needs 10.
	for (altdma_u64 i = 0; i < 12; i++) {
		altdma_dma_t dma = map(kNormalRam + i * 0x4000 + 0x100, 3000);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		live.push_back(dma);
	}
	EXPECT_EQ(map(kNormalRam, 16 * KiB + 1), ALTDMA_MAPPING_ERROR);		// too large
	EXPECT_EQ(map(kNormalRam + 1 * MiB, 16 * KiB), ALTDMA_MAPPING_ERROR);	// no room
	dev_.limits.dma_mask = fake::bits(30);
	EXPECT_EQ(map(kNormalRam + 2 * MiB, 100), ALTDMA_MAPPING_ERROR);	// unreachable
	dev_.limits.dma_mask = fake::bits(64);
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.fail_too_large, 1u);
	EXPECT_EQ(s.fail_exhausted + s.fail_fragmented, 1u);
	EXPECT_EQ(s.fail_unreachable, 1u);
	EXPECT_EQ(s.outstanding_bounces, 12u);
	EXPECT_EQ(s.guard_violations, 0u);
	for (altdma_dma_t dma : live)
		unmap(dma, 3000);
	expect_pool_whole(64 * KiB, 16 * KiB);
	EXPECT_EQ(stats().guard_violations, 0u);
}

TEST_F(BounceFailures, EveryFailureMessageIsRateLimited)
{
	ASSERT_NO_FATAL_FAILURE(create_small());
	std::vector<altdma_dma_t> live = fill_pool();
	dev_.log.clear();
	for (int i = 0; i < 5; i++) {
		EXPECT_EQ(map(kNormalRam + 1 * MiB, 2048), ALTDMA_MAPPING_ERROR);
		EXPECT_EQ(map(kNormalRam + 1 * MiB, 20000), ALTDMA_MAPPING_ERROR);
	}
	ASSERT_EQ(dev_.log.size(), 10u);
	for (const fake::LogEntry &e : dev_.log) {
		EXPECT_TRUE(e.ratelimited) << e.text;
		EXPECT_EQ(e.level, ALTDMA_LOG_ERR);
	}
	EXPECT_EQ(stats().fail_exhausted, 5u);
	EXPECT_EQ(stats().fail_too_large, 5u);
	for (altdma_dma_t dma : live)
		unmap(dma, kSlot, ALTDMA_TO_DEVICE);
}

// The largest free run costs a scan of every area under its lock: a failure
// whose message the rate limit drops must not pay for it (the counters
// still count).
TEST_F(BounceFailures, RateLimitedFailureSkipsThePoolScan)
{
	plat().nr_cpus = 4;
	ASSERT_NO_FATAL_FAILURE(create_small());
	std::vector<altdma_dma_t> live = fill_pool();
	dev_.log.clear();

	long before = plat().lock_acquisitions();
	EXPECT_EQ(map(kNormalRam + 1 * MiB, 2048), ALTDMA_MAPPING_ERROR);
	const long printed = plat().lock_acquisitions() - before;
	ASSERT_EQ(dev_.log.size(), 1u);
	EXPECT_NE(dev_.log[0].text.find("largest free run"), std::string::npos);

	dev_.ratelimit_allows = false;
	before = plat().lock_acquisitions();
	EXPECT_EQ(map(kNormalRam + 1 * MiB, 2048), ALTDMA_MAPPING_ERROR);
	const long dropped = plat().lock_acquisitions() - before;
	dev_.ratelimit_allows = true;
	EXPECT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
	// The scan takes each area's lock once more than the search did.
	EXPECT_LE(dropped + 1, printed) << printed << " vs " << dropped;
	EXPECT_EQ(stats().fail_exhausted, 2u);
	for (altdma_dma_t dma : live)
		unmap(dma, kSlot, ALTDMA_TO_DEVICE);
}

// ---- red zones -------------------------------------------------------------------

TEST_F(BounceRedZone, WriteJustBeforeTheDataIsReportedAtUnmap)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES));
	altdma_dma_t dma = map(kNormalRam + 0x100, 1000, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	std::memset(dev_mem(dma), 0xEE, 1000);
	dev_mem(dma)[-1] ^= 0xff;
	unmap(dma, 1000);
	expect_one_failure_message({"guard", "unmap", hex(dma), "1 bytes before"});
	EXPECT_EQ(stats().guard_violations, 1u);
	EXPECT_TRUE(plat().all_bytes(kNormalRam + 0x100, 1000, 0xEE)) << "data still copied back";
	EXPECT_EQ(high_[0xff], 0x3C);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceRedZone, WriteJustAfterTheDataIsReportedAtUnmap)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES));
	for (altdma_u64 beyond : {0ull, 10ull, 63ull}) {
		SCOPED_TRACE(beyond);
		altdma_dma_t dma = map(kNormalRam + 0x100, 1000, ALTDMA_FROM_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		dev_mem(dma)[1000 + beyond] ^= 0xff;
		unmap(dma, 1000, ALTDMA_FROM_DEVICE);
		expect_one_failure_message({"guard", "unmap", hex(dma),
					    std::to_string(beyond) + " bytes after"});
	}
	EXPECT_EQ(stats().guard_violations, 3u);
	EXPECT_EQ(high_[0x100 + 1000], 0x3C) << "a guard byte was copied back";
}

TEST_F(BounceRedZone, WholeGuardIsChecked)
{
	for (altdma_u32 guard : {1u, 64u, 4096u}) {
		SCOPED_TRACE(guard);
		ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES, 0, 0, guard));
		for (long at : {-static_cast<long>(guard), -1L, 5000L, 5000L + guard - 1}) {
			SCOPED_TRACE(at);
			altdma_dma_t dma = map(kNormalRam + 0x7ff, 5000, ALTDMA_TO_DEVICE);
			ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
			EXPECT_GE(dma - run_start(dma, guard), guard);
			dev_mem(dma)[at] ^= 0x5a;
			unmap(dma, 5000, ALTDMA_TO_DEVICE);
			expect_one_failure_message({"guard", hex(dma)});
		}
		EXPECT_EQ(stats().guard_violations, 4u);
		destroy();
		plat().reset();
	}
}

TEST_F(BounceRedZone, ViolationsAreFoundAtBothSyncsAndTheZoneIsRefilled)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES));
	altdma_dma_t dma = map(kNormalRam + 0x20, 8000, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);

	dev_mem(dma)[-1] ^= 0xff;
	sync_cpu(dma + 100, 50);	// inside the mapping: reports its start
	expect_one_failure_message({"guard", "sync for CPU", hex(dma), "1 bytes before"});
	EXPECT_EQ(stats().guard_violations, 1u);
	sync_cpu(dma, 8000);
	sync_dev(dma, 8000);
	EXPECT_TRUE(dev_.log.empty()) << "not refilled after the report\n" << dev_.dump_log();
	EXPECT_EQ(stats().guard_violations, 1u);

	dev_mem(dma)[8000 + 3] ^= 0xff;
	sync_dev(dma + 4000, 10);
	expect_one_failure_message({"guard", "sync for device", hex(dma), "3 bytes after"});
	EXPECT_EQ(stats().guard_violations, 2u);
	unmap(dma, 8000);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	EXPECT_EQ(stats().guard_violations, 2u);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceRedZone, SyncStillCopiesAfterAReport)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES));
	altdma_dma_t dma = map(kNormalRam, 1000, ALTDMA_FROM_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	std::memset(dev_mem(dma), 0xEE, 1000);
	dev_mem(dma)[1000] ^= 0xff;
	sync_cpu(dma, 1000, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(stats().guard_violations, 1u);
	EXPECT_TRUE(plat().all_bytes(kNormalRam, 1000, 0xEE));
	EXPECT_EQ(high_[1000], 0x3C);
	unmap(dma, 1000, ALTDMA_FROM_DEVICE);
}

TEST_F(BounceRedZone, NoFalsePositivesOnNormalUse)
{
	for (altdma_u32 guard : {1u, 64u, 700u, 4096u}) {
		SCOPED_TRACE(guard);
		ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES, 0, 0, guard));
		dev_.limits.max_segment_size = 0;
		struct Live {
			altdma_dma_t dma;
			altdma_u64 size;
			altdma_dir dir;
		};
		std::vector<Live> live;
		altdma_u64 k = 0;
		for (altdma_u64 size : {1ull, 63ull, 64ull, 2047ull, 2048ull, 2049ull, 4096ull,
					6000ull, 65536ull, 100000ull}) {
			for (altdma_u64 off : {0ull, 1ull, 63ull, 64ull, 0x7ffull, 0x800ull}) {
				const altdma_dir dir = kAllDirs[k % 4];
				const altdma_phys_t orig = kNormalRam + (k++) * 0x20000 + off;
				altdma_dma_t dma = map(orig, size, dir);
				ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << size << "@" << off;
				// The device writes every byte value, the guard
				// pattern included, over all of its data.
				for (altdma_u64 i = 0; i < size; i++)
					dev_mem(dma)[i] = static_cast<std::uint8_t>(i);
				sync_cpu(dma, size, dir);
				sync_cpu(dma + size / 2, size - size / 2, dir);
				sync_dev(dma, size, dir);
				live.push_back({dma, size, dir});
				if (live.size() > 20) {
					unmap(live.front().dma, live.front().size, live.front().dir);
					live.erase(live.begin());
				}
			}
		}
		for (const Live &l : live)
			unmap(l.dma, l.size, l.dir);
		EXPECT_EQ(stats().guard_violations, 0u);
		EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
		EXPECT_EQ(stats().pool_used, 0u);
		destroy();
		plat().reset();
	}
}

TEST_F(BounceRedZone, NeighboursAreCheckedIndependently)
{
	plat().nr_cpus = 1;
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES));
	altdma_dma_t a = map(kNormalRam + 64, 1920, ALTDMA_TO_DEVICE);
	altdma_dma_t b = map(kNormalRam + 0x1000 + 64, 1920, ALTDMA_TO_DEVICE);
	ASSERT_NE(a, ALTDMA_MAPPING_ERROR);
	ASSERT_NE(b, ALTDMA_MAPPING_ERROR);
	// Each one slot: data and guards never share a slot with the other.
	EXPECT_EQ(stats().pool_used, 2 * kSlot);
	EXPECT_NE(run_start(a, 64), run_start(b, 64));
	dev_mem(a)[1920] ^= 0xff;
	unmap(b, 1920, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().guard_violations, 0u);
	unmap(a, 1920, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().guard_violations, 1u);
}

TEST_F(BounceRedZone, GuardsStayInsideTheMappingsSlotRun)
{
	plat().nr_cpus = 1;
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES));
	// Slot-aligned 2 KiB of data needs a slot on each side for its guards.
	altdma_dma_t dma = map(kNormalRam, 2048, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dma % kSlot, 0u);
	EXPECT_EQ(stats().pool_used, 3 * kSlot);
	unmap(dma, 2048, ALTDMA_TO_DEVICE);
	// Without guards the same mapping is one slot.
	destroy();
	plat().reset();
	plat().nr_cpus = 1;
	ASSERT_NO_FATAL_FAILURE(create_capped());
	dma = map(kNormalRam, 2048, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().pool_used, kSlot);
	unmap(dma, 2048, ALTDMA_TO_DEVICE);
}

TEST_F(BounceRedZone, WithoutTheFlagNothingIsChecked)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	altdma_dma_t dma = map(kNormalRam + 0x100, 1000, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	// Bytes of the mapping's own slot, outside its data.
	dev_mem(dma)[-1] ^= 0xff;
	dev_mem(dma)[1000] ^= 0xff;
	sync_cpu(dma, 1000);
	unmap(dma, 1000);
	EXPECT_EQ(stats().guard_violations, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

} // namespace
} // namespace test
