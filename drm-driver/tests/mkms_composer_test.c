// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of mkms's pure parts: the composer and the device
 * description check. They need no device: each test builds framebuffers
 * in memory, hands mkms_compose() the scanout registers that point at
 * them and reads what it wrote back. Buffers are allocated to their exact
 * size, so that KASAN catches a write past the writeback destination.
 *
 * Expected values come from the definitions the composer implements, not
 * from the composer: the DRM blend equations and rotation as drm_blend.c
 * and drm_rect_rotate() define them, and channel conversion as rounding to
 * the nearest value of the narrower channel.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_fourcc.h>

#include "../mkms_drv.h"

/* ---- Helpers ------------------------------------------------------------ */

static u64 mkms_test_get(const u8 *p, unsigned int cpp)
{
	u64 v = 0;

	while (cpp--)
		v = v << 8 | p[cpp];
	return v;
}

static void mkms_test_put(u8 *p, unsigned int cpp, u64 v)
{
	unsigned int i;

	for (i = 0; i < cpp; i++, v >>= 8)
		p[i] = v;
}

/* A @w x @h framebuffer of @cpp bytes a pixel, filled from @pixels. */
static u8 *mkms_test_fb(struct kunit *test, unsigned int cpp, unsigned int w,
			unsigned int h, const u64 *pixels)
{
	u8 *fb = kunit_kzalloc(test, w * h * cpp, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, fb);
	for (i = 0; i < w * h; i++)
		mkms_test_put(fb + i * cpp, cpp, pixels[i]);
	return fb;
}

/* Registers of an opaque plane showing all of @fb (@w x @h) at (@x, @y). */
static struct mkms_hw_plane_regs
mkms_test_plane(u32 format, unsigned int cpp, const u8 *fb, unsigned int w,
		unsigned int h, int x, int y, unsigned int zpos)
{
	struct mkms_hw_plane_regs p = {
		.enabled = true,
		.format = format,
		.pitch = w * cpp,
		.cpp = cpp,
		.vaddr = fb,
		.src = DRM_RECT_INIT(0, 0, w << 16, h << 16),
		.dst = DRM_RECT_INIT(x, y, w, h),
		.zpos = zpos,
		.alpha = 0xffff,
		.blend = DRM_MODE_BLEND_PREMULTI,
		.rotation = DRM_MODE_ROTATE_0,
	};

	return p;
}

/* A zeroed writeback destination of @w x @h pixels. */
static struct mkms_hw_wb_regs *mkms_test_wb(struct kunit *test, u32 format,
					    unsigned int cpp, unsigned int w,
					    unsigned int h)
{
	struct mkms_hw_wb_regs *wb = kunit_kzalloc(test, sizeof(*wb),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, wb);
	wb->format = format;
	wb->cpp = cpp;
	wb->pitch = w * cpp;
	wb->width = w;
	wb->height = h;
	wb->vaddr = kunit_kzalloc(test, w * h * cpp, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, wb->vaddr);
	return wb;
}

static u64 mkms_test_wb_pixel(const struct mkms_hw_wb_regs *wb,
			      unsigned int x, unsigned int y)
{
	return mkms_test_get(wb->vaddr + y * wb->pitch + x * wb->cpp, wb->cpp);
}

/* The scratch lines of @args, of the exact size, for KASAN to watch. */
static void mkms_test_scratch(struct kunit *test,
			      struct mkms_compose_args *args)
{
	args->line = kunit_kcalloc(test, args->width, sizeof(*args->line),
				   GFP_KERNEL);
	args->stage = kunit_kcalloc(test, args->width, sizeof(*args->stage),
				    GFP_KERNEL);
	args->crc_line = kunit_kcalloc(test, args->width, sizeof(u32),
				       GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, args->line);
	KUNIT_ASSERT_NOT_NULL(test, args->stage);
	KUNIT_ASSERT_NOT_NULL(test, args->crc_line);
}

/*
 * mkms_compose() of @args, given its scratch lines. A frame with a CRC is
 * composed twice: first the slow way, every pixel through the blender
 * (no crc_line), into a copy of the writeback destination, then on the
 * fast paths, as the driver composes it. Both must give the same CRC and
 * write the same bytes back.
 */
static int mkms_test_compose_args(struct kunit *test,
				  struct mkms_compose_args *args, u32 *crc)
{
	const struct mkms_hw_wb_regs *wb = args->wb;
	struct mkms_hw_wb_regs slow_wb;
	u32 fast = 0, slow = 0;
	size_t i, size = 0;
	int ret, slow_ret;

	mkms_test_scratch(test, args);
	if (!args->want_crc)
		return mkms_compose(args, &fast);

	if (wb && wb->vaddr) {
		size = (size_t)wb->pitch * wb->height;
		slow_wb = *wb;
		slow_wb.vaddr = kunit_kmalloc(test, size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, slow_wb.vaddr);
		memcpy(slow_wb.vaddr, wb->vaddr, size);
		args->wb = &slow_wb;
	}
	args->crc_line = NULL;
	slow_ret = mkms_compose(args, &slow);
	mkms_test_scratch(test, args);
	args->wb = wb;
	ret = mkms_compose(args, &fast);

	KUNIT_EXPECT_EQ(test, ret, slow_ret);
	if (!ret) {
		KUNIT_EXPECT_EQ_MSG(test, fast, slow,
				    "the fast paths' CRC is not the blender's");
		for (i = 0; i < size && wb->vaddr[i] == slow_wb.vaddr[i]; i++)
			;
		KUNIT_EXPECT_EQ_MSG(test, i, size,
				    "byte %zu written back differs from the blender's",
				    i);
	}
	if (crc)
		*crc = fast;
	return ret;
}

/* Compose a @w x @h frame of @planes; returns mkms_compose()'s value. */
static int mkms_test_compose_color(struct kunit *test,
				   const struct mkms_hw_plane_regs *planes,
				   unsigned int num_planes, unsigned int w,
				   unsigned int h,
				   const struct mkms_hw_wb_regs *wb,
				   const struct mkms_hw_color_regs *color,
				   bool want_crc, u32 *crc)
{
	struct mkms_compose_args args = {
		.planes = planes,
		.num_planes = num_planes,
		.width = w,
		.height = h,
		.wb = wb,
		.color = color,
		.want_crc = want_crc,
	};

	return mkms_test_compose_args(test, &args, crc);
}

static int mkms_test_compose(struct kunit *test,
			     const struct mkms_hw_plane_regs *planes,
			     unsigned int num_planes, unsigned int w,
			     unsigned int h, const struct mkms_hw_wb_regs *wb,
			     bool want_crc, u32 *crc)
{
	return mkms_test_compose_color(test, planes, num_planes, w, h, wb,
				       NULL, want_crc, crc);
}

/* Each 8-bit channel of XRGB8888 pixel @got within 1 of @want's. */
static void mkms_test_expect_close(struct kunit *test, u64 got, u64 want)
{
	unsigned int shift;

	for (shift = 0; shift < 24; shift += 8) {
		int g = (got >> shift) & 0xff, w = (want >> shift) & 0xff;

		KUNIT_EXPECT_LE_MSG(test, abs(g - w), 1,
				    "got %08llx, want %08llx", got, want);
	}
}

/* ---- Formats ------------------------------------------------------------ */

/**
 * struct mkms_test_format - a format the composer reads and writes
 * @fourcc: the format
 * @cpp: bytes a pixel
 * @colour: the bits that hold red, green and blue
 * @name: for the test log
 */
struct mkms_test_format {
	u32 fourcc;
	unsigned int cpp;
	u64 colour;
	const char *name;
};

