// SPDX-License-Identifier: GPL-2.0
// Streaming mappings under the direct policy: map_phys, map_resource,
// unmap, sync, phys <-> DMA translation and the reachability check.
#include <cstring>

#include "test_support.h"

namespace test {
namespace {

class MapTest : public CoreTest {
protected:
	altdma_dma_t map(altdma_phys_t phys, altdma_usize size,
			 altdma_dir dir = ALTDMA_BIDIRECTIONAL, unsigned long attrs = 0)
	{
		return altdma_core_map_phys(core_, phys, size, dir, attrs);
	}
	altdma_dma_t map_res(altdma_phys_t phys, altdma_usize size,
			     altdma_dir dir = ALTDMA_BIDIRECTIONAL)
	{
		return altdma_core_map_resource(core_, phys, size, dir, 0);
	}

	// The one message a failed mapping must leave: error level, rate
	// limited, naming address, size and mask.
	void expect_failure_message(altdma_phys_t phys, altdma_usize size, altdma_u64 mask)
	{
		ASSERT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
		const fake::LogEntry &e = dev_.log[0];
		EXPECT_EQ(e.level, ALTDMA_LOG_ERR) << e.text;
		EXPECT_TRUE(e.ratelimited) << e.text;
		EXPECT_NE(e.text.find(hex(phys)), std::string::npos) << "no address: " << e.text;
		EXPECT_TRUE(e.text.find(std::to_string(size)) != std::string::npos ||
			    e.text.find(hex(size)) != std::string::npos)
			<< "no size: " << e.text;
		EXPECT_NE(e.text.find(hex(mask)), std::string::npos) << "no mask: " << e.text;
		dev_.log.clear();
	}
};

using MapPhys = MapTest;
using MapResource = MapTest;
using Translation = MapTest;
using Sync = MapTest;

// ---- reachability ------------------------------------------------------------

TEST_F(MapPhys, IdentityWithoutRanges)
{
	create();
	for (altdma_phys_t phys : {kDmaRam, kDma32Ram + 0x123, kNormalRam + 8 * MiB - 1, kHighRam})
		EXPECT_EQ(map(phys, 1), phys);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(MapPhys, LastByteExactlyAtMaskSucceeds)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	EXPECT_EQ(map(0xfffff000ull, 0x1000), 0xfffff000ull);
	EXPECT_EQ(map(0xffffffffull, 1), 0xffffffffull);
	EXPECT_EQ(map(0, 0x100000000ull), 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(MapPhys, OneByteOverMaskFailsWithOneRateLimitedMessage)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	EXPECT_EQ(map(0xfffff000ull, 0x1001), ALTDMA_MAPPING_ERROR);
	expect_failure_message(0xfffff000ull, 0x1001, fake::bits(32));
	EXPECT_EQ(map(0x100000000ull, 1), ALTDMA_MAPPING_ERROR);
	expect_failure_message(0x100000000ull, 1, fake::bits(32));
	EXPECT_EQ(map(0, 0x100000001ull), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.log.size(), 1u);
}

TEST_F(MapPhys, MessageNamesDeviceAddressSizeAndMaskForRealBuffer)
{
	dev_.set_masks(fake::bits(32), fake::bits(64));
	create();
	EXPECT_EQ(map(kHighRam + 0x2345, 8192, ALTDMA_FROM_DEVICE), ALTDMA_MAPPING_ERROR);
	expect_failure_message(kHighRam + 0x2345, 8192, fake::bits(32));
}

TEST_F(MapPhys, SmallerBusLimitWinsOverMask)
{
	dev_.set_masks(fake::bits(64), fake::bits(64));
	dev_.limits.bus_limit = fake::bits(32);
	create();
	EXPECT_EQ(map(kDma32Ram, 4096), kDma32Ram);
	EXPECT_EQ(map(0xffffffffull, 1), 0xffffffffull);
	EXPECT_EQ(map(0xffffffffull, 2), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map(kNormalRam, 4096), ALTDMA_MAPPING_ERROR);
	ASSERT_EQ(dev_.log.size(), 2u) << dev_.dump_log();
	// The message shows the bus limit too, or the mask alone is confusing.
	EXPECT_NE(dev_.log[1].text.find(hex(fake::bits(32))), std::string::npos) << dev_.log[1].text;
}

TEST_F(MapPhys, SmallerMaskWinsOverBusLimit)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	dev_.limits.bus_limit = fake::bits(40);
	create();
	EXPECT_EQ(map(0xffffffffull, 1), 0xffffffffull);
	EXPECT_EQ(map(0x100000000ull, 1), ALTDMA_MAPPING_ERROR);
}

TEST_F(MapPhys, ArbitraryBusLimitIsInclusive)
{
	dev_.limits.bus_limit = kDma32Ram + 0x1fff;	// not of the 2^n-1 form
	create();
	EXPECT_EQ(map(kDma32Ram + 0x1000, 0x1000), kDma32Ram + 0x1000);
	EXPECT_EQ(map(kDma32Ram + 0x1000, 0x1001), ALTDMA_MAPPING_ERROR);
}

TEST_F(MapPhys, ZeroBusLimitIsIgnored)
{
	dev_.set_masks(fake::bits(36), fake::bits(36));
	dev_.limits.bus_limit = 0;
	create();
	EXPECT_EQ(map(kHighRam, 4096), kHighRam);
	EXPECT_EQ(map(fake::bits(36), 1), fake::bits(36));
	EXPECT_EQ(map(fake::bits(36), 2), ALTDMA_MAPPING_ERROR);
}

// A device without a DMA mask (dma_mask 0, e.g. a platform device nobody
// set up) can map nothing.
TEST_F(MapPhys, DeviceWithoutMaskCannotMap)
{
	dev_.set_masks(0, fake::bits(32));
	create();
	EXPECT_EQ(map(kDmaRam, 4096), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map(kDma32Ram, 1), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.log.size(), 2u);
}

// The same device with only a bus limit, and the one address a zero limit
// reaches. The kernel's dma_map_page_attrs() refuses a device without
// dma_mask before the ops are called (WARN_ON_ONCE(!dev->dma_mask)); the
// platform ABI passes "no mask" as 0, so the core must refuse it itself.
TEST_F(MapPhys, DeviceWithoutMaskCannotMapEvenUnderBusLimitOrAtZero)
{
	dev_.set_masks(0, fake::bits(32));
	dev_.limits.bus_limit = fake::bits(32);
	create();
	EXPECT_EQ(map(kDma32Ram, 4096), ALTDMA_MAPPING_ERROR);
	dev_.limits.bus_limit = 0;
	EXPECT_EQ(map(0, 1), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map_res(0, 1), ALTDMA_MAPPING_ERROR);
}

TEST_F(MapPhys, PageCrossingMappingsSucceed)
{
	create();
	for (altdma_usize size : {2ul, 4096ul, 4097ul, 3 * 4096ul + 17})
		EXPECT_EQ(map(kDma32Ram + 4095, size), kDma32Ram + 4095) << size;
	EXPECT_EQ(map(kDma32Ram + 8 * MiB - 4096 - 7, 4096 + 7), kDma32Ram + 8 * MiB - 4096 - 7);
}

TEST_F(MapPhys, LargeMappingsSucceedWhenReachable)
{
	create();
	EXPECT_EQ(map(kDma32Ram, 8 * MiB), kDma32Ram);
	// Direct mapping does not care whether the bytes are RAM.
	EXPECT_EQ(map(kDmaRam, 0x7fffffffffull), kDmaRam);
}

// Zero-length mappings are checked as a one-byte mapping at the address:
// they succeed where a byte would and fail where it would not.
TEST_F(MapPhys, ZeroLengthMappingIsOneByteReachabilityCheck)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	EXPECT_EQ(map(kDma32Ram, 0), kDma32Ram);
	EXPECT_EQ(map(0xffffffffull, 0), 0xffffffffull);
	EXPECT_EQ(map(0x100000000ull, 0), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map(kNormalRam, 0), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.log.size(), 2u);
}

TEST_F(MapPhys, WrapPastTopOfAddressSpaceFails)
{
	dev_.set_masks(~0ull, ~0ull);
	create();
	EXPECT_EQ(map(0xfffffffffffff000ull, 0x2000), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map(0xfffffffffffffffeull, 3), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map(2, ~0ul), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.log.size(), 3u) << dev_.dump_log();
	for (const fake::LogEntry &e : dev_.log)
		EXPECT_TRUE(e.ratelimited);
}

TEST_F(MapPhys, LastPageOfAddressSpaceIsReachableWithFullMask)
{
	dev_.set_masks(~0ull, ~0ull);
	create();
	// The last byte is ~0 but the returned handle is not the error value.
	EXPECT_EQ(map(0xfffffffffffff000ull, 0x1000), 0xfffffffffffff000ull);
	EXPECT_EQ(map(1, ~0ul), 1u);
}

TEST_F(MapPhys, AddressEqualToErrorValueFails)
{
	dev_.set_masks(~0ull, ~0ull);
	create();
	EXPECT_EQ(map(ALTDMA_MAPPING_ERROR, 1), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map(ALTDMA_MAPPING_ERROR, 0), ALTDMA_MAPPING_ERROR);
}

TEST_F(MapPhys, ResultIndependentOfDirectionAndAttrs)
{
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	for (altdma_dir dir : kAllDirs)
		for (unsigned long attrs : {0ul, ALTDMA_ATTR_SKIP_CPU_SYNC, ALTDMA_ATTR_WEAK_ORDERING,
					    ALTDMA_ATTR_NO_WARN | ALTDMA_ATTR_PRIVILEGED}) {
			EXPECT_EQ(map(kDma32Ram + 64, 512, dir, attrs), kDma32Ram + 64);
			EXPECT_EQ(map(kNormalRam, 512, dir, attrs), ALTDMA_MAPPING_ERROR);
		}
}

// Under the direct policy on a coherent device map/unmap/sync never touch
// the buffer: neither a mapped test buffer nor free (ASan-poisoned) RAM.
TEST_F(MapPhys, MapUnmapAndSyncLeaveMemoryUntouched)
{
	create();
	const altdma_phys_t buf = kDma32Ram + 0x3000;
	ASSERT_NE(plat().reserve(buf, 3 * kPage, 0xC3), nullptr);
	for (altdma_dir dir : kAllDirs) {
		altdma_dma_t dma = map(buf + 5, 2 * kPage + 100, dir);
		ASSERT_EQ(dma, buf + 5);
		altdma_core_sync_single_for_cpu(core_, dma, 2 * kPage + 100, dir);
		altdma_core_sync_single_for_device(core_, dma, 2 * kPage + 100, dir);
		altdma_core_unmap_phys(core_, dma, 2 * kPage + 100, dir, 0);
		altdma_core_unmap_phys(core_, dma, 2 * kPage + 100, dir, ALTDMA_ATTR_SKIP_CPU_SYNC);
	}
	EXPECT_TRUE(plat().all_bytes(buf, 3 * kPage, 0xC3));

	// Free pages are poisoned: any access by the core aborts the test.
	const altdma_phys_t free_page = kNormalRam + 0x10000;
	ASSERT_TRUE(plat().free_pages_in(free_page, free_page + kPage) == 1);
	altdma_dma_t dma = map(free_page, kPage, ALTDMA_FROM_DEVICE);
	ASSERT_EQ(dma, free_page);
	altdma_core_sync_single_for_cpu(core_, dma, kPage, ALTDMA_FROM_DEVICE);
	altdma_core_sync_single_for_device(core_, dma, kPage, ALTDMA_FROM_DEVICE);
	altdma_core_unmap_phys(core_, dma, kPage, ALTDMA_FROM_DEVICE, 0);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	EXPECT_EQ(plat().page_alloc_calls().size(), 0u);
}

TEST_F(MapPhys, NoBookkeepingAllocationOrPageAllocationPerMapping)
{
	create();
	int before = plat().alloc_calls();
	for (int i = 0; i < 100; i++) {
		altdma_dma_t dma = map(kDma32Ram + i * 64, 64);
		altdma_core_unmap_phys(core_, dma, 64, ALTDMA_BIDIRECTIONAL, 0);
	}
	EXPECT_EQ(plat().alloc_calls(), before);
	EXPECT_TRUE(plat().page_alloc_calls().empty());
}

// Mapping works in atomic context: no bookkeeping allocation may be needed,
// so it still works when every allocation would fail.
TEST_F(MapPhys, MapWorksWhileAllocationsFail)
{
	create();
	plat().fail_all_allocs(true);
	plat().fail_next_page_allocs(1000);
	EXPECT_EQ(map(kDma32Ram, 4096), kDma32Ram);
	fake::SgChain sg({{kDma32Ram, 100}, {kNormalRam, 200}});
	EXPECT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 2);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0);
	plat().fail_all_allocs(false);
	plat().fail_next_page_allocs(0);
}

