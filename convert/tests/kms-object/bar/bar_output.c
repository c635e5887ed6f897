// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (kms-object, fix): devm storage that the fix moves to drmm, and
 * the shapes it must leave alone.
 *
 * - the CRTC, the HDMI output (simple encoder + connector with DDC) and the
 *   array of connectors are converted, and their tables lose .destroy;
 * - the encoder table is shared with an encoder in kzalloc() memory, so
 *   neither encoder is converted and the table keeps its destroy hook;
 * - the panel connector's drm_device is only known after the allocation,
 *   so it is not converted either.
 */

#include <linux/slab.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_encoder.h>
#include <drm/drm_simple_kms_helper.h>

#include "bar_drv.h"

static const struct drm_crtc_funcs bar_crtc_funcs = {
	.destroy = drm_crtc_cleanup,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
};

static const struct drm_encoder_funcs bar_encoder_funcs = {
	.destroy = drm_encoder_cleanup,
};

static const struct drm_connector_funcs bar_connector_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
};

static const struct drm_connector_funcs bar_panel_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
};

int bar_crtc_create(struct bar_device *bar, struct drm_plane *primary)
{
	struct bar_crtc *bcrtc;

	bcrtc = devm_kzalloc(bar->dev, sizeof(*bcrtc), GFP_KERNEL);
	if (!bcrtc)
		return -ENOMEM;

	return drm_crtc_init_with_planes(&bar->drm, &bcrtc->base, primary,
					 NULL, &bar_crtc_funcs, NULL);
}

int bar_hdmi_create(struct drm_device *drm, struct device *dev,
		    struct i2c_adapter *ddc)
{
	struct bar_hdmi *hdmi;
	int ret;

	hdmi = devm_kzalloc(dev, sizeof(*hdmi), GFP_KERNEL);
	if (!hdmi)
		return -ENOMEM;

	ret = drm_simple_encoder_init(drm, &hdmi->encoder,
				      DRM_MODE_ENCODER_TMDS);
	if (ret)
		return ret;

	return drm_connector_init_with_ddc(drm, &hdmi->output.connector,
					   &bar_connector_funcs,
					   DRM_MODE_CONNECTOR_HDMIA, ddc);
}

int bar_outputs_create(struct bar_device *bar, unsigned int count)
{
	struct bar_output *outs;
	unsigned int i;
	int ret;

	outs = devm_kcalloc(bar->dev, count, sizeof(*outs), GFP_KERNEL);
	if (!outs)
		return -ENOMEM;

	for (i = 0; i < count; i++) {
		ret = drm_connector_init(&bar->drm, &outs[i].connector,
					 &bar_connector_funcs,
					 DRM_MODE_CONNECTOR_VIRTUAL);
		if (ret)
			return ret;
	}

	return 0;
}

int bar_encoders_create(struct bar_device *bar)
{
	struct bar_encoder *first, *second;
	int ret;

	first = devm_kzalloc(bar->dev, sizeof(*first), GFP_KERNEL);
	if (!first)
		return -ENOMEM;
	ret = drm_encoder_init(&bar->drm, &first->base, &bar_encoder_funcs,
			       DRM_MODE_ENCODER_DAC, NULL);
	if (ret)
		return ret;

	second = kzalloc(sizeof(*second), GFP_KERNEL);
	if (!second)
		return -ENOMEM;
	return drm_encoder_init(&bar->drm, &second->base, &bar_encoder_funcs,
				DRM_MODE_ENCODER_DAC, NULL);
}

int bar_panel_create(struct bar_device *bar)
{
	struct drm_device *drm = NULL;
	struct bar_panel *panel;

	panel = devm_kzalloc(bar->dev, sizeof(*panel), GFP_KERNEL);
	if (!panel)
		return -ENOMEM;

	drm = &bar->drm;
	return drm_connector_init(drm, &panel->connector, &bar_panel_funcs,
				  DRM_MODE_CONNECTOR_LVDS);
}