#define MKMS_TEST_FORMAT(f, c, mask) \
	{ .fourcc = DRM_FORMAT_##f, .cpp = (c), .colour = (mask), .name = #f }

static const struct mkms_test_format mkms_test_formats[] = {
	MKMS_TEST_FORMAT(XRGB8888, 4, 0x00ffffff),
	MKMS_TEST_FORMAT(ARGB8888, 4, 0x00ffffff),
	MKMS_TEST_FORMAT(XBGR8888, 4, 0x00ffffff),
	MKMS_TEST_FORMAT(ABGR8888, 4, 0x00ffffff),
	MKMS_TEST_FORMAT(RGBX8888, 4, 0xffffff00),
	MKMS_TEST_FORMAT(RGBA8888, 4, 0xffffff00),
	MKMS_TEST_FORMAT(BGRX8888, 4, 0xffffff00),
	MKMS_TEST_FORMAT(BGRA8888, 4, 0xffffff00),
	MKMS_TEST_FORMAT(XRGB2101010, 4, 0x3fffffff),
	MKMS_TEST_FORMAT(ARGB2101010, 4, 0x3fffffff),
	MKMS_TEST_FORMAT(RGB888, 3, 0xffffff),
	MKMS_TEST_FORMAT(BGR888, 3, 0xffffff),
	MKMS_TEST_FORMAT(RGB565, 2, 0xffff),
	MKMS_TEST_FORMAT(BGR565, 2, 0xffff),
	MKMS_TEST_FORMAT(XRGB1555, 2, 0x7fff),
	MKMS_TEST_FORMAT(ARGB1555, 2, 0x7fff),
	MKMS_TEST_FORMAT(XRGB16161616, 8, 0x0000ffffffffffffULL),
	MKMS_TEST_FORMAT(ARGB16161616, 8, 0x0000ffffffffffffULL),
	MKMS_TEST_FORMAT(XBGR16161616, 8, 0x0000ffffffffffffULL),
	MKMS_TEST_FORMAT(ABGR16161616, 8, 0x0000ffffffffffffULL),
};

static void mkms_test_format_desc(const struct mkms_test_format *f,
				  char *desc)
{
	strscpy(desc, f->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mkms_test_format, mkms_test_formats, mkms_test_format_desc);

/*
 * Any pixel of a format, written back in the same format, comes back with
 * its colour bits unchanged and the others all ones: through the blender
 * (widened to 16 bits and rounded back, with a CRC), through the masked
 * copy (no CRC) and through the pixel-by-pixel reader (rotated 180 degrees,
 * which a one-line plane shows the same, mirrored).
 */
static void mkms_test_round_trip(struct kunit *test)
{
	const struct mkms_test_format *f = test->param_value;
	u64 all = f->cpp == 8 ? U64_MAX : BIT_ULL(f->cpp * 8) - 1;
	static const u64 samples[] = {
		0, U64_MAX, 0x0123456789abcdefULL, 0xfedcba9876543210ULL,
		0x5555555555555555ULL, 0xaaaaaaaaaaaaaaaaULL,
		0x8000800080008000ULL, 0x7f7f7f7f7f7f7f7fULL,
	};
	const unsigned int n = ARRAY_SIZE(samples);
	struct mkms_hw_plane_regs plane;
	struct mkms_hw_wb_regs *wb;
	unsigned int i, path;
	u8 *fb;

	fb = mkms_test_fb(test, f->cpp, n, 1, samples);
	for (path = 0; path < 3; path++) {
		plane = mkms_test_plane(f->fourcc, f->cpp, fb, n, 1, 0, 0, 0);
		plane.blend = DRM_MODE_BLEND_PIXEL_NONE;
		if (path == 2)
			plane.rotation = DRM_MODE_ROTATE_180 |
					 DRM_MODE_REFLECT_Y;
		wb = mkms_test_wb(test, f->fourcc, f->cpp, n, 1);
		KUNIT_ASSERT_EQ(test, mkms_test_compose(test, &plane, 1, n, 1,
							wb, path != 1, NULL),
				0);
		for (i = 0; i < n; i++) {
			u64 want = (samples[i] & f->colour) |
				   (all & ~f->colour);
			unsigned int x = path == 2 ? n - 1 - i : i;

			KUNIT_EXPECT_EQ_MSG(test, mkms_test_wb_pixel(wb, x, 0),
					    want, "path %u, sample %u",
					    path, i);
		}
	}
}

/**
 * struct mkms_test_conversion - one pixel from one format to another
 * @from: the plane's format
 * @from_cpp: its bytes a pixel
 * @pixel: the plane's pixel
 * @to: the writeback format
 * @to_cpp: its bytes a pixel
 * @want: what the writeback destination must hold
 * @name: for the test log
 */
struct mkms_test_conversion {
	u32 from;
	unsigned int from_cpp;
	u64 pixel;
	u32 to;
	unsigned int to_cpp;
	u64 want;
	const char *name;
};

#define MKMS_TEST_CONVERSION(f, fc, px, t, tc, w, n) \
	{ .from = DRM_FORMAT_##f, .from_cpp = (fc), .pixel = (px), \
	  .to = DRM_FORMAT_##t, .to_cpp = (tc), .want = (w), .name = (n) }

/*
 * Worked by hand: a channel of b bits with value v is v / (2^b - 1) of
 * full scale, and is written as the nearest value of the output width.
 */
static const struct mkms_test_conversion mkms_test_conversions[] = {
	MKMS_TEST_CONVERSION(RGB565, 2, 0xf800, XRGB8888, 4, 0xffff0000,
			     "RGB565 red to XRGB8888"),
	MKMS_TEST_CONVERSION(RGB565, 2, 0x07e0, XRGB8888, 4, 0xff00ff00,
			     "RGB565 green to XRGB8888"),
	/* 0x80 of 255 is 31.62 of 63: 32. */
	MKMS_TEST_CONVERSION(XRGB8888, 4, 0x00ff8000, RGB565, 2, 0xfc00,
			     "XRGB8888 to RGB565, rounded up"),
	/* 0x80 of 255 is 513.5 of 1023: 514 (0x202). */
	MKMS_TEST_CONVERSION(XRGB8888, 4, 0x00808080, XRGB2101010, 4,
			     0xe0280a02, "XRGB8888 grey to XRGB2101010"),
	MKMS_TEST_CONVERSION(XRGB2101010, 4, 0x3ff00000, XRGB8888, 4,
			     0xffff0000, "XRGB2101010 red to XRGB8888"),
	/* 0x8000 of 65535 is 127.5 of 255: 128. */
	MKMS_TEST_CONVERSION(XRGB16161616, 8, 0x0000800000000000ULL,
			     XRGB8888, 4, 0xff800000,
			     "XRGB16161616 half red to XRGB8888"),
	MKMS_TEST_CONVERSION(XBGR8888, 4, 0x00123456, XRGB8888, 4, 0xff563412,
			     "XBGR8888 to XRGB8888"),
	MKMS_TEST_CONVERSION(BGR888, 3, 0x123456, XRGB8888, 4, 0xff563412,
			     "BGR888 to XRGB8888"),
	MKMS_TEST_CONVERSION(RGBX8888, 4, 0x12345600, ABGR8888, 4, 0xff563412,
			     "RGBX8888 to ABGR8888"),
	MKMS_TEST_CONVERSION(ARGB1555, 2, 0x7c00, XRGB8888, 4, 0xffff0000,
			     "ARGB1555 red to XRGB8888"),
	MKMS_TEST_CONVERSION(XRGB8888, 4, 0x00ff0000, XRGB16161616, 8,
			     0xffffffff00000000ULL,
			     "XRGB8888 red to XRGB16161616"),
	MKMS_TEST_CONVERSION(XRGB8888, 4, 0x00010203, XBGR16161616, 8,
			     0xffff030302020101ULL,
			     "XRGB8888 to XBGR16161616"),
};

static void mkms_test_conversion_desc(const struct mkms_test_conversion *c,
				      char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mkms_test_conversion, mkms_test_conversions,
		  mkms_test_conversion_desc);

/* A pixel converted from one format to another, with and without a CRC. */
static void mkms_test_convert(struct kunit *test)
{
	const struct mkms_test_conversion *c = test->param_value;
	struct mkms_hw_plane_regs plane;
	struct mkms_hw_wb_regs *wb;
	unsigned int crc;
	u8 *fb;

	fb = mkms_test_fb(test, c->from_cpp, 1, 1, &c->pixel);
	plane = mkms_test_plane(c->from, c->from_cpp, fb, 1, 1, 0, 0, 0);
	plane.blend = DRM_MODE_BLEND_PIXEL_NONE;
	for (crc = 0; crc < 2; crc++) {
		wb = mkms_test_wb(test, c->to, c->to_cpp, 1, 1);
		KUNIT_ASSERT_EQ(test, mkms_test_compose(test, &plane, 1, 1, 1,
							wb, crc, NULL),
				0);
		KUNIT_EXPECT_EQ_MSG(test, mkms_test_wb_pixel(wb, 0, 0), c->want,
				    "with CRC: %u", crc);
	}
}

/* ---- Blending ----------------------------------------------------------- */

/**
 * struct mkms_test_blend - an overlay pixel over a primary pixel
 * @blend: the overlay's pixel blend mode
 * @alpha: its plane alpha
 * @fg: its ARGB8888 pixel
 * @bg: the primary plane's XRGB8888 pixel
 * @want: the XRGB8888 result, from the DRM blend equations in real
 *	numbers; each channel may be 1 off (rounding)
 * @name: for the test log
 */
struct mkms_test_blend {
	u16 blend;
	u16 alpha;
	u32 fg;
	u32 bg;
	u32 want;
	const char *name;
};

/*
 * pa: plane alpha, fa: the pixel's alpha (0x80 is 0.502), from drm_blend.c:
 *   None:           out = pa * fg.rgb + (1 - pa) * bg
 *   Pre-multiplied: out = pa * fg.rgb + (1 - pa * fa) * bg
 *   Coverage:       out = pa * fa * fg.rgb + (1 - pa * fa) * bg
 */
static const struct mkms_test_blend mkms_test_blends[] = {
	{ DRM_MODE_BLEND_PIXEL_NONE, 0xffff, 0x80ff0000, 0x000000ff,
	  0xffff0000, "none ignores the pixel's alpha" },
	{ DRM_MODE_BLEND_PIXEL_NONE, 0x8000, 0x00ff0000, 0x000000ff,
	  0xff80007f, "none, half plane alpha" },
	{ DRM_MODE_BLEND_COVERAGE, 0xffff, 0x80ff0000, 0x000000ff,
	  0xff80007f, "coverage, half pixel alpha" },
	{ DRM_MODE_BLEND_COVERAGE, 0x8000, 0x80ff0000, 0x000000ff,
	  0xff4000bf, "coverage, half of each" },
	{ DRM_MODE_BLEND_COVERAGE, 0x0000, 0xffff0000, 0x0000ff00,
	  0xff00ff00, "coverage, transparent plane" },
	{ DRM_MODE_BLEND_COVERAGE, 0xffff, 0xff00ff00, 0x000000ff,
	  0xff00ff00, "coverage, opaque pixel" },
	{ DRM_MODE_BLEND_PREMULTI, 0xffff, 0x80800000, 0x000000ff,
	  0xff80007f, "pre-multiplied, half pixel alpha" },
	{ DRM_MODE_BLEND_PREMULTI, 0x8000, 0x80800000, 0x000000ff,
	  0xff4000bf, "pre-multiplied, half of each" },
	{ DRM_MODE_BLEND_PREMULTI, 0xffff, 0x00000000, 0x00123456,
	  0xff123456, "pre-multiplied, transparent pixel" },
	/* Pre-multiplied colour over alpha adds light: saturates. */
	{ DRM_MODE_BLEND_PREMULTI, 0xffff, 0x80ff0000, 0x00ff0000,
	  0xffff0000, "pre-multiplied, saturated" },
};

static void mkms_test_blend_desc(const struct mkms_test_blend *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mkms_test_blend, mkms_test_blends, mkms_test_blend_desc);

static void mkms_test_blend_modes(struct kunit *test)
{
	const struct mkms_test_blend *b = test->param_value;
	struct mkms_hw_plane_regs planes[2];
	struct mkms_hw_wb_regs *wb;
	u64 fg = b->fg, bg = b->bg;
	unsigned int crc;

	planes[0] = mkms_test_plane(DRM_FORMAT_XRGB8888, 4,
				    mkms_test_fb(test, 4, 1, 1, &bg),
				    1, 1, 0, 0, 0);
	planes[1] = mkms_test_plane(DRM_FORMAT_ARGB8888, 4,
				    mkms_test_fb(test, 4, 1, 1, &fg),
				    1, 1, 0, 0, 1);
	planes[1].blend = b->blend;
	planes[1].alpha = b->alpha;
	for (crc = 0; crc < 2; crc++) {
		wb = mkms_test_wb(test, DRM_FORMAT_XRGB8888, 4, 1, 1);
		KUNIT_ASSERT_EQ(test, mkms_test_compose(test, planes, 2, 1, 1,
							wb, crc, NULL),
				0);
		mkms_test_expect_close(test, mkms_test_wb_pixel(wb, 0, 0),
				       b->want);
	}
}

/*
 * Planes blend in zpos order, whatever their order in the registers: red
 * (half alpha) over blue (half alpha) over opaque green.
 */
static void mkms_test_zpos(struct kunit *test)
{
	static const u64 red = 0x80ff0000, green = 0x0000ff00,
			 blue = 0x800000ff;
	struct mkms_hw_plane_regs planes[3];
	struct mkms_hw_wb_regs *wb;

	planes[0] = mkms_test_plane(DRM_FORMAT_ARGB8888, 4,
				    mkms_test_fb(test, 4, 1, 1, &red),
				    1, 1, 0, 0, 2);
	planes[1] = mkms_test_plane(DRM_FORMAT_XRGB8888, 4,
				    mkms_test_fb(test, 4, 1, 1, &green),
				    1, 1, 0, 0, 0);
	planes[2] = mkms_test_plane(DRM_FORMAT_ARGB8888, 4,
				    mkms_test_fb(test, 4, 1, 1, &blue),
				    1, 1, 0, 0, 1);
	planes[0].blend = DRM_MODE_BLEND_COVERAGE;
	planes[2].blend = DRM_MODE_BLEND_COVERAGE;
	wb = mkms_test_wb(test, DRM_FORMAT_XRGB8888, 4, 1, 1);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, planes, 3, 1, 1, wb,
						true, NULL), 0);
	/* r = .502 * 255, b = .498 * .502 * 255, g = .498 * .498 * 255 */
	mkms_test_expect_close(test, mkms_test_wb_pixel(wb, 0, 0), 0xff803f40);
}

/* ---- Rotation and scaling ---------------------------------------------- */

/**
 * struct mkms_test_geometry - what a plane shows, rotated and scaled
 * @fb: the framebuffer, row by row, as letters, @fb_w wide
 * @fb_w: the framebuffer's width
 * @fb_h: its height
 * @src: the source rectangle, in quarters of a pixel
 * @dst_w: the destination's width, at (0, 0)
 * @dst_h: its height
 * @rotation: DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_*
 * @want: the destination, row by row, as letters of @fb
 * @name: for the test log
 */
struct mkms_test_geometry {
	const char *fb;
	unsigned int fb_w, fb_h;
	struct drm_rect src;
	unsigned int dst_w, dst_h;
	u32 rotation;
	const char *want;
	const char *name;
};

/* All of "ABC" over "DEF", unscaled: 3x2 upright, 2x3 turned. */
#define MKMS_TEST_UPRIGHT(rotation, want, name) \
	{ "ABCDEF", 3, 2, DRM_RECT_INIT(0, 0, 12, 8), 3, 2, rotation, want, name }
#define MKMS_TEST_TURNED(rotation, want, name) \
	{ "ABCDEF", 3, 2, DRM_RECT_INIT(0, 0, 12, 8), 2, 3, rotation, want, name }

/*
 * Rotation as drm_rect_rotate() defines it: reflect, then rotate
 * counter-clockwise. A 90 or 270 degree rotation shows the 3x2
 * framebuffer as 2x3.
 *
 * Scaling by nearest neighbour: a destination pixel shows the source pixel
 * under its centre, (i + 1/2) * source size / destination size from the
 * source's start (reversed for a reflection or rotation).
 */
static const struct mkms_test_geometry mkms_test_geometries[] = {
	MKMS_TEST_UPRIGHT(DRM_MODE_ROTATE_0, "ABCDEF", "rotate-0"),
	MKMS_TEST_TURNED(DRM_MODE_ROTATE_90, "CFBEAD", "rotate-90"),
	MKMS_TEST_UPRIGHT(DRM_MODE_ROTATE_180, "FEDCBA", "rotate-180"),
	MKMS_TEST_TURNED(DRM_MODE_ROTATE_270, "DAEBFC", "rotate-270"),
	MKMS_TEST_UPRIGHT(DRM_MODE_ROTATE_0 | DRM_MODE_REFLECT_X, "CBAFED",
			  "reflect-x"),
	MKMS_TEST_UPRIGHT(DRM_MODE_ROTATE_0 | DRM_MODE_REFLECT_Y, "DEFABC",
			  "reflect-y"),
	MKMS_TEST_TURNED(DRM_MODE_ROTATE_90 | DRM_MODE_REFLECT_X, "ADBECF",
			 "reflect-x, rotate-90"),
	MKMS_TEST_UPRIGHT(DRM_MODE_ROTATE_180 | DRM_MODE_REFLECT_X |
			  DRM_MODE_REFLECT_Y, "ABCDEF", "reflect-xy, rotate-180"),
	{ "AB", 2, 1, DRM_RECT_INIT(0, 0, 8, 4), 4, 2, DRM_MODE_ROTATE_0,
	  "AABBAABB", "upscale-2x" },
	{ "ABCDEFGH", 4, 2, DRM_RECT_INIT(0, 0, 16, 8), 2, 1,
	  DRM_MODE_ROTATE_0, "FH", "downscale-2x" },
	{ "ABC", 3, 1, DRM_RECT_INIT(0, 0, 12, 4), 2, 1,
	  DRM_MODE_ROTATE_0, "AC", "downscale-1.5x" },
	{ "ABCD", 4, 1, DRM_RECT_INIT(2, 0, 8, 4), 4, 1,
	  DRM_MODE_ROTATE_0, "ABBC", "half-pixel-source" },
	{ "ABCDEF", 3, 2, DRM_RECT_INIT(4, 0, 8, 8), 4, 2,
	  DRM_MODE_ROTATE_0, "BBCCEEFF", "source-part" },
	{ "ABCDEF", 3, 2, DRM_RECT_INIT(0, 0, 12, 8), 4, 6,
	  DRM_MODE_ROTATE_90, "CCFFCCFFBBEEBBEEAADDAADD", "rotate-90-2x" },
	{ "ABCDEF", 3, 2, DRM_RECT_INIT(0, 0, 12, 8), 6, 2,
	  DRM_MODE_ROTATE_180, "FFEEDDCCBBAA", "rotate-180-x2" },
	{ "ABCDEF", 3, 2, DRM_RECT_INIT(0, 0, 12, 8), 2, 6,
	  DRM_MODE_ROTATE_270, "DADAEBEBFCFC", "rotate-270-y2" },
	{ "ABCDEF", 3, 2, DRM_RECT_INIT(0, 0, 12, 8), 6, 4,
	  DRM_MODE_ROTATE_0 | DRM_MODE_REFLECT_Y,
	  "DDEEFFDDEEFFAABBCCAABBCC", "reflect-y-2x" },
};

static void mkms_test_geometry_desc(const struct mkms_test_geometry *c,
				    char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mkms_test_geometry, mkms_test_geometries,
		  mkms_test_geometry_desc);

/* The plane of test->param_value, written back with and without a CRC. */
static void mkms_test_geometry(struct kunit *test)
{
	const struct mkms_test_geometry *c = test->param_value;
	unsigned int w = c->dst_w, h = c->dst_h;
	struct mkms_hw_plane_regs plane;
	struct mkms_hw_wb_regs *wb;
	unsigned int i, crc;
	u64 *letters;

	letters = kunit_kcalloc(test, c->fb_w * c->fb_h, sizeof(*letters),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, letters);
	for (i = 0; i < c->fb_w * c->fb_h; i++)
		letters[i] = c->fb[i];
	plane = mkms_test_plane(DRM_FORMAT_XRGB8888, 4,
				mkms_test_fb(test, 4, c->fb_w, c->fb_h,
					     letters),
				c->fb_w, c->fb_h, 0, 0, 0);
	/* Quarters to 16.16. */
	plane.src = DRM_RECT_INIT(c->src.x1 << 14, c->src.y1 << 14,
				  drm_rect_width(&c->src) << 14,
				  drm_rect_height(&c->src) << 14);
	plane.dst = DRM_RECT_INIT(0, 0, w, h);
	plane.rotation = c->rotation;
	KUNIT_ASSERT_EQ(test, strlen(c->want), w * h);
	for (crc = 0; crc < 2; crc++) {
		wb = mkms_test_wb(test, DRM_FORMAT_XRGB8888, 4, w, h);
		KUNIT_ASSERT_EQ(test, mkms_test_compose(test, &plane, 1, w, h,
							wb, crc, NULL),
				0);
		for (i = 0; i < w * h; i++)
			KUNIT_EXPECT_EQ_MSG(test,
					    mkms_test_wb_pixel(wb, i % w,
							       i / w) & 0xff,
					    (u64)c->want[i],
					    "pixel %u, with CRC: %u", i, crc);
	}
}

/* ---- Colour pipeline ---------------------------------------------------- */

/* A LUT whose entry i is @base + @step * i (0 <= i < MKMS_LUT_SIZE). */
static struct drm_color_lut *mkms_test_lut(struct kunit *test, int base,
					   int step)
{
	struct drm_color_lut *lut = kunit_kcalloc(test, MKMS_LUT_SIZE,
						  sizeof(*lut), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, lut);
	for (i = 0; i < MKMS_LUT_SIZE; i++) {
		u16 v = clamp(base + step * (int)i, 0, 0xffff);

		lut[i].red = v;
		lut[i].green = v;
		lut[i].blue = v;
	}
	return lut;
}

/* The identity LUT: entry i at i / (MKMS_LUT_SIZE - 1) of full scale. */
static struct drm_color_lut *mkms_test_lut_identity(struct kunit *test)
{
	struct drm_color_lut *lut = mkms_test_lut(test, 0, 0);
	unsigned int i;

	for (i = 0; i < MKMS_LUT_SIZE; i++) {
		u16 v = DIV_ROUND_CLOSEST(i * 0xffff, MKMS_LUT_SIZE - 1);

		lut[i].red = v;
		lut[i].green = v;
		lut[i].blue = v;
	}
	return lut;
}

/* A CTM property from real coefficients given in 1/256ths, row major. */
static struct drm_color_ctm *mkms_test_ctm(struct kunit *test,
					   const int *m256)
{
	struct drm_color_ctm *ctm = kunit_kzalloc(test, sizeof(*ctm),
						  GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, ctm);
	/* Sign-magnitude S31.32, as userspace writes it. */
	for (i = 0; i < 9; i++)
		ctm->matrix[i] = (u64)abs(m256[i]) << 24 |
				 (m256[i] < 0 ? BIT_ULL(63) : 0);
	return ctm;
}

/*
 * One 16-bit pixel (@r, @g, @b) through @color, with and without a CRC;
 * each output channel must be the one given.
 */
static void mkms_test_color_pixel(struct kunit *test,
				  const struct mkms_hw_color_regs *color,
				  u16 r, u16 g, u16 b,
				  u16 want_r, u16 want_g, u16 want_b)
{
	u64 in = (u64)r << 32 | (u64)g << 16 | b;
	u64 want = 0xffffULL << 48 | (u64)want_r << 32 | (u64)want_g << 16 |
		   want_b;
	struct mkms_hw_plane_regs plane;
	struct mkms_hw_wb_regs *wb;
	unsigned int crc;

	plane = mkms_test_plane(DRM_FORMAT_XRGB16161616, 8,
				mkms_test_fb(test, 8, 1, 1, &in), 1, 1, 0, 0, 0);
	for (crc = 0; crc < 2; crc++) {
		wb = mkms_test_wb(test, DRM_FORMAT_XRGB16161616, 8, 1, 1);
		KUNIT_ASSERT_EQ(test,
				mkms_test_compose_color(test, &plane, 1, 1, 1,
							wb, color, crc, NULL),
				0);
		KUNIT_EXPECT_EQ_MSG(test, mkms_test_wb_pixel(wb, 0, 0), want,
				    "in %04x %04x %04x, with CRC: %u",
				    r, g, b, crc);
	}
}

static struct mkms_hw_color_regs *mkms_test_color(struct kunit *test)
{
	struct mkms_hw_color_regs *color = kunit_kzalloc(test, sizeof(*color),
							 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, color);
	return color;
}

/*
 * Identity LUTs and matrix give every 8-bit value back: the pipeline's
 * rounding stays within half an 8-bit step.
 */
static void mkms_test_color_identity(struct kunit *test)
{
	static const int identity[9] = { 256, 0, 0, 0, 256, 0, 0, 0, 256 };
	struct mkms_hw_color_regs *color = mkms_test_color(test);
	struct drm_color_lut *lut = mkms_test_lut_identity(test);
	u64 *pixels = kunit_kcalloc(test, 256, sizeof(*pixels), GFP_KERNEL);
	struct mkms_hw_plane_regs plane;
	struct mkms_hw_wb_regs *wb;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pixels);
	for (i = 0; i < 256; i++)
		pixels[i] = i << 16 | (255 - i) << 8 | (i * 7 & 0xff);
	mkms_color_regs_load(color, lut, mkms_test_ctm(test, identity), lut);
	plane = mkms_test_plane(DRM_FORMAT_XRGB8888, 4,
				mkms_test_fb(test, 4, 256, 1, pixels),
				256, 1, 0, 0, 0);
	wb = mkms_test_wb(test, DRM_FORMAT_XRGB8888, 4, 256, 1);
	KUNIT_ASSERT_EQ(test, mkms_test_compose_color(test, &plane, 1, 256, 1,
						      wb, color, false, NULL),
			0);
	for (i = 0; i < 256; i++)
		KUNIT_EXPECT_EQ(test, mkms_test_wb_pixel(wb, i, 0),
				0xff000000 | pixels[i]);
}

