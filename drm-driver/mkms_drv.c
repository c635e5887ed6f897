// SPDX-License-Identifier: GPL-2.0
/*
 * mkms: a virtual KMS driver built on DRM managed lifetimes.
 *
 * The module registers the platform driver "mkms" and creates num_devices
 * platform devices mkms.0 ... mkms.N-1 for it to bind to, and more as
 * configfs asks (mkms_configfs.c), so that every device can be unbound and
 * bound again through sysfs like real hardware:
 *
 *   echo mkms.0 > /sys/bus/platform/drivers/mkms/unbind
 *   echo mkms.0 > /sys/bus/platform/drivers/mkms/bind
 *
 * Read mkms_drv.h first: it says which lifetime each structure has.
 */

#include <kunit/visibility.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/workqueue.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "mkms_drv.h"

/* ---- Module parameters ------------------------------------------------ */

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices,
		 "Number of mkms platform devices to create (1-"
		 __stringify(MKMS_MAX_DEVICES) ", default 1)");

static unsigned int num_crtcs = 1;
module_param(num_crtcs, uint, 0444);
MODULE_PARM_DESC(num_crtcs,
		 "CRTCs per device, each with its own connector (1-"
		 __stringify(MKMS_MAX_CRTCS) ", default 1)");

static unsigned int num_overlays = 1;
module_param(num_overlays, uint, 0444);
MODULE_PARM_DESC(num_overlays,
		 "Overlay planes per CRTC (0-" __stringify(MKMS_MAX_OVERLAYS)
		 ", default 1)");

/* ---- KMS glue ----------------------------------------------------------- */

/*
 * Enables before planes, so that the event of a CRTC being switched on is
 * armed for its first vblank rather than sent before the pipe runs; planes
 * with flags 0, so that the CRTC being switched off still gets atomic_flush
 * and sends its event. The mkms_fault_stall() points are where the unbind
 * tests hold a commit in flight.
 */
static void mkms_atomic_commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *drm = state->dev;
	struct mkms_device *mkms = to_mkms_device(drm);

	mkms_fault_stall(mkms, MKMS_STALL_POINT_BEFORE_HW);
	drm_atomic_helper_commit_modeset_disables(drm, state);
	drm_atomic_helper_commit_modeset_enables(drm, state);
	drm_atomic_helper_commit_planes(drm, state, 0);
	drm_atomic_helper_fake_vblank(state);
	mkms_fault_stall(mkms, MKMS_STALL_POINT_AFTER_HW);
	drm_atomic_helper_commit_hw_done(state);
	mkms_fault_stall(mkms, MKMS_STALL_POINT_BEFORE_FLIP_DONE);
	drm_atomic_helper_wait_for_flip_done(drm, state);
	drm_atomic_helper_cleanup_planes(drm, state);
}

static const struct drm_mode_config_helper_funcs mkms_mode_config_helpers = {
	.atomic_commit_tail = mkms_atomic_commit_tail,
};

/*
 * drm_ioctl() turns the ioctls of an unplugged device away with -ENODEV,
 * but one that started before drm_dev_unplug() goes on while the device
 * is unregistered, and the helpers may then refuse it for what the unplug
 * changed: a connector that is no longer registered cannot be enabled.
 * Such a commit fails as every later one does, with -ENODEV.
 */
static int mkms_atomic_check(struct drm_device *drm,
			     struct drm_atomic_state *state)
{
	int ret = drm_atomic_helper_check(drm, state);

	/* -EDEADLK asks the caller to back off and retry: never hide it. */
	if (ret && ret != -EDEADLK && drm_dev_is_unplugged(drm))
		return -ENODEV;
	return ret;
}

/*
 * DIRTYFB is a commit of the planes that show the framebuffer, with its
 * clips as their damage: a CRC taken once stays the CRC of every frame
 * until something the composer reads is written (see mkms_hw.c), and
 * userspace drawing into a framebuffer on screen says so with DIRTYFB.
 */
static const struct drm_mode_config_funcs mkms_mode_config_funcs = {
	.fb_create	= drm_gem_fb_create_with_dirty,
	.atomic_check	= mkms_atomic_check,
	.atomic_commit	= drm_atomic_helper_commit,
};

