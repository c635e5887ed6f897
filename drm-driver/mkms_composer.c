// SPDX-License-Identifier: GPL-2.0
/*
 * The composer: what the virtual display engine scans out. It blends the
 * enabled planes of a pipe in zpos order, bottom to top, line by line into
 * 16 bits per channel, over the pipe's background colour (black unless
 * BACKGROUND_COLOR says otherwise), checksums the result at 8 bits per
 * channel for the CRC capture and writes it to the writeback destination.
 *
 * Pure code: it reads only what it is given (a snapshot of the scanout
 * registers and the framebuffers they point to) and touches no device
 * state, so the caller decides which lifetime rules apply.
 *
 * Each plane is blended with its plane alpha (pa) and pixel blend mode, as
 * the DRM documentation defines them (fg: the plane's pixel, bg: what is
 * under it):
 *
 *   None:           out = pa * fg.rgb + (1 - pa) * bg
 *   Pre-multiplied: out = pa * fg.rgb + (1 - pa * fg.a) * bg
 *   Coverage:       out = pa * fg.a * fg.rgb + (1 - pa * fg.a) * bg
 *
 * by turning the plane's pixels into pre-multiplied ones first and then
 * blending "over": out = src + (1 - src.a) * bg. Products are rounded to
 * the nearest 16-bit value. The output's alpha is always opaque.
 *
 * A YCbCr plane's pixels are converted to RGB first, with the plane's
 * COLOR_ENCODING and COLOR_RANGE (see mkms_csc_init()), each chroma
 * sample taken for all the pixels it covers; they have no alpha.
 *
 * The background is a layer under all planes, opaque whatever the alpha
 * of BACKGROUND_COLOR says. The blended pixels, background included, then
 * go through the pipe's colour pipeline, if it has one (struct
 * mkms_hw_color_regs): degamma LUT, colour transformation matrix, gamma
 * LUT. A LUT of n entries spreads them evenly over the channel's range,
 * entry i at i / (n - 1) of full scale, and a value between two entries
 * is interpolated linearly between them.
 */

#include <kunit/visibility.h>
#include <linux/crc32.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>

#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_fourcc.h>

#include "mkms_drv.h"

#define MKMS_CHANNEL_MAX	0xffff

static inline u16 mkms_expand(u32 v, unsigned int bits)
{
	u32 max = (1 << bits) - 1;

	/* The common case without a division: v * 65535 / 255 is exact. */
	if (bits == 8)
		return (v & 0xff) * 257;

	return ((v & max) * MKMS_CHANNEL_MAX + max / 2) / max;
}

/**
 * struct mkms_rgb_format - where the channels of a packed RGB pixel are
 * @fourcc: the DRM format
 * @cpp: bytes per pixel; the pixel is a little-endian integer that wide.
 *	0 for the grey formats of less than a byte a pixel (R1, R2, R4):
 *	see mkms_read_grey().
 * @shift: lowest bit of red, green, blue and alpha
 * @bits: width of red, green, blue and alpha; 0 for no alpha
 *
 * A grey format (R1, R2, R4, R8) has one value a pixel, read as red,
 * green and blue alike: the same shift and width for the three.
 */
struct mkms_rgb_format {
	u32 fourcc;
	u8 cpp;
	u8 shift[4];
	u8 bits[4];
};

#define MKMS_RGB(f, c, rs, gs, bs, as, rb, gb, bb, ab) \
	{ .fourcc = DRM_FORMAT_##f, .cpp = (c), \
	  .shift = { rs, gs, bs, as }, .bits = { rb, gb, bb, ab } }

static const struct mkms_rgb_format mkms_rgb_formats[] = {
	MKMS_RGB(XRGB8888, 4, 16, 8, 0, 0, 8, 8, 8, 0),
	MKMS_RGB(ARGB8888, 4, 16, 8, 0, 24, 8, 8, 8, 8),
	MKMS_RGB(XBGR8888, 4, 0, 8, 16, 0, 8, 8, 8, 0),
	MKMS_RGB(ABGR8888, 4, 0, 8, 16, 24, 8, 8, 8, 8),
	MKMS_RGB(RGBX8888, 4, 24, 16, 8, 0, 8, 8, 8, 0),
	MKMS_RGB(RGBA8888, 4, 24, 16, 8, 0, 8, 8, 8, 8),
	MKMS_RGB(BGRX8888, 4, 8, 16, 24, 0, 8, 8, 8, 0),
	MKMS_RGB(BGRA8888, 4, 8, 16, 24, 0, 8, 8, 8, 8),
	MKMS_RGB(XRGB2101010, 4, 20, 10, 0, 0, 10, 10, 10, 0),
	MKMS_RGB(ARGB2101010, 4, 20, 10, 0, 30, 10, 10, 10, 2),
	MKMS_RGB(RGB888, 3, 16, 8, 0, 0, 8, 8, 8, 0),
	MKMS_RGB(BGR888, 3, 0, 8, 16, 0, 8, 8, 8, 0),
	MKMS_RGB(RGB565, 2, 11, 5, 0, 0, 5, 6, 5, 0),
	MKMS_RGB(BGR565, 2, 0, 5, 11, 0, 5, 6, 5, 0),
	MKMS_RGB(XRGB1555, 2, 10, 5, 0, 0, 5, 5, 5, 0),
	MKMS_RGB(ARGB1555, 2, 10, 5, 0, 15, 5, 5, 5, 1),
	MKMS_RGB(XRGB16161616, 8, 32, 16, 0, 0, 16, 16, 16, 0),
	MKMS_RGB(ARGB16161616, 8, 32, 16, 0, 48, 16, 16, 16, 16),
	MKMS_RGB(XBGR16161616, 8, 0, 16, 32, 0, 16, 16, 16, 0),
	MKMS_RGB(ABGR16161616, 8, 0, 16, 32, 48, 16, 16, 16, 16),
	MKMS_RGB(R8, 1, 0, 0, 0, 0, 8, 8, 8, 0),
#ifdef DRM_FORMAT_R1	/* Linux 6.8 */
	MKMS_RGB(R1, 0, 0, 0, 0, 0, 1, 1, 1, 0),
	MKMS_RGB(R2, 0, 0, 0, 0, 0, 2, 2, 2, 0),
	MKMS_RGB(R4, 0, 0, 0, 0, 0, 4, 4, 4, 0),
#endif
};

