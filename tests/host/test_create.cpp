// SPDX-License-Identifier: GPL-2.0
// altdma_core_create / altdma_core_destroy: config validation, range map
// copy, and allocation failure without leaks.
#include "test_support.h"

namespace test {
namespace {

using CoreCreate = CoreTest;

TEST_F(CoreCreate, DirectPolicySucceedsAndDestroyFreesEverything)
{
	create();
	EXPECT_GT(plat().outstanding_allocs() + plat().live_locks(), 0u)
		<< "the core keeps no state at all?";
	destroy();
	EXPECT_EQ(plat().outstanding_allocs(), 0u);
	EXPECT_EQ(plat().live_locks(), 0u);
	EXPECT_TRUE(dev_.find_log({}, ALTDMA_LOG_ERR).empty()) << dev_.dump_log();
	EXPECT_TRUE(dev_.find_log({}, ALTDMA_LOG_WARN).empty()) << dev_.dump_log();
}

TEST_F(CoreCreate, UnknownPolicyIsRejectedWithMessageAndNothingLeaked)
{
	for (altdma_u32 policy : {static_cast<altdma_u32>(ALTDMA_POLICY_COUNT), 7u, 0xffffffffu}) {
		dev_.log.clear();
		altdma_core_config cfg = config(policy);
		altdma_core_device *core = nullptr;
		EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core), -ALTDMA_EINVAL);
		EXPECT_EQ(core, nullptr) << "*out written on failure";
		ASSERT_EQ(dev_.find_log({"policy"}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
		EXPECT_EQ(dev_.find_log({"policy", std::to_string(policy)}).size(), 1u)
			<< "message should name the bad value\n" << dev_.dump_log();
		EXPECT_EQ(plat().outstanding_allocs(), 0u);
		EXPECT_EQ(plat().live_locks(), 0u);
	}
}

// The direct policy has no pool, guard or emulated mask: a config that sets
// any bounce field is a mistake, refused with a message.
TEST_F(CoreCreate, DirectPolicyRejectsBounceSettings)
{
	for (int field = 0; field < 5; field++) {
		SCOPED_TRACE(field);
		dev_.log.clear();
		altdma_core_config cfg = direct();
		switch (field) {
		case 0: cfg.flags = 1; break;
		case 1: cfg.emulated_mask_bits = 32; break;
		case 2: cfg.guard_size = 64; break;
		case 3: cfg.pool_size = 1 << 20; break;
		case 4: cfg.max_mapping_size = 1 << 16; break;
		}
		altdma_core_device *core = nullptr;
		EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core), -ALTDMA_EINVAL);
		EXPECT_EQ(core, nullptr);
		EXPECT_EQ(dev_.find_log({}, ALTDMA_LOG_ERR).size(), 1u) << dev_.dump_log();
		EXPECT_EQ(plat().outstanding_allocs(), 0u);
		EXPECT_EQ(plat().live_locks(), 0u);
	}
}

TEST_F(CoreCreate, NullArgumentsAreRejected)
{
	altdma_core_config cfg = direct();
	altdma_core_device *core = nullptr;
	EXPECT_EQ(altdma_core_create(dev_.plat(), nullptr, &core), -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_create(nullptr, &cfg, &core), -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, nullptr), -ALTDMA_EINVAL);
	EXPECT_EQ(core, nullptr);
}

// As kfree(NULL): destroying no core makes no platform call at all (the
// shim's error paths call it unconditionally).
TEST_F(CoreCreate, DestroyNullIsNoop)
{
	const fake::Snapshot before = plat().snapshot(&dev_);
	altdma_core_destroy(nullptr);
	EXPECT_EQ(plat().snapshot(&dev_), before);
	EXPECT_EQ(plat().abi_calls(), before.abi_calls);
}

// Fail each bookkeeping allocation of create in turn (with and without a
// range map to copy): every failure is -ENOMEM and leaves nothing behind.
TEST_F(CoreCreate, EveryAllocationFailureReturnsENOMEMWithoutLeaks)
{
	for (bool with_ranges : {false, true}) {
		SCOPED_TRACE(with_ranges ? "with ranges" : "without ranges");
		if (with_ranges)
			dev_.ranges = {{0, 0x80000000ull, 64 * GiB}, {64 * GiB, 0, GiB}};
		int failures = fail_each_create_allocation(direct(), 64);
		EXPECT_GE(failures, with_ranges ? 2 : 1);
		EXPECT_TRUE(plat().check_clean());
	}
}

