// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (shutdown), clean: remove unplugs and then switches the display
 * off, and .shutdown switches it off at reboot. Must not be flagged.
 */

#include <linux/module.h>
#include <linux/platform_device.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>

struct qux_device {
	struct drm_device drm;
};

static const struct drm_driver qux_drm_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_GEM | DRIVER_ATOMIC,
	.name = "qux",
	.desc = "Acme qux display",
	.major = 1,
};

static int qux_probe(struct platform_device *pdev)
{
	struct qux_device *qux;

	qux = devm_drm_dev_alloc(&pdev->dev, &qux_drm_driver,
				 struct qux_device, drm);
	if (IS_ERR(qux))
		return PTR_ERR(qux);
	platform_set_drvdata(pdev, qux);

	return drm_dev_register(&qux->drm, 0);
}

static void qux_remove(struct platform_device *pdev)
{
	struct qux_device *qux = platform_get_drvdata(pdev);

	drm_dev_unplug(&qux->drm);
	drm_atomic_helper_shutdown(&qux->drm);
}

static void qux_shutdown(struct platform_device *pdev)
{
	struct qux_device *qux = platform_get_drvdata(pdev);

	drm_atomic_helper_shutdown(&qux->drm);
}

static struct platform_driver qux_platform_driver = {
	.probe = qux_probe,
	.remove_new = qux_remove,
	.shutdown = qux_shutdown,
	.driver = {
		.name = "qux",
	},
};
module_platform_driver(qux_platform_driver);

MODULE_LICENSE("GPL");
