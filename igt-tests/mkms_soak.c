// SPDX-License-Identifier: GPL-2.0
/*
 * The soak test: many unbind/bind cycles of a KMS device while client
 * processes do valid work on it, then the slab counts and the kernel log.
 *
 * The test is the DRM master. In each binding it leases one CRTC, with
 * its planes, its connector and its writeback connector, to each of
 * MKMS_SOAK_CLIENTS (4) client processes, which then do random valid
 * work on their lease: modesets (and the CRTC off again), page flips,
 * overlay plane moves, cursor updates, writeback jobs and CRC reads.
 * Each valid request must succeed for as long as the device is bound;
 * once it is gone every ioctl must fail with ENODEV. After every client
 * has done some work the test unbinds the device, with requests of the
 * clients in flight, waits until each client has seen ENODEV and binds
 * again. The clients keep the fd and the mapped buffers of the binding
 * before, writing to them, until the next one is gone.
 *
 * SUBTEST: cycles
 * Description: MKMS_SOAK_CYCLES (10 by default) unbind/bind cycles with
 *		MKMS_SOAK_CLIENTS client processes, each doing random valid
 *		commits on its own lease of a CRTC (seeded by
 *		MKMS_SOAK_SEED); fails on a request that fails while the
 *		device is bound, an ioctl on an unbound device that does not
 *		fail with ENODEV, a flip event, writeback fence or CRC that
 *		does not come or signals an error, a kernel message of
 *		warning level or worse, or a slab cache that grew by 128
 *		objects or more in each half of the run. Reports cycles per
 *		second.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <linux/sync_file.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_debugfs.h"
#include "dut.h"

IGT_TEST_DESCRIPTION("Unbind and bind a KMS device many times while lessees commit");

#define MAX_CLIENTS	8
#define MAX_MODES	6
/*
 * The largest mode a client uses: the emulator's time goes into the
 * pixels of every buffer a client fills and every frame it writes back.
 */
#define MAX_W		1024
#define MAX_H		768
/* Seconds a client may take for one request before the test calls it a hang */
#define WAIT_S		10

/* What a client does, by weight */
enum op {
	OP_MODESET, OP_OFF, OP_FLIP, OP_PLANE, OP_CURSOR, OP_WRITEBACK, OP_CRC,
	NUM_OPS
};

static const struct {
	const char *name;
	unsigned int weight;
} ops[NUM_OPS] = {
	[OP_MODESET]	= { "modeset", 2 },
	[OP_OFF]	= { "off", 1 },
	[OP_FLIP]	= { "flip", 8 },
	[OP_PLANE]	= { "plane", 4 },
	[OP_CURSOR]	= { "cursor", 3 },
	[OP_WRITEBACK]	= { "writeback", 2 },
	[OP_CRC]	= { "crc", 1 },
};

/**
 * struct shared - what the test and its clients share (an anonymous
 * shared mapping)
 * @done: requests a client completed in the current binding
 * @gone: the last binding in which a client saw ENODEV
 * @count: completed requests of each kind, per client, in all bindings
 */
struct shared {
	unsigned int done[MAX_CLIENTS];
	unsigned int gone[MAX_CLIENTS];
	unsigned long count[MAX_CLIENTS][NUM_OPS];
};

/**
 * struct lease_msg - the test's message to a client
 * @binding: the binding the lease belongs to, from 1; 0 tells the client
 *	     to close everything and exit
 * @pipe: index of the leased CRTC in the device (its debugfs crtc-N)
 */
struct lease_msg {
	unsigned int binding, pipe;
};

struct plane_props {
	uint32_t id;
	uint32_t fb, crtc, src_x, src_y, src_w, src_h;
	uint32_t crtc_x, crtc_y, crtc_w, crtc_h;
};

/**
 * struct client - a client's view of one binding: its lease and buffers
 * @fd: the lessee fd, or -1
 * @binding: the binding it belongs to
 * @pipe: the leased CRTC's index in the device
 * @crtc: the leased CRTC and its MODE_ID and ACTIVE properties
 * @conn: the leased connector and its CRTC_ID property
 * @wb: the writeback connector and its properties
 * @primary: the CRTC's primary plane
 * @overlay: its first overlay plane (id 0 if none)
 * @modes: the connector's modes the client uses, @nmodes of them
 * @mode: the mode on, or -1 while the CRTC is off
 * @mode_blob: the blob of @mode
 * @fb: the two buffers the primary plane flips between, @front on screen
 * @ovl: the overlay plane's buffer
 * @cursor: a 64x64 cursor (a dumb buffer handle, no fb)
 */
struct client {
	int fd;
	unsigned int binding, pipe;
	uint32_t crtc, mode_id, active;
	uint32_t conn, conn_crtc;
	uint32_t wb, wb_crtc, wb_fb, wb_fence;
	struct plane_props primary, overlay;
	drmModeModeInfo modes[MAX_MODES];
	int nmodes, mode;
	uint32_t mode_blob;
	struct buffer fb[2], ovl, cursor;
	unsigned int front;
};

/* Where a cycle's time goes: seconds in each phase, summed over cycles */
enum phase { PH_BIND, PH_LEASE, PH_WORK, PH_UNBIND, PH_ENODEV, NUM_PHASES };

static const char *const phase_names[NUM_PHASES] = {
	"bind and open", "leases", "clients' work", "unbind", "ENODEV seen",
};

static double phase_secs[NUM_PHASES];

static struct dut data = DUT_INIT;
static struct shared *sh;
static unsigned int nclients = 4;
static unsigned long seed = 1;