static const struct mkms_rgb_format *mkms_rgb_format(u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mkms_rgb_formats); i++)
		if (mkms_rgb_formats[i].fourcc == fourcc)
			return &mkms_rgb_formats[i];
	return NULL;
}

/**
 * struct mkms_yuv_format - where the samples of a YCbCr pixel are
 * @fourcc: the DRM format
 * @planes: 2 (luma, then Cb and Cr interleaved) or 3 (luma, Cb, Cr)
 * @hsub: horizontal chroma subsampling: columns per chroma sample
 * @vsub: vertical chroma subsampling: lines per chroma sample
 * @cr_first: Cr comes before Cb (in a pair, or as the second plane)
 * @size: bytes per sample, 1 or 2 (a little-endian word)
 * @depth: significant bits of a sample, the high ones of its word
 */
struct mkms_yuv_format {
	u32 fourcc;
	u8 planes;
	u8 hsub;
	u8 vsub;
	bool cr_first;
	u8 size;
	u8 depth;
};

#define MKMS_YUV(f, n, h, v, crcb, sz, d) \
	{ .fourcc = DRM_FORMAT_##f, .planes = (n), .hsub = (h), .vsub = (v), \
	  .cr_first = (crcb), .size = (sz), .depth = (d) }

static const struct mkms_yuv_format mkms_yuv_formats[] = {
	MKMS_YUV(NV12, 2, 2, 2, false, 1, 8),
	MKMS_YUV(NV21, 2, 2, 2, true, 1, 8),
	MKMS_YUV(NV16, 2, 2, 1, false, 1, 8),
	MKMS_YUV(NV61, 2, 2, 1, true, 1, 8),
	MKMS_YUV(NV24, 2, 1, 1, false, 1, 8),
	MKMS_YUV(NV42, 2, 1, 1, true, 1, 8),
	MKMS_YUV(YUV420, 3, 2, 2, false, 1, 8),
	MKMS_YUV(YVU420, 3, 2, 2, true, 1, 8),
	MKMS_YUV(YUV422, 3, 2, 1, false, 1, 8),
	MKMS_YUV(YVU422, 3, 2, 1, true, 1, 8),
	MKMS_YUV(YUV444, 3, 1, 1, false, 1, 8),
	MKMS_YUV(YVU444, 3, 1, 1, true, 1, 8),
	MKMS_YUV(P010, 2, 2, 2, false, 2, 10),
	MKMS_YUV(P012, 2, 2, 2, false, 2, 12),
	MKMS_YUV(P016, 2, 2, 2, false, 2, 16),
};

static const struct mkms_yuv_format *mkms_yuv_format(u32 fourcc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mkms_yuv_formats); i++)
		if (mkms_yuv_formats[i].fourcc == fourcc)
			return &mkms_yuv_formats[i];
	return NULL;
}

/*
 * What the blender sees of a YCbCr plane's format: pixels without alpha,
 * and no packed layout that a copy could keep (a cpp of 0 is no
 * destination's, see mkms_same_colour_bits()).
 */
static const struct mkms_rgb_format mkms_yuv_as_rgb = {
	.bits = { 16, 16, 16, 0 },
};

/*
 * YCbCr to R'G'B', per encoding (ITU-R BT.601, BT.709, BT.2020, with
 * their Kr and Kb): 2(1 - Kr), 2Kb(1 - Kb)/Kg, 2Kr(1 - Kr)/Kg and
 * 2(1 - Kb), in millionths. With Y' in [0, 1] and Cb, Cr in [-0.5, 0.5]:
 *
 *   R' = Y' + 2(1 - Kr) Cr
 *   G' = Y' - 2Kb(1 - Kb)/Kg Cb - 2Kr(1 - Kr)/Kg Cr
 *   B' = Y' + 2(1 - Kb) Cb
 */
static const u32 mkms_yuv_coeffs[][4] = {
	[DRM_COLOR_YCBCR_BT601] = { 1402000, 344136, 714136, 1772000 },
	[DRM_COLOR_YCBCR_BT709] = { 1574800, 187324, 468124, 1855600 },
	[DRM_COLOR_YCBCR_BT2020] = { 1474600, 164553, 571353, 1881400 },
};

#define MKMS_CSC_SHIFT	24

/**
 * struct mkms_csc - a YCbCr plane's conversion, worked out once a frame
 * @y_off: the luma code of black
 * @c_off: the chroma code of no colour
 * @y: 16-bit channel units per luma code, in 8.24 fixed point
 * @r_cr: the same per Cr code, for red
 * @g_cb: per Cb code, subtracted for green
 * @g_cr: per Cr code, subtracted for green
 * @b_cb: per Cb code, for blue
 */
struct mkms_csc {
	s32 y_off;
	s32 c_off;
	s64 y;
	s64 r_cr;
	s64 g_cb;
	s64 g_cr;
	s64 b_cb;
};

/*
 * The conversion of format @f's codes with @encoding and @range. Codes
 * are as ITU-T H.273 quantizes them at the format's depth n: in limited
 * range, luma from 16 to 235 and chroma from 16 to 240 times 2^(n - 8);
 * in full range both span 0 to 2^n - 1, chroma centred on 2^(n - 1). An
 * encoding or range the plane does not offer reads as BT.601, limited.
 */
static void mkms_csc_init(struct mkms_csc *csc,
			  const struct mkms_yuv_format *f, u32 encoding,
			  u32 range)
{
	const u32 *k = mkms_yuv_coeffs[encoding < ARRAY_SIZE(mkms_yuv_coeffs) ?
				       encoding : DRM_COLOR_YCBCR_BT601];
	u32 step = 1 << (f->depth - 8);
	u64 ys, cs, unit = (u64)MKMS_CHANNEL_MAX << MKMS_CSC_SHIFT;

	if (range == DRM_COLOR_YCBCR_FULL_RANGE) {
		csc->y_off = 0;
		ys = (1 << f->depth) - 1;
		cs = ys;
	} else {
		csc->y_off = 16 * step;
		ys = 219 * step;
		cs = 224 * step;
	}
	csc->c_off = 128 * step;
	csc->y = div64_u64(unit + ys / 2, ys);
	cs *= 1000000;
	csc->r_cr = div64_u64(unit * k[0] + cs / 2, cs);
	csc->g_cb = div64_u64(unit * k[1] + cs / 2, cs);
	csc->g_cr = div64_u64(unit * k[2] + cs / 2, cs);
	csc->b_cb = div64_u64(unit * k[3] + cs / 2, cs);
}

