// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: mkms blend
 * Description: Check what the display engine composes, through the
 *		writeback connector: plane alpha, the three pixel blend modes
 *		and zpos, against the equations in the DRM documentation.
 *		Drivers without the properties skip.
 *
 * SUBTEST: blend-modes
 * Description: An ARGB overlay over an opaque primary, with each pixel
 *		blend mode and plane alpha 1, 1/2 and 0; the written-back
 *		pixels match the documented equation to within one step.
 *
 * SUBTEST: zpos-swap
 * Description: The overlay below the opaque primary is hidden, above it
 *		it shows; zpos decides, not the plane type.
 *
 * SUBTEST: rotation
 * Description: A 64x32 overlay with four coloured quadrants, rotated by 0,
 *		90, 180 and 270 degrees and reflected along x and y: each
 *		quadrant lands where the rotation property's definition puts
 *		it (reflect, then rotate counter-clockwise).
 *
 * SUBTEST: scaling
 * Description: A 64x32 overlay scaled up and down, by whole and fractional
 *		factors, from a part of its framebuffer at fractional source
 *		coordinates, rotated and reflected: each written-back pixel
 *		is the source pixel under the destination pixel's centre
 *		(nearest neighbour), and the primary shows right around it.
 *		The cursor plane refuses to scale (ERANGE).
 *
 * SUBTEST: plane-formats
 * Description: Every packed RGB format the overlay lists is read right: a
 *		colour encoded in it comes back through writeback as that
 *		colour quantized to the format, to within one 8-bit step.
 *
 * SUBTEST: grey-formats
 * Description: Every grey format the overlay lists (R1, R2, R4, R8) is
 *		read right: a ramp of levels, the first pixel of a byte in
 *		its high bits, comes back through writeback as greys, red,
 *		green and blue alike, to within one 8-bit step.
 *
 * SUBTEST: yuv-formats
 * Description: Every YCbCr format the overlay lists (NV12 to NV42, the
 *		three-plane YUV/YVU ones, P010, P012, P016) is read right:
 *		four quadrants of colours encoded with BT.709 in limited
 *		range come back through writeback as the colours their codes
 *		decode to, to within one 8-bit step; NV12 also with BT.601
 *		and BT.2020 in both ranges. The chroma of each quadrant has
 *		its own samples, so a plane read at the wrong place, pitch or
 *		subsampling, or Cb and Cr swapped, shows.
 *
 * SUBTEST: fb-offset
 * Description: A framebuffer that starts inside its buffer (offsets[0]
 *		past a first band of pixels) shows its own pixels, not those
 *		before or after it in the buffer.
 *
 * SUBTEST: background-color
 * Description: The CRTC's BACKGROUND_COLOR shows where no plane does and
 *		under a translucent overlay, channels in their places, opaque
 *		whatever its alpha says, and back to black when set back to
 *		its default. Skips where the kernel has no such property
 *		(before Linux 7.x).
 *
 * SUBTEST: same-without-crc
 * Description: The frame written back is the same, bit for bit, whether
 *		the CRTC's CRC capture is on or off: a gradient primary whose
 *		X bits are not all ones, a translucent overlay and cursor
 *		crossing each other, then an opaque overlay over all of it,
 *		written back as XRGB8888, ARGB8888 and XRGB2101010. (mkms's
 *		engine copies what an opaque plane alone shows: into the
 *		CRC's line and from there to the writeback destination with
 *		capture on, straight to the destination without.)
 *
 * SUBTEST: max-bpc
 * Description: The connector's "max bpc" ranges over 8 to 10 and starts at
 *		8, and the core's debugfs output_bpc says the monitor, which
 *		has no EDID, tells no depth ("Maximum: 0"), which the core
 *		takes as 8. The CRC is taken at the depth the pipe sends,
 *		the smaller of the two: two XRGB2101010 greys one 10-bit
 *		step apart have one CRC at "max bpc" 8, at 10 and back at 8
 *		again. A new value is a
 *		modeset (refused without ALLOW_MODESET); values out of the
 *		range are refused. mkms must have the property; other
 *		drivers without it skip.
 *
 * SUBTEST: deep-monitor
 * Description: A monitor whose EDID (the core's debugfs edid_override)
 *		says it takes 10 bits a channel has output_bpc "Maximum: 10",
 *		and the pipe sends it what "max bpc" allows: the two greys
 *		have two CRCs at "max bpc" 10, one at 8 and two at 10 again.
 *		Taking the override away brings the monitor without an EDID
 *		back ("Maximum: 0"). Skips like max-bpc.
 *
 * SUBTEST: crc-dirtyfb
 * Description: With CRC capture on, a picture drawn into the framebuffer
 *		on screen has its CRC once DIRTYFB says it is there: the CRC
 *		of the same picture shown from another framebuffer, not the
 *		one of the picture before. (mkms keeps the CRC of the latest
 *		composition until something it composes changes, and
 *		DIRTYFB is such a change.) Drivers without DIRTYFB (ENOSYS)
 *		must scan memory out by themselves, and get the same checks.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
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

/* Linux 6.8's; older libdrm headers do not have them. */
#ifndef DRM_FORMAT_R1
#define DRM_FORMAT_R1	fourcc_code('R', '1', ' ', ' ')
#define DRM_FORMAT_R2	fourcc_code('R', '2', ' ', ' ')
#define DRM_FORMAT_R4	fourcc_code('R', '4', ' ', ' ')
#endif

IGT_TEST_DESCRIPTION("Check plane alpha, blend modes and zpos through writeback");

#define OVL_SIZE	64
#define OVL_X		32
#define OVL_Y		48
/* The overlay's pixel, straight or pre-multiplied as each mode reads it. */
#define OVL_PIXEL	0x80604020u
/* The primary's colour, opaque (dut_set_mode()'s first buffer). */
#define PRIMARY_PIXEL	0xff0000ffu

static struct dut data = DUT_INIT;

struct scene {
	uint32_t overlay, wb;
	struct buffer ovl, out;
};

static bool has_prop(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props;
	bool found = false;

	props = drmModeObjectGetProperties(fd, obj, type);
	for (uint32_t i = 0; props && i < props->count_props && !found; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		found = p && !strcmp(p->name, name);
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return found;
}

/* The value of enum property @name's entry @entry. */
static uint64_t enum_value(int fd, uint32_t obj, uint32_t type,
			   const char *name, const char *entry)
{
	drmModePropertyRes *p;
	uint64_t value = 0;
	bool found = false;

	p = drmModeGetProperty(fd, dut_prop_id(fd, obj, type, name));
	igt_assert(p);
	for (int i = 0; i < p->count_enums && !found; i++) {
		if (!strcmp(p->enums[i].name, entry)) {
			value = p->enums[i].value;
			found = true;
		}
	}
	drmModeFreeProperty(p);
	igt_require_f(found, "%s has no \"%s\"\n", name, entry);
	return value;
}

/*
 * A packed RGB format: the pixel is a little-endian integer of cpp bytes
 * with red, green, blue and alpha at these bits (alpha width 0: none).
 */
struct rgb_format {
	uint32_t fourcc;
	const char *name;
	int cpp;
	int shift[4], bits[4];
};

#define RGB(f, c, rs, gs, bs, as, rb, gb, bb, ab) \
	{ DRM_FORMAT_##f, #f, c, { rs, gs, bs, as }, { rb, gb, bb, ab } }

static const struct rgb_format rgb_formats[] = {
	RGB(XRGB8888, 4, 16, 8, 0, 0, 8, 8, 8, 0),
	RGB(ARGB8888, 4, 16, 8, 0, 24, 8, 8, 8, 8),
	RGB(XBGR8888, 4, 0, 8, 16, 0, 8, 8, 8, 0),
	RGB(ABGR8888, 4, 0, 8, 16, 24, 8, 8, 8, 8),
	RGB(RGBX8888, 4, 24, 16, 8, 0, 8, 8, 8, 0),
	RGB(RGBA8888, 4, 24, 16, 8, 0, 8, 8, 8, 8),
	RGB(BGRX8888, 4, 8, 16, 24, 0, 8, 8, 8, 0),
	RGB(BGRA8888, 4, 8, 16, 24, 0, 8, 8, 8, 8),
	RGB(XRGB2101010, 4, 20, 10, 0, 0, 10, 10, 10, 0),
	RGB(ARGB2101010, 4, 20, 10, 0, 30, 10, 10, 10, 2),
	RGB(XBGR2101010, 4, 0, 10, 20, 0, 10, 10, 10, 0),
	RGB(ABGR2101010, 4, 0, 10, 20, 30, 10, 10, 10, 2),
	RGB(RGB888, 3, 16, 8, 0, 0, 8, 8, 8, 0),
	RGB(BGR888, 3, 0, 8, 16, 0, 8, 8, 8, 0),
	RGB(RGB565, 2, 11, 5, 0, 0, 5, 6, 5, 0),
	RGB(BGR565, 2, 0, 5, 11, 0, 5, 6, 5, 0),
	RGB(XRGB1555, 2, 10, 5, 0, 0, 5, 5, 5, 0),
	RGB(ARGB1555, 2, 10, 5, 0, 15, 5, 5, 5, 1),
	RGB(XRGB16161616, 8, 32, 16, 0, 0, 16, 16, 16, 0),
	RGB(ARGB16161616, 8, 32, 16, 0, 48, 16, 16, 16, 16),
	RGB(XBGR16161616, 8, 0, 16, 32, 0, 16, 16, 16, 0),
	RGB(ABGR16161616, 8, 0, 16, 32, 48, 16, 16, 16, 16),
};

static const struct rgb_format argb8888 = RGB(ARGB8888, 4, 16, 8, 0, 24,
					      8, 8, 8, 8);

/* An 8-bit channel in @bits bits, rounded to nearest. */
static uint64_t quantize(unsigned int c8, int bits)
{
	uint64_t max = (1ull << bits) - 1;

	return (c8 * max + 127) / 255;
}

/* The 8-bit ARGB colour @argb encoded in @f. */
static uint64_t encode(const struct rgb_format *f, uint32_t argb)
{
	static const int at[4] = { 16, 8, 0, 24 };
	uint64_t px = 0;

	for (int c = 0; c < 4; c++)
		if (f->bits[c])
			px |= quantize((argb >> at[c]) & 0xff, f->bits[c]) <<
			      f->shift[c];
	return px;
}

static void create_fb(struct dut *d, struct buffer *b, uint32_t w,
		      uint32_t h, const struct rgb_format *f, uint32_t argb)
{
	uint64_t px = encode(f, argb);

	dut_create_fb(d, b, w, h, f->fourcc, f->cpp * 8);
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *row = (uint8_t *)b->map + (size_t)y * b->pitch;

		for (uint32_t x = 0; x < w; x++)
			for (int i = 0; i < f->cpp; i++)
				row[x * f->cpp + i] = px >> (8 * i);
	}
}

static void scene_init(struct dut *d, struct scene *s)
{
	s->overlay = dut_plane_of_type(d, DRM_PLANE_TYPE_OVERLAY);
	igt_require_f(s->overlay, "no overlay plane\n");
	s->wb = dut_find_writeback(d);
	create_fb(d, &s->ovl, OVL_SIZE, OVL_SIZE, &argb8888, OVL_PIXEL);
	create_fb(d, &s->out, d->mode.hdisplay, d->mode.vdisplay, &argb8888, 0);
}

static void scene_fini(struct dut *d, struct scene *s)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	/* Hand the overlay back as dut_set_mode() expects it: off. */
	dut_add(req, d, s->overlay, DRM_MODE_OBJECT_PLANE, "FB_ID", 0);
	dut_add(req, d, s->overlay, DRM_MODE_OBJECT_PLANE, "CRTC_ID", 0);
	dut_add(req, d, s->wb, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req,
					  DRM_MODE_ATOMIC_ALLOW_MODESET, NULL),
		      0);
	drmModeAtomicFree(req);
	dut_free_fb(d, &s->ovl);
	dut_free_fb(d, &s->out);
}

