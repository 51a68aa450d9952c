// The fault layer through the core API: which operations it fails, what a
// failure returns, that nothing below the layer sees a failed operation,
// and what it counts.
#include <gtest/gtest.h>

#include "test_support.h"

namespace test {
namespace {

class FaultLayer : public CoreTest {
protected:
	void create_with_faults(altdma_u32 policy, altdma_u32 flags = 0)
	{
		altdma_core_config cfg = config(policy);
		cfg.flags = ALTDMA_FLAG_FAULTS | flags;
		ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0) << dev_.dump_log();
	}

	void set(altdma_core_fault_class cls, altdma_core_fault_knob knob, altdma_s64 value)
	{
		ASSERT_EQ(altdma_core_fault_set(core_, cls, knob, value), 0)
			<< "class " << cls << " knob " << knob << " = " << value;
	}

	altdma_core_stats stats()
	{
		altdma_core_stats s;
		altdma_core_get_stats(core_, &s);
		return s;
	}
};

TEST_F(FaultLayer, TheLayerSelectsTheGenericTableUnderEitherPolicy)
{
	create_with_faults(ALTDMA_POLICY_DIRECT);
	EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_GENERIC);
	destroy();
	create_with_faults(ALTDMA_POLICY_BOUNCE, ALTDMA_BOUNCE_FORCE);
	EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_GENERIC);
}

TEST_F(FaultLayer, WithoutTheLayerKnobsAreNotSupported)
{
	create();
	altdma_s64 v = 7;
	EXPECT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, 1),
		  -ALTDMA_EOPNOTSUPP);
	EXPECT_EQ(altdma_core_fault_get(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, &v),
		  -ALTDMA_EOPNOTSUPP);
	EXPECT_EQ(v, 7);
	EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_DIRECT_FAST);
}

TEST_F(FaultLayer, UnknownClassesAndKnobsAreInvalid)
{
	create_with_faults(ALTDMA_POLICY_DIRECT);
	altdma_s64 v = 0;
	EXPECT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_CLASS_COUNT, ALTDMA_CORE_FAULT_TIMES, 1),
		  -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_KNOB_COUNT, 1),
		  -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_fault_get(core_, static_cast<altdma_core_fault_class>(-1),
					ALTDMA_CORE_FAULT_TIMES, &v),
		  -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_PROBABILITY, 101),
		  -ALTDMA_EINVAL);
	ASSERT_EQ(altdma_core_fault_get(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_PROBABILITY, &v), 0);
	EXPECT_EQ(v, 0) << "a refused value changes nothing";
}

// fail_nth on map fails exactly that map, as a real refusal, and leaves
// the other classes alone.
TEST_F(FaultLayer, FailNthFailsThatMapOnlyAndOnlyItsClass)
{
	create_with_faults(ALTDMA_POLICY_DIRECT);
	set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_VERBOSE, 0);
	set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, 3);

	std::vector<altdma_dma_t> got;
	for (int i = 0; i < 5; i++)
		got.push_back(altdma_core_map_phys(core_, kDma32Ram + i * kPage, 512,
						   ALTDMA_TO_DEVICE, 0));
	for (int i = 0; i < 5; i++) {
		if (i == 2)
			EXPECT_EQ(got[i], ALTDMA_MAPPING_ERROR);
		else
			EXPECT_EQ(got[i], kDma32Ram + i * kPage) << "map " << i + 1;
	}
	// Other classes never fail from map's knobs.
	EXPECT_NE(altdma_core_map_resource(core_, kDma32Ram, 64, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
	fake::SgChain sg({ { kDma32Ram, 100 }, { kDma32Ram + kPage, 200 } });
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 2);

	altdma_core_stats s = stats();
	EXPECT_EQ(s.faults_injected[ALTDMA_CORE_FAULT_MAP], 1u);
	EXPECT_EQ(s.fault_calls[ALTDMA_CORE_FAULT_MAP], 5u);
	EXPECT_EQ(s.fault_calls[ALTDMA_CORE_FAULT_MAP_RESOURCE], 1u);
	EXPECT_EQ(s.fault_calls[ALTDMA_CORE_FAULT_MAP_SG], 1u) << "one decision per list";
	EXPECT_EQ(s.faults_injected[ALTDMA_CORE_FAULT_MAP_SG], 0u);
	EXPECT_EQ(s.maps, 4u + 1 + 2) << "the injected failure never reached the policy";
	EXPECT_EQ(s.map_failures, 0u) << "an injected failure is not a refusal";
	altdma_s64 left = -1;
	ASSERT_EQ(altdma_core_fault_get(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, &left), 0);
	EXPECT_EQ(left, 0) << "disarmed after its failure";
}

