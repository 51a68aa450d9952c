// The latency layer: the bucket arithmetic against a brute-force oracle,
// quantiles against sorted samples, and through the core API that every
// call of every class is timed once, per CPU, summed on read and reset.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "test_support.h"

namespace test {
namespace {

constexpr altdma_u32 kBuckets = ALTDMA_CORE_LATENCY_BUCKETS;

altdma_u64 low(altdma_u32 bucket) { return altdma_core_latency_bucket_low(bucket); }

// Which bucket holds @ns, found by walking the lower bounds (the oracle).
altdma_u32 bucket_by_search(altdma_u64 ns)
{
	altdma_u32 b = 0;
	while (b + 1 < kBuckets && low(b + 1) <= ns)
		b++;
	return b;
}

// A histogram of @samples the way the layer fills one, from the oracle.
altdma_core_latency histogram_of(const std::vector<altdma_u64> &samples)
{
	altdma_core_latency h{};
	for (altdma_u64 v : samples) {
		h.buckets[bucket_by_search(v)]++;
		h.count++;
		h.sum_ns += v;
		h.min_ns = h.count == 1 ? v : std::min(h.min_ns, v);
		h.max_ns = std::max(h.max_ns, v);
	}
	return h;
}

TEST(LatencyBuckets, BoundsRiseAndAreExactBelow32Ns)
{
	EXPECT_EQ(low(0), 0u);
	for (altdma_u32 b = 0; b < 32; b++)
		EXPECT_EQ(low(b), b);
	for (altdma_u32 b = 1; b < kBuckets; b++)
		ASSERT_GT(low(b), low(b - 1)) << b;
	// 16 buckets per power of two from 32 ns: each at most 1/16 of its low.
	for (altdma_u32 b = 32; b + 1 < kBuckets; b++)
		ASSERT_LE((low(b + 1) - low(b)) * 16, low(b)) << b;
	EXPECT_EQ(low(32), 32u);
	EXPECT_EQ(low(48), 64u);
	EXPECT_GE(low(kBuckets - 1), 1000000000ull) << "the top bucket starts near a second";
}

// The layer's bucket choice, seen through recorded samples, is the
// oracle's: record one value per histogram and find its bucket.
class Latency : public CoreTest {
protected:
	void create_with(altdma_u32 policy, altdma_u32 flags)
	{
		altdma_core_config cfg = config(policy);
		cfg.flags = flags;
		ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0) << dev_.dump_log();
	}

	altdma_core_latency read(altdma_core_latency_class cls)
	{
		altdma_core_latency lat;
		EXPECT_EQ(altdma_core_latency_read(core_, cls, &lat), 0);
		return lat;
	}

