/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device under test of the mkms unbind tests: a KMS device bound to a
 * driver that sysfs can unbind, with a mode set on its first connected
 * connector and two buffers to flip between. Tests keep one struct dut
 * per device; everything here asserts (fails the subtest) on error.
 */
#ifndef DUT_H
#define DUT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drmMode.h>

struct buffer {
	uint32_t handle, pitch, fb_id;
	uint64_t size;
	uint32_t *map;
};

/**
 * struct dut - a device under test
 * @fd: master fd of the current binding, or -1
 * @drv_dir: sysfs directory of its driver (bind, unbind, module)
 * @bus_addr: the device's name on its bus (e.g. mkms.0)
 * @crtc_id: the CRTC lit by dut_set_mode()
 * @connector_id: the connector it drives
 * @plane_id: the CRTC's primary plane
 * @mode_blob: the mode's property blob
 * @fb_prop: the primary plane's FB_ID property
 * @mode: the connector's preferred mode
 * @buf: the buffers dut_flip() alternates between
 * @front: index of the buffer on screen
 * @flips: page-flip events seen
 * @unbound: the test unbound the device and did not bind it again
 */
struct dut {
	int fd;
	int drv_dir;
	char bus_addr[NAME_MAX];
	uint32_t crtc_id, connector_id, plane_id, mode_blob, fb_prop;
	drmModeModeInfo mode;
	struct buffer buf[2];
	unsigned int front, flips;
	bool unbound;
};

#define DUT_INIT { .fd = -1, .drv_dir = -1 }

/**
 * struct dut_timing - a mode as an EDID's detailed timing has it
 * @clock_khz: pixel clock
 * @h: active pixels
 * @hblank: blanking pixels
 * @hso: horizontal sync offset from the end of the active pixels
 * @hsw: horizontal sync width
 * @v: active lines
 * @vblank: blanking lines
 * @vso: vertical sync offset
 * @vsw: vertical sync width
 */
struct dut_timing {
	int clock_khz, h, hblank, hso, hsw, v, vblank, vso, vsw;
};

double dut_now(void);
int dut_write_file(int dir, const char *file, const void *buf, size_t len);
uint64_t dut_splitmix(uint64_t *state);
const char *dut_kmsg_warning(int kmsg, char *buf, size_t len);

/* The device and its driver in sysfs */
void dut_open(struct dut *d);
void dut_open_another(struct dut *d, int idx);
void dut_find_driver(struct dut *d);
void dut_unbind(struct dut *d);
void dut_bind(struct dut *d);
bool dut_module_name(struct dut *d, char *name, size_t len);
int dut_module_params(struct dut *d);
void dut_knob_set(struct dut *d, const char *knob, const char *value);

/* Display */
uint32_t dut_prop_id(int fd, uint32_t obj, uint32_t type, const char *name);
uint64_t dut_prop_value(int fd, uint32_t obj, uint32_t type, uint32_t prop);
void dut_connector_debugfs_path(int fd, uint32_t connector, const char *file,
				char *path, size_t size);
int dut_output_max_bpc(int fd, uint32_t connector);
void dut_add(drmModeAtomicReq *req, struct dut *d, uint32_t obj,
	     uint32_t type, const char *name, uint64_t value);
void dut_create_fb(struct dut *d, struct buffer *b, uint32_t w, uint32_t h,
		   uint32_t fourcc, uint32_t bpp);
void dut_map_buffer(struct dut *d, struct buffer *b);
void dut_free_fb(struct dut *d, struct buffer *b);
void dut_create_buffer(struct dut *d, struct buffer *b, uint32_t color);
void dut_set_mode(struct dut *d);
void dut_add_plane(drmModeAtomicReq *req, struct dut *d, uint32_t plane,
		   uint32_t fb_id, uint32_t sw, uint32_t sh, int32_t x,
		   int32_t y, uint32_t dw, uint32_t dh);
uint32_t dut_plane_of_type(struct dut *d, uint64_t type);
uint32_t dut_find_writeback(struct dut *d);
void dut_writeback(struct dut *d, drmModeAtomicReq *req, uint32_t wb,
		   struct buffer *out, const char *what);
int dut_flip(struct dut *d, uint32_t flags);
bool dut_wait_event(struct dut *d, int ms);

/* What every subtest checks after the unbind, and the way back */
void dut_assert_gone(struct dut *d);
void dut_close(struct dut *d);
void dut_attach(struct dut *d);
void dut_ensure(struct dut *d);
void dut_rebind_and_flip(struct dut *d);

/* EDIDs */
void dut_make_edid(uint8_t e[128], const struct dut_timing *t, int bpc);

#endif /* DUT_H */
