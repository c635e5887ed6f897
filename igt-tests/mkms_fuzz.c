// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: mkms fuzz
 * Description: A seeded fuzzer of the KMS uAPI: random property sets on
 *		random objects, valid and invalid values, framebuffers and
 *		blobs of every sort, legacy ioctls mixed in, a second client
 *		and a render node, and unbinds at random points. Every op
 *		must end in success or in an errno of the class its input
 *		allows, with nothing in the kernel log; a failure prints the
 *		seed and the shortest op sequence found that reproduces it.
 *		MKMS_FUZZ_SEED and MKMS_FUZZ_OPS choose the run (default 1
 *		and 10000), MKMS_FUZZ_UNBIND one unbind in that many ops
 *		(default 1000, 0 for none). MKMS_FUZZ_ONLY=i,j,... runs just
 *		those ops of the seed's sequence, as a failure prints them.
 *
 * SUBTEST: atomic
 * Description: Run the seeded op sequence; any splat, hang or unexpected
 *		errno fails with the seed and a minimal reproducer.
 *
 * SUBTEST: permissions
 * Description: Only the DRM master can modeset, a render-node client
 *		cannot reach KMS, and debugfs is root's only.
 *
 * SUBTEST: bad-dumbs
 * Description: A dumb buffer larger than the largest framebuffer
 *		(max_width x max_height at 64 bits a pixel), or of more than
 *		64 bits a pixel, is refused with EINVAL, before the shmem
 *		helpers would pin gigabytes at its mmap(); one of exactly
 *		that size is made, and so is a wide one of one line.
 *
 * SUBTEST: bad-modes
 * Description: Modes the timing generator cannot run (larger than the
 *		device's max_width or max_height, interlaced, double scan,
 *		refresh outside 1..1000 Hz) fail the atomic check with
 *		EINVAL and leave the CRTC's mode alone; the largest mode
 *		passes.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "dut.h"

IGT_TEST_DESCRIPTION("Seeded fuzzing of the KMS uAPI, with unbinds, and its permissions.");

#define MAX_OBJS	128
#define MAX_PROPS	512
#define MAX_OBJ_PROPS	48
#define MAX_FBS		16
#define MAX_BLOBS	32
#define MAX_DUMBS	12
#define MAX_MODES	32
#define MAX_FORMATS	64
#define MAX_STALE	4
#define OP_SECONDS	60	/* an op that takes longer hangs */
#define MAX_REPLAYS	48	/* replays spent on minimising a failure */
#define MINIMISE_SECONDS 180	/* and seconds: igt_runner kills at 600 */

/* The errno classes an op may end in; A_FAIL: it must not succeed. */
enum {
	A_EINVAL = 1 << 0,
	A_ENOENT = 1 << 1,
	A_ERANGE = 1 << 2,
	A_ENOSPC = 1 << 3,
	A_EBUSY = 1 << 4,
	A_EFAULT = 1 << 5,
	A_ENOMEM = 1 << 6,
	A_EACCES = 1 << 7,
	A_EPERM = 1 << 8,
	A_ENOSYS = 1 << 9,
	A_EOPNOTSUPP = 1 << 10,
	A_ENODEV = 1 << 11,
	A_EIO = 1 << 12,
	A_FAIL = 1 << 15,
};

static const int errno_of[] = {
	EINVAL, ENOENT, ERANGE, ENOSPC, EBUSY, EFAULT, ENOMEM, EACCES, EPERM,
	ENOSYS, EOPNOTSUPP, ENODEV, EIO,
};

/* What bad input of any kind may get from the KMS uAPI. */
#define A_INPUT (A_EINVAL | A_ENOENT | A_ERANGE | A_ENOSPC)

enum op_kind {
	OP_ATOMIC, OP_SETPROP, OP_ADDFB, OP_RMFB, OP_DUMB, OP_BLOB, OP_UNBLOB,
	OP_SETCRTC, OP_FLIP, OP_CURSOR, OP_SETPLANE, OP_GAMMA, OP_GET,
	OP_CLIENT, OP_RENDER, OP_CRC, OP_STALE, OP_UNBIND, OP_COUNT
};

struct fuzz;

/**
 * struct op_kind_desc - a kind of op
 * @name: what the op log calls it
 * @weight: how often it is drawn, against the others' weights
 * @run: do it on @fd, judged by @must (0, or the only errno class
 *	allowed, with A_FAIL); the ops of the master's own state (buffers,
 *	blobs, unbind) always act on the master's fd
 */
struct op_kind_desc {
	const char *name;
	unsigned int weight;
	void (*run)(struct fuzz *fz, int fd, unsigned int must);
};

static const struct op_kind_desc kinds[OP_COUNT];

struct prop {
	uint32_t id, flags;
	char name[DRM_PROP_NAME_LEN];
	int nvals;
	uint64_t vals[32];	/* range: min, max; enum: values; bitmask: bits */
};

struct obj {
	uint32_t id, type, possible_crtcs;
	int nprops;
	const struct prop *props[MAX_OBJ_PROPS];
	uint64_t initial[MAX_OBJ_PROPS];	/* the values the scan saw */
};

struct dumb {
	uint32_t handle, width, height, bpp, pitch;
	uint64_t size;
	void *map;
};

/**
 * struct fuzz - the fuzzer's state
 * @d: the device; @d.fd is the master client
 * @seed: the run's seed; op @i draws from a generator seeded by (seed, i)
 * @fd2: a second, non-master client of the same device
 * @render: a client of the render node, or -1
 * @kmsg: /dev/kmsg, read after every op for warnings
 * @crtcs: CRTC ids, in index order
 * @objs: CRTCs, planes and connectors with their properties
 * @fbs: framebuffers of the master; @fbs2: of the second client
 * @fb_size: width and height of each of @fbs
 * @blobs: property blobs of the master (destroyed ones stay, to be reused)
 * @stale: fds of earlier bindings of the device
 * @op: index of the op running; @desc: what it does so far
 * @fence: where a *_FENCE_PTR property writes, -1 if it did not
 * @bad_ptr: the op passed the kernel a pointer it cannot write
 * @out_fence: the op asked for an out-fence
 * @can_unbind: the device has a driver to unbind it from (vkms has not)
 * @failed: why the run failed, empty while it has not
 * @reason: the part of @failed after the op
 * @want: the reason a replay must fail with to reproduce the failure
 */
struct fuzz {
	struct dut d;
	uint64_t seed, rng;
	int fd2, render, kmsg;
	char card[64], debugfs[64];

	uint32_t crtcs[32];
	int ncrtcs;
	struct obj objs[MAX_OBJS];
	int nobjs;
	struct prop props[MAX_PROPS];
	int nprops;
	drmModeModeInfo modes[MAX_MODES];
	int nmodes;
	uint32_t formats[MAX_FORMATS];
	int nformats;

	uint32_t fbs[MAX_FBS], fbs2[4], blobs[MAX_BLOBS];
	uint32_t fb_size[MAX_FBS][2];
	unsigned int nfbs, nfbs2, nblobs;
	struct dumb dumbs[MAX_DUMBS];
	unsigned int ndumbs;
	int stale[MAX_STALE];
	unsigned int nstale;

	unsigned int op;
	char desc[1024];
	size_t len;
	int32_t fence[4];
	bool bad_ptr, out_fence, can_unbind, verbose;
	char failed[2048], *reason, want[1024];
	unsigned long stats[OP_COUNT][2];	/* [kind][succeeded?] */
};

/* ---- Random numbers: op i's draws depend on the seed and i only ---------- */

static uint32_t rnd(struct fuzz *fz)
{
	return dut_splitmix(&fz->rng) >> 32;
}

static uint32_t below(struct fuzz *fz, uint32_t n)
{
	return n ? rnd(fz) % n : 0;
}

static bool chance(struct fuzz *fz, unsigned int percent)
{
	return below(fz, 100) < percent;
}

/* Values at the edges of every integer type. */
static uint64_t edge_value(struct fuzz *fz)
{
	static const uint64_t edges[] = {
		0, 1, 2, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
		0x8000000000000000ull, ~0ull, ~0ull - 1, (uint64_t)-4096,
	};

	return edges[below(fz, ARRAY_SIZE(edges))];
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

/* ---- Recording what an op does, and judging its result -------------------- */

static void note(struct fuzz *fz, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct fuzz *fz, const char *fmt, ...)
{
	va_list ap;

	if (fz->len >= sizeof(fz->desc) - 1)
		return;
	va_start(ap, fmt);
	fz->len += vsnprintf(fz->desc + fz->len, sizeof(fz->desc) - fz->len,
			     fmt, ap);
	va_end(ap);
	if (fz->len >= sizeof(fz->desc))
		fz->len = sizeof(fz->desc) - 1;
}

static void fail(struct fuzz *fz, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct fuzz *fz, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fz->failed[0])
		return;
	n = snprintf(fz->failed, sizeof(fz->failed), "op #%u %s: ", fz->op,
		     fz->desc);
	if (n >= (int)sizeof(fz->failed))
		n = sizeof(fz->failed) - 1;
	fz->reason = fz->failed + n;
	va_start(ap, fmt);
	vsnprintf(fz->failed + n, sizeof(fz->failed) - n, fmt, ap);
	va_end(ap);
}

/*
 * Judge an ioctl's outcome: @err is 0 or its errno, @allowed the A_* classes
 * its input allows. ENODEV is allowed only where asked for (an old fd).
 * Returns true if the ioctl succeeded.
 */
