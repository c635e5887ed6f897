// SPDX-License-Identifier: GPL-2.0
/*
 * Planes: each display pipe has a primary plane, overlay planes and
 * perhaps a cursor plane (struct mkms_desc_crtc), scanned out from GEM
 * shmem framebuffers, packed RGB or YCbCr (with COLOR_ENCODING and
 * COLOR_RANGE), each with a mutable zpos, a plane alpha, a pixel blend
 * mode, rotation and (but for the cursor) scaling. The shadow-plane
 * helpers map the buffer when a commit starts, and unmap it
 * when the next commit on the plane has programmed the hardware
 * (end_fb_access of the old state, at the end of
 * drm_atomic_helper_commit_planes()); in between atomic_update has copied
 * the plane's geometry and mapping into the pipe's scanout registers,
 * where the composer reads them.
 */

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_plane.h>
#include <drm/drm_print.h>

#include "mkms_drv.h"

/*
 * What the composer reads; see mkms_rgb_formats and mkms_yuv_formats in
 * mkms_composer.c.
 */
static const u32 mkms_plane_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_RGBX8888,
	DRM_FORMAT_RGBA8888,
	DRM_FORMAT_BGRX8888,
	DRM_FORMAT_BGRA8888,
	DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
	DRM_FORMAT_RGB888,
	DRM_FORMAT_BGR888,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_BGR565,
	DRM_FORMAT_XRGB1555,
	DRM_FORMAT_ARGB1555,
	DRM_FORMAT_XRGB16161616,
	DRM_FORMAT_ARGB16161616,
	DRM_FORMAT_XBGR16161616,
	DRM_FORMAT_ABGR16161616,
	DRM_FORMAT_NV12,
	DRM_FORMAT_NV21,
	DRM_FORMAT_NV16,
	DRM_FORMAT_NV61,
	DRM_FORMAT_NV24,
	DRM_FORMAT_NV42,
	DRM_FORMAT_YUV420,
	DRM_FORMAT_YVU420,
	DRM_FORMAT_YUV422,
	DRM_FORMAT_YVU422,
	DRM_FORMAT_YUV444,
	DRM_FORMAT_YVU444,
	DRM_FORMAT_P010,
	DRM_FORMAT_P012,
	DRM_FORMAT_P016,
	DRM_FORMAT_R8,
#ifdef DRM_FORMAT_R1	/* Linux 6.8 */
	DRM_FORMAT_R1,
	DRM_FORMAT_R2,
	DRM_FORMAT_R4,
#endif
};

static const u64 mkms_plane_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID
};

/*
 * What an async flip can show: a linear framebuffer of one plane (packed
 * RGB or grey), whose address alone changes, on the primary plane (the
 * core asks other planes through .atomic_async_check, which says no);
 * a YCbCr framebuffer keeps its chroma elsewhere. This is also what the
 * planes' IN_FORMATS_ASYNC property lists (see mkms_compat.h).
 */
static bool mkms_plane_format_mod_supported_async(struct drm_plane *plane,
						  u32 format, u64 modifier)
{
	return plane->type == DRM_PLANE_TYPE_PRIMARY &&
	       modifier == DRM_FORMAT_MOD_LINEAR &&
	       drm_format_info(format)->num_planes == 1;
}

static const struct drm_plane_funcs mkms_plane_funcs = {
	.update_plane		= drm_atomic_helper_update_plane,
	.disable_plane		= drm_atomic_helper_disable_plane,
	MKMS_PLANE_ASYNC_FORMATS
	DRM_GEM_SHADOW_PLANE_FUNCS,
};

/*
 * An async flip (drm_crtc_state.async_flip) swaps the framebuffer a plane
 * shows and nothing else: the DRM core refuses every other property
 * change in such a commit, and mkms_crtc_atomic_check() a modeset. The
 * new framebuffer must have a format the flip can show and the format,
 * modifier and pitch of the one it replaces, both on screen: the rules of
 * display hardware whose immediate flips change the scanout address alone
 * (i915's refuses the same changes), so that a compositor meets them here
 * first. A plane whose framebuffer stays is no flip and always passes.
 */
