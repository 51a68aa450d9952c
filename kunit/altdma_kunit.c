// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for altdma's direct policy, driven through the kernel's real
 * DMA API (dma_map_*, dma_alloc_*, dma_set_mask, ...) on a platform device
 * that altdma is attached to. Where dma-direct is the reference, the test
 * asks dma-direct itself: the same device without altdma attached.
 */
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../shim/altdma.h"
#include "altdma_test_lock.h"
#include "../shim/altdma_compat.h"

#define TEST_PATTERN 0x5a

struct altdma_test {
	struct platform_device *pdev;
	struct device *dev;
};

static struct device *test_dev(struct kunit *test)
{
	return ((struct altdma_test *)test->priv)->dev;
}

static struct altdma_stats test_stats(struct kunit *test)
{
	struct altdma_stats stats = {};

	KUNIT_EXPECT_EQ(test, altdma_get_stats(test_dev(test), &stats), 0);
	return stats;
}

/*
 * What altdma counted since @before: proves the calls went through
 * altdma's ops and not around them.
 */
static void expect_counted(struct kunit *test, const struct altdma_stats *before,
			   u64 maps, u64 map_failures, u64 coherent_allocs)
{
	struct altdma_stats now = test_stats(test);

	KUNIT_EXPECT_EQ_MSG(test, now.maps - before->maps, maps, "maps");
	KUNIT_EXPECT_EQ_MSG(test, now.map_failures - before->map_failures,
			    map_failures, "map failures");
	KUNIT_EXPECT_EQ_MSG(test, now.coherent_allocs - before->coherent_allocs,
			    coherent_allocs, "coherent allocations");
}

static int altdma_test_setup(struct kunit *test,
			     const struct altdma_config *config)
{
	struct altdma_test *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	ctx->pdev = platform_device_register_simple("altdma-kunit",
						    PLATFORM_DEVID_AUTO,
						    NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->pdev);
	ctx->dev = &ctx->pdev->dev;
	test->priv = ctx;

	KUNIT_ASSERT_EQ(test, altdma_test_attach_locked(ctx->dev, config), 0);
	KUNIT_ASSERT_TRUE(test, altdma_is_attached(ctx->dev));
	KUNIT_ASSERT_NOT_NULL(test, ctx->dev->dma_ops);
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(ctx->dev,
							DMA_BIT_MASK(64)), 0);
	return 0;
}

static int altdma_test_init(struct kunit *test)
{
	return altdma_test_setup(test, NULL);
}

static void altdma_test_exit(struct kunit *test)
{
	struct altdma_test *ctx = test->priv;

	if (!ctx || IS_ERR_OR_NULL(ctx->pdev))
		return;
	if (altdma_is_attached(ctx->dev))
		KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(ctx->dev), 0);
	platform_device_unregister(ctx->pdev);
}

static void altdma_test_map_single_is_phys(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	struct device *dev = test_dev(test);
	void *buf = kmalloc(256, GFP_KERNEL);
	dma_addr_t dma;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	dma = dma_map_single(dev, buf, 256, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)virt_to_phys(buf));
	dma_unmap_single(dev, dma, 256, DMA_TO_DEVICE);
	kfree(buf);
	expect_counted(test, &before, 1, 0, 0);
}

static void altdma_test_map_page_crossing(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	struct device *dev = test_dev(test);
	struct page *pages = alloc_pages(GFP_KERNEL, 1);
	dma_addr_t dma;

	KUNIT_ASSERT_NOT_NULL(test, pages);
	/* 200 bytes starting 96 bytes before the end of the first page. */
	dma = dma_map_page(dev, pages, PAGE_SIZE - 96, 200, DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_EQ(test, dma,
			(dma_addr_t)(page_to_phys(pages) + PAGE_SIZE - 96));
	dma_unmap_page(dev, dma, 200, DMA_FROM_DEVICE);
	__free_pages(pages, 1);
	expect_counted(test, &before, 1, 0, 0);
}

static void altdma_test_map_sgtable(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	static const unsigned int lengths[] = { 512, PAGE_SIZE, 100, 3000 };
	static const unsigned int offsets[] = { 0, 0, 4000, 64 };
	struct device *dev = test_dev(test);
	struct page *pages[ARRAY_SIZE(lengths)] = {};
	struct scatterlist *sg;
	struct sg_table sgt;
	int i, ret;

	KUNIT_ASSERT_EQ(test, sg_alloc_table(&sgt, ARRAY_SIZE(lengths),
					     GFP_KERNEL), 0);
	for_each_sgtable_sg(&sgt, sg, i) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			break;
		sg_set_page(sg, pages[i], min_t(unsigned int, lengths[i],
						PAGE_SIZE - offsets[i]),
			    offsets[i]);
	}
	KUNIT_ASSERT_EQ(test, i, (int)ARRAY_SIZE(lengths));

	ret = dma_map_sgtable(dev, &sgt, DMA_BIDIRECTIONAL, 0);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, sgt.nents, sgt.orig_nents);
	for_each_sgtable_dma_sg(&sgt, sg, i) {
		KUNIT_EXPECT_EQ(test, sg_dma_address(sg),
				(dma_addr_t)sg_phys(sg));
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), sg->length);
	}
	dma_unmap_sgtable(dev, &sgt, DMA_BIDIRECTIONAL, 0);

	for (i = 0; i < ARRAY_SIZE(lengths); i++)
		__free_page(pages[i]);
	sg_free_table(&sgt);
	expect_counted(test, &before, 4, 0, 0);
}

/*
 * The direct policy installs its fast table: with nothing to undo or
 * synchronise, unmap (where the kernel checks for NULL) and sync are left
 * to the kernel; maps are still counted, per CPU. Before 6.11 the kernel
 * then reports that the device needs no syncs; from 6.11 it says so only
 * without DMA-API debugging (which wants to see every sync), after the
 * mask is set with these ops in place.
 */
static void altdma_test_direct_fast_table(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	struct device *dev = test_dev(test);
	const struct dma_map_ops *ops = get_dma_ops(dev);
	void *buf = kmalloc(512, GFP_KERNEL);
	dma_addr_t dma;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, before.ops_table, (u64)ALTDMA_OPS_DIRECT_FAST);
	KUNIT_EXPECT_NULL(test, ops->sync_single_for_cpu);
	KUNIT_EXPECT_NULL(test, ops->sync_single_for_device);
	KUNIT_EXPECT_NULL(test, ops->sync_sg_for_cpu);
	KUNIT_EXPECT_NULL(test, ops->sync_sg_for_device);
	KUNIT_EXPECT_NULL(test, ops->unmap_sg);
#if ALTDMA_OPS_MAP_PHYS
	KUNIT_EXPECT_NULL(test, ops->unmap_phys);
