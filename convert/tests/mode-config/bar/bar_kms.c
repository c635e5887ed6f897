// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (mode-config): the return value of drm_mode_config_init() is
 * ignored in a function that unwinds nothing; the fix returns the error.
 */

#include <drm/drm_drv.h>
#include <drm/drm_mode_config.h>

#include "bar_drv.h"

int bar_modeset_init(struct bar_device *bar)
{
	struct drm_device *drm = &bar->drm;
	int err;

	drm_mode_config_init(drm);
	drm->mode_config.max_width = 1920;
	drm->mode_config.max_height = 1080;
	drm->mode_config.funcs = &bar_mode_config_funcs;

	err = bar_pipe_init(bar);
	if (err)
		return err;

	drm_mode_config_reset(drm);
	return 0;
}
