// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for altdma's latency layer, through the kernel's real DMA API
 * on a platform device attached with ALTDMA_LATENCY (and ALTDMA_FAULTS, whose
 * per-class call counters are a second, independent count of the same
 * operations): each class's histogram counts exactly the calls made, its
 * buckets add up to its count, its quantiles are ordered and inside
 * [min, max], and a reset starts it over.
 */
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../shim/altdma.h"
#include "altdma_test_lock.h"

struct altdma_latency_test {
	struct platform_device *pdev;
	struct device *dev;
	u8 *buf;			/* SZ_16K */
	struct altdma_latency *lat;	/* one class, read by read_class() */
};

static struct altdma_latency_test *ctx_of(struct kunit *test)
{
	return test->priv;
}

static struct device *test_dev(struct kunit *test)
{
	return ctx_of(test)->dev;
}

static int attach_with(struct kunit *test, u32 policy, u32 flags)
{
	struct altdma_config config = { .policy = policy, .flags = flags };

	return altdma_test_attach_locked(test_dev(test), &config);
}

static int altdma_latency_test_init(struct kunit *test)
{
	struct altdma_latency_test *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->buf = kunit_kzalloc(test, SZ_16K, GFP_KERNEL);
	ctx->lat = kunit_kzalloc(test, sizeof(*ctx->lat), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->buf);
	KUNIT_ASSERT_NOT_NULL(test, ctx->lat);
	ctx->pdev = platform_device_register_simple("altdma-latency-kunit",
						    PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->pdev);
	ctx->dev = &ctx->pdev->dev;
	test->priv = ctx;
	return 0;
}

static void altdma_latency_test_exit(struct kunit *test)
{
	struct altdma_latency_test *ctx = test->priv;

	if (!ctx || IS_ERR_OR_NULL(ctx->pdev))
		return;
	if (altdma_is_attached(ctx->dev))
		KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(ctx->dev), 0);
	platform_device_unregister(ctx->pdev);
}

static const struct altdma_latency *read_class(struct kunit *test,
					       enum altdma_latency_class cls)
{
	struct altdma_latency *lat = ctx_of(test)->lat;

	memset(lat, 0x5a, sizeof(*lat));
	KUNIT_EXPECT_EQ(test, altdma_latency_read(test_dev(test), cls, lat), 0);
	return lat;
}

static u64 bucket_total(const struct altdma_latency *lat)
{
	u64 total = 0;
	int b;

	for (b = 0; b < ALTDMA_LATENCY_BUCKETS; b++)
		total += lat->buckets[b];
	return total;
}

/* The invariants of a histogram of @count operations. */
static void expect_histogram(struct kunit *test, enum altdma_latency_class cls,
			     u64 count)
{
	const struct altdma_latency *lat = read_class(test, cls);
	u64 p50, p99, p999;

	KUNIT_EXPECT_EQ_MSG(test, lat->count, count, "class %d", cls);
	KUNIT_EXPECT_EQ_MSG(test, bucket_total(lat), count, "class %d", cls);
	if (!count) {
		KUNIT_EXPECT_EQ(test, lat->sum_ns, 0ULL);
		KUNIT_EXPECT_EQ(test, lat->max_ns, 0ULL);
		return;
	}
	p50 = altdma_latency_quantile(lat, 500000);
	p99 = altdma_latency_quantile(lat, 990000);
	p999 = altdma_latency_quantile(lat, 999000);
	KUNIT_EXPECT_LE(test, lat->min_ns, p50);
	KUNIT_EXPECT_LE(test, p50, p99);
	KUNIT_EXPECT_LE(test, p99, p999);
	KUNIT_EXPECT_LE(test, p999, lat->max_ns);
	KUNIT_EXPECT_GE(test, lat->sum_ns, lat->min_ns * count);
	KUNIT_EXPECT_LE(test, lat->sum_ns, lat->max_ns * count);
	/* A real clock: a DMA map takes more than nothing, less than 10 ms. */
	KUNIT_EXPECT_GT(test, lat->max_ns, 0ULL);
	KUNIT_EXPECT_LT(test, lat->min_ns, 10ULL * NSEC_PER_MSEC);
}

#define MAPS 100
#define SG_ROUNDS 20
#define ALLOCS 10

