// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for altdma's DMA-API checker: each class provoked on purpose
 * through the kernel's real DMA API on a platform device attached with
 * ALTDMA_CHECKS, asserting its counter (and that no other class moved), its
 * message and the mapping's stack; and a correct workload of every kind of
 * operation with no finding at all. The opt-in data checks run on a second
 * device attached with them (bounced, for the device's write into a slot).
 *
 * The misuses are harmless under the direct policy on a coherent device
 * (its unmap and sync do nothing), which is also why they are only found by
 * a checker. DMA-API debugging, where the kernel has it, sees them too
 * above altdma; the guest mutes its reports while this suite runs.
 */
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>
#include <linux/string.h>

#include "../shim/altdma.h"
#include "altdma_test_lock.h"

static const struct altdma_config altdma_check_test_config = {
	.policy = ALTDMA_DIRECT,
	.flags = ALTDMA_CHECKS,
	.checks = ALTDMA_CHECKS_ALL,
};

/* An address in the q35 MMIO hole, never RAM (dma_map_resource insists). */
#define TEST_MMIO_PHYS 0xfed00000ULL

struct altdma_check_test {
	struct platform_device *pdev;
	struct device *dev;
	u8 *buf;				/* SZ_16K, physically contiguous */
	struct altdma_check_stats before;	/* at the start of the case */
	struct altdma_check_report *reports;	/* ALTDMA_CHECK_REPORTS */
};

static struct altdma_check_test *ctx_of(struct kunit *test)
{
	return test->priv;
}

static struct device *test_dev(struct kunit *test)
{
	return ctx_of(test)->dev;
}

static struct altdma_check_stats check_stats(struct kunit *test)
{
	struct altdma_check_stats stats = {};

	KUNIT_EXPECT_EQ(test, altdma_check_read(test_dev(test), &stats), 0);
	return stats;
}

static int altdma_check_test_init(struct kunit *test)
{
	struct altdma_check_test *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->buf = kunit_kzalloc(test, SZ_16K, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->buf);
	ctx->reports = kunit_kcalloc(test, ALTDMA_CHECK_REPORTS,
				     sizeof(*ctx->reports), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->reports);
	ctx->pdev = platform_device_register_simple("altdma-check-kunit",
						    PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->pdev);
	ctx->dev = &ctx->pdev->dev;
	test->priv = ctx;
	KUNIT_ASSERT_EQ(test, altdma_test_attach_locked(ctx->dev,
							&altdma_check_test_config), 0);
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(ctx->dev,
							DMA_BIT_MASK(64)), 0);
	ctx->before = check_stats(test);
	return 0;
}

static void altdma_check_test_exit(struct kunit *test)
{
	struct altdma_check_test *ctx = test->priv;
	struct altdma_check_stats stats;

	if (!ctx || IS_ERR_OR_NULL(ctx->pdev))
		return;
	if (!altdma_check_read(ctx->dev, &stats)) {
		KUNIT_EXPECT_EQ_MSG(test, stats.live, 0ULL,
				    "every case cleans up what it mapped");
		KUNIT_EXPECT_EQ(test, stats.untracked, 0ULL);
		KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(ctx->dev), 0);
	}
	platform_device_unregister(ctx->pdev);
}

/* The newest report, or an all-zero one (seq 0) if there is none. */
static struct altdma_check_report *last_report(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	long n = altdma_check_reports(ctx->dev, ctx->reports,
				      ALTDMA_CHECK_REPORTS);

	KUNIT_EXPECT_GE(test, n, 0L);
	if (n <= 0) {
		memset(ctx->reports, 0, sizeof(*ctx->reports));
		return ctx->reports;
	}
	return &ctx->reports[n - 1];
}

/*
 * Since the case began: @n findings of @cls and none of any other class,
 * the last of them reported with @text in its message (%NULL: not
 * checked; leaks are counted, not reported one by one).
 */