#elif ALTDMA_OPS_UNMAP_PAGE_OPTIONAL
	KUNIT_EXPECT_NULL(test, ops->unmap_page);
#endif
	dma = dma_map_single(dev, buf, 512, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)virt_to_phys(buf));
	if (!ALTDMA_KERNEL_SINCE(6, 11) || !IS_ENABLED(CONFIG_DMA_API_DEBUG))
		KUNIT_EXPECT_FALSE(test, dma_need_sync(dev, dma));
	dma_sync_single_for_cpu(dev, dma, 512, DMA_BIDIRECTIONAL);
	dma_unmap_single(dev, dma, 512, DMA_BIDIRECTIONAL);
	kfree(buf);
	expect_counted(test, &before, 1, 0, 0);
}

/* An address in the q35 MMIO hole, never RAM (dma_map_resource insists). */
#define TEST_MMIO_PHYS 0xfed00000ULL

static void altdma_test_map_resource_identity(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	struct device *dev = test_dev(test);
	dma_addr_t dma;

	KUNIT_ASSERT_FALSE(test, pfn_valid(PHYS_PFN(TEST_MMIO_PHYS)));
	dma = dma_map_resource(dev, TEST_MMIO_PHYS, 4096, DMA_BIDIRECTIONAL, 0);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)TEST_MMIO_PHYS);
	dma_unmap_resource(dev, dma, 4096, DMA_BIDIRECTIONAL, 0);
	expect_counted(test, &before, 1, 0, 0);
}

static void altdma_test_syncs_keep_data(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	struct device *dev = test_dev(test);
	struct scatterlist sg;
	u8 *buf = kmalloc(1024, GFP_KERNEL);
	dma_addr_t dma;
	int nents;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, TEST_PATTERN, 1024);
	dma = dma_map_single(dev, buf, 512, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	dma_sync_single_for_cpu(dev, dma, 512, DMA_BIDIRECTIONAL);
	dma_sync_single_for_device(dev, dma, 512, DMA_BIDIRECTIONAL);
	dma_unmap_single(dev, dma, 512, DMA_BIDIRECTIONAL);

	sg_init_one(&sg, buf + 512, 512);
	nents = dma_map_sg(dev, &sg, 1, DMA_FROM_DEVICE);
	KUNIT_ASSERT_EQ(test, nents, 1);
	dma_sync_sg_for_cpu(dev, &sg, 1, DMA_FROM_DEVICE);
	dma_sync_sg_for_device(dev, &sg, 1, DMA_FROM_DEVICE);
	dma_unmap_sg(dev, &sg, 1, DMA_FROM_DEVICE);

	KUNIT_EXPECT_NULL(test, memchr_inv(buf, TEST_PATTERN, 1024));
	kfree(buf);
	expect_counted(test, &before, 2, 0, 0);
}

/* A page whose physical address is above 4 GiB, or NULL if RAM has none. */
static struct page *alloc_page_above_4g(struct page **spares, int nr_spares)
{
	struct page *page;
	int i;

	for (i = 0; i < nr_spares; i++) {
		page = alloc_page(GFP_KERNEL);
		if (!page)
			return NULL;
		if (page_to_phys(page) > DMA_BIT_MASK(32))
			return page;
		spares[i] = page;
	}
	return NULL;
}

static void altdma_test_unreachable_map_fails(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	struct device *dev = test_dev(test);
	struct page *spares[64] = {};
	struct page *high;
	struct scatterlist sg;
	dma_addr_t dma;
	int i;

	high = alloc_page_above_4g(spares, ARRAY_SIZE(spares));
	for (i = 0; i < ARRAY_SIZE(spares); i++)
		if (spares[i])
			__free_page(spares[i]);
	if (!high)
		kunit_skip(test, "no RAM above 4 GiB in this guest");

	KUNIT_ASSERT_EQ(test, dma_set_mask(dev, DMA_BIT_MASK(32)), 0);
	dma = dma_map_page(dev, high, 0, PAGE_SIZE, DMA_TO_DEVICE);
	KUNIT_EXPECT_TRUE(test, dma_mapping_error(dev, dma));

	sg_init_table(&sg, 1);
	sg_set_page(&sg, high, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, dma_map_sg(dev, &sg, 1, DMA_TO_DEVICE), 0);

	/* The same page is fine once the mask covers it. */
	KUNIT_ASSERT_EQ(test, dma_set_mask(dev, DMA_BIT_MASK(64)), 0);
	dma = dma_map_page(dev, high, 0, PAGE_SIZE, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)page_to_phys(high));
	dma_unmap_page(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
	__free_page(high);
	expect_counted(test, &before, 1, 2, 0);
}

/* dma_set_mask() answers exactly as dma-direct does for the same device. */
static void altdma_test_mask_acceptance_matches_direct(struct kunit *test)
{
	static const unsigned int bits[] = { 12, 16, 20, 23, 24, 28, 30, 31,
					     32, 36, 40, 48, 64 };
	struct device *dev = test_dev(test);
	int direct[ARRAY_SIZE(bits)];
	int i;

	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(dev), 0);
	for (i = 0; i < ARRAY_SIZE(bits); i++)
		direct[i] = dma_set_mask(dev, DMA_BIT_MASK(bits[i]));
	KUNIT_ASSERT_EQ(test, altdma_test_attach_locked(dev, NULL), 0);

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		KUNIT_EXPECT_EQ_MSG(test, dma_set_mask(dev, DMA_BIT_MASK(bits[i])),
				    direct[i], "mask of %u bits", bits[i]);
	/* Sanity of the oracle itself: 32 bits must work, 12 must not. */
	KUNIT_EXPECT_EQ(test, direct[ARRAY_SIZE(bits) - 5], 0);
	KUNIT_EXPECT_EQ(test, direct[0], -EIO);
	KUNIT_EXPECT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
}

static void altdma_test_required_mask_matches_direct(struct kunit *test)
{
	struct device *dev = test_dev(test);
	u64 direct, ours;

	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(dev), 0);
	direct = dma_get_required_mask(dev);
	KUNIT_ASSERT_EQ(test, altdma_test_attach_locked(dev, NULL), 0);
	ours = dma_get_required_mask(dev);
	KUNIT_EXPECT_EQ(test, ours, direct);
	KUNIT_EXPECT_EQ(test, ours & (ours + 1), 0ULL);
	KUNIT_EXPECT_GE(test, ours, (u64)DMA_BIT_MASK(32));
}

static void altdma_test_max_mapping_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dma_max_mapping_size(test_dev(test)), SIZE_MAX);
}

