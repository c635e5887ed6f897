/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IGT_DEBUGFS_H
#define IGT_DEBUGFS_H

/* The debugfs directory of a DRM device (/sys/kernel/debug/dri/MINOR). */
int igt_debugfs_dir(int device);

#endif /* IGT_DEBUGFS_H */