// An injected map_sg failure: -ENOMEM before any entry is mapped, so no
// bounce slot is taken and the list is untouched.
TEST_F(FaultLayer, MapSgFailsWholeWithEnomemAndTakesNoSlot)
{
	create_with_faults(ALTDMA_POLICY_BOUNCE, ALTDMA_BOUNCE_FORCE);
	plat().reserve(kDma32Ram, 2 * kPage);
	set(ALTDMA_CORE_FAULT_MAP_SG, ALTDMA_CORE_FAULT_VERBOSE, 0);
	set(ALTDMA_CORE_FAULT_MAP_SG, ALTDMA_CORE_FAULT_FAIL_NTH, 1);
	fake::SgChain sg({ { kDma32Ram, 100 }, { kDma32Ram + kPage, 200 } });
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0),
		  -ALTDMA_ENOMEM);
	altdma_core_stats s = stats();
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.faults_injected[ALTDMA_CORE_FAULT_MAP_SG], 1u);
	EXPECT_EQ(sg[0].set_dma_calls, 0) << "the list is untouched";
	EXPECT_EQ(sg[1].set_dma_calls, 0);

	// The next list maps and bounces.
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0), 2);
	EXPECT_EQ(stats().outstanding_bounces, 2u);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0);
}

// The size filter of map_sg sees the list's total length.
TEST_F(FaultLayer, MapSgSizeFilterSeesTheWholeList)
{
	create_with_faults(ALTDMA_POLICY_DIRECT);
	set(ALTDMA_CORE_FAULT_MAP_SG, ALTDMA_CORE_FAULT_VERBOSE, 0);
	set(ALTDMA_CORE_FAULT_MAP_SG, ALTDMA_CORE_FAULT_MIN_SIZE, 8192);
	set(ALTDMA_CORE_FAULT_MAP_SG, ALTDMA_CORE_FAULT_PROBABILITY, 100);
	set(ALTDMA_CORE_FAULT_MAP_SG, ALTDMA_CORE_FAULT_TIMES, -1);
	fake::SgChain small({ { kDma32Ram, 4096 }, { kDma32Ram + kPage, 4095 } });
	fake::SgChain large({ { kDma32Ram, 4096 }, { kDma32Ram + kPage, 4096 } });
	EXPECT_EQ(altdma_core_map_sg(core_, small.head(), 2, ALTDMA_TO_DEVICE, 0), 2);
	EXPECT_EQ(altdma_core_map_sg(core_, large.head(), 2, ALTDMA_TO_DEVICE, 0),
		  -ALTDMA_ENOMEM);
}

