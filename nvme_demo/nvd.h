/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvme_demo: a minimal NVMe PCI driver whose every DMA goes through altdma.
 */
#ifndef _NVD_H
#define _NVD_H

#include <linux/blk-mq.h>
#include <linux/dmapool.h>
#include <linux/mutex.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#define NVD_PAGE_SIZE		4096u
#define NVD_ADMIN_DEPTH		32
#define NVD_IO_DEPTH		256
#define NVD_MAX_SEGMENTS	64
/* 64 segments of at least a page: no I/O needs a chained PRP list. */
#define NVD_MAX_TRANSFER	(NVD_MAX_SEGMENTS * NVD_PAGE_SIZE)
#define NVD_ADMIN_TIMEOUT	(10 * HZ)
#define NVD_IO_TIMEOUT		(30 * HZ)

/**
 * struct nvd_queue - one submission/completion queue pair
 * @ctrl: its controller
 * @sq_lock: serialises submissions
 * @cq_lock: serialises completion processing
 * @sq_cmds: submission ring (coherent, through altdma)
 * @cqes: completion ring (coherent, through altdma)
 * @sq_dma: DMA address of @sq_cmds
 * @cq_dma: DMA address of @cqes
 * @sq_db: submission tail doorbell
 * @cq_db: completion head doorbell
 * @tags: the blk-mq tags of this hardware queue (I/O queues only)
 * @qid: 0 for admin, 1.. for I/O
 * @depth: ring entries (one fewer commands fit)
 * @sq_tail: next free submission slot
 * @last_sq_tail: tail at the last doorbell write
 * @cq_head: next completion slot to look at
 * @cq_phase: phase bit that marks a new completion
 * @vector: interrupt vector index
 */
struct nvd_queue {
	struct nvd_ctrl *ctrl;
	spinlock_t sq_lock;	/* protects sq_cmds, sq_tail, last_sq_tail */
	spinlock_t cq_lock;	/* protects cq_head, cq_phase */
	struct nvme_command *sq_cmds;
	struct nvme_completion *cqes;
	dma_addr_t sq_dma;
	dma_addr_t cq_dma;
	u32 __iomem *sq_db;
	u32 __iomem *cq_db;
	struct blk_mq_tags *tags;
	u16 qid;
	u16 depth;
	u16 sq_tail;
	u16 last_sq_tail;
	u16 cq_head;
	u8 cq_phase;
	u16 vector;
};

/**
 * struct nvd_iod - per-request driver data
 * @cmd: the NVMe command
 * @sg: the request's data segments
 * @nents: entries handed to dma_map_sg() (0: nothing mapped)
 * @prp_list: PRP list page, or %NULL
 * @prp_dma: DMA address of @prp_list
 * @status: completion status
 */
struct nvd_iod {
	struct nvme_command cmd;
	struct scatterlist sg[NVD_MAX_SEGMENTS];
	int nents;
	__le64 *prp_list;
	dma_addr_t prp_dma;
	blk_status_t status;
};

/**
 * struct nvd_stats - what the driver counted (atomic, lock-free)
 * @reads: completed read requests
 * @writes: completed write requests
 * @flushes: completed flushes
 * @bytes_read: bytes read
 * @bytes_written: bytes written
 * @map_failures: data mappings refused for now (request requeued)
 * @map_errors: data mappings that can never succeed (request failed)
 * @errors: requests completed with an error
 */
struct nvd_stats {
	atomic64_t reads;
	atomic64_t writes;
	atomic64_t flushes;
	atomic64_t bytes_read;
	atomic64_t bytes_written;
	atomic64_t map_failures;
	atomic64_t map_errors;
	atomic64_t errors;
};

/**
 * struct nvd_ctrl - one controller
 * @pdev: the PCI device
 * @dev: &pdev->dev, the device altdma maps for
 * @bar: BAR0
 * @cap: the CAP register
 * @db_stride: doorbell stride in 32-bit words
 * @instance: controller number (names the disk)
 * @lba_shift: log2 of the namespace's block size
 * @nsze: namespace size in blocks
 * @mdts_bytes: largest transfer the controller takes (0: no limit)
 * @nr_vectors: interrupt vectors allocated
 * @nr_io_queues: I/O queue pairs created
 * @admin_lock: serialises admin commands
 * @admin_cid: next admin command identifier
 * @admin: the admin queue
 * @queues: the I/O queues (@nr_io_queues of them)
 * @prp_pool: PRP list pages
 * @tag_set: blk-mq tag set
 * @disk: the namespace's disk
 * @dead: controller disabled after a failure or removal; no new I/O
 * @dead_work: disables the controller and fails all I/O
 * @stats: counters
 * @own_attachment: altdma attached by this driver, not by a configfs rule
 */
struct nvd_ctrl {
	struct pci_dev *pdev;
	struct device *dev;
	void __iomem *bar;
	u64 cap;
	u32 db_stride;
	int instance;
	unsigned int lba_shift;
	u64 nsze;
	u32 mdts_bytes;
	int nr_vectors;
	int nr_io_queues;
	struct mutex admin_lock;	/* one admin command at a time */
	u16 admin_cid;
	struct nvd_queue admin;
	struct nvd_queue *queues;
	struct dma_pool *prp_pool;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	bool dead;
	struct work_struct dead_work;
	struct nvd_stats stats;
	bool own_attachment;
};

/* nvd_main.c */
int nvd_admin_exec(struct nvd_ctrl *ctrl, struct nvme_command *cmd, u32 *result);
bool nvd_ctrl_gone(struct nvd_ctrl *ctrl);
int nvd_disable(struct nvd_ctrl *ctrl);

/* nvd_io.c */
int nvd_alloc_queue(struct nvd_ctrl *ctrl, struct nvd_queue *q, u16 qid,
		    u16 depth, u16 vector);
void nvd_free_queue(struct nvd_ctrl *ctrl, struct nvd_queue *q);
int nvd_create_io_queues(struct nvd_ctrl *ctrl);
void nvd_delete_io_queues(struct nvd_ctrl *ctrl);
int nvd_setup_irqs(struct nvd_ctrl *ctrl);
void nvd_free_irqs(struct nvd_ctrl *ctrl);
int nvd_add_disk(struct nvd_ctrl *ctrl);
void nvd_kill(struct nvd_ctrl *ctrl);
void nvd_dead_work(struct work_struct *work);

#endif /* _NVD_H */
