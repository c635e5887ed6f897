// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (shutdown): a component master. Unbind switches the display off
 * (reached through component_master_del() from remove), but the platform
 * driver has no .shutdown hook.
 */

#include <linux/component.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>

struct baz_device {
	struct drm_device drm;
};

static const struct drm_driver baz_drm_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_GEM | DRIVER_ATOMIC,
	.name = "baz",
	.desc = "Acme baz display subsystem",
	.major = 1,
};

static int baz_bind(struct device *dev)
{
	struct baz_device *baz;
	int ret;

	baz = devm_drm_dev_alloc(dev, &baz_drm_driver, struct baz_device, drm);
	if (IS_ERR(baz))
		return PTR_ERR(baz);
	dev_set_drvdata(dev, baz);

	ret = component_bind_all(dev, &baz->drm);
	if (ret)
		return ret;

	return drm_dev_register(&baz->drm, 0);
}

static void baz_unbind(struct device *dev)
{
	struct baz_device *baz = dev_get_drvdata(dev);

	drm_dev_unplug(&baz->drm);
	drm_atomic_helper_shutdown(&baz->drm);
	component_unbind_all(dev, &baz->drm);
}

static const struct component_master_ops baz_master_ops = {
	.bind = baz_bind,
	.unbind = baz_unbind,
};

static int baz_probe(struct platform_device *pdev)
{
	struct component_match *match = NULL;

	drm_of_component_match_add(&pdev->dev, &match, component_compare_of,
				   pdev->dev.of_node);
	return component_master_add_with_match(&pdev->dev, &baz_master_ops,
					       match);
}

static void baz_remove(struct platform_device *pdev)
{
	component_master_del(&pdev->dev, &baz_master_ops);
}

static struct platform_driver baz_platform_driver = {
	.probe = baz_probe,
	.remove_new = baz_remove,
	.driver = {
		.name = "baz",
	},
};
drm_module_platform_driver(baz_platform_driver);

MODULE_LICENSE("GPL");