static void check_coherent(struct kunit *test, unsigned int mask_bits,
			   size_t size, unsigned long attrs)
{
	struct device *dev = test_dev(test);
	dma_addr_t dma;
	void *cpu;

	KUNIT_ASSERT_EQ(test, dma_set_coherent_mask(dev,
						    DMA_BIT_MASK(mask_bits)), 0);
	cpu = dma_alloc_attrs(dev, size, &dma, GFP_KERNEL, attrs);
	KUNIT_ASSERT_NOT_NULL_MSG(test, cpu, "%zu bytes under %u bits", size,
				  mask_bits);
	KUNIT_EXPECT_LE(test, (u64)dma + PAGE_ALIGN(size) - 1,
			(u64)DMA_BIT_MASK(mask_bits));
	if (attrs & DMA_ATTR_NO_KERNEL_MAPPING) {
		/* The cookie is the first page, as with dma-direct. */
		KUNIT_EXPECT_EQ(test, dma,
				(dma_addr_t)page_to_phys((struct page *)cpu));
	} else {
		KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)virt_to_phys(cpu));
		KUNIT_EXPECT_NULL(test, memchr_inv(cpu, 0, PAGE_ALIGN(size)));
	}
	dma_free_attrs(dev, size, cpu, dma, attrs);
}

static void altdma_test_coherent_alloc(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);

	check_coherent(test, 64, 3 * PAGE_SIZE + 1, 0);
	check_coherent(test, 32, 64 * 1024, 0);
	check_coherent(test, 24, 8 * 1024, 0);
	check_coherent(test, 32, PAGE_SIZE, DMA_ATTR_NO_KERNEL_MAPPING);
	KUNIT_EXPECT_EQ(test, dma_set_coherent_mask(test_dev(test),
						    DMA_BIT_MASK(64)), 0);
	expect_counted(test, &before, 0, 0, 4);
}

static void altdma_test_alloc_pages(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	struct device *dev = test_dev(test);
	const size_t size = 2 * PAGE_SIZE;
	struct page *page;
	dma_addr_t dma;

	KUNIT_ASSERT_EQ(test, dma_set_coherent_mask(dev, DMA_BIT_MASK(32)), 0);
	page = dma_alloc_pages(dev, size, &dma, DMA_BIDIRECTIONAL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	/* DMA-API debug tracks these pages as a streaming mapping. */
	KUNIT_EXPECT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)page_to_phys(page));
	KUNIT_EXPECT_LE(test, (u64)dma + size - 1, (u64)DMA_BIT_MASK(32));
	KUNIT_EXPECT_NULL(test, memchr_inv(page_address(page), 0, size));
	dma_free_pages(dev, size, page, dma, DMA_BIDIRECTIONAL);
	expect_counted(test, &before, 0, 0, 1);
}

static void altdma_test_get_sgtable(struct kunit *test)
{
	struct altdma_stats before = test_stats(test);
	struct device *dev = test_dev(test);
	const size_t size = PAGE_SIZE + 10;
	struct sg_table sgt;
	dma_addr_t dma;
	void *cpu;

	cpu = dma_alloc_coherent(dev, size, &dma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cpu);
	KUNIT_ASSERT_EQ(test, dma_get_sgtable(dev, &sgt, cpu, dma, size), 0);
	KUNIT_EXPECT_EQ(test, sgt.orig_nents, 1U);
	KUNIT_EXPECT_PTR_EQ(test, sg_page(sgt.sgl), virt_to_page(cpu));
	KUNIT_EXPECT_EQ(test, sgt.sgl->length, (unsigned int)PAGE_ALIGN(size));
	sg_free_table(&sgt);
	/* A real VMA needs a user process; the can-mmap answer is checked. */
	KUNIT_EXPECT_TRUE(test, dma_can_mmap(dev));
	dma_free_coherent(dev, size, cpu, dma);
	expect_counted(test, &before, 0, 0, 1);
}

/* 64 GiB above the CPU's view: every DMA address carries the offset. */
#define TEST_DMA_OFFSET (64ULL << 30)

static void altdma_test_range_map_offset(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct bus_dma_region *map;
	struct sg_table sgt;
	void *buf, *cpu;
	dma_addr_t dma;

	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(dev), 0);
	map = kcalloc(2, sizeof(*map), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	altdma_compat_set_dma_region(map, 0, TEST_DMA_OFFSET, 1ULL << 40);
	dev->dma_range_map = map;
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, NULL), 0);

	buf = kmalloc(64, GFP_KERNEL);
	if (buf) {
		dma = dma_map_single(dev, buf, 64, DMA_TO_DEVICE);
		KUNIT_EXPECT_FALSE(test, dma_mapping_error(dev, dma));
		KUNIT_EXPECT_EQ(test, dma,
				(dma_addr_t)(virt_to_phys(buf) + TEST_DMA_OFFSET));
		if (!dma_mapping_error(dev, dma))
			dma_unmap_single(dev, dma, 64, DMA_TO_DEVICE);
		kfree(buf);
	}

	cpu = dma_alloc_coherent(dev, PAGE_SIZE, &dma, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, cpu);
	if (cpu) {
		KUNIT_EXPECT_EQ(test, dma,
				(dma_addr_t)(virt_to_phys(cpu) + TEST_DMA_OFFSET));
		KUNIT_EXPECT_EQ(test, dma_get_sgtable(dev, &sgt, cpu, dma,
						      PAGE_SIZE), 0);
		KUNIT_EXPECT_PTR_EQ(test, sg_page(sgt.sgl), virt_to_page(cpu));
		sg_free_table(&sgt);
		dma_free_coherent(dev, PAGE_SIZE, cpu, dma);
	}

	KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(dev), 0);
	dev->dma_range_map = NULL;
	kfree(map);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, NULL), 0);
}

static const struct dma_map_ops altdma_test_previous_ops;

static void altdma_test_detach_restores_ops(struct kunit *test)
{
	struct device *dev = test_dev(test);
	const struct dma_map_ops *attached = get_dma_ops(dev);

	KUNIT_EXPECT_NOT_NULL(test, attached);
	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(dev), 0);
	KUNIT_EXPECT_NULL(test, dev->dma_ops);
	KUNIT_EXPECT_FALSE(test, altdma_is_attached(dev));

	/*
	 * A device with DMA ops of its own is refused, its ops untouched
	 * (altdma used to replace them silently).
	 */
	set_dma_ops(dev, &altdma_test_previous_ops);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, NULL), -EOPNOTSUPP);
	KUNIT_EXPECT_PTR_EQ(test, get_dma_ops(dev), &altdma_test_previous_ops);
	KUNIT_EXPECT_FALSE(test, altdma_is_attached(dev));
	set_dma_ops(dev, NULL);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, NULL), 0);
}

