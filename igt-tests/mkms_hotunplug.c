// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: mkms hotunplug
 * Description: Unbind a KMS driver from its device while userspace holds
 *		fds open and commits are in flight, and check that nothing is
 *		lost, nothing hangs, and a rebind gives a working device.
 *		The "in flight" part is made deterministic with mkms's fault
 *		injection (include/mkms_shared.h); drivers without it run the
 *		subtests that do not need it.
 *
 * SUBTEST: unbind-idle
 * Description: Set a mode, stay idle, unbind; the old fd gets ENODEV.
 *
 * SUBTEST: unbind-blocking-commit
 * Description: Unbind while a blocking commit is stalled in the commit
 *		tail; both the commit and the unbind return.
 *
 * SUBTEST: unbind-nonblocking-commit-event
 * Description: Unbind while a nonblocking flip that asked for an event
 *		is stalled; the event is delivered.
 *
 * SUBTEST: unbind-vblank-wait
 * Description: Unbind while another thread waits for a vblank that does
 *		not come; the wait returns.
 *
 * SUBTEST: unbind-mmap
 * Description: Dumb buffers mapped before unbind can still be read and
 *		written after it, and unmapped after close.
 *
 * SUBTEST: unbind-during-flips
 * Description: Unbind while a client keeps a page flip in flight; the flip
 *		completes and later ioctls fail with ENODEV.
 *
 * SUBTEST: unbind-out-fence
 * Description: Unbind while a commit with an out-fence is stalled; the
 *		fence signals and poll never hangs.
 *
 * SUBTEST: unbind-writeback
 * Description: Unbind while a writeback job waits for a vblank that does
 *		not come; its out-fence signals with an error.
 *
 * SUBTEST: unbind-mid-frame
 * Description: Unbind while the display engine composes a 3840x2160
 *		frame (a translucent full-screen overlay: every pixel is
 *		blended) into a writeback job: the frame is cut short, so
 *		the job's out-fence signals with an error instead of the
 *		unbind waiting for the whole frame.
 *
 * SUBTEST: unbind-dmabuf
 * Description: dma-bufs exported before unbind outlive the device: they
 *		can be mapped after it, closed before or after the device fd.
 *
 * SUBTEST: unbind-crc-open
 * Description: Unbind while the CRTC's debugfs crc/data is open and a
 *		thread is blocked reading it; the unbind and the read return,
 *		and crc/data can be closed after the device fd.
 *
 * SUBTEST: unbind-debugfs-open
 * Description: A fault injection file open across unbind fails cleanly
 *		(EIO) and closes.
 *
 * SUBTEST: unbind-master-and-clients
 * Description: A master and several non-master clients with mapped
 *		buffers all see ENODEV after unbind and close in any order.
 *
 * SUBTEST: unbind-lease
 * Description: A lessee holding a lease on the pipe sees ENODEV after
 *		unbind and closes before or after its lessor.
 *
 * SUBTEST: bad-knob-writes
 * Description: Garbage, out-of-range and over-long writes to the fault
 *		injection files and fail_probe_step fail with EINVAL or
 *		ERANGE and change nothing; a non-root user cannot open them.
 *
 * SUBTEST: probe-fail-%d
 * Description: Probe made to fail at step %d unwinds cleanly, and the
 *		next bind succeeds.
 *
 * SUBTEST: rebind-loop
 * Description: Unbind and bind again and again (MKMS_REBIND_CYCLES, 100 by
 *		default) while four client processes hammer the device and
 *		keep the fds of every binding they saw until the end.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <linux/sync_file.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "dut.h"
#include "mkms_shared.h"

IGT_TEST_DESCRIPTION("Unbind a KMS driver with fds open and commits in flight");

#define STALL_MS 1500

static struct dut data = DUT_INIT;

static void set_fail_probe_step(struct dut *d, int step)
{
	int dir = dut_module_params(d);
	char buf[16];

	igt_assert_fd(dir);
	snprintf(buf, sizeof(buf), "%d", step);
	igt_assert(igt_sysfs_set(dir, MKMS_PARAM_FAIL_PROBE_STEP, buf));
	close(dir);
}

