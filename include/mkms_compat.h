/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels mkms builds on: Debian's Linux 6.1 and
 * 6.12 and sid's 7.2. Kept in this one header so that drm-driver/ has no
 * version checks in its logic. The driver is written against the newer
 * interface wherever a shim can give it to older kernels; each shim names
 * the release that made the change and is checked against the real headers
 * of all three by make check (host build w1-sparse-<version>).
 *
 * Kernel-only: the tests include mkms_shared.h, never this.
 */

#ifndef MKMS_COMPAT_H
#define MKMS_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_blend.h>
#include <drm/drm_edid.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_prime.h>
#include <drm/drm_plane.h>
#include <drm/drm_property.h>
#include <drm/drm_writeback.h>

/* 6.12 moved <asm/unaligned.h> to <linux/unaligned.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 7.x renamed struct drm_atomic_state to struct drm_atomic_commit. The
 * driver keeps the old name and 7.x gets a #define, which is safe there
 * as no 7.x identifier is spelled drm_atomic_state. The other way round
 * would not be: on 6.x "#define drm_atomic_commit drm_atomic_state" also
 * renames the function drm_atomic_commit().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)
#define drm_atomic_state drm_atomic_commit
#endif

/*
 * 6.15 gave drm_plane_helper_funcs.atomic_async_check a third argument,
 * flip: true when the core asks whether a plane other than the primary
 * can take part in an async page flip, false for a legacy cursor update,
 * the only question before. The driver's hook takes the three;
 * MKMS_ASYNC_CHECK_SHIM(fn) defines fn_compat(), the hook with the
 * kernel's arguments, which asks fn (with flip false before 6.15).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define MKMS_ASYNC_CHECK_SHIM(fn)					\
static int fn##_compat(struct drm_plane *plane,				\
		       struct drm_atomic_state *state, bool flip)	\
{									\
	return fn(plane, state, flip);					\
}
#else
#define MKMS_ASYNC_CHECK_SHIM(fn)					\
static int fn##_compat(struct drm_plane *plane,				\
		       struct drm_atomic_state *state)			\
{									\
	return fn(plane, state, false);					\
}
#endif

/*
 * 7.x added kzalloc_obj() (typed, GFP_KERNEL if no flags are given), which
 * its checkpatch prefers to kzalloc(sizeof(...)). Pass the flags: before
 * 7.x they are not optional.
 */
#ifndef kzalloc_obj
#define kzalloc_obj(P, GFP)	kzalloc(sizeof(P), GFP)
#endif

/*
 * DRM_GEM_SHMEM_DRIVER_OPS without its dumb_create, which the driver
 * wraps: the macro's other fields changed twice, and setting dumb_create
 * again after it trips -Woverride-init and sparse. 6.6 made the PRIME
 * fd/handle and mmap helpers the core's defaults; 6.16 imports a dma-buf
 * without mapping it.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define MKMS_GEM_SHMEM_PRIME_OPS \
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd, \
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle, \
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table, \
	.gem_prime_mmap = drm_gem_prime_mmap
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 16, 0)
#define MKMS_GEM_SHMEM_PRIME_OPS \
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table
#else
#define MKMS_GEM_SHMEM_PRIME_OPS \
	.gem_prime_import = drm_gem_shmem_prime_import_no_map
#endif

/* 6.13 added hrtimer_setup(), which sets the callback; 7.x has no other. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void
hrtimer_setup(struct hrtimer *timer,
	      enum hrtimer_restart (*function)(struct hrtimer *),
	      clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * 6.11 made platform_driver.remove return void. Before, the void variant
 * was .remove_new (6.3, and in Debian's 6.1 through the stable series).
 * Use as ".MKMS_PLATFORM_REMOVE = fn".
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define MKMS_PLATFORM_REMOVE remove
#else
#define MKMS_PLATFORM_REMOVE remove_new
#endif

/*
 * 6.14 removed drm_driver.date; before, DRM_IOCTL_VERSION copies it and
 * warns if it is unset. Put MKMS_DRM_DRIVER_DATE in the drm_driver
 * initializer; the date is MKMS_DRIVER_DATE.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
#define MKMS_DRM_DRIVER_DATE	.date = MKMS_DRIVER_DATE,
#else
#define MKMS_DRM_DRIVER_DATE
#endif

/*
 * 6.2 made drm_gem_fb_create() refuse a format and modifier that no plane
 * supports ("drm/gem: Check for valid formats"); 6.1's takes any modifier,
 * and its ADDFB2 does not check either. Give 6.1 the check.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
static inline struct drm_framebuffer *
mkms_compat_gem_fb_create(struct drm_device *dev, struct drm_file *file,
			  const struct drm_mode_fb_cmd2 *mode_cmd)
{
	if (!drm_any_plane_has_format(dev, mode_cmd->pixel_format,
				      mode_cmd->modifier[0]))
		return ERR_PTR(-EINVAL);
	return drm_gem_fb_create(dev, file, mode_cmd);
}

#define drm_gem_fb_create mkms_compat_gem_fb_create
#endif

/* DEFINE_SHOW_STORE_ATTRIBUTE() (_show for seq_file, _write) is not in 6.1. */
#ifndef DEFINE_SHOW_STORE_ATTRIBUTE
#define DEFINE_SHOW_STORE_ATTRIBUTE(__name)				\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations __name ## _fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.write		= __name ## _write,				\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}
#endif

