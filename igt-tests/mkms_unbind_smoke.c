// SPDX-License-Identifier: GPL-2.0
/*
 * mkms_unbind_smoke: the first unbind-in-the-middle-of-a-commit test.
 *
 * A client sets a mode and keeps flipping between two dumb buffers with
 * nonblocking atomic commits that ask for a page-flip event, so that a
 * flip is almost always in flight. The device is then unbound through
 * sysfs while the fd is open. Expected, in this order:
 *
 *  - the unbind write returns (no hang on the flip in flight);
 *  - the flip that was in flight completes: its event is delivered;
 *  - every later ioctl on the old fd fails with ENODEV;
 *  - the mmap'd buffer can still be read and written;
 *  - closing the fd and unmapping work;
 *  - binding again gives a device that sets a mode and flips.
 *
 * The kernel log is checked by the host after the run. The suite in
 * mkms_hotunplug makes the "in flight" part deterministic with the
 * driver's fault injection; this test proves the basic story.
 *
 * Exit status: 0 pass, 77 skip (no mkms device), 1 fail.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "mkms_shared.h"

struct buffer {
	uint32_t handle, pitch, fb_id;
	uint64_t size;
	uint32_t *map;
};

struct client {
	int fd;
	uint32_t crtc_id, connector_id, plane_id, mode_blob;
	uint32_t fb_id_prop;
	drmModeModeInfo mode;
	struct buffer buf[2];
	unsigned int front;

	/* flipper thread */
	pthread_t thread;
	volatile bool stop;
	volatile bool in_flight;
	unsigned int flips;
	int commit_errno;
	unsigned int events_after_unbind;
};

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	fputs("\n", stdout);
	va_end(ap);
	exit(1);
}

#define check(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static bool sysfs_try_write(const char *file, const char *value);

/* Set while our unbind is not undone, so that a failure still rebinds. */
static const char *unbound_dev;

static void rebind_at_exit(void)
{
	const char *dev = unbound_dev;

	if (dev) {
		unbound_dev = NULL;
		printf("rebinding %s on the way out\n", dev);
		sysfs_try_write("bind", dev);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The card node of the mkms device bound to @dev_name, or -1. */
static int open_mkms(const char *dev_name)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int fd = -1;

	dir = opendir("/sys/class/drm");
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		ssize_t n;

		if (strncmp(de->d_name, "card", 4) || strchr(de->d_name, '-'))
			continue;
		snprintf(path, sizeof(path), "/sys/class/drm/%s/device",
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strcmp(strrchr(link, '/') + 1, dev_name))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		break;
	}
	closedir(dir);
	return fd;
}

/* Write @value to the driver's sysfs @file; false (and why) on failure. */
static bool sysfs_try_write(const char *file, const char *value)
{
	char path[PATH_MAX];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", MKMS_SYSFS_DRIVER, file);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		n = write(fd, value, strlen(value));
		close(fd);
	}
	if (n != (ssize_t)strlen(value)) {
		printf("write %s to %s: %s\n", value, path, strerror(errno));
		return false;
	}
	return true;
}

static void sysfs_write(const char *file, const char *value)
{
	check(sysfs_try_write(file, value), "sysfs %s failed", file);
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props;
	uint32_t id = 0;

	props = drmModeObjectGetProperties(fd, obj, type);
	check(props, "get properties of object %u: %s", obj, strerror(errno));
	for (uint32_t i = 0; i < props->count_props && !id; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	check(id, "object %u has no property %s", obj, name);
	return id;
}

static void add(drmModeAtomicReq *req, int fd, uint32_t obj, uint32_t type,
		const char *name, uint64_t value)
{
	check(drmModeAtomicAddProperty(req, obj, prop_id(fd, obj, type, name),
				       value) >= 0, "add %s", name);
}

static void create_buffer(struct client *c, struct buffer *b, uint32_t color)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint64_t offset;
	int ret;

	ret = drmModeCreateDumbBuffer(c->fd, c->mode.hdisplay, c->mode.vdisplay,
				      32, 0, &b->handle, &b->pitch, &b->size);
	check(!ret, "create dumb buffer: %s", strerror(errno));
	handles[0] = b->handle;
	pitches[0] = b->pitch;
	ret = drmModeAddFB2(c->fd, c->mode.hdisplay, c->mode.vdisplay,
			    DRM_FORMAT_XRGB8888, handles, pitches, offsets,
			    &b->fb_id, 0);
	check(!ret, "add framebuffer: %s", strerror(errno));
	ret = drmModeMapDumbBuffer(c->fd, b->handle, &offset);
	check(!ret, "map dumb buffer: %s", strerror(errno));
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		      offset);
	check(b->map != MAP_FAILED, "mmap: %s", strerror(errno));
	for (uint64_t i = 0; i < b->size / 4; i++)
		b->map[i] = color;
}