/* The overlay showing all of s->ovl's @sw x @sh at (OVL_X, OVL_Y), @dw x @dh. */
static void add_overlay(drmModeAtomicReq *req, struct dut *d,
			struct scene *s, uint32_t sw, uint32_t sh,
			uint32_t dw, uint32_t dh)
{
	dut_add_plane(req, d, s->overlay, s->ovl.fb_id, sw, sh, OVL_X, OVL_Y,
		      dw, dh);
}

/* Commit @req (which frees it) and wait for the frame in s->out. */
static void capture(drmModeAtomicReq *req, struct dut *d, struct scene *s,
		    const char *what)
{
	memset(s->out.map, 0, s->out.size);
	dut_writeback(d, req, s->wb, &s->out, what);
}

/*
 * Show the OVL_SIZE overlay with the given properties and wait for the
 * frame to be written back.
 */
static void commit_and_capture(struct dut *d, struct scene *s,
			       uint64_t blend, uint16_t alpha, uint64_t zpos,
			       uint64_t primary_zpos)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t o = s->overlay, t = DRM_MODE_OBJECT_PLANE;

	add_overlay(req, d, s, OVL_SIZE, OVL_SIZE, OVL_SIZE, OVL_SIZE);
	dut_add(req, d, o, t, "pixel blend mode", blend);
	dut_add(req, d, o, t, "alpha", alpha);
	dut_add(req, d, o, t, "zpos", zpos);
	dut_add(req, d, d->plane_id, t, "zpos", primary_zpos);
	capture(req, d, s, "overlay");
}

static uint32_t out_pixel(struct dut *d, struct scene *s, int x, int y)
{
	return s->out.map[y * (s->out.pitch / 4) + x];
}

/* One channel of DRM's blend equations, in [0, 1] units of 255. */
static double blend_channel(uint64_t mode, double fg, double fg_a, double pa,
			    double bg, const uint64_t *modes)
{
	if (mode == modes[0])		/* None */
		return pa * fg + (1 - pa) * bg;
	if (mode == modes[1])		/* Pre-multiplied */
		return pa * fg + (1 - pa * fg_a) * bg;
	return pa * fg_a * fg + (1 - pa * fg_a) * bg;	/* Coverage */
}

static void check_pixel(uint32_t got, uint64_t mode, uint16_t alpha,
			const uint64_t *modes, const char *mode_name)
{
	double pa = alpha / 65535.0;
	double fg_a = (OVL_PIXEL >> 24) / 255.0;

	for (int shift = 0; shift < 24; shift += 8) {
		double fg = ((OVL_PIXEL >> shift) & 0xff) / 255.0;
		double bg = ((PRIMARY_PIXEL >> shift) & 0xff) / 255.0;
		double want = blend_channel(mode, fg, fg_a, pa, bg, modes) * 255;
		int have = (got >> shift) & 0xff;

		igt_assert_f(abs(have - (int)(want + 0.5)) <= 1,
			     "%s, alpha 0x%04x: channel at bit %d is %d, the equation gives %.2f (pixel 0x%08x)\n",
			     mode_name, alpha, shift, have, want, got);
	}
}

static void test_blend_modes(struct dut *d)
{
	static const char * const names[] = { "None", "Pre-multiplied",
					      "Coverage" };
	static const uint16_t alphas[] = { 0xffff, 0x8000, 0 };
	uint64_t modes[3];
	struct scene s;

	scene_init(d, &s);
	igt_require_f(has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE,
			       "pixel blend mode") &&
		      has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE, "alpha") &&
		      has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE, "zpos"),
		      "no plane alpha, pixel blend mode or zpos\n");
	for (int m = 0; m < 3; m++)
		modes[m] = enum_value(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE,
				      "pixel blend mode", names[m]);

	for (int m = 0; m < 3; m++) {
		for (unsigned int a = 0; a < ARRAY_SIZE(alphas); a++) {
			commit_and_capture(d, &s, modes[m], alphas[a], 1, 0);
			check_pixel(out_pixel(d, &s, OVL_X + 1, OVL_Y + 1),
				    modes[m], alphas[a], modes, names[m]);
			check_pixel(out_pixel(d, &s, OVL_X + OVL_SIZE - 1,
					      OVL_Y + OVL_SIZE - 1),
				    modes[m], alphas[a], modes, names[m]);
			/* Outside the overlay: the primary alone. */
			igt_assert_eq_u32(out_pixel(d, &s, OVL_X - 1, OVL_Y) &
					  0xffffff, PRIMARY_PIXEL & 0xffffff);
			igt_assert_eq_u32(out_pixel(d, &s, OVL_X + OVL_SIZE,
						    OVL_Y) & 0xffffff,
					  PRIMARY_PIXEL & 0xffffff);
		}
	}
	scene_fini(d, &s);
}

static void test_zpos_swap(struct dut *d)
{
	uint64_t premulti;
	struct scene s;

	scene_init(d, &s);
	igt_require_f(has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE, "zpos") &&
		      has_prop(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "zpos"),
		      "no zpos\n");
	premulti = enum_value(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE,
			      "pixel blend mode", "Pre-multiplied");

	/* Overlay below the opaque, full-screen primary: hidden. */
	commit_and_capture(d, &s, premulti, 0xffff, 0, 1);
	igt_assert_eq_u32(out_pixel(d, &s, OVL_X + 1, OVL_Y + 1) & 0xffffff,
			  PRIMARY_PIXEL & 0xffffff);

	/* And above it: blended over it. */
	commit_and_capture(d, &s, premulti, 0xffff, 1, 0);
	igt_assert_neq_u32(out_pixel(d, &s, OVL_X + 1, OVL_Y + 1) & 0xffffff,
			   PRIMARY_PIXEL & 0xffffff);

	scene_fini(d, &s);
}

static bool plane_has_format(struct dut *d, uint32_t plane, uint32_t fourcc)
{
	drmModePlane *p = drmModeGetPlane(d->fd, plane);
	bool found = false;

	igt_assert(p);
	for (uint32_t i = 0; i < p->count_formats && !found; i++)
		found = p->formats[i] == fourcc;
	drmModeFreePlane(p);
	return found;
}