static void altdma_test_attach_errors(struct kunit *test)
{
	struct device *dev = test_dev(test);
	const struct dma_map_ops *attached = get_dma_ops(dev);
	struct altdma_config bad_policy = { .policy = 99 };
	u64 *saved_mask;

	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, NULL), -EBUSY);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(NULL, NULL), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, get_dma_ops(dev), attached);

	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(dev), 0);
	KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(dev), -EINVAL);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, &bad_policy), -EINVAL);
	KUNIT_EXPECT_FALSE(test, altdma_is_attached(dev));
	KUNIT_EXPECT_NULL(test, dev->dma_ops);

	saved_mask = dev->dma_mask;
	dev->dma_mask = NULL;
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, NULL), -EINVAL);
	dev->dma_mask = saved_mask;
	KUNIT_EXPECT_NULL(test, dev->dma_ops);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, NULL), 0);
}

static struct kunit_case altdma_direct_cases[] = {
	KUNIT_CASE(altdma_test_map_single_is_phys),
	KUNIT_CASE(altdma_test_map_page_crossing),
	KUNIT_CASE(altdma_test_map_sgtable),
	KUNIT_CASE(altdma_test_direct_fast_table),
	KUNIT_CASE(altdma_test_map_resource_identity),
	KUNIT_CASE(altdma_test_syncs_keep_data),
	KUNIT_CASE(altdma_test_unreachable_map_fails),
	KUNIT_CASE(altdma_test_mask_acceptance_matches_direct),
	KUNIT_CASE(altdma_test_required_mask_matches_direct),
	KUNIT_CASE(altdma_test_max_mapping_size),
	KUNIT_CASE(altdma_test_coherent_alloc),
	KUNIT_CASE(altdma_test_alloc_pages),
	KUNIT_CASE(altdma_test_get_sgtable),
	KUNIT_CASE(altdma_test_range_map_offset),
	{}
};

static struct kunit_suite altdma_direct_suite = {
	.name = "altdma_direct",
	.init = altdma_test_init,
	.exit = altdma_test_exit,
	.test_cases = altdma_direct_cases,
};

static struct kunit_case altdma_attach_cases[] = {
	KUNIT_CASE(altdma_test_detach_restores_ops),
	KUNIT_CASE(altdma_test_attach_errors),
	{}
};

static struct kunit_suite altdma_attach_suite = {
	.name = "altdma_attach",
	.init = altdma_test_init,
	.exit = altdma_test_exit,
	.test_cases = altdma_attach_cases,
};

/* ---- Bounce policy ------------------------------------------------------ */

/* NVMe's PRPs need the low 12 bits of every address kept. */
#define TEST_MIN_ALIGN_MASK 0xfffU

static const struct altdma_config altdma_test_bounce32 = {
	.policy = ALTDMA_BOUNCE,
	.flags = ALTDMA_GUARD_BYTES,
	.emulated_mask_bits = 32,
};

static const struct altdma_config altdma_test_force = {
	.policy = ALTDMA_BOUNCE,
	.flags = ALTDMA_FORCE_BOUNCE | ALTDMA_GUARD_BYTES,
};

static int altdma_bounce_setup(struct kunit *test,
			       const struct altdma_config *config)
{
	struct device *dev;

	altdma_test_setup(test, config);
	dev = test_dev(test);
	/* (Both return void on later kernels; a platform device has parms.) */
	dma_set_max_seg_size(dev, UINT_MAX);
	dma_set_min_align_mask(dev, TEST_MIN_ALIGN_MASK);
	KUNIT_ASSERT_EQ(test, dma_get_min_align_mask(dev), TEST_MIN_ALIGN_MASK);
	return 0;
}

static int altdma_bounce32_init(struct kunit *test)
{
	return altdma_bounce_setup(test, &altdma_test_bounce32);
}

static int altdma_force_init(struct kunit *test)
{
	return altdma_bounce_setup(test, &altdma_test_force);
}

static void altdma_bounce_exit(struct kunit *test)
{
	struct altdma_stats stats;

	/* Every test must leave the pool as it found it. */
	if (!altdma_get_stats(test_dev(test), &stats)) {
		KUNIT_EXPECT_EQ(test, stats.outstanding_bounces, 0ULL);
		KUNIT_EXPECT_EQ(test, stats.pool_used, 0ULL);
	}
	altdma_test_exit(test);
}

static struct page *high_page_or_skip(struct kunit *test)
{
	struct page *spares[64] = {};
	struct page *high = alloc_page_above_4g(spares, ARRAY_SIZE(spares));
	int i;

	for (i = 0; i < ARRAY_SIZE(spares); i++)
		if (spares[i])
			__free_page(spares[i]);
	if (!high)
		kunit_skip(test, "no RAM above 4 GiB in this guest");
	return high;
}

/* The bounce buffer as the device sees it (no DMA offset on this bus). */
static u8 *device_view(dma_addr_t dma)
{
	return phys_to_virt(dma);
}

/*
 * A buffer above 4 GiB on a device that reaches only 32 bits: it must be
 * bounced low, keep its offset bits, and its data must make the trip the
 * direction asks for.
 */
static void check_round_trip(struct kunit *test, enum dma_data_direction dir)
{
	struct device *dev = test_dev(test);
	struct page *high = high_page_or_skip(test);
	const unsigned int offset = 0x234, len = 1000;
	u8 *cpu = page_address(high) + offset;
	dma_addr_t dma;

	memset(cpu, 0x11, len);
	dma = dma_map_page(dev, high, offset, len, dir);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_LE(test, (u64)dma + len - 1, (u64)DMA_BIT_MASK(32));
	KUNIT_EXPECT_EQ(test, dma & TEST_MIN_ALIGN_MASK,
			(dma_addr_t)offset & TEST_MIN_ALIGN_MASK);
	/* The original is copied in whatever the direction. */
	KUNIT_EXPECT_NULL(test, memchr_inv(device_view(dma), 0x11, len));

	memset(device_view(dma), 0x22, len);	/* the device writes */
	dma_unmap_page(dev, dma, len, dir);
	if (dir == DMA_TO_DEVICE)
		KUNIT_EXPECT_NULL(test, memchr_inv(cpu, 0x11, len));
	else
		KUNIT_EXPECT_NULL(test, memchr_inv(cpu, 0x22, len));
	__free_page(high);
}

static void altdma_test_bounce_to_device(struct kunit *test)
{
	check_round_trip(test, DMA_TO_DEVICE);
}

static void altdma_test_bounce_from_device(struct kunit *test)
{
	check_round_trip(test, DMA_FROM_DEVICE);
}

static void altdma_test_bounce_bidirectional(struct kunit *test)
{
	struct altdma_stats stats;

	check_round_trip(test, DMA_BIDIRECTIONAL);
	stats = test_stats(test);
	KUNIT_EXPECT_EQ(test, stats.bounced_maps[DMA_BIDIRECTIONAL], 1ULL);
	KUNIT_EXPECT_EQ(test, stats.bounced_bytes[DMA_BIDIRECTIONAL], 1000ULL);
	KUNIT_EXPECT_GT(test, stats.pool_high_water, 0ULL);
}

