/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altdma: per-device DMA mapping layer - the API for drivers and tests.
 *
 * altdma_attach() replaces one device's dma_map_ops with altdma's, which
 * implement the configured policy; altdma_detach() restores the previous
 * ops. Attach before the driver calls dma_set_mask*(), and detach only when
 * the device has no DMA in flight and no mapping or allocation outstanding:
 * a driver that uses managed DMA allocations (dmam_*) must not detach in
 * remove(), since those are freed after it returns.
 *
 * Locking: both need device_lock(dev), which the driver core holds in probe()
 * and remove(); elsewhere take it and act only while no driver is bound.
 * That is what keeps every dma_map_ops callback from racing a detach: see
 * altdma_attachment_of().
 *
 * Detach with work outstanding: altdma_detach() refuses with -EBUSY, and a
 * message with the counts, while the bounce pool still holds live bounce
 * mappings or coherent allocations, because the pool is freed with the
 * attachment. Nothing changes then: the device stays attached (and the
 * module pinned) until the mappings are unmapped and the allocations freed
 * and altdma_detach() is called again. Mappings of the direct policy hold no
 * altdma memory, and dma-direct would unmap them as altdma does.
 */
#ifndef _ALTDMA_H
#define _ALTDMA_H

#include <linux/bits.h>
#include <linux/types.h>

struct device;

enum altdma_policy {
	ALTDMA_DIRECT = 0,	/* dma-direct equivalent */
	ALTDMA_BOUNCE = 1,	/* bounce what the device cannot reach */
};

/* Bounce policy flags. */
#define ALTDMA_FORCE_BOUNCE BIT(0)		/* bounce every streaming map */
#define ALTDMA_GUARD_BYTES BIT(1)		/* red zones around bounce slots */
#define ALTDMA_COHERENT_FROM_POOL BIT(2)	/* coherent memory from the pool */
/* Any policy: the generic ops table instead of the policy's fast one. */
#define ALTDMA_GENERIC_TABLE BIT(8)
/* Any policy: the fault-injection layer (it needs the generic table). */
#define ALTDMA_FAULTS BIT(9)
/* Any policy: the latency layer (it needs the generic table). */
#define ALTDMA_LATENCY BIT(10)
/* Any policy: the DMA-API checker (see &altdma_config.checks). */
#define ALTDMA_CHECKS BIT(11)

/*
 * What the checker finds, each class with its counter and one message
 * format (the names are those of the checks rule key):
 * not_mapped: unmap, sync or free of an address with no live mapping
 *	(never mapped, or already unmapped: the message says which);
 * wrong_size, wrong_direction, wrong_kind: an unmap or free that differs
 *	from its map in size, direction, or kind (single, scatterlist,
 *	resource, coherent, pages);
 * sync_range: a sync reaching outside its mapping;
 * sync_direction: a sync with another direction than a (not
 *	bidirectional) mapping's, or of a TO_DEVICE mapping for the CPU;
 * sg_mismatch: unmap_sg with another nents or list than its map_sg;
 * sg_segment: at map_sg, an entry longer than the device's
 *	max_segment_size or crossing its segment boundary;
 * leak: a mapping or allocation still live when the driver unbound;
 * overlap: a mapping of memory another live mapping or allocation covers,
 *	one of the two letting the device write (identical read-only
 *	mappings are legal; as dma-debug, SKIP_CPU_SYNC ones are left alone);
 * and, opt-in (not in checks=all: each costs a pass over the data):
 * cpu_wrote_to_device_buffer: a TO_DEVICE buffer the CPU changed while
 *	mapped, with no sync for the device since;
 * device_wrote_to_device_buffer: under bounce, the device wrote into the
 *	slot of a TO_DEVICE mapping;
 * dma_after_unmap: under bounce, the device wrote a slot after its unmap
 *	(unmapped slots are filled with a pattern and quarantined before
 *	reuse; the change is found when they leave the quarantine).
 */