static int mkms_plane_check_async_flip(struct drm_plane *plane,
				       const struct drm_plane_state *old_state,
				       const struct drm_plane_state *new_state)
{
	const struct drm_framebuffer *old = old_state->fb, *new = new_state->fb;

	if (old == new)
		return 0;
	if (old && new && old_state->visible && new_state->visible &&
	    mkms_plane_format_mod_supported_async(plane, new->format->format,
						  new->modifier) &&
	    old->format->format == new->format->format &&
	    old->modifier == new->modifier &&
	    old->pitches[0] == new->pitches[0])
		return 0;

	drm_dbg_atomic(plane->dev,
		       "[PLANE:%d:%s] cannot flip async from [FB:%d] to [FB:%d]\n",
		       plane->base.id, plane->name, old ? old->base.id : 0,
		       new ? new->base.id : 0);
	return -EINVAL;
}

static int mkms_plane_atomic_check(struct drm_plane *plane,
				   struct drm_atomic_state *state)
{
	struct drm_plane_state *plane_state =
		drm_atomic_get_new_plane_state(state, plane);
	const struct drm_framebuffer *fb = plane_state->fb;
	struct drm_crtc_state *crtc_state = NULL;
	int min_scale = MKMS_MIN_SCALE, max_scale = MKMS_MAX_SCALE;
	int ret;

	/*
	 * The core lets a subsampled framebuffer have a last chroma column
	 * or line that covers only part of its luma samples, and then need
	 * not have it: the composer reads one for every pixel.
	 */
	if (fb && fb->format->is_yuv &&
	    (fb->width % fb->format->hsub || fb->height % fb->format->vsub)) {
		drm_dbg_atomic(plane->dev,
			       "[PLANE:%d:%s] %p4cc is subsampled %ux%u, the framebuffer is %ux%u\n",
			       plane->base.id, plane->name,
			       &fb->format->format, fb->format->hsub,
			       fb->format->vsub, fb->width, fb->height);
		return -EINVAL;
	}

	if (plane_state->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state,
							   plane_state->crtc);
	if (plane->type == DRM_PLANE_TYPE_CURSOR) {
		min_scale = DRM_PLANE_NO_SCALING;
		max_scale = DRM_PLANE_NO_SCALING;
	}

	ret = drm_atomic_helper_check_plane_state(plane_state, crtc_state,
						  min_scale, max_scale,
						  true, true);
	if (ret || !crtc_state || !crtc_state->async_flip)
		return ret;

	return mkms_plane_check_async_flip(plane,
					   drm_atomic_get_old_plane_state(state,
									  plane),
					   plane_state);
}

/* The chroma planes of a YCbCr framebuffer, and how to read them. */
static void mkms_plane_chroma(struct mkms_hw_plane_regs *regs,
			      struct drm_plane_state *plane_state)
{
	struct drm_shadow_plane_state *shadow =
		to_drm_shadow_plane_state(plane_state);
	const struct drm_framebuffer *fb = plane_state->fb;
	unsigned int i;

	if (!fb->format->is_yuv)
		return;
	for (i = 1; i < fb->format->num_planes; i++) {
		regs->chroma[i - 1] = shadow->data[i].vaddr;
		regs->chroma_pitch[i - 1] = fb->pitches[i];
	}
	regs->color_encoding = plane_state->color_encoding;
	regs->color_range = plane_state->color_range;
}

/* The plane's scanout registers for @plane_state. */
static void mkms_plane_regs(struct mkms_hw_plane_regs *regs,
			    struct drm_plane_state *plane_state)
{
	struct drm_shadow_plane_state *shadow =
		to_drm_shadow_plane_state(plane_state);
	struct drm_framebuffer *fb = plane_state->fb;

	/* Mapped by the shadow-plane helpers until the next update. */
	if (plane_state->visible && fb && !shadow->data[0].is_iomem) {
		regs->enabled = true;
		regs->format = fb->format->format;
		regs->pitch = fb->pitches[0];
		regs->cpp = fb->format->cpp[0];
		/* data[], unlike map[], is already at the fb's offsets[]. */
		regs->vaddr = shadow->data[0].vaddr;
		regs->src = plane_state->src;
		regs->dst = plane_state->dst;
		regs->zpos = plane_state->normalized_zpos;
		regs->alpha = plane_state->alpha;
		regs->blend = plane_state->pixel_blend_mode;
		regs->rotation = plane_state->rotation;
		mkms_plane_chroma(regs, plane_state);
	}
}

static void mkms_plane_atomic_update(struct drm_plane *plane,
				     struct drm_atomic_state *state)
{
	struct mkms_plane *mplane = to_mkms_plane(plane);
	struct mkms_hw_plane_regs regs = {};

	mkms_plane_regs(&regs, drm_atomic_get_new_plane_state(state, plane));
	mkms_hw_plane_update(to_mkms_device(plane->dev), mplane->pipe,
			     mplane->slot, &regs);
}

