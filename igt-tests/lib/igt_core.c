// SPDX-License-Identifier: GPL-2.0
/*
 * The core of our IGT-compatible harness: subtest state, command line,
 * the output igt_runner parses, and the kernel log markers it uses to
 * split dmesg per subtest. See igt_core.h for what it promises.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt_core.h"

sigjmp_buf __igt_jmpbuf;

/* Group state: what every later subtest of the group becomes. */
#define GROUP_SKIP	1
#define GROUP_FAIL	2

static struct {
	const char *name;		/* basename of argv[0] */
	const char *run_pattern;	/* --run-subtest */
	bool list;			/* --list-subtests */
	bool describe;			/* --describe */
	bool debug;			/* --debug */
	bool sentinels;			/* IGT_SENTINEL_ON_STDERR */

	char *subtest;			/* running subtest, or NULL */
	bool in_fixture;
	int group;			/* GROUP_* for later subtests */
	struct timespec start;
	const char *description;	/* from igt_describe() */

	bool matched;			/* --run-subtest matched something */
	unsigned int passed, skipped, failed;

	bool is_child;
	pid_t children[64];
	unsigned int num_children;

	const char *timeout_op;
	igt_exit_handler_t exit_handlers[10];
	unsigned int num_exit_handlers;
} igt;

static void kmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void kmsg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int fd, n;

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "<6>[IGT] %s: ", igt.name);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	/* The kernel log is a courtesy to the runner, not a requirement. */
	n = write(fd, buf, strlen(buf));
	(void)n;
	close(fd);
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - igt.start.tv_sec) +
	       (now.tv_nsec - igt.start.tv_nsec) / 1e9;
}

/* A line igt_runner parses: stdout, and stderr too if it asks for it. */
static void protocol_line(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void protocol_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (igt.sentinels) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fflush(stderr);
	}
}

void igt_log(const char *domain, enum igt_log_level level,
	     const char *fmt, ...)
{
	static const char * const names[] = {
		"DEBUG", "INFO", "WARNING", "CRITICAL"
	};
	FILE *f = level >= IGT_LOG_WARN ? stderr : stdout;
	va_list ap;

	if (level == IGT_LOG_DEBUG && !igt.debug)
		return;
	if (igt.list)
		return;
	if (level != IGT_LOG_INFO)
		fprintf(f, "(%s:%d) %s%s%s: ", igt.name, getpid(),
			domain ?: "", domain ? "-" : "", names[level]);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fflush(f);
}

bool __igt_warn_on(bool cond, const char *file, int line, const char *func,
		   const char *expr)
{
	if (cond)
		igt_warn("Warning on condition %s in function %s, file %s:%i\n",
			 expr, func, file, line);
	return cond;
}

/* ---- Exit handlers --------------------------------------------------- */

static void run_exit_handlers(int sig)
{
	while (igt.num_exit_handlers)
		igt.exit_handlers[--igt.num_exit_handlers](sig);
}

static void fatal_signal(int sig)
{
	run_exit_handlers(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

void igt_install_exit_handler(igt_exit_handler_t fn)
{
	static const int sigs[] = { SIGINT, SIGHUP, SIGTERM, SIGQUIT,
				    SIGPIPE, SIGABRT, SIGSEGV, SIGBUS,
				    SIGFPE };
	unsigned int i;

	for (i = 0; i < igt.num_exit_handlers; i++)
		if (igt.exit_handlers[i] == fn)
			return;
	if (igt.num_exit_handlers == 0)
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], fatal_signal);
	if (igt.num_exit_handlers < 10)
		igt.exit_handlers[igt.num_exit_handlers++] = fn;
}

/* ---- Subtests and fixtures ------------------------------------------ */

/* A subtest's children do not outlive it, whatever its result. */
static void kill_children(void)
{
	unsigned int i;

	for (i = 0; i < igt.num_children; i++)
		kill(igt.children[i], SIGKILL);
	for (i = 0; i < igt.num_children; i++)
		waitpid(igt.children[i], NULL, 0);
	igt.num_children = 0;
}

static void finish_subtest(const char *result)
{
	kill_children();
	protocol_line("Subtest %s: %s (%.3fs)\n", igt.subtest, result,
		      elapsed());
	kmsg("finished subtest %s, %s\n", igt.subtest, result);
	free(igt.subtest);
	igt.subtest = NULL;
	igt_reset_timeout();
}

static bool valid_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!(*name == '-' || *name == '_' ||
		      (*name >= 'a' && *name <= 'z') ||
		      (*name >= 'A' && *name <= 'Z') ||
		      (*name >= '0' && *name <= '9')))
			return false;
	return true;
}

/* IGT's --run-subtest: comma-separated globs, "!" negates, last wins. */
static bool selected(const char *name)
{
	char *patterns, *p, *save = NULL;
	bool match = false;

	if (!igt.run_pattern)
		return true;
	patterns = strdup(igt.run_pattern);
	for (p = strtok_r(patterns, ",", &save); p;
	     p = strtok_r(NULL, ",", &save)) {
		bool negate = *p == '!';

		if (fnmatch(p + negate, name, 0) == 0)
			match = !negate;
	}
	free(patterns);
	return match;
}

