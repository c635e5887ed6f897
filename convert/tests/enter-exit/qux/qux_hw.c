// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (enter-exit), clean: every hardware helper opens with
 * drm_dev_enter() (the mkms shape), so hooks and handlers that call them
 * are safe after unplug. Must not be flagged.
 */

#include <linux/interrupt.h>
#include <linux/io.h>

#include <drm/drm_crtc.h>
#include <drm/drm_drv.h>

#include "qux_drv.h"

static void qux_hw_set_enable(struct qux_device *qux, bool on)
{
	int idx;

	if (!drm_dev_enter(&qux->drm, &idx))
		return;
	writel(on ? QUX_CTRL_ENABLE : 0, qux->mmio + QUX_CTRL);
	drm_dev_exit(idx);
}

static void qux_crtc_atomic_enable(struct drm_crtc *crtc,
				   struct drm_atomic_state *state)
{
	qux_hw_set_enable(to_qux_device(crtc->dev), true);
}

static void qux_crtc_atomic_disable(struct drm_crtc *crtc,
				    struct drm_atomic_state *state)
{
	qux_hw_set_enable(to_qux_device(crtc->dev), false);
}

static const struct drm_crtc_helper_funcs qux_crtc_helper_funcs = {
	.atomic_enable = qux_crtc_atomic_enable,
	.atomic_disable = qux_crtc_atomic_disable,
};

static irqreturn_t qux_irq_handler(int irq, void *arg)
{
	struct qux_device *qux = arg;
	irqreturn_t ret = IRQ_NONE;
	u32 status;
	int idx;

	if (!drm_dev_enter(&qux->drm, &idx))
		return IRQ_NONE;
	status = readl(qux->mmio + QUX_IRQ_STATUS);
	if (status) {
		writel(status, qux->mmio + QUX_IRQ_STATUS);
		drm_crtc_handle_vblank(&qux->crtc);
		ret = IRQ_HANDLED;
	}
	drm_dev_exit(idx);
	return ret;
}
