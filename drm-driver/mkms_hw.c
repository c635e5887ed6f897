// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual hardware behind mkms: per display pipe a timing generator
 * (an hrtimer raising the vblank "interrupt"), the scanout registers of
 * its planes, and a display engine that composes them (mkms_composer.c)
 * on an ordered workqueue whenever a frame's CRC or a copy of it through
 * the writeback registers is wanted.
 *
 * With CRC capture on, the CRC of a frame is delivered in the vblank
 * interrupt that starts it, as a display engine that checksums the
 * scanout as it goes does, whenever it can be: the pipe counts the writes
 * of whatever the composer reads (@gen in struct mkms_hw_pipe) and keeps
 * the CRC of the latest composition, which stays the CRC of every frame
 * until the next write. Only a frame that comes after such a write waits
 * for a composition. So userspace that draws into a framebuffer on
 * screen tells the driver with DIRTYFB, as with any display that does not
 * scan memory out by itself, and DIRTYFB is a commit.
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
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/workqueue.h>

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
 * @crc_enabled: each vblank delivers the CRC of the frame it starts
 * @compose_pending: @compose_work is queued
 * @crc_pending: frames @frame_first to @frame_last wait for a CRC, which
 *	the running composition delivers for those up to @cover_last if
 *	@cover is set, and the next one for the others
 * @frame_first: first frame that waits for a CRC
 * @frame_last: last one (the composer may lag behind under load)
 * @gen: generation of what the composer reads: bumped by every write of
 *	the scanout registers, the colour pipeline, the background, the
 *	output depth and the mode, and when capture begins
 * @composing: a composition that takes a CRC is running
 * @composing_gen: the @gen it composes
 * @cover: the running composition delivers the CRC of the frames that
 *	wait for one up to @cover_last: they came before it began, or while
 *	it ran and nothing changed
 * @cover_last: see @cover
 * @crc_valid: @crc is the CRC of generation @crc_gen
 * @crc_gen: see @crc_valid
 * @crc: the CRC of the latest composition
 * @wb_jobs: writeback jobs queued to the pipe and not complete yet
 * @wb_armed: the commit that queued the latest job has programmed the
 *	planes: the next vblank writes the frame back
 * @wb: the writeback registers, for the latest job
 * @width: active width of the current mode
 * @height: active height of the current mode
 * @period: duration of one frame of the current mode
 * @last_vblank: time of the most recent start of vertical blanking
 * @timer: the vblank interrupt source; revoked by mkms_hw_release()
 *	before the memory it lives in is freed
 * @planes: the scanout registers of the pipe's planes; written under
 *	@lock, and under @compose_lock too but by
 *	mkms_hw_plane_update_async()
 * @frame_planes: the copy of @planes a composition reads, taken under
 *	@lock when it begins; the composer's alone
 * @compose_lock: held by the composer while it reads the framebuffers
 *	that @planes point at, and by whoever changes @planes but
 *	mkms_hw_plane_update_async()
 * @color: the colour pipeline's registers; only the composer reads them,
 *	so they are written under @compose_lock alone
 * @background: the background colour register (see
 *	mkms_compose_args.background); written under @compose_lock alone,
 *	as @color
 * @output_bpc: bits a channel the pipe sends to its connector, 8 or
 *	MKMS_MAX_BPC; written under @compose_lock alone, as @color
 * @compose_work: the display engine composing a frame
 * @wq: ordered workqueue of @compose_work; revoked by mkms_hw_release()
 *	after @timer, so nothing queues work on it any more
 * @line: the composer's output line
 * @stage: the composer's source line
 * @crc_line: the composer's line for the CRC
 */
struct mkms_hw_pipe {
	struct mkms_device *mkms;
	unsigned int index;

	spinlock_t lock; /* vblank timer (hardirq) vs. commits */
	bool enabled;
	bool irq_enabled;
	bool crc_enabled;
	bool compose_pending;
	bool crc_pending;
	u32 frame_first;
	u32 frame_last;
	u32 gen;
	bool composing;
	u32 composing_gen;
	bool cover;
	u32 cover_last;
	bool crc_valid;
	u32 crc_gen;
	u32 crc;
	unsigned int width;
	unsigned int height;
	ktime_t period;
	ktime_t last_vblank;
	struct hrtimer timer;
	struct mkms_hw_plane_regs planes[MKMS_PLANES_PER_PIPE];
	struct mkms_hw_plane_regs frame_planes[MKMS_PLANES_PER_PIPE];
	unsigned int wb_jobs;
	bool wb_armed;
	struct mkms_hw_wb_regs wb;