static void test_plane_formats(struct dut *d)
{
	/* Opaque, and every channel off the 5- and 6-bit grids. */
	const uint32_t colour = 0xff129ae4;
	uint64_t premulti;
	struct scene s;
	int tested = 0;

	scene_init(d, &s);
	igt_require_f(has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE,
			       "pixel blend mode") &&
		      has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE, "zpos"),
		      "no pixel blend mode or zpos\n");
	premulti = enum_value(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE,
			      "pixel blend mode", "Pre-multiplied");

	for (unsigned int i = 0; i < ARRAY_SIZE(rgb_formats); i++) {
		const struct rgb_format *f = &rgb_formats[i];
		struct buffer ovl = s.ovl;
		uint32_t got;

		if (!plane_has_format(d, s.overlay, f->fourcc))
			continue;
		create_fb(d, &s.ovl, OVL_SIZE, OVL_SIZE, f, colour);
		commit_and_capture(d, &s, premulti, 0xffff, 1, 0);
		got = out_pixel(d, &s, OVL_X + OVL_SIZE / 2, OVL_Y + OVL_SIZE / 2);
		for (int c = 0; c < 3; c++) {
			static const int at[3] = { 16, 8, 0 };
			uint64_t max = (1ull << f->bits[c]) - 1;
			uint64_t q = quantize((colour >> at[c]) & 0xff, f->bits[c]);
			int want = (q * 255 + max / 2) / max;
			int have = (got >> at[c]) & 0xff;

			igt_assert_f(abs(have - want) <= 1,
				     "%s: channel %d is %d, want %d (pixel 0x%08x)\n",
				     f->name, c, have, want, got);
		}
		igt_debug("%s: 0x%08x\n", f->name, got);
		dut_free_fb(d, &s.ovl);
		s.ovl = ovl;
		tested++;
	}
	igt_info("%d formats checked\n", tested);
	igt_assert_lt(0, tested);
	scene_fini(d, &s);
}

/* The level of column @x of test_grey_formats()'s ramp, @bits wide. */
static unsigned int grey_level(unsigned int x, int bits)
{
	return (x * 7 + 3) & ((1u << bits) - 1);
}

static void test_grey_formats(struct dut *d)
{
	static const struct {
		uint32_t fourcc;
		const char *name;
		int bits;
	} greys[] = {
		{ DRM_FORMAT_R1, "R1", 1 }, { DRM_FORMAT_R2, "R2", 2 },
		{ DRM_FORMAT_R4, "R4", 4 }, { DRM_FORMAT_R8, "R8", 8 },
	};
	uint64_t premulti;
	struct scene s;
	int tested = 0;

	scene_init(d, &s);
	igt_require_f(has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE,
			       "pixel blend mode") &&
		      has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE, "zpos"),
		      "no pixel blend mode or zpos\n");
	premulti = enum_value(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE,
			      "pixel blend mode", "Pre-multiplied");

	for (unsigned int i = 0; i < ARRAY_SIZE(greys); i++) {
		int bits = greys[i].bits, max = (1 << bits) - 1;
		struct buffer ovl = s.ovl;

		if (!plane_has_format(d, s.overlay, greys[i].fourcc))
			continue;
		/* A byte a pixel is room enough for any of them. */
		dut_create_fb(d, &s.ovl, OVL_SIZE, OVL_SIZE, greys[i].fourcc, 8);
		for (uint32_t y = 0; y < OVL_SIZE; y++) {
			uint8_t *row = (uint8_t *)s.ovl.map +
				       (size_t)y * s.ovl.pitch;

			memset(row, 0, s.ovl.pitch);
			for (uint32_t x = 0; x < OVL_SIZE; x++)
				row[x * bits / 8] |= grey_level(x, bits) <<
						     (8 - bits - x * bits % 8);
		}
		commit_and_capture(d, &s, premulti, 0xffff, 1, 0);
		for (uint32_t x = 0; x < OVL_SIZE; x++) {
			uint32_t got = out_pixel(d, &s, OVL_X + x,
						 OVL_Y + OVL_SIZE / 2);
			int want = (grey_level(x, bits) * 255 + max / 2) / max;

			for (int c = 0; c < 3; c++) {
				int have = (got >> (8 * c)) & 0xff;

				igt_assert_f(abs(have - want) <= 1,
					     "%s: column %u is 0x%08x, want grey %d\n",
					     greys[i].name, x, got, want);
			}
		}
		igt_debug("%s: checked\n", greys[i].name);
		dut_free_fb(d, &s.ovl);
		s.ovl = ovl;
		tested++;
	}
	igt_info("%d grey formats checked\n", tested);
	scene_fini(d, &s);
	igt_require_f(tested, "the overlay lists no grey format\n");
}

/*
 * A YCbCr format: @planes planes (2: Y then CbCr pairs; 3: Y, Cb, Cr), a
 * chroma sample per @hsub x @vsub luma samples, Cr before Cb if
 * @cr_first, samples of @size bytes holding @depth bits at the top.
 */
struct yuv_format {
	uint32_t fourcc;
	const char *name;
	int planes, hsub, vsub;
	bool cr_first;
	int size, depth;
};

#define YUV(f, p, h, v, cr, sz, dp) \
	{ DRM_FORMAT_##f, #f, p, h, v, cr, sz, dp }

static const struct yuv_format yuv_formats[] = {
	YUV(NV12, 2, 2, 2, false, 1, 8),
	YUV(NV21, 2, 2, 2, true, 1, 8),
	YUV(NV16, 2, 2, 1, false, 1, 8),
	YUV(NV61, 2, 2, 1, true, 1, 8),
	YUV(NV24, 2, 1, 1, false, 1, 8),
	YUV(NV42, 2, 1, 1, true, 1, 8),
	YUV(YUV420, 3, 2, 2, false, 1, 8),
	YUV(YVU420, 3, 2, 2, true, 1, 8),
	YUV(YUV422, 3, 2, 1, false, 1, 8),
	YUV(YVU422, 3, 2, 1, true, 1, 8),
	YUV(YUV444, 3, 1, 1, false, 1, 8),
	YUV(YVU444, 3, 1, 1, true, 1, 8),
	YUV(P010, 2, 2, 2, false, 2, 10),
	YUV(P012, 2, 2, 2, false, 2, 12),
	YUV(P016, 2, 2, 2, false, 2, 16),
};

/* An encoding's Kr and Kb (ITU-R BT.601, BT.709, BT.2020). */
struct yuv_encoding {
	const char *name;
	double kr, kb;
};

static const struct yuv_encoding bt601 = { "ITU-R BT.601 YCbCr", 0.299, 0.114 };
static const struct yuv_encoding bt709 = { "ITU-R BT.709 YCbCr", 0.2126, 0.0722 };
static const struct yuv_encoding bt2020 = { "ITU-R BT.2020 YCbCr", 0.2627, 0.0593 };

/*
 * The scale and offsets of codes of @depth bits (ITU-T H.273): in limited
 * range luma 16 to 235 and chroma 16 to 240, times 2^(depth - 8); in
 * full range 0 to 2^depth - 1, chroma centred on 2^(depth - 1).
 */
static void yuv_range(bool full, int depth, double *y_off, double *y_span,
		      double *c_span)
{
	double step = 1 << (depth - 8);

	*y_off = full ? 0 : 16 * step;
	*y_span = full ? (1 << depth) - 1 : 219 * step;
	*c_span = full ? (1 << depth) - 1 : 224 * step;
}

/* The codes of 8-bit RGB colour @rgb, rounded to @depth bits. */
static void yuv_encode(const struct yuv_encoding *e, bool full, int depth,
		       uint32_t rgb, unsigned int code[3])
{
	double r = (rgb >> 16 & 0xff) / 255.0, g = (rgb >> 8 & 0xff) / 255.0;
	double b = (rgb & 0xff) / 255.0, y_off, y_span, c_span;
	double y = e->kr * r + (1 - e->kr - e->kb) * g + e->kb * b;
	double c_off = 1 << (depth - 1);

	yuv_range(full, depth, &y_off, &y_span, &c_span);
	code[0] = y_off + y * y_span + 0.5;
	code[1] = c_off + (b - y) / (2 * (1 - e->kb)) * c_span + 0.5;
	code[2] = c_off + (r - y) / (2 * (1 - e->kr)) * c_span + 0.5;
}

static int channel8(double v)
{
	return v <= 0 ? 0 : v >= 1 ? 255 : (int)(v * 255 + 0.5);
}

/* What @code decodes to, as an 8-bit RGB colour. */
static uint32_t yuv_decode(const struct yuv_encoding *e, bool full, int depth,
			   const unsigned int code[3])
{
	double y_off, y_span, c_span, c_off = 1 << (depth - 1);
	double y, cb, cr, r, g, b;

	yuv_range(full, depth, &y_off, &y_span, &c_span);
	y = (code[0] - y_off) / y_span;
	cb = (code[1] - c_off) / c_span;
	cr = (code[2] - c_off) / c_span;
	r = y + 2 * (1 - e->kr) * cr;
	b = y + 2 * (1 - e->kb) * cb;
	g = (y - e->kr * r - e->kb * b) / (1 - e->kr - e->kb);
	return channel8(r) << 16 | channel8(g) << 8 | channel8(b);
}

static void put_sample(uint8_t *p, const struct yuv_format *f,
		       unsigned int code)
{
	unsigned int v = code << (8 * f->size - f->depth);

	p[0] = v;
	if (f->size == 2)
		p[1] = v >> 8;
}

/* The quadrants of test_yuv_formats()' overlay: top left, top right, ... */
static const uint32_t yuv_quadrants[4] = {
	0xc03020, 0x30c060, 0x2040d0, 0x909090,
};

/*
 * s->ovl as an OVL_SIZE square framebuffer of format @f, its quadrants
 * yuv_quadrants[] encoded with @e in @full or limited range, in one dumb
 * buffer whose planes share a pitch and follow each other.
 */
static void create_yuv_fb(struct dut *d, struct scene *s,
			  const struct yuv_format *f,
			  const struct yuv_encoding *e, bool full)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	const uint32_t n = OVL_SIZE;
	struct buffer *b = &s->ovl;
	uint8_t *base;

	/* Room for a row of CbCr pairs at full resolution, and 3 planes. */
	igt_assert_eq(drmModeCreateDumbBuffer(d->fd, 2 * n * f->size, 3 * n,
					      8, 0, &b->handle, &b->pitch,
					      &b->size), 0);
	for (int i = 0; i < f->planes; i++) {
		handles[i] = b->handle;
		pitches[i] = b->pitch;
		offsets[i] = i * b->pitch * n;
	}
	igt_assert_f(drmModeAddFB2(d->fd, n, n, f->fourcc, handles, pitches,
				   offsets, &b->fb_id, 0) == 0,
		     "AddFB2 %s: %s\n", f->name, strerror(errno));
	dut_map_buffer(d, b);
	base = (uint8_t *)b->map;
	memset(base, 0, b->size);

	for (uint32_t y = 0; y < n; y++) {
		for (uint32_t x = 0; x < n; x++) {
			int q = (y >= n / 2) * 2 + (x >= n / 2);
			unsigned int code[3];
			uint32_t cx = x / f->hsub, cy = y / f->vsub;
			uint8_t *cb, *cr;

			yuv_encode(e, full, f->depth, yuv_quadrants[q], code);
			put_sample(base + y * b->pitch + x * f->size, f,
				   code[0]);
			if (x % f->hsub || y % f->vsub)
				continue;
			if (f->planes == 2) {
				cb = base + offsets[1] + cy * b->pitch +
				     cx * 2 * f->size;
				cr = cb + f->size;
			} else {
				cb = base + offsets[1] + cy * b->pitch +
				     cx * f->size;
				cr = base + offsets[2] + cy * b->pitch +
				     cx * f->size;
			}
			if (f->cr_first) {
				uint8_t *t = cb;

				cb = cr;
				cr = t;
			}
			put_sample(cb, f, code[1]);
			put_sample(cr, f, code[2]);
		}
	}
}