static void altdma_test_low_buffer_not_bounced(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct page *low = alloc_page(GFP_KERNEL | GFP_DMA32);
	dma_addr_t dma;

	KUNIT_ASSERT_NOT_NULL(test, low);
	dma = dma_map_page(dev, low, 0, PAGE_SIZE, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)page_to_phys(low));
	dma_unmap_page(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, test_stats(test).bounced_maps[DMA_TO_DEVICE], 0ULL);
	__free_page(low);
}

static void altdma_test_syncs_copy_by_direction(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct page *high = high_page_or_skip(test);
	u8 *cpu = page_address(high);
	dma_addr_t dma;

	memset(cpu, 0x11, 512);
	dma = dma_map_page(dev, high, 0, 512, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));

	memset(device_view(dma), 0x33, 512);
	dma_sync_single_for_cpu(dev, dma, 512, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_NULL(test, memchr_inv(cpu, 0x33, 512));

	memset(cpu, 0x44, 512);
	dma_sync_single_for_device(dev, dma, 512, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_NULL(test, memchr_inv(device_view(dma), 0x44, 512));

	/* Unmap without a CPU sync leaves the original alone. */
	memset(device_view(dma), 0x55, 512);
	dma_unmap_page_attrs(dev, dma, 512, DMA_BIDIRECTIONAL,
			     DMA_ATTR_SKIP_CPU_SYNC);
	KUNIT_EXPECT_NULL(test, memchr_inv(cpu, 0x44, 512));
	__free_page(high);
}

static void altdma_test_bounce_sg(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct page *pages[3];
	struct scatterlist *sg;
	struct sg_table sgt;
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = high_page_or_skip(test);
		memset(page_address(pages[i]), 0x60 + i, PAGE_SIZE);
	}
	KUNIT_ASSERT_EQ(test, sg_alloc_table(&sgt, ARRAY_SIZE(pages),
					     GFP_KERNEL), 0);
	for_each_sgtable_sg(&sgt, sg, i)
		sg_set_page(sg, pages[i], PAGE_SIZE - 64 * i, 64 * i);

	KUNIT_ASSERT_EQ(test, dma_map_sgtable(dev, &sgt, DMA_FROM_DEVICE, 0), 0);
	for_each_sgtable_dma_sg(&sgt, sg, i) {
		KUNIT_EXPECT_LE(test, (u64)sg_dma_address(sg) + sg_dma_len(sg) - 1,
				(u64)DMA_BIT_MASK(32));
		KUNIT_EXPECT_EQ(test, sg_dma_address(sg) & TEST_MIN_ALIGN_MASK,
				(dma_addr_t)sg->offset);
		memset(device_view(sg_dma_address(sg)), 0x70 + i, sg_dma_len(sg));
	}
	dma_unmap_sgtable(dev, &sgt, DMA_FROM_DEVICE, 0);
	for_each_sgtable_sg(&sgt, sg, i)
		KUNIT_EXPECT_NULL(test, memchr_inv(page_address(pages[i]) + 64 * i,
						   0x70 + i, sg->length));
	sg_free_table(&sgt);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		__free_page(pages[i]);
}

static void altdma_test_guard_violation_reported(struct kunit *test)
{
	struct device *dev = test_dev(test);
	u8 *buf = kmalloc(128, GFP_KERNEL);
	struct altdma_stats stats;
	dma_addr_t dma;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Force mode, so even a low buffer gets a slot with red zones. */
	dma = dma_map_single(dev, buf, 100, DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	device_view(dma)[100] = 0xee;		/* one byte past the end */
	dma_unmap_single(dev, dma, 100, DMA_FROM_DEVICE);
	stats = test_stats(test);
	KUNIT_EXPECT_EQ(test, stats.guard_violations, 1ULL);
	kfree(buf);
}

static void altdma_test_force_bounces_low_memory(struct kunit *test)
{
	struct device *dev = test_dev(test);
	/* kmalloc() takes no zone flag (6.1 dumps a stack for it): a page. */
	struct page *low = alloc_page(GFP_KERNEL | GFP_DMA32);
	dma_addr_t dma;
	u8 *buf;

	KUNIT_ASSERT_NOT_NULL(test, low);
	buf = page_address(low);
	memset(buf, 0x5a, 256);
	dma = dma_map_single(dev, buf, 256, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_NE(test, dma, (dma_addr_t)virt_to_phys(buf));
	KUNIT_EXPECT_NULL(test, memchr_inv(device_view(dma), 0x5a, 256));
	dma_unmap_single(dev, dma, 256, DMA_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, test_stats(test).bounced_maps[DMA_TO_DEVICE], 1ULL);
	__free_page(low);
}

/* Fill the 4 MiB pool with maximal mappings until it says it is full. */
static void altdma_test_exhaustion_and_too_large(struct kunit *test)
{
	const size_t chunk = 256 * 1024;
	struct device *dev = test_dev(test);
	dma_addr_t dmas[32];
	struct altdma_stats stats;
	void *buf;
	int n, i;

	KUNIT_EXPECT_EQ(test, dma_max_mapping_size(dev), chunk);
	buf = (void *)__get_free_pages(GFP_KERNEL, get_order(chunk * 2));
	KUNIT_ASSERT_NOT_NULL(test, buf);

	dmas[0] = dma_map_single(dev, buf, chunk + 1, DMA_TO_DEVICE);
	KUNIT_EXPECT_TRUE(test, dma_mapping_error(dev, dmas[0]));
	KUNIT_EXPECT_EQ(test, test_stats(test).fail_too_large, 1ULL);

	for (n = 0; n < ARRAY_SIZE(dmas); n++) {
		dmas[n] = dma_map_single(dev, buf, chunk, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dmas[n]))
			break;
	}
	stats = test_stats(test);
	KUNIT_EXPECT_LT(test, n, (int)ARRAY_SIZE(dmas));
	KUNIT_EXPECT_GE(test, n, 8);
	KUNIT_EXPECT_EQ(test, stats.fail_exhausted + stats.fail_fragmented, 1ULL);
	KUNIT_EXPECT_EQ(test, stats.outstanding_bounces, (u64)n);
	for (i = 0; i < n; i++)
		dma_unmap_single(dev, dmas[i], chunk, DMA_TO_DEVICE);
	free_pages((unsigned long)buf, get_order(chunk * 2));
}

static void altdma_test_bounce_coherent_and_masks(struct kunit *test)
{
	struct device *dev = test_dev(test);
	dma_addr_t dma;
	void *cpu;

	/* The driver asked for 64 bits; the device behaves as a 32-bit one. */
	cpu = dma_alloc_coherent(dev, 2 * PAGE_SIZE, &dma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cpu);
	KUNIT_EXPECT_LE(test, (u64)dma + 2 * PAGE_SIZE - 1, (u64)DMA_BIT_MASK(32));
	KUNIT_EXPECT_NULL(test, memchr_inv(cpu, 0, 2 * PAGE_SIZE));
	dma_free_coherent(dev, 2 * PAGE_SIZE, cpu, dma);

	KUNIT_EXPECT_LE(test, dma_get_required_mask(dev), (u64)DMA_BIT_MASK(32));
	KUNIT_EXPECT_EQ(test, dma_set_mask(dev, DMA_BIT_MASK(32)), 0);
	KUNIT_EXPECT_EQ(test, dma_set_mask(dev, DMA_BIT_MASK(64)), 0);
}

static void altdma_test_bounce_config_refused(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct altdma_config bad = { .policy = ALTDMA_BOUNCE,
				     .emulated_mask_bits = 8 };

	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(dev), 0);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, &bad), -EINVAL);
	bad.emulated_mask_bits = 32;
	bad.max_mapping_size = 64ULL << 20;
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, &bad), -EINVAL);
	KUNIT_EXPECT_NULL(test, dev->dma_ops);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, &altdma_test_bounce32), 0);
}