enum altdma_check_class {
	ALTDMA_CHECK_CLASS_NOT_MAPPED = 0,
	ALTDMA_CHECK_CLASS_WRONG_SIZE,
	ALTDMA_CHECK_CLASS_WRONG_DIRECTION,
	ALTDMA_CHECK_CLASS_WRONG_KIND,
	ALTDMA_CHECK_CLASS_SYNC_RANGE,
	ALTDMA_CHECK_CLASS_SYNC_DIRECTION,
	ALTDMA_CHECK_CLASS_SG_MISMATCH,
	ALTDMA_CHECK_CLASS_SG_SEGMENT,
	ALTDMA_CHECK_CLASS_LEAK,
	ALTDMA_CHECK_CLASS_OVERLAP,
	ALTDMA_CHECK_CLASS_CPU_WROTE_TO_DEVICE_BUFFER,
	ALTDMA_CHECK_CLASS_DEVICE_WROTE_TO_DEVICE_BUFFER,
	ALTDMA_CHECK_CLASS_DMA_AFTER_UNMAP,
	ALTDMA_NR_CHECK_CLASSES,
};

/* The classes enabled only by name. */
#define ALTDMA_CHECKS_OPT_IN \
	(BIT(ALTDMA_CHECK_CLASS_CPU_WROTE_TO_DEVICE_BUFFER) | \
	 BIT(ALTDMA_CHECK_CLASS_DEVICE_WROTE_TO_DEVICE_BUFFER) | \
	 BIT(ALTDMA_CHECK_CLASS_DMA_AFTER_UNMAP))
/* What checks=all (and &altdma_config.checks 0) enables. */
#define ALTDMA_CHECKS_ALL \
	(GENMASK(ALTDMA_NR_CHECK_CLASSES - 1, 0) & ~ALTDMA_CHECKS_OPT_IN)

/**
 * struct altdma_check_stats - what the checker counted for one device
 * @findings: findings per &enum altdma_check_class (exact: the rate limit
 *	drops messages, never counts)
 * @live: mappings and allocations it tracks now
 * @untracked: mappings made while its table had no memory (not checked)
 */
struct altdma_check_stats {
	u64 findings[ALTDMA_NR_CHECK_CLASSES];
	u64 live;
	u64 untracked;
};

#define ALTDMA_CHECK_REPORTS 32
#define ALTDMA_CHECK_TEXT 232
#define ALTDMA_CHECK_REPORT_MAP_STACK BIT(0)	/* @map_stack is set */
#define ALTDMA_CHECK_REPORT_UNMAP_STACK BIT(1)	/* @other_stack: the unmap */

/**
 * struct altdma_check_report - one finding as the checker reported it
 * @seq: its number, from 1 for the device's first finding
 * @time_ns: ktime_get_ns() when found
 * @cls: an &enum altdma_check_class value
 * @flags: ALTDMA_CHECK_REPORT_*
 * @map_stack: stack depot handle of the mapping's stack (0: none saved)
 * @other_stack: of the earlier unmap (ALTDMA_CHECK_REPORT_UNMAP_STACK),
 *	else of the call that was found wrong
 * @text: the message, as logged after "checker: "
 */
struct altdma_check_report {
	u64 seq;
	u64 time_ns;
	u32 cls;
	u32 flags;
	u32 map_stack;
	u32 other_stack;
	char text[ALTDMA_CHECK_TEXT];
};

/* What faults are injected into: each class has its own knobs. */
enum altdma_fault_class {
	ALTDMA_FAULT_MAP = 0,		/* map_page, map_phys of RAM */
	ALTDMA_FAULT_MAP_SG,		/* map_sg: one decision per list */
	ALTDMA_FAULT_MAP_RESOURCE,	/* map_resource, map_phys of MMIO */
	ALTDMA_FAULT_ALLOC,		/* dma_alloc_coherent() and friends */
	ALTDMA_FAULT_ALLOC_PAGES,	/* dma_alloc_pages() */
	ALTDMA_NR_FAULT_CLASSES,
};

/*
 * The knobs of a class, with the meanings and defaults of the kernel's
 * fault injection (Documentation/fault-injection/fault-injection.rst):
 * probability (percent, 0: off), interval (1), times (1; -1: no limit),
 * space (0), verbose (2: a line and the stack; 1: a line; 0: silent); and
 * filters: min_size, max_size (0: no bound), directions (a mask of
 * BIT(enum dma_data_direction), all by default; coherent allocations have none and
 * always pass); fail_nth (N: the Nth eligible operation from now fails,
 * then the class disarms); seed (repeats probability mode's sequence).
 */
