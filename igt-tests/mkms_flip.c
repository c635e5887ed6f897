// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: mkms flip
 * Description: Async page flips (DRM_MODE_PAGE_FLIP_ASYNC) on the primary
 *		plane, through the atomic ioctl (where the kernel has
 *		DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP, Linux 6.8 and later) and the
 *		legacy one. Drivers without DRM_CAP_ASYNC_PAGE_FLIP skip.
 *
 * SUBTEST: async-flip
 * Description: With the pipe's vblank interrupts held off (mkms's fault
 *		injection), async flips deliver their events while a
 *		vsynced flip's event waits for the vblanks to come back;
 *		the frame written back after an async flip, by a commit
 *		that does not touch the planes, shows the new buffer.
 *
 * SUBTEST: async-flip-refused
 * Description: An async flip to a framebuffer of another format or pitch,
 *		or between two YCbCr (NV12) framebuffers, fails with EINVAL,
 *		in a TEST_ONLY commit too, and the plane keeps its
 *		framebuffer; the same framebuffers pass a vsynced TEST_ONLY
 *		flip, and a valid async TEST_ONLY flip changes nothing.
 *
 * SUBTEST: async-formats
 * Description: Every plane has an IN_FORMATS_ASYNC blob over the formats
 *		of its IN_FORMATS blob (made by mkms where the core predates
 *		it, Linux 6.16); the primary plane's says that linear
 *		XRGB8888 and ARGB8888 flip async and NV12 does not, the other
 *		planes' that nothing does.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "dut.h"
#include "mkms_shared.h"

#ifndef DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP	/* libdrm before 2.4.120 */
#define DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP	0x15
#endif

IGT_TEST_DESCRIPTION("Async page flips: no vblank to wait for, and what may flip that way");

static struct dut data = DUT_INIT;
/* The kernel takes async flips through the atomic ioctl too. */
static bool atomic_async;

static void vblanks(struct dut *d, bool on)
{
	dut_knob_set(d, MKMS_DEBUGFS_VBLANK_STOP, on ? "0" : "1");
}

/* A test that dies with the vblanks held off must not leave them so. */
static void vblanks_on_at_exit(int sig)
{
	int dir;

	if (data.fd < 0)
		return;
	dir = igt_debugfs_dir(data.fd);
	if (dir >= 0) {
		igt_sysfs_set(dir, MKMS_DEBUGFS_VBLANK_STOP, "0");
		close(dir);
	}
}

static void require_async(struct dut *d)
{
	uint64_t cap = 0;
	int dir;

	igt_require_f(!drmGetCap(d->fd, DRM_CAP_ASYNC_PAGE_FLIP, &cap) && cap,
		      "the driver has no async page flips\n");
	atomic_async = !drmGetCap(d->fd, DRM_CAP_ATOMIC_ASYNC_PAGE_FLIP,
				  &cap) && cap;
	if (!atomic_async)
		igt_info("no async flips through the atomic ioctl: legacy only\n");

	dir = igt_debugfs_dir(d->fd);
	igt_require_f(dir >= 0 && !faccessat(dir, MKMS_DEBUGFS_VBLANK_STOP,
					     W_OK, 0),
		      "no %s to hold vblanks off\n", MKMS_DEBUGFS_VBLANK_STOP);
	close(dir);
}

/* The primary plane's FB_ID now. */
static uint32_t shown(struct dut *d)
{
	return dut_prop_value(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE,
			      d->fb_prop);
}

/* Flip @d's primary plane to @fb_id through the legacy ioctl: 0 or -errno. */
static int legacy_flip(struct dut *d, uint32_t fb_id, uint32_t flags)
{
	return drmModePageFlip(d->fd, d->crtc_id, fb_id, flags, d) ? -errno : 0;
}

/* Commit FB_ID = @fb_id on @d's primary plane with @flags: 0 or -errno. */
static int atomic_flip(struct dut *d, uint32_t fb_id, uint32_t flags)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int ret;

	igt_assert(drmModeAtomicAddProperty(req, d->plane_id, d->fb_prop,
					    fb_id) >= 0);
	ret = drmModeAtomicCommit(d->fd, req, flags, d) ? -errno : 0;
	drmModeAtomicFree(req);
	return ret;
}

