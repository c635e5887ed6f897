// SPDX-License-Identifier: GPL-2.0
/*
 * Outputs: what struct mkms_desc describes. Each display pipe is a CRTC
 * with a primary plane, overlay planes, an optional cursor plane and an
 * optional writeback connector (mkms_writeback.c); virtual encoders can
 * each drive some of the CRTCs, and virtual connectors can each be driven
 * by some of the encoders. Every object lives in drmm memory, so none of
 * them is ever freed by hand, and none of them goes away while a client
 * can still reach it.
 */

#include <drm/drm_atomic_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_managed.h>
#include <drm/drm_probe_helper.h>

#include "mkms_drv.h"

static enum drm_connector_status
mkms_connector_detect(struct drm_connector *connector, bool force)
{
	return READ_ONCE(to_mkms_connector(connector)->status);
}

/*
 * "max bpc" starts at 8, whatever the monitor takes, as the core's HDMI
 * connectors and amdgpu's start: userspace that knows nothing of the
 * property gets the 8 bits a channel it draws in, and the CRCs it
 * compares with references drawn in 8 bits.
 */
static void mkms_connector_reset(struct drm_connector *connector)
{
	drm_atomic_helper_connector_reset(connector);
	if (connector->state) {
		connector->state->max_requested_bpc = 8;
		connector->state->max_bpc = 8;
	}
}

static const struct drm_connector_funcs mkms_connector_funcs = {
	.detect			= mkms_connector_detect,
	.fill_modes		= drm_helper_probe_single_connector_modes,
	.reset			= mkms_connector_reset,
	.atomic_duplicate_state	= drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state	= drm_atomic_helper_connector_destroy_state,
};

/**
 * mkms_connector_get_modes - the modes of an mkms connector
 * @connector: the virtual or the writeback connector
 *
 * The standard modes up to the largest size, 1024x768 preferred.
 *
 * Returns: the number of modes added.
 */
int mkms_connector_get_modes(struct drm_connector *connector)
{
	int count;

	count = drm_add_modes_noedid(connector, MKMS_MAX_SIZE, MKMS_MAX_SIZE);
	drm_set_preferred_mode(connector, MKMS_DEFAULT_WIDTH,
			       MKMS_DEFAULT_HEIGHT);
	return count;
}

/*
 * The virtual monitor's DDC: block @block of the connector's EDID, read
 * under mode_config.mutex (get_modes), or a failed read past its end, as
 * a monitor without an EDID gives.
 */
static int mkms_connector_read_edid_block(void *context, u8 *buf,
					  unsigned int block, size_t len)
{
	struct mkms_connector *mconn = context;
	size_t start = (size_t)block * EDID_LENGTH;

	if (start >= mconn->edid_len || len > mconn->edid_len - start)
		return -EIO;
	memcpy(buf, mconn->edid + start, len);
	return 0;
}

/*
 * A virtual connector's modes: those of the EDID the core reads from its
 * monitor, as it reads any monitor's (drm_edid_read_custom(): an EDID
 * that fails its checks is no EDID, the debugfs edid_override and the
 * drm.edid_firmware parameter take precedence), else the standard ones.
 * A monitor without an EDID takes 8 bits a channel, as the core assumes
 * of one (drm_atomic_connector_check()); one with an EDID what it says,
 * up to MKMS_MAX_BPC through "max bpc". The core's debugfs output_bpc
 * shows what the monitor says ("Maximum:", 0 for one that says nothing),
 * which IGT reads.
 */
static int mkms_connector_get_edid_modes(struct drm_connector *connector)
{
	const struct drm_edid *drm_edid;
	int count;

	drm_edid = drm_edid_read_custom(connector,
					mkms_connector_read_edid_block,
					to_mkms_connector(connector));
	if (!drm_edid) {
		drm_edid_connector_update(connector, NULL);
		return mkms_connector_get_modes(connector);
	}

	count = mkms_edid_connector_update(connector, drm_edid);
	drm_edid_free(drm_edid);
	return count;
}

static const struct drm_connector_helper_funcs mkms_connector_helper_funcs = {
	.get_modes = mkms_connector_get_edid_modes,
};