/* ---- Helpers -------------------------------------------------------------- */

static unsigned int below(uint64_t *state, unsigned int n)
{
	return dut_splitmix(state) % n;
}

static unsigned long env_ulong(const char *name, unsigned long def,
			       unsigned long min, unsigned long max)
{
	const char *s = getenv(name);
	unsigned long v;
	char *end;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoul(s, &end, 0);
	igt_assert_f(!errno && !*end && v >= min && v <= max,
		     "%s=%s: want a number from %lu to %lu\n", name, s, min, max);
	return v;
}

/* True if @fd's device is gone: any ioctl then fails with ENODEV. */
static bool gone(int fd)
{
	uint64_t v;

	return drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &v) && errno == ENODEV;
}

/*
 * The result of a request of client @c: 0 if it succeeded (@ret 0), -ENODEV
 * if it failed because the device is gone; any other failure fails the
 * client, naming the request.
 */
static int __attribute__((format(printf, 3, 4)))
check(struct client *c, int ret, const char *fmt, ...)
{
	int err = errno;
	char what[128];
	va_list ap;

	if (!ret)
		return 0;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/*
	 * drm_ioctl() checks for the unplug on entry only: a request that
	 * was under way when the unbind began can fail the DRM core's own
	 * checks on what the unplug changed (a writeback job on a CRTC that
	 * the driver's shutdown just turned off is EINVAL) before the
	 * driver sees it. Such a failure is accepted only if the device is
	 * gone right after it.
	 */
	if (err != ENODEV && gone(c->fd)) {
		igt_info("client on pipe %u, binding %u: %s raced the unbind: %s\n",
			 c->pipe, c->binding, what, strerror(err));
		return -ENODEV;
	}
	igt_assert_f(err == ENODEV, "client on pipe %u, binding %u: %s: %s\n",
		     c->pipe, c->binding, what, strerror(err));
	return -ENODEV;
}

/* ---- A client's binding ------------------------------------------------------ */

static int prop_ids(struct client *c, uint32_t obj, uint32_t type,
		    const char *const *names, uint32_t *ids, int n)
{
	drmModeObjectProperties *props;

	props = drmModeObjectGetProperties(c->fd, obj, type);
	if (check(c, !props, "properties of object %u", obj))
		return -ENODEV;
	for (int i = 0; i < n; i++)
		ids[i] = 0;
	for (uint32_t p = 0; p < props->count_props; p++) {
		drmModePropertyRes *prop = drmModeGetProperty(c->fd,
							      props->props[p]);
		int ret = check(c, !prop, "property %u", props->props[p]);

		if (ret) {
			drmModeFreeObjectProperties(props);
			return ret;
		}
		for (int i = 0; i < n; i++)
			if (!strcmp(prop->name, names[i]))
				ids[i] = prop->prop_id;
		drmModeFreeProperty(prop);
	}
	drmModeFreeObjectProperties(props);
	for (int i = 0; i < n; i++)
		igt_assert_f(ids[i], "object %u has no property %s\n", obj,
			     names[i]);
	return 0;
}

static int plane_props(struct client *c, struct plane_props *p)
{
	static const char *const names[] = {
		"FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H",
		"CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H",
	};

	return prop_ids(c, p->id, DRM_MODE_OBJECT_PLANE, names, &p->fb,
			ARRAY_SIZE(names));
}

/* The value of plane @id's "type" property. */
static int plane_type(struct client *c, uint32_t id, uint64_t *type)
{
	static const char *const names[] = { "type" };
	drmModeObjectProperties *props;
	uint32_t prop;

	if (prop_ids(c, id, DRM_MODE_OBJECT_PLANE, names, &prop, 1))
		return -ENODEV;
	props = drmModeObjectGetProperties(c->fd, id, DRM_MODE_OBJECT_PLANE);
	if (check(c, !props, "properties of plane %u", id))
		return -ENODEV;
	for (uint32_t i = 0; i < props->count_props; i++)
		if (props->props[i] == prop)
			*type = props->prop_values[i];
	drmModeFreeObjectProperties(props);
	return 0;
}

/* A mapped dumb buffer filled with @color, and an fb of it if @fourcc. */
static int make_buffer(struct client *c, struct buffer *b, uint32_t w,
		       uint32_t h, uint32_t fourcc, uint32_t color)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint64_t offset;
	int ret;

	ret = drmModeCreateDumbBuffer(c->fd, w, h, 32, 0, &b->handle,
				      &b->pitch, &b->size);
	if (check(c, ret, "dumb %ux%u", w, h))
		return -ENODEV;
	if (fourcc) {
		handles[0] = b->handle;
		pitches[0] = b->pitch;
		ret = drmModeAddFB2(c->fd, w, h, fourcc, handles, pitches,
				    offsets, &b->fb_id, 0);
		if (check(c, ret, "addfb %ux%u", w, h))
			return -ENODEV;
	}
	if (check(c, drmModeMapDumbBuffer(c->fd, b->handle, &offset), "map dumb"))
		return -ENODEV;
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->fd, offset);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return check(c, -1, "mmap %ux%u", w, h);
	}
	for (uint64_t i = 0; i < b->size / 4; i++)
		b->map[i] = color;
	return 0;
}

