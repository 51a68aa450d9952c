// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the altdma platform ABI (core/include/altdma/platform.h):
 * how the C++ core allocates, translates, logs and locks inside the kernel.
 */
#include <linux/cache.h>
#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kallsyms.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "altdma_compat.h"
#include "altdma_internal.h"

static_assert(ALTDMA_EIO == EIO);
static_assert(ALTDMA_ENXIO == ENXIO);
static_assert(ALTDMA_ENOMEM == ENOMEM);
static_assert(ALTDMA_EBUSY == EBUSY);
static_assert(ALTDMA_EINVAL == EINVAL);
static_assert(ALTDMA_EOPNOTSUPP == EOPNOTSUPP);
static_assert(ALTDMA_EREMOTEIO == EREMOTEIO);

/* max_pfn is not exported: the end of the highest online node is the same. */
static u64 altdma_max_pfn(void)
{
	u64 max = 0;
	int nid;

	for_each_online_node(nid)
		max = max_t(u64, max, node_end_pfn(nid));
	return max;
}

void altdma_plat_get_info(struct altdma_plat_info *info)
{
	info->max_pfn = altdma_max_pfn();
	info->zone_dma_bits = ALTDMA_ZONE_DMA_BITS;
	info->has_zone_dma = IS_ENABLED(CONFIG_ZONE_DMA);
	info->has_zone_dma32 = IS_ENABLED(CONFIG_ZONE_DMA32);
	info->max_page_order = ALTDMA_MAX_PAGE_ORDER;
}

static gfp_t altdma_gfp(altdma_u32 flags)
{
	gfp_t gfp = (flags & ALTDMA_GFP_ATOMIC) ? GFP_ATOMIC : GFP_KERNEL;

	if (flags & ALTDMA_GFP_ZERO)
		gfp |= __GFP_ZERO;
	if (flags & ALTDMA_GFP_NOWARN)
		gfp |= __GFP_NOWARN;
	if (flags & ALTDMA_GFP_NORETRY)
		gfp |= __GFP_NORETRY;
	return gfp;
}

void *altdma_plat_alloc(altdma_usize size, altdma_u32 gfp)
{
	return kmalloc(size, altdma_gfp(gfp));
}

void altdma_plat_free(void *ptr)
{
	kfree(ptr);
}

/* The caller traps right after: this only gets the report out first. */
void altdma_plat_bug(const char *what)
{
	WARN(1, "altdma: %s\n", what);
}

static gfp_t altdma_zone_gfp(enum altdma_zone zone)
{
	switch (zone) {
	case ALTDMA_ZONE_DMA:
		return GFP_DMA;
	case ALTDMA_ZONE_DMA32:
		return GFP_DMA32;
	default:
		return 0;
	}
}

/*
 * The caller's zone modifiers are replaced by the core's choice. The core
 * zeroes what it must itself, once it knows the pages are reachable.
 */
int altdma_plat_alloc_pages(struct altdma_plat_device *plat,
			    altdma_u32 caller_gfp, enum altdma_zone zone,
			    altdma_u32 order, altdma_phys_t *phys)
{
	struct device *dev = altdma_from_plat(plat)->dev;
	gfp_t gfp = (__force gfp_t)caller_gfp;
	struct page *page;

	gfp &= ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM | __GFP_ZERO |
		 __GFP_COMP);
	page = alloc_pages_node(dev_to_node(dev), gfp | altdma_zone_gfp(zone),
				order);
	if (!page)
		return -ENOMEM;
	*phys = page_to_phys(page);
	return 0;
}

void altdma_plat_free_pages(altdma_phys_t phys, altdma_u32 order)
{
	__free_pages(altdma_phys_to_page(phys), order);
}

altdma_u32 altdma_plat_page_gfp(altdma_u32 gfp)
{
	return (__force altdma_u32)altdma_gfp(gfp);
}

altdma_u32 altdma_plat_cpu_id(void)
{
	return raw_smp_processor_id();
}

altdma_u32 altdma_plat_nr_cpus(void)
{
	return num_possible_cpus();
}

altdma_u64 altdma_plat_random_u64(void)
{
	return get_random_u64();
}

altdma_u64 altdma_plat_clock_ns(void)
{
	return ktime_get_ns();
}

void altdma_plat_dump_stack(void)
{
	dump_stack();
}

/*
 * Frames kept per saved stack: the driver's first frames follow five or six
 * of altdma and the DMA API (unwinding is most of a checked map's cost).
 */
#define ALTDMA_STACK_DEPTH 9

/* Set once stack_depot_init() succeeded: before, a save would oops. */
static bool altdma_stack_ready;

/**
 * altdma_stack_prepare - set up the stack depot for saving mapping stacks
 *
 * Debian's kernels build the stack depot (SLUB_DEBUG selects it) but leave
 * it uninitialised; its users must initialise it. Idempotent.
 *
 * Context: process context; may sleep (allocates the depot's table).
 * Return: 0, or a negative errno (then saves return "no stack").
 */
