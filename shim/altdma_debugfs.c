// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/altdma/<device>/: read-only reports per attached device.
 * stats has its policy and everything the core counts for it; live lists
 * the bounce pool's live mappings and allocations. (Controls are in
 * configfs: lockdown allows only read-only debugfs files.)
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/minmax.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "altdma_internal.h"

static struct dentry *altdma_debugfs_root;

static int altdma_stats_show(struct seq_file *seq, void *unused)
{
	struct altdma_attachment *att = seq->private;
	struct altdma_core_stats stats;
	int dir;

	altdma_read_stats(att, &stats);
	seq_printf(seq, "policy: %s\n", altdma_policy_name(att->config.policy));
	seq_printf(seq, "flags: %#x\n", att->config.flags);
	seq_printf(seq, "emulated_mask_bits: %u\n", att->config.emulated_mask_bits);
	seq_printf(seq, "ops_table: %s\n", altdma_ops_table_name(stats.ops_table));
	seq_printf(seq, "maps: %llu\n", stats.maps);
	seq_printf(seq, "map_failures: %llu\n", stats.map_failures);
	seq_printf(seq, "coherent_allocs: %llu\n", stats.coherent_allocs);
	seq_printf(seq, "pool_size: %llu\n", stats.pool_size);
	seq_printf(seq, "pool_used: %llu\n", stats.pool_used);
	seq_printf(seq, "pool_high_water: %llu\n", stats.pool_high_water);
	seq_printf(seq, "pool_largest_free: %llu\n", stats.pool_largest_free);
	seq_printf(seq, "pool_dma_range: %#llx-%#llx\n", stats.pool_lowest_dma,
		   stats.pool_highest_dma);
	seq_printf(seq, "coherent_frees: %llu\n", stats.coherent_frees);
	seq_printf(seq, "pool_coherent_outstanding: %llu\n",
		   stats.pool_coherent_outstanding);
	for (dir = 0; dir < ARRAY_SIZE(stats.bounced_maps); dir++)
		seq_printf(seq, "bounced_%s: %llu maps, %llu bytes\n",
			   altdma_dir_name(dir), stats.bounced_maps[dir],
			   stats.bounced_bytes[dir]);
	seq_printf(seq, "outstanding_bounces: %llu\n", stats.outstanding_bounces);
	seq_printf(seq, "fail_too_large: %llu\n", stats.fail_too_large);
	seq_printf(seq, "fail_fragmented: %llu\n", stats.fail_fragmented);
	seq_printf(seq, "fail_exhausted: %llu\n", stats.fail_exhausted);
	seq_printf(seq, "fail_unreachable: %llu\n", stats.fail_unreachable);
	seq_printf(seq, "guard_violations: %llu\n", stats.guard_violations);
	seq_printf(seq, "refused_calls: %llu\n", stats.refused_calls);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(altdma_stats);

/* At most this many lines; the header gives the full count. */
#define ALTDMA_LIVE_MAX 4096

static int altdma_live_show(struct seq_file *seq, void *unused)
{
	struct altdma_attachment *att = seq->private;
	struct altdma_core_live_mapping *live;
	u64 n, i;

	live = kvcalloc(ALTDMA_LIVE_MAX, sizeof(*live), GFP_KERNEL);
	if (!live)
		return -ENOMEM;
	n = altdma_core_list_live(att->core, live, ALTDMA_LIVE_MAX);
	seq_printf(seq, "live pool mappings: %llu\n", n);
	for (i = 0; i < min_t(u64, n, ALTDMA_LIVE_MAX); i++)
		seq_printf(seq, "%s dma %#llx size %llu %s\n",
			   live[i].coherent ? "coherent" : "bounce",
			   (u64)live[i].dma, (u64)live[i].size,
			   live[i].coherent ? "-" : altdma_dir_name(live[i].dir));
	kvfree(live);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(altdma_live);

void altdma_debugfs_init(void)
{
	altdma_debugfs_root = debugfs_create_dir("altdma", NULL);
}

void altdma_debugfs_exit(void)
{
	debugfs_remove_recursive(altdma_debugfs_root);
}

/* Debugfs is best effort: a failure here never fails an attach. */
void altdma_debugfs_add(struct altdma_attachment *att)
{
	att->debugfs = debugfs_create_dir(dev_name(att->dev),
					  altdma_debugfs_root);
	debugfs_create_file("stats", 0444, att->debugfs, att,
			    &altdma_stats_fops);
	debugfs_create_file("live", 0444, att->debugfs, att,
			    &altdma_live_fops);
}

void altdma_debugfs_remove(struct altdma_attachment *att)
{
	debugfs_remove_recursive(att->debugfs);
	att->debugfs = NULL;
}
