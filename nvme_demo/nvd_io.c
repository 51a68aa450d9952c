// SPDX-License-Identifier: GPL-2.0
/*
 * nvme_demo: I/O queues, interrupts and the blk-mq disk.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "nvd.h"
#include "nvd_compat.h"

#define NVD_MAX_IO_QUEUES 4
#define NVD_PRPS_PER_PAGE (NVD_PAGE_SIZE / sizeof(__le64))

static const struct block_device_operations nvd_fops = {
	.owner = THIS_MODULE,
};

int nvd_alloc_queue(struct nvd_ctrl *ctrl, struct nvd_queue *q, u16 qid,
		    u16 depth, u16 vector)
{
	u32 __iomem *dbs = ctrl->bar + NVME_REG_DBS;

	q->ctrl = ctrl;
	q->qid = qid;
	q->depth = depth;
	q->vector = vector;
	q->sq_tail = 0;
	q->last_sq_tail = 0;
	q->cq_head = 0;
	q->cq_phase = 1;
	spin_lock_init(&q->sq_lock);
	spin_lock_init(&q->cq_lock);
	q->sq_db = dbs + qid * 2 * ctrl->db_stride;
	q->cq_db = q->sq_db + ctrl->db_stride;
	/* Coherent rings come zeroed: no completion has phase 1 yet. */
	q->cqes = dma_alloc_coherent(ctrl->dev, depth * sizeof(*q->cqes),
				     &q->cq_dma, GFP_KERNEL);
	if (!q->cqes)
		return -ENOMEM;
	q->sq_cmds = dma_alloc_coherent(ctrl->dev, depth * sizeof(*q->sq_cmds),
					&q->sq_dma, GFP_KERNEL);
	if (!q->sq_cmds) {
		dma_free_coherent(ctrl->dev, depth * sizeof(*q->cqes), q->cqes,
				  q->cq_dma);
		q->cqes = NULL;
		return -ENOMEM;
	}
	return 0;
}

void nvd_free_queue(struct nvd_ctrl *ctrl, struct nvd_queue *q)
{
	if (q->sq_cmds)
		dma_free_coherent(ctrl->dev, q->depth * sizeof(*q->sq_cmds),
				  q->sq_cmds, q->sq_dma);
	if (q->cqes)
		dma_free_coherent(ctrl->dev, q->depth * sizeof(*q->cqes),
				  q->cqes, q->cq_dma);
	q->sq_cmds = NULL;
	q->cqes = NULL;
}

static void nvd_unmap_data(struct nvd_ctrl *ctrl, struct request *rq,
			   struct nvd_iod *iod)
{
	if (iod->nents) {
		dma_unmap_sg(ctrl->dev, iod->sg, iod->nents, rq_dma_dir(rq));
		iod->nents = 0;
	}
	if (iod->prp_list) {
		dma_pool_free(ctrl->prp_pool, iod->prp_list, iod->prp_dma);
		iod->prp_list = NULL;
	}
}

static void nvd_account(struct nvd_ctrl *ctrl, struct request *rq,
			blk_status_t status)
{
	struct nvd_stats *s = &ctrl->stats;

	if (status) {
		atomic64_inc(&s->errors);
		return;
	}
	switch (req_op(rq)) {
	case REQ_OP_READ:
		atomic64_inc(&s->reads);
		atomic64_add(blk_rq_bytes(rq), &s->bytes_read);
		break;
	case REQ_OP_WRITE:
		atomic64_inc(&s->writes);
		atomic64_add(blk_rq_bytes(rq), &s->bytes_written);
		break;
	default:
		atomic64_inc(&s->flushes);
		break;
	}
}

static void nvd_complete_rq(struct request *rq)
{
	struct nvd_iod *iod = blk_mq_rq_to_pdu(rq);
	struct nvd_ctrl *ctrl = rq->q->queuedata;

	nvd_unmap_data(ctrl, rq, iod);
	nvd_account(ctrl, rq, iod->status);
	blk_mq_end_request(rq, iod->status);
}

