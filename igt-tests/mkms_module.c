// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: mkms module
 * Description: The driver's module against its users: device fds,
 *		mappings and dma-bufs pin the module, bound or unbound; rmmod
 *		succeeds once the last of them is gone and a reload gives a
 *		working device. With several devices, unbinding one leaves
 *		the others working.
 *
 * SUBTEST: rmmod-busy
 * Description: rmmod is refused while a device fd, a dma-buf or a mapping
 *		of the bound device is open, and the device keeps working;
 *		once all are closed rmmod succeeds and a reload works.
 *
 * SUBTEST: rmmod-after-close
 * Description: Unbind while a device fd, a mapping and a dma-buf are
 *		held; rmmod is refused until the last of them is closed,
 *		the buffer stays readable meanwhile, then rmmod succeeds and
 *		a reload works.
 *
 * SUBTEST: unbind-multi-device
 * Description: With two devices (mkms is reloaded with two if there is
 *		one), unbind one while the other keeps flipping; the other
 *		never stops, and the first binds again and works.
 *
 * SUBTEST: multi-crtc
 * Description: Loaded with four CRTCs and two overlays each, a device has
 *		four pipes of four planes, one connector and one writeback
 *		connector each, every plane and encoder tied to its own
 *		CRTC; all four light in one commit and flip together; an
 *		unbind with a flip in flight on each leaves the old fd
 *		failing with ENODEV, and a rebind works.
 *
 * SUBTEST: bad-params
 * Description: Loading mkms with a parameter out of range or not a
 *		number fails with EINVAL and leaves nothing behind: no
 *		module, no platform device; a load with good parameters
 *		then works.
 */

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "igt_kmod.h"
#include "dut.h"
#include "mkms_shared.h"

IGT_TEST_DESCRIPTION("Module unload against open fds, and unbind with several devices");

static struct dut dev[2] = { DUT_INIT, DUT_INIT };
static char module[NAME_MAX];
static bool loaded_with_opts;

/* ---- Module ------------------------------------------------------------- */

static void close_all(void)
{
	for (int i = 0; i < 2; i++) {
		dut_close(&dev[i]);
		if (dev[i].drv_dir >= 0)
			close(dev[i].drv_dir);
		dev[i].drv_dir = -1;
	}
}

/*
 * Open the @idx-th card, once it is there, as a device under test with a
 * mode set.
 */
static void open_dut(struct dut *d, int idx)
{
	int fd = -1;

	for (int i = 0; i < 50 && fd < 0; i++) {
		fd = __drm_open_driver_another(idx, DRIVER_ANY);
		if (fd < 0)
			usleep(100000);
	}
	igt_assert_f(fd >= 0, "no card %d within 5 s\n", idx);
	close(fd);
	dut_open_another(d, idx);
	dut_find_driver(d);
	dut_set_mode(d);
}

static int count_cards(void)
{
	int n = 0, fd;

	while ((fd = __drm_open_driver_another(n, DRIVER_ANY)) >= 0) {
		close(fd);
		n++;
	}
	return n;
}

/* Unload the module with nothing open, and load it with @opts. */
static void reload(const char *opts)
{
	int ret;

	close_all();
	ret = igt_kmod_unload(module);
	igt_assert_f(ret == 0, "rmmod %s with nothing open: %s\n", module,
		     strerror(-ret));
	ret = igt_kmod_load(module, opts);
	igt_assert_f(ret == 0, "modprobe %s %s: %s\n", module, opts ?: "",
		     strerror(-ret));
	loaded_with_opts = opts != NULL;
	open_dut(&dev[0], 0);
}