/*
 * MAPS single maps with a sync each way, SG_ROUNDS lists of 3 entries with
 * a sync each way, ALLOCS coherent allocations and ALLOCS page allocations;
 * every one checked, so the counts expected are the calls made.
 */
static void run_workload(struct kunit *test)
{
	struct device *dev = test_dev(test);
	u8 *buf = ctx_of(test)->buf;
	struct scatterlist sgl[3];
	dma_addr_t dma;
	struct page *page;
	void *cpu;
	int i;

	for (i = 0; i < MAPS; i++) {
		dma = dma_map_single(dev, buf + (i % 8) * 64, 64 + i,
				     DMA_BIDIRECTIONAL);
		KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
		dma_sync_single_for_cpu(dev, dma, 64 + i, DMA_BIDIRECTIONAL);
		dma_sync_single_for_device(dev, dma, 64 + i, DMA_BIDIRECTIONAL);
		dma_unmap_single(dev, dma, 64 + i, DMA_BIDIRECTIONAL);
	}
	for (i = 0; i < SG_ROUNDS; i++) {
		sg_init_table(sgl, 3);
		sg_set_buf(&sgl[0], buf, 100);
		sg_set_buf(&sgl[1], buf + SZ_4K, SZ_4K);
		sg_set_buf(&sgl[2], buf + SZ_8K + 8, 1000 + i);
		KUNIT_ASSERT_EQ(test, dma_map_sg(dev, sgl, 3, DMA_TO_DEVICE), 3);
		dma_sync_sg_for_cpu(dev, sgl, 3, DMA_TO_DEVICE);
		dma_sync_sg_for_device(dev, sgl, 3, DMA_TO_DEVICE);
		dma_unmap_sg(dev, sgl, 3, DMA_TO_DEVICE);
	}
	for (i = 0; i < ALLOCS; i++) {
		cpu = dma_alloc_coherent(dev, SZ_4K * (1 + i % 2), &dma,
					 GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, cpu);
		dma_free_coherent(dev, SZ_4K * (1 + i % 2), cpu, dma);
		page = dma_alloc_pages(dev, SZ_4K, &dma, DMA_FROM_DEVICE,
				       GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, page);
		/* 6.1's DMA-API debug tracks these pages as a streaming map. */
		KUNIT_EXPECT_FALSE(test, dma_mapping_error(dev, dma));
		dma_free_pages(dev, SZ_4K, page, dma, DMA_FROM_DEVICE);
	}
}

static void expect_workload_counts(struct kunit *test)
{
	expect_histogram(test, ALTDMA_LATENCY_MAP, MAPS);
	expect_histogram(test, ALTDMA_LATENCY_UNMAP, MAPS);
	expect_histogram(test, ALTDMA_LATENCY_MAP_SG, SG_ROUNDS);
	expect_histogram(test, ALTDMA_LATENCY_UNMAP_SG, SG_ROUNDS);
	expect_histogram(test, ALTDMA_LATENCY_SYNC, 2 * MAPS + 2 * SG_ROUNDS);
	expect_histogram(test, ALTDMA_LATENCY_ALLOC, 2 * ALLOCS);
	expect_histogram(test, ALTDMA_LATENCY_FREE, 2 * ALLOCS);
}

/* Under both policies: the histograms count exactly the calls made. */
static void latency_counts_every_call(struct kunit *test)
{
	static const u32 flags[] = { 0, ALTDMA_FORCE_BOUNCE };
	int p;

	for (p = 0; p < ARRAY_SIZE(flags); p++) {
		KUNIT_ASSERT_EQ(test, attach_with(test, p ? ALTDMA_BOUNCE :
						  ALTDMA_DIRECT,
						  flags[p] | ALTDMA_LATENCY), 0);
		KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(test_dev(test),
								DMA_BIT_MASK(64)), 0);
		run_workload(test);
		expect_workload_counts(test);
		KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(test_dev(test)), 0);
	}
}

/*
 * With the fault layer too, its per-class call counters count the same
 * calls: map (map + map_resource), map_sg and alloc (alloc + alloc_pages).
 */