static void nvd_handle_cqe(struct nvd_queue *q, struct nvme_completion *cqe)
{
	struct request *rq = blk_mq_tag_to_rq(q->tags, cqe->command_id);
	struct nvd_iod *iod;

	/* A late or duplicate completion must not end a request twice. */
	if (unlikely(!rq || !blk_mq_request_started(rq) ||
		     blk_mq_request_completed(rq))) {
		dev_warn_ratelimited(q->ctrl->dev,
				     "completion for unknown command %u on queue %u\n",
				     cqe->command_id, q->qid);
		return;
	}
	iod = blk_mq_rq_to_pdu(rq);
	iod->status = le16_to_cpu(cqe->status) >> 1 ? BLK_STS_IOERR : BLK_STS_OK;
	if (!blk_mq_complete_request_remote(rq))
		nvd_complete_rq(rq);
}

/* Called with q->cq_lock held. Returns whether anything completed. */
static bool nvd_process_cq(struct nvd_queue *q)
{
	bool found = false;

	while (q->cqes) {
		struct nvme_completion *cqe = &q->cqes[q->cq_head];

		if ((le16_to_cpu(READ_ONCE(cqe->status)) & 1) != q->cq_phase)
			break;
		/* Read the entry only after seeing its phase bit. */
		dma_rmb();
		nvd_handle_cqe(q, cqe);
		found = true;
		if (++q->cq_head == q->depth) {
			q->cq_head = 0;
			q->cq_phase ^= 1;
		}
	}
	if (found)
		writel(q->cq_head, q->cq_db);
	return found;
}

static irqreturn_t nvd_irq(int irq, void *data)
{
	struct nvd_queue *q = data;
	bool found;

	spin_lock(&q->cq_lock);
	found = nvd_process_cq(q);
	spin_unlock(&q->cq_lock);
	return found ? IRQ_HANDLED : IRQ_NONE;
}

/*
 * One vector for every queue (INTx, or a single MSI-X vector). The admin
 * queue shares it: its completions are polled by nvd_admin_exec(), but a
 * pending one is this device's interrupt all the same.
 */
static irqreturn_t nvd_irq_shared(int irq, void *data)
{
	struct nvd_ctrl *ctrl = data;
	struct nvd_queue *aq = &ctrl->admin;
	bool found = false;
	int i;

	for (i = 0; i < ctrl->nr_io_queues; i++)
		found |= nvd_irq(irq, &ctrl->queues[i]) == IRQ_HANDLED;
	if ((le16_to_cpu(READ_ONCE(aq->cqes[aq->cq_head].status)) & 1) ==
	    aq->cq_phase)
		found = true;
	return found ? IRQ_HANDLED : IRQ_NONE;
}

static void nvd_poll_queue(struct nvd_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->cq_lock, flags);
	nvd_process_cq(q);
	spin_unlock_irqrestore(&q->cq_lock, flags);
}

int nvd_setup_irqs(struct nvd_ctrl *ctrl)
{
	struct nvme_command cmd = {};
	int want = min_t(int, num_online_cpus(), NVD_MAX_IO_QUEUES);
	u32 result;
	int nvecs, n, ret;

	nvecs = pci_alloc_irq_vectors(ctrl->pdev, 1, want + 1,
				      PCI_IRQ_MSIX | NVD_PCI_IRQ_INTX);
	if (nvecs < 0)
		return nvecs;
	ctrl->nr_vectors = nvecs;
	/* Vector 0 is the admin queue's; I/O queues get one each after it. */
	n = nvecs > 1 ? nvecs - 1 : 1;

	cmd.features.opcode = nvme_admin_set_features;
	cmd.features.fid = cpu_to_le32(NVME_FEAT_NUM_QUEUES);
	cmd.features.dword11 = cpu_to_le32((n - 1) | ((n - 1) << 16));
	ret = nvd_admin_exec(ctrl, &cmd, &result);
	if (ret)
		goto free_vectors;
	n = min3(n, (int)(result & 0xffff) + 1, (int)(result >> 16) + 1);
	ctrl->queues = kcalloc(n, sizeof(*ctrl->queues), GFP_KERNEL);
	if (!ctrl->queues) {
		ret = -ENOMEM;
		goto free_vectors;
	}
	ctrl->nr_io_queues = n;
	return 0;
free_vectors:
	pci_free_irq_vectors(ctrl->pdev);
	return ret;
}

static int nvd_request_irqs(struct nvd_ctrl *ctrl)
{
	int i, ret;

	if (ctrl->nr_vectors == 1)
		return request_irq(pci_irq_vector(ctrl->pdev, 0), nvd_irq_shared,
				   IRQF_SHARED, KBUILD_MODNAME, ctrl);
	for (i = 0; i < ctrl->nr_io_queues; i++) {
		ret = request_irq(pci_irq_vector(ctrl->pdev, i + 1), nvd_irq, 0,
				  KBUILD_MODNAME, &ctrl->queues[i]);
		if (ret)
			goto free;
	}
	return 0;
free:
	while (--i >= 0)
		free_irq(pci_irq_vector(ctrl->pdev, i + 1), &ctrl->queues[i]);
	return ret;
}