/*
 * A legacy cursor ioctl moves the cursor or gives it another image at
 * once, as display hardware's cursor registers do, not at the next
 * vblank: the core commits it through these two hooks when the cursor
 * plane is all it changes and its previous commit has programmed the
 * hardware (drm_atomic_helper_async_check()). Without them it would wait
 * behind a page flip in flight for the flip's vblank. No other plane, and
 * no async page flip (@flip), goes this way.
 */
static int mkms_plane_atomic_async_check(struct drm_plane *plane,
					 struct drm_atomic_state *state,
					 bool flip)
{
	if (plane->type != DRM_PLANE_TYPE_CURSOR || flip)
		return -EINVAL;
	return 0;
}

MKMS_ASYNC_CHECK_SHIM(mkms_plane_atomic_async_check)

/**
 * struct mkms_plane_retired - a framebuffer an async update took off a plane
 * @work: unmaps and releases it, after the composition in progress
 * @fb: the framebuffer; its reference
 * @map: its shadow-plane mapping
 */
struct mkms_plane_retired {
	struct work_struct work;
	struct drm_framebuffer *fb;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
};

static void mkms_plane_retire_work(struct work_struct *work)
{
	struct mkms_plane_retired *r =
		container_of(work, struct mkms_plane_retired, work);

	drm_gem_fb_vunmap(r->fb, r->map);
	drm_framebuffer_put(r->fb);
	kfree(r);
}

/*
 * The update is made in the current state, which the core swaps the new
 * framebuffer into, leaving the old one to the new state to release
 * (drm_atomic_helper_async_commit()). The registers change at once, not
 * after the composition in progress as in a commit: that one may be
 * computing a CRC, which under emulation takes many frames, and a cursor
 * update must not wait for a vblank. So the old framebuffer's mapping
 * does not go with it to the new state, whose clean-up would unmap it at
 * once: the retire work unmaps it after that composition
 * (mkms_hw_plane_update_async()). Should that work not be had, or the
 * device be unplugged, the update waits for the composer instead, and the
 * mapping goes with its framebuffer.
 */
static void mkms_plane_atomic_async_update(struct drm_plane *plane,
					   struct drm_atomic_state *state)
{
	struct drm_plane_state *new_state =
		drm_atomic_get_new_plane_state(state, plane);
	struct drm_plane_state *cur = plane->state;
	struct drm_shadow_plane_state *cur_shadow =
		to_drm_shadow_plane_state(cur);
	struct drm_shadow_plane_state *new_shadow =
		to_drm_shadow_plane_state(new_state);
	struct mkms_device *mkms = to_mkms_device(plane->dev);
	struct mkms_plane *mplane = to_mkms_plane(plane);
	struct mkms_hw_plane_regs regs = {};
	struct mkms_plane_retired *r;
	unsigned int i;

	swap(cur->fb, new_state->fb);
	for (i = 0; i < DRM_FORMAT_MAX_PLANES; i++) {
		swap(cur_shadow->map[i], new_shadow->map[i]);
		swap(cur_shadow->data[i], new_shadow->data[i]);
	}
	cur->crtc_x = new_state->crtc_x;
	cur->crtc_y = new_state->crtc_y;
	cur->crtc_w = new_state->crtc_w;
	cur->crtc_h = new_state->crtc_h;
	cur->src_x = new_state->src_x;
	cur->src_y = new_state->src_y;
	cur->src_w = new_state->src_w;
	cur->src_h = new_state->src_h;
	cur->src = new_state->src;
	cur->dst = new_state->dst;
	cur->visible = new_state->visible;
	mkms_plane_regs(&regs, cur);

	r = new_state->fb ? kzalloc(sizeof(*r), GFP_KERNEL) : NULL;
	if (r) {
		INIT_WORK(&r->work, mkms_plane_retire_work);
		r->fb = new_state->fb;
		drm_framebuffer_get(r->fb);
		memcpy(r->map, new_shadow->map, sizeof(r->map));
		if (!mkms_hw_plane_update_async(mkms, mplane->pipe,
						mplane->slot, &regs,
						&r->work)) {
			for (i = 0; i < DRM_FORMAT_MAX_PLANES; i++) {
				iosys_map_clear(&new_shadow->map[i]);
				iosys_map_clear(&new_shadow->data[i]);
			}
			return;
		}
		drm_framebuffer_put(r->fb);
		kfree(r);
	}
	mkms_hw_plane_update(mkms, mplane->pipe, mplane->slot, &regs);
}

