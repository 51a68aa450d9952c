/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altdma core API: the entry points the shim's dma_map_ops callbacks call.
 *
 * Implemented in C++ (core/core_api.cpp) with C linkage. Each function is
 * the policy-level counterpart of one dma_map_ops member; kernel types are
 * already translated by the shim (struct page + offset -> physical address,
 * gfp_t -> opaque caller_gfp, struct scatterlist -> struct altdma_plat_sg).
 *
 * Error convention: functions returning int return 0 (or a positive count)
 * on success and a negative ALTDMA_E* errno on failure. Mapping functions
 * return ALTDMA_MAPPING_ERROR on failure.
 */
#ifndef ALTDMA_CORE_API_H
#define ALTDMA_CORE_API_H

#include "platform.h"

#ifdef __cplusplus
extern "C" {
#endif

enum altdma_policy_kind {
	ALTDMA_POLICY_DIRECT = 0,	/* dma-direct equivalent */
	ALTDMA_POLICY_BOUNCE = 1,	/* bounce what the device cannot reach */
	ALTDMA_POLICY_COUNT,
};

/* Bounce policy flags. */
#define ALTDMA_BOUNCE_FORCE (1u << 0)		/* bounce every streaming map */
#define ALTDMA_BOUNCE_GUARD_BYTES (1u << 1)	/* red zones around slots */
#define ALTDMA_BOUNCE_COHERENT_FROM_POOL (1u << 2)
/* Any policy: the generic table, not the policy's fast one (tests, bench). */
#define ALTDMA_FLAG_GENERIC_TABLE (1u << 8)
/* Any policy: the fault-injection layer (implies the generic table). */
#define ALTDMA_FLAG_FAULTS (1u << 9)
/* Any policy: the latency layer (implies the generic table). */
#define ALTDMA_FLAG_LATENCY (1u << 10)
/* Any policy: the DMA-API checker layer (implies the generic table). */
#define ALTDMA_FLAG_CHECKS (1u << 11)
/* The flags of the layers above the policy, which every policy takes. */
#define ALTDMA_LAYER_FLAGS \
	(ALTDMA_FLAG_GENERIC_TABLE | ALTDMA_FLAG_FAULTS | ALTDMA_FLAG_LATENCY | \
	 ALTDMA_FLAG_CHECKS)

/*
 * What the checker layer finds, each class with its counter and one
 * rate-limited message format (dma-debug's checks are the model):
 * not_mapped: an unmap, sync or free of an address with no live mapping
 *	(never mapped, or already unmapped: the message says which when the
 *	table still remembers it);
 * wrong_size, wrong_direction, wrong_kind: an unmap or free that differs
 *	from its map in size, direction, or kind (single, scatterlist,
 *	resource, coherent, pages);
 * sync_range: a sync reaching outside its mapping;
 * sync_direction: a sync with another direction than a (not
 *	bidirectional) mapping's, or of a TO_DEVICE mapping for the CPU;
 * sg_mismatch: an unmap_sg with another nents or list than its map_sg;
 * sg_segment: at map_sg, an entry longer than the device's
 *	max_segment_size or crossing its segment boundary;
 * leak: a mapping or allocation still live when the driver unbound;
 * overlap: a mapping of memory that another live mapping or allocation
 *	covers, one of the two letting the device write it (two read-only
 *	mappings of one buffer are legal) and neither with SKIP_CPU_SYNC;
 * and, opt-in (ALTDMA_CHECK_OPT_IN: not in the default set, each costs a
 * pass over the data at map and unmap):
 * cpu_wrote_to_device_buffer: a TO_DEVICE buffer the CPU changed while
 *	mapped, without a sync for the device since (checksums at map, sync
 *	and unmap);
 * device_wrote_to_device_buffer: under bounce, the device wrote into the
 *	slot of a TO_DEVICE mapping;
 * dma_after_unmap: under bounce, the device wrote a slot after its unmap
 *	(unmapped slots are filled with a pattern and held in a quarantine
 *	before reuse; a changed pattern is found when they leave it).
 */
enum altdma_core_check_class {
	ALTDMA_CHECK_NOT_MAPPED = 0,
	ALTDMA_CHECK_WRONG_SIZE,
	ALTDMA_CHECK_WRONG_DIRECTION,
	ALTDMA_CHECK_WRONG_KIND,
	ALTDMA_CHECK_SYNC_RANGE,
	ALTDMA_CHECK_SYNC_DIRECTION,
	ALTDMA_CHECK_SG_MISMATCH,
	ALTDMA_CHECK_SG_SEGMENT,
	ALTDMA_CHECK_LEAK,
	ALTDMA_CHECK_OVERLAP,
	ALTDMA_CHECK_CPU_WROTE_TO_DEVICE_BUFFER,
	ALTDMA_CHECK_DEVICE_WROTE_TO_DEVICE_BUFFER,
	ALTDMA_CHECK_DMA_AFTER_UNMAP,
	ALTDMA_CHECK_CLASS_COUNT,
};

/* The classes only named checks enable. */
#define ALTDMA_CHECK_OPT_IN \
	((1u << ALTDMA_CHECK_CPU_WROTE_TO_DEVICE_BUFFER) | \
	 (1u << ALTDMA_CHECK_DEVICE_WROTE_TO_DEVICE_BUFFER) | \
	 (1u << ALTDMA_CHECK_DMA_AFTER_UNMAP))
/* What 0 (and checks=all) means: every class but the opt-in ones. */
#define ALTDMA_CHECK_DEFAULT \
	(((1u << ALTDMA_CHECK_CLASS_COUNT) - 1) & ~ALTDMA_CHECK_OPT_IN)

/* The operation classes faults are injected into, each with its knobs. */
enum altdma_core_fault_class {
	ALTDMA_CORE_FAULT_MAP = 0,	/* map_page / map_phys of RAM */
	ALTDMA_CORE_FAULT_MAP_SG,	/* map_sg: one decision per list */
	ALTDMA_CORE_FAULT_MAP_RESOURCE,	/* map_resource, map_phys of MMIO */
	ALTDMA_CORE_FAULT_ALLOC,	/* coherent alloc */
	ALTDMA_CORE_FAULT_ALLOC_PAGES,	/* alloc_pages */
	ALTDMA_CORE_FAULT_CLASS_COUNT,
};

/*
 * The knobs of one class, with the kernel's fault-injection meanings
 * (Documentation/fault-injection/fault-injection.rst) and defaults:
 * probability 0 (percent; 0 is off), interval 1, times 1 (-1: no limit),
 * space 0, verbose 2 (0: silent, 1: a line, 2: a line and the stack);
 * filters min_size 0, max_size 0 (no bound), directions all (a bit per
 * enum altdma_dir; operations without one pass); fail_nth 0 (N: fail the
 * Nth eligible operation from now, then disarm); seed (a random one until
 * written: the same seed gives the same failures).
 */
enum altdma_core_fault_knob {
	ALTDMA_CORE_FAULT_PROBABILITY = 0,
	ALTDMA_CORE_FAULT_INTERVAL,
	ALTDMA_CORE_FAULT_TIMES,
	ALTDMA_CORE_FAULT_SPACE,
	ALTDMA_CORE_FAULT_VERBOSE,
	ALTDMA_CORE_FAULT_MIN_SIZE,
	ALTDMA_CORE_FAULT_MAX_SIZE,
	ALTDMA_CORE_FAULT_DIRECTIONS,
	ALTDMA_CORE_FAULT_FAIL_NTH,
	ALTDMA_CORE_FAULT_SEED,
	ALTDMA_CORE_FAULT_KNOB_COUNT,
};

/*
 * The operation classes the latency layer times. map is map_page,
 * map_phys and map_resource; sync every sync_single and sync_sg; alloc
 * and free both coherent memory and pages.
 */
enum altdma_core_latency_class {
	ALTDMA_CORE_LATENCY_MAP = 0,
	ALTDMA_CORE_LATENCY_UNMAP,
	ALTDMA_CORE_LATENCY_MAP_SG,
	ALTDMA_CORE_LATENCY_UNMAP_SG,
	ALTDMA_CORE_LATENCY_SYNC,
	ALTDMA_CORE_LATENCY_ALLOC,
	ALTDMA_CORE_LATENCY_FREE,
	ALTDMA_CORE_LATENCY_CLASS_COUNT,
};

/*
 * One class's latencies in nanoseconds, summed over the CPUs. Bucket i
 * holds [altdma_core_latency_bucket_low(i), ..._low(i + 1)): exact below
 * 32 ns, then 16 buckets per power of two; the last one is open-ended.
 */
#define ALTDMA_CORE_LATENCY_BUCKETS 432
struct altdma_core_latency {
	altdma_u64 count;
	altdma_u64 sum_ns;
	altdma_u64 min_ns;	/* 0 when count is 0 */
	altdma_u64 max_ns;
	altdma_u64 buckets[ALTDMA_CORE_LATENCY_BUCKETS];
};

#define ALTDMA_BOUNCE_DEFAULT_POOL_SIZE (4ULL << 20)
#define ALTDMA_BOUNCE_MAX_POOL_SIZE (1ULL << 30)
#define ALTDMA_BOUNCE_DEFAULT_MAX_MAPPING (256ULL << 10)
#define ALTDMA_BOUNCE_DEFAULT_GUARD_SIZE 64u

/*
 * Zero fields take their defaults. emulated_mask_bits (bounce policy, 12 to
 * 63, 0 for none) makes the device behave as if it reached only
 * [0, 1 << bits); max_mapping_size is capped by the pool's contiguous areas.
 */
struct altdma_core_config {
	altdma_u32 policy;		/* enum altdma_policy_kind */
	altdma_u32 flags;		/* ALTDMA_BOUNCE_* */
	altdma_u32 emulated_mask_bits;
	altdma_u32 guard_size;		/* bytes on each side of a mapping */
	altdma_u64 pool_size;
	altdma_u64 max_mapping_size;
	/*
	 * With ALTDMA_FLAG_CHECKS: a bit per enum altdma_core_check_class
	 * (0: ALTDMA_CHECK_DEFAULT).
	 */
	altdma_u32 checks;
	altdma_u32 reserved;
};

/* The checker's counts: findings by class, and its table. */
struct altdma_core_check_stats {
	altdma_u64 findings[ALTDMA_CHECK_CLASS_COUNT];
	altdma_u64 live;	/* mappings and allocations tracked now */
	altdma_u64 untracked;	/* made while the table had no memory: unchecked */
};

/*
 * One finding as reported (the text without the "checker: " prefix), with
 * the stacks that explain it. The checker keeps the last
 * ALTDMA_CORE_CHECK_REPORTS of them, every finding of an enabled class
 * (also those whose message the rate limit dropped).
 */
#define ALTDMA_CORE_CHECK_REPORTS 32
#define ALTDMA_CORE_CHECK_TEXT 232
/* Flags of a report: which stacks it has. */
#define ALTDMA_CORE_CHECK_REPORT_MAP_STACK (1u << 0)	/* map_stack: the mapping's */
#define ALTDMA_CORE_CHECK_REPORT_UNMAP_STACK (1u << 1)	/* other_stack: the earlier unmap's */
struct altdma_core_check_report {
	altdma_u64 seq;		/* 1 for the checker's first finding */
	altdma_u64 time_ns;	/* altdma_plat_clock_ns() at the finding */
	altdma_u32 cls;		/* enum altdma_core_check_class */
	altdma_u32 flags;	/* ALTDMA_CHECK_REPORT_* */
	altdma_u32 map_stack;	/* the mapping's stack handle (0: none saved) */
	altdma_u32 other_stack;	/* the earlier unmap's, else the reporting call's */
	char text[ALTDMA_CORE_CHECK_TEXT];
};

/*
 * Live mappings alike in stack, kind, direction and size, counted: one line
 * of a leak report ("37 x 4096 bytes FROM_DEVICE from foo_rx_refill").
 */
struct altdma_core_check_group {
	altdma_u64 count;
	altdma_u64 size;
	altdma_dma_t first_dma;	/* the lowest DMA address among them */
	altdma_u32 stack;	/* the platform's stack handle, 0 for none */
	altdma_u32 dir;		/* enum altdma_dir */
	const char *kind;	/* "single", "scatterlist", "resource", "coherent", "pages" */
};

/*
 * Per-device counters, each area's read without its lock (each value is
 * whole, the set is not a snapshot).
 */
struct altdma_core_stats {
	altdma_u64 pool_size;
	altdma_u64 pool_used;
	altdma_u64 pool_high_water;
	altdma_u64 pool_largest_free;
	altdma_u64 bounced_maps[4];	/* by enum altdma_dir */
	altdma_u64 bounced_bytes[4];
	altdma_u64 outstanding_bounces;
	altdma_u64 fail_too_large;
	altdma_u64 fail_fragmented;
	altdma_u64 fail_exhausted;
	altdma_u64 fail_unreachable;
	altdma_u64 guard_violations;
	altdma_u64 maps;		/* streaming mappings made, every policy */
	altdma_u64 map_failures;	/* streaming mappings refused */
	altdma_u64 coherent_allocs;	/* coherent/page allocations made */
	altdma_u64 pool_coherent_outstanding;	/* live pool allocations */
	altdma_u64 refused_calls;	/* unmap/sync/free of no fitting mapping */
	altdma_u64 pool_lowest_dma;	/* first pool byte, 0 without a pool */
	altdma_u64 pool_highest_dma;	/* last pool byte */
	altdma_u64 coherent_frees;	/* coherent/page frees called */
	altdma_u64 ops_table;		/* enum altdma_table_kind installed */
	/* With the fault layer only, by enum altdma_core_fault_class: */
	altdma_u64 fault_calls[ALTDMA_CORE_FAULT_CLASS_COUNT];	/* operations seen */
	altdma_u64 faults_injected[ALTDMA_CORE_FAULT_CLASS_COUNT];
};

/* A live mapping or allocation in the bounce pool, for leak reports. */
struct altdma_core_live_mapping {
	altdma_dma_t dma;	/* the device's address of the data */
	altdma_u64 size;
	altdma_u32 dir;		/* enum altdma_dir */
	altdma_u32 coherent;	/* 1: a coherent allocation, 0: a bounce */
};

struct altdma_core_device;

/*
 * Creates the core state for @dev: validates @config, copies the device's
 * DMA range map. Returns 0 and *@out, or -ALTDMA_EINVAL (bad config, with a
 * message naming the field) / -ALTDMA_ENOMEM. Nothing is left allocated on
 * failure.
 */
int altdma_core_create(struct altdma_plat_device *dev,
		       const struct altdma_core_config *config,
		       struct altdma_core_device **out);
void altdma_core_destroy(struct altdma_core_device *core);

/* Zeroes *@stats, then fills what the device's policy counts. */
void altdma_core_get_stats(struct altdma_core_device *core,
			   struct altdma_core_stats *stats);

/*
 * Fills @out with up to @max of the pool's live mappings and allocations,
 * in address order, and returns how many are live (possibly more than
 * @max). 0 without a pool. Context: any; takes each area's lock in turn.
 */
altdma_u64 altdma_core_list_live(struct altdma_core_device *core,
				 struct altdma_core_live_mapping *out,
				 altdma_u64 max);

/*
 * The kind of callback table the shim installs for the device, decided at
 * attach. Each policy has a fast table whose hot entries call that policy's
 * altdma_core_<policy>_*() functions below (no virtual call; maps counted
 * per CPU by the shim): the direct one leaves unmap and sync to the kernel
 * (there is nothing to undo or synchronise), the bounce one calls them. The
 * generic table sends every entry through the policy interface (and counts
 * in the core); the instrumented layers of later work build on it, and
 * ALTDMA_FLAG_GENERIC_TABLE asks for it under any policy. Fixed
 * for the attachment's life: a table swapped on a live device would see
 * unmaps of maps it never saw.
 */
enum altdma_table_kind {
	ALTDMA_TABLE_DIRECT_FAST = 0,
	ALTDMA_TABLE_GENERIC = 1,
	ALTDMA_TABLE_BOUNCE_FAST = 2,
};

enum altdma_table_kind altdma_core_table_kind(struct altdma_core_device *core);

/*
 * The direct fast table's streaming map of RAM: @dma_mask and @bus_limit
 * are the device's (0 for none) as the kernel holds them now. Returns the
 * DMA address or ALTDMA_MAPPING_ERROR (with a rate-limited message). Not
 * counted here: the shim counts fast-table maps per CPU. Only for a device
 * whose table kind is ALTDMA_TABLE_DIRECT_FAST.
 */
altdma_dma_t altdma_core_direct_map(struct altdma_core_device *core,
				    altdma_phys_t phys, altdma_usize size,
				    altdma_u64 dma_mask, altdma_u64 bus_limit);

/*
 * The bounce fast table's streaming map of RAM, unmap and syncs: as
 * altdma_core_map_phys() and the others, but straight into the bounce
 * policy, and the map not counted here (the pool still counts its bounces,
 * per area). Only for a device whose table kind is ALTDMA_TABLE_BOUNCE_FAST.
 */
altdma_dma_t altdma_core_bounce_map(struct altdma_core_device *core,
				    altdma_phys_t phys, altdma_usize size,
				    enum altdma_dir dir, unsigned long attrs);
void altdma_core_bounce_unmap(struct altdma_core_device *core,
			      altdma_dma_t addr, altdma_usize size,
			      enum altdma_dir dir, unsigned long attrs);
void altdma_core_bounce_sync_for_cpu(struct altdma_core_device *core,
				     altdma_dma_t addr, altdma_usize size,
				     enum altdma_dir dir);
void altdma_core_bounce_sync_for_device(struct altdma_core_device *core,
					altdma_dma_t addr, altdma_usize size,
					enum altdma_dir dir);

/*
 * The errno a map_sg returns after the mapping of an entry of @size bytes
 * failed (see altdma_core_map_sg), for a table that maps lists itself.
 */
int altdma_core_map_sg_error(struct altdma_core_device *core,
			     altdma_usize size);

/*
 * The fault layer's knobs (see enum altdma_core_fault_knob). Set returns 0, or
 * -ALTDMA_EINVAL (unknown class or knob, value out of range: nothing
 * changed) or -ALTDMA_EOPNOTSUPP (attached without ALTDMA_FLAG_FAULTS).
 * Context: may be called while the device maps; takes the class's lock.
 */
int altdma_core_fault_set(struct altdma_core_device *core,
			  enum altdma_core_fault_class cls,
			  enum altdma_core_fault_knob knob, altdma_s64 value);
int altdma_core_fault_get(struct altdma_core_device *core,
			  enum altdma_core_fault_class cls,
			  enum altdma_core_fault_knob knob, altdma_s64 *value);

/*
 * The latency layer's histogram of @cls (see struct altdma_core_latency):
 * 0, or -ALTDMA_EINVAL (unknown class) or -ALTDMA_EOPNOTSUPP (attached
 * without ALTDMA_FLAG_LATENCY). Reset zeroes every class. Context: any;
 * not a snapshot of operations under way.
 */
int altdma_core_latency_read(struct altdma_core_device *core,
			     enum altdma_core_latency_class cls,
			     struct altdma_core_latency *out);
int altdma_core_latency_reset(struct altdma_core_device *core);
/* The lowest value of bucket @bucket, in nanoseconds. */
altdma_u64 altdma_core_latency_bucket_low(altdma_u32 bucket);
/*
 * The latency at quantile @ppm (parts per million: 500000 is the median)
 * of @lat, within 3.2% of the true one; 0 for an empty histogram.
 */
altdma_u64 altdma_core_latency_quantile(const struct altdma_core_latency *lat,
					altdma_u32 ppm);

/* The name of check class @cls ("not_mapped", ...), NULL past the last. */
const char *altdma_core_check_name(enum altdma_core_check_class cls);
/*
 * The checker's counts into *@out: 0, or -ALTDMA_EOPNOTSUPP (attached
 * without ALTDMA_FLAG_CHECKS). Context: any.
 */
int altdma_core_check_read(struct altdma_core_device *core,
			   struct altdma_core_check_stats *out);
/*
 * The live mappings and allocations grouped (see struct
 * altdma_core_check_group), the largest groups first: fills up to @max of
 * @out and returns how many groups there are, or a negative errno
 * (-ALTDMA_EOPNOTSUPP without the checker, -ALTDMA_ENOMEM). With @leaks,
 * each live entry is also counted as a leak finding (the driver unbound).
 * Context: may sleep (it allocates its working set).
 */
long altdma_core_check_outstanding(struct altdma_core_device *core,
				   struct altdma_core_check_group *out,
				   altdma_u64 max, int leaks);

/*
 * The last reports, oldest first, into up to @max of @out: returns how
 * many were filled (0 without the checker). Context: any.
 */
long altdma_core_check_reports(struct altdma_core_device *core,
			       struct altdma_core_check_report *out,
			       altdma_u64 max);

/* Streaming mappings of RAM (map_page / map_phys). */
altdma_dma_t altdma_core_map_phys(struct altdma_core_device *core,
				  altdma_phys_t phys, altdma_usize size,
				  enum altdma_dir dir, unsigned long attrs);
void altdma_core_unmap_phys(struct altdma_core_device *core,
			    altdma_dma_t addr, altdma_usize size,
			    enum altdma_dir dir, unsigned long attrs);

/* MMIO (map_resource): no phys->dma translation, no CPU sync. */
altdma_dma_t altdma_core_map_resource(struct altdma_core_device *core,
				      altdma_phys_t phys, altdma_usize size,
				      enum altdma_dir dir, unsigned long attrs);
void altdma_core_unmap_resource(struct altdma_core_device *core,
				altdma_dma_t addr, altdma_usize size,
				enum altdma_dir dir, unsigned long attrs);

/*
 * Maps @nents entries; returns @nents, or with every entry mapped so far
 * unmapped again: -ALTDMA_EINVAL (bad list), -ALTDMA_ENOMEM (a full bounce
 * pool: a retry may succeed) or -ALTDMA_EIO (never mappable: out of reach or
 * too large).
 */
int altdma_core_map_sg(struct altdma_core_device *core,
		       struct altdma_plat_sg *sgl, int nents,
		       enum altdma_dir dir, unsigned long attrs);
void altdma_core_unmap_sg(struct altdma_core_device *core,
			  struct altdma_plat_sg *sgl, int nents,
			  enum altdma_dir dir, unsigned long attrs);

void altdma_core_sync_single_for_cpu(struct altdma_core_device *core,
				     altdma_dma_t addr, altdma_usize size,
				     enum altdma_dir dir);
void altdma_core_sync_single_for_device(struct altdma_core_device *core,
					altdma_dma_t addr, altdma_usize size,
					enum altdma_dir dir);
void altdma_core_sync_sg_for_cpu(struct altdma_core_device *core,
				 struct altdma_plat_sg *sgl, int nents,
				 enum altdma_dir dir);
void altdma_core_sync_sg_for_device(struct altdma_core_device *core,
				    struct altdma_plat_sg *sgl, int nents,
				    enum altdma_dir dir);

/*
 * Coherent memory (alloc / free): page-aligned, zeroed unless
 * ALTDMA_ATTR_NO_KERNEL_MAPPING, reachable under the coherent mask and bus
 * limit. Returns 0 with *@phys and *@dma, or -ALTDMA_EINVAL (size 0 or
 * larger than the biggest page block) / -ALTDMA_ENOMEM.
 */
int altdma_core_alloc(struct altdma_core_device *core, altdma_usize size,
		      altdma_u32 caller_gfp, unsigned long attrs,
		      altdma_phys_t *phys, altdma_dma_t *dma);
void altdma_core_free(struct altdma_core_device *core, altdma_usize size,
		      altdma_dma_t dma, unsigned long attrs);

/* Non-coherent pages (alloc_pages / free_pages): always zeroed. */
int altdma_core_alloc_pages(struct altdma_core_device *core,
			    altdma_usize size, enum altdma_dir dir,
			    altdma_u32 caller_gfp, altdma_phys_t *phys,
			    altdma_dma_t *dma);
void altdma_core_free_pages(struct altdma_core_device *core,
			    altdma_usize size, altdma_dma_t dma,
			    enum altdma_dir dir);

int altdma_core_dma_supported(struct altdma_core_device *core,
			      altdma_u64 mask);
altdma_u64 altdma_core_get_required_mask(struct altdma_core_device *core);
altdma_usize altdma_core_max_mapping_size(struct altdma_core_device *core);

/*
 * get_sgtable: the single physically contiguous chunk backing a coherent
 * allocation. Returns 0 with *@phys (page aligned) and *@length
 * (PAGE_ALIGN(size)), or -ALTDMA_ENXIO if @dma does not translate.
 */
int altdma_core_get_sgtable(struct altdma_core_device *core,
			    altdma_dma_t dma, altdma_usize size,
			    altdma_phys_t *phys, altdma_u64 *length);

/*
 * mmap: the first page frame to map for a VMA of @user_pages pages at page
 * offset @pgoff into a coherent allocation of @size bytes. Returns 0 and
 * *@pfn, or -ALTDMA_ENXIO when the window does not fit in the allocation.
 */
int altdma_core_mmap_pfn(struct altdma_core_device *core, altdma_dma_t dma,
			 altdma_usize size, altdma_u64 pgoff,
			 altdma_u64 user_pages, altdma_u64 *pfn);

#ifdef __cplusplus
}
#endif

#endif /* ALTDMA_CORE_API_H */
