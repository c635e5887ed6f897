// SPDX-License-Identifier: GPL-2.0
/*
 * Fixture (shutdown): a USB display whose disconnect unplugs the
 * drm_device without switching the display off, and no .shutdown hook.
 * struct usb_driver only has .shutdown in newer kernels: against a tree
 * whose <linux/usb.h> lacks it (6.1), the fix only adds the call to
 * .disconnect (tests/run checks that too, usb_drv.c.no-usb-shutdown).
 */

#include <linux/module.h>
#include <linux/usb.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

struct usbd_device {
	struct drm_device drm;
};

static const struct drm_driver usbd_drm_driver = {
	.driver_features = DRIVER_MODESET | DRIVER_GEM | DRIVER_ATOMIC,
	.name = "usbd",
	.desc = "Acme USB display",
	.major = 1,
};

static int usbd_usb_probe(struct usb_interface *interface,
			  const struct usb_device_id *id)
{
	struct usbd_device *usbd;

	usbd = devm_drm_dev_alloc(&interface->dev, &usbd_drm_driver,
				  struct usbd_device, drm);
	if (IS_ERR(usbd))
		return PTR_ERR(usbd);
	usb_set_intfdata(interface, &usbd->drm);

	return drm_dev_register(&usbd->drm, 0);
}

static void usbd_usb_disconnect(struct usb_interface *interface)
{
	struct drm_device *dev = usb_get_intfdata(interface);

	drm_dev_unplug(dev);
}

static const struct usb_device_id usbd_ids[] = {
	{ USB_DEVICE(0x1234, 0x5678) },
	{ }
};
MODULE_DEVICE_TABLE(usb, usbd_ids);

static struct usb_driver usbd_usb_driver = {
	.name = "usbd",
	.probe = usbd_usb_probe,
	.disconnect = usbd_usb_disconnect,
	.id_table = usbd_ids,
};
module_usb_driver(usbd_usb_driver);

MODULE_LICENSE("GPL");
