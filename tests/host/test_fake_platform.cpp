// SPDX-License-Identifier: GPL-2.0
// Self-tests of the fake platform: the core tests are only as good as the
// fake's allocator, leak detection and misuse detection.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "fake_platform.h"
#include "test_support.h"

namespace test {
namespace {

class FakePlatformTest : public ::testing::Test {
protected:
	void SetUp() override { fake::platform().reset(); }
	void TearDown() override { fake::platform().reset(); }
	fake::FakePlatform &plat() { return fake::platform(); }
	FakeDevice dev_;
};

TEST_F(FakePlatformTest, DefaultLayoutHasRamInEveryZone)
{
	EXPECT_TRUE(plat().is_ram(kDmaRam, 4 * MiB));
	EXPECT_TRUE(plat().is_ram(kDma32Ram, 8 * MiB));
	EXPECT_TRUE(plat().is_ram(kNormalRam, 8 * MiB));
	EXPECT_TRUE(plat().is_ram(kHighRam, 4 * MiB));
	EXPECT_FALSE(plat().is_ram(kDmaRam - 1));
	EXPECT_FALSE(plat().is_ram(kDmaRam + 4 * MiB));
	EXPECT_FALSE(plat().is_ram(kDmaRam, 4 * MiB + 1));
	EXPECT_LE(kDmaRam + 4 * MiB, 1ull << 24);
	EXPECT_LE(kDma32Ram + 8 * MiB, 1ull << 32);

	altdma_plat_info info;
	altdma_plat_get_info(&info);
	EXPECT_EQ(info.max_pfn, kDefaultMaxPfn);
	EXPECT_EQ(info.zone_dma_bits, 24u);
	EXPECT_EQ(info.has_zone_dma, 1u);
	EXPECT_EQ(info.has_zone_dma32, 1u);
	EXPECT_EQ(info.max_page_order, 10u);
}

TEST_F(FakePlatformTest, PhysToVirtPointsIntoBackingMemoryAndNullOutsideRam)
{
	std::uint8_t *buf = plat().reserve(kDma32Ram + 0x1000, 0x2000, 0x11);
	ASSERT_NE(buf, nullptr);
	EXPECT_EQ(altdma_plat_phys_to_virt(kDma32Ram + 0x1000), buf);
	EXPECT_EQ(static_cast<std::uint8_t *>(altdma_plat_phys_to_virt(kDma32Ram + 0x1fff)),
		  buf + 0xfff);
	EXPECT_EQ(reinterpret_cast<std::uintptr_t>(altdma_plat_phys_to_virt(kDma32Ram)) % kPage, 0u);
	EXPECT_EQ(altdma_plat_phys_to_virt(0), nullptr);
	EXPECT_EQ(altdma_plat_phys_to_virt(kDma32Ram + 8 * MiB), nullptr);
	EXPECT_EQ(altdma_plat_phys_to_virt(~0ull), nullptr);
	EXPECT_EQ(buf[0], 0x11);
}

TEST_F(FakePlatformTest, ZoneAllocationsStayBelowTheZoneLimitAndAreNaturallyAligned)
{
	struct Case {
		altdma_zone zone;
		altdma_u64 limit;
	} cases[] = {
		{ALTDMA_ZONE_DMA, 1ull << 24},
		{ALTDMA_ZONE_DMA32, 1ull << 32},
		{ALTDMA_ZONE_NORMAL, ~0ull},
	};
	for (const Case &c : cases) {
		for (altdma_u32 order : {0u, 1u, 3u, 10u}) {
			altdma_phys_t phys = 0;
			ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, c.zone, order, &phys), 0);
			EXPECT_EQ(phys % (kPage << order), 0u);
			EXPECT_LE(phys + (kPage << order) - 1, c.limit);
			EXPECT_TRUE(plat().all_bytes(phys, kPage << order, fake::kPoisonByte));
			altdma_plat_free_pages(phys, order);
		}
	}
	EXPECT_TRUE(plat().check_clean());
}

TEST_F(FakePlatformTest, NormalZonePrefersHighestMemory)
{
	altdma_phys_t phys;
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, ALTDMA_ZONE_NORMAL, 0, &phys), 0);
	EXPECT_GE(phys, kHighRam);
	altdma_plat_free_pages(phys, 0);
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, ALTDMA_ZONE_DMA32, 0, &phys), 0);
	EXPECT_GE(phys, kDma32Ram);
	EXPECT_LT(phys, kDma32Ram + 8 * MiB);
	altdma_plat_free_pages(phys, 0);
}