static void nvd_release_irqs(struct nvd_ctrl *ctrl)
{
	int i;

	if (ctrl->nr_vectors == 1) {
		free_irq(pci_irq_vector(ctrl->pdev, 0), ctrl);
		return;
	}
	for (i = 0; i < ctrl->nr_io_queues; i++)
		free_irq(pci_irq_vector(ctrl->pdev, i + 1), &ctrl->queues[i]);
}

static int nvd_queue_cmd(struct nvd_ctrl *ctrl, u8 opcode, struct nvd_queue *q)
{
	struct nvme_command cmd = {};

	switch (opcode) {
	case nvme_admin_create_cq:
		cmd.create_cq.opcode = opcode;
		cmd.create_cq.prp1 = cpu_to_le64(q->cq_dma);
		cmd.create_cq.cqid = cpu_to_le16(q->qid);
		cmd.create_cq.qsize = cpu_to_le16(q->depth - 1);
		cmd.create_cq.cq_flags = cpu_to_le16(NVME_QUEUE_PHYS_CONTIG |
						     NVME_CQ_IRQ_ENABLED);
		cmd.create_cq.irq_vector = cpu_to_le16(q->vector);
		break;
	case nvme_admin_create_sq:
		cmd.create_sq.opcode = opcode;
		cmd.create_sq.prp1 = cpu_to_le64(q->sq_dma);
		cmd.create_sq.sqid = cpu_to_le16(q->qid);
		cmd.create_sq.qsize = cpu_to_le16(q->depth - 1);
		cmd.create_sq.sq_flags = cpu_to_le16(NVME_QUEUE_PHYS_CONTIG);
		cmd.create_sq.cqid = cpu_to_le16(q->qid);
		break;
	default:	/* delete SQ or CQ */
		cmd.delete_queue.opcode = opcode;
		cmd.delete_queue.qid = cpu_to_le16(q->qid);
		break;
	}
	return nvd_admin_exec(ctrl, &cmd, NULL);
}

static u16 nvd_io_depth(struct nvd_ctrl *ctrl)
{
	return min_t(u32, NVD_IO_DEPTH, NVME_CAP_MQES(ctrl->cap) + 1);
}

static void nvd_free_io_rings(struct nvd_ctrl *ctrl, int count)
{
	while (--count >= 0)
		nvd_free_queue(ctrl, &ctrl->queues[count]);
}

/* The CQ must exist before its SQ; both rings are in place before IRQs. */
int nvd_create_io_queues(struct nvd_ctrl *ctrl)
{
	int i, ret;

	for (i = 0; i < ctrl->nr_io_queues; i++) {
		ret = nvd_alloc_queue(ctrl, &ctrl->queues[i], i + 1,
				      nvd_io_depth(ctrl),
				      ctrl->nr_vectors > 1 ? i + 1 : 0);
		if (ret)
			goto free_rings;
	}
	ret = nvd_request_irqs(ctrl);
	if (ret)
		goto free_rings;
	for (i = 0; i < ctrl->nr_io_queues; i++) {
		ret = nvd_queue_cmd(ctrl, nvme_admin_create_cq, &ctrl->queues[i]);
		if (ret)
			goto delete;
		ret = nvd_queue_cmd(ctrl, nvme_admin_create_sq, &ctrl->queues[i]);
		if (ret) {
			nvd_queue_cmd(ctrl, nvme_admin_delete_cq, &ctrl->queues[i]);
			goto delete;
		}
	}
	return 0;
delete:
	while (--i >= 0) {
		nvd_queue_cmd(ctrl, nvme_admin_delete_sq, &ctrl->queues[i]);
		nvd_queue_cmd(ctrl, nvme_admin_delete_cq, &ctrl->queues[i]);
	}
	nvd_release_irqs(ctrl);
	i = ctrl->nr_io_queues;
free_rings:
	nvd_free_io_rings(ctrl, i);
	kfree(ctrl->queues);
	ctrl->queues = NULL;
	pci_free_irq_vectors(ctrl->pdev);
	return ret;
}

