// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: mkms demo
 * Description: What 'make demo' shows, told step by step on stdout: a
 *		frame composed from three planes and captured through the
 *		writeback connector, then an unbind while a client holds the
 *		device open with a page flip in flight. Each step is also
 *		checked, so the demo cannot silently stop showing what it says.
 *
 * SUBTEST: capture
 * Description: Colour bars on the primary plane, a translucent panel on an
 *		overlay and an arrow on the cursor plane, composed and written
 *		back; the captured frame has each plane where it was put. With
 *		MKMS_DEMO_PPM=FILE in the environment the frame is saved there
 *		as a binary PPM.
 *
 * SUBTEST: unbind-story
 * Description: Unbind with the fd open, a buffer mapped and a page flip
 *		queued: the flip event arrives, ioctls fail with ENODEV, the
 *		mapping still reads and writes, close succeeds, and a bind gives
 *		a device that sets a mode and flips again.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "dut.h"

IGT_TEST_DESCRIPTION("The make demo story: three planes captured through writeback, then an unbind under an open fd");

#define PANEL_W		512
#define PANEL_H		256
#define CURSOR		64
/* Pre-multiplied ARGB: the panel's fill is 5/8 opaque dark blue. */
#define PANEL_FILL	0xa0101850u
#define PANEL_BORDER	0xffffffffu
#define PANEL_BORDER_W	6

static struct dut data = DUT_INIT;

/* SMPTE-like bars over the top two thirds, a grey ramp below. */
static const uint32_t bars[] = {
	0xffc0c0c0, 0xffc0c000, 0xff00c0c0, 0xff00c000,
	0xffc000c0, 0xffc00000, 0xff0000c0, 0xff101010,
};

/* The mode set by dut_set_mode() is data.mode. */
static uint32_t primary_pixel(uint32_t x, uint32_t y)
{
	const drmModeModeInfo *m = &data.mode;
	uint32_t grey;

	if (y < m->vdisplay * 2 / 3)
		return bars[x * ARRAY_SIZE(bars) / m->hdisplay];
	grey = x * 255 / (m->hdisplay - 1);
	return 0xff000000 | grey << 16 | grey << 8 | grey;
}

static uint32_t clear_pixel(uint32_t x, uint32_t y)
{
	return 0;
}

static uint32_t panel_pixel(uint32_t x, uint32_t y)
{
	if (x < PANEL_BORDER_W || y < PANEL_BORDER_W ||
	    x >= PANEL_W - PANEL_BORDER_W || y >= PANEL_H - PANEL_BORDER_W)
		return PANEL_BORDER;
	return PANEL_FILL;
}

/* An arrow pointing up-left: white, outlined in black, clear around. */
static uint32_t cursor_pixel(uint32_t x, uint32_t y)
{
	if (y >= 48 || x > y / 2 + 1 || (y > 36 && x > 48 - y))
		return 0;
	if (x == 0 || x >= y / 2 || y == 47)
		return 0xff000000;
	return 0xffffffff;
}

/* A 32 bpp framebuffer of @w x @h, mapped, with pixel(x, y) drawn in it. */
static void create_fb(struct dut *d, struct buffer *b, uint32_t w, uint32_t h,
		      uint32_t fourcc, uint32_t (*pixel)(uint32_t x, uint32_t y))
{
	dut_create_fb(d, b, w, h, fourcc, 32);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			b->map[y * (b->pitch / 4) + x] = pixel(x, y);
}

