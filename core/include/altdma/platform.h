/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altdma platform ABI: everything the C++ core needs from its host.
 *
 * The core never includes a kernel header. It reaches the kernel only
 * through the functions declared here, which shim/altdma_platform.c
 * implements in the kernel and tests/host/fake_platform.cpp implements in
 * user space. The header is plain C with fixed-width types built from
 * compiler-provided macros, so it needs no include at all and compiles as
 * kernel C, freestanding C++ and hosted C++ alike.
 *
 * Values that must agree with the kernel (directions, attributes, errnos,
 * page size) are checked against the kernel's own definitions with
 * BUILD_BUG_ON in the shim.
 */
#ifndef ALTDMA_PLATFORM_H
#define ALTDMA_PLATFORM_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The kernel's own spellings (u32 is unsigned int, u64 is unsigned long
 * long on every Linux ABI), so pointers to them convert without casts.
 */
typedef unsigned char altdma_u8;
typedef unsigned int altdma_u32;
typedef unsigned long long altdma_u64;
typedef int altdma_s32;
typedef long long altdma_s64;
typedef __SIZE_TYPE__ altdma_usize;

typedef char altdma_abi_u32_is_32_bits[sizeof(altdma_u32) == 4 ? 1 : -1];
typedef char altdma_abi_u64_is_64_bits[sizeof(altdma_u64) == 8 ? 1 : -1];

typedef __builtin_va_list altdma_va_list;	/* the compiler's va_list */
typedef altdma_u64 altdma_phys_t;
typedef altdma_u64 altdma_dma_t;

#define ALTDMA_MAPPING_ERROR (~(altdma_dma_t)0)
#define ALTDMA_PHYS_INVALID (~(altdma_phys_t)0)

#define ALTDMA_PAGE_SHIFT 12
#define ALTDMA_PAGE_SIZE ((altdma_u64)1 << ALTDMA_PAGE_SHIFT)

/* Same values as the kernel's enum dma_data_direction. */
enum altdma_dir {
	ALTDMA_BIDIRECTIONAL = 0,
	ALTDMA_TO_DEVICE = 1,
	ALTDMA_FROM_DEVICE = 2,
	ALTDMA_DIR_NONE = 3,
};

/* Same bits as the kernel's DMA_ATTR_*; attrs pass through unchanged. */
#define ALTDMA_ATTR_WEAK_ORDERING (1UL << 1)
#define ALTDMA_ATTR_WRITE_COMBINE (1UL << 2)
#define ALTDMA_ATTR_NO_KERNEL_MAPPING (1UL << 4)
#define ALTDMA_ATTR_SKIP_CPU_SYNC (1UL << 5)
#define ALTDMA_ATTR_FORCE_CONTIGUOUS (1UL << 6)
#define ALTDMA_ATTR_ALLOC_SINGLE_PAGES (1UL << 7)
#define ALTDMA_ATTR_NO_WARN (1UL << 8)
#define ALTDMA_ATTR_PRIVILEGED (1UL << 9)

/* Linux errno values (positive); core functions return them negated. */
#define ALTDMA_EIO 5
#define ALTDMA_ENXIO 6
#define ALTDMA_ENOMEM 12
#define ALTDMA_EBUSY 16
#define ALTDMA_EINVAL 22
#define ALTDMA_EOPNOTSUPP 95
#define ALTDMA_EREMOTEIO 121

/*
 * Flags for the core's own bookkeeping allocations. Memory handed to a
 * caller is allocated with the caller's opaque gfp instead (see
 * altdma_plat_alloc_pages).
 */
#define ALTDMA_GFP_KERNEL 0u		/* may sleep */
#define ALTDMA_GFP_ATOMIC (1u << 0)	/* must not sleep */
#define ALTDMA_GFP_ZERO (1u << 1)
#define ALTDMA_GFP_NOWARN (1u << 2)	/* failure is expected and handled */
#define ALTDMA_GFP_NORETRY (1u << 3)	/* fail rather than reclaim hard */

/* Memory zone a page allocation is restricted to. */
enum altdma_zone {
	ALTDMA_ZONE_NORMAL = 0,	/* any memory */
	ALTDMA_ZONE_DMA32 = 1,	/* below 4 GiB */
	ALTDMA_ZONE_DMA = 2,	/* below 1 << zone_dma_bits */
};

enum altdma_log_level {
	ALTDMA_LOG_ERR = 0,
	ALTDMA_LOG_WARN = 1,
	ALTDMA_LOG_INFO = 2,
	ALTDMA_LOG_DEBUG = 3,
};