/*
 * A channel in 8.24 fixed point, rounded to 16 bits and clamped. Signed
 * throughout: a channel below black is negative (BIT() is unsigned).
 */
static inline u16 mkms_csc_clamp(s64 v)
{
	v = (v + (1LL << (MKMS_CSC_SHIFT - 1))) >> MKMS_CSC_SHIFT;
	return clamp_t(s64, v, 0, MKMS_CHANNEL_MAX);
}

/* The sample of format @f at @p. */
static inline u32 mkms_yuv_sample(const struct mkms_yuv_format *f,
				  const u8 *p)
{
	return f->size == 1 ? *p : get_unaligned_le16(p) >> (16 - f->depth);
}

/*
 * The pixel at column @s, line @t of a YCbCr framebuffer, converted. Each
 * chroma sample covers hsub x vsub luma samples, starting at the top-left
 * one: it is taken as it is, without interpolation.
 */
static struct mkms_pixel mkms_read_yuv(const struct mkms_hw_plane_regs *p,
				       const struct mkms_yuv_format *f,
				       const struct mkms_csc *csc,
				       unsigned int s, unsigned int t)
{
	unsigned int cs = s / f->hsub, ct = t / f->vsub;
	const u8 *c = p->chroma[0] + (size_t)ct * p->chroma_pitch[0];
	s64 y, cb, cr;

	y = mkms_yuv_sample(f, p->vaddr + (size_t)t * p->pitch +
			    s * f->size);
	if (f->planes == 2) {
		cb = mkms_yuv_sample(f, c + cs * 2 * f->size);
		cr = mkms_yuv_sample(f, c + cs * 2 * f->size + f->size);
	} else {
		cb = mkms_yuv_sample(f, c + cs * f->size);
		cr = mkms_yuv_sample(f, p->chroma[1] +
				     (size_t)ct * p->chroma_pitch[1] +
				     cs * f->size);
	}
	if (f->cr_first)
		swap(cb, cr);

	y = (y - csc->y_off) * csc->y;
	cb -= csc->c_off;
	cr -= csc->c_off;
	return (struct mkms_pixel) {
		.a = MKMS_CHANNEL_MAX,
		.r = mkms_csc_clamp(y + cr * csc->r_cr),
		.g = mkms_csc_clamp(y - cb * csc->g_cb - cr * csc->g_cr),
		.b = mkms_csc_clamp(y + cb * csc->b_cb),
	};
}

static inline u64 mkms_load(const u8 *p, unsigned int cpp)
{
	switch (cpp) {
	case 1:
		return *p;
	case 2:
		return get_unaligned_le16(p);
	case 3:
		return p[0] | p[1] << 8 | p[2] << 16;
	case 4:
		return get_unaligned_le32(p);
	default:
		return get_unaligned_le64(p);
	}
}

static inline void mkms_store(u8 *p, unsigned int cpp, u64 v)
{
	switch (cpp) {
	case 2:
		put_unaligned_le16(v, p);
		break;
	case 3:
		p[0] = v;
		p[1] = v >> 8;
		p[2] = v >> 16;
		break;
	case 4:
		put_unaligned_le32(v, p);
		break;
	default:
		put_unaligned_le64(v, p);
		break;
	}
}

/*
 * The pixel at column @s, line @t of a framebuffer of @bits (1, 2 or 4)
 * a pixel, packed from a byte's high bits down: a grey level.
 */
static struct mkms_pixel mkms_read_grey(const struct mkms_hw_plane_regs *p,
					unsigned int bits, unsigned int s,
					unsigned int t)
{
	unsigned int bit = s * bits;
	u8 byte = p->vaddr[(size_t)t * p->pitch + bit / 8];
	u16 v = mkms_expand(byte >> (8 - bits - bit % 8), bits);

	return (struct mkms_pixel) {
		.a = MKMS_CHANNEL_MAX, .r = v, .g = v, .b = v,
	};
}

/* @count pixels of format @f from @src, converted to mkms_pixel. */
static void mkms_read_line(const struct mkms_rgb_format *f, const u8 *src,
			   struct mkms_pixel *out, unsigned int count)
{
	unsigned int x;

	for (x = 0; x < count; x++, src += f->cpp) {
		u64 px = mkms_load(src, f->cpp);

		out[x].r = mkms_expand(px >> f->shift[0], f->bits[0]);
		out[x].g = mkms_expand(px >> f->shift[1], f->bits[1]);
		out[x].b = mkms_expand(px >> f->shift[2], f->bits[2]);
		out[x].a = f->bits[3] ? mkms_expand(px >> f->shift[3],
						    f->bits[3]) :
					MKMS_CHANNEL_MAX;
	}
}

/* A 16-bit channel rounded to @bits bits. */
static inline u32 mkms_reduce(u16 v, unsigned int bits)
{
	u32 max = (1 << bits) - 1;

	return (v * max + MKMS_CHANNEL_MAX / 2) / MKMS_CHANNEL_MAX;
}

/*
 * One opaque output line in format @f at @dst. Bits no channel uses (X,
 * and alpha) are all ones.
 */
static void mkms_write_line(const struct mkms_rgb_format *f,
			    const struct mkms_pixel *in, u8 *dst,
			    unsigned int count)
{
	u64 fill = f->cpp < 8 ? BIT_ULL(f->cpp * 8) - 1 : U64_MAX;
	unsigned int x, c;

	for (c = 0; c < 3; c++)
		fill &= ~((BIT_ULL(f->bits[c]) - 1) << f->shift[c]);

	for (x = 0; x < count; x++, dst += f->cpp)
		mkms_store(dst, f->cpp, fill |
			   (u64)mkms_reduce(in[x].r, f->bits[0]) << f->shift[0] |
			   (u64)mkms_reduce(in[x].g, f->bits[1]) << f->shift[1] |
			   (u64)mkms_reduce(in[x].b, f->bits[2]) << f->shift[2]);
}

