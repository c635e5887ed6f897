// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: mkms hotunplug
 * Description: Unbind a KMS driver from its device while userspace holds
 *		fds open and commits are in flight, and check that nothing is
 *		lost, nothing hangs, and a rebind gives a working device.
 *		The "in flight" part is made deterministic with mkms's fault
 *		injection (include/mkms_shared.h); drivers without it run the
 *		subtests that do not need it.
 *
 * SUBTEST: unbind-idle
 * Description: Set a mode, stay idle, unbind; the old fd gets ENODEV.
 *
 * SUBTEST: unbind-blocking-commit
 * Description: Unbind while a blocking commit is stalled in the commit
 *		tail; both the commit and the unbind return.
 *
 * SUBTEST: unbind-nonblocking-commit-event
 * Description: Unbind while a nonblocking flip that asked for an event
 *		is stalled; the event is delivered.
 *
 * SUBTEST: unbind-vblank-wait
 * Description: Unbind while another thread waits for a vblank that does
 *		not come; the wait returns.
 *
 * SUBTEST: unbind-mmap
 * Description: Dumb buffers mapped before unbind can still be read and
 *		written after it, and unmapped after close.
 *
 * SUBTEST: unbind-during-flips
 * Description: Unbind while a client keeps a page flip in flight; the flip
 *		completes and later ioctls fail with ENODEV.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "mkms_shared.h"

IGT_TEST_DESCRIPTION("Unbind a KMS driver with fds open and commits in flight");

#define STALL_MS 1500

struct buffer {
	uint32_t handle, pitch, fb_id;
	uint64_t size;
	uint32_t *map;
};

typedef struct {
	int fd;			/* master fd of the device under test */
	int drv_dir;		/* sysfs directory of its driver */
	char bus_addr[NAME_MAX];
	uint32_t crtc_id, connector_id, plane_id, mode_blob, fb_prop;
	drmModeModeInfo mode;
	struct buffer buf[2];
	unsigned int front, flips;
	bool unbound;
} data_t;

static data_t data = { .fd = -1, .drv_dir = -1 };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- The device and its driver in sysfs ------------------------------ */

static void open_device(data_t *d)
{
	d->fd = drm_open_driver_master(DRIVER_ANY);
	igt_require(drmSetClientCap(d->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0);
	igt_require(drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
}

/* Find the device's bus address and its driver's bind/unbind directory. */
static void find_driver(data_t *d)
{
	char link[PATH_MAX];
	int sysfs, dev;
	ssize_t n;

	sysfs = igt_sysfs_open(d->fd);
	igt_assert_fd(sysfs);
	dev = openat(sysfs, "device", O_RDONLY | O_DIRECTORY);
	igt_assert_fd(dev);
	n = readlinkat(sysfs, "device", link, sizeof(link) - 1);
	igt_assert(n > 0);
	link[n] = '\0';
	snprintf(d->bus_addr, sizeof(d->bus_addr), "%s", strrchr(link, '/') + 1);
	d->drv_dir = openat(dev, "driver", O_RDONLY | O_DIRECTORY);
	close(dev);
	close(sysfs);
	igt_require_f(d->drv_dir >= 0 && !faccessat(d->drv_dir, "unbind", W_OK, 0),
		      "%s has no driver to unbind from\n", d->bus_addr);
}

static void unbind(data_t *d)
{
	double t0 = now_s();

	igt_assert_f(igt_sysfs_set(d->drv_dir, "unbind", d->bus_addr),
		     "unbind %s: %s\n", d->bus_addr, strerror(errno));
	d->unbound = true;
	igt_info("unbind of %s returned after %.3f s\n", d->bus_addr,
		 now_s() - t0);
}

static void bind(data_t *d)
{
	igt_assert_f(igt_sysfs_set(d->drv_dir, "bind", d->bus_addr),
		     "bind %s: %s\n", d->bus_addr, strerror(errno));
	d->unbound = false;
}

static void rebind_at_exit(int sig)
{
	if (data.unbound)
		igt_sysfs_set(data.drv_dir, "bind", data.bus_addr);
}

/* ---- Fault injection ---------------------------------------------------- */

static bool has_fault_injection(data_t *d)
{
	int dir = igt_debugfs_dir(d->fd);
	bool has = dir >= 0 && !faccessat(dir, MKMS_DEBUGFS_STALL_POINT, W_OK, 0);

	if (dir >= 0)
		close(dir);
	return has;
}

static void knob_set(data_t *d, const char *knob, const char *value)
{
	int dir = igt_debugfs_dir(d->fd);

	igt_assert_fd(dir);
	igt_assert_f(igt_sysfs_set(dir, knob, value), "set %s to %s: %s\n",
		     knob, value, strerror(errno));
	close(dir);
}

static void stall_commits(data_t *d, const char *point, int ms)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", ms);
	knob_set(d, MKMS_DEBUGFS_STALL_MS, buf);
	knob_set(d, MKMS_DEBUGFS_STALL_POINT, point);
}

/* Wait until a commit sits at the stall point. */
static void wait_stalled(data_t *d)
{
	int dir = igt_debugfs_dir(d->fd);
	double t0 = now_s();
	int stalled = 0, reached;
	char *s;

	igt_assert_fd(dir);
	while (now_s() - t0 < 10) {
		s = igt_sysfs_get(dir, MKMS_DEBUGFS_STALLED);
		igt_assert(s && sscanf(s, "%d %d", &stalled, &reached) == 2);
		free(s);
		if (stalled)
			break;
		usleep(1000);
	}
	close(dir);
	igt_assert_f(stalled, "no commit reached the stall point in 10 s\n");
}

/* ---- Display ------------------------------------------------------------ */

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
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

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, uint32_t prop)
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