/*
 * Misuse calls go to altdma's ops directly: dma-debug, which sits above the
 * ops on the test kernels, would report them itself (and WARN).
 */
static void ops_unmap(struct device *dev, dma_addr_t dma, size_t size,
		      enum dma_data_direction dir)
{
#if ALTDMA_OPS_MAP_PHYS
	get_dma_ops(dev)->unmap_phys(dev, dma, size, dir, 0);
#else
	get_dma_ops(dev)->unmap_page(dev, dma, size, dir, 0);
#endif
}

/* Bytes that differ per position and per test run. */
static void fill_pattern(u8 *buf, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed + i * 7 + (i >> 8));
}

static bool has_pattern(const u8 *buf, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != (u8)(seed + i * 7 + (i >> 8)))
			return false;
	return true;
}

/*
 * An unmap or sync of a coherent pool address, and a coherent free of a
 * streaming bounce address, are refused: no byte and no slot changes.
 */
static void altdma_test_misdirected_calls_refused(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct altdma_stats before, after;
	dma_addr_t cdma, sdma;
	u8 *coherent, *buf;

	coherent = dma_alloc_coherent(dev, PAGE_SIZE, &cdma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, coherent);
	buf = kmalloc(512, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	fill_pattern(coherent, PAGE_SIZE, 0xc5);
	fill_pattern(buf, 512, 0x3c);
	sdma = dma_map_single(dev, buf, 512, DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, sdma));
	KUNIT_ASSERT_NE(test, sdma, (dma_addr_t)virt_to_phys(buf));
	fill_pattern(device_view(sdma), 512, 0x7e);	/* the device wrote */
	before = test_stats(test);

	ops_unmap(dev, cdma, PAGE_SIZE, DMA_FROM_DEVICE);
	get_dma_ops(dev)->sync_single_for_cpu(dev, cdma, PAGE_SIZE,
					      DMA_FROM_DEVICE);
	get_dma_ops(dev)->free(dev, 512, buf, sdma, 0);

	after = test_stats(test);
	KUNIT_EXPECT_EQ(test, after.refused_calls - before.refused_calls, 3ULL);
	KUNIT_EXPECT_EQ(test, after.pool_used, before.pool_used);
	KUNIT_EXPECT_EQ(test, after.outstanding_bounces, 1ULL);
	KUNIT_EXPECT_EQ(test, after.pool_coherent_outstanding, 1ULL);
	KUNIT_EXPECT_TRUE(test, has_pattern(coherent, PAGE_SIZE, 0xc5));
	KUNIT_EXPECT_TRUE(test, has_pattern(device_view(sdma), 512, 0x7e));
	KUNIT_EXPECT_TRUE(test, has_pattern(buf, 512, 0x3c));

	/* Both are still live and come apart the right way. */
	dma_unmap_single(dev, sdma, 512, DMA_FROM_DEVICE);
	KUNIT_EXPECT_TRUE(test, has_pattern(buf, 512, 0x7e));
	dma_free_coherent(dev, PAGE_SIZE, coherent, cdma);
	after = test_stats(test);
	KUNIT_EXPECT_EQ(test, after.pool_used, 0ULL);
	KUNIT_EXPECT_EQ(test, after.pool_coherent_outstanding, 0ULL);
	kfree(buf);
}

/* Detach refuses while the pool holds live work, then succeeds. */
static void altdma_test_detach_refused_while_busy(struct kunit *test)
{
	struct device *dev = test_dev(test);
	const struct dma_map_ops *ops = get_dma_ops(dev);
	dma_addr_t cdma, sdma;
	void *coherent;
	u8 *buf;

	buf = kmalloc(256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	coherent = dma_alloc_coherent(dev, PAGE_SIZE, &cdma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, coherent);
	sdma = dma_map_single(dev, buf, 256, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, sdma));

	KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(dev), -EBUSY);
	KUNIT_EXPECT_TRUE(test, altdma_is_attached(dev));
	KUNIT_EXPECT_PTR_EQ(test, get_dma_ops(dev), ops);
	dma_unmap_single(dev, sdma, 256, DMA_TO_DEVICE);
	/* The coherent allocation still lives in the pool. */
	KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(dev), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, get_dma_ops(dev), ops);
	dma_free_coherent(dev, PAGE_SIZE, coherent, cdma);

	KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(dev), 0);
	KUNIT_EXPECT_NULL(test, dev->dma_ops);
	KUNIT_EXPECT_FALSE(test, altdma_is_attached(dev));
	kfree(buf);
}

/* max_segment_size limits sg segments only; swiotlb ignores it too. */
static void altdma_test_single_map_ignores_max_segment(struct kunit *test)
{
	const size_t size = 128 * 1024;
	struct device *dev = test_dev(test);
	dma_addr_t dma;
	u8 *buf;

	buf = (u8 *)__get_free_pages(GFP_KERNEL, get_order(size));
	KUNIT_ASSERT_NOT_NULL(test, buf);
	fill_pattern(buf, size, 0x21);
	dma_set_max_seg_size(dev, 64 * 1024);
	dma = dma_map_single(dev, buf, size, DMA_TO_DEVICE);
	dma_set_max_seg_size(dev, UINT_MAX);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_NE(test, dma, (dma_addr_t)virt_to_phys(buf));
	KUNIT_EXPECT_TRUE(test, has_pattern(device_view(dma), size, 0x21));
	dma_unmap_single(dev, dma, size, DMA_TO_DEVICE);
	free_pages((unsigned long)buf, get_order(size));
}