	struct mutex compose_lock; /* composer vs. scanout register writes */
	struct mkms_hw_color_regs *color;
	u64 background;
	unsigned int output_bpc;
	struct work_struct compose_work;
	struct workqueue_struct *wq;
	struct mkms_pixel *line;
	struct mkms_pixel *stage;
	u8 *crc_line;
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

/* Something the composer reads was written: a CRC taken before is stale. */
static void mkms_hw_pipe_changed(struct mkms_hw_pipe *pipe)
{
	lockdep_assert_held(&pipe->lock);
	pipe->gen++;
}

/*
 * The vblank that starts frame @frame, with capture on: deliver its CRC
 * now if the latest composition's is current and no frame before it still
 * waits, else make it wait for the running composition if that one is
 * current, else for the next one. Called under @pipe->lock, which keeps
 * the CRCs in frame order.
 *
 * Returns: whether a composition must be queued for the frame.
 */
static bool mkms_hw_crc_vblank(struct mkms_hw_pipe *pipe, u32 frame)
{
	lockdep_assert_held(&pipe->lock);

	if (!pipe->crc_pending && pipe->crc_valid &&
	    pipe->crc_gen == pipe->gen) {
		mkms_crtc_add_crc(pipe->mkms, pipe->index, frame, frame,
				  pipe->crc);
		return false;
	}
	if (!pipe->crc_pending)
		pipe->frame_first = frame;
	pipe->frame_last = frame;
	pipe->crc_pending = true;
	/* Nothing changed since it began: no frame waits for a later one. */
	if (pipe->composing && pipe->composing_gen == pipe->gen) {
		pipe->cover = true;
		pipe->cover_last = frame;
		return false;
	}
	return true;
}

static enum hrtimer_restart mkms_hw_vblank_timer(struct hrtimer *timer)
{
	struct mkms_hw_pipe *pipe = container_of(timer, struct mkms_hw_pipe,
						 timer);
	struct drm_device *drm = &pipe->mkms->drm;
	enum hrtimer_restart restart = HRTIMER_NORESTART;
	bool tick = false, deliver = false, compose = false;
	u64 frames;
	u32 frame;
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
		tick = !READ_ONCE(pipe->mkms->fault.vblank_stop);
		deliver = tick && pipe->irq_enabled;
		restart = HRTIMER_RESTART;
	}
	spin_unlock(&pipe->lock);

	/* Outside the lock: the vblank core reads the timestamp back. */
	if (deliver)
		frame = mkms_crtc_handle_vblank(pipe->mkms, pipe->index);

	if (tick) {
		spin_lock(&pipe->lock);
		if (deliver && pipe->crc_enabled)
			compose = mkms_hw_crc_vblank(pipe, frame);
		compose = (compose || pipe->wb_armed) &&
			  !pipe->compose_pending;
		if (compose)
			pipe->compose_pending = true;
		spin_unlock(&pipe->lock);
		if (compose)
			queue_work(pipe->wq, &pipe->compose_work);
	}

	drm_dev_exit(idx);
	return restart;
}

/*
 * Each frame of every composer is a read section of this SRCU, begun
 * before the composer's drm_dev_enter(); see mkms_hw_quiesce().
 */
DEFINE_STATIC_SRCU(mkms_compose_srcu);

/**
 * mkms_hw_quiesce - wait until no composer reads an unplugged device's
 *	framebuffers
 *
 * drm_dev_unplug() marks the device unplugged, then waits for every
 * drm_dev_enter() section to end, a frame of the composer among them. A
 * commit that finds the device unplugged in between cannot program the
 * hardware, yet the helpers unmap what the old state showed once it
 * returns, while a frame that began before the unplug may still read it
 * through the scanout registers. So such a commit waits here first. A
 * frame this does not wait for began its read section after this call
 * did, and then sees the device unplugged and does not start.
 *
 * Context: process context; the device is unplugged. Cheap: the frames
 * check for the unplug between bands of lines.
 */
void mkms_hw_quiesce(void)
{
	synchronize_srcu_expedited(&mkms_compose_srcu);
}

/* mkms_compose_args.stop: a frame is not worth finishing after unplug. */
static bool mkms_hw_unplugged(void *drm)
{
	return drm_dev_is_unplugged(drm);
}

