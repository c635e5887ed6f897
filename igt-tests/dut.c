// SPDX-License-Identifier: GPL-2.0
/*
 * The device under test of the mkms unbind tests (see dut.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "dut.h"

double dut_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* splitmix64: a sequence that depends on the seed only */
/**
 * dut_write_file - write a buffer to a file in one write()
 * @dir: the directory @file is relative to, or AT_FDCWD
 * @file: the file, e.g. a configfs attribute or a debugfs file
 * @buf: what to write
 * @len: its size: files that take binary data (an EDID) take it whole
 *
 * Returns: 0, or the errno of the open or the write (EIO for a short
 * write).
 */
int dut_write_file(int dir, const char *file, const void *buf, size_t len)
{
	int fd = openat(dir, file, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return errno;
	n = write(fd, buf, len);
	err = n < 0 ? errno : n != (ssize_t)len ? EIO : 0;
	close(fd);
	return err;
}

uint64_t dut_splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * The next kernel message of warning level or worse from @kmsg
 * (/dev/kmsg, opened O_NONBLOCK), read into @buf of @len bytes (8192
 * holds the largest record), or NULL once none is left. The emulator's
 * "hrtimer: interrupt took N ns" (a vCPU descheduled by the host) is not
 * one: make check's judge discounts it too.
 */
const char *dut_kmsg_warning(int kmsg, char *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(kmsg, buf, len - 1);
		char *msg;

		if (n < 0 && errno == EAGAIN)
			return NULL;
		if (n < 0 && errno == EPIPE)	/* overwritten records */
			continue;
		igt_assert_f(n > 0, "/dev/kmsg: %s\n", strerror(errno));
		buf[n] = '\0';
		msg = strchr(buf, ';');
		if (msg && atoi(buf) % 8 <= 4 &&
		    strncmp(msg + 1, "hrtimer: interrupt took", 23))
			return msg + 1;
	}
}

/* ---- The device and its driver in sysfs ------------------------------ */

