// SPDX-License-Identifier: GPL-2.0
/*
 * The CRTC: turns atomic state into mkms_hw pipe programming and drives
 * the vblank core from the virtual hardware's vblank interrupt.
 *
 * Page-flip events are never left waiting on hardware that is gone: when a
 * vblank reference cannot be taken (the pipe is off, or the device was
 * unplugged and mkms_hw_vblank_irq_enable() fails), the event is sent at
 * once, and drm_crtc_vblank_off() sends whatever is still queued.
 */

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_vblank.h>

#include "mkms_drv.h"

/**
 * mkms_crtc_handle_vblank - the virtual hardware's vblank interrupt
 * @mkms: the device
 * @pipe: the pipe whose vertical blanking just started
 *
 * Called by the vblank timer, inside drm_dev_enter(), in hardirq context.
 */
void mkms_crtc_handle_vblank(struct mkms_device *mkms, unsigned int pipe)
{
	drm_crtc_handle_vblank(&mkms->outputs[pipe].crtc);
}

static int mkms_crtc_enable_vblank(struct drm_crtc *crtc)
{
	return mkms_hw_vblank_irq_enable(to_mkms_device(crtc->dev),
					 drm_crtc_index(crtc));
}

static void mkms_crtc_disable_vblank(struct drm_crtc *crtc)
{
	mkms_hw_vblank_irq_disable(to_mkms_device(crtc->dev),
				   drm_crtc_index(crtc));
}

static bool mkms_crtc_get_vblank_timestamp(struct drm_crtc *crtc,
					   int *max_error, ktime_t *vblank_time,
					   bool in_vblank_irq)
{
	return mkms_hw_vblank_timestamp(to_mkms_device(crtc->dev),
					drm_crtc_index(crtc), vblank_time);
}

static const struct drm_crtc_funcs mkms_crtc_funcs = {
	.set_config		= drm_atomic_helper_set_config,
	.page_flip		= drm_atomic_helper_page_flip,
	.reset			= drm_atomic_helper_crtc_reset,
	.atomic_duplicate_state	= drm_atomic_helper_crtc_duplicate_state,
	.atomic_destroy_state	= drm_atomic_helper_crtc_destroy_state,
	.enable_vblank		= mkms_crtc_enable_vblank,
	.disable_vblank		= mkms_crtc_disable_vblank,
	.get_vblank_timestamp	= mkms_crtc_get_vblank_timestamp,
};

static void mkms_crtc_atomic_enable(struct drm_crtc *crtc,
				    struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state =
		drm_atomic_get_new_crtc_state(state, crtc);

	mkms_hw_pipe_enable(to_mkms_device(crtc->dev), drm_crtc_index(crtc),
			    &crtc_state->adjusted_mode);
	drm_crtc_vblank_on(crtc);
}

static void mkms_crtc_atomic_disable(struct drm_crtc *crtc,
				     struct drm_atomic_state *state)
{
	drm_crtc_vblank_off(crtc);
	mkms_hw_pipe_disable(to_mkms_device(crtc->dev), drm_crtc_index(crtc));
}

static void mkms_crtc_atomic_flush(struct drm_crtc *crtc,
				   struct drm_atomic_state *state)
{
	struct drm_pending_vblank_event *event = crtc->state->event;

	if (!event)
		return;

	crtc->state->event = NULL;
	spin_lock_irq(&crtc->dev->event_lock);
	if (drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

static const struct drm_crtc_helper_funcs mkms_crtc_helper_funcs = {
	.atomic_flush	= mkms_crtc_atomic_flush,
	.atomic_enable	= mkms_crtc_atomic_enable,
	.atomic_disable	= mkms_crtc_atomic_disable,
};

/**
 * mkms_crtc_init - initialise the CRTC of an output
 * @mkms: the device
 * @output: the output (drmm memory) embedding the CRTC
 * @primary: the CRTC's primary plane
 * @cursor: the CRTC's cursor plane
 *
 * The CRTC is drmm-managed: it is cleaned up with the drm_device.
 *
 * Returns: 0 or a negative errno.
 */
int mkms_crtc_init(struct mkms_device *mkms, struct mkms_output *output,
		   struct drm_plane *primary, struct drm_plane *cursor)
{
	int ret;

	ret = drmm_crtc_init_with_planes(&mkms->drm, &output->crtc, primary,
					 cursor, &mkms_crtc_funcs, NULL);
	if (ret)
		return ret;

	drm_crtc_helper_add(&output->crtc, &mkms_crtc_helper_funcs);
	return 0;
}

/**
 * mkms_crtc_unplug - complete what waits for a vblank that will never come
 * @mkms: the device, already unplugged
 *
 * Called by .remove right after drm_dev_unplug(). The vblank timers stop
 * once the device is unplugged, so events armed before that (a page flip
 * in flight) would otherwise only complete when drm_atomic_helper_shutdown()
 * gave up waiting for them. Turning vblank off sends them now; events armed
 * later are sent at once, as the vblank reference can no longer be taken.
 */
void mkms_crtc_unplug(struct mkms_device *mkms)
{
	unsigned int i;

	for (i = 0; i < mkms->num_outputs; i++)
		drm_crtc_vblank_off(&mkms->outputs[i].crtc);
}