/*
 * The display engine: compose the frame on screen, deliver its CRC for
 * the frames that wait for it (see mkms_hw_crc_vblank()) and keep it for
 * the next ones, and write the frame back if a job is armed. The
 * framebuffers stay mapped while @compose_lock is held (see struct
 * mkms_hw_plane_regs), the writeback destination until its job is
 * complete. Jobs complete in order, and only the latest is written: the
 * ones before it (a commit replaced them before any vblank) complete
 * with an error.
 *
 * drm_dev_unplug() waits for this to leave drm_dev_enter(), and a commit
 * that finds the device unplugged meanwhile waits in mkms_hw_quiesce():
 * once it has begun, the frame ends within a band of lines, so that an
 * unbind does not wait for a whole composition. The jobs it took stay
 * queued on the writeback connector, and mkms_writeback_unplug()
 * completes them.
 */
static void mkms_hw_compose_work(struct work_struct *work)
{
	struct mkms_hw_pipe *pipe = container_of(work, struct mkms_hw_pipe,
						 compose_work);
	struct drm_device *drm = &pipe->mkms->drm;
	struct mkms_compose_args args;
	struct mkms_hw_wb_regs wb;
	unsigned int width, height, wb_jobs = 0;
	u32 gen, crc = 0;
	bool want_crc;
	int idx, srcu, ret;

	srcu = srcu_read_lock(&mkms_compose_srcu);
	if (!drm_dev_enter(drm, &idx)) {
		srcu_read_unlock(&mkms_compose_srcu, srcu);
		return;
	}

	mutex_lock(&pipe->compose_lock);
	spin_lock_irq(&pipe->lock);
	want_crc = pipe->crc_enabled;
	gen = pipe->gen;
	pipe->composing = want_crc;
	pipe->composing_gen = gen;
	pipe->cover = want_crc && pipe->crc_pending;
	pipe->cover_last = pipe->frame_last;
	width = pipe->width;
	height = pipe->height;
	if (pipe->wb_armed) {
		wb = pipe->wb;
		wb_jobs = pipe->wb_jobs;
		pipe->wb_jobs = 0;
		pipe->wb_armed = false;
	}
	pipe->compose_pending = false;
	memcpy(pipe->frame_planes, pipe->planes, sizeof(pipe->planes));
	spin_unlock_irq(&pipe->lock);
	args = (struct mkms_compose_args) {
		.planes = pipe->frame_planes,
		.num_planes = MKMS_PLANES_PER_PIPE,
		.width = width,
		.height = height,
		.line = pipe->line,
		.stage = pipe->stage,
		.crc_line = pipe->crc_line,
		.wb = wb_jobs ? &wb : NULL,
		.color = pipe->color,
		.background = pipe->background,
		.crc_bpc = pipe->output_bpc,
		.want_crc = want_crc,
		.stop = mkms_hw_unplugged,
		.stop_data = drm,
	};
	ret = mkms_compose(&args, &crc);

	spin_lock_irq(&pipe->lock);
	pipe->composing = false;
	if (want_crc && !ret) {
		pipe->crc = crc;
		pipe->crc_gen = gen;
		pipe->crc_valid = true;
		if (pipe->cover && pipe->crc_pending) {
			mkms_crtc_add_crc(pipe->mkms, pipe->index,
					  pipe->frame_first, pipe->cover_last,
					  crc);
			/* The others have a composition queued. */
			pipe->crc_pending = pipe->cover_last != pipe->frame_last;
			pipe->frame_first = pipe->cover_last + 1;
		}
	}
	pipe->cover = false;
	spin_unlock_irq(&pipe->lock);
	mutex_unlock(&pipe->compose_lock);
	srcu_read_unlock(&mkms_compose_srcu, srcu);
	if (ret) {
		drm_dev_exit(idx);
		return;
	}

	if (wb_jobs)
		mkms_writeback_done(pipe->mkms, pipe->index, wb_jobs - 1, true);
	drm_dev_exit(idx);
}

/*
 * Revoke, then free: this devm action is registered right after the
 * allocation, so it runs before the memory goes, and by then .remove has
 * already unplugged the device and shut the pipes down. The timers go
 * first, as they queue the composer; destroying a workqueue drains it.
 */
static void mkms_hw_release(void *data)
{
	struct mkms_hw *hw = data;
	unsigned int i;

	for (i = 0; i < hw->num_pipes; i++)
		hrtimer_cancel(&hw->pipes[i].timer);

	for (i = 0; i < hw->num_pipes; i++) {
		struct mkms_hw_pipe *pipe = &hw->pipes[i];

		if (pipe->wq)
			destroy_workqueue(pipe->wq);
		kvfree(pipe->line);
		kvfree(pipe->stage);
		kvfree(pipe->crc_line);
		kvfree(pipe->color);
		mutex_destroy(&pipe->compose_lock);
	}
}