static struct altdma_check_report *
expect_findings(struct kunit *test, enum altdma_check_class cls, u64 n,
		const char *text)
{
	struct altdma_check_stats now = check_stats(test);
	const struct altdma_check_stats *before = &ctx_of(test)->before;
	struct altdma_check_report *r;
	int c;

	for (c = 0; c < ALTDMA_NR_CHECK_CLASSES; c++)
		KUNIT_EXPECT_EQ_MSG(test, now.findings[c] - before->findings[c],
				    c == cls ? n : 0,
				    "class %s", altdma_check_class_name(c));
	r = last_report(test);
	if (!text)
		return r;
	KUNIT_EXPECT_EQ(test, r->cls, (u32)cls);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(r->text, text),
				  "report '%s' lacks '%s'", r->text, text);
	return r;
}

/* Whether the stack saved as @handle has a frame in function @func. */
static bool stack_has(u32 handle, const char *func)
{
	char name[KSYM_NAME_LEN];
	unsigned long *entries;
	unsigned int n, i;

	if (!handle)
		return false;
	n = stack_depot_fetch(handle, &entries);
	for (i = 0; i < n; i++) {
		/* "func [module]", or "func.isra.0" for a clone. */
		snprintf(name, sizeof(name), "%ps", (void *)entries[i]);
		name[strcspn(name, " .")] = '\0';
		if (!strcmp(name, func))
			return true;
	}
	return false;
}

/* The mapping's stack names the function that mapped (the stack depot). */
static void expect_map_stack(struct kunit *test,
			     const struct altdma_check_report *r,
			     const char *func)
{
	KUNIT_EXPECT_TRUE(test, r->flags & ALTDMA_CHECK_REPORT_MAP_STACK);
	if (!IS_ENABLED(CONFIG_STACKDEPOT))
		return;
	KUNIT_EXPECT_TRUE_MSG(test, stack_has(r->map_stack, func),
			      "the mapping's stack has no frame in %s", func);
}

static noinline dma_addr_t map_ok(struct kunit *test, void *cpu,
				  size_t size, enum dma_data_direction dir)
{
	dma_addr_t dma = dma_map_single(test_dev(test), cpu, size, dir);

	KUNIT_EXPECT_FALSE(test, dma_mapping_error(test_dev(test), dma));
	return dma;
}

static void altdma_check_test_not_mapped_never(struct kunit *test)
{
	struct altdma_check_report *r;
	char want[64];

	dma_unmap_single(test_dev(test), 0x12345000, SZ_4K, DMA_TO_DEVICE);
	snprintf(want, sizeof(want), "unmap of DMA address %#x", 0x12345000);
	r = expect_findings(test, ALTDMA_CHECK_CLASS_NOT_MAPPED, 1, want);
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->text, "nothing is mapped there"));
	KUNIT_EXPECT_EQ(test, r->flags, 0U);
}

static void altdma_check_test_not_mapped_twice(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	struct altdma_check_report *r;
	dma_addr_t dma = map_ok(test, ctx->buf, 2048, DMA_FROM_DEVICE);

	dma_unmap_single(ctx->dev, dma, 2048, DMA_FROM_DEVICE);
	expect_findings(test, ALTDMA_CHECK_CLASS_NOT_MAPPED, 0, NULL);
	dma_unmap_single(ctx->dev, dma, 2048, DMA_FROM_DEVICE);
	r = expect_findings(test, ALTDMA_CHECK_CLASS_NOT_MAPPED, 1,
			    "already unmapped (a single mapping of 2048 bytes)");
	/* The mapping's stack, and the second unmap's (the first's is not kept). */
	KUNIT_EXPECT_FALSE(test, r->flags & ALTDMA_CHECK_REPORT_UNMAP_STACK);
	expect_map_stack(test, r, "map_ok");
	if (IS_ENABLED(CONFIG_STACKDEPOT))
		KUNIT_EXPECT_TRUE(test, stack_has(r->other_stack, __func__));
}