static void rebind_at_exit(int sig)
{
	int dir = dut_module_params(&data);

	if (dir >= 0) {
		igt_sysfs_set(dir, MKMS_PARAM_FAIL_PROBE_STEP, "0");
		close(dir);
	}
	if (data.unbound)
		igt_sysfs_set(data.drv_dir, "bind", data.bus_addr);
}

/* ---- Fault injection ---------------------------------------------------- */

static bool has_fault_injection(struct dut *d)
{
	int dir = igt_debugfs_dir(d->fd);
	bool has = dir >= 0 && !faccessat(dir, MKMS_DEBUGFS_STALL_POINT, W_OK, 0);

	if (dir >= 0)
		close(dir);
	return has;
}

static void stall_commits(struct dut *d, const char *point, int ms)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", ms);
	dut_knob_set(d, MKMS_DEBUGFS_STALL_MS, buf);
	dut_knob_set(d, MKMS_DEBUGFS_STALL_POINT, point);
}

/* Wait until a commit sits at the stall point. */
static void wait_stalled(struct dut *d)
{
	int dir = igt_debugfs_dir(d->fd);
	double t0 = dut_now();
	int stalled = 0, reached;
	char *s;

	igt_assert_fd(dir);
	while (dut_now() - t0 < 10) {
		s = igt_sysfs_get(dir, MKMS_DEBUGFS_STALLED);
		igt_assert(s && sscanf(s, "%d %d", &stalled, &reached) == 2);
		free(s);
		if (stalled)
			break;
		usleep(1000);
	}
	close(dir);
	igt_assert_f(stalled, "no commit reached the stall point in 10 s\n");
}

/* ---- Subtests ----------------------------------------------------------- */

/* Write @value to @name in @dir in one write(): 0 or -errno. */
static int write_knob(int dir, const char *name, const char *value)
{
	int fd = openat(dir, name, O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Each bad write fails with its errno and leaves the value as it was. */
static void check_bad_writes(int dir, const char *name,
			     const char * const *values, const int *errs,
			     int count)
{
	char *before = igt_sysfs_get(dir, name), *after;

	igt_assert_f(before, "cannot read %s\n", name);
	for (int i = 0; i < count; i++) {
		int ret = write_knob(dir, name, values[i]);

		igt_assert_f(ret == -errs[i],
			     "write \"%.40s\" to %s: want %s, got %s\n",
			     values[i], name, strerror(errs[i]),
			     ret ? strerror(-ret) : "success");
		after = igt_sysfs_get(dir, name);
		igt_assert_f(after && !strcmp(before, after),
			     "%s changed from %s to %s on a failed write\n",
			     name, before, after);
		free(after);
	}
	free(before);
}

static void test_bad_knob_writes(struct dut *d)
{
	static const char * const point[] = {
		"sideways",
		"before-hw-and-more-after-it-to-fill-32-bytes",
	};
	static const int point_err[] = { EINVAL, EINVAL };
	static const char * const ms[] = { "10001", "-5", "soon" };
	static const int ms_err[] = { ERANGE, EINVAL, EINVAL };
	static const char * const stop[] = { "2", "maybe" };
	static const int stop_err[] = { EINVAL, EINVAL };
	static const char * const step[] = { "6", "-1", "first" };
	static const int step_err[] = { ERANGE, EINVAL, EINVAL };
	int debugfs = igt_debugfs_dir(d->fd);
	int params = dut_module_params(d);
	pid_t child;
	int status;

	igt_assert_fd(debugfs);
	igt_assert_fd(params);
	check_bad_writes(debugfs, MKMS_DEBUGFS_STALL_POINT, point, point_err,
			 ARRAY_SIZE(point));
	check_bad_writes(debugfs, MKMS_DEBUGFS_STALL_MS, ms, ms_err,
			 ARRAY_SIZE(ms));
	check_bad_writes(debugfs, MKMS_DEBUGFS_VBLANK_STOP, stop, stop_err,
			 ARRAY_SIZE(stop));
	check_bad_writes(params, MKMS_PARAM_FAIL_PROBE_STEP, step, step_err,
			 ARRAY_SIZE(step));

	/* Root only: nobody cannot open them, even with the directory open. */
	child = fork();
	igt_assert(child >= 0);
	if (child == 0) {
		static const char * const knobs[] = {
			MKMS_DEBUGFS_STALL_POINT, MKMS_DEBUGFS_STALL_MS,
			MKMS_DEBUGFS_VBLANK_STOP,
		};

		if (setgid(65534) || setuid(65534))
			_exit(2);
		for (unsigned int i = 0; i < ARRAY_SIZE(knobs); i++)
			if (write_knob(debugfs, knobs[i], "0") != -EACCES)
				_exit(3 + i);
		if (write_knob(params, MKMS_PARAM_FAIL_PROBE_STEP, "0") != -EACCES)
			_exit(10);
		_exit(0);
	}
	igt_assert_eq(waitpid(child, &status, 0), child);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "a non-root user could write a knob (child status %#x)\n",
		     status);
	close(params);
	close(debugfs);
}

static void *blocking_commit(void *arg)
{
	struct dut *d = arg;

	return (void *)(intptr_t)dut_flip(d, 0);
}

static void test_blocking_commit(struct dut *d)
{
	pthread_t thread;
	void *ret;

	stall_commits(d, MKMS_STALL_BEFORE_HW, STALL_MS);
	igt_assert(pthread_create(&thread, NULL, blocking_commit, d) == 0);
	wait_stalled(d);
	dut_unbind(d);
	igt_assert(pthread_join(thread, &ret) == 0);
	igt_assert_f((intptr_t)ret == 0 || (intptr_t)ret == -ENODEV,
		     "the stalled blocking commit returned %s\n",
		     strerror(-(intptr_t)ret));
}

static void test_nonblocking_event(struct dut *d)
{
	double t0;

	stall_commits(d, MKMS_STALL_BEFORE_HW, STALL_MS);
	d->flips = 0;
	igt_assert_eq(dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK |
			   DRM_MODE_PAGE_FLIP_EVENT), 0);
	wait_stalled(d);
	dut_unbind(d);
	/* The flip completes (with hardware or without): its event comes. */
	t0 = dut_now();
	igt_assert_f(dut_wait_event(d, STALL_MS + 3000) && d->flips == 1,
		     "the stalled flip's event never came\n");
	igt_info("event delivered %.3f s after unbind\n", dut_now() - t0);
	igt_assert_f(!dut_wait_event(d, 100), "a second event arrived\n");
}

