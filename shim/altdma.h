/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altdma: per-device DMA mapping layer - the API for drivers and tests.
 *
 * altdma_attach() replaces one device's dma_map_ops with altdma's, which
 * implement the configured policy; altdma_detach() restores the previous
 * ops. Attach before the driver calls dma_set_mask*(), and detach only when
 * the device has no DMA in flight and no mapping outstanding.
 */
#ifndef _ALTDMA_H
#define _ALTDMA_H

#include <linux/types.h>

struct device;

enum altdma_policy {
	ALTDMA_DIRECT = 0,	/* dma-direct equivalent */
};

/**
 * struct altdma_config - how altdma maps for one device
 * @policy: the mapping policy, an &enum altdma_policy value
 */
struct altdma_config {
	u32 policy;
};

int altdma_attach(struct device *dev, const struct altdma_config *config);
int altdma_detach(struct device *dev);
bool altdma_is_attached(struct device *dev);

#endif /* _ALTDMA_H */
