// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (shutdown): the DRM half of the foo driver. Registration and
 * teardown are here, called from foo_drv.c.
 */

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem_dma_helper.h>

#include "foo_drv.h"

DEFINE_DRM_GEM_DMA_FOPS(foo_fops);

static const struct drm_driver foo_drm_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_GEM | DRIVER_ATOMIC,
	.fops = &foo_fops,
	DRM_GEM_DMA_DRIVER_OPS,
	.name = "foo",
	.desc = "Acme foo display controller",
	.major = 1,
};

int foo_drm_init(struct foo_device *foo)
{
	int ret;

	ret = foo_modeset_init(foo, &foo_drm_driver);
	if (ret)
		return ret;

	return drm_dev_register(&foo->drm, 0);
}

void foo_drm_fini(struct foo_device *foo)
{
	drm_dev_unregister(&foo->drm);
	drm_kms_helper_poll_fini(&foo->drm);
}