/*
 * Folds one output line into the CRC @sum. The CRC is taken where a
 * display engine takes it, at the depth the pipe sends to the connector:
 * 8 bits a channel unless "max bpc" and the monitor allow 10
 * (mkms_compose_args.crc_bpc), each channel rounded as a writeback to
 * XRGB8888 (or XRGB2101010) rounds it, over pixels of that format with X
 * set. Frames that differ only in bits a monitor never gets have the same
 * CRC, as IGT expects when it compares a frame with a reference drawn in
 * 8 bits. @xrgb is that format, @buf scratch space for @count pixels of
 * it.
 */
static u32 mkms_crc_line(u32 sum, const struct mkms_rgb_format *xrgb,
			 const struct mkms_pixel *in, u8 *buf,
			 unsigned int count)
{
	mkms_write_line(xrgb, in, buf, count);
	return crc32_le(sum, buf, xrgb->cpp * count);
}

/* a * b for 16-bit fractions, rounded to nearest. */
static inline u16 mkms_mul(u32 a, u32 b)
{
	return (a * b + MKMS_CHANNEL_MAX / 2) / MKMS_CHANNEL_MAX;
}

/* A line of plane pixels as they are blended: pre-multiplied. */
static void mkms_premultiply(struct mkms_pixel *px, unsigned int count,
			     u16 alpha, u16 blend)
{
	unsigned int x;

	switch (blend) {
	case DRM_MODE_BLEND_PIXEL_NONE:
		for (x = 0; x < count; x++) {
			px[x].a = alpha;
			px[x].r = mkms_mul(px[x].r, alpha);
			px[x].g = mkms_mul(px[x].g, alpha);
			px[x].b = mkms_mul(px[x].b, alpha);
		}
		break;
	case DRM_MODE_BLEND_COVERAGE:
		for (x = 0; x < count; x++) {
			u16 a = mkms_mul(px[x].a, alpha);

			px[x].a = a;
			px[x].r = mkms_mul(px[x].r, a);
			px[x].g = mkms_mul(px[x].g, a);
			px[x].b = mkms_mul(px[x].b, a);
		}
		break;
	default:
		/* Pre-multiplied: the pixels are, only plane alpha is left. */
		if (alpha == MKMS_CHANNEL_MAX)
			break;
		for (x = 0; x < count; x++) {
			px[x].a = mkms_mul(px[x].a, alpha);
			px[x].r = mkms_mul(px[x].r, alpha);
			px[x].g = mkms_mul(px[x].g, alpha);
			px[x].b = mkms_mul(px[x].b, alpha);
		}
		break;
	}
}

static inline u16 mkms_blend_channel(u16 src, u16 dst, u16 src_alpha)
{
	u32 v = src + (dst * (u32)(MKMS_CHANNEL_MAX - src_alpha) +
		       MKMS_CHANNEL_MAX / 2) / MKMS_CHANNEL_MAX;

	return min_t(u32, v, MKMS_CHANNEL_MAX);
}

/* Pre-multiplied "over": @src on top of @dst, into @dst. */
static void mkms_blend_line(const struct mkms_pixel *src,
			    struct mkms_pixel *dst, unsigned int count)
{
	unsigned int x;

	for (x = 0; x < count; x++) {
		u16 a = src[x].a;

		if (a == MKMS_CHANNEL_MAX) {
			dst[x] = src[x];
			continue;
		}
		dst[x].r = mkms_blend_channel(src[x].r, dst[x].r, a);
		dst[x].g = mkms_blend_channel(src[x].g, dst[x].g, a);
		dst[x].b = mkms_blend_channel(src[x].b, dst[x].b, a);
	}
}

/* ---- Colour pipeline ---------------------------------------------------- */

/*
 * Channel value @v through @lut (MKMS_LUT_SIZE entries): interpolated
 * between the two entries around it, rounded to nearest. All in u32:
 * the largest product, 0xffff * 0xfffe plus rounding, fits.
 */
static inline u16 mkms_lut(const u16 *lut, u16 v)
{
	u32 pos = v * (MKMS_LUT_SIZE - 1);
	u32 i = pos / MKMS_CHANNEL_MAX, frac = pos % MKMS_CHANNEL_MAX;
	u32 a, b;

	if (!frac)
		return lut[i];
	a = lut[i];
	b = lut[i + 1];
	if (b >= a)
		return a + ((b - a) * frac + MKMS_CHANNEL_MAX / 2) /
			   MKMS_CHANNEL_MAX;
	return a - ((a - b) * frac + MKMS_CHANNEL_MAX / 2) / MKMS_CHANNEL_MAX;
}

/* Each channel of @p through its LUT of @lut (red, green, blue). */
static inline void mkms_lut_pixel(const u16 (*lut)[MKMS_LUT_SIZE],
				  struct mkms_pixel *p)
{
	p->r = mkms_lut(lut[0], p->r);
	p->g = mkms_lut(lut[1], p->g);
	p->b = mkms_lut(lut[2], p->b);
}

/* One output channel of the CTM: row @m times (r, g, b), clamped. */
static inline u16 mkms_ctm_row(const s64 *m, const struct mkms_pixel *px)
{
	s64 v = m[0] * px->r + m[1] * px->g + m[2] * px->b;

	if (v <= 0)
		return 0;
	v = (v + BIT_ULL(31)) >> 32;
	return min_t(s64, v, MKMS_CHANNEL_MAX);
}

/* @count blended, opaque pixels through the colour pipeline @c. */
static void mkms_color_line(const struct mkms_hw_color_regs *c,
			    struct mkms_pixel *px, unsigned int count)
{
	unsigned int x;

