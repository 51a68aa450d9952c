// SPDX-License-Identifier: GPL-2.0
// dma_supported, get_required_mask, max_mapping_size, get_sgtable, mmap_pfn.
#include "test_support.h"

namespace test {
namespace {

using DmaSupported = CoreTest;
using RequiredMask = CoreTest;
using MaxMappingSize = CoreTest;
using GetSgtable = CoreTest;
using MmapPfn = CoreTest;

// ---- dma_supported ----------------------------------------------------------------

TEST_F(DmaSupported, MasksOf32BitsOrMoreAlwaysSupported)
{
	dev_.ranges = {{0, 0x100000000000ull, 64 * GiB}};	// all RAM far above 4 GiB
	create();
	for (altdma_u64 mask : {fake::bits(32), fake::bits(33), fake::bits(40), ~0ull, 0x100000000ull})
		EXPECT_EQ(altdma_core_dma_supported(core_, mask), 1) << hex(mask);
}

TEST_F(DmaSupported, NarrowMaskMustCoverZoneDma)
{
	create();
	// min_mask = min((max_pfn - 1) << 12, (1 << 24) - 1) = 0xffffff.
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(24)), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(28)), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, 0xffffffffull - 1), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(24) - 1), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(23)), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, 0), 0);
}

TEST_F(DmaSupported, ZoneDmaBitsFollowPlatform)
{
	plat().info().zone_dma_bits = 30;
	create();
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(30)), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(29)), 0);
}

TEST_F(DmaSupported, WithoutZoneDmaNarrowMaskMustCoverAllRam)
{
	plat().info().has_zone_dma = 0;
	create();
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(31)), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(24)), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(32)), 1);
}

TEST_F(DmaSupported, SmallMachineNeedsOnlyItsLastPage)
{
	plat().reset({{0x100000, MiB}});	// RAM ends at 2 MiB: max_pfn 0x200
	create();
	// min_mask = (0x200 - 1) << 12 = 0x1ff000, below ZONE_DMA's limit.
	EXPECT_EQ(altdma_core_dma_supported(core_, 0x1ff000), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(21)), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, 0x1fefff), 0);
	plat().info().has_zone_dma = 0;
	EXPECT_EQ(altdma_core_dma_supported(core_, 0x1ff000), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, 0x1fefff), 0);
}

TEST_F(DmaSupported, RangesApplyToMinimumMask)
{
	dev_.ranges = {{0, 0x40000000ull, 64 * GiB}};
	create();
	// phys_to_dma(0xffffff) = 0x40ffffff.
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(30)), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, 0x40fffffeull), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, 0x40ffffffull), 1);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(31)), 1);
}

TEST_F(DmaSupported, UntranslatableMinimumMaskSupportsOnly32BitMasks)
{
	dev_.ranges = {{kDma32Ram, 0, 8 * MiB}};	// 0xffffff has no translation
	create();
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(31)), 0);
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(32)), 1);
}

TEST_F(DmaSupported, MaxPfnReadAtCallTime)
{
	plat().info().has_zone_dma = 0;
	create();
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(31)), 0);
	plat().info().max_pfn = 0x80000;	// only 2 GiB of RAM now
	EXPECT_EQ(altdma_core_dma_supported(core_, fake::bits(31)), 1);
}

// ---- get_required_mask -----------------------------------------------------------

TEST_F(RequiredMask, CoversHighestRamPage)
{
	create();
	// Last page 0x8003ff000: 36 bits.
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(36));
}

TEST_F(RequiredMask, SmallMachine)
{
	plat().reset({{0x100000, MiB}});
	create();
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(21));
}

TEST_F(RequiredMask, PowerOfTwoBoundaries)
{
	plat().reset({{0x100000000ull - MiB, MiB}});	// last page 0xfffff000
	create();
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(32));
	destroy();
	plat().reset({{0x100000000ull - MiB, MiB + kPage}});	// last page 0x100000000
	create();
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(33));
}

TEST_F(RequiredMask, RangesTranslateLastPage)
{
	dev_.ranges = {{0, 0x1000000000ull, 64 * GiB}};
	create();
	// phys_to_dma(0x8003ff000) = 0x18003ff000: 37 bits.
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(37));
}

TEST_F(RequiredMask, RangeMovingTopRamDown)
{
	dev_.ranges = {{kHighRam, 0, 4 * MiB}, {0, 4 * MiB, 32 * GiB}};
	create();
	// phys_to_dma(0x8003ff000) = 0x3ff000: 22 bits.
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(22));
}

TEST_F(RequiredMask, FollowsMemoryHotplug)
{
	create();
	plat().info().max_pfn = 0x100000000ull >> 12;	// RAM up to 4 GiB
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(32));
	plat().info().max_pfn = (1ull << 40) >> 12;
	EXPECT_EQ(altdma_core_get_required_mask(core_), fake::bits(40));
}

// ---- max_mapping_size -------------------------------------------------------------------

TEST_F(MaxMappingSize, UnlimitedUnderDirect)
{
	create();
	EXPECT_EQ(altdma_core_max_mapping_size(core_), static_cast<altdma_usize>(~0ull));
	dev_.set_masks(fake::bits(24), fake::bits(24));
	dev_.limits.bus_limit = fake::bits(20);
	EXPECT_EQ(altdma_core_max_mapping_size(core_), static_cast<altdma_usize>(~0ull));
}

// ---- get_sgtable ---------------------------------------------------------------------------