/* The client's objects in its lease: a lessee sees only those. */
static int setup(struct client *c)
{
	static const char *const crtc_names[] = { "MODE_ID", "ACTIVE" };
	static const char *const wb_names[] = {
		"CRTC_ID", "WRITEBACK_FB_ID", "WRITEBACK_OUT_FENCE_PTR",
	};
	static const char *const conn_names[] = { "CRTC_ID" };
	uint32_t maxw = 0, maxh = 0;
	drmModePlaneRes *planes;
	drmModeRes *res;
	int ret;

	if (check(c, drmSetClientCap(c->fd, DRM_CLIENT_CAP_ATOMIC, 1), "atomic cap"))
		return -ENODEV;
	ret = drmSetClientCap(c->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1);
	if (check(c, ret, "writeback cap"))
		return -ENODEV;
	res = drmModeGetResources(c->fd);
	if (check(c, !res, "resources"))
		return -ENODEV;
	igt_assert_f(res->count_crtcs == 1,
		     "the lessee sees %d CRTCs, not its one\n", res->count_crtcs);
	c->crtc = res->crtcs[0];
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnector *conn = drmModeGetConnector(c->fd,
							     res->connectors[i]);

		ret = check(c, !conn, "connector %u", res->connectors[i]);
		if (ret) {
			drmModeFreeResources(res);
			return ret;
		}
		if (conn->connector_type == DRM_MODE_CONNECTOR_WRITEBACK) {
			c->wb = conn->connector_id;
		} else if (conn->connection == DRM_MODE_CONNECTED) {
			c->conn = conn->connector_id;
			for (int m = 0; m < conn->count_modes &&
			     c->nmodes < MAX_MODES; m++) {
				drmModeModeInfo *mode = &conn->modes[m];

				if (mode->hdisplay > MAX_W || mode->vdisplay > MAX_H)
					continue;
				c->modes[c->nmodes++] = *mode;
				maxw = mode->hdisplay > maxw ? mode->hdisplay : maxw;
				maxh = mode->vdisplay > maxh ? mode->vdisplay : maxh;
			}
		}
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	igt_assert_f(c->conn && c->nmodes, "no connected connector in the lease\n");
	igt_assert_f(c->wb, "no writeback connector in the lease\n");

	planes = drmModeGetPlaneResources(c->fd);
	if (check(c, !planes, "plane resources"))
		return -ENODEV;
	for (uint32_t i = 0; i < planes->count_planes; i++) {
		uint32_t id = planes->planes[i];
		uint64_t t = 0;

		ret = plane_type(c, id, &t);
		if (ret) {
			drmModeFreePlaneResources(planes);
			return ret;
		}
		if (t == DRM_PLANE_TYPE_PRIMARY)
			c->primary.id = id;
		else if (t == DRM_PLANE_TYPE_OVERLAY && !c->overlay.id)
			c->overlay.id = id;
	}
	drmModeFreePlaneResources(planes);
	igt_assert_f(c->primary.id, "no primary plane in the lease\n");

	if (prop_ids(c, c->crtc, DRM_MODE_OBJECT_CRTC, crtc_names,
		     &c->mode_id, 2))
		return -ENODEV;
	if (prop_ids(c, c->conn, DRM_MODE_OBJECT_CONNECTOR, conn_names,
		     &c->conn_crtc, 1))
		return -ENODEV;
	if (prop_ids(c, c->wb, DRM_MODE_OBJECT_CONNECTOR, wb_names,
		     &c->wb_crtc, 3))
		return -ENODEV;
	if (plane_props(c, &c->primary))
		return -ENODEV;
	if (c->overlay.id)
		if (plane_props(c, &c->overlay))
			return -ENODEV;

	if (make_buffer(c, &c->fb[0], maxw, maxh, DRM_FORMAT_XRGB8888,
			0xff0000ff))
		return -ENODEV;
	if (make_buffer(c, &c->fb[1], maxw, maxh, DRM_FORMAT_XRGB8888,
			0xff00ff00))
		return -ENODEV;
	if (make_buffer(c, &c->ovl, 256, 256, DRM_FORMAT_ARGB8888,
			0x80ff8000))
		return -ENODEV;
	if (make_buffer(c, &c->cursor, 64, 64, 0, 0xc0ffffff))
		return -ENODEV;
	c->mode = -1;
	return 0;
}

static void unmap(struct buffer *b)
{
	if (b->map)
		igt_assert(munmap(b->map, b->size) == 0);
	b->map = NULL;
}

/* Close a binding's fd and unmap its buffers. */
static void release(struct client *c)
{
	if (c->fd < 0)
		return;
	for (unsigned int i = 0; i < 2; i++)
		unmap(&c->fb[i]);
	unmap(&c->ovl);
	unmap(&c->cursor);
	igt_assert_eq(close(c->fd), 0);
	c->fd = -1;
}

/*
 * After the unbind: the buffers stay mapped and writable, and stay so
 * until the next binding is gone too. Then the binding before goes.
 */
static void keep(struct client *c, struct client *old)
{
	struct buffer *bufs[] = { &c->fb[0], &c->fb[1], &c->ovl, &c->cursor };

	for (unsigned int i = 0; i < ARRAY_SIZE(bufs); i++) {
		if (!bufs[i]->map)
			continue;
		bufs[i]->map[0] = c->binding;
		igt_assert_eq_u32(bufs[i]->map[0], c->binding);
	}
	release(old);
	*old = *c;
}

/* ---- A client's requests -------------------------------------------------------- */

static void add(drmModeAtomicReq *req, uint32_t obj, uint32_t prop,
		uint64_t value)
{
	igt_assert(drmModeAtomicAddProperty(req, obj, prop, value) >= 0);
}

