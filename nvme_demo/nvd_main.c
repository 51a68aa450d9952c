// SPDX-License-Identifier: GPL-2.0
/*
 * nvme_demo: controller bring-up and teardown.
 *
 * A minimal NVMe PCI driver that attaches altdma to its device before it
 * sets any DMA mask, so that every queue, PRP list and data buffer it uses
 * is mapped by altdma with the policy chosen by module parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "../shim/altdma.h"
#include "nvd.h"

static char *policy = "direct";
module_param(policy, charp, 0444);
MODULE_PARM_DESC(policy, "altdma policy: direct, bounce or force (bounce everything)");

static unsigned int emulated_mask_bits;
module_param(emulated_mask_bits, uint, 0444);
MODULE_PARM_DESC(emulated_mask_bits,
		 "bounce/force: behave as if the device reached only 2^bits bytes (0: real mask)");

static unsigned int pool_mb;
module_param(pool_mb, uint, 0444);
MODULE_PARM_DESC(pool_mb, "bounce/force: bounce pool size in MiB (0: altdma's default)");

static bool guard_bytes = true;
module_param(guard_bytes, bool, 0444);
MODULE_PARM_DESC(guard_bytes, "bounce/force: red zones around bounce slots");

static DEFINE_IDA(nvd_ida);

static int nvd_policy_config(struct altdma_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (!strcmp(policy, "direct"))
		return 0;
	if (strcmp(policy, "bounce") && strcmp(policy, "force"))
		return -EINVAL;
	cfg->policy = ALTDMA_BOUNCE;
	cfg->emulated_mask_bits = emulated_mask_bits;
	cfg->pool_size = (u64)pool_mb << 20;
	if (guard_bytes)
		cfg->flags |= ALTDMA_GUARD_BYTES;
	if (!strcmp(policy, "force"))
		cfg->flags |= ALTDMA_FORCE_BOUNCE;
	return 0;
}

/* All-ones registers: the device is gone (surprise removal). */
bool nvd_ctrl_gone(struct nvd_ctrl *ctrl)
{
	return readl(ctrl->bar + NVME_REG_CSTS) == ~0U;
}

static int nvd_wait_csts(struct nvd_ctrl *ctrl, u32 mask, u32 want,
			 unsigned long timeout, const char *what)
{
	unsigned long deadline = jiffies + timeout;
	u32 csts;

	for (;;) {
		csts = readl(ctrl->bar + NVME_REG_CSTS);
		if (csts == ~0U)
			return -ENODEV;
		if ((csts & mask) == want)
			return 0;
		if (time_after(jiffies, deadline)) {
			dev_err(ctrl->dev, "timed out waiting for %s (CSTS %#x)\n",
				what, csts);
			return -ETIMEDOUT;
		}
		usleep_range(1000, 2000);
	}
}

/* CAP.TO is in 500 ms units; the spec allows (TO + 1) of them. */
static unsigned long nvd_ready_timeout(struct nvd_ctrl *ctrl)
{
	return (NVME_CAP_TIMEOUT(ctrl->cap) + 1) * HZ / 2;
}

/*
 * A controller that does not report RDY=0 may still be fetching commands
 * and writing data: turn bus mastering off before any buffer it was given
 * is freed, so it cannot DMA into memory that has a new owner.
 */
int nvd_disable(struct nvd_ctrl *ctrl)
{
	u32 cc = readl(ctrl->bar + NVME_REG_CC);
	int ret;

	cc &= ~(NVME_CC_SHN_MASK | NVME_CC_ENABLE);
	writel(cc, ctrl->bar + NVME_REG_CC);
	ret = nvd_wait_csts(ctrl, NVME_CSTS_RDY, 0, nvd_ready_timeout(ctrl),
			    "controller disable");
	if (ret) {
		pci_clear_master(ctrl->pdev);
		dev_err(ctrl->dev, "controller did not stop (%d): bus mastering turned off\n",
			ret);
	}
	return ret;
}

static int nvd_enable(struct nvd_ctrl *ctrl)
{
	u32 aqa = (ctrl->admin.depth - 1) | ((ctrl->admin.depth - 1) << 16);
	u32 cc = NVME_CC_CSS_NVM | NVME_CC_AMS_RR | NVME_CC_SHN_NONE |
		 NVME_CC_IOSQES | NVME_CC_IOCQES |
		 ((ilog2(NVD_PAGE_SIZE) - 12) << NVME_CC_MPS_SHIFT);

	writel(aqa, ctrl->bar + NVME_REG_AQA);
	lo_hi_writeq(ctrl->admin.sq_dma, ctrl->bar + NVME_REG_ASQ);
	lo_hi_writeq(ctrl->admin.cq_dma, ctrl->bar + NVME_REG_ACQ);
	/* Like Linux: configure first, then set EN. */
	writel(cc, ctrl->bar + NVME_REG_CC);
	writel(cc | NVME_CC_ENABLE, ctrl->bar + NVME_REG_CC);
	return nvd_wait_csts(ctrl, NVME_CSTS_RDY, NVME_CSTS_RDY,
			     nvd_ready_timeout(ctrl), "controller enable");
}

