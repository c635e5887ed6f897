/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mkms: a virtual KMS driver built on DRM managed lifetimes.
 *
 * Two lifetimes meet in this driver, and every structure below says which
 * one it has:
 *
 * - Allocations that KMS or userspace can reach (the drm_device and the KMS
 *   objects) are drmm-managed and live until the last reference to the
 *   drm_device is dropped, which may be long after the device was unbound.
 * - The virtual hardware (struct mkms_hw) is devm-managed and lives exactly
 *   as long as the device is bound. It is only ever touched through the
 *   mkms_hw_*() helpers, each of which runs inside drm_dev_enter() and does
 *   nothing once the device is unplugged.
 */

#ifndef _MKMS_DRV_H_
#define _MKMS_DRV_H_

#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_plane.h>
#include <drm/drm_rect.h>
#include <drm/drm_writeback.h>

#include "mkms_compat.h"
#include "mkms_shared.h"

struct drm_minor;

#define MKMS_DRIVER_DATE	"20261121"

#define MKMS_MIN_SIZE		1
#define MKMS_MAX_SIZE		8192
#define MKMS_CURSOR_SIZE	512
/*
 * Plane scaling, source over destination size in 16.16 fixed point: any
 * ratio, as nearest-neighbour sampling costs the same at every factor
 * (mkms_composer.c). The cursor does not scale.
 */
#define MKMS_MIN_SCALE		1
#define MKMS_MAX_SCALE		INT_MAX
/*
 * The timing generator's range: pixel clock (kHz), refresh rate (Hz),
 * horizontal and vertical totals (pixels, lines)
 */
#define MKMS_MAX_DOTCLOCK	8000000
#define MKMS_MIN_REFRESH	1
#define MKMS_MAX_REFRESH	1000
#define MKMS_MAX_TOTAL		(2 * MKMS_MAX_SIZE)
#define MKMS_DEFAULT_WIDTH	1024
#define MKMS_DEFAULT_HEIGHT	768

/*
 * Scanout register slots of a display pipe: the primary, up to
 * MKMS_MAX_OVERLAYS overlays, the cursor. A slot is not a layer: each
 * plane's zpos says where it is blended.
 */
enum mkms_plane_slot {
	MKMS_SLOT_PRIMARY,
	MKMS_SLOT_OVERLAY,
	MKMS_SLOT_CURSOR = MKMS_SLOT_OVERLAY + MKMS_MAX_OVERLAYS,
	MKMS_PLANES_PER_PIPE
};

struct mkms_hw;

/**
 * struct mkms_desc_crtc - what one display pipe is made of
 * @overlays: number of overlay planes, at most MKMS_MAX_OVERLAYS
 * @cursor: the pipe has a cursor plane
 * @writeback: the pipe has a writeback connector
 *
 * Every pipe has exactly one primary plane.
 */
struct mkms_desc_crtc {
	u8 overlays;
	bool cursor;
	bool writeback;
};

/**
 * struct mkms_desc_connector - one virtual connector
 * @possible_encoders: mask of the encoders (indices into
 *	mkms_desc.encoder_crtcs) that can drive it; at least one
 * @status: enum drm_connector_status it starts with
 * @edid_offset: where its EDID starts among the bytes that follow the
 *	struct mkms_desc
 * @edid_len: the EDID's length in bytes, at most MKMS_EDID_MAX; 0: none,
 *	the connector has the standard modes
 */
struct mkms_desc_connector {
	u32 possible_encoders;
	u8 status;
	u32 edid_offset;
	u32 edid_len;
};

/**
 * struct mkms_desc - what a device is made of
 * @num_crtcs: number of display pipes, 1..MKMS_MAX_CRTCS
 * @num_encoders: number of virtual encoders, 1..MKMS_MAX_ENCODERS
 * @num_connectors: number of virtual connectors, 1..MKMS_MAX_CONNECTORS
 * @crtcs: the pipes, in CRTC index order
 * @encoder_crtcs: possible_crtcs of each encoder, never 0
 * @connectors: the connectors, in index order
 * @edid_bytes: the number of bytes of EDIDs that follow the structure
 *
 * A plain value: the platform device carries one as its platform data
 * (built from the module parameters or from a configfs description), and
 * probe copies it into the drm_device, so that nothing the device reads
 * afterwards belongs to anyone else. mkms_desc_check() says whether one is
 * valid. The connectors' EDIDs follow it, @edid_bytes of them: a
 * description is mkms_desc_size() bytes.
 */