enum altdma_fault_knob {
	ALTDMA_FAULT_PROBABILITY = 0,
	ALTDMA_FAULT_INTERVAL,
	ALTDMA_FAULT_TIMES,
	ALTDMA_FAULT_SPACE,
	ALTDMA_FAULT_VERBOSE,
	ALTDMA_FAULT_MIN_SIZE,
	ALTDMA_FAULT_MAX_SIZE,
	ALTDMA_FAULT_DIRECTIONS,
	ALTDMA_FAULT_FAIL_NTH,
	ALTDMA_FAULT_SEED,
	ALTDMA_NR_FAULT_KNOBS,
};

/*
 * What the latency layer times: map is map_page, map_phys and
 * map_resource; unmap their unmaps; sync every sync_single and sync_sg;
 * alloc and free coherent memory and pages.
 */
enum altdma_latency_class {
	ALTDMA_LATENCY_MAP = 0,
	ALTDMA_LATENCY_UNMAP,
	ALTDMA_LATENCY_MAP_SG,
	ALTDMA_LATENCY_UNMAP_SG,
	ALTDMA_LATENCY_SYNC,
	ALTDMA_LATENCY_ALLOC,
	ALTDMA_LATENCY_FREE,
	ALTDMA_NR_LATENCY_CLASSES,
};

#define ALTDMA_LATENCY_BUCKETS 432

/**
 * struct altdma_latency - one class's latencies, summed over the CPUs
 * @count: operations timed (failed ones too)
 * @sum_ns: their total time in nanoseconds
 * @min_ns: the shortest (0 when @count is 0)
 * @max_ns: the longest
 * @buckets: a histogram: bucket i counts times from
 *	altdma_latency_bucket_low(i) to before altdma_latency_bucket_low(i + 1)
 *	(exact below 32 ns, then 16 buckets per power of two; the last bucket,
 *	from about 1.04 s, is open-ended)
 *
 * About 3.5 KiB: allocate it rather than put it on the stack.
 */
struct altdma_latency {
	u64 count;
	u64 sum_ns;
	u64 min_ns;
	u64 max_ns;
	u64 buckets[ALTDMA_LATENCY_BUCKETS];
};

/* The dma_map_ops table an attachment installed (&altdma_stats.ops_table). */
enum altdma_ops_table {
	ALTDMA_OPS_DIRECT_FAST = 0,	/* direct policy: map entries only */
	ALTDMA_OPS_GENERIC = 1,		/* every entry through the core */
	ALTDMA_OPS_BOUNCE_FAST = 2,	/* bounce policy, no virtual call */
};

/**
 * struct altdma_config - how altdma maps for one device
 * @policy: the mapping policy, an &enum altdma_policy value
 * @flags: ALTDMA_FORCE_BOUNCE, ALTDMA_GUARD_BYTES, ALTDMA_COHERENT_FROM_POOL
 *	(bounce policy); ALTDMA_GENERIC_TABLE (any policy: every callback
 *	through the core's policy interface, for tests and for measuring what
 *	the fast tables save); ALTDMA_FAULTS (any policy: the fault-injection
 *	layer, on the generic table; see altdma_fault_set()); ALTDMA_LATENCY
 *	(any policy: per-CPU latency histograms, on the generic table; see
 *	altdma_latency_read()); ALTDMA_CHECKS (any policy: the DMA-API
 *	checker, on the generic table; see altdma_check_read())
 * @emulated_mask_bits: bounce policy: behave as if the device reached only
 *	[0, 2^bits) (12 to 63; 0 for the real masks only)
 * @guard_size: red-zone bytes on each side of a bounce mapping (0: 64)
 * @pool_size: bounce pool bytes (0: 4 MiB; at most 1 GiB)
 * @max_mapping_size: largest bounced mapping (0: 256 KiB; at most the
 *	pool's contiguous pieces, 4 MiB on x86)
 * @checks: with ALTDMA_CHECKS, the classes checked: a bit per
 *	&enum altdma_check_class (0: ALTDMA_CHECKS_ALL)
 * @reserved: 0
 *
 * Zero fields take their defaults; the direct policy takes none of the
 * bounce settings.
 */