static void restore_module(int sig)
{
	if (!igt_kmod_is_loaded(module) || loaded_with_opts) {
		igt_kmod_unload(module);
		igt_kmod_load(module, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (dev[i].unbound)
			igt_sysfs_set(dev[i].drv_dir, "bind", dev[i].bus_addr);
}

/* rmmod must be refused while @what holds the module. */
static void assert_rmmod_refused(const char *what)
{
	int ret = igt_kmod_unload(module);

	igt_assert_f(ret == -EAGAIN || ret == -EBUSY,
		     "rmmod %s with %s open: want EAGAIN or EBUSY, got %s\n",
		     module, what, ret ? strerror(-ret) : "success");
	igt_assert_f(igt_kmod_is_loaded(module),
		     "%s is gone although %s is open\n", module, what);
}

/* ---- Subtests ----------------------------------------------------------- */

/*
 * Hold a device fd, both buffers' mappings and a dma-buf of one, and let
 * them go one by one, fd first: as long as any is held, rmmod is refused.
 * The bound device keeps working meanwhile; the unbound one keeps its
 * memory. @map_last picks which of the mapping and the dma-buf goes last.
 */
static void test_rmmod(struct dut *d, bool unbound, bool map_last)
{
	uint64_t size = d->buf[1].size;
	uint32_t *map;
	int prime;

	igt_assert_eq(drmPrimeHandleToFD(d->fd, d->buf[1].handle,
					 DRM_CLOEXEC | DRM_RDWR, &prime), 0);
	if (unbound) {
		dut_unbind(d);
		dut_assert_gone(d);
	}

	assert_rmmod_refused("a device fd, mappings and a dma-buf");
	if (!unbound) {
		d->flips = 0;
		igt_assert_eq(dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK |
				       DRM_MODE_PAGE_FLIP_EVENT), 0);
		igt_assert_f(dut_wait_event(d, 2000) && d->flips == 1,
			     "no flip after a refused rmmod\n");
	}
	igt_assert_eq(drm_close_driver(d->fd), 0);
	d->fd = -1;

	if (map_last) {
		igt_assert_eq(close(prime), 0);
		prime = -1;
		assert_rmmod_refused("a mapping");
	} else {
		for (int i = 0; i < 2; i++) {
			igt_assert_eq(munmap(d->buf[i].map, d->buf[i].size), 0);
			d->buf[i].map = NULL;
		}
		assert_rmmod_refused("a dma-buf");
		map = mmap(NULL, size, PROT_READ, MAP_SHARED, prime, 0);
		igt_assert(map != MAP_FAILED);
		igt_assert_eq_u32(map[size / 4 - 1], 0xff00ff00);
		igt_assert_eq(munmap(map, size), 0);
	}
	for (int i = 0; i < 2; i++)
		if (d->buf[i].map)
			igt_assert_eq_u32(d->buf[i].map[1], i ? 0xff00ff00 : 0xff0000ff);

	dut_close(d);	/* unmaps what is still mapped */
	if (prime >= 0)
		igt_assert_eq(close(prime), 0);
	d->unbound = false;	/* the reload binds a new device */
	reload(NULL);
	dut_rebind_and_flip(d);
}

/* Keep @arg's device flipping until told to stop: 0 or -errno. */
static volatile bool stop_flipping;

static void *keep_flipping(void *arg)
{
	struct dut *d = arg;

	while (!stop_flipping) {
		unsigned int flips = d->flips;
		int ret;

		ret = dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK |
			       DRM_MODE_PAGE_FLIP_EVENT);
		if (ret)
			return (void *)(intptr_t)ret;
		while (d->flips == flips)
			if (!dut_wait_event(d, 5000))
				return (void *)(intptr_t)-ETIMEDOUT;
	}
	return NULL;
}

/* Wait until @d has flipped @n more times; false after 20 s. */
static bool flips_go_on(struct dut *d, unsigned int n)
{
	unsigned int want = __atomic_load_n(&d->flips, __ATOMIC_RELAXED) + n;
	double t0 = dut_now();

	while (__atomic_load_n(&d->flips, __ATOMIC_RELAXED) < want)
		if (dut_now() - t0 > 20)
			return false;
		else
			usleep(10000);
	return true;
}

static void test_multi_device(void)
{
	struct dut *a = &dev[0], *b = &dev[1];
	drmModeRes *res;
	pthread_t thread;
	void *ret;

	if (count_cards() < 2 && !strcmp(module, MKMS_DRIVER_NAME))
		reload(MKMS_PARAM_NUM_DEVICES "=2");
	igt_require_f(count_cards() >= 2, "only one device of %s\n", module);

	open_dut(b, 1);
	igt_info("unbinding %s while %s flips\n", a->bus_addr, b->bus_addr);

	stop_flipping = false;
	b->flips = 0;
	igt_assert(pthread_create(&thread, NULL, keep_flipping, b) == 0);
	igt_assert_f(flips_go_on(b, 5), "%s does not flip\n", b->bus_addr);
	igt_assert_eq(dut_flip(a, DRM_MODE_ATOMIC_NONBLOCK |
			       DRM_MODE_PAGE_FLIP_EVENT), 0);
	dut_unbind(a);
	dut_assert_gone(a);
	igt_assert_f(flips_go_on(b, 10),
		     "%s stopped flipping when %s was unbound\n", b->bus_addr,
		     a->bus_addr);
	res = drmModeGetResources(b->fd);
	igt_assert_f(res, "%s: GETRESOURCES after the other's unbind: %s\n",
		     b->bus_addr, strerror(errno));
	drmModeFreeResources(res);

	dut_rebind_and_flip(a);
	igt_assert_f(flips_go_on(b, 5),
		     "%s stopped flipping when %s was bound again\n",
		     b->bus_addr, a->bus_addr);
	stop_flipping = true;
	igt_assert(pthread_join(thread, &ret) == 0);
	igt_assert_f(!ret, "%s's flips failed: %s\n", b->bus_addr,
		     strerror(-(intptr_t)ret));

	if (loaded_with_opts)
		reload(NULL);
}

