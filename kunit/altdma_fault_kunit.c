// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for altdma's fault injection, through the kernel's real DMA
 * API on a platform device attached with ALTDMA_FAULTS over force-bounce:
 * every successful mapping is a copy, so "no effect on the data of the
 * operations that succeed" is checked on bytes the device really sees.
 *
 * The oracle of each knob is its documented meaning
 * (Documentation/fault-injection/fault-injection.rst), written out here as
 * the expected pass/fail sequence, not computed by altdma's own code.
 */
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "../shim/altdma.h"
#include "../shim/altdma_compat.h"
#include "altdma_test_lock.h"

#define TEST_OPS_MAX 64

static const struct altdma_config altdma_fault_test_config = {
	.policy = ALTDMA_BOUNCE,
	.flags = ALTDMA_FORCE_BOUNCE | ALTDMA_FAULTS,
};

struct altdma_fault_test {
	struct platform_device *pdev;
	struct device *dev;
	u8 *buf;		/* SZ_8K, the CPU's side of every mapping */
};

static struct altdma_fault_test *ctx_of(struct kunit *test)
{
	return test->priv;
}

static struct device *test_dev(struct kunit *test)
{
	return ctx_of(test)->dev;
}

static struct altdma_stats test_stats(struct kunit *test)
{
	struct altdma_stats stats = {};

	KUNIT_EXPECT_EQ(test, altdma_get_stats(test_dev(test), &stats), 0);
	return stats;
}

static void set_knob(struct kunit *test, enum altdma_fault_class cls,
		     enum altdma_fault_knob k, s64 value)
{
	KUNIT_ASSERT_EQ_MSG(test, altdma_fault_set(test_dev(test), cls, k, value),
			    0, "class %d knob %d value %lld", cls, k, value);
}

static s64 knob_value(struct kunit *test, enum altdma_fault_class cls,
		      enum altdma_fault_knob k)
{
	s64 value = -12345;

	KUNIT_EXPECT_EQ(test, altdma_fault_get(test_dev(test), cls, k, &value), 0);
	return value;
}

static int altdma_fault_test_init(struct kunit *test)
{
	struct altdma_fault_test *ctx;
	int cls;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->buf = kunit_kzalloc(test, SZ_8K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->buf);
	ctx->pdev = platform_device_register_simple("altdma-fault-kunit",
						    PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->pdev);
	ctx->dev = &ctx->pdev->dev;
	test->priv = ctx;
	KUNIT_ASSERT_EQ(test, altdma_test_attach_locked(ctx->dev,
							&altdma_fault_test_config), 0);
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(ctx->dev,
							DMA_BIT_MASK(64)), 0);
	/* One line per injected failure: the log stays readable. */
	for (cls = 0; cls < ALTDMA_NR_FAULT_CLASSES; cls++)
		set_knob(test, cls, ALTDMA_FAULT_VERBOSE, 1);
	return 0;
}

static void altdma_fault_test_exit(struct kunit *test)
{
	struct altdma_fault_test *ctx = test->priv;
	struct altdma_stats stats;

	if (!ctx || IS_ERR_OR_NULL(ctx->pdev))
		return;
	if (!altdma_get_stats(ctx->dev, &stats)) {
		KUNIT_EXPECT_EQ(test, stats.outstanding_bounces, 0ULL);
		KUNIT_EXPECT_EQ(test, stats.pool_used, 0ULL);
		KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(ctx->dev), 0);
	}
	platform_device_unregister(ctx->pdev);
}

/* Bytes that differ per operation and per offset. */
static u8 pattern(unsigned int op, unsigned int i)
{
	return (u8)(op * 37 + i * 7 + 1);
}

/*
 * Op @op: map @size bytes of the buffer in @dir. A refused map must be
 * DMA_MAPPING_ERROR and leave the buffer alone; a successful one must carry
 * the data as an unarmed altdma would: copied in on map, the device's bytes
 * copied back on unmap where the direction allows. Returns whether it failed.
 */
