// Device-level counters: every policy counts its streaming maps, refused
// maps and coherent allocations (what `make demo` reports as mappings made).
#include <gtest/gtest.h>

#include "test_support.h"

namespace test {
namespace {

class DeviceStats : public CoreTest {
protected:
	altdma_core_stats stats()
	{
		altdma_core_stats s;
		__builtin_memset(&s, 0xff, sizeof(s));
		altdma_core_get_stats(core_, &s);
		return s;
	}
};

TEST_F(DeviceStats, DirectPolicyCountsMapsFailuresAndAllocations)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	altdma_core_stats s = stats();
	EXPECT_EQ(s.maps, 0u);
	EXPECT_EQ(s.map_failures, 0u);
	EXPECT_EQ(s.coherent_allocs, 0u);
	EXPECT_EQ(s.pool_size, 0u) << "the direct policy has no pool";

	altdma_dma_t dma = altdma_core_map_phys(core_, kDma32Ram, 512, ALTDMA_TO_DEVICE, 0);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	altdma_core_unmap_phys(core_, dma, 512, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(altdma_core_map_phys(core_, kNormalRam, 512, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
	EXPECT_NE(altdma_core_map_resource(core_, kDma32Ram, 64, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);

	fake::SgChain sg({ { kDma32Ram, 100 }, { kDma32Ram + kPage, 200 } });
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0), 2);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0);

	altdma_phys_t phys;
	ASSERT_EQ(altdma_core_alloc(core_, kPage, 0, 0, &phys, &dma), 0);
	altdma_core_free(core_, kPage, dma, 0);

	s = stats();
	EXPECT_EQ(s.maps, 4u) << "one single, one resource, two sg entries";
	EXPECT_EQ(s.map_failures, 1u);
	EXPECT_EQ(s.coherent_allocs, 1u);
}

TEST_F(DeviceStats, AFailedSgEntryCountsAsOneFailure)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	fake::SgChain sg({ { kDma32Ram, 100 }, { kNormalRam, 100 } });
	EXPECT_LT(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 0);
	altdma_core_stats s = stats();
	EXPECT_EQ(s.maps, 1u);
	EXPECT_EQ(s.map_failures, 1u);
}

} // namespace
} // namespace test
