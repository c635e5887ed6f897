#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host self-tests of igt-tests/lib, the IGT-compatible harness.

Runs the built igt_harness_selftest binary (path in argv[1]) with the
options igt_runner uses and checks what IGT promises: the subtest list,
wildmat selection with negation, result lines, sentinels on stderr, and
exit codes 0 / 77 / 98 / 79. The same binary also runs under igt_runner
in the guest, whose verdicts make check compares with
igt-tests/expected-results.txt.
"""

import os
import subprocess
import sys
import unittest

BIN = None
ALL = ['pass-simple', 'fail-assert', 'skip-require', 'pass-after-fail',
       'group-skipped-by-fixture', 'pass-after-group', 'fail-in-child',
       'fail-timeout']


def run(*args, env=None):
    e = dict(os.environ)
    e.pop('IGT_SENTINEL_ON_STDERR', None)
    e.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True,
                          env=e, timeout=60)


def results(stdout):
    out = {}
    for line in stdout.splitlines():
        if line.startswith('Subtest '):
            name, rest = line[len('Subtest '):].split(': ', 1)
            out[name] = rest.split()[0]
    return out


class TestHarness(unittest.TestCase):
    def test_list_subtests(self):
        p = run('--list-subtests')
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout.split(), ALL)

    def test_full_run(self):
        p = run()
        self.assertEqual(p.returncode, 98, p.stdout)
        self.assertEqual(results(p.stdout), {
            'pass-simple': 'SUCCESS', 'fail-assert': 'FAIL',
            'skip-require': 'SKIP', 'pass-after-fail': 'SUCCESS',
            'group-skipped-by-fixture': 'SKIP',
            'pass-after-group': 'SUCCESS', 'fail-in-child': 'FAIL',
            'fail-timeout': 'FAIL'})
        self.assertIn('Starting subtest: pass-simple', p.stdout)
        self.assertIn('Failed assertion: 1 + 1 == 3', p.stderr)

    def test_exit_codes(self):
        self.assertEqual(run('--run-subtest', 'pass-simple').returncode, 0)
        self.assertEqual(run('--run-subtest', 'skip-require').returncode, 77)
        self.assertEqual(run('--run-subtest', 'fail-assert').returncode, 98)
        self.assertEqual(run('--run-subtest', 'no-such').returncode, 79)
        self.assertEqual(run('--no-such-option').returncode, 79)
        self.assertEqual(run('--help').returncode, 0)

    def test_wildmat_comma_and_negation(self):
        p = run('--run-subtest', 'pass-*,skip-*')
        self.assertEqual(set(results(p.stdout)),
                         {'pass-simple', 'pass-after-fail',
                          'pass-after-group', 'skip-require'})
        self.assertEqual(p.returncode, 0)
        p = run('--run-subtest', '*,!fail-*,!*-by-fixture')
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertNotIn('fail-assert', results(p.stdout))

    def test_sentinels_on_stderr(self):
        p = run('--run-subtest', 'pass-simple',
                env={'IGT_SENTINEL_ON_STDERR': '1'})
        self.assertIn('Starting subtest: pass-simple', p.stderr)
        self.assertIn('Subtest pass-simple: SUCCESS', p.stderr)
        # Anything else on stderr would turn the pass into a warn.
        extra = [l for l in p.stderr.splitlines()
                 if not l.startswith(('Starting subtest:', 'Subtest '))]
        self.assertEqual(extra, [])


if __name__ == '__main__':
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main()
