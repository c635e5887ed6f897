// SPDX-License-Identifier: GPL-2.0
/**
 * TEST: igt harness selftest
 * Description: Subtests that pass, fail and skip on purpose, to prove that
 *		our IGT-compatible harness reports each the way igt_runner
 *		expects. make check compares the runner's verdicts with
 *		igt-tests/expected-results.txt.
 *
 * SUBTEST: pass-simple
 * Description: Passes.
 *
 * SUBTEST: fail-assert
 * Description: Fails an igt_assert_eq().
 *
 * SUBTEST: skip-require
 * Description: Skips on a failed igt_require().
 *
 * SUBTEST: pass-after-fail
 * Description: Passes after other subtests failed and skipped.
 *
 * SUBTEST: group-skipped-by-fixture
 * Description: Skipped, because its group's fixture skips.
 *
 * SUBTEST: pass-after-group
 * Description: Passes after a group skipped by its fixture.
 *
 * SUBTEST: fail-in-child
 * Description: Fails because a forked child fails an assertion.
 *
 * SUBTEST: fail-timeout
 * Description: Fails because igt_set_timeout() expires.
 */

#include <unistd.h>

#include "igt.h"

IGT_TEST_DESCRIPTION("Self-test of the IGT-compatible harness");

int igt_main()
{
	int ran_fixture = 0;

	igt_fixture() {
		ran_fixture = 1;
	}

	igt_describe("Passes.");
	igt_subtest("pass-simple")
		igt_assert(ran_fixture);

	igt_describe("Fails an igt_assert_eq().");
	igt_subtest("fail-assert")
		igt_assert_eq(1 + 1, 3);

	igt_describe("Skips on a failed igt_require().");
	igt_subtest("skip-require")
		igt_require_f(0, "skipping on purpose\n");

	igt_describe("Passes after other subtests failed and skipped.");
	igt_subtest("pass-after-fail")
		igt_info("still running\n");

	igt_subtest_group() {
		igt_fixture()
			igt_require_f(0, "the whole group skips\n");

		igt_describe("Skipped, because its group's fixture skips.");
		igt_subtest("group-skipped-by-fixture")
			igt_assert(0);
	}

	igt_describe("Passes after a group skipped by its fixture.");
	igt_subtest("pass-after-group")
		igt_assert(1);

	igt_describe("Fails because a forked child fails an assertion.");
	igt_subtest("fail-in-child") {
		igt_fork(child, 2)
			igt_assert_eq(child, 0);
		igt_waitchildren();
	}

	igt_describe("Fails because igt_set_timeout() expires.");
	igt_subtest("fail-timeout") {
		igt_set_timeout(1, "sleeping on purpose");
		sleep(10);
	}
}
