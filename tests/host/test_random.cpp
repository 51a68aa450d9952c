// SPDX-License-Identifier: GPL-2.0
// Seeded randomized sequences of alloc/free, map/unmap, map_sg and queries
// against random (and changing) masks, checked against a reference model of
// dma-direct. Deterministic: a failure reproduces with the same seed.
#include <cstring>
#include <random>

#include "test_support.h"

namespace test {
namespace {

struct Scenario {
	const char *name;
	std::vector<altdma_range> ranges;
	std::uint64_t seed;
	int steps;
};

void PrintTo(const Scenario &s, std::ostream *os)
{
	*os << s.name;
}

struct Live {
	altdma_phys_t phys;
	altdma_dma_t dma;
	altdma_usize size;
	bool pages;		// from alloc_pages
	unsigned long attrs;
	std::uint8_t pattern;
};

class Randomized : public CoreTest, public ::testing::WithParamInterface<Scenario> {
protected:
	std::mt19937_64 rng_;

	altdma_u64 rand(altdma_u64 n) { return n ? rng_() % n : 0; }
	bool chance(int percent) { return rand(100) < static_cast<altdma_u64>(percent); }

	altdma_u64 random_limit()
	{
		switch (rand(6)) {
		case 0:
			return ~0ull;
		case 1:
			return fake::bits(32);
		case 2:
		case 3:
			return fake::bits(20 + static_cast<unsigned>(rand(45)));
		case 4:
			return rand(1ull << 36);	// arbitrary, usually not 2^n-1
		default:
			return chance(20) ? 0 : fake::bits(24 + static_cast<unsigned>(rand(16)));
		}
	}

	void randomize_masks()
	{
		dev_.limits.dma_mask = chance(3) ? 0 : random_limit();
		dev_.limits.coherent_mask = random_limit();
		dev_.limits.bus_limit = chance(50) ? 0 : random_limit();
	}

	altdma_phys_t random_phys()
	{
		const auto &layout = plat().layout();
		switch (rand(4)) {
		case 0:
			return rng_();
		case 1:
			return rand(1ull << 36);
		default: {
			const fake::RamRegion &r = layout[rand(layout.size())];
			return r.base + rand(r.size);
		}
		}
	}

	altdma_usize random_size()
	{
		switch (rand(8)) {
		case 0:
			return 0;
		case 1:
			return rng_();
		case 2:
			return rand(1ull << 33);
		default:
			return 1 + rand(256 * 1024);
		}
	}

