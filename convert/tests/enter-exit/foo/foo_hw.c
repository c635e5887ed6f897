// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (enter-exit): register helpers of the foo driver. They touch
 * MMIO without drm_dev_enter(), so whoever calls them after unplug writes
 * to an unmapped device.
 */

#include <linux/io.h>

#include "foo_drv.h"

void foo_hw_write(struct foo_device *foo, u32 reg, u32 val)
{
	writel(val, foo->mmio + reg);
}

u32 foo_hw_read(struct foo_device *foo, u32 reg)
{
	return readl(foo->mmio + reg);
}