/* Show @f's quadrants with @e and @full, and check the middle of each. */
static void check_yuv(struct dut *d, struct scene *s,
		      const struct yuv_format *f,
		      const struct yuv_encoding *e, bool full)
{
	const char *range = full ? "YCbCr full range" : "YCbCr limited range";
	uint32_t o = s->overlay, t = DRM_MODE_OBJECT_PLANE;
	struct buffer ovl = s->ovl;
	drmModeAtomicReq *req;

	create_yuv_fb(d, s, f, e, full);
	req = drmModeAtomicAlloc();
	add_overlay(req, d, s, OVL_SIZE, OVL_SIZE, OVL_SIZE, OVL_SIZE);
	dut_add(req, d, o, t, "COLOR_ENCODING",
		enum_value(d->fd, o, t, "COLOR_ENCODING", e->name));
	dut_add(req, d, o, t, "COLOR_RANGE",
		enum_value(d->fd, o, t, "COLOR_RANGE", range));
	/* Opaque and on top, whatever the subtests before left. */
	if (has_prop(d->fd, o, t, "alpha"))
		dut_add(req, d, o, t, "alpha", 0xffff);
	if (has_prop(d->fd, o, t, "zpos")) {
		dut_add(req, d, o, t, "zpos", 1);
		dut_add(req, d, d->plane_id, t, "zpos", 0);
	}
	capture(req, d, s, f->name);

	for (int q = 0; q < 4; q++) {
		int x = OVL_X + OVL_SIZE / 4 + (q % 2) * OVL_SIZE / 2;
		int y = OVL_Y + OVL_SIZE / 4 + (q / 2) * OVL_SIZE / 2;
		uint32_t got = out_pixel(d, s, x, y), want;
		unsigned int code[3];

		yuv_encode(e, full, f->depth, yuv_quadrants[q], code);
		want = yuv_decode(e, full, f->depth, code);
		for (int c = 0; c < 3; c++) {
			int have = (got >> (8 * c)) & 0xff;
			int w = (want >> (8 * c)) & 0xff;

			igt_assert_f(abs(have - w) <= 1,
				     "%s, %s, %s: quadrant %d is 0x%06x, want 0x%06x (codes %u %u %u)\n",
				     f->name, e->name, range, q,
				     got & 0xffffff, want, code[0], code[1],
				     code[2]);
		}
	}
	igt_debug("%s, %s, %s: checked\n", f->name, e->name, range);
	dut_free_fb(d, &s->ovl);
	s->ovl = ovl;
}

static void test_yuv_formats(struct dut *d)
{
	static const struct yuv_encoding *const encodings[] = {
		&bt601, &bt709, &bt2020,
	};
	uint32_t o, t = DRM_MODE_OBJECT_PLANE;
	drmModeAtomicReq *req;
	struct scene s;
	int tested = 0;

	scene_init(d, &s);
	o = s.overlay;
	igt_require_f(has_prop(d->fd, o, t, "COLOR_ENCODING") &&
		      has_prop(d->fd, o, t, "COLOR_RANGE"),
		      "no COLOR_ENCODING or COLOR_RANGE\n");

	for (unsigned int i = 0; i < ARRAY_SIZE(yuv_formats); i++) {
		const struct yuv_format *f = &yuv_formats[i];

		if (!plane_has_format(d, o, f->fourcc))
			continue;
		check_yuv(d, &s, f, &bt709, false);
		tested++;
		if (f->fourcc != DRM_FORMAT_NV12)
			continue;
		for (unsigned int e = 0; e < ARRAY_SIZE(encodings); e++)
			for (int full = 0; full < 2; full++)
				if (encodings[e] != &bt709 || full)
					check_yuv(d, &s, f, encodings[e], full);
	}
	igt_info("%d YCbCr formats checked\n", tested);

	/* Back to the properties' defaults for what comes next. */
	req = drmModeAtomicAlloc();
	dut_add(req, d, o, t, "COLOR_ENCODING",
		enum_value(d->fd, o, t, "COLOR_ENCODING", bt601.name));
	dut_add(req, d, o, t, "COLOR_RANGE",
		enum_value(d->fd, o, t, "COLOR_RANGE", "YCbCr limited range"));
	igt_assert_eq(drmModeAtomicCommit(d->fd, req, 0, NULL), 0);
	drmModeAtomicFree(req);
	scene_fini(d, &s);
	igt_require_f(tested, "the overlay lists no YCbCr format\n");
}

/*
 * An OVL_SIZE square framebuffer in the middle of a buffer of three
 * bands, red, green and blue: its offsets[0] is the start of the green
 * band, and only green may show.
 */
static void test_fb_offset(struct dut *d)
{
	static const uint32_t bands[3] = { 0xffff0000, 0xff00ff00, 0xff0000ff };
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	static const int at[3][2] = {
		{ 0, 0 }, { OVL_SIZE / 2, OVL_SIZE / 2 },
		{ OVL_SIZE - 1, OVL_SIZE - 1 },
	};
	drmModeAtomicReq *req;
	struct buffer three;
	struct scene s;
	uint32_t fb_id;

	scene_init(d, &s);
	create_fb(d, &three, OVL_SIZE, 3 * OVL_SIZE, &argb8888, 0);
	for (uint32_t y = 0; y < 3 * OVL_SIZE; y++)
		for (uint32_t x = 0; x < OVL_SIZE; x++)
			three.map[y * (three.pitch / 4) + x] = bands[y / OVL_SIZE];
	handles[0] = three.handle;
	pitches[0] = three.pitch;
	offsets[0] = three.pitch * OVL_SIZE;
	igt_assert_eq(drmModeAddFB2(d->fd, OVL_SIZE, OVL_SIZE,
				    DRM_FORMAT_ARGB8888, handles, pitches,
				    offsets, &fb_id, 0), 0);

	req = drmModeAtomicAlloc();
	dut_add_plane(req, d, s.overlay, fb_id, OVL_SIZE, OVL_SIZE, OVL_X,
		      OVL_Y, OVL_SIZE, OVL_SIZE);
	capture(req, d, &s, "overlay at an offset");
	for (int i = 0; i < 3; i++) {
		uint32_t got = out_pixel(d, &s, OVL_X + at[i][0],
					 OVL_Y + at[i][1]);

		igt_assert_f((got & 0xffffff) == (bands[1] & 0xffffff),
			     "pixel (%d, %d) of the overlay is 0x%08x, want the green band 0x%08x\n",
			     at[i][0], at[i][1], got, bands[1]);
	}
	scene_fini(d, &s);
	igt_assert_eq(drmModeRmFB(d->fd, fb_id), 0);
	dut_free_fb(d, &three);
}

/* A w x h ARGB8888 framebuffer in four quadrants: @q = TL, TR, BL, BR. */
static void create_quadrants(struct dut *d, struct buffer *b, uint32_t w,
			     uint32_t h, const uint32_t *q)
{
	create_fb(d, b, w, h, &argb8888, 0);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			b->map[y * (b->pitch / 4) + x] =
				q[(y >= h / 2) * 2 + (x >= w / 2)];
}

/* The rotation property's bit @name: its entries are bit numbers. */
static uint64_t rotation_bit(struct dut *d, struct scene *s, const char *name)
{
	return 1ull << enum_value(d->fd, s->overlay, DRM_MODE_OBJECT_PLANE,
				  "rotation", name);
}