/* Open the @idx-th card (IGT's device selection) as its master. */
void dut_open_another(struct dut *d, int idx)
{
	d->fd = drm_open_driver_another(idx, DRIVER_ANY);
	igt_require_f(drmSetMaster(d->fd) == 0 || drmIsMaster(d->fd),
		      "Can't become DRM master\n");
	igt_require(drmSetClientCap(d->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	igt_require(drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
}

void dut_open(struct dut *d)
{
	dut_open_another(d, 0);
}

/* The bus address of the device behind a DRM fd, or false. */
static bool bus_addr_of(int fd, char *addr, size_t len)
{
	char link[PATH_MAX];
	int sysfs;
	ssize_t n;

	sysfs = igt_sysfs_open(fd);
	if (sysfs < 0)
		return false;
	n = readlinkat(sysfs, "device", link, sizeof(link) - 1);
	close(sysfs);
	if (n <= 0)
		return false;
	link[n] = '\0';
	snprintf(addr, len, "%s", strrchr(link, '/') + 1);
	return true;
}

/* The card of the device at @d->bus_addr, or -1 while it has none. */
static int open_bound_card(struct dut *d)
{
	char addr[NAME_MAX];
	int fd;

	for (int idx = 0; (fd = __drm_open_driver_another(idx, DRIVER_ANY)) >= 0;
	     idx++) {
		if (bus_addr_of(fd, addr, sizeof(addr)) &&
		    !strcmp(addr, d->bus_addr))
			return fd;
		close(fd);
	}
	return -1;
}

/* Find the device's bus address and its driver's bind/unbind directory. */
void dut_find_driver(struct dut *d)
{
	int sysfs;

	igt_assert(bus_addr_of(d->fd, d->bus_addr, sizeof(d->bus_addr)));
	sysfs = igt_sysfs_open(d->fd);
	igt_assert_fd(sysfs);
	d->drv_dir = openat(sysfs, "device/driver", O_RDONLY | O_DIRECTORY);
	close(sysfs);
	igt_require_f(d->drv_dir >= 0 && !faccessat(d->drv_dir, "unbind", W_OK, 0),
		      "%s has no driver to unbind from\n", d->bus_addr);
}

void dut_unbind(struct dut *d)
{
	double t0 = dut_now();

	igt_assert_f(igt_sysfs_set(d->drv_dir, "unbind", d->bus_addr),
		     "unbind %s: %s\n", d->bus_addr, strerror(errno));
	d->unbound = true;
	igt_info("unbind of %s returned after %.3f s\n", d->bus_addr,
		 dut_now() - t0);
}

void dut_bind(struct dut *d)
{
	igt_assert_f(igt_sysfs_set(d->drv_dir, "bind", d->bus_addr),
		     "bind %s: %s\n", d->bus_addr, strerror(errno));
	d->unbound = false;
}

/* The name of the module of the device's driver, or false if built in. */
bool dut_module_name(struct dut *d, char *name, size_t len)
{
	char link[PATH_MAX];
	ssize_t n;

	n = readlinkat(d->drv_dir, "module", link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	snprintf(name, len, "%s", strrchr(link, '/') + 1);
	return true;
}

/* The driver's module parameter directory, or -1. */
int dut_module_params(struct dut *d)
{
	char name[NAME_MAX], path[PATH_MAX];

	if (!dut_module_name(d, name, sizeof(name)))
		return -1;
	snprintf(path, sizeof(path), "/sys/module/%s/parameters", name);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Set mkms's fault injection file @knob in @d's debugfs to @value. */
void dut_knob_set(struct dut *d, const char *knob, const char *value)
{
	int dir = igt_debugfs_dir(d->fd);

	igt_assert_fd(dir);
	igt_assert_f(igt_sysfs_set(dir, knob, value), "set %s to %s: %s\n",
		     knob, value, strerror(errno));
	close(dir);
}

/* ---- Display ------------------------------------------------------------ */

uint32_t dut_prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props;
	uint32_t id = 0;

	props = drmModeObjectGetProperties(fd, obj, type);
	igt_assert(props);
	for (uint32_t i = 0; i < props->count_props && !id; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	igt_assert_f(id, "object %u has no property %s\n", obj, name);
	return id;
}

uint64_t dut_prop_value(int fd, uint32_t obj, uint32_t type, uint32_t prop)
{
	drmModeObjectProperties *props;
	uint64_t value = 0;

	props = drmModeObjectGetProperties(fd, obj, type);
	igt_assert(props);
	for (uint32_t i = 0; i < props->count_props; i++)
		if (props->props[i] == prop)
			value = props->prop_values[i];
	drmModeFreeObjectProperties(props);
	return value;
}

/**
 * dut_connector_debugfs_path - a file of a connector's debugfs directory
 * @fd: the DRM fd
 * @connector: the connector's id
 * @file: the file's name in the directory, e.g. "edid_override"
 * @path: where to write the path, relative to the device's debugfs
 *	directory (igt_debugfs_dir()): "<type>-<type id>/<file>", the name
 *	the DRM core gives the directory
 * @size: the size of @path
 */
void dut_connector_debugfs_path(int fd, uint32_t connector, const char *file,
				char *path, size_t size)
{
	drmModeConnector *c = drmModeGetConnector(fd, connector);

	igt_assert(c);
	snprintf(path, size, "%s-%u/%s",
		 drmModeGetConnectorTypeName(c->connector_type),
		 c->connector_type_id, file);
	drmModeFreeConnector(c);
}

/**
 * dut_output_max_bpc - what the monitor on a connector says it takes
 * @fd: the DRM fd
 * @connector: the connector's id, which must be connected
 *
 * Returns: "Maximum: N" of the connector's debugfs output_bpc (the DRM
 * core's display_info.bpc): the EDID's colour depth, 0 for a monitor that
 * says nothing.
 */
int dut_output_max_bpc(int fd, uint32_t connector)
{
	char path[128], *text, *at;
	int dir, max;

	dut_connector_debugfs_path(fd, connector, "output_bpc", path,
				   sizeof(path));
	dir = igt_debugfs_dir(fd);
	igt_assert_fd(dir);
	text = igt_sysfs_get(dir, path);
	close(dir);
	igt_assert_f(text, "no %s in debugfs\n", path);
	at = strstr(text, "Maximum: ");
	igt_assert_f(at, "no \"Maximum: \" in %s: %s\n", path, text);
	max = atoi(at + strlen("Maximum: "));
	free(text);
	return max;
}

void dut_add(drmModeAtomicReq *req, struct dut *d, uint32_t obj,
		uint32_t type, const char *name, uint64_t value)
{
	igt_assert(drmModeAtomicAddProperty(req, obj,
					    dut_prop_id(d->fd, obj, type, name),
					    value) >= 0);
}

/* A mapped @w x @h dumb buffer of @bpp bits per pixel, as a @fourcc fb. */
void dut_create_fb(struct dut *d, struct buffer *b, uint32_t w, uint32_t h,
		   uint32_t fourcc, uint32_t bpp)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};

	igt_assert_eq(drmModeCreateDumbBuffer(d->fd, w, h, bpp, 0, &b->handle,
					      &b->pitch, &b->size), 0);
	handles[0] = b->handle;
	pitches[0] = b->pitch;
	igt_assert_f(drmModeAddFB2(d->fd, w, h, fourcc, handles, pitches,
				   offsets, &b->fb_id, 0) == 0,
		     "AddFB2 %.4s %ux%u: %s\n", (const char *)&fourcc, w, h,
		     strerror(errno));
	dut_map_buffer(d, b);
}

/* Map @b's dumb buffer (handle and size set) into b->map. */
void dut_map_buffer(struct dut *d, struct buffer *b)
{
	uint64_t offset;

	igt_assert_eq(drmModeMapDumbBuffer(d->fd, b->handle, &offset), 0);
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      d->fd, offset);
	igt_assert(b->map != MAP_FAILED);
}

void dut_free_fb(struct dut *d, struct buffer *b)
{
	munmap(b->map, b->size);
	drmModeRmFB(d->fd, b->fb_id);
	drmModeDestroyDumbBuffer(d->fd, b->handle);
}

void dut_create_buffer(struct dut *d, struct buffer *b, uint32_t color)
{
	dut_create_fb(d, b, d->mode.hdisplay, d->mode.vdisplay,
		      DRM_FORMAT_XRGB8888, 32);
	for (uint64_t i = 0; i < b->size / 4; i++)
		b->map[i] = color;
}

/*
 * Show @fb_id's @sw x @sh pixels from its origin on @plane of @d's CRTC at
 * (@x, @y), scaled to @dw x @dh.
 */
void dut_add_plane(drmModeAtomicReq *req, struct dut *d, uint32_t plane,
		   uint32_t fb_id, uint32_t sw, uint32_t sh, int32_t x,
		   int32_t y, uint32_t dw, uint32_t dh)
{
	uint32_t t = DRM_MODE_OBJECT_PLANE;

	dut_add(req, d, plane, t, "FB_ID", fb_id);
	dut_add(req, d, plane, t, "CRTC_ID", d->crtc_id);
	dut_add(req, d, plane, t, "SRC_X", 0);
	dut_add(req, d, plane, t, "SRC_Y", 0);
	dut_add(req, d, plane, t, "SRC_W", (uint64_t)sw << 16);
	dut_add(req, d, plane, t, "SRC_H", (uint64_t)sh << 16);
	dut_add(req, d, plane, t, "CRTC_X", x);
	dut_add(req, d, plane, t, "CRTC_Y", y);
	dut_add(req, d, plane, t, "CRTC_W", dw);
	dut_add(req, d, plane, t, "CRTC_H", dh);
}

/* Light the first connected connector with its preferred mode. */
void dut_set_mode(struct dut *d)
{
	drmModePlaneRes *planes;
	drmModeAtomicReq *req;
	drmModeRes *res;
	int ret;

	d->connector_id = d->plane_id = 0;
	res = drmModeGetResources(d->fd);
	igt_assert(res && res->count_crtcs > 0);
	for (int i = 0; i < res->count_connectors && !d->connector_id; i++) {
		drmModeConnector *c = drmModeGetConnector(d->fd,
							  res->connectors[i]);

		if (c && c->connection == DRM_MODE_CONNECTED && c->count_modes) {
			d->connector_id = c->connector_id;
			d->mode = c->modes[0];
			for (int m = 0; m < c->count_modes; m++)
				if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED)
					d->mode = c->modes[m];
		}
		drmModeFreeConnector(c);
	}
	igt_require_f(d->connector_id, "no connected connector\n");
	d->crtc_id = res->crtcs[0];
	drmModeFreeResources(res);

	planes = drmModeGetPlaneResources(d->fd);
	igt_assert(planes);
	for (uint32_t i = 0; i < planes->count_planes && !d->plane_id; i++) {
		uint32_t id = planes->planes[i];
		uint32_t type = dut_prop_id(d->fd, id, DRM_MODE_OBJECT_PLANE, "type");

		if (dut_prop_value(d->fd, id, DRM_MODE_OBJECT_PLANE, type) ==
		    DRM_PLANE_TYPE_PRIMARY)
			d->plane_id = id;
	}
	drmModeFreePlaneResources(planes);
	igt_assert(d->plane_id);
	/* Looked up now: after unbind, this ioctl fails like every other. */
	d->fb_prop = dut_prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID");

	dut_create_buffer(d, &d->buf[0], 0xff0000ff);
	dut_create_buffer(d, &d->buf[1], 0xff00ff00);
	igt_assert_eq(drmModeCreatePropertyBlob(d->fd, &d->mode,
						sizeof(d->mode),
						&d->mode_blob), 0);

	req = drmModeAtomicAlloc();
	dut_add(req, d, d->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", d->mode_blob);
	dut_add(req, d, d->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	dut_add(req, d, d->connector_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
	    d->crtc_id);
	dut_add_plane(req, d, d->plane_id, d->buf[0].fb_id, d->mode.hdisplay,
		      d->mode.vdisplay, 0, 0, d->mode.hdisplay,
		      d->mode.vdisplay);
	ret = drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET,
				  NULL);
	drmModeAtomicFree(req);
	igt_assert_f(ret == 0, "modeset %s: %s\n", d->mode.name,
		     strerror(errno));
	d->front = 0;
}

/* The first plane of @type (DRM_PLANE_TYPE_*), or 0. */
uint32_t dut_plane_of_type(struct dut *d, uint64_t type)
{
	drmModePlaneRes *planes = drmModeGetPlaneResources(d->fd);
	uint32_t found = 0;

	igt_assert(planes);
	for (uint32_t i = 0; i < planes->count_planes && !found; i++) {
		uint32_t id = planes->planes[i];
		uint32_t prop = dut_prop_id(d->fd, id, DRM_MODE_OBJECT_PLANE,
					    "type");

		if (dut_prop_value(d->fd, id, DRM_MODE_OBJECT_PLANE, prop) == type)
			found = id;
	}
	drmModeFreePlaneResources(planes);
	return found;
}

/* The writeback connector that can take @d's CRTC, after exposing them. */
uint32_t dut_find_writeback(struct dut *d)
{
	drmModeRes *res;
	uint32_t id = 0;
	int pipe = -1;

	igt_require_f(!drmSetClientCap(d->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS,
				       1), "no writeback connectors\n");
	res = drmModeGetResources(d->fd);
	igt_assert(res);
	for (int i = 0; i < res->count_crtcs; i++)
		if (res->crtcs[i] == d->crtc_id)
			pipe = i;
	igt_assert_lte(0, pipe);
	for (int i = 0; i < res->count_connectors && !id; i++) {
		drmModeConnector *c = drmModeGetConnector(d->fd,
							  res->connectors[i]);
		drmModeEncoder *e;

		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK &&
		    c->count_encoders) {
			e = drmModeGetEncoder(d->fd, c->encoders[0]);
			if (e && e->possible_crtcs & (1u << pipe))
				id = c->connector_id;
			drmModeFreeEncoder(e);
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	igt_require_f(id, "no writeback connector for the CRTC\n");
	return id;
}

/*
 * Commit @req (which frees it) with a writeback job of @d's CRTC into @out
 * on connector @wb, and wait for the job's out-fence: the frame is in @out
 * when this returns. @what names the commit in a failure.
 */
void dut_writeback(struct dut *d, drmModeAtomicReq *req, uint32_t wb,
		   struct buffer *out, const char *what)
{
	struct pollfd pfd = { .events = POLLIN };
	int32_t fence = -1;
	int ret;

	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", d->crtc_id);
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID",
		out->fb_id);
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR,
		"WRITEBACK_OUT_FENCE_PTR", (uintptr_t)&fence);
	ret = drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET,
				  NULL);
	drmModeAtomicFree(req);
	igt_assert_f(ret == 0, "%s: commit: %s\n", what, strerror(errno));

	igt_assert_fd(fence);
	pfd.fd = fence;
	igt_assert_f(poll(&pfd, 1, 10000) == 1,
		     "%s: the writeback job did not complete in 10 s\n", what);
	close(fence);
}