static void *vblank_waiter(void *arg)
{
	struct dut *d = arg;
	drmVBlank vbl = {
		.request.type = DRM_VBLANK_RELATIVE,
		.request.sequence = 1,
	};

	return (void *)(intptr_t)(drmWaitVBlank(d->fd, &vbl) ? -errno : 0);
}

static void test_vblank_wait(struct dut *d)
{
	pthread_t thread;
	void *ret;

	dut_knob_set(d, MKMS_DEBUGFS_VBLANK_STOP, "1");
	igt_assert(pthread_create(&thread, NULL, vblank_waiter, d) == 0);
	usleep(200000);	/* let it block: no vblank will come */
	dut_unbind(d);
	igt_assert(pthread_join(thread, &ret) == 0);
	igt_info("the vblank wait returned %s\n", strerror(-(intptr_t)ret));
}

static void test_mmap(struct dut *d)
{
	uint32_t want[2] = { 0xff0000ff, 0xff00ff00 };

	dut_unbind(d);
	for (int i = 0; i < 2; i++) {
		struct buffer *b = &d->buf[i];

		igt_assert_eq_u32(b->map[0], want[i]);
		igt_assert_eq_u32(b->map[b->size / 4 - 1], want[i]);
		b->map[0] = 0x12345678;
		igt_assert_eq_u32(b->map[0], 0x12345678);
	}
	/* Close first: the mappings must outlive the fd too. */
	igt_assert_eq(drm_close_driver(d->fd), 0);
	d->fd = -1;
	for (int i = 0; i < 2; i++) {
		igt_assert_eq_u32(d->buf[i].map[0], 0x12345678);
		igt_assert_eq_u32(d->buf[i].map[1], want[i]);
	}
}

static void *flipper(void *arg)
{
	struct dut *d = arg;
	int ret;

	/* One flip always queued, until the device is gone. */
	for (;;) {
		unsigned int flips = d->flips;

		ret = dut_flip(d, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT);
		if (ret)
			return (void *)(intptr_t)ret;
		while (d->flips == flips)
			if (!dut_wait_event(d, 5000))
				return (void *)(intptr_t)-ETIMEDOUT;
	}
}