static void test_rotation(struct dut *d)
{
	enum { TL, TR, BL, BR };
	static const uint32_t colour[4] = {
		[TL] = 0xffff0000, [TR] = 0xff00ff00,
		[BL] = 0xff0000ff, [BR] = 0xffffffff,
	};
	/* Which source quadrant each destination quadrant shows. */
	static const struct {
		const char *name;
		int shows[4];
	} cases[] = {
		{ "rotate-0", { TL, TR, BL, BR } },
		{ "rotate-90", { TR, BR, TL, BL } },
		{ "rotate-180", { BR, BL, TR, TL } },
		{ "rotate-270", { BL, TL, BR, TR } },
		{ "reflect-x", { TR, TL, BR, BL } },
		{ "reflect-y", { BL, BR, TL, TR } },
	};
	const uint32_t w = 64, h = 32;
	struct buffer ovl;
	struct scene s;

	scene_init(d, &s);
	igt_require_f(has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE,
			       "rotation") &&
		      has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE, "zpos"),
		      "no rotation or zpos\n");
	ovl = s.ovl;
	create_quadrants(d, &s.ovl, w, h, colour);

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t rot = rotation_bit(d, &s, cases[i].name);

		/* A value has exactly one rotate-* bit. */
		if (!strncmp(cases[i].name, "reflect", 7))
			rot |= rotation_bit(d, &s, "rotate-0");
		bool turned = strstr(cases[i].name, "90") ||
			      strstr(cases[i].name, "270");
		uint32_t dw = turned ? h : w, dh = turned ? w : h;
		uint32_t o = s.overlay, t = DRM_MODE_OBJECT_PLANE;
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		add_overlay(req, d, &s, w, h, dw, dh);
		dut_add(req, d, o, t, "rotation", rot);
		dut_add(req, d, o, t, "zpos", 1);
		dut_add(req, d, d->plane_id, t, "zpos", 0);
		capture(req, d, &s, cases[i].name);

		for (int q = 0; q < 4; q++) {
			int x = OVL_X + (q & 1 ? 3 * dw / 4 : dw / 4);
			int y = OVL_Y + (q & 2 ? 3 * dh / 4 : dh / 4);
			uint32_t got = out_pixel(d, &s, x, y) & 0xffffff;
			uint32_t want = colour[cases[i].shows[q]] & 0xffffff;

			igt_assert_f(got == want,
				     "%s: destination quadrant %d is %06x, want %06x\n",
				     cases[i].name, q, got, want);
		}
	}

	/* Back to the default, for the next subtest. */
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		dut_add(req, d, s.overlay, DRM_MODE_OBJECT_PLANE, "rotation",
			rotation_bit(d, &s, "rotate-0"));
		igt_assert_eq(drmModeAtomicCommit(d->fd, req, 0, NULL), 0);
		drmModeAtomicFree(req);
	}
	dut_free_fb(d, &s.ovl);
	s.ovl = ovl;
	scene_fini(d, &s);
}

/* Each pixel of @b from its position: every bit of every byte changes. */
static void fill_pattern(struct buffer *b, uint32_t w, uint32_t h,
			 uint32_t seed)
{
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			b->map[y * (b->pitch / 4) + x] =
				(x * 0x9e3779b1u) ^ (y * 0x85ebca77u) ^ seed;
}

/*
 * Along one axis, the source pixel that destination pixel @i of @n shows,
 * by nearest neighbour: the one under the pixel's centre, in the source
 * span of @len (16.16) from @start, counted from its far end if @flip.
 */
static uint32_t nearest(uint32_t i, uint32_t n, bool flip, uint32_t start,
			uint32_t len)
{
	uint64_t halves = flip ? 2 * (n - i) - 1 : 2 * i + 1;

	/* Exact: start + halves / 2n * len, rounded down to a pixel. */
	return (start + halves * len / (2 * n)) >> 16;
}

static void test_scaling(struct dut *d)
{
	/* Source rectangles in 16.16, on a 64x32 framebuffer. */
	static const struct {
		const char *name;
		const char *rotation;
		uint32_t src[4];
		uint32_t dw, dh;
	} cases[] = {
		{ "upscale-3x", "rotate-0", { 0, 0, 64 << 16, 32 << 16 }, 192, 96 },
		{ "downscale-2x", "rotate-0", { 0, 0, 64 << 16, 32 << 16 }, 32, 16 },
		{ "upscale-1.5x-downscale-0.75x", "rotate-0",
		  { 0, 0, 64 << 16, 32 << 16 }, 96, 24 },
		{ "part-upscale-2.5x", "rotate-0",
		  { 16 << 16, 8 << 16, 20 << 16, 10 << 16 }, 50, 25 },
		{ "fraction-upscale-4x", "rotate-0",
		  { 0x28000, 0x14000, 15 << 16, 7 << 16 }, 60, 28 },
		{ "rotate-90-upscale-2x", "rotate-90",
		  { 0, 0, 64 << 16, 32 << 16 }, 64, 128 },
		{ "rotate-180-downscale-2x", "rotate-180",
		  { 0, 0, 64 << 16, 32 << 16 }, 32, 16 },
		{ "rotate-270-upscale-1.25x", "rotate-270",
		  { 0, 0, 64 << 16, 32 << 16 }, 40, 80 },
		{ "reflect-x-upscale-2x", "reflect-x",
		  { 0, 0, 64 << 16, 32 << 16 }, 128, 64 },
	};
	const uint32_t w = 64, h = 32;
	uint32_t o, t = DRM_MODE_OBJECT_PLANE, cursor;
	struct buffer ovl, pattern;
	drmModeAtomicReq *req;
	struct scene s;
	int ret;

	scene_init(d, &s);
	o = s.overlay;
	igt_require_f(has_prop(d->fd, o, t, "rotation") &&
		      has_prop(d->fd, o, t, "zpos"), "no rotation or zpos\n");
	create_fb(d, &pattern, w, h, &argb8888, 0);
	fill_pattern(&pattern, w, h, 0x5ca1ab1e);
	for (uint32_t i = 0; i < w * h; i++)
		pattern.map[(i / w) * (pattern.pitch / 4) + i % w] |= 0xff000000;
	ovl = s.ovl;
	s.ovl = pattern;

	/* The driver scales the overlay, or the subtest has nothing to check. */
	req = drmModeAtomicAlloc();
	add_overlay(req, d, &s, w, h, 2 * w, 2 * h);
	ret = drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_TEST_ONLY, NULL);
	drmModeAtomicFree(req);
	igt_require_f(ret == 0, "the overlay does not scale: %s\n",
		      strerror(-ret));

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *r = cases[i].rotation;
		uint64_t rot = rotation_bit(d, &s, r);
		bool turned = strstr(r, "90") || strstr(r, "270");
		bool flip_s = strstr(r, "90") || strstr(r, "180") ||
			      strstr(r, "reflect-x");
		bool flip_t = strstr(r, "180") || strstr(r, "270");
		uint32_t dw = cases[i].dw, dh = cases[i].dh;
		const uint32_t *src = cases[i].src;

		if (!strncmp(r, "reflect", 7))
			rot |= rotation_bit(d, &s, "rotate-0");
		req = drmModeAtomicAlloc();
		dut_add(req, d, o, t, "FB_ID", s.ovl.fb_id);
		dut_add(req, d, o, t, "CRTC_ID", d->crtc_id);
		dut_add(req, d, o, t, "SRC_X", src[0]);
		dut_add(req, d, o, t, "SRC_Y", src[1]);
		dut_add(req, d, o, t, "SRC_W", src[2]);
		dut_add(req, d, o, t, "SRC_H", src[3]);
		dut_add(req, d, o, t, "CRTC_X", OVL_X);
		dut_add(req, d, o, t, "CRTC_Y", OVL_Y);
		dut_add(req, d, o, t, "CRTC_W", dw);
		dut_add(req, d, o, t, "CRTC_H", dh);
		dut_add(req, d, o, t, "rotation", rot);
		dut_add(req, d, o, t, "zpos", 1);
		dut_add(req, d, d->plane_id, t, "zpos", 0);
		capture(req, d, &s, cases[i].name);

		/* The destination and a ring of primary around it. */
		for (int y = -1; y <= (int)dh; y++) {
			for (int x = -1; x <= (int)dw; x++) {
				uint32_t got = out_pixel(d, &s, OVL_X + x,
							 OVL_Y + y) & 0xffffff;
				uint32_t want = PRIMARY_PIXEL, u, v;

				if (x >= 0 && y >= 0 && x < (int)dw &&
				    y < (int)dh) {
					/* Destination axes along the source's. */
					u = turned ? y : x;
					v = turned ? x : y;
					u = nearest(u, turned ? dh : dw, flip_s,
						    src[0], src[2]);
					v = nearest(v, turned ? dw : dh, flip_t,
						    src[1], src[3]);
					want = pattern.map[v * (pattern.pitch / 4) + u];
				}
				want &= 0xffffff;
				igt_assert_f(got == want,
					     "%s: pixel (%d, %d) of the overlay is %06x, want %06x\n",
					     cases[i].name, x, y, got, want);
			}
		}
	}

	/* The cursor does not scale. */
	cursor = dut_plane_of_type(d, DRM_PLANE_TYPE_CURSOR);
	if (cursor) {
		req = drmModeAtomicAlloc();
		dut_add_plane(req, d, cursor, pattern.fb_id, w, h, 0, 0,
			      2 * w, 2 * h);
		ret = drmModeAtomicCommit(d->fd, req,
					  DRM_MODE_ATOMIC_TEST_ONLY, NULL);
		drmModeAtomicFree(req);
		igt_assert_f(ret == -ERANGE, "a scaled cursor: %s, want ERANGE\n",
			     ret ? strerror(-ret) : "accepted");
	}

	/* Back to the default, for the next subtest. */
	req = drmModeAtomicAlloc();
	dut_add(req, d, o, t, "rotation", rotation_bit(d, &s, "rotate-0"));
	igt_assert_eq(drmModeAtomicCommit(d->fd, req, 0, NULL), 0);
	drmModeAtomicFree(req);
	dut_free_fb(d, &s.ovl);
	s.ovl = ovl;
	scene_fini(d, &s);
}