/* Flip to the back buffer; 0 or -errno. */
int dut_flip(struct dut *d, uint32_t flags)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int ret;

	drmModeAtomicAddProperty(req, d->plane_id, d->fb_prop,
				 d->buf[!d->front].fb_id);
	ret = drmModeAtomicCommit(d->fd, req, flags, d);
	drmModeAtomicFree(req);
	return ret ? -errno : 0;
}

static void flip_done(int fd, unsigned int seq, unsigned int sec,
		      unsigned int usec, unsigned int crtc_id, void *user)
{
	struct dut *d = user;

	d->front = !d->front;
	d->flips++;
}

/* Wait up to @ms for an event; true if one was read. */
bool dut_wait_event(struct dut *d, int ms)
{
	drmEventContext ev = {
		.version = 3,
		.page_flip_handler2 = flip_done,
	};
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) != 1)
		return false;
	return drmHandleEvent(d->fd, &ev) == 0;
}

/* ---- What every subtest checks after the unbind ------------------------ */

void dut_assert_gone(struct dut *d)
{
	drmModeRes *res;

	igt_assert_eq(dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK), -ENODEV);
	res = drmModeGetResources(d->fd);
	igt_assert_f(!res && errno == ENODEV,
		     "GETRESOURCES on the old fd: want ENODEV, got %s\n",
		     res ? "success" : strerror(errno));
}