bool __igt_subtest_enter(const char *name)
{
	const char *description = igt.description;

	igt.description = NULL;
	if (!valid_name(name)) {
		igt_critical("Invalid subtest name \"%s\".\n", name);
		igt_exit();
	}
	if (igt.subtest || igt.in_fixture) {
		igt_critical("subtest %s inside a subtest or fixture\n", name);
		abort();
	}
	if (igt.list) {
		printf("%s\n", name);
		return false;
	}
	if (!selected(name))
		return false;
	igt.matched = true;
	if (igt.describe) {
		printf("SUB %s %s:\n%s\n\n", name, __FILE__,
		       description ?: "NO DOCUMENTATION!");
		return false;
	}
	if (igt.group) {
		const char *result = igt.group & GROUP_FAIL ? "FAIL" : "SKIP";

		protocol_line("Subtest %s: %s (0.000s)\n", name, result);
		if (igt.group & GROUP_FAIL)
			igt.failed++;
		else
			igt.skipped++;
		return false;
	}

	igt.subtest = strdup(name);
	protocol_line("Starting subtest: %s\n", name);
	kmsg("starting subtest %s\n", name);
	clock_gettime(CLOCK_MONOTONIC, &igt.start);
	return true;
}

int __igt_subtest_jumped(void)
{
	return 0;
}

const char *__igt_subtest_name_f(const char *fmt, ...)
{
	static char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return name;
}

void igt_success(void)
{
	if (!igt.subtest)
		return;
	igt.passed++;
	finish_subtest("SUCCESS");
}

bool __igt_fixture_enter(void)
{
	if (igt.subtest || igt.in_fixture) {
		igt_critical("fixture inside a subtest or fixture\n");
		abort();
	}
	if (igt.list || igt.describe || igt.group)
		return false;
	igt.in_fixture = true;
	return true;
}

int __igt_fixture_jumped(void)
{
	igt.in_fixture = false;
	return 0;
}

void __igt_fixture_leave(void)
{
	igt.in_fixture = false;
}

int __igt_group_enter(void)
{
	return igt.group;
}

void __igt_group_leave(int saved)
{
	igt.group = saved;
}

void igt_describe_f(const char *fmt, ...)
{
	static char description[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(description, sizeof(description), fmt, ap);
	va_end(ap);
	igt.description = description;
}

void igt_emit_ignore_dmesg_regex(const char *regex)
{
	kmsg("add ignored dmesg regex: %s\n", regex);
}

bool igt_only_list_subtests(void)
{
	return igt.list;
}

const char *igt_test_name(void)
{
	return igt.name;
}

const char *igt_subtest_name(void)
{
	return igt.subtest;
}

/* ---- Results ---------------------------------------------------------- */

static void misuse(const char *what) __attribute__((noreturn));
static void misuse(const char *what)
{
	igt_critical("%s is only allowed in fixtures and subtests\n", what);
	abort();
}

void igt_fail(int exitcode)
{
	if (igt.is_child)
		exit(exitcode);
	if (igt.subtest) {
		igt.failed++;
		finish_subtest("FAIL");
	} else if (igt.in_fixture) {
		igt.failed++;
		igt.group |= GROUP_FAIL;
	} else {
		misuse("failing");
	}
	siglongjmp(__igt_jmpbuf, 1);
}

static void skip_current(void) __attribute__((noreturn));
static void skip_current(void)
{
	if (igt.is_child) {
		igt_critical("skipping is not allowed in a forked child\n");
		exit(IGT_EXIT_FAILURE);
	}
	if (igt.subtest) {
		igt.skipped++;
		finish_subtest("SKIP");
	} else if (igt.in_fixture) {
		igt.group |= GROUP_SKIP;
	} else {
		misuse("skipping");
	}
	siglongjmp(__igt_jmpbuf, 1);
}

void igt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	skip_current();
}

void __igt_skip_check(const char *file, int line, const char *func,
		      const char *cond, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	printf("Test requirement not met in function %s, file %s:%i:\n"
	       "Test requirement: %s\n", func, file, line, cond);
	if (fmt) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	if (err)
		printf("Last errno: %i, %s\n", err, strerror(err));
	skip_current();
}

void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *cond, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	igt_critical("Test assertion failure function %s, file %s:%i:\n",
		     func, file, line);
	igt_critical("Failed assertion: %s\n", cond);
	if (err)
		igt_critical("Last errno: %i, %s\n", err, strerror(err));
	if (fmt) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	igt_fail(IGT_EXIT_FAILURE);
}

/* ---- Children and timeouts ------------------------------------------- */