static void setup(struct client *c)
{
	drmModeConnector *conn = NULL;
	drmModePlaneRes *planes;
	drmModeRes *res;
	drmModeAtomicReq *req;
	int ret;

	check(!drmSetClientCap(c->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) &&
	      !drmSetClientCap(c->fd, DRM_CLIENT_CAP_ATOMIC, 1),
	      "atomic client caps: %s", strerror(errno));

	res = drmModeGetResources(c->fd);
	check(res && res->count_crtcs > 0, "get resources: %s",
	      strerror(errno));
	for (int i = 0; i < res->count_connectors && !c->connector_id; i++) {
		conn = drmModeGetConnector(c->fd, res->connectors[i]);
		if (conn && conn->connection == DRM_MODE_CONNECTED &&
		    conn->count_modes) {
			c->connector_id = conn->connector_id;
			c->mode = conn->modes[0];
			for (int m = 0; m < conn->count_modes; m++)
				if (conn->modes[m].type & DRM_MODE_TYPE_PREFERRED)
					c->mode = conn->modes[m];
		}
		drmModeFreeConnector(conn);
	}
	check(c->connector_id, "no connected connector");
	c->crtc_id = res->crtcs[0];
	drmModeFreeResources(res);

	planes = drmModeGetPlaneResources(c->fd);
	check(planes, "get planes: %s", strerror(errno));
	for (uint32_t i = 0; i < planes->count_planes && !c->plane_id; i++) {
		uint32_t type = prop_id(c->fd, planes->planes[i],
					DRM_MODE_OBJECT_PLANE, "type");
		drmModeObjectProperties *props =
			drmModeObjectGetProperties(c->fd, planes->planes[i],
						   DRM_MODE_OBJECT_PLANE);

		for (uint32_t p = 0; p < props->count_props; p++)
			if (props->props[p] == type &&
			    props->prop_values[p] == DRM_PLANE_TYPE_PRIMARY)
				c->plane_id = planes->planes[i];
		drmModeFreeObjectProperties(props);
	}
	drmModeFreePlaneResources(planes);
	check(c->plane_id, "no primary plane");
	/* Looked up now: after unbind, every ioctl fails, this one too. */
	c->fb_id_prop = prop_id(c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE,
				"FB_ID");

	create_buffer(c, &c->buf[0], 0xff0000ff);
	create_buffer(c, &c->buf[1], 0xff00ff00);

	ret = drmModeCreatePropertyBlob(c->fd, &c->mode, sizeof(c->mode),
					&c->mode_blob);
	check(!ret, "mode blob: %s", strerror(errno));

	req = drmModeAtomicAlloc();
	add(req, c->fd, c->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", c->mode_blob);
	add(req, c->fd, c->crtc_id, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	add(req, c->fd, c->connector_id, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID",
	    c->crtc_id);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "FB_ID",
	    c->buf[0].fb_id);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_ID",
	    c->crtc_id);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_X", 0);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_Y", 0);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_W",
	    (uint64_t)c->mode.hdisplay << 16);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "SRC_H",
	    (uint64_t)c->mode.vdisplay << 16);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_X", 0);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_Y", 0);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_W",
	    c->mode.hdisplay);
	add(req, c->fd, c->plane_id, DRM_MODE_OBJECT_PLANE, "CRTC_H",
	    c->mode.vdisplay);
	ret = drmModeAtomicCommit(c->fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET,
				  NULL);
	drmModeAtomicFree(req);
	check(!ret, "modeset %s: %s", c->mode.name, strerror(errno));
	c->front = 0;
}

/* Queue a nonblocking flip to the back buffer; returns 0 or -errno. */
static int flip(struct client *c)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int ret;

	drmModeAtomicAddProperty(req, c->plane_id, c->fb_id_prop,
				 c->buf[!c->front].fb_id);
	ret = drmModeAtomicCommit(c->fd, req,
				  DRM_MODE_ATOMIC_NONBLOCK |
				  DRM_MODE_PAGE_FLIP_EVENT, c);
	drmModeAtomicFree(req);
	return ret ? -errno : 0;
}

static void flip_done(int fd, unsigned int seq, unsigned int sec,
		      unsigned int usec, unsigned int crtc_id, void *data)
{
	struct client *c = data;

	c->front = !c->front;
	c->flips++;
	c->in_flight = false;
}