static int mkms_modeset_init(struct mkms_device *mkms,
			     const struct mkms_desc *desc)
{
	struct drm_device *drm = &mkms->drm;
	unsigned int i;
	int ret;

	/* Before the mode config, which destroys writeback connectors. */
	mkms->outputs = drmm_kcalloc(drm, mkms->num_outputs,
				     sizeof(*mkms->outputs), GFP_KERNEL);
	if (!mkms->outputs)
		return -ENOMEM;

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;

	drm->mode_config.min_width = MKMS_MIN_SIZE;
	drm->mode_config.min_height = MKMS_MIN_SIZE;
	drm->mode_config.max_width = MKMS_MAX_SIZE;
	drm->mode_config.max_height = MKMS_MAX_SIZE;
	drm->mode_config.cursor_width = MKMS_CURSOR_SIZE;
	drm->mode_config.cursor_height = MKMS_CURSOR_SIZE;
	drm->mode_config.preferred_depth = 24;
	drm->mode_config.funcs = &mkms_mode_config_funcs;
	drm->mode_config.helper_private = &mkms_mode_config_helpers;
	drm->mode_config.normalize_zpos = true;
	drm->mode_config.async_page_flip = true;

	/*
	 * In this order, so that the first connector is the first CRTC's
	 * virtual one, as with a single pipe, and writeback connectors come
	 * last.
	 */
	for (i = 0; i < mkms->num_outputs; i++) {
		ret = mkms_output_init(mkms, i);
		if (ret)
			return ret;
	}

	ret = mkms_connectors_init(mkms, desc);
	if (ret)
		return ret;

	for (i = 0; i < mkms->num_outputs; i++) {
		if (!mkms->desc.crtcs[i].writeback)
			continue;
		ret = mkms_writeback_init(mkms, &mkms->outputs[i]);
		if (ret)
			return ret;
	}
	mkms_output_link_clones(mkms);

	ret = drm_vblank_init(drm, mkms->num_outputs);
	if (ret)
		return ret;

	drm_mode_config_reset(drm);
	return 0;
}

DEFINE_DRM_GEM_FOPS(mkms_fops);

/*
 * A dumb buffer is for scanout: refuse one larger than the largest
 * framebuffer at the widest pixel (64 bits), which no plane could use,
 * and pixels wider than that. The shmem helpers pin all of a buffer's
 * pages at its first mmap(); the core's overflow checks alone let a
 * client ask for 4 GB. The width is not limited: a wide buffer of few
 * lines is fine (IGT's dumb_buffer@create-clear makes such ones).
 */
static int mkms_dumb_create(struct drm_file *file, struct drm_device *dev,
			    struct drm_mode_create_dumb *args)
{
	u64 max = (u64)dev->mode_config.max_width *
		  dev->mode_config.max_height * 8;
	u64 pitch;

	if (args->bpp > 64)
		goto too_large;
	pitch = DIV_ROUND_UP_ULL((u64)args->width * args->bpp, 8);
	if (!pitch || args->height > div64_u64(max, pitch))
		goto too_large;
	return drm_gem_shmem_dumb_create(file, dev, args);

too_large:
	drm_dbg_kms(dev, "dumb buffer %ux%u at %u bpp: larger than any framebuffer\n",
		    args->width, args->height, args->bpp);
	return -EINVAL;
}

static const struct drm_driver mkms_driver = {
	.driver_features	= DRIVER_MODESET | DRIVER_ATOMIC | DRIVER_GEM |
				  DRIVER_RENDER,
	.fops			= &mkms_fops,
	.debugfs_init		= mkms_fault_debugfs_init,
	MKMS_GEM_SHMEM_PRIME_OPS,
	.dumb_create		= mkms_dumb_create,
	.name			= MKMS_DRIVER_NAME,
	.desc			= "Virtual KMS on managed lifetimes",
	MKMS_DRM_DRIVER_DATE
	.major			= 1,
	.minor			= 0,
};

/* ---- Platform driver ---------------------------------------------------- */

/*
 * Every step can be made to fail (mkms_fault_probe()), so that the unbind
 * tests can prove that each error path unwinds through devm and drmm alone.
 */
static int mkms_probe(struct platform_device *pdev)
{
	const struct mkms_desc *desc = dev_get_platdata(&pdev->dev);
	struct device *dev = &pdev->dev;
	struct mkms_device *mkms;
	struct drm_device *drm;
	const char *why;
	int ret;

	if (!desc || mkms_desc_check(desc, &why)) {
		dev_err(dev, "invalid description: %s\n",
			desc ? why : "none");
		return -EINVAL;
	}

	ret = mkms_fault_probe(dev, 1);
	if (ret)
		return ret;
	mkms = devm_drm_dev_alloc(dev, &mkms_driver, struct mkms_device, drm);
	if (IS_ERR(mkms))
		return PTR_ERR(mkms);
	drm = &mkms->drm;
	platform_set_drvdata(pdev, mkms);

	/* No real DMA, but PRIME import wants a device that can map. */
	ret = mkms_fault_probe(dev, 2) ?:
	      dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	mkms->desc = *desc;
	mkms->num_outputs = desc->num_crtcs;
	ret = mkms_fault_probe(dev, 3) ?:
	      mkms_hw_init(mkms, mkms->num_outputs);
	if (ret)
		return ret;

	ret = mkms_fault_probe(dev, 4) ?: mkms_modeset_init(mkms, desc);
	if (ret)
		return ret;

	ret = mkms_fault_probe(dev, 5) ?: drm_dev_register(drm, 0);
	if (ret)
		return ret;

	drm_info(drm, "%s bound, %u output(s)\n", dev_name(dev),
		 mkms->num_outputs);
	return 0;
}

