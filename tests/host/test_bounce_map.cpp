// SPDX-License-Identifier: GPL-2.0
// Bounce policy, streaming mappings: where a bounce buffer is placed
// (emulated mask, device limits, min_align_mask, segment boundary, per-CPU
// areas), what is copied when (per direction, map / unmap / partial syncs,
// SKIP_CPU_SYNC), force mode versus the direct path, misuse, scatterlists.
#include "test_support.h"

namespace test {
namespace {

using BouncePlacement = BounceTest;
using BounceCopy = BounceTest;
using BounceMisuse = BounceTest;
using BounceSg = BounceTest;

constexpr altdma_phys_t kPoolBase = kDma32Ram + 4 * MiB;	// with create_capped()

bool copies_back(altdma_dir dir)
{
	return dir == ALTDMA_FROM_DEVICE || dir == ALTDMA_BIDIRECTIONAL;
}

bool copies_out(altdma_dir dir)
{
	return dir == ALTDMA_TO_DEVICE || dir == ALTDMA_BIDIRECTIONAL;
}

// ---- placement ----------------------------------------------------------------

TEST_F(BouncePlacement, BufferAboveTheCapIsBouncedBelowIt)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	const altdma_phys_t orig = kNormalRam + 0x1234;
	altdma_dma_t dma = map(orig, 5000, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
	EXPECT_NE(dma, orig);
	EXPECT_TRUE(in_pool(dma, 5000)) << hex(dma);
	EXPECT_LE(dma + 5000 - 1, fake::bits(32));
	EXPECT_EQ(dma & 2047, orig & 2047);

	altdma_core_stats s = stats();
	const altdma_u64 run = run_end(dma, 5000, 0) - run_start(dma, 0);
	EXPECT_EQ(run, 3 * kSlot);
	EXPECT_EQ(s.pool_used, run);
	EXPECT_EQ(s.pool_high_water, run);
	EXPECT_EQ(s.outstanding_bounces, 1u);
	EXPECT_EQ(s.bounced_maps[ALTDMA_TO_DEVICE], 1u);
	EXPECT_EQ(s.bounced_bytes[ALTDMA_TO_DEVICE], 5000u);
	EXPECT_EQ(s.bounced_maps[ALTDMA_FROM_DEVICE], 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();

	unmap(dma, 5000, ALTDMA_TO_DEVICE);
	s = stats();
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.pool_high_water, run);
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.bounced_maps[ALTDMA_TO_DEVICE], 1u) << "a total, not a gauge";
	EXPECT_EQ(s.pool_largest_free, 1 * MiB);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BouncePlacement, MinAlignMaskKeepsTheOriginalsLowBits)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	for (altdma_u64 mask : {0xfffull, 0x3fffull, 0xffffull}) {
		SCOPED_TRACE(hex(mask));
		dev_.limits.min_align_mask = mask;
		std::vector<std::pair<altdma_dma_t, altdma_u64>> live;
		altdma_u64 k = 0;
		for (altdma_u64 off : {0x0ull, 0x1ull, 0x7ffull, 0x800ull, 0x801ull, 0xfffull,
				       0xabcull, 0x1800ull, 0x2fffull, 0xc001ull}) {
			const altdma_phys_t orig = kNormalRam + (k++) * 0x20000 + off;
			const altdma_u64 size = 100 + off % 7000;
			altdma_dma_t dma = map(orig, size, ALTDMA_BIDIRECTIONAL);
			ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << hex(orig) << "\n" << dev_.dump_log();
			EXPECT_EQ(dma & (mask | 2047), orig & (mask | 2047))
				<< hex(orig) << " -> " << hex(dma);
			EXPECT_TRUE(in_pool(dma, size));
			live.push_back({dma, size});
		}
		for (auto [dma, size] : live)
			unmap(dma, size);
		EXPECT_EQ(stats().pool_used, 0u);
	}
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BouncePlacement, WithoutMinAlignMaskTheOffsetInASlotIsKept)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	dev_.limits.min_align_mask = 0;
	std::vector<std::pair<altdma_dma_t, altdma_u64>> live;
	for (altdma_u64 i = 0; i < 64; i++) {
		const altdma_phys_t orig = kNormalRam + i * 0x10000 + (i * 0x1357) % 0x1000;
		const altdma_u64 size = 1 + (i * 977) % 9000;
		altdma_dma_t dma = map(orig, size, ALTDMA_TO_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
		EXPECT_EQ(dma & 2047, orig & 2047) << hex(orig) << " -> " << hex(dma);
		live.push_back({dma, size});
	}
	for (auto [dma, size] : live)
		unmap(dma, size, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BouncePlacement, DataNeverCrossesTheSegmentBoundary)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	dev_.limits.segment_boundary = 0xffff;
	std::vector<std::pair<altdma_dma_t, altdma_u64>> live;
	for (altdma_u64 i = 0; i < 40; i++) {
		const altdma_phys_t orig = kNormalRam + i * 0x20000 + (i * 0x2a1) % 0x800;
		const altdma_u64 size = 20000 + (i * 4099) % 40000;
		altdma_dma_t dma = map(orig, size, ALTDMA_FROM_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << "#" << i << "\n" << dev_.dump_log();
		EXPECT_TRUE(within_boundary(dma, size, 0xffff)) << hex(dma) << "+" << size;
		EXPECT_EQ(dma & 2047, orig & 2047);
		live.push_back({dma, size});
	}
	for (auto [dma, size] : live)
		unmap(dma, size, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(stats().pool_used, 0u);

	// A whole segment fits only when it starts on one.
	altdma_dma_t dma = map(kNormalRam, 64 * KiB, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
	EXPECT_EQ(dma & 0xffff, 0u);
	unmap(dma, 64 * KiB, ALTDMA_TO_DEVICE);
	// With an offset in its slot it fits nowhere: room, but no run.
	EXPECT_EQ(map(kNormalRam + 0x100, 64 * KiB, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(stats().fail_fragmented, 1u);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BouncePlacement, SmallSegmentBoundaryWithMinAlignMask)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	dev_.limits.segment_boundary = 0xfff;
	dev_.limits.min_align_mask = 0xfff;
	for (altdma_u64 off : {0ull, 0x10ull, 0x800ull, 0xf00ull}) {
		SCOPED_TRACE(off);
		const altdma_u64 size = 0x1000 - off;
		altdma_dma_t dma = map(kNormalRam + 0x5000 + off, size, ALTDMA_TO_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
		EXPECT_EQ(dma & 0xfff, off);
		EXPECT_TRUE(within_boundary(dma, size, 0xfff));
		unmap(dma, size, ALTDMA_TO_DEVICE);
	}
	// One byte more crosses a 4 KiB boundary whatever the placement.
	EXPECT_EQ(map(kNormalRam + 0x5010, 0xff1, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(stats().pool_used, 0u);
}

// The emulated mask places the pool (the masks of attach time are PCI's
// defaults, not the device's reach); a device mask narrower than the cap
// still decides what maps directly, and a pool it cannot reach is said so.
TEST_F(BouncePlacement, DeviceMaskNarrowerThanTheCapDecides)
{
	// Cap at 40 bits, but the device itself reaches only 32.
	dev_.set_masks(fake::bits(32), fake::bits(64));
	create_bounce(bounce(0, 40));
	ASSERT_EQ(chunks_.size(), 1u);
	EXPECT_LE(chunks_[0].phys + chunks_[0].size - 1, fake::bits(40));
	EXPECT_GT(chunks_[0].phys, fake::bits(32)) << "high memory first";
	plat().reserve(kNormalRam, 64 * KiB);
	plat().reserve(kDma32Ram, 64 * KiB);

	EXPECT_EQ(map(kNormalRam + 0x10, 4096), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.find_log({"does not reach the pool", "emulated_mask_bits"},
				ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	EXPECT_EQ(stats().fail_unreachable, 1u);
	EXPECT_EQ(map(kDma32Ram + 0x10, 4096), kDma32Ram + 0x10) << "reachable: direct";
	EXPECT_EQ(stats().bounced_maps[ALTDMA_BIDIRECTIONAL], 0u);

	// The bus limit narrows as well: the last byte decides.
	dev_.limits.bus_limit = 0x40000fffull;
	EXPECT_EQ(map(kDma32Ram + 0x10, 0xff0), kDma32Ram + 0x10);
	EXPECT_EQ(map(kDma32Ram + 0x10, 0xff1), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BouncePlacement, CapDecidesWhenTheDeviceReachesMore)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	plat().reserve(kDma32Ram, 64 * KiB);
	EXPECT_EQ(map(kDma32Ram + 0x123, 5000), kDma32Ram + 0x123);
	altdma_dma_t dma = map(kNormalRam + 0x123, 5000);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	EXPECT_TRUE(in_pool(dma, 5000));
	unmap(dma, 5000);
	EXPECT_EQ(stats().outstanding_bounces, 0u);
}

// A buffer whose last byte is exactly at the cap is direct; one byte more
// and it is bounced.
TEST_F(BouncePlacement, LastByteAtTheCapIsDirectOneMoreIsBounced)
{
	plat().reset({{0x00400000ull, 4 * MiB}, {0x40000000ull, 8 * MiB},
		      {0xffe00000ull, 4 * MiB}, {0x800000000ull, 4 * MiB}});
	create_bounce(bounce(0, 32));
	std::uint8_t *buf = plat().reserve(0xffff0000ull, 128 * KiB);
	ASSERT_NE(buf, nullptr);
	fill(buf, 128 * KiB, 3);
	EXPECT_EQ(map(0xffffff00ull, 0x100, ALTDMA_TO_DEVICE), 0xffffff00ull);
	altdma_dma_t dma = map(0xffffff00ull, 0x101, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
	EXPECT_TRUE(in_pool(dma, 0x101));
	EXPECT_EQ(mismatch(dev_mem(dma), 0x101, 3, 0xff00), -1);
	unmap(dma, 0x101, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().pool_used, 0u);
}

// Each CPU starts in its own area; a full area spills into the next.
TEST_F(BouncePlacement, EachCpuMapsIntoItsOwnArea)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	for (altdma_u32 cpu = 0; cpu < 4; cpu++) {
		plat().cpu_id = cpu;
		altdma_dma_t dma = map(kNormalRam + cpu * 0x10000, 3000);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		EXPECT_GE(dma, kPoolBase + cpu * MiB) << "cpu " << cpu;
		EXPECT_LT(dma + 3000 - 1, kPoolBase + (cpu + 1) * MiB) << "cpu " << cpu;
		unmap(dma, 3000);
	}

	// Fill CPU 2's area with 256 KiB mappings; the next one goes elsewhere.
	plat().cpu_id = 2;
	dev_.limits.max_segment_size = 0;
	std::vector<altdma_dma_t> live;
	for (int i = 0; i < 3; i++) {
		altdma_dma_t dma = map(kNormalRam + i * 256 * KiB, 256 * KiB, ALTDMA_TO_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		EXPECT_GE(dma, kPoolBase + 2 * MiB);
		EXPECT_LT(dma, kPoolBase + 3 * MiB);
		live.push_back(dma);
	}
	// 768 KiB used, 256 KiB free; 256 KiB at offset 1 in its slot needs
	// one slot more.
	altdma_dma_t spill = map(kNormalRam + 4 * MiB + 1, 256 * KiB, ALTDMA_TO_DEVICE);
	ASSERT_NE(spill, ALTDMA_MAPPING_ERROR);
	EXPECT_TRUE(spill < kPoolBase + 2 * MiB || spill >= kPoolBase + 3 * MiB) << hex(spill);
	EXPECT_EQ(stats().fail_fragmented + stats().fail_exhausted, 0u) << "a spill is no failure";
	live.push_back(spill);
	for (std::size_t i = 0; i < live.size(); i++)
		unmap(live[i], 256 * KiB, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BouncePlacement, CpuIdsBeyondTheAreaCountWrap)
{
	plat().nr_cpus = 16;
	plat().reserve(kNormalRam, 1 * MiB);
	// 16 CPUs, 4 MiB, 256 KiB max mapping: 8 areas of 512 KiB.
	create_bounce(bounce(0, 32));
	ASSERT_EQ(stats().pool_largest_free, 512 * KiB);
	for (altdma_u32 cpu : {0u, 5u, 8u, 13u, 15u}) {
		plat().cpu_id = cpu;
		altdma_dma_t dma = map(kNormalRam + 0x40, 100);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		EXPECT_EQ((dma - kPoolBase) / (512 * KiB), cpu % 8) << "cpu " << cpu;
		unmap(dma, 100);
	}
}

// ---- copy semantics -------------------------------------------------------------

TEST_F(BounceCopy, OriginalIsCopiedInForEveryDirection)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	for (altdma_dir dir : kAllDirs) {
		SCOPED_TRACE(dir);
		const altdma_u64 off = 0x10000 * (1 + dir) + 0x321;
		fill(high_ + off, 7000, dir);
		altdma_dma_t dma = map(kNormalRam + off, 7000, dir);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		EXPECT_EQ(mismatch(dev_mem(dma), 7000, dir), -1);
		unmap(dma, 7000, dir, ALTDMA_ATTR_SKIP_CPU_SYNC);
		EXPECT_EQ(mismatch(high_ + off, 7000, dir), -1);
		EXPECT_EQ(stats().bounced_maps[dir], 1u);
		EXPECT_EQ(stats().bounced_bytes[dir], 7000u);
		// As in swiotlb, SKIP_CPU_SYNC does not skip the copy-in: bytes
		// the device leaves alone must read back as the original's.
		fill(high_ + off, 7000, 50 + dir);
		dma = map(kNormalRam + off, 7000, dir, ALTDMA_ATTR_SKIP_CPU_SYNC);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		EXPECT_EQ(mismatch(dev_mem(dma), 7000, 50 + dir), -1);
		unmap(dma, 7000, dir);
		EXPECT_EQ(mismatch(high_ + off, 7000, 50 + dir), -1);
	}
}

TEST_F(BounceCopy, UnmapCopiesBackOnlyFromDeviceAndBidirectional)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	for (altdma_dir dir : kAllDirs) {
		SCOPED_TRACE(dir);
		const altdma_u64 off = 0x10000 * (1 + dir) + 0x7ff;
		fill(high_ + off, 3000, 100 + dir);
		altdma_dma_t dma = map(kNormalRam + off, 3000, dir);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		fill(dev_mem(dma), 3000, 200 + dir);	// the device writes
		unmap(dma, 3000, dir);
		EXPECT_EQ(mismatch(high_ + off, 3000, copies_back(dir) ? 200 + dir : 100 + dir), -1);
		// Nothing around the buffer was touched.
		EXPECT_EQ(high_[off - 1], 0x3C);
		EXPECT_EQ(high_[off + 3000], 0x3C);
	}
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BounceCopy, SkipCpuSyncOnUnmapDoesNotCopyBack)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	for (altdma_dir dir : {ALTDMA_FROM_DEVICE, ALTDMA_BIDIRECTIONAL}) {
		SCOPED_TRACE(dir);
		fill(high_, 3000, 1);
		altdma_dma_t dma = map(kNormalRam, 3000, dir);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		std::memset(dev_mem(dma), 0xEE, 3000);
		unmap(dma, 3000, dir, ALTDMA_ATTR_SKIP_CPU_SYNC);
		EXPECT_EQ(mismatch(high_, 3000, 1), -1);
		EXPECT_EQ(stats().outstanding_bounces, 0u);
	}
}

TEST_F(BounceCopy, SyncForCpuCopiesBackTheSyncedSubRange)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	dev_.limits.max_segment_size = 0;
	for (altdma_dir dir : kAllDirs) {
		SCOPED_TRACE(dir);
		const altdma_u64 off = 0x20000 * (1 + dir) + 0x345;
		fill(high_ + off, 8192, 1);
		altdma_dma_t dma = map(kNormalRam + off, 8192, dir);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		fill(dev_mem(dma), 8192, 2);

		sync_cpu(dma + 1000, 500, dir);
		const bool back = copies_back(dir);
		EXPECT_EQ(mismatch(high_ + off, 1000, 1), -1);
		EXPECT_EQ(mismatch(high_ + off + 1000, 500, back ? 2 : 1, 1000), -1);
		EXPECT_EQ(mismatch(high_ + off + 1500, 8192 - 1500, 1, 1500), -1);

		// The device writes again; a full sync brings all of it.
		fill(dev_mem(dma), 8192, 3);
		sync_cpu(dma, 8192, dir);
		EXPECT_EQ(mismatch(high_ + off, 8192, back ? 3 : 1), -1);

		unmap(dma, 8192, dir, ALTDMA_ATTR_SKIP_CPU_SYNC);
	}
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BounceCopy, SyncForDeviceCopiesTheSyncedSubRangeToTheSlot)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	for (altdma_dir dir : kAllDirs) {
		SCOPED_TRACE(dir);
		const altdma_u64 off = 0x20000 * (1 + dir) + 0x10;
		fill(high_ + off, 6000, 1);
		altdma_dma_t dma = map(kNormalRam + off, 6000, dir);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		// The CPU rewrites its buffer, then hands [2000, 2100) over.
		fill(high_ + off, 6000, 2);
		sync_dev(dma + 2000, 100, dir);
		const bool out = copies_out(dir);
		EXPECT_EQ(mismatch(dev_mem(dma), 2000, 1), -1);
		EXPECT_EQ(mismatch(dev_mem(dma) + 2000, 100, out ? 2 : 1, 2000), -1);
		EXPECT_EQ(mismatch(dev_mem(dma) + 2100, 3900, 1, 2100), -1);
		sync_dev(dma, 6000, dir);
		EXPECT_EQ(mismatch(dev_mem(dma), 6000, out ? 2 : 1), -1);
		unmap(dma, 6000, dir, ALTDMA_ATTR_SKIP_CPU_SYNC);
	}
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BounceCopy, SyncPastTheEndIsClampedToTheMapping)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	fill(high_, 4096, 1);
	altdma_dma_t dma = map(kNormalRam + 0x100, 1000, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	std::memset(dev_mem(dma), 0xEE, 1000);
	sync_cpu(dma + 900, 500);
	EXPECT_EQ(dev_.find_log({"sync", "past", hex(dma + 900)}, ALTDMA_LOG_ERR).size(), 1u)
		<< dev_.dump_log();
	EXPECT_TRUE(plat().all_bytes(kNormalRam + 0x100 + 900, 100, 0xEE));
	EXPECT_EQ(mismatch(high_ + 0x100 + 1000, 400, 1, 0x100 + 1000), -1)
		<< "memory after the original written";
	dev_.log.clear();
	fill(high_ + 0x100, 2000, 5);
	sync_dev(dma + 500, 4096);
	EXPECT_EQ(dev_.find_log({"sync", "past"}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	EXPECT_EQ(mismatch(dev_mem(dma) + 500, 500, 5, 500), -1);
	unmap(dma, 1000, ALTDMA_BIDIRECTIONAL, ALTDMA_ATTR_SKIP_CPU_SYNC);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceCopy, ForceModeBouncesReachableMemory)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_FORCE));
	std::uint8_t *low = plat().reserve(kDma32Ram, 64 * KiB);
	fill(low, 64 * KiB, 9);
	altdma_dma_t dma = map(kDma32Ram + 0x400, 10000, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	EXPECT_NE(dma, kDma32Ram + 0x400);
	EXPECT_TRUE(in_pool(dma, 10000));
	EXPECT_EQ(mismatch(dev_mem(dma), 10000, 9, 0x400), -1);
	std::memset(dev_mem(dma), 0x11, 10000);
	EXPECT_EQ(mismatch(low + 0x400, 10000, 9, 0x400), -1) << "not a separate copy";
	unmap(dma, 10000);
	EXPECT_TRUE(plat().all_bytes(kDma32Ram + 0x400, 10000, 0x11));
	EXPECT_EQ(stats().bounced_maps[ALTDMA_BIDIRECTIONAL], 1u);

	// Buffers above the cap are bounced too, of course.
	dma = map(kNormalRam, 100, ALTDMA_TO_DEVICE);
	EXPECT_TRUE(in_pool(dma, 100));
	unmap(dma, 100, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceCopy, ReachableMemoryIsMappedDirectlyWithoutCopies)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	std::uint8_t *low = plat().reserve(kDma32Ram, 1 * MiB);
	fill(low, 1 * MiB, 4);
	const long p2v = plat().phys_to_virt_calls();
	for (altdma_dir dir : kAllDirs) {
		altdma_dma_t dma = map(kDma32Ram + 0x10, 4000, dir);
		EXPECT_EQ(dma, kDma32Ram + 0x10);
		low[0x10] = 0x77;	// same memory, nothing to copy
		sync_cpu(dma, 4000, dir);
		sync_dev(dma, 4000, dir);
		unmap(dma, 4000, dir);
		EXPECT_EQ(low[0x10], 0x77);
	}
	// Bounce limits do not apply to direct mappings.
	EXPECT_EQ(map(kDma32Ram, 1 * MiB, ALTDMA_TO_DEVICE), kDma32Ram);
	EXPECT_EQ(plat().phys_to_virt_calls(), p2v) << "direct path touched memory";
	const altdma_core_stats s = stats();
	for (int d = 0; d < 4; d++)
		EXPECT_EQ(s.bounced_maps[d], 0u);
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.pool_high_water, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BounceCopy, RepeatedSyncCyclesOnOneMapping)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	altdma_dma_t dma = map(kNormalRam + 0x40, 4096, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	for (altdma_u64 round = 0; round < 20; round++) {
		fill(high_ + 0x40, 4096, 10 + round);		// CPU fills
		sync_dev(dma, 4096);
		ASSERT_EQ(mismatch(dev_mem(dma), 4096, 10 + round), -1);
		fill(dev_mem(dma), 4096, 100 + round);		// device answers
		sync_cpu(dma, 4096);
		ASSERT_EQ(mismatch(high_ + 0x40, 4096, 100 + round), -1);
	}
	unmap(dma, 4096);
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_EQ(stats().bounced_maps[ALTDMA_BIDIRECTIONAL], 1u);
}

TEST_F(BounceCopy, OriginalWithoutKernelMappingFailsCleanly)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	plat().set_no_kernel_mapping(kNormalRam + 1 * MiB, kNormalRam + 2 * MiB);
	EXPECT_EQ(map(kNormalRam + 1 * MiB + 0x10, 100), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.find_log({"kernel mapping"}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.pool_largest_free, 1 * MiB);
}

TEST_F(BounceCopy, DeviceWithoutAStreamingMaskCannotMapEvenThroughThePool)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_FORCE));
	dev_.limits.dma_mask = 0;
	EXPECT_EQ(map(kNormalRam, 100), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.find_log({"no DMA mask"}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.bounced_maps[ALTDMA_BIDIRECTIONAL], 0u);
	EXPECT_EQ(s.fail_unreachable + s.fail_exhausted + s.fail_fragmented + s.fail_too_large, 0u);
}

// ---- misuse ---------------------------------------------------------------------

TEST_F(BounceMisuse, UnmapInsideAMappingIsIgnored)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	altdma_dma_t dma = map(kNormalRam, 3000, ALTDMA_FROM_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	std::memset(dev_mem(dma), 0xEE, 3000);
	unmap(dma + 16, 3000 - 16, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(dev_.find_log({"unmap", hex(dma + 16)}, ALTDMA_LOG_ERR).size(), 1u)
		<< dev_.dump_log();
	EXPECT_EQ(stats().outstanding_bounces, 1u);
	EXPECT_TRUE(plat().all_bytes(kNormalRam, 3000, 0x3C)) << "copied back by the bad unmap";
	unmap(dma, 3000, ALTDMA_FROM_DEVICE);
	EXPECT_TRUE(plat().all_bytes(kNormalRam, 3000, 0xEE));
	EXPECT_EQ(stats().outstanding_bounces, 0u);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceMisuse, UnmapOfNoMappingAndDoubleUnmapAreReported)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	unmap(kPoolBase + 0x800, 100);
	EXPECT_EQ(dev_.find_log({"no bounce mapping", hex(kPoolBase + 0x800)}, ALTDMA_LOG_ERR).size(), 1u)
		<< dev_.dump_log();
	altdma_dma_t dma = map(kNormalRam, 3000);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	unmap(dma, 3000);
	dev_.log.clear();
	unmap(dma, 3000);
	EXPECT_EQ(dev_.find_log({"no bounce mapping"}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	sync_cpu(dma, 3000);
	sync_dev(dma, 3000);
	EXPECT_EQ(dev_.find_log({"no bounce mapping"}, ALTDMA_LOG_ERR).size(), 3u) << dev_.dump_log();
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.pool_largest_free, 1 * MiB);
}

TEST_F(BounceMisuse, UnmapWithTheWrongSizeIsReportedAndUsesTheMappedSize)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	altdma_dma_t dma = map(kNormalRam, 3000, ALTDMA_FROM_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	std::memset(dev_mem(dma), 0xEE, 3000);
	unmap(dma, 100, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(dev_.find_log({"unmap", "100", "3000"}, ALTDMA_LOG_ERR).size(), 1u)
		<< dev_.dump_log();
	EXPECT_TRUE(plat().all_bytes(kNormalRam, 3000, 0xEE));
	EXPECT_EQ(high_[3000], 0x3C);
	EXPECT_EQ(stats().pool_used, 0u);
}

TEST_F(BounceMisuse, DestroyWithLiveMappingsReleasesEverything)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES));
	for (int i = 0; i < 10; i++)
		ASSERT_NE(map(kNormalRam + i * 0x10000, 5000), ALTDMA_MAPPING_ERROR);
	destroy();
	EXPECT_EQ(plat().outstanding_page_blocks(), 0u);
	EXPECT_EQ(plat().outstanding_allocs(), 0u);
}

// ---- scatterlists ---------------------------------------------------------------

TEST_F(BounceSg, UnreachableEntriesAreBouncedOthersAreDirect)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	std::uint8_t *low = plat().reserve(kDma32Ram, 64 * KiB);
	fill(high_, 64 * KiB, 1);
	fill(low, 64 * KiB, 2);
	fake::SgChain sg({{kNormalRam + 0x100, 5000}, {kDma32Ram + 0x200, 3000},
			  {kNormalRam + 0x8000, 20000}});
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 3, ALTDMA_BIDIRECTIONAL, 0), 3)
		<< dev_.dump_log();
	EXPECT_TRUE(in_pool(sg[0].dma_address, 5000));
	EXPECT_EQ(sg[1].dma_address, kDma32Ram + 0x200);
	EXPECT_TRUE(in_pool(sg[2].dma_address, 20000));
	EXPECT_EQ(sg[0].dma_length, 5000u);
	EXPECT_EQ(sg[2].dma_length, 20000u);
	EXPECT_EQ(mismatch(dev_mem(sg[0].dma_address), 5000, 1, 0x100), -1);
	EXPECT_EQ(mismatch(dev_mem(sg[2].dma_address), 20000, 1, 0x8000), -1);
	EXPECT_EQ(stats().outstanding_bounces, 2u);

	std::memset(dev_mem(sg[0].dma_address), 0xE0, 5000);
	std::memset(dev_mem(sg[2].dma_address), 0xE2, 20000);
	altdma_core_sync_sg_for_cpu(core_, sg.head(), 3, ALTDMA_BIDIRECTIONAL);
	EXPECT_TRUE(plat().all_bytes(kNormalRam + 0x100, 5000, 0xE0));
	EXPECT_TRUE(plat().all_bytes(kNormalRam + 0x8000, 20000, 0xE2));

	std::memset(high_ + 0x100, 0xC0, 5000);
	altdma_core_sync_sg_for_device(core_, sg.head(), 3, ALTDMA_BIDIRECTIONAL);
	EXPECT_TRUE(plat().all_bytes(to_phys(sg[0].dma_address), 5000, 0xC0));

	std::memset(dev_mem(sg[2].dma_address), 0xD2, 20000);
	altdma_core_unmap_sg(core_, sg.head(), 3, ALTDMA_BIDIRECTIONAL, 0);
	EXPECT_TRUE(plat().all_bytes(kNormalRam + 0x8000, 20000, 0xD2));
	EXPECT_EQ(stats().outstanding_bounces, 0u);
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(BounceSg, FailureMidwayReleasesEarlierBouncesWithoutCopyingBack)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	fake::SgChain sg({{kNormalRam + 0x100, 5000}, {kNormalRam + 0x4000, 3000},
			  {kNormalRam + 0x10000, 256 * KiB + 1}, {kNormalRam + 0x60000, 100}});
	// Too large never succeeds: -EIO, not the -ENOMEM of a full pool.
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 4, ALTDMA_FROM_DEVICE, 0), -ALTDMA_EIO);
	EXPECT_EQ(sg[3].set_dma_calls, 0);
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.fail_too_large, 1u);
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.pool_largest_free, 1 * MiB);
	EXPECT_TRUE(plat().all_bytes(kNormalRam, 0x20000, 0x3C)) << "undo copied back";
	EXPECT_EQ(dev_.find_log({"too large"}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
}

TEST_F(BounceSg, FullPoolIsENOMEMSoTheCallerRetries)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	std::vector<altdma_dma_t> live;
	for (int i = 0; i < 64; i++) {
		altdma_dma_t dma = map(kNormalRam + (i % 8) * 0x40000, 200 * KiB);
		if (dma == ALTDMA_MAPPING_ERROR)
			break;
		live.push_back(dma);
	}
	ASSERT_LT(live.size(), 64u) << "the pool never filled";
	fake::SgChain sg({{kNormalRam + 0x100, 5000}, {kNormalRam + 0x8000, 200 * KiB}});
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), -ALTDMA_ENOMEM);
	EXPECT_EQ(stats().outstanding_bounces, live.size());
	for (altdma_dma_t dma : live)
		unmap(dma, 200 * KiB);
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 2);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(stats().pool_used, 0u);
}

