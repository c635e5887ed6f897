/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IGT_SYSFS_H
#define IGT_SYSFS_H

#include <stdbool.h>

/* The sysfs directory of a DRM device node (/sys/dev/char/MAJ:MIN). */
int igt_sysfs_open(int device);
bool igt_sysfs_set(int dir, const char *attr, const char *value);
/* The attribute's value without its trailing newline; free() it. */
char *igt_sysfs_get(int dir, const char *attr);

#endif /* IGT_SYSFS_H */
