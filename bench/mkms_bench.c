// SPDX-License-Identifier: GPL-2.0
/*
 * mkms_bench: the measurements of `make bench` (scripts/bench.sh), taken
 * in the guest on mkms and on vkms loaded side by side, alternating the
 * drivers round by round so that a change in the host's speed hits both.
 *
 *   mkms_bench compose [-f FRAMES] [-s WxH,...]  commit to writeback fence
 *   mkms_bench memcpy [-s WxH,...]               the memory copy limit
 *   mkms_bench vblank [-f FRAMES] [-r HZ,...]    flip events and their spacing
 *   mkms_bench unbind [-n RUNS]                  unbind with and without a commit
 *   mkms_bench scale [-n RUNS] [-d N,...]        probe, unbind, memory of N devices
 *
 * Each measurement is printed as one JSON object per line on stdout;
 * scripts/bench.py gathers them into bench/results.json and the table.
 * Progress and errors go to stderr. Times are CLOCK_MONOTONIC, the clock
 * of DRM's event timestamps and of dma-fence signal times.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_CARDS	64
#define SYSFS_MKMS	"/sys/bus/platform/drivers/mkms"
#define CURSOR_SIZE	64

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkms_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkms_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- Statistics -------------------------------------------------------- */

struct samples {
	double *v;
	unsigned int n, cap;
};

