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
 *
 * SUBTEST: unbind-out-fence
 * Description: Unbind while a commit with an out-fence is stalled; the
 *		fence signals and poll never hangs.
 *
 * SUBTEST: unbind-dmabuf
 * Description: dma-bufs exported before unbind outlive the device: they
 *		can be mapped after it, closed before or after the device fd.
 *
 * SUBTEST: unbind-debugfs-open
 * Description: A fault injection file open across unbind fails cleanly
 *		(EIO) and closes.
 *
 * SUBTEST: unbind-master-and-clients
 * Description: A master and several non-master clients with mapped
 *		buffers all see ENODEV after unbind and close in any order.
 *
 * SUBTEST: unbind-lease
 * Description: A lessee holding a lease on the pipe sees ENODEV after
 *		unbind and closes before or after its lessor.
 *
 * SUBTEST: probe-fail-%d
 * Description: Probe made to fail at step %d unwinds cleanly, and the
 *		next bind succeeds.
 *
 * SUBTEST: rebind-loop
 * Description: Unbind and bind again and again (MKMS_REBIND_CYCLES, 100 by
 *		default) while four client processes hammer the device and
 *		keep the fds of every binding they saw until the end.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ioctl.h>
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

/* The driver's module parameter directory, or -1. */
static int module_params(data_t *d)
{
	char link[PATH_MAX], path[PATH_MAX];
	ssize_t n;

	n = readlinkat(d->drv_dir, "module", link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = '\0';
	snprintf(path, sizeof(path), "/sys/module/%s/parameters",
		 strrchr(link, '/') + 1);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void set_fail_probe_step(data_t *d, int step)
{
	int dir = module_params(d);
	char buf[16];

	igt_assert_fd(dir);
	snprintf(buf, sizeof(buf), "%d", step);
	igt_assert(igt_sysfs_set(dir, MKMS_PARAM_FAIL_PROBE_STEP, buf));
	close(dir);
}

static void rebind_at_exit(int sig)
{
	int dir = module_params(&data);

	if (dir >= 0) {
		igt_sysfs_set(dir, MKMS_PARAM_FAIL_PROBE_STEP, "0");
		close(dir);
	}
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
		/* A client may have opened the new device first. */
		for (int i = 0; i < 50 && !drmIsMaster(d->fd); i++)
			if (drmSetMaster(d->fd))
				usleep(10000);
		igt_assert_f(drmIsMaster(d->fd), "cannot become DRM master\n");
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

static void test_out_fence(data_t *d)
{
	struct pollfd pfd = { .events = POLLIN };
	drmModeAtomicReq *req;
	int32_t fence = -1;

	stall_commits(d, MKMS_STALL_BEFORE_HW, STALL_MS);
	req = drmModeAtomicAlloc();
	igt_assert(drmModeAtomicAddProperty(req, d->plane_id, d->fb_prop,
					    d->buf[!d->front].fb_id) >= 0);
	add(req, d, d->crtc_id, DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR",
	    (uintptr_t)&fence);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_NONBLOCK,
					  NULL), 0);
	drmModeAtomicFree(req);
	igt_assert_fd(fence);
	wait_stalled(d);
	unbind(d);
	pfd.fd = fence;
	igt_assert_f(poll(&pfd, 1, STALL_MS + 3000) == 1,
		     "the out-fence of the stalled commit never signalled\n");
	igt_assert_eq(close(fence), 0);
}

/* Map a dma-buf, check its contents, and that @dumb_map (if any) sees a
 * write through it: both map the same pages. */
static void check_dmabuf(int prime, uint64_t size, uint32_t want,
			 uint32_t *dumb_map)
{
	uint32_t *map;

	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, prime, 0);
	igt_assert_f(map != MAP_FAILED, "mmap of a dma-buf after unbind: %s\n",
		     strerror(errno));
	igt_assert_eq_u32(map[0], want);
	igt_assert_eq_u32(map[size / 4 - 1], want);
	map[0] = ~want;
	if (dumb_map)
		igt_assert_eq_u32(dumb_map[0], ~want);
	igt_assert_eq(munmap(map, size), 0);
}