/* Facts about the machine, read when needed (max_pfn grows on hotplug). */
struct altdma_plat_info {
	altdma_u64 max_pfn;		/* one past the highest RAM page frame */
	altdma_u32 zone_dma_bits;	/* ZONE_DMA covers [0, 1 << bits) */
	altdma_u32 has_zone_dma;
	altdma_u32 has_zone_dma32;
	altdma_u32 max_page_order;	/* largest order alloc_pages accepts */
};

/*
 * The device as the platform describes it. Masks can change after attach
 * (drivers call dma_set_mask() after altdma is attached), so the core reads
 * them at every operation instead of caching them.
 */
struct altdma_dev_limits {
	altdma_u64 dma_mask;		/* streaming mask, 0 if the device has none */
	altdma_u64 coherent_mask;
	altdma_u64 bus_limit;		/* 0: no bus limit */
	altdma_u64 min_align_mask;
	altdma_u64 segment_boundary;
	altdma_u32 max_segment_size;
};

/* One entry of the device's dma_range_map: dma = phys - offset inside. */
struct altdma_range {
	altdma_phys_t cpu_start;
	altdma_dma_t dma_start;
	altdma_u64 size;
};

/* Opaque handles owned by the platform. */
struct altdma_plat_device;	/* the attached device */
struct altdma_plat_sg;		/* one scatterlist entry */

/*
 * A cache line on every architecture the core is built for; the core keeps
 * state written by different CPUs on different lines of this size.
 */
#define ALTDMA_CACHE_LINE_BYTES 64

/*
 * An IRQ-safe spinlock, embedded in the structure it guards: opaque storage
 * that the platform initialises in place (a spinlock_t in the kernel). The
 * size covers spinlock_t with lockdep and lock statistics, and on
 * PREEMPT_RT; the shim refuses to build if it does not.
 */
#define ALTDMA_PLAT_LOCK_BYTES 192
struct altdma_plat_lock {
	altdma_u64 storage[ALTDMA_PLAT_LOCK_BYTES / sizeof(altdma_u64)];
};

void altdma_plat_get_info(struct altdma_plat_info *info);

/* Bookkeeping memory for the core (kmalloc in the kernel); free(NULL) is a no-op. */
void *altdma_plat_alloc(altdma_usize size, altdma_u32 gfp);
void altdma_plat_free(void *ptr);

/*
 * An internal invariant is broken (e.g. a pure virtual call): reports and
 * stops (BUG() in the kernel, abort() on the host). Not declared noreturn:
 * objtool only knows the kernel's own noreturn functions, so callers end
 * with __builtin_trap() instead.
 */
void altdma_plat_bug(const char *what);

/*
 * Pages for a caller of the DMA API: 1 << order pages from @zone near the
 * device's node, allocated with the caller's gfp (opaque to the core).
 * Returns 0 and the first page's physical address, or -ALTDMA_ENOMEM.
 */
int altdma_plat_alloc_pages(struct altdma_plat_device *dev,
			    altdma_u32 caller_gfp, enum altdma_zone zone,
			    altdma_u32 order, altdma_phys_t *phys);
void altdma_plat_free_pages(altdma_phys_t phys, altdma_u32 order);
/* The caller_gfp to pass for pages the core allocates for itself. */
altdma_u32 altdma_plat_page_gfp(altdma_u32 gfp);

/* Kernel virtual address of RAM at @phys (NULL if not direct-mapped RAM). */
void *altdma_plat_phys_to_virt(altdma_phys_t phys);

void altdma_plat_dev_limits(struct altdma_plat_device *dev,
			    struct altdma_dev_limits *limits);
/* Entry @index of the device's DMA range map; -ALTDMA_ENXIO past the end. */
int altdma_plat_dev_range(struct altdma_plat_device *dev, altdma_u32 index,
			  struct altdma_range *range);

/*
 * printf-style message prefixed with the device's name. Only integer and
 * string conversions are used (%llx, %llu, %zu, %u, %d, %s). @ratelimited
 * applies the device's own rate limit.
 */