struct mkms_desc {
	unsigned int num_crtcs;
	unsigned int num_encoders;
	unsigned int num_connectors;
	struct mkms_desc_crtc crtcs[MKMS_MAX_CRTCS];
	u32 encoder_crtcs[MKMS_MAX_ENCODERS];
	struct mkms_desc_connector connectors[MKMS_MAX_CONNECTORS];
	u32 edid_bytes;
};

static inline size_t mkms_desc_size(const struct mkms_desc *desc)
{
	return sizeof(*desc) + desc->edid_bytes;
}

/* The EDID of connector @i of @desc, mkms_desc_connector.edid_len bytes */
static inline const u8 *mkms_desc_edid(const struct mkms_desc *desc,
				       unsigned int i)
{
	return (const u8 *)(desc + 1) + desc->connectors[i].edid_offset;
}

/* Where the commit tail can be made to stall; see mkms_fault.c. */
enum mkms_stall_point {
	MKMS_STALL_POINT_NONE,
	MKMS_STALL_POINT_BEFORE_HW,
	MKMS_STALL_POINT_AFTER_HW,
	MKMS_STALL_POINT_BEFORE_FLIP_DONE,
};

/**
 * struct mkms_fault - fault injection state of a device
 * @stall_point: where the commit tail stalls
 * @stall_ms: for how long
 * @stalled: commits stalled there right now
 * @reached: commits that reached @stall_point since it was set
 * @vblank_stop: vblank interrupts are not delivered
 *
 * Part of the drmm-managed mkms_device: commit tails read it after unbind.
 */
struct mkms_fault {
	enum mkms_stall_point stall_point;
	unsigned int stall_ms;
	atomic_t stalled;
	atomic_t reached;
	bool vblank_stop;
};

/**
 * struct mkms_crc - CRC capture of a CRTC
 * @lock: protects the fields below
 * @enabled: capture is on: the debugfs crc/data file is open
 * @vblank_ref: capture holds a vblank reference
 * @last: the latest CRC delivered
 * @last_frame: the frame it was delivered for
 * @pins: references to the drm_device and the module that capture took
 *	and @release_work has yet to drop
 * @release_work: drops @pins once the DRM core is done with the CRTC
 *
 * While capture is on, the CRTC pins the drm_device and the module: the
 * DRM core calls back into the driver and touches the CRTC when crc/data
 * is closed, which may be long after the device was unbound and its last
 * fd closed. See mkms_crtc_set_crc_source().
 */
struct mkms_crc {
	spinlock_t lock; /* composer work vs. debugfs */
	bool enabled;
	bool vblank_ref;
	u32 last;
	u32 last_frame;
	atomic_t pins;
	struct delayed_work release_work;
};

/**
 * struct mkms_output - one display pipe as KMS sees it
 * @crtc: the CRTC, scanning out @primary and @cursor
 * @wb: the writeback connector, with its own encoder, capturing what the
 *	CRTC composes; only initialised if @has_wb
 * @has_wb: the pipe has a writeback connector
 * @wb_lock: serialises completing writeback jobs once the device is
 *	unplugged; see mkms_writeback_unplug()
 * @primary: the primary plane
 * @cursor: the cursor plane, or NULL
 * @crc: CRC capture state
 *
 * drmm-managed: part of the drm_device's lifetime, so it stays valid for as
 * long as any fd, atomic state or dma-buf holds the drm_device. Allocated
 * before the mode config, so that drm_mode_config_cleanup() may still
 * destroy the writeback connector in it (drmm releases in reverse order).
 */
struct mkms_output {
	struct drm_crtc crtc;
	struct drm_writeback_connector wb;
	bool has_wb;
	spinlock_t wb_lock; /* unplugged commits vs. mkms_writeback_unplug() */
	struct drm_plane *primary;
	struct drm_plane *cursor;
	struct mkms_crc crc;
};

/**
 * struct mkms_connector - a virtual connector
 * @base: the DRM connector
 * @status: what detect reports; written under mode_config.mutex by
 *	mkms_connector_set_status()
 * @edid: the EDID its modes come from (drmm memory), or NULL for the
 *	standard modes; replaced under mode_config.mutex by
 *	mkms_connector_set_edid()
 * @edid_len: its length in bytes
 *
 * drmm-managed, like every KMS object of the driver.
 */
struct mkms_connector {
	struct drm_connector base;
	enum drm_connector_status status;
	u8 *edid;
	size_t edid_len;
};

static inline struct mkms_connector *
to_mkms_connector(struct drm_connector *connector)
{
	return container_of(connector, struct mkms_connector, base);
}