struct altdma_config {
	u32 policy;
	u32 flags;
	u32 emulated_mask_bits;
	u32 guard_size;
	u64 pool_size;
	u64 max_mapping_size;
	u32 checks;
	u32 reserved;
};

/**
 * struct altdma_stats - what altdma counted for one device
 * @pool_size: bounce pool bytes
 * @pool_used: bytes of the pool in use now
 * @pool_high_water: the sum of each area's most bytes in use at once:
 *	exact while mappings stay in one area, else an upper bound; it
 *	includes reservations cancelled before their map returned
 * @pool_largest_free: the largest free run in any area
 * @bounced_maps: bounced mappings by &enum dma_data_direction
 * @bounced_bytes: bounced bytes by &enum dma_data_direction
 * @outstanding_bounces: bounced mappings not yet unmapped
 * @fail_too_large: maps refused as larger than the mapping limit
 * @fail_fragmented: maps refused with enough free space but no fitting run
 * @fail_exhausted: maps refused for lack of free space
 * @fail_unreachable: bounce buffers the device's current mask cannot reach
 * @guard_violations: red zones found overwritten
 * @maps: streaming mappings made (sg entries count one each), any policy
 * @map_failures: streaming mappings refused
 * @coherent_allocs: coherent and page allocations made
 * @pool_coherent_outstanding: coherent allocations from the pool not yet freed
 * @refused_calls: unmap, sync or free calls refused: no mapping of that
 *	kind starts (or, for a sync, lies) at the address
 * @pool_lowest_dma: DMA address of the pool's first byte (0 without a pool)
 * @pool_highest_dma: DMA address of the pool's last byte
 * @coherent_frees: coherent and page frees called; with @coherent_allocs,
 *	the allocations still outstanding
 * @ops_table: the table installed, an &enum altdma_ops_table value
 * @fault_calls: with ALTDMA_FAULTS, the operations of each
 *	&enum altdma_fault_class made (failed ones too)
 * @faults_injected: with ALTDMA_FAULTS, the failures injected per class
 *	(not in @map_failures, which counts the policy's own refusals)
 */
struct altdma_stats {
	u64 pool_size;
	u64 pool_used;
	u64 pool_high_water;
	u64 pool_largest_free;
	u64 bounced_maps[4];
	u64 bounced_bytes[4];
	u64 outstanding_bounces;
	u64 fail_too_large;
	u64 fail_fragmented;
	u64 fail_exhausted;
	u64 fail_unreachable;
	u64 guard_violations;
	u64 maps;
	u64 map_failures;
	u64 coherent_allocs;
	u64 pool_coherent_outstanding;
	u64 refused_calls;
	u64 pool_lowest_dma;
	u64 pool_highest_dma;
	u64 coherent_frees;
	u64 ops_table;
	u64 fault_calls[ALTDMA_NR_FAULT_CLASSES];
	u64 faults_injected[ALTDMA_NR_FAULT_CLASSES];
};

int altdma_attach(struct device *dev, const struct altdma_config *config);
int altdma_detach(struct device *dev);
bool altdma_is_attached(struct device *dev);
bool altdma_is_rule_attached(struct device *dev);
int altdma_get_stats(struct device *dev, struct altdma_stats *stats);
int altdma_fault_set(struct device *dev, enum altdma_fault_class cls,
		     enum altdma_fault_knob knob, s64 value);
int altdma_fault_get(struct device *dev, enum altdma_fault_class cls,
		     enum altdma_fault_knob knob, s64 *value);

int altdma_latency_read(struct device *dev, enum altdma_latency_class cls,
			struct altdma_latency *lat);
int altdma_latency_reset(struct device *dev);
u64 altdma_latency_bucket_low(u32 bucket);
u64 altdma_latency_quantile(const struct altdma_latency *lat, u32 ppm);

const char *altdma_check_class_name(enum altdma_check_class cls);
int altdma_check_read(struct device *dev, struct altdma_check_stats *stats);
long altdma_check_reports(struct device *dev, struct altdma_check_report *out,
			  u32 max);
long altdma_check_report_leaks(struct device *dev, const char *when);

#endif /* _ALTDMA_H */