static void add(struct samples *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of the sorted @v. */
static double pct(const double *v, unsigned int n, double p)
{
	unsigned int i = (unsigned int)ceil(p / 100.0 * n);

	return v[i ? i - 1 : 0];
}

/* "NAME":{"n":..,"median":..,"p99":..,"mean":..,"stddev":..,"min":..,"max":..} */
static void print_stats(const char *name, struct samples *s)
{
	double sum = 0, sq = 0, mean;
	double *v;
	unsigned int i;

	if (!s->n) {
		printf("\"%s\":null", name);
		return;
	}
	v = malloc(s->n * sizeof(*v));
	if (!v)
		die("out of memory");
	memcpy(v, s->v, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_double);
	for (i = 0; i < s->n; i++)
		sum += v[i];
	mean = sum / s->n;
	for (i = 0; i < s->n; i++)
		sq += (v[i] - mean) * (v[i] - mean);
	printf("\"%s\":{\"n\":%u,\"median\":%.4f,\"p99\":%.4f,\"mean\":%.4f,"
	       "\"stddev\":%.4f,\"min\":%.4f,\"max\":%.4f}",
	       name, s->n, pct(v, s->n, 50), pct(v, s->n, 99), mean,
	       s->n > 1 ? sqrt(sq / (s->n - 1)) : 0.0, v[0], v[s->n - 1]);
	free(v);
}

static void reset(struct samples *s)
{
	s->n = 0;
}

/* ---- Sysfs ------------------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("write '%s' to %s: %s", text, path, strerror(errno));
	close(fd);
}

/* Time the write of @dev to the mkms driver's @what (bind or unbind). */
static double sysfs_bind(const char *what, const char *dev)
{
	char path[128];
	double t0;

	snprintf(path, sizeof(path), SYSFS_MKMS "/%s", what);
	t0 = now_ms();
	write_file(path, dev);
	return now_ms() - t0;
}

/* The kB figure of @key in /proc/meminfo. */
static long meminfo(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

/* ---- Cards --------------------------------------------------------------- */

enum { P_FB_ID, P_CRTC_ID, P_SRC_X, P_SRC_Y, P_SRC_W, P_SRC_H,
       P_CRTC_X, P_CRTC_Y, P_CRTC_W, P_CRTC_H, P_NUM };

static const char *const plane_prop_names[P_NUM] = {
	"FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H",
	"CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H",
};

struct plane {
	uint32_t id;
	uint32_t prop[P_NUM];
};

struct fb {
	uint32_t id, handle, width, height, pitch;
	size_t size;
	void *map;
};

/**
 * struct card - one driver's device, its first pipe and its buffers
 * @name: the DRM driver's name
 * @dev: the platform device's name (mkms.0), for sysfs bind/unbind
 */
struct card {
	char name[32];
	char dev[256];
	int fd;
	uint32_t crtc, crtc_active, crtc_mode_id, mode_blob;
	uint32_t conn, conn_crtc;
	uint32_t wb, wb_crtc, wb_fb, wb_fence;
	struct plane primary, overlay, cursor;
	struct fb fb[2], ovl, cur, out;
};

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props;
	uint32_t id = 0;
	unsigned int i;

	props = drmModeObjectGetProperties(fd, obj, type);
	for (i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type,
			   const char *name)
{
	drmModeObjectPropertiesPtr props;
	uint64_t v = 0;
	unsigned int i;

	props = drmModeObjectGetProperties(fd, obj, type);
	for (i = 0; props && i < props->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			v = props->prop_values[i];
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return v;
}

/* The card's platform device name from /sys/class/drm/cardN/device. */
static void card_dev(int minor, char *dev, size_t len)
{
	char path[64], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/drm/card%d/device", minor);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		snprintf(dev, len, "?");
		return;
	}
	link[n] = '\0';
	snprintf(dev, len, "%s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
}

/* Open every card of driver @name, at most @max, in minor order. */
static int open_cards(const char *name, struct card *cards, int max)
{
	int minor, found = 0;

	for (minor = 0; minor < MAX_CARDS && found < max; minor++) {
		char path[32];
		drmVersionPtr v;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (!v || strcmp(v->name, name)) {
			drmFreeVersion(v);
			close(fd);
			continue;
		}
		drmFreeVersion(v);
		memset(&cards[found], 0, sizeof(cards[found]));
		snprintf(cards[found].name, sizeof(cards[found].name), "%s", name);
		card_dev(minor, cards[found].dev, sizeof(cards[found].dev));
		cards[found++].fd = fd;
	}
	return found;
}

static void plane_init(struct card *c, struct plane *p, uint32_t id)
{
	unsigned int i;

	p->id = id;
	for (i = 0; i < P_NUM; i++) {
		p->prop[i] = prop_id(c->fd, id, DRM_MODE_OBJECT_PLANE,
				     plane_prop_names[i]);
		if (!p->prop[i])
			die("%s: plane %u has no %s", c->name, id,
			    plane_prop_names[i]);
	}
}

static void fb_create(struct card *c, struct fb *fb, uint32_t w, uint32_t h,
		      uint32_t format)
{
	struct drm_mode_create_dumb create = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb map = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };

	if (drmIoctl(c->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create))
		die("%s: %ux%u dumb buffer: %s", c->name, w, h, strerror(errno));
	map.handle = create.handle;
	if (drmIoctl(c->fd, DRM_IOCTL_MODE_MAP_DUMB, &map))
		die("%s: map dumb: %s", c->name, strerror(errno));
	fb->map = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       c->fd, map.offset);
	if (fb->map == MAP_FAILED)
		die("%s: mmap: %s", c->name, strerror(errno));
	fb->handle = create.handle;
	fb->width = w;
	fb->height = h;
	fb->pitch = create.pitch;
	fb->size = create.size;
	handles[0] = create.handle;
	pitches[0] = create.pitch;
	if (drmModeAddFB2(c->fd, w, h, format, handles, pitches, offsets,
			  &fb->id, 0))
		die("%s: addfb %ux%u: %s", c->name, w, h, strerror(errno));
}

static void fb_destroy(struct card *c, struct fb *fb)
{
	struct drm_mode_destroy_dumb destroy = { .handle = fb->handle };

	if (!fb->id)
		return;
	drmModeRmFB(c->fd, fb->id);
	munmap(fb->map, fb->size);
	drmIoctl(c->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	memset(fb, 0, sizeof(*fb));
}

/* Fill @fb with a gradient whose alpha is @alpha, or varies if 0. */
static void fb_fill(struct fb *fb, uint32_t seed, uint8_t alpha)
{
	uint32_t x, y;

	for (y = 0; y < fb->height; y++) {
		uint32_t *row = (uint32_t *)((char *)fb->map + (size_t)y * fb->pitch);

		for (x = 0; x < fb->width; x++) {
			uint32_t a = alpha ? alpha : (x + y) & 0xff;

			row[x] = a << 24 | ((x * 255 / fb->width) ^ seed) << 16 |
				 ((y * 255 / fb->height) & 0xff) << 8 |
				 ((x + y + seed) & 0xff);
		}
	}
}

/* A mode of @w x @h at @hz with reduced blanking, like CVT-RB's. */
static drmModeModeInfo make_mode(uint32_t w, uint32_t h, uint32_t hz)
{
	drmModeModeInfo m = { 0 };

	m.hdisplay = w;
	m.hsync_start = w + 48;
	m.hsync_end = w + 80;
	m.htotal = w + 160;
	m.vdisplay = h;
	m.vsync_start = h + 3;
	m.vsync_end = h + 8;
	m.vtotal = h + h / 20 + 8;
	m.vrefresh = hz;
	m.clock = (uint32_t)((uint64_t)m.htotal * m.vtotal * hz / 1000);
	m.flags = DRM_MODE_FLAG_PHSYNC | DRM_MODE_FLAG_NVSYNC;
	m.type = DRM_MODE_TYPE_USERDEF;
	snprintf(m.name, sizeof(m.name), "%ux%u@%u", w, h, hz);
	return m;
}

/* Find the first CRTC, its planes, its connector and writeback connector. */
static void card_setup(struct card *c)
{
	drmModeResPtr res;
	drmModePlaneResPtr pres;
	unsigned int i;

	if (drmSetClientCap(c->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
	    drmSetClientCap(c->fd, DRM_CLIENT_CAP_ATOMIC, 1) ||
	    drmSetClientCap(c->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1))
		die("%s: atomic and writeback client caps: %s", c->name,
		    strerror(errno));
	if (drmSetMaster(c->fd) && !drmIsMaster(c->fd))
		die("%s: not DRM master", c->name);

	res = drmModeGetResources(c->fd);
	if (!res || !res->count_crtcs)
		die("%s: no CRTC", c->name);
	c->crtc = res->crtcs[0];
	c->crtc_active = prop_id(c->fd, c->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	c->crtc_mode_id = prop_id(c->fd, c->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID");

	for (i = 0; i < (unsigned int)res->count_connectors; i++) {
		drmModeConnectorPtr conn = drmModeGetConnector(c->fd,
							       res->connectors[i]);

		if (!conn)
			continue;
		if (conn->connector_type == DRM_MODE_CONNECTOR_WRITEBACK) {
			if (!c->wb)
				c->wb = conn->connector_id;
		} else if (!c->conn) {
			c->conn = conn->connector_id;
		}
		drmModeFreeConnector(conn);
	}
	drmModeFreeResources(res);
	if (!c->conn || !c->wb)
		die("%s: want a connector and a writeback connector", c->name);
	c->conn_crtc = prop_id(c->fd, c->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	c->wb_crtc = prop_id(c->fd, c->wb, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	c->wb_fb = prop_id(c->fd, c->wb, DRM_MODE_OBJECT_CONNECTOR,
			   "WRITEBACK_FB_ID");
	c->wb_fence = prop_id(c->fd, c->wb, DRM_MODE_OBJECT_CONNECTOR,
			      "WRITEBACK_OUT_FENCE_PTR");

	pres = drmModeGetPlaneResources(c->fd);
	for (i = 0; pres && i < pres->count_planes; i++) {
		drmModePlanePtr pl = drmModeGetPlane(c->fd, pres->planes[i]);
		struct plane *p = NULL;

		if (!pl)
			continue;
		if (pl->possible_crtcs & 1) {
			switch (prop_value(c->fd, pl->plane_id,
					   DRM_MODE_OBJECT_PLANE, "type")) {
			case DRM_PLANE_TYPE_PRIMARY:
				p = &c->primary;
				break;
			case DRM_PLANE_TYPE_CURSOR:
				p = &c->cursor;
				break;
			default:
				p = &c->overlay;
				break;
			}
		}
		if (p && !p->id)
			plane_init(c, p, pl->plane_id);
		drmModeFreePlane(pl);
	}
	drmModeFreePlaneResources(pres);
	if (!c->primary.id || !c->overlay.id || !c->cursor.id)
		die("%s: want a primary, an overlay and a cursor plane on CRTC 0",
		    c->name);
}

static void set_plane(drmModeAtomicReqPtr req, struct card *c,
		      struct plane *p, struct fb *fb, int x, int y)
{
	drmModeAtomicAddProperty(req, p->id, p->prop[P_FB_ID], fb ? fb->id : 0);
	drmModeAtomicAddProperty(req, p->id, p->prop[P_CRTC_ID], fb ? c->crtc : 0);
	if (!fb)
		return;
	drmModeAtomicAddProperty(req, p->id, p->prop[P_SRC_X], 0);
	drmModeAtomicAddProperty(req, p->id, p->prop[P_SRC_Y], 0);
	drmModeAtomicAddProperty(req, p->id, p->prop[P_SRC_W],
				 (uint64_t)fb->width << 16);
	drmModeAtomicAddProperty(req, p->id, p->prop[P_SRC_H],
				 (uint64_t)fb->height << 16);
	drmModeAtomicAddProperty(req, p->id, p->prop[P_CRTC_X], x);
	drmModeAtomicAddProperty(req, p->id, p->prop[P_CRTC_Y], y);
	drmModeAtomicAddProperty(req, p->id, p->prop[P_CRTC_W], fb->width);
	drmModeAtomicAddProperty(req, p->id, p->prop[P_CRTC_H], fb->height);
}

static void commit(struct card *c, drmModeAtomicReqPtr req, uint32_t flags,
		   const char *what)
{
	if (drmModeAtomicCommit(c->fd, req, flags, NULL))
		die("%s: %s: %s", c->name, what, strerror(errno));
	drmModeAtomicFree(req);
}

/* Turn the pipe off and free the buffers of the last configuration. */
static void card_off(struct card *c)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	unsigned int i;

	set_plane(req, c, &c->primary, NULL, 0, 0);
	set_plane(req, c, &c->overlay, NULL, 0, 0);
	set_plane(req, c, &c->cursor, NULL, 0, 0);
	drmModeAtomicAddProperty(req, c->conn, c->conn_crtc, 0);
	drmModeAtomicAddProperty(req, c->wb, c->wb_crtc, 0);
	drmModeAtomicAddProperty(req, c->crtc, c->crtc_active, 0);
	drmModeAtomicAddProperty(req, c->crtc, c->crtc_mode_id, 0);
	commit(c, req, DRM_MODE_ATOMIC_ALLOW_MODESET, "pipe off");
	if (c->mode_blob)
		drmModeDestroyPropertyBlob(c->fd, c->mode_blob);
	c->mode_blob = 0;
	for (i = 0; i < ARRAY_SIZE(c->fb); i++)
		fb_destroy(c, &c->fb[i]);
	fb_destroy(c, &c->ovl);
	fb_destroy(c, &c->cur);
	fb_destroy(c, &c->out);
}

/*
 * Light the pipe at @w x @h @hz with @planes planes (1: primary,
 * 2: + a half-size ARGB overlay, 3: + a 64x64 ARGB cursor), driving the
 * connector, or the writeback connector if @writeback.
 */
static void card_on(struct card *c, uint32_t w, uint32_t h, uint32_t hz,
		    int planes, bool writeback)
{
	drmModeModeInfo mode = make_mode(w, h, hz);
	drmModeAtomicReqPtr req;

	fb_create(c, &c->fb[0], w, h, DRM_FORMAT_XRGB8888);
	fb_fill(&c->fb[0], 0x00, 0xff);
	fb_create(c, &c->fb[1], w, h, DRM_FORMAT_XRGB8888);
	fb_fill(&c->fb[1], 0x5a, 0xff);
	if (planes >= 2) {
		fb_create(c, &c->ovl, w / 2, h / 2, DRM_FORMAT_ARGB8888);
		fb_fill(&c->ovl, 0xa5, 0x80);
	}
	if (planes >= 3) {
		fb_create(c, &c->cur, CURSOR_SIZE, CURSOR_SIZE,
			  DRM_FORMAT_ARGB8888);
		fb_fill(&c->cur, 0x33, 0);
	}
	if (writeback)
		fb_create(c, &c->out, w, h, DRM_FORMAT_XRGB8888);
	if (drmModeCreatePropertyBlob(c->fd, &mode, sizeof(mode), &c->mode_blob))
		die("%s: mode blob: %s", c->name, strerror(errno));

	req = drmModeAtomicAlloc();
	drmModeAtomicAddProperty(req, c->crtc, c->crtc_mode_id, c->mode_blob);
	drmModeAtomicAddProperty(req, c->crtc, c->crtc_active, 1);
	drmModeAtomicAddProperty(req, c->conn, c->conn_crtc,
				 writeback ? 0 : c->crtc);
	drmModeAtomicAddProperty(req, c->wb, c->wb_crtc,
				 writeback ? c->crtc : 0);
	set_plane(req, c, &c->primary, &c->fb[0], 0, 0);
	set_plane(req, c, &c->overlay, planes >= 2 ? &c->ovl : NULL,
		  w / 4, h / 4);
	set_plane(req, c, &c->cursor, planes >= 3 ? &c->cur : NULL,
		  w / 3, h / 3);
	commit(c, req, DRM_MODE_ATOMIC_ALLOW_MODESET, "modeset");
}

/* Wait for the flip event of the last commit; false on timeout. */
static bool wait_flip(struct card *c, struct drm_event_vblank *out,
		      int timeout_ms)
{
	char buf[1024];
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	for (;;) {
		ssize_t n, off;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return false;
		n = read(c->fd, buf, sizeof(buf));
		for (off = 0; n > 0 && off < n;) {
			struct drm_event *e = (struct drm_event *)(buf + off);

			if (e->type == DRM_EVENT_FLIP_COMPLETE) {
				memcpy(out, e, sizeof(*out));
				return true;
			}
			off += e->length;
		}
	}
}

static double event_ms(const struct drm_event_vblank *e)
{
	return e->tv_sec * 1e3 + e->tv_usec / 1e3;
}

/* When the fence of @fd signalled (ms, CLOCK_MONOTONIC), after waiting. */
static double fence_signal_ms(struct card *c, int fd, int timeout_ms)
{
	struct sync_fence_info fi = { 0 };
	struct sync_file_info info = { 0 };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) != 1)
		die("%s: writeback fence not signalled in %d ms", c->name,
		    timeout_ms);
	info.num_fences = 1;
	info.sync_fence_info = (uintptr_t)&fi;
	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info) || fi.status != 1)
		die("%s: writeback fence: status %d, %s", c->name, fi.status,
		    strerror(errno));
	return fi.timestamp_ns / 1e6;
}

/* ---- compose ------------------------------------------------------------ */

static const char *const plane_sets[] = {
	NULL, "primary", "primary+overlay", "primary+overlay+cursor",
};

/* Wait for the next vblank of the first CRTC. */
static void wait_vblank(struct card *c)
{
	drmVBlank vbl = { .request = { .type = DRM_VBLANK_RELATIVE,
				       .sequence = 1 } };

	if (drmWaitVBlank(c->fd, &vbl))
		die("%s: wait for vblank: %s", c->name, strerror(errno));
}

/*
 * One frame through writeback: a nonblocking commit with a page-flip
 * event that flips the primary plane and queues a writeback job. The
 * event's timestamp is the vblank that latched the commit, where both
 * drivers start composing; the fence signals when the frame is written.
 *
 * Each commit is made just after a vblank, so that both drivers see the
 * same phase, and at least 20 ms after the last fence signalled. That
 * pause keeps vkms going: its writeback cleanup (vkms_wb_cleanup_job(),
 * run from a worker after the fence signals) switches its composer off
 * without counting, and a writeback commit made before that worker has
 * run is never composed: its fence never signals.
 */
static void wb_frame(struct card *c, unsigned int i, struct samples *total,
		     struct samples *compose)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	struct drm_event_vblank ev;
	int fence = -1;
	double t0, done;

	usleep(20000);
	wait_vblank(c);
	drmModeAtomicAddProperty(req, c->primary.id, c->primary.prop[P_FB_ID],
				 c->fb[i & 1].id);
	drmModeAtomicAddProperty(req, c->wb, c->wb_fb, c->out.id);
	drmModeAtomicAddProperty(req, c->wb, c->wb_fence, (uintptr_t)&fence);
	t0 = now_ms();
	if (drmModeAtomicCommit(c->fd, req, DRM_MODE_ATOMIC_NONBLOCK |
				DRM_MODE_PAGE_FLIP_EVENT, NULL))
		die("%s: writeback commit: %s", c->name, strerror(errno));
	drmModeAtomicFree(req);
	if (!wait_flip(c, &ev, 30000))
		die("%s: no flip event in 30 s", c->name);
	done = fence_signal_ms(c, fence, 30000);
	close(fence);
	add(total, done - t0);
	add(compose, done - event_ms(&ev));
}

static int bench_compose(struct card *cards, int ncards, unsigned int frames,
			 const uint32_t (*sizes)[2], int nsizes)
{
	const unsigned int rounds = 4;
	struct samples total[2] = { 0 }, compose[2] = { 0 };
	int s, planes, d, r;
	unsigned int i;

	for (s = 0; s < nsizes; s++) {
		uint32_t w = sizes[s][0], h = sizes[s][1];

		for (planes = 1; planes <= 3; planes++) {
			note("compose %ux%u %s, %u frames", w, h,
			     plane_sets[planes], frames);
			for (d = 0; d < ncards; d++) {
				card_on(&cards[d], w, h, 60, planes, true);
				reset(&total[d]);
				reset(&compose[d]);
			}
			/* A first frame each: allocation, first-touch faults. */
			for (d = 0; d < ncards; d++) {
				struct samples junk = { 0 };

				wb_frame(&cards[d], 1, &junk, &junk);
				free(junk.v);
			}
			/* Rounds alternate which driver goes first. */
			for (r = 0; r < (int)rounds; r++)
				for (d = 0; d < ncards; d++) {
					int k = (r & 1) ? ncards - 1 - d : d;

					for (i = r * frames / rounds;
					     i < (r + 1) * frames / rounds; i++)
						wb_frame(&cards[k], i, &total[k],
							 &compose[k]);
				}
			for (d = 0; d < ncards; d++) {
				printf("{\"test\":\"compose\",\"driver\":\"%s\","
				       "\"width\":%u,\"height\":%u,\"planes\":\"%s\",",
				       cards[d].name, w, h, plane_sets[planes]);
				print_stats("commit_to_fence_ms", &total[d]);
				putchar(',');
				print_stats("vblank_to_fence_ms", &compose[d]);
				printf("}\n");
				fflush(stdout);
				card_off(&cards[d]);
			}
		}
	}
	return 0;
}

/* ---- memcpy ---------------------------------------------------------- */

static int bench_memcpy(const uint32_t (*sizes)[2], int nsizes)
{
	struct samples t = { 0 };
	int s, i;

	for (s = 0; s < nsizes; s++) {
		size_t len = (size_t)sizes[s][0] * sizes[s][1] * 4;
		char *src = malloc(len), *dst = malloc(len);

		if (!src || !dst)
			die("out of memory");
		memset(src, 0x5a, len);
		memset(dst, 0, len);
		reset(&t);
		for (i = 0; i < 60; i++) {
			double t0 = now_ms();

			memcpy(dst, src, len);
			/* Keep the copy from being elided. */
			asm volatile("" : : "r"(dst) : "memory");
			if (i >= 10)
				add(&t, now_ms() - t0);
		}
		printf("{\"test\":\"memcpy\",\"width\":%u,\"height\":%u,"
		       "\"bytes\":%zu,", sizes[s][0], sizes[s][1], len);
		print_stats("copy_ms", &t);
		printf("}\n");
		fflush(stdout);
		free(src);
		free(dst);
	}
	free(t.v);
	return 0;
}

/* ---- vblank ----------------------------------------------------------- */

struct flips {
	struct samples latency, interval;
	unsigned int missed;
};

/*
 * @frames page flips back to back, each asked for as soon as the last
 * one's event arrives: each should land on the very next vblank.
 */
static void flip_run(struct card *c, unsigned int frames, struct flips *f)
{
	struct drm_event_vblank ev, last = { 0 };
	unsigned int i;

	for (i = 0; i < frames; i++) {
		drmModeAtomicReqPtr req = drmModeAtomicAlloc();
		double t0;

		drmModeAtomicAddProperty(req, c->primary.id,
					 c->primary.prop[P_FB_ID],
					 c->fb[(i + 1) & 1].id);
		t0 = now_ms();
		if (drmModeAtomicCommit(c->fd, req, DRM_MODE_ATOMIC_NONBLOCK |
					DRM_MODE_PAGE_FLIP_EVENT, NULL))
			die("%s: flip: %s", c->name, strerror(errno));
		drmModeAtomicFree(req);
		if (!wait_flip(c, &ev, 5000))
			die("%s: no flip event in 5 s", c->name);
		add(&f->latency, now_ms() - t0);
		if (i) {
			add(&f->interval, event_ms(&ev) - event_ms(&last));
			if (ev.sequence - last.sequence > 1)
				f->missed += ev.sequence - last.sequence - 1;
		}
		last = ev;
	}
}

static int bench_vblank(struct card *cards, int ncards, unsigned int frames,
			const uint32_t *rates, int nrates)
{
	const unsigned int rounds = 2;
	struct flips f[2];
	int i, d, r;

	for (i = 0; i < nrates; i++) {
		note("vblank at %u Hz, %u flips", rates[i], frames);
		memset(f, 0, sizeof(f));
		for (d = 0; d < ncards; d++)
			card_on(&cards[d], 1920, 1080, rates[i], 1, false);
		for (r = 0; r < (int)rounds; r++)
			for (d = 0; d < ncards; d++) {
				int k = (r & 1) ? ncards - 1 - d : d;

				flip_run(&cards[k], frames / rounds, &f[k]);
			}
		for (d = 0; d < ncards; d++) {
			printf("{\"test\":\"vblank\",\"driver\":\"%s\",\"hz\":%u,"
			       "\"period_ms\":%.4f,\"flips\":%u,\"missed\":%u,",
			       cards[d].name, rates[i], 1e3 / rates[i],
			       frames / rounds * rounds, f[d].missed);
			print_stats("commit_to_event_ms", &f[d].latency);
			putchar(',');
			print_stats("event_interval_ms", &f[d].interval);
			printf("}\n");
			fflush(stdout);
			card_off(&cards[d]);
			free(f[d].latency.v);
			free(f[d].interval.v);
		}
	}
	return 0;
}

/* ---- unbind (mkms only) ------------------------------------------------ */

/* Wait for @n mkms cards to be there and open them. */
static int wait_cards(struct card *cards, int n)
{
	int found = 0, i;

	for (i = 0; i < 200; i++) {
		found = open_cards("mkms", cards, n);
		if (found == n)
			return n;
		while (found)
			close(cards[--found].fd);
		usleep(50000);
	}
	die("want %d mkms cards, found %d", n, found);
	return 0;
}

/* Let go of an unbound card: its mappings stay valid until unmapped. */
static void card_forget(struct card *c)
{
	struct fb *fbs[] = { &c->fb[0], &c->fb[1], &c->ovl, &c->cur, &c->out };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fbs); i++)
		if (fbs[i]->map)
			munmap(fbs[i]->map, fbs[i]->size);
	close(c->fd);
}