	// One map of a page under a clock that moves @ns per read.
	void map_taking(altdma_u64 ns)
	{
		plat().clock_step_ns = ns;
		altdma_dma_t dma = altdma_core_map_phys(core_, kNormalRam, 64, ALTDMA_TO_DEVICE, 0);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
		plat().clock_step_ns = 0;
		altdma_core_unmap_phys(core_, dma, 64, ALTDMA_TO_DEVICE, 0);
	}
};

TEST_F(Latency, EachValueLandsInTheOraclesBucket)
{
	create_with(ALTDMA_POLICY_DIRECT, ALTDMA_FLAG_LATENCY);
	std::vector<altdma_u64> values = { 0, 1, 15, 16, 31, 32, 33, 63, 64, 65, 100, 127, 128,
					   1000, 4095, 4096, 65535, 1ull << 20, (1ull << 30) - 1,
					   1ull << 30, 5000000000ull };
	std::mt19937_64 rng(7);
	for (int i = 0; i < 200; i++)
		values.push_back(rng() >> (rng() % 64));
	for (altdma_u64 v : values) {
		ASSERT_EQ(altdma_core_latency_reset(core_), 0);
		map_taking(v);
		altdma_core_latency lat = read(ALTDMA_CORE_LATENCY_MAP);
		ASSERT_EQ(lat.count, 1u) << v;
		EXPECT_EQ(lat.sum_ns, v);
		EXPECT_EQ(lat.min_ns, v);
		EXPECT_EQ(lat.max_ns, v);
		altdma_u32 want = bucket_by_search(v);
		EXPECT_EQ(lat.buckets[want], 1u) << "value " << v << " bucket " << want;
	}
}

// p50/p90/p99/p99.9 within 3.2% (the issue asks 5%)
// of the exact order statistic, over spread-out distributions.
TEST(LatencyQuantiles, WithinThreePointTwoPercentOfTheSortedSamples)
{
	std::mt19937_64 rng(42);
	std::lognormal_distribution<double> slow(8.0, 1.5);	// ~3 us, long tail
	std::uniform_int_distribution<altdma_u64> flat(0, 200000);
	for (int shape = 0; shape < 3; shape++) {
		std::vector<altdma_u64> samples;
		for (int i = 0; i < 20000; i++) {
			altdma_u64 v = shape == 0 ? static_cast<altdma_u64>(slow(rng)) :
				       shape == 1 ? flat(rng) : 40 + (rng() % 3) * 1000;
			samples.push_back(v);
		}
		altdma_core_latency h = histogram_of(samples);
		std::sort(samples.begin(), samples.end());
		for (altdma_u32 ppm : { 1u, 500000u, 900000u, 990000u, 999000u, 1000000u }) {
			altdma_u64 rank = (static_cast<altdma_u64>(samples.size()) * ppm + 999999) / 1000000;
			altdma_u64 exact = samples[std::max<altdma_u64>(rank, 1) - 1];
			altdma_u64 got = altdma_core_latency_quantile(&h, ppm);
			double err = exact ? std::abs(static_cast<double>(got) - exact) / exact : got;
			EXPECT_LE(err, 0.032) << "shape " << shape << " ppm " << ppm << " exact "
					      << exact << " got " << got;
		}
	}
	altdma_core_latency empty{};
	EXPECT_EQ(altdma_core_latency_quantile(&empty, 500000), 0u);
}

TEST_F(Latency, WithoutTheLayerNothingIsTimedAndTheTableStaysFast)
{
	create_with(ALTDMA_POLICY_DIRECT, 0);
	EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_DIRECT_FAST);
	altdma_core_latency lat;
	lat.count = 7;
	EXPECT_EQ(altdma_core_latency_read(core_, ALTDMA_CORE_LATENCY_MAP, &lat), -ALTDMA_EOPNOTSUPP);
	EXPECT_EQ(lat.count, 7u);
	EXPECT_EQ(altdma_core_latency_reset(core_), -ALTDMA_EOPNOTSUPP);
	destroy();

	create_with(ALTDMA_POLICY_DIRECT, ALTDMA_FLAG_FAULTS);
	altdma_dma_t dma = altdma_core_map_phys(core_, kNormalRam, 64, ALTDMA_TO_DEVICE, 0);
	altdma_core_unmap_phys(core_, dma, 64, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(plat().clock_reads(), 0) << "the generic table without the layer reads no clock";
}

TEST_F(Latency, TheLayerSelectsTheGenericTableAndRefusesUnknownClasses)
{
	create_with(ALTDMA_POLICY_BOUNCE, ALTDMA_FLAG_LATENCY | ALTDMA_BOUNCE_FORCE);
	EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_GENERIC);
	altdma_core_latency lat;
	EXPECT_EQ(altdma_core_latency_read(core_, ALTDMA_CORE_LATENCY_CLASS_COUNT, &lat),
		  -ALTDMA_EINVAL);
	EXPECT_EQ(altdma_core_latency_read(core_, static_cast<altdma_core_latency_class>(-1), &lat),
		  -ALTDMA_EINVAL);
}