void dut_close(struct dut *d)
{
	for (int i = 0; i < 2; i++) {
		if (d->buf[i].map)
			igt_assert(munmap(d->buf[i].map, d->buf[i].size) == 0);
		d->buf[i].map = NULL;
	}
	if (d->fd >= 0)
		igt_assert_eq(drm_close_driver(d->fd), 0);
	d->fd = -1;
}

/* Bind again: the new device must set a mode and complete a flip. */

void dut_rebind_and_flip(struct dut *d)
{
	dut_close(d);
	dut_ensure(d);
	d->flips = 0;
	igt_assert_eq(dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK |
			   DRM_MODE_PAGE_FLIP_EVENT), 0);
	igt_assert_f(dut_wait_event(d, 2000) && d->flips == 1,
		     "no flip event within 2 s after rebind\n");
}

/*
 * Bind the device again if the test unbound it, and open it as master
 * with the atomic cap, if no fd is open yet.
 */
void dut_attach(struct dut *d)
{
	if (d->unbound) {
		dut_close(d);
		dut_bind(d);
	}
	if (d->fd >= 0)
		return;
	for (int i = 0; i < 50 && d->fd < 0; i++) {
		d->fd = open_bound_card(d);
		if (d->fd < 0)
			usleep(100000);
	}
	igt_assert_fd(d->fd);
	/* A client may have opened the new device first. */
	for (int i = 0; i < 50 && !drmIsMaster(d->fd); i++)
		if (drmSetMaster(d->fd))
			usleep(10000);
	igt_assert_f(drmIsMaster(d->fd), "cannot become DRM master\n");
	igt_assert(drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
}

/*
 * Start every subtest from a bound device with a mode set, whatever the
 * previous subtest left behind.
 */
void dut_ensure(struct dut *d)
{
	if (d->unbound || d->fd < 0) {
		dut_attach(d);
		dut_set_mode(d);
	}
}

/* EDIDs */

/**
 * dut_make_edid - an EDID 1.4 base block for a monitor of one mode
 * @e: the block
 * @t: the mode, the block's preferred detailed timing; no established or
 *	standard timings, no continuous frequency
 * @bpc: the digital input's bits a channel (6 to 16, even)
 */
void dut_make_edid(uint8_t e[128], const struct dut_timing *t, int bpc)
{
	static const uint8_t header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 0 };
	static const char name[13] = "mkms-igt\n    ";
	uint8_t *d = e + 54, sum = 0;
	int clock = t->clock_khz / 10;

	memset(e, 0, 128);
	memcpy(e, header, 8);
	e[8] = ((('M' - '@') << 2) | (('K' - '@') >> 3));
	e[9] = ((('K' - '@') & 7) << 5) | ('S' - '@');
	e[16] = 1;
	e[17] = 2026 - 1990;
	e[18] = 1;
	e[19] = 4;
	e[20] = 0x80 | (bpc / 2 - 2) << 4;	/* digital, depth */
	e[21] = 52;		/* cm */
	e[22] = 29;
	e[23] = 120;		/* gamma 2.2 */
	e[24] = 0x02;		/* preferred timing is native */
	for (int i = 38; i < 54; i++)
		e[i] = 1;	/* standard timings unused */

	d[0] = clock & 0xff;
	d[1] = clock >> 8;
	d[2] = t->h & 0xff;
	d[3] = t->hblank & 0xff;
	d[4] = (t->h >> 8) << 4 | t->hblank >> 8;
	d[5] = t->v & 0xff;
	d[6] = t->vblank & 0xff;
	d[7] = (t->v >> 8) << 4 | t->vblank >> 8;
	d[8] = t->hso & 0xff;
	d[9] = t->hsw & 0xff;
	d[10] = (t->vso & 0xf) << 4 | (t->vsw & 0xf);
	d[11] = (t->hso >> 8) << 6 | (t->hsw >> 8) << 4 |
		(t->vso >> 4) << 2 | t->vsw >> 4;
	d[12] = 520 & 0xff;	/* mm */
	d[13] = 290 & 0xff;
	d[14] = (520 >> 8) << 4 | 290 >> 8;
	d[17] = 0x1e;		/* digital separate sync, +h +v */

	d = e + 72;		/* monitor name */
	d[3] = 0xfc;
	memcpy(d + 5, name, 13);
	e[90 + 3] = 0x10;	/* dummy descriptors */
	e[108 + 3] = 0x10;

	for (int i = 0; i < 127; i++)
		sum += e[i];
	e[127] = -sum;
}