/*
 * Between two entries a LUT interpolates linearly. 0x8000 is at
 * 511.508 of 1023: between entries 511 and 512.
 */
static void mkms_test_color_lut(struct kunit *test)
{
	struct mkms_hw_color_regs *color = mkms_test_color(test);

	/* Entries i * 64: 32704 + 0.508 * 64 = 32736.5, rounded down. */
	mkms_color_regs_load(color, NULL, NULL, mkms_test_lut(test, 0, 64));
	mkms_test_color_pixel(test, color, 0x8000, 0, 0xffff,
			      32736, 0, 1023 * 64);
	/* Decreasing: 0xffff - i * 64, the same distance down. */
	mkms_color_regs_load(color, NULL, NULL,
			     mkms_test_lut(test, 0xffff, -64));
	mkms_test_color_pixel(test, color, 0x8000, 0, 0xffff,
			      32799, 0xffff, 0xffff - 1023 * 64);
	/* The ends of the range are the first and the last entry. */
	mkms_test_color_pixel(test, color, 0, 0xffff, 0,
			      0xffff, 0xffff - 1023 * 64, 0xffff);
	/* A maxed-out gamma LUT (IGT's kms_color): everything is white. */
	mkms_color_regs_load(color, NULL, NULL, mkms_test_lut(test, 0xffff, 0));
	mkms_test_color_pixel(test, color, 0, 0x1234, 0x8000,
			      0xffff, 0xffff, 0xffff);
	/* The same as degamma. */
	mkms_color_regs_load(color, mkms_test_lut(test, 0xffff, 0), NULL, NULL);
	mkms_test_color_pixel(test, color, 0, 0x1234, 0x8000,
			      0xffff, 0xffff, 0xffff);
}

