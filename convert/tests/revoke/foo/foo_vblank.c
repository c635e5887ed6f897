// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (revoke): a vblank hrtimer and a delayed work item in devm
 * memory that nothing cancels, and a drmm action given devm memory.
 */

#include <linux/hrtimer.h>
#include <linux/workqueue.h>

#include <drm/drm_managed.h>

#include "foo_drv.h"

static void foo_vblank_fini(struct drm_device *drm, void *data)
{
	struct foo_vblank *vbl = data;

	vbl->enabled = false;
}

int foo_vblank_init(struct foo_device *foo)
{
	struct foo_vblank *vbl;

	vbl = devm_kzalloc(foo->dev, sizeof(*vbl), GFP_KERNEL);
	if (!vbl)
		return -ENOMEM;

	hrtimer_init(&vbl->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	vbl->timer.function = foo_vblank_timer;
	INIT_DELAYED_WORK(&vbl->stats_work, foo_vblank_stats_work);
	foo->vblank = vbl;

	return drmm_add_action_or_reset(&foo->drm, foo_vblank_fini, vbl);
}