void nvd_delete_io_queues(struct nvd_ctrl *ctrl)
{
	int i;

	for (i = ctrl->nr_io_queues - 1; i >= 0; i--) {
		nvd_queue_cmd(ctrl, nvme_admin_delete_sq, &ctrl->queues[i]);
		nvd_queue_cmd(ctrl, nvme_admin_delete_cq, &ctrl->queues[i]);
	}
}

void nvd_free_irqs(struct nvd_ctrl *ctrl)
{
	if (!ctrl->queues)
		return;
	nvd_release_irqs(ctrl);
	nvd_free_io_rings(ctrl, ctrl->nr_io_queues);
	kfree(ctrl->queues);
	ctrl->queues = NULL;
	pci_free_irq_vectors(ctrl->pdev);
}

/*
 * PRP1 points at the first byte; PRP2 at the second page or at a list of
 * the remaining pages. Every segment but the first starts on a page and
 * every one but the last ends on one (virt_boundary, and altdma keeps the
 * offset of bounced addresses under min_align_mask).
 */
static blk_status_t nvd_setup_prps(struct nvd_ctrl *ctrl, struct request *rq,
				   struct nvd_iod *iod)
{
	struct scatterlist *sg = iod->sg;
	u64 dma_addr = sg_dma_address(sg);
	int dma_len = sg_dma_len(sg);
	int length = blk_rq_payload_bytes(rq);
	int offset = dma_addr & (NVD_PAGE_SIZE - 1);
	unsigned int i = 0;

	iod->cmd.rw.dptr.prp1 = cpu_to_le64(dma_addr);
	length -= NVD_PAGE_SIZE - offset;
	if (length <= 0)
		return BLK_STS_OK;
	dma_len -= NVD_PAGE_SIZE - offset;
	if (dma_len) {
		dma_addr += NVD_PAGE_SIZE - offset;
	} else {
		sg = sg_next(sg);
		dma_addr = sg_dma_address(sg);
		dma_len = sg_dma_len(sg);
	}
	if (length <= NVD_PAGE_SIZE) {
		iod->cmd.rw.dptr.prp2 = cpu_to_le64(dma_addr);
		return BLK_STS_OK;
	}

	iod->prp_list = dma_pool_alloc(ctrl->prp_pool, GFP_ATOMIC, &iod->prp_dma);
	if (!iod->prp_list)
		return BLK_STS_RESOURCE;
	iod->cmd.rw.dptr.prp2 = cpu_to_le64(iod->prp_dma);
	for (;;) {
		if (i == NVD_PRPS_PER_PAGE || (dma_addr & (NVD_PAGE_SIZE - 1)))
			goto bad_sgl;
		iod->prp_list[i++] = cpu_to_le64(dma_addr);
		dma_len -= NVD_PAGE_SIZE;
		dma_addr += NVD_PAGE_SIZE;
		length -= NVD_PAGE_SIZE;
		if (length <= 0)
			return BLK_STS_OK;
		if (dma_len > 0)
			continue;
		if (dma_len < 0)
			goto bad_sgl;
		sg = sg_next(sg);
		dma_addr = sg_dma_address(sg);
		dma_len = sg_dma_len(sg);
	}
bad_sgl:
	dev_err_ratelimited(ctrl->dev,
			    "request of %u bytes in %d segments cannot be described by PRPs\n",
			    blk_rq_payload_bytes(rq), iod->nents);
	return BLK_STS_IOERR;
}

static blk_status_t nvd_map_data(struct nvd_ctrl *ctrl, struct request *rq,
				 struct nvd_iod *iod)
{
	struct sg_table sgt = {};
	int nents, ret;

	sg_init_table(iod->sg, NVD_MAX_SEGMENTS);
	nents = nvd_rq_map_sg(rq, iod->sg);
	if (!nents)
		return BLK_STS_IOERR;
	sgt.sgl = iod->sg;
	sgt.orig_nents = nents;
	ret = dma_map_sgtable(ctrl->dev, &sgt, rq_dma_dir(rq), DMA_ATTR_NO_WARN);
	if (ret == -ENOMEM) {
		/* Pool full or fragmented: blk-mq retries once I/O completes. */
		atomic64_inc(&ctrl->stats.map_failures);
		return BLK_STS_RESOURCE;
	}
	if (ret) {
		/* Out of reach or too large: a retry would fail forever. */
		atomic64_inc(&ctrl->stats.map_errors);
		dev_err_ratelimited(ctrl->dev,
				    "mapping %u bytes in %d segments failed (%d); failing the request\n",
				    blk_rq_payload_bytes(rq), nents, ret);
		return BLK_STS_IOERR;
	}
	iod->nents = nents;
	return nvd_setup_prps(ctrl, rq, iod);
}