TEST_F(FakePlatformTest, ExhaustedDmaZoneFailsInsteadOfUsingHigherMemory)
{
	// The DMA zone has 4 MiB: one order-10 block.
	altdma_phys_t a, b;
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, ALTDMA_ZONE_DMA, 10, &a), 0);
	EXPECT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, ALTDMA_ZONE_DMA, 0, &b), -ALTDMA_ENOMEM);
	altdma_plat_free_pages(a, 10);
}

TEST_F(FakePlatformTest, FailureKnobsAndCallRecords)
{
	altdma_phys_t phys;
	plat().fail_next_page_allocs(2);
	EXPECT_EQ(altdma_plat_alloc_pages(dev_.plat(), 7, ALTDMA_ZONE_NORMAL, 0, &phys), -ALTDMA_ENOMEM);
	EXPECT_EQ(altdma_plat_alloc_pages(dev_.plat(), 8, ALTDMA_ZONE_DMA32, 1, &phys), -ALTDMA_ENOMEM);
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 9, ALTDMA_ZONE_DMA, 2, &phys), 0);
	altdma_plat_free_pages(phys, 2);
	plat().fail_zone(ALTDMA_ZONE_DMA32);
	EXPECT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, ALTDMA_ZONE_DMA32, 0, &phys), -ALTDMA_ENOMEM);
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, ALTDMA_ZONE_DMA, 0, &phys), 0);
	altdma_plat_free_pages(phys, 0);

	const auto &calls = plat().page_alloc_calls();
	ASSERT_EQ(calls.size(), 5u);
	EXPECT_EQ(calls[0].caller_gfp, 7u);
	EXPECT_EQ(calls[0].zone, ALTDMA_ZONE_NORMAL);
	EXPECT_EQ(calls[1].order, 1u);
	EXPECT_EQ(calls[2].result, 0);
	EXPECT_EQ(calls[2].dev, dev_.plat());
	EXPECT_EQ(calls[3].result, -ALTDMA_ENOMEM);
	EXPECT_EQ(plat().page_free_calls().size(), 2u);
}

TEST_F(FakePlatformTest, DoubleFreeAndWrongOrderAreReported)
{
	altdma_phys_t phys;
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, ALTDMA_ZONE_NORMAL, 2, &phys), 0);
	EXPECT_NONFATAL_FAILURE(altdma_plat_free_pages(phys, 1), "wrong order");
	altdma_plat_free_pages(phys, 2);
	EXPECT_NONFATAL_FAILURE(altdma_plat_free_pages(phys, 2), "not allocated");
}

TEST_F(FakePlatformTest, LeakCheckReportsPagesAllocationsAndLocks)
{
	altdma_phys_t phys;
	ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0, ALTDMA_ZONE_NORMAL, 0, &phys), 0);
	EXPECT_NONFATAL_FAILURE(plat().check_clean(), "leaked page block");
	altdma_plat_free_pages(phys, 0);

	void *p = altdma_plat_alloc(24, ALTDMA_GFP_KERNEL);
	EXPECT_NONFATAL_FAILURE(plat().check_clean(), "leaked bookkeeping allocation");
	altdma_plat_free(p);

	struct altdma_plat_lock l;
	altdma_plat_lock_init(&l);
	EXPECT_NONFATAL_FAILURE(plat().check_clean(), "never destroyed");
	altdma_plat_lock_destroy(&l);
	EXPECT_TRUE(plat().check_clean());
}

TEST_F(FakePlatformTest, BookkeepingAllocationPoisonZeroAndFailNth)
{
	auto *p = static_cast<std::uint8_t *>(altdma_plat_alloc(16, ALTDMA_GFP_KERNEL));
	auto *z = static_cast<std::uint8_t *>(altdma_plat_alloc(16, ALTDMA_GFP_ZERO));
	ASSERT_NE(p, nullptr);
	ASSERT_NE(z, nullptr);
	EXPECT_EQ(p[15], fake::kPoisonByte);
	EXPECT_EQ(z[15], 0);
	altdma_plat_free(p);
	altdma_plat_free(z);
	altdma_plat_free(nullptr);

	plat().fail_alloc_nth(2);
	void *a = altdma_plat_alloc(8, 0);
	void *b = altdma_plat_alloc(8, 0);
	void *c = altdma_plat_alloc(8, 0);
	EXPECT_NE(a, nullptr);
	EXPECT_EQ(b, nullptr);
	EXPECT_NE(c, nullptr);
	altdma_plat_free(a);
	altdma_plat_free(c);
	plat().fail_all_allocs(true);
	EXPECT_EQ(altdma_plat_alloc(8, 0), nullptr);
	EXPECT_NONFATAL_FAILURE(altdma_plat_free(&c), "not allocated");
}