/*
 * Unplug first, so that no new ioctl reaches the hardware and every
 * drm_dev_enter() section has finished; then complete what waited for a
 * vblank or a writeback; then switch the display off. The vblank timers are revoked by
 * mkms_hw_release(), a devm action that runs after this function and before
 * the hardware's memory is freed. The drm_device itself lives on until the
 * last fd is closed.
 */
static void mkms_remove(struct platform_device *pdev)
{
	struct mkms_device *mkms = platform_get_drvdata(pdev);

	drm_dev_unplug(&mkms->drm);
	mkms_crtc_unplug(mkms);
	mkms_writeback_unplug(mkms);
	drm_atomic_helper_shutdown(&mkms->drm);
	drm_info(&mkms->drm, "%s unbound\n", dev_name(&pdev->dev));
}

static void mkms_shutdown(struct platform_device *pdev)
{
	struct mkms_device *mkms = platform_get_drvdata(pdev);

	drm_atomic_helper_shutdown(&mkms->drm);
	drm_info(&mkms->drm, "%s shut down\n", dev_name(&pdev->dev));
}

static struct platform_driver mkms_platform_driver = {
	.probe		= mkms_probe,
	.MKMS_PLATFORM_REMOVE = mkms_remove,
	.shutdown	= mkms_shutdown,
	.driver		= {
		.name	= MKMS_DRIVER_NAME,
	},
};

/* ---- Devices ------------------------------------------------------------ */

/* Device ids: mkms.<id>, the parameter devices first. */
static DEFINE_IDA(mkms_ida);
#define MKMS_MAX_ID	255

/**
 * mkms_desc_check - is a device description valid
 * @desc: the description
 * @why: set to what is wrong with it, if anything
 *
 * Returns: 0 or -EINVAL.
 */
int mkms_desc_check(const struct mkms_desc *desc, const char **why)
{
	u32 crtcs, encoders;
	unsigned int i;

	if (desc->num_crtcs < 1 || desc->num_crtcs > MKMS_MAX_CRTCS) {
		*why = "needs 1 to " __stringify(MKMS_MAX_CRTCS) " CRTCs";
		return -EINVAL;
	}
	if (desc->num_encoders < 1 || desc->num_encoders > MKMS_MAX_ENCODERS) {
		*why = "needs 1 to " __stringify(MKMS_MAX_ENCODERS) " encoders";
		return -EINVAL;
	}
	if (desc->num_connectors < 1 ||
	    desc->num_connectors > MKMS_MAX_CONNECTORS) {
		*why = "needs 1 to " __stringify(MKMS_MAX_CONNECTORS)
		       " connectors";
		return -EINVAL;
	}

	for (i = 0; i < desc->num_crtcs; i++) {
		if (desc->crtcs[i].overlays > MKMS_MAX_OVERLAYS) {
			*why = "a CRTC has more than "
			       __stringify(MKMS_MAX_OVERLAYS) " overlay planes";
			return -EINVAL;
		}
	}

	crtcs = GENMASK(desc->num_crtcs - 1, 0);
	for (i = 0; i < desc->num_encoders; i++) {
		if (!desc->encoder_crtcs[i] ||
		    desc->encoder_crtcs[i] & ~crtcs) {
			*why = "an encoder has no possible CRTC";
			return -EINVAL;
		}
	}

	encoders = GENMASK(desc->num_encoders - 1, 0);
	for (i = 0; i < desc->num_connectors; i++) {
		const struct mkms_desc_connector *c = &desc->connectors[i];

		if (!c->possible_encoders || c->possible_encoders & ~encoders) {
			*why = "a connector has no possible encoder";
			return -EINVAL;
		}
		if (c->edid_len > MKMS_EDID_MAX ||
		    (u64)c->edid_offset + c->edid_len > desc->edid_bytes) {
			*why = "a connector's EDID is out of bounds";
			return -EINVAL;
		}
		if (c->status != connector_status_connected &&
		    c->status != connector_status_disconnected &&
		    c->status != connector_status_unknown) {
			*why = "a connector has an invalid status";
			return -EINVAL;
		}
	}

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mkms_desc_check);

/**
 * mkms_device_create - create a platform device for the driver to bind to
 * @desc: what the device is made of, valid (mkms_desc_check()), with its
 *	EDIDs; copied
 *
 * The device is named mkms.<id>, with the lowest id free.
 *
 * Returns: the device or an ERR_PTR(): -ENOSPC past MKMS_MAX_ID devices.
 */