/* Wait up to @ms for one event; true if one was handled. */
static bool wait_event(struct client *c, int ms)
{
	drmEventContext ev = {
		.version = 3,
		.page_flip_handler2 = flip_done,
	};
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) != 1)
		return false;
	return drmHandleEvent(c->fd, &ev) == 0;
}

/* Flip back and forth, always with one flip queued, until told to stop. */
static void *flipper(void *data)
{
	struct client *c = data;
	int ret;

	while (!c->stop) {
		c->in_flight = true;
		ret = flip(c);
		if (ret) {
			c->in_flight = false;
			c->commit_errno = -ret;
			break;
		}
		while (c->in_flight && !c->stop)
			wait_event(c, 100);
	}
	return NULL;
}

int main(void)
{
	const char *dev_name = "mkms.0";
	struct client c = {};
	bool pending_at_unbind;
	double t0, unbind_s;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	atexit(rebind_at_exit);
	c.fd = open_mkms(dev_name);
	if (c.fd < 0) {
		printf("SKIP: no mkms device %s\n", dev_name);
		return 77;
	}
	setup(&c);
	printf("mode %s set on CRTC %u\n", c.mode.name, c.crtc_id);

	check(!pthread_create(&c.thread, NULL, flipper, &c), "thread");
	t0 = now_s();
	while (c.flips < 20 && now_s() - t0 < 20)
		usleep(10000);
	check(c.flips >= 20, "only %u flips completed in 20 s", c.flips);
	printf("%u flips completed before unbind\n", c.flips);

	/* Unbind while the flipper has a flip queued. */
	while (!c.in_flight)
		usleep(100);
	pending_at_unbind = c.in_flight;
	t0 = now_s();
	sysfs_write("unbind", dev_name);
	unbind_s = now_s() - t0;
	unbound_dev = dev_name;
	printf("unbind returned after %.3f s, flip %s at unbind\n", unbind_s,
	       pending_at_unbind ? "in flight" : "not in flight");

	/* The flipper must notice: its next commit fails, or its wait ends. */
	t0 = now_s();
	while (!c.commit_errno && now_s() - t0 < 5)
		usleep(10000);
	c.stop = true;
	pthread_join(c.thread, NULL);
	check(c.commit_errno == ENODEV,
	      "commit after unbind: want ENODEV, got %s",
	      c.commit_errno ? strerror(c.commit_errno) : "success");
	check(!c.in_flight, "the flip in flight at unbind never completed");

	ret = flip(&c);
	check(ret == -ENODEV, "atomic commit on the old fd: want ENODEV, got %s",
	      strerror(-ret));
	check(!drmModeGetResources(c.fd) && errno == ENODEV,
	      "GETRESOURCES on the old fd: want ENODEV, got %s",
	      strerror(errno));
	check(!wait_event(&c, 200), "an event arrived with nothing in flight");

	for (int i = 0; i < 2; i++) {
		uint32_t want = i ? 0xff00ff00 : 0xff0000ff;

		check(c.buf[i].map[0] == want &&
		      c.buf[i].map[c.buf[i].size / 4 - 1] == want,
		      "buffer %d: mapping does not read back after unbind", i);
		c.buf[i].map[0] = 0x12345678;
		check(c.buf[i].map[0] == 0x12345678,
		      "buffer %d: mapping not writable after unbind", i);
	}
	printf("old fd: ioctls fail with ENODEV, mappings still valid\n");

	check(!close(c.fd), "close the old fd: %s", strerror(errno));
	for (int i = 0; i < 2; i++)
		check(!munmap(c.buf[i].map, c.buf[i].size), "munmap: %s",
		      strerror(errno));

	/* Rebind: a fresh device must set a mode and flip. */
	sysfs_write("bind", dev_name);
	unbound_dev = NULL;
	for (int i = 0; i < 50 && (c.fd = open_mkms(dev_name)) < 0; i++)
		usleep(100000);
	check(c.fd >= 0, "no mkms card after rebind");
	memset(c.buf, 0, sizeof(c.buf));
	c.connector_id = c.plane_id = 0;
	setup(&c);
	c.flips = 0;
	check(!flip(&c), "flip after rebind: %s", strerror(errno));
	check(wait_event(&c, 2000) && c.flips == 1,
	      "no flip event within 2 s after rebind");
	close(c.fd);
	printf("rebind: mode set and flip completed\nPASS\n");
	return 0;
}