static void test_dmabuf(data_t *d)
{
	int prime[2];

	for (int i = 0; i < 2; i++)
		igt_assert_eq(drmPrimeHandleToFD(d->fd, d->buf[i].handle,
						 DRM_CLOEXEC | DRM_RDWR,
						 &prime[i]), 0);
	uint64_t size = d->buf[1].size;

	unbind(d);
	check_dmabuf(prime[0], d->buf[0].size, 0xff0000ff, d->buf[0].map);
	/* Closed before the device fd... */
	igt_assert_eq(close(prime[0]), 0);
	close_device(d);
	/* ...and after it: the dma-buf alone keeps its buffer. */
	check_dmabuf(prime[1], size, 0xff00ff00, NULL);
	igt_assert_eq(close(prime[1]), 0);
}

static void test_debugfs_open(data_t *d)
{
	int dir = igt_debugfs_dir(d->fd);
	char buf[64];
	int fd;

	igt_assert_fd(dir);
	fd = openat(dir, MKMS_DEBUGFS_STALLED, O_RDONLY);
	igt_assert_fd(fd);
	igt_assert(read(fd, buf, sizeof(buf)) > 0);
	unbind(d);
	igt_assert(lseek(fd, 0, SEEK_SET) == 0 || errno == EIO);
	igt_assert_f(read(fd, buf, sizeof(buf)) < 0 && errno == EIO,
		     "read of a removed debugfs file: want EIO\n");
	igt_assert_eq(close(fd), 0);
	igt_assert_f(faccessat(dir, MKMS_DEBUGFS_STALLED, F_OK, 0) < 0,
		     "the debugfs file is still there after unbind\n");
	close(dir);
}

static void test_master_and_clients(data_t *d)
{
	struct {
		int fd;
		uint32_t handle, pitch;
		uint64_t size;
		uint32_t *map;
	} c[3];

	for (int i = 0; i < 3; i++) {
		uint64_t offset;

		c[i].fd = __drm_open_driver(DRIVER_ANY);
		igt_assert_fd(c[i].fd);
		igt_assert(!drmIsMaster(c[i].fd));
		igt_assert_eq(drmModeCreateDumbBuffer(c[i].fd, 64, 64, 32, 0,
						      &c[i].handle, &c[i].pitch,
						      &c[i].size), 0);
		igt_assert_eq(drmModeMapDumbBuffer(c[i].fd, c[i].handle,
						   &offset), 0);
		c[i].map = mmap(NULL, c[i].size, PROT_READ | PROT_WRITE,
				MAP_SHARED, c[i].fd, offset);
		igt_assert(c[i].map != MAP_FAILED);
		c[i].map[0] = i;
	}
	unbind(d);
	assert_gone(d);
	for (int i = 0; i < 3; i++) {
		igt_assert_f(!drmModeGetResources(c[i].fd) && errno == ENODEV,
			     "client %d: want ENODEV\n", i);
		igt_assert_eq_u32(c[i].map[0], i);
	}
	/* Close in mixed order: a client, the master, the others. */
	igt_assert_eq(close(c[1].fd), 0);
	close_device(d);
	igt_assert_eq(close(c[0].fd), 0);
	igt_assert_eq(close(c[2].fd), 0);
	for (int i = 0; i < 3; i++) {
		igt_assert_eq_u32(c[i].map[0], i);
		igt_assert_eq(munmap(c[i].map, c[i].size), 0);
	}
}

static void test_lease(data_t *d, bool lessee_first)
{
	uint32_t objects[3] = { d->connector_id, d->crtc_id, d->plane_id };
	uint32_t lessee_id;
	drmModeRes *res;
	int lessee;

	lessee = drmModeCreateLease(d->fd, objects, 3, O_CLOEXEC, &lessee_id);
	igt_require_f(lessee >= 0, "leases not supported: %s\n",
		      strerror(errno));
	res = drmModeGetResources(lessee);
	igt_assert_f(res && res->count_crtcs == 1,
		     "the lessee does not see its leased CRTC\n");
	drmModeFreeResources(res);
	unbind(d);
	igt_assert_f(!drmModeGetResources(lessee) && errno == ENODEV,
		     "lessee: want ENODEV\n");
	igt_assert(drmModeRevokeLease(d->fd, lessee_id) && errno == ENODEV);
	if (lessee_first) {
		igt_assert_eq(close(lessee), 0);
		close_device(d);
	} else {
		close_device(d);
		igt_assert_eq(close(lessee), 0);
	}
}