static int bench_unbind(unsigned int runs)
{
	struct samples idle = { 0 }, busy = { 0 };
	unsigned int i;
	char dev[256];
	struct card c;

	for (i = 0; i < 2 * runs; i++) {
		bool in_flight = i & 1;

		wait_cards(&c, 1);
		card_setup(&c);
		snprintf(dev, sizeof(dev), "%s", c.dev);
		card_on(&c, 1920, 1080, 60, 3, in_flight);
		usleep(50000);
		if (in_flight) {
			/* Flip and compose into writeback, then unbind. */
			drmModeAtomicReqPtr req = drmModeAtomicAlloc();
			int fence = -1;

			drmModeAtomicAddProperty(req, c.primary.id,
						 c.primary.prop[P_FB_ID],
						 c.fb[1].id);
			drmModeAtomicAddProperty(req, c.wb, c.wb_fb, c.out.id);
			drmModeAtomicAddProperty(req, c.wb, c.wb_fence,
						 (uintptr_t)&fence);
			if (drmModeAtomicCommit(c.fd, req,
						DRM_MODE_ATOMIC_NONBLOCK |
						DRM_MODE_PAGE_FLIP_EVENT, NULL))
				die("mkms: commit: %s", strerror(errno));
			drmModeAtomicFree(req);
			add(&busy, sysfs_bind("unbind", dev));
			close(fence);
		} else {
			add(&idle, sysfs_bind("unbind", dev));
		}
		/* The old fd and its mappings go now, then a fresh binding. */
		card_forget(&c);
		sysfs_bind("bind", dev);
	}
	printf("{\"test\":\"unbind\",\"driver\":\"mkms\",\"period_ms\":%.4f,",
	       1e3 / 60);
	print_stats("idle_ms", &idle);
	putchar(',');
	print_stats("commit_in_flight_ms", &busy);
	printf("}\n");
	free(idle.v);
	free(busy.v);
	return 0;
}

