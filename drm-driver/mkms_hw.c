// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual hardware behind mkms: per display pipe a timing generator
 * (an hrtimer raising the vblank "interrupt") and the scanout registers of
 * its planes.
 *
 * This is the device-lifetime side of the driver. struct mkms_hw is devm
 * memory, allocated at probe and freed when the device is unbound, while
 * the drm_device that points at it may live on for as long as userspace
 * keeps an fd open. Every helper in this file therefore opens with
 * drm_dev_enter() and does nothing once the device is unplugged; a helper
 * that forgot would show up as a KASAN use-after-free in the unbind tests
 * instead of passing by luck.
 */

#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>

#include <drm/drm_drv.h>
#include <drm/drm_modes.h>
#include <drm/drm_print.h>

#include "mkms_drv.h"

/**
 * struct mkms_hw_pipe - the timing generator and planes of one pipe
 * @mkms: the device this pipe belongs to
 * @index: the pipe's index, equal to its CRTC's index
 * @lock: protects the fields below against the vblank timer (hardirq)
 * @enabled: the timing generator runs and @timer is armed
 * @irq_enabled: vblank "interrupts" are delivered to the CRTC
 * @period: duration of one frame of the current mode
 * @last_vblank: time of the most recent start of vertical blanking
 * @timer: the vblank interrupt source; revoked by mkms_hw_release()
 *	before the memory it lives in is freed
 * @planes: the scanout registers of the pipe's planes
 */
struct mkms_hw_pipe {
	struct mkms_device *mkms;
	unsigned int index;

	spinlock_t lock; /* vblank timer (hardirq) vs. commits */
	bool enabled;
	bool irq_enabled;
	ktime_t period;
	ktime_t last_vblank;
	struct hrtimer timer;
	struct mkms_hw_plane_regs planes[MKMS_PLANES_PER_PIPE];
};

/**
 * struct mkms_hw - the virtual hardware of one device
 * @num_pipes: number of entries in @pipes
 * @pipes: the display pipes
 *
 * devm memory: valid from probe until the device is unbound, and only
 * reachable through the mkms_hw_*() helpers.
 */
struct mkms_hw {
	unsigned int num_pipes;
	struct mkms_hw_pipe pipes[] __counted_by(num_pipes);
};

static enum hrtimer_restart mkms_hw_vblank_timer(struct hrtimer *timer)
{
	struct mkms_hw_pipe *pipe = container_of(timer, struct mkms_hw_pipe,
						 timer);
	struct drm_device *drm = &pipe->mkms->drm;
	enum hrtimer_restart restart = HRTIMER_NORESTART;
	bool deliver = false;
	u64 frames;
	int idx;

	/* Unplugged: the hardware is gone, and so are its interrupts. */
	if (!drm_dev_enter(drm, &idx))
		return HRTIMER_NORESTART;

	spin_lock(&pipe->lock);
	if (pipe->enabled) {
		frames = hrtimer_forward_now(timer, pipe->period);
		if (frames > 1)
			drm_dbg_driver(drm, "pipe %u: %llu vblanks missed\n",
				       pipe->index, frames - 1);
		pipe->last_vblank = ktime_sub(hrtimer_get_expires(timer),
					      pipe->period);
		deliver = pipe->irq_enabled &&
			  !READ_ONCE(pipe->mkms->fault.vblank_stop);
		restart = HRTIMER_RESTART;
	}
	spin_unlock(&pipe->lock);

	/* Outside the lock: the vblank core reads the timestamp back. */
	if (deliver)
		mkms_crtc_handle_vblank(pipe->mkms, pipe->index);

	drm_dev_exit(idx);
	return restart;
}

/*
 * Revoke, then free: this devm action is registered right after the
 * allocation, so it runs before the memory goes, and by then .remove has
 * already unplugged the device and shut the pipes down.
 */
static void mkms_hw_release(void *data)
{
	struct mkms_hw *hw = data;
	unsigned int i;

	for (i = 0; i < hw->num_pipes; i++)
		hrtimer_cancel(&hw->pipes[i].timer);
}

/**
 * mkms_hw_init - create the virtual hardware of a device
 * @mkms: the device, whose @hw is set on success
 * @num_pipes: number of display pipes
 *
 * Called from probe. The hardware is devm-managed: it is freed when the
 * device is unbound, after its timers have been cancelled.
 *
 * Returns: 0 or a negative errno.
 */