/*
 * 6.8 renamed drm_atomic_helper_check_wb_encoder_state() to
 * drm_atomic_helper_check_wb_connector_state() and made it take the
 * connector and the atomic state.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
static inline int
drm_atomic_helper_check_wb_connector_state(struct drm_connector *connector,
					   struct drm_atomic_state *state)
{
	struct drm_writeback_connector *wb =
		drm_connector_to_writeback(connector);

	return drm_atomic_helper_check_wb_encoder_state(&wb->encoder,
		drm_atomic_get_new_connector_state(state, connector));
}
#endif

/*
 * 6.3 split adding the EDID's modes out of drm_edid_connector_update()
 * into drm_edid_connector_add_modes(); before, the update added them.
 * Returns the number of modes added.
 */
static inline int mkms_edid_connector_update(struct drm_connector *connector,
					     const struct drm_edid *drm_edid)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
	return drm_edid_connector_update(connector, drm_edid);
#else
	drm_edid_connector_update(connector, drm_edid);
	return drm_edid_connector_add_modes(connector);
#endif
}

/*
 * The core's BACKGROUND_COLOR CRTC property (drm_crtc_state.background_color,
 * drm_crtc_attach_background_color_property()) came after 6.12 together
 * with the uAPI's DRM_ARGB64_*() macros; sid's 7.2 has both. The test is on
 * the macro, which names the feature, as no release list is at hand here.
 * Without it the CRTC has no such property and its background is black,
 * as the core documents for drivers that do not expose one.
 */
#ifdef DRM_ARGB64_PREP
static inline void mkms_crtc_attach_background(struct drm_crtc *crtc)
{
	drm_crtc_attach_background_color_property(crtc);
}

static inline u64 mkms_crtc_background(const struct drm_crtc_state *state)
{
	return state->background_color;
}
#else
static inline void mkms_crtc_attach_background(struct drm_crtc *crtc)
{
}

static inline u64 mkms_crtc_background(const struct drm_crtc_state *state)
{
	return 0;
}
#endif

/*
 * 6.16 added the IN_FORMATS_ASYNC plane property and
 * drm_plane_funcs.format_mod_supported_async, from which the core makes it
 * for every plane. Put MKMS_PLANE_ASYNC_FORMATS in the drm_plane_funcs
 * initializer, whose hook is mkms_plane_format_mod_supported_async(), and
 * call mkms_plane_attach_async_formats() on each plane once it exists: on
 * 6.16 and later it does nothing.
 *
 * Before 6.16 the shim makes the same property. A driver that does async
 * flips and has IN_FORMATS but no IN_FORMATS_ASYNC leaves userspace to
 * guess what can flip async: IGT warns about it in every test that sets up
 * the display. The blob is the core's (struct drm_format_modifier_blob over
 * the plane's formats and modifiers, a format's bit set where @supported
 * says so); the property and the blob are on the mode config's lists, so
 * drm_mode_config_cleanup() frees them with the core's own.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define MKMS_PLANE_ASYNC_FORMATS \
	.format_mod_supported_async = mkms_plane_format_mod_supported_async,

static inline int
mkms_plane_attach_async_formats(struct drm_plane *plane,
				bool (*supported)(struct drm_plane *plane,
						  u32 format, u64 modifier))
{
	return 0;
}
#else
#define MKMS_PLANE_ASYNC_FORMATS

static inline int
mkms_plane_attach_async_formats(struct drm_plane *plane,
				bool (*supported)(struct drm_plane *plane,
						  u32 format, u64 modifier))
{
	struct drm_device *dev = plane->dev;
	size_t formats_size = array_size(plane->format_count, sizeof(u32));
	struct drm_format_modifier_blob *head;
	struct drm_format_modifier *mod;
	struct drm_property_blob *blob;
	struct drm_property *prop;
	unsigned int i, j;
	bool found = false;

	/* One property per device: the first plane makes it. */
	list_for_each_entry(prop, &dev->mode_config.property_list, head) {
		if (!strcmp(prop->name, "IN_FORMATS_ASYNC")) {
			found = true;
			break;
		}
	}
	if (!found) {
		prop = drm_property_create(dev, DRM_MODE_PROP_IMMUTABLE |
					   DRM_MODE_PROP_BLOB,
					   "IN_FORMATS_ASYNC", 0);
		if (!prop)
			return -ENOMEM;
	}

	blob = drm_property_create_blob(dev, sizeof(*head) +
					ALIGN(formats_size, 8) +
					plane->modifier_count * sizeof(*mod),
					NULL);
	if (IS_ERR(blob))
		return PTR_ERR(blob);

	head = blob->data;
	head->version = FORMAT_BLOB_CURRENT;
	head->count_formats = plane->format_count;
	head->formats_offset = sizeof(*head);
	head->count_modifiers = plane->modifier_count;
	head->modifiers_offset = ALIGN(head->formats_offset + formats_size, 8);
	memcpy((void *)head + head->formats_offset, plane->format_types,
	       formats_size);

	/* A format's bit is BIT_ULL(j): plane init refuses over 64 formats. */
	mod = (void *)head + head->modifiers_offset;
	for (i = 0; i < plane->modifier_count; i++, mod++) {
		for (j = 0; j < plane->format_count; j++)
			if (supported(plane, plane->format_types[j],
				      plane->modifiers[i]))
				mod->formats |= BIT_ULL(j);
		mod->modifier = plane->modifiers[i];
	}

	drm_object_attach_property(&plane->base, prop, blob->base.id);
	return 0;
}
#endif

/*
 * 6.13 made symbol namespaces string literals: the KUnit tests import the
 * one EXPORT_SYMBOL_IF_KUNIT() exports to with MKMS_IMPORT_KUNIT_NS().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MKMS_IMPORT_KUNIT_NS()	MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define MKMS_IMPORT_KUNIT_NS()	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

#endif /* MKMS_COMPAT_H */