TEST_F(CoreCreate, AllAllocationsFailingReturnsENOMEM)
{
	plat().fail_all_allocs(true);
	altdma_core_config cfg = direct();
	altdma_core_device *core = nullptr;
	EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core), -ALTDMA_ENOMEM);
	EXPECT_EQ(core, nullptr);
}

TEST_F(CoreCreate, RangesAreCopiedAtCreateTime)
{
	dev_.ranges = {{kDma32Ram, 0x10000000ull, 8 * MiB}};
	create();
	// The device's map changes after attach; the core keeps its copy.
	dev_.ranges = {{kDma32Ram, 0x20000000ull, 8 * MiB}};
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram + 0x10, 16, ALTDMA_TO_DEVICE, 0),
		  0x10000010ull);
	dev_.ranges.clear();
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram + 0x10, 16, ALTDMA_TO_DEVICE, 0),
		  0x10000010ull);
	EXPECT_EQ(altdma_core_map_phys(core_, kNormalRam, 16, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
}

TEST_F(CoreCreate, ManyRangesAreAccepted)
{
	// 64 one-page ranges, each shifted by 1 GiB.
	for (altdma_u64 i = 0; i < 64; i++)
		dev_.ranges.push_back({kDma32Ram + i * kPage, GiB + i * kPage, kPage});
	create();
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram, 1, ALTDMA_TO_DEVICE, 0),
		  GiB);
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram + 63 * kPage + 5, 1, ALTDMA_TO_DEVICE, 0),
		  GiB + 63 * kPage + 5);
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram + 64 * kPage, 1, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
}

TEST_F(CoreCreate, AbsurdlyLongRangeMapIsRejected)
{
	for (altdma_u64 i = 0; i < 100000; i++)
		dev_.ranges.push_back({i * kPage, i * kPage, kPage});
	altdma_core_config cfg = direct();
	altdma_core_device *core = nullptr;
	EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core), -ALTDMA_EINVAL);
	EXPECT_EQ(core, nullptr);
	EXPECT_FALSE(dev_.find_log({"range"}, ALTDMA_LOG_ERR).empty()) << dev_.dump_log();
}

TEST_F(CoreCreate, EmptyRangeEntryIsRejected)
{
	dev_.ranges = {{kDma32Ram, 0, 8 * MiB}, {kNormalRam, 0x10000000ull, 0}};
	altdma_core_config cfg = direct();
	altdma_core_device *core = nullptr;
	EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core), -ALTDMA_EINVAL);
	EXPECT_EQ(core, nullptr);
	EXPECT_FALSE(dev_.find_log({"range"}, ALTDMA_LOG_ERR).empty()) << dev_.dump_log();
}

TEST_F(CoreCreate, MasksAreReadAtEveryOperationNotCachedAtCreate)
{
	dev_.set_masks(fake::bits(64), fake::bits(64));
	create();
	EXPECT_EQ(altdma_core_map_phys(core_, kNormalRam, 4096, ALTDMA_TO_DEVICE, 0), kNormalRam);
	// The driver calls dma_set_mask(32) after attach.
	dev_.set_masks(fake::bits(32), fake::bits(32));
	EXPECT_EQ(altdma_core_map_phys(core_, kNormalRam, 4096, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
	dev_.set_masks(fake::bits(33), fake::bits(32));
	EXPECT_EQ(altdma_core_map_phys(core_, kNormalRam, 4096, ALTDMA_TO_DEVICE, 0), kNormalRam);
}

TEST_F(CoreCreate, TwoDevicesAreIndependent)
{
	FakeDevice other;
	other.name = "fake1";
	other.ranges = {{kDma32Ram, 0x1000000000ull, 8 * MiB}};
	create();
	altdma_core_config cfg = direct();
	altdma_core_device *core2 = nullptr;
	ASSERT_EQ(altdma_core_create(other.plat(), &cfg, &core2), 0);
	EXPECT_EQ(altdma_core_map_phys(core_, kDma32Ram, 1, ALTDMA_TO_DEVICE, 0), kDma32Ram);
	EXPECT_EQ(altdma_core_map_phys(core2, kDma32Ram, 1, ALTDMA_TO_DEVICE, 0), 0x1000000000ull);
	// Failures are reported on the device that failed.
	other.set_masks(fake::bits(32), fake::bits(32));
	EXPECT_EQ(altdma_core_map_phys(core2, kDma32Ram, 1, ALTDMA_TO_DEVICE, 0), ALTDMA_MAPPING_ERROR);
	EXPECT_TRUE(dev_.log.empty());
	EXPECT_EQ(other.log.size(), 1u);
	altdma_core_destroy(core2);
}

} // namespace
} // namespace test
