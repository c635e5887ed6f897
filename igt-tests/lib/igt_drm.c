// SPDX-License-Identifier: GPL-2.0
/*
 * DRM device, sysfs and debugfs helpers of our IGT-compatible harness.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"

/* Drivers DRIVER_ANY leaves alone unless IGT_FORCE_DRIVER names them. */
static bool wanted(int fd)
{
	const char *force = getenv("IGT_FORCE_DRIVER");
	drmVersionPtr version = drmGetVersion(fd);
	bool ok;

	if (!version)
		return false;
	if (force)
		ok = !strcmp(version->name, force);
	else
		ok = strcmp(version->name, "vkms") && strcmp(version->name, "vgem");
	drmFreeVersion(version);
	return ok;
}

static int by_number(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/*
 * The @idx-th (from 0, lowest number first) /dev/dri/<prefix>N of a wanted
 * driver. The whole directory is scanned: minors are not dense (a device
 * still held after unbind keeps its number) and newer kernels go past 63.
 */
static int open_node(const char *prefix, int idx, int chipset)
{
	size_t len = strlen(prefix);
	long nodes[256];
	struct dirent *de;
	int count = 0, fd;
	char path[300];
	DIR *dir;

	dir = opendir("/dev/dri");
	if (!dir)
		return -1;
	while ((de = readdir(dir)) && count < (int)ARRAY_SIZE(nodes)) {
		char *end;
		long n;

		if (strncmp(de->d_name, prefix, len))
			continue;
		n = strtol(de->d_name + len, &end, 10);
		if (*end || end == de->d_name + len)
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (wanted(fd))
			nodes[count++] = n;
		close(fd);
	}
	closedir(dir);
	if (idx < 0 || idx >= count)
		return -1;
	qsort(nodes, count, sizeof(nodes[0]), by_number);
	snprintf(path, sizeof(path), "/dev/dri/%s%ld", prefix, nodes[idx]);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0 && !wanted(fd)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int __drm_open_driver_another(int idx, int chipset)
{
	return open_node("card", idx, chipset);
}

int __drm_open_driver(int chipset)
{
	return open_node("card", 0, chipset);
}

int __drm_open_driver_render(int chipset)
{
	return open_node("renderD", 0, chipset);
}

int drm_open_driver(int chipset)
{
	int fd = __drm_open_driver(chipset);

	igt_skip_on_f(fd < 0, "No known gpu found for chipset flags 0x%x\n",
		      chipset);
	return fd;
}

int drm_open_driver_another(int idx, int chipset)
{
	int fd = __drm_open_driver_another(idx, chipset);

	igt_skip_on_f(fd < 0, "No card %d found for chipset flags 0x%x\n",
		      idx, chipset);
	return fd;
}

int drm_open_driver_master(int chipset)
{
	int fd = drm_open_driver(chipset);

	igt_require_f(drmSetMaster(fd) == 0 || drmIsMaster(fd),
		      "Can't become DRM master\n");
	return fd;
}

int drm_open_driver_render(int chipset)
{
	int fd = __drm_open_driver_render(chipset);

	igt_skip_on_f(fd < 0, "No known render node for chipset flags 0x%x\n",
		      chipset);
	return fd;
}

int drm_close_driver(int fd)
{
	return close(fd);
}

/* Open a directory named after the device number of a DRM node. */
static int open_node_dir(int device, bool with_major, const char *fmt)
{
	char path[80];
	struct stat st;

	if (fstat(device, &st) || !S_ISCHR(st.st_mode))
		return -1;
	if (with_major)
		snprintf(path, sizeof(path), fmt, major(st.st_rdev),
			 minor(st.st_rdev));
	else
		snprintf(path, sizeof(path), fmt, minor(st.st_rdev));
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int igt_sysfs_open(int device)
{
	return open_node_dir(device, true, "/sys/dev/char/%u:%u");
}

bool igt_sysfs_set(int dir, const char *attr, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd;

	fd = openat(dir, attr, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = write(fd, value, len);
	close(fd);
	return n == (ssize_t)len;
}

char *igt_sysfs_get(int dir, const char *attr)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = openat(dir, attr, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return strdup(buf);
}

int igt_debugfs_dir(int device)
{
	return open_node_dir(device, false, "/sys/kernel/debug/dri/%u");
}
