// SPDX-License-Identifier: GPL-2.0
// The trace events the core raises through the platform (the kernel's
// altdma:bounce and altdma:fault_injected): one bounce event per copy the
// bounce policy makes, with the copy's original, slot, size and direction,
// none for what it does not copy; one fault event per injected failure.
#include "test_support.h"

namespace test {
namespace {

using BounceTrace = BounceTest;

std::vector<fake::TraceEvent> bounces(const fake::FakeDevice &dev)
{
	std::vector<fake::TraceEvent> out;
	for (const fake::TraceEvent &e : dev.trace)
		if (e.event == "bounce")
			out.push_back(e);
	return out;
}

TEST_F(BounceTrace, EachCopyIsOneEventWithItsAddressesSizeAndDirection)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	const altdma_phys_t orig = kNormalRam + 0x2345;
	altdma_dma_t dma = map(orig, 6000, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
	const altdma_phys_t slot = to_phys(dma);
	sync_cpu(dma + 100, 200);
	sync_dev(dma + 1000, 300);
	unmap(dma, 6000);

	std::vector<fake::TraceEvent> got = bounces(dev_);
	ASSERT_EQ(got.size(), 4u);
	const struct {
		altdma_u64 offset, size;
		bool to_device;
	} want[] = { { 0, 6000, true }, { 100, 200, false }, { 1000, 300, true }, { 0, 6000, false } };
	for (std::size_t i = 0; i < got.size(); i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(got[i].orig, orig + want[i].offset);
		EXPECT_EQ(got[i].slot, slot + want[i].offset);
		EXPECT_EQ(got[i].size, want[i].size);
		EXPECT_EQ(got[i].to_device, want[i].to_device);
	}
}

TEST_F(BounceTrace, NoEventWithoutACopy)
{
	ASSERT_NO_FATAL_FAILURE(create_capped());
	// TO_DEVICE: nothing comes back, not at a sync for the CPU nor at unmap.
	altdma_dma_t dma = map(kNormalRam + 0x1000, 512, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	sync_cpu(dma, 512, ALTDMA_TO_DEVICE);
	unmap(dma, 512, ALTDMA_TO_DEVICE);
	// FROM_DEVICE with SKIP_CPU_SYNC: only the copy-in at map.
	dma = map(kNormalRam + 0x3000, 512, ALTDMA_FROM_DEVICE);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	sync_dev(dma, 512, ALTDMA_FROM_DEVICE);
	unmap(dma, 512, ALTDMA_FROM_DEVICE, ALTDMA_ATTR_SKIP_CPU_SYNC);
	// Below the cap: mapped in place, never bounced.
	dma = map(kDma32Ram + 0x1000, 512, ALTDMA_BIDIRECTIONAL);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	unmap(dma, 512);

	std::vector<fake::TraceEvent> got = bounces(dev_);
	ASSERT_EQ(got.size(), 2u);
	EXPECT_TRUE(got[0].to_device);
	EXPECT_EQ(got[0].orig, kNormalRam + 0x1000);
	EXPECT_TRUE(got[1].to_device);
	EXPECT_EQ(got[1].orig, kNormalRam + 0x3000);
}

TEST_F(BounceTrace, AFailedMapRaisesNoEvent)
{
	ASSERT_NO_FATAL_FAILURE(create_capped(0, 1 * MiB));
	// Larger than the pool: refused before any copy.
	EXPECT_EQ(map(kNormalRam, 2 * MiB, ALTDMA_TO_DEVICE), ALTDMA_MAPPING_ERROR);
	EXPECT_TRUE(bounces(dev_).empty());
}

class FaultTrace : public CoreTest {};

TEST_F(FaultTrace, EveryInjectionIsOneEventNamingClassSizeDirectionAndIndex)
{
	altdma_core_config cfg = config(ALTDMA_POLICY_DIRECT);
	cfg.flags = ALTDMA_FLAG_FAULTS;
	ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0) << dev_.dump_log();
	ASSERT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_VERBOSE, 0), 0);
	ASSERT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, 3), 0);
	ASSERT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_ALLOC, ALTDMA_CORE_FAULT_VERBOSE, 0), 0);
	ASSERT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_ALLOC, ALTDMA_CORE_FAULT_FAIL_NTH, 1), 0);

	int failed = 0;
	for (int i = 0; i < 5; i++) {
		altdma_dma_t dma = altdma_core_map_phys(core_, kDma32Ram + 0x1000 * i, 100 + i,
							ALTDMA_FROM_DEVICE, 0);
		if (dma == ALTDMA_MAPPING_ERROR) {
			failed++;
			continue;
		}
		altdma_core_unmap_phys(core_, dma, 100 + i, ALTDMA_FROM_DEVICE, 0);
	}
	altdma_phys_t phys;
	altdma_dma_t handle;
	EXPECT_NE(altdma_core_alloc(core_, 8192, 0, 0, &phys, &handle), 0);
	EXPECT_EQ(failed, 1);

	ASSERT_EQ(dev_.trace.size(), 2u);
	EXPECT_EQ(dev_.trace[0].event, "fault_injected");
	EXPECT_EQ(dev_.trace[0].op_class, "map");
	EXPECT_EQ(dev_.trace[0].size, 102u) << "the third map";
	EXPECT_EQ(dev_.trace[0].dir, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(dev_.trace[0].op_index, 3u);
	EXPECT_EQ(dev_.trace[1].op_class, "alloc");
	EXPECT_EQ(dev_.trace[1].size, 8192u);
	EXPECT_EQ(dev_.trace[1].op_index, 1u);
}

} // namespace
} // namespace test