/* A drmm copy of @len bytes at @data, or NULL if @len is 0. */
static int mkms_connector_copy_edid(struct mkms_device *mkms, const u8 *data,
				    size_t len, u8 **copy)
{
	u8 *edid;

	*copy = NULL;
	if (!len)
		return 0;
	edid = drmm_kmalloc(&mkms->drm, len, GFP_KERNEL);
	if (!edid)
		return -ENOMEM;
	memcpy(edid, data, len);
	*copy = edid;
	return 0;
}

/**
 * mkms_output_init - create the display pipe with the given index
 * @mkms: the device
 * @index: the pipe's index; pipes must be created in order, before any
 *	encoder
 *
 * Creates the pipe's planes and its CRTC, not its writeback connector.
 *
 * Returns: 0 or a negative errno.
 */
int mkms_output_init(struct mkms_device *mkms, unsigned int index)
{
	const struct mkms_desc_crtc *desc = &mkms->desc.crtcs[index];
	struct mkms_output *output = &mkms->outputs[index];
	struct drm_plane *overlay;
	unsigned int i;

	output->primary = mkms_plane_create(mkms, DRM_PLANE_TYPE_PRIMARY, index,
					    MKMS_SLOT_PRIMARY);
	if (IS_ERR(output->primary))
		return PTR_ERR(output->primary);

	for (i = 0; i < desc->overlays; i++) {
		overlay = mkms_plane_create(mkms, DRM_PLANE_TYPE_OVERLAY, index,
					    MKMS_SLOT_OVERLAY + i);
		if (IS_ERR(overlay))
			return PTR_ERR(overlay);
	}

	if (desc->cursor) {
		output->cursor = mkms_plane_create(mkms, DRM_PLANE_TYPE_CURSOR,
						   index, MKMS_SLOT_CURSOR);
		if (IS_ERR(output->cursor))
			return PTR_ERR(output->cursor);
	}

	return mkms_crtc_init(mkms, output, output->primary, output->cursor);
}

/**
 * mkms_connectors_init - create the virtual encoders and connectors
 * @mkms: the device, whose CRTCs exist already
 * @desc: the description with its EDIDs (the platform data), which the
 *	connectors copy
 *
 * Returns: 0 or a negative errno.
 */
int mkms_connectors_init(struct mkms_device *mkms, const struct mkms_desc *desc)
{
	struct drm_device *drm = &mkms->drm;
	unsigned int i, j;
	int ret;

	mkms->encoders = drmm_kcalloc(drm, desc->num_encoders,
				      sizeof(*mkms->encoders), GFP_KERNEL);
	mkms->connectors = drmm_kcalloc(drm, desc->num_connectors,
					sizeof(*mkms->connectors), GFP_KERNEL);
	if (!mkms->encoders || !mkms->connectors)
		return -ENOMEM;

	for (i = 0; i < desc->num_encoders; i++) {
		ret = drmm_encoder_init(drm, &mkms->encoders[i], NULL,
					DRM_MODE_ENCODER_VIRTUAL, NULL);
		if (ret)
			return ret;
		mkms->encoders[i].possible_crtcs = desc->encoder_crtcs[i];
	}

	for (i = 0; i < desc->num_connectors; i++) {
		struct mkms_connector *mconn = &mkms->connectors[i];
		u32 encoders = desc->connectors[i].possible_encoders;

		mconn->status = desc->connectors[i].status;
		mconn->edid_len = desc->connectors[i].edid_len;
		ret = mkms_connector_copy_edid(mkms, mkms_desc_edid(desc, i),
					       mconn->edid_len, &mconn->edid);
		if (ret)
			return ret;
		ret = drmm_connector_init(drm, &mconn->base,
					  &mkms_connector_funcs,
					  DRM_MODE_CONNECTOR_VIRTUAL, NULL);
		if (ret)
			return ret;
		drm_connector_helper_add(&mconn->base,
					 &mkms_connector_helper_funcs);
		/* Not by default on virtual connectors; ours can have one. */
		drm_connector_attach_edid_property(&mconn->base);
		/*
		 * Attaching "max bpc" writes to the state: make one now.
		 * drm_mode_config_reset() makes the state the device starts
		 * with, at 8 (mkms_connector_reset()).
		 */
		mkms_connector_reset(&mconn->base);
		if (!mconn->base.state)
			return -ENOMEM;
		ret = drm_connector_attach_max_bpc_property(&mconn->base, 8,
							    MKMS_MAX_BPC);
		if (ret)
			return ret;

		for (j = 0; j < desc->num_encoders; j++) {
			if (!(encoders & BIT(j)))
				continue;
			ret = drm_connector_attach_encoder(&mconn->base,
							   &mkms->encoders[j]);
			if (ret)
				return ret;
		}
	}

	return 0;
}

