// SPDX-License-Identifier: GPL-2.0
// Coherent allocations (altdma_core_alloc / free) and non-coherent pages
// (altdma_core_alloc_pages / free_pages): zone choice and retry, zeroing,
// reachability, error paths, freeing through the DMA address.
#include <cstring>

#include "test_support.h"

namespace test {
namespace {

using Zones = std::vector<altdma_zone>;

class AllocTest : public CoreTest {
protected:
	int alloc(altdma_usize size, altdma_phys_t *phys, altdma_dma_t *dma,
		  unsigned long attrs = 0, altdma_u32 gfp = 0x0cc0)
	{
		return altdma_core_alloc(core_, size, gfp, attrs, phys, dma);
	}
	void free(altdma_usize size, altdma_dma_t dma, unsigned long attrs = 0)
	{
		altdma_core_free(core_, size, dma, attrs);
	}
	// Allocates @size, checks the invariants every coherent block has,
	// frees it again. Returns the phys address (0 on failure).
	altdma_phys_t alloc_check_free(altdma_usize size)
	{
		altdma_phys_t phys = 0;
		altdma_dma_t dma = 0;
		int ret = alloc(size, &phys, &dma);
		EXPECT_EQ(ret, 0) << dev_.dump_log();
		if (ret)
			return 0;
		check_block(phys, dma, size, true);
		free(size, dma);
		EXPECT_FALSE(plat().page_block_allocated(phys));
		return phys;
	}
	void check_block(altdma_phys_t phys, altdma_dma_t dma, altdma_usize size, bool zeroed)
	{
		EXPECT_EQ(phys % kPage, 0u);
		EXPECT_EQ(dma, ref_phys_to_dma(dev_.ranges, phys));
		EXPECT_TRUE(ref_reachable(dma, page_align(size), coherent_limit()))
			<< "dma " << hex(dma) << " size " << size << " limit " << hex(coherent_limit());
		altdma_u32 order = 99;
		EXPECT_TRUE(plat().page_block_allocated(phys, &order));
		EXPECT_EQ(order, get_order(page_align(size)));
		if (zeroed) {
			EXPECT_TRUE(plat().all_bytes(phys, page_align(size), 0))
				<< "coherent memory not zeroed";
		}
	}
};

using CoherentAlloc = AllocTest;
using AllocPages = AllocTest;
using CoherentFree = AllocTest;

TEST_F(CoherentAlloc, ReturnsZeroedPageAlignedReachableMemory)
{
	create();
	for (altdma_usize size : {1ul, 100ul, 4095ul, 4096ul, 4097ul, 3 * 4096ul, 5 * 4096ul + 1,
				  64 * 1024ul, 1024 * 1024ul})
		alloc_check_free(size);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(CoherentAlloc, ZeroesWholePageAlignedSizeOnly)
{
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	// 5 pages and a byte round up to 6 pages in an order-3 (8 page) block.
	ASSERT_EQ(alloc(5 * 4096 + 1, &phys, &dma), 0);
	EXPECT_TRUE(plat().all_bytes(phys, 6 * kPage, 0));
	free(5 * 4096 + 1, dma);
	ASSERT_EQ(plat().page_free_calls().size(), 1u);
	EXPECT_EQ(plat().page_free_calls()[0].phys, phys);
	EXPECT_EQ(plat().page_free_calls()[0].order, 3u);
}

TEST_F(CoherentAlloc, SizeZeroIsEINVALWithoutAllocating)
{
	create();
	altdma_phys_t phys = 0x1234;
	altdma_dma_t dma = 0x5678;
	EXPECT_EQ(alloc(0, &phys, &dma), -ALTDMA_EINVAL);
	EXPECT_TRUE(plat().page_alloc_calls().empty());
	EXPECT_EQ(phys, 0x1234u);
	EXPECT_EQ(dma, 0x5678u);
}

TEST_F(CoherentAlloc, LargestPageBlockIsAllowed)
{
	create();
	EXPECT_NE(alloc_check_free(4 * MiB), 0u);	// order 10 = max_page_order
	plat().info().max_page_order = 11;
	// 8 MiB blocks: the fake's 8 MiB regions are 8 MiB aligned.
	EXPECT_NE(alloc_check_free(8 * MiB), 0u);
}

TEST_F(CoherentAlloc, SizeAboveLargestPageBlockIsEINVALWithMessageAndNoAllocatorCall)
{
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	EXPECT_EQ(alloc(4 * MiB + 1, &phys, &dma), -ALTDMA_EINVAL);
	EXPECT_TRUE(plat().page_alloc_calls().empty());
	ASSERT_EQ(dev_.find_log({}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	EXPECT_FALSE(dev_.find_log({std::to_string(4 * MiB + kPage)}).empty() &&
		     dev_.find_log({std::to_string(4 * MiB + 1)}).empty())
		<< "message should name the size\n" << dev_.dump_log();

	plat().info().max_page_order = 3;
	EXPECT_EQ(alloc(8 * kPage + 1, &phys, &dma), -ALTDMA_EINVAL);
	EXPECT_TRUE(plat().page_alloc_calls().empty());
	EXPECT_EQ(alloc(8 * kPage, &phys, &dma), 0);
	free(8 * kPage, dma);
}

TEST_F(CoherentAlloc, SizesThatOverflowPageAlignmentAreEINVAL)
{
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	for (altdma_usize size : {~0ul, ~0ul - 4095, ~0ul - 4096, 1ul << 63})
		EXPECT_EQ(alloc(size, &phys, &dma), -ALTDMA_EINVAL) << size;
	EXPECT_TRUE(plat().page_alloc_calls().empty());
}

TEST_F(CoherentAlloc, CallerGfpIsPassedThroughUnchanged)
{
	dev_.set_masks(fake::bits(33), fake::bits(33));	// forces one retry
	create();
	for (altdma_u32 gfp : {0u, 0x0cc0u, 0xcafe1234u, 0xffffffffu}) {
		plat().clear_records();
		altdma_phys_t phys;
		altdma_dma_t dma;
		ASSERT_EQ(alloc(8192, &phys, &dma, 0, gfp), 0);
		ASSERT_EQ(plat().page_alloc_calls().size(), 2u);
		for (const fake::PageAllocCall &c : plat().page_alloc_calls()) {
			EXPECT_EQ(c.caller_gfp, gfp);
			EXPECT_EQ(c.dev, dev_.plat());
			EXPECT_EQ(c.order, 1u);
		}
		free(8192, dma);
	}
}

struct ZoneCase {
	const char *name;
	altdma_u64 coherent_mask;
	altdma_u64 bus_limit;
	Zones zones;			// expected alloc_pages sequence
	altdma_phys_t region;		// RAM region of the result (0: -ENOMEM)
};

void PrintTo(const ZoneCase &c, std::ostream *os)
{
	*os << c.name;
}

class CoherentAllocZone : public AllocTest, public ::testing::WithParamInterface<ZoneCase> {};

// Zone choice from the coherent limit and the retry when the block the
// allocator returned is out of reach (the default machine has its highest
// RAM at 32 GiB, so NORMAL allocations land there first).
TEST_P(CoherentAllocZone, FirstZoneAndRetrySequence)
{
	const ZoneCase &c = GetParam();
	dev_.set_masks(fake::bits(64), c.coherent_mask);
	dev_.limits.bus_limit = c.bus_limit;
	create();
	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	int ret = alloc(4096, &phys, &dma);
	EXPECT_EQ(plat().page_alloc_zones(), c.zones);
	if (c.region) {
		ASSERT_EQ(ret, 0) << dev_.dump_log();
		EXPECT_TRUE(phys >= c.region && phys < c.region + 8 * MiB) << hex(phys);
		check_block(phys, dma, 4096, true);
		// Every block that was out of reach went back.
		EXPECT_EQ(plat().page_free_calls().size(), c.zones.size() - 1);
		free(4096, dma);
	} else {
		EXPECT_EQ(ret, -ALTDMA_ENOMEM);
		EXPECT_EQ(plat().page_free_calls().size(), c.zones.size());
	}
}

constexpr altdma_zone N = ALTDMA_ZONE_NORMAL, D32 = ALTDMA_ZONE_DMA32, D = ALTDMA_ZONE_DMA;

INSTANTIATE_TEST_SUITE_P(
	Masks, CoherentAllocZone,
	::testing::Values(
		ZoneCase{"mask64", fake::bits(64), 0, {N}, kHighRam},
		ZoneCase{"mask36_reaches_top", fake::bits(36), 0, {N}, kHighRam},
		ZoneCase{"mask35_normal_then_dma32", fake::bits(35), 0, {N, D32}, kDma32Ram},
		ZoneCase{"mask33_normal_then_dma32", fake::bits(33), 0, {N, D32}, kDma32Ram},
		ZoneCase{"mask32_dma32", fake::bits(32), 0, {D32}, kDma32Ram},
		ZoneCase{"mask31_dma32", fake::bits(31), 0, {D32}, kDma32Ram},
		ZoneCase{"mask30_dma32_then_dma", fake::bits(30), 0, {D32, D}, kDmaRam},
		ZoneCase{"mask25_dma32_then_dma", fake::bits(25), 0, {D32, D}, kDmaRam},
		ZoneCase{"mask24_dma", fake::bits(24), 0, {D}, kDmaRam},
		ZoneCase{"mask23_dma_top_page_fits", fake::bits(23), 0, {D}, kDmaRam},
		ZoneCase{"mask22_below_all_ram", fake::bits(22), 0, {D}, 0},
		ZoneCase{"mask0_unreachable", 0, 0, {D}, 0},
		ZoneCase{"bus_limit32_wins", fake::bits(64), fake::bits(32), {D32}, kDma32Ram},
		ZoneCase{"bus_limit24_wins", fake::bits(32), fake::bits(24), {D}, kDmaRam},
		ZoneCase{"mask_wins_over_bus_limit", fake::bits(32), fake::bits(40), {D32}, kDma32Ram},
		ZoneCase{"bus_limit_only", 0, fake::bits(33), {N, D32}, kDma32Ram}),
	[](const ::testing::TestParamInfo<ZoneCase> &info) { return std::string(info.param.name); });

// A bus whose map is not monotonic makes every zone's first choice
// unreachable but the last: NORMAL -> DMA32 -> DMA, as in dma-direct.
TEST_F(CoherentAlloc, RetriesNormalThenDma32ThenDma)
{
	dev_.ranges = {
		{0, 0x80000000ull, 16 * MiB},				// ZONE_DMA -> 2 GiB
		{0x100000000ull, 0, 4 * GiB},				// 4..8 GiB -> 0..4 GiB
		{16 * MiB, 0x101000000ull, 4 * GiB - 16 * MiB},	// DMA32 -> above 4 GiB
	};
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(4096, &phys, &dma), 0) << dev_.dump_log();
	EXPECT_EQ(plat().page_alloc_zones(), (Zones{N, D32, D}));
	EXPECT_EQ(plat().page_free_calls().size(), 2u);
	EXPECT_TRUE(phys >= kDmaRam && phys < kDmaRam + 4 * MiB) << hex(phys);
	EXPECT_EQ(dma, 0x80000000ull + phys);
	check_block(phys, dma, 4096, true);
	free(4096, dma);
	EXPECT_FALSE(plat().page_block_allocated(phys));
}

// When the coherent limit has no translation, phys_limit is "everything"
// (2^64-1): dma-direct then skips the DMA32 retry and goes to DMA.
TEST_F(CoherentAlloc, UntranslatableLimitSkipsDma32Retry)
{
	dev_.ranges = {{kDmaRam, kDmaRam, 4 * MiB}};
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(4096, &phys, &dma), 0) << dev_.dump_log();
	EXPECT_EQ(plat().page_alloc_zones(), (Zones{N, D}));
	EXPECT_TRUE(phys >= kDmaRam && phys < kDmaRam + 4 * MiB) << hex(phys);
	free(4096, dma);
}

TEST_F(CoherentAlloc, NothingReachableIsENOMEMAndEveryTryFreed)
{
	// All RAM appears above 4 GiB on this bus; the device has 32 bits.
	dev_.ranges = {{0, 0x100000000ull, 64 * GiB}};
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	EXPECT_EQ(alloc(4096, &phys, &dma), -ALTDMA_ENOMEM);
	EXPECT_FALSE(plat().page_alloc_calls().empty());
	EXPECT_EQ(plat().page_free_calls().size(), plat().page_alloc_calls().size());
	EXPECT_EQ(plat().outstanding_page_blocks(), 0u);
}

TEST_F(CoherentAlloc, AllocatorFailureIsENOMEM)
{
	create();
	plat().fail_next_page_allocs(1);
	altdma_phys_t phys;
	altdma_dma_t dma;
	EXPECT_EQ(alloc(4096, &phys, &dma), -ALTDMA_ENOMEM);
	// As in dma-direct: an allocator failure in a zone means the lower
	// zones are exhausted too, so there is no retry.
	EXPECT_EQ(plat().page_alloc_calls().size(), 1u);
	EXPECT_EQ(alloc(4096, &phys, &dma), 0);
	free(4096, dma);
}

TEST_F(CoherentAlloc, FailureInRetryZoneIsENOMEMAndFirstBlockFreed)
{
	dev_.set_masks(fake::bits(33), fake::bits(33));
	create();
	plat().fail_zone(ALTDMA_ZONE_DMA32);
	altdma_phys_t phys;
	altdma_dma_t dma;
	EXPECT_EQ(alloc(4096, &phys, &dma), -ALTDMA_ENOMEM);
	EXPECT_EQ(plat().page_alloc_zones(), (Zones{N, D32}));
	EXPECT_EQ(plat().page_free_calls().size(), 1u);
}

TEST_F(CoherentAlloc, ExhaustedReachableMemoryIsENOMEM)
{
	dev_.set_masks(fake::bits(24), fake::bits(24));
	create();
	std::vector<altdma_dma_t> blocks;
	altdma_phys_t phys;
	altdma_dma_t dma;
	// ZONE_DMA has 4 MiB: four 1 MiB blocks, then nothing.
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(alloc(MiB, &phys, &dma), 0) << i;
		blocks.push_back(dma);
	}
	EXPECT_EQ(alloc(MiB, &phys, &dma), -ALTDMA_ENOMEM);
	EXPECT_EQ(alloc(4096, &phys, &dma), -ALTDMA_ENOMEM);
	for (altdma_dma_t b : blocks)
		free(MiB, b);
	EXPECT_EQ(alloc(4 * MiB, &phys, &dma), 0);
	free(4 * MiB, dma);
}

TEST_F(CoherentAlloc, ReachabilityUsesPageAlignedSizeNotBlockSize)
{
	// 16 pages of RAM; a 3-page buffer gets an order-2 (4-page) block at
	// the top, 0x10c000. The device reaches its 3 pages but not the 4th.
	plat().reset({{0x100000, 16 * kPage}});
	dev_.limits.bus_limit = 0x10c000 + 3 * kPage - 1;
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(3 * kPage, &phys, &dma), 0) << dev_.dump_log();
	EXPECT_EQ(phys, 0x10c000u);
	EXPECT_EQ(plat().page_alloc_calls().size(), 1u);
	check_block(phys, dma, 3 * kPage, true);
	free(3 * kPage, dma);
}

TEST_F(CoherentAlloc, BlockPartlyBeyondLimitIsRejected)
{
	plat().reset({{0x100000, 16 * kPage}});
	dev_.limits.bus_limit = 0x10c000 + 3 * kPage - 2;
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	// The top block 0x10c000 misses the limit by one byte; DMA is the last
	// zone, so this is -ENOMEM (the allocator is not asked for other blocks).
	EXPECT_EQ(alloc(3 * kPage, &phys, &dma), -ALTDMA_ENOMEM);
	EXPECT_EQ(plat().page_alloc_zones(), (Zones{D}));
}

TEST_F(CoherentAlloc, NoKernelMappingStillReachableAndFreeable)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(3 * kPage, &phys, &dma, ALTDMA_ATTR_NO_KERNEL_MAPPING), 0);
	check_block(phys, dma, 3 * kPage, false);	// contents unspecified
	free(3 * kPage, dma, ALTDMA_ATTR_NO_KERNEL_MAPPING);
	EXPECT_FALSE(plat().page_block_allocated(phys));
}

