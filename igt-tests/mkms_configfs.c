// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: mkms configfs
 * Description: Devices described and created at runtime through configfs
 *		(/sys/kernel/config/<driver>/), the layout vkms and mkms
 *		share: planes, CRTCs, encoders and connectors with their
 *		links, an enabled switch, connector status as a hotplug.
 *		Runs on any driver with that layout; skips where the driver
 *		has no configfs (vkms before Linux 6.16).
 *
 * SUBTEST: enable-disable
 * Description: A two-CRTC description becomes a device with exactly the
 *		planes, encoders and connectors described and their links;
 *		it lights and flips; disabling it leaves the old fd failing
 *		with ENODEV; enabling it again gives a working device.
 *
 * SUBTEST: disable-busy
 * Description: Disabling a device while a client holds its fd with a
 *		flip in flight: the flip's event arrives or is dropped, the
 *		fd fails with ENODEV, closing it frees everything, and the
 *		description can be enabled again.
 *
 * SUBTEST: rmdir-enabled
 * Description: Removing a connector of an enabled device leaves the
 *		running device as it was; removing the whole description
 *		while a client flips removes the device, and the old fd
 *		fails with ENODEV.
 *
 * SUBTEST: hotplug
 * Description: Writing a connector's status while enabled sends a hotplug
 *		uevent, and GETCONNECTOR reports the new status (no modes
 *		while disconnected); the other connectors are unaffected.
 *
 * SUBTEST: edid
 * Description: An EDID written to a connector gives it exactly that
 *		monitor's modes, EDID property and colour depth (debugfs
 *		output_bpc: 8, then 10 bits), before enabling and while
 *		enabled (with a hotplug uevent); a short write removes it and
 *		brings the standard modes back, with no depth; one too large
 *		gets EFBIG.
 *
 * SUBTEST: bad-input
 * Description: Every bad write, link and mkdir gets its errno (EINVAL,
 *		EEXIST, EBUSY while enabled, ENOSPC past the limits), and
 *		leaves the description as it was; enabling an invalid
 *		description fails with EINVAL and leaves it disabled.
 *
 * SUBTEST: non-root
 * Description: A user other than root can neither create a description
 *		nor change one: mkdir, links and writes get EACCES and leave
 *		the tree as it was; on mkms, reading is root only too.
 *
 * SUBTEST: enable-fails
 * Description: A device that fails to bind (probe fault injection) fails
 *		the enable, leaves no device behind and the description
 *		disabled and intact; the next enable works.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "dut.h"
#include "mkms_shared.h"

IGT_TEST_DESCRIPTION("Runtime devices through configfs, hotplug, bad input");

#define CONFIGFS	"/sys/kernel/config"
#define DESC_NAME	"igt"

static char driver[64];
static char root[128];	/* CONFIGFS/<driver> */
static char top[192];	/* root/DESC_NAME */

/* ---- The description ---------------------------------------------------- */

static const char *kinds[] = { "planes", "crtcs", "encoders", "connectors" };
static const char *links_dir[] = { "possible_crtcs", NULL, "possible_crtcs",
				   "possible_encoders" };