/* A colour in the BACKGROUND_COLOR layout, as DRM_ARGB64_PREP() makes it. */
#define ARGB64(a, r, g, b) \
	((uint64_t)(a) << 48 | (uint64_t)(r) << 32 | (uint64_t)(g) << 16 | (b))

/* Premultiplied OVL_PIXEL over the opaque 8-bit colour @bg, to one step. */
static void check_over(uint32_t got, uint32_t bg, const char *what)
{
	double fg_a = (OVL_PIXEL >> 24) / 255.0;

	for (int shift = 0; shift < 24; shift += 8) {
		double want = ((OVL_PIXEL >> shift) & 0xff) +
			      (1 - fg_a) * ((bg >> shift) & 0xff);
		int have = (got >> shift) & 0xff;

		igt_assert_f(abs(have - (int)(want + 0.5)) <= 1,
			     "%s: overlay over the background: channel at bit %d is %d, want %.2f (pixel 0x%08x)\n",
			     what, shift, have, want, got);
	}
}

static void test_background_color(struct dut *d)
{
	static const struct {
		const char *name;
		uint64_t value;
		uint32_t want;
	} cases[] = {
		{ "opaque", ARGB64(0xffff, 0x3333, 0x6666, 0x9999), 0x336699 },
		{ "transparent", ARGB64(0, 0x9999, 0x3333, 0x6666), 0x993366 },
		{ "default", ARGB64(0xffff, 0, 0, 0), 0x000000 },
	};
	const uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay;
	const uint32_t c = DRM_MODE_OBJECT_CRTC, t = DRM_MODE_OBJECT_PLANE;
	const int ox = w / 2 - OVL_SIZE / 2;
	/* Where only the background shows. */
	const uint32_t corners[][2] = {
		{ w / 2, 0 }, { w - 1, 0 }, { w / 2, h - 1 }, { w - 1, h - 1 },
	};
	drmModeAtomicReq *req;
	struct scene s;

	igt_require_f(has_prop(d->fd, d->crtc_id, c, "BACKGROUND_COLOR"),
		      "the CRTC has no BACKGROUND_COLOR\n");
	scene_init(d, &s);

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t bg = cases[i].want;

		/*
		 * The primary on the left half, the overlay across the middle
		 * over both, the background on the right.
		 */
		req = drmModeAtomicAlloc();
		dut_add_plane(req, d, d->plane_id, d->buf[d->front].fb_id,
			      w / 2, h, 0, 0, w / 2, h);
		dut_add_plane(req, d, s.overlay, s.ovl.fb_id, OVL_SIZE,
			      OVL_SIZE, ox, OVL_Y, OVL_SIZE, OVL_SIZE);
		if (has_prop(d->fd, s.overlay, t, "zpos")) {
			dut_add(req, d, s.overlay, t, "zpos", 1);
			dut_add(req, d, d->plane_id, t, "zpos", 0);
		}
		if (has_prop(d->fd, s.overlay, t, "pixel blend mode"))
			dut_add(req, d, s.overlay, t, "pixel blend mode",
				enum_value(d->fd, s.overlay, t,
					   "pixel blend mode",
					   "Pre-multiplied"));
		if (has_prop(d->fd, s.overlay, t, "alpha"))
			dut_add(req, d, s.overlay, t, "alpha", 0xffff);
		dut_add(req, d, d->crtc_id, c, "BACKGROUND_COLOR",
			cases[i].value);
		capture(req, d, &s, cases[i].name);

		igt_assert_eq_u64(dut_prop_value(d->fd, d->crtc_id, c,
						 dut_prop_id(d->fd, d->crtc_id,
							     c, "BACKGROUND_COLOR")),
				  cases[i].value);
		igt_assert_f((out_pixel(d, &s, 0, 0) & 0xffffff) ==
			     (PRIMARY_PIXEL & 0xffffff),
			     "%s: the primary is 0x%08x\n", cases[i].name,
			     out_pixel(d, &s, 0, 0));
		for (unsigned int j = 0; j < ARRAY_SIZE(corners); j++) {
			uint32_t x = corners[j][0], y = corners[j][1];
			uint32_t got = out_pixel(d, &s, x, y);

			igt_assert_f((got & 0xffffff) == bg,
				     "%s: pixel (%u, %u) is 0x%08x, want 0x%06x\n",
				     cases[i].name, x, y, got, bg);
		}
		check_over(out_pixel(d, &s, ox + OVL_SIZE - 1, OVL_Y),
			   bg, cases[i].name);
		check_over(out_pixel(d, &s, ox, OVL_Y), PRIMARY_PIXEL,
			   cases[i].name);
	}

	/* The primary back over the whole CRTC, for the next subtest. */
	req = drmModeAtomicAlloc();
	dut_add_plane(req, d, d->plane_id, d->buf[d->front].fb_id, w, h, 0, 0,
		      w, h);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req, 0, NULL), 0);
	drmModeAtomicFree(req);
	scene_fini(d, &s);
}

/**
 * struct crc_capture - CRC capture on the CRTC, its CRCs read as they come
 * @fd: crc/data, which keeps the capture on while open
 * @stop: tells @thread to return
 * @thread: reads @fd
 *
 * The DRM core keeps 128 CRCs for a reader and logs an error for every
 * one it drops; under TCG a frame written back with capture on can take
 * longer than 128 vblanks, so the CRCs are read while the test waits.
 */
struct crc_capture {
	int fd;
	bool stop;
	pthread_t thread;
};

static void *crc_reader(void *arg)
{
	struct crc_capture *c = arg;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	char line[256];

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
		if (poll(&pfd, 1, 20) == 1)
			while (read(c->fd, line, sizeof(line)) > 0)
				;
	return NULL;
}

/* Turn capture on and wait for its first CRC. */
static void crc_start(struct dut *d, struct crc_capture *c)
{
	struct pollfd pfd = { .events = POLLIN };
	char line[64];
	int dir;

	dir = igt_debugfs_dir(d->fd);
	igt_assert_fd(dir);
	igt_require_f(!faccessat(dir, "crtc-0/crc/control", W_OK, 0),
		      "the driver has no CRC capture\n");
	igt_assert(igt_sysfs_set(dir, "crtc-0/crc/control", "auto"));
	c->fd = openat(dir, "crtc-0/crc/data", O_RDONLY | O_NONBLOCK);
	igt_assert_fd(c->fd);
	close(dir);
	/* The capture runs once a first CRC is there. */
	pfd.fd = c->fd;
	igt_assert_f(poll(&pfd, 1, 10000) == 1, "no CRC within 10 s\n");
	igt_assert_lt(0, read(c->fd, line, sizeof(line)));
	c->stop = false;
	igt_assert_eq(pthread_create(&c->thread, NULL, crc_reader, c), 0);
}

static void crc_stop(struct crc_capture *c)
{
	__atomic_store_n(&c->stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(c->thread, NULL), 0);
	close(c->fd);
}

/*
 * Capture the scene @req describes into @out with CRC capture off, then
 * on, and compare the two frames bit for bit.
 */
static void capture_both_ways(struct dut *d, struct scene *s,
			      const uint32_t *planes, const uint32_t *fbs,
			      const int (*rect)[4], int num, struct buffer *out,
			      const char *what)
{
	uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay;
	struct buffer plain = { 0 };
	struct crc_capture crc;

	for (int pass = 0; pass < 2; pass++) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		for (int i = 0; i < num; i++) {
			dut_add_plane(req, d, planes[i], fbs[i], rect[i][2],
				      rect[i][3], rect[i][0], rect[i][1],
				      rect[i][2], rect[i][3]);
			dut_add(req, d, planes[i], DRM_MODE_OBJECT_PLANE, "zpos", i);
		}
		if (pass == 1)
			crc_start(d, &crc);
		memset(out->map, 0, out->size);
		dut_writeback(d, req, s->wb, out, what);
		if (pass == 0) {
			plain.size = out->size;
			plain.map = malloc(out->size);
			igt_assert(plain.map);
			memcpy(plain.map, out->map, out->size);
		}
	}
	crc_stop(&crc);

	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			uint32_t a = plain.map[y * (out->pitch / 4) + x];
			uint32_t b = out->map[y * (out->pitch / 4) + x];

			igt_assert_f(a == b,
				     "%s: pixel (%u, %u) is 0x%08x without CRC, 0x%08x with it\n",
				     what, x, y, a, b);
		}
	}
	free(plain.map);
}