TEST_F(FakePlatformTest, LockMisuseIsReported)
{
	struct altdma_plat_lock storage;
	struct altdma_plat_lock *l = &storage;
	altdma_plat_lock_init(l);
	unsigned long flags = altdma_plat_lock(l);
	EXPECT_EQ(plat().locks_held(), 1);
	EXPECT_NONFATAL_FAILURE(altdma_plat_lock(l), "recursively");
	EXPECT_NONFATAL_FAILURE(altdma_plat_alloc(8, ALTDMA_GFP_KERNEL),
				"sleeping bookkeeping allocation");
	altdma_plat_unlock(l, flags);
	EXPECT_EQ(plat().locks_held(), 0);
	EXPECT_NONFATAL_FAILURE(altdma_plat_unlock(l, flags), "not held");
	altdma_plat_lock_destroy(l);
	EXPECT_NONFATAL_FAILURE(altdma_plat_lock(l), "unknown lock");
}

TEST_F(FakePlatformTest, LogFormatsMessagesAndRejectsUnsupportedConversions)
{
	altdma_plat_dev_log(dev_.plat(), ALTDMA_LOG_WARN, 1, "addr %#llx size %zu %s %u %d\n",
			    0x1234abcdull, static_cast<altdma_usize>(42), "x", 7u, -3);
	ASSERT_EQ(dev_.log.size(), 1u);
	EXPECT_EQ(dev_.log[0].level, ALTDMA_LOG_WARN);
	EXPECT_TRUE(dev_.log[0].ratelimited);
	EXPECT_EQ(dev_.log[0].text, "addr 0x1234abcd size 42 x 7 -3\n");
	EXPECT_EQ(dev_.find_log({"1234ABCD", "size 42"}).size(), 1u);
	EXPECT_NONFATAL_FAILURE(altdma_plat_dev_log(dev_.plat(), ALTDMA_LOG_ERR, 0, "%p\n",
						    static_cast<void *>(nullptr)),
				"unsupported conversion");
}

TEST_F(FakePlatformTest, DeviceLimitsAndRanges)
{
	dev_.set_masks(fake::bits(40), fake::bits(32));
	dev_.limits.bus_limit = fake::bits(36);
	dev_.ranges = {{0x1000, 0x2000, 0x3000}};
	altdma_dev_limits l;
	altdma_plat_dev_limits(dev_.plat(), &l);
	EXPECT_EQ(l.dma_mask, fake::bits(40));
	EXPECT_EQ(l.coherent_mask, fake::bits(32));
	EXPECT_EQ(l.bus_limit, fake::bits(36));
	altdma_range r;
	ASSERT_EQ(altdma_plat_dev_range(dev_.plat(), 0, &r), 0);
	EXPECT_EQ(r.cpu_start, 0x1000u);
	EXPECT_EQ(r.dma_start, 0x2000u);
	EXPECT_EQ(r.size, 0x3000u);
	EXPECT_EQ(altdma_plat_dev_range(dev_.plat(), 1, &r), -ALTDMA_ENXIO);
}

TEST_F(FakePlatformTest, ScatterlistChainsWalkWithSgNext)
{
	fake::SgChain sg({{0x1000, 10}, {0x3000, 20}, {0x5000, 30}});
	altdma_plat_sg *s = sg.head();
	EXPECT_EQ(altdma_plat_sg_phys(s), 0x1000u);
	s = altdma_plat_sg_next(s);
	EXPECT_EQ(altdma_plat_sg_length(s), 20u);
	altdma_plat_sg_set_dma(s, 0x77, 5);
	EXPECT_EQ(altdma_plat_sg_dma_address(s), 0x77u);
	EXPECT_EQ(altdma_plat_sg_dma_length(s), 5u);
	s = altdma_plat_sg_next(s);
	EXPECT_EQ(altdma_plat_sg_dma_address(s), fake::kSgUntouchedAddr);
	EXPECT_EQ(altdma_plat_sg_next(s), nullptr);
}

} // namespace
} // namespace test