int mkms_hw_init(struct mkms_device *mkms, unsigned int num_pipes)
{
	struct device *dev = mkms->drm.dev;
	struct mkms_hw *hw;
	unsigned int i;

	hw = devm_kzalloc(dev, struct_size(hw, pipes, num_pipes), GFP_KERNEL);
	if (!hw)
		return -ENOMEM;
	hw->num_pipes = num_pipes;

	for (i = 0; i < num_pipes; i++) {
		struct mkms_hw_pipe *pipe = &hw->pipes[i];

		pipe->mkms = mkms;
		pipe->index = i;
		spin_lock_init(&pipe->lock);
		hrtimer_init(&pipe->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
		pipe->timer.function = mkms_hw_vblank_timer;
	}

	mkms->hw = hw;
	return devm_add_action_or_reset(dev, mkms_hw_release, hw);
}

/* Only valid inside drm_dev_enter(). */
static struct mkms_hw_pipe *mkms_hw_pipe(struct mkms_device *mkms,
					 unsigned int pipe)
{
	if (drm_WARN_ON(&mkms->drm, pipe >= mkms->hw->num_pipes))
		return NULL;
	return &mkms->hw->pipes[pipe];
}

/**
 * mkms_hw_pipe_enable - start scanning out a mode on a pipe
 * @mkms: the device
 * @pipe: the pipe
 * @mode: the mode, whose clock and totals give the frame period
 *
 * Does nothing if the device is unplugged.
 */
void mkms_hw_pipe_enable(struct mkms_device *mkms, unsigned int pipe,
			 const struct drm_display_mode *mode)
{
	struct mkms_hw_pipe *p;
	unsigned long flags;
	ktime_t now;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		spin_lock_irqsave(&p->lock, flags);
		p->period = ns_to_ktime(div_u64((u64)mode->crtc_htotal *
						mode->crtc_vtotal * 1000000,
						max(mode->crtc_clock, 1)));
		now = ktime_get();
		p->last_vblank = now;
		p->enabled = true;
		hrtimer_start(&p->timer, ktime_add(now, p->period),
			      HRTIMER_MODE_ABS);
		spin_unlock_irqrestore(&p->lock, flags);
	}

	drm_dev_exit(idx);
}

/**
 * mkms_hw_pipe_disable - stop a pipe's timing generator
 * @mkms: the device
 * @pipe: the pipe
 *
 * Does nothing if the device is unplugged: the timer then stops by itself
 * and mkms_hw_release() makes sure of it.
 */
void mkms_hw_pipe_disable(struct mkms_device *mkms, unsigned int pipe)
{
	struct mkms_hw_pipe *p;
	unsigned long flags;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		spin_lock_irqsave(&p->lock, flags);
		p->enabled = false;
		spin_unlock_irqrestore(&p->lock, flags);
		/* Not under the lock: the timer callback takes it. */
		hrtimer_cancel(&p->timer);
	}

	drm_dev_exit(idx);
}

static int mkms_hw_set_vblank_irq(struct mkms_device *mkms, unsigned int pipe,
				  bool enabled)
{
	struct mkms_hw_pipe *p;
	unsigned long flags;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return -ENODEV;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		spin_lock_irqsave(&p->lock, flags);
		p->irq_enabled = enabled;
		spin_unlock_irqrestore(&p->lock, flags);
	}

	drm_dev_exit(idx);
	return p ? 0 : -EINVAL;
}

/**
 * mkms_hw_vblank_irq_enable - deliver vblank interrupts of a pipe
 * @mkms: the device
 * @pipe: the pipe
 *
 * Returns: 0, or -ENODEV if the device is unplugged, so that the vblank
 * core sends pending events at once instead of waiting for a vblank that
 * will never come.
 */
int mkms_hw_vblank_irq_enable(struct mkms_device *mkms, unsigned int pipe)
{
	return mkms_hw_set_vblank_irq(mkms, pipe, true);
}

/**
 * mkms_hw_vblank_irq_disable - stop delivering vblank interrupts of a pipe
 * @mkms: the device
 * @pipe: the pipe
 */
void mkms_hw_vblank_irq_disable(struct mkms_device *mkms, unsigned int pipe)
{
	mkms_hw_set_vblank_irq(mkms, pipe, false);
}

/**
 * mkms_hw_vblank_timestamp - time of a pipe's latest vblank
 * @mkms: the device
 * @pipe: the pipe
 * @timestamp: set to the time vertical blanking last started
 *
 * Returns: true if @timestamp was set, false if the pipe is off or the
 * device is unplugged (the vblank core then falls back to the current time).
 */
bool mkms_hw_vblank_timestamp(struct mkms_device *mkms, unsigned int pipe,
			      ktime_t *timestamp)
{
	struct mkms_hw_pipe *p;
	unsigned long flags;
	bool valid = false;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return false;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		spin_lock_irqsave(&p->lock, flags);
		if (p->enabled) {
			*timestamp = p->last_vblank;
			valid = true;
		}
		spin_unlock_irqrestore(&p->lock, flags);
	}

	drm_dev_exit(idx);
	return valid;
}

/**
 * mkms_hw_plane_update - program the scanout registers of a plane
 * @mkms: the device
 * @pipe: the pipe the plane is on
 * @plane: the plane's index within the pipe
 * @regs: the new register values
 */
void mkms_hw_plane_update(struct mkms_device *mkms, unsigned int pipe,
			  unsigned int plane,
			  const struct mkms_hw_plane_regs *regs)
{
	struct mkms_hw_pipe *p;
	unsigned long flags;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return;

	p = mkms_hw_pipe(mkms, pipe);
	if (p && !drm_WARN_ON(&mkms->drm, plane >= MKMS_PLANES_PER_PIPE)) {
		spin_lock_irqsave(&p->lock, flags);
		p->planes[plane] = *regs;
		spin_unlock_irqrestore(&p->lock, flags);
	}

	drm_dev_exit(idx);
}