static void nvd_submit(struct nvd_queue *q, struct nvme_command *cmd, bool last)
{
	spin_lock(&q->sq_lock);
	memcpy(&q->sq_cmds[q->sq_tail], cmd, sizeof(*cmd));
	if (++q->sq_tail == q->depth)
		q->sq_tail = 0;
	if (last && q->sq_tail != q->last_sq_tail) {
		writel(q->sq_tail, q->sq_db);
		q->last_sq_tail = q->sq_tail;
	}
	spin_unlock(&q->sq_lock);
}

static blk_status_t nvd_queue_rq(struct blk_mq_hw_ctx *hctx,
				 const struct blk_mq_queue_data *bd)
{
	struct nvd_queue *q = hctx->driver_data;
	struct nvd_ctrl *ctrl = q->ctrl;
	struct request *rq = bd->rq;
	struct nvd_iod *iod = blk_mq_rq_to_pdu(rq);
	blk_status_t ret;

	if (unlikely(READ_ONCE(ctrl->dead)))
		return BLK_STS_IOERR;
	memset(&iod->cmd, 0, sizeof(iod->cmd));
	iod->nents = 0;
	iod->prp_list = NULL;
	iod->status = BLK_STS_OK;
	iod->cmd.common.nsid = cpu_to_le32(1);

	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		iod->cmd.common.opcode = nvme_cmd_flush;
		break;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		iod->cmd.rw.opcode = req_op(rq) == REQ_OP_READ ?
				     nvme_cmd_read : nvme_cmd_write;
		iod->cmd.rw.slba = cpu_to_le64(blk_rq_pos(rq) >>
					       (ctrl->lba_shift - SECTOR_SHIFT));
		iod->cmd.rw.length =
			cpu_to_le16((blk_rq_bytes(rq) >> ctrl->lba_shift) - 1);
		ret = nvd_map_data(ctrl, rq, iod);
		if (ret) {
			nvd_unmap_data(ctrl, rq, iod);
			return ret;
		}
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	iod->cmd.common.command_id = rq->tag;
	blk_mq_start_request(rq);
	nvd_submit(q, &iod->cmd, bd->last);
	return BLK_STS_OK;
}

static void nvd_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct nvd_queue *q = hctx->driver_data;

	spin_lock(&q->sq_lock);
	if (q->sq_tail != q->last_sq_tail) {
		writel(q->sq_tail, q->sq_db);
		q->last_sq_tail = q->sq_tail;
	}
	spin_unlock(&q->sq_lock);
}

static int nvd_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			 unsigned int index)
{
	struct nvd_ctrl *ctrl = data;

	ctrl->queues[index].tags = ctrl->tag_set.tags[index];
	hctx->driver_data = &ctrl->queues[index];
	return 0;
}

static bool nvd_cancel_rq(struct request *rq, void *data)
{
	struct nvd_iod *iod = blk_mq_rq_to_pdu(rq);

	if (blk_mq_request_completed(rq))
		return true;
	iod->status = BLK_STS_IOERR;
	blk_mq_complete_request(rq);
	return true;
}

/**
 * nvd_kill - stop the controller for good and fail all I/O
 * @ctrl: a controller whose disk has been added
 *
 * The order is nvme_dev_disable()'s: no new dispatch, the controller
 * disabled and seen to stop (so no DMA is left in flight and the buffers
 * can be unmapped), every request still pending failed, and only then the
 * disk marked dead (since 6.12 that waits for the filesystem's writeback,
 * which the failed requests end). Idempotent.
 *
 * Context: process context; sleeps.
 */
void nvd_kill(struct nvd_ctrl *ctrl)
{
	int i;

	if (xchg(&ctrl->dead, true))
		return;
	dev_warn(ctrl->dev, "%s: controller dead, failing all I/O\n",
		 ctrl->disk->disk_name);
	blk_mq_quiesce_queue(ctrl->disk->queue);
	if (!nvd_ctrl_gone(ctrl))
		nvd_disable(ctrl);
	for (i = 0; i < ctrl->nr_vectors; i++)
		synchronize_irq(pci_irq_vector(ctrl->pdev, i));
	for (i = 0; i < ctrl->nr_io_queues; i++)
		nvd_poll_queue(&ctrl->queues[i]);
	blk_mq_tagset_busy_iter(&ctrl->tag_set, nvd_cancel_rq, ctrl);
	blk_mq_tagset_wait_completed_request(&ctrl->tag_set);
	blk_mq_unquiesce_queue(ctrl->disk->queue);
	blk_mark_disk_dead(ctrl->disk);
}