static void test_during_flips(struct dut *d)
{
	pthread_t thread;
	double t0 = dut_now();
	void *ret;

	d->flips = 0;
	igt_assert(pthread_create(&thread, NULL, flipper, d) == 0);
	while (d->flips < 10 && dut_now() - t0 < 20)
		usleep(10000);
	igt_assert_f(d->flips >= 10, "only %u flips in 20 s\n", d->flips);
	dut_unbind(d);
	igt_assert(pthread_join(thread, &ret) == 0);
	igt_assert_f((intptr_t)ret == -ENODEV,
		     "the flipper stopped with %s, want ENODEV\n",
		     strerror(-(intptr_t)ret));
}

static void test_out_fence(struct dut *d)
{
	struct pollfd pfd = { .events = POLLIN };
	drmModeAtomicReq *req;
	int32_t fence = -1;

	stall_commits(d, MKMS_STALL_BEFORE_HW, STALL_MS);
	req = drmModeAtomicAlloc();
	igt_assert(drmModeAtomicAddProperty(req, d->plane_id, d->fb_prop,
					    d->buf[!d->front].fb_id) >= 0);
	dut_add(req, d, d->crtc_id, DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR",
	    (uintptr_t)&fence);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_NONBLOCK,
					  NULL), 0);
	drmModeAtomicFree(req);
	igt_assert_fd(fence);
	wait_stalled(d);
	dut_unbind(d);
	pfd.fd = fence;
	igt_assert_f(poll(&pfd, 1, STALL_MS + 3000) == 1,
		     "the out-fence of the stalled commit never signalled\n");
	igt_assert_eq(close(fence), 0);
}

static void test_writeback(struct dut *d)
{
	struct pollfd pfd = { .events = POLLIN };
	struct sync_file_info info = {};
	uint32_t wb = dut_find_writeback(d);
	drmModeAtomicReq *req;
	struct buffer out;
	int32_t fence = -1;

	dut_create_buffer(d, &out, 0);
	dut_knob_set(d, MKMS_DEBUGFS_VBLANK_STOP, "1");
	stall_commits(d, MKMS_STALL_AFTER_HW, STALL_MS);
	req = drmModeAtomicAlloc();
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", d->crtc_id);
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID",
		out.fb_id);
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR,
		"WRITEBACK_OUT_FENCE_PTR", (uintptr_t)&fence);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req, DRM_MODE_ATOMIC_NONBLOCK |
					  DRM_MODE_ATOMIC_ALLOW_MODESET, NULL),
		      0);
	drmModeAtomicFree(req);
	igt_assert_fd(fence);
	wait_stalled(d);

	/* Queued to the pipe, which waits for a vblank. */
	pfd.fd = fence;
	igt_assert_eq(poll(&pfd, 1, 0), 0);
	dut_unbind(d);
	igt_assert_f(poll(&pfd, 1, STALL_MS + 3000) == 1,
		     "the writeback out-fence never signalled\n");
	igt_assert_eq(ioctl(fence, SYNC_IOC_FILE_INFO, &info), 0);
	igt_assert_f(info.status < 0,
		     "a job that was never written completed with status %d\n",
		     info.status);
	igt_assert_eq(close(fence), 0);
	igt_assert_eq(munmap(out.map, out.size), 0);
}

