// SPDX-License-Identifier: GPL-2.0
/*
 * altdma's trace events: defined here (CREATE_TRACE_POINTS), raised by the
 * ops in altdma_ops.c and, through the platform ABI below, by the core.
 */
#include <linux/device.h>

#include "altdma_internal.h"

#define CREATE_TRACE_POINTS
#include "altdma_trace.h"

void altdma_plat_trace_bounce(struct altdma_plat_device *plat,
			      altdma_phys_t orig, altdma_phys_t slot,
			      altdma_u64 size, int to_device)
{
	if (trace_altdma_bounce_enabled())
		trace_altdma_bounce(altdma_from_plat(plat)->dev, orig, slot,
				    size, to_device);
}

void altdma_plat_trace_fault(struct altdma_plat_device *plat,
			     const char *op_class, altdma_u64 size,
			     enum altdma_dir dir, altdma_u64 op_index)
{
	trace_altdma_fault_injected(altdma_from_plat(plat)->dev, op_class,
				    size, (enum dma_data_direction)dir,
				    op_index);
}

void altdma_plat_trace_check(struct altdma_plat_device *plat,
			     const char *check, const char *op,
			     altdma_dma_t dma, altdma_u64 size)
{
	trace_altdma_check_error(altdma_from_plat(plat)->dev, check, op, dma,
				 size);
}
