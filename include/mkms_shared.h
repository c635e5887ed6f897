/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names shared by the mkms driver and its tests: what a test may rely on
 * to find a device, and what the driver must keep stable for it.
 */

#ifndef _MKMS_SHARED_H_
#define _MKMS_SHARED_H_

/* The DRM driver name, platform driver name and device name prefix. */
#define MKMS_DRIVER_NAME	"mkms"

/* sysfs directory of the platform driver, with its bind/unbind files. */
#define MKMS_SYSFS_DRIVER	"/sys/bus/platform/drivers/" MKMS_DRIVER_NAME

#endif /* _MKMS_SHARED_H_ */