static void altdma_check_test_wrong_size(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	dma_addr_t dma = map_ok(test, ctx->buf, SZ_4K, DMA_FROM_DEVICE);
	struct altdma_check_report *r;

	dma_unmap_single(ctx->dev, dma, 2048, DMA_FROM_DEVICE);
	r = expect_findings(test, ALTDMA_CHECK_CLASS_WRONG_SIZE, 1,
			    "with size 2048, mapped with size 4096 (FROM_DEVICE)");
	expect_map_stack(test, r, "map_ok");
}

static void altdma_check_test_wrong_direction(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	dma_addr_t dma = map_ok(test, ctx->buf, 512, DMA_TO_DEVICE);
	struct altdma_check_report *r;

	dma_unmap_single(ctx->dev, dma, 512, DMA_FROM_DEVICE);
	r = expect_findings(test, ALTDMA_CHECK_CLASS_WRONG_DIRECTION, 1,
			    "with direction FROM_DEVICE, mapped TO_DEVICE");
	expect_map_stack(test, r, "map_ok");
}

static void altdma_check_test_wrong_kind(struct kunit *test)
{
	struct device *dev = test_dev(test);
	struct altdma_check_report *r;
	dma_addr_t dma;

	dma = dma_map_resource(dev, TEST_MMIO_PHYS, SZ_4K, DMA_BIDIRECTIONAL, 0);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	dma_unmap_page(dev, dma, SZ_4K, DMA_BIDIRECTIONAL);
	r = expect_findings(test, ALTDMA_CHECK_CLASS_WRONG_KIND, 1,
			    "which is a resource mapping of 4096 bytes, not a single one");
	expect_map_stack(test, r, __func__);
}

static void altdma_check_test_sync_range(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	dma_addr_t dma = map_ok(test, ctx->buf, SZ_4K, DMA_FROM_DEVICE);

	dma_sync_single_for_cpu(ctx->dev, dma + 4000, 200, DMA_FROM_DEVICE);
	expect_findings(test, ALTDMA_CHECK_CLASS_SYNC_RANGE, 1,
			"reaches past its mapping");
	dma_unmap_single(ctx->dev, dma, SZ_4K, DMA_FROM_DEVICE);
	expect_findings(test, ALTDMA_CHECK_CLASS_SYNC_RANGE, 1, "");
}

static void altdma_check_test_sync_direction(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	dma_addr_t to_dev = map_ok(test, ctx->buf, SZ_4K, DMA_TO_DEVICE);
	dma_addr_t from_dev = map_ok(test, ctx->buf + SZ_8K, SZ_4K,
				     DMA_FROM_DEVICE);

	dma_sync_single_for_cpu(ctx->dev, to_dev, 64, DMA_TO_DEVICE);
	expect_findings(test, ALTDMA_CHECK_CLASS_SYNC_DIRECTION, 1,
			"for the CPU of a TO_DEVICE mapping");
	/* Handing an rx buffer back to the device is legal (page_pool). */
	dma_sync_single_for_device(ctx->dev, from_dev, 64, DMA_FROM_DEVICE);
	dma_sync_single_for_cpu(ctx->dev, from_dev, 64, DMA_BIDIRECTIONAL);
	expect_findings(test, ALTDMA_CHECK_CLASS_SYNC_DIRECTION, 2,
			"with another direction than its mapping (synced BIDIRECTIONAL, mapped FROM_DEVICE)");
	dma_unmap_single(ctx->dev, to_dev, SZ_4K, DMA_TO_DEVICE);
	dma_unmap_single(ctx->dev, from_dev, SZ_4K, DMA_FROM_DEVICE);
	expect_findings(test, ALTDMA_CHECK_CLASS_SYNC_DIRECTION, 2, "");
}

