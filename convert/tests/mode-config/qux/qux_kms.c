// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (mode-config), clean: drmm_mode_config_init() with its return
 * value checked, no explicit cleanup. Must not be flagged.
 */

#include <drm/drm_drv.h>
#include <drm/drm_mode_config.h>

#include "qux_drv.h"

int qux_modeset_init(struct qux_device *qux)
{
	struct drm_device *drm = &qux->drm;
	int ret;

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;

	drm->mode_config.max_width = 1920;
	drm->mode_config.max_height = 1080;
	drm->mode_config.funcs = &qux_mode_config_funcs;

	ret = qux_pipe_init(qux);
	if (ret)
		return ret;

	drm_mode_config_reset(drm);
	return 0;
}