static void add(drmModeAtomicReq *req, data_t *d, uint32_t obj,
		uint32_t type, const char *name, uint64_t value)
{
	igt_assert(drmModeAtomicAddProperty(req, obj,
					    prop_id(d->fd, obj, type, name),
					    value) >= 0);
}

static void create_buffer(data_t *d, struct buffer *b, uint32_t color)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint64_t offset;

	igt_assert_eq(drmModeCreateDumbBuffer(d->fd, d->mode.hdisplay,
					      d->mode.vdisplay, 32, 0,
					      &b->handle, &b->pitch,
					      &b->size), 0);
	handles[0] = b->handle;
	pitches[0] = b->pitch;
	igt_assert_eq(drmModeAddFB2(d->fd, d->mode.hdisplay, d->mode.vdisplay,
				    DRM_FORMAT_XRGB8888, handles, pitches,
				    offsets, &b->fb_id, 0), 0);
	igt_assert_eq(drmModeMapDumbBuffer(d->fd, b->handle, &offset), 0);
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      d->fd, offset);
	igt_assert(b->map != MAP_FAILED);
	for (uint64_t i = 0; i < b->size / 4; i++)
		b->map[i] = color;
}

/* Light the first connected connector with its preferred mode. */
static void set_mode(data_t *d)
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
		uint32_t type = prop_id(d->fd, id, DRM_MODE_OBJECT_PLANE, "type");

		if (prop_value(d->fd, id, DRM_MODE_OBJECT_PLANE, type) ==
		    DRM_PLANE_TYPE_PRIMARY)
			d->plane_id = id;
	}
	drmModeFreePlaneResources(planes);
	igt_assert(d->plane_id);
	/* Looked up now: after unbind, this ioctl fails like every other. */
	d->fb_prop = prop_id(d->fd, d->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID");

	create_buffer(d, &d->buf[0], 0xff0000ff);
	create_buffer(d, &d->buf[1], 0xff00ff00);
	igt_assert_eq(drmModeCreatePropertyBlob(d->fd, &d->mode,
						sizeof(d->mode),
						&d->mode_blob), 0);

	req = drmModeAtomicAlloc();
	add(req, d, d->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", d->mode_blob);
	add(req, d, d->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	add(req, d, d->connector_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
	    d->crtc_id);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID", d->buf[0].fb_id);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID", d->crtc_id);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_X", 0);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_Y", 0);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_W",
	    (uint64_t)d->mode.hdisplay << 16);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_H",
	    (uint64_t)d->mode.vdisplay << 16);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_X", 0);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_Y", 0);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_W",
	    d->mode.hdisplay);
	add(req, d, d->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_H",
	    d->mode.vdisplay);
	ret = drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET,
				  NULL);
	drmModeAtomicFree(req);
	igt_assert_f(ret == 0, "modeset %s: %s\n", d->mode.name,
		     strerror(errno));
	d->front = 0;
}