static void altdma_check_test_sg_mismatch(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	struct scatterlist mapped[2], other[2];
	struct altdma_check_report *r;
	int i;

	sg_init_table(mapped, 2);
	sg_set_buf(&mapped[0], ctx->buf, 1024);
	sg_set_buf(&mapped[1], ctx->buf + SZ_8K, 2048);
	KUNIT_ASSERT_EQ(test, dma_map_sg(ctx->dev, mapped, 2, DMA_TO_DEVICE), 2);
	/* The same entries in another list: the driver lost its list. */
	sg_init_table(other, 2);
	for (i = 0; i < 2; i++) {
		sg_set_page(&other[i], sg_page(&mapped[i]), mapped[i].length,
			    mapped[i].offset);
		sg_dma_address(&other[i]) = sg_dma_address(&mapped[i]);
		sg_dma_len(&other[i]) = sg_dma_len(&mapped[i]);
	}
	dma_unmap_sg(ctx->dev, other, 2, DMA_TO_DEVICE);
	r = expect_findings(test, ALTDMA_CHECK_CLASS_SG_MISMATCH, 1,
			    "with another scatterlist than the one mapped");
	expect_map_stack(test, r, __func__);
}

static void altdma_check_test_sg_segment(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	unsigned int max_seg = dma_get_max_seg_size(ctx->dev);
	unsigned long boundary = dma_get_seg_boundary(ctx->dev);
	struct scatterlist sg;
	u8 *cross = PTR_ALIGN(ctx->buf, SZ_4K) + SZ_4K - 256;

	/* (Since 6.12 dma_set_max_seg_size() returns nothing.) */
	dma_set_max_seg_size(ctx->dev, SZ_4K);
	KUNIT_ASSERT_EQ(test, dma_get_max_seg_size(ctx->dev), (unsigned int)SZ_4K);
	sg_init_one(&sg, ctx->buf, SZ_8K);
	KUNIT_ASSERT_EQ(test, dma_map_sg(ctx->dev, &sg, 1, DMA_TO_DEVICE), 1);
	dma_unmap_sg(ctx->dev, &sg, 1, DMA_TO_DEVICE);
	expect_findings(test, ALTDMA_CHECK_CLASS_SG_SEGMENT, 1,
			"is 8192 bytes, longer than the device's max_segment_size 4096");

	dma_set_max_seg_size(ctx->dev, SZ_64K);
	dma_set_seg_boundary(ctx->dev, SZ_4K - 1);
	KUNIT_ASSERT_EQ(test, dma_get_seg_boundary(ctx->dev), (unsigned long)SZ_4K - 1);
	sg_init_one(&sg, cross, 512);
	KUNIT_ASSERT_EQ(test, dma_map_sg(ctx->dev, &sg, 1, DMA_TO_DEVICE), 1);
	dma_unmap_sg(ctx->dev, &sg, 1, DMA_TO_DEVICE);
	expect_findings(test, ALTDMA_CHECK_CLASS_SG_SEGMENT, 2,
			"crosses the device's segment boundary (mask 0xfff)");
	dma_set_seg_boundary(ctx->dev, boundary);
	dma_set_max_seg_size(ctx->dev, max_seg);
}

#define TEST_RX_BUFFERS 3

/* A driver's refill loop: every buffer mapped from the same stack. */
static noinline void leak_rx_refill(struct kunit *test, dma_addr_t *dma)
{
	int i;

	for (i = 0; i < TEST_RX_BUFFERS; i++)
		dma[i] = map_ok(test, ctx_of(test)->buf + i * SZ_4K, SZ_4K,
				DMA_FROM_DEVICE);
}

static void altdma_check_test_leak(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	dma_addr_t rx[TEST_RX_BUFFERS], tx, coherent_dma;
	void *coherent;
	int i;

	leak_rx_refill(test, rx);
	tx = map_ok(test, ctx->buf + 3 * SZ_4K, 512, DMA_TO_DEVICE);
	coherent = dma_alloc_coherent(ctx->dev, SZ_8K, &coherent_dma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, coherent);
	KUNIT_EXPECT_EQ(test, check_stats(test).live - ctx->before.live, 5ULL);

	/* What altdma does when a driver unbinds with these live. */
	KUNIT_EXPECT_EQ(test, altdma_check_report_leaks(ctx->dev, "kunit"), 5L);
	expect_findings(test, ALTDMA_CHECK_CLASS_LEAK, 5, NULL);

	for (i = 0; i < TEST_RX_BUFFERS; i++)
		dma_unmap_single(ctx->dev, rx[i], SZ_4K, DMA_FROM_DEVICE);
	dma_unmap_single(ctx->dev, tx, 512, DMA_TO_DEVICE);
	dma_free_coherent(ctx->dev, SZ_8K, coherent, coherent_dma);
	expect_findings(test, ALTDMA_CHECK_CLASS_LEAK, 5, NULL);
	KUNIT_EXPECT_EQ(test, altdma_check_report_leaks(ctx->dev, "kunit"), 0L);
}