/**
 * mkms_hw_init - create the virtual hardware of a device
 * @mkms: the device, whose @hw is set on success
 * @num_pipes: number of display pipes
 *
 * Called from probe. The hardware is devm-managed: it is freed when the
 * device is unbound, after its timers have been cancelled and its
 * composer drained.
 *
 * Returns: 0 or a negative errno.
 */
int mkms_hw_init(struct mkms_device *mkms, unsigned int num_pipes)
{
	struct device *dev = mkms->drm.dev;
	struct mkms_hw *hw;
	unsigned int i;
	int ret;

	hw = devm_kzalloc(dev, struct_size(hw, pipes, num_pipes), GFP_KERNEL);
	if (!hw)
		return -ENOMEM;
	hw->num_pipes = num_pipes;

	for (i = 0; i < num_pipes; i++) {
		struct mkms_hw_pipe *pipe = &hw->pipes[i];

		pipe->mkms = mkms;
		pipe->index = i;
		pipe->output_bpc = 8;
		spin_lock_init(&pipe->lock);
		hrtimer_setup(&pipe->timer, mkms_hw_vblank_timer,
			      CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
		mutex_init(&pipe->compose_lock);
		INIT_WORK(&pipe->compose_work, mkms_hw_compose_work);
	}

	ret = devm_add_action_or_reset(dev, mkms_hw_release, hw);
	if (ret)
		return ret;

	for (i = 0; i < num_pipes; i++) {
		struct mkms_hw_pipe *pipe = &hw->pipes[i];

		pipe->wq = alloc_ordered_workqueue("mkms-%s-%u", 0,
						   dev_name(dev), i);
		pipe->line = kvcalloc(MKMS_MAX_SIZE, sizeof(*pipe->line),
				      GFP_KERNEL);
		pipe->stage = kvcalloc(MKMS_MAX_SIZE, sizeof(*pipe->stage),
				       GFP_KERNEL);
		pipe->crc_line = kvmalloc_array(MKMS_MAX_SIZE, sizeof(u32),
						GFP_KERNEL);
		pipe->color = kvzalloc(sizeof(*pipe->color), GFP_KERNEL);
		if (!pipe->wq || !pipe->line || !pipe->stage ||
		    !pipe->crc_line || !pipe->color)
			return -ENOMEM;
	}

	mkms->hw = hw;
	return 0;
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
		p->width = min(mode->crtc_hdisplay, MKMS_MAX_SIZE);
		p->height = mode->crtc_vdisplay;
		now = ktime_get();
		p->last_vblank = now;
		p->enabled = true;
		mkms_hw_pipe_changed(p);
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
 * Writeback jobs the pipe still owes, whose vblank will now never come,
 * complete with an error. Does nothing if the device is unplugged: the
 * timer then stops by itself and mkms_hw_release() makes sure of it.
 */
void mkms_hw_pipe_disable(struct mkms_device *mkms, unsigned int pipe)
{
	unsigned int wb_jobs = 0;
	struct mkms_hw_pipe *p;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		spin_lock_irq(&p->lock);
		p->enabled = false;
		spin_unlock_irq(&p->lock);
		/* Not under the lock: the timer callback takes it. */
		hrtimer_cancel(&p->timer);
		flush_workqueue(p->wq);

		spin_lock_irq(&p->lock);
		swap(wb_jobs, p->wb_jobs);
		p->wb_armed = false;
		spin_unlock_irq(&p->lock);
		if (wb_jobs)
			mkms_writeback_done(mkms, pipe, wb_jobs, false);
	}

	drm_dev_exit(idx);
}

/* The on/off switches of a pipe, each set by one guarded helper. */
enum mkms_hw_pipe_switch {
	MKMS_HW_VBLANK_IRQ,
	MKMS_HW_CRC,
	MKMS_HW_WB_ARM,
};

static int mkms_hw_pipe_set(struct mkms_device *mkms, unsigned int pipe,
			    enum mkms_hw_pipe_switch what, bool on)
{
	bool compose = false;
	struct mkms_hw_pipe *p;
	unsigned long flags;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return -ENODEV;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		spin_lock_irqsave(&p->lock, flags);
		switch (what) {
		case MKMS_HW_CRC:
			/* Frames of an earlier capture wait no more. */
			p->crc_enabled = on;
			p->crc_pending = false;
			p->cover = false;
			if (!on)
				break;
			/* A first CRC ready for the first vblank, if it can. */
			mkms_hw_pipe_changed(p);
			compose = p->enabled && !p->compose_pending;
			p->compose_pending |= compose;
			break;
		case MKMS_HW_WB_ARM:
			/* Armed only while a job is there to write. */
			p->wb_armed = on && p->wb_jobs > 0;
			break;
		default:
			p->irq_enabled = on;
			break;
		}
		spin_unlock_irqrestore(&p->lock, flags);
		if (compose)
			queue_work(p->wq, &p->compose_work);
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
	return mkms_hw_pipe_set(mkms, pipe, MKMS_HW_VBLANK_IRQ, true);
}

/**
 * mkms_hw_vblank_irq_disable - stop delivering vblank interrupts of a pipe
 * @mkms: the device
 * @pipe: the pipe
 */
void mkms_hw_vblank_irq_disable(struct mkms_device *mkms, unsigned int pipe)
{
	mkms_hw_pipe_set(mkms, pipe, MKMS_HW_VBLANK_IRQ, false);
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
 *
 * Waits for a composition in progress: once this returns, the composer no
 * longer reads the framebuffer the old values pointed at, even if the
 * device is unplugged and the registers were left alone.
 */
void mkms_hw_plane_update(struct mkms_device *mkms, unsigned int pipe,
			  unsigned int plane,
			  const struct mkms_hw_plane_regs *regs)
{
	struct mkms_hw_pipe *p;
	unsigned long flags;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx)) {
		mkms_hw_quiesce();
		return;
	}

	p = mkms_hw_pipe(mkms, pipe);
	if (p && !drm_WARN_ON(&mkms->drm, plane >= MKMS_PLANES_PER_PIPE)) {
		mutex_lock(&p->compose_lock);
		spin_lock_irqsave(&p->lock, flags);
		p->planes[plane] = *regs;
		mkms_hw_pipe_changed(p);
		spin_unlock_irqrestore(&p->lock, flags);
		mutex_unlock(&p->compose_lock);
	}

	drm_dev_exit(idx);
}