// swiotlb page-aligns the slots of mappings of a page or more: a
// page-aligned original gets a page-aligned bounce address, whatever ran
// before it; smaller ones keep only their offset in a slot.
TEST_F(BouncePlacement, MappingsOfAPageOrMoreKeepTheOffsetInThePage)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(ALTDMA_BOUNCE_GUARD_BYTES));
	dev_.limits.min_align_mask = 0;
	std::vector<std::pair<altdma_dma_t, altdma_u64>> live;
	const altdma_u64 sizes[] = {100, kPage, 300, 2 * kPage, 50, kPage + 512,
				    3 * kPage, 700, kPage, 4095, 5000};
	altdma_u64 k = 0;
	for (altdma_u64 size : sizes) {
		for (altdma_u64 off : {0x0ull, 0x800ull, 0x123ull}) {
			const altdma_phys_t orig = kNormalRam + (k++) * 0x10000 + off;
			altdma_dma_t dma = map(orig, size, ALTDMA_TO_DEVICE);
			ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
			if (size >= kPage)
				EXPECT_EQ(dma % kPage, orig % kPage)
					<< size << " bytes at " << hex(orig) << " -> " << hex(dma);
			else
				EXPECT_EQ(dma % kSlot, orig % kSlot) << hex(orig);
			live.push_back({dma, size});
		}
	}
	for (auto [dma, size] : live)
		unmap(dma, size, ALTDMA_TO_DEVICE);
	EXPECT_EQ(stats().pool_used, 0u);
	EXPECT_EQ(stats().guard_violations, 0u);
}

} // namespace
} // namespace test