static const char *path(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* A path under the description; valid until the next call but one. */
static const char *path(const char *fmt, ...)
{
	static char buf[2][PATH_MAX];
	static int n;
	char *p = buf[n++ & 1];
	va_list ap;
	int len;

	len = snprintf(p, PATH_MAX, "%s/", top);
	va_start(ap, fmt);
	vsnprintf(p + len, PATH_MAX - len, fmt, ap);
	va_end(ap);
	return p;
}

/* Write @val to @file; 0 or the errno. */
static int cfs_write(const char *file, const char *val)
{
	int fd = open(file, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

static void cfs_set(const char *file, const char *val)
{
	int err = cfs_write(file, val);

	igt_assert_f(!err, "echo %s > %s: %s\n", val, file, strerror(err));
}

static char *cfs_read(const char *file, char *buf, size_t len)
{
	int fd = open(file, O_RDONLY);
	ssize_t n;

	igt_assert_f(fd >= 0, "open %s: %s\n", file, strerror(errno));
	n = read(fd, buf, len - 1);
	igt_assert_f(n >= 0, "read %s: %s\n", file, strerror(errno));
	close(fd);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return buf;
}

static void cfs_mkdir(const char *dir)
{
	igt_assert_f(mkdir(dir, 0755) == 0, "mkdir %s: %s\n", dir,
		     strerror(errno));
}

/* Link object @from (e.g. "planes/p0") to @to (e.g. "crtcs/c0"); errno. */
static int cfs_link(const char *from, const char *to)
{
	char target[PATH_MAX], link[PATH_MAX];
	const char *name = strrchr(to, '/') + 1;
	int kind;

	for (kind = 0; strncmp(from, kinds[kind], strlen(kinds[kind])); kind++)
		;
	snprintf(target, sizeof(target), "%s/%s", top, to);
	snprintf(link, sizeof(link), "%s/%s/%s/%s", top, from, links_dir[kind],
		 name);
	return symlink(target, link) ? errno : 0;
}

static void cfs_must_link(const char *from, const char *to)
{
	int err = cfs_link(from, to);

	igt_assert_f(!err, "ln -s %s %s: %s\n", to, from, strerror(err));
}

static bool exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

/* Remove the description, whatever state it is in; false if it stays. */
static bool cfs_remove_all(void)
{
	char dir[256], sub[PATH_MAX];
	struct dirent *e, *l;
	DIR *d, *ld;

	if (!exists(top))
		return true;
	for (int k = 0; k < 4; k++) {
		snprintf(dir, sizeof(dir), "%s/%s", top, kinds[k]);
		d = opendir(dir);
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (links_dir[k]) {
				snprintf(sub, sizeof(sub), "%s/%s/%s", dir,
					 e->d_name, links_dir[k]);
				ld = opendir(sub);
				while (ld && (l = readdir(ld))) {
					char link[PATH_MAX * 2];

					if (l->d_name[0] == '.')
						continue;
					snprintf(link, sizeof(link), "%s/%s",
						 sub, l->d_name);
					unlink(link);
				}
				if (ld)
					closedir(ld);
			}
		}
		if (d)
			closedir(d);
	}
	/* Links gone: now the objects, then the description. */
	for (int k = 0; k < 4; k++) {
		snprintf(dir, sizeof(dir), "%s/%s", top, kinds[k]);
		d = opendir(dir);
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			rmdir(sub);
		}
		if (d)
			closedir(d);
	}
	return rmdir(top) == 0;
}

static void remove_all(void)
{
	igt_assert_f(cfs_remove_all(), "rmdir %s: %s\n", top, strerror(errno));
}

static void cleanup(int sig)
{
	cfs_write(path("enabled"), "0");
	cfs_remove_all();
}


/*
 * The description most subtests use: CRTC c0 with a writeback connector,
 * a primary and an overlay; CRTC c1 with a primary and a cursor; encoder e0
 * for c0, e1 for either; connector n0 on e0, n1 (disconnected) on e1.
 */
static void describe_two_crtcs(void)
{
	remove_all();
	cfs_mkdir(top);
	cfs_mkdir(path("crtcs/c0"));
	cfs_mkdir(path("crtcs/c1"));
	cfs_set(path("crtcs/c0/writeback"), "1");
	cfs_mkdir(path("planes/p0"));
	cfs_set(path("planes/p0/type"), "1");
	cfs_must_link("planes/p0", "crtcs/c0");
	cfs_mkdir(path("planes/p1"));
	cfs_set(path("planes/p1/type"), "0");
	cfs_must_link("planes/p1", "crtcs/c0");
	cfs_mkdir(path("planes/p2"));
	cfs_set(path("planes/p2/type"), "1");
	cfs_must_link("planes/p2", "crtcs/c1");
	cfs_mkdir(path("planes/p3"));
	cfs_set(path("planes/p3/type"), "2");
	cfs_must_link("planes/p3", "crtcs/c1");
	cfs_mkdir(path("encoders/e0"));
	cfs_must_link("encoders/e0", "crtcs/c0");
	cfs_mkdir(path("encoders/e1"));
	cfs_must_link("encoders/e1", "crtcs/c0");
	cfs_must_link("encoders/e1", "crtcs/c1");
	cfs_mkdir(path("connectors/n0"));
	cfs_set(path("connectors/n0/status"), "1");
	cfs_must_link("connectors/n0", "encoders/e0");
	cfs_mkdir(path("connectors/n1"));
	cfs_set(path("connectors/n1/status"), "2");
	cfs_must_link("connectors/n1", "encoders/e1");
}

/* ---- The device --------------------------------------------------------- */

/* Bitmap of the /dev/dri/cardN there are. */
static uint64_t cards(void)
{
	char p[64];
	uint64_t set = 0;

	for (int i = 0; i < 64; i++) {
		snprintf(p, sizeof(p), "/dev/dri/card%d", i);
		if (exists(p))
			set |= 1ull << i;
	}
	return set;
}

/*
 * Enable the description and open the card it made as master: the card
 * that was not there before.
 */
static int enable(void)
{
	uint64_t before = cards(), added = 0;
	char p[64];
	int fd;

	cfs_set(path("enabled"), "1");
	for (int i = 0; i < 50 && !added; i++) {
		added = cards() & ~before;
		if (!added)
			usleep(100000);
	}
	igt_assert_f(added, "no new card within 5 s of enabling\n");
	snprintf(p, sizeof(p), "/dev/dri/card%d", __builtin_ctzll(added));
	fd = open(p, O_RDWR | O_CLOEXEC);
	igt_assert_f(fd >= 0, "open %s: %s\n", p, strerror(errno));
	if (!drmIsMaster(fd))
		igt_assert_eq(drmSetMaster(fd), 0);
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1), 0);
	return fd;
}