static void add_plane(drmModeAtomicReq *req, struct client *c,
		      struct plane_props *p, struct buffer *b, uint32_t sw,
		      uint32_t sh, int32_t x, int32_t y, uint32_t w, uint32_t h)
{
	add(req, p->id, p->fb, b ? b->fb_id : 0);
	add(req, p->id, p->crtc, b ? c->crtc : 0);
	add(req, p->id, p->src_x, 0);
	add(req, p->id, p->src_y, 0);
	add(req, p->id, p->src_w, b ? (uint64_t)sw << 16 : 0);
	add(req, p->id, p->src_h, b ? (uint64_t)sh << 16 : 0);
	add(req, p->id, p->crtc_x, b ? x : 0);
	add(req, p->id, p->crtc_y, b ? y : 0);
	add(req, p->id, p->crtc_w, b ? w : 0);
	add(req, p->id, p->crtc_h, b ? h : 0);
}

static int atomic_commit(struct client *c, drmModeAtomicReq *req,
			 uint32_t flags, const char *what)
{
	int ret = drmModeAtomicCommit(c->fd, req, flags, c);
	int err = errno;

	drmModeAtomicFree(req);
	errno = err;
	return check(c, ret, "%s commit", what);
}

/* A new mode, or the CRTC on again with its planes: a blocking modeset. */
static int op_modeset(struct client *c, uint64_t *rng)
{
	int m = below(rng, c->nmodes);
	drmModeModeInfo *mode = &c->modes[m];
	drmModeAtomicReq *req;
	uint32_t blob, old = c->mode_blob;
	int ret;

	ret = drmModeCreatePropertyBlob(c->fd, mode, sizeof(*mode), &blob);
	if (check(c, ret, "mode blob"))
		return -ENODEV;
	req = drmModeAtomicAlloc();
	add(req, c->crtc, c->mode_id, blob);
	add(req, c->crtc, c->active, 1);
	add(req, c->conn, c->conn_crtc, c->crtc);
	add_plane(req, c, &c->primary, &c->fb[c->front], mode->hdisplay,
		  mode->vdisplay, 0, 0, mode->hdisplay, mode->vdisplay);
	c->mode_blob = blob;
	if (atomic_commit(c, req, DRM_MODE_ATOMIC_ALLOW_MODESET, "modeset"))
		return -ENODEV;
	c->mode = m;
	ret = old ? drmModeDestroyPropertyBlob(c->fd, old) : 0;
	return check(c, ret, "destroy blob");
}

/* Everything off: CRTC, connectors, planes (the cursor's too). */
static int op_off(struct client *c)
{
	drmModeAtomicReq *req;

	if (check(c, drmModeSetCursor(c->fd, c->crtc, 0, 0, 0), "cursor off"))
		return -ENODEV;
	req = drmModeAtomicAlloc();
	add(req, c->crtc, c->mode_id, 0);
	add(req, c->crtc, c->active, 0);
	add(req, c->conn, c->conn_crtc, 0);
	add(req, c->wb, c->wb_crtc, 0);
	add_plane(req, c, &c->primary, NULL, 0, 0, 0, 0, 0, 0);
	if (c->overlay.id)
		add_plane(req, c, &c->overlay, NULL, 0, 0, 0, 0, 0, 0);
	if (atomic_commit(c, req, DRM_MODE_ATOMIC_ALLOW_MODESET, "off"))
		return -ENODEV;
	c->mode = -1;
	return 0;
}

static void flip_done(int fd, unsigned int seq, unsigned int sec,
		      unsigned int usec, unsigned int crtc_id, void *user)
{
	struct client *c = user;

	c->front = !c->front;
}

/*
 * Wait for the flip's event: 0 once it came, -ENODEV if the device went
 * before it did (a pending event may be dropped then).
 */
static int wait_flip(struct client *c)
{
	drmEventContext ev = {
		.version = 3,
		.page_flip_handler2 = flip_done,
	};
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	double end = dut_now() + WAIT_S;
	unsigned int front = c->front;

	while (c->front == front) {
		int n = poll(&pfd, 1, 100);

		if (n == 1) {
			if (check(c, drmHandleEvent(c->fd, &ev), "read event"))
				return -ENODEV;
			continue;
		}
		if (gone(c->fd))
			return -ENODEV;
		igt_assert_f(dut_now() < end,
			     "client on pipe %u, binding %u: no flip event in %d s\n",
			     c->pipe, c->binding, WAIT_S);
	}
	return 0;
}

/* Draw into the back buffer and flip to it, atomic or legacy. */
static int op_flip(struct client *c, uint64_t *rng)
{
	struct buffer *back = &c->fb[!c->front];
	uint32_t row = below(rng, c->modes[c->mode].vdisplay);
	int ret;

	for (uint32_t x = 0; x < back->pitch / 4; x++)
		back->map[row * back->pitch / 4 + x] = dut_splitmix(rng);
	if (below(rng, 4)) {
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		add(req, c->primary.id, c->primary.fb, back->fb_id);
		if (atomic_commit(c, req, DRM_MODE_ATOMIC_NONBLOCK |
				  DRM_MODE_PAGE_FLIP_EVENT, "flip"))
			return -ENODEV;
	} else {
		ret = drmModePageFlip(c->fd, c->crtc, back->fb_id,
				      DRM_MODE_PAGE_FLIP_EVENT, c);
		if (check(c, ret, "legacy flip"))
			return -ENODEV;
	}
	return wait_flip(c);
}