static bool expect(struct fuzz *fz, int err, unsigned int allowed)
{
	/* No master, a render node, an old fd: that errno and no other. */
	if ((allowed & A_FAIL) && (allowed & (A_EACCES | A_ENODEV)))
		allowed &= A_FAIL | A_EACCES | A_ENODEV;
	if (!err) {
		if (allowed & A_FAIL)
			fail(fz, "succeeded, must fail with %s\n",
			     allowed == (A_FAIL | A_ENODEV) ? "ENODEV" : "an error");
		return !(allowed & A_FAIL);
	}
	note(fz, " -> %s", strerror(err));
	for (unsigned int i = 0; i < ARRAY_SIZE(errno_of); i++)
		if (errno_of[i] == err && (allowed & (1u << i)))
			return false;
	fail(fz, "unexpected errno %d (%s)\n", err, strerror(err));
	return false;
}

#define TRY(fz, call, allowed) \
	expect(fz, (call) < 0 ? errno : 0, allowed)

/*
 * Any kernel message at warning level or worse fails the run (see
 * dut_kmsg_warning()).
 */
static void check_kmsg(struct fuzz *fz)
{
	char buf[8192];
	const char *msg;

	while ((msg = dut_kmsg_warning(fz->kmsg, buf, sizeof(buf)))) {
		igt_info("kernel: %s", msg);
		fail(fz, "kernel log: %s", msg);
	}
}

/* ---- The device's objects -------------------------------------------------- */

static const struct prop *get_prop(struct fuzz *fz, int fd, uint32_t id)
{
	drmModePropertyRes *p;
	struct prop *q;

	for (int i = 0; i < fz->nprops; i++)
		if (fz->props[i].id == id)
			return &fz->props[i];
	p = drmModeGetProperty(fd, id);
	igt_assert(p && fz->nprops < MAX_PROPS);
	q = &fz->props[fz->nprops++];
	memset(q, 0, sizeof(*q));
	q->id = id;
	q->flags = p->flags;
	snprintf(q->name, sizeof(q->name), "%s", p->name);
	if (drm_property_type_is(p, DRM_MODE_PROP_RANGE) ||
	    drm_property_type_is(p, DRM_MODE_PROP_SIGNED_RANGE)) {
		q->nvals = 2;
		q->vals[0] = p->values[0];
		q->vals[1] = p->values[1];
	} else {
		for (int i = 0; i < p->count_enums && q->nvals < 32; i++)
			q->vals[q->nvals++] = p->enums[i].value;
	}
	drmModeFreeProperty(p);
	return q;
}

static void add_obj(struct fuzz *fz, uint32_t id, uint32_t type)
{
	drmModeObjectProperties *props;
	struct obj *o;

	igt_assert(fz->nobjs < MAX_OBJS);
	o = &fz->objs[fz->nobjs++];
	o->id = id;
	o->type = type;
	o->nprops = 0;
	props = drmModeObjectGetProperties(fz->d.fd, id, type);
	igt_assert(props);
	for (uint32_t i = 0; i < props->count_props && o->nprops < MAX_OBJ_PROPS; i++) {
		o->initial[o->nprops] = props->prop_values[i];
		o->props[o->nprops++] = get_prop(fz, fz->d.fd, props->props[i]);
	}
	drmModeFreeObjectProperties(props);
}

static void add_format(struct fuzz *fz, uint32_t format)
{
	for (int i = 0; i < fz->nformats; i++)
		if (fz->formats[i] == format)
			return;
	if (fz->nformats < MAX_FORMATS)
		fz->formats[fz->nformats++] = format;
}

/* Learn the objects of the current binding, from the master's fd. */
static void scan(struct fuzz *fz)
{
	drmModePlaneRes *planes;
	drmModeRes *res;
	struct stat st;

	fz->nobjs = fz->nprops = fz->nmodes = fz->nformats = 0;
	igt_assert(drmSetClientCap(fz->d.fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1) == 0);
	res = drmModeGetResources(fz->d.fd);
	igt_assert(res);
	fz->ncrtcs = res->count_crtcs < 32 ? res->count_crtcs : 32;
	for (int i = 0; i < fz->ncrtcs; i++) {
		fz->crtcs[i] = res->crtcs[i];
		add_obj(fz, res->crtcs[i], DRM_MODE_OBJECT_CRTC);
	}
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnector *c = drmModeGetConnector(fz->d.fd, res->connectors[i]);

		igt_assert(c);
		for (int m = 0; m < c->count_modes && fz->nmodes < MAX_MODES; m++)
			fz->modes[fz->nmodes++] = c->modes[m];
		drmModeFreeConnector(c);
		add_obj(fz, res->connectors[i], DRM_MODE_OBJECT_CONNECTOR);
	}
	drmModeFreeResources(res);

	planes = drmModeGetPlaneResources(fz->d.fd);
	igt_assert(planes);
	for (uint32_t i = 0; i < planes->count_planes; i++) {
		drmModePlane *p = drmModeGetPlane(fz->d.fd, planes->planes[i]);

		igt_assert(p);
		for (uint32_t f = 0; f < p->count_formats; f++)
			add_format(fz, p->formats[f]);
		add_obj(fz, planes->planes[i], DRM_MODE_OBJECT_PLANE);
		fz->objs[fz->nobjs - 1].possible_crtcs = p->possible_crtcs;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);

	igt_assert(fstat(fz->d.fd, &st) == 0);
	snprintf(fz->card, sizeof(fz->card), "/dev/dri/card%u", minor(st.st_rdev));
	snprintf(fz->debugfs, sizeof(fz->debugfs), "/sys/kernel/debug/dri/%u",
		 minor(st.st_rdev));
}

/* The render node of the device behind @fd, or -1. */
static int open_render(int fd)
{
	char *name = drmGetRenderDeviceNameFromFd(fd);
	int render = -1;

	if (name)
		render = open(name, O_RDWR | O_CLOEXEC);
	free(name);
	return render;
}