	for (x = 0; x < count; x++) {
		struct mkms_pixel p = px[x];

		if (c->degamma_on)
			mkms_lut_pixel(c->degamma, &p);
		if (c->ctm_on) {
			struct mkms_pixel in = p;

			p.r = mkms_ctm_row(&c->ctm[0], &in);
			p.g = mkms_ctm_row(&c->ctm[3], &in);
			p.b = mkms_ctm_row(&c->ctm[6], &in);
		}
		if (c->gamma_on)
			mkms_lut_pixel(c->gamma, &p);
		px[x] = p;
	}
}

/* A LUT property's entries into planar LUT registers. */
static void mkms_lut_load(u16 (*regs)[MKMS_LUT_SIZE],
			  const struct drm_color_lut *lut)
{
	unsigned int i;

	for (i = 0; i < MKMS_LUT_SIZE; i++) {
		regs[0][i] = lut[i].red;
		regs[1][i] = lut[i].green;
		regs[2][i] = lut[i].blue;
	}
}

/**
 * mkms_color_regs_load - colour management properties into registers
 * @regs: the registers to fill
 * @degamma: the DEGAMMA_LUT's MKMS_LUT_SIZE entries, or NULL: off
 * @ctm: the CTM, or NULL: off
 * @gamma: the GAMMA_LUT's MKMS_LUT_SIZE entries, or NULL: off
 *
 * The CTM's coefficients are sign-magnitude S31.32 in the property and
 * two's complement, clamped to MKMS_CTM_MAX, in the registers.
 */
void mkms_color_regs_load(struct mkms_hw_color_regs *regs,
			  const struct drm_color_lut *degamma,
			  const struct drm_color_ctm *ctm,
			  const struct drm_color_lut *gamma)
{
	unsigned int i;

	regs->degamma_on = !!degamma;
	if (degamma)
		mkms_lut_load(regs->degamma, degamma);
	regs->ctm_on = !!ctm;
	for (i = 0; ctm && i < ARRAY_SIZE(regs->ctm); i++) {
		s64 v = min_t(u64, ctm->matrix[i] & ~BIT_ULL(63),
			      MKMS_CTM_MAX);

		regs->ctm[i] = ctm->matrix[i] & BIT_ULL(63) ? -v : v;
	}
	regs->gamma_on = !!gamma;
	if (gamma)
		mkms_lut_load(regs->gamma, gamma);
}
EXPORT_SYMBOL_IF_KUNIT(mkms_color_regs_load);

/* ---- Planes ------------------------------------------------------------- */

/*
 * Along one axis of a plane, the source pixel that destination pixel @i
 * of @n shows: the one under the destination pixel's centre, mapped onto
 * the source span of @len that starts at @start (both 16.16 fixed point),
 * counted from the span's far end if @flip. That point lies within the
 * span, so the pixel is one the span touches, inside the framebuffer.
 */
static unsigned int mkms_scale_coord(unsigned int i, unsigned int n,
				     bool flip, u32 start, u32 len)
{
	u64 centre = flip ? 2 * (n - i) - 1 : 2 * i + 1;

	return (start + (u32)div_u64(centre * len, 2 * n)) >> 16;
}

/*
 * The column *@fs and line *@ft of the framebuffer pixel that the pixel at
 * offset (@u, @v) of a plane's destination shows. The source is reflected, then rotated
 * counter-clockwise, as drm_rect_rotate() defines rotation, and scaled to
 * the destination's size by nearest neighbour: each destination pixel
 * shows the source pixel under its centre.
 */
static void mkms_plane_coords(const struct mkms_hw_plane_regs *p,
			      unsigned int u, unsigned int v,
			      unsigned int *fs, unsigned int *ft)
{
	unsigned int dw = drm_rect_width(&p->dst);
	unsigned int dh = drm_rect_height(&p->dst);
	u32 sx = p->src.x1, sw = drm_rect_width(&p->src);
	u32 sy = p->src.y1, sh = drm_rect_height(&p->src);
	bool rx = p->rotation & DRM_MODE_REFLECT_X;
	bool ry = p->rotation & DRM_MODE_REFLECT_Y;
	unsigned int s, t;

	switch (p->rotation & DRM_MODE_ROTATE_MASK) {
	case DRM_MODE_ROTATE_90:
		s = mkms_scale_coord(v, dh, !rx, sx, sw);
		t = mkms_scale_coord(u, dw, ry, sy, sh);
		break;
	case DRM_MODE_ROTATE_180:
		s = mkms_scale_coord(u, dw, !rx, sx, sw);
		t = mkms_scale_coord(v, dh, !ry, sy, sh);
		break;
	case DRM_MODE_ROTATE_270:
		s = mkms_scale_coord(v, dh, rx, sx, sw);
		t = mkms_scale_coord(u, dw, !ry, sy, sh);
		break;
	default:
		s = mkms_scale_coord(u, dw, rx, sx, sw);
		t = mkms_scale_coord(v, dh, ry, sy, sh);
		break;
	}
	*fs = s;
	*ft = t;
}

/* Where the pixel mkms_plane_coords() finds is, in a packed framebuffer. */
static const u8 *mkms_plane_pixel(const struct mkms_hw_plane_regs *p,
				  unsigned int u, unsigned int v)
{
	unsigned int s, t;

	mkms_plane_coords(p, u, v, &s, &t);
	return p->vaddr + (size_t)t * p->pitch + s * p->cpp;
}

/*
 * Whether plane @p shows its framebuffer pixel for pixel: unrotated,
 * unreflected, unscaled and at whole-pixel source coordinates, so that a
 * line of its destination is a run of framebuffer pixels.
 */
static bool mkms_plane_unit(const struct mkms_hw_plane_regs *p)
{
	return !(p->rotation & ~DRM_MODE_ROTATE_0) &&
	       !((p->src.x1 | p->src.y1) & 0xffff) &&
	       drm_rect_width(&p->src) == drm_rect_width(&p->dst) << 16 &&
	       drm_rect_height(&p->src) == drm_rect_height(&p->dst) << 16;
}

/*
 * A plane's part [@x1, @x2) of output line @y: a packed mkms_plane_unit()
 * plane line by line, any other pixel by pixel. @f is the plane's packed
 * format (with a cpp of 0 if less than a byte a pixel), or @yuv its YCbCr
 * format, converted with @csc.
 */