TEST_F(FaultLayer, AllocationsFailWithNoMemoryAndLeaveNothing)
{
	create_with_faults(ALTDMA_POLICY_DIRECT);
	set(ALTDMA_CORE_FAULT_ALLOC, ALTDMA_CORE_FAULT_VERBOSE, 0);
	set(ALTDMA_CORE_FAULT_ALLOC, ALTDMA_CORE_FAULT_FAIL_NTH, 1);
	set(ALTDMA_CORE_FAULT_ALLOC_PAGES, ALTDMA_CORE_FAULT_VERBOSE, 0);
	set(ALTDMA_CORE_FAULT_ALLOC_PAGES, ALTDMA_CORE_FAULT_DIRECTIONS, 1 << ALTDMA_FROM_DEVICE);
	set(ALTDMA_CORE_FAULT_ALLOC_PAGES, ALTDMA_CORE_FAULT_PROBABILITY, 100);
	set(ALTDMA_CORE_FAULT_ALLOC_PAGES, ALTDMA_CORE_FAULT_TIMES, -1);
	auto blocks = plat().outstanding_page_blocks();

	altdma_phys_t phys = 0;
	altdma_dma_t dma = 0;
	EXPECT_EQ(altdma_core_alloc(core_, kPage, 0, 0, &phys, &dma), -ALTDMA_ENOMEM);
	EXPECT_EQ(plat().outstanding_page_blocks(), blocks);
	ASSERT_EQ(altdma_core_alloc(core_, kPage, 0, 0, &phys, &dma), 0);
	altdma_core_free(core_, kPage, dma, 0);

	EXPECT_EQ(altdma_core_alloc_pages(core_, kPage, ALTDMA_FROM_DEVICE, 0, &phys, &dma),
		  -ALTDMA_ENOMEM);
	ASSERT_EQ(altdma_core_alloc_pages(core_, kPage, ALTDMA_TO_DEVICE, 0, &phys, &dma), 0)
		<< "outside the direction filter";
	altdma_core_free_pages(core_, kPage, dma, ALTDMA_TO_DEVICE);
	EXPECT_EQ(plat().outstanding_page_blocks(), blocks);

	altdma_core_stats s = stats();
	EXPECT_EQ(s.faults_injected[ALTDMA_CORE_FAULT_ALLOC], 1u);
	EXPECT_EQ(s.faults_injected[ALTDMA_CORE_FAULT_ALLOC_PAGES], 1u);
	EXPECT_EQ(s.coherent_allocs, 2u) << "only the allocations made count";
}

// verbose 1: one line naming the class and the operation; 2: and the stack.
TEST_F(FaultLayer, VerboseSaysWhichOperationFailed)
{
	create_with_faults(ALTDMA_POLICY_DIRECT);
	set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_VERBOSE, 1);
	set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, 2);
	altdma_core_map_phys(core_, kDma32Ram, 512, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram, 4096, ALTDMA_FROM_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
	auto lines = dev_.find_log({ "fault injected", "map of 4096 bytes", "FROM_DEVICE",
				     "operation 2" });
	EXPECT_EQ(lines.size(), 1u) << dev_.dump_log();
	EXPECT_EQ(plat().stack_dumps(), 0);

	set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_VERBOSE, 2);
	set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, 1);
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram, 512, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.find_log({ "fault injected", "stack follows" }).size(), 1u);
	EXPECT_EQ(plat().stack_dumps(), 1);

	set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_VERBOSE, 0);
	set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, 1);
	auto before = dev_.log.size();
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram, 512, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.log.size(), before) << "verbose 0 is silent";
}

// The same seed gives the same failures, through the whole layer.
TEST_F(FaultLayer, SeededProbabilityRepeatsThroughTheCore)
{
	auto run = [&](altdma_s64 seed) {
		std::vector<bool> failed;
		set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_VERBOSE, 0);
		set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_TIMES, -1);
		set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_SEED, seed);
		set(ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_PROBABILITY, 30);
		for (int i = 0; i < 200; i++)
			failed.push_back(altdma_core_map_phys(core_, kDma32Ram, 64,
							      ALTDMA_TO_DEVICE, 0) ==
					 ALTDMA_MAPPING_ERROR);
		return failed;
	};
	create_with_faults(ALTDMA_POLICY_DIRECT);
	std::vector<bool> first = run(42);
	destroy();
	create_with_faults(ALTDMA_POLICY_DIRECT);
	std::vector<bool> second = run(42);
	EXPECT_EQ(first, second);
	long n = std::count(first.begin(), first.end(), true);
	EXPECT_GT(n, 30) << "about 60 of 200 at 30%";
	EXPECT_LT(n, 90);
}

// Creating with the layer fails cleanly at each allocation.
TEST_F(FaultLayer, CreateFailuresLeaveNothing)
{
	altdma_core_config cfg = config(ALTDMA_POLICY_BOUNCE);
	cfg.flags = ALTDMA_FLAG_FAULTS | ALTDMA_BOUNCE_FORCE;
	EXPECT_GT(fail_each_create_allocation(cfg, 64), 1);
}

} // namespace
} // namespace test
