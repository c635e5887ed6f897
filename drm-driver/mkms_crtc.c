// SPDX-License-Identifier: GPL-2.0
/*
 * The CRTC: turns atomic state into mkms_hw pipe programming and drives
 * the vblank core from the virtual hardware's vblank interrupt.
 *
 * Page-flip events are never left waiting on hardware that is gone: when a
 * vblank reference cannot be taken (the pipe is off, or the device was
 * unplugged and mkms_hw_vblank_irq_enable() fails), the event is sent at
 * once, and drm_crtc_vblank_off() sends whatever is still queued.
 *
 * CRC capture (source "auto": the composed frame) follows the DRM core's
 * debugfs crc/ files, which outlive the device in two ways this file
 * handles: an open crc/data makes the core call back into the driver and
 * touch the CRTC on close, however late; and a read blocked in crc/data
 * holds off the removal of debugfs, which unplug waits for.
 */

#include <linux/module.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_debugfs_crc.h>
#include <drm/drm_drv.h>
#include <drm/drm_modes.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "mkms_drv.h"

/**
 * mkms_crtc_handle_vblank - the virtual hardware's vblank interrupt
 * @mkms: the device
 * @pipe: the pipe whose vertical blanking just started
 *
 * Called by the vblank timer, inside drm_dev_enter(), in hardirq context.
 *
 * Returns: the number of the frame that starts.
 */
u32 mkms_crtc_handle_vblank(struct mkms_device *mkms, unsigned int pipe)
{
	struct drm_crtc *crtc = &mkms->outputs[pipe].crtc;

	drm_crtc_handle_vblank(crtc);
	return drm_crtc_vblank_count(crtc);
}

/* ---- CRC capture -------------------------------------------------------- */

/*
 * No .get_crc_sources: crc/control would compare each source with
 * crtc->crc.source, which mkms_crtc_early_unregister() clears.
 */
static const char * const mkms_crc_sources[] = { "auto" };

/**
 * mkms_crtc_add_crc - deliver the CRC of a composed frame
 * @mkms: the device
 * @pipe: the pipe
 * @first_frame: the first frame the composition stands for
 * @last_frame: the last one: when the composer lags behind, every frame
 *	in between gets the same CRC, so that userspace sees no gap
 * @crc: the CRC
 *
 * Called by the vblank timer (hardirq) or the composer, inside
 * drm_dev_enter() and under the pipe's lock, which keeps the frames in
 * order.
 */
void mkms_crtc_add_crc(struct mkms_device *mkms, unsigned int pipe,
		       u32 first_frame, u32 last_frame, u32 crc)
{
	struct mkms_output *output = &mkms->outputs[pipe];
	unsigned long flags;
	u32 frame;

	spin_lock_irqsave(&output->crc.lock, flags);
	output->crc.last = crc;
	output->crc.last_frame = last_frame;
	spin_unlock_irqrestore(&output->crc.lock, flags);

	for (frame = first_frame; frame != last_frame + 1; frame++)
		drm_crtc_add_crc_entry(&output->crtc, true, frame, &crc);
}

static int mkms_crtc_verify_crc_source(struct drm_crtc *crtc,
				       const char *source, size_t *values_cnt)
{
	if (source && strcmp(source, mkms_crc_sources[0])) {
		drm_dbg_kms(crtc->dev, "unknown CRC source %s\n", source);
		return -EINVAL;
	}

	*values_cnt = 1;
	return 0;
}

/*
 * Drop what CRC capture pinned, once crtc_crc_release() in the DRM core,
 * which calls mkms_crtc_set_crc_source(crtc, NULL), is done with the CRTC:
 * it frees the capture's entries (under the crc lock) as its last access.
 * Dropping the device here may free the CRTC and this work item; the
 * module stays until mkms_exit() has drained mkms_release_wq.
 */
static void mkms_crtc_crc_release_work(struct work_struct *work)
{
	struct mkms_output *output = container_of(to_delayed_work(work),
						  struct mkms_output,
						  crc.release_work);
	struct drm_crtc_crc *crc = &output->crtc.crc;
	struct drm_device *drm = output->crtc.dev;
	int pins;
	bool busy;

	spin_lock_irq(&crc->lock);
	busy = crc->entries;
	spin_unlock_irq(&crc->lock);
	if (busy) {
		/* Still closing, or opened again: look again later. */
		queue_delayed_work(mkms_release_wq, &output->crc.release_work, 1);
		return;
	}

	pins = atomic_xchg(&output->crc.pins, 0);
	while (pins--) {
		drm_dev_put(drm);
		module_put(THIS_MODULE);
	}
}

/*
 * Capture on: a CRC for every frame (the vblank reference keeps the vblank
 * interrupt coming) and pin the device and the module until capture is
 * off again and the core has let go of the CRTC; see
 * mkms_crtc_crc_release_work(). Capture off may come after unbind, and
 * only touches drmm memory and the vblank core, plus the hardware through
 * its guarded helper.
 */
