// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (mode-config): unmanaged mode config, torn down by hand in the
 * error path and in remove. The fix must jump to the label the function
 * already uses, not return and leak.
 */

#include <linux/platform_device.h>

#include <drm/drm_drv.h>
#include <drm/drm_mode_config.h>

#include "foo_drv.h"

static const struct drm_mode_config_funcs foo_mode_config_funcs = {
	.fb_create = drm_gem_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

int foo_modeset_init(struct foo_device *foo)
{
	struct drm_device *drm = &foo->drm;
	int ret;

	foo->clk = clk_get(foo->dev, "pixel");
	if (IS_ERR(foo->clk))
		return PTR_ERR(foo->clk);

	drm_mode_config_init(drm);
	drm->mode_config.max_width = 4096;
	drm->mode_config.max_height = 4096;
	drm->mode_config.funcs = &foo_mode_config_funcs;

	ret = foo_crtc_init(foo);
	if (ret)
		goto err_put_clk;

	ret = foo_output_init(foo);
	if (ret)
		goto err_put_clk;

	drm_mode_config_reset(drm);
	return 0;

err_put_clk:
	drm_mode_config_cleanup(drm);
	clk_put(foo->clk);
	return ret;
}

void foo_modeset_fini(struct foo_device *foo)
{
	drm_kms_helper_poll_fini(&foo->drm);
	drm_mode_config_cleanup(&foo->drm);
	clk_put(foo->clk);
}
