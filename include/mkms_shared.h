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

/*
 * Fault injection. These files are in each device's debugfs directory,
 * /sys/kernel/debug/dri/<minor>/, readable and writable by root only, and
 * cost nothing while off. See docs/testing.rst.
 */

/* Where the commit tail waits: one of the MKMS_STALL_* words below. */
#define MKMS_DEBUGFS_STALL_POINT	"mkms_stall_point"
/* How long it waits there, in milliseconds (at most MKMS_STALL_MAX_MS). */
#define MKMS_DEBUGFS_STALL_MS		"mkms_stall_ms"
/* Read: "<commits waiting at the stall point now> <total that reached it>" */
#define MKMS_DEBUGFS_STALLED		"mkms_stalled"
/* 1: the vblank interrupt stops being delivered; 0: it resumes. */
#define MKMS_DEBUGFS_VBLANK_STOP	"mkms_vblank_stop"

#define MKMS_STALL_NONE			"none"
#define MKMS_STALL_BEFORE_HW		"before-hw"
#define MKMS_STALL_AFTER_HW		"after-hw"
#define MKMS_STALL_BEFORE_FLIP_DONE	"before-flip-done"
#define MKMS_STALL_MAX_MS		10000

/*
 * Module parameter (/sys/module/mkms/parameters/, root only): make the
 * next probes fail at step 1..MKMS_PROBE_STEPS; 0 turns it off.
 */
#define MKMS_PARAM_FAIL_PROBE_STEP	"fail_probe_step"
#define MKMS_PROBE_STEPS		5

/* Load-time module parameter: how many devices (mkms.0, mkms.1, ...). */
#define MKMS_PARAM_NUM_DEVICES		"num_devices"
#define MKMS_MAX_DEVICES		32

/*
 * Load-time module parameter: CRTCs per device, each with its own encoder,
 * connector and writeback connector; 1..MKMS_MAX_CRTCS.
 */
#define MKMS_PARAM_NUM_CRTCS		"num_crtcs"
#define MKMS_MAX_CRTCS			32
#define MKMS_MAX_ENCODERS		32
#define MKMS_MAX_CONNECTORS		32

/* The largest EDID a configfs connector takes: 256 blocks of 128 bytes. */
#define MKMS_EDID_MAX			(256 * 128)

/* Load-time module parameter: overlay planes per CRTC, 0..MKMS_MAX_OVERLAYS. */
#define MKMS_PARAM_NUM_OVERLAYS		"num_overlays"
#define MKMS_MAX_OVERLAYS		8

#endif /* _MKMS_SHARED_H_ */