// Every entry of the generic table is timed once, into its own class,
// failures included, under a bounce policy that copies.
TEST_F(Latency, EveryOperationIsCountedOnceInItsClass)
{
	plat().reserve(kNormalRam, 4 * kPage);
	plat().reserve(kDma32Ram, kPage);
	create_with(ALTDMA_POLICY_BOUNCE, ALTDMA_FLAG_LATENCY | ALTDMA_BOUNCE_FORCE);
	plat().clock_step_ns = 250;

	altdma_dma_t dma = altdma_core_map_phys(core_, kNormalRam, 512, ALTDMA_BIDIRECTIONAL, 0);
	ASSERT_NE(dma, ALTDMA_MAPPING_ERROR);
	altdma_core_sync_single_for_cpu(core_, dma, 512, ALTDMA_BIDIRECTIONAL);
	altdma_core_sync_single_for_device(core_, dma, 512, ALTDMA_BIDIRECTIONAL);
	altdma_core_unmap_phys(core_, dma, 512, ALTDMA_BIDIRECTIONAL, 0);
	dma = altdma_core_map_resource(core_, 0xfe000000ull, 4096, ALTDMA_TO_DEVICE, 0);
	altdma_core_unmap_resource(core_, dma, 4096, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(altdma_core_map_phys(core_, kNormalRam, 1ull << 20, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR) << "above max_mapping_size: a timed failure";

	fake::SgChain sg({ { kNormalRam + 8192, 100 }, { kDma32Ram, 3000 } });
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0), 2);
	altdma_core_sync_sg_for_cpu(core_, sg.head(), 2, ALTDMA_FROM_DEVICE);
	altdma_core_sync_sg_for_device(core_, sg.head(), 2, ALTDMA_FROM_DEVICE);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0);

	altdma_phys_t phys;
	altdma_dma_t cdma;
	ASSERT_EQ(altdma_core_alloc(core_, 4096, 0, 0, &phys, &cdma), 0);
	altdma_core_free(core_, 4096, cdma, 0);
	ASSERT_EQ(altdma_core_alloc_pages(core_, 4096, ALTDMA_TO_DEVICE, 0, &phys, &cdma), 0);
	altdma_core_free_pages(core_, 4096, cdma, ALTDMA_TO_DEVICE);

	// map, unmap, map_sg, unmap_sg, sync, alloc, free:
	const altdma_u64 want[ALTDMA_CORE_LATENCY_CLASS_COUNT] = { 3, 2, 1, 1, 4, 2, 2 };
	static_assert(ALTDMA_CORE_LATENCY_CLASS_COUNT == 7 && ALTDMA_CORE_LATENCY_FREE == 6);
	for (int cls = 0; cls < ALTDMA_CORE_LATENCY_CLASS_COUNT; cls++) {
		altdma_core_latency lat = read(static_cast<altdma_core_latency_class>(cls));
		EXPECT_EQ(lat.count, want[cls]) << "class " << cls;
		EXPECT_EQ(lat.sum_ns, 250 * want[cls]) << "class " << cls;
		EXPECT_EQ(lat.min_ns, 250u);
		EXPECT_EQ(lat.max_ns, 250u);
		altdma_u64 in_buckets = 0;
		for (altdma_u64 n : lat.buckets)
			in_buckets += n;
		EXPECT_EQ(in_buckets, want[cls]);
		EXPECT_EQ(lat.buckets[bucket_by_search(250)], want[cls]);
	}
	EXPECT_EQ(plat().clock_reads(), 2 * 15) << "two clock reads per operation";
}

TEST_F(Latency, InjectedFailuresAreTimedToo)
{
	create_with(ALTDMA_POLICY_DIRECT, ALTDMA_FLAG_LATENCY | ALTDMA_FLAG_FAULTS);
	ASSERT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_VERBOSE, 0), 0);
	ASSERT_EQ(altdma_core_fault_set(core_, ALTDMA_CORE_FAULT_MAP, ALTDMA_CORE_FAULT_FAIL_NTH, 1), 0);
	EXPECT_EQ(altdma_core_map_phys(core_, kNormalRam, 64, ALTDMA_TO_DEVICE, 0),
		  ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(read(ALTDMA_CORE_LATENCY_MAP).count, 1u);
}

