/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altdma's trace events (TRACE_SYSTEM altdma), for tracefs, trace-cmd, perf
 * and bpftrace on a stock kernel. The fields follow the kernel's own dma:
 * events of 6.12+ (device name, u64 physical and DMA addresses, size,
 * direction, attrs), which 6.1 does not have; unlike those, these say what
 * altdma did for one attached device, including what the kernel's cannot
 * see: bounce copies and injected failures. Each is a static key while off.
 * The names carry the altdma_ prefix (altdma:altdma_map, ...) as the
 * kernel's carry dma_: the iommu system has map and unmap events, and
 * tracepoint symbols, BTF types and set_event go by the bare name.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM altdma

#if !defined(_ALTDMA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ALTDMA_TRACE_H

#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/scatterlist.h>
#include <linux/tracepoint.h>

#include "altdma_compat.h"

/* The first entries of a scatterlist a map_sg/unmap_sg event records. */
#define ALTDMA_TRACE_SG_ENTRIES 16

/* So that tools reading the format can name the directions. */
TRACE_DEFINE_ENUM(DMA_BIDIRECTIONAL);
TRACE_DEFINE_ENUM(DMA_TO_DEVICE);
TRACE_DEFINE_ENUM(DMA_FROM_DEVICE);
TRACE_DEFINE_ENUM(DMA_NONE);

#define altdma_trace_dir(dir)						\
	__print_symbolic(dir,						\
			 { DMA_BIDIRECTIONAL, "BIDIRECTIONAL" },	\
			 { DMA_TO_DEVICE, "TO_DEVICE" },		\
			 { DMA_FROM_DEVICE, "FROM_DEVICE" },		\
			 { DMA_NONE, "NONE" })

#define ALTDMA_TRACE_ATTR_NAMES						\
	{ DMA_ATTR_WEAK_ORDERING, "WEAK_ORDERING" },			\
	{ DMA_ATTR_WRITE_COMBINE, "WRITE_COMBINE" },			\
	{ DMA_ATTR_NO_KERNEL_MAPPING, "NO_KERNEL_MAPPING" },		\
	{ DMA_ATTR_SKIP_CPU_SYNC, "SKIP_CPU_SYNC" },			\
	{ DMA_ATTR_FORCE_CONTIGUOUS, "FORCE_CONTIGUOUS" },		\
	{ DMA_ATTR_ALLOC_SINGLE_PAGES, "ALLOC_SINGLE_PAGES" },		\
	{ DMA_ATTR_NO_WARN, "NO_WARN" },				\
	{ DMA_ATTR_PRIVILEGED, "PRIVILEGED" }

/* DMA_ATTR_MMIO came with ->map_phys. */
#if ALTDMA_OPS_MAP_PHYS
#define altdma_trace_attrs(attrs)					\
	__print_flags(attrs, "|", ALTDMA_TRACE_ATTR_NAMES,		\
		      { DMA_ATTR_MMIO, "MMIO" })
#else
#define altdma_trace_attrs(attrs)					\
	__print_flags(attrs, "|", ALTDMA_TRACE_ATTR_NAMES)
#endif

/* Read once per TRACE_HEADER_MULTI_READ pass: defined once. */
#ifndef _ALTDMA_TRACE_HELPERS
#define _ALTDMA_TRACE_HELPERS
static inline int altdma_trace_sg_count(int nents)
{
	return clamp(nents, 0, ALTDMA_TRACE_SG_ENTRIES);
}
#endif

