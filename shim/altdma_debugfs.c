// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/altdma/<device>/: read-only reports per attached device.
 * stats has its policy and everything the core counts for it; live lists
 * the bounce pool's live mappings and allocations; latency (with the
 * latency layer) a table and a histogram per operation class. With the
 * checker: checks (its classes and counters), errors (its last findings
 * with their stacks) and mappings (everything live, grouped by the stack
 * that made it). (Controls are in
 * configfs: lockdown allows only read-only debugfs files.)
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/device.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "altdma_internal.h"

static struct dentry *altdma_debugfs_root;

static int altdma_stats_show(struct seq_file *seq, void *unused)
{
	struct altdma_attachment *att = seq->private;
	struct altdma_core_stats stats;
	int dir, cls;

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
	if (att->config.flags & ALTDMA_FAULTS)
		for (cls = 0; cls < ALTDMA_NR_FAULT_CLASSES; cls++)
			seq_printf(seq, "faults_%s: %llu calls, %llu injected\n",
				   altdma_fault_class_name(cls),
				   stats.fault_calls[cls],
				   stats.faults_injected[cls]);
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

#define ALTDMA_BAR_WIDTH 40
/* Histogram rows: one per power of two, 16 of the core's buckets each. */
#define ALTDMA_BUCKETS_PER_ROW 16
#define ALTDMA_ROWS (ALTDMA_LATENCY_BUCKETS / ALTDMA_BUCKETS_PER_ROW)

static void altdma_latency_row(struct seq_file *seq,
			       const struct altdma_latency *lat, int cls)
{
	seq_printf(seq, "%-9s %10llu %8llu %8llu %8llu %8llu %8llu %8llu %8llu\n",
		   altdma_latency_class_name(cls), lat->count, lat->min_ns,
		   altdma_latency_quantile(lat, 500000),
		   altdma_latency_quantile(lat, 900000),
		   altdma_latency_quantile(lat, 990000),
		   altdma_latency_quantile(lat, 999000), lat->max_ns,
		   lat->count ? div64_u64(lat->sum_ns, lat->count) : 0);
}

static void altdma_latency_bars(struct seq_file *seq,
				const struct altdma_latency *lat, int cls)
{
	u64 rows[ALTDMA_ROWS] = {}, most = 0;
	int first = -1, last = -1, r, b;

	for (b = 0; b < ALTDMA_LATENCY_BUCKETS; b++)
		rows[b / ALTDMA_BUCKETS_PER_ROW] += lat->buckets[b];
	for (r = 0; r < ALTDMA_ROWS; r++) {
		if (!rows[r])
			continue;
		if (first < 0)
			first = r;
		last = r;
		most = max(most, rows[r]);
	}
	if (first < 0)
		return;
	seq_printf(seq, "\n%s:\n", altdma_latency_class_name(cls));
	for (r = first; r <= last; r++) {
		u64 lo = altdma_latency_bucket_low(r * ALTDMA_BUCKETS_PER_ROW);
		int width = div64_u64(rows[r] * ALTDMA_BAR_WIDTH + most - 1, most);

		if (r + 1 < ALTDMA_ROWS)
			seq_printf(seq, "  %10llu - %-10llu ns |", lo,
				   altdma_latency_bucket_low((r + 1) *
						ALTDMA_BUCKETS_PER_ROW) - 1);
		else
			seq_printf(seq, "  %10llu +            ns |", lo);
		seq_printf(seq, "%.*s%*s %llu\n", width,
			   "########################################",
			   ALTDMA_BAR_WIDTH - width, "", rows[r]);
	}
}

static int altdma_latency_show(struct seq_file *seq, void *unused)
{
	struct altdma_attachment *att = seq->private;
	struct altdma_latency *lat;
	int cls, ret = 0;

	lat = kvcalloc(ALTDMA_NR_LATENCY_CLASSES, sizeof(*lat), GFP_KERNEL);
	if (!lat)
		return -ENOMEM;
	for (cls = 0; cls < ALTDMA_NR_LATENCY_CLASSES && !ret; cls++)
		ret = altdma_core_latency_read(att->core, cls,
					       (struct altdma_core_latency *)&lat[cls]);
	if (!ret) {
		seq_printf(seq, "%-9s %10s %8s %8s %8s %8s %8s %8s %8s  (ns)\n",
			   "class", "count", "min", "p50", "p90", "p99",
			   "p99.9", "max", "mean");
		for (cls = 0; cls < ALTDMA_NR_LATENCY_CLASSES; cls++)
			altdma_latency_row(seq, &lat[cls], cls);
		for (cls = 0; cls < ALTDMA_NR_LATENCY_CLASSES; cls++)
			altdma_latency_bars(seq, &lat[cls], cls);
	}
	kvfree(lat);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(altdma_latency);

static int altdma_checks_show(struct seq_file *seq, void *unused)
{
	struct altdma_attachment *att = seq->private;
	struct altdma_core_check_stats stats;
	u32 enabled = att->config.checks ?: ALTDMA_CHECKS_ALL;
	int cls, ret;

	ret = altdma_core_check_read(att->core, &stats);
	if (ret)
		return ret;
	seq_printf(seq, "%-30s %8s %12s\n", "class", "enabled", "findings");
	for (cls = 0; cls < ALTDMA_NR_CHECK_CLASSES; cls++)
		seq_printf(seq, "%-30s %8s %12llu\n", altdma_check_class_name(cls),
			   enabled & BIT(cls) ? "yes" : "no",
			   stats.findings[cls]);
	seq_printf(seq, "live: %llu\n", stats.live);
	seq_printf(seq, "untracked: %llu\n", stats.untracked);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(altdma_checks);

static void altdma_seq_stack(struct seq_file *seq, const char *what, u32 handle)
{
	unsigned long *entries;
	unsigned int n = altdma_stack_entries(handle, &entries), i;

	seq_printf(seq, "  %s:%s\n", what, n ? "" : " (no stack saved)");
	for (i = 0; i < n; i++)
		seq_printf(seq, "    %pS\n", (void *)entries[i]);
}

static int altdma_errors_show(struct seq_file *seq, void *unused)
{
	struct altdma_attachment *att = seq->private;
	struct altdma_core_check_report *r;
	long n, i;

	r = kvcalloc(ALTDMA_CORE_CHECK_REPORTS, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	n = altdma_core_check_reports(att->core, r, ALTDMA_CORE_CHECK_REPORTS);
	seq_printf(seq, "last %ld findings (of %llu), oldest first\n", n,
		   n ? r[n - 1].seq : 0);
	for (i = 0; i < n; i++) {
		u64 ns = r[i].time_ns;
		u32 us = do_div(ns, NSEC_PER_SEC) / NSEC_PER_USEC;

		seq_printf(seq, "#%llu [%5llu.%06u] %s: %s\n", r[i].seq, ns, us,
			   altdma_check_class_name(r[i].cls), r[i].text);
		if (r[i].flags & ALTDMA_CORE_CHECK_REPORT_MAP_STACK)
			altdma_seq_stack(seq, "mapped at", r[i].map_stack);
		altdma_seq_stack(seq, r[i].flags & ALTDMA_CORE_CHECK_REPORT_UNMAP_STACK ?
				 "unmapped at" : "reported at", r[i].other_stack);
	}
	kvfree(r);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(altdma_errors);

/* The checker groups at most this many; the rest is one group "other". */
#define ALTDMA_GROUPS_MAX 513

static int altdma_mappings_show(struct seq_file *seq, void *unused)
{
	struct altdma_attachment *att = seq->private;
	struct altdma_core_check_group *g;
	u64 total = 0;
	long n, i;

	g = kvcalloc(ALTDMA_GROUPS_MAX, sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	n = altdma_core_check_outstanding(att->core, g, ALTDMA_GROUPS_MAX, 0);
	if (n < 0) {
		kvfree(g);
		return n;
	}
	n = min_t(long, n, ALTDMA_GROUPS_MAX);
	for (i = 0; i < n; i++)
		total += g[i].count;
	seq_printf(seq, "live mappings and allocations: %llu, in %ld groups by stack, kind, direction and size\n",
		   total, n);
	for (i = 0; i < n; i++) {
		seq_printf(seq, "%llu x %llu bytes %s%s (lowest DMA address %#llx)\n",
			   g[i].count, g[i].size, altdma_check_dir_label(g[i].dir),
			   g[i].kind, (u64)g[i].first_dma);
		altdma_seq_stack(seq, "mapped at", g[i].stack);
	}
	kvfree(g);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(altdma_mappings);

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
	if (att->config.flags & ALTDMA_LATENCY)
		debugfs_create_file("latency", 0444, att->debugfs, att,
				    &altdma_latency_fops);
	if (att->config.flags & ALTDMA_CHECKS) {
		debugfs_create_file("checks", 0444, att->debugfs, att,
				    &altdma_checks_fops);
		debugfs_create_file("errors", 0444, att->debugfs, att,
				    &altdma_errors_fops);
		debugfs_create_file("mappings", 0444, att->debugfs, att,
				    &altdma_mappings_fops);
	}
}

void altdma_debugfs_remove(struct altdma_attachment *att)
{
	debugfs_remove_recursive(att->debugfs);
	att->debugfs = NULL;
}