TEST_F(Latency, ResetZeroesEveryClass)
{
	create_with(ALTDMA_POLICY_DIRECT, ALTDMA_FLAG_LATENCY);
	map_taking(300);
	map_taking(900);
	altdma_core_latency lat = read(ALTDMA_CORE_LATENCY_MAP);
	EXPECT_EQ(lat.count, 2u);
	EXPECT_EQ(lat.min_ns, 300u);
	EXPECT_EQ(lat.max_ns, 900u);
	EXPECT_EQ(read(ALTDMA_CORE_LATENCY_UNMAP).count, 2u);
	ASSERT_EQ(altdma_core_latency_reset(core_), 0);
	for (int cls = 0; cls < ALTDMA_CORE_LATENCY_CLASS_COUNT; cls++) {
		lat = read(static_cast<altdma_core_latency_class>(cls));
		EXPECT_EQ(lat.count, 0u);
		EXPECT_EQ(lat.sum_ns, 0u);
		EXPECT_EQ(lat.min_ns, 0u);
		EXPECT_EQ(lat.max_ns, 0u);
		for (altdma_u64 n : lat.buckets)
			ASSERT_EQ(n, 0u);
	}
	map_taking(500);
	lat = read(ALTDMA_CORE_LATENCY_MAP);
	EXPECT_EQ(lat.min_ns, 500u) << "min starts over after a reset";
	EXPECT_EQ(lat.max_ns, 500u);
}

// Cells per CPU, summed on read; two threads on one CPU (a migration, an
// interrupt) share its cell and lose nothing.
TEST_F(Latency, CpusRecordApartAndAreSummedExactly)
{
	plat().nr_cpus = 3;
	create_with(ALTDMA_POLICY_DIRECT, ALTDMA_FLAG_LATENCY);
	constexpr int kThreads = 5, kOps = 4000;
	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; t++)
		threads.emplace_back([this, t] {
			fake::FakePlatform::set_thread_cpu(t % 3);
			for (int i = 0; i < kOps; i++) {
				altdma_dma_t dma = altdma_core_map_phys(core_, kNormalRam + 64 * t, 64,
									ALTDMA_TO_DEVICE, 0);
				altdma_core_unmap_phys(core_, dma, 64, ALTDMA_TO_DEVICE, 0);
			}
		});
	for (auto &th : threads)
		th.join();
	EXPECT_EQ(read(ALTDMA_CORE_LATENCY_MAP).count, static_cast<altdma_u64>(kThreads * kOps));
	EXPECT_EQ(read(ALTDMA_CORE_LATENCY_UNMAP).count, static_cast<altdma_u64>(kThreads * kOps));
}

// A 0 ns minimum on one CPU is the minimum, whichever CPU is summed first.
TEST_F(Latency, MinimumIsTheSmallestOverCpusZeroIncluded)
{
	plat().nr_cpus = 2;
	create_with(ALTDMA_POLICY_DIRECT, ALTDMA_FLAG_LATENCY);
	for (int first = 0; first < 2; first++) {
		ASSERT_EQ(altdma_core_latency_reset(core_), 0);
		fake::FakePlatform::set_thread_cpu(first);
		map_taking(0);
		fake::FakePlatform::set_thread_cpu(1 - first);
		map_taking(700);
		altdma_core_latency lat = read(ALTDMA_CORE_LATENCY_MAP);
		EXPECT_EQ(lat.count, 2u);
		EXPECT_EQ(lat.min_ns, 0u) << "the 0 ns map on CPU " << first;
		EXPECT_EQ(lat.max_ns, 700u);
	}
	fake::FakePlatform::set_thread_cpu(-1);
}

TEST_F(Latency, CreateFailuresLeaveNothing)
{
	plat().nr_cpus = 3;
	altdma_core_config cfg = config(ALTDMA_POLICY_BOUNCE);
	cfg.flags = ALTDMA_FLAG_LATENCY | ALTDMA_FLAG_FAULTS | ALTDMA_BOUNCE_FORCE;
	EXPECT_GT(fail_each_create_allocation(cfg, 96), 4) << "the table and each CPU's block";
}

} // namespace
} // namespace test