static bool one_map(struct kunit *test, unsigned int op, size_t size,
		    enum dma_data_direction dir)
{
	struct device *dev = test_dev(test);
	u8 *buf = ctx_of(test)->buf, *slot;
	dma_addr_t dma;
	unsigned int i;

	for (i = 0; i < size; i++)
		buf[i] = pattern(op, i);
	dma = dma_map_single(dev, buf, size, dir);
	if (dma_mapping_error(dev, dma)) {
		for (i = 0; i < size; i++)
			if (buf[i] != pattern(op, i))
				break;
		KUNIT_EXPECT_EQ_MSG(test, i, (unsigned int)size,
				    "op %u: a refused map changed the buffer", op);
		return true;
	}
	slot = phys_to_virt(dma);
	KUNIT_EXPECT_PTR_NE(test, (void *)slot, (void *)buf);	/* bounced */
	for (i = 0; i < size; i++)
		if (slot[i] != pattern(op, i))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, (unsigned int)size,
			    "op %u: the device does not see the CPU's bytes", op);
	for (i = 0; i < size; i++)
		slot[i] = ~pattern(op, i);		/* the device writes */
	dma_unmap_single(dev, dma, size, dir);
	for (i = 0; i < size; i++)
		if (buf[i] != (dir == DMA_TO_DEVICE ? pattern(op, i) :
						      (u8)~pattern(op, i)))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, (unsigned int)size,
			    "op %u: the CPU does not see the right bytes after unmap",
			    op);
	return false;
}

/* Ops @first .. @first + @count - 1; bit k of the result: op first + k failed. */
static u64 map_run(struct kunit *test, unsigned int first, unsigned int count,
		   size_t size, enum dma_data_direction dir)
{
	u64 failed = 0;
	unsigned int k;

	for (k = 0; k < count && k < TEST_OPS_MAX; k++)
		if (one_map(test, first + k, size, dir))
			failed |= BIT_ULL(k);
	return failed;
}

static void altdma_fault_test_fail_nth(struct kunit *test)
{
	struct altdma_stats before = test_stats(test), after;

	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_FAIL_NTH, 3);
	KUNIT_EXPECT_EQ(test, knob_value(test, ALTDMA_FAULT_MAP,
					 ALTDMA_FAULT_FAIL_NTH), 3LL);
	KUNIT_EXPECT_EQ(test, map_run(test, 0, 8, 1000, DMA_BIDIRECTIONAL),
			(u64)BIT(2));
	/* Disarmed after its one failure. */
	KUNIT_EXPECT_EQ(test, knob_value(test, ALTDMA_FAULT_MAP,
					 ALTDMA_FAULT_FAIL_NTH), 0LL);
	KUNIT_EXPECT_EQ(test, map_run(test, 8, 4, 1000, DMA_FROM_DEVICE), 0ULL);
	after = test_stats(test);
	KUNIT_EXPECT_EQ(test, after.faults_injected[ALTDMA_FAULT_MAP] -
			      before.faults_injected[ALTDMA_FAULT_MAP], 1ULL);
	KUNIT_EXPECT_EQ(test, after.fault_calls[ALTDMA_FAULT_MAP] -
			      before.fault_calls[ALTDMA_FAULT_MAP], 12ULL);
	/* Injected failures are not the policy's refusals. */
	KUNIT_EXPECT_EQ(test, after.map_failures, before.map_failures);
	KUNIT_EXPECT_EQ(test, after.maps - before.maps, 11ULL);
	KUNIT_EXPECT_EQ(test, after.faults_injected[ALTDMA_FAULT_MAP_SG],
			before.faults_injected[ALTDMA_FAULT_MAP_SG]);
}

