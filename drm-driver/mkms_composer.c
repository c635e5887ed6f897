// SPDX-License-Identifier: GPL-2.0
/*
 * The composer: what the virtual display engine scans out. It blends the
 * enabled planes of a pipe in zpos order, bottom to top, line by line into
 * 16 bits per channel, over an opaque black background, checksums the
 * result for the CRC capture and writes it to the writeback destination.
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
 */

#include <linux/crc32.h>
#include <linux/minmax.h>

#include <drm/drm_blend.h>
#include <drm/drm_fourcc.h>

#include "mkms_drv.h"

#define MKMS_CHANNEL_MAX	0xffff

static inline u16 mkms_expand8(u32 v)
{
	return (v & 0xff) * 257;
}

static inline u16 mkms_expand(u32 v, unsigned int bits)
{
	u32 max = (1 << bits) - 1;

	return ((v & max) * MKMS_CHANNEL_MAX + max / 2) / max;
}

/* One line of a plane's source, converted to mkms_pixel. */
static void mkms_read_line(const struct mkms_hw_plane_regs *plane,
			   const u8 *src, struct mkms_pixel *out,
			   unsigned int count)
{
	bool alpha = plane->format == DRM_FORMAT_ARGB8888 ||
		     plane->format == DRM_FORMAT_ABGR8888;
	bool bgr = plane->format == DRM_FORMAT_XBGR8888 ||
		   plane->format == DRM_FORMAT_ABGR8888;
	unsigned int r_shift = bgr ? 0 : 16, b_shift = bgr ? 16 : 0;
	const u32 *p32 = (const u32 *)src;
	const u16 *p16 = (const u16 *)src;
	unsigned int x;

	switch (plane->format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		for (x = 0; x < count; x++) {
			u32 px = le32_to_cpu((__force __le32)p32[x]);

			out[x].a = alpha ? mkms_expand8(px >> 24) :
					   MKMS_CHANNEL_MAX;
			out[x].r = mkms_expand8(px >> r_shift);
			out[x].g = mkms_expand8(px >> 8);
			out[x].b = mkms_expand8(px >> b_shift);
		}
		break;
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		alpha = plane->format == DRM_FORMAT_ARGB2101010;
		for (x = 0; x < count; x++) {
			u32 px = le32_to_cpu((__force __le32)p32[x]);

			out[x].a = alpha ? mkms_expand(px >> 30, 2) :
					   MKMS_CHANNEL_MAX;
			out[x].r = mkms_expand(px >> 20, 10);
			out[x].g = mkms_expand(px >> 10, 10);
			out[x].b = mkms_expand(px, 10);
		}
		break;
	case DRM_FORMAT_RGB565:
		for (x = 0; x < count; x++) {
			u16 px = le16_to_cpu((__force __le16)p16[x]);

			out[x].a = MKMS_CHANNEL_MAX;
			out[x].r = mkms_expand(px >> 11, 5);
			out[x].g = mkms_expand(px >> 5, 6);
			out[x].b = mkms_expand(px, 5);
		}
		break;
	case DRM_FORMAT_XRGB1555:
	case DRM_FORMAT_ARGB1555:
		alpha = plane->format == DRM_FORMAT_ARGB1555;
		for (x = 0; x < count; x++) {
			u16 px = le16_to_cpu((__force __le16)p16[x]);

			out[x].a = !alpha || px >> 15 ? MKMS_CHANNEL_MAX : 0;
			out[x].r = mkms_expand(px >> 10, 5);
			out[x].g = mkms_expand(px >> 5, 5);
			out[x].b = mkms_expand(px, 5);
		}
		break;
	default:
		/* atomic_check only lets the formats above through */
		memset(out, 0, count * sizeof(*out));
		break;
	}
}

/* A 16-bit channel rounded to @bits bits. */
static inline u32 mkms_reduce(u16 v, unsigned int bits)
{
	u32 max = (1 << bits) - 1;

	return (v * max + MKMS_CHANNEL_MAX / 2) / MKMS_CHANNEL_MAX;
}