/* What disable must leave: the old fd fails, the device is gone. */
static void assert_gone(int fd, const char *bus_addr)
{
	drmModeRes *res = drmModeGetResources(fd);
	char p[PATH_MAX];

	igt_assert_f(!res && errno == ENODEV,
		     "GETRESOURCES after disable: want ENODEV, got %s\n",
		     res ? "success" : strerror(errno));
	if (bus_addr[0]) {
		snprintf(p, sizeof(p), "/sys/bus/platform/devices/%s", bus_addr);
		igt_assert_f(!exists(p), "%s still exists\n", p);
	}
}

/* mkms names its device; vkms does not say. */
static void device_name(char *buf, size_t len)
{
	if (exists(path("device")))
		cfs_read(path("device"), buf, len);
	else
		buf[0] = '\0';
}

static uint32_t plane_type(int fd, uint32_t id)
{
	uint32_t prop = dut_prop_id(fd, id, DRM_MODE_OBJECT_PLANE, "type");

	return dut_prop_value(fd, id, DRM_MODE_OBJECT_PLANE, prop);
}

/* The device must be exactly describe_two_crtcs(). */
static void assert_two_crtcs(int fd)
{
	unsigned int planes_of[2][3] = {};
	drmModePlaneRes *planes;
	int wb = 0;
	drmModeConnector *c;
	drmModeEncoder *e;
	drmModeRes *res;

	res = drmModeGetResources(fd);
	igt_assert(res);
	igt_assert_eq(res->count_crtcs, 2);
	igt_assert_eq(res->count_connectors, 2);

	c = drmModeGetConnector(fd, res->connectors[0]);
	igt_assert(c && c->count_encoders == 1);
	igt_assert_eq(c->connection, DRM_MODE_CONNECTED);
	igt_assert(c->count_modes > 0);
	e = drmModeGetEncoder(fd, c->encoders[0]);
	igt_assert(e);
	igt_assert_eq(e->possible_crtcs, 0x1);
	drmModeFreeEncoder(e);
	drmModeFreeConnector(c);

	c = drmModeGetConnector(fd, res->connectors[1]);
	igt_assert(c && c->count_encoders == 1);
	igt_assert_eq(c->connection, DRM_MODE_DISCONNECTED);
	e = drmModeGetEncoder(fd, c->encoders[0]);
	igt_assert(e);
	igt_assert_eq(e->possible_crtcs, 0x3);
	drmModeFreeEncoder(e);
	drmModeFreeConnector(c);
	drmModeFreeResources(res);

	planes = drmModeGetPlaneResources(fd);
	igt_assert(planes);
	igt_assert_eq(planes->count_planes, 4);
	for (uint32_t i = 0; i < planes->count_planes; i++) {
		drmModePlane *p = drmModeGetPlane(fd, planes->planes[i]);
		uint32_t type = plane_type(fd, planes->planes[i]);

		igt_assert(p && type <= 2);
		igt_assert_f(p->possible_crtcs == 1 || p->possible_crtcs == 2,
			     "plane %u: possible CRTCs 0x%x\n", p->plane_id,
			     p->possible_crtcs);
		planes_of[p->possible_crtcs - 1][type]++;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(planes);
	/* [crtc][overlay, primary, cursor] */
	igt_assert_f(planes_of[0][0] == 1 && planes_of[0][1] == 1 &&
		     planes_of[0][2] == 0 && planes_of[1][0] == 0 &&
		     planes_of[1][1] == 1 && planes_of[1][2] == 1,
		     "planes per CRTC (overlay, primary, cursor): "
		     "c0 %u %u %u, c1 %u %u %u\n",
		     planes_of[0][0], planes_of[0][1], planes_of[0][2],
		     planes_of[1][0], planes_of[1][1], planes_of[1][2]);

	/* c0's writeback connector, and none for c1. */
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS,
				      1), 0);
	res = drmModeGetResources(fd);
	igt_assert(res);
	igt_assert_eq(res->count_connectors, 3);
	for (int i = 0; i < res->count_connectors; i++) {
		c = drmModeGetConnector(fd, res->connectors[i]);
		igt_assert(c);
		if (c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK) {
			e = drmModeGetEncoder(fd, c->encoders[0]);
			igt_assert(e);
			igt_assert_eq(e->possible_crtcs, 0x1);
			drmModeFreeEncoder(e);
			wb++;
		}
		drmModeFreeConnector(c);
	}
	igt_assert_eq(wb, 1);
	drmModeFreeResources(res);
}