// NO_KERNEL_MAPPING memory is never touched by the CPU, so a block without
// a kernel mapping (highmem) is fine, and the core must not look for one.
TEST_F(CoherentAlloc, NoKernelMappingNeedsNoKernelAddress)
{
	plat().set_no_kernel_mapping(kHighRam, kHighRam + 4 * MiB);
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(2 * kPage, &phys, &dma, ALTDMA_ATTR_NO_KERNEL_MAPPING), 0) << dev_.dump_log();
	EXPECT_GE(phys, kHighRam);
	EXPECT_EQ(plat().phys_to_virt_calls(), 0);
	// Not zeroed: the allocator's poison is still there.
	EXPECT_TRUE(plat().all_bytes(phys, 2 * kPage, fake::kPoisonByte));
	free(2 * kPage, dma, ALTDMA_ATTR_NO_KERNEL_MAPPING);
}

// Memory that must be zeroed but has no kernel mapping cannot be returned:
// the block goes back and the caller sees -ENOMEM with a message.
TEST_F(CoherentAlloc, BlockWithoutKernelMappingIsFreedAndENOMEM)
{
	plat().set_no_kernel_mapping(kHighRam, kHighRam + 4 * MiB);
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	EXPECT_EQ(alloc(2 * kPage, &phys, &dma), -ALTDMA_ENOMEM);
	ASSERT_EQ(plat().page_alloc_calls().size(), 1u);
	ASSERT_EQ(plat().page_free_calls().size(), 1u);
	EXPECT_EQ(plat().page_free_calls()[0].phys, plat().page_alloc_calls()[0].phys);
	EXPECT_EQ(plat().page_free_calls()[0].order, 1u);
	EXPECT_EQ(dev_.find_log({}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
	EXPECT_EQ(altdma_core_alloc_pages(core_, kPage, ALTDMA_TO_DEVICE, 0, &phys, &dma),
		  -ALTDMA_ENOMEM);
	EXPECT_EQ(plat().outstanding_page_blocks(), 0u);
}

TEST_F(CoherentAlloc, OtherAttrsStillZero)
{
	create();
	for (unsigned long attrs : {ALTDMA_ATTR_WRITE_COMBINE, ALTDMA_ATTR_NO_WARN,
				    ALTDMA_ATTR_FORCE_CONTIGUOUS, ALTDMA_ATTR_PRIVILEGED}) {
		altdma_phys_t phys;
		altdma_dma_t dma;
		ASSERT_EQ(alloc(2 * kPage, &phys, &dma, attrs), 0);
		check_block(phys, dma, 2 * kPage, true);
		free(2 * kPage, dma, attrs);
	}
}

TEST_F(CoherentAlloc, ManyLiveAllocationsAreDistinct)
{
	create();
	std::vector<std::pair<altdma_dma_t, altdma_usize>> live;
	for (int i = 0; i < 64; i++) {
		altdma_usize size = (i % 7 + 1) * 3000;
		altdma_phys_t phys;
		altdma_dma_t dma;
		ASSERT_EQ(alloc(size, &phys, &dma), 0) << i;
		check_block(phys, dma, size, true);
		// Scribble: a later allocation must not share these bytes.
		std::memset(plat().virt(phys), 0xEE, page_align(size));
		live.push_back({dma, size});
	}
	for (auto &[dma, size] : live) {
		EXPECT_TRUE(plat().all_bytes(dma, page_align(size), 0xEE));
		free(size, dma);
	}
}

TEST_F(CoherentAlloc, RangesTranslateResultAndFree)
{
	dev_.ranges = {{kDma32Ram, 0x1000000ull, 8 * MiB}, {kHighRam, 0x2000000ull, 4 * MiB}};
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	// phys_limit = dma_to_phys(0xffffffff) is untranslatable -> NORMAL,
	// and the high RAM is reachable through its range.
	ASSERT_EQ(alloc(8192, &phys, &dma), 0) << dev_.dump_log();
	EXPECT_TRUE(phys >= kHighRam && phys < kHighRam + 4 * MiB) << hex(phys);
	EXPECT_EQ(dma, 0x2000000ull + (phys - kHighRam));
	check_block(phys, dma, 8192, true);
	free(8192, dma);
	ASSERT_EQ(plat().page_free_calls().size(), 1u);
	EXPECT_EQ(plat().page_free_calls()[0].phys, phys);
	EXPECT_EQ(plat().page_free_calls()[0].order, 1u);
}

TEST_F(CoherentAlloc, ZoneDmaBitsIsHonoured)
{
	plat().info().zone_dma_bits = 30;	// arm64-like 1 GiB ZONE_DMA
	dev_.set_masks(fake::bits(30), fake::bits(30));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(4096, &phys, &dma), 0);
	EXPECT_EQ(plat().page_alloc_zones(), (Zones{D}));
	free(4096, dma);
	plat().clear_records();
	dev_.set_masks(fake::bits(31), fake::bits(31));
	ASSERT_EQ(alloc(4096, &phys, &dma), 0);
	EXPECT_EQ(plat().page_alloc_zones(), (Zones{D32}));
	EXPECT_TRUE(phys >= kDma32Ram) << hex(phys);
	free(4096, dma);
}

TEST_F(CoherentAlloc, WithoutZoneDma32RetryGoesStraightToDma)
{
	plat().info().has_zone_dma32 = 0;
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(4096, &phys, &dma), 0) << dev_.dump_log();
	for (altdma_zone z : plat().page_alloc_zones())
		EXPECT_NE(z, ALTDMA_ZONE_DMA32);
	EXPECT_EQ(plat().page_alloc_zones().back(), ALTDMA_ZONE_DMA);
	check_block(phys, dma, 4096, true);
	free(4096, dma);
}

