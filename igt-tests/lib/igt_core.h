/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small implementation of IGT's core test API, written for mkms's tests
 * from IGT's documentation and runner protocol. It is source-compatible
 * with IGT 2.5 for the part our tests use, so that a test written against
 * it builds unchanged in IGT's own tests/ folder:
 *
 *   int igt_main() { igt_fixture() {...} igt_subtest("name") {...} }
 *
 * Semantics follow IGT: a failed igt_assert*() fails the current subtest
 * and the binary goes on with the next one; a failed igt_require*() skips
 * it; the same in a fixture skips or fails every later subtest of the
 * enclosing igt_subtest_group(). Exit status: 0 success, 77 all skipped,
 * 98 a failure, 79 an unknown subtest or option, 112 abort.
 *
 * The output is what igt_runner parses: "Starting subtest: NAME" and
 * "Subtest NAME: SUCCESS|FAIL|SKIP (T s)" on stdout, mirrored on stderr
 * when IGT_SENTINEL_ON_STDERR is set, and "[IGT] ..." lines in the kernel
 * log. It never uses the runner's socket: the runner then reads the text.
 */

#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112

extern sigjmp_buf __igt_jmpbuf;
extern const char *__igt_test_description __attribute__((weak));

#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/* ---- Structure ------------------------------------------------------ */

void igt_subtest_init_parse_opts(int *argc, char **argv);
void igt_exit(void) __attribute__((noreturn));

#define __igt_concat2(a, b) a ## b
#define __igt_concat(a, b) __igt_concat2(a, b)
#define __igt_unique(name) __igt_concat(name, __LINE__)

/* Used as "int igt_main() { ... }": the body becomes the real main. */
#define igt_main() \
	main(int argc, char **argv); \
	static void __igt_real_main(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init_parse_opts(&argc, argv); \
		__igt_real_main(); \
		igt_exit(); \
	} \
	static void __igt_real_main(void)

bool __igt_fixture_enter(void);
int __igt_fixture_jumped(void);
void __igt_fixture_leave(void);

#define igt_fixture() \
	for (int __igt_unique(__fix) = 0; \
	     __igt_unique(__fix) < 1 && __igt_fixture_enter() && \
	     (sigsetjmp(__igt_jmpbuf, 1) == 0 || __igt_fixture_jumped()); \
	     __igt_unique(__fix)++, __igt_fixture_leave())

bool __igt_subtest_enter(const char *name);
int __igt_subtest_jumped(void);
const char *__igt_subtest_name_f(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void igt_success(void);

#define igt_subtest(name) \
	for (int __igt_unique(__sub) = 0; \
	     __igt_unique(__sub) < 1 && __igt_subtest_enter(name) && \
	     (sigsetjmp(__igt_jmpbuf, 1) == 0 || __igt_subtest_jumped()); \
	     __igt_unique(__sub)++, igt_success())

#define igt_subtest_f(...) igt_subtest(__igt_subtest_name_f(__VA_ARGS__))

int __igt_group_enter(void);
void __igt_group_leave(int saved);

#define igt_subtest_group() \
	for (int __igt_unique(__grp) = 0, \
	     __igt_unique(__grp_saved) = __igt_group_enter(); \
	     __igt_unique(__grp) < 1; \
	     __igt_unique(__grp)++, __igt_group_leave(__igt_unique(__grp_saved)))

void igt_describe_f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define igt_describe(str) igt_describe_f("%s", str)

/* Tell igt_runner to ignore kernel log lines matching @regex (a test that
 * provokes an expected error message). */
void igt_emit_ignore_dmesg_regex(const char *regex);

bool igt_only_list_subtests(void);
const char *igt_test_name(void);
const char *igt_subtest_name(void);

/* ---- Results -------------------------------------------------------- */

void igt_fail(int exitcode) __attribute__((noreturn));
void igt_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *cond, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 5, 6)));
void __igt_skip_check(const char *file, int line, const char *func,
		      const char *cond, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 5, 6)));

#define igt_assert(expr) \
	do { if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, NULL); \
	} while (0)
#define igt_assert_f(expr, f...) \
	do { if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, f); \
	} while (0)
#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, f...) igt_assert_f(!(expr), f)

#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	do { int __n1 = (n1), __n2 = (n2); \
		if (!(__n1 cmp __n2)) \
			__igt_fail_assert(__FILE__, __LINE__, __func__, \
					  #n1 " " #cmp " " #n2, \
					  "error: %d " #ncmp " %d\n", __n1, __n2); \
	} while (0)
#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	do { uint64_t __n1 = (n1), __n2 = (n2); \
		if (!(__n1 cmp __n2)) \
			__igt_fail_assert(__FILE__, __LINE__, __func__, \
					  #n1 " " #cmp " " #n2, \
					  "error: %#llx " #ncmp " %#llx\n", \
					  (unsigned long long)__n1, \
					  (unsigned long long)__n2); \
	} while (0)
#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_neq_u32(n1, n2) igt_assert_cmpu64(n1, !=, ==, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_fd(fd) \
	igt_assert_f((fd) >= 0, "file descriptor " #fd " failed\n")

#define igt_require(expr) \
	do { if (!(expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, #expr, NULL); \
	} while (0)
#define igt_require_f(expr, f...) \
	do { if (!(expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, #expr, f); \
	} while (0)
#define igt_skip_on(expr) \
	do { if ((expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, \
				 "!(" #expr ")", NULL); \
	} while (0)
#define igt_skip_on_f(expr, f...) \
	do { if ((expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, \
				 "!(" #expr ")", f); \
	} while (0)

/* ---- Logging ---------------------------------------------------------- */

enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
};

void igt_log(const char *domain, enum igt_log_level level,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define igt_debug(f...) igt_log(NULL, IGT_LOG_DEBUG, f)
#define igt_info(f...) igt_log(NULL, IGT_LOG_INFO, f)
#define igt_warn(f...) igt_log(NULL, IGT_LOG_WARN, f)
#define igt_critical(f...) igt_log(NULL, IGT_LOG_CRITICAL, f)

bool __igt_warn_on(bool cond, const char *file, int line, const char *func,
		   const char *expr);
#define igt_warn_on(cond) \
	__igt_warn_on(!!(cond), __FILE__, __LINE__, __func__, #cond)
#define igt_warn_on_f(cond, f...) \
	({ bool __c = !!(cond); \
	   if (__igt_warn_on(__c, __FILE__, __LINE__, __func__, #cond)) \
		igt_warn(f); \
	   __c; })

/* ---- Processes, timeouts, exit handlers ------------------------------- */

bool __igt_fork(void);
void igt_waitchildren(void);

/* The block runs in @num_children child processes, numbered by @child. */
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); exit(0))

void igt_set_timeout(unsigned int seconds, const char *op);
void igt_reset_timeout(void);

typedef void (*igt_exit_handler_t)(int sig);
void igt_install_exit_handler(igt_exit_handler_t fn);

#endif /* IGT_CORE_H */