/**
 * mkms_hw_plane_update_async - program a plane's scanout registers at once
 * @mkms: the device
 * @pipe: the pipe the plane is on
 * @plane: the plane's index within the pipe
 * @regs: the new register values
 * @retire: work that releases what the old values pointed at
 *
 * What mkms_hw_plane_update() does, without waiting for a composition in
 * progress: that one goes on with the registers it began with (it reads a
 * copy), and @retire runs after it, on the pipe's ordered workqueue, so
 * that the framebuffer the old values pointed at stays mapped until no
 * composition reads it. Destroying the workqueue at unbind runs @retire
 * if it has not run yet.
 *
 * Returns: 0, or -ENODEV if the device is unplugged: then nothing is
 * programmed and @retire is not queued.
 */
int mkms_hw_plane_update_async(struct mkms_device *mkms, unsigned int pipe,
			       unsigned int plane,
			       const struct mkms_hw_plane_regs *regs,
			       struct work_struct *retire)
{
	struct mkms_hw_pipe *p;
	unsigned long flags;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return -ENODEV;

	p = mkms_hw_pipe(mkms, pipe);
	if (!p || drm_WARN_ON(&mkms->drm, plane >= MKMS_PLANES_PER_PIPE)) {
		drm_dev_exit(idx);
		return -ENODEV;
	}
	spin_lock_irqsave(&p->lock, flags);
	p->planes[plane] = *regs;
	mkms_hw_pipe_changed(p);
	spin_unlock_irqrestore(&p->lock, flags);
	queue_work(p->wq, retire);

	drm_dev_exit(idx);
	return 0;
}

/**
 * mkms_hw_pipe_set_crc - switch a pipe's CRC generation on or off
 * @mkms: the device
 * @pipe: the pipe
 * @enabled: deliver the CRC of every frame
 *
 * Does nothing if the device is unplugged.
 */
void mkms_hw_pipe_set_crc(struct mkms_device *mkms, unsigned int pipe,
			  bool enabled)
{
	mkms_hw_pipe_set(mkms, pipe, MKMS_HW_CRC, enabled);
}