/* Light c0 through n0 and flip once, with events: a working device. */
static void light_and_flip(struct dut *d, int fd)
{
	*d = (struct dut)DUT_INIT;
	d->fd = fd;
	dut_set_mode(d);
	d->flips = 0;
	igt_assert_eq(dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK |
			       DRM_MODE_PAGE_FLIP_EVENT), 0);
	igt_assert_f(dut_wait_event(d, 2000) && d->flips == 1,
		     "no flip event within 2 s\n");
}

static void test_enable_disable(void)
{
	char bus_addr[NAME_MAX];
	struct dut d;
	int fd;

	describe_two_crtcs();
	fd = enable();
	device_name(bus_addr, sizeof(bus_addr));
	assert_two_crtcs(fd);
	light_and_flip(&d, fd);

	cfs_set(path("enabled"), "0");
	igt_assert_eq(atoi(cfs_read(path("enabled"), (char[8]){}, 8)), 0);
	assert_gone(fd, bus_addr);
	close(fd);

	fd = enable();
	assert_two_crtcs(fd);
	light_and_flip(&d, fd);
	close(fd);
	cfs_set(path("enabled"), "0");
	remove_all();
}

/* Read what events are there; the flip's may or may not be among them. */
static void drain_events(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[4096];

	while (poll(&pfd, 1, 0) == 1 && read(fd, buf, sizeof(buf)) > 0)
		;
}

static void test_disable_busy(void)
{
	char bus_addr[NAME_MAX];
	struct dut d;
	int fd;

	describe_two_crtcs();
	fd = enable();
	device_name(bus_addr, sizeof(bus_addr));
	light_and_flip(&d, fd);

	igt_assert_eq(dut_flip(&d, DRM_MODE_ATOMIC_NONBLOCK |
			       DRM_MODE_PAGE_FLIP_EVENT), 0);
	cfs_set(path("enabled"), "0");
	drain_events(fd);
	assert_gone(fd, bus_addr);
	close(fd);

	fd = enable();
	light_and_flip(&d, fd);
	close(fd);
	cfs_set(path("enabled"), "0");
	remove_all();
}

static void test_rmdir_enabled(void)
{
	char bus_addr[NAME_MAX];
	struct dut d;
	int fd;

	describe_two_crtcs();
	fd = enable();
	device_name(bus_addr, sizeof(bus_addr));
	light_and_flip(&d, fd);

	/* A connector out of the description: the device keeps its own. */
	igt_assert_eq(unlink(path("connectors/n1/possible_encoders/e1")), 0);
	igt_assert_eq(rmdir(path("connectors/n1")), 0);
	assert_two_crtcs(fd);
	d.flips = 0;
	igt_assert_eq(dut_flip(&d, DRM_MODE_ATOMIC_NONBLOCK |
			       DRM_MODE_PAGE_FLIP_EVENT), 0);
	igt_assert_f(dut_wait_event(&d, 2000) && d.flips == 1,
		     "no flip event after the connector's rmdir\n");

	/* The whole description, with a flip in flight. */
	igt_assert_eq(dut_flip(&d, DRM_MODE_ATOMIC_NONBLOCK |
			       DRM_MODE_PAGE_FLIP_EVENT), 0);
	remove_all();
	drain_events(fd);
	assert_gone(fd, bus_addr);
	close(fd);
}

/* ---- Hotplug ------------------------------------------------------------- */