/* Open the second client and the render node of the current binding. */
static void open_clients(struct fuzz *fz)
{
	fz->fd2 = open(fz->card, O_RDWR | O_CLOEXEC);
	igt_assert_fd(fz->fd2);
	igt_assert(!drmIsMaster(fz->fd2));
	igt_assert(drmSetClientCap(fz->fd2, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
	fz->render = open_render(fz->d.fd);
}

static void drop_buffers(struct fuzz *fz)
{
	for (unsigned int i = 0; i < fz->ndumbs; i++)
		if (fz->dumbs[i].map)
			munmap(fz->dumbs[i].map, fz->dumbs[i].size);
	fz->ndumbs = fz->nfbs = fz->nfbs2 = fz->nblobs = 0;
}

static void close_clients(struct fuzz *fz)
{
	drop_buffers(fz);
	if (fz->fd2 >= 0)
		close(fz->fd2);
	if (fz->render >= 0)
		close(fz->render);
	fz->fd2 = fz->render = -1;
	for (unsigned int i = 0; i < fz->nstale; i++)
		close(fz->stale[i]);
	fz->nstale = 0;
}

/* ---- Values for properties --------------------------------------------------- */

static uint32_t some_fb(struct fuzz *fz)
{
	switch (below(fz, 8)) {
	case 0:
		return 0;
	case 1:
		if (fz->nfbs2)
			return fz->fbs2[below(fz, fz->nfbs2)];
		return 0;
	case 2:
		return 1 + below(fz, 300);
	default:
		return fz->nfbs ? fz->fbs[below(fz, fz->nfbs)] : 0;
	}
}

static uint32_t some_blob(struct fuzz *fz)
{
	if (!fz->nblobs || chance(fz, 15))
		return chance(fz, 50) ? 0 : 1 + below(fz, 300);
	return fz->blobs[below(fz, fz->nblobs)];
}

static uint32_t some_crtc(struct fuzz *fz)
{
	if (chance(fz, 20))
		return chance(fz, 50) ? 0 : 1 + below(fz, 300);
	return fz->crtcs[below(fz, fz->ncrtcs)];
}

static bool is_pointer(const struct prop *p)
{
	size_t n = strlen(p->name);

	return n > 4 && !strcmp(p->name + n - 4, "_PTR");
}

/* A value for @p: valid ones mostly, the edges and garbage often enough. */
static uint64_t prop_value(struct fuzz *fz, const struct prop *p)
{
	uint32_t type = p->flags & (DRM_MODE_PROP_LEGACY_TYPE |
				    DRM_MODE_PROP_EXTENDED_TYPE);
	uint32_t c = below(fz, 16);
	uint64_t v = 0;

	/* Never a random pointer: the kernel would write into us. */
	if (is_pointer(p)) {
		if (c < 6)
			return 0;
		if (c < 14) {
			for (int i = 0; i < 4; i++)
				if (fz->fence[i] == -1) {
					fz->fence[i] = -2;
					fz->out_fence = true;
					return (uintptr_t)&fz->fence[i];
				}
			return 0;
		}
		fz->bad_ptr = true;
		return 8;	/* the zero page: never mapped */
	}
	if (!strcmp(p->name, "IN_FENCE_FD"))
		return c < 14 ? (uint64_t)-1 : below(fz, 64);
	if (c == 15)
		return edge_value(fz);
	if (c == 14)
		return 1 + below(fz, 300);	/* an id of some object */

	switch (type) {
	case DRM_MODE_PROP_RANGE:
	case DRM_MODE_PROP_SIGNED_RANGE:
		if (c < 3)
			v = p->vals[0];
		else if (c < 6)
			v = p->vals[1];
		else if (c == 13)
			v = p->vals[1] + 1;
		else if (type == DRM_MODE_PROP_SIGNED_RANGE)
			v = (int64_t)p->vals[0] +
			    (int64_t)(dut_splitmix(&fz->rng) %
				      ((p->vals[1] - p->vals[0]) + 1 ?: ~0ull));
		else
			v = p->vals[0] + dut_splitmix(&fz->rng) %
			    ((p->vals[1] - p->vals[0]) + 1 ?: ~0ull);
		/* Coordinates and sizes: mostly the size of a screen. */
		if (c >= 6 && c < 13 && (strstr(p->name, "CRTC_") ||
					 strstr(p->name, "SRC_"))) {
			v = below(fz, 2048);
			if (p->name[0] == 'S')
				v <<= 16;
		}
		return v;
	case DRM_MODE_PROP_ENUM:
		return c == 13 || !p->nvals ? below(fz, 64) : p->vals[below(fz, p->nvals)];
	case DRM_MODE_PROP_BITMASK:
		if (c == 13)
			return rnd(fz);
		for (int i = 0; i < p->nvals; i++)
			if (chance(fz, i ? 15 : 50))
				v |= 1ull << p->vals[i];
		return v;
	case DRM_MODE_PROP_OBJECT:
		if (strstr(p->name, "FB_ID"))
			return some_fb(fz);
		return some_crtc(fz);
	case DRM_MODE_PROP_BLOB:
		return some_blob(fz);
	}
	return rnd(fz);
}

/* One of the modes the connectors offer, mostly of at most 1024x768. */
static const drmModeModeInfo *small_mode(struct fuzz *fz)
{
	for (int tries = 0; tries < 8; tries++) {
		const drmModeModeInfo *m = &fz->modes[below(fz, fz->nmodes)];

		if (m->hdisplay <= 1024 && m->vdisplay <= 768)
			return m;
	}
	return &fz->modes[below(fz, fz->nmodes)];
}

/* An object of @type that can go with CRTC @pipe where that is known. */
static const struct obj *some_obj(struct fuzz *fz, uint32_t type, int pipe)
{
	const struct obj *o = NULL;

	for (int tries = 0; tries < 32; tries++) {
		o = &fz->objs[below(fz, fz->nobjs)];
		if (o->type == type &&
		    (pipe < 0 || !o->possible_crtcs ||
		     (o->possible_crtcs & (1u << pipe))))
			break;
	}
	return o;
}

static void add_named(struct fuzz *fz, drmModeAtomicReq *req,
		      const struct obj *o, const char *name, uint64_t v)
{
	for (int i = 0; i < o->nprops; i++)
		if (!strcmp(o->props[i]->name, name)) {
			note(fz, " %u.%s=%#" PRIx64, o->id, name, v);
			drmModeAtomicAddProperty(req, o->id, o->props[i]->id, v);
		}
}

static const char *obj_kind(uint32_t type)
{
	switch (type) {
	case DRM_MODE_OBJECT_CRTC:
		return "crtc";
	case DRM_MODE_OBJECT_PLANE:
		return "plane";
	default:
		return "conn";
	}
}

/* Close the out-fences a commit returned and forget the rest. */
static void reap_fences(struct fuzz *fz)
{
	for (int i = 0; i < 4; i++) {
		if (fz->fence[i] >= 0)
			close(fz->fence[i]);
		fz->fence[i] = -1;
	}
}

static void drain_events(struct fuzz *fz, int fd)
{
	drmEventContext ev = { .version = 3 };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN))
		if (drmHandleEvent(fd, &ev))
			break;
}

/* ---- The ops ------------------------------------------------------------------ */

/* @n random properties of random objects. */
static drmModeAtomicReq *random_request(struct fuzz *fz, int n)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	igt_assert(req);
	for (int i = 0; i < n; i++) {
		const struct obj *o = &fz->objs[below(fz, fz->nobjs)];
		const struct prop *p;
		uint64_t v;

		if (!o->nprops)
			continue;
		p = o->props[below(fz, o->nprops)];
		v = prop_value(fz, p);
		note(fz, " %s%u.%s=%#" PRIx64, obj_kind(o->type), o->id, p->name, v);
		drmModeAtomicAddProperty(req, o->id, p->id, v);
	}
	return req;
}

/*
 * A request that makes sense: a mode on a CRTC, a connector and a plane
 * showing one of our framebuffers on it, then a few random properties, so
 * that the fuzzing reaches the commit tail and the composer.
 */
static drmModeAtomicReq *sensible_request(struct fuzz *fz)
{
	int pipe = below(fz, fz->ncrtcs);
	const struct obj *crtc = &fz->objs[pipe];
	const struct obj *plane = some_obj(fz, DRM_MODE_OBJECT_PLANE, pipe);
	const struct obj *conn = some_obj(fz, DRM_MODE_OBJECT_CONNECTOR, pipe);
	const drmModeModeInfo *mode = small_mode(fz);
	drmModeAtomicReq *req = random_request(fz, below(fz, 4));
	uint32_t blob = 0;

	note(fz, " +");
	if (drmModeCreatePropertyBlob(fz->d.fd, mode, sizeof(*mode), &blob) == 0) {
		if (fz->nblobs == MAX_BLOBS)
			drmModeDestroyPropertyBlob(fz->d.fd, fz->blobs[--fz->nblobs]);
		fz->blobs[fz->nblobs++] = blob;
	}
	add_named(fz, req, crtc, "MODE_ID", blob);
	add_named(fz, req, crtc, "ACTIVE", chance(fz, 90));
	add_named(fz, req, conn, "CRTC_ID", crtc->id);
	if (fz->nfbs) {
		unsigned int i = below(fz, fz->nfbs);
		uint32_t w = fz->fb_size[i][0], h = fz->fb_size[i][1];

		add_named(fz, req, plane, "FB_ID", fz->fbs[i]);
		add_named(fz, req, plane, "CRTC_ID", crtc->id);
		add_named(fz, req, plane, "SRC_W", (uint64_t)w << 16);
		add_named(fz, req, plane, "SRC_H", (uint64_t)h << 16);
		add_named(fz, req, plane, "CRTC_X", below(fz, mode->hdisplay));
		add_named(fz, req, plane, "CRTC_Y", below(fz, mode->vdisplay));
		add_named(fz, req, plane, "CRTC_W", w);
		add_named(fz, req, plane, "CRTC_H", h);
	}
	return req;
}

static void op_atomic(struct fuzz *fz, int fd, unsigned int must)
{
	drmModeAtomicReq *req = fd == fz->d.fd && chance(fz, 40) ?
				sensible_request(fz) :
				random_request(fz, 1 + below(fz, 10));
	uint32_t flags = 0;
	unsigned int allowed = A_INPUT | must;
	int err;

	if (chance(fz, 40))
		flags |= DRM_MODE_ATOMIC_TEST_ONLY;
	if (chance(fz, 30))
		flags |= DRM_MODE_ATOMIC_NONBLOCK;
	if (chance(fz, 60))
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	if (chance(fz, 15))
		flags |= DRM_MODE_PAGE_FLIP_EVENT;
	if (chance(fz, 3))
		flags |= DRM_MODE_PAGE_FLIP_ASYNC;
	if (chance(fz, 2))
		flags |= 1u << below(fz, 32);
	note(fz, " flags=%#x", flags);
	if (flags & (DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT))
		allowed |= A_EBUSY | A_ENOMEM;
	if (fz->bad_ptr)
		allowed |= A_EFAULT;

	err = drmModeAtomicCommit(fd, req, flags, NULL) ? errno : 0;
	reap_fences(fz);
	/*
	 * What passed the check must commit: the check is the contract. One
	 * exception is the core's: TEST_ONLY makes no out-fences, so the
	 * checks that need one (a CRTC that is off and stays off, a
	 * writeback out-fence without a framebuffer) only see the real one.
	 */
	if (expect(fz, err, allowed) && (flags & DRM_MODE_ATOMIC_TEST_ONLY) &&
	    !(must & A_FAIL)) {
		flags &= ~(DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_NONBLOCK);
		note(fz, "; commit it");
		err = drmModeAtomicCommit(fd, req, flags, NULL) ? errno : 0;
		reap_fences(fz);
		expect(fz, err, fz->out_fence ? A_EINVAL : 0);
	}
	drmModeAtomicFree(req);
}

static void op_setprop(struct fuzz *fz, int fd, unsigned int must)
{
	const struct obj *o = &fz->objs[below(fz, fz->nobjs)];
	const struct prop *p = o->props[below(fz, o->nprops)];
	uint32_t type = chance(fz, 90) ? o->type : DRM_MODE_OBJECT_ANY;
	uint64_t v = prop_value(fz, p);

	note(fz, " %s%u.%s=%#" PRIx64 " as type %#x", obj_kind(o->type), o->id,
	     p->name, v, type);
	TRY(fz, drmModeObjectSetProperty(fz->d.fd, o->id, type, p->id, v),
	    A_INPUT | A_EBUSY | (fz->bad_ptr ? A_EFAULT : 0));
	reap_fences(fz);
}

