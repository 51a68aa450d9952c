// SPDX-License-Identifier: GPL-2.0
// Scatterlist mappings: map_sg / unmap_sg under the direct policy.
#include "test_support.h"

namespace test {
namespace {

using MapSg = CoreTest;

TEST_F(MapSg, MapsEveryEntryAndReturnsNents)
{
	create();
	fake::SgChain sg({
		{kDmaRam + 0x10, 100},
		{kDma32Ram, 4096},
		{kNormalRam + 4095, 8193},
		{kHighRam + 4 * MiB - 1, 1},
	});
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), sg.nents(), ALTDMA_TO_DEVICE, 0), 4);
	for (std::size_t i = 0; i < sg.size(); i++) {
		EXPECT_EQ(sg[i].dma_address, sg[i].phys) << i;
		EXPECT_EQ(sg[i].dma_length, sg[i].length) << i;
		EXPECT_EQ(sg[i].set_dma_calls, 1) << i;
	}
	altdma_core_unmap_sg(core_, sg.head(), sg.nents(), ALTDMA_TO_DEVICE, 0);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(MapSg, TranslatesThroughRanges)
{
	dev_.ranges = {{kDma32Ram, 0x1000, 8 * MiB}, {kNormalRam, 0x10000000ull, 8 * MiB}};
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	fake::SgChain sg({{kDma32Ram + 0x200, 512}, {kNormalRam + 0x3000, 4096}});
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0), 2);
	EXPECT_EQ(sg[0].dma_address, 0x1200u);
	EXPECT_EQ(sg[1].dma_address, 0x10003000ull);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0);
}

TEST_F(MapSg, OnlyTheFirstNentsEntriesAreMapped)
{
	create();
	fake::SgChain sg({{kDma32Ram, 10}, {kDma32Ram + 4096, 20}, {kDma32Ram + 8192, 30}});
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 2);
	EXPECT_EQ(sg[1].dma_address, kDma32Ram + 4096);
	EXPECT_EQ(sg[2].dma_address, fake::kSgUntouchedAddr);
	EXPECT_EQ(sg[2].set_dma_calls, 0);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0);
}

TEST_F(MapSg, NonPositiveNentsIsEINVAL)
{
	create();
	fake::SgChain sg({{kDma32Ram, 10}});
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 0, ALTDMA_TO_DEVICE, 0), -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), -1, ALTDMA_TO_DEVICE, 0), -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), -2147483647 - 1, ALTDMA_TO_DEVICE, 0),
		  -ALTDMA_EINVAL);
	EXPECT_EQ(sg[0].set_dma_calls, 0);
}

// dma_map_sg's callers see only -EINVAL, -ENOMEM, -EIO, -EREMOTEIO.
TEST_F(MapSg, ChainShorterThanNentsIsEINVALNotACrash)
{
	create();
	fake::SgChain sg({{kDma32Ram, 10}, {kDma32Ram + 4096, 20}});
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 5, ALTDMA_TO_DEVICE, 0), -ALTDMA_EINVAL);
	EXPECT_FALSE(dev_.log.empty());
}

class MapSgFailure : public CoreTest, public ::testing::WithParamInterface<int> {};

// Entry k is out of reach: -EIO, entries before it were mapped and are
// unmapped again (a no-op under direct), entries after it never touched,
// and the message names the failing entry.
TEST_P(MapSgFailure, UnreachableEntryKIsEIOAndLaterEntriesUntouched)
{
	const int k = GetParam();
	const int n = 5;
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	fake::SgChain sg;
	for (int i = 0; i < n; i++)
		sg.add(i == k ? kNormalRam + 0x1000 * i : kDma32Ram + 0x1000 * i, 512 + i);

	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), n, ALTDMA_BIDIRECTIONAL, 0), -ALTDMA_EIO);
	for (int i = k + 1; i < n; i++) {
		EXPECT_EQ(sg[i].dma_address, fake::kSgUntouchedAddr) << i;
		EXPECT_EQ(sg[i].dma_length, fake::kSgUntouchedLen) << i;
		EXPECT_EQ(sg[i].set_dma_calls, 0) << i;
	}
	for (int i = 0; i < k; i++)
		EXPECT_LE(sg[i].set_dma_calls, 1) << i;
	ASSERT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
	EXPECT_EQ(dev_.log[0].level, ALTDMA_LOG_ERR);
	EXPECT_TRUE(dev_.log[0].ratelimited);
	EXPECT_NE(dev_.log[0].text.find(hex(kNormalRam + 0x1000 * k)), std::string::npos)
		<< dev_.log[0].text;
	EXPECT_EQ(plat().outstanding_page_blocks(), 0u);
}