static void mkms_test_color_ctm(struct kunit *test)
{
	static const int red_to_blue[9] = { 0, 0, 0, 0, 256, 0, 256, 0, 0 };
	static const int half[9] = { 128, 0, 0, 0, 128, 0, 0, 0, 128 };
	static const int mix[9] = { -256, 256, 0, 128, 128, 0, 0, 0, 512 };
	struct mkms_hw_color_regs *color = mkms_test_color(test);

	mkms_color_regs_load(color, NULL, mkms_test_ctm(test, red_to_blue),
			     NULL);
	mkms_test_color_pixel(test, color, 0xffff, 0x1234, 0,
			      0, 0x1234, 0xffff);
	/* 0xffff / 2 = 0x7fff.8: rounds up. */
	mkms_color_regs_load(color, NULL, mkms_test_ctm(test, half), NULL);
	mkms_test_color_pixel(test, color, 0xffff, 0x1000, 1,
			      0x8000, 0x0800, 1);
	/*
	 * Negative sums clamp to 0, sums past full scale to full scale:
	 * r = -r + g, g = (r + g) / 2, b = 2 b.
	 */
	mkms_color_regs_load(color, NULL, mkms_test_ctm(test, mix), NULL);
	mkms_test_color_pixel(test, color, 0x9000, 0x1000, 0x9000,
			      0, 0x5000, 0xffff);
	mkms_test_color_pixel(test, color, 0x1000, 0x9000, 0x2000,
			      0x8000, 0x5000, 0x4000);
}

/* Degamma, then the CTM, then gamma: each stage sees the one before. */
static void mkms_test_color_order(struct kunit *test)
{
	static const int twice[9] = { 512, 0, 0, 0, 512, 0, 0, 0, 512 };
	struct mkms_hw_color_regs *color = mkms_test_color(test);

	/* 0x4000 everywhere, doubled to 0x8000, then 32736 as above. */
	mkms_color_regs_load(color, mkms_test_lut(test, 0x4000, 0),
			     mkms_test_ctm(test, twice),
			     mkms_test_lut(test, 0, 64));
	mkms_test_color_pixel(test, color, 0, 0x1234, 0xffff,
			      32736, 32736, 32736);
}

/* Each 16-bit channel of @rgb halved as the CTM does it: halves round up. */
static u64 mkms_test_halve(u64 rgb)
{
	u64 out = 0;
	unsigned int shift;

	for (shift = 0; shift < 48; shift += 16)
		out |= (((rgb >> shift & 0xffff) + 1) >> 1) << shift;
	return out;
}

/*
 * The background shows where no plane does and under a transparent one,
 * opaque whatever its alpha, with and without a CRC (the direct path),
 * and goes through the colour pipeline like the planes.
 */
static void mkms_test_background(struct kunit *test)
{
	/* Red 0x8000, green 0x4000, blue 0xfffe; alpha 0x1234 is not used. */
	static const u64 background = 0x123480004000fffeULL;
	static const int half[9] = { 128, 0, 0, 0, 128, 0, 0, 0, 128 };
	static const u64 white = 0xffffffff, clear;
	struct mkms_compose_args args = {
		.num_planes = 2,
		.width = 4,
		.height = 2,
		.background = background,
	};
	struct mkms_hw_plane_regs planes[2];
	struct mkms_hw_wb_regs *wb;
	u64 want, got;
	unsigned int x, y, pass;

	/* White at (1, 0), fully transparent at (2, 0). */
	planes[0] = mkms_test_plane(DRM_FORMAT_XRGB8888, 4,
				    mkms_test_fb(test, 4, 1, 1, &white),
				    1, 1, 1, 0, 0);
	planes[1] = mkms_test_plane(DRM_FORMAT_ARGB8888, 4,
				    mkms_test_fb(test, 4, 1, 1, &clear),
				    1, 1, 2, 0, 1);
	args.planes = planes;

	/* Without a CRC, with one, then halved by the CTM. */
	for (pass = 0; pass < 3; pass++) {
		args.want_crc = pass > 0;
		if (pass == 2) {
			struct mkms_hw_color_regs *color = mkms_test_color(test);

			mkms_color_regs_load(color, NULL,
					     mkms_test_ctm(test, half), NULL);
			args.color = color;
		}
		wb = mkms_test_wb(test, DRM_FORMAT_XRGB16161616, 8, 4, 2);
		args.wb = wb;
		KUNIT_ASSERT_EQ(test, mkms_test_compose_args(test, &args, NULL),
				0);
		for (y = 0; y < 2; y++)
			for (x = 0; x < 4; x++) {
				want = x == 1 && y == 0 ? 0xffffffffffffULL :
				       background & 0xffffffffffffULL;
				if (pass == 2)
					want = mkms_test_halve(want);
				want |= 0xffffULL << 48;
				got = mkms_test_wb_pixel(wb, x, y);
				KUNIT_EXPECT_EQ_MSG(test, got, want,
						    "pass %u at (%u, %u)",
						    pass, x, y);
			}
	}
}