static void altdma_fault_test_probability_seed_repeats(struct kunit *test)
{
	struct altdma_stats before = test_stats(test), after;
	u64 first, again, other;

	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_VERBOSE, 0);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_TIMES, -1);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_SEED, 20261206);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_PROBABILITY, 50);
	first = map_run(test, 0, 64, 256, DMA_TO_DEVICE);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_SEED, 20261206);
	again = map_run(test, 64, 64, 256, DMA_TO_DEVICE);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_SEED, 7);
	other = map_run(test, 128, 64, 256, DMA_TO_DEVICE);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_PROBABILITY, 0);

	KUNIT_EXPECT_EQ(test, first, again);
	KUNIT_EXPECT_NE(test, first, other);
	/* 50% of 64: far outside [8, 56] happens once in ~10^8 seeds. */
	KUNIT_EXPECT_GE(test, hweight64(first), 8);
	KUNIT_EXPECT_LE(test, hweight64(first), 56);
	after = test_stats(test);
	KUNIT_EXPECT_EQ(test, after.faults_injected[ALTDMA_FAULT_MAP] -
			      before.faults_injected[ALTDMA_FAULT_MAP],
			(u64)(hweight64(first) + hweight64(again) + hweight64(other)));
	KUNIT_EXPECT_EQ(test, map_run(test, 192, 8, 256, DMA_TO_DEVICE), 0ULL);
}

static void altdma_fault_test_interval_times_space(struct kunit *test)
{
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_TIMES, -1);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_INTERVAL, 3);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_PROBABILITY, 100);
	/* Every third eligible operation. */
	KUNIT_EXPECT_EQ(test, map_run(test, 0, 9, 512, DMA_TO_DEVICE),
			(u64)(BIT(2) | BIT(5) | BIT(8)));

	/* The first two, then none: times counts down to 0. */
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_INTERVAL, 1);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_TIMES, 2);
	KUNIT_EXPECT_EQ(test, map_run(test, 9, 5, 512, DMA_TO_DEVICE),
			(u64)(BIT(0) | BIT(1)));
	KUNIT_EXPECT_EQ(test, knob_value(test, ALTDMA_FAULT_MAP,
					 ALTDMA_FAULT_TIMES), 0LL);

	/* space: 2048 bytes pass first (only while more than an op is left). */
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_TIMES, -1);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_SPACE, 2048);
	KUNIT_EXPECT_EQ(test, map_run(test, 14, 4, 1024, DMA_TO_DEVICE),
			(u64)(BIT(1) | BIT(2) | BIT(3)));
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_PROBABILITY, 0);
	KUNIT_EXPECT_EQ(test, map_run(test, 18, 2, 1024, DMA_TO_DEVICE), 0ULL);
}

static void altdma_fault_test_size_and_direction_filters(struct kunit *test)
{
	struct altdma_stats before = test_stats(test), after;

	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_MAX_SIZE, 4096);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_MIN_SIZE, 2048);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_FAIL_NTH, 2);
	/* Outside the sizes: not seen, so not counted towards fail_nth. */
	KUNIT_EXPECT_FALSE(test, one_map(test, 0, 512, DMA_TO_DEVICE));
	KUNIT_EXPECT_FALSE(test, one_map(test, 1, 8192, DMA_TO_DEVICE));
	KUNIT_EXPECT_FALSE(test, one_map(test, 2, 2048, DMA_TO_DEVICE));
	KUNIT_EXPECT_FALSE(test, one_map(test, 3, 2047, DMA_TO_DEVICE));
	KUNIT_EXPECT_TRUE(test, one_map(test, 4, 4096, DMA_TO_DEVICE));

	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_MIN_SIZE, 0);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_MAX_SIZE, 0);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_DIRECTIONS,
		 BIT(DMA_FROM_DEVICE));
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_FAIL_NTH, 1);
	KUNIT_EXPECT_FALSE(test, one_map(test, 5, 700, DMA_TO_DEVICE));
	KUNIT_EXPECT_FALSE(test, one_map(test, 6, 700, DMA_BIDIRECTIONAL));
	KUNIT_EXPECT_TRUE(test, one_map(test, 7, 700, DMA_FROM_DEVICE));
	KUNIT_EXPECT_FALSE(test, one_map(test, 8, 700, DMA_FROM_DEVICE));
	after = test_stats(test);
	KUNIT_EXPECT_EQ(test, after.faults_injected[ALTDMA_FAULT_MAP] -
			      before.faults_injected[ALTDMA_FAULT_MAP], 2ULL);
	KUNIT_EXPECT_EQ(test, after.fault_calls[ALTDMA_FAULT_MAP] -
			      before.fault_calls[ALTDMA_FAULT_MAP], 9ULL);
}