static int uevent_socket(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_pid = 0,
		.nl_groups = 1,
	};
	int sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
			  NETLINK_KOBJECT_UEVENT);

	igt_assert_f(sock >= 0, "uevent socket: %s\n", strerror(errno));
	igt_assert_eq(bind(sock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return sock;
}

/*
 * Wait up to 2 s for a drm HOTPLUG=1 uevent naming @connector_id, the
 * connector event of Linux 5.16 and later. Says if a device-wide one, with
 * no CONNECTOR=, came instead.
 */
static bool hotplug_seen(int sock, uint32_t connector_id)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	char buf[4096], want[32];
	bool device_wide = false;

	snprintf(want, sizeof(want), "CONNECTOR=%u", connector_id);
	while (poll(&pfd, 1, 2000) == 1) {
		ssize_t n = recv(sock, buf, sizeof(buf) - 1, 0);
		bool drm = false, hotplug = false, conn = false, any = false;

		if (n <= 0)
			break;
		buf[n] = '\0';
		for (char *s = buf; s < buf + n; s += strlen(s) + 1) {
			drm |= !strcmp(s, "SUBSYSTEM=drm");
			hotplug |= !strcmp(s, "HOTPLUG=1");
			conn |= !strcmp(s, want);
			any |= !strncmp(s, "CONNECTOR=", 10);
		}
		if (drm && hotplug && conn)
			return true;
		device_wide |= drm && hotplug && !any;
	}
	if (device_wide)
		igt_info("a device-wide hotplug uevent came, none for connector %u\n",
			 connector_id);
	return false;
}

static drmModeConnection status_of(int fd, uint32_t id, int *modes)
{
	drmModeConnector *c = drmModeGetConnector(fd, id);
	drmModeConnection status;

	igt_assert(c);
	status = c->connection;
	*modes = c->count_modes;
	drmModeFreeConnector(c);
	return status;
}

static void test_hotplug(void)
{
	uint32_t n0, n1;
	drmModeRes *res;
	int fd, sock, modes;

	describe_two_crtcs();
	sock = uevent_socket();
	fd = enable();
	res = drmModeGetResources(fd);
	igt_assert(res && res->count_connectors == 2);
	n0 = res->connectors[0];
	n1 = res->connectors[1];
	drmModeFreeResources(res);
	igt_assert_eq(status_of(fd, n1, &modes), DRM_MODE_DISCONNECTED);
	igt_assert_eq(modes, 0);

	cfs_set(path("connectors/n1/status"), "1");
	igt_assert_f(hotplug_seen(sock, n1),
		     "no hotplug uevent for connector %u within 2 s\n", n1);
	igt_assert_eq(status_of(fd, n1, &modes), DRM_MODE_CONNECTED);
	igt_assert_f(modes > 0, "connected, but no modes\n");

	cfs_set(path("connectors/n0/status"), "2");
	igt_assert_f(hotplug_seen(sock, n0),
		     "no hotplug uevent for connector %u within 2 s\n", n0);
	igt_assert_eq(status_of(fd, n0, &modes), DRM_MODE_DISCONNECTED);
	igt_assert_eq(modes, 0);
	igt_assert_eq(status_of(fd, n1, &modes), DRM_MODE_CONNECTED);

	cfs_set(path("connectors/n0/status"), "3");
	igt_assert_f(hotplug_seen(sock, n0),
		     "no hotplug uevent for connector %u within 2 s\n", n0);
	igt_assert_eq(status_of(fd, n0, &modes), DRM_MODE_UNKNOWNCONNECTION);

	close(sock);
	close(fd);
	cfs_set(path("enabled"), "0");
	remove_all();
}

static void assert_errno(int err, int want, const char *what)
{
	igt_assert_f(err == want, "%s: want %s, got %s\n", what,
		     strerror(want), err ? strerror(err) : "success");
}

/* ---- EDID ----------------------------------------------------------------- */

static const struct dut_timing t720p = {
	74250, 1280, 370, 110, 40, 720, 30, 5, 5
};
static const struct dut_timing t1080p = {
	148500, 1920, 280, 88, 44, 1080, 45, 4, 5
};

/* Write @len bytes to a binary attribute in one go; 0 or the errno. */
/*
 * Connector @id must have exactly the modes of an EDID whose only mode is
 * @t, and @edid as its EDID property.
 */