static void op_dumb(struct fuzz *fz, int fd, unsigned int must)
{
	static const uint32_t bpps[] = { 32, 32, 16, 8, 24, 64, 1, 0, 33, 4096 };
	struct dumb *b;
	uint64_t offset;
	uint32_t w, h, bpp = bpps[below(fz, 10)];

	if (fz->ndumbs == MAX_DUMBS) {
		b = &fz->dumbs[below(fz, MAX_DUMBS)];
		note(fz, " destroy %u;", b->handle);
		if (b->map)
			munmap(b->map, b->size);
		TRY(fz, drmModeDestroyDumbBuffer(fz->d.fd, b->handle), 0);
		*b = fz->dumbs[--fz->ndumbs];
	}
	w = chance(fz, 90) ? 1 + below(fz, 1024) : (uint32_t)edge_value(fz);
	h = chance(fz, 90) ? 1 + below(fz, 1024) : (uint32_t)edge_value(fz);
	if (chance(fz, 40)) {
		/* Big enough to scan out a mode. */
		const drmModeModeInfo *m = small_mode(fz);

		w = m->hdisplay;
		h = m->vdisplay;
		bpp = 32;
	}
	b = &fz->dumbs[fz->ndumbs];
	memset(b, 0, sizeof(*b));
	note(fz, " %ux%u bpp %u", w, h, bpp);
	if (!TRY(fz, drmModeCreateDumbBuffer(fz->d.fd, w, h, bpp, 0, &b->handle,
					     &b->pitch, &b->size),
		 A_EINVAL | A_ENOMEM))
		return;
	b->width = w;
	b->height = h;
	b->bpp = bpp;
	fz->ndumbs++;
	note(fz, " = %u", b->handle);
	if (TRY(fz, drmModeMapDumbBuffer(fz->d.fd, b->handle, &offset), 0)) {
		b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			      fz->d.fd, offset);
		if (b->map == MAP_FAILED) {
			fail(fz, "mmap of %" PRIu64 " bytes: %s\n", b->size,
			     strerror(errno));
			b->map = NULL;
			return;
		}
		memset(b->map, 0x80, b->size < 4096 ? b->size : 4096);
	}
}

/* Keep @id in @fbs, removing one at random when it is full; its index. */
static unsigned int add_fb(struct fuzz *fz, int fd, uint32_t *fbs,
			   unsigned int *n, unsigned int max, uint32_t id)
{
	unsigned int i = *n;

	if (*n == max) {
		i = below(fz, max);
		drmModeRmFB(fd, fbs[i]);
	} else {
		(*n)++;
	}
	fbs[i] = id;
	return i;
}

/*
 * A framebuffer: on a dumb buffer with a format of the planes and sizes
 * that fit it, it must be accepted; anything else may be refused.
 */
static void op_addfb(struct fuzz *fz, int fd, unsigned int must)
{
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint64_t modifiers[4] = {};
	uint32_t format, flags = 0, w, h, id;
	const struct dumb *b;
	bool valid = true;
	unsigned int i;

	if (!fz->ndumbs)
		return;
	b = &fz->dumbs[below(fz, fz->ndumbs)];
	format = fz->formats[below(fz, fz->nformats)];
	handles[0] = b->handle;
	pitches[0] = b->pitch;
	w = b->width * b->bpp / 32;
	h = b->height;
	/* Whether a pitch that is no multiple of the pixel is taken is the driver's choice. */
	if ((format != DRM_FORMAT_XRGB8888 && format != DRM_FORMAT_ARGB8888) ||
	    b->pitch % 4)
		valid = false;
	if (chance(fz, 20)) {
		w = chance(fz, 50) ? below(fz, 16384) : (uint32_t)edge_value(fz);
		valid = false;
	}
	if (chance(fz, 20)) {
		h = chance(fz, 50) ? below(fz, 16384) : (uint32_t)edge_value(fz);
		valid = false;
	}
	if (chance(fz, 10)) {
		pitches[0] = (uint32_t)edge_value(fz);
		valid = false;
	}
	if (chance(fz, 10)) {
		offsets[0] = below(fz, 8192);
		valid = false;
	}
	if (chance(fz, 10)) {
		handles[1] = b->handle;
		pitches[1] = b->pitch;
		valid = false;
	}
	if (chance(fz, 20)) {
		flags |= DRM_MODE_FB_MODIFIERS;
		if (chance(fz, 50)) {
			modifiers[0] = edge_value(fz);
			valid = false;
		}
	}
	if (chance(fz, 5)) {
		handles[0] = rnd(fz);
		valid = false;
	}
	if (chance(fz, 3)) {
		format = rnd(fz);
		valid = false;
	}
	if (!w || w > 8192 || h > 8192)
		valid = false;
	note(fz, " %ux%u %.4s pitch %u offset %u handle %u%s", w, h,
	     (const char *)&format, pitches[0], offsets[0], handles[0],
	     valid ? " (valid)" : "");
	if (!TRY(fz, drmModeAddFB2WithModifiers(fd, w, h, format, handles,
						pitches, offsets, modifiers,
						&id, flags),
		 valid ? 0 : A_INPUT))
		return;
	note(fz, " = fb %u", id);
	i = add_fb(fz, fd, fz->fbs, &fz->nfbs, MAX_FBS, id);
	fz->fb_size[i][0] = w;
	fz->fb_size[i][1] = h;
}

static void op_rmfb(struct fuzz *fz, int fd, unsigned int must)
{
	uint32_t id = some_fb(fz);
	bool ours = false;

	for (unsigned int i = 0; i < fz->nfbs; i++)
		if (fz->fbs[i] == id) {
			fz->fbs[i] = fz->fbs[--fz->nfbs];
			memcpy(fz->fb_size[i], fz->fb_size[fz->nfbs],
			       sizeof(fz->fb_size[i]));
			ours = true;
			break;
		}
	note(fz, " %u%s", id, ours ? " (ours)" : "");
	TRY(fz, drmModeRmFB(fz->d.fd, id), ours ? 0 : A_ENOENT | A_EINVAL);
}

static void op_blob(struct fuzz *fz, int fd, unsigned int must)
{
	static uint8_t data[64 * 1024];
	size_t len;
	uint32_t id;

	switch (below(fz, 8)) {
	case 0:
	case 1:	/* a mode, maybe with one field changed */
		len = sizeof(drmModeModeInfo);
		memcpy(data, &fz->modes[below(fz, fz->nmodes)], len);
		if (chance(fz, 50))
			((uint16_t *)data)[2 + below(fz, 9)] = rnd(fz);
		break;
	case 2:	/* a colour LUT */
		len = sizeof(struct drm_color_lut) *
		      (chance(fz, 60) ? 1024 : 1 + below(fz, 4096));
		for (size_t i = 0; i < len; i++)
			data[i] = rnd(fz);
		break;
	case 3:	/* a CTM */
		len = sizeof(struct drm_color_ctm);
		for (size_t i = 0; i < len / 8; i++)
			((uint64_t *)data)[i] = chance(fz, 50) ? 1ull << 32 : edge_value(fz);
		break;
	case 4:	/* damage clips */
		len = sizeof(struct drm_mode_rect) * below(fz, 16);
		for (size_t i = 0; i < len / 4; i++)
			((int32_t *)data)[i] = chance(fz, 80) ? (int32_t)below(fz, 2048) : (int32_t)edge_value(fz);
		break;
	default:
		len = below(fz, 256);
		for (size_t i = 0; i < len; i++)
			data[i] = rnd(fz);
	}
	note(fz, " %zu bytes", len);
	if (!TRY(fz, drmModeCreatePropertyBlob(fz->d.fd, data, len, &id),
		 len ? 0 : A_EINVAL | A_FAIL))
		return;
	note(fz, " = blob %u", id);
	if (fz->nblobs == MAX_BLOBS)
		fz->blobs[below(fz, MAX_BLOBS)] = id;
	else
		fz->blobs[fz->nblobs++] = id;
}

static void op_unblob(struct fuzz *fz, int fd, unsigned int must)
{
	uint32_t id = some_blob(fz);

	note(fz, " %u", id);
	/* Destroyed blobs stay in the list: a second destroy gets ENOENT. */
	TRY(fz, drmModeDestroyPropertyBlob(fz->d.fd, id), A_ENOENT | A_EPERM | A_EINVAL);
}

static void op_setcrtc(struct fuzz *fz, int fd, unsigned int must)
{
	drmModeModeInfo mode = *small_mode(fz);
	uint32_t crtc = some_crtc(fz), fb = some_fb(fz), conns[2];
	int n = below(fz, 3);
	uint32_t x = chance(fz, 80) ? below(fz, 64) : (uint32_t)edge_value(fz);
	uint32_t y = chance(fz, 80) ? below(fz, 64) : (uint32_t)edge_value(fz);
	bool off = chance(fz, 20);

	for (int i = 0; i < n; i++)
		conns[i] = some_obj(fz, DRM_MODE_OBJECT_CONNECTOR, -1)->id;
	if (chance(fz, 20))
		((uint16_t *)&mode)[2 + below(fz, 9)] = rnd(fz);
	note(fz, " crtc %u fb %u +%u+%u %d conns %s", crtc, fb, x, y, n,
	     off ? "off" : mode.name);
	TRY(fz, drmModeSetCrtc(fd, crtc, fb, x, y, conns, n, off ? NULL : &mode),
	    A_INPUT | A_EBUSY | must);
}

