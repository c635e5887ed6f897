// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (shutdown): the bus driver and the DRM code live in different
 * files. Neither .remove nor a .shutdown hook switches the display off.
 */

#include <linux/module.h>
#include <linux/platform_device.h>

#include "foo_drv.h"

static int foo_probe(struct platform_device *pdev)
{
	struct foo_device *foo;
	int ret;

	foo = devm_kzalloc(&pdev->dev, sizeof(*foo), GFP_KERNEL);
	if (!foo)
		return -ENOMEM;
	platform_set_drvdata(pdev, foo);

	ret = foo_hw_init(foo, pdev);
	if (ret)
		return ret;

	return foo_drm_init(foo);
}

static void foo_remove(struct platform_device *pdev)
{
	struct foo_device *foo = platform_get_drvdata(pdev);

	foo_drm_fini(foo);
}

static const struct of_device_id foo_of_match[] = {
	{ .compatible = "acme,foo-display" },
	{ }
};
MODULE_DEVICE_TABLE(of, foo_of_match);

static struct platform_driver foo_platform_driver = {
	.probe = foo_probe,
	.remove_new = foo_remove,
	.driver = {
		.name = "foo",
		.of_match_table = foo_of_match,
	},
};
module_platform_driver(foo_platform_driver);

MODULE_LICENSE("GPL");
