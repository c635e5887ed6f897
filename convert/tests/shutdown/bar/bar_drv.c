// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (shutdown): a PCI driver in one file, in the shape the fix
 * handles: remove gets the private data from the bus device and
 * unregisters the drm_device, but never switches the display off, and
 * there is no .shutdown hook.
 */

#include <linux/module.h>
#include <linux/pci.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

struct bar_device {
	struct drm_device drm;
	void __iomem *mmio;
};

static const struct drm_driver bar_drm_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_GEM | DRIVER_ATOMIC,
	.name = "bar",
	.desc = "Acme bar PCI display",
	.major = 1,
};

static int bar_pci_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct bar_device *bar;
	int ret;

	bar = devm_drm_dev_alloc(&pdev->dev, &bar_drm_driver,
				 struct bar_device, drm);
	if (IS_ERR(bar))
		return PTR_ERR(bar);
	pci_set_drvdata(pdev, bar);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	return drm_dev_register(&bar->drm, 0);
}

static void bar_pci_remove(struct pci_dev *pdev)
{
	struct bar_device *bar = pci_get_drvdata(pdev);

	drm_dev_unregister(&bar->drm);
}

static const struct pci_device_id bar_pci_ids[] = {
	{ PCI_DEVICE(0x1234, 0x5678) },
	{ }
};
MODULE_DEVICE_TABLE(pci, bar_pci_ids);

static struct pci_driver bar_pci_driver = {
	.name = "bar",
	.id_table = bar_pci_ids,
	.probe = bar_pci_probe,
	.remove = bar_pci_remove,
};
drm_module_pci_driver(bar_pci_driver);

MODULE_LICENSE("GPL");
