// SPDX-License-Identifier: GPL-2.0
/*
 * DRM device, sysfs and debugfs helpers of our IGT-compatible harness.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

/*
 * The lowest-numbered /dev/dri/<prefix>N of a wanted driver. The whole
 * directory is scanned: minors are not dense (a device still held after
 * unbind keeps its number) and newer kernels go past 63.
 */
static int open_node(const char *prefix, int chipset)
{
	size_t len = strlen(prefix);
	struct dirent *de;
	long best = -1;
	char path[300];
	DIR *dir;
	int fd;

	dir = opendir("/dev/dri");
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		char *end;
		long n;

		if (strncmp(de->d_name, prefix, len))
			continue;
		n = strtol(de->d_name + len, &end, 10);
		if (*end || end == de->d_name + len || (best >= 0 && n >= best))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (wanted(fd))
			best = n;
		close(fd);
	}
	closedir(dir);
	if (best < 0)
		return -1;
	snprintf(path, sizeof(path), "/dev/dri/%s%ld", prefix, best);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd >= 0 && wanted(fd) ? fd : -1;
}

int __drm_open_driver(int chipset)
{
	return open_node("card", chipset);
}

int __drm_open_driver_render(int chipset)
{
	return open_node("renderD", chipset);
}

int drm_open_driver(int chipset)
{
	int fd = __drm_open_driver(chipset);

	igt_skip_on_f(fd < 0, "No known gpu found for chipset flags 0x%x\n",
		      chipset);
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