/* As swiotlb: a page-aligned mapping of a page or more is page aligned. */
static void altdma_test_page_sized_bounce_is_page_aligned(struct kunit *test)
{
	static const size_t sizes[] = {
		100, PAGE_SIZE, 300, 2 * PAGE_SIZE, 50, PAGE_SIZE + 512,
		3 * PAGE_SIZE, 700, PAGE_SIZE,
	};
	struct device *dev = test_dev(test);
	dma_addr_t dmas[ARRAY_SIZE(sizes)];
	struct page *pages;
	int i;

	pages = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	dma_set_min_align_mask(dev, 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		dmas[i] = dma_map_page(dev, pages, 0, sizes[i], DMA_TO_DEVICE);
		KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dmas[i]));
		if (sizes[i] >= PAGE_SIZE)
			KUNIT_EXPECT_EQ_MSG(test, (dma_addr_t)(dmas[i] & ~PAGE_MASK), (dma_addr_t)0,
					    "mapping %d of %zu bytes", i, sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		dma_unmap_page(dev, dmas[i], sizes[i], DMA_TO_DEVICE);
	dma_set_min_align_mask(dev, TEST_MIN_ALIGN_MASK);
	__free_pages(pages, 2);
}

/*
 * Force mode bounces everything, so the limit applies; the pool is not
 * held below the 32-bit mask of attach time: it prefers memory above 4 GiB.
 */
static void altdma_test_force_pool_placement(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct page *high = high_page_or_skip(test);
	struct altdma_stats stats = test_stats(test);

	__free_page(high);
	KUNIT_EXPECT_EQ(test, dma_max_mapping_size(dev), (size_t)SZ_256K);
	KUNIT_EXPECT_GT(test, stats.pool_highest_dma, (u64)DMA_BIT_MASK(32));
	KUNIT_EXPECT_LE(test, stats.pool_lowest_dma, stats.pool_highest_dma);
}

/* An emulated 32-bit mask puts the whole pool below 4 GiB. */
static void altdma_test_bounce32_pool_placement(struct kunit *test)
{
	struct altdma_stats stats = test_stats(test);

	KUNIT_EXPECT_GT(test, stats.pool_size, 0ULL);
	KUNIT_EXPECT_LE(test, stats.pool_highest_dma, (u64)DMA_BIT_MASK(32));
}

/*
 * As dma-direct: a device that reaches all of RAM is not limited to the
 * pool's mapping size; one that does not, is.
 */
static void altdma_test_max_mapping_only_when_limited(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct page *high = high_page_or_skip(test);

	__free_page(high);
	KUNIT_EXPECT_EQ(test, dma_max_mapping_size(dev), SIZE_MAX);
	KUNIT_ASSERT_EQ(test, dma_set_mask(dev, DMA_BIT_MASK(32)), 0);
	KUNIT_EXPECT_EQ(test, dma_max_mapping_size(dev), (size_t)SZ_256K);
	KUNIT_ASSERT_EQ(test, dma_set_mask(dev, DMA_BIT_MASK(64)), 0);
	KUNIT_EXPECT_EQ(test, dma_max_mapping_size(dev), SIZE_MAX);
}

/*
 * The bounce policy's fast table: real unmap and sync entries (they copy),
 * maps counted per CPU. Its own map_sg loop must undo the entries mapped
 * before a failing one: here the third is larger than the pool's maximal
 * mapping (-EIO, since no retry can succeed), and nothing may stay bounced.
 */
static void altdma_test_bounce_fast_table(struct kunit *test)
{
	const unsigned int big_order = get_order(SZ_256K + PAGE_SIZE);
	struct altdma_stats before = test_stats(test), now;
	struct device *dev = test_dev(test);
	const struct dma_map_ops *ops = get_dma_ops(dev);
	struct page *pages[2], *big;
	struct scatterlist *sg;
	struct sg_table sgt;
	int i;

	KUNIT_EXPECT_EQ(test, before.ops_table, (u64)ALTDMA_OPS_BOUNCE_FAST);
	KUNIT_EXPECT_NOT_NULL(test, ops->sync_single_for_cpu);
	KUNIT_EXPECT_NOT_NULL(test, ops->sync_sg_for_device);
	KUNIT_EXPECT_NOT_NULL(test, ops->unmap_sg);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		fill_pattern(page_address(pages[i]), PAGE_SIZE, 0x31 + i);
	}
	big = alloc_pages(GFP_KERNEL, big_order);
	KUNIT_ASSERT_NOT_NULL(test, big);

	KUNIT_ASSERT_EQ(test, sg_alloc_table(&sgt, 3, GFP_KERNEL), 0);
	sg_set_page(sgt.sgl, pages[0], PAGE_SIZE, 0);
	sg_set_page(sg_next(sgt.sgl), pages[1], PAGE_SIZE, 0);
	sg_set_page(sg_next(sg_next(sgt.sgl)), big, SZ_256K + PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, dma_map_sgtable(dev, &sgt, DMA_TO_DEVICE, 0), -EIO);
	now = test_stats(test);
	KUNIT_EXPECT_EQ(test, now.outstanding_bounces, 0ULL);
	KUNIT_EXPECT_EQ(test, now.fail_too_large - before.fail_too_large, 1ULL);
	expect_counted(test, &before, 2, 1, 0);

	/* The first two alone: mapped, copied in, counted. */
	sg_mark_end(sg_next(sgt.sgl));
	sgt.orig_nents = 2;
	KUNIT_ASSERT_EQ(test, dma_map_sgtable(dev, &sgt, DMA_TO_DEVICE, 0), 0);
	for_each_sgtable_dma_sg(&sgt, sg, i) {
		KUNIT_EXPECT_NE(test, sg_dma_address(sg),
				(dma_addr_t)page_to_phys(pages[i]));
		KUNIT_EXPECT_TRUE(test, has_pattern(device_view(sg_dma_address(sg)),
						    PAGE_SIZE, 0x31 + i));
	}
	KUNIT_EXPECT_EQ(test, test_stats(test).outstanding_bounces, 2ULL);
	dma_unmap_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);
	KUNIT_EXPECT_EQ(test, test_stats(test).outstanding_bounces, 0ULL);
	expect_counted(test, &before, 4, 1, 0);
	sgt.orig_nents = 3;
	sg_free_table(&sgt);
	__free_pages(big, big_order);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		__free_page(pages[i]);
}

static struct kunit_case altdma_bounce_cases[] = {
	KUNIT_CASE(altdma_test_bounce_to_device),
	KUNIT_CASE(altdma_test_bounce_from_device),
	KUNIT_CASE(altdma_test_bounce_bidirectional),
	KUNIT_CASE(altdma_test_low_buffer_not_bounced),
	KUNIT_CASE(altdma_test_syncs_copy_by_direction),
	KUNIT_CASE(altdma_test_bounce_sg),
	KUNIT_CASE(altdma_test_exhaustion_and_too_large),
	KUNIT_CASE(altdma_test_bounce_coherent_and_masks),
	KUNIT_CASE(altdma_test_bounce_config_refused),
	KUNIT_CASE(altdma_test_bounce32_pool_placement),
	{}
};