/* An async flip to the back buffer, whose event must come in 2 s. */
static void async_flip(struct dut *d, bool atomic)
{
	const char *how = atomic ? "atomic" : "legacy";
	unsigned int flips = d->flips;
	uint32_t back = d->buf[!d->front].fb_id;
	int ret;

	if (atomic)
		ret = atomic_flip(d, back, DRM_MODE_PAGE_FLIP_ASYNC |
				  DRM_MODE_PAGE_FLIP_EVENT |
				  DRM_MODE_ATOMIC_NONBLOCK);
	else
		ret = legacy_flip(d, back, DRM_MODE_PAGE_FLIP_ASYNC |
				  DRM_MODE_PAGE_FLIP_EVENT);
	igt_assert_f(ret == 0, "%s async flip: %s\n", how, strerror(-ret));
	igt_assert_f(dut_wait_event(d, 2000) && d->flips == flips + 1,
		     "%s async flip: no event in 2 s without vblanks\n", how);
	igt_assert_eq_u32(shown(d), back);
}

/* The colour of pixel (@x, @y) of an XRGB8888 buffer. */
static uint32_t pixel(const struct buffer *b, uint32_t x, uint32_t y)
{
	return b->map[(size_t)y * (b->pitch / 4) + x] & 0xffffff;
}

static void test_async_flip(struct dut *d)
{
	uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay, wb;
	unsigned int flips;
	struct buffer out;

	require_async(d);
	wb = dut_find_writeback(d);
	dut_create_fb(d, &out, w, h, DRM_FORMAT_XRGB8888, 32);
	/* Link the writeback connector now: the capture below is no modeset. */
	dut_writeback(d, drmModeAtomicAlloc(), wb, &out, "first capture");

	vblanks(d, false);
	if (atomic_async)
		async_flip(d, true);
	async_flip(d, false);

	flips = d->flips;
	igt_assert_eq(dut_flip(d, DRM_MODE_PAGE_FLIP_EVENT |
			       DRM_MODE_ATOMIC_NONBLOCK), 0);
	igt_assert_f(!dut_wait_event(d, 300),
		     "a vsynced flip completed without vblanks\n");
	vblanks(d, true);
	igt_assert_f(dut_wait_event(d, 2000) && d->flips == flips + 1,
		     "the vsynced flip did not complete once vblanks came back\n");

	/* The capture's commit has no plane in it: what shows is the flip's. */
	async_flip(d, atomic_async);
	memset(out.map, 0, out.size);
	dut_writeback(d, drmModeAtomicAlloc(), wb, &out, "capture");
	for (uint32_t i = 0; i < 3; i++) {
		uint32_t x = (w - 1) * i / 2, y = (h - 1) * i / 2;

		igt_assert_f(pixel(&out, x, y) ==
			     (d->buf[d->front].map[0] & 0xffffff),
			     "pixel (%u, %u) is %06x, the buffer flipped to is %06x\n",
			     x, y, pixel(&out, x, y),
			     d->buf[d->front].map[0] & 0xffffff);
	}

	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
		igt_assert_eq(drmModeAtomicCommit(d->fd, req,
						  DRM_MODE_ATOMIC_ALLOW_MODESET,
						  NULL), 0);
		drmModeAtomicFree(req);
	}
	dut_free_fb(d, &out);
}

/* An NV12 framebuffer of @w x @h, mid grey, in one dumb buffer. */
static void create_nv12(struct dut *d, struct buffer *b, uint32_t w,
			uint32_t h)
{
	uint32_t handles[4], pitches[4], offsets[4] = { 0 };

	igt_assert_eq(drmModeCreateDumbBuffer(d->fd, w, h * 3 / 2, 8, 0,
					      &b->handle, &b->pitch, &b->size),
		      0);
	handles[0] = handles[1] = b->handle;
	pitches[0] = pitches[1] = b->pitch;
	offsets[1] = b->pitch * h;
	igt_assert_f(drmModeAddFB2(d->fd, w, h, DRM_FORMAT_NV12, handles,
				   pitches, offsets, &b->fb_id, 0) == 0,
		     "AddFB2 NV12 %ux%u: %s\n", w, h, strerror(errno));
	dut_map_buffer(d, b);
	memset(b->map, 0x80, b->size);
}

/*
 * @fb_id cannot be flipped to async from what the primary plane shows, by
 * either ioctl, but can be vsynced; the plane keeps its framebuffer.
 */