TRACE_EVENT(altdma_map,
	TP_PROTO(struct device *dev, phys_addr_t phys_addr, dma_addr_t dma_addr,
		 size_t size, enum dma_data_direction dir, unsigned long attrs),
	TP_ARGS(dev, phys_addr, dma_addr, size, dir, attrs),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__field(u64, phys_addr)
		__field(u64, dma_addr)
		__field(size_t, size)
		__field(enum dma_data_direction, dir)
		__field(unsigned long, attrs)
	),

	TP_fast_assign(
		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		__entry->phys_addr = phys_addr;
		__entry->dma_addr = dma_addr;
		__entry->size = size;
		__entry->dir = dir;
		__entry->attrs = attrs;
	),

	TP_printk("%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s%s",
		  __get_str(device), altdma_trace_dir(__entry->dir),
		  __entry->dma_addr, __entry->size, __entry->phys_addr,
		  altdma_trace_attrs(__entry->attrs),
		  __entry->dma_addr == ~0ULL ? " failed" : "")
);

TRACE_EVENT(altdma_unmap,
	TP_PROTO(struct device *dev, dma_addr_t dma_addr, size_t size,
		 enum dma_data_direction dir, unsigned long attrs),
	TP_ARGS(dev, dma_addr, size, dir, attrs),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__field(u64, dma_addr)
		__field(size_t, size)
		__field(enum dma_data_direction, dir)
		__field(unsigned long, attrs)
	),

	TP_fast_assign(
		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		__entry->dma_addr = dma_addr;
		__entry->size = size;
		__entry->dir = dir;
		__entry->attrs = attrs;
	),

	TP_printk("%s dir=%s dma_addr=%llx size=%zu attrs=%s",
		  __get_str(device), altdma_trace_dir(__entry->dir),
		  __entry->dma_addr, __entry->size,
		  altdma_trace_attrs(__entry->attrs))
);

/*
 * @ents is map_sg's result: the entries mapped, or a negative errno. The
 * arrays hold the first ALTDMA_TRACE_SG_ENTRIES entries (DMA addresses 0
 * where the map failed); @nents says how many there were.
 */
TRACE_EVENT(altdma_map_sg,
	TP_PROTO(struct device *dev, struct scatterlist *sgl, int nents,
		 int ents, enum dma_data_direction dir, unsigned long attrs),
	TP_ARGS(dev, sgl, nents, ents, dir, attrs),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__field(int, nents)
		__field(int, ents)
		__dynamic_array(u64, phys_addrs, altdma_trace_sg_count(nents))
		__dynamic_array(u64, dma_addrs, altdma_trace_sg_count(nents))
		__dynamic_array(unsigned int, lengths, altdma_trace_sg_count(nents))
		__field(enum dma_data_direction, dir)
		__field(unsigned long, attrs)
	),

	TP_fast_assign(
		u64 *phys_addrs = __get_dynamic_array(phys_addrs);
		u64 *dma_addrs = __get_dynamic_array(dma_addrs);
		unsigned int *lengths = __get_dynamic_array(lengths);
		struct scatterlist *sg = sgl;
		int i;

		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		for (i = 0; i < altdma_trace_sg_count(nents) && sg;
		     i++, sg = sg_next(sg)) {
			phys_addrs[i] = sg_phys(sg);
			dma_addrs[i] = ents > 0 ? sg_dma_address(sg) : 0;
			lengths[i] = sg->length;
		}
		for (; i < altdma_trace_sg_count(nents); i++) {
			phys_addrs[i] = 0;
			dma_addrs[i] = 0;
			lengths[i] = 0;
		}
		__entry->nents = nents;
		__entry->ents = ents;
		__entry->dir = dir;
		__entry->attrs = attrs;
	),

	TP_printk("%s dir=%s nents=%d ents=%d dma_addrs=%s lengths=%s phys_addrs=%s attrs=%s",
		  __get_str(device), altdma_trace_dir(__entry->dir),
		  __entry->nents, __entry->ents,
		  __print_array(__get_dynamic_array(dma_addrs),
				__get_dynamic_array_len(dma_addrs) / sizeof(u64),
				sizeof(u64)),
		  __print_array(__get_dynamic_array(lengths),
				__get_dynamic_array_len(lengths) /
					sizeof(unsigned int),
				sizeof(unsigned int)),
		  __print_array(__get_dynamic_array(phys_addrs),
				__get_dynamic_array_len(phys_addrs) / sizeof(u64),
				sizeof(u64)),
		  altdma_trace_attrs(__entry->attrs))
);