static void assert_edid_modes(int fd, uint32_t id, const struct dut_timing *t,
			      const uint8_t *edid)
{
	drmModeConnector *c = drmModeGetConnector(fd, id);
	drmModePropertyBlobRes *blob;
	uint32_t prop;
	bool found = false;

	igt_assert(c);
	for (int i = 0; i < c->count_modes; i++)
		igt_debug("mode %s %d kHz%s\n", c->modes[i].name,
			  c->modes[i].clock,
			  c->modes[i].type & DRM_MODE_TYPE_PREFERRED ?
			  " preferred" : "");
	for (int i = 0; i < c->count_modes; i++) {
		const drmModeModeInfo *m = &c->modes[i];

		igt_assert_f(m->hdisplay <= t->h && m->vdisplay <= t->v,
			     "mode %s on a %dx%d monitor (%d modes)\n", m->name,
			     t->h, t->v, c->count_modes);
		if (m->hdisplay == t->h && m->vdisplay == t->v &&
		    m->clock == (uint32_t)t->clock_khz) {
			igt_assert_f(m->type & DRM_MODE_TYPE_PREFERRED,
				     "the EDID's mode is not preferred\n");
			found = true;
		}
	}
	igt_assert_f(found, "no %dx%d mode among %d\n", t->h, t->v,
		     c->count_modes);
	drmModeFreeConnector(c);

	prop = dut_prop_id(fd, id, DRM_MODE_OBJECT_CONNECTOR, "EDID");
	blob = drmModeGetPropertyBlob(fd, dut_prop_value(fd, id,
				      DRM_MODE_OBJECT_CONNECTOR, prop));
	igt_assert_f(blob && blob->length == 128 &&
		     !memcmp(blob->data, edid, 128),
		     "the EDID property is not the EDID written\n");
	drmModeFreePropertyBlob(blob);
}

static void test_edid(void)
{
	uint8_t edid720[128], edid1080[128], back[256];
	static uint8_t huge[MKMS_EDID_MAX + 128];
	drmModeConnector *c;
	uint32_t n0;
	drmModeRes *res;
	int fd, sock, rfd;
	ssize_t n;

	dut_make_edid(edid720, &t720p, 8);
	dut_make_edid(edid1080, &t1080p, 10);

	describe_two_crtcs();
	igt_require_f(exists(path("connectors/n0/edid")),
		      "%s's connectors take no EDID\n", driver);
	igt_assert_eq(dut_write_file(AT_FDCWD, path("connectors/n0/edid"),
				     edid720, 128), 0);
	rfd = open(path("connectors/n0/edid"), O_RDONLY);
	igt_assert_fd(rfd);
	n = read(rfd, back, sizeof(back));
	close(rfd);
	igt_assert_f(n == 128 && !memcmp(back, edid720, 128),
		     "edid reads back %zd bytes, not what was written\n", n);

	sock = uevent_socket();
	fd = enable();
	res = drmModeGetResources(fd);
	igt_assert(res && res->count_connectors == 2);
	n0 = res->connectors[0];
	drmModeFreeResources(res);
	assert_edid_modes(fd, n0, &t720p, edid720);
	igt_assert_eq(dut_output_max_bpc(fd, n0), 8);

	/* Another monitor while enabled. */
	igt_assert_eq(dut_write_file(AT_FDCWD, path("connectors/n0/edid"),
				     edid1080, 128), 0);
	igt_assert_f(hotplug_seen(sock, n0),
		     "no hotplug uevent for the new EDID within 2 s\n");
	assert_edid_modes(fd, n0, &t1080p, edid1080);
	igt_assert_eq(dut_output_max_bpc(fd, n0), 10);

	/* No monitor EDID: the standard modes, up to 8192x8192. */
	cfs_set(path("connectors/n0/edid"), "\n");
	igt_assert_f(hotplug_seen(sock, n0),
		     "no hotplug uevent for the removed EDID within 2 s\n");
	c = drmModeGetConnector(fd, n0);
	igt_assert(c);
	igt_assert_f(c->count_modes > 10, "%d standard modes\n",
		     c->count_modes);
	drmModeFreeConnector(c);
	igt_assert_eq(dut_output_max_bpc(fd, n0), 0);

	assert_errno(dut_write_file(AT_FDCWD, path("connectors/n0/edid"), huge,
				    sizeof(huge)),
		     EFBIG, "an EDID past the largest");

	close(sock);
	close(fd);
	cfs_set(path("enabled"), "0");
	remove_all();
}

/* ---- Bad input ------------------------------------------------------------ */

/* @file must still read @want. */
static void assert_reads(const char *file, const char *want)
{
	char buf[64];

	igt_assert_f(!strcmp(cfs_read(file, buf, sizeof(buf)), want),
		     "%s reads '%s' after a refused write, want '%s'\n", file,
		     buf, want);
}

static void assert_enable_fails(const char *why)
{
	assert_errno(cfs_write(path("enabled"), "1"), EINVAL, why);
	assert_reads(path("enabled"), "0");
}