struct platform_device *mkms_device_create(const struct mkms_desc *desc)
{
	struct platform_device *pdev;
	int id;

	id = ida_alloc_max(&mkms_ida, MKMS_MAX_ID, GFP_KERNEL);
	if (id < 0)
		return ERR_PTR(id);

	pdev = platform_device_register_data(NULL, MKMS_DRIVER_NAME, id, desc,
					     mkms_desc_size(desc));
	if (IS_ERR(pdev))
		ida_free(&mkms_ida, id);
	return pdev;
}

/**
 * mkms_device_destroy - remove a device made by mkms_device_create()
 * @pdev: the device; unbound first if bound, with the full unplug path
 */
void mkms_device_destroy(struct platform_device *pdev)
{
	int id = pdev->id;

	platform_device_unregister(pdev);
	ida_free(&mkms_ida, id);
}

/* ---- Module ------------------------------------------------------------- */

static struct platform_device *mkms_pdevs[MKMS_MAX_DEVICES];

/*
 * Work that may run after a device's last fd is closed and drops the last
 * references to it and to this module (mkms_crtc.c, mkms_writeback.c).
 * mkms_exit() drains it, so that no such work still runs module code when
 * the module goes.
 */
struct workqueue_struct *mkms_release_wq;

static void mkms_destroy_devices(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mkms_pdevs); i++) {
		if (mkms_pdevs[i])
			mkms_device_destroy(mkms_pdevs[i]);
		mkms_pdevs[i] = NULL;
	}
}

/* What the module parameters ask for. */
static void mkms_default_desc(struct mkms_desc *desc)
{
	unsigned int i;

	memset(desc, 0, sizeof(*desc));
	desc->num_crtcs = num_crtcs;
	desc->num_encoders = num_crtcs;
	desc->num_connectors = num_crtcs;
	for (i = 0; i < num_crtcs; i++) {
		desc->crtcs[i].overlays = num_overlays;
		desc->crtcs[i].cursor = true;
		desc->crtcs[i].writeback = true;
		desc->encoder_crtcs[i] = BIT(i);
		desc->connectors[i].possible_encoders = BIT(i);
		desc->connectors[i].status = connector_status_connected;
	}
}

static int __init mkms_init(void)
{
	struct mkms_desc *desc;
	unsigned int i;
	int ret;

	if (num_devices < 1 || num_devices > MKMS_MAX_DEVICES) {
		pr_err("mkms: num_devices=%u is out of range 1-%u\n",
		       num_devices, MKMS_MAX_DEVICES);
		return -EINVAL;
	}
	if (num_crtcs < 1 || num_crtcs > MKMS_MAX_CRTCS) {
		pr_err("mkms: num_crtcs=%u is out of range 1-%u\n",
		       num_crtcs, MKMS_MAX_CRTCS);
		return -EINVAL;
	}
	if (num_overlays > MKMS_MAX_OVERLAYS) {
		pr_err("mkms: num_overlays=%u is out of range 0-%u\n",
		       num_overlays, MKMS_MAX_OVERLAYS);
		return -EINVAL;
	}

	desc = kmalloc(sizeof(*desc), GFP_KERNEL);
	if (!desc)
		return -ENOMEM;
	mkms_default_desc(desc);

	ret = -ENOMEM;
	mkms_release_wq = alloc_workqueue("mkms_release", WQ_UNBOUND, 0);
	if (!mkms_release_wq)
		goto err_desc;

	/* Not platform_driver_probe(): that would hide bind/unbind in sysfs. */
	ret = platform_driver_register(&mkms_platform_driver);
	if (ret)
		goto err_wq;

	for (i = 0; i < num_devices; i++) {
		mkms_pdevs[i] = mkms_device_create(desc);
		if (IS_ERR(mkms_pdevs[i])) {
			ret = PTR_ERR(mkms_pdevs[i]);
			mkms_pdevs[i] = NULL;
			pr_err("mkms: cannot create device mkms.%u: %d\n",
			       i, ret);
			goto err_devices;
		}
	}

	ret = mkms_configfs_register();
	if (ret)
		goto err_devices;

	kfree(desc);
	return 0;

err_devices:
	mkms_destroy_devices();
	platform_driver_unregister(&mkms_platform_driver);
err_wq:
	destroy_workqueue(mkms_release_wq);
err_desc:
	kfree(desc);
	return ret;
}

static void __exit mkms_exit(void)
{
	mkms_configfs_unregister();
	mkms_destroy_devices();
	platform_driver_unregister(&mkms_platform_driver);
	destroy_workqueue(mkms_release_wq);
}

module_init(mkms_init);
module_exit(mkms_exit);

MODULE_DESCRIPTION("Virtual KMS driver built on DRM managed lifetimes");
MODULE_LICENSE("GPL");