TRACE_EVENT(altdma_unmap_sg,
	TP_PROTO(struct device *dev, struct scatterlist *sgl, int nents,
		 enum dma_data_direction dir, unsigned long attrs),
	TP_ARGS(dev, sgl, nents, dir, attrs),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__field(int, nents)
		__dynamic_array(u64, dma_addrs, altdma_trace_sg_count(nents))
		__field(enum dma_data_direction, dir)
		__field(unsigned long, attrs)
	),

	TP_fast_assign(
		u64 *dma_addrs = __get_dynamic_array(dma_addrs);
		struct scatterlist *sg = sgl;
		int i;

		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		for (i = 0; i < altdma_trace_sg_count(nents) && sg;
		     i++, sg = sg_next(sg))
			dma_addrs[i] = sg_dma_address(sg);
		for (; i < altdma_trace_sg_count(nents); i++)
			dma_addrs[i] = 0;
		__entry->nents = nents;
		__entry->dir = dir;
		__entry->attrs = attrs;
	),

	TP_printk("%s dir=%s nents=%d dma_addrs=%s attrs=%s",
		  __get_str(device), altdma_trace_dir(__entry->dir),
		  __entry->nents,
		  __print_array(__get_dynamic_array(dma_addrs),
				__get_dynamic_array_len(dma_addrs) / sizeof(u64),
				sizeof(u64)),
		  altdma_trace_attrs(__entry->attrs))
);

/* One event per range synchronised: a sync_sg_* raises one per entry. */
TRACE_EVENT(altdma_sync,
	TP_PROTO(struct device *dev, dma_addr_t dma_addr, size_t size,
		 enum dma_data_direction dir, bool for_device),
	TP_ARGS(dev, dma_addr, size, dir, for_device),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__field(u64, dma_addr)
		__field(size_t, size)
		__field(enum dma_data_direction, dir)
		__field(bool, for_device)
	),

	TP_fast_assign(
		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		__entry->dma_addr = dma_addr;
		__entry->size = size;
		__entry->dir = dir;
		__entry->for_device = for_device;
	),

	TP_printk("%s for_%s dir=%s dma_addr=%llx size=%zu",
		  __get_str(device), __entry->for_device ? "device" : "cpu",
		  altdma_trace_dir(__entry->dir), __entry->dma_addr,
		  __entry->size)
);

/*
 * A coherent allocation (@dir NONE) or dma_alloc_pages() (@dir its
 * direction); @virt_addr NULL and @dma_addr 0 when it failed.
 */
TRACE_EVENT(altdma_alloc,
	TP_PROTO(struct device *dev, void *virt_addr, dma_addr_t dma_addr,
		 size_t size, enum dma_data_direction dir, gfp_t flags,
		 unsigned long attrs),
	TP_ARGS(dev, virt_addr, dma_addr, size, dir, flags, attrs),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__field(void *, virt_addr)
		__field(u64, dma_addr)
		__field(size_t, size)
		__field(enum dma_data_direction, dir)
		__field(unsigned int, flags)
		__field(unsigned long, attrs)
	),

	TP_fast_assign(
		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		__entry->virt_addr = virt_addr;
		__entry->dma_addr = virt_addr ? dma_addr : 0;
		__entry->size = size;
		__entry->dir = dir;
		__entry->flags = (__force unsigned int)flags;
		__entry->attrs = attrs;
	),

	TP_printk("%s dir=%s dma_addr=%llx size=%zu virt_addr=%p flags=%#x attrs=%s%s",
		  __get_str(device), altdma_trace_dir(__entry->dir),
		  __entry->dma_addr, __entry->size, __entry->virt_addr,
		  __entry->flags, altdma_trace_attrs(__entry->attrs),
		  __entry->virt_addr ? "" : " failed")
);

