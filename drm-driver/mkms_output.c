// SPDX-License-Identifier: GPL-2.0
/*
 * Outputs: one display pipe each, made of a primary plane, overlay
 * planes, a cursor plane, a CRTC, a virtual encoder and an always-connected virtual connector, and
 * a writeback connector (mkms_writeback.c). Every object lives in drmm
 * memory, so none of them is ever freed by hand, and none of them goes
 * away while a client can still reach it.
 */

#include <drm/drm_atomic_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_managed.h>
#include <drm/drm_probe_helper.h>

#include "mkms_drv.h"

static const struct drm_connector_funcs mkms_connector_funcs = {
	.fill_modes		= drm_helper_probe_single_connector_modes,
	.reset			= drm_atomic_helper_connector_reset,
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

static const struct drm_connector_helper_funcs mkms_connector_helper_funcs = {
	.get_modes = mkms_connector_get_modes,
};

/**
 * mkms_output_init - create the display pipe with the given index
 * @mkms: the device
 * @index: the pipe's index; pipes must be created in order
 *
 * Returns: 0 or a negative errno.
 */
int mkms_output_init(struct mkms_device *mkms, unsigned int index)
{
	struct mkms_output *output = &mkms->outputs[index];
	struct drm_device *drm = &mkms->drm;
	struct drm_plane *overlay;
	unsigned int i;
	int ret;

	output->primary = mkms_plane_create(mkms, DRM_PLANE_TYPE_PRIMARY, index,
					    MKMS_SLOT_PRIMARY);
	if (IS_ERR(output->primary))
		return PTR_ERR(output->primary);

	for (i = 0; i < mkms->num_overlays; i++) {
		overlay = mkms_plane_create(mkms, DRM_PLANE_TYPE_OVERLAY, index,
					    MKMS_SLOT_OVERLAY + i);
		if (IS_ERR(overlay))
			return PTR_ERR(overlay);
	}

	output->cursor = mkms_plane_create(mkms, DRM_PLANE_TYPE_CURSOR, index,
					   MKMS_SLOT_CURSOR);
	if (IS_ERR(output->cursor))
		return PTR_ERR(output->cursor);

	ret = mkms_crtc_init(mkms, output, output->primary, output->cursor);
	if (ret)
		return ret;

	ret = drmm_encoder_init(drm, &output->encoder, NULL,
				DRM_MODE_ENCODER_VIRTUAL, NULL);
	if (ret)
		return ret;
	output->encoder.possible_crtcs = drm_crtc_mask(&output->crtc);

	ret = drmm_connector_init(drm, &output->connector,
				  &mkms_connector_funcs,
				  DRM_MODE_CONNECTOR_VIRTUAL, NULL);
	if (ret)
		return ret;
	drm_connector_helper_add(&output->connector,
				 &mkms_connector_helper_funcs);

	ret = drm_connector_attach_encoder(&output->connector,
					   &output->encoder);
	if (ret)
		return ret;

	return mkms_writeback_init(mkms, output);
}