static void op_flip(struct fuzz *fz, int fd, unsigned int must)
{
	uint32_t flags = 0;
	uint32_t crtc = some_crtc(fz), fb = some_fb(fz);

	if (chance(fz, 50))
		flags |= DRM_MODE_PAGE_FLIP_EVENT;
	if (chance(fz, 10))
		flags |= DRM_MODE_PAGE_FLIP_ASYNC;
	if (chance(fz, 5))
		flags |= 1u << below(fz, 32);
	note(fz, " crtc %u fb %u flags %#x", crtc, fb, flags);
	TRY(fz, drmModePageFlip(fd, crtc, fb, flags, NULL),
	    A_INPUT | A_EBUSY | A_ENOMEM | A_EOPNOTSUPP | must);
}

static void op_cursor(struct fuzz *fz, int fd, unsigned int must)
{
	uint32_t crtc = some_crtc(fz), handle = 0, w = 64, h = 64;
	int x = (int)below(fz, 2048) - 512, y = (int)below(fz, 2048) - 512;

	if (fz->ndumbs && chance(fz, 70)) {
		const struct dumb *b = &fz->dumbs[below(fz, fz->ndumbs)];

		handle = b->handle;
		w = b->width;
		h = b->height;
	}
	if (chance(fz, 20)) {
		w = below(fz, 300);
		h = below(fz, 300);
	}
	switch (below(fz, 3)) {
	case 0:
		note(fz, " set crtc %u handle %u %ux%u", crtc, handle, w, h);
		TRY(fz, drmModeSetCursor(fd, crtc, handle, w, h),
		    A_INPUT | A_EBUSY | A_ENOMEM | must);
		break;
	case 1:
		note(fz, " set2 crtc %u handle %u %ux%u hot %d,%d", crtc, handle,
		     w, h, x / 8, y / 8);
		TRY(fz, drmModeSetCursor2(fd, crtc, handle, w, h, x / 8, y / 8),
		    A_INPUT | A_EBUSY | A_ENOMEM | must);
		break;
	default:
		note(fz, " move crtc %u to %d,%d", crtc, x, y);
		TRY(fz, drmModeMoveCursor(fd, crtc, x, y), A_INPUT | A_EBUSY | must);
	}
}

static void op_setplane(struct fuzz *fz, int fd, unsigned int must)
{
	const struct obj *o = &fz->objs[below(fz, fz->nobjs)];
	uint32_t crtc = some_crtc(fz), fb = some_fb(fz);
	int32_t x = (int)below(fz, 2048) - 256, y = (int)below(fz, 2048) - 256;
	uint32_t w = below(fz, 2048), h = below(fz, 2048);
	uint32_t sw = chance(fz, 80) ? w << 16 : rnd(fz);
	uint32_t sh = chance(fz, 80) ? h << 16 : rnd(fz);

	note(fz, " plane %u crtc %u fb %u %ux%u%+d%+d src %#x,%#x", o->id, crtc,
	     fb, w, h, x, y, sw, sh);
	TRY(fz, drmModeSetPlane(fd, o->id, crtc, fb, 0, x, y, w, h, 0, 0, sw, sh),
	    A_INPUT | A_EBUSY | must);
}

static void op_gamma(struct fuzz *fz, int fd, unsigned int must)
{
	static uint16_t lut[3][4096];
	uint32_t crtc = some_crtc(fz);
	uint32_t size = chance(fz, 70) ? 256u << below(fz, 3) : below(fz, 4096);

	for (int i = 0; i < 3; i++)
		for (uint32_t j = 0; j < size; j++)
			lut[i][j] = chance(fz, 90) ? j * 0xffff / size : rnd(fz);
	note(fz, " crtc %u size %u", crtc, size);
	TRY(fz, drmModeCrtcSetGamma(fd, crtc, size, lut[0], lut[1], lut[2]),
	    A_INPUT | A_ENOSYS | A_EBUSY | must);
}

/* Getters: with real ids they succeed, with others they get ENOENT. */
static void op_get(struct fuzz *fz, int fd, unsigned int must)
{
	const struct obj *o = &fz->objs[below(fz, fz->nobjs)];
	uint32_t id = chance(fz, 70) ? o->id : 1 + below(fz, 300);
	unsigned int allowed = id == o->id ? must : A_ENOENT | A_EINVAL | must;
	void *p = NULL;
	int err = 0;

	switch (below(fz, 6)) {
	case 0:
		note(fz, " resources");
		p = drmModeGetResources(fd);
		err = p ? 0 : errno;
		drmModeFreeResources(p);
		allowed = must;
		break;
	case 1:
		note(fz, " properties of %u", id);
		p = drmModeObjectGetProperties(fd, id, DRM_MODE_OBJECT_ANY);
		err = p ? 0 : errno;
		drmModeFreeObjectProperties(p);
		break;
	case 2:
		id = chance(fz, 80) && fz->nblobs ? fz->blobs[below(fz, fz->nblobs)] : id;
		note(fz, " blob %u", id);
		p = drmModeGetPropertyBlob(fd, id);
		err = p ? 0 : errno;
		drmModeFreePropertyBlob(p);
		allowed = A_ENOENT | A_EINVAL | must;
		break;
	case 3:
		id = some_fb(fz);
		note(fz, " fb2 %u", id);
		p = drmModeGetFB2(fd, id);
		err = p ? 0 : errno;
		if (p) {
			drmModeFB2 *f = p;

			for (int i = 0; i < 4; i++)
				if (f->handles[i] &&
				    (!i || f->handles[i] != f->handles[0]))
					drmCloseBufferHandle(fd, f->handles[i]);
		}
		drmModeFreeFB2(p);
		allowed = A_ENOENT | A_EINVAL | must;
		break;
	case 4:
		note(fz, " connector %u", id);
		p = drmModeGetConnector(fd, id);
		err = p ? 0 : errno;
		drmModeFreeConnector(p);
		if (o->type != DRM_MODE_OBJECT_CONNECTOR)
			allowed = A_ENOENT | A_EINVAL | must;
		break;
	default:
		note(fz, " plane %u", id);
		p = drmModeGetPlane(fd, id);
		err = p ? 0 : errno;
		drmModeFreePlane(p);
		if (o->type != DRM_MODE_OBJECT_PLANE)
			allowed = A_ENOENT | A_EINVAL | must;
	}
	expect(fz, err, allowed);
}

/* The ops that act on any client's fd. */
static const enum op_kind fd_ops[] = {
	OP_ATOMIC, OP_SETCRTC, OP_FLIP, OP_CURSOR, OP_SETPLANE, OP_GAMMA,
	OP_GET,		/* last: any client may get */
};

/* One of the first @n of fd_ops on @fd, judged by @must. */
static void op_on(struct fuzz *fz, int fd, unsigned int must, unsigned int n)
{
	const struct op_kind_desc *kind = &kinds[fd_ops[below(fz, n)]];

	note(fz, " %s", kind->name);
	kind->run(fz, fd, must);
}

/*
 * The second client, not master: it may make framebuffers (which the
 * master's commits then name), and every modeset of its own is EACCES.
 */
static void op_client(struct fuzz *fz, int fd, unsigned int must)
{
	uint32_t handle, pitch, id;
	uint64_t size;

	if (chance(fz, 70)) {
		op_on(fz, fz->fd2, A_EACCES | A_FAIL, ARRAY_SIZE(fd_ops) - 1);
		return;
	}
	note(fz, " fb");
	if (!TRY(fz, drmModeCreateDumbBuffer(fz->fd2, 64, 64, 32, 0, &handle,
					     &pitch, &size), 0))
		return;
	if (TRY(fz, drmModeAddFB(fz->fd2, 64, 64, 24, 32, pitch, handle, &id), 0)) {
		note(fz, " = %u", id);
		add_fb(fz, fz->fd2, fz->fbs2, &fz->nfbs2, 4, id);
	}
	drmModeDestroyDumbBuffer(fz->fd2, handle);
}

/* A render-node client reaches no KMS ioctl. */
static void op_render(struct fuzz *fz, int fd, unsigned int must)
{
	if (fz->render >= 0)
		op_on(fz, fz->render, A_EACCES | A_FAIL, ARRAY_SIZE(fd_ops));
}

/* The CRC interface of a CRTC: set a source, read, and garbage in. */
static void op_crc(struct fuzz *fz, int fd, unsigned int must)
{
	static const char *const sources[] = {
		"auto", "auto", "auto\n", "", "none", "bogus",
	};
	unsigned int pipe = below(fz, fz->ncrtcs);
	const char *src = sources[below(fz, 6)];
	char path[128], buf[256];
	bool valid = !strncmp(src, "auto", 4) || !*src;
	int ctl, data;

	snprintf(path, sizeof(path), "%s/crtc-%u/crc/control", fz->debugfs, pipe);
	ctl = open(path, O_WRONLY);
	if (ctl < 0) {
		fail(fz, "open %s: %s\n", path, strerror(errno));
		return;
	}
	note(fz, " crtc-%u source '%s'", pipe, src);
	TRY(fz, write(ctl, src, strlen(src)), valid ? 0 : A_EINVAL);
	close(ctl);

	snprintf(path, sizeof(path), "%s/crtc-%u/crc/data", fz->debugfs, pipe);
	data = open(path, O_RDONLY | O_NONBLOCK);
	/* EIO: the CRTC is off; EBUSY: crc/data is open elsewhere. */
	if (!TRY(fz, data, A_EIO | A_EBUSY | A_EINVAL))
		return;
	for (int i = 0, n = below(fz, 4); i < n; i++) {
		usleep(20000);
		if (read(data, buf, sizeof(buf)) < 0 && errno != EAGAIN) {
			expect(fz, errno, A_EINVAL);
			break;
		}
	}
	close(data);
}