static void test_probe_fail(data_t *d, int step)
{
	char regex[128];

	close_device(d);
	unbind(d);
	/* The driver core logs the failed probe; that is what we ask for. */
	snprintf(regex, sizeof(regex),
		 "probe with driver [a-z0-9_]+ failed with error");
	igt_emit_ignore_dmesg_regex(regex);
	set_fail_probe_step(d, step);
	igt_assert_f(!igt_sysfs_set(d->drv_dir, "bind", d->bus_addr),
		     "bind succeeded with probe made to fail at step %d\n",
		     step);
	igt_assert_f(faccessat(d->drv_dir, d->bus_addr, F_OK, 0) < 0,
		     "the device is bound after a failed probe\n");
	set_fail_probe_step(d, 0);
}

/*
 * A client process of the rebind loop: whatever binding is there, open
 * it, look at it, allocate and map a buffer, wait for a vblank, and keep
 * the fd; every error an unbound device may give is fine, a crash or a
 * hang is not.
 */
static void rebind_client(volatile bool *stop)
{
	int fds[256], n = 0;

	while (!*stop) {
		uint32_t handle, pitch;
		uint64_t size, offset;
		drmVBlank vbl = {
			.request.type = DRM_VBLANK_RELATIVE,
			.request.sequence = 1,
		};
		int fd = __drm_open_driver(DRIVER_ANY);
		drmModeRes *res;

		if (fd < 0) {
			usleep(1000);
			continue;
		}
		/* The first opener becomes master: leave that to the test. */
		drmDropMaster(fd);
		res = drmModeGetResources(fd);
		drmModeFreeResources(res);
		if (!drmModeCreateDumbBuffer(fd, 64, 64, 32, 0, &handle, &pitch,
					     &size) &&
		    !drmModeMapDumbBuffer(fd, handle, &offset)) {
			uint32_t *map = mmap(NULL, size, PROT_READ | PROT_WRITE,
					     MAP_SHARED, fd, offset);

			if (map != MAP_FAILED) {
				map[0] = n;
				igt_assert_eq_u32(map[0], n);
				munmap(map, size);
			}
		}
		drmWaitVBlank(fd, &vbl);
		if (n < (int)(sizeof(fds) / sizeof(fds[0])))
			fds[n++] = fd;
		else
			close(fd);
		usleep(5000);
	}
	while (n)
		igt_assert_eq(close(fds[--n]), 0);
}

static void test_rebind_loop(data_t *d)
{
	const char *env = getenv("MKMS_REBIND_CYCLES");
	int cycles = env ? atoi(env) : 100;
	volatile bool *stop;

	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(stop != MAP_FAILED);
	*stop = false;

	igt_fork(child, 4)
		rebind_client(stop);

	for (int i = 0; i < cycles; i++) {
		unbind(d);
		rebind_and_flip(d);
	}
	*stop = true;
	igt_waitchildren();
	munmap((void *)stop, sizeof(*stop));
	igt_info("%d unbind/bind cycles with 4 clients\n", cycles);
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

		igt_describe("dma-bufs exported before unbind outlive the device.");
		igt_subtest("unbind-dmabuf") {
			ensure_device(&data);
			test_dmabuf(&data);
			rebind_and_flip(&data);
		}

		igt_describe("A master and non-master clients all see ENODEV after unbind.");
		igt_subtest("unbind-master-and-clients") {
			ensure_device(&data);
			test_master_and_clients(&data);
			rebind_and_flip(&data);
		}

		igt_describe("A lessee holding a lease sees ENODEV after unbind.");
		igt_subtest("unbind-lease") {
			ensure_device(&data);
			test_lease(&data, true);
			rebind_and_flip(&data);
			test_lease(&data, false);
			rebind_and_flip(&data);
		}

		igt_describe("Unbind and bind again and again while four clients hammer the device.");
		igt_subtest("rebind-loop") {
			ensure_device(&data);
			test_rebind_loop(&data);
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

		igt_describe("Unbind while a commit with an out-fence is stalled.");
		igt_subtest("unbind-out-fence") {
			ensure_device(&data);
			test_out_fence(&data);
			assert_gone(&data);
			rebind_and_flip(&data);
		}

		igt_describe("A fault injection file open across unbind fails cleanly.");
		igt_subtest("unbind-debugfs-open") {
			ensure_device(&data);
			test_debugfs_open(&data);
			assert_gone(&data);
			rebind_and_flip(&data);
		}

		for (int step = 1; step <= MKMS_PROBE_STEPS; step++) {
			igt_describe("Probe made to fail at one step unwinds cleanly.");
			igt_subtest_f("probe-fail-%d", step) {
				ensure_device(&data);
				test_probe_fail(&data, step);
				rebind_and_flip(&data);
			}
		}
	}

	igt_fixture() {
		close_device(&data);
		close(data.drv_dir);
	}
}