/**
 * struct mkms_plane - a plane of one display pipe
 * @base: the DRM plane
 * @pipe: index of the pipe (and CRTC) the plane belongs to
 * @slot: the plane's scanout registers within the pipe
 *
 * drmm-managed, like every KMS object of the driver.
 */
struct mkms_plane {
	struct drm_plane base;
	unsigned int pipe;
	unsigned int slot;
};

static inline struct mkms_plane *to_mkms_plane(struct drm_plane *plane)
{
	return container_of(plane, struct mkms_plane, base);
}

/**
 * struct mkms_device - one mkms device
 * @drm: the DRM device, embedded so that devm_drm_dev_alloc() manages it
 * @hw: the virtual hardware; devm memory, freed at unbind. Only the
 *	mkms_hw_*() helpers may dereference it, inside drm_dev_enter().
 * @desc: what the device is made of, copied from its platform data
 * @outputs: the display pipes (drmm memory)
 * @num_outputs: number of entries in @outputs, desc.num_crtcs
 * @encoders: the virtual encoders (drmm memory), desc.num_encoders
 * @connectors: the virtual connectors (drmm memory), desc.num_connectors
 * @fault: fault injection knobs
 */
struct mkms_device {
	struct drm_device drm;
	struct mkms_hw *hw;
	struct mkms_desc desc;
	struct mkms_output *outputs;
	unsigned int num_outputs;
	struct drm_encoder *encoders;
	struct mkms_connector *connectors;
	struct mkms_fault fault;
};

static inline struct mkms_device *to_mkms_device(struct drm_device *drm)
{
	return container_of(drm, struct mkms_device, drm);
}

static inline struct mkms_output *to_mkms_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct mkms_output, crtc);
}

/* mkms_hw.c: the virtual hardware */

/**
 * struct mkms_hw_plane_regs - the scanout registers of one plane
 * @enabled: the plane is scanned out
 * @format: DRM fourcc of the framebuffer
 * @pitch: bytes per line of the framebuffer
 * @cpp: bytes per pixel
 * @vaddr: the first pixel of the framebuffer, mapped by the shadow-plane
 *	helpers
 * @src: source rectangle in the framebuffer, 16.16 fixed point
 * @dst: destination rectangle on the CRTC, in pixels
 * @zpos: the plane's place among the pipe's planes, 0 at the bottom
 *	(normalized: unique within the pipe)
 * @alpha: plane alpha, 0 (transparent) to 0xffff (opaque)
 * @blend: pixel blend mode, one of DRM_MODE_BLEND_*
 * @rotation: DRM_MODE_ROTATE_* and DRM_MODE_REFLECT_*, as the plane's
 *	rotation property: reflect, then rotate counter-clockwise
 * @chroma: for a YCbCr framebuffer, the first byte of each chroma plane
 *	after @vaddr's luma plane (of one, Cb and Cr interleaved, or of
 *	two); NULL otherwise. Mapped as @vaddr is.
 * @chroma_pitch: bytes per line of each of @chroma
 * @color_encoding: for a YCbCr framebuffer, how it encodes colours, one of
 *	enum drm_color_encoding (the plane's COLOR_ENCODING property)
 * @color_range: and with which range of codes, one of enum
 *	drm_color_range (COLOR_RANGE)
 *
 * A plain value type: the plane code fills one in and hands it to
 * mkms_hw_plane_update(), which copies it into the hardware. @vaddr stays
 * valid while it is in the hardware: the commit that replaces it programs
 * the new value (waiting for the composer) before it unmaps the old one,
 * or, in an async cursor update, leaves the unmapping to work that runs
 * after the composition in progress (mkms_hw_plane_update_async()).
 */
struct mkms_hw_plane_regs {
	bool enabled;
	u32 format;
	u32 pitch;
	u32 cpp;
	const u8 *vaddr;
	struct drm_rect src;
	struct drm_rect dst;
	unsigned int zpos;
	u16 alpha;
	u16 blend;
	u32 rotation;
	const u8 *chroma[2];
	u32 chroma_pitch[2];
	u8 color_encoding;
	u8 color_range;
};

/**
 * struct mkms_hw_wb_regs - the writeback registers of one pipe
 * @format: DRM fourcc of the destination framebuffer
 * @pitch: bytes per line of the destination
 * @cpp: bytes per pixel of the destination
 * @width: width of the destination, the pipe's active width
 * @height: height of the destination, the pipe's active height
 * @vaddr: the first pixel of the destination, mapped by
 *	mkms_writeback.c until its job is complete
 */
struct mkms_hw_wb_regs {
	u32 format;
	u32 pitch;
	u32 cpp;
	unsigned int width;
	unsigned int height;
	u8 *vaddr;
};