static void mkms_plane_atomic_disable(struct drm_plane *plane,
				      struct drm_atomic_state *state)
{
	struct mkms_plane *mplane = to_mkms_plane(plane);
	const struct mkms_hw_plane_regs regs = {};

	mkms_hw_plane_update(to_mkms_device(plane->dev), mplane->pipe,
			     mplane->slot, &regs);
}

static const struct drm_plane_helper_funcs mkms_plane_helper_funcs = {
	DRM_GEM_SHADOW_PLANE_HELPER_FUNCS,
	.atomic_check	= mkms_plane_atomic_check,
	.atomic_update	= mkms_plane_atomic_update,
	.atomic_disable	= mkms_plane_atomic_disable,
	.atomic_async_check = mkms_plane_atomic_async_check_compat,
	.atomic_async_update = mkms_plane_atomic_async_update,
};

/* The plane properties every mkms plane has. */
static int mkms_plane_add_properties(struct mkms_device *mkms,
				     struct drm_plane *plane, unsigned int pipe,
				     unsigned int slot)
{
	unsigned int top = mkms->desc.crtcs[pipe].overlays + 1;
	unsigned int zpos;
	int ret;

	/* Primary at the bottom, then the overlays, the cursor on top. */
	zpos = slot == MKMS_SLOT_CURSOR ? top : slot;
	ret = drm_plane_create_zpos_property(plane, zpos, 0, top);
	if (ret)
		return ret;

	ret = drm_plane_create_alpha_property(plane);
	if (ret)
		return ret;

	ret = drm_plane_create_rotation_property(plane, DRM_MODE_ROTATE_0,
						 DRM_MODE_ROTATE_MASK |
						 DRM_MODE_REFLECT_MASK);
	if (ret)
		return ret;

	ret = drm_plane_create_color_properties(plane,
						BIT(DRM_COLOR_YCBCR_BT601) |
						BIT(DRM_COLOR_YCBCR_BT709) |
						BIT(DRM_COLOR_YCBCR_BT2020),
						BIT(DRM_COLOR_YCBCR_LIMITED_RANGE) |
						BIT(DRM_COLOR_YCBCR_FULL_RANGE),
						DRM_COLOR_YCBCR_BT601,
						DRM_COLOR_YCBCR_LIMITED_RANGE);
	if (ret)
		return ret;

	/* Both filters are nearest neighbour; the cursor does not scale. */
	if (slot != MKMS_SLOT_CURSOR) {
		unsigned int filters = BIT(DRM_SCALING_FILTER_DEFAULT) |
				       BIT(DRM_SCALING_FILTER_NEAREST_NEIGHBOR);

		ret = drm_plane_create_scaling_filter_property(plane, filters);
		if (ret)
			return ret;
	}

	return drm_plane_create_blend_mode_property(plane,
						    BIT(DRM_MODE_BLEND_PIXEL_NONE) |
						    BIT(DRM_MODE_BLEND_PREMULTI) |
						    BIT(DRM_MODE_BLEND_COVERAGE));
}

/**
 * mkms_plane_create - create a plane for a display pipe
 * @mkms: the device
 * @type: the plane's type
 * @pipe: the pipe, which is also the index of the only CRTC it can use
 * @slot: the plane's scanout registers in the pipe
 *
 * The plane is drmm-allocated: it lives as long as the drm_device.
 *
 * Returns: the plane or an ERR_PTR().
 */
struct drm_plane *mkms_plane_create(struct mkms_device *mkms,
				    enum drm_plane_type type,
				    unsigned int pipe, unsigned int slot)
{
	struct mkms_plane *mplane;
	int ret;

	mplane = drmm_universal_plane_alloc(&mkms->drm, struct mkms_plane,
					    base, BIT(pipe), &mkms_plane_funcs,
					    mkms_plane_formats,
					    ARRAY_SIZE(mkms_plane_formats),
					    mkms_plane_modifiers, type, NULL);
	if (IS_ERR(mplane))
		return ERR_CAST(mplane);

	mplane->pipe = pipe;
	mplane->slot = slot;
	drm_plane_helper_add(&mplane->base, &mkms_plane_helper_funcs);
	ret = mkms_plane_add_properties(mkms, &mplane->base, pipe, slot);
	if (ret)
		return ERR_PTR(ret);
	ret = mkms_plane_attach_async_formats(&mplane->base,
					      mkms_plane_format_mod_supported_async);
	if (ret)
		return ERR_PTR(ret);
	/* A hint only: the virtual scanout reads the whole plane every frame. */
	drm_plane_enable_fb_damage_clips(&mplane->base);
	return &mplane->base;
}