/* An injected map_sg failure is -ENOMEM before any entry maps. */
static void altdma_fault_test_map_sg_errno(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct altdma_stats before = test_stats(test), after;
	struct scatterlist sgl[4], *sg;
	struct sg_table sgt = { .sgl = sgl, .orig_nents = ARRAY_SIZE(sgl) };
	struct page *pages[ARRAY_SIZE(sgl)];
	int i, j, nents;

	sg_init_table(sgl, ARRAY_SIZE(sgl));
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		memset(page_address(pages[i]), pattern(i, 0), PAGE_SIZE);
		sg_set_page(&sgl[i], pages[i], PAGE_SIZE, 0);
	}
	set_knob(test, ALTDMA_FAULT_MAP_SG, ALTDMA_FAULT_FAIL_NTH, 1);
	KUNIT_EXPECT_EQ(test, dma_map_sgtable(dev, &sgt, DMA_TO_DEVICE, 0),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, test_stats(test).pool_used, 0ULL);

	set_knob(test, ALTDMA_FAULT_MAP_SG, ALTDMA_FAULT_FAIL_NTH, 1);
	/* The old interface's contract: 0 entries for any failure. */
	KUNIT_EXPECT_EQ(test, dma_map_sg(dev, sgl, ARRAY_SIZE(sgl),
					 DMA_TO_DEVICE), 0);

	nents = dma_map_sg(dev, sgl, ARRAY_SIZE(sgl), DMA_TO_DEVICE);
	KUNIT_ASSERT_EQ(test, nents, (int)ARRAY_SIZE(sgl));
	for_each_sg(sgl, sg, nents, i) {
		u8 *slot = phys_to_virt(sg_dma_address(sg));

		for (j = 0; j < sg_dma_len(sg); j++)
			if (slot[j] != pattern(i, 0))
				break;
		KUNIT_EXPECT_EQ_MSG(test, j, (int)sg_dma_len(sg), "entry %d", i);
	}
	dma_unmap_sg(dev, sgl, ARRAY_SIZE(sgl), DMA_TO_DEVICE);
	after = test_stats(test);
	KUNIT_EXPECT_EQ(test, after.faults_injected[ALTDMA_FAULT_MAP_SG] -
			      before.faults_injected[ALTDMA_FAULT_MAP_SG], 2ULL);
	KUNIT_EXPECT_EQ(test, after.fault_calls[ALTDMA_FAULT_MAP_SG] -
			      before.fault_calls[ALTDMA_FAULT_MAP_SG], 3ULL);
	/* The entries of a list are not decided again as single maps. */
	KUNIT_EXPECT_EQ(test, after.fault_calls[ALTDMA_FAULT_MAP],
			before.fault_calls[ALTDMA_FAULT_MAP]);
	KUNIT_EXPECT_EQ(test, after.maps - before.maps, 4ULL);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		__free_page(pages[i]);
}

