// SPDX-License-Identifier: GPL-2.0
/*
 * altdma smoke test: works on any kernel altdma builds for, including
 * distribution kernels without KUnit. At load it attaches altdma to a
 * platform device, maps and allocates through the real DMA API, and prints
 * one "ALTDMA-RESULT" line per check. The device stays attached until the
 * module is removed, so the guest can check that altdma refuses to unload
 * meanwhile.
 *
 * selftest_leak_mapping=1 deliberately leaves one mapping behind: the
 * harness's self-test uses it to prove that the log verdict catches leaks.
 */
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../shim/altdma.h"
#include "altdma_test_lock.h"

static bool selftest_leak_mapping;
module_param(selftest_leak_mapping, bool, 0444);
MODULE_PARM_DESC(selftest_leak_mapping,
		 "leave one DMA mapping behind (harness self-test only)");

static struct platform_device *smoke_pdev;
static void *smoke_leaked_buf;

static void smoke_result(bool ok, const char *name)
{
	pr_info("ALTDMA-RESULT %s smoke %s\n", ok ? "ok" : "not ok", name);
}

static bool smoke_map_single(struct device *dev)
{
	void *buf = kmalloc(512, GFP_KERNEL);
	dma_addr_t dma;
	bool ok;

	if (!buf)
		return false;
	dma = dma_map_single(dev, buf, 512, DMA_BIDIRECTIONAL);
	ok = !dma_mapping_error(dev, dma) && dma == virt_to_phys(buf);
	if (!dma_mapping_error(dev, dma))
		dma_unmap_single(dev, dma, 512, DMA_BIDIRECTIONAL);
	kfree(buf);
	return ok;
}

static bool smoke_map_sg(struct device *dev)
{
	struct scatterlist sg[2];
	u8 *buf = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	bool ok;
	int n;

	if (!buf)
		return false;
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], buf, 100);
	sg_set_buf(&sg[1], buf + PAGE_SIZE, 300);
	n = dma_map_sg(dev, sg, 2, DMA_TO_DEVICE);
	ok = n == 2 && sg_dma_address(&sg[0]) == sg_phys(&sg[0]) &&
	     sg_dma_address(&sg[1]) == sg_phys(&sg[1]);
	if (n > 0)
		dma_unmap_sg(dev, sg, 2, DMA_TO_DEVICE);
	kfree(buf);
	return ok;
}

static bool smoke_alloc_coherent(struct device *dev)
{
	dma_addr_t dma;
	void *cpu = dma_alloc_coherent(dev, 3 * PAGE_SIZE, &dma, GFP_KERNEL);
	bool ok;

	if (!cpu)
		return false;
	ok = dma == virt_to_phys(cpu) && dma + 3 * PAGE_SIZE - 1 <= DMA_BIT_MASK(32) &&
	     !memchr_inv(cpu, 0, 3 * PAGE_SIZE);
	dma_free_coherent(dev, 3 * PAGE_SIZE, cpu, dma);
	return ok;
}

static void smoke_leak_one_mapping(struct device *dev)
{
	dma_addr_t dma;

	smoke_leaked_buf = kmalloc(64, GFP_KERNEL);
	if (!smoke_leaked_buf)
		return;
	dma = dma_map_single(dev, smoke_leaked_buf, 64, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		pr_err("altdma_smoke: self-test mapping failed\n");
}

/* The DMA API calls above went through altdma's ops, not around them. */
static bool smoke_counted(struct device *dev)
{
	struct altdma_stats stats;

	if (altdma_get_stats(dev, &stats))
		return false;
	pr_info("altdma_smoke: altdma counted %llu maps, %llu coherent allocations\n",
		stats.maps, stats.coherent_allocs);
	return stats.maps >= 2 && stats.coherent_allocs >= 1;
}

static int __init altdma_smoke_init(void)
{
	struct device *dev;
	int ret;

	smoke_pdev = platform_device_register_simple("altdma-smoke",
						     PLATFORM_DEVID_NONE,
						     NULL, 0);
	if (IS_ERR(smoke_pdev))
		return PTR_ERR(smoke_pdev);
	dev = &smoke_pdev->dev;

	ret = altdma_test_attach_locked(dev, NULL);
	smoke_result(ret == 0, "attach");
	if (ret) {
		platform_device_unregister(smoke_pdev);
		return ret;
	}
	smoke_result(dma_set_mask(dev, DMA_BIT_MASK(12)) == -EIO,
		     "dma_set_mask(12) refused");
	/*
	 * Streaming buffers may sit anywhere in RAM: the direct policy does
	 * not bounce, so the streaming mask must cover all of it.
	 */
	smoke_result(dma_set_mask(dev, DMA_BIT_MASK(64)) == 0,
		     "dma_set_mask(64)");
	smoke_result(dma_set_coherent_mask(dev, DMA_BIT_MASK(32)) == 0,
		     "dma_set_coherent_mask(32)");
	smoke_result(smoke_map_single(dev), "dma_map_single");
	smoke_result(smoke_map_sg(dev), "dma_map_sg");
	smoke_result(smoke_alloc_coherent(dev), "dma_alloc_coherent");
	smoke_result(smoke_counted(dev), "altdma's ops made the mappings");
	if (selftest_leak_mapping)
		smoke_leak_one_mapping(dev);
	return 0;
}

static void __exit altdma_smoke_exit(void)
{
	struct device *dev = &smoke_pdev->dev;

	smoke_result(altdma_test_detach_locked(dev) == 0, "detach");
	smoke_result(!dev->dma_ops, "detach restored the previous ops");
	/*
	 * The self-test's leaked mapping must outlive the module for the
	 * verdict to see it, so its device and buffer are leaked on purpose.
	 */
	if (!selftest_leak_mapping)
		platform_device_unregister(smoke_pdev);
}

module_init(altdma_smoke_init);
module_exit(altdma_smoke_exit);

MODULE_DESCRIPTION("altdma smoke test through the real DMA API");
MODULE_LICENSE("GPL");