/* ---- scale (mkms only) --------------------------------------------------- */

static void run(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		die("'%s' failed", cmd);
}

static int bench_scale(unsigned int runs, const uint32_t *counts, int ncounts)
{
	struct samples probe = { 0 }, unbind = { 0 }, mem = { 0 }, slab = { 0 };
	static struct card cards[MAX_CARDS];
	char devs[MAX_CARDS][256];
	int i, n, d;
	unsigned int r;

	for (i = 0; i < ncounts; i++) {
		double load;

		n = counts[i];
		if (n > MAX_CARDS)
			die("at most %d devices", MAX_CARDS);
		note("scale: %d devices", n);
		run("modprobe -r mkms");
		load = now_ms();
		run("modprobe mkms num_devices=%d", n);
		load = now_ms() - load;
		wait_cards(cards, n);
		for (d = 0; d < n; d++) {
			snprintf(devs[d], sizeof(devs[d]), "%s", cards[d].dev);
			close(cards[d].fd);
		}
		reset(&probe);
		reset(&unbind);
		reset(&mem);
		reset(&slab);
		for (r = 0; r < runs; r++) {
			long free_bound, slab_bound;
			double t = 0;

			usleep(200000);
			free_bound = meminfo("MemFree");
			slab_bound = meminfo("Slab");
			for (d = 0; d < n; d++)
				t += sysfs_bind("unbind", devs[d]);
			add(&unbind, t);
			usleep(200000);
			add(&mem, (double)(meminfo("MemFree") - free_bound) / n);
			add(&slab, (double)(slab_bound - meminfo("Slab")) / n);
			t = 0;
			for (d = 0; d < n; d++)
				t += sysfs_bind("bind", devs[d]);
			add(&probe, t);
		}
		printf("{\"test\":\"scale\",\"driver\":\"mkms\",\"devices\":%d,"
		       "\"modprobe_ms\":%.3f,", n, load);
		print_stats("probe_all_ms", &probe);
		putchar(',');
		print_stats("unbind_all_ms", &unbind);
		putchar(',');
		print_stats("memfree_kib_per_device", &mem);
		putchar(',');
		print_stats("slab_kib_per_device", &slab);
		printf("}\n");
		fflush(stdout);
	}
	run("modprobe -r mkms");
	return 0;
}

