/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altdma shim internals shared by the attach code, the dma_map_ops table and
 * the kernel side of the platform ABI.
 */
#ifndef _ALTDMA_INTERNAL_H
#define _ALTDMA_INTERNAL_H

#include <linux/dma-map-ops.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/ratelimit.h>
#include <linux/scatterlist.h>

#include "altdma.h"

#include <altdma/core_api.h>
#include <altdma/platform.h>

/**
 * struct altdma_attachment - one device altdma maps for
 * @ops: this device's copy of the ops table, written once before it is
 *	 installed; dev->dma_ops points here, so every callback finds its
 *	 attachment with container_of()
 * @dev: the device (a reference is held while attached)
 * @saved_ops: dev->dma_ops before attach, restored at detach
 * @core: the C++ core's state for this device
 * @fast: the fast table's counters (zero under the generic table)
 * @ratelimit: rate limit of this device's rate-limited messages
 * @config: the configuration it was attached with
 * @debugfs: its directory under /sys/kernel/debug/altdma
 * @owner: the configfs rule that attached it, or %NULL for altdma_attach()
 * @node: entry in the list of attachments
 *
 * The platform ABI's struct altdma_plat_device is this structure.
 */
/**
 * struct altdma_fast_counters - what the fast table counts, per CPU
 * @maps: streaming mappings made (each sg entry counts)
 * @map_failures: streaming mappings refused
 */
struct altdma_fast_counters {
	u64 maps;
	u64 map_failures;
};

struct altdma_attachment {
	const struct dma_map_ops ops;
	struct device *dev;
	const struct dma_map_ops *saved_ops;
	struct altdma_core_device *core;
	struct altdma_fast_counters __percpu *fast;
	struct ratelimit_state ratelimit;
	struct altdma_config config;
	struct dentry *debugfs;
	const void *owner;
	struct list_head node;
};

/* Longest reason a refusal gives (it ends up in a rule's state). */
#define ALTDMA_REASON_LEN 512

int altdma_attach_owned(struct device *dev, const struct altdma_config *config,
			const void *owner, char *why, size_t why_len);
int altdma_detach_owned(struct device *dev, const void *owner);
int altdma_detach_removed(struct device *dev, const void *owner);
void altdma_report_outstanding(struct device *dev, const char *when);
void altdma_change_owner(struct device *dev, const void *from, const void *to);

extern struct mutex altdma_attach_lock;
struct altdma_attachment *altdma_find(struct device *dev);

int altdma_stack_prepare(void);
unsigned int altdma_stack_entries(u32 handle, unsigned long **entries);
void altdma_stack_caller(u32 handle, char *buf, size_t len);

long altdma_check_print_leaks(struct altdma_attachment *att, const char *when);
const char *altdma_check_dir_label(u32 dir);

int altdma_rules_init(void);
void altdma_rules_exit(void);

extern const struct dma_map_ops altdma_ops_template;
extern const struct dma_map_ops altdma_ops_direct_fast;
extern const struct dma_map_ops altdma_ops_bounce_fast;
void altdma_read_stats(struct altdma_attachment *att,
		       struct altdma_core_stats *stats);

const char *altdma_policy_name(u32 policy);
const char *altdma_dir_name(u32 dir);
const char *altdma_fault_class_name(u32 cls);
const char *altdma_latency_class_name(u32 cls);
const char *altdma_ops_table_name(u64 table);

void altdma_debugfs_init(void);
void altdma_debugfs_exit(void);
void altdma_debugfs_add(struct altdma_attachment *att);
void altdma_debugfs_remove(struct altdma_attachment *att);

/*
 * Why a callback cannot race altdma_detach(): dev->dma_ops is written only
 * by altdma_attach() and altdma_detach(), and both require device_lock(dev)
 * (asserted). Their callers are the device's own driver in probe() and
 * remove(), where the driver core holds the lock and the driver has made
 * no DMA API call yet or will make none again (the contract of
 * altdma_detach()), and control paths that take the lock and act only
 * while no driver is bound. With no driver bound nobody calls the DMA API
 * for the device, and the held lock keeps a driver from binding meanwhile;
 * devres-managed DMA memory is released before the unbind finishes, under
 * the same lock. So every callback runs between an attach and the detach
 * that ends it, and the attachment it finds here is alive until it returns.
 * The pointer is read once: the kernel already chose these ops.
 */
static inline struct altdma_attachment *
altdma_attachment_of(struct device *dev)
{
	return container_of(READ_ONCE(dev->dma_ops), struct altdma_attachment,
			    ops);
}

static inline struct altdma_plat_device *
altdma_to_plat(struct altdma_attachment *att)
{
	return (struct altdma_plat_device *)att;
}

static inline struct altdma_attachment *
altdma_from_plat(struct altdma_plat_device *plat)
{
	return (struct altdma_attachment *)plat;
}

static inline struct page *altdma_phys_to_page(phys_addr_t phys)
{
	return pfn_to_page(PHYS_PFN(phys));
}

static inline struct altdma_plat_sg *altdma_to_plat_sg(struct scatterlist *sg)
{
	return (struct altdma_plat_sg *)sg;
}

static inline struct scatterlist *
altdma_from_plat_sg(const struct altdma_plat_sg *sg)
{
	return (struct scatterlist *)sg;
}

#endif /* _ALTDMA_INTERNAL_H */