static int mkms_crtc_set_crc_source(struct drm_crtc *crtc, const char *source)
{
	struct mkms_output *output = to_mkms_output(crtc);
	struct mkms_device *mkms = to_mkms_device(crtc->dev);
	bool enable = !!source, vblank_ref;
	size_t values_cnt;
	int ret;

	ret = mkms_crtc_verify_crc_source(crtc, source, &values_cnt);
	if (ret)
		return ret;

	spin_lock_irq(&output->crc.lock);
	if (output->crc.enabled == enable) {
		spin_unlock_irq(&output->crc.lock);
		return 0;
	}
	output->crc.enabled = enable;
	vblank_ref = output->crc.vblank_ref;
	output->crc.vblank_ref = false;
	spin_unlock_irq(&output->crc.lock);

	if (enable) {
		drm_dev_get(crtc->dev);
		__module_get(THIS_MODULE);
		atomic_inc(&output->crc.pins);
		vblank_ref = drm_crtc_vblank_get(crtc) == 0;
		spin_lock_irq(&output->crc.lock);
		output->crc.vblank_ref = vblank_ref;
		spin_unlock_irq(&output->crc.lock);
		mkms_hw_pipe_set_crc(mkms, drm_crtc_index(crtc), true);
	} else {
		mkms_hw_pipe_set_crc(mkms, drm_crtc_index(crtc), false);
		if (vblank_ref)
			drm_crtc_vblank_put(crtc);
		queue_delayed_work(mkms_release_wq, &output->crc.release_work, 0);
	}
	return 0;
}

/*
 * Called by drm_dev_unregister(), so also at unplug, right before the
 * CRTC's debugfs files are removed. That removal waits for every read in
 * progress, and a read of crc/data blocks until a CRC comes, which after
 * unplug none would. So the source is cleared, which makes new reads
 * return at once, and a reader already waiting gets the last CRC again.
 */