static void mkms_read_plane(const struct mkms_hw_plane_regs *p,
			    const struct mkms_rgb_format *f,
			    const struct mkms_yuv_format *yuv,
			    const struct mkms_csc *csc, unsigned int x1,
			    unsigned int x2, unsigned int y,
			    struct mkms_pixel *out)
{
	unsigned int x, s, t;

	if (yuv) {
		for (x = x1; x < x2; x++) {
			mkms_plane_coords(p, x - p->dst.x1, y - p->dst.y1,
					  &s, &t);
			out[x - x1] = mkms_read_yuv(p, yuv, csc, s, t);
		}
		return;
	}

	if (!f->cpp) {
		for (x = x1; x < x2; x++) {
			mkms_plane_coords(p, x - p->dst.x1, y - p->dst.y1,
					  &s, &t);
			out[x - x1] = mkms_read_grey(p, f->bits[0], s, t);
		}
		return;
	}

	if (mkms_plane_unit(p)) {
		mkms_read_line(f, mkms_plane_pixel(p, x1 - p->dst.x1,
						   y - p->dst.y1),
			       out, x2 - x1);
		return;
	}

	for (x = x1; x < x2; x++)
		mkms_read_line(f, mkms_plane_pixel(p, x - p->dst.x1,
						   y - p->dst.y1),
			       &out[x - x1], 1);
}

/*
 * The enabled planes' indices in @order, bottom first. @planes' zpos is
 * normalized: unique within the pipe. Insertion sort: there are at most
 * MKMS_PLANES_PER_PIPE planes.
 */
