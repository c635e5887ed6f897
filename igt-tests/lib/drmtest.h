/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening DRM devices the IGT way: DRIVER_ANY takes the first card of any
 * driver but vkms and vgem (as IGT 2.2 and later do), IGT_FORCE_DRIVER
 * picks a driver by name. The _another variants open the idx-th such card
 * (from 0, in /dev/dri order), for tests that need several devices.
 */

#ifndef DRMTEST_H
#define DRMTEST_H

#define DRIVER_ANY	(~0)

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))

int __drm_open_driver_another(int idx, int chipset);
int __drm_open_driver(int chipset);
int __drm_open_driver_render(int chipset);
int drm_open_driver_another(int idx, int chipset);
int drm_open_driver(int chipset);
int drm_open_driver_master(int chipset);
int drm_open_driver_render(int chipset);
int drm_close_driver(int fd);

#endif /* DRMTEST_H */