/* Flip to the back buffer; 0 or -errno. */
static int flip(data_t *d, uint32_t flags)
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
	data_t *d = user;

	d->front = !d->front;
	d->flips++;
}

/* Wait up to @ms for an event; true if one was read. */
static bool wait_event(data_t *d, int ms)
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

static void assert_gone(data_t *d)
{
	drmModeRes *res;

	igt_assert_eq(flip(d, DRM_MODE_ATOMIC_NONBLOCK), -ENODEV);
	res = drmModeGetResources(d->fd);
	igt_assert_f(!res && errno == ENODEV,
		     "GETRESOURCES on the old fd: want ENODEV, got %s\n",
		     res ? "success" : strerror(errno));
}

static void close_device(data_t *d)
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
static void ensure_device(data_t *d);

static void rebind_and_flip(data_t *d)
{
	close_device(d);
	ensure_device(d);
	d->flips = 0;
	igt_assert_eq(flip(d, DRM_MODE_ATOMIC_NONBLOCK |
			   DRM_MODE_PAGE_FLIP_EVENT), 0);
	igt_assert_f(wait_event(d, 2000) && d->flips == 1,
		     "no flip event within 2 s after rebind\n");
}

/*
 * Start every subtest from a bound device with a mode set, whatever the
 * previous subtest left behind.
 */
