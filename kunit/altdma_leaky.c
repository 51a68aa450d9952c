// SPDX-License-Identifier: GPL-2.0
/*
 * altdma_leaky: a PCI driver with a bug on purpose, for the guest test of
 * altdma's unbind report. Its probe maps three buffers and allocates one
 * coherent buffer on QEMU's edu device; its remove forgets all four. The
 * guest attaches altdma to the edu device by name, binds this driver through
 * driver_override (it has no ID table, so it never binds by itself), unbinds
 * it and checks that altdma lists every leaked mapping and stays attached.
 * Module exit then releases what remove forgot, through the same device, so
 * that altdma can be detached and unloaded cleanly afterwards.
 */
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#define LEAKY_MAPPINGS 3

struct leaky_mapping {
	void *buf;
	size_t size;
	enum dma_data_direction dir;
	dma_addr_t dma;
};

static struct leaky_mapping leaky_maps[LEAKY_MAPPINGS] = {
	{ .size = 1000, .dir = DMA_TO_DEVICE },
	{ .size = 4096, .dir = DMA_FROM_DEVICE },
	{ .size = 9000, .dir = DMA_BIDIRECTIONAL },
};

#define LEAKY_COHERENT_SIZE (8 * 1024)

/* More receive buffers, mapped from one refill loop: one leak group. */
static unsigned int rx_buffers;
module_param(rx_buffers, uint, 0444);
MODULE_PARM_DESC(rx_buffers, "receive buffers of 4 KiB mapped FROM_DEVICE at probe and leaked too (at most 64)");

#define LEAKY_RX_MAX 64
static struct leaky_mapping leaky_rx[LEAKY_RX_MAX];

/* What probe made and remove forgot; module exit releases it. */
static struct device *leaky_dev;
static void *leaky_coherent;
static dma_addr_t leaky_coherent_dma;

static const char *leaky_dir_name(enum dma_data_direction dir)
{
	switch (dir) {
	case DMA_TO_DEVICE:
		return "to_device";
	case DMA_FROM_DEVICE:
		return "from_device";
	default:
		return "bidirectional";
	}
}

static void leaky_release(void)
{
	int i;

	for (i = 0; i < LEAKY_RX_MAX; i++) {
		if (leaky_rx[i].dma)
			dma_unmap_single(leaky_dev, leaky_rx[i].dma, PAGE_SIZE,
					 DMA_FROM_DEVICE);
		kfree(leaky_rx[i].buf);
		leaky_rx[i].buf = NULL;
		leaky_rx[i].dma = 0;
	}

	for (i = 0; i < LEAKY_MAPPINGS; i++) {
		struct leaky_mapping *m = &leaky_maps[i];

		if (m->dma)
			dma_unmap_single(leaky_dev, m->dma, m->size, m->dir);
		kfree(m->buf);
		m->buf = NULL;
		m->dma = 0;
	}
	if (leaky_coherent)
		dma_free_coherent(leaky_dev, LEAKY_COHERENT_SIZE,
				  leaky_coherent, leaky_coherent_dma);
	leaky_coherent = NULL;
}

static noinline int leaky_map(struct device *dev, struct leaky_mapping *m)
{
	m->buf = kzalloc(m->size, GFP_KERNEL);
	if (!m->buf)
		return -ENOMEM;
	m->dma = dma_map_single(dev, m->buf, m->size, m->dir);
	if (dma_mapping_error(dev, m->dma)) {
		m->dma = 0;
		return -ENOMEM;
	}
	dev_info(dev, "altdma_leaky: leaked mapping at DMA address %#llx, %zu bytes, %s\n",
		 (u64)m->dma, m->size, leaky_dir_name(m->dir));
	return 0;
}

/* As a network driver's: the stack of every receive mapping is this one. */
static noinline int leaky_rx_refill(struct device *dev)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, rx_buffers, LEAKY_RX_MAX); i++) {
		struct leaky_mapping *m = &leaky_rx[i];

		m->buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
		if (!m->buf)
			return -ENOMEM;
		m->dma = dma_map_single(dev, m->buf, PAGE_SIZE, DMA_FROM_DEVICE);
		if (dma_mapping_error(dev, m->dma)) {
			m->dma = 0;
			return -ENOMEM;
		}
	}
	return 0;
}

static int leaky_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	int i, ret;

	if (leaky_dev) {
		dev_err(dev, "altdma_leaky: binds once per load; rmmod and insmod it again\n");
		return -EBUSY;
	}
	leaky_dev = get_device(dev);
	for (i = 0; i < LEAKY_MAPPINGS; i++) {
		ret = leaky_map(dev, &leaky_maps[i]);
		if (ret)
			goto fail;
	}
	ret = leaky_rx_refill(dev);
	if (ret)
		goto fail;
	leaky_coherent = dma_alloc_coherent(dev, LEAKY_COHERENT_SIZE,
					    &leaky_coherent_dma, GFP_KERNEL);
	if (!leaky_coherent) {
		ret = -ENOMEM;
		goto fail;
	}
	dev_info(dev, "altdma_leaky: leaked coherent allocation at DMA address %#llx, %u bytes\n",
		 (u64)leaky_coherent_dma, LEAKY_COHERENT_SIZE);
	return 0;

fail:
	leaky_release();
	put_device(leaky_dev);
	leaky_dev = NULL;
	return ret;
}

static void leaky_remove(struct pci_dev *pdev)
{
	dev_info(&pdev->dev, "altdma_leaky: removed, leaving %d mappings and one coherent allocation behind\n",
		 LEAKY_MAPPINGS);
}

static struct pci_driver leaky_driver = {
	.name = "altdma_leaky",
	.probe = leaky_probe,
	.remove = leaky_remove,
};

static int __init leaky_init(void)
{
	return pci_register_driver(&leaky_driver);
}

static void __exit leaky_exit(void)
{
	pci_unregister_driver(&leaky_driver);
	if (leaky_dev) {
		/* As a driver's calls are: no detach can race them. */
		device_lock(leaky_dev);
		leaky_release();
		device_unlock(leaky_dev);
		put_device(leaky_dev);
		leaky_dev = NULL;
	}
}

module_init(leaky_init);
module_exit(leaky_exit);
MODULE_DESCRIPTION("altdma test: a PCI driver that leaks DMA mappings on purpose");
MODULE_LICENSE("GPL");