/* The CRTC index an object with @mask as its possible CRTCs is tied to. */
static int only_crtc(uint32_t mask)
{
	igt_assert_f(mask && !(mask & (mask - 1)),
		     "possible CRTCs 0x%x: want exactly one\n", mask);
	return __builtin_ctz(mask);
}

/* Light every pipe of @d, connector i on CRTC i, with one commit. */
static void light_all_pipes(struct dut *d, const uint32_t *crtcs,
			    const uint32_t *connectors,
			    const uint32_t *primaries, unsigned int n,
			    uint32_t flags)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	uint32_t crtc = d->crtc_id;
	int ret;

	for (unsigned int i = 0; i < n; i++) {
		d->crtc_id = crtcs[i];
		dut_add(req, d, crtcs[i], DRM_MODE_OBJECT_CRTC, "MODE_ID",
			d->mode_blob);
		dut_add(req, d, crtcs[i], DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
		dut_add(req, d, connectors[i], DRM_MODE_OBJECT_CONNECTOR,
			"CRTC_ID", crtcs[i]);
		dut_add_plane(req, d, primaries[i], d->buf[i & 1].fb_id,
			      d->mode.hdisplay, d->mode.vdisplay, 0, 0,
			      d->mode.hdisplay, d->mode.vdisplay);
	}
	d->crtc_id = crtc;
	ret = drmModeAtomicCommit(d->fd, req, flags |
				  DRM_MODE_ATOMIC_ALLOW_MODESET |
				  DRM_MODE_PAGE_FLIP_EVENT, d);
	drmModeAtomicFree(req);
	igt_assert_f(ret == 0, "lighting %u pipes: %s\n", n, strerror(errno));
}

static void wait_flips(struct dut *d, unsigned int n)
{
	d->flips = 0;
	while (d->flips < n && dut_wait_event(d, 2000))
		;
	igt_assert_f(d->flips == n, "%u of %u flip events within 2 s each\n",
		     d->flips, n);
}