static void nvd_shutdown(struct nvd_ctrl *ctrl)
{
	u32 cc = readl(ctrl->bar + NVME_REG_CC);

	cc = (cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL;
	writel(cc, ctrl->bar + NVME_REG_CC);
	nvd_wait_csts(ctrl, NVME_CSTS_SHST_MASK, NVME_CSTS_SHST_CMPLT, 5 * HZ,
		      "shutdown");
}

/**
 * nvd_admin_exec - run one admin command and wait for it
 * @ctrl: the controller
 * @cmd: the command; its identifier is assigned here
 * @result: if not %NULL, receives dword 0 of the completion
 *
 * Admin commands are rare and only issued from probe and remove, so the
 * admin completion queue is polled rather than interrupt driven.
 *
 * Context: process context; sleeps.
 * Return: 0, -EIO for an NVMe error status, -ETIMEDOUT or -ENODEV.
 */
int nvd_admin_exec(struct nvd_ctrl *ctrl, struct nvme_command *cmd, u32 *result)
{
	struct nvd_queue *aq = &ctrl->admin;
	unsigned long deadline = jiffies + NVD_ADMIN_TIMEOUT;
	struct nvme_completion *cqe;
	u16 cid, status;
	int ret = 0;

	mutex_lock(&ctrl->admin_lock);
	cid = ctrl->admin_cid++;
	cmd->common.command_id = cid;
	memcpy(&aq->sq_cmds[aq->sq_tail], cmd, sizeof(*cmd));
	aq->sq_tail = (aq->sq_tail + 1) % aq->depth;
	writel(aq->sq_tail, aq->sq_db);

	for (;;) {
		cqe = &aq->cqes[aq->cq_head];
		status = le16_to_cpu(READ_ONCE(cqe->status));
		if ((status & 1) == aq->cq_phase) {
			dma_rmb();
			if (result)
				*result = le32_to_cpu(cqe->result.u32);
			if (++aq->cq_head == aq->depth) {
				aq->cq_head = 0;
				aq->cq_phase ^= 1;
			}
			writel(aq->cq_head, aq->cq_db);
			if (cqe->command_id == cid)
				break;
			dev_warn(ctrl->dev, "stale admin completion for command %u ignored\n",
				 cqe->command_id);
			continue;
		}
		if (nvd_ctrl_gone(ctrl)) {
			ret = -ENODEV;
			goto unlock;
		}
		if (time_after(jiffies, deadline)) {
			/* The buffers of the command die with the caller. */
			dev_err(ctrl->dev, "admin command %#x timed out; disabling the controller\n",
				cmd->common.opcode);
			nvd_disable(ctrl);
			ret = -ETIMEDOUT;
			goto unlock;
		}
		usleep_range(20, 100);
	}
	if (status >> 1) {
		dev_err(ctrl->dev, "admin command %#x failed: status %#x\n",
			cmd->common.opcode, status >> 1);
		ret = -EIO;
	}
unlock:
	mutex_unlock(&ctrl->admin_lock);
	return ret;
}

/* Identify data lands in a streaming buffer, so it is mapped by altdma. */
static int nvd_identify(struct nvd_ctrl *ctrl, u8 cns, u32 nsid, void *buf)
{
	struct nvme_command cmd = {};
	dma_addr_t dma;
	int ret;

	dma = dma_map_single(ctrl->dev, buf, NVD_PAGE_SIZE, DMA_FROM_DEVICE);
	if (dma_mapping_error(ctrl->dev, dma))
		return -ENOMEM;
	cmd.identify.opcode = nvme_admin_identify;
	cmd.identify.nsid = cpu_to_le32(nsid);
	cmd.identify.cns = cns;
	cmd.identify.dptr.prp1 = cpu_to_le64(dma);
	ret = nvd_admin_exec(ctrl, &cmd, NULL);
	dma_unmap_single(ctrl->dev, dma, NVD_PAGE_SIZE, DMA_FROM_DEVICE);
	return ret;
}

static int nvd_identify_all(struct nvd_ctrl *ctrl)
{
	struct nvme_id_ctrl *id;
	struct nvme_id_ns *ns;
	struct nvme_lbaf *lbaf;
	void *buf;
	int ret;

	/* A page-sized kmalloc buffer is page aligned: one PRP entry. */
	buf = kzalloc(NVD_PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = nvd_identify(ctrl, NVME_ID_CNS_CTRL, 0, buf);
	if (ret)
		goto out;
	id = buf;
	/* MDTS is a power of two of pages; 2^20 pages is beyond any limit. */
	if (id->mdts && id->mdts < 20)
		ctrl->mdts_bytes = NVD_PAGE_SIZE << id->mdts;
	if (!le32_to_cpu(id->nn)) {
		dev_err(ctrl->dev, "controller has no namespace\n");
		ret = -ENODEV;
		goto out;
	}

	memset(buf, 0, NVD_PAGE_SIZE);
	ret = nvd_identify(ctrl, NVME_ID_CNS_NS, 1, buf);
	if (ret)
		goto out;
	ns = buf;
	lbaf = &ns->lbaf[ns->flbas & NVME_NS_FLBAS_LBA_MASK];
	if (lbaf->ms || lbaf->ds < 9 || lbaf->ds > 12) {
		dev_err(ctrl->dev, "namespace 1 format unsupported (block 2^%u, metadata %u)\n",
			lbaf->ds, le16_to_cpu(lbaf->ms));
		ret = -EOPNOTSUPP;
		goto out;
	}
	ctrl->lba_shift = lbaf->ds;
	ctrl->nsze = le64_to_cpu(ns->nsze);
out:
	kfree(buf);
	return ret;
}

static int nvd_map_bar(struct nvd_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int ret;

	ret = pci_enable_device_mem(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = pci_request_mem_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto disable;
	ctrl->bar = pci_iomap(pdev, 0, 0);
	if (!ctrl->bar) {
		ret = -ENOMEM;
		goto release;
	}
	ctrl->cap = lo_hi_readq(ctrl->bar + NVME_REG_CAP);
	if (ctrl->cap == ~0ULL) {
		ret = -ENODEV;
		goto unmap;
	}
	ctrl->db_stride = 1 << NVME_CAP_STRIDE(ctrl->cap);
	return 0;
unmap:
	pci_iounmap(pdev, ctrl->bar);
release:
	pci_release_mem_regions(pdev);
disable:
	pci_disable_device(pdev);
	return ret;
}

static void nvd_unmap_bar(struct nvd_ctrl *ctrl)
{
	pci_iounmap(ctrl->pdev, ctrl->bar);
	pci_release_mem_regions(ctrl->pdev);
	pci_disable_device(ctrl->pdev);
}

static void nvd_release_dma(struct nvd_ctrl *ctrl)
{
	int ret;

	if (!ctrl->own_attachment)
		return;
	ret = altdma_detach(ctrl->dev);
	if (ret)
		dev_err(ctrl->dev, "altdma stays attached (%d): mappings are still live; see altdma's report above\n",
			ret);
}

/*
 * altdma first: dma_set_mask() must already see altdma's ops. A configfs
 * rule may have attached the device before this probe (altdmactl attach,
 * for fault injection or latency, say): then that attachment is used as
 * the rule made it, and stays the rule's.
 */
static int nvd_setup_dma(struct nvd_ctrl *ctrl)
{
	struct altdma_config cfg;
	int ret;

	if (altdma_is_rule_attached(ctrl->dev)) {
		dev_info(ctrl->dev, "using the attachment of an altdma rule; the policy parameters do not apply\n");
	} else {
		ret = nvd_policy_config(&cfg);
		if (ret)
			return ret;
		ret = altdma_attach(ctrl->dev, &cfg);
		if (ret)
			return ret;
		ctrl->own_attachment = true;
	}
	ret = dma_set_mask_and_coherent(ctrl->dev, DMA_BIT_MASK(64));
	if (ret) {
		nvd_release_dma(ctrl);
		return ret;
	}
	/* PRPs need every bounce address to keep its offset in the page. */
	dma_set_min_align_mask(ctrl->dev, NVD_PAGE_SIZE - 1);
	dma_set_max_seg_size(ctrl->dev, 0xffffffff);
	return 0;
}

static int nvd_bring_up(struct nvd_ctrl *ctrl)
{
	int ret;

	ret = nvd_disable(ctrl);
	if (ret)
		return ret;
	ret = nvd_alloc_queue(ctrl, &ctrl->admin, 0, NVD_ADMIN_DEPTH, 0);
	if (ret)
		return ret;
	ret = nvd_enable(ctrl);
	if (ret)
		goto free_admin;
	ret = nvd_identify_all(ctrl);
	if (ret)
		goto disable;
	ret = nvd_setup_irqs(ctrl);
	if (ret)
		goto disable;
	/* On failure this has released its queues and vectors itself. */
	ret = nvd_create_io_queues(ctrl);
	if (ret)
		goto disable;
	return 0;
disable:
	nvd_disable(ctrl);
free_admin:
	nvd_free_queue(ctrl, &ctrl->admin);
	return ret;
}

static void nvd_tear_down(struct nvd_ctrl *ctrl)
{
	if (!ctrl->dead) {
		nvd_delete_io_queues(ctrl);
		nvd_shutdown(ctrl);
	}
	nvd_disable(ctrl);
	nvd_free_irqs(ctrl);
	nvd_free_queue(ctrl, &ctrl->admin);
}

static int nvd_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct nvd_ctrl *ctrl;
	int ret;

	ctrl = kzalloc(sizeof(*ctrl), GFP_KERNEL);
	if (!ctrl)
		return -ENOMEM;
	ctrl->pdev = pdev;
	ctrl->dev = &pdev->dev;
	mutex_init(&ctrl->admin_lock);
	INIT_WORK(&ctrl->dead_work, nvd_dead_work);
	ctrl->instance = ida_alloc(&nvd_ida, GFP_KERNEL);
	if (ctrl->instance < 0) {
		ret = ctrl->instance;
		goto free;
	}

	ret = nvd_map_bar(ctrl);
	if (ret)
		goto free_instance;
	ret = nvd_setup_dma(ctrl);
	if (ret)
		goto unmap;
	ret = nvd_bring_up(ctrl);
	if (ret)
		goto detach;
	pci_set_drvdata(pdev, ctrl);
	ret = nvd_add_disk(ctrl);
	if (ret)
		goto tear_down;
	dev_info(ctrl->dev, "%s: %llu blocks of %u bytes, %d I/O queues, %d vectors, altdma policy %s\n",
		 ctrl->disk->disk_name, ctrl->nsze, 1U << ctrl->lba_shift,
		 ctrl->nr_io_queues, ctrl->nr_vectors,
		 ctrl->own_attachment ? policy : "of its rule");
	return 0;
tear_down:
	nvd_tear_down(ctrl);
detach:
	nvd_release_dma(ctrl);
unmap:
	nvd_unmap_bar(ctrl);
free_instance:
	ida_free(&nvd_ida, ctrl->instance);
free:
	kfree(ctrl);
	return ret;
}

static void nvd_report(struct nvd_ctrl *ctrl)
{
	struct nvd_stats *s = &ctrl->stats;

	dev_info(ctrl->dev, "%s: %lld reads (%lld bytes), %lld writes (%lld bytes), %lld flushes, %lld requeued after a refused mapping, %lld errors\n",
		 ctrl->disk->disk_name, atomic64_read(&s->reads),
		 atomic64_read(&s->bytes_read), atomic64_read(&s->writes),
		 atomic64_read(&s->bytes_written), atomic64_read(&s->flushes),
		 atomic64_read(&s->map_failures), atomic64_read(&s->errors));
	if (atomic64_read(&s->map_errors))
		dev_info(ctrl->dev, "%s: %lld requests failed: their data could never be mapped\n",
			 ctrl->disk->disk_name, atomic64_read(&s->map_errors));
}

static void nvd_remove(struct pci_dev *pdev)
{
	struct nvd_ctrl *ctrl = pci_get_drvdata(pdev);

	/* Gone already: fail everything now, or del_gendisk() waits forever. */
	if (!pci_device_is_present(pdev) || nvd_ctrl_gone(ctrl))
		nvd_kill(ctrl);
	del_gendisk(ctrl->disk);
	flush_work(&ctrl->dead_work);
	nvd_report(ctrl);
	nvd_tear_down(ctrl);
	dma_pool_destroy(ctrl->prp_pool);
	blk_mq_free_tag_set(&ctrl->tag_set);
	put_disk(ctrl->disk);
	nvd_release_dma(ctrl);
	nvd_unmap_bar(ctrl);
	ida_free(&nvd_ida, ctrl->instance);
	kfree(ctrl);
}

static const struct pci_device_id nvd_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT, 0x0010) },	/* QEMU NVMe */
	{ }
};
MODULE_DEVICE_TABLE(pci, nvd_ids);

static struct pci_driver nvd_driver = {
	.name = KBUILD_MODNAME,
	.id_table = nvd_ids,
	.probe = nvd_probe,
	.remove = nvd_remove,
};

static int __init nvd_init(void)
{
	struct altdma_config cfg;

	if (nvd_policy_config(&cfg)) {
		pr_err("unknown policy '%s' (direct, bounce or force)\n", policy);
		return -EINVAL;
	}
	return pci_register_driver(&nvd_driver);
}

static void __exit nvd_exit(void)
{
	pci_unregister_driver(&nvd_driver);
	ida_destroy(&nvd_ida);
}

module_init(nvd_init);
module_exit(nvd_exit);

MODULE_DESCRIPTION("Minimal NVMe PCI driver running on altdma");
MODULE_VERSION(ALTDMA_VERSION);
MODULE_LICENSE("GPL");