static void assert_async_refused(struct dut *d, uint32_t fb_id,
				 const char *what)
{
	uint32_t before = shown(d);
	int ret;

	if (atomic_async) {
		ret = atomic_flip(d, fb_id, DRM_MODE_PAGE_FLIP_ASYNC |
				  DRM_MODE_ATOMIC_TEST_ONLY);
		igt_assert_f(ret == -EINVAL,
			     "TEST_ONLY async flip to %s: %s, want EINVAL\n",
			     what, strerror(-ret));
		ret = atomic_flip(d, fb_id, DRM_MODE_PAGE_FLIP_ASYNC |
				  DRM_MODE_PAGE_FLIP_EVENT |
				  DRM_MODE_ATOMIC_NONBLOCK);
		igt_assert_f(ret == -EINVAL,
			     "atomic async flip to %s: %s, want EINVAL\n",
			     what, strerror(-ret));
	}
	ret = legacy_flip(d, fb_id, DRM_MODE_PAGE_FLIP_ASYNC |
			  DRM_MODE_PAGE_FLIP_EVENT);
	igt_assert_f(ret == -EINVAL,
		     "legacy async flip to %s: %s, want EINVAL\n", what,
		     strerror(-ret));
	igt_assert_f(shown(d) == before,
		     "the refused flips to %s changed FB_ID from %u to %u\n",
		     what, before, shown(d));

	ret = atomic_flip(d, fb_id, DRM_MODE_ATOMIC_TEST_ONLY);
	igt_assert_f(ret == 0, "vsynced TEST_ONLY flip to %s: %s\n", what,
		     strerror(-ret));
}

static void test_async_flip_refused(struct dut *d)
{
	uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay;
	struct buffer xbgr, wide, nv12[2];

	require_async(d);
	dut_create_fb(d, &xbgr, w, h, DRM_FORMAT_XBGR8888, 32);
	dut_create_fb(d, &wide, w + 64, h, DRM_FORMAT_XRGB8888, 32);
	create_nv12(d, &nv12[0], w, h);
	create_nv12(d, &nv12[1], w, h);

	if (atomic_async) {
		uint32_t before = shown(d);

		igt_assert_eq(atomic_flip(d, d->buf[!d->front].fb_id,
					  DRM_MODE_PAGE_FLIP_ASYNC |
					  DRM_MODE_ATOMIC_TEST_ONLY), 0);
		igt_assert_eq_u32(shown(d), before);
	}
	assert_async_refused(d, xbgr.fb_id, "another format");
	assert_async_refused(d, wide.fb_id, "another pitch");
	assert_async_refused(d, nv12[0].fb_id, "NV12 from XRGB8888");

	igt_assert_eq(atomic_flip(d, nv12[0].fb_id, 0), 0);
	assert_async_refused(d, nv12[1].fb_id, "NV12 from NV12");
	igt_assert_eq(atomic_flip(d, d->buf[d->front].fb_id, 0), 0);

	dut_free_fb(d, &xbgr);
	dut_free_fb(d, &wide);
	dut_free_fb(d, &nv12[0]);
	dut_free_fb(d, &nv12[1]);
}

/* The blob of @plane's format blob property @name; free it. */
static drmModePropertyBlobRes *format_blob(struct dut *d, uint32_t plane,
					   const char *name)
{
	uint32_t prop = dut_prop_id(d->fd, plane, DRM_MODE_OBJECT_PLANE, name);
	uint64_t id = dut_prop_value(d->fd, plane, DRM_MODE_OBJECT_PLANE,
				     prop);
	drmModePropertyBlobRes *blob = drmModeGetPropertyBlob(d->fd, id);
	const struct drm_format_modifier_blob *head;

	igt_assert_f(blob, "plane %u: %s is blob %" PRIu64 ", which is not there\n",
		     plane, name, id);
	head = blob->data;
	igt_assert_f(blob->length >= sizeof(*head) &&
		     head->version == FORMAT_BLOB_CURRENT &&
		     head->formats_offset + head->count_formats * 4 <=
		     blob->length &&
		     head->modifiers_offset + head->count_modifiers *
		     sizeof(struct drm_format_modifier) <= blob->length,
		     "plane %u: %s is no format blob\n", plane, name);
	return blob;
}

static const uint32_t *blob_formats(const drmModePropertyBlobRes *blob)
{
	const struct drm_format_modifier_blob *head = blob->data;

	return (const uint32_t *)((const char *)blob->data +
				  head->formats_offset);
}