/* Ioctls on an fd of an earlier binding: ENODEV, every one. */
static void op_stale(struct fuzz *fz, int fd, unsigned int must)
{
	op_on(fz, fz->stale[below(fz, fz->nstale)], A_ENODEV | A_FAIL,
	      ARRAY_SIZE(fd_ops));
}

/* Bind the device again (if it is not) and open its clients. */
static void attach(struct fuzz *fz)
{
	dut_ensure(&fz->d);
	scan(fz);
	open_clients(fz);
}

/*
 * Unbind with every fd open, write to the old mappings, bind again. The
 * master and the second client stay as old fds for later ops.
 */
static void op_unbind(struct fuzz *fz, int fd, unsigned int must)
{
	dut_unbind(&fz->d);
	for (unsigned int i = 0; i < fz->ndumbs; i++)
		if (fz->dumbs[i].map)
			memset(fz->dumbs[i].map, 0x5a, fz->dumbs[i].size < 4096 ?
			       fz->dumbs[i].size : 4096);
	drop_buffers(fz);
	drain_events(fz, fz->d.fd);
	if (fz->render >= 0)
		close(fz->render);
	fz->render = -1;
	for (int i = 0; i < 2; i++) {
		int fd = i ? fz->fd2 : dup(fz->d.fd);

		if (fz->nstale == MAX_STALE)
			close(fz->stale[--fz->nstale]);
		fz->stale[fz->nstale++] = fd;
	}
	fz->fd2 = -1;
	dut_close(&fz->d);
	attach(fz);
}

static const struct op_kind_desc kinds[OP_COUNT] = {
	[OP_ATOMIC] = { "atomic", 30, op_atomic },
	[OP_SETPROP] = { "setprop", 5, op_setprop },
	[OP_ADDFB] = { "addfb", 8, op_addfb },
	[OP_RMFB] = { "rmfb", 3, op_rmfb },
	[OP_DUMB] = { "dumb", 4, op_dumb },
	[OP_BLOB] = { "blob", 6, op_blob },
	[OP_UNBLOB] = { "unblob", 2, op_unblob },
	[OP_SETCRTC] = { "setcrtc", 4, op_setcrtc },
	[OP_FLIP] = { "flip", 5, op_flip },
	[OP_CURSOR] = { "cursor", 4, op_cursor },
	[OP_SETPLANE] = { "setplane", 4, op_setplane },
	[OP_GAMMA] = { "gamma", 2, op_gamma },
	[OP_GET] = { "get", 6, op_get },
	[OP_CLIENT] = { "client", 4, op_client },
	[OP_RENDER] = { "render", 1, op_render },
	[OP_CRC] = { "crc", 2, op_crc },
	[OP_STALE] = { "stale", 2, op_stale },
	[OP_UNBIND] = { "unbind", 0, op_unbind },	/* by MKMS_FUZZ_UNBIND */
};

static enum op_kind pick(struct fuzz *fz, unsigned int unbind_every)
{
	unsigned int total = 0, r;

	if (unbind_every && below(fz, unbind_every) == 0 && fz->can_unbind)
		return OP_UNBIND;
	for (int k = 0; k < OP_COUNT; k++)
		total += kinds[k].weight;
	r = below(fz, total);
	for (int k = 0; k < OP_COUNT; k++) {
		if (r < kinds[k].weight)
			return k;
		r -= kinds[k].weight;
	}
	return OP_GET;
}

/* Run op @i of the seed's sequence. */
static void run_op(struct fuzz *fz, unsigned int i, unsigned int unbind_every)
{
	enum op_kind k;

	fz->rng = fz->seed * 0x100000001b3ull + i;
	dut_splitmix(&fz->rng);
	fz->op = i;
	fz->len = 0;
	fz->bad_ptr = fz->out_fence = false;
	k = pick(fz, unbind_every);
	if (k == OP_STALE && !fz->nstale)
		k = OP_GET;
	note(fz, "%s", kinds[k].name);
	igt_set_timeout(OP_SECONDS, fz->desc);

	kinds[k].run(fz, fz->d.fd, 0);
	drain_events(fz, fz->d.fd);
	check_kmsg(fz);
	igt_reset_timeout();
	fz->stats[k][fz->len && !strstr(fz->desc, " -> ")]++;
	if (fz->verbose)
		igt_info("  #%u %s\n", i, fz->desc);
}

/*
 * Turn every CRTC and plane off, and every other property back to what
 * the scan saw (rotation, alpha, zpos, colour, ...), as at the start.
 */
static void all_off(struct fuzz *fz)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();

	for (int i = 0; i < fz->nobjs; i++) {
		const struct obj *o = &fz->objs[i];

		for (int j = 0; j < o->nprops; j++) {
			const struct prop *p = o->props[j];
			uint32_t type = p->flags & (DRM_MODE_PROP_LEGACY_TYPE |
						    DRM_MODE_PROP_EXTENDED_TYPE);
			bool link = type == DRM_MODE_PROP_BLOB ||
				    type == DRM_MODE_PROP_OBJECT ||
				    !strcmp(p->name, "ACTIVE");

			/* DPMS is legacy only; fences are per commit. */
			if (p->flags & DRM_MODE_PROP_IMMUTABLE || is_pointer(p) ||
			    !strcmp(p->name, "DPMS") || !strcmp(p->name, "IN_FENCE_FD"))
				continue;
			drmModeAtomicAddProperty(req, o->id, p->id,
						 link ? 0 : o->initial[j]);
		}
	}
	igt_assert_f(drmModeAtomicCommit(fz->d.fd, req,
					 DRM_MODE_ATOMIC_ALLOW_MODESET, NULL) == 0,
		     "turning everything off: %s\n", strerror(errno));
	drmModeAtomicFree(req);
}

/*
 * Start from a fresh binding, so that a replay sees what the run saw; a
 * device that cannot be unbound gets everything turned off instead.
 */
static void restart(struct fuzz *fz)
{
	close_clients(fz);
	if (fz->can_unbind) {
		dut_unbind(&fz->d);
		dut_close(&fz->d);
	} else {
		all_off(fz);
		/* Their mappings would keep the file, and master, alive. */
		for (int i = 0; i < 2; i++)
			dut_free_fb(&fz->d, &fz->d.buf[i]);
		dut_set_mode(&fz->d);
	}
	attach(fz);
	fz->failed[0] = '\0';
}

/*
 * Run ops @idx[0..n) from a fresh start; true if the run fails, and for
 * the same reason as the run it replays (@want) if that is set.
 */
static bool replay(struct fuzz *fz, const unsigned int *idx, unsigned int n,
		   unsigned int unbind_every)
{
	restart(fz);
	for (unsigned int i = 0; i < n && !fz->failed[0]; i++)
		run_op(fz, idx[i], unbind_every);
	return fz->failed[0] && (!fz->want[0] || !strcmp(fz->reason, fz->want));
}

/*
 * Shrink the failing sequence @idx[0..*n) to a short one that still fails:
 * first the shortest tail of it that does (the failing op alone, the last
 * 16, 256, all), then drop chunks of that (halving their size) as long as
 * what is left still fails (ddmin), within MAX_REPLAYS replays and
 * MINIMISE_SECONDS. False if no replay failed: the failure depends on
 * timing, or on the kernel's state before the run.
 */
static bool minimise(struct fuzz *fz, unsigned int *idx, unsigned int *n,
		     unsigned int unbind_every)
{
	static const unsigned int tails[] = { 1, 16, 256, UINT32_MAX };
	double deadline = dut_now() + MINIMISE_SECONDS;
	unsigned int *tmp, chunk, replays = 0;
	bool found = false;

	for (unsigned int t = 0; t < 4 && !found && dut_now() < deadline; t++) {
		unsigned int len = tails[t] < *n ? tails[t] : *n;

		if (t && tails[t - 1] >= *n)
			break;
		if (replay(fz, idx + *n - len, len, unbind_every)) {
			memmove(idx, idx + *n - len, len * sizeof(*idx));
			*n = len;
			found = true;
		}
	}
	if (!found)
		return false;

	tmp = calloc(*n, sizeof(*tmp));
	igt_assert(tmp);
	chunk = *n / 2;
	while (chunk >= 1 && *n > 1 && replays < MAX_REPLAYS &&
	       dut_now() < deadline) {
		bool shrunk = false;

		/* The last op stays: it is where the failure shows. */
		for (unsigned int start = 0; start + 1 < *n &&
		     replays < MAX_REPLAYS && dut_now() < deadline;) {
			unsigned int len = start + chunk < *n ? chunk : *n - 1 - start;
			unsigned int m = 0;

			for (unsigned int i = 0; i < *n; i++)
				if (i < start || i >= start + len)
					tmp[m++] = idx[i];
			replays++;
			if (replay(fz, tmp, m, unbind_every)) {
				memcpy(idx, tmp, m * sizeof(*tmp));
				*n = m;
				shrunk = true;
			} else {
				start += len;
			}
		}
		if (!shrunk)
			chunk /= 2;
	}
	free(tmp);
	return true;
}

/* Whether the device behind @fd has a driver sysfs can unbind it from. */
static bool has_driver(int fd)
{
	int sysfs = igt_sysfs_open(fd);
	bool ret;

	igt_assert_fd(sysfs);
	ret = !faccessat(sysfs, "device/driver/unbind", W_OK, 0);
	close(sysfs);
	return ret;
}