/* A writer over memory another live mapping covers; the other's stack. */
static void altdma_check_test_overlap(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	dma_addr_t tx = map_ok(test, ctx->buf, SZ_4K, DMA_TO_DEVICE);
	dma_addr_t rx = map_ok(test, ctx->buf + 2048, 512, DMA_FROM_DEVICE);
	struct altdma_check_report *r;

	r = expect_findings(test, ALTDMA_CHECK_CLASS_OVERLAP, 1,
			    "+512 FROM_DEVICE");
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->text, "overlaps live single"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->text, "+4096 TO_DEVICE"));
	expect_map_stack(test, r, "map_ok");
	dma_unmap_single(ctx->dev, rx, 512, DMA_FROM_DEVICE);
	dma_unmap_single(ctx->dev, tx, SZ_4K, DMA_TO_DEVICE);
	/* Once unmapped, the memory is free to map again for writing. */
	rx = map_ok(test, ctx->buf + 2048, 512, DMA_FROM_DEVICE);
	dma_unmap_single(ctx->dev, rx, 512, DMA_FROM_DEVICE);
	expect_findings(test, ALTDMA_CHECK_CLASS_OVERLAP, 1, NULL);
}

/* A second platform device attached with @config (the data checks). */
static struct device *attach_data_checked(struct kunit *test,
					  const struct altdma_config *config,
					  struct platform_device **pdev)
{
	*pdev = platform_device_register_simple("altdma-check-kunit-data",
						PLATFORM_DEVID_AUTO, NULL, 0);
	if (IS_ERR_OR_NULL(*pdev))
		return NULL;
	if (altdma_test_attach_locked(&(*pdev)->dev, config)) {
		platform_device_unregister(*pdev);
		return NULL;
	}
	if (dma_set_mask_and_coherent(&(*pdev)->dev, DMA_BIT_MASK(64))) {
		altdma_test_detach_locked(&(*pdev)->dev);
		platform_device_unregister(*pdev);
		return NULL;
	}
	return &(*pdev)->dev;
}

static void detach_data_checked(struct kunit *test, struct platform_device *pdev)
{
	struct altdma_check_stats stats;

	KUNIT_EXPECT_EQ(test, altdma_check_read(&pdev->dev, &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.live, 0ULL);
	KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(&pdev->dev), 0);
	platform_device_unregister(pdev);
}

/* @dev's findings of @cls, and its newest report has @text. */
static void expect_data_finding(struct kunit *test, struct device *dev,
				enum altdma_check_class cls, u64 n,
				const char *text)
{
	struct altdma_check_report *reports = ctx_of(test)->reports;
	struct altdma_check_stats stats = {};
	long kept;

	KUNIT_ASSERT_EQ(test, altdma_check_read(dev, &stats), 0);
	KUNIT_EXPECT_EQ_MSG(test, stats.findings[cls], n, "class %s",
			    altdma_check_class_name(cls));
	kept = altdma_check_reports(dev, reports, ALTDMA_CHECK_REPORTS);
	KUNIT_ASSERT_GT(test, kept, 0L);
	KUNIT_EXPECT_EQ(test, reports[kept - 1].cls, (u32)cls);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(reports[kept - 1].text, text),
				  "report '%s' lacks '%s'",
				  reports[kept - 1].text, text);
}