TEST_F(CoherentAlloc, WithoutZoneDmaNarrowMaskFailsCleanly)
{
	plat().info().has_zone_dma = 0;
	dev_.set_masks(fake::bits(24), fake::bits(24));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	EXPECT_EQ(alloc(4096, &phys, &dma), -ALTDMA_ENOMEM);
	for (altdma_zone z : plat().page_alloc_zones())
		EXPECT_NE(z, ALTDMA_ZONE_DMA);
	EXPECT_EQ(plat().outstanding_page_blocks(), 0u);
}

TEST_F(CoherentAlloc, MasksReadAtAllocTime)
{
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(4096, &phys, &dma), 0);
	EXPECT_GE(phys, kHighRam);
	free(4096, dma);
	dev_.limits.coherent_mask = fake::bits(32);
	ASSERT_EQ(alloc(4096, &phys, &dma), 0);
	EXPECT_LT(phys, 4 * GiB);
	free(4096, dma);
}

// ---- free -----------------------------------------------------------------------

TEST_F(CoherentFree, UntranslatableDmaIsIgnoredWithMessage)
{
	dev_.ranges = {{kDma32Ram, 0x1000000ull, 8 * MiB}};
	create();
	free(4096, 0x90000000ull);
	EXPECT_TRUE(plat().page_free_calls().empty());
	EXPECT_EQ(dev_.find_log({hex(0x90000000ull)}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
}

TEST_F(CoherentFree, SizeZeroIsIgnored)
{
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(alloc(4096, &phys, &dma), 0);
	free(0, dma);
	EXPECT_TRUE(plat().page_free_calls().empty());
	free(4096, dma);
	EXPECT_EQ(plat().page_free_calls().size(), 1u);
}

TEST_F(CoherentFree, FreesOrderFromSize)
{
	create();
	for (altdma_usize size : {1ul, 4096ul, 4097ul, 16384ul, 16385ul, 4ul << 20}) {
		plat().clear_records();
		altdma_phys_t phys;
		altdma_dma_t dma;
		ASSERT_EQ(alloc(size, &phys, &dma), 0);
		free(size, dma);
		ASSERT_EQ(plat().page_free_calls().size(), 1u);
		EXPECT_EQ(plat().page_free_calls()[0].order, get_order(size)) << size;
	}
}

// ---- alloc_pages / free_pages ----------------------------------------------------------

TEST_F(AllocPages, AlwaysZeroedReachableAndFreed)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	for (altdma_dir dir : kAllDirs) {
		for (altdma_usize size : {1ul, 4096ul, 12289ul}) {
			altdma_phys_t phys;
			altdma_dma_t dma;
			ASSERT_EQ(altdma_core_alloc_pages(core_, size, dir, 0x0cc0, &phys, &dma), 0);
			check_block(phys, dma, size, true);
			altdma_core_free_pages(core_, size, dma, dir);
			EXPECT_FALSE(plat().page_block_allocated(phys));
		}
	}
}

TEST_F(AllocPages, SameZoneRetryAsCoherent)
{
	dev_.set_masks(fake::bits(64), fake::bits(30));
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	ASSERT_EQ(altdma_core_alloc_pages(core_, 4096, ALTDMA_FROM_DEVICE, 0x1234, &phys, &dma), 0);
	EXPECT_EQ(plat().page_alloc_zones(), (Zones{D32, D}));
	for (const fake::PageAllocCall &c : plat().page_alloc_calls())
		EXPECT_EQ(c.caller_gfp, 0x1234u);
	altdma_core_free_pages(core_, 4096, dma, ALTDMA_FROM_DEVICE);
}

TEST_F(AllocPages, ErrorsMatchCoherent)
{
	create();
	altdma_phys_t phys;
	altdma_dma_t dma;
	EXPECT_EQ(altdma_core_alloc_pages(core_, 0, ALTDMA_TO_DEVICE, 0, &phys, &dma), -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_alloc_pages(core_, 4 * MiB + 1, ALTDMA_TO_DEVICE, 0, &phys, &dma),
		  -ALTDMA_EINVAL);
	EXPECT_TRUE(plat().page_alloc_calls().empty());
	plat().fail_next_page_allocs(1);
	EXPECT_EQ(altdma_core_alloc_pages(core_, 4096, ALTDMA_TO_DEVICE, 0, &phys, &dma),
		  -ALTDMA_ENOMEM);
}

} // namespace
} // namespace test