static void fuzz_init(struct fuzz *fz)
{
	memset(fz, 0, sizeof(*fz));
	fz->d = (struct dut)DUT_INIT;
	fz->fd2 = fz->render = -1;
	for (int i = 0; i < 4; i++)
		fz->fence[i] = -1;
	fz->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	igt_require_f(fz->kmsg >= 0, "no /dev/kmsg: %s\n", strerror(errno));
	lseek(fz->kmsg, 0, SEEK_END);

	dut_open(&fz->d);
	fz->can_unbind = has_driver(fz->d.fd);
	if (fz->can_unbind) {
		dut_find_driver(&fz->d);
		dut_close(&fz->d);
	} else {
		dut_set_mode(&fz->d);
	}
	attach(fz);
}

/* Run the ops a failure printed (MKMS_FUZZ_ONLY=i,j,...) from a fresh start. */
static void run_only(struct fuzz *fz, const char *list, unsigned int unbind_every)
{
	unsigned int idx[1024], n = 0;
	char *end;

	for (const char *p = list; *p && n < ARRAY_SIZE(idx); p = end + (*end == ',')) {
		idx[n++] = strtoul(p, &end, 10);
		igt_assert_f(end != p && (*end == ',' || !*end),
			     "MKMS_FUZZ_ONLY: a list of op numbers, not '%s'\n", list);
	}
	igt_info("seed %" PRIu64 ", %u ops of it:\n", fz->seed, n);
	fz->verbose = true;
	igt_assert_f(!replay(fz, idx, n, unbind_every), "failed at %s", fz->failed);
}

static void fuzz_run(struct fuzz *fz)
{
	uint64_t seed = env_u64("MKMS_FUZZ_SEED", 1);
	unsigned int ops = env_u64("MKMS_FUZZ_OPS", 10000);
	unsigned int unbind_every = env_u64("MKMS_FUZZ_UNBIND", 1000);
	unsigned int *idx, n, unbinds = 0;
	double t0 = dut_now();

	fz->seed = seed;
	if (getenv("MKMS_FUZZ_ONLY")) {
		run_only(fz, getenv("MKMS_FUZZ_ONLY"), unbind_every);
		return;
	}
	igt_info("seed %" PRIu64 ", %u ops, an unbind in %u%s\n", seed, ops,
		 unbind_every, fz->can_unbind ? "" : " (none: no driver to unbind)");
	for (n = 0; n < ops && !fz->failed[0]; n++) {
		run_op(fz, n, unbind_every);
		unbinds += !strcmp(fz->desc, "unbind");
	}
	if (!fz->failed[0]) {
		unsigned long ok = 0, err = 0;

		for (int k = 0; k < OP_COUNT; k++) {
			igt_info("%-9s %6lu ok %6lu refused\n", kinds[k].name,
				 fz->stats[k][1], fz->stats[k][0]);
			ok += fz->stats[k][1];
			err += fz->stats[k][0];
		}
		igt_info("seed %" PRIu64 ": %u ops (%lu succeeded, %lu refused as they should), %u unbinds, %.1f ops/s, no splat\n",
			 seed, ops, ok, err, unbinds, ops / (dut_now() - t0));
		return;
	}

	igt_info("FAILED at %s", fz->failed);
	igt_info("reproduce with MKMS_FUZZ_SEED=%" PRIu64 " MKMS_FUZZ_OPS=%u MKMS_FUZZ_UNBIND=%u\n",
		 seed, n, unbind_every);
	snprintf(fz->want, sizeof(fz->want), "%s", fz->reason);
	idx = calloc(n, sizeof(*idx));
	igt_assert(idx);
	for (unsigned int i = 0; i < n; i++)
		idx[i] = i;
	if (minimise(fz, idx, &n, unbind_every)) {
		igt_info("shortest failing sequence found (%u ops), from a fresh binding:\n", n);
		fz->verbose = true;
		if (replay(fz, idx, n, unbind_every))
			igt_info("which fails at %s", fz->failed);
		else
			igt_info("(it did not fail on this last replay: timing-dependent)\n");
		fz->len = 0;
		for (unsigned int i = 0; i < n; i++)
			note(fz, "%s%u", i ? "," : "", idx[i]);
		igt_info("replay it with MKMS_FUZZ_SEED=%" PRIu64 " MKMS_FUZZ_UNBIND=%u MKMS_FUZZ_ONLY=%s\n",
			 seed, unbind_every, fz->desc);
	} else {
		igt_info("no replay failed again: the failure depends on timing\n");
	}
	free(idx);
	igt_fail(IGT_EXIT_FAILURE);
}

/* ---- Permissions ---------------------------------------------------------------- */

static void assert_denied(int ret, int err, const char *what)
{
	igt_assert_f(ret < 0 && err == EACCES, "%s: want EACCES, got %s\n",
		     what, ret < 0 ? strerror(err) : "success");
}

#define DENIED(call, what) \
	do { int __r = (call); assert_denied(__r, errno, what); } while (0)

/* Every modeset ioctl of a client that is not master (or a render node). */
static void assert_no_modeset(struct dut *d, int fd, const char *who)
{
	uint16_t lut[256] = {};
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t active = dut_prop_id(d->fd, d->crtc_id, DRM_MODE_OBJECT_CRTC,
				      "ACTIVE");

	igt_info("%s: no modeset\n", who);
	drmModeAtomicAddProperty(req, d->crtc_id, active, 0);
	DENIED(drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_TEST_ONLY |
				   DRM_MODE_ATOMIC_ALLOW_MODESET, NULL),
	       "atomic TEST_ONLY");
	DENIED(drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL),
	       "atomic");
	drmModeAtomicFree(req);
	DENIED(drmModeSetCrtc(fd, d->crtc_id, 0, 0, 0, NULL, 0, NULL), "SETCRTC");
	DENIED(drmModePageFlip(fd, d->crtc_id, d->buf[1].fb_id, 0, NULL),
	       "PAGE_FLIP");
	DENIED(drmModeSetPlane(fd, d->plane_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
	       "SETPLANE");
	DENIED(drmModeSetCursor(fd, d->crtc_id, 0, 0, 0), "CURSOR");
	DENIED(drmModeMoveCursor(fd, d->crtc_id, 1, 1), "MOVE_CURSOR");
	DENIED(drmModeObjectSetProperty(fd, d->crtc_id, DRM_MODE_OBJECT_CRTC,
					active, 0), "OBJ_SETPROPERTY");
	DENIED(drmModeCrtcSetGamma(fd, d->crtc_id, 256, lut, lut, lut),
	       "SETGAMMA");
	/* And none of it reached the display. */
	igt_assert_eq_u64(dut_prop_value(d->fd, d->crtc_id, DRM_MODE_OBJECT_CRTC,
					 active), 1);
}

/* What user nobody tries in the device's debugfs; the first check failed. */
static int debugfs_as_nobody(const char *dir)
{
	static const char *const files[] = { "state", "crtc-0/crc/control",
					     "crtc-0/crc/data", "name" };
	char path[PATH_MAX];

	if (setgid(65534) || setuid(65534))
		return 1;
	for (unsigned int i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (open(path, O_RDONLY) >= 0 || errno != EACCES)
			return 2 + i;
	}
	if (opendir(dir) || errno != EACCES)
		return 10;
	return 0;
}

static void test_permissions(void)
{
	struct dut d = DUT_INIT;
	char card[64], dir[64];
	int fd2, render, status;
	struct stat st;
	pid_t child;

	dut_open(&d);
	dut_set_mode(&d);
	igt_assert(fstat(d.fd, &st) == 0);
	snprintf(card, sizeof(card), "/dev/dri/card%u", minor(st.st_rdev));
	snprintf(dir, sizeof(dir), "/sys/kernel/debug/dri/%u", minor(st.st_rdev));

	fd2 = open(card, O_RDWR | O_CLOEXEC);
	igt_assert_fd(fd2);
	igt_assert(drmSetClientCap(fd2, DRM_CLIENT_CAP_ATOMIC, 1) == 0);
	assert_no_modeset(&d, fd2, "a second client");
	igt_assert_f(drmSetMaster(fd2) < 0 && errno == EBUSY,
		     "a second master while the first holds it: %s\n",
		     strerror(errno));

	/* Master moves: the old one loses modeset, the new one has it. */
	igt_assert_eq(drmDropMaster(d.fd), 0);
	igt_assert_eq(drmSetMaster(fd2), 0);
	{
		int fd = d.fd;

		d.fd = fd2;
		fd2 = fd;
	}
	assert_no_modeset(&d, fd2, "the former master");
	igt_assert_eq(dut_flip(&d, 0), 0);
	igt_assert_eq(drmDropMaster(d.fd), 0);
	igt_assert_eq(drmSetMaster(fd2), 0);
	close(d.fd);
	d.fd = fd2;

	render = open_render(d.fd);
	if (render >= 0) {
		igt_assert(drmSetClientCap(render, DRM_CLIENT_CAP_ATOMIC, 1) < 0);
		assert_no_modeset(&d, render, "the render node");
		DENIED(drmModeGetResources(render) ? 0 : -1, "GETRESOURCES");
		close(render);
	} else {
		igt_info("no render node: no KMS to keep out of it\n");
	}

	child = fork();
	igt_assert(child >= 0);
	if (child == 0)
		_exit(debugfs_as_nobody(dir));
	igt_assert_eq(waitpid(child, &status, 0), child);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "user nobody got into %s (check %d)\n", dir,
		     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	dut_close(&d);
}