static struct kunit_suite altdma_bounce_suite = {
	.name = "altdma_bounce",
	.init = altdma_bounce32_init,
	.exit = altdma_bounce_exit,
	.test_cases = altdma_bounce_cases,
};

static struct kunit_case altdma_force_cases[] = {
	KUNIT_CASE(altdma_test_force_bounces_low_memory),
	KUNIT_CASE(altdma_test_bounce_fast_table),
	KUNIT_CASE(altdma_test_guard_violation_reported),
	KUNIT_CASE(altdma_test_single_map_ignores_max_segment),
	KUNIT_CASE(altdma_test_page_sized_bounce_is_page_aligned),
	KUNIT_CASE(altdma_test_force_pool_placement),
	{}
};

static struct kunit_suite altdma_force_suite = {
	.name = "altdma_force_bounce",
	.init = altdma_force_init,
	.exit = altdma_bounce_exit,
	.test_cases = altdma_force_cases,
};

static const struct altdma_config altdma_test_pool_coherent = {
	.policy = ALTDMA_BOUNCE,
	.flags = ALTDMA_FORCE_BOUNCE | ALTDMA_GUARD_BYTES |
		 ALTDMA_COHERENT_FROM_POOL,
	.emulated_mask_bits = 32,
};

static int altdma_pool_coherent_init(struct kunit *test)
{
	return altdma_bounce_setup(test, &altdma_test_pool_coherent);
}

/* Detach refuses with work live: re-attach so exit finds it attached. */
static void altdma_pool_coherent_exit(struct kunit *test)
{
	struct device *dev = test_dev(test);

	if (!altdma_is_attached(dev))
		KUNIT_EXPECT_EQ(test,
				altdma_test_attach_locked(dev, &altdma_test_pool_coherent),
				0);
	altdma_bounce_exit(test);
}

static struct kunit_case altdma_pool_coherent_cases[] = {
	KUNIT_CASE(altdma_test_misdirected_calls_refused),
	KUNIT_CASE(altdma_test_detach_refused_while_busy),
	{}
};

static struct kunit_suite altdma_pool_coherent_suite = {
	.name = "altdma_pool_coherent",
	.init = altdma_pool_coherent_init,
	.exit = altdma_pool_coherent_exit,
	.test_cases = altdma_pool_coherent_cases,
};

static const struct altdma_config altdma_test_bounce_plain = {
	.policy = ALTDMA_BOUNCE,
};

static int altdma_bounce_plain_init(struct kunit *test)
{
	return altdma_bounce_setup(test, &altdma_test_bounce_plain);
}

static struct kunit_case altdma_bounce_plain_cases[] = {
	KUNIT_CASE(altdma_test_max_mapping_only_when_limited),
	{}
};

/*
 * The generic table, which no policy installs by itself: the bounce suite's
 * cases again with every callback through the core's policy interface.
 */
static const struct altdma_config altdma_test_bounce32_generic = {
	.policy = ALTDMA_BOUNCE,
	.flags = ALTDMA_GUARD_BYTES | ALTDMA_GENERIC_TABLE,
	.emulated_mask_bits = 32,
};

static int altdma_generic_init(struct kunit *test)
{
	return altdma_bounce_setup(test, &altdma_test_bounce32_generic);
}

/* Installed on request under either policy, and then the core counts. */
static void altdma_test_generic_table_installed(struct kunit *test)
{
	const struct altdma_config direct = {
		.policy = ALTDMA_DIRECT,
		.flags = ALTDMA_GENERIC_TABLE,
	};
	const struct altdma_config direct_bad = {
		.policy = ALTDMA_DIRECT,
		.flags = ALTDMA_GENERIC_TABLE | ALTDMA_FORCE_BOUNCE,
	};
	struct device *dev = test_dev(test);
	struct altdma_stats before = test_stats(test);
	void *buf = kmalloc(512, GFP_KERNEL);
	dma_addr_t dma;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, before.ops_table, (u64)ALTDMA_OPS_GENERIC);
	KUNIT_EXPECT_NOT_NULL(test, get_dma_ops(dev)->sync_single_for_cpu);

	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(dev), 0);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(dev, &direct_bad), -EINVAL);
	KUNIT_EXPECT_NULL(test, dev->dma_ops);
	KUNIT_ASSERT_EQ(test, altdma_test_attach_locked(dev, &direct), 0);
	before = test_stats(test);
	KUNIT_EXPECT_EQ(test, before.ops_table, (u64)ALTDMA_OPS_GENERIC);
	/* The direct fast table has no sync entries; the generic one has. */
	KUNIT_EXPECT_NOT_NULL(test, get_dma_ops(dev)->sync_single_for_cpu);
	dma = dma_map_single(dev, buf, 512, DMA_TO_DEVICE);
	KUNIT_EXPECT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)virt_to_phys(buf));
	dma_unmap_single(dev, dma, 512, DMA_TO_DEVICE);
	expect_counted(test, &before, 1, 0, 0);
	kfree(buf);

	KUNIT_ASSERT_EQ(test, altdma_test_detach_locked(dev), 0);
	KUNIT_EXPECT_EQ(test,
			altdma_test_attach_locked(dev, &altdma_test_bounce32_generic),
			0);
}

static struct kunit_case altdma_generic_cases[] = {
	KUNIT_CASE(altdma_test_generic_table_installed),
	KUNIT_CASE(altdma_test_bounce_to_device),
	KUNIT_CASE(altdma_test_bounce_from_device),
	KUNIT_CASE(altdma_test_bounce_bidirectional),
	KUNIT_CASE(altdma_test_low_buffer_not_bounced),
	KUNIT_CASE(altdma_test_syncs_copy_by_direction),
	KUNIT_CASE(altdma_test_bounce_sg),
	KUNIT_CASE(altdma_test_exhaustion_and_too_large),
	KUNIT_CASE(altdma_test_bounce_coherent_and_masks),
	{}
};

static struct kunit_suite altdma_generic_suite = {
	.name = "altdma_generic_table",
	.init = altdma_generic_init,
	.exit = altdma_bounce_exit,
	.test_cases = altdma_generic_cases,
};

static struct kunit_suite altdma_bounce_plain_suite = {
	.name = "altdma_bounce_plain",
	.init = altdma_bounce_plain_init,
	.exit = altdma_bounce_exit,
	.test_cases = altdma_bounce_plain_cases,
};

kunit_test_suites(&altdma_direct_suite, &altdma_attach_suite,
		  &altdma_bounce_suite, &altdma_force_suite,
		  &altdma_pool_coherent_suite, &altdma_bounce_plain_suite,
		  &altdma_generic_suite);

MODULE_DESCRIPTION("KUnit suites for altdma");
MODULE_LICENSE("GPL");