void altdma_plat_dev_log(struct altdma_plat_device *dev,
			 enum altdma_log_level level, int ratelimited,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * vsnprintf() into @buf (always NUL-terminated when @len > 0), with the
 * conversions altdma_plat_dev_log() takes; returns what it would write.
 */
int altdma_plat_vformat(char *buf, altdma_usize len, const char *fmt,
			altdma_va_list args)
	__attribute__((format(printf, 3, 0)));
/*
 * Whether the device's rate limit lets one more message through now (it
 * counts as that message): for a message whose arguments cost work, which
 * is then logged with @ratelimited 0.
 */
int altdma_plat_dev_log_ratelimit(struct altdma_plat_device *dev);

/* Cannot fail and does not sleep; destroy before the storage goes away. */
void altdma_plat_lock_init(struct altdma_plat_lock *lock);
/*
 * Lock classes for a lock validator (lockdep): locks of one class never
 * nest, locks of different classes may (in one order). Plain
 * altdma_plat_lock_init() gives ALTDMA_LOCK_CLASS_DEFAULT.
 */
enum altdma_lock_class {
	ALTDMA_LOCK_CLASS_DEFAULT = 0,
	ALTDMA_LOCK_CLASS_CHECKER_BUCKET,	/* a live-table bucket */
	ALTDMA_LOCK_CLASS_CHECKER_RESERVE,	/* taken under a bucket's */
	ALTDMA_LOCK_CLASS_CHECKER_MEMORY,	/* by memory: under a bucket's */
	ALTDMA_LOCK_CLASS_COUNT,
};
void altdma_plat_lock_init_class(struct altdma_plat_lock *lock,
				 enum altdma_lock_class cls);
void altdma_plat_lock_destroy(struct altdma_plat_lock *lock);
/* Returns the saved interrupt state for altdma_plat_unlock(). */
unsigned long altdma_plat_lock(struct altdma_plat_lock *lock);
void altdma_plat_unlock(struct altdma_plat_lock *lock, unsigned long flags);

/* The CPU running the caller (may change right after), and how many exist. */
altdma_u32 altdma_plat_cpu_id(void);
altdma_u32 altdma_plat_nr_cpus(void);

/* A monotonic clock in nanoseconds (ktime_get_ns() in the kernel). */
altdma_u64 altdma_plat_clock_ns(void);

/* The caller's stack, into the log (dump_stack() in the kernel). */
void altdma_plat_dump_stack(void);

/*
 * Trace events raised inside the core, for tracing tools (the kernel's
 * altdma:bounce and altdma:fault_injected tracepoints). Cheap and without
 * effect while nobody traces them; any context.
 * @to_device: 1 for a copy into the bounce slot (map, sync for device),
 * 0 for a copy back to the original (unmap, sync for CPU).
 */
void altdma_plat_trace_bounce(struct altdma_plat_device *dev,
			      altdma_phys_t orig, altdma_phys_t slot,
			      altdma_u64 size, int to_device);
/* @op_class is a fault class name ("map", "map_sg", ...); @op_index its count. */
void altdma_plat_trace_fault(struct altdma_plat_device *dev,
			     const char *op_class, altdma_u64 size,
			     enum altdma_dir dir, altdma_u64 op_index);

/*
 * The caller's stack saved for later (the kernel's stack depot): a handle,
 * 0 when none could be saved (no memory, no depot). Any context.
 */
altdma_u32 altdma_plat_stack_save(void);
/* Stack @handle into the device's log, after a message about it. */
void altdma_plat_stack_log(struct altdma_plat_device *dev, altdma_u32 handle);
/* A checker finding, for tracing tools (altdma:check_error). */
void altdma_plat_trace_check(struct altdma_plat_device *dev,
			     const char *check, const char *op,
			     altdma_dma_t dma, altdma_u64 size);

/* 64 random bits (the kernel's get_random_u64()): seeds, not secrets. */
altdma_u64 altdma_plat_random_u64(void);

/* Scatterlist access. Entries are walked with sg_next semantics. */
struct altdma_plat_sg *altdma_plat_sg_next(struct altdma_plat_sg *sg);
altdma_phys_t altdma_plat_sg_phys(const struct altdma_plat_sg *sg);
altdma_u32 altdma_plat_sg_length(const struct altdma_plat_sg *sg);
altdma_dma_t altdma_plat_sg_dma_address(const struct altdma_plat_sg *sg);
altdma_u32 altdma_plat_sg_dma_length(const struct altdma_plat_sg *sg);
void altdma_plat_sg_set_dma(struct altdma_plat_sg *sg, altdma_dma_t addr,
			    altdma_u32 length);

#ifdef __cplusplus
}
#endif

#endif /* ALTDMA_PLATFORM_H */