/* Move the overlay, partly off screen at times, or take it down. */
static int op_plane(struct client *c, uint64_t *rng)
{
	drmModeModeInfo *mode = &c->modes[c->mode];
	uint32_t w = 16 + below(rng, 241), h = 16 + below(rng, 241);
	int32_t x = (int32_t)below(rng, mode->hdisplay + w) - (int32_t)w / 2;
	int32_t y = (int32_t)below(rng, mode->vdisplay + h) - (int32_t)h / 2;
	drmModeAtomicReq *req;

	if (!c->overlay.id)
		return 0;
	req = drmModeAtomicAlloc();
	if (below(rng, 5))
		add_plane(req, c, &c->overlay, &c->ovl, w, h, x, y, w, h);
	else
		add_plane(req, c, &c->overlay, NULL, 0, 0, 0, 0, 0, 0);
	return atomic_commit(c, req, 0, "overlay");
}

/* Show the cursor and move it about, or hide it. */
static int op_cursor(struct client *c, uint64_t *rng)
{
	drmModeModeInfo *mode = &c->modes[c->mode];
	int ret;

	if (!below(rng, 6)) {
		ret = drmModeSetCursor(c->fd, c->crtc, 0, 0, 0);
		return check(c, ret, "hide cursor");
	}
	ret = drmModeSetCursor(c->fd, c->crtc, c->cursor.handle, 64, 64);
	if (check(c, ret, "set cursor"))
		return -ENODEV;
	for (int i = 0, n = 1 + below(rng, 4); i < n; i++) {
		int x = (int)below(rng, mode->hdisplay + 64) - 32;
		int y = (int)below(rng, mode->vdisplay + 64) - 32;

		ret = drmModeMoveCursor(c->fd, c->crtc, x, y);
		if (check(c, ret, "move cursor"))
			return -ENODEV;
	}
	return 0;
}

/*
 * A writeback job of the CRTC's output into a buffer of the mode's size.
 * Its out-fence signals, also when the device goes in the middle; while
 * the device is bound it signals without an error, and the frame is in
 * the buffer: the primary plane covers the CRTC with pixels that are not
 * black, so no pixel of it may be black.
 */
static int op_writeback(struct client *c)
{
	drmModeModeInfo *mode = &c->modes[c->mode];
	struct pollfd pfd = { .events = POLLIN };
	struct sync_file_info info = {};
	struct buffer out = {};
	drmModeAtomicReq *req;
	int32_t fence = -1;
	unsigned int black = 0;
	int ret;

	ret = make_buffer(c, &out, mode->hdisplay, mode->vdisplay,
			  DRM_FORMAT_XRGB8888, 0);
	if (ret) {
		unmap(&out);
		return ret;
	}
	req = drmModeAtomicAlloc();
	add(req, c->wb, c->wb_crtc, c->crtc);
	add(req, c->wb, c->wb_fb, out.fb_id);
	add(req, c->wb, c->wb_fence, (uintptr_t)&fence);
	ret = atomic_commit(c, req, DRM_MODE_ATOMIC_ALLOW_MODESET, "writeback");
	if (!ret) {
		igt_assert_fd(fence);
		pfd.fd = fence;
		igt_assert_f(poll(&pfd, 1, WAIT_S * 1000) == 1,
			     "client on pipe %u, binding %u: writeback fence not signalled in %d s\n",
			     c->pipe, c->binding, WAIT_S);
		igt_assert_eq(ioctl(fence, SYNC_IOC_FILE_INFO, &info), 0);
		close(fence);
		/* 64 pixels down the buffer's diagonal */
		for (uint64_t i = 0; i < 64; i++) {
			uint64_t y = i * mode->vdisplay / 64;
			uint64_t x = i * mode->hdisplay / 64;

			black += !(out.map[y * out.pitch / 4 + x] & 0xffffff);
		}
		/* Checked last: the device goes before a job is cancelled. */
		igt_assert_f((info.status == 1 && !black) || gone(c->fd),
			     "client on pipe %u, binding %u: writeback fence status %d, %u of 64 pixels black\n",
			     c->pipe, c->binding, info.status, black);
	}
	unmap(&out);
	if (!ret)
		ret = check(c, drmModeRmFB(c->fd, out.fb_id), "rmfb");
	if (!ret)
		ret = check(c, drmModeDestroyDumbBuffer(c->fd, out.handle),
			    "destroy dumb");
	return ret;
}

/* A debugfs access failed: fine once the device is gone, not before. */
static int debugfs_failed(struct client *c, const char *what)
{
	int err = errno;

	if (gone(c->fd))
		return -ENODEV;
	igt_assert_f(0, "client on pipe %u, binding %u: %s: %s\n", c->pipe,
		     c->binding, what, strerror(err));
	return 0;
}

/* Read one CRC of the CRTC through debugfs. */
static int op_crc(struct client *c)
{
	struct pollfd pfd = { .events = POLLIN };
	double end = dut_now() + WAIT_S;
	int dir, ctl, fd, ret = 0;
	char path[64], buf[128];

	dir = igt_debugfs_dir(c->fd);
	if (dir < 0)
		return debugfs_failed(c, "debugfs directory");
	snprintf(path, sizeof(path), "crtc-%u/crc/control", c->pipe);
	ctl = openat(dir, path, O_WRONLY);
	if (ctl >= 0) {
		ssize_t w = write(ctl, "auto", 4);

		if (w != 4) {
			if (w >= 0)
				errno = EIO;	/* a short write */
			close(ctl);
			ctl = -1;
		}
	}
	if (ctl < 0) {
		ret = debugfs_failed(c, path);
		goto out;
	}
	snprintf(path, sizeof(path), "crtc-%u/crc/data", c->pipe);
	fd = openat(dir, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		ret = debugfs_failed(c, path);
		goto out;
	}
	pfd.fd = fd;
	for (;;) {
		ssize_t n;

		if (poll(&pfd, 1, 100) == 1) {
			n = read(fd, buf, sizeof(buf));
			if (n > 0)
				break;
			if (n < 0 && errno != EAGAIN) {
				ret = debugfs_failed(c, path);
				break;
			}
		}
		if (gone(c->fd)) {
			ret = -ENODEV;
			break;
		}
		igt_assert_f(dut_now() < end,
			     "client on pipe %u, binding %u: no CRC in %d s\n",
			     c->pipe, c->binding, WAIT_S);
	}
	close(fd);
out:
	if (ctl >= 0)
		close(ctl);
	close(dir);
	return ret;
}