/* ---- main -------------------------------------------------------------- */

static int parse_list(const char *arg, uint32_t (*out)[2], int max, bool pairs)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(copy, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save)) {
		char *end;

		out[n][0] = strtoul(tok, &end, 10);
		out[n][1] = 0;
		if (pairs && *end == 'x')
			out[n][1] = strtoul(end + 1, &end, 10);
		if (*end || !out[n][0] || (pairs && !out[n][1]))
			die("bad list item '%s'", tok);
		n++;
	}
	free(copy);
	return n;
}

static void usage(void)
{
	fputs("usage: mkms_bench compose|memcpy|vblank|unbind|scale [-f FRAMES]\n"
	      "                  [-n RUNS] [-s WxH,...] [-r HZ,...] [-d N,...]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t sizes[8][2] = { { 1920, 1080 }, { 3840, 2160 } };
	uint32_t rates[8][2] = { { 60 }, { 144 } };
	uint32_t counts[8][2] = { { 1 }, { 8 }, { 32 } };
	unsigned int frames = 0, runs = 0;
	int nsizes = 2, nrates = 2, ncounts = 3, ncards = 0, opt;
	struct card cards[2];
	const char *test;
	uint32_t flat[8];
	int i;

	if (argc < 2)
		usage();
	test = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "f:n:s:r:d:")) != -1) {
		switch (opt) {
		case 'f':
			frames = strtoul(optarg, NULL, 10);
			break;
		case 'n':
			runs = strtoul(optarg, NULL, 10);
			break;
		case 's':
			nsizes = parse_list(optarg, sizes, 8, true);
			break;
		case 'r':
			nrates = parse_list(optarg, rates, 8, false);
			break;
		case 'd':
			ncounts = parse_list(optarg, counts, 8, false);
			break;
		default:
			usage();
		}
	}

	if (!strcmp(test, "memcpy"))
		return bench_memcpy((const uint32_t (*)[2])sizes, nsizes);
	if (!strcmp(test, "unbind"))
		return bench_unbind(runs ? runs : 20);
	if (!strcmp(test, "scale")) {
		for (i = 0; i < ncounts; i++)
			flat[i] = counts[i][0];
		return bench_scale(runs ? runs : 3, flat, ncounts);
	}
	if (strcmp(test, "compose") && strcmp(test, "vblank"))
		usage();

	/* mkms first, then the reference: the order of the output. */
	ncards += open_cards("mkms", &cards[ncards], 1);
	ncards += open_cards("vkms", &cards[ncards], 1);
	if (!ncards)
		die("neither mkms nor vkms is loaded");
	for (i = 0; i < ncards; i++)
		card_setup(&cards[i]);

	if (!strcmp(test, "compose"))
		return bench_compose(cards, ncards, frames ? frames : 200,
				     (const uint32_t (*)[2])sizes, nsizes);
	for (i = 0; i < nrates; i++)
		flat[i] = rates[i][0];
	return bench_vblank(cards, ncards, frames ? frames : 600, flat, nrates);
}
