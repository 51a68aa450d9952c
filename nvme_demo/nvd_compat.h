/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference nvme_demo depends on, in one place
 * (checked against Debian's 6.1, 6.12 and 7.2 sources).
 */
#ifndef _NVD_COMPAT_H
#define _NVD_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/pci.h>
#include <linux/version.h>

/* The only place that compares kernel versions. */
#define NVD_KERNEL_SINCE(major, minor) \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(major, minor, 0))

/* INTx was called "legacy" until 6.8. */
#ifdef PCI_IRQ_INTX
#define NVD_PCI_IRQ_INTX PCI_IRQ_INTX
#else
#define NVD_PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

/* Merging became the default (and the flag went away) in 6.14. */
#if NVD_KERNEL_SINCE(6, 14)
#define NVD_BLK_MQ_F_MERGE 0
#else
#define NVD_BLK_MQ_F_MERGE BLK_MQ_F_SHOULD_MERGE
#endif

/* Since 6.15 blk_rq_map_sg() finds the queue itself. */
static inline int nvd_rq_map_sg(struct request *rq, struct scatterlist *sgl)
{
#if NVD_KERNEL_SINCE(6, 15)
	return blk_rq_map_sg(rq, sgl);
#else
	return blk_rq_map_sg(rq->q, rq, sgl);
#endif
}

struct nvd_limits {
	unsigned int logical_block_size;
	unsigned int max_hw_sectors;
	unsigned int max_segments;
	unsigned int max_segment_size;
	unsigned long virt_boundary_mask;
	unsigned int dma_alignment;
};

/*
 * Queue limits are passed at allocation since 6.9 (atomic queue limits) and
 * the write cache is a feature flag there since 6.11; 6.1 to 6.8 set them
 * one by one.
 */
static inline struct gendisk *nvd_alloc_disk(struct blk_mq_tag_set *set,
					     const struct nvd_limits *l,
					     void *queuedata)
{
#if NVD_KERNEL_SINCE(6, 9)
	struct queue_limits lim = {
		.logical_block_size = l->logical_block_size,
		.max_hw_sectors = l->max_hw_sectors,
		.max_segments = l->max_segments,
		.max_segment_size = l->max_segment_size,
		.virt_boundary_mask = l->virt_boundary_mask,
		.dma_alignment = l->dma_alignment,
#if NVD_KERNEL_SINCE(6, 11)
		.features = BLK_FEAT_WRITE_CACHE,
#endif
	};
	struct gendisk *disk = blk_mq_alloc_disk(set, &lim, queuedata);

#if !NVD_KERNEL_SINCE(6, 11)
	if (!IS_ERR(disk))
		blk_queue_write_cache(disk->queue, true, false);
#endif
	return disk;
#else
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);
	struct request_queue *q;

	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	blk_queue_logical_block_size(q, l->logical_block_size);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_max_segments(q, l->max_segments);
	blk_queue_max_segment_size(q, l->max_segment_size);
	blk_queue_virt_boundary(q, l->virt_boundary_mask);
	blk_queue_dma_alignment(q, l->dma_alignment);
	blk_queue_write_cache(q, true, false);
	return disk;
#endif
}

#endif /* _NVD_COMPAT_H */
