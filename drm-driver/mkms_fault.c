// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: makes "in the middle of a commit" deterministic for the
 * unbind tests, at the cost of one comparison per commit while it is off.
 *
 * - The commit tail can stall for a while at a chosen point (before the
 *   hardware is programmed, after it, or before waiting for flip_done),
 *   and tells how many commits are stalled there right now, so that a
 *   test knows when to unbind.
 * - The vblank interrupt can be stopped, so that events and vblank waits
 *   stay pending.
 * - Probe can fail at a chosen step, to prove every error path unwinds.
 *
 * The knobs live in struct mkms_fault, inside the drmm-managed mkms_device,
 * because commit tails read them after unbind too. Their debugfs files are
 * in the device's debugfs directory, which the DRM core removes when the
 * device is unplugged; reading a file left open then fails with -EIO.
 * No handler here touches the virtual hardware, so none needs
 * drm_dev_enter().
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "mkms_drv.h"

static unsigned int fail_probe_step;

/* A step out of range is refused, not silently never reached. */
static int mkms_fail_probe_step_set(const char *val,
				    const struct kernel_param *kp)
{
	unsigned int step;
	int ret;

	ret = kstrtouint(val, 0, &step);
	if (ret)
		return ret;
	if (step > MKMS_PROBE_STEPS)
		return -ERANGE;

	return param_set_uint(val, kp);
}

static const struct kernel_param_ops mkms_fail_probe_step_ops = {
	.set = mkms_fail_probe_step_set,
	.get = param_get_uint,
};

module_param_cb(fail_probe_step, &mkms_fail_probe_step_ops, &fail_probe_step,
		0600);
MODULE_PARM_DESC(fail_probe_step,
		 "Fault injection: fail probe at step 1-"
		 __stringify(MKMS_PROBE_STEPS) " (default 0: never)");

static const char * const mkms_stall_point_names[] = {
	[MKMS_STALL_POINT_NONE]			= MKMS_STALL_NONE,
	[MKMS_STALL_POINT_BEFORE_HW]		= MKMS_STALL_BEFORE_HW,
	[MKMS_STALL_POINT_AFTER_HW]		= MKMS_STALL_AFTER_HW,
	[MKMS_STALL_POINT_BEFORE_FLIP_DONE]	= MKMS_STALL_BEFORE_FLIP_DONE,
};

/**
 * mkms_fault_probe - the probe fault injection point
 * @dev: the device being probed
 * @step: the probe step about to run, 1..MKMS_PROBE_STEPS
 *
 * Returns: -EIO if fail_probe_step asks for this step to fail, else 0.
 */
int mkms_fault_probe(struct device *dev, unsigned int step)
{
	if (likely(READ_ONCE(fail_probe_step) != step))
		return 0;

	dev_info(dev, "fault injection: failing probe at step %u\n", step);
	return -EIO;
}

/**
 * mkms_fault_stall - a stall point of the commit tail
 * @mkms: the device
 * @point: which point this is
 *
 * Sleeps for the configured time if the stall point is @point.
 */
void mkms_fault_stall(struct mkms_device *mkms, enum mkms_stall_point point)
{
	struct mkms_fault *fault = &mkms->fault;

	if (likely(READ_ONCE(fault->stall_point) != point))
		return;

	atomic_inc(&fault->reached);
	atomic_inc(&fault->stalled);
	drm_dbg_driver(&mkms->drm, "commit stalled at %s for %u ms\n",
		       mkms_stall_point_names[point], READ_ONCE(fault->stall_ms));
	msleep(READ_ONCE(fault->stall_ms));
	atomic_dec(&fault->stalled);
}

static struct mkms_device *mkms_fault_file_device(struct file *file)
{
	return ((struct seq_file *)file->private_data)->private;
}

static int mkms_stall_point_show(struct seq_file *m, void *unused)
{
	struct mkms_device *mkms = m->private;

	seq_printf(m, "%s\n",
		   mkms_stall_point_names[READ_ONCE(mkms->fault.stall_point)]);
	return 0;
}

static ssize_t mkms_stall_point_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *pos)
{
	struct mkms_device *mkms = mkms_fault_file_device(file);
	char buf[32];
	int point;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	point = sysfs_match_string(mkms_stall_point_names, buf);
	if (point < 0)
		return point;

	atomic_set(&mkms->fault.reached, 0);
	WRITE_ONCE(mkms->fault.stall_point, point);
	return len;
}
DEFINE_SHOW_STORE_ATTRIBUTE(mkms_stall_point);

static int mkms_stall_ms_show(struct seq_file *m, void *unused)
{
	struct mkms_device *mkms = m->private;

	seq_printf(m, "%u\n", READ_ONCE(mkms->fault.stall_ms));
	return 0;
}

static ssize_t mkms_stall_ms_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *pos)
{
	struct mkms_device *mkms = mkms_fault_file_device(file);
	unsigned int ms;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &ms);
	if (ret)
		return ret;
	if (ms > MKMS_STALL_MAX_MS)
		return -ERANGE;

	WRITE_ONCE(mkms->fault.stall_ms, ms);
	return len;
}
DEFINE_SHOW_STORE_ATTRIBUTE(mkms_stall_ms);

static int mkms_stalled_show(struct seq_file *m, void *unused)
{
	struct mkms_device *mkms = m->private;

	seq_printf(m, "%d %d\n", atomic_read(&mkms->fault.stalled),
		   atomic_read(&mkms->fault.reached));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mkms_stalled);

static int mkms_vblank_stop_show(struct seq_file *m, void *unused)
{
	struct mkms_device *mkms = m->private;

	seq_printf(m, "%d\n", READ_ONCE(mkms->fault.vblank_stop));
	return 0;
}

static ssize_t mkms_vblank_stop_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *pos)
{
	struct mkms_device *mkms = mkms_fault_file_device(file);
	bool stop;
	int ret;

	ret = kstrtobool_from_user(ubuf, len, &stop);
	if (ret)
		return ret;

	WRITE_ONCE(mkms->fault.vblank_stop, stop);
	return len;
}
DEFINE_SHOW_STORE_ATTRIBUTE(mkms_vblank_stop);

/**
 * mkms_fault_debugfs_init - create the fault injection files
 * @minor: the device's primary minor
 *
 * The drm_driver.debugfs_init hook, called when drm_dev_register()
 * registers the minor (the minor's directory is the one every kernel
 * mkms supports has). The DRM core removes the files with that directory
 * when the device is unplugged.
 */
void mkms_fault_debugfs_init(struct drm_minor *minor)
{
	struct mkms_device *mkms = to_mkms_device(minor->dev);
	struct dentry *root = minor->debugfs_root;

	debugfs_create_file(MKMS_DEBUGFS_STALL_POINT, 0600, root, mkms,
			    &mkms_stall_point_fops);
	debugfs_create_file(MKMS_DEBUGFS_STALL_MS, 0600, root, mkms,
			    &mkms_stall_ms_fops);
	debugfs_create_file(MKMS_DEBUGFS_STALLED, 0400, root, mkms,
			    &mkms_stalled_fops);
	debugfs_create_file(MKMS_DEBUGFS_VBLANK_STOP, 0600, root, mkms,
			    &mkms_vblank_stop_fops);
}