/* One opaque output line into the writeback destination. */
static void mkms_write_line(const struct mkms_hw_wb_regs *wb,
			    const struct mkms_pixel *in, u8 *dst,
			    unsigned int count)
{
	bool bgr = wb->format == DRM_FORMAT_XBGR8888 ||
		   wb->format == DRM_FORMAT_ABGR8888;
	unsigned int r_shift = bgr ? 0 : 16, b_shift = bgr ? 16 : 0;
	__le32 *p32 = (__le32 *)dst;
	__le16 *p16 = (__le16 *)dst;
	unsigned int x;

	switch (wb->format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		for (x = 0; x < count; x++)
			p32[x] = cpu_to_le32(0xff000000 |
					     mkms_reduce(in[x].r, 8) << r_shift |
					     mkms_reduce(in[x].g, 8) << 8 |
					     mkms_reduce(in[x].b, 8) << b_shift);
		break;
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		for (x = 0; x < count; x++)
			p32[x] = cpu_to_le32(0xc0000000 |
					     mkms_reduce(in[x].r, 10) << 20 |
					     mkms_reduce(in[x].g, 10) << 10 |
					     mkms_reduce(in[x].b, 10));
		break;
	case DRM_FORMAT_RGB565:
		for (x = 0; x < count; x++)
			p16[x] = cpu_to_le16(mkms_reduce(in[x].r, 5) << 11 |
					     mkms_reduce(in[x].g, 6) << 5 |
					     mkms_reduce(in[x].b, 5));
		break;
	default:
		/* atomic_check only lets the formats above through */
		break;
	}
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
 * mkms_compose - compose a frame, checksum it and write it back
 * @planes: the pipe's scanout registers, at most MKMS_PLANES_PER_PIPE
 * @num_planes: number of entries in @planes
 * @width: the pipe's active width, at most MKMS_MAX_SIZE
 * @height: its active height
 * @line: scratch space for one output line of @width pixels
 * @stage: scratch space for one source line of @width pixels
 * @wb: where to write the frame, or NULL
 *
 * The caller guarantees that the framebuffer memory @planes and @wb point
 * at stays mapped until this returns. Destination rectangles are already
 * clipped to the pipe (drm_atomic_helper_check_plane_state()), and there
 * is no scaling: a plane's source is as large as its destination. The
 * writeback destination may be smaller than the frame; what does not fit
 * is not written.
 *
 * Returns: the CRC32 of the frame, as opaque 16-bit ARGB pixels.
 */
u32 mkms_compose(const struct mkms_hw_plane_regs *planes,
		 unsigned int num_planes, unsigned int width,
		 unsigned int height, struct mkms_pixel *line,
		 struct mkms_pixel *stage, const struct mkms_hw_wb_regs *wb)
{
	const struct mkms_pixel background = { .a = MKMS_CHANNEL_MAX };
	unsigned int order[MKMS_PLANES_PER_PIPE];
	unsigned int x, y, i, n;
	u32 crc = 0;

	n = mkms_sort_planes(planes, min(num_planes, MKMS_PLANES_PER_PIPE),
			     order);

	for (y = 0; y < height; y++) {
		for (x = 0; x < width; x++)
			line[x] = background;

		for (i = 0; i < n; i++) {
			const struct mkms_hw_plane_regs *p = &planes[order[i]];
			unsigned int x1, x2, sx, sy;
			const u8 *row;

			if (y < p->dst.y1 || y >= p->dst.y2)
				continue;
			x1 = min_t(unsigned int, max(p->dst.x1, 0), width);
			x2 = min_t(unsigned int, max(p->dst.x2, 0), width);
			if (x1 >= x2)
				continue;
			sx = (p->src.x1 >> 16) + (x1 - p->dst.x1);
			sy = (p->src.y1 >> 16) + (y - p->dst.y1);
			row = p->vaddr + (size_t)sy * p->pitch + sx * p->cpp;
			mkms_read_line(p, row, stage, x2 - x1);
			mkms_premultiply(stage, x2 - x1, p->alpha, p->blend);
			mkms_blend_line(stage, line + x1, x2 - x1);
		}

		for (x = 0; x < width; x++)
			line[x].a = MKMS_CHANNEL_MAX;
		crc = crc32_le(crc, (const u8 *)line, width * sizeof(*line));
		if (wb && wb->vaddr && y < wb->height)
			mkms_write_line(wb, line, wb->vaddr + (size_t)y * wb->pitch,
					min(width, wb->width));
	}

	return crc;
}