/* Entries of each pipe's degamma and gamma LUT */
#define MKMS_LUT_SIZE		1024

/*
 * The deepest output of a pipe, in bits a channel: the range of the
 * connectors' "max bpc" property is 8 to this, for a monitor whose EDID
 * says it takes this much (see mkms_output.c).
 */
#define MKMS_MAX_BPC		10

/**
 * mkms_output_bpc - the depth a pipe sends to a virtual connector
 * @conn_state: the connector's state, checked (drm_atomic_check_only())
 *
 * The "max bpc" the core worked out for the connector
 * (drm_connector_state.max_bpc: the smaller of the property and what the
 * monitor takes), in the depths a pipe has: 8 or MKMS_MAX_BPC bits a
 * channel.
 *
 * Returns: the depth, in bits a channel.
 */
static inline unsigned int
mkms_output_bpc(const struct drm_connector_state *conn_state)
{
	return conn_state->max_bpc >= MKMS_MAX_BPC ? MKMS_MAX_BPC : 8;
}

/**
 * struct mkms_hw_color_regs - the colour pipeline of one pipe
 * @degamma_on: @degamma applies
 * @ctm_on: @ctm applies
 * @gamma_on: @gamma applies
 * @ctm: the colour transformation matrix, row major (output channel by
 *	input channel), as signed 32.32 fixed point in two's complement,
 *	each coefficient clamped to [-MKMS_CTM_MAX, MKMS_CTM_MAX]
 * @degamma: the degamma LUT, red, green and blue, MKMS_LUT_SIZE entries
 *	each, spread evenly over the channel's range
 * @gamma: the gamma LUT, the same way
 *
 * The composer applies them, in this order, to every blended pixel:
 * degamma, CTM, gamma, as the DRM colour management properties define.
 */
struct mkms_hw_color_regs {
	bool degamma_on;
	bool ctm_on;
	bool gamma_on;
	s64 ctm[9];
	u16 degamma[3][MKMS_LUT_SIZE];
	u16 gamma[3][MKMS_LUT_SIZE];
};

/*
 * Largest CTM coefficient magnitude, 8192.0 in 32.32: three products with
 * a 16-bit channel add up without overflow. Past it, any input above
 * 1/8192 of full scale saturates anyway.
 */
#define MKMS_CTM_MAX		(8192LL << 32)

/* A pixel inside the composer: 16 bits per channel, pre-multiplied. */
struct mkms_pixel {
	u16 a, r, g, b;
};

int mkms_hw_init(struct mkms_device *mkms, unsigned int num_pipes);
void mkms_hw_pipe_enable(struct mkms_device *mkms, unsigned int pipe,
			 const struct drm_display_mode *mode);
void mkms_hw_pipe_disable(struct mkms_device *mkms, unsigned int pipe);
int mkms_hw_vblank_irq_enable(struct mkms_device *mkms, unsigned int pipe);
void mkms_hw_vblank_irq_disable(struct mkms_device *mkms, unsigned int pipe);
bool mkms_hw_vblank_timestamp(struct mkms_device *mkms, unsigned int pipe,
			      ktime_t *timestamp);
void mkms_hw_quiesce(void);
void mkms_hw_plane_update(struct mkms_device *mkms, unsigned int pipe,
			  unsigned int plane,
			  const struct mkms_hw_plane_regs *regs);
int mkms_hw_plane_update_async(struct mkms_device *mkms, unsigned int pipe,
			       unsigned int plane,
			       const struct mkms_hw_plane_regs *regs,
			       struct work_struct *retire);
void mkms_hw_pipe_set_crc(struct mkms_device *mkms, unsigned int pipe,
			  bool enabled);
void mkms_hw_pipe_set_color(struct mkms_device *mkms, unsigned int pipe,
			    const struct drm_color_lut *degamma,
			    const struct drm_color_ctm *ctm,
			    const struct drm_color_lut *gamma);
void mkms_hw_pipe_set_background(struct mkms_device *mkms, unsigned int pipe,
				 u64 argb);
void mkms_hw_pipe_set_output_bpc(struct mkms_device *mkms, unsigned int pipe,
				 unsigned int bpc);
int mkms_hw_writeback_queue(struct mkms_device *mkms, unsigned int pipe,
			    const struct mkms_hw_wb_regs *regs);
void mkms_hw_writeback_arm(struct mkms_device *mkms, unsigned int pipe);

/* mkms_composer.c */

/* Lines the composer composes between two looks at mkms_compose_args.stop */
#define MKMS_COMPOSE_BAND	16