static enum op pick(uint64_t *rng)
{
	unsigned int total = 0, r;

	for (int i = 0; i < NUM_OPS; i++)
		total += ops[i].weight;
	r = below(rng, total);
	for (int i = 0; i < NUM_OPS; i++) {
		if (r < ops[i].weight)
			return i;
		r -= ops[i].weight;
	}
	return OP_FLIP;
}

/* Random valid requests until the device goes. */
static void work(struct client *c, int idx, uint64_t *rng)
{
	int ret = setup(c);

	while (!ret) {
		enum op op = pick(rng);

		/* Everything but a modeset wants the CRTC on first. */
		if (c->mode < 0 && op != OP_MODESET) {
			ret = op_modeset(c, rng);
			if (ret)
				break;
			if (op == OP_OFF)
				continue;
		}
		switch (op) {
		case OP_MODESET:
			ret = op_modeset(c, rng);
			break;
		case OP_OFF:
			ret = op_off(c);
			break;
		case OP_FLIP:
			ret = op_flip(c, rng);
			break;
		case OP_PLANE:
			ret = op_plane(c, rng);
			break;
		case OP_CURSOR:
			ret = op_cursor(c, rng);
			break;
		case OP_WRITEBACK:
			ret = op_writeback(c);
			break;
		case OP_CRC:
			ret = op_crc(c);
			break;
		default:
			igt_assert(0);
		}
		if (!ret) {
			sh->count[idx][op]++;
			__atomic_add_fetch(&sh->done[idx], 1, __ATOMIC_RELEASE);
		}
	}
	/* Gone: every ioctl says so from now on. */
	igt_assert_f(gone(c->fd), "client on pipe %u: ENODEV, then not\n",
		     c->pipe);
}

static int recv_lease(int sock, struct lease_msg *msg)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &mh, 0) != sizeof(*msg) || !msg->binding)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	igt_assert_f(fd >= 0, "a lease message without its fd\n");
	return fd;
}

/* A client process: a lease per binding, until told to stop. */
static void client(int sock, int idx, unsigned int first)
{
	struct client old = { .fd = -1 };
	uint64_t rng = (seed * 0x100000001b3ull + first) * MAX_CLIENTS + idx;
	struct lease_msg msg;
	int fd;

	while ((fd = recv_lease(sock, &msg)) >= 0) {
		struct client c = { .fd = fd, .binding = msg.binding,
				    .pipe = msg.pipe };

		work(&c, idx, &rng);
		keep(&c, &old);
		__atomic_store_n(&sh->gone[idx], msg.binding, __ATOMIC_RELEASE);
	}
	release(&old);
}

/* ---- The test: the master, the lessor --------------------------------------- */

/* The objects of pipe @pipe: CRTC, its connectors and planes. */
static int lease_objects(struct dut *d, drmModeRes *res, drmModePlaneRes *pl,
			 int pipe, uint32_t *objs)
{
	int n = 0;

	objs[n++] = res->crtcs[pipe];
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnector *conn;
		drmModeEncoder *enc;

		/* Its encoder is all it takes: no probe of the modes */
		conn = drmModeGetConnectorCurrent(d->fd, res->connectors[i]);

		igt_assert(conn && conn->count_encoders);
		enc = drmModeGetEncoder(d->fd, conn->encoders[0]);
		igt_assert(enc);
		/* Each connector of mkms has one encoder with one CRTC. */
		if (enc->possible_crtcs == 1u << pipe)
			objs[n++] = conn->connector_id;
		drmModeFreeEncoder(enc);
		drmModeFreeConnector(conn);
	}
	for (uint32_t i = 0; i < pl->count_planes; i++) {
		drmModePlane *p = drmModeGetPlane(d->fd, pl->planes[i]);

		igt_assert(p);
		if (p->possible_crtcs == 1u << pipe)
			objs[n++] = p->plane_id;
		drmModeFreePlane(p);
	}
	return n;
}

static void send_lease(int sock, const struct lease_msg *msg, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = sizeof(*msg) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct cmsghdr *cm;

	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	}
	igt_assert_eq(sendmsg(sock, &mh, 0), (ssize_t)sizeof(*msg));
}

/* Lease each client its pipe of the device just bound. */
static void lease_all(struct dut *d, int *socks, unsigned int binding)
{
	uint32_t objs[64];
	drmModePlaneRes *pl;
	drmModeRes *res;

	igt_assert_eq(drmSetClientCap(d->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS,
				      1), 0);
	res = drmModeGetResources(d->fd);
	pl = drmModeGetPlaneResources(d->fd);
	igt_assert(res && pl);
	for (unsigned int i = 0; i < nclients; i++) {
		struct lease_msg msg = { .binding = binding, .pipe = i };
		uint32_t lessee;
		int n = lease_objects(d, res, pl, i, objs), fd;

		fd = drmModeCreateLease(d->fd, objs, n, O_CLOEXEC, &lessee);
		igt_assert_f(fd >= 0, "lease of pipe %u: %s\n", i, strerror(errno));
		send_lease(socks[i], &msg, fd);
		close(fd);
	}
	drmModeFreePlaneResources(pl);
	drmModeFreeResources(res);
}