/* Coefficients beyond MKMS_CTM_MAX act as MKMS_CTM_MAX, not wrap. */
static void mkms_test_color_ctm_clamp(struct kunit *test)
{
	struct mkms_hw_color_regs *color = mkms_test_color(test);
	struct drm_color_ctm ctm = { };

	ctm.matrix[0] = BIT_ULL(62);			/* 2^30 */
	ctm.matrix[4] = BIT_ULL(63) | BIT_ULL(62);	/* -2^30 */
	ctm.matrix[8] = MKMS_CTM_MAX;
	mkms_color_regs_load(color, NULL, &ctm, NULL);
	KUNIT_EXPECT_EQ(test, color->ctm[0], MKMS_CTM_MAX);
	KUNIT_EXPECT_EQ(test, color->ctm[4], -MKMS_CTM_MAX);
	KUNIT_EXPECT_EQ(test, color->ctm[8], MKMS_CTM_MAX);
	mkms_test_color_pixel(test, color, 1, 0xffff, 1, 8192, 0, 8192);
}

/* ---- YCbCr ------------------------------------------------------------- */

/**
 * struct mkms_test_yuv - a YCbCr colour and what it converts to
 * @fourcc: the format, whose layout drm_format_info() gives
 * @encoding: its COLOR_ENCODING
 * @range: its COLOR_RANGE
 * @depth: bits a sample
 * @y: luma code
 * @cb: blue-difference code
 * @cr: red-difference code
 * @r: red, 16 bits, from the definition: ITU-R's Kr and Kb of @encoding,
 *	ITU-T H.273's quantization of @range, in floating point
 * @g: green, the same
 * @b: blue, the same
 */
struct mkms_test_yuv {
	u32 fourcc;
	u32 encoding;
	u32 range;
	unsigned int depth;
	u32 y, cb, cr;
	u16 r, g, b;
};

static const struct mkms_test_yuv mkms_test_yuvs[] = {
	{ DRM_FORMAT_NV12, DRM_COLOR_YCBCR_BT601, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 16, 128, 128, 0x0000, 0x0000, 0x0000 },
	{ DRM_FORMAT_NV12, DRM_COLOR_YCBCR_BT601, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 235, 128, 128, 0xffff, 0xffff, 0xffff },
	{ DRM_FORMAT_NV12, DRM_COLOR_YCBCR_BT601, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 97, 94, 197, 0xcd3d, 0x33be, 0x19d4 },
	{ DRM_FORMAT_NV21, DRM_COLOR_YCBCR_BT709, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 86, 101, 196, 0xcc35, 0x333a, 0x1891 },
	{ DRM_FORMAT_NV16, DRM_COLOR_YCBCR_BT2020, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 130, 102, 64, 0x1967, 0xb3f0, 0x4d5b },
	{ DRM_FORMAT_NV61, DRM_COLOR_YCBCR_BT601, DRM_COLOR_YCBCR_FULL_RANGE,
	  8, 164, 64, 175, 0xe6cb, 0x990e, 0x32ca },
	{ DRM_FORMAT_NV24, DRM_COLOR_YCBCR_BT709, DRM_COLOR_YCBCR_FULL_RANGE,
	  8, 65, 196, 103, 0x19bb, 0x4037, 0xbfed },
	{ DRM_FORMAT_NV42, DRM_COLOR_YCBCR_BT2020, DRM_COLOR_YCBCR_FULL_RANGE,
	  8, 128, 128, 128, 0x8080, 0x8080, 0x8080 },
	{ DRM_FORMAT_YUV420, DRM_COLOR_YCBCR_BT601, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 104, 179, 72, 0x0d24, 0x8083, 0xce26 },
	{ DRM_FORMAT_YVU420, DRM_COLOR_YCBCR_BT709, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 109, 173, 75, 0x0d53, 0x7f6e, 0xcc24 },
	{ DRM_FORMAT_YUV422, DRM_COLOR_YCBCR_BT2020, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 172, 49, 156, 0xe58a, 0xb2ed, 0x0c7e },
	{ DRM_FORMAT_YVU422, DRM_COLOR_YCBCR_BT601, DRM_COLOR_YCBCR_FULL_RANGE,
	  8, 199, 145, 41, 0x4d54, 0xffff, 0xe605 },
	{ DRM_FORMAT_YUV444, DRM_COLOR_YCBCR_BT709, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 41, 163, 120, 0x0ed3, 0x1a03, 0x6772 },
	{ DRM_FORMAT_YVU444, DRM_COLOR_YCBCR_BT2020, DRM_COLOR_YCBCR_FULL_RANGE,
	  8, 85, 110, 148, 0x72f0, 0x4cd5, 0x3356 },
	{ DRM_FORMAT_P010, DRM_COLOR_YCBCR_BT709, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  10, 64, 512, 512, 0x0000, 0x0000, 0x0000 },
	{ DRM_FORMAT_P010, DRM_COLOR_YCBCR_BT709, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  10, 840, 350, 549, 0xf36c, 0xe67f, 0x8ce3 },
	{ DRM_FORMAT_P012, DRM_COLOR_YCBCR_BT2020, DRM_COLOR_YCBCR_FULL_RANGE,
	  12, 2972, 1012, 2532, 0xe669, 0xb32a, 0x3ff2 },
	{ DRM_FORMAT_P016, DRM_COLOR_YCBCR_BT601, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  16, 20517, 39470, 28968, 0x3332, 0x4ccd, 0x7fff },
	{ DRM_FORMAT_NV12, DRM_COLOR_YCBCR_BT601, DRM_COLOR_YCBCR_LIMITED_RANGE,
	  8, 81, 90, 240, 0xff6f, 0x0000, 0x0000 },
};

static void mkms_test_yuv_desc(const struct mkms_test_yuv *c, char *desc)
{
	static const char * const encodings[] = {
		[DRM_COLOR_YCBCR_BT601] = "BT.601",
		[DRM_COLOR_YCBCR_BT709] = "BT.709",
		[DRM_COLOR_YCBCR_BT2020] = "BT.2020",
	};

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%p4cc %s %s %u %u %u",
		 &c->fourcc, encodings[c->encoding],
		 c->range == DRM_COLOR_YCBCR_FULL_RANGE ? "full" : "limited",
		 c->y, c->cb, c->cr);
}

KUNIT_ARRAY_PARAM(mkms_test_yuv, mkms_test_yuvs, mkms_test_yuv_desc);

/* Whether @fourcc stores Cr before Cb, as drm_fourcc.h defines it. */
static bool mkms_test_cr_first(u32 fourcc)
{
	switch (fourcc) {
	case DRM_FORMAT_NV21:
	case DRM_FORMAT_NV61:
	case DRM_FORMAT_NV42:
	case DRM_FORMAT_YVU420:
	case DRM_FORMAT_YVU422:
	case DRM_FORMAT_YVU444:
		return true;
	default:
		return false;
	}
}

/*
 * A @w x @h framebuffer of format @fourcc in the registers of an opaque
 * plane at (0, 0): luma sample (x, y) is @y(x, y), each chroma sample
 * @cb[cx] and @cr[cx] of its column, for the w / hsub columns. Samples wider than @depth bits have
 * theirs in the high bits. Each plane has its own allocation, of its
 * exact size.
 */
static struct mkms_hw_plane_regs
mkms_test_yuv_plane(struct kunit *test, u32 fourcc, unsigned int depth,
		    unsigned int w, unsigned int h,
		    u32 (*y)(unsigned int x, unsigned int y),
		    const u32 *cb, const u32 *cr)
{
	const struct drm_format_info *info = drm_format_info(fourcc);
	unsigned int cw = w / info->hsub, ch = h / info->vsub;
	unsigned int size = info->cpp[0], shift = size * 8 - depth;
	bool swap_c = mkms_test_cr_first(fourcc);
	struct mkms_hw_plane_regs p;
	unsigned int i, j, k;
	u8 *fb, *c[2];

	fb = kunit_kzalloc(test, w * h * size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fb);
	for (j = 0; j < h; j++)
		for (i = 0; i < w; i++)
			mkms_test_put(fb + (j * w + i) * size, size,
				      y(i, j) << shift);
	p = mkms_test_plane(fourcc, size, fb, w, h, 0, 0, 0);

	for (k = 0; k + 1 < info->num_planes; k++) {
		c[k] = kunit_kzalloc(test, cw * ch * info->cpp[k + 1],
				     GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, c[k]);
		p.chroma[k] = c[k];
		p.chroma_pitch[k] = cw * info->cpp[k + 1];
	}
	for (j = 0; j < ch; j++)
		for (i = 0; i < cw; i++) {
			u32 first = swap_c ? cr[i] : cb[i];
			u32 second = swap_c ? cb[i] : cr[i];

			if (info->num_planes == 2) {
				u8 *at = c[0] + (j * cw + i) * 2 * size;

				mkms_test_put(at, size, first << shift);
				mkms_test_put(at + size, size, second << shift);
			} else {
				mkms_test_put(c[0] + (j * cw + i) * size, size,
					      first << shift);
				mkms_test_put(c[1] + (j * cw + i) * size, size,
					      second << shift);
			}
		}
	return p;
}

/* Each channel of XRGB16161616 pixel @got within 1 of @r, @g, @b. */
static void mkms_test_expect_rgb16(struct kunit *test, u64 got, u16 r, u16 g,
				   u16 b, const char *where)
{
	int c[3] = { r, g, b };
	unsigned int i;
	int off;

	KUNIT_EXPECT_EQ_MSG(test, got >> 48, 0xffff, "%s", where);
	for (i = 0; i < 3; i++) {
		off = (int)(got >> (32 - 16 * i) & 0xffff) - c[i];
		KUNIT_EXPECT_LE_MSG(test, abs(off), 1,
				    "%s: got %012llx, want %04x%04x%04x",
				    where, got & 0xffffffffffffULL, r, g, b);
	}
}

static u32 mkms_test_yuv_luma;

static u32 mkms_test_same_luma(unsigned int x, unsigned int y)
{
	return mkms_test_yuv_luma;
}