static void altdma_fault_test_alloc_and_resource(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct altdma_stats before = test_stats(test), after;
	dma_addr_t dma, res;
	struct page *page;
	void *cpu;

	set_knob(test, ALTDMA_FAULT_ALLOC, ALTDMA_FAULT_FAIL_NTH, 1);
	KUNIT_EXPECT_NULL(test, dma_alloc_coherent(dev, SZ_4K, &dma, GFP_KERNEL));
	cpu = dma_alloc_coherent(dev, SZ_4K, &dma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cpu);
	dma_free_coherent(dev, SZ_4K, cpu, dma);

	set_knob(test, ALTDMA_FAULT_ALLOC_PAGES, ALTDMA_FAULT_FAIL_NTH, 1);
	KUNIT_EXPECT_NULL(test, dma_alloc_pages(dev, SZ_4K, &dma,
						DMA_BIDIRECTIONAL, GFP_KERNEL));
	page = dma_alloc_pages(dev, SZ_4K, &dma, DMA_BIDIRECTIONAL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	/* 6.1's DMA-API debug tracks these pages as a streaming mapping. */
	KUNIT_EXPECT_FALSE(test, dma_mapping_error(dev, dma));
	dma_free_pages(dev, SZ_4K, page, dma, DMA_BIDIRECTIONAL);

	/* A made-up MMIO address: map_resource only translates it. */
	set_knob(test, ALTDMA_FAULT_MAP_RESOURCE, ALTDMA_FAULT_FAIL_NTH, 1);
	res = dma_map_resource(dev, 0xfe000000, SZ_4K, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_TRUE(test, dma_mapping_error(dev, res));
	/*
	 * Before dma_map_phys() (6.19), DMA-API debug records a failed
	 * dma_map_resource() as a live mapping of DMA_MAPPING_ERROR
	 * (debug_dma_map_resource() has no error check), which outlives the
	 * device and is read after its free by dma-api/dump. Unmapping that
	 * address drops the record; altdma's unmap_resource does nothing.
	 */
	if (IS_ENABLED(CONFIG_DMA_API_DEBUG) && !ALTDMA_OPS_MAP_PHYS)
		dma_unmap_resource(dev, res, SZ_4K, DMA_BIDIRECTIONAL, 0);
	res = dma_map_resource(dev, 0xfe000000, SZ_4K, DMA_BIDIRECTIONAL, 0);
	KUNIT_EXPECT_FALSE(test, dma_mapping_error(dev, res));
	if (!dma_mapping_error(dev, res))
		dma_unmap_resource(dev, res, SZ_4K, DMA_BIDIRECTIONAL, 0);

	after = test_stats(test);
	KUNIT_EXPECT_EQ(test, after.faults_injected[ALTDMA_FAULT_ALLOC] -
			      before.faults_injected[ALTDMA_FAULT_ALLOC], 1ULL);
	KUNIT_EXPECT_EQ(test, after.faults_injected[ALTDMA_FAULT_ALLOC_PAGES] -
			      before.faults_injected[ALTDMA_FAULT_ALLOC_PAGES], 1ULL);
	KUNIT_EXPECT_EQ(test, after.faults_injected[ALTDMA_FAULT_MAP_RESOURCE] -
			      before.faults_injected[ALTDMA_FAULT_MAP_RESOURCE], 1ULL);
	KUNIT_EXPECT_EQ(test, after.fault_calls[ALTDMA_FAULT_ALLOC] -
			      before.fault_calls[ALTDMA_FAULT_ALLOC], 2ULL);
	KUNIT_EXPECT_EQ(test, after.coherent_allocs - before.coherent_allocs, 2ULL);
}

/* Verbose 2: a line and the stack (the verdict accepts that stack only). */
static void altdma_fault_test_verbose_stack(struct kunit *test)
{
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_VERBOSE, 2);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_FAIL_NTH, 1);
	KUNIT_EXPECT_TRUE(test, one_map(test, 0, 64, DMA_TO_DEVICE));
	KUNIT_EXPECT_FALSE(test, one_map(test, 1, 64, DMA_TO_DEVICE));
}

