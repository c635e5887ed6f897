// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (enter-exit): an atomic hook writing MMIO directly, an interrupt
 * handler and a work item reaching it through the helpers in foo_hw.c,
 * none of them inside drm_dev_enter()/drm_dev_exit().
 */

#include <linux/interrupt.h>
#include <linux/workqueue.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_crtc.h>
#include <drm/drm_vblank.h>

#include "foo_drv.h"

static void foo_crtc_atomic_enable(struct drm_crtc *crtc,
				   struct drm_atomic_state *state)
{
	struct foo_device *foo = to_foo_device(crtc->dev);

	writel(FOO_CTRL_ENABLE, foo->mmio + FOO_CTRL);
	drm_crtc_vblank_on(crtc);
}

static void foo_crtc_atomic_disable(struct drm_crtc *crtc,
				    struct drm_atomic_state *state)
{
	struct foo_device *foo = to_foo_device(crtc->dev);
	int idx;

	drm_crtc_vblank_off(crtc);
	if (!drm_dev_enter(crtc->dev, &idx))
		return;
	writel(0, foo->mmio + FOO_CTRL);
	drm_dev_exit(idx);
}

static const struct drm_crtc_helper_funcs foo_crtc_helper_funcs = {
	.atomic_enable = foo_crtc_atomic_enable,
	.atomic_disable = foo_crtc_atomic_disable,
};

static irqreturn_t foo_irq_handler(int irq, void *arg)
{
	struct foo_device *foo = arg;
	u32 status = foo_hw_read(foo, FOO_IRQ_STATUS);

	if (!status)
		return IRQ_NONE;
	foo_hw_write(foo, FOO_IRQ_STATUS, status);
	drm_crtc_handle_vblank(&foo->crtc);
	return IRQ_HANDLED;
}

static void foo_underrun_work(struct work_struct *work)
{
	struct foo_device *foo = container_of(work, struct foo_device,
					      underrun_work);

	foo_hw_write(foo, FOO_FIFO_RESET, 1);
}

int foo_crtc_init(struct foo_device *foo)
{
	INIT_WORK(&foo->underrun_work, foo_underrun_work);
	drm_crtc_helper_add(&foo->crtc, &foo_crtc_helper_funcs);
	return devm_request_irq(foo->dev, foo->irq, foo_irq_handler, 0,
				"foo", foo);
}