static const struct drm_format_modifier *
blob_modifiers(const drmModePropertyBlobRes *blob)
{
	const struct drm_format_modifier_blob *head = blob->data;

	return (const void *)((const char *)blob->data +
			      head->modifiers_offset);
}

/* Whether @blob pairs @fourcc with @modifier. */
static bool blob_has(const drmModePropertyBlobRes *blob, uint32_t fourcc,
		     uint64_t modifier)
{
	const struct drm_format_modifier_blob *head = blob->data;
	const struct drm_format_modifier *mod = blob_modifiers(blob);

	for (uint32_t i = 0; i < head->count_modifiers; i++) {
		if (mod[i].modifier != modifier)
			continue;
		for (uint32_t j = 0; j < 64; j++) {
			uint32_t f = mod[i].offset + j;

			if (f < head->count_formats &&
			    (mod[i].formats >> j & 1) &&
			    blob_formats(blob)[f] == fourcc)
				return true;
		}
	}
	return false;
}

/* The number of format and modifier pairs @blob has. */
static unsigned int blob_pairs(const drmModePropertyBlobRes *blob)
{
	const struct drm_format_modifier_blob *head = blob->data;
	const struct drm_format_modifier *mod = blob_modifiers(blob);
	unsigned int n = 0;

	for (uint32_t i = 0; i < head->count_modifiers; i++)
		n += __builtin_popcountll(mod[i].formats);
	return n;
}

static void test_async_formats(struct dut *d)
{
	drmModePlaneRes *planes;
	uint64_t cap = 0;

	igt_require_f(!drmGetCap(d->fd, DRM_CAP_ASYNC_PAGE_FLIP, &cap) && cap,
		      "the driver has no async page flips\n");
	planes = drmModeGetPlaneResources(d->fd);
	igt_assert(planes);
	for (uint32_t i = 0; i < planes->count_planes; i++) {
		uint32_t id = planes->planes[i];
		drmModePropertyBlobRes *sync = format_blob(d, id, "IN_FORMATS");
		drmModePropertyBlobRes *async = format_blob(d, id,
							    "IN_FORMATS_ASYNC");
		const struct drm_format_modifier_blob *hs = sync->data;
		const struct drm_format_modifier_blob *ha = async->data;
		uint64_t type = dut_prop_value(d->fd, id, DRM_MODE_OBJECT_PLANE,
					       dut_prop_id(d->fd, id,
							   DRM_MODE_OBJECT_PLANE,
							   "type"));

		igt_assert_f(ha->count_formats == hs->count_formats &&
			     !memcmp(blob_formats(async), blob_formats(sync),
				     hs->count_formats * 4),
			     "plane %u: IN_FORMATS_ASYNC lists other formats than IN_FORMATS\n",
			     id);
		if (type == DRM_PLANE_TYPE_PRIMARY) {
			igt_assert_f(blob_has(async, DRM_FORMAT_XRGB8888,
					      DRM_FORMAT_MOD_LINEAR) &&
				     blob_has(async, DRM_FORMAT_ARGB8888,
					      DRM_FORMAT_MOD_LINEAR),
				     "primary plane %u: linear XRGB8888 or ARGB8888 cannot flip async\n",
				     id);
			igt_assert_f(!blob_has(async, DRM_FORMAT_NV12,
					       DRM_FORMAT_MOD_LINEAR),
				     "primary plane %u: NV12 flips async\n",
				     id);
		} else {
			igt_assert_f(blob_pairs(async) == 0,
				     "plane %u of type %" PRIu64 ": %u formats flip async\n",
				     id, type, blob_pairs(async));
		}
		drmModeFreePropertyBlob(sync);
		drmModeFreePropertyBlob(async);
	}
	drmModeFreePlaneResources(planes);
}

int igt_main()
{
	igt_fixture() {
		dut_open(&data);
		dut_set_mode(&data);
		igt_install_exit_handler(vblanks_on_at_exit);
	}

	igt_describe("Async flips complete without a vblank and show the new buffer.");
	igt_subtest("async-flip")
		test_async_flip(&data);

	igt_describe("Async flips that change more than the address are refused.");
	igt_subtest("async-flip-refused")
		test_async_flip_refused(&data);

	igt_describe("IN_FORMATS_ASYNC says what can flip async, on every plane.");
	igt_subtest("async-formats")
		test_async_formats(&data);

	igt_fixture()
		dut_close(&data);
}