static void altdma_fault_test_bad_knobs_refused(struct kunit *test)
{
	static const struct { int knob; s64 value; } bad[] = {
		{ ALTDMA_FAULT_PROBABILITY, 101 }, { ALTDMA_FAULT_PROBABILITY, -1 },
		{ ALTDMA_FAULT_INTERVAL, 0 }, { ALTDMA_FAULT_TIMES, -2 },
		{ ALTDMA_FAULT_SPACE, -1 }, { ALTDMA_FAULT_VERBOSE, 3 },
		{ ALTDMA_FAULT_MIN_SIZE, -1 }, { ALTDMA_FAULT_DIRECTIONS, 0 },
		{ ALTDMA_FAULT_DIRECTIONS, 16 }, { ALTDMA_FAULT_FAIL_NTH, -1 },
	};
	const struct altdma_config plain = { .policy = ALTDMA_DIRECT };
	struct device *dev = test_dev(test);
	struct platform_device *other;
	s64 value;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		s64 was = knob_value(test, ALTDMA_FAULT_MAP, bad[i].knob);

		KUNIT_EXPECT_EQ_MSG(test, altdma_fault_set(dev, ALTDMA_FAULT_MAP,
							   bad[i].knob, bad[i].value),
				    -EINVAL, "knob %d value %lld", bad[i].knob,
				    bad[i].value);
		KUNIT_EXPECT_EQ(test, knob_value(test, ALTDMA_FAULT_MAP,
						 bad[i].knob), was);
	}
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_MAX_SIZE, 100);
	KUNIT_EXPECT_EQ(test, altdma_fault_set(dev, ALTDMA_FAULT_MAP,
					       ALTDMA_FAULT_MIN_SIZE, 101), -EINVAL);
	set_knob(test, ALTDMA_FAULT_MAP, ALTDMA_FAULT_MAX_SIZE, 0);
	KUNIT_EXPECT_EQ(test, altdma_fault_set(dev, ALTDMA_NR_FAULT_CLASSES,
					       ALTDMA_FAULT_FAIL_NTH, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, altdma_fault_set(dev, ALTDMA_FAULT_MAP,
					       ALTDMA_NR_FAULT_KNOBS, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, altdma_fault_get(dev, ALTDMA_FAULT_MAP,
					       ALTDMA_NR_FAULT_KNOBS, &value),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, altdma_fault_set(NULL, ALTDMA_FAULT_MAP,
					       ALTDMA_FAULT_FAIL_NTH, 1), -EINVAL);

	/* Not attached, then attached without the layer. */
	other = platform_device_register_simple("altdma-fault-kunit",
						PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	KUNIT_EXPECT_EQ(test, altdma_fault_set(&other->dev, ALTDMA_FAULT_MAP,
					       ALTDMA_FAULT_FAIL_NTH, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(&other->dev, &plain), 0);
	KUNIT_EXPECT_EQ(test, altdma_fault_set(&other->dev, ALTDMA_FAULT_MAP,
					       ALTDMA_FAULT_FAIL_NTH, 1),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, altdma_fault_get(&other->dev, ALTDMA_FAULT_MAP,
					       ALTDMA_FAULT_FAIL_NTH, &value),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(&other->dev), 0);
	platform_device_unregister(other);
	/* Nothing was armed by any of it. */
	KUNIT_EXPECT_FALSE(test, one_map(test, 0, 128, DMA_TO_DEVICE));
}

static struct kunit_case altdma_fault_cases[] = {
	KUNIT_CASE(altdma_fault_test_fail_nth),
	KUNIT_CASE(altdma_fault_test_probability_seed_repeats),
	KUNIT_CASE(altdma_fault_test_interval_times_space),
	KUNIT_CASE(altdma_fault_test_size_and_direction_filters),
	KUNIT_CASE(altdma_fault_test_map_sg_errno),
	KUNIT_CASE(altdma_fault_test_alloc_and_resource),
	KUNIT_CASE(altdma_fault_test_verbose_stack),
	KUNIT_CASE(altdma_fault_test_bad_knobs_refused),
	{}
};

static struct kunit_suite altdma_fault_suite = {
	.name = "altdma_faults",
	.init = altdma_fault_test_init,
	.exit = altdma_fault_test_exit,
	.test_cases = altdma_fault_cases,
};

kunit_test_suites(&altdma_fault_suite);

MODULE_DESCRIPTION("KUnit suite for altdma's fault injection");
MODULE_LICENSE("GPL");
