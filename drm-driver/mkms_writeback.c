// SPDX-License-Identifier: GPL-2.0
/*
 * Writeback: one writeback connector per display pipe, through which
 * userspace gets a copy of what the CRTC composes (WRITEBACK_FB_ID), and a
 * fence that signals when the copy is complete (WRITEBACK_OUT_FENCE_PTR).
 *
 * A job's fence always signals: with status 0 once the composer wrote the
 * frame, with an error if a later commit replaced the job before any
 * vblank, if the CRTC was switched off first, or if the device is
 * unplugged (-ENODEV). After unplug no composer runs, so
 * mkms_writeback_unplug() completes whatever the pipes still owed.
 *
 * Lifetimes. A job outlives the commit that queued it: the DRM core
 * cleans it up from system_long_wq after it completes, calling
 * mkms_wb_cleanup_job() and then touching the connector and dropping the
 * framebuffer, all of which need the drm_device, and the first of which
 * needs this module. So every prepared job pins both, and drops them from
 * mkms_release_wq, which mkms_exit() drains.
 */

#include <linux/iosys-map.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_writeback.h>

#include "mkms_drv.h"

static const u32 mkms_wb_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
	DRM_FORMAT_RGB565,
};

/**
 * struct mkms_wb_job - what mkms keeps with a writeback job
 * @map: the framebuffer's kernel mapping
 * @data: the mapping of each of its planes, offsets applied
 * @drm: the device, pinned until @put_work has run
 * @put_work: drops the pins, on mkms_release_wq
 */
struct mkms_wb_job {
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
	struct iosys_map data[DRM_FORMAT_MAX_PLANES];
	struct drm_device *drm;
	struct work_struct put_work;
};

static inline struct mkms_output *to_wb_output(struct drm_writeback_connector *wb)
{
	return container_of(wb, struct mkms_output, wb);
}

/* The destination is exactly as large as the mode. */
static int mkms_wb_atomic_check(struct drm_connector *connector,
				struct drm_atomic_state *state)
{
	struct drm_connector_state *conn_state =
		drm_atomic_get_new_connector_state(state, connector);
	struct drm_crtc_state *crtc_state;
	struct drm_framebuffer *fb;

	if (!conn_state->writeback_job || !conn_state->writeback_job->fb ||
	    !conn_state->crtc)
		return 0;

	fb = conn_state->writeback_job->fb;
	crtc_state = drm_atomic_get_new_crtc_state(state, conn_state->crtc);
	if (!crtc_state)
		return -EINVAL;
	if (fb->width != crtc_state->mode.hdisplay ||
	    fb->height != crtc_state->mode.vdisplay) {
		drm_dbg_kms(connector->dev,
			    "[CONNECTOR:%d:%s] framebuffer %ux%u, mode %ux%u\n",
			    connector->base.id, connector->name, fb->width,
			    fb->height, crtc_state->mode.hdisplay,
			    crtc_state->mode.vdisplay);
		return -EINVAL;
	}

	return drm_atomic_helper_check_wb_connector_state(connector, state);
}

static int mkms_wb_prepare_job(struct drm_writeback_connector *wb,
			       struct drm_writeback_job *job)
{
	struct drm_device *drm = wb->base.dev;
	struct mkms_wb_job *mjob;
	int ret;

	if (!job->fb)
		return 0;

	mjob = kzalloc_obj(*mjob, GFP_KERNEL);
	if (!mjob)
		return -ENOMEM;

	ret = drm_gem_fb_vmap(job->fb, mjob->map, mjob->data);
	if (ret) {
		kfree(mjob);
		return ret;
	}

	drm_dev_get(drm);
	__module_get(THIS_MODULE);
	mjob->drm = drm;
	job->priv = mjob;
	return 0;
}

static void mkms_wb_put_work(struct work_struct *work)
{
	struct mkms_wb_job *mjob = container_of(work, struct mkms_wb_job,
						put_work);

	drm_dev_put(mjob->drm);
	kfree(mjob);
	module_put(THIS_MODULE);
}

/*
 * Called by drm_writeback_cleanup_job(), right before it drops the
 * framebuffer. The framebuffer is dropped here instead, while the pinned
 * drm_device surely lives; the pins go from mkms_release_wq.
 */
static void mkms_wb_cleanup_job(struct drm_writeback_connector *wb,
				struct drm_writeback_job *job)
{
	struct mkms_wb_job *mjob = job->priv;

	if (!mjob)
		return;

	drm_gem_fb_vunmap(job->fb, mjob->map);
	drm_framebuffer_put(job->fb);
	job->fb = NULL;
	job->priv = NULL;

	INIT_WORK(&mjob->put_work, mkms_wb_put_work);
	queue_work(mkms_release_wq, &mjob->put_work);
}

/*
 * Runs from drm_atomic_helper_commit_modeset_enables(), before the planes
 * are programmed: the job is queued to the pipe here and armed by the
 * CRTC's atomic_flush once the planes are in place.
 */
static void mkms_wb_atomic_commit(struct drm_connector *connector,
				  struct drm_atomic_state *state)
{
	struct drm_connector_state *conn_state =
		drm_atomic_get_new_connector_state(state, connector);
	struct drm_writeback_connector *wb = drm_connector_to_writeback(connector);
	struct mkms_output *output = to_wb_output(wb);
	struct mkms_device *mkms = to_mkms_device(connector->dev);
	struct drm_writeback_job *job = conn_state->writeback_job;
	struct mkms_hw_wb_regs regs = {};
	struct mkms_wb_job *mjob;
	unsigned long flags;
	int idx;