static void test_bad_input(void)
{
	static const char * const bad_types[] = { "3", "-1", "x", "\n", "1x" };
	static const char * const bad_status[] = { "0", "4", "-1", "on", "\n" };
	char name[32];
	int err = 0, n;

	/* Writes with garbage, each leaving the value as it was. */
	describe_two_crtcs();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_types); i++) {
		assert_errno(cfs_write(path("planes/p0/type"), bad_types[i]),
			     EINVAL, bad_types[i]);
		assert_reads(path("planes/p0/type"), "1");
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_status); i++) {
		assert_errno(cfs_write(path("connectors/n1/status"),
				       bad_status[i]), EINVAL, bad_status[i]);
		assert_reads(path("connectors/n1/status"), "2");
	}
	assert_errno(cfs_write(path("crtcs/c0/writeback"), "maybe"), EINVAL,
		     "writeback=maybe");
	assert_reads(path("crtcs/c0/writeback"), "1");
	assert_errno(cfs_write(path("enabled"), "2"), EINVAL, "enabled=2");
	assert_reads(path("enabled"), "0");

	/* Links to the wrong kind of object, or twice to the same. */
	assert_errno(cfs_link("planes/p1", "encoders/e0"), EINVAL,
		     "plane linked to an encoder");
	assert_errno(cfs_link("connectors/n0", "crtcs/c0"), EINVAL,
		     "connector linked to a CRTC");
	igt_assert_eq(symlink(path("crtcs/c0"),
			      path("planes/p1/possible_crtcs/again")), -1);
	assert_errno(errno, EEXIST, "second link to the same CRTC");

	/* Descriptions that do not make a device. */
	cfs_set(path("planes/p2/type"), "0");
	assert_enable_fails("a CRTC without a primary plane");
	cfs_set(path("planes/p2/type"), "1");
	cfs_set(path("planes/p1/type"), "1");
	assert_enable_fails("a CRTC with two primary planes");
	cfs_set(path("planes/p1/type"), "0");
	igt_assert_eq(unlink(path("planes/p1/possible_crtcs/c0")), 0);
	assert_enable_fails("a plane without a CRTC");
	cfs_must_link("planes/p1", "crtcs/c0");
	if (!strcmp(driver, MKMS_DRIVER_NAME)) {
		/* An mkms plane is tied to its pipe; vkms's may roam. */
		cfs_must_link("planes/p1", "crtcs/c1");
		assert_enable_fails("a plane on two CRTCs");
		igt_assert_eq(unlink(path("planes/p1/possible_crtcs/c1")), 0);
	}
	igt_assert_eq(unlink(path("connectors/n1/possible_encoders/e1")), 0);
	assert_enable_fails("a connector without an encoder");
	cfs_must_link("connectors/n1", "encoders/e1");

	/* Fine again: enabled, nothing but status may change. */
	close(enable());
	assert_errno(mkdir(path("crtcs/c2"), 0755) ? errno : 0, EBUSY,
		     "mkdir while enabled");
	igt_assert(!exists(path("crtcs/c2")));
	assert_errno(cfs_write(path("planes/p1/type"), "2"), EBUSY,
		     "type while enabled");
	assert_reads(path("planes/p1/type"), "0");
	assert_errno(cfs_write(path("crtcs/c1/writeback"), "1"), EBUSY,
		     "writeback while enabled");
	assert_reads(path("crtcs/c1/writeback"), "0");
	assert_errno(cfs_link("encoders/e0", "crtcs/c1"), EBUSY,
		     "link while enabled");
	igt_assert(!exists(path("encoders/e0/possible_crtcs/c1")));
	cfs_set(path("enabled"), "1");	/* already: nothing happens */
	cfs_set(path("enabled"), "0");
	cfs_set(path("enabled"), "0");
	remove_all();

	/* Past the limits. */
	cfs_mkdir(top);
	for (n = 0; n < 64 && !err; n++) {
		snprintf(name, sizeof(name), "crtcs/c%d", n);
		err = mkdir(path("%s", name), 0755) ? errno : 0;
	}
	assert_errno(err, ENOSPC, "one CRTC past the limit");
	igt_assert_eq(n - 1, MKMS_MAX_CRTCS);
	assert_enable_fails("CRTCs without planes");
	remove_all();
}

/* ---- Permissions ------------------------------------------------------------ */

/* What user nobody tries; returns the number of the first check failed. */
static int as_nobody(void)
{
	char link[PATH_MAX];

	if (setgid(65534) || setuid(65534))
		return 1;
	if (mkdir(path("../nobody"), 0755) == 0 || errno != EACCES)
		return 2;
	if (mkdir(path("crtcs/c9"), 0755) == 0 || errno != EACCES)
		return 3;
	if (cfs_write(path("enabled"), "1") != EACCES)
		return 4;
	if (cfs_write(path("connectors/n1/status"), "1") != EACCES)
		return 5;
	snprintf(link, sizeof(link), "%s/encoders/e0/possible_crtcs/c1", top);
	if (symlink(path("crtcs/c1"), link) == 0 || errno != EACCES)
		return 6;
	if (rmdir(path("planes/p1")) == 0 || errno != EACCES)
		return 7;
	if (!strcmp(driver, MKMS_DRIVER_NAME) &&
	    (open(path("connectors/n1/status"), O_RDONLY) >= 0 ||
	     errno != EACCES))
		return 8;
	return 0;
}

