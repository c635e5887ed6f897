// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (unplug): remove unregisters the drm_device, so ioctls on fds
 * that are still open keep reaching the driver after unbind.
 */

#include <linux/module.h>
#include <linux/platform_device.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>

#include "foo_drv.h"

static void foo_remove(struct platform_device *pdev)
{
	struct foo_device *foo = platform_get_drvdata(pdev);

	drm_dev_unregister(&foo->drm);
	drm_atomic_helper_shutdown(&foo->drm);
}

static void foo_shutdown(struct platform_device *pdev)
{
	struct foo_device *foo = platform_get_drvdata(pdev);

	drm_atomic_helper_shutdown(&foo->drm);
}

static struct platform_driver foo_platform_driver = {
	.probe = foo_probe,
	.remove_new = foo_remove,
	.shutdown = foo_shutdown,
	.driver = {
		.name = "foo",
	},
};
module_platform_driver(foo_platform_driver);

MODULE_LICENSE("GPL");