/*
 * Wait until every client's @field reaches @want; a client that exits
 * (its socket hangs up) or a wait of more than @secs fails the test.
 */
static void wait_clients(int *socks, unsigned int *field, unsigned int want,
			 int secs, const char *what)
{
	double end = dut_now() + secs;

	for (unsigned int i = 0; i < nclients; i++) {
		while (__atomic_load_n(&field[i], __ATOMIC_ACQUIRE) < want) {
			struct pollfd pfd = { .fd = socks[i], .events = 0 };

			/* Its failure is in the log; the harness reaps it. */
			igt_assert_f(poll(&pfd, 1, 0) != 1 ||
				     !(pfd.revents & POLLHUP),
				     "client %u exited\n", i);
			igt_assert_f(dut_now() < end,
				     "client %u: %s not in %d s\n", i, what, secs);
			usleep(2000);
		}
	}
}

/* Any kernel message of warning level or worse fails the cycle. */
static void check_kmsg(int kmsg, unsigned int cycle)
{
	char buf[8192];
	const char *msg = dut_kmsg_warning(kmsg, buf, sizeof(buf));

	igt_assert_f(!msg, "cycle %u: kernel: %s", cycle, msg);
}

/* @cycles unbind/bind cycles with fresh clients, which exit at the end. */
static void run_cycles(struct dut *d, unsigned int cycles, unsigned int *binding,
		       int kmsg)
{
	int socks[MAX_CLIENTS], pair[2];
	uint64_t rng = seed + *binding;

	for (unsigned int i = 0; i < nclients; i++) {
		igt_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
					 0, pair), 0);
		igt_fork(child, 1) {
			/* Not the master's fd: it goes when the test closes it. */
			close(d->fd);
			close(kmsg);
			for (unsigned int j = 0; j < i; j++)
				close(socks[j]);
			close(pair[0]);
			client(pair[1], i, *binding + 1);
		}
		close(pair[1]);
		socks[i] = pair[0];
	}

	for (unsigned int cycle = 0; cycle < cycles; cycle++) {
		unsigned int b = ++*binding;
		double t[NUM_PHASES + 1];

		igt_set_timeout(300, "an unbind/bind cycle");
		t[PH_BIND] = dut_now();
		dut_attach(d);
		for (unsigned int i = 0; i < nclients; i++)
			__atomic_store_n(&sh->done[i], 0, __ATOMIC_RELEASE);
		t[PH_LEASE] = dut_now();
		lease_all(d, socks, b);
		/* Some work of every client, then the unbind in the middle of more */
		t[PH_WORK] = dut_now();
		wait_clients(socks, sh->done, 1 + below(&rng, 8), 120, "work");
		usleep(below(&rng, 50000));
		t[PH_UNBIND] = dut_now();
		igt_assert_f(igt_sysfs_set(d->drv_dir, "unbind", d->bus_addr),
			     "unbind %s: %s\n", d->bus_addr, strerror(errno));
		d->unbound = true;
		t[PH_ENODEV] = dut_now();
		wait_clients(socks, sh->gone, b, 60, "ENODEV");
		t[NUM_PHASES] = dut_now();
		for (int ph = 0; ph < NUM_PHASES; ph++)
			phase_secs[ph] += t[ph + 1] - t[ph];
		check_kmsg(kmsg, *binding);
		dut_close(d);
		igt_reset_timeout();
		if ((cycle + 1) % 100 == 0)
			igt_info("%u of %u cycles\n", cycle + 1, cycles);
	}
	igt_set_timeout(300, "the clients' exit and the bind after it");
	for (unsigned int i = 0; i < nclients; i++) {
		struct lease_msg stop = {};

		send_lease(socks[i], &stop, -1);
	}
	igt_waitchildren();
	for (unsigned int i = 0; i < nclients; i++)
		close(socks[i]);
	dut_attach(d);
	igt_reset_timeout();
	check_kmsg(kmsg, *binding);
}

/* ---- Slab counts ---------------------------------------------------------- */

#define MAX_CACHES	2048
/*
 * Growth in each half of the run that makes a leak (see compare_slabs()):
 * above the noise, as kmalloc-128 moves by up to 80 objects between two
 * counts with nothing leaking (frees RCU still defers).
 */
#define SLAB_FLOOR	128

struct slabs {
	int n;
	struct {
		char name[64];
		long active;
	} cache[MAX_CACHES];
};

/*
 * Active objects per slab cache, once the freed ones are back: caches
 * dropped, and each cache shrunk, which also empties KASAN's quarantine
 * of it.
 */
static void read_slabs(struct slabs *s)
{
	char line[512], path[PATH_MAX], name[64];
	long active;
	FILE *f;

	sync();
	igt_assert(igt_sysfs_set(AT_FDCWD, "/proc/sys/vm/drop_caches", "3"));
	sleep(2);	/* RCU-deferred frees */
	f = fopen("/proc/slabinfo", "r");
	igt_require_f(f, "no /proc/slabinfo: %s\n", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s", name) == 1 && name[0] != '#' &&
		    strcmp(name, "slabinfo")) {
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
				 name);
			igt_sysfs_set(AT_FDCWD, path, "1");
		}
	}
	rewind(f);
	s->n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld", name, &active) != 2 ||
		    name[0] == '#')
			continue;
		igt_assert_f(s->n < MAX_CACHES, "more than %d slab caches\n",
			     MAX_CACHES);
		snprintf(s->cache[s->n].name, sizeof(s->cache[0].name), "%s",
			 name);
		s->cache[s->n++].active = active;
	}
	fclose(f);
}