INSTANTIATE_TEST_SUITE_P(EachPosition, MapSgFailure, ::testing::Values(0, 1, 2, 4));

TEST_F(MapSg, UntranslatableEntryIsEIO)
{
	dev_.ranges = {{kDma32Ram, 0, 8 * MiB}};
	create();
	fake::SgChain sg({{kDma32Ram, 64}, {kDmaRam, 64}, {kDma32Ram + 64, 64}});
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 3, ALTDMA_TO_DEVICE, 0), -ALTDMA_EIO);
	EXPECT_EQ(sg[2].set_dma_calls, 0);
	EXPECT_FALSE(dev_.find_log({hex(kDmaRam)}).empty()) << dev_.dump_log();
}

TEST_F(MapSg, RemappingAfterFailureWithWiderMaskSucceeds)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	fake::SgChain sg({{kDma32Ram, 64}, {kHighRam, 64}});
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), -ALTDMA_EIO);
	dev_.set_masks(fake::bits(40), fake::bits(40));
	sg.reset_dma();
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 2);
	EXPECT_EQ(sg[1].dma_address, kHighRam);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0);
}

TEST_F(MapSg, LongChainMapsAndUnmaps)
{
	create();
	fake::SgChain sg;
	for (int i = 0; i < 1000; i++)
		sg.add(kDma32Ram + 0x800 * i, 0x800);
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 1000, ALTDMA_TO_DEVICE, 0), 1000);
	EXPECT_EQ(sg[999].dma_address, kDma32Ram + 0x800 * 999);
	altdma_core_unmap_sg(core_, sg.head(), 1000, ALTDMA_TO_DEVICE, 0);
	altdma_core_sync_sg_for_cpu(core_, sg.head(), 1000, ALTDMA_TO_DEVICE);
}

TEST_F(MapSg, UnmapAndSyncWalkOnlyNents)
{
	create();
	fake::SgChain sg({{kDma32Ram, 10}, {kDma32Ram + 4096, 20}});
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 1, ALTDMA_TO_DEVICE, 0), 1);
	// Entry 1 was never mapped; walking only one entry must not read it
	// as a mapping (no crash, no message).
	altdma_core_sync_sg_for_device(core_, sg.head(), 1, ALTDMA_TO_DEVICE);
	altdma_core_sync_sg_for_cpu(core_, sg.head(), 1, ALTDMA_TO_DEVICE);
	altdma_core_unmap_sg(core_, sg.head(), 1, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(sg[1].set_dma_calls, 0);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(MapSg, ZeroLengthEntryIsMappedAsItsAddress)
{
	create();
	fake::SgChain sg({{kDma32Ram, 0}, {kDma32Ram + 64, 64}});
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 2);
	EXPECT_EQ(sg[0].dma_address, kDma32Ram);
	EXPECT_EQ(sg[0].dma_length, 0u);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0);
}

TEST_F(MapSg, MaximumEntryLengthIsMapped)
{
	create();
	fake::SgChain sg({{kDma32Ram, 0xffffffffu}});
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 1, ALTDMA_TO_DEVICE, 0), 1);
	EXPECT_EQ(sg[0].dma_length, 0xffffffffu);
	dev_.set_masks(fake::bits(32), fake::bits(32));
	sg.reset_dma();
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 1, ALTDMA_TO_DEVICE, 0), -ALTDMA_EIO);
}

} // namespace
} // namespace test
