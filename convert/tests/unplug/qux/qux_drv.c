// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (unplug), clean: drm_dev_unregister() only on the probe error
 * path, drm_dev_unplug() in remove. Must not be flagged.
 */

#include <linux/module.h>
#include <linux/platform_device.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>

#include "qux_drv.h"

static int qux_probe(struct platform_device *pdev)
{
	struct qux_device *qux;
	int ret;

	qux = devm_drm_dev_alloc(&pdev->dev, &qux_drm_driver,
				 struct qux_device, drm);
	if (IS_ERR(qux))
		return PTR_ERR(qux);
	platform_set_drvdata(pdev, qux);

	ret = drm_dev_register(&qux->drm, 0);
	if (ret)
		return ret;

	ret = qux_fbdev_setup(qux);
	if (ret)
		goto err_unregister;

	return 0;

err_unregister:
	drm_dev_unregister(&qux->drm);
	return ret;
}

static void qux_remove(struct platform_device *pdev)
{
	struct qux_device *qux = platform_get_drvdata(pdev);

	drm_dev_unplug(&qux->drm);
	drm_atomic_helper_shutdown(&qux->drm);
}

static struct platform_driver qux_platform_driver = {
	.probe = qux_probe,
	.remove_new = qux_remove,
	.driver = {
		.name = "qux",
	},
};
module_platform_driver(qux_platform_driver);

MODULE_LICENSE("GPL");