bool __igt_fork(void)
{
	pid_t pid;

	if (!igt.subtest) {
		igt_critical("igt_fork() is only allowed in subtests\n");
		abort();
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		igt_critical("fork: %s\n", strerror(errno));
		igt_fail(IGT_EXIT_FAILURE);
	}
	if (pid == 0) {
		igt.is_child = true;
		igt.num_exit_handlers = 0;
		igt.num_children = 0;
		return true;
	}
	if (igt.num_children < sizeof(igt.children) / sizeof(igt.children[0]))
		igt.children[igt.num_children++] = pid;
	return false;
}

void igt_waitchildren(void)
{
	int worst = 0;

	while (igt.num_children) {
		pid_t pid = igt.children[--igt.num_children];
		int status, code = 0;

		if (waitpid(pid, &status, 0) < 0)
			continue;
		if (WIFSIGNALED(status))
			code = 128 + WTERMSIG(status);
		else if (WIFEXITED(status))
			code = WEXITSTATUS(status);
		if (code && !worst)
			worst = code;
	}
	if (worst) {
		igt_critical("a child process failed with %d\n", worst);
		igt_fail(worst);
	}
}

static void timeout_expired(int sig)
{
	igt_info("Timed out: %s\n", igt.timeout_op ?: "unknown");
	igt_fail(IGT_EXIT_FAILURE);
}

void igt_set_timeout(unsigned int seconds, const char *op)
{
	igt.timeout_op = op;
	signal(SIGALRM, seconds ? timeout_expired : SIG_DFL);
	alarm(seconds);
}

void igt_reset_timeout(void)
{
	igt_set_timeout(0, NULL);
}

/* ---- Start and end ---------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS]\n"
		"  --list-subtests\n"
		"  --run-subtest <pattern>\n"
		"  --describe[=<pattern>]\n"
		"  --debug[=log-domain]\n"
		"  --help-description\n"
		"  --help|-h\n", igt.name);
	if (__igt_test_description)
		fprintf(f, "%s\n", __igt_test_description);
}

void igt_subtest_init_parse_opts(int *argc, char **argv)
{
	enum { LIST = 500, RUN, DYNAMIC, DESCRIBE, DEBUG, HELP_DESC, DEVICE,
	       HOOK, IGNORED };
	static const struct option opts[] = {
		{ "list-subtests", no_argument, NULL, LIST },
		{ "run-subtest", required_argument, NULL, RUN },
		{ "dynamic-subtest", required_argument, NULL, DYNAMIC },
		{ "describe", optional_argument, NULL, DESCRIBE },
		{ "debug", optional_argument, NULL, DEBUG },
		{ "interactive-debug", optional_argument, NULL, IGNORED },
		{ "help-description", no_argument, NULL, HELP_DESC },
		{ "device", required_argument, NULL, DEVICE },
		{ "hook", required_argument, NULL, HOOK },
		{ "skip-crc-compare", no_argument, NULL, IGNORED },
		{ "trace-on-oops", no_argument, NULL, IGNORED },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int c;

	igt.name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	igt.sentinels = getenv("IGT_SENTINEL_ON_STDERR") != NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);

	while ((c = getopt_long(*argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case LIST:
			if (!igt.run_pattern)
				igt.list = true;
			break;
		case RUN:
			if (!igt.list)
				igt.run_pattern = optarg;
			break;
		case DESCRIBE:
			igt.describe = true;
			if (optarg)
				igt.run_pattern = optarg;
			break;
		case DEBUG:
			igt.debug = true;
			break;
		case HELP_DESC:
			printf("%s\n", __igt_test_description ?: "");
			exit(IGT_EXIT_SUCCESS);
		case DEVICE:
			setenv("IGT_DEVICE", optarg, 1);
			break;
		case DYNAMIC:
		case HOOK:
			fprintf(stderr, "%s: --%s is not supported by this harness\n",
				igt.name, c == DYNAMIC ? "dynamic-subtest" : "hook");
			exit(IGT_EXIT_INVALID);
		case IGNORED:
			break;
		case 'h':
			usage(stdout);
			exit(IGT_EXIT_SUCCESS);
		default:
			usage(stderr);
			exit(IGT_EXIT_INVALID);
		}
	}

	if (!igt.list && !igt.describe) {
		igt_info("IGT-Version: mkms-harness (x86_64)\n");
		kmsg("executing\n");
	}
}

void igt_exit(void)
{
	int ret;

	if (igt.list)
		exit(IGT_EXIT_SUCCESS);
	if (igt.run_pattern && !igt.matched) {
		igt_critical("Unknown subtest: %s\n", igt.run_pattern);
		exit(IGT_EXIT_INVALID);
	}
	if (igt.describe)
		exit(IGT_EXIT_SUCCESS);

	if (igt.failed)
		ret = IGT_EXIT_FAILURE;
	else if (!igt.passed && igt.skipped)
		ret = IGT_EXIT_SKIP;
	else
		ret = IGT_EXIT_SUCCESS;

	run_exit_handlers(0);
	kmsg("exiting, ret=%d\n", ret);
	fflush(stdout);
	fflush(stderr);
	exit(ret);
}