/*
 * The debugging tools' own caches: DEBUG_OBJECTS keeps the objects it
 * frees in its pool (allocated, so active) and refills the pool ahead of
 * use, and kmemleak has an object per allocation of every other cache.
 * What leaks shows in the leaked object's own cache.
 */
static bool tool_cache(const char *name)
{
	return !strcmp(name, "debug_objects_cache") ||
	       !strncmp(name, "kmemleak_", 9);
}

static long slab_active(const struct slabs *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->cache[i].name, name))
			return s->cache[i].active;
	return 0;	/* a cache made during the run */
}

/*
 * The slab counts at the start, half-way and at the end, each taken with
 * the clients gone and the device bound. A cache that grew by
 * SLAB_FLOOR objects or more in both halves fails the test: growth that
 * goes on, not the one-off growth of a cache warming up.
 */
static void compare_slabs(const struct slabs s[3], unsigned int cycles)
{
	const char *worst_name = "-";
	long worst = 0;
	bool leak = false;

	for (int i = 0; i < s[2].n; i++) {
		const char *name = s[2].cache[i].name;
		long a = slab_active(&s[0], name), b = slab_active(&s[1], name);
		long c = s[2].cache[i].active;

		if (tool_cache(name))
			continue;
		if (c - a >= 8)
			igt_info("slab %s: %ld, %ld, %ld objects\n", name, a, b, c);
		if (c - a > worst) {
			worst = c - a;
			worst_name = name;
		}
		if (b - a >= SLAB_FLOOR && c - b >= SLAB_FLOOR) {
			igt_warn("slab %s grew in both halves of the run: %ld, %ld, %ld objects\n",
				 name, a, b, c);
			leak = true;
		}
	}
	igt_info("largest slab growth over %u cycles: %ld objects (%s)\n",
		 cycles, worst, worst_name);
	igt_assert_f(!leak, "slab caches grow cycle after cycle: a leak\n");
}

/* Bind the device again if a failure left it unbound. */
static void rebind_at_exit(int sig)
{
	if (data.unbound)
		igt_sysfs_set(data.drv_dir, "bind", data.bus_addr);
}

static void test_cycles(struct dut *d)
{
	unsigned int cycles = env_ulong("MKMS_SOAK_CYCLES", 10, 2, 1000000);
	static struct slabs slabs[3];
	unsigned int binding = 0;
	unsigned long total = 0;
	unsigned long counts[NUM_OPS] = {};
	double secs = 0;
	drmModeRes *res;
	int kmsg;

	nclients = env_ulong("MKMS_SOAK_CLIENTS", 4, 1, MAX_CLIENTS);
	seed = env_ulong("MKMS_SOAK_SEED", 1, 0, ULONG_MAX);
	igt_info("seed %lu, %u cycles, %u clients\n", seed, cycles, nclients);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(sh != MAP_FAILED);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	igt_require_f(kmsg >= 0, "no /dev/kmsg: %s\n", strerror(errno));
	lseek(kmsg, 0, SEEK_END);
	res = drmModeGetResources(d->fd);
	igt_assert(res);
	igt_require_f(res->count_crtcs >= (int)nclients,
		      "%u clients need as many CRTCs, the device has %d (mkms: num_crtcs=%u)\n",
		      nclients, res->count_crtcs, nclients);
	drmModeFreeResources(res);

	/* A first cycle warms what every binding allocates once. */
	run_cycles(d, 1, &binding, kmsg);
	read_slabs(&slabs[0]);
	for (int half = 0; half < 2; half++) {
		unsigned int n = half ? cycles - cycles / 2 : cycles / 2;
		double t0 = dut_now();

		memset(sh, 0, sizeof(*sh));
		run_cycles(d, n, &binding, kmsg);
		secs += dut_now() - t0;
		for (unsigned int i = 0; i < nclients; i++)
			for (int op = 0; op < NUM_OPS; op++)
				counts[op] += sh->count[i][op];
		read_slabs(&slabs[half + 1]);
	}

	for (int op = 0; op < NUM_OPS; op++) {
		igt_info("%-10s %8lu\n", ops[op].name, counts[op]);
		total += counts[op];
	}
	igt_info("%u cycles in %.1f s: %.2f cycles/s, %lu requests (%.1f per cycle)\n",
		 cycles, secs, cycles / secs, total, (double)total / cycles);
	for (int ph = 0; ph < NUM_PHASES; ph++)
		igt_info("  %-14s %6.3f s per cycle\n", phase_names[ph],
			 phase_secs[ph] / (cycles + 1));
	compare_slabs(slabs, cycles);
	check_kmsg(kmsg, binding);
	close(kmsg);
	munmap(sh, sizeof(*sh));
}

int igt_main()
{
	igt_fixture() {
		dut_open(&data);
		dut_find_driver(&data);
		igt_install_exit_handler(rebind_at_exit);
	}

	igt_describe("Unbind/bind cycles while lessees do random valid commits.");
	igt_subtest("cycles")
		test_cycles(&data);

	igt_fixture()
		dut_close(&data);
}