	altdma_dma_t expected_map(altdma_phys_t phys, altdma_usize size, bool translate)
	{
		altdma_dma_t dma = translate ? ref_phys_to_dma(dev_.ranges, phys) : phys;
		return streaming_ok(dma, size) ? dma : ALTDMA_MAPPING_ERROR;
	}
};

TEST_P(Randomized, InvariantsHoldOverRandomOperations)
{
	const Scenario &sc = GetParam();
	rng_.seed(sc.seed);
	dev_.ranges = sc.ranges;
	create();

	std::vector<Live> live;
	int allocs_ok = 0, allocs_failed = 0, maps_ok = 0, maps_failed = 0, sg_ok = 0, sg_failed = 0;
	int maps_without_mask = 0, maps_wrapping = 0;

	for (int step = 0; step < sc.steps; step++) {
		SCOPED_TRACE(::testing::Message() << "seed " << sc.seed << " step " << step);
		dev_.log.clear();
		switch (rand(12)) {
		case 0:
			randomize_masks();
			break;

		case 1:
		case 2: {	// allocate
			if (live.size() >= 16)
				break;
			const bool pages = chance(30);
			const unsigned long attrs =
				!pages && chance(20) ? ALTDMA_ATTR_NO_KERNEL_MAPPING : 0;
			const altdma_usize size = 1 + rand(64 * 1024);
			const bool inject = chance(5);
			if (inject)
				plat().fail_next_page_allocs(1);
			const altdma_u64 limit = coherent_limit();
			const std::size_t calls_before = plat().page_alloc_calls().size();
			const altdma_u32 gfp = static_cast<altdma_u32>(rng_());
			altdma_phys_t phys = 0;
			altdma_dma_t dma = 0;
			int ret = pages
				? altdma_core_alloc_pages(core_, size, ALTDMA_BIDIRECTIONAL, gfp, &phys, &dma)
				: altdma_core_alloc(core_, size, gfp, attrs, &phys, &dma);
			plat().fail_next_page_allocs(0);
			const auto &calls = plat().page_alloc_calls();
			ASSERT_GE(calls.size(), calls_before + 1);
			ASSERT_LE(calls.size(), calls_before + 3) << "more than three zones tried";
			for (std::size_t i = calls_before; i < calls.size(); i++)
				ASSERT_EQ(calls[i].caller_gfp, gfp);
			if (ret != 0) {
				ASSERT_EQ(ret, -ALTDMA_ENOMEM);
				allocs_failed++;
				// Identity map, no injected failure, room in every zone:
				// anything that reaches the top of ZONE_DMA must succeed.
				ASSERT_FALSE(!inject && sc.ranges.empty() && limit >= kDmaRam + 4 * MiB - 1)
					<< "alloc of " << size << " failed with coherent limit " << hex(limit)
					<< "\n" << dev_.dump_log();
				break;
			}
			ASSERT_FALSE(inject) << "allocator failure ignored";
			allocs_ok++;
			ASSERT_EQ(phys % kPage, 0u);
			ASSERT_EQ(dma, ref_phys_to_dma(dev_.ranges, phys));
			ASSERT_TRUE(ref_reachable(dma, page_align(size), limit))
				<< hex(dma) << "+" << size << " limit " << hex(limit);
			altdma_u32 order = 0;
			ASSERT_TRUE(plat().page_block_allocated(phys, &order));
			ASSERT_EQ(order, get_order(page_align(size)));
			if (!(attrs & ALTDMA_ATTR_NO_KERNEL_MAPPING)) {
				ASSERT_TRUE(plat().all_bytes(phys, page_align(size), 0)) << "not zeroed";
			}
			const std::uint8_t pattern = static_cast<std::uint8_t>(1 + rand(250));
			std::memset(plat().virt(phys), pattern, page_align(size));
			live.push_back({phys, dma, size, pages, attrs, pattern});
			break;
		}

		case 3: {	// free
			if (live.empty())
				break;
			std::size_t i = rand(live.size());
			Live l = live[i];
			live.erase(live.begin() + static_cast<long>(i));
			ASSERT_TRUE(plat().all_bytes(l.phys, page_align(l.size), l.pattern))
				<< "allocation overwritten (overlap?)";
			if (l.pages)
				altdma_core_free_pages(core_, l.size, l.dma, ALTDMA_BIDIRECTIONAL);
			else
				altdma_core_free(core_, l.size, l.dma, l.attrs);
			ASSERT_FALSE(plat().page_block_allocated(l.phys));
			break;
		}

		case 4:
		case 5: {	// map_phys
			const altdma_phys_t phys = random_phys();
			const altdma_usize size = random_size();
			const altdma_dma_t want = expected_map(phys, size, true);
			const altdma_dir dir = kAllDirs[rand(4)];
			altdma_dma_t got = altdma_core_map_phys(core_, phys, size, dir, 0);
			ASSERT_EQ(got, want) << "map " << hex(phys) << "+" << size << " dma_mask "
					     << hex(dev_.limits.dma_mask) << " bus "
					     << hex(dev_.limits.bus_limit);
			if (dev_.limits.dma_mask == 0 && dev_.limits.bus_limit &&
			    ref_reachable(ref_phys_to_dma(dev_.ranges, phys), size, dev_.limits.bus_limit))
				maps_without_mask++;
			// Maps whose last byte lies past 2^64, and maps of sizes
			// near 2^64: the cases the core's wrap checks are for.
			if (const altdma_dma_t d = ref_phys_to_dma(dev_.ranges, phys);
			    d != ALTDMA_MAPPING_ERROR && last_byte(d, size) > kU64Top)
				maps_wrapping++;
			if (got == ALTDMA_MAPPING_ERROR) {
				maps_failed++;
				ASSERT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
				ASSERT_TRUE(dev_.log[0].ratelimited);
			} else {
				maps_ok++;
				ASSERT_TRUE(dev_.log.empty()) << dev_.dump_log();
				altdma_core_sync_single_for_device(core_, got, size, dir);
				altdma_core_sync_single_for_cpu(core_, got, size, dir);
				altdma_core_unmap_phys(core_, got, size, dir, 0);
			}
			break;
		}

		case 6: {	// map_resource
			const altdma_phys_t phys = random_phys();
			const altdma_usize size = random_size();
			altdma_dma_t got = altdma_core_map_resource(core_, phys, size, ALTDMA_TO_DEVICE, 0);
			ASSERT_EQ(got, expected_map(phys, size, false));
			ASSERT_EQ(dev_.log.size(), got == ALTDMA_MAPPING_ERROR ? 1u : 0u);
			if (got != ALTDMA_MAPPING_ERROR)
				altdma_core_unmap_resource(core_, got, size, ALTDMA_TO_DEVICE, 0);
			break;
		}

		case 7:
		case 8: {	// map_sg
			fake::SgChain sg;
			const int n = 1 + static_cast<int>(rand(8));
			int first_bad = -1;
			for (int i = 0; i < n; i++) {
				altdma_phys_t phys = chance(85) ? kDma32Ram + rand(8 * MiB) : random_phys();
				altdma_u32 len = static_cast<altdma_u32>(chance(10) ? rng_() : 1 + rand(65536));
				sg.add(phys, len);
				if (first_bad < 0 && expected_map(phys, len, true) == ALTDMA_MAPPING_ERROR)
					first_bad = i;
			}
			const int nents = chance(20) ? 1 + static_cast<int>(rand(n)) : n;
			if (first_bad >= nents)
				first_bad = -1;
			int ret = altdma_core_map_sg(core_, sg.head(), nents, ALTDMA_BIDIRECTIONAL, 0);
			if (first_bad < 0) {
				ASSERT_EQ(ret, nents) << dev_.dump_log();
				sg_ok++;
				for (int i = 0; i < nents; i++) {
					ASSERT_EQ(sg[i].dma_address, expected_map(sg[i].phys, sg[i].length, true));
					ASSERT_EQ(sg[i].dma_length, sg[i].length);
				}
				altdma_core_sync_sg_for_cpu(core_, sg.head(), nents, ALTDMA_BIDIRECTIONAL);
				altdma_core_unmap_sg(core_, sg.head(), nents, ALTDMA_BIDIRECTIONAL, 0);
			} else {
				ASSERT_EQ(ret, -ALTDMA_EIO);
				sg_failed++;
				ASSERT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
				ASSERT_NE(dev_.log[0].text.find(hex(sg[first_bad].phys)), std::string::npos)
					<< dev_.log[0].text;
			}
			for (int i = first_bad < 0 ? nents : first_bad + 1; i < n; i++)
				ASSERT_EQ(sg[i].set_dma_calls, 0) << "entry " << i << " touched";
			break;
		}

		case 9: {	// queries
			const altdma_u64 mask = chance(50) ? fake::bits(16 + static_cast<unsigned>(rand(20)))
							   : rand(1ull << 34);
			// dma_direct_supported(): a 32-bit mask always works;
			// a narrower one must reach the DMA address of whichever
			// is lower, the last RAM page or the last byte of
			// ZONE_DMA.
			altdma_plat_info info = plat().info();
			const altdma_phys_t last_page = (info.max_pfn - 1) * kPage;
			const altdma_phys_t zone_dma_last =
				info.has_zone_dma ? (altdma_phys_t{1} << info.zone_dma_bits) - 1
						  : last_page;
			const altdma_phys_t must_reach = std::min(last_page, zone_dma_last);
			const int want = mask >= 0xffffffffull ||
					 ref_phys_to_dma(dev_.ranges, must_reach) <= mask;
			ASSERT_EQ(altdma_core_dma_supported(core_, mask), want) << hex(mask);
			// The smallest 2^n - 1 covering the last RAM page's DMA
			// address.
			ASSERT_EQ(altdma_core_get_required_mask(core_),
				  covering_mask(ref_phys_to_dma(dev_.ranges, last_page)));
			ASSERT_EQ(altdma_core_max_mapping_size(core_), static_cast<altdma_usize>(~0ull));
			break;
		}

		case 10: {	// sg table and mmap of a live allocation
			if (live.empty())
				break;
			const Live &l = live[rand(live.size())];
			altdma_phys_t phys = 0;
			altdma_u64 length = 0;
			ASSERT_EQ(altdma_core_get_sgtable(core_, l.dma, l.size, &phys, &length), 0);
			ASSERT_EQ(phys, l.phys);
			ASSERT_EQ(length, page_align(l.size));
			const altdma_u64 count = page_align(l.size) / kPage;
			const altdma_u64 pgoff = rand(count + 2), pages = rand(count + 2);
			altdma_u64 pfn = 0;
			int ret = altdma_core_mmap_pfn(core_, l.dma, l.size, pgoff, pages, &pfn);
			if (pgoff >= count || pages > count - pgoff) {
				ASSERT_EQ(ret, -ALTDMA_ENXIO);
			} else {
				ASSERT_EQ(ret, 0);
				ASSERT_EQ(pfn, (l.phys >> 12) + pgoff);
			}
			break;
		}

		case 11:	// an unreachable mask for a while
			dev_.limits.dma_mask = fake::bits(static_cast<unsigned>(rand(24)));
			dev_.limits.coherent_mask = dev_.limits.dma_mask;
			break;
		}
		ASSERT_EQ(plat().locks_held(), 0);
	}

	for (const Live &l : live) {
		ASSERT_TRUE(plat().all_bytes(l.phys, page_align(l.size), l.pattern));
		if (l.pages)
			altdma_core_free_pages(core_, l.size, l.dma, ALTDMA_BIDIRECTIONAL);
		else
			altdma_core_free(core_, l.size, l.dma, l.attrs);
	}
	EXPECT_EQ(plat().outstanding_page_blocks(), 0u);
	// The sequence really exercised both outcomes of everything.
	EXPECT_GT(allocs_ok, 0);
	EXPECT_GT(allocs_failed, 0);
	EXPECT_GT(maps_ok, 0);
	EXPECT_GT(maps_failed, 0);
	EXPECT_GT(sg_ok, 0);
	EXPECT_GT(sg_failed, 0);
	EXPECT_GT(maps_without_mask, 0);
	if (sc.ranges.empty()) {	// a translated address is too low to wrap
		EXPECT_GT(maps_wrapping, 0);
	}
	RecordProperty("allocs_ok", allocs_ok);
	RecordProperty("maps_ok", maps_ok);
}

const std::vector<altdma_range> kShuffledBus = {
	{kHighRam, 0x2000000ull, 4 * MiB},	// top RAM appears low
	{0, 0x10000000ull, 16 * GiB},		// everything else shifted up
};

INSTANTIATE_TEST_SUITE_P(
	Seeds, Randomized,
	::testing::Values(Scenario{"identity_seed1", {}, 1, 20000},
			  Scenario{"identity_seed2", {}, 0x5eed5eedull, 20000},
			  Scenario{"identity_seed3", {}, 20240601, 20000},
			  Scenario{"shuffled_bus_seed1", kShuffledBus, 1, 20000},
			  Scenario{"shuffled_bus_seed2", kShuffledBus, 987654321, 20000}),
	[](const ::testing::TestParamInfo<Scenario> &info) { return std::string(info.param.name); });

} // namespace
} // namespace test