static void place(drmModeAtomicReq *req, struct dut *d, uint32_t plane,
		  struct buffer *b, uint32_t x, uint32_t y, uint32_t w,
		  uint32_t h)
{
	if (b) {
		dut_add_plane(req, d, plane, b->fb_id, w, h, x, y, w, h);
	} else {
		dut_add(req, d, plane, DRM_MODE_OBJECT_PLANE, "FB_ID", 0);
		dut_add(req, d, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID", 0);
	}
}

/* Blend pre-multiplied @fg over opaque @bg, per channel. */
static uint32_t over(uint32_t fg, uint32_t bg)
{
	uint32_t a = fg >> 24, out = 0xff000000;

	for (int s = 0; s < 24; s += 8) {
		uint32_t c = ((fg >> s) & 0xff) +
			     (((bg >> s) & 0xff) * (255 - a) + 127) / 255;

		out |= (c > 255 ? 255 : c) << s;
	}
	return out;
}

static void expect(struct buffer *out, uint32_t x, uint32_t y, uint32_t want,
		   const char *what)
{
	uint32_t got = out->map[y * (out->pitch / 4) + x] & 0xffffff;

	want &= 0xffffff;
	for (int s = 0; s < 24; s += 8)
		igt_assert_f(abs((int)((got >> s) & 0xff) -
				 (int)((want >> s) & 0xff)) <= 1,
			     "%s at (%u, %u): captured 0x%06x, want 0x%06x\n",
			     what, x, y, got, want);
}

static void save_ppm(struct buffer *out, uint32_t w, uint32_t h,
		     const char *path)
{
	FILE *f = fopen(path, "wb");

	igt_assert_f(f, "%s: %s\n", path, strerror(errno));
	fprintf(f, "P6\n%u %u\n255\n", w, h);
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint32_t p = out->map[y * (out->pitch / 4) + x];

			fputc(p >> 16 & 0xff, f);
			fputc(p >> 8 & 0xff, f);
			fputc(p & 0xff, f);
		}
	}
	igt_assert_eq(fclose(f), 0);
	igt_info("saved the captured frame as %s (%ux%u PPM)\n", path, w, h);
}

static void test_capture(struct dut *d)
{
	const drmModeModeInfo *m = &d->mode;
	uint32_t overlay, cursor, wb, px, py, cx, cy;
	struct buffer primary, panel, arrow, out;
	const char *ppm = getenv("MKMS_DEMO_PPM");
	drmModeAtomicReq *req;

	overlay = dut_plane_of_type(d, DRM_PLANE_TYPE_OVERLAY);
	cursor = dut_plane_of_type(d, DRM_PLANE_TYPE_CURSOR);
	igt_require_f(overlay && cursor, "no overlay or no cursor plane\n");
	wb = dut_find_writeback(d);
	igt_require(m->hdisplay >= PANEL_W + CURSOR &&
		    m->vdisplay >= PANEL_H + CURSOR);
	px = (m->hdisplay - PANEL_W) / 2;
	py = (m->vdisplay - PANEL_H) / 2;
	cx = px + PANEL_W - CURSOR / 2;
	cy = py + PANEL_H - CURSOR / 2;

	create_fb(d, &primary, m->hdisplay, m->vdisplay, DRM_FORMAT_XRGB8888,
		  primary_pixel);
	create_fb(d, &panel, PANEL_W, PANEL_H, DRM_FORMAT_ARGB8888,
		  panel_pixel);
	create_fb(d, &arrow, CURSOR, CURSOR, DRM_FORMAT_ARGB8888,
		  cursor_pixel);
	create_fb(d, &out, m->hdisplay, m->vdisplay, DRM_FORMAT_XRGB8888,
		  clear_pixel);
	igt_info("mode %s@%u: primary XRGB8888 colour bars, overlay ARGB8888 %ux%u panel at (%u, %u), cursor ARGB8888 %ux%u arrow at (%u, %u)\n",
		 m->name, m->vrefresh, PANEL_W,
		 PANEL_H, px, py, CURSOR, CURSOR, cx, cy);

	req = drmModeAtomicAlloc();
	place(req, d, d->plane_id, &primary, 0, 0, m->hdisplay, m->vdisplay);
	place(req, d, overlay, &panel, px, py, PANEL_W, PANEL_H);
	place(req, d, cursor, &arrow, cx, cy, CURSOR, CURSOR);
	dut_writeback(d, req, wb, &out, "three planes");
	igt_info("the writeback connector's out-fence signalled: the frame is captured\n");

	/* Each plane where it was put, blended as the equations say. */
	expect(&out, 8, 8, primary_pixel(8, 8), "primary bars");
	expect(&out, 8, m->vdisplay - 8, primary_pixel(8, m->vdisplay - 8),
	       "primary ramp");
	expect(&out, px + 1, py + 1, PANEL_BORDER, "overlay border");
	expect(&out, px + 40, py + 40,
	       over(PANEL_FILL, primary_pixel(px + 40, py + 40)),
	       "overlay over the bars");
	expect(&out, cx + 2, cy + 20, cursor_pixel(2, 20), "cursor arrow");
	expect(&out, cx + 30, cy + 5, PANEL_BORDER,
	       "the panel's border through the cursor's clear pixels");
	igt_info("checked: bars and ramp, the panel's border and its blend over the bars, the arrow\n");

	if (ppm)
		save_ppm(&out, m->hdisplay, m->vdisplay, ppm);

	req = drmModeAtomicAlloc();
	place(req, d, d->plane_id, &d->buf[d->front], 0, 0, m->hdisplay,
	      m->vdisplay);
	place(req, d, overlay, NULL, 0, 0, 0, 0);
	place(req, d, cursor, NULL, 0, 0, 0, 0);
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req,
					  DRM_MODE_ATOMIC_ALLOW_MODESET, NULL),
		      0);
	drmModeAtomicFree(req);
	dut_free_fb(d, &primary);
	dut_free_fb(d, &panel);
	dut_free_fb(d, &arrow);
	dut_free_fb(d, &out);
}

