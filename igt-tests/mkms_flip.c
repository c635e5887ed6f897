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
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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
	uint64_t offset;

	igt_assert_eq(drmModeCreateDumbBuffer(d->fd, w, h * 3 / 2, 8, 0,
					      &b->handle, &b->pitch, &b->size),
		      0);
	handles[0] = handles[1] = b->handle;
	pitches[0] = pitches[1] = b->pitch;
	offsets[1] = b->pitch * h;
	igt_assert_f(drmModeAddFB2(d->fd, w, h, DRM_FORMAT_NV12, handles,
				   pitches, offsets, &b->fb_id, 0) == 0,
		     "AddFB2 NV12 %ux%u: %s\n", w, h, strerror(errno));
	igt_assert_eq(drmModeMapDumbBuffer(d->fd, b->handle, &offset), 0);
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      d->fd, offset);
	igt_assert(b->map != MAP_FAILED);
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

	igt_fixture()
		dut_close(&data);
}