/**
 * mkms_hw_pipe_set_color - load a pipe's colour pipeline
 * @mkms: the device
 * @pipe: the pipe
 * @degamma: the degamma LUT, MKMS_LUT_SIZE entries, or NULL: off
 * @ctm: the colour transformation matrix, or NULL: off
 * @gamma: the gamma LUT, MKMS_LUT_SIZE entries, or NULL: off
 *
 * Waits for a composition in progress, which finishes with the old
 * values. Does nothing if the device is unplugged.
 */
void mkms_hw_pipe_set_color(struct mkms_device *mkms, unsigned int pipe,
			    const struct drm_color_lut *degamma,
			    const struct drm_color_ctm *ctm,
			    const struct drm_color_lut *gamma)
{
	struct mkms_hw_pipe *p;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		mutex_lock(&p->compose_lock);
		mkms_color_regs_load(p->color, degamma, ctm, gamma);
		spin_lock_irq(&p->lock);
		mkms_hw_pipe_changed(p);
		spin_unlock_irq(&p->lock);
		mutex_unlock(&p->compose_lock);
	}

	drm_dev_exit(idx);
}

/**
 * mkms_hw_pipe_set_background - set a pipe's background colour
 * @mkms: the device
 * @pipe: the pipe
 * @argb: the colour, in the layout of mkms_compose_args.background
 *
 * Waits for a composition in progress, which finishes with the old
 * value. Does nothing if the device is unplugged.
 */
void mkms_hw_pipe_set_background(struct mkms_device *mkms, unsigned int pipe,
				 u64 argb)
{
	struct mkms_hw_pipe *p;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		mutex_lock(&p->compose_lock);
		p->background = argb;
		spin_lock_irq(&p->lock);
		mkms_hw_pipe_changed(p);
		spin_unlock_irq(&p->lock);
		mutex_unlock(&p->compose_lock);
	}

	drm_dev_exit(idx);
}

/**
 * mkms_hw_pipe_set_output_bpc - set the depth a pipe sends to its connector
 * @mkms: the device
 * @pipe: the pipe
 * @bpc: bits a channel, 8 or MKMS_MAX_BPC
 *
 * The depth the CRC is taken at (mkms_compose_args.crc_bpc). Waits for a
 * composition in progress, which finishes with the old value. Does nothing
 * if the device is unplugged.
 */
void mkms_hw_pipe_set_output_bpc(struct mkms_device *mkms, unsigned int pipe,
				 unsigned int bpc)
{
	struct mkms_hw_pipe *p;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		mutex_lock(&p->compose_lock);
		p->output_bpc = bpc;
		spin_lock_irq(&p->lock);
		mkms_hw_pipe_changed(p);
		spin_unlock_irq(&p->lock);
		mutex_unlock(&p->compose_lock);
	}

	drm_dev_exit(idx);
}

/**
 * mkms_hw_writeback_queue - hand a writeback job to a pipe
 * @mkms: the device
 * @pipe: the pipe
 * @regs: where to write the frame
 *
 * The pipe owes a completion for the job from now on: the composer calls
 * mkms_writeback_done() for it, on the first vblank after the commit has
 * called mkms_hw_writeback_arm(). The caller holds drm_dev_enter(), so
 * that the job is either owed by the pipe or, once the device is
 * unplugged, completed by mkms_writeback_unplug().
 *
 * Returns: 0, or -ENODEV if the device is unplugged.
 */
int mkms_hw_writeback_queue(struct mkms_device *mkms, unsigned int pipe,
			    const struct mkms_hw_wb_regs *regs)
{
	struct mkms_hw_pipe *p;
	int idx;

	if (!drm_dev_enter(&mkms->drm, &idx))
		return -ENODEV;

	p = mkms_hw_pipe(mkms, pipe);
	if (p) {
		mutex_lock(&p->compose_lock);
		spin_lock_irq(&p->lock);
		p->wb = *regs;
		p->wb_jobs++;
		p->wb_armed = false;
		spin_unlock_irq(&p->lock);
		mutex_unlock(&p->compose_lock);
	}

	drm_dev_exit(idx);
	return p ? 0 : -EINVAL;
}

/**
 * mkms_hw_writeback_arm - write the next frame back
 * @mkms: the device
 * @pipe: the pipe
 *
 * Called once the commit that queued writeback jobs has programmed the
 * planes, so that the frame written back is the one the commit made. Does
 * nothing if no job is queued or the device is unplugged.
 */
void mkms_hw_writeback_arm(struct mkms_device *mkms, unsigned int pipe)
{
	mkms_hw_pipe_set(mkms, pipe, MKMS_HW_WB_ARM, true);
}