static void test_same_without_crc(struct dut *d)
{
	static const struct {
		uint32_t fourcc;
		const char *name;
	} outs[] = {
		{ DRM_FORMAT_XRGB8888, "XRGB8888" },
		{ DRM_FORMAT_ARGB8888, "ARGB8888" },
		{ DRM_FORMAT_XRGB2101010, "XRGB2101010" },
	};
	uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay;
	uint32_t cursor = dut_plane_of_type(d, DRM_PLANE_TYPE_CURSOR);
	struct buffer primary, top, cur, out;
	uint32_t planes0[3];
	uint64_t zpos[3];
	struct scene s;

	scene_init(d, &s);
	planes0[0] = d->plane_id;
	planes0[1] = s.overlay;
	planes0[2] = cursor;
	igt_require_f(has_prop(d->fd, s.overlay, DRM_MODE_OBJECT_PLANE, "zpos") &&
		      has_prop(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "zpos") &&
		      cursor && has_prop(d->fd, cursor, DRM_MODE_OBJECT_PLANE,
					 "zpos"),
		      "no cursor plane, or no zpos\n");

	/* The zpos each plane had, to give them back to the next test. */
	for (int i = 0; i < 3; i++)
		zpos[i] = dut_prop_value(d->fd, planes0[i], DRM_MODE_OBJECT_PLANE,
					 dut_prop_id(d->fd, planes0[i],
						     DRM_MODE_OBJECT_PLANE,
						     "zpos"));

	/* X bits not all ones: a copy must set them as the blender does. */
	dut_create_fb(d, &primary, w, h, DRM_FORMAT_XRGB8888, 32);
	fill_pattern(&primary, w, h, 0x5a000000);
	fill_pattern(&s.ovl, OVL_SIZE, OVL_SIZE, 0x31337);
	dut_create_fb(d, &cur, OVL_SIZE, OVL_SIZE, DRM_FORMAT_ARGB8888, 32);
	fill_pattern(&cur, OVL_SIZE, OVL_SIZE, 0xc0ffee);
	dut_create_fb(d, &top, w, h, DRM_FORMAT_XRGB8888, 32);
	fill_pattern(&top, w, h, 0x0f0f0f0f);

	for (unsigned int i = 0; i < ARRAY_SIZE(outs); i++) {
		uint32_t planes[] = { d->plane_id, s.overlay, cursor };
		uint32_t fbs[] = { primary.fb_id, s.ovl.fb_id, cur.fb_id };
		const int rect[][4] = {
			{ 0, 0, w, h },
			{ OVL_X, OVL_Y, OVL_SIZE, OVL_SIZE },
			{ OVL_X + OVL_SIZE / 2, OVL_Y + OVL_SIZE / 3,
			  OVL_SIZE, OVL_SIZE },
		};
		char what[64];

		dut_create_fb(d, &out, w, h, outs[i].fourcc, 32);

		snprintf(what, sizeof(what), "%s, three planes", outs[i].name);
		capture_both_ways(d, &s, planes, fbs, rect, 3, &out, what);

		/* The opaque overlay on top hides the rest but the cursor. */
		{
			uint32_t p2[] = { d->plane_id, cursor, s.overlay };
			uint32_t f2[] = { primary.fb_id, cur.fb_id, top.fb_id };
			const int r2[][4] = {
				{ 0, 0, w, h }, { OVL_X, OVL_Y, OVL_SIZE, OVL_SIZE },
				{ 0, 0, w, h },
			};

			snprintf(what, sizeof(what), "%s, opaque overlay on top",
				 outs[i].name);
			capture_both_ways(d, &s, p2, f2, r2, 3, &out, what);
		}
		dut_free_fb(d, &out);
	}

	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		/* Back as dut_set_mode() left it: its buffer, zpos as found. */
		dut_add_plane(req, d, d->plane_id, d->buf[d->front].fb_id, w, h,
			      0, 0, w, h);
		for (int i = 0; i < 3; i++)
			dut_add(req, d, planes0[i], DRM_MODE_OBJECT_PLANE, "zpos",
				zpos[i]);
		dut_add(req, d, cursor, DRM_MODE_OBJECT_PLANE, "FB_ID", 0);
		dut_add(req, d, cursor, DRM_MODE_OBJECT_PLANE, "CRTC_ID", 0);
		igt_assert_eq(drmModeAtomicCommit(d->fd, req,
						  DRM_MODE_ATOMIC_ALLOW_MODESET,
						  NULL), 0);
		drmModeAtomicFree(req);
	}
	dut_free_fb(d, &primary);
	dut_free_fb(d, &top);
	dut_free_fb(d, &cur);
	scene_fini(d, &s);
}

/*
 * The CRC of the first frame after vblank @seq on CRTC 0, from its open
 * crc/data file @fd. Lines are "frame crc"; the composer may lag behind
 * the vblanks, so wait for the frame rather than take the latest line.
 */
static uint32_t crc_of_frame(int fd, uint32_t seq)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char line[64];
	double end = dut_now() + 10;

	while (dut_now() < end) {
		unsigned int frame, crc;
		ssize_t n;

		if (poll(&pfd, 1, 100) != 1)
			continue;
		n = read(fd, line, sizeof(line) - 1);
		if (n <= 0)
			continue;
		line[n] = '\0';
		igt_assert_eq(sscanf(line, "%x %x", &frame, &crc), 2);
		if ((int32_t)(frame - seq) > 0)
			return crc;
	}
	igt_assert_f(false, "no CRC for a frame after %u within 10 s\n", seq);
	return 0;
}

/*
 * Turn CRC capture on CRTC 0 on: returns its crc/data, open without
 * blocking, which keeps capture on until it is closed.
 */
static int crc_open(struct dut *d)
{
	int dir, fd;

	dir = igt_debugfs_dir(d->fd);
	igt_assert_fd(dir);
	igt_require_f(!faccessat(dir, "crtc-0/crc/control", W_OK, 0),
		      "the driver has no CRC capture\n");
	igt_assert(igt_sysfs_set(dir, "crtc-0/crc/control", "auto"));
	fd = openat(dir, "crtc-0/crc/data", O_RDONLY | O_NONBLOCK);
	igt_assert_fd(fd);
	close(dir);
	return fd;
}

/* The CRTC's current vblank count. */
static uint32_t vblank_now(struct dut *d)
{
	drmVBlank vbl = { .request.type = DRM_VBLANK_RELATIVE };

	igt_assert_eq(drmWaitVBlank(d->fd, &vbl), 0);
	return vbl.reply.sequence;
}

/* Show @b on the primary plane with "max bpc" @bpc. */
static void show_at_bpc(struct dut *d, struct buffer *b, uint64_t bpc)
{
	uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay;
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	dut_add_plane(req, d, d->plane_id, b->fb_id, w, h, 0, 0, w, h);
	dut_add(req, d, d->connector_id, DRM_MODE_OBJECT_CONNECTOR, "max bpc",
		bpc);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req,
					  DRM_MODE_ATOMIC_ALLOW_MODESET, NULL), 0);
	drmModeAtomicFree(req);
}

/*
 * The id of the connector's "max bpc", which mkms must have; other
 * drivers without it skip.
 */
static uint32_t require_max_bpc(struct dut *d)
{
	char module[NAME_MAX];

	if (!has_prop(d->fd, d->connector_id, DRM_MODE_OBJECT_CONNECTOR,
		      "max bpc")) {
		igt_assert_f(!dut_module_name(d, module, sizeof(module)) ||
			     strcmp(module, "mkms"),
			     "mkms's connector has no \"max bpc\"\n");
		igt_skip("no \"max bpc\" on the connector\n");
	}
	return dut_prop_id(d->fd, d->connector_id, DRM_MODE_OBJECT_CONNECTOR,
			   "max bpc");
}

/*
 * Show, at each "max bpc" of @steps, two XRGB2101010 greys one 10-bit
 * step apart (0x100 and 0x101, both 0x40 in 8 bits): the pipe must send
 * @bpc[i] bits, which gives them one CRC at 8 and two at 10. Leaves the
 * display as dut_set_mode() did.
 */
static void assert_grey_crcs(struct dut *d, const uint64_t *steps,
			     const int *bpc, unsigned int n)
{
	const uint32_t grey[2] = { 0xc0000000 | 0x100 << 20 | 0x100 << 10 | 0x100,
				   0xc0000000 | 0x101 << 20 | 0x101 << 10 | 0x101 };
	uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay;
	struct buffer fb[2];
	int fd;

	for (int i = 0; i < 2; i++) {
		dut_create_fb(d, &fb[i], w, h, DRM_FORMAT_XRGB2101010, 32);
		for (uint32_t p = 0; p < fb[i].pitch / 4 * h; p++)
			fb[i].map[p] = grey[i];
	}

	fd = crc_open(d);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t crc[2];

		for (int j = 0; j < 2; j++) {
			show_at_bpc(d, &fb[j], steps[i]);
			crc[j] = crc_of_frame(fd, vblank_now(d));
		}
		igt_info("max bpc %d: CRCs %08x and %08x\n", (int)steps[i],
			 crc[0], crc[1]);
		igt_assert_f((crc[0] != crc[1]) == (bpc[i] == 10),
			     "greys one 10-bit step apart have %s at max bpc %d: the pipe does not send %d bits\n",
			     crc[0] == crc[1] ? "one CRC" : "two CRCs",
			     (int)steps[i], bpc[i]);
	}
	close(fd);

	show_at_bpc(d, &d->buf[d->front], 8);
	for (int i = 0; i < 2; i++)
		dut_free_fb(d, &fb[i]);
}