static void mkms_crtc_early_unregister(struct drm_crtc *crtc)
{
	struct mkms_output *output = to_mkms_output(crtc);
	struct drm_crtc_crc *crc = &crtc->crc;
	u32 last, last_frame;
	const char *source;

	spin_lock_irq(&crc->lock);
	source = crc->source;
	crc->source = NULL;
	spin_unlock_irq(&crc->lock);
	kfree(source);

	spin_lock_irq(&output->crc.lock);
	last = output->crc.last;
	last_frame = output->crc.last_frame;
	spin_unlock_irq(&output->crc.lock);
	drm_crtc_add_crc_entry(crtc, true, last_frame + 1, &last);
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
	.set_crc_source		= mkms_crtc_set_crc_source,
	.verify_crc_source	= mkms_crtc_verify_crc_source,
	.early_unregister	= mkms_crtc_early_unregister,
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

/*
 * The timing generator's limits: a pixel clock up to MKMS_MAX_DOTCLOCK
 * (8192 by 8192 at about 110 Hz), totals up to MKMS_MAX_TOTAL, progressive
 * scan only, and MKMS_MIN_REFRESH to MKMS_MAX_REFRESH frames a second, so
 * that the vblank timer neither races nor leaves clients waiting for
 * minutes. The refresh rate is compared in 64 bits: with a clock near
 * INT_MAX, or totals near 65535, it overflows an int.
 */
static enum drm_mode_status
mkms_crtc_mode_valid(struct drm_crtc *crtc, const struct drm_display_mode *mode)
{
	u64 rate = (u64)mode->clock * 1000;
	u64 pixels = (u64)mode->htotal * mode->vtotal;
	enum drm_mode_status status;

	/*
	 * The probe helpers hold a connector's modes to the mode config's
	 * size; a mode from userspace only meets this check.
	 */
	status = drm_mode_validate_size(mode, MKMS_MAX_SIZE, MKMS_MAX_SIZE);
	if (status != MODE_OK)
		return status;
	if (mode->flags & DRM_MODE_FLAG_INTERLACE)
		return MODE_NO_INTERLACE;
	if (mode->flags & DRM_MODE_FLAG_DBLSCAN)
		return MODE_NO_DBLESCAN;
	if (mode->vscan > 1)
		return MODE_NO_VSCAN;
	if (mode->htotal > MKMS_MAX_TOTAL)
		return MODE_H_ILLEGAL;
	if (mode->vtotal > MKMS_MAX_TOTAL)
		return MODE_V_ILLEGAL;
	if (mode->clock > MKMS_MAX_DOTCLOCK ||
	    rate > MKMS_MAX_REFRESH * pixels)
		return MODE_CLOCK_HIGH;
	if (rate < MKMS_MIN_REFRESH * pixels)
		return MODE_CLOCK_LOW;
	return MODE_OK;
}

/* A colour LUT has the one size the hardware takes, or is unset. */
static int mkms_crtc_check_lut(struct drm_crtc *crtc,
			       const struct drm_property_blob *lut,
			       const char *name)
{
	if (lut && drm_color_lut_size(lut) != MKMS_LUT_SIZE) {
		drm_dbg_atomic(crtc->dev, "[CRTC:%d:%s] %s of %d entries, not %d\n",
			       crtc->base.id, crtc->name, name,
			       drm_color_lut_size(lut), MKMS_LUT_SIZE);
		return -EINVAL;
	}
	return 0;
}

static int mkms_crtc_atomic_check(struct drm_crtc *crtc,
				  struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state =
		drm_atomic_get_new_crtc_state(state, crtc);

	/* An async flip swaps framebuffers, nothing more: see mkms_plane.c. */
	if (crtc_state->async_flip &&
	    drm_atomic_crtc_needs_modeset(crtc_state)) {
		drm_dbg_atomic(crtc->dev, "[CRTC:%d:%s] modeset in an async flip\n",
			       crtc->base.id, crtc->name);
		return -EINVAL;
	}

	return mkms_crtc_check_lut(crtc, crtc_state->degamma_lut,
				   "DEGAMMA_LUT") ?:
	       mkms_crtc_check_lut(crtc, crtc_state->gamma_lut, "GAMMA_LUT");
}

/* A colour property blob's data, or NULL if it is unset. */
static const void *mkms_blob_data(const struct drm_property_blob *blob)
{
	return blob ? blob->data : NULL;
}

/*
 * The depth the pipe sends: mkms_output_bpc() of the virtual connector it
 * drives, 8 if it drives none (a writeback connector takes the depth of
 * its framebuffer). It changes only in a commit that has the connector,
 * which always brings its CRTC (drm_atomic_get_connector_state()); a new
 * "max bpc" is a modeset, as the core has it (connectors_changed).
 */
static void mkms_crtc_update_output_bpc(struct drm_crtc *crtc,
					struct drm_atomic_state *state)
{
	struct drm_connector_state *old_conn_state, *new_conn_state;
	struct drm_connector *connector;
	unsigned int bpc = 8;
	bool changed = false;
	int i;

	for_each_oldnew_connector_in_state(state, connector, old_conn_state,
					   new_conn_state, i) {
		if (connector->connector_type == DRM_MODE_CONNECTOR_WRITEBACK)
			continue;
		if (new_conn_state->crtc == crtc) {
			bpc = mkms_output_bpc(new_conn_state);
			changed = true;
		} else if (old_conn_state->crtc == crtc) {
			changed = true;
		}
	}
	if (changed)
		mkms_hw_pipe_set_output_bpc(to_mkms_device(crtc->dev),
					    drm_crtc_index(crtc), bpc);
}

static void mkms_crtc_atomic_flush(struct drm_crtc *crtc,
				   struct drm_atomic_state *state)
{
	struct drm_crtc_state *old_state =
		drm_atomic_get_old_crtc_state(state, crtc);
	struct drm_pending_vblank_event *event = crtc->state->event;
	u64 background = mkms_crtc_background(crtc->state);

	if (background != mkms_crtc_background(old_state))
		mkms_hw_pipe_set_background(to_mkms_device(crtc->dev),
					    drm_crtc_index(crtc), background);
	if (crtc->state->color_mgmt_changed)
		mkms_hw_pipe_set_color(to_mkms_device(crtc->dev),
				       drm_crtc_index(crtc),
				       mkms_blob_data(crtc->state->degamma_lut),
				       mkms_blob_data(crtc->state->ctm),
				       mkms_blob_data(crtc->state->gamma_lut));
	mkms_crtc_update_output_bpc(crtc, state);

	/* The planes are programmed: the next frame is this commit's. */
	mkms_hw_writeback_arm(to_mkms_device(crtc->dev), drm_crtc_index(crtc));

	if (!event)
		return;

	/*
	 * An async flip is done as soon as the planes are programmed: from
	 * then on the composer reads the new framebuffers and no longer the
	 * old ones (mkms_hw_plane_update()), so its event does not wait for
	 * a vblank. It carries the latest vblank's sequence and time.
	 */
	crtc->state->event = NULL;
	spin_lock_irq(&crtc->dev->event_lock);
	if (!crtc->state->async_flip && drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

static const struct drm_crtc_helper_funcs mkms_crtc_helper_funcs = {
	.mode_valid	= mkms_crtc_mode_valid,
	.atomic_check	= mkms_crtc_atomic_check,
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
 * The CRTC is drmm-managed: it is cleaned up with the drm_device. It has
 * the colour management properties (DEGAMMA_LUT, CTM, GAMMA_LUT, and the
 * legacy gamma ioctls, which the core turns into GAMMA_LUT) and, where the
 * core has it, BACKGROUND_COLOR.
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
	ret = drm_mode_crtc_set_gamma_size(&output->crtc, MKMS_LUT_SIZE);
	if (ret)
		return ret;
	drm_crtc_enable_color_mgmt(&output->crtc, MKMS_LUT_SIZE, true,
				   MKMS_LUT_SIZE);
	mkms_crtc_attach_background(&output->crtc);
	spin_lock_init(&output->crc.lock);
	INIT_DELAYED_WORK(&output->crc.release_work, mkms_crtc_crc_release_work);
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