/**
 * struct mkms_compose_args - what mkms_compose() composes
 * @planes: the pipe's scanout registers, at most MKMS_PLANES_PER_PIPE
 * @num_planes: number of entries in @planes
 * @width: the pipe's active width, at most MKMS_MAX_SIZE
 * @height: its active height
 * @line: scratch space for one output line of @width pixels
 * @stage: scratch space for one source line of @width pixels
 * @crc_line: scratch space for the CRC of one line, @width * 4 bytes, or
 *	NULL: then a CRC sends every pixel through the blender, the slow
 *	way (see mkms_compose())
 * @wb: where to write the frame, or NULL
 * @color: the pipe's colour pipeline, or NULL: none
 * @background: the colour under all planes, 16 bits per channel in the
 *	layout of the BACKGROUND_COLOR property (DRM_FORMAT_ARGB16161616);
 *	its alpha is not used, so 0 is black
 * @want_crc: compute the frame's CRC
 * @crc_bpc: bits a channel of the pipe's output, which the CRC is taken
 *	at: 8 or MKMS_MAX_BPC (see mkms_crc_line()); 0 is 8
 * @stop: asked before each band of MKMS_COMPOSE_BAND lines; true ends the
 *	frame there. May be NULL.
 * @stop_data: @stop's argument
 */
struct mkms_compose_args {
	const struct mkms_hw_plane_regs *planes;
	unsigned int num_planes;
	unsigned int width;
	unsigned int height;
	struct mkms_pixel *line;
	struct mkms_pixel *stage;
	u8 *crc_line;
	const struct mkms_hw_wb_regs *wb;
	const struct mkms_hw_color_regs *color;
	u64 background;
	bool want_crc;
	unsigned int crc_bpc;
	bool (*stop)(void *stop_data);
	void *stop_data;
};

int mkms_compose(const struct mkms_compose_args *args, u32 *crc);
void mkms_color_regs_load(struct mkms_hw_color_regs *regs,
			  const struct drm_color_lut *degamma,
			  const struct drm_color_ctm *ctm,
			  const struct drm_color_lut *gamma);

/* mkms_crtc.c */
int mkms_crtc_init(struct mkms_device *mkms, struct mkms_output *output,
		   struct drm_plane *primary, struct drm_plane *cursor);
u32 mkms_crtc_handle_vblank(struct mkms_device *mkms, unsigned int pipe);
void mkms_crtc_add_crc(struct mkms_device *mkms, unsigned int pipe,
		       u32 first_frame, u32 last_frame, u32 crc);
void mkms_crtc_unplug(struct mkms_device *mkms);

/* mkms_drv.c */
extern struct workqueue_struct *mkms_release_wq;
int mkms_desc_check(const struct mkms_desc *desc, const char **why);
struct platform_device *mkms_device_create(const struct mkms_desc *desc);
void mkms_device_destroy(struct platform_device *pdev);

/* mkms_plane.c */
struct drm_plane *mkms_plane_create(struct mkms_device *mkms,
				    enum drm_plane_type type,
				    unsigned int pipe, unsigned int slot);

/* mkms_configfs.c */
#if IS_ENABLED(CONFIG_CONFIGFS_FS)
int mkms_configfs_register(void);
void mkms_configfs_unregister(void);
#else
static inline int mkms_configfs_register(void) { return 0; }
static inline void mkms_configfs_unregister(void) { }
#endif

/* mkms_fault.c */
int mkms_fault_probe(struct device *dev, unsigned int step);
void mkms_fault_stall(struct mkms_device *mkms, enum mkms_stall_point point);
void mkms_fault_debugfs_init(struct drm_minor *minor);

/* mkms_output.c */
int mkms_output_init(struct mkms_device *mkms, unsigned int index);
int mkms_connectors_init(struct mkms_device *mkms,
			 const struct mkms_desc *desc);
void mkms_output_link_clones(struct mkms_device *mkms);
int mkms_connector_get_modes(struct drm_connector *connector);
int mkms_connector_set_status(struct mkms_device *mkms, unsigned int index,
			      enum drm_connector_status status);
int mkms_connector_set_edid(struct mkms_device *mkms, unsigned int index,
			    const u8 *edid, size_t len);

/* mkms_writeback.c */
int mkms_writeback_init(struct mkms_device *mkms, struct mkms_output *output);
void mkms_writeback_done(struct mkms_device *mkms, unsigned int pipe,
			 unsigned int dropped, bool written);
void mkms_writeback_unplug(struct mkms_device *mkms);

#endif /* _MKMS_DRV_H_ */