static void test_mid_frame(struct dut *d)
{
	const uint32_t w = 3840, h = 2160;
	uint32_t overlay = dut_plane_of_type(d, DRM_PLANE_TYPE_OVERLAY);
	uint32_t wb = dut_find_writeback(d), blob;
	struct pollfd pfd = { .events = POLLIN };
	struct sync_file_info info = {};
	drmModeModeInfo mode = d->mode;
	struct buffer big, top, out;
	drmModeAtomicReq *req;
	int32_t fence = -1;
	char event[256];

	igt_require_f(overlay, "no overlay plane\n");
	/* d->mode's timings, stretched: the refresh rate does not matter. */
	mode.hdisplay = w;
	mode.hsync_start = w + 48;
	mode.hsync_end = w + 80;
	mode.htotal = w + 160;
	mode.vdisplay = h;
	mode.vsync_start = h + 3;
	mode.vsync_end = h + 8;
	mode.vtotal = h + 62;
	mode.clock = mode.htotal * mode.vtotal / 1000 * 60;
	mode.vrefresh = 60;
	mode.type = DRM_MODE_TYPE_USERDEF;
	snprintf(mode.name, sizeof(mode.name), "%ux%u", w, h);
	igt_assert_eq(drmModeCreatePropertyBlob(d->fd, &mode, sizeof(mode),
						&blob), 0);
	dut_create_fb(d, &big, w, h, DRM_FORMAT_XRGB8888, 32);
	dut_create_fb(d, &top, w, h, DRM_FORMAT_ARGB8888, 32);
	memset(top.map, 0x80, top.size);
	dut_create_fb(d, &out, w, h, DRM_FORMAT_XRGB8888, 32);

	req = drmModeAtomicAlloc();
	dut_add(req, d, d->crtc_id, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob);
	dut_add_plane(req, d, d->plane_id, big.fb_id, w, h, 0, 0, w, h);
	dut_add_plane(req, d, overlay, top.fb_id, w, h, 0, 0, w, h);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req,
					  DRM_MODE_ATOMIC_ALLOW_MODESET, NULL),
		      0);
	drmModeAtomicFree(req);

	/* The job is composed from the vblank that sends the flip event. */
	req = drmModeAtomicAlloc();
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", d->crtc_id);
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID",
		out.fb_id);
	dut_add(req, d, wb, DRM_MODE_OBJECT_CONNECTOR,
		"WRITEBACK_OUT_FENCE_PTR", (uintptr_t)&fence);
	igt_assert_eq(drmModeAtomicCommit(d->fd, req,
					  DRM_MODE_ATOMIC_NONBLOCK |
					  DRM_MODE_PAGE_FLIP_EVENT |
					  DRM_MODE_ATOMIC_ALLOW_MODESET, NULL),
		      0);
	drmModeAtomicFree(req);
	igt_assert_fd(fence);
	/* Not dut_wait_event(): this flip is not one of d's buffers. */
	pfd.fd = d->fd;
	igt_assert_f(poll(&pfd, 1, 10000) == 1, "no flip event in 10 s\n");
	igt_assert_lt(0, read(d->fd, event, sizeof(event)));
	igt_assert_eq_u32(((struct drm_event *)event)->type,
			  DRM_EVENT_FLIP_COMPLETE);
	pfd.fd = fence;
	igt_require_f(poll(&pfd, 1, 0) == 0,
		      "the frame was done before the unbind could start\n");

	dut_unbind(d);
	igt_assert_f(poll(&pfd, 1, 10000) == 1,
		     "the writeback out-fence never signalled\n");
	igt_assert_eq(ioctl(fence, SYNC_IOC_FILE_INFO, &info), 0);
	igt_assert_f(info.status < 0,
		     "the frame was finished (status %d): unbind waited for it\n",
		     info.status);
	igt_assert_eq(close(fence), 0);
	igt_assert_eq(munmap(big.map, big.size), 0);
	igt_assert_eq(munmap(top.map, top.size), 0);
	igt_assert_eq(munmap(out.map, out.size), 0);
}

/* Map a dma-buf, check its contents, and that @dumb_map (if any) sees a
 * write through it: both map the same pages. */
static void check_dmabuf(int prime, uint64_t size, uint32_t want,
			 uint32_t *dumb_map)
{
	uint32_t *map;

	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, prime, 0);
	igt_assert_f(map != MAP_FAILED, "mmap of a dma-buf after unbind: %s\n",
		     strerror(errno));
	igt_assert_eq_u32(map[0], want);
	igt_assert_eq_u32(map[size / 4 - 1], want);
	map[0] = ~want;
	if (dumb_map)
		igt_assert_eq_u32(dumb_map[0], ~want);
	igt_assert_eq(munmap(map, size), 0);
}

static void test_dmabuf(struct dut *d)
{
	int prime[2];

	for (int i = 0; i < 2; i++)
		igt_assert_eq(drmPrimeHandleToFD(d->fd, d->buf[i].handle,
						 DRM_CLOEXEC | DRM_RDWR,
						 &prime[i]), 0);
	uint64_t size = d->buf[1].size;

	dut_unbind(d);
	check_dmabuf(prime[0], d->buf[0].size, 0xff0000ff, d->buf[0].map);
	/* Closed before the device fd... */
	igt_assert_eq(close(prime[0]), 0);
	dut_close(d);
	/* ...and after it: the dma-buf alone keeps its buffer. */
	check_dmabuf(prime[1], size, 0xff00ff00, NULL);
	igt_assert_eq(close(prime[1]), 0);
}