static void latency_agrees_with_the_fault_counters(struct kunit *test)
{
	struct altdma_stats stats = {};

	KUNIT_ASSERT_EQ(test, attach_with(test, ALTDMA_BOUNCE,
					  ALTDMA_FORCE_BOUNCE | ALTDMA_LATENCY |
					  ALTDMA_FAULTS), 0);
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(test_dev(test),
							DMA_BIT_MASK(64)), 0);
	run_workload(test);
	KUNIT_ASSERT_EQ(test, altdma_get_stats(test_dev(test), &stats), 0);
	KUNIT_EXPECT_EQ(test, read_class(test, ALTDMA_LATENCY_MAP)->count,
			stats.fault_calls[ALTDMA_FAULT_MAP] +
			stats.fault_calls[ALTDMA_FAULT_MAP_RESOURCE]);
	KUNIT_EXPECT_EQ(test, read_class(test, ALTDMA_LATENCY_MAP_SG)->count,
			stats.fault_calls[ALTDMA_FAULT_MAP_SG]);
	KUNIT_EXPECT_EQ(test, read_class(test, ALTDMA_LATENCY_ALLOC)->count,
			stats.fault_calls[ALTDMA_FAULT_ALLOC] +
			stats.fault_calls[ALTDMA_FAULT_ALLOC_PAGES]);
	KUNIT_EXPECT_EQ(test, stats.fault_calls[ALTDMA_FAULT_MAP], (u64)MAPS);
	expect_workload_counts(test);
}

static void latency_reset_starts_over(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, attach_with(test, ALTDMA_DIRECT, ALTDMA_LATENCY), 0);
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(test_dev(test),
							DMA_BIT_MASK(64)), 0);
	run_workload(test);
	KUNIT_ASSERT_EQ(test, altdma_latency_reset(test_dev(test)), 0);
	expect_histogram(test, ALTDMA_LATENCY_MAP, 0);
	expect_histogram(test, ALTDMA_LATENCY_ALLOC, 0);
	KUNIT_EXPECT_EQ(test, read_class(test, ALTDMA_LATENCY_SYNC)->min_ns, 0ULL);
	run_workload(test);
	expect_workload_counts(test);
}

static void latency_refused_where_it_is_not(struct kunit *test)
{
	struct altdma_latency *lat = ctx_of(test)->lat;

	KUNIT_EXPECT_EQ(test, altdma_latency_read(test_dev(test),
						  ALTDMA_LATENCY_MAP, lat),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, altdma_latency_reset(test_dev(test)), -EINVAL);
	KUNIT_ASSERT_EQ(test, attach_with(test, ALTDMA_DIRECT, ALTDMA_FAULTS), 0);
	KUNIT_EXPECT_EQ(test, altdma_latency_read(test_dev(test),
						  ALTDMA_LATENCY_MAP, lat),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, altdma_latency_reset(test_dev(test)), -EOPNOTSUPP);
	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(test_dev(test)), 0);
	KUNIT_ASSERT_EQ(test, attach_with(test, ALTDMA_DIRECT, ALTDMA_LATENCY), 0);
	KUNIT_EXPECT_EQ(test, altdma_latency_read(test_dev(test),
						  ALTDMA_NR_LATENCY_CLASSES, lat),
			-EINVAL);
}

/* The bucket bounds as documented: exact to 31 ns, then 16 per octave. */
static void latency_bucket_bounds(struct kunit *test)
{
	int b;

	for (b = 0; b < 32; b++)
		KUNIT_EXPECT_EQ(test, altdma_latency_bucket_low(b), (u64)b);
	KUNIT_EXPECT_EQ(test, altdma_latency_bucket_low(48), 64ULL);
	KUNIT_EXPECT_EQ(test, altdma_latency_bucket_low(64), 128ULL);
	KUNIT_EXPECT_EQ(test, altdma_latency_bucket_low(65), 136ULL);
}

static struct kunit_case altdma_latency_cases[] = {
	KUNIT_CASE(latency_bucket_bounds),
	KUNIT_CASE(latency_refused_where_it_is_not),
	KUNIT_CASE(latency_counts_every_call),
	KUNIT_CASE(latency_agrees_with_the_fault_counters),
	KUNIT_CASE(latency_reset_starts_over),
	{}
};

static struct kunit_suite altdma_latency_suite = {
	.name = "altdma_latency",
	.init = altdma_latency_test_init,
	.exit = altdma_latency_test_exit,
	.test_cases = altdma_latency_cases,
};

kunit_test_suite(altdma_latency_suite);

MODULE_DESCRIPTION("KUnit tests for altdma's latency histograms");
MODULE_LICENSE("GPL");