static void test_max_bpc(struct dut *d)
{
	/* An 8-bit monitor gets 8 bits whatever "max bpc" allows. */
	const uint64_t steps[] = { 8, 10, 8 };
	const int bpc[] = { 8, 8, 8 };
	drmModePropertyRes *prop;
	uint32_t id = require_max_bpc(d);

	prop = drmModeGetProperty(d->fd, id);
	igt_assert(prop && (prop->flags & DRM_MODE_PROP_RANGE));
	igt_assert_eq(prop->values[0], 8);
	igt_assert_eq(prop->values[1], 10);
	drmModeFreeProperty(prop);
	igt_assert_eq(dut_prop_value(d->fd, d->connector_id,
				     DRM_MODE_OBJECT_CONNECTOR, id), 8);
	/* No EDID, no depth: the core's 0, which it takes as 8. */
	igt_assert_eq(dut_output_max_bpc(d->fd, d->connector_id), 0);

	/* A new depth is a modeset. */
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		igt_assert(drmModeAtomicAddProperty(req, d->connector_id, id,
						    10) >= 0);
		igt_assert_eq(drmModeAtomicCommit(d->fd, req,
						  DRM_MODE_ATOMIC_TEST_ONLY,
						  NULL), -EINVAL);
		igt_assert_eq(drmModeAtomicCommit(d->fd, req,
						  DRM_MODE_ATOMIC_TEST_ONLY |
						  DRM_MODE_ATOMIC_ALLOW_MODESET,
						  NULL), 0);
		drmModeAtomicFree(req);
	}

	/* Out of the range: refused, in a test commit as in a real one. */
	for (int i = 0; i < 2; i++) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		igt_assert(drmModeAtomicAddProperty(req, d->connector_id, id,
						    i ? 11 : 7) >= 0);
		igt_assert_eq(drmModeAtomicCommit(d->fd, req,
						  DRM_MODE_ATOMIC_TEST_ONLY,
						  NULL), -EINVAL);
		igt_assert_eq(drmModeAtomicCommit(d->fd, req, 0, NULL),
			      -EINVAL);
		drmModeAtomicFree(req);
	}

	assert_grey_crcs(d, steps, bpc, ARRAY_SIZE(steps));
}

/*
 * The connector's debugfs edid_override, opened by test_deep_monitor(),
 * and its device and "max bpc", so that the last fixture, or an exit
 * handler on a signal, can put the monitor back should the subtest fail
 * before it does: it would stay a 10-bit one of one mode, driven at 10
 * bits, for the tests that run after.
 */
static int override_dir = -1;
static char override_path[64];
static struct dut *override_dut;
static uint32_t override_max_bpc;

static void write_override(const void *edid, size_t len)
{
	int err = dut_write_file(override_dir, override_path, edid, len);

	igt_assert_f(!err, "write %s: %s\n", override_path, strerror(err));
}

static void reset_override(int sig)
{
	struct dut *d = override_dut;
	drmModeAtomicReq *req;
	drmModeConnector *c;

	if (override_dir < 0)
		return;
	/* At exit, a failure has nowhere to go: each step is best effort. */
	dut_write_file(override_dir, override_path, "reset", 5);
	/* The monitor without an EDID now, not at the next probe. */
	c = drmModeGetConnector(d->fd, d->connector_id);
	drmModeFreeConnector(c);
	req = drmModeAtomicAlloc();
	if (req && drmModeAtomicAddProperty(req, d->connector_id,
					    override_max_bpc, 8) >= 0)
		drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET,
				    NULL);
	drmModeAtomicFree(req);
	/* Once: the exit handler comes after the last fixture's call. */
	close(override_dir);
	override_dir = -1;
}

/* Probe the connector again, as GETCONNECTOR from the master does. */
static void probe(struct dut *d)
{
	drmModeConnector *c = drmModeGetConnector(d->fd, d->connector_id);

	igt_assert(c && c->connection == DRM_MODE_CONNECTED);
	drmModeFreeConnector(c);
}

static void test_deep_monitor(struct dut *d)
{
	/* The mode dut_set_mode() lit, 1024x768 at 60 Hz. */
	static const struct dut_timing xga = {
		65000, 1024, 320, 24, 136, 768, 38, 3, 6
	};
	const uint64_t steps[] = { 10, 8, 10 };
	const int bpc[] = { 10, 8, 10 };
	uint8_t edid[128];

	override_max_bpc = require_max_bpc(d);
	igt_require_f(d->mode.hdisplay == 1024 && d->mode.vdisplay == 768,
		      "the monitor's mode is not 1024x768\n");

	dut_connector_debugfs_path(d->fd, d->connector_id, "edid_override",
				   override_path, sizeof(override_path));
	override_dut = d;
	override_dir = igt_debugfs_dir(d->fd);
	igt_assert_fd(override_dir);
	igt_install_exit_handler(reset_override);

	dut_make_edid(edid, &xga, 10);
	write_override(edid, sizeof(edid));
	probe(d);
	igt_assert_eq(dut_output_max_bpc(d->fd, d->connector_id), 10);
	assert_grey_crcs(d, steps, bpc, ARRAY_SIZE(steps));

	write_override("reset", 5);
	probe(d);
	igt_assert_eq(dut_output_max_bpc(d->fd, d->connector_id), 0);
	close(override_dir);
	override_dir = -1;
}

/* Show @b on the primary plane, all of the mode. */
static void show(struct dut *d, struct buffer *b)
{
	uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay;
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	dut_add_plane(req, d, d->plane_id, b->fb_id, w, h, 0, 0, w, h);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req, 0, NULL), 0);
	drmModeAtomicFree(req);
}

static void fill(struct buffer *b, uint32_t h, uint32_t pixel)
{
	for (uint32_t p = 0; p < b->pitch / 4 * h; p++)
		b->map[p] = pixel;
}

static void test_crc_dirtyfb(struct dut *d)
{
	uint32_t w = d->mode.hdisplay, h = d->mode.vdisplay;
	uint32_t crc_dark, crc_light, crc;
	char module[NAME_MAX];
	struct buffer dark, light;
	int fd, ret;

	dut_create_fb(d, &dark, w, h, DRM_FORMAT_XRGB8888, 32);
	dut_create_fb(d, &light, w, h, DRM_FORMAT_XRGB8888, 32);
	fill(&dark, h, 0xff303030);
	fill(&light, h, 0xffc0c0c0);
	fd = crc_open(d);

	show(d, &light);
	crc_light = crc_of_frame(fd, vblank_now(d));
	show(d, &dark);
	crc_dark = crc_of_frame(fd, vblank_now(d));
	igt_assert_f(crc_dark != crc_light,
		     "two greys have one CRC, %08x\n", crc_dark);

	/* Draw the light grey into the dark framebuffer, on screen. */
	fill(&dark, h, 0xffc0c0c0);
	ret = drmModeDirtyFB(d->fd, dark.fb_id, NULL, 0);
	if (ret == -ENOSYS)
		igt_assert_f(!dut_module_name(d, module, sizeof(module)) ||
			     strcmp(module, "mkms"),
			     "mkms's framebuffers have no DIRTYFB\n");
	else
		igt_assert_eq(ret, 0);
	crc = crc_of_frame(fd, vblank_now(d));
	igt_assert_f(crc == crc_light,
		     "the frame drawn on screen has CRC %08x, not %08x as the same picture shown from another framebuffer (the picture before had %08x)\n",
		     crc, crc_light, crc_dark);
	close(fd);

	show(d, &d->buf[d->front]);
	dut_free_fb(d, &dark);
	dut_free_fb(d, &light);
}

int igt_main()
{
	igt_fixture() {
		dut_open(&data);
		dut_set_mode(&data);
	}

	igt_describe("Plane alpha and the three pixel blend modes, through writeback.");
	igt_subtest("blend-modes")
		test_blend_modes(&data);

	igt_describe("zpos decides which plane covers which, through writeback.");
	igt_subtest("zpos-swap")
		test_zpos_swap(&data);

	igt_describe("Rotation and reflection put each quadrant where the property says.");
	igt_subtest("rotation")
		test_rotation(&data);

	igt_describe("A scaled overlay shows the source pixel under each pixel's centre.");
	igt_subtest("scaling")
		test_scaling(&data);

	igt_describe("Every packed RGB format the overlay lists is read right.");
	igt_subtest("plane-formats")
		test_plane_formats(&data);

	igt_describe("R1, R2, R4 and R8 framebuffers show the greys of their levels.");
	igt_subtest("grey-formats")
		test_grey_formats(&data);

	igt_describe("Every YCbCr format the overlay lists is read right, in each encoding and range.");
	igt_subtest("yuv-formats")
		test_yuv_formats(&data);

	igt_describe("A framebuffer at an offset in its buffer shows its own pixels.");
	igt_subtest("fb-offset")
		test_fb_offset(&data);

	igt_describe("The CRTC's background colour shows where no plane covers it.");
	igt_subtest("background-color")
		test_background_color(&data);

	igt_describe("Writeback gives the same frame with CRC capture on and off.");
	igt_subtest("same-without-crc")
		test_same_without_crc(&data);

	igt_describe("The CRC is taken at the depth \"max bpc\" and the monitor allow.");
	igt_subtest("max-bpc")
		test_max_bpc(&data);

	igt_describe("A monitor whose EDID says 10 bits gets 10 bits at \"max bpc\" 10.");
	igt_subtest("deep-monitor")
		test_deep_monitor(&data);

	igt_describe("A frame drawn on screen has its CRC once DIRTYFB says so.");
	igt_subtest("crc-dirtyfb")
		test_crc_dirtyfb(&data);

	igt_fixture() {
		reset_override(0);
		dut_close(&data);
	}
}
