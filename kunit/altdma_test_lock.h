/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altdma_attach() and altdma_detach() need device_lock(dev), which the
 * driver core holds in probe() and remove(); the test modules attach to
 * devices without a driver and take it themselves.
 */
#ifndef _ALTDMA_TEST_LOCK_H
#define _ALTDMA_TEST_LOCK_H

#include <linux/device.h>

#include "../shim/altdma.h"

static inline int altdma_test_attach_locked(struct device *dev,
					    const struct altdma_config *config)
{
	int ret;

	if (!dev)
		return altdma_attach(NULL, config);
	device_lock(dev);
	ret = altdma_attach(dev, config);
	device_unlock(dev);
	return ret;
}

static inline int altdma_test_detach_locked(struct device *dev)
{
	int ret;

	device_lock(dev);
	ret = altdma_detach(dev);
	device_unlock(dev);
	return ret;
}

#endif /* _ALTDMA_TEST_LOCK_H */
