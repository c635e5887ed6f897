// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (kms-object), clean: the encoder comes from
 * drmm_encoder_alloc(), the connector is embedded in it and initialised
 * with drmm_connector_init(). Must not be flagged.
 */

#include <drm/drm_connector.h>
#include <drm/drm_encoder.h>
#include <drm/drm_managed.h>

#include "qux_drv.h"

static const struct drm_encoder_funcs qux_encoder_funcs = {
};

int qux_output_create(struct qux_device *qux)
{
	struct qux_output *out;

	out = drmm_encoder_alloc(&qux->drm, struct qux_output, encoder,
				 &qux_encoder_funcs, DRM_MODE_ENCODER_VIRTUAL,
				 NULL);
	if (IS_ERR(out))
		return PTR_ERR(out);
	out->encoder.possible_crtcs = 1;

	return drmm_connector_init(&qux->drm, &out->connector,
				   &qux_connector_funcs,
				   DRM_MODE_CONNECTOR_VIRTUAL, NULL);
}