	if (!job || !job->fb || !conn_state->crtc)
		return;

	mjob = job->priv;
	regs.format = job->fb->format->format;
	regs.pitch = job->fb->pitches[0];
	regs.cpp = job->fb->format->cpp[0];
	regs.width = job->fb->width;
	regs.height = job->fb->height;
	regs.vaddr = mjob->data[0].is_iomem ? NULL : mjob->data[0].vaddr;

	if (drm_dev_enter(connector->dev, &idx)) {
		drm_writeback_queue_job(wb, conn_state);
		/* Cannot fail: drm_dev_enter() holds off unplug. */
		mkms_hw_writeback_queue(mkms, drm_crtc_index(conn_state->crtc),
					&regs);
		drm_dev_exit(idx);
		return;
	}

	/*
	 * Completion pops the oldest job, which a frame that began before the
	 * unplug may still be writing: let it end first.
	 */
	mkms_hw_quiesce();
	spin_lock_irqsave(&output->wb_lock, flags);
	drm_writeback_queue_job(wb, conn_state);
	drm_writeback_signal_completion(wb, -ENODEV);
	spin_unlock_irqrestore(&output->wb_lock, flags);
}

static const struct drm_connector_helper_funcs mkms_wb_helper_funcs = {
	.get_modes		= mkms_connector_get_modes,
	.atomic_check		= mkms_wb_atomic_check,
	.prepare_writeback_job	= mkms_wb_prepare_job,
	.cleanup_writeback_job	= mkms_wb_cleanup_job,
	.atomic_commit		= mkms_wb_atomic_commit,
};

/*
 * drm_writeback_connector_init() has no drmm variant before Linux 7.x: the
 * connector and its internal encoder are destroyed by the DRM core's
 * drm_mode_config_cleanup(), which runs before the drmm memory holding
 * them is freed (see struct mkms_output).
 */
static const struct drm_connector_funcs mkms_wb_connector_funcs = {
	.fill_modes		= drm_helper_probe_single_connector_modes,
	.reset			= drm_atomic_helper_connector_reset,
	.destroy		= drm_connector_cleanup,
	.atomic_duplicate_state	= drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state	= drm_atomic_helper_connector_destroy_state,
};

static const struct drm_encoder_helper_funcs mkms_wb_encoder_helper_funcs = {
};

/**
 * mkms_writeback_init - create the writeback connector of an output
 * @mkms: the device
 * @output: the output, whose CRTC exists already
 *
 * mkms_output_link_clones() then makes its encoder a clone of the virtual
 * encoders that can drive the CRTC.
 *
 * Returns: 0 or a negative errno.
 */
int mkms_writeback_init(struct mkms_device *mkms, struct mkms_output *output)
{
	int ret;

	spin_lock_init(&output->wb_lock);
	ret = drm_writeback_connector_init(&mkms->drm, &output->wb,
					   &mkms_wb_connector_funcs,
					   &mkms_wb_encoder_helper_funcs,
					   mkms_wb_formats,
					   ARRAY_SIZE(mkms_wb_formats),
					   drm_crtc_mask(&output->crtc));
	if (ret)
		return ret;

	drm_connector_helper_add(&output->wb.base, &mkms_wb_helper_funcs);
	output->has_wb = true;
	return 0;
}

/**
 * mkms_writeback_done - complete the writeback jobs a pipe owed
 * @mkms: the device
 * @pipe: the pipe
 * @dropped: the oldest jobs, which were not written: they complete with
 *	-ECANCELED
 * @written: and then one more job, which was written: it completes with 0
 *
 * Called by the virtual hardware, inside drm_dev_enter().
 */
void mkms_writeback_done(struct mkms_device *mkms, unsigned int pipe,
			 unsigned int dropped, bool written)
{
	struct drm_writeback_connector *wb = &mkms->outputs[pipe].wb;

	while (dropped--)
		drm_writeback_signal_completion(wb, -ECANCELED);
	if (written)
		drm_writeback_signal_completion(wb, 0);
}

/**
 * mkms_writeback_unplug - complete every job left once the device is gone
 * @mkms: the device, already unplugged
 *
 * Called by .remove after drm_dev_unplug(): from then on no composer runs
 * and no job is handed to a pipe, so every job still queued would wait
 * forever. Commits that queue a job after this complete it at once.
 */
void mkms_writeback_unplug(struct mkms_device *mkms)
{
	unsigned int i;

	for (i = 0; i < mkms->num_outputs; i++) {
		struct mkms_output *output = &mkms->outputs[i];
		struct drm_writeback_connector *wb = &output->wb;
		unsigned long flags;
		bool empty;

		if (!output->has_wb)
			continue;
		spin_lock_irqsave(&output->wb_lock, flags);
		for (;;) {
			spin_lock(&wb->job_lock);
			empty = list_empty(&wb->job_queue);
			spin_unlock(&wb->job_lock);
			if (empty)
				break;
			drm_writeback_signal_completion(wb, -ENODEV);
		}
		spin_unlock_irqrestore(&output->wb_lock, flags);
	}
}