int altdma_stack_prepare(void)
{
	int ret;

	if (!IS_ENABLED(CONFIG_STACKDEPOT) || READ_ONCE(altdma_stack_ready))
		return 0;
	ret = stack_depot_init();
	if (!ret)
		WRITE_ONCE(altdma_stack_ready, true);
	return ret;
}

altdma_u32 altdma_plat_stack_save(void)
{
	unsigned long entries[ALTDMA_STACK_DEPTH];
	unsigned int n;

	if (!IS_ENABLED(CONFIG_STACKDEPOT) || !READ_ONCE(altdma_stack_ready))
		return 0;
	n = stack_trace_save(entries, ARRAY_SIZE(entries), 1);
	/* Maps come in any context: never sleep, and fail quietly. */
	return stack_depot_save(entries, n, GFP_NOWAIT | __GFP_NOWARN);
}

/**
 * altdma_stack_entries - the frames of a saved stack
 * @handle: from altdma_plat_stack_save(), 0 for none
 * @entries: set to the frames, innermost first
 *
 * Return: how many frames (0 for no stack).
 */
unsigned int altdma_stack_entries(u32 handle, unsigned long **entries)
{
	*entries = NULL;
	if (!IS_ENABLED(CONFIG_STACKDEPOT) || !handle)
		return 0;
	return stack_depot_fetch(handle, entries);
}

/*
 * Frames of altdma itself and of the kernel's DMA API above it: a driver's
 * own dma_* helper (a module's frame) is the driver's.
 */