static void ensure_device(data_t *d)
{
	if (d->unbound) {
		close_device(d);
		bind(d);
	}
	if (d->fd < 0) {
		for (int i = 0; i < 50 && d->fd < 0; i++) {
			d->fd = __drm_open_driver(DRIVER_ANY);
			if (d->fd < 0)
				usleep(100000);
		}
		igt_assert_fd(d->fd);
		igt_assert(drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
		set_mode(d);
	}
}

/* ---- Subtests ----------------------------------------------------------- */

static void *blocking_commit(void *arg)
{
	data_t *d = arg;

	return (void *)(intptr_t)flip(d, 0);
}

static void test_blocking_commit(data_t *d)
{
	pthread_t thread;
	void *ret;

	stall_commits(d, MKMS_STALL_BEFORE_HW, STALL_MS);
	igt_assert(pthread_create(&thread, NULL, blocking_commit, d) == 0);
	wait_stalled(d);
	unbind(d);
	igt_assert(pthread_join(thread, &ret) == 0);
	igt_assert_f((intptr_t)ret == 0 || (intptr_t)ret == -ENODEV,
		     "the stalled blocking commit returned %s\n",
		     strerror(-(intptr_t)ret));
}

static void test_nonblocking_event(data_t *d)
{
	double t0;

	stall_commits(d, MKMS_STALL_BEFORE_HW, STALL_MS);
	d->flips = 0;
	igt_assert_eq(flip(d, DRM_MODE_ATOMIC_NONBLOCK |
			   DRM_MODE_PAGE_FLIP_EVENT), 0);
	wait_stalled(d);
	unbind(d);
	/* The flip completes (with hardware or without): its event comes. */
	t0 = now_s();
	igt_assert_f(wait_event(d, STALL_MS + 3000) && d->flips == 1,
		     "the stalled flip's event never came\n");
	igt_info("event delivered %.3f s after unbind\n", now_s() - t0);
	igt_assert_f(!wait_event(d, 100), "a second event arrived\n");
}

static void *vblank_waiter(void *arg)
{
	data_t *d = arg;
	drmVBlank vbl = {
		.request.type = DRM_VBLANK_RELATIVE,
		.request.sequence = 1,
	};

	return (void *)(intptr_t)(drmWaitVBlank(d->fd, &vbl) ? -errno : 0);
}

static void test_vblank_wait(data_t *d)
{
	pthread_t thread;
	void *ret;

	knob_set(d, MKMS_DEBUGFS_VBLANK_STOP, "1");
	igt_assert(pthread_create(&thread, NULL, vblank_waiter, d) == 0);
	usleep(200000);	/* let it block: no vblank will come */
	unbind(d);
	igt_assert(pthread_join(thread, &ret) == 0);
	igt_info("the vblank wait returned %s\n", strerror(-(intptr_t)ret));
}

static void test_mmap(data_t *d)
{
	uint32_t want[2] = { 0xff0000ff, 0xff00ff00 };

	unbind(d);
	for (int i = 0; i < 2; i++) {
		struct buffer *b = &d->buf[i];

		igt_assert_eq_u32(b->map[0], want[i]);
		igt_assert_eq_u32(b->map[b->size / 4 - 1], want[i]);
		b->map[0] = 0x12345678;
		igt_assert_eq_u32(b->map[0], 0x12345678);
	}
	/* Close first: the mappings must outlive the fd too. */
	igt_assert_eq(drm_close_driver(d->fd), 0);
	d->fd = -1;
	for (int i = 0; i < 2; i++) {
		igt_assert_eq_u32(d->buf[i].map[0], 0x12345678);
		igt_assert_eq_u32(d->buf[i].map[1], want[i]);
	}
}

static void *flipper(void *arg)
{
	data_t *d = arg;
	int ret;

	/* One flip always queued, until the device is gone. */
	for (;;) {
		unsigned int flips = d->flips;

		ret = flip(d, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT);
		if (ret)
			return (void *)(intptr_t)ret;
		while (d->flips == flips)
			if (!wait_event(d, 5000))
				return (void *)(intptr_t)-ETIMEDOUT;
	}
}

static void test_during_flips(data_t *d)
{
	pthread_t thread;
	double t0 = now_s();
	void *ret;

	d->flips = 0;
	igt_assert(pthread_create(&thread, NULL, flipper, d) == 0);
	while (d->flips < 10 && now_s() - t0 < 20)
		usleep(10000);
	igt_assert_f(d->flips >= 10, "only %u flips in 20 s\n", d->flips);
	unbind(d);
	igt_assert(pthread_join(thread, &ret) == 0);
	igt_assert_f((intptr_t)ret == -ENODEV,
		     "the flipper stopped with %s, want ENODEV\n",
		     strerror(-(intptr_t)ret));
}

int igt_main()
{
	igt_fixture() {
		open_device(&data);
		find_driver(&data);
		igt_install_exit_handler(rebind_at_exit);
	}

	igt_subtest_group() {
		igt_fixture()
			set_mode(&data);

		igt_describe("Set a mode, stay idle, unbind; the old fd gets ENODEV.");
		igt_subtest("unbind-idle") {
			ensure_device(&data);
			unbind(&data);
			assert_gone(&data);
			rebind_and_flip(&data);
		}

		igt_describe("Dumb buffers mapped before unbind can still be read and written after it.");
		igt_subtest("unbind-mmap") {
			ensure_device(&data);
			test_mmap(&data);
			rebind_and_flip(&data);
		}

		igt_describe("Unbind while a client keeps a page flip in flight.");
		igt_subtest("unbind-during-flips") {
			ensure_device(&data);
			test_during_flips(&data);
			assert_gone(&data);
			rebind_and_flip(&data);
		}
	}

	igt_subtest_group() {
		igt_fixture()
			igt_require_f(has_fault_injection(&data),
				      "the driver has no mkms fault injection\n");

		igt_describe("Unbind while a blocking commit is stalled in the commit tail.");
		igt_subtest("unbind-blocking-commit") {
			ensure_device(&data);
			test_blocking_commit(&data);
			assert_gone(&data);
			rebind_and_flip(&data);
		}

		igt_describe("Unbind while a nonblocking flip with an event is stalled.");
		igt_subtest("unbind-nonblocking-commit-event") {
			ensure_device(&data);
			test_nonblocking_event(&data);
			assert_gone(&data);
			rebind_and_flip(&data);
		}

		igt_describe("Unbind while another thread waits for a vblank that does not come.");
		igt_subtest("unbind-vblank-wait") {
			ensure_device(&data);
			test_vblank_wait(&data);
			assert_gone(&data);
			rebind_and_flip(&data);
		}
	}

	igt_fixture() {
		close_device(&data);
		close(data.drv_dir);
	}
}