// Unmapping or syncing the error handle (a driver that skipped its
// dma_mapping_error() check) changes nothing: no allocation or free, no
// lock, no memory access, no message, no counter.
TEST_F(MapPhys, UnmapOfErrorHandleChangesNothing)
{
	create();
	const altdma_phys_t buf = kDma32Ram;
	ASSERT_NE(plat().reserve(buf, 2 * kPage, 0x6B), nullptr);
	const altdma_dma_t dma = map(buf, kPage);
	ASSERT_EQ(dma, buf);
	altdma_core_stats before_stats;
	altdma_core_get_stats(core_, &before_stats);
	const fake::Snapshot before = plat().snapshot(&dev_);

	for (altdma_dir dir : kAllDirs) {
		for (altdma_usize size : {0ul, 1ul, 4096ul, ~0ul}) {
			altdma_core_unmap_phys(core_, ALTDMA_MAPPING_ERROR, size, dir, 0);
			altdma_core_unmap_phys(core_, ALTDMA_MAPPING_ERROR, size, dir,
					       ALTDMA_ATTR_SKIP_CPU_SYNC);
			altdma_core_sync_single_for_cpu(core_, ALTDMA_MAPPING_ERROR, size, dir);
			altdma_core_sync_single_for_device(core_, ALTDMA_MAPPING_ERROR, size, dir);
			altdma_core_unmap_resource(core_, ALTDMA_MAPPING_ERROR, size, dir, 0);
		}
	}

	fake::Snapshot after = plat().snapshot(&dev_);
	// Reading the device's limits (and the call doing it) is not a change.
	after.abi_calls = before.abi_calls;
	EXPECT_EQ(after, before) << "before: " << fake::describe(before)
				 << "\nafter:  " << fake::describe(after);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	EXPECT_EQ(plat().locks_held(), 0);
	EXPECT_TRUE(plat().all_bytes(buf, 2 * kPage, 0x6B));
	altdma_core_stats after_stats;
	altdma_core_get_stats(core_, &after_stats);
	EXPECT_EQ(std::memcmp(&before_stats, &after_stats, sizeof(before_stats)), 0)
		<< "maps " << before_stats.maps << " -> " << after_stats.maps
		<< ", failures " << before_stats.map_failures << " -> "
		<< after_stats.map_failures;
	// The real mapping is still usable and unmaps normally.
	altdma_core_unmap_phys(core_, dma, kPage, ALTDMA_BIDIRECTIONAL, 0);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

// The edges of the reachability check, all combinations: addresses and
// sizes next to 2^32, 2^63 and 2^64, full, 32-bit, 63-bit and no masks,
// with and without a bus limit. The expectation is exact arithmetic (see
// ref_streaming_ok): every byte at or under every limit, nothing past 2^64.
TEST_F(MapPhys, EdgeCasesAgreeWithExactArithmetic)
{
	create();
	const altdma_u64 top = ~0ull;
	const altdma_dma_t addrs[] = {0, 1, 0xfffff000ull, 0xffffffffull, 0x100000000ull,
				      1ull << 63, top - 0x1000, top - 1, top};
	const altdma_u64 sizes[] = {0, 1, 2, 0x1000, 0x100000000ull, 1ull << 63,
				    (1ull << 63) + 1, top - 1, top};
	const altdma_u64 masks[] = {top, fake::bits(32), fake::bits(63), 0};
	const altdma_u64 buses[] = {0, fake::bits(32), fake::bits(40), top};
	int ok = 0, refused = 0;

	for (altdma_u64 mask : masks)
		for (altdma_u64 bus : buses) {
			dev_.limits.dma_mask = mask;
			dev_.limits.bus_limit = bus;
			for (altdma_dma_t a : addrs)
				for (altdma_u64 size : sizes) {
					const bool want = ref_streaming_ok(dev_.limits, a, size);
					dev_.log.clear();
					const altdma_dma_t got = map(a, size);
					ASSERT_EQ(got, want ? a : ALTDMA_MAPPING_ERROR)
						<< hex(a) << "+" << hex(size) << " mask " << hex(mask)
						<< " bus " << hex(bus);
					ASSERT_EQ(dev_.log.size(), want ? 0u : 1u) << dev_.dump_log();
					const altdma_dma_t res = map_res(a, size);
					ASSERT_EQ(res, got) << "resource map " << hex(a) << "+" << hex(size);
					if (want) {
						altdma_core_unmap_phys(core_, got, size, ALTDMA_BIDIRECTIONAL, 0);
						ok++;
					} else {
						refused++;
					}
				}
		}
	// Hand-checked points of the oracle itself.
	EXPECT_TRUE(ref_reachable(top - 0xfff, 0x1000, top));
	EXPECT_FALSE(ref_reachable(top - 0xfff, 0x1001, top));
	EXPECT_FALSE(ref_reachable(2, top, top));
	EXPECT_TRUE(ref_reachable(1, top, top));
	EXPECT_TRUE(ref_reachable(0xffffffffull, 0, fake::bits(32)));
	EXPECT_FALSE(ref_reachable(0, 0x100000001ull, fake::bits(32)));
	EXPECT_FALSE(ref_reachable(top, 1, top));
	EXPECT_GT(ok, 50);
	EXPECT_GT(refused, 50);
}

// ---- translation through the range map ---------------------------------------

TEST_F(Translation, OffsetRangeTranslatesInsideRange)
{
	// DMA32 RAM appears at bus address 0x80000000 (negative offset).
	dev_.ranges = {{kDma32Ram, 0x80000000ull, 8 * MiB}};
	create();
	EXPECT_EQ(map(kDma32Ram, 1), 0x80000000ull);
	EXPECT_EQ(map(kDma32Ram + 0x1234, 100), 0x80001234ull);
	EXPECT_EQ(map(kDma32Ram + 8 * MiB - 1, 1), 0x80000000ull + 8 * MiB - 1);
}

TEST_F(Translation, HighRamShiftedDownBelowMask)
{
	// A bus that sees high RAM at a low address: a 32-bit device reaches it.
	dev_.ranges = {{kHighRam, 0x10000000ull, 4 * MiB}};
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	EXPECT_EQ(map(kHighRam + 0x42, 4096), 0x10000042ull);
}

TEST_F(Translation, PhysOutsideEveryRangeFailsWithMessage)
{
	dev_.ranges = {{kDma32Ram, 0x80000000ull, 8 * MiB}};
	create();
	EXPECT_EQ(map(kDma32Ram - 1, 1), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map(kDma32Ram + 8 * MiB, 1), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map(kDmaRam, 4096), ALTDMA_MAPPING_ERROR);
	ASSERT_EQ(dev_.log.size(), 3u) << dev_.dump_log();
	for (const fake::LogEntry &e : dev_.log) {
		EXPECT_EQ(e.level, ALTDMA_LOG_ERR);
		EXPECT_TRUE(e.ratelimited);
	}
	EXPECT_NE(dev_.log[2].text.find(hex(kDmaRam)), std::string::npos) << dev_.log[2].text;
}

TEST_F(Translation, TranslatedAddressStillCheckedAgainstMask)
{
	// Low phys, high bus address: a 32-bit device cannot reach it.
	dev_.ranges = {{kDmaRam, 0x200000000ull, 4 * MiB}};
	dev_.set_masks(fake::bits(32), fake::bits(32));
	create();
	EXPECT_EQ(map(kDmaRam, 1), ALTDMA_MAPPING_ERROR);
	ASSERT_EQ(dev_.log.size(), 1u);
	// The message shows the translated (unreachable) DMA address.
	EXPECT_NE(dev_.log[0].text.find(hex(0x200000000ull)), std::string::npos) << dev_.log[0].text;
	dev_.set_masks(fake::bits(34), fake::bits(34));
	EXPECT_EQ(map(kDmaRam, 1), 0x200000000ull);
}

TEST_F(Translation, FirstMatchingRangeWins)
{
	dev_.ranges = {
		{kDma32Ram, 0x10000000ull, 4 * MiB},
		{kDma32Ram, 0x20000000ull, 8 * MiB},	// overlaps the first
		{kNormalRam, 0x30000000ull, 8 * MiB},
	};
	create();
	EXPECT_EQ(map(kDma32Ram + 1, 1), 0x10000001ull);
	EXPECT_EQ(map(kDma32Ram + 4 * MiB, 1), 0x20000000ull + 4 * MiB);
	EXPECT_EQ(map(kNormalRam + 7, 1), 0x30000007ull);
}

TEST_F(Translation, RangeEndingAtTopOfPhysAddressSpace)
{
	dev_.ranges = {{0xffffffff00000000ull, 0x1000, 0x100000000ull}};
	create();
	EXPECT_EQ(map(0xffffffff00000000ull, 1), 0x1000u);
	EXPECT_EQ(map(0xfffffffffffffffeull, 1), 0x1000u + 0xfffffffeull);
	EXPECT_EQ(map(0xfffffffeffffffffull, 1), ALTDMA_MAPPING_ERROR);
}

// map_resource addresses MMIO by its physical address: the range map
// describes RAM and is not applied.
TEST_F(MapResource, NoTranslationEvenWithRanges)
{
	dev_.ranges = {{kDma32Ram, 0x80000000ull, 8 * MiB}};
	create();
	EXPECT_EQ(map_res(kDma32Ram, 4096), kDma32Ram);
	EXPECT_EQ(map_res(0xfe000000ull, 0x1000), 0xfe000000ull);	// outside every range
	EXPECT_EQ(map(kDma32Ram, 4096), 0x80000000ull);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
}

TEST_F(MapResource, ReachabilityCheckAndMessage)
{
	dev_.set_masks(fake::bits(32), fake::bits(64));
	create();
	EXPECT_EQ(map_res(0xfffff000ull, 0x1000), 0xfffff000ull);
	EXPECT_EQ(map_res(0xfffff000ull, 0x1001), ALTDMA_MAPPING_ERROR);
	expect_failure_message(0xfffff000ull, 0x1001, fake::bits(32));
	EXPECT_EQ(map_res(0x1000000000ull, 4), ALTDMA_MAPPING_ERROR);
	expect_failure_message(0x1000000000ull, 4, fake::bits(32));
	EXPECT_EQ(map_res(0xfffffffffffff000ull, 0x2000), ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(map_res(0xfee00000ull, 0), 0xfee00000ull);
}

TEST_F(MapResource, BusLimitApplies)
{
	dev_.limits.bus_limit = fake::bits(30);
	create();
	EXPECT_EQ(map_res(0x3ffff000ull, 0x1000), 0x3ffff000ull);
	EXPECT_EQ(map_res(0x40000000ull, 1), ALTDMA_MAPPING_ERROR);
}

TEST_F(MapResource, UnmapResourceIsNoop)
{
	create();
	const altdma_phys_t buf = kDma32Ram;
	ASSERT_NE(plat().reserve(buf, kPage, 0x77), nullptr);
	altdma_dma_t dma = map_res(buf, kPage);
	ASSERT_EQ(dma, buf);
	for (altdma_dir dir : kAllDirs)
		altdma_core_unmap_resource(core_, dma, kPage, dir, 0);
	altdma_core_unmap_resource(core_, ALTDMA_MAPPING_ERROR, kPage, ALTDMA_TO_DEVICE, 0);
	EXPECT_TRUE(plat().all_bytes(buf, kPage, 0x77));
}

// ---- syncs -----------------------------------------------------------------

TEST_F(Sync, SingleSyncsAreNoopsOnCoherentDevice)
{
	create();
	const altdma_phys_t buf = kNormalRam + 0x5000;
	ASSERT_NE(plat().reserve(buf, 2 * kPage, 0x99), nullptr);
	for (altdma_dir dir : kAllDirs) {
		altdma_core_sync_single_for_cpu(core_, buf, 2 * kPage, dir);
		altdma_core_sync_single_for_device(core_, buf + 1, 10, dir);
		altdma_core_sync_single_for_cpu(core_, buf, 0, dir);
	}
	EXPECT_TRUE(plat().all_bytes(buf, 2 * kPage, 0x99));
	EXPECT_TRUE(dev_.log.empty());
}

TEST_F(Sync, SgSyncsAreNoopsAndLeaveEntriesAlone)
{
	create();
	const altdma_phys_t a = kDma32Ram, b = kNormalRam + kPage;
	ASSERT_NE(plat().reserve(a, kPage, 0x12), nullptr);
	ASSERT_NE(plat().reserve(b, kPage, 0x34), nullptr);
	fake::SgChain sg({{a, 4096}, {b + 8, 100}});
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_BIDIRECTIONAL, 0), 2);
	for (altdma_dir dir : kAllDirs) {
		altdma_core_sync_sg_for_cpu(core_, sg.head(), 2, dir);
		altdma_core_sync_sg_for_device(core_, sg.head(), 2, dir);
		altdma_core_sync_sg_for_cpu(core_, sg.head(), 1, dir);
	}
	EXPECT_EQ(sg[0].dma_address, a);
	EXPECT_EQ(sg[1].dma_address, b + 8);
	EXPECT_EQ(sg[0].set_dma_calls + sg[1].set_dma_calls, 2);
	EXPECT_TRUE(plat().all_bytes(a, kPage, 0x12));
	EXPECT_TRUE(plat().all_bytes(b, kPage, 0x34));
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_BIDIRECTIONAL, 0);
}

} // namespace
} // namespace test