static void test_non_root(void)
{
	int status;
	pid_t child;

	describe_two_crtcs();
	child = fork();
	igt_assert(child >= 0);
	if (child == 0)
		_exit(as_nobody());
	igt_assert_eq(waitpid(child, &status, 0), child);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "user nobody got past check %d\n",
		     WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	igt_assert(!exists(path("../nobody")));
	igt_assert(!exists(path("crtcs/c9")));
	igt_assert(!exists(path("encoders/e0/possible_crtcs/c1")));
	igt_assert(exists(path("planes/p1")));
	assert_reads(path("enabled"), "0");
	assert_reads(path("connectors/n1/status"), "2");
	remove_all();
}

/* ---- Enable that fails ------------------------------------------------------ */

static void test_enable_fails(void)
{
	char p[PATH_MAX];
	int params, err;
	uint64_t before;

	igt_require_f(!strcmp(driver, MKMS_DRIVER_NAME),
		      "probe fault injection is mkms's\n");
	snprintf(p, sizeof(p), "/sys/module/%s/parameters", driver);
	params = open(p, O_RDONLY | O_DIRECTORY);
	igt_assert_fd(params);
	igt_emit_ignore_dmesg_regex("probe (with driver [a-z0-9_]+|of [a-z0-9_.]+) failed with error");

	describe_two_crtcs();
	before = cards();
	for (int step = 1; step <= MKMS_PROBE_STEPS; step++) {
		char val[8];

		snprintf(val, sizeof(val), "%d", step);
		igt_assert(igt_sysfs_set(params, MKMS_PARAM_FAIL_PROBE_STEP,
					 val));
		err = cfs_write(path("enabled"), "1");
		igt_sysfs_set(params, MKMS_PARAM_FAIL_PROBE_STEP, "0");
		igt_assert_f(err, "enable succeeded with probe failing at "
			     "step %d\n", step);
		assert_reads(path("enabled"), "0");
		assert_reads(path("device"), "");
		assert_reads(path("planes/p0/type"), "1");
		igt_assert(exists(path("planes/p0/possible_crtcs/c0")));
		igt_assert_eq(cards(), before);
	}
	close(params);

	close(enable());
	cfs_set(path("enabled"), "0");
	remove_all();
}

int igt_main()
{
	igt_fixture() {
		const char *forced = getenv("IGT_FORCE_DRIVER");
		struct stat st;

		snprintf(driver, sizeof(driver), "%s",
			 forced ? forced : MKMS_DRIVER_NAME);
		if (stat(CONFIGFS "/" MKMS_DRIVER_NAME, &st) &&
		    stat(CONFIGFS "/vkms", &st))
			mount("none", CONFIGFS, "configfs", 0, NULL);
		snprintf(root, sizeof(root), CONFIGFS "/%s", driver);
		snprintf(top, sizeof(top), "%s/" DESC_NAME, root);
		igt_require_f(exists(root), "%s has no configfs (%s)\n",
			      driver, root);
		igt_install_exit_handler(cleanup);
	}

	igt_describe("A description becomes exactly that device, and goes.");
	igt_subtest("enable-disable")
		test_enable_disable();

	igt_describe("Disable with a client's fd open and a flip in flight.");
	igt_subtest("disable-busy")
		test_disable_busy();

	igt_describe("rmdir of a connector or the whole description while enabled.");
	igt_subtest("rmdir-enabled")
		test_rmdir_enabled();

	igt_describe("A connector's status write is a hotplug clients see.");
	igt_subtest("hotplug")
		test_hotplug();

	igt_describe("An EDID gives a connector that monitor's modes, also while enabled.");
	igt_subtest("edid")
		test_edid();

	igt_describe("Bad writes, links and mkdirs get their errno and change nothing.");
	igt_subtest("bad-input")
		test_bad_input();

	igt_describe("Only root may create, change or (on mkms) read descriptions.");
	igt_subtest("non-root")
		test_non_root();

	igt_describe("A device that fails to bind leaves the description disabled.");
	igt_subtest("enable-fails")
		test_enable_fails();
}