void nvd_dead_work(struct work_struct *work)
{
	nvd_kill(container_of(work, struct nvd_ctrl, dead_work));
}

static enum blk_eh_timer_return nvd_timeout(struct request *rq)
{
	struct nvd_queue *q = rq->mq_hctx->driver_data;
	struct nvd_ctrl *ctrl = q->ctrl;

	/* nvd_kill() is on it and completes every pending request. */
	if (READ_ONCE(ctrl->dead))
		return BLK_EH_RESET_TIMER;
	nvd_poll_queue(q);
	if (blk_mq_rq_state(rq) != MQ_RQ_IN_FLIGHT) {
		dev_warn(ctrl->dev, "request %d on queue %u completed by polling: missed interrupt\n",
			 rq->tag, q->qid);
		return BLK_EH_DONE;
	}
	dev_err(ctrl->dev, "request %d on queue %u timed out; giving up on the controller\n",
		rq->tag, q->qid);
	schedule_work(&ctrl->dead_work);
	return BLK_EH_DONE;
}

static const struct blk_mq_ops nvd_mq_ops = {
	.queue_rq = nvd_queue_rq,
	.commit_rqs = nvd_commit_rqs,
	.complete = nvd_complete_rq,
	.init_hctx = nvd_init_hctx,
	.timeout = nvd_timeout,
};

static unsigned int nvd_max_transfer(struct nvd_ctrl *ctrl)
{
	size_t max = NVD_MAX_TRANSFER;

	if (ctrl->mdts_bytes)
		max = min_t(size_t, max, ctrl->mdts_bytes);
	/* Under a bounce policy one segment must fit one bounce mapping. */
	return min_t(size_t, max, dma_max_mapping_size(ctrl->dev));
}

int nvd_add_disk(struct nvd_ctrl *ctrl)
{
	struct blk_mq_tag_set *set = &ctrl->tag_set;
	struct nvd_limits limits = {
		.logical_block_size = 1U << ctrl->lba_shift,
		.max_hw_sectors = nvd_max_transfer(ctrl) >> SECTOR_SHIFT,
		.max_segments = NVD_MAX_SEGMENTS,
		.max_segment_size = UINT_MAX,
		.virt_boundary_mask = NVD_PAGE_SIZE - 1,
		.dma_alignment = 3,
	};
	struct gendisk *disk;
	int ret;

	set->ops = &nvd_mq_ops;
	set->nr_hw_queues = ctrl->nr_io_queues;
	set->queue_depth = nvd_io_depth(ctrl) - 1;	/* a ring holds depth - 1 */
	set->numa_node = dev_to_node(ctrl->dev);
	set->cmd_size = sizeof(struct nvd_iod);
	set->flags = NVD_BLK_MQ_F_MERGE;
	set->driver_data = ctrl;
	set->timeout = NVD_IO_TIMEOUT;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		return ret;
	ctrl->prp_pool = dma_pool_create("altdma_nvme_prp", ctrl->dev,
					 NVD_PAGE_SIZE, NVD_PAGE_SIZE, 0);
	if (!ctrl->prp_pool) {
		ret = -ENOMEM;
		goto free_tags;
	}

	disk = nvd_alloc_disk(set, &limits, ctrl);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto destroy_pool;
	}
	disk->fops = &nvd_fops;
	disk->private_data = ctrl;
	snprintf(disk->disk_name, DISK_NAME_LEN, "altdma_nvme%dn1",
		 ctrl->instance);
	set_capacity(disk, ctrl->nsze << (ctrl->lba_shift - SECTOR_SHIFT));
	ctrl->disk = disk;
	ret = add_disk(disk);
	if (ret)
		goto put;
	return 0;
put:
	put_disk(disk);
	ctrl->disk = NULL;
destroy_pool:
	dma_pool_destroy(ctrl->prp_pool);
	ctrl->prp_pool = NULL;
free_tags:
	blk_mq_free_tag_set(set);
	return ret;
}