static void test_unbind_story(struct dut *d)
{
	struct buffer *b = &d->buf[d->front];
	uint32_t drawn = b->map[0];
	drmModeRes *res;
	int ret;

	igt_info("client: fd %d open on %s, a %ux%u buffer mapped, page flip queued\n",
		 d->fd, d->bus_addr, d->mode.hdisplay, d->mode.vdisplay);
	d->flips = 0;
	igt_assert_eq(dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK |
			       DRM_MODE_PAGE_FLIP_EVENT), 0);

	igt_info("root: echo %s > /sys/bus/platform/drivers/mkms/unbind\n",
		 d->bus_addr);
	dut_unbind(d);

	igt_assert_f(dut_wait_event(d, 2000) && d->flips == 1,
		     "the queued flip's event did not arrive\n");
	igt_info("client: the queued flip's event arrived\n");

	res = drmModeGetResources(d->fd);
	igt_assert_f(!res && errno == ENODEV,
		     "GETRESOURCES: want ENODEV, got %s\n",
		     res ? "success" : strerror(errno));
	igt_info("client: DRM_IOCTL_MODE_GETRESOURCES: %s\n", strerror(errno));
	ret = dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK);
	igt_assert_eq(ret, -ENODEV);
	igt_info("client: DRM_IOCTL_MODE_ATOMIC (page flip): %s\n",
		 strerror(-ret));

	igt_assert_eq_u32(b->map[0], drawn);
	b->map[1] = 0x12345678;
	igt_assert_eq_u32(b->map[1], 0x12345678);
	igt_info("client: the mapped buffer still reads what was drawn (0x%08x) and takes writes\n",
		 drawn);

	dut_close(d);
	igt_info("client: munmap and close: done, the last reference to the old device is gone\n");

	igt_info("root: echo %s > /sys/bus/platform/drivers/mkms/bind\n",
		 d->bus_addr);
	dut_rebind_and_flip(d);
	igt_info("client: the new device set %s and completed a page flip\n",
		 d->mode.name);
}

int igt_main()
{
	igt_fixture() {
		dut_open(&data);
		dut_find_driver(&data);
		dut_set_mode(&data);
	}

	igt_describe("Three planes composed and captured through writeback.");
	igt_subtest("capture") {
		dut_ensure(&data);
		test_capture(&data);
	}

	igt_describe("Unbind under an open fd with a flip queued, then bind.");
	igt_subtest("unbind-story") {
		dut_ensure(&data);
		test_unbind_story(&data);
	}

	igt_fixture()
		dut_close(&data);
}