/* @m made @w x @h at the same refresh rate, blanking kept. */
static drmModeModeInfo mode_sized(const drmModeModeInfo *m, uint32_t w,
				  uint32_t h)
{
	drmModeModeInfo r = *m;
	uint64_t rate = (uint64_t)m->clock * 1000 * 1000 /
			((uint64_t)m->htotal * m->vtotal);

	r.hdisplay = w;
	r.hsync_start = w + (m->hsync_start - m->hdisplay);
	r.hsync_end = w + (m->hsync_end - m->hdisplay);
	r.htotal = w + (m->htotal - m->hdisplay);
	r.vdisplay = h;
	r.vsync_start = h + (m->vsync_start - m->vdisplay);
	r.vsync_end = h + (m->vsync_end - m->vdisplay);
	r.vtotal = h + (m->vtotal - m->vdisplay);
	r.clock = (uint64_t)r.htotal * r.vtotal * rate / (1000 * 1000);
	r.vrefresh = rate / 1000;
	snprintf(r.name, sizeof(r.name), "%ux%u", w, h);
	return r;
}

/*
 * A modeset to @mode must fail with EINVAL, TEST_ONLY or not, and leave
 * the CRTC's mode as it was.
 */
static void assert_mode_refused(struct dut *d, const drmModeModeInfo *mode,
				const char *what)
{
	uint32_t mode_id = dut_prop_id(d->fd, d->crtc_id, DRM_MODE_OBJECT_CRTC,
				       "MODE_ID");
	uint64_t before = dut_prop_value(d->fd, d->crtc_id,
					 DRM_MODE_OBJECT_CRTC, mode_id);
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t blob;

	igt_info("%s: %ux%u, clock %u kHz, flags 0x%x\n", what,
		 mode->hdisplay, mode->vdisplay, mode->clock, mode->flags);
	igt_assert_eq(drmModeCreatePropertyBlob(d->fd, mode, sizeof(*mode),
						&blob), 0);
	drmModeAtomicAddProperty(req, d->crtc_id, mode_id, blob);
	for (int test_only = 1; test_only >= 0; test_only--) {
		int ret = drmModeAtomicCommit(d->fd, req,
					      DRM_MODE_ATOMIC_ALLOW_MODESET |
					      (test_only ?
					       DRM_MODE_ATOMIC_TEST_ONLY : 0),
					      NULL);

		igt_assert_f(ret == -EINVAL,
			     "%s: %s modeset gave %d, not -EINVAL\n", what,
			     test_only ? "TEST_ONLY" : "real", ret);
	}
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(d->fd, blob);
	igt_assert_eq_u64(dut_prop_value(d->fd, d->crtc_id,
					 DRM_MODE_OBJECT_CRTC, mode_id),
			  before);
}

/*
 * Dumb buffers no framebuffer could use: larger than the largest one
 * (max_width x max_height) at 64 bits a pixel, by one line, or of more
 * than 64 bits a pixel. A buffer of exactly that size is made, and so is
 * one wider than any framebuffer but of one line.
 */
static void test_bad_dumbs(void)
{
	struct dut d = DUT_INIT;
	uint32_t handle, pitch;
	uint64_t size, cap;
	drmModeRes *res;
	uint32_t max_w, max_h;

	dut_open(&d);
	res = drmModeGetResources(d.fd);
	igt_assert(res);
	max_w = res->max_width;
	max_h = res->max_height;
	drmModeFreeResources(res);
	cap = (uint64_t)max_w * max_h * 8;

	const struct {
		uint32_t w, h, bpp;
	} bad[] = {
		{ max_w, max_h + 1, 64 },
		{ 1 << 18, cap / (1 << 20) + 1, 32 },	/* lines of 1 MiB */
		{ 1, 1, 65 },
		{ 65535, 116, 4096 },	/* 3.9 GB: what the fuzzer found */
	}, good[] = {
		{ max_w, max_h, 64 },
		{ 1 << 18, 1, 32 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = drmModeCreateDumbBuffer(d.fd, bad[i].w, bad[i].h,
						  bad[i].bpp, 0, &handle,
						  &pitch, &size);

		igt_assert_f(ret == -EINVAL,
			     "a %ux%u dumb buffer at %u bpp: %d, want -EINVAL\n",
			     bad[i].w, bad[i].h, bad[i].bpp, ret);
	}
	/* Made, not mapped: no page of them is allocated. */
	for (unsigned int i = 0; i < ARRAY_SIZE(good); i++) {
		int ret = drmModeCreateDumbBuffer(d.fd, good[i].w, good[i].h,
						  good[i].bpp, 0, &handle,
						  &pitch, &size);

		igt_assert_f(ret == 0,
			     "a %ux%u dumb buffer at %u bpp: %d, want 0\n",
			     good[i].w, good[i].h, good[i].bpp, ret);
		igt_assert_eq(drmModeDestroyDumbBuffer(d.fd, handle), 0);
	}
	dut_close(&d);
}

/*
 * Modes the timing generator cannot run, sent by the master: larger than
 * the device's max_width or max_height, interlaced, double scan, or at a
 * refresh rate outside 1..1000 Hz. The probe helpers keep such modes out
 * of a connector's list, so only a mode blob from userspace meets the
 * driver's own check.
 */
static void test_bad_modes(void)
{
	struct dut d = DUT_INIT;
	drmModeModeInfo m;
	drmModeRes *res;
	uint32_t max_w, max_h;

	dut_open(&d);
	dut_set_mode(&d);
	res = drmModeGetResources(d.fd);
	igt_assert(res);
	max_w = res->max_width;
	max_h = res->max_height;
	drmModeFreeResources(res);

	/* The largest one is fine: the check is not off by one. */
	m = mode_sized(&d.mode, max_w, d.mode.vdisplay);
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		uint32_t blob;

		igt_assert_eq(drmModeCreatePropertyBlob(d.fd, &m, sizeof(m),
							&blob), 0);
		dut_add(req, &d, d.crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID",
			blob);
		igt_assert_f(drmModeAtomicCommit(d.fd, req,
						 DRM_MODE_ATOMIC_TEST_ONLY |
						 DRM_MODE_ATOMIC_ALLOW_MODESET,
						 NULL) == 0,
			     "a %ux%u mode is refused\n", m.hdisplay,
			     m.vdisplay);
		drmModeAtomicFree(req);
		drmModeDestroyPropertyBlob(d.fd, blob);
	}

	m = mode_sized(&d.mode, max_w + 1, d.mode.vdisplay);
	assert_mode_refused(&d, &m, "wider than max_width");
	m = mode_sized(&d.mode, d.mode.hdisplay, max_h + 1);
	assert_mode_refused(&d, &m, "taller than max_height");
	m = d.mode;
	m.flags |= DRM_MODE_FLAG_INTERLACE;
	assert_mode_refused(&d, &m, "interlaced");
	m = d.mode;
	m.flags |= DRM_MODE_FLAG_DBLSCAN;
	assert_mode_refused(&d, &m, "double scan");
	m = d.mode;
	m.clock = (uint64_t)m.htotal * m.vtotal * 1001 / 1000 + 1;
	assert_mode_refused(&d, &m, "above 1000 Hz");
	m = d.mode;
	m.clock = 1;
	m.vrefresh = 0;
	assert_mode_refused(&d, &m, "below 1 Hz");

	/* And the display still runs the mode it had. */
	igt_assert_eq(dut_flip(&d, 0), 0);
	dut_close(&d);
}

static struct fuzz fuzz = {
	.d = DUT_INIT, .fd2 = -1, .render = -1, .kmsg = -1,
};

/*
 * Close what the fuzzer holds, also after a failure jumped out of it, and
 * leave the device as a fresh one: the fuzzer links connectors, writeback
 * ones too (which most clients cannot see), to CRTCs, and the next test
 * must not inherit that. A device with a driver is bound again after the
 * last fd is closed; one without gets everything turned off.
 */
static void fuzz_fini(struct fuzz *fz)
{
	if (fz->kmsg < 0)	/* not started, or done */
		return;
	if (fz->d.fd >= 0 && !fz->d.unbound && !fz->can_unbind && fz->nobjs)
		all_off(fz);
	close_clients(fz);
	if (fz->d.fd >= 0)
		dut_close(&fz->d);
	if (fz->can_unbind && !fz->d.unbound)
		dut_unbind(&fz->d);
	if (fz->d.unbound)
		dut_bind(&fz->d);
	if (fz->kmsg >= 0)
		close(fz->kmsg);
	fz->kmsg = -1;
}

int igt_main()
{
	igt_describe("Seeded ops on every object, with unbinds: no splat, hang or odd errno.");
	igt_subtest("atomic") {
		fuzz_init(&fuzz);
		fuzz_run(&fuzz);
		fuzz_fini(&fuzz);
	}

	igt_describe("Only the master modesets; render nodes and debugfs keep others out.");
	igt_subtest("permissions") {
		fuzz_fini(&fuzz);
		test_permissions();
	}

	igt_describe("Dumb buffers larger than the largest framebuffer are refused with EINVAL.");
	igt_subtest("bad-dumbs") {
		fuzz_fini(&fuzz);
		test_bad_dumbs();
	}

	igt_describe("Modes the timing generator cannot run are refused with EINVAL.");
	igt_subtest("bad-modes") {
		fuzz_fini(&fuzz);
		test_bad_modes();
	}

	igt_fixture()
		fuzz_fini(&fuzz);
}