/*
 * A colour in every YCbCr format, encoding and range comes out as the
 * definitions say, to within one 16-bit step, on every pixel of a frame
 * whose chroma is subsampled.
 */
static void mkms_test_yuv_colour(struct kunit *test)
{
	const struct mkms_test_yuv *c = test->param_value;
	const u32 cb[4] = { c->cb, c->cb, c->cb, c->cb };
	const u32 cr[4] = { c->cr, c->cr, c->cr, c->cr };
	struct mkms_hw_plane_regs plane;
	struct mkms_hw_wb_regs *wb;
	unsigned int x, y;
	char where[16];

	mkms_test_yuv_luma = c->y;
	plane = mkms_test_yuv_plane(test, c->fourcc, c->depth, 4, 2,
				    mkms_test_same_luma, cb, cr);
	plane.color_encoding = c->encoding;
	plane.color_range = c->range;
	wb = mkms_test_wb(test, DRM_FORMAT_XRGB16161616, 8, 4, 2);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, &plane, 1, 4, 2, wb,
						false, NULL), 0);
	for (y = 0; y < 2; y++)
		for (x = 0; x < 4; x++) {
			snprintf(where, sizeof(where), "(%u, %u)", x, y);
			mkms_test_expect_rgb16(test, mkms_test_wb_pixel(wb, x, y),
					       c->r, c->g, c->b, where);
		}
}

/* Luma 16 + 60 x for column x: black, then greys up to 82%. */
static u32 mkms_test_luma_ramp(unsigned int x, unsigned int y)
{
	return 16 + 60 * x;
}

/*
 * Each pixel takes the chroma sample that covers it, also when the source
 * starts at an odd column and is reflected: NV12, BT.601 limited, chroma
 * neutral on the left half of the framebuffer and pure red's on the
 * right.
 */
static void mkms_test_yuv_siting(struct kunit *test)
{
	/* Grey: Cb = Cr = 128. Red's chroma: Cb 90, Cr 240. */
	static const u32 cb[2] = { 128, 90 }, cr[2] = { 128, 240 };
	struct mkms_hw_plane_regs plane;
	struct mkms_hw_wb_regs *wb;
	unsigned int x, s, luma;
	u64 got;
	char where[16];

	plane = mkms_test_yuv_plane(test, DRM_FORMAT_NV12, 8, 4, 2,
				    mkms_test_luma_ramp, cb, cr);
	/* Columns 1 to 3 of the source, shown reflected. */
	plane.src = DRM_RECT_INIT(1 << 16, 0, 3 << 16, 2 << 16);
	plane.dst = DRM_RECT_INIT(0, 0, 3, 2);
	plane.rotation = DRM_MODE_ROTATE_0 | DRM_MODE_REFLECT_X;
	wb = mkms_test_wb(test, DRM_FORMAT_XRGB16161616, 8, 3, 2);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, &plane, 1, 3, 2, wb,
						false, NULL), 0);
	for (x = 0; x < 3; x++) {
		s = 3 - x;
		luma = DIV_ROUND_CLOSEST(s * 60 * 0xffff, 219);
		got = mkms_test_wb_pixel(wb, x, 1);
		snprintf(where, sizeof(where), "column %u", x);
		if (s < 2) {
			mkms_test_expect_rgb16(test, got, luma, luma, luma,
					       where);
		} else {
			/* Red's chroma: red above the luma, green below. */
			KUNIT_EXPECT_GT_MSG(test, (got >> 32) & 0xffff,
					    (u64)luma, "%s", where);
			KUNIT_EXPECT_GT_MSG(test, (got >> 32) & 0xffff,
					    (got >> 16 & 0xffff) + 0x4000, "%s",
					    where);
			KUNIT_EXPECT_LT_MSG(test, (got >> 16) & 0xffff,
					    (u64)luma, "%s", where);
		}
	}
}

/* ---- Grey formats ----------------------------------------------------- */

static const u32 mkms_test_greys[] = {
	DRM_FORMAT_R8,
#ifdef DRM_FORMAT_R1	/* Linux 6.8 */
	DRM_FORMAT_R1,
	DRM_FORMAT_R2,
	DRM_FORMAT_R4,
#endif
};

static void mkms_test_grey_desc(const u32 *fourcc, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%p4cc", fourcc);
}

KUNIT_ARRAY_PARAM(mkms_test_grey, mkms_test_greys, mkms_test_grey_desc);

#define MKMS_TEST_GREY_W	12
#define MKMS_TEST_GREY_PITCH	16

/* The level of pixel (@x, @y) of the test framebuffer, @bits wide. */
static unsigned int mkms_test_grey_level(unsigned int x, unsigned int y,
					 unsigned int bits)
{
	return (x * 5 + y * 3) & (BIT(bits) - 1);
}

/*
 * Every pixel of a grey format (R1, R2, R4, R8) is the grey of its level,
 * red, green and blue alike: the first pixel of a byte is in its high
 * bits, as drm_fourcc.h defines them. Read line by line (R8 unrotated),
 * then from a source that starts inside a byte, reflected.
 */
static void mkms_test_grey(struct kunit *test)
{
	const u32 *fourcc = test->param_value;
	const struct drm_format_info *info = drm_format_info(*fourcc);
	unsigned int bits = drm_format_info_bpp(info, 0);
	unsigned int max = BIT(bits) - 1, w = MKMS_TEST_GREY_W, h = 2;
	struct mkms_hw_plane_regs plane;
	struct mkms_hw_wb_regs *wb;
	unsigned int x, y, s, grey;
	char where[24];
	u8 *fb;

	fb = kunit_kzalloc(test, MKMS_TEST_GREY_PITCH * h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fb);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			fb[y * MKMS_TEST_GREY_PITCH + x * bits / 8] |=
				mkms_test_grey_level(x, y, bits) <<
				(8 - bits - x * bits % 8);
	plane = mkms_test_plane(*fourcc, info->cpp[0], fb, w, h, 0, 0, 0);
	plane.pitch = MKMS_TEST_GREY_PITCH;

	wb = mkms_test_wb(test, DRM_FORMAT_XRGB16161616, 8, w, h);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, &plane, 1, w, h, wb,
						false, NULL), 0);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			grey = mkms_test_grey_level(x, y, bits) * 0xffff / max;
			snprintf(where, sizeof(where), "(%u, %u)", x, y);
			mkms_test_expect_rgb16(test, mkms_test_wb_pixel(wb, x, y),
					       grey, grey, grey, where);
		}

	/* Columns 3 to 10, shown reflected at (1, 0). */
	plane.src = DRM_RECT_INIT(3 << 16, 0, 8 << 16, h << 16);
	plane.dst = DRM_RECT_INIT(1, 0, 8, h);
	plane.rotation = DRM_MODE_ROTATE_0 | DRM_MODE_REFLECT_X;
	wb = mkms_test_wb(test, DRM_FORMAT_XRGB16161616, 8, w, h);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, &plane, 1, w, h, wb,
						false, NULL), 0);
	for (y = 0; y < h; y++)
		for (x = 1; x < 9; x++) {
			s = 3 + 8 - x;
			grey = mkms_test_grey_level(s, y, bits) * 0xffff / max;
			snprintf(where, sizeof(where), "reflected (%u, %u)",
				 x, y);
			mkms_test_expect_rgb16(test, mkms_test_wb_pixel(wb, x, y),
					       grey, grey, grey, where);
		}
}

/* ---- The fast paths against the blender ------------------------------- */

#define MKMS_TEST_W	16
#define MKMS_TEST_H	8

/*
 * A frame with every case the fast paths tell apart: an opaque primary
 * plane, a translucent overlay over part of it, a cursor half off the
 * right edge (clipped, as the atomic check leaves it) and lines that only
 * the primary plane covers.
 */
static unsigned int mkms_test_scene(struct kunit *test,
				    struct mkms_hw_plane_regs *planes,
				    u32 primary_format, bool swap_rb)
{
	u64 *primary, overlay[6 * 3], cursor[4 * 4];
	unsigned int i;

	primary = kunit_kcalloc(test, MKMS_TEST_W * MKMS_TEST_H,
				sizeof(*primary), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, primary);
	for (i = 0; i < MKMS_TEST_W * MKMS_TEST_H; i++) {
		u64 r = i * 7 & 0xff, g = i * 13 & 0xff, b = i * 29 & 0xff;

		primary[i] = swap_rb ? b << 16 | g << 8 | r :
				       r << 16 | g << 8 | b;
	}
	for (i = 0; i < ARRAY_SIZE(overlay); i++)
		overlay[i] = (u64)(i * 40 & 0xff) << 24 | 0x00406080;
	for (i = 0; i < ARRAY_SIZE(cursor); i++)
		cursor[i] = i & 1 ? 0xffffffff : 0x80000000;

	planes[0] = mkms_test_plane(primary_format, 4,
				    mkms_test_fb(test, 4, MKMS_TEST_W,
						 MKMS_TEST_H, primary),
				    MKMS_TEST_W, MKMS_TEST_H, 0, 0, 0);
	planes[1] = mkms_test_plane(DRM_FORMAT_ARGB8888, 4,
				    mkms_test_fb(test, 4, 6, 3, overlay),
				    6, 3, 3, 2, 1);
	planes[1].blend = DRM_MODE_BLEND_COVERAGE;
	planes[1].alpha = 0xc000;
	planes[2] = mkms_test_plane(DRM_FORMAT_ARGB8888, 4,
				    mkms_test_fb(test, 4, 4, 4, cursor),
				    4, 4, MKMS_TEST_W - 2, 1, 2);
	/* Clipped to the CRTC: the cursor's left half shows. */
	planes[2].src.x2 = 2 << 16;
	planes[2].dst.x2 = MKMS_TEST_W;
	return 3;
}

/*
 * Without a CRC the composer copies what the primary plane alone shows
 * and blends the rest; with one it does the same into the CRC's line, and
 * mkms_test_compose() holds that to the blender alone. All must write the
 * same frame.
 */