static bool altdma_stack_frame_is_dma_api(unsigned long ip)
{
	static const char *const prefixes[] = {
		"dma_", "__dma_", "dmam_", "debug_dma_",
	};
	char name[KSYM_NAME_LEN + 32];
	int i, n;

	if (within_module(ip, THIS_MODULE))
		return true;
	n = snprintf(name, sizeof(name), "%ps", (void *)ip);
	if (n > 0 && n < (int)sizeof(name) && name[n - 1] == ']')
		return false;	/* another module's: "func [module]" */
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/**
 * altdma_stack_caller - the frame of a saved stack that made the mapping
 * @handle: from altdma_plat_stack_save(), 0 for none
 * @buf: receives "function+0xoff/0xsize [module]", or why there is none
 * @len: size of @buf
 *
 * The first frame outside altdma and the kernel's dma_* functions: the
 * driver's call (nvme_map_data+0x1c8/0x830 [nvme]).
 */
void altdma_stack_caller(u32 handle, char *buf, size_t len)
{
	unsigned long *entries;
	unsigned int n = altdma_stack_entries(handle, &entries), i;

	for (i = 0; i < n; i++)
		if (!altdma_stack_frame_is_dma_api(entries[i])) {
			snprintf(buf, len, "%pS", (void *)entries[i]);
			return;
		}
	if (n)
		snprintf(buf, len, "%pS (no frame outside the DMA API)",
			 (void *)entries[n - 1]);
	else
		strscpy(buf, "an unknown caller (no stack saved)", len);
}

int altdma_plat_vformat(char *buf, altdma_usize len, const char *fmt,
			altdma_va_list args)
{
	return vsnprintf(buf, len, fmt, args);
}

void altdma_plat_stack_log(struct altdma_plat_device *plat, altdma_u32 handle)
{
	if (!IS_ENABLED(CONFIG_STACKDEPOT) || !handle) {
		dev_err(altdma_from_plat(plat)->dev,
			"altdma:   (no stack saved)\n");
		return;
	}
	stack_depot_print(handle);
}

void *altdma_plat_phys_to_virt(altdma_phys_t phys)
{
	unsigned long pfn = PHYS_PFN(phys);

	if (!pfn_valid(pfn) || PageHighMem(pfn_to_page(pfn)))
		return NULL;
	return phys_to_virt(phys);
}

void altdma_plat_dev_limits(struct altdma_plat_device *plat,
			    struct altdma_dev_limits *limits)
{
	struct device *dev = altdma_from_plat(plat)->dev;

	limits->dma_mask = dev->dma_mask ? *dev->dma_mask : 0;
	limits->coherent_mask = dev->coherent_dma_mask;
	limits->bus_limit = dev->bus_dma_limit;
	limits->min_align_mask = dma_get_min_align_mask(dev);
	limits->segment_boundary = dma_get_seg_boundary(dev);
	limits->max_segment_size = dma_get_max_seg_size(dev);
}

int altdma_plat_dev_range(struct altdma_plat_device *plat, altdma_u32 index,
			  struct altdma_range *range)
{
	const struct bus_dma_region *map = altdma_from_plat(plat)->dev->dma_range_map;
	altdma_u32 i;

	if (!map)
		return -ENXIO;
	for (i = 0; i < index; i++)
		if (!map[i].size)
			return -ENXIO;
	if (!map[index].size)
		return -ENXIO;
	range->cpu_start = map[index].cpu_start;
	range->dma_start = map[index].dma_start;
	range->size = map[index].size;
	return 0;
}

static const char *const altdma_log_levels[] = {
	[ALTDMA_LOG_ERR] = KERN_ERR,
	[ALTDMA_LOG_WARN] = KERN_WARNING,
	[ALTDMA_LOG_INFO] = KERN_INFO,
	[ALTDMA_LOG_DEBUG] = KERN_DEBUG,
};

void altdma_plat_dev_log(struct altdma_plat_device *plat,
			 enum altdma_log_level level, int ratelimited,
			 const char *fmt, ...)
{
	struct altdma_attachment *att = altdma_from_plat(plat);
	struct va_format vaf;
	va_list args;

	if (ratelimited && !__ratelimit(&att->ratelimit))
		return;
	if ((unsigned int)level >= ARRAY_SIZE(altdma_log_levels))
		level = ALTDMA_LOG_ERR;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	dev_printk(altdma_log_levels[level], att->dev, "altdma: %pV", &vaf);
	va_end(args);
}

int altdma_plat_dev_log_ratelimit(struct altdma_plat_device *plat)
{
	return __ratelimit(&altdma_from_plat(plat)->ratelimit);
}

static_assert(sizeof(spinlock_t) <= sizeof(struct altdma_plat_lock),
	      "spinlock_t outgrew ALTDMA_PLAT_LOCK_BYTES in core/include/altdma/platform.h");
static_assert(__alignof__(spinlock_t) <= __alignof__(struct altdma_plat_lock));
static_assert(ALTDMA_CACHE_LINE_BYTES >= SMP_CACHE_BYTES);

static spinlock_t *altdma_spinlock(struct altdma_plat_lock *lock)
{
	return (spinlock_t *)lock->storage;
}

/*
 * The lock lives inside the core's structure (a bounce area keeps it on
 * its own cache lines, next to the state it guards). All core locks share
 * one lockdep class: they never nest.
 */
void altdma_plat_lock_init(struct altdma_plat_lock *lock)
{
	spin_lock_init(altdma_spinlock(lock));
}

/* One lockdep class per core lock class (all of them static, as lockdep needs). */
static struct lock_class_key altdma_lock_keys[ALTDMA_LOCK_CLASS_COUNT];
static const char *const altdma_lock_names[ALTDMA_LOCK_CLASS_COUNT] = {
	[ALTDMA_LOCK_CLASS_DEFAULT] = "altdma_lock",
	[ALTDMA_LOCK_CLASS_CHECKER_BUCKET] = "altdma_checker_bucket",
	[ALTDMA_LOCK_CLASS_CHECKER_RESERVE] = "altdma_checker_reserve",
	[ALTDMA_LOCK_CLASS_CHECKER_MEMORY] = "altdma_checker_memory",
};

void altdma_plat_lock_init_class(struct altdma_plat_lock *lock,
				 enum altdma_lock_class cls)
{
	spin_lock_init(altdma_spinlock(lock));
	if ((unsigned int)cls < ALTDMA_LOCK_CLASS_COUNT)
		lockdep_set_class_and_name(altdma_spinlock(lock),
					   &altdma_lock_keys[cls],
					   altdma_lock_names[cls]);
}

/* Nothing to release: the storage belongs to the core. */
void altdma_plat_lock_destroy(struct altdma_plat_lock *lock)
{
}

unsigned long altdma_plat_lock(struct altdma_plat_lock *lock)
	__acquires(lock)
{
	unsigned long flags;

	spin_lock_irqsave(altdma_spinlock(lock), flags);
	return flags;
}

void altdma_plat_unlock(struct altdma_plat_lock *lock, unsigned long flags)
	__releases(lock)
{
	spin_unlock_irqrestore(altdma_spinlock(lock), flags);
}

struct altdma_plat_sg *altdma_plat_sg_next(struct altdma_plat_sg *sg)
{
	return altdma_to_plat_sg(sg_next(altdma_from_plat_sg(sg)));
}

altdma_phys_t altdma_plat_sg_phys(const struct altdma_plat_sg *sg)
{
	return sg_phys(altdma_from_plat_sg(sg));
}

altdma_u32 altdma_plat_sg_length(const struct altdma_plat_sg *sg)
{
	return altdma_from_plat_sg(sg)->length;
}

altdma_dma_t altdma_plat_sg_dma_address(const struct altdma_plat_sg *sg)
{
	return sg_dma_address(altdma_from_plat_sg(sg));
}

altdma_u32 altdma_plat_sg_dma_length(const struct altdma_plat_sg *sg)
{
	return sg_dma_len(altdma_from_plat_sg(sg));
}

void altdma_plat_sg_set_dma(struct altdma_plat_sg *sg, altdma_dma_t addr,
			    altdma_u32 length)
{
	struct scatterlist *s = altdma_from_plat_sg(sg);

	s->dma_address = addr;
	sg_dma_len(s) = length;
}
