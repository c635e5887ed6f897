// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (revoke), clean: revoke, then free. A devm action registered
 * right after the allocation cancels the timer and the work before devm
 * frees their memory; the frame work runs on a workqueue that is
 * destroyed. Must not be flagged.
 */

#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/workqueue.h>

#include "qux_drv.h"

static void qux_vblank_release(void *data)
{
	struct qux_vblank *vbl = data;

	hrtimer_cancel(&vbl->timer);
	cancel_delayed_work_sync(&vbl->stats_work);
	destroy_workqueue(vbl->wq);
}

int qux_vblank_init(struct qux_device *qux)
{
	struct qux_vblank *vbl;

	vbl = devm_kzalloc(qux->dev, sizeof(*vbl), GFP_KERNEL);
	if (!vbl)
		return -ENOMEM;

	vbl->wq = alloc_ordered_workqueue("qux-frame", 0);
	if (!vbl->wq)
		return -ENOMEM;
	hrtimer_init(&vbl->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	vbl->timer.function = qux_vblank_timer;
	INIT_DELAYED_WORK(&vbl->stats_work, qux_vblank_stats_work);
	INIT_WORK(&vbl->frame_work, qux_vblank_frame_work);
	qux->vblank = vbl;

	return devm_add_action_or_reset(qux->dev, qux_vblank_release, vbl);
}

void qux_vblank_kick(struct qux_vblank *vbl)
{
	queue_work(vbl->wq, &vbl->frame_work);
}