/**
 * mkms_output_link_clones - say which encoders can share a CRTC
 * @mkms: the device, with all its encoders and writeback connectors
 *
 * A CRTC drives its writeback connector and one virtual encoder at once,
 * so each writeback encoder is a clone of every virtual encoder that can
 * drive its CRTC, and the other way round.
 */
void mkms_output_link_clones(struct mkms_device *mkms)
{
	unsigned int i, j;

	for (i = 0; i < mkms->num_outputs; i++) {
		struct mkms_output *output = &mkms->outputs[i];
		struct drm_encoder *wb_encoder = &output->wb.encoder;
		u32 clones = drm_encoder_mask(wb_encoder);

		if (!output->has_wb)
			continue;

		for (j = 0; j < mkms->desc.num_encoders; j++) {
			struct drm_encoder *encoder = &mkms->encoders[j];

			if (!(encoder->possible_crtcs &
			      drm_crtc_mask(&output->crtc)))
				continue;
			encoder->possible_clones |= drm_encoder_mask(encoder) |
						    drm_encoder_mask(wb_encoder);
			clones |= drm_encoder_mask(encoder);
		}
		wb_encoder->possible_clones = clones;
	}
}

/**
 * mkms_connector_set_status - plug or unplug a virtual connector
 * @mkms: the device
 * @index: the connector's index
 * @status: its new status
 *
 * What a cable does: the connector's status changes and userspace is told
 * with a hotplug uevent. The device must be entered (drm_dev_enter()).
 *
 * Returns: 0, or -EINVAL if there is no such connector.
 */
int mkms_connector_set_status(struct mkms_device *mkms, unsigned int index,
			      enum drm_connector_status status)
{
	struct drm_device *drm = &mkms->drm;
	struct mkms_connector *mconn;
	bool changed;

	if (index >= mkms->desc.num_connectors)
		return -EINVAL;
	mconn = &mkms->connectors[index];

	mutex_lock(&drm->mode_config.mutex);
	changed = mconn->status != status;
	WRITE_ONCE(mconn->status, status);
	mutex_unlock(&drm->mode_config.mutex);

	if (changed)
		drm_kms_helper_connector_hotplug_event(&mconn->base);
	return 0;
}

/**
 * mkms_connector_set_edid - give a virtual connector another monitor
 * @mkms: the device
 * @index: the connector's index
 * @edid: the new EDID, copied; not checked, as a monitor's is not
 * @len: its length in bytes; 0: no EDID, the standard modes
 *
 * The connector's modes follow at the next probe, and userspace is told
 * with a hotplug uevent. The device must be entered (drm_dev_enter()).
 *
 * Returns: 0, -EINVAL if there is no such connector, -ENOMEM.
 */
int mkms_connector_set_edid(struct mkms_device *mkms, unsigned int index,
			    const u8 *edid, size_t len)
{
	struct drm_device *drm = &mkms->drm;
	struct mkms_connector *mconn;
	u8 *copy, *old;
	int ret;

	if (index >= mkms->desc.num_connectors)
		return -EINVAL;
	mconn = &mkms->connectors[index];

	ret = mkms_connector_copy_edid(mkms, edid, len, &copy);
	if (ret)
		return ret;

	mutex_lock(&drm->mode_config.mutex);
	old = mconn->edid;
	mconn->edid = copy;
	mconn->edid_len = len;
	mutex_unlock(&drm->mode_config.mutex);

	if (old)
		drmm_kfree(drm, old);
	drm_kms_helper_connector_hotplug_event(&mconn->base);
	return 0;
}