static void test_debugfs_open(struct dut *d)
{
	int dir = igt_debugfs_dir(d->fd);
	char buf[64];
	int fd;

	igt_assert_fd(dir);
	fd = openat(dir, MKMS_DEBUGFS_STALLED, O_RDONLY);
	igt_assert_fd(fd);
	igt_assert(read(fd, buf, sizeof(buf)) > 0);
	dut_unbind(d);
	igt_assert(lseek(fd, 0, SEEK_SET) == 0 || errno == EIO);
	igt_assert_f(read(fd, buf, sizeof(buf)) < 0 && errno == EIO,
		     "read of a removed debugfs file: want EIO\n");
	igt_assert_eq(close(fd), 0);
	igt_assert_f(faccessat(dir, MKMS_DEBUGFS_STALLED, F_OK, 0) < 0,
		     "the debugfs file is still there after unbind\n");
	close(dir);
}

static void *crc_reader(void *arg)
{
	int fd = (intptr_t)arg;
	char line[64];
	ssize_t n;

	/* Until the capture ends: EOF, or EIO once the file is removed. */
	while ((n = read(fd, line, sizeof(line))) > 0)
		;
	return (void *)(intptr_t)(n < 0 ? -errno : 0);
}

static void test_crc_open(struct dut *d)
{
	struct pollfd pfd = { .events = POLLIN };
	unsigned int frame, crc;
	struct timespec limit;
	pthread_t thread;
	char line[64];
	int dir, data;
	ssize_t n;
	void *ret;

	dir = igt_debugfs_dir(d->fd);
	igt_assert_fd(dir);
	igt_require_f(!faccessat(dir, "crtc-0/crc/control", W_OK, 0),
		      "the driver has no CRC capture\n");
	igt_assert(igt_sysfs_set(dir, "crtc-0/crc/control", "auto"));
	data = openat(dir, "crtc-0/crc/data", O_RDONLY);
	igt_assert_fd(data);
	close(dir);

	pfd.fd = data;
	igt_assert_f(poll(&pfd, 1, 10000) == 1, "no CRC within 10 s\n");
	n = read(data, line, sizeof(line) - 1);
	igt_assert(n > 0);
	line[n] = '\0';
	igt_assert_f(sscanf(line, "%x %x", &frame, &crc) == 2,
		     "malformed CRC line: %s\n", line);
	igt_debug("frame %u: crc %08x\n", frame, crc);

	igt_assert(pthread_create(&thread, NULL, crc_reader,
				  (void *)(intptr_t)data) == 0);
	usleep(100000);
	dut_unbind(d);
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 10;
	igt_assert_f(pthread_timedjoin_np(thread, &ret, &limit) == 0,
		     "a read of crc/data still blocks 10 s after unbind\n");
	igt_info("the CRC reader ended with %s\n",
		 ret ? strerror(-(intptr_t)ret) : "EOF");
	/* The device goes first: crc/data outlives the drm_device's fds. */
	dut_close(d);
	igt_assert_eq(close(data), 0);
}

static void test_master_and_clients(struct dut *d)
{
	struct {
		int fd;
		uint32_t handle, pitch;
		uint64_t size;
		uint32_t *map;
	} c[3];

	for (int i = 0; i < 3; i++) {
		uint64_t offset;

		c[i].fd = __drm_open_driver(DRIVER_ANY);
		igt_assert_fd(c[i].fd);
		igt_assert(!drmIsMaster(c[i].fd));
		igt_assert_eq(drmModeCreateDumbBuffer(c[i].fd, 64, 64, 32, 0,
						      &c[i].handle, &c[i].pitch,
						      &c[i].size), 0);
		igt_assert_eq(drmModeMapDumbBuffer(c[i].fd, c[i].handle,
						   &offset), 0);
		c[i].map = mmap(NULL, c[i].size, PROT_READ | PROT_WRITE,
				MAP_SHARED, c[i].fd, offset);
		igt_assert(c[i].map != MAP_FAILED);
		c[i].map[0] = i;
	}
	dut_unbind(d);
	dut_assert_gone(d);
	for (int i = 0; i < 3; i++) {
		igt_assert_f(!drmModeGetResources(c[i].fd) && errno == ENODEV,
			     "client %d: want ENODEV\n", i);
		igt_assert_eq_u32(c[i].map[0], i);
	}
	/* Close in mixed order: a client, the master, the others. */
	igt_assert_eq(close(c[1].fd), 0);
	dut_close(d);
	igt_assert_eq(close(c[0].fd), 0);
	igt_assert_eq(close(c[2].fd), 0);
	for (int i = 0; i < 3; i++) {
		igt_assert_eq_u32(c[i].map[0], i);
		igt_assert_eq(munmap(c[i].map, c[i].size), 0);
	}
}