TRACE_EVENT(altdma_free,
	TP_PROTO(struct device *dev, void *virt_addr, dma_addr_t dma_addr,
		 size_t size, enum dma_data_direction dir, unsigned long attrs),
	TP_ARGS(dev, virt_addr, dma_addr, size, dir, attrs),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__field(void *, virt_addr)
		__field(u64, dma_addr)
		__field(size_t, size)
		__field(enum dma_data_direction, dir)
		__field(unsigned long, attrs)
	),

	TP_fast_assign(
		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		__entry->virt_addr = virt_addr;
		__entry->dma_addr = dma_addr;
		__entry->size = size;
		__entry->dir = dir;
		__entry->attrs = attrs;
	),

	TP_printk("%s dir=%s dma_addr=%llx size=%zu virt_addr=%p attrs=%s",
		  __get_str(device), altdma_trace_dir(__entry->dir),
		  __entry->dma_addr, __entry->size, __entry->virt_addr,
		  altdma_trace_attrs(__entry->attrs))
);

/* A bounce copy: into the slot (to_device) or back to the original. */
TRACE_EVENT(altdma_bounce,
	TP_PROTO(struct device *dev, u64 orig_addr, u64 slot_addr, u64 size,
		 bool to_device),
	TP_ARGS(dev, orig_addr, slot_addr, size, to_device),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__field(u64, orig_addr)
		__field(u64, slot_addr)
		__field(u64, size)
		__field(bool, to_device)
	),

	TP_fast_assign(
		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		__entry->orig_addr = orig_addr;
		__entry->slot_addr = slot_addr;
		__entry->size = size;
		__entry->to_device = to_device;
	),

	TP_printk("%s %s orig_addr=%llx slot_addr=%llx size=%llu",
		  __get_str(device),
		  __entry->to_device ? "to_device" : "to_cpu",
		  __entry->orig_addr, __entry->slot_addr, __entry->size)
);

/* @op_index: the operation's number among its class's eligible ones. */
TRACE_EVENT(altdma_fault_injected,
	TP_PROTO(struct device *dev, const char *op_class, u64 size,
		 enum dma_data_direction dir, u64 op_index),
	TP_ARGS(dev, op_class, size, dir, op_index),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__string(op_class, op_class)
		__field(u64, size)
		__field(enum dma_data_direction, dir)
		__field(u64, op_index)
	),

	TP_fast_assign(
		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		ALTDMA_TRACE_ASSIGN_STR(op_class, op_class);
		__entry->size = size;
		__entry->dir = dir;
		__entry->op_index = op_index;
	),

	TP_printk("%s class=%s dir=%s size=%llu op_index=%llu",
		  __get_str(device), __get_str(op_class),
		  altdma_trace_dir(__entry->dir), __entry->size,
		  __entry->op_index)
);

/*
 * A DMA-API misuse found by the checker layer: @check names the check,
 * @op the operation that broke it, @dma_addr and @size its arguments.
 */
TRACE_EVENT(altdma_check_error,
	TP_PROTO(struct device *dev, const char *check, const char *op,
		 u64 dma_addr, u64 size),
	TP_ARGS(dev, check, op, dma_addr, size),

	TP_STRUCT__entry(
		__string(device, dev_name(dev))
		__string(check, check)
		__string(op, op)
		__field(u64, dma_addr)
		__field(u64, size)
	),

	TP_fast_assign(
		ALTDMA_TRACE_ASSIGN_STR(device, dev_name(dev));
		ALTDMA_TRACE_ASSIGN_STR(check, check);
		ALTDMA_TRACE_ASSIGN_STR(op, op);
		__entry->dma_addr = dma_addr;
		__entry->size = size;
	),

	TP_printk("%s check=%s op=%s dma_addr=%llx size=%llu",
		  __get_str(device), __get_str(check), __get_str(op),
		  __entry->dma_addr, __entry->size)
);

#endif /* _ALTDMA_TRACE_H */

/* Relative to define_trace.h; found through -I$(src)/shim (see Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE altdma_trace
#include <trace/define_trace.h>