static void test_multi_crtc(void)
{
	enum { PIPES = 4, OVERLAYS = 2 };
	uint32_t crtcs[PIPES], connectors[PIPES], primaries[PIPES];
	unsigned int planes_of[PIPES][3] = {};
	struct dut *d = &dev[0];
	drmModePlaneRes *planes;
	drmModeRes *res;

	igt_require_f(!strcmp(module, MKMS_DRIVER_NAME),
		      "the parameters are mkms's, the driver is %s\n", module);
	reload(MKMS_PARAM_NUM_CRTCS "=4 " MKMS_PARAM_NUM_OVERLAYS "=2");

	res = drmModeGetResources(d->fd);
	igt_assert(res);
	igt_assert_eq(res->count_crtcs, PIPES);
	igt_assert_eq(res->count_connectors, PIPES);
	memcpy(crtcs, res->crtcs, sizeof(crtcs));
	for (int i = 0; i < PIPES; i++) {
		drmModeConnector *c = drmModeGetConnector(d->fd,
							  res->connectors[i]);
		drmModeEncoder *e;

		igt_assert(c && c->count_encoders == 1);
		igt_assert_eq(c->connection, DRM_MODE_CONNECTED);
		e = drmModeGetEncoder(d->fd, c->encoders[0]);
		igt_assert(e);
		igt_assert_f(only_crtc(e->possible_crtcs) == i,
			     "connector %d's encoder drives CRTCs 0x%x\n", i,
			     e->possible_crtcs);
		connectors[i] = c->connector_id;
		drmModeFreeEncoder(e);
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);

	igt_assert_eq(drmSetClientCap(d->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS,
				      1), 0);
	res = drmModeGetResources(d->fd);
	igt_assert(res);
	igt_assert_f(res->count_connectors == 2 * PIPES,
		     "%d connectors with writeback: want %d\n",
		     res->count_connectors, 2 * PIPES);
	drmModeFreeResources(res);

	planes = drmModeGetPlaneResources(d->fd);
	igt_assert(planes);
	igt_assert_eq(planes->count_planes, PIPES * (OVERLAYS + 2));
	for (uint32_t i = 0; i < planes->count_planes; i++) {
		uint32_t id = planes->planes[i];
		drmModePlane *p = drmModeGetPlane(d->fd, id);
		uint32_t prop = dut_prop_id(d->fd, id, DRM_MODE_OBJECT_PLANE,
					    "type");
		uint64_t type = dut_prop_value(d->fd, id, DRM_MODE_OBJECT_PLANE,
					       prop);
		int pipe;

		igt_assert(p && type <= DRM_PLANE_TYPE_CURSOR);
		pipe = only_crtc(p->possible_crtcs);
		igt_assert(pipe < PIPES);
		planes_of[pipe][type]++;
		if (type == DRM_PLANE_TYPE_PRIMARY)
			primaries[pipe] = id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	for (int i = 0; i < PIPES; i++)
		igt_assert_f(planes_of[i][DRM_PLANE_TYPE_PRIMARY] == 1 &&
			     planes_of[i][DRM_PLANE_TYPE_OVERLAY] == OVERLAYS &&
			     planes_of[i][DRM_PLANE_TYPE_CURSOR] == 1,
			     "pipe %d: %u primary, %u overlay, %u cursor planes\n",
			     i, planes_of[i][DRM_PLANE_TYPE_PRIMARY],
			     planes_of[i][DRM_PLANE_TYPE_OVERLAY],
			     planes_of[i][DRM_PLANE_TYPE_CURSOR]);

	light_all_pipes(d, crtcs, connectors, primaries, PIPES, 0);
	wait_flips(d, PIPES);
	light_all_pipes(d, crtcs, connectors, primaries, PIPES,
			DRM_MODE_ATOMIC_NONBLOCK);
	wait_flips(d, PIPES);

	light_all_pipes(d, crtcs, connectors, primaries, PIPES,
			DRM_MODE_ATOMIC_NONBLOCK);
	dut_unbind(d);
	dut_assert_gone(d);
	dut_rebind_and_flip(d);
	reload(NULL);
}

static void test_bad_params(void)
{
	/* mkms checks the ranges, the kernel's parser the numbers. */
	static const struct {
		const char *opts;
		int err;
	} bad[] = {
		{ MKMS_PARAM_NUM_DEVICES "=0", EINVAL },
		{ MKMS_PARAM_NUM_DEVICES "=33", EINVAL },
		{ MKMS_PARAM_NUM_DEVICES "=-1", EINVAL },
		{ MKMS_PARAM_NUM_DEVICES "=two", EINVAL },
		{ MKMS_PARAM_NUM_CRTCS "=0", EINVAL },
		{ MKMS_PARAM_NUM_CRTCS "=33", EINVAL },
		{ MKMS_PARAM_NUM_OVERLAYS "=9", EINVAL },
		{ MKMS_PARAM_NUM_OVERLAYS "=4294967296", ERANGE },
	};
	struct stat st;
	int ret;

	igt_require_f(!strcmp(module, MKMS_DRIVER_NAME),
		      "the parameters are mkms's, the driver is %s\n", module);
	/* The kernel says what was wrong with each; that is what we ask for. */
	igt_emit_ignore_dmesg_regex("mkms: num_[a-z]+=.* is out of range|"
				    "invalid for parameter");

	close_all();
	ret = igt_kmod_unload(module);
	igt_assert_f(ret == 0, "rmmod %s with nothing open: %s\n", module,
		     strerror(-ret));
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = igt_kmod_load(module, bad[i].opts);
		igt_assert_f(ret == -bad[i].err,
			     "modprobe %s %s: want %s, got %s\n", module,
			     bad[i].opts, strerror(bad[i].err),
			     ret ? strerror(-ret) : "success");
		igt_assert_f(!igt_kmod_is_loaded(module),
			     "%s is loaded after modprobe %s failed\n", module,
			     bad[i].opts);
		igt_assert_f(stat("/sys/bus/platform/devices/" MKMS_DRIVER_NAME ".0",
				  &st) < 0,
			     "%s.0 exists after modprobe %s failed\n", module,
			     bad[i].opts);
	}

	ret = igt_kmod_load(module, NULL);
	igt_assert_f(ret == 0, "modprobe %s: %s\n", module, strerror(-ret));
	loaded_with_opts = false;
	open_dut(&dev[0], 0);
}

int igt_main()
{
	igt_fixture() {
		open_dut(&dev[0], 0);
		igt_require_f(dut_module_name(&dev[0], module, sizeof(module)),
			      "the driver of %s is built in\n",
			      dev[0].bus_addr);
		igt_install_exit_handler(restore_module);
	}

	igt_describe("rmmod is refused while an fd, a mapping or a dma-buf is open.");
	igt_subtest("rmmod-busy")
		test_rmmod(&dev[0], false, false);

	igt_describe("Unbind with fds held: rmmod is refused until the last is closed.");
	igt_subtest("rmmod-after-close")
		test_rmmod(&dev[0], true, true);

	igt_describe("Unbinding one of several devices leaves the others working.");
	igt_subtest("unbind-multi-device")
		test_multi_device();

	igt_describe("Four CRTCs: each pipe its own planes and connector, all flip together.");
	igt_subtest("multi-crtc")
		test_multi_crtc();

	igt_describe("A parameter out of range fails the load with EINVAL and leaves nothing.");
	igt_subtest("bad-params")
		test_bad_params();

	igt_fixture()
		close_all();
}