static void test_lease(struct dut *d, bool lessee_first)
{
	uint32_t objects[3] = { d->connector_id, d->crtc_id, d->plane_id };
	uint32_t lessee_id;
	drmModeRes *res;
	int lessee;

	lessee = drmModeCreateLease(d->fd, objects, 3, O_CLOEXEC, &lessee_id);
	igt_require_f(lessee >= 0, "leases not supported: %s\n",
		      strerror(errno));
	res = drmModeGetResources(lessee);
	igt_assert_f(res && res->count_crtcs == 1,
		     "the lessee does not see its leased CRTC\n");
	drmModeFreeResources(res);
	dut_unbind(d);
	igt_assert_f(!drmModeGetResources(lessee) && errno == ENODEV,
		     "lessee: want ENODEV\n");
	igt_assert(drmModeRevokeLease(d->fd, lessee_id) && errno == ENODEV);
	if (lessee_first) {
		igt_assert_eq(close(lessee), 0);
		dut_close(d);
	} else {
		dut_close(d);
		igt_assert_eq(close(lessee), 0);
	}
}

static void test_probe_fail(struct dut *d, int step)
{
	dut_close(d);
	dut_unbind(d);
	/*
	 * The driver core logs the failed probe; that is what we ask for.
	 * Linux 6.1 words it "probe of DEVICE failed", later ones "probe
	 * with driver DRIVER failed".
	 */
	igt_emit_ignore_dmesg_regex("probe (with driver [a-z0-9_]+|of [a-z0-9_.]+) failed with error");
	set_fail_probe_step(d, step);
	igt_assert_f(!igt_sysfs_set(d->drv_dir, "bind", d->bus_addr),
		     "bind succeeded with probe made to fail at step %d\n",
		     step);
	igt_assert_f(faccessat(d->drv_dir, d->bus_addr, F_OK, 0) < 0,
		     "the device is bound after a failed probe\n");
	set_fail_probe_step(d, 0);
}

/*
 * A client process of the rebind loop: whatever binding is there, open
 * it, look at it, allocate and map a buffer, wait for a vblank, and keep
 * the fd; every error an unbound device may give is fine, a crash or a
 * hang is not.
 */
static void rebind_client(volatile bool *stop)
{
	int fds[256], n = 0;

	while (!*stop) {
		uint32_t handle, pitch;
		uint64_t size, offset;
		drmVBlank vbl = {
			.request.type = DRM_VBLANK_RELATIVE,
			.request.sequence = 1,
		};
		int fd = __drm_open_driver(DRIVER_ANY);
		drmModeRes *res;

		if (fd < 0) {
			usleep(1000);
			continue;
		}
		/* The first opener becomes master: leave that to the test. */
		drmDropMaster(fd);
		res = drmModeGetResources(fd);
		drmModeFreeResources(res);
		if (!drmModeCreateDumbBuffer(fd, 64, 64, 32, 0, &handle, &pitch,
					     &size) &&
		    !drmModeMapDumbBuffer(fd, handle, &offset)) {
			uint32_t *map = mmap(NULL, size, PROT_READ | PROT_WRITE,
					     MAP_SHARED, fd, offset);

			if (map != MAP_FAILED) {
				map[0] = n;
				igt_assert_eq_u32(map[0], n);
				munmap(map, size);
			}
		}
		drmWaitVBlank(fd, &vbl);
		if (n < (int)ARRAY_SIZE(fds))
			fds[n++] = fd;
		else
			close(fd);
		usleep(5000);
	}
	while (n)
		igt_assert_eq(close(fds[--n]), 0);
}