static void mkms_test_fast_path(struct kunit *test)
{
	struct mkms_hw_plane_regs planes[3];
	struct mkms_hw_wb_regs *fast, *slow;
	unsigned int n, x, y;

	n = mkms_test_scene(test, planes, DRM_FORMAT_XRGB8888, false);
	fast = mkms_test_wb(test, DRM_FORMAT_XRGB8888, 4, MKMS_TEST_W,
			    MKMS_TEST_H);
	slow = mkms_test_wb(test, DRM_FORMAT_XRGB8888, 4, MKMS_TEST_W,
			    MKMS_TEST_H);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, planes, n, MKMS_TEST_W,
						MKMS_TEST_H, fast, false,
						NULL), 0);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, planes, n, MKMS_TEST_W,
						MKMS_TEST_H, slow, true, NULL),
			0);
	for (y = 0; y < MKMS_TEST_H; y++)
		for (x = 0; x < MKMS_TEST_W; x++)
			KUNIT_EXPECT_EQ_MSG(test, mkms_test_wb_pixel(fast, x, y),
					    mkms_test_wb_pixel(slow, x, y),
					    "at (%u, %u)", x, y);
	/* Where only the primary shows, its pixel, X set: (1, 0) is 7 13 29. */
	KUNIT_EXPECT_EQ(test, mkms_test_wb_pixel(fast, 1, 0), 0xff070d1dULL);
}

/* The CRC is of the composed frame, not of the framebuffers' bytes. */
static void mkms_test_crc_of_frame(struct kunit *test)
{
	struct mkms_hw_plane_regs planes[3];
	u32 rgb, bgr, moved;
	unsigned int n;

	n = mkms_test_scene(test, planes, DRM_FORMAT_XRGB8888, false);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, planes, n, MKMS_TEST_W,
						MKMS_TEST_H, NULL, true, &rgb),
			0);
	n = mkms_test_scene(test, planes, DRM_FORMAT_XBGR8888, true);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, planes, n, MKMS_TEST_W,
						MKMS_TEST_H, NULL, true, &bgr),
			0);
	KUNIT_EXPECT_EQ(test, rgb, bgr);

	planes[1].dst.x1 += 1;
	planes[1].dst.x2 += 1;
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, planes, n, MKMS_TEST_W,
						MKMS_TEST_H, NULL, true,
						&moved), 0);
	KUNIT_EXPECT_NE(test, rgb, moved);
}

/* The CRC of a frame that is one colour, of format @format (@cpp bytes). */
static u32 mkms_test_crc_at(struct kunit *test, unsigned int bpc, u32 format,
			    unsigned int cpp, u64 pixel)
{
	unsigned int i, n = MKMS_TEST_W * MKMS_TEST_H;
	struct mkms_hw_plane_regs plane;
	struct mkms_compose_args args = {
		.planes = &plane,
		.num_planes = 1,
		.width = MKMS_TEST_W,
		.height = MKMS_TEST_H,
		.want_crc = true,
		.crc_bpc = bpc,
	};
	u64 *pixels;
	u32 crc;

	pixels = kunit_kcalloc(test, n, sizeof(*pixels), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pixels);
	for (i = 0; i < n; i++)
		pixels[i] = pixel;
	plane = mkms_test_plane(format, cpp,
				mkms_test_fb(test, cpp, MKMS_TEST_W,
					     MKMS_TEST_H, pixels),
				MKMS_TEST_W, MKMS_TEST_H, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mkms_test_compose_args(test, &args, &crc), 0);
	return crc;
}

/* The CRC of a frame of one colour, at the 8 bits a channel of default. */
static u32 mkms_test_crc_of_colour(struct kunit *test, u32 format,
				   unsigned int cpp, u64 pixel)
{
	return mkms_test_crc_at(test, 0, format, cpp, pixel);
}

/*
 * The CRC is taken at the connector's 8 bits a channel: a 16-bit colour
 * has the CRC of the 8-bit colour it rounds to, and 8-bit colours one
 * step apart have different ones.
 */
static void mkms_test_crc_depth(struct kunit *test)
{
	/* 0x4000 is 63.75 in 8 bits: 0x40, as 0x4040 (0x40 widened) is. */
	u32 deep = mkms_test_crc_of_colour(test, DRM_FORMAT_XRGB16161616, 8,
					   0x0000400040004000ULL);
	u32 rounded = mkms_test_crc_of_colour(test, DRM_FORMAT_XRGB8888, 4,
					      0x00404040);
	u32 below = mkms_test_crc_of_colour(test, DRM_FORMAT_XRGB8888, 4,
					    0x00404040 - 1);

	KUNIT_EXPECT_EQ(test, deep, rounded);
	KUNIT_EXPECT_NE(test, rounded, below);
	/* A red of 0x3f7f is 63.25 in 8 bits: 0x3f, not 0x40. */
	KUNIT_EXPECT_NE(test, deep,
			mkms_test_crc_of_colour(test, DRM_FORMAT_XRGB16161616,
						8, 0x00003f7f40004000ULL));
	/* 0 is 8 bits. */
	KUNIT_EXPECT_EQ(test, rounded,
			mkms_test_crc_at(test, 8, DRM_FORMAT_XRGB8888, 4,
					 0x00404040));
}

/*
 * At 10 bits a channel (a connector's "max bpc" of 10), the CRC tells
 * apart 10-bit colours one step apart, which the same colours at 8 bits
 * do not, and a 10-bit colour has the CRC of the 16-bit colours that round
 * to it.
 */
static void mkms_test_crc_deep(struct kunit *test)
{
	/* Grey 0x100 and 0x101 in 10 bits, both 0x40 in 8. */
	u64 grey = 0x100ULL << 20 | 0x100 << 10 | 0x100;
	u64 step = grey + 1;

	KUNIT_EXPECT_NE(test,
			mkms_test_crc_at(test, 10, DRM_FORMAT_XRGB2101010, 4,
					 grey),
			mkms_test_crc_at(test, 10, DRM_FORMAT_XRGB2101010, 4,
					 step));
	KUNIT_EXPECT_EQ(test,
			mkms_test_crc_at(test, 8, DRM_FORMAT_XRGB2101010, 4,
					 grey),
			mkms_test_crc_at(test, 8, DRM_FORMAT_XRGB2101010, 4,
					 step));
	/* 0x4010 is 256.00 in 10 bits; 0x4040 is 256.75, so 257. */
	KUNIT_EXPECT_EQ(test,
			mkms_test_crc_at(test, 10, DRM_FORMAT_XRGB2101010, 4,
					 grey),
			mkms_test_crc_at(test, 10, DRM_FORMAT_XRGB16161616, 8,
					 0x0000401040104010ULL));
	KUNIT_EXPECT_EQ(test,
			mkms_test_crc_at(test, 10, DRM_FORMAT_XRGB2101010, 4,
					 0x101ULL << 20 | 0x100 << 10 | 0x100),
			mkms_test_crc_at(test, 10, DRM_FORMAT_XRGB16161616, 8,
					 0x0000404040104010ULL));
}

/*
 * A writeback destination smaller than the frame gets what fits, on both
 * paths, and not a byte more (KASAN watches the exact-size buffer).
 */
static void mkms_test_small_writeback(struct kunit *test)
{
	struct mkms_hw_plane_regs planes[3];
	struct mkms_hw_wb_regs *full, *small;
	unsigned int n, x, y, crc;

	n = mkms_test_scene(test, planes, DRM_FORMAT_XRGB8888, false);
	full = mkms_test_wb(test, DRM_FORMAT_XRGB8888, 4, MKMS_TEST_W,
			    MKMS_TEST_H);
	KUNIT_ASSERT_EQ(test, mkms_test_compose(test, planes, n, MKMS_TEST_W,
						MKMS_TEST_H, full, true, NULL),
			0);
	for (crc = 0; crc < 2; crc++) {
		small = mkms_test_wb(test, DRM_FORMAT_XRGB8888, 4,
				     MKMS_TEST_W / 2 + 1, MKMS_TEST_H / 2 + 1);
		KUNIT_ASSERT_EQ(test,
				mkms_test_compose(test, planes, n, MKMS_TEST_W,
						  MKMS_TEST_H, small, crc,
						  NULL), 0);
		for (y = 0; y < small->height; y++)
			for (x = 0; x < small->width; x++)
				KUNIT_EXPECT_EQ(test,
						mkms_test_wb_pixel(small, x, y),
						mkms_test_wb_pixel(full, x, y));
	}
}

static bool mkms_test_stop_now(void *data)
{
	unsigned int *calls = data;

	return ++*calls > 1;
}

/*
 * The stop callback ends a frame between bands and leaves the CRC alone,
 * on the blender alone and on the fast paths.
 */
static void mkms_test_stop(struct kunit *test)
{
	struct mkms_hw_plane_regs planes[3];
	struct mkms_compose_args args = {
		.planes = planes,
		.width = MKMS_TEST_W,
		.height = MKMS_COMPOSE_BAND * 3,
		.want_crc = true,
		.stop = mkms_test_stop_now,
	};
	unsigned int calls, fast;
	u32 crc;

	args.num_planes = mkms_test_scene(test, planes, DRM_FORMAT_XRGB8888,
					  false);
	for (fast = 0; fast < 2; fast++) {
		mkms_test_scratch(test, &args);
		if (!fast)
			args.crc_line = NULL;
		calls = 0;
		crc = 0x1234;
		args.stop_data = &calls;
		KUNIT_EXPECT_EQ(test, mkms_compose(&args, &crc), -ECANCELED);
		KUNIT_EXPECT_EQ(test, calls, 2);
		KUNIT_EXPECT_EQ(test, crc, 0x1234);
	}
}

/*
 * The fast paths take the CRC the blender takes, for a primary plane of
 * every format (any bits set, X and alpha too; opaque by its blend mode
 * or blended over the background by its alpha) under a translucent
 * overlay and a clipped cursor, at either output depth, written back in
 * formats that the CRC's line can be copied to and ones it cannot. The
 * comparison is mkms_test_compose_args()'s.
 */