static void altdma_check_test_cpu_wrote_to_device_buffer(struct kunit *test)
{
	static const struct altdma_config config = {
		.policy = ALTDMA_DIRECT,
		.flags = ALTDMA_CHECKS,
		.checks = ALTDMA_CHECKS_ALL |
			  BIT(ALTDMA_CHECK_CLASS_CPU_WROTE_TO_DEVICE_BUFFER),
	};
	u8 *buf = ctx_of(test)->buf;
	struct platform_device *pdev;
	struct device *dev;
	dma_addr_t dma;

	dev = attach_data_checked(test, &config, &pdev);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dma = dma_map_single(dev, buf, SZ_4K, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	buf[1000] ^= 0x10;	/* after the map, with no sync for the device */
	dma_unmap_single(dev, dma, SZ_4K, DMA_TO_DEVICE);
	expect_data_finding(test, dev, ALTDMA_CHECK_CLASS_CPU_WROTE_TO_DEVICE_BUFFER,
			    1, "the CPU changed the buffer after its map");

	/* The documented way: write, then sync for the device. */
	dma = dma_map_single(dev, buf, SZ_4K, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	buf[1000] ^= 0x10;
	dma_sync_single_for_device(dev, dma, SZ_4K, DMA_TO_DEVICE);
	dma_unmap_single(dev, dma, SZ_4K, DMA_TO_DEVICE);
	expect_data_finding(test, dev, ALTDMA_CHECK_CLASS_CPU_WROTE_TO_DEVICE_BUFFER,
			    1, "");
	detach_data_checked(test, pdev);
}

static void altdma_check_test_device_wrote_to_device_buffer(struct kunit *test)
{
	static const struct altdma_config config = {
		.policy = ALTDMA_BOUNCE,
		.flags = ALTDMA_FORCE_BOUNCE | ALTDMA_CHECKS,
		.checks = ALTDMA_CHECKS_ALL | ALTDMA_CHECKS_OPT_IN,
	};
	u8 *buf = ctx_of(test)->buf;
	struct altdma_check_stats stats;
	struct platform_device *pdev;
	struct device *dev;
	dma_addr_t dma;
	u8 *slot;

	dev = attach_data_checked(test, &config, &pdev);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	memset(buf, 0x3c, 3000);
	dma = dma_map_single(dev, buf, 3000, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	KUNIT_ASSERT_NE(test, dma, virt_to_phys(buf));
	/* The platform device's DMA addresses are physical ones. */
	slot = phys_to_virt(dma);
	KUNIT_ASSERT_EQ(test, slot[2999], 0x3c);
	slot[2999] = 0xc3;	/* what a device writing its tx buffer does */
	dma_unmap_single(dev, dma, 3000, DMA_TO_DEVICE);
	expect_data_finding(test, dev,
			    ALTDMA_CHECK_CLASS_DEVICE_WROTE_TO_DEVICE_BUFFER, 1,
			    "the device wrote into its bounce slot");
	KUNIT_EXPECT_EQ(test, buf[2999], 0x3c);
	KUNIT_ASSERT_EQ(test, altdma_check_read(dev, &stats), 0);
	KUNIT_EXPECT_EQ(test,
			stats.findings[ALTDMA_CHECK_CLASS_CPU_WROTE_TO_DEVICE_BUFFER],
			0ULL);
	detach_data_checked(test, pdev);
}

static void altdma_check_test_dma_after_unmap(struct kunit *test)
{
	static const struct altdma_config config = {
		.policy = ALTDMA_BOUNCE,
		.flags = ALTDMA_FORCE_BOUNCE | ALTDMA_CHECKS,
		.checks = ALTDMA_CHECKS_ALL | BIT(ALTDMA_CHECK_CLASS_DMA_AFTER_UNMAP),
	};
	u8 *buf = ctx_of(test)->buf;
	struct altdma_check_report *r;
	struct altdma_stats stats;
	struct platform_device *pdev;
	struct device *dev;
	dma_addr_t dma, next;
	char want[128];
	u8 *slot;

	dev = attach_data_checked(test, &config, &pdev);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dma = dma_map_single(dev, buf, 3000, DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, dma));
	slot = phys_to_virt(dma);
	memset(slot, 0x5e, 3000);	/* the device's data */
	dma_unmap_single(dev, dma, 3000, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, buf[2999], 0x5e);
	KUNIT_EXPECT_EQ_MSG(test, slot[0], 0x6b, "the freed slot holds the pattern");
	/* Held back: the next mapping gets another slot. */
	next = dma_map_single(dev, buf + SZ_4K, 3000, DMA_FROM_DEVICE);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, next));
	KUNIT_EXPECT_NE(test, next, dma);
	dma_unmap_single(dev, next, 3000, DMA_FROM_DEVICE);

	slot[2000] = 0;		/* a late write through the unmapped address */
	/* Reading the stats lets the quarantine go: the change is found. */
	KUNIT_EXPECT_EQ(test, altdma_get_stats(dev, &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.outstanding_bounces, 0ULL);
	snprintf(want, sizeof(want),
		 "the device wrote DMA address %#llx after its unmap: byte 2000 of a 3000-byte bounced mapping",
		 (unsigned long long)dma + 2000);
	expect_data_finding(test, dev, ALTDMA_CHECK_CLASS_DMA_AFTER_UNMAP, 1, want);
	r = &ctx_of(test)->reports[altdma_check_reports(dev, ctx_of(test)->reports,
						       ALTDMA_CHECK_REPORTS) - 1];
	KUNIT_EXPECT_TRUE(test, r->flags & ALTDMA_CHECK_REPORT_MAP_STACK);
	if (IS_ENABLED(CONFIG_STACKDEPOT))
		KUNIT_EXPECT_TRUE(test, stack_has(r->map_stack, __func__));
	detach_data_checked(test, pdev);
}

/* Every kind of operation used as documented: no finding at all. */
static void altdma_check_test_correct_workload(struct kunit *test)
{
	struct altdma_check_test *ctx = ctx_of(test);
	struct device *dev = ctx->dev;
	dma_addr_t a, b, res, coherent_dma, pages_dma, page_dma;
	struct scatterlist sg[3];
	struct page *pages;
	void *coherent;
	int i;

	/* Two identical read-only mappings of one buffer, unmapped crosswise. */
	a = map_ok(test, ctx->buf, SZ_4K, DMA_TO_DEVICE);
	b = map_ok(test, ctx->buf, SZ_4K, DMA_TO_DEVICE);
	dma_sync_single_for_device(dev, a, SZ_4K, DMA_TO_DEVICE);
	dma_unmap_single(dev, a, SZ_4K, DMA_TO_DEVICE);
	dma_unmap_single(dev, b, SZ_4K, DMA_TO_DEVICE);

	a = map_ok(test, ctx->buf + SZ_4K, SZ_8K, DMA_FROM_DEVICE);
	dma_sync_single_range_for_cpu(dev, a, 512, 1024, DMA_FROM_DEVICE);
	dma_sync_single_range_for_device(dev, a, SZ_4K, SZ_4K, DMA_FROM_DEVICE);
	b = map_ok(test, ctx->buf + 3 * SZ_4K, 100, DMA_BIDIRECTIONAL);
	dma_sync_single_for_cpu(dev, b, 100, DMA_BIDIRECTIONAL);
	dma_sync_single_for_device(dev, b, 100, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, check_stats(test).live - ctx->before.live, 2ULL);
	dma_unmap_single(dev, b, 100, DMA_BIDIRECTIONAL);
	dma_unmap_single(dev, a, SZ_8K, DMA_FROM_DEVICE);

	page_dma = dma_map_page(dev, virt_to_page(ctx->buf), 256, 512,
				DMA_TO_DEVICE);
	KUNIT_EXPECT_FALSE(test, dma_mapping_error(dev, page_dma));
	dma_unmap_page(dev, page_dma, 512, DMA_TO_DEVICE);

	sg_init_table(sg, 3);
	for (i = 0; i < 3; i++)
		sg_set_buf(&sg[i], ctx->buf + i * SZ_4K + 64, 1000 + i);
	KUNIT_ASSERT_EQ(test, dma_map_sg(dev, sg, 3, DMA_FROM_DEVICE), 3);
	dma_sync_sg_for_cpu(dev, sg, 3, DMA_FROM_DEVICE);
	dma_sync_sg_for_device(dev, sg, 3, DMA_FROM_DEVICE);
	KUNIT_EXPECT_EQ(test, check_stats(test).live - ctx->before.live, 3ULL);
	dma_unmap_sg(dev, sg, 3, DMA_FROM_DEVICE);

	res = dma_map_resource(dev, TEST_MMIO_PHYS, SZ_4K, DMA_BIDIRECTIONAL, 0);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(dev, res));
	dma_unmap_resource(dev, res, SZ_4K, DMA_BIDIRECTIONAL, 0);

	coherent = dma_alloc_coherent(dev, 3000, &coherent_dma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, coherent);
	pages = dma_alloc_pages(dev, SZ_8K, &pages_dma, DMA_BIDIRECTIONAL,
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_EXPECT_EQ(test, check_stats(test).live - ctx->before.live, 2ULL);
	dma_free_pages(dev, SZ_8K, pages, pages_dma, DMA_BIDIRECTIONAL);
	dma_free_coherent(dev, 3000, coherent, coherent_dma);

	for (i = 0; i < ALTDMA_NR_CHECK_CLASSES; i++)
		KUNIT_EXPECT_EQ_MSG(test, check_stats(test).findings[i],
				    ctx->before.findings[i], "class %s",
				    altdma_check_class_name(i));
	KUNIT_EXPECT_EQ(test, last_report(test)->seq, 0ULL);
}

/* Not attached, or attached without the checker: refused, nothing read. */
static void altdma_check_test_without_the_checker(struct kunit *test)
{
	static const struct altdma_config plain = { .policy = ALTDMA_DIRECT };
	struct altdma_check_stats stats;
	struct platform_device *other;

	other = platform_device_register_simple("altdma-check-kunit-plain",
						PLATFORM_DEVID_AUTO, NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	KUNIT_EXPECT_EQ(test, altdma_check_read(&other->dev, &stats), -EINVAL);
	KUNIT_EXPECT_EQ(test, altdma_check_read(NULL, &stats), -EINVAL);
	KUNIT_EXPECT_EQ(test, altdma_test_attach_locked(&other->dev, &plain), 0);
	KUNIT_EXPECT_EQ(test, altdma_check_read(&other->dev, &stats), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, altdma_check_reports(&other->dev,
						   ctx_of(test)->reports, 1),
			(long)-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, altdma_check_report_leaks(&other->dev, "kunit"),
			(long)-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, altdma_test_detach_locked(&other->dev), 0);
	platform_device_unregister(other);
}

static struct kunit_case altdma_check_cases[] = {
	KUNIT_CASE(altdma_check_test_not_mapped_never),
	KUNIT_CASE(altdma_check_test_not_mapped_twice),
	KUNIT_CASE(altdma_check_test_wrong_size),
	KUNIT_CASE(altdma_check_test_wrong_direction),
	KUNIT_CASE(altdma_check_test_wrong_kind),
	KUNIT_CASE(altdma_check_test_sync_range),
	KUNIT_CASE(altdma_check_test_sync_direction),
	KUNIT_CASE(altdma_check_test_sg_mismatch),
	KUNIT_CASE(altdma_check_test_sg_segment),
	KUNIT_CASE(altdma_check_test_leak),
	KUNIT_CASE(altdma_check_test_overlap),
	KUNIT_CASE(altdma_check_test_cpu_wrote_to_device_buffer),
	KUNIT_CASE(altdma_check_test_device_wrote_to_device_buffer),
	KUNIT_CASE(altdma_check_test_dma_after_unmap),
	KUNIT_CASE(altdma_check_test_correct_workload),
	KUNIT_CASE(altdma_check_test_without_the_checker),
	{}
};

static struct kunit_suite altdma_check_suite = {
	.name = "altdma_checks",
	.init = altdma_check_test_init,
	.exit = altdma_check_test_exit,
	.test_cases = altdma_check_cases,
};

kunit_test_suites(&altdma_check_suite);

MODULE_DESCRIPTION("KUnit suite for altdma's DMA-API checker");
MODULE_LICENSE("GPL");