static unsigned int mkms_sort_planes(const struct mkms_hw_plane_regs *planes,
				     unsigned int num_planes,
				     unsigned int *order)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < num_planes; i++) {
		if (!planes[i].enabled)
			continue;
		for (j = n; j > 0 && planes[order[j - 1]].zpos > planes[i].zpos;
		     j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	return n;
}

/**
 * struct mkms_frame - what the composer works from during one frame
 * @planes: the enabled planes with a known format, bottom first
 * @formats: their formats (mkms_yuv_as_rgb for a YCbCr one)
 * @yuv: their YCbCr formats, NULL for a packed RGB one
 * @csc: the conversions of the YCbCr ones
 * @num: number of entries in @planes, @formats, @yuv and @csc
 * @width: the pipe's active width
 * @line: the output line being composed
 * @stage: a plane's part of the line, before it is blended
 * @wb: the writeback destination, or NULL
 * @wb_format: its format
 * @color: the colour pipeline, or NULL if it does nothing
 * @background: what a line starts from where no opaque plane covers it
 * @direct: what a plane alone shows may go to the outputs as a masked
 *	copy, without the blender in between: there is no colour pipeline,
 *	and a CRC, if one is wanted, is taken over a line of its own
 *	(mkms_compose_args.crc_line)
 */
struct mkms_frame {
	const struct mkms_hw_plane_regs *planes[MKMS_PLANES_PER_PIPE];
	const struct mkms_rgb_format *formats[MKMS_PLANES_PER_PIPE];
	const struct mkms_yuv_format *yuv[MKMS_PLANES_PER_PIPE];
	struct mkms_csc csc[MKMS_PLANES_PER_PIPE];
	unsigned int num;
	unsigned int width;
	struct mkms_pixel *line;
	struct mkms_pixel *stage;
	const struct mkms_hw_wb_regs *wb;
	const struct mkms_rgb_format *wb_format;
	const struct mkms_hw_color_regs *color;
	struct mkms_pixel background;
	bool direct;
};

/*
 * The background layer from its register value, which has the layout of
 * the BACKGROUND_COLOR property (ARGB16161616). The output is opaque and
 * so is the background: its alpha is not used, as in vkms.
 */
static struct mkms_pixel mkms_background(u64 argb)
{
	return (struct mkms_pixel) {
		.a = MKMS_CHANNEL_MAX,
		.r = (argb >> 32) & MKMS_CHANNEL_MAX,
		.g = (argb >> 16) & MKMS_CHANNEL_MAX,
		.b = argb & MKMS_CHANNEL_MAX,
	};
}

/* The columns [@x1, @x2) of line @y that plane @p covers; false if none. */
static bool mkms_plane_span(const struct mkms_hw_plane_regs *p,
			    unsigned int width, unsigned int y,
			    unsigned int *x1, unsigned int *x2)
{
	if (y < p->dst.y1 || y >= p->dst.y2)
		return false;
	*x1 = min_t(unsigned int, max(p->dst.x1, 0), width);
	*x2 = min_t(unsigned int, max(p->dst.x2, 0), width);
	return *x1 < *x2;
}

/*
 * Whether plane @p hides what is under it: each of its pixels blends to
 * itself, whatever its alpha bits say (see mkms_premultiply()).
 */
static bool mkms_plane_opaque(const struct mkms_hw_plane_regs *p,
			      const struct mkms_rgb_format *f)
{
	return p->alpha == MKMS_CHANNEL_MAX &&
	       (!f->bits[3] || p->blend == DRM_MODE_BLEND_PIXEL_NONE);
}

/*
 * The bottom plane that counts on line @y: the topmost opaque plane that
 * covers the whole line, as nothing below it shows; -1 if there is none
 * and the line starts from the background.
 */
static int mkms_line_base(const struct mkms_frame *fr, unsigned int y)
{
	unsigned int x1, x2;
	int i;

	for (i = fr->num - 1; i >= 0; i--)
		if (mkms_plane_span(fr->planes[i], fr->width, y, &x1, &x2) &&
		    x1 == 0 && x2 == fr->width &&
		    mkms_plane_opaque(fr->planes[i], fr->formats[i]))
			return i;
	return -1;
}

/*
 * Blend columns [@x1, @x2) of line @y into fr->line: plane @base's pixels
 * as they are (it is opaque), or the background if @base is -1, then
 * every plane above it, bottom to top.
 */
static void mkms_blend_span(const struct mkms_frame *fr, unsigned int y,
			    int base, unsigned int x1, unsigned int x2)
{
	unsigned int i, x, px1, px2;

	if (base >= 0) {
		const struct mkms_hw_plane_regs *p = fr->planes[base];

		mkms_read_plane(p, fr->formats[base], fr->yuv[base],
				&fr->csc[base], x1, x2, y, fr->line + x1);
	} else {
		for (x = x1; x < x2; x++)
			fr->line[x] = fr->background;
	}

	for (i = base + 1; i < fr->num; i++) {
		const struct mkms_hw_plane_regs *p = fr->planes[i];

		if (!mkms_plane_span(p, fr->width, y, &px1, &px2))
			continue;
		px1 = max(px1, x1);
		px2 = min(px2, x2);
		if (px1 >= px2)
			continue;
		mkms_read_plane(p, fr->formats[i], fr->yuv[i], &fr->csc[i],
				px1, px2, y, fr->stage);
		mkms_premultiply(fr->stage, px2 - px1, p->alpha, p->blend);
		mkms_blend_line(fr->stage, fr->line + px1, px2 - px1);
	}
}

/**
 * struct mkms_out - a line of one of the composer's outputs
 * @format: the output's format
 * @vaddr: the line's first pixel
 * @width: pixels in the line: columns from there on are not written
 *
 * The outputs are the writeback destination and the CRC's line.
 */
struct mkms_out {
	const struct mkms_rgb_format *format;
	u8 *vaddr;
	unsigned int width;
};

/* Columns [@x1, @x2) of fr->line to the output line @out. */
static void mkms_write_span(const struct mkms_frame *fr,
			    const struct mkms_out *out, unsigned int x1,
			    unsigned int x2)
{
	x2 = min(x2, out->width);
	if (x1 < x2)
		mkms_write_line(out->format, fr->line + x1,
				out->vaddr + x1 * out->format->cpp, x2 - x1);
}

/*
 * Whether pixels of format @from reach an output in format @to unchanged
 * but for the bits no colour uses: the blender
 * widens each channel to 16 bits and rounds it back to its width, which
 * gives back the same value, so a copy is exact.
 */
static bool mkms_same_colour_bits(const struct mkms_rgb_format *from,
				  const struct mkms_rgb_format *to)
{
	unsigned int c;

	if (from->cpp != to->cpp)
		return false;
	for (c = 0; c < 3; c++)
		if (from->shift[c] != to->shift[c] ||
		    from->bits[c] != to->bits[c])
			return false;
	return true;
}

/*
 * Columns [@x1, @x2) of line @y straight from plane @base (opaque,
 * mkms_plane_unit(), mkms_same_colour_bits() as the output) to the output
 * line @out: the colour bits copied, the others set, as mkms_write_line()
 * sets them.
 */
static void mkms_copy_span(const struct mkms_frame *fr,
			   const struct mkms_out *out, unsigned int y,
			   int base, unsigned int x1, unsigned int x2)
{
	const struct mkms_hw_plane_regs *p = fr->planes[base];
	const struct mkms_rgb_format *f = out->format;
	u64 all = f->cpp < 8 ? BIT_ULL(f->cpp * 8) - 1 : U64_MAX;
	u64 colour = 0;
	unsigned int x, c;
	const u8 *src;
	u8 *dst;

	x2 = min(x2, out->width);
	if (x1 >= x2)
		return;
	for (c = 0; c < 3; c++)
		colour |= (BIT_ULL(f->bits[c]) - 1) << f->shift[c];
	src = mkms_plane_pixel(p, x1 - p->dst.x1, y - p->dst.y1);
	dst = out->vaddr + x1 * f->cpp;

	if (f->cpp == 4) {
		/* Two little-endian pixels a word. */
		u64 keep = colour | colour << 32, fill = ~keep;

		for (x = x1; x + 1 < x2; x += 2, src += 8, dst += 8)
			put_unaligned_le64((get_unaligned_le64(src) & keep) |
					   fill, dst);
		if (x < x2)
			put_unaligned_le32((get_unaligned_le32(src) & keep) |
					   fill, dst);
		return;
	}
	for (x = x1; x < x2; x++, src += f->cpp, dst += f->cpp)
		mkms_store(dst, f->cpp,
			   (mkms_load(src, f->cpp) & colour) | (all & ~colour));
}

/*
 * Line @y to the output line @out: the columns that only plane @base
 * shows are copied if its pixels need no conversion, the others blended.
 * The spans of the planes above @base are merged first.
 */
static void mkms_compose_line_direct(const struct mkms_frame *fr,
				     const struct mkms_out *out,
				     unsigned int y, int base)
{
	unsigned int start[MKMS_PLANES_PER_PIPE], end[MKMS_PLANES_PER_PIPE];
	unsigned int i, j, n = 0, x = 0, x1, x2;
	const struct mkms_hw_plane_regs *p;

	p = base >= 0 ? fr->planes[base] : NULL;
	if (!p || !mkms_plane_unit(p) ||
	    !mkms_same_colour_bits(fr->formats[base], out->format)) {
		mkms_blend_span(fr, y, base, 0, fr->width);
		mkms_write_span(fr, out, 0, fr->width);
		return;
	}

	/* The spans above @base, sorted by start, overlapping ones merged. */
	for (i = base + 1; i < fr->num; i++) {
		if (!mkms_plane_span(fr->planes[i], fr->width, y, &x1, &x2))
			continue;
		for (j = n; j > 0 && start[j - 1] > x1; j--) {
			start[j] = start[j - 1];
			end[j] = end[j - 1];
		}
		start[j] = x1;
		end[j] = x2;
		n++;
	}
	for (i = 0; i < n; i = j) {
		x1 = start[i];
		x2 = end[i];
		for (j = i + 1; j < n && start[j] <= x2; j++)
			x2 = max(x2, end[j]);
		mkms_copy_span(fr, out, y, base, x, x1);
		mkms_blend_span(fr, y, base, x1, x2);
		mkms_write_span(fr, out, x1, x2);
		x = x2;
	}
	mkms_copy_span(fr, out, y, base, x, fr->width);
}

/* Line @y of the writeback destination, as an output line. */
static struct mkms_out mkms_wb_out(const struct mkms_frame *fr,
				   unsigned int y)
{
	return (struct mkms_out) {
		.format = fr->wb_format,
		.vaddr = fr->wb->vaddr + (size_t)y * fr->wb->pitch,
		.width = fr->wb->width,
	};
}

/*
 * Line @y on the direct path (see struct mkms_frame): into the CRC's line
 * if a CRC is wanted, folded into @sum, then to the writeback destination
 * if it has that line, a copy of the CRC's line when the formats allow it.
 */
static void mkms_compose_direct(const struct mkms_frame *fr,
				const struct mkms_out *crc_out, u32 *sum,
				unsigned int y, int base)
{
	struct mkms_out wb_out;
	bool to_wb = fr->wb && y < fr->wb->height;

	if (crc_out) {
		mkms_compose_line_direct(fr, crc_out, y, base);
		*sum = crc32_le(*sum, crc_out->vaddr,
				crc_out->format->cpp * crc_out->width);
	}
	if (!to_wb)
		return;
	wb_out = mkms_wb_out(fr, y);
	if (crc_out && mkms_same_colour_bits(crc_out->format, wb_out.format))
		memcpy(wb_out.vaddr, crc_out->vaddr,
		       min(wb_out.width, crc_out->width) * wb_out.format->cpp);
	else
		mkms_compose_line_direct(fr, &wb_out, y, base);
}

/**
 * mkms_compose - compose a frame, checksum it and write it back
 * @args: the frame (see struct mkms_compose_args)
 * @crc: where to store the CRC32 of the frame, at the depth of the
 *	pipe's output (see mkms_crc_line()), if args->want_crc
 *
 * The caller guarantees that the framebuffer memory the planes and the
 * writeback registers point at stays mapped until this returns.
 * Destination rectangles are already clipped to the pipe
 * (drm_atomic_helper_check_plane_state()), with the source rectangles
 * clipped in proportion; a plane's source is scaled to its destination
 * (see mkms_plane_pixel()). The writeback destination may be smaller than
 * the frame; what does not fit is not written.
 *
 * Every pixel is what the blender and the colour pipeline make of it (see
 * the top of this file), but the blender does no more work than the
 * result needs: on each line it starts from the topmost opaque plane that
 * covers the line, and without a colour pipeline, what that plane alone
 * shows goes to the outputs as a masked copy when the formats allow it
 * (see mkms_same_colour_bits()): to the CRC's line (args->crc_line) if a
 * CRC is wanted, and to the writeback destination, as a copy of the CRC's
 * line if their formats have the same colour bits. Without a CRC, lines
 * below the writeback destination are skipped. Without args->crc_line, a
 * CRC sends every pixel through the blender: that is the reference the
 * KUnit tests hold the fast paths to.
 *
 * Before each band of MKMS_COMPOSE_BAND lines, args->stop (if set) may
 * end the frame early: the caller's device is going away and should not
 * wait for a whole frame.
 *
 * Returns: 0, or -ECANCELED if args->stop ended the frame: then the
 * writeback destination is partly written and @crc is not set.
 */
int mkms_compose(const struct mkms_compose_args *args, u32 *crc)
{
	unsigned int order[MKMS_PLANES_PER_PIPE];
	unsigned int width = args->width;
	struct mkms_pixel *line = args->line;
	const struct mkms_hw_wb_regs *wb = args->wb;
	struct mkms_frame fr = {
		.width = width,
		.line = line,
		.stage = args->stage,
		.background = mkms_background(args->background),
	};
	const struct mkms_rgb_format *crc_format =
		mkms_rgb_format(args->crc_bpc == 10 ? DRM_FORMAT_XRGB2101010 :
						      DRM_FORMAT_XRGB8888);
	const struct mkms_out crc_out = {
		.format = crc_format,
		.vaddr = args->crc_line,
		.width = width,
	};
	unsigned int x, y, i, n;
	u32 sum = 0;

	n = mkms_sort_planes(args->planes,
			     min(args->num_planes, MKMS_PLANES_PER_PIPE), order);
	/* Looked up once a frame; atomic_check lets known formats only. */
	for (i = 0; i < n; i++) {
		const struct mkms_hw_plane_regs *p = &args->planes[order[i]];
		const struct mkms_rgb_format *f = mkms_rgb_format(p->format);
		const struct mkms_yuv_format *yuv = NULL;

		if (!f) {
			yuv = mkms_yuv_format(p->format);
			if (!yuv || !p->chroma[0] ||
			    (yuv->planes == 3 && !p->chroma[1]))
				continue;
			f = &mkms_yuv_as_rgb;
			mkms_csc_init(&fr.csc[fr.num], yuv, p->color_encoding,
				      p->color_range);
		}
		fr.planes[fr.num] = p;
		fr.yuv[fr.num] = yuv;
		fr.formats[fr.num++] = f;
	}
	if (wb && wb->vaddr) {
		fr.wb_format = mkms_rgb_format(wb->format);
		if (fr.wb_format)
			fr.wb = wb;
	}
	if (args->color && (args->color->degamma_on || args->color->ctm_on ||
			    args->color->gamma_on))
		fr.color = args->color;
	fr.direct = !fr.color &&
		    (args->want_crc ? !!args->crc_line : !!fr.wb);

	for (y = 0; y < args->height && (fr.wb || args->want_crc); y++) {
		int base;

		if (y % MKMS_COMPOSE_BAND == 0 && args->stop &&
		    args->stop(args->stop_data))
			return -ECANCELED;

		base = mkms_line_base(&fr, y);
		if (fr.direct) {
			if (!args->want_crc && y >= fr.wb->height)
				break;
			mkms_compose_direct(&fr, args->want_crc ? &crc_out :
								  NULL,
					    &sum, y, base);
			continue;
		}

		mkms_blend_span(&fr, y, base, 0, width);
		for (x = 0; x < width; x++)
			line[x].a = MKMS_CHANNEL_MAX;
		if (fr.color)
			mkms_color_line(fr.color, line, width);
		/* The stage is free again, and twice as large as needed. */
		if (args->want_crc)
			sum = mkms_crc_line(sum, crc_format, line,
					    (u8 *)args->stage, width);
		if (fr.wb && y < fr.wb->height) {
			struct mkms_out wb_out = mkms_wb_out(&fr, y);

			mkms_write_span(&fr, &wb_out, 0, width);
		}
	}

	if (args->want_crc)
		*crc = sum;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mkms_compose);