static void mkms_test_crc_paths(struct kunit *test)
{
	static const struct { u32 fourcc; unsigned int cpp; } wbs[] = {
		{ 0, 0 },
		{ DRM_FORMAT_XRGB8888, 4 },
		{ DRM_FORMAT_XRGB2101010, 4 },
		{ DRM_FORMAT_ABGR8888, 4 },
		{ DRM_FORMAT_RGB565, 2 },
		{ DRM_FORMAT_XRGB16161616, 8 },
	};
	static const unsigned int bpcs[] = { 8, 10 };
	static const u16 blends[] = {
		DRM_MODE_BLEND_PIXEL_NONE, DRM_MODE_BLEND_PREMULTI,
	};
	const struct mkms_test_format *f = test->param_value;
	struct mkms_hw_plane_regs planes[3];
	struct mkms_compose_args args = {
		.planes = planes,
		.width = MKMS_TEST_W,
		.height = MKMS_TEST_H,
		.want_crc = true,
	};
	unsigned int i, b, d, w;
	u64 *pixels;
	u32 crc;

	pixels = kunit_kcalloc(test, MKMS_TEST_W * MKMS_TEST_H,
			       sizeof(*pixels), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pixels);
	for (i = 0; i < MKMS_TEST_W * MKMS_TEST_H; i++)
		pixels[i] = (i + 1) * 0x9e3779b97f4a7c15ULL;

	args.num_planes = mkms_test_scene(test, planes, DRM_FORMAT_XRGB8888,
					  false);
	planes[0] = mkms_test_plane(f->fourcc, f->cpp,
				    mkms_test_fb(test, f->cpp, MKMS_TEST_W,
						 MKMS_TEST_H, pixels),
				    MKMS_TEST_W, MKMS_TEST_H, 0, 0, 0);
	for (b = 0; b < ARRAY_SIZE(blends); b++)
		for (d = 0; d < ARRAY_SIZE(bpcs); d++)
			for (w = 0; w < ARRAY_SIZE(wbs); w++) {
				planes[0].blend = blends[b];
				args.crc_bpc = bpcs[d];
				args.wb = wbs[w].cpp ?
					  mkms_test_wb(test, wbs[w].fourcc,
						       wbs[w].cpp, MKMS_TEST_W,
						       MKMS_TEST_H) : NULL;
				KUNIT_EXPECT_EQ(test,
						mkms_test_compose_args(test,
								       &args,
								       &crc),
						0);
			}
}

static struct kunit_case mkms_composer_tests[] = {
	KUNIT_CASE_PARAM(mkms_test_round_trip, mkms_test_format_gen_params),
	KUNIT_CASE_PARAM(mkms_test_convert, mkms_test_conversion_gen_params),
	KUNIT_CASE_PARAM(mkms_test_blend_modes, mkms_test_blend_gen_params),
	KUNIT_CASE(mkms_test_zpos),
	KUNIT_CASE_PARAM(mkms_test_geometry, mkms_test_geometry_gen_params),
	KUNIT_CASE(mkms_test_fast_path),
	KUNIT_CASE(mkms_test_crc_of_frame),
	KUNIT_CASE(mkms_test_crc_depth),
	KUNIT_CASE(mkms_test_crc_deep),
	KUNIT_CASE(mkms_test_small_writeback),
	KUNIT_CASE(mkms_test_stop),
	KUNIT_CASE_PARAM(mkms_test_crc_paths, mkms_test_format_gen_params),
	KUNIT_CASE(mkms_test_color_identity),
	KUNIT_CASE(mkms_test_color_lut),
	KUNIT_CASE(mkms_test_color_ctm),
	KUNIT_CASE(mkms_test_color_order),
	KUNIT_CASE(mkms_test_color_ctm_clamp),
	KUNIT_CASE(mkms_test_background),
	KUNIT_CASE_PARAM(mkms_test_yuv_colour, mkms_test_yuv_gen_params),
	KUNIT_CASE(mkms_test_yuv_siting),
	KUNIT_CASE_PARAM(mkms_test_grey, mkms_test_grey_gen_params),
	{}
};

static struct kunit_suite mkms_composer_suite = {
	.name = "mkms_composer",
	.test_cases = mkms_composer_tests,
};

/* ---- Device descriptions ------------------------------------------------ */

/* Two CRTCs, an encoder each, a connector each; the second has an EDID. */
static struct mkms_desc *mkms_test_desc(struct kunit *test)
{
	struct mkms_desc *desc = kunit_kzalloc(test, sizeof(*desc) + 128,
					       GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, desc);
	desc->num_crtcs = 2;
	desc->num_encoders = 2;
	desc->num_connectors = 2;
	desc->crtcs[0].overlays = MKMS_MAX_OVERLAYS;
	desc->crtcs[0].cursor = true;
	desc->crtcs[1].writeback = true;
	desc->encoder_crtcs[0] = BIT(0);
	desc->encoder_crtcs[1] = BIT(0) | BIT(1);
	desc->connectors[0].possible_encoders = BIT(0);
	desc->connectors[0].status = connector_status_connected;
	desc->connectors[1].possible_encoders = BIT(1);
	desc->connectors[1].status = connector_status_unknown;
	desc->connectors[1].edid_len = 128;
	desc->edid_bytes = 128;
	return desc;
}

static void mkms_test_desc_valid(struct kunit *test)
{
	struct mkms_desc *desc = mkms_test_desc(test);
	const char *why = NULL;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, mkms_desc_check(desc, &why), 0);
	KUNIT_EXPECT_NULL(test, why);

	/* The largest device: everything linked to everything. */
	desc->num_crtcs = MKMS_MAX_CRTCS;
	desc->num_encoders = MKMS_MAX_ENCODERS;
	desc->num_connectors = MKMS_MAX_CONNECTORS;
	for (i = 0; i < MKMS_MAX_ENCODERS; i++)
		desc->encoder_crtcs[i] = U32_MAX;
	for (i = 0; i < MKMS_MAX_CONNECTORS; i++) {
		desc->connectors[i].possible_encoders = U32_MAX;
		desc->connectors[i].status = connector_status_disconnected;
	}
	KUNIT_EXPECT_EQ(test, mkms_desc_check(desc, &why), 0);
}

/**
 * struct mkms_test_bad_desc - one way a description is invalid
 * @spoil: makes mkms_test_desc()'s description invalid
 * @why: the start of the reason mkms_desc_check() must give
 * @name: for the test log
 */
struct mkms_test_bad_desc {
	void (*spoil)(struct mkms_desc *desc);
	const char *why;
	const char *name;
};

static void mkms_test_no_crtc(struct mkms_desc *d)
{
	d->num_crtcs = 0;
}

static void mkms_test_many_crtcs(struct mkms_desc *d)
{
	d->num_crtcs = MKMS_MAX_CRTCS + 1;
}

static void mkms_test_no_encoder(struct mkms_desc *d)
{
	d->num_encoders = 0;
}

static void mkms_test_no_connector(struct mkms_desc *d)
{
	d->num_connectors = 0;
}

static void mkms_test_many_overlays(struct mkms_desc *d)
{
	d->crtcs[1].overlays = MKMS_MAX_OVERLAYS + 1;
}

static void mkms_test_encoder_unlinked(struct mkms_desc *d)
{
	d->encoder_crtcs[1] = 0;
}

static void mkms_test_encoder_past_crtcs(struct mkms_desc *d)
{
	d->encoder_crtcs[0] = BIT(2);
}

static void mkms_test_connector_unlinked(struct mkms_desc *d)
{
	d->connectors[0].possible_encoders = 0;
}

static void mkms_test_connector_past_encoders(struct mkms_desc *d)
{
	d->connectors[1].possible_encoders = BIT(1) | BIT(2);
}

static void mkms_test_edid_past_end(struct mkms_desc *d)
{
	d->connectors[1].edid_offset = 1;
}

static void mkms_test_edid_wraps(struct mkms_desc *d)
{
	d->connectors[1].edid_offset = U32_MAX;
	d->connectors[1].edid_len = 2;
}

static void mkms_test_bad_status(struct mkms_desc *d)
{
	d->connectors[0].status = 0;
}

static const struct mkms_test_bad_desc mkms_test_bad_descs[] = {
	{ mkms_test_no_crtc, "needs 1 to", "no CRTC" },
	{ mkms_test_many_crtcs, "needs 1 to", "too many CRTCs" },
	{ mkms_test_no_encoder, "needs 1 to", "no encoder" },
	{ mkms_test_no_connector, "needs 1 to", "no connector" },
	{ mkms_test_many_overlays, "a CRTC has more", "too many overlays" },
	{ mkms_test_encoder_unlinked, "an encoder has", "encoder unlinked" },
	{ mkms_test_encoder_past_crtcs, "an encoder has",
	  "encoder past the CRTCs" },
	{ mkms_test_connector_unlinked, "a connector has no",
	  "connector unlinked" },
	{ mkms_test_connector_past_encoders, "a connector has no",
	  "connector past the encoders" },
	{ mkms_test_edid_past_end, "a connector's EDID", "EDID past the end" },
	{ mkms_test_edid_wraps, "a connector's EDID", "EDID offset wraps" },
	{ mkms_test_bad_status, "a connector has an", "invalid status" },
};

static void mkms_test_bad_desc_desc(const struct mkms_test_bad_desc *b,
				    char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mkms_test_bad_desc, mkms_test_bad_descs,
		  mkms_test_bad_desc_desc);

static void mkms_test_desc_invalid(struct kunit *test)
{
	const struct mkms_test_bad_desc *b = test->param_value;
	struct mkms_desc *desc = mkms_test_desc(test);
	const char *why = NULL;

	b->spoil(desc);
	KUNIT_EXPECT_EQ(test, mkms_desc_check(desc, &why), -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_TRUE_MSG(test, !strncmp(why, b->why, strlen(b->why)),
			      "why: %s", why);
}

static struct kunit_case mkms_desc_tests[] = {
	KUNIT_CASE(mkms_test_desc_valid),
	KUNIT_CASE_PARAM(mkms_test_desc_invalid,
			 mkms_test_bad_desc_gen_params),
	{}
};

static struct kunit_suite mkms_desc_suite = {
	.name = "mkms_desc",
	.test_cases = mkms_desc_tests,
};

kunit_test_suites(&mkms_composer_suite, &mkms_desc_suite);

MODULE_DESCRIPTION("KUnit tests of mkms's composer and descriptions");
MODULE_LICENSE("GPL");
MKMS_IMPORT_KUNIT_NS();