TEST_F(GetSgtable, SingleChunkOfCoherentAllocation)
{
	create();
	for (altdma_usize size : {1ul, 4096ul, 5000ul, 3 * 4096ul}) {
		altdma_phys_t phys, sg_phys = 0;
		altdma_dma_t dma;
		altdma_u64 length = 0;
		ASSERT_EQ(altdma_core_alloc(core_, size, 0, 0, &phys, &dma), 0);
		ASSERT_EQ(altdma_core_get_sgtable(core_, dma, size, &sg_phys, &length), 0);
		EXPECT_EQ(sg_phys, phys);
		EXPECT_EQ(length, page_align(size));
		altdma_core_free(core_, size, dma, 0);
	}
}

TEST_F(GetSgtable, TranslatesThroughRanges)
{
	dev_.ranges = {{kHighRam, 0x10000000ull, 4 * MiB}};
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	altdma_phys_t phys, sg_phys = 0;
	altdma_dma_t dma;
	altdma_u64 length = 0;
	ASSERT_EQ(altdma_core_alloc(core_, 8192, 0, 0, &phys, &dma), 0) << dev_.dump_log();
	ASSERT_NE(dma, phys);
	ASSERT_EQ(altdma_core_get_sgtable(core_, dma, 8192, &sg_phys, &length), 0);
	EXPECT_EQ(sg_phys, phys);
	EXPECT_EQ(length, 8192u);
	altdma_core_free(core_, 8192, dma, 0);
}

TEST_F(GetSgtable, PhysIsPageAligned)
{
	create();
	altdma_phys_t phys = 0;
	altdma_u64 length = 0;
	ASSERT_EQ(altdma_core_get_sgtable(core_, kDma32Ram + 0x1234, 100, &phys, &length), 0);
	EXPECT_EQ(phys, kDma32Ram + 0x1000);
	EXPECT_EQ(length, kPage);
}

TEST_F(GetSgtable, UntranslatableDmaIsENXIO)
{
	dev_.ranges = {{kDma32Ram, 0x1000, 8 * MiB}};
	create();
	altdma_phys_t phys = 0x77;
	altdma_u64 length = 0x88;
	EXPECT_EQ(altdma_core_get_sgtable(core_, 0x90000000ull, 4096, &phys, &length), -ALTDMA_ENXIO);
	EXPECT_EQ(phys, 0x77u);
	EXPECT_EQ(length, 0x88u);
}

TEST_F(GetSgtable, SizeOverflowingPageAlignIsRejected)
{
	create();
	altdma_phys_t phys = 0;
	altdma_u64 length = 0;
	EXPECT_NE(altdma_core_get_sgtable(core_, kDma32Ram, ~0ul, &phys, &length), 0);
}

// ---- mmap_pfn -------------------------------------------------------------------------------

TEST_F(MmapPfn, WindowsInsideAllocation)
{
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	const altdma_usize size = 3 * 4096 + 1;	// 4 pages
	ASSERT_EQ(altdma_core_alloc(core_, size, 0, 0, &phys, &dma), 0);
	struct {
		altdma_u64 pgoff, pages;
	} ok[] = {{0, 4}, {0, 1}, {1, 3}, {3, 1}, {2, 2}};
	for (auto c : ok) {
		altdma_u64 pfn = 0;
		ASSERT_EQ(altdma_core_mmap_pfn(core_, dma, size, c.pgoff, c.pages, &pfn), 0)
			<< c.pgoff << "+" << c.pages;
		EXPECT_EQ(pfn, (phys >> 12) + c.pgoff);
	}
	altdma_core_free(core_, size, dma, 0);
}

TEST_F(MmapPfn, WindowsOutsideAllocationAreENXIO)
{
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	const altdma_usize size = 4 * 4096;
	ASSERT_EQ(altdma_core_alloc(core_, size, 0, 0, &phys, &dma), 0);
	struct {
		altdma_u64 pgoff, pages;
	} bad[] = {{4, 1}, {0, 5}, {1, 4}, {3, 2}, {5, 0}, {~0ull, 1}, {0, ~0ull},
		   {2, ~0ull - 1}, {~0ull - 1, 3}, {1ull << 52, 1ull << 52}};
	for (auto c : bad) {
		altdma_u64 pfn = 0x5555;
		EXPECT_EQ(altdma_core_mmap_pfn(core_, dma, size, c.pgoff, c.pages, &pfn), -ALTDMA_ENXIO)
			<< c.pgoff << "+" << c.pages;
		EXPECT_EQ(pfn, 0x5555u);
	}
	altdma_core_free(core_, size, dma, 0);
}

TEST_F(MmapPfn, TranslatesThroughRanges)
{
	dev_.ranges = {{kHighRam, 0x10000000ull, 4 * MiB}};
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(altdma_core_alloc(core_, 8192, 0, 0, &phys, &dma), 0);
	altdma_u64 pfn = 0;
	ASSERT_EQ(altdma_core_mmap_pfn(core_, dma, 8192, 1, 1, &pfn), 0);
	EXPECT_EQ(pfn, (phys >> 12) + 1);
	altdma_core_free(core_, 8192, dma, 0);
}

TEST_F(MmapPfn, UntranslatableDmaIsENXIO)
{
	dev_.ranges = {{kDma32Ram, 0x1000, 8 * MiB}};
	create();
	altdma_u64 pfn = 0x5555;
	EXPECT_EQ(altdma_core_mmap_pfn(core_, 0x90000000ull, 4096, 0, 1, &pfn), -ALTDMA_ENXIO);
	EXPECT_EQ(pfn, 0x5555u);
}

TEST_F(MmapPfn, HugeSizeDoesNotOverflow)
{
	create();
	altdma_u64 pfn = 0;
	EXPECT_EQ(altdma_core_mmap_pfn(core_, kDma32Ram, ~0ul, 0, 1, &pfn), -ALTDMA_ENXIO);
}

} // namespace
} // namespace test