static void test_rebind_loop(struct dut *d)
{
	const char *env = getenv("MKMS_REBIND_CYCLES");
	int cycles = env ? atoi(env) : 100;
	volatile bool *stop;

	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(stop != MAP_FAILED);
	*stop = false;

	igt_fork(child, 4)
		rebind_client(stop);

	for (int i = 0; i < cycles; i++) {
		dut_unbind(d);
		dut_rebind_and_flip(d);
	}
	*stop = true;
	igt_waitchildren();
	munmap((void *)stop, sizeof(*stop));
	igt_info("%d unbind/bind cycles with 4 clients\n", cycles);
}

int igt_main()
{
	igt_fixture() {
		dut_open(&data);
		dut_find_driver(&data);
		igt_install_exit_handler(rebind_at_exit);
	}

	igt_subtest_group() {
		igt_fixture()
			dut_set_mode(&data);

		igt_describe("Set a mode, stay idle, unbind; the old fd gets ENODEV.");
		igt_subtest("unbind-idle") {
			dut_ensure(&data);
			dut_unbind(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Dumb buffers mapped before unbind can still be read and written after it.");
		igt_subtest("unbind-mmap") {
			dut_ensure(&data);
			test_mmap(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Unbind while a client keeps a page flip in flight.");
		igt_subtest("unbind-during-flips") {
			dut_ensure(&data);
			test_during_flips(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("dma-bufs exported before unbind outlive the device.");
		igt_subtest("unbind-dmabuf") {
			dut_ensure(&data);
			test_dmabuf(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Unbind while crc/data is open and being read.");
		igt_subtest("unbind-crc-open") {
			dut_ensure(&data);
			test_crc_open(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("A master and non-master clients all see ENODEV after unbind.");
		igt_subtest("unbind-master-and-clients") {
			dut_ensure(&data);
			test_master_and_clients(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("A lessee holding a lease sees ENODEV after unbind.");
		igt_subtest("unbind-lease") {
			dut_ensure(&data);
			test_lease(&data, true);
			dut_rebind_and_flip(&data);
			test_lease(&data, false);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Unbind and bind again and again while four clients hammer the device.");
		igt_subtest("rebind-loop") {
			dut_ensure(&data);
			test_rebind_loop(&data);
		}
	}

	igt_subtest_group() {
		igt_fixture()
			igt_require_f(has_fault_injection(&data),
				      "the driver has no mkms fault injection\n");

		igt_describe("Unbind while a blocking commit is stalled in the commit tail.");
		igt_subtest("unbind-blocking-commit") {
			dut_ensure(&data);
			test_blocking_commit(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Unbind while a nonblocking flip with an event is stalled.");
		igt_subtest("unbind-nonblocking-commit-event") {
			dut_ensure(&data);
			test_nonblocking_event(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Unbind while another thread waits for a vblank that does not come.");
		igt_subtest("unbind-vblank-wait") {
			dut_ensure(&data);
			test_vblank_wait(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Unbind while a commit with an out-fence is stalled.");
		igt_subtest("unbind-out-fence") {
			dut_ensure(&data);
			test_out_fence(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Unbind while a large frame is being composed: it is cut short.");
		igt_subtest("unbind-mid-frame") {
			dut_ensure(&data);
			test_mid_frame(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Unbind while a writeback job waits for a vblank that does not come.");
		igt_subtest("unbind-writeback") {
			dut_ensure(&data);
			test_writeback(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("A fault injection file open across unbind fails cleanly.");
		igt_subtest("unbind-debugfs-open") {
			dut_ensure(&data);
			test_debugfs_open(&data);
			dut_assert_gone(&data);
			dut_rebind_and_flip(&data);
		}

		igt_describe("Bad writes to the fault injection knobs fail and change nothing.");
		igt_subtest("bad-knob-writes") {
			dut_ensure(&data);
			test_bad_knob_writes(&data);
		}

		for (int step = 1; step <= MKMS_PROBE_STEPS; step++) {
			igt_describe("Probe made to fail at one step unwinds cleanly.");
			igt_subtest_f("probe-fail-%d", step) {
				dut_ensure(&data);
				test_probe_fail(&data, step);
				dut_rebind_and_flip(&data);
			}
		}
	}

	igt_fixture() {
		dut_close(&data);
		close(data.drv_dir);
	}
}
