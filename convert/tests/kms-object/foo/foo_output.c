// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (kms-object): an encoder in devm memory (freed at unbind while
 * fds still reach it) and a CRTC in kzalloc() memory freed by its destroy
 * hook.
 */

#include <linux/slab.h>

#include <drm/drm_crtc.h>
#include <drm/drm_encoder.h>

#include "foo_drv.h"

static void foo_crtc_destroy(struct drm_crtc *crtc)
{
	drm_crtc_cleanup(crtc);
	kfree(to_foo_crtc(crtc));
}

static const struct drm_crtc_funcs foo_crtc_funcs = {
	.destroy = foo_crtc_destroy,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
};

static const struct drm_encoder_funcs foo_encoder_funcs = {
	.destroy = drm_encoder_cleanup,
};

int foo_crtc_create(struct foo_device *foo, struct drm_plane *primary)
{
	struct foo_crtc *fcrtc;
	int ret;

	fcrtc = kzalloc(sizeof(*fcrtc), GFP_KERNEL);
	if (!fcrtc)
		return -ENOMEM;

	ret = drm_crtc_init_with_planes(&foo->drm, &fcrtc->base, primary, NULL,
					&foo_crtc_funcs, NULL);
	if (ret) {
		kfree(fcrtc);
		return ret;
	}

	return 0;
}

int foo_encoder_create(struct foo_device *foo)
{
	struct foo_encoder *fenc;

	fenc = devm_kzalloc(foo->dev, sizeof(*fenc), GFP_KERNEL);
	if (!fenc)
		return -ENOMEM;

	fenc->base.possible_crtcs = 1;
	return drm_encoder_init(&foo->drm, &fenc->base, &foo_encoder_funcs,
				DRM_MODE_ENCODER_TMDS, NULL);
}
