#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-tests of scripts/summarize.py: the judge must be seen to fail.

Each case writes a small run directory (steps, igt results, kernel log),
runs the summarizer on it and checks the verdict and the records.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SUMMARIZE = os.path.join(HERE, '..', 'summarize.py')

CLEAN_LOG = '''[    1.0] Linux version 6.12.117
[    2.0] mkms-guest: phase mkms
[    3.0] [drm] Initialized mkms 1.0.0 for mkms.0 on minor 0
[    4.0] mkms-guest: phase guest
[    5.0] mkms-guest: phase vkms
[    6.0] [drm] Initialized vkms 1.0.0 for vkms on minor 0
[    7.0] mkms-guest: phase guest
'''


class Run:
    """A fake 'make check' output directory."""

    def __init__(self, tmp, log=CLEAN_LOG, kmemleak='', igt=None,
                 xfails=None, steps='pass mkms module load\n', want='',
                 suite='upstream'):
        self.dir = tmp
        with open(os.path.join(tmp, 'console.log'), 'w') as f:
            f.write(log)
        if kmemleak is not None:
            with open(os.path.join(tmp, 'kmemleak.txt'), 'w') as f:
                f.write(kmemleak)
        with open(os.path.join(tmp, 'steps.log'), 'w') as f:
            f.write(steps)
        with open(os.path.join(tmp, 'host-steps.log'), 'w') as f:
            f.write('pass host build w1-sparse\n')
        for driver, tests in (igt or {}).items():
            run = 'igt-%s.%s' % (driver, suite)
            os.makedirs(os.path.join(tmp, run))
            with open(os.path.join(tmp, run, 'results.json'), 'w') as f:
                json.dump({'tests': {k: v if isinstance(v, dict) else
                                     {'result': v}
                                     for k, v in tests.items()}}, f)
        # drm/ci's expectations files: {file name: its text}.
        self.xfails = os.path.join(tmp, 'xfails')
        os.makedirs(self.xfails)
        for fname, text in (xfails or {}).items():
            with open(os.path.join(self.xfails, fname), 'w') as f:
                f.write(text)
        self.want = os.path.join(tmp, 'expected-results.txt')
        with open(self.want, 'w') as f:
            f.write(want)

    @classmethod
    def boot(cls, parent, name, **kwargs):
        """Another boot of the run in @parent: its folder @name."""
        path = os.path.join(parent, name)
        os.makedirs(path)
        return cls(path, **kwargs)

    def judge(self):
        p = subprocess.run([sys.executable, SUMMARIZE, '--out', self.dir,
                            '--xfails', self.xfails,
                            '--expected-results', self.want],
                           capture_output=True, text=True)
        with open(os.path.join(self.dir, 'summary.json')) as f:
            records = json.load(f)
        return p.returncode, p.stdout, records

    def judge_raw(self):
        """The summarizer's exit status and all it printed, for a run it
        refuses before it writes anything."""
        p = subprocess.run([sys.executable, SUMMARIZE, '--out', self.dir,
                            '--xfails', self.xfails,
                            '--expected-results', self.want],
                           capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr, None


def result_of(records, driver, test, subtest):
    for r in records:
        if (r['driver'], r['test'], r['subtest']) == (driver, test, subtest):
            return r['result']
    return None


class TestSummarize(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_clean_run_passes(self):
        rc, out, records = Run(self.tmp.name, igt={
            'mkms': {'igt@kms_atomic@test-only': 'pass'}}).judge()
        self.assertEqual(rc, 0, out)
        self.assertIn('6 passed, 0 failed, 0 skipped, 0 known failures', out)
        self.assertEqual(result_of(records, 'mkms', 'kernel-log',
                                   'no-splats'), 'pass')

    def test_kasan_report_fails_the_driver_phase(self):
        log = CLEAN_LOG.replace(
            '[    4.0] mkms-guest: phase guest',
            '[    3.5] BUG: KASAN: slab-use-after-free in mkms_hw_pipe_enable\n'
            '[    4.0] mkms-guest: phase guest')
        rc, out, records = Run(self.tmp.name, log=log).judge()
        self.assertEqual(rc, 1)
        self.assertIn('slab-use-after-free', out)
        self.assertEqual(result_of(records, 'mkms', 'kernel-log',
                                   'no-splats'), 'fail')

    def test_every_splat_kind_is_caught(self):
        for line in ('WARNING: CPU: 0 PID: 1 at drivers/gpu/drm/x.c:1',
                     'WARNING: possible circular locking dependency detected',
                     'ODEBUG: free active (active state 0) object: x',
                     'kmemleak: 2 new suspected memory leaks (see x)',
                     'INFO: task kworker/0:1:12 blocked for more than 60 s',
                     'rcu: INFO: rcu_preempt self-detected stall on CPU',
                     'list_del corruption. next->prev should be x'):
            with self.subTest(line=line), \
                    tempfile.TemporaryDirectory() as tmp:
                log = CLEAN_LOG + '[    8.0] %s\n' % line
                rc, _, records = Run(tmp, log=log).judge()
                self.assertEqual(rc, 1)
                self.assertEqual(result_of(records, 'guest', 'kernel-log',
                                           'no-splats'), 'fail')

    def test_vkms_splat_is_reported_not_counted(self):
        log = CLEAN_LOG.replace(
            '[    7.0] mkms-guest: phase guest',
            '[    6.5] WARNING: CPU: 1 PID: 9 at vkms_crtc.c:97\n'
            '[    7.0] mkms-guest: phase guest')
        rc, out, records = Run(self.tmp.name, log=log).judge()
        self.assertEqual(rc, 0, out)
        self.assertEqual(result_of(records, 'vkms', 'kernel-log',
                                   'no-splats'), 'fail')
        self.assertEqual(result_of(records, 'mkms', 'kernel-log',
                                   'no-splats'), 'pass')

    def test_second_boot_is_judged_with_its_series(self):
        # A boot on another series (linux-7.2/): its vkms splat and failures
        # are reference, its mkms ones count, its records name the series.
        log = CLEAN_LOG.replace(
            '[    7.0] mkms-guest: phase guest',
            '[    6.5] WARNING: possible recursive locking detected\n'
            '[    7.0] mkms-guest: phase guest')
        Run.boot(self.tmp.name, 'linux-7.2', log=log, igt={
            'mkms': {'igt@mkms_configfs@hotplug': 'pass'},
            'vkms': {'igt@mkms_configfs@hotplug': 'fail'}})
        run = Run(self.tmp.name)
        rc, out, records = run.judge()
        self.assertEqual(rc, 0, out)
        self.assertEqual(result_of(records, 'mkms@linux-7.2', 'mkms_configfs',
                                   'hotplug'), 'pass')
        self.assertEqual(result_of(records, 'vkms@linux-7.2', 'mkms_configfs',
                                   'hotplug'), 'fail')
        self.assertEqual(result_of(records, 'vkms@linux-7.2', 'kernel-log',
                                   'no-splats'), 'fail')
        self.assertIn('vkms@linux-7.2 phase', out)
        # The same on mkms counts.
        with tempfile.TemporaryDirectory() as tmp:
            Run.boot(tmp, 'linux-7.2',
                     igt={'mkms': {'igt@mkms_configfs@hotplug': 'fail'}})
            rc, out, _ = Run(tmp).judge()
            self.assertEqual(rc, 1)
            self.assertIn('FAIL (fail): mkms@linux-7.2 mkms_configfs@hotplug',
                          out)

    def test_reference_boot_is_all_vkms(self):
        # The vkms reference's own boot (reference/): its splats, even
        # outside a phase, its leaks and its end are vkms's, reported and
        # not counted; its tests are compared with mkms's of the main boot.
        Run.boot(self.tmp.name, 'reference',
                 log=CLEAN_LOG + '[    8.0] BUG: soft lockup - CPU#0\n',
                 kmemleak='unreferenced object 0xffff (size 64):\n',
                 steps='pass vkms module load\n',
                 igt={'vkms': {'igt@kms_atomic@plane-overlay-legacy': 'pass'}})
        run = Run(self.tmp.name, igt={
            'mkms': {'igt@kms_atomic@plane-overlay-legacy': 'pass'}})
        with open(os.path.join(self.tmp.name, 'host-steps.log'), 'a') as f:
            f.write('fail vkms boot run-to-end\n')
        rc, out, records = run.judge()
        self.assertEqual(rc, 0, out)
        self.assertEqual(result_of(records, 'vkms', 'kernel-log',
                                   'no-splats'), 'fail')
        self.assertEqual(result_of(records, 'vkms', 'kernel-log',
                                   'kmemleak-clean'), 'fail')
        self.assertEqual(result_of(records, 'guest', 'kernel-log',
                                   'kmemleak-clean'), 'pass')
        self.assertIn('vkms@reference phase', out)
        self.assertIn('vkms boot@run-to-end did not run to its end', out)
        self.assertRegex(out, r'kms_atomic +1/0/0 +1/0/0')
        # Without the reference/ boot, the main boot's guest is judged as
        # before: the same leak there counts.
        with tempfile.TemporaryDirectory() as tmp:
            rc, _, _ = Run(tmp, kmemleak='unreferenced object 0x1\n').judge()
            self.assertEqual(rc, 1)

    def test_comparison_shows_where_mkms_is_behind(self):
        # Side by side per test, and every subtest vkms passes that mkms
        # does not (here an expected skip, which still counts as behind).
        rc, out, _ = Run(self.tmp.name, igt={
            'mkms': {'igt@kms_atomic@plane-overlay-legacy': 'pass',
                     'igt@kms_atomic@plane-primary-legacy': 'skip',
                     'igt@kms_writeback@writeback-pixel-formats': 'pass'},
            'vkms': {'igt@kms_atomic@plane-overlay-legacy': 'skip',
                     'igt@kms_atomic@plane-primary-legacy': 'pass'}},
            xfails={'mkms-none-skips.txt':
                    '# a reason\nkms_atomic@plane-primary-legacy\n'}
        ).judge()
        self.assertEqual(rc, 0, out)
        with open(os.path.join(self.tmp.name, 'comparison.txt')) as f:
            table = f.read()
        self.assertIn(table, out)
        self.assertRegex(table, r'kms_atomic +1/0/1 +1/0/1\n')
        self.assertNotIn('kms_writeback', table)
        self.assertIn('vkms passes and mkms does not: 1\n'
                      '  kms_atomic@plane-primary-legacy: mkms skip, '
                      'vkms pass', table)
        # A second boot's tests are compared within that boot.
        with tempfile.TemporaryDirectory() as tmp:
            Run.boot(tmp, 'linux-7.2',
                     igt={'mkms': {'igt@mkms_configfs@edid': 'pass'},
                          'vkms': {'igt@mkms_configfs@edid': 'pass'}})
            rc, out, _ = Run(tmp, igt={
                'vkms': {'igt@mkms_configfs@edid': 'pass'}}).judge()
            self.assertEqual(rc, 0, out)
            self.assertRegex(out, r'mkms_configfs@linux-7.2 +1/0/0 +1/0/0')
            self.assertIn('vkms passes and mkms does not: 0', out)

    def test_kunit_cases_are_records(self):
        # kunit.py's JSON: a suite, a plain case, a parameterized one.
        def group(name, cases=(), subs=()):
            return {'name': name, 'sub_groups': list(subs),
                    'test_cases': [{'name': n, 'status': st}
                                   for n, st in cases]}
        suite = group('mkms_composer', [('zpos', 'PASS')], [
            group('round_trip', [('XRGB8888', 'PASS'),
                                 ('RGB565 red, to X', 'FAIL')])])
        run = Run(self.tmp.name)
        for name in ('mkms_composer', 'mkms_desc'):
            with open(os.path.join(self.tmp.name,
                                   'kunit-mkms-%s.ktap' % name), 'w') as f:
                f.write('KTAP version 1\n')
        with open(os.path.join(self.tmp.name,
                               'kunit-mkms-mkms_composer.json'), 'w') as f:
            json.dump(group('KUnit Test Group', subs=[suite]), f)
        rc, out, records = run.judge()
        self.assertEqual(rc, 1)
        self.assertEqual(result_of(records, 'mkms', 'kunit',
                                   'mkms_composer.zpos'), 'pass')
        self.assertEqual(result_of(records, 'mkms', 'kunit',
                                   'mkms_composer.round_trip.XRGB8888'),
                         'pass')
        self.assertIn('FAIL (fail): mkms kunit@'
                      'mkms_composer.round_trip.RGB565-red-to-X', out)
        # A suite the parser gave nothing for fails.
        self.assertIn('FAIL (fail): mkms kunit@mkms_desc', out)
        self.assertIn('kunit.py gave no results', out)

    def test_known_failures_are_debts_that_cannot_go_stale(self):
        fails = {'mkms-none-fails.txt':
                 '# 8-bit references\n'
                 'kms_color@ctm-0-25,Fail\n'
                 'kms_color@ctm-0-50,Fail\n'}
        rc, out, _ = Run(self.tmp.name, xfails=fails, igt={'mkms': {
            'igt@kms_color@ctm-0-25': 'fail',
            'igt@kms_color@ctm-0-50': 'fail'}}).judge()
        self.assertEqual(rc, 0, out)
        self.assertIn('known failure (fail, mkms-none-fails.txt:2): '
                      'mkms kms_color@ctm-0-25', out)
        self.assertIn('0 failed, 0 skipped, 2 known failures', out)
        # Fixed: the entry must go.
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _ = Run(tmp, xfails=fails, igt={'mkms': {
                'igt@kms_color@ctm-0-25': 'pass',
                'igt@kms_color@ctm-0-50': 'fail'}}).judge()
            self.assertEqual(rc, 1)
            self.assertIn('FAIL (a known failure passed', out)
        # Failing otherwise than listed: not the known failure.
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _ = Run(tmp, xfails=fails, igt={'mkms': {
                'igt@kms_color@ctm-0-25': 'crash',
                'igt@kms_color@ctm-0-50': 'fail'}}).judge()
            self.assertEqual(rc, 1)
            self.assertIn('FAIL (want fail as mkms-none-fails.txt:2 says, '
                          'got crash): mkms kms_color@ctm-0-25', out)
        # Gone from the run: the entry must go too.
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _ = Run(tmp, xfails=fails, igt={'mkms': {
                'igt@kms_color@ctm-0-25': 'fail'}}).judge()
            self.assertEqual(rc, 1)
            self.assertIn('FAIL (expected result never came): '
                          'mkms kms_color@ctm-0-50', out)
        # Only the boot a file names: the same failure on linux-7.2 is
        # not pardoned by mkms-none-fails.txt.
        with tempfile.TemporaryDirectory() as tmp:
            Run.boot(tmp, 'linux-7.2', igt={'mkms': {
                'igt@kms_color@ctm-0-25': 'fail'}})
            rc, out, _ = Run(tmp, xfails={
                'mkms-none-fails.txt': '# 8-bit references\n'
                'kms_color@ctm-0-25,Fail\n'}, igt={'mkms': {
                    'igt@kms_color@ctm-0-25': 'fail'}}).judge()
            self.assertEqual(rc, 1)
            self.assertIn('FAIL (fail): mkms@linux-7.2 kms_color@ctm-0-25',
                          out)

    def test_flakes_are_debts_but_never_pardon_a_splat(self):
        head = ('# Bug Report: issue 4\n# Board Name: mkms-none\n'
                '# Linux Version: 6.12.117\n# IGT Version: 2.5\n'
                '# Failure Rate: 50\n')
        flakes = {'mkms-none-flakes.txt': head + 'kms_flip@.*-vs-vblank\n'}
        rc, out, _ = Run(self.tmp.name, xfails=flakes, igt={'mkms': {
            'igt@kms_flip@flip-vs-vblank': 'fail',
            'igt@kms_flip@plain-vs-vblank': 'pass'}}).judge()
        self.assertEqual(rc, 0, out)
        self.assertIn('known failure (flaky, fail, mkms-none-flakes.txt:6): '
                      'mkms kms_flip@flip-vs-vblank', out)
        self.assertIn('6 passed, 0 failed, 0 skipped, 1 known failures',
                      out)
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _ = Run(tmp, xfails=flakes, igt={'mkms': {
                'igt@kms_flip@flip-vs-vblank': 'dmesg-warn'}}).judge()
            self.assertEqual(rc, 1)
            self.assertIn('FAIL (dmesg-warn): mkms kms_flip@flip-vs-vblank',
                          out)
        # drm/ci's five fields are not optional.
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _ = Run(tmp, xfails={'mkms-none-flakes.txt':
                                          '# it flakes\nkms_flip@.*\n'}
                             ).judge_raw()
            self.assertEqual(rc, 1)
            self.assertIn('a flake needs Bug Report, Board Name', out)

    def test_expectations_never_pardon_a_splat_or_a_leak(self):
        log = CLEAN_LOG.replace('[    4.0]', '[    3.5] BUG: KASAN: '
                                'slab-use-after-free\n[    4.0]')
        rc, out, records = Run(self.tmp.name, log=log, kmemleak='leak',
                               xfails={'mkms-none-fails.txt':
                                       '# no\nkernel-log@no-splats,Fail\n'}
                               ).judge()
        self.assertEqual(rc, 1)
        self.assertIn('FAIL (fail): mkms kernel-log@no-splats', out)
        self.assertIn('FAIL (expected result never came): mkms '
                      'kernel-log@no-splats', out)
        with tempfile.TemporaryDirectory() as tmp:
            head = ('# Bug Report: x\n# Board Name: x\n'
                    '# Linux Version: x\n# IGT Version: x\n'
                    '# Failure Rate: x\n')
            rc, out, _ = Run(tmp, log=log, xfails={
                'mkms-none-flakes.txt': head + '.*\n'}, igt={
                    'mkms': {'igt@kms_flip@flip-vs-vblank': 'dmesg-fail',
                             'igt@kms_flip@plain-vs-vblank': 'fail'}}
                ).judge()
            self.assertEqual(rc, 1)
            self.assertIn('FAIL (fail): mkms kernel-log@no-splats', out)
            self.assertIn('FAIL (dmesg-fail): mkms kms_flip@flip-vs-vblank',
                          out)
            self.assertIn('known failure (flaky, fail, '
                          'mkms-none-flakes.txt:6): '
                          'mkms kms_flip@plain-vs-vblank', out)

    def test_a_skip_is_never_a_known_failure(self):
        head = ('# Bug Report: x\n# Board Name: x\n# Linux Version: x\n'
                '# IGT Version: x\n# Failure Rate: x\n')
        rc, out, _ = Run(self.tmp.name, xfails={
            'mkms-none-flakes.txt': head + 'kms_flip@.*\n'}, igt={
                'mkms': {'igt@kms_flip@flip-vs-vblank': 'skip'}}).judge()
        self.assertEqual(rc, 1)
        self.assertIn('FAIL (unexpected skip): mkms kms_flip@flip-vs-vblank',
                      out)
        # A known failure that skips now is stale, skip entry or not.
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _ = Run(tmp, xfails={
                'mkms-none-fails.txt': '# r\nkms_color@ctm-0-25,Fail\n',
                'mkms-none-skips.txt': '# r\nkms_color@ctm-0-25\n'}, igt={
                    'mkms': {'igt@kms_color@ctm-0-25': 'skip'}}).judge()
            self.assertEqual(rc, 1)
            self.assertIn('skip (expected, mkms-none-skips.txt:2)', out)
            self.assertIn('FAIL (expected result never came): mkms '
                          'kms_color@ctm-0-25, mkms-none-fails.txt:2', out)

    def test_bad_expectations_files_are_refused(self):
        for name, text, says in (
                ('mkms-none-skips.txt', 'kms_atomic@x\n',
                 'needs its reason in a comment right above it'),
                ('mkms-none-skips.txt', '# r\n\nkms_atomic@x\n',
                 'needs its reason'),
                ('mkms-none-fails.txt', '# r\nkms_atomic@x\n',
                 'want "<test>@<subtest>,<Fail|Crash|Timeout>"'),
                ('mkms-none-fails.txt', '# r\nkms_atomic@x,Skip\n',
                 'want "<test>@<subtest>'),
                ('mkms-none-skips.txt', '# r\nkms_atomic@(\n',
                 'missing ), unterminated subpattern'),
                ('mkms-fails.txt', '# r\nkms_atomic@x,Fail\n',
                 'not a drm/ci expectations file name'),
                ('vkms-none-skips.txt', '# r\nkms_atomic@x\n',
                 'vkms is the reference here')):
            with self.subTest(text=text), \
                    tempfile.TemporaryDirectory() as tmp:
                rc, out, _ = Run(tmp, xfails={name: text}).judge_raw()
                self.assertEqual(rc, 1)
                self.assertIn(says, out)

    def test_leak_or_missing_scan_fails(self):
        rc, _, _ = Run(self.tmp.name, kmemleak='unreferenced object').judge()
        self.assertEqual(rc, 1)
        with tempfile.TemporaryDirectory() as tmp:
            rc, _, records = Run(tmp, kmemleak=None).judge()
            self.assertEqual(rc, 1)
            self.assertEqual(result_of(records, 'guest', 'kernel-log',
                                       'kmemleak-clean'), 'fail')

    def test_unexpected_skip_fails_expected_skip_counts(self):
        igt = {'mkms': {'igt@core_hotunplug@hotreplug': 'skip'}}
        rc, out, _ = Run(self.tmp.name, igt=igt).judge()
        self.assertEqual(rc, 1)
        self.assertIn('unexpected skip', out)
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _ = Run(tmp, igt=igt, xfails={
                'mkms-none-skips.txt': '# needs PCI\n'
                'core_hotunplug@hot.*\n'}).judge()
            self.assertEqual(rc, 0, out)
            self.assertIn('skip (expected, mkms-none-skips.txt:2): '
                          'mkms core_hotunplug@hotreplug', out)
            self.assertIn('0 failed, 1 skipped', out)

    def test_stale_expected_skip_fails(self):
        rc, out, _ = Run(self.tmp.name, xfails={
            'mkms-none-skips.txt': '# no longer exists\n'
            'kms_atomic@gone-subtest\n'}).judge()
        self.assertEqual(rc, 1)
        self.assertIn('expected result never came', out)
        # An entry whose subtest passes now is stale too.
        with tempfile.TemporaryDirectory() as tmp:
            rc, out, _ = Run(tmp, igt={
                'mkms': {'igt@kms_color@deep-color': 'pass'}}, xfails={
                'mkms-none-skips.txt': '# no max bpc\n'
                'kms_color@deep-color\n'}).judge()
            self.assertEqual(rc, 1)
            self.assertIn('FAIL (expected result never came): mkms '
                          'kms_color@deep-color, mkms-none-skips.txt:2', out)

    def test_igt_failures_and_warn_fail(self):
        for result in ('fail', 'warn', 'dmesg-warn', 'incomplete',
                       'timeout', 'notrun', 'abort'):
            with self.subTest(result=result), \
                    tempfile.TemporaryDirectory() as tmp:
                rc, _, _ = Run(tmp, igt={
                    'mkms': {'igt@kms_atomic@test-only': result}}).judge()
                self.assertEqual(rc, 1)

    def test_missing_igt_result_fails(self):
        run = Run(self.tmp.name, igt={'mkms': {}})
        os.makedirs(os.path.join(self.tmp.name, 'guest', 'lists'))
        with open(os.path.join(self.tmp.name, 'guest', 'lists',
                               'mkms.upstream.testlist'), 'w') as f:
            f.write('igt@kms_prop_blob\n')
        rc, out, _ = run.judge()
        self.assertEqual(rc, 1)
        self.assertIn('kms_prop_blob', out)

    def test_expected_results_must_match_exactly(self):
        want = 'harness igt_harness_selftest fail-assert fail\n'
        igt = {'harness': {'igt@igt_harness_selftest@fail-assert': 'fail'}}
        rc, out, _ = Run(self.tmp.name, igt=igt, want=want).judge()
        self.assertEqual(rc, 0, out)
        for got in ('pass', 'skip'):
            with self.subTest(got=got), tempfile.TemporaryDirectory() as tmp:
                igt = {'harness': {
                    'igt@igt_harness_selftest@fail-assert': got}}
                rc, out, _ = Run(tmp, igt=igt, want=want).judge()
                self.assertEqual(rc, 1)
                self.assertIn('want fail, got %s' % got, out)

    def test_emulator_noise_is_the_only_pardoned_dmesg_warn(self):
        noise = '<4> [149.44] hrtimer: interrupt took 16560270 ns\n'
        real = '<4> [149.45] mkms mkms.0: [drm] flip_done timed out\n'
        start = '<6> [149.17] [IGT] core_hotunplug: starting subtest x\n'
        for dmesg, want_rc in ((start + noise, 0), (start + real, 1),
                               (start + noise + real, 1)):
            with self.subTest(dmesg=dmesg), \
                    tempfile.TemporaryDirectory() as tmp:
                rc, out, records = Run(tmp, igt={'mkms': {
                    'igt@core_hotunplug@x': {'result': 'dmesg-warn',
                                             'dmesg': dmesg}}}).judge()
                self.assertEqual(rc, want_rc, out)
                r = [x for x in records if x['subtest'] == 'x'][0]
                if want_rc == 0:
                    self.assertEqual(r['result'], 'pass')
                    self.assertIn('hrtimer', r['note'])
                else:
                    self.assertEqual(r['result'], 'dmesg-warn')
                    # The failure names the line that made it one.
                    self.assertIn('    kernel: mkms mkms.0: [drm] flip_done '
                                  'timed out', out)

    def test_crc_overflow_is_pardoned_in_igts_own_tests_only(self):
        # An upstream test that draws between two CRC reads for longer
        # than the CRC buffer lasts under TCG; our own tests must keep up.
        start = '<6> [9.17] [IGT] kms_plane_alpha_blend: starting subtest x\n'
        overflow = ('<3> [9.44] [drm:drm_crtc_add_crc_entry [drm]] *ERROR* '
                    'Overflow of CRC buffer, userspace reads too slow.\n')
        for suite, want_rc in (('upstream', 0), ('ours', 1)):
            with self.subTest(suite=suite), \
                    tempfile.TemporaryDirectory() as tmp:
                rc, out, records = Run(tmp, suite=suite, igt={'mkms': {
                    'igt@kms_plane_alpha_blend@x': {
                        'result': 'dmesg-warn',
                        'dmesg': start + overflow}}}).judge()
                self.assertEqual(rc, want_rc, out)
                r = [x for x in records if x['subtest'] == 'x'][0]
                self.assertEqual(r['result'], 'dmesg-warn' if want_rc
                                 else 'pass')

    def test_igt_writeback_pipe_warning_is_the_only_pardoned_warn(self):
        noise = ('[323.700863] (kms_writeback:281) igt_kms-WARNING: Output '
                 'Writeback-1 could not be assigned to a pipe\nStarting '
                 'subtest: x\nSubtest x: SUCCESS (0.002s)\n')
        other = '(kms_writeback:281) igt_kms-WARNING: something else\n'
        ok = 'Starting subtest: x\nSubtest x: SUCCESS (0.002s)\n'
        failed = 'Starting subtest: x\nSubtest x: FAIL (0.002s)\n'
        for out, err, want_rc in ((ok, noise, 0), (ok, noise + other, 1),
                                  (failed, noise, 1), (ok, '', 1)):
            with self.subTest(out=out, err=err), \
                    tempfile.TemporaryDirectory() as tmp:
                rc, stdout, records = Run(tmp, igt={'mkms': {
                    'igt@kms_writeback@x': {'result': 'warn', 'out': out,
                                            'err': err}}}).judge()
                self.assertEqual(rc, want_rc, stdout)
                r = [x for x in records if x['subtest'] == 'x'][0]
                self.assertEqual(r['result'], 'pass' if want_rc == 0
                                 else 'fail')

    def test_noise_pardon_honours_the_tests_ignore_regex(self):
        start = '<6> [293.69] [IGT] mkms_hotunplug: starting subtest x\n'
        noise = '<4> [293.89] hrtimer: interrupt took 16244630 ns\n'
        ignore = ('<6> [293.94] [IGT] mkms_hotunplug: add ignored dmesg '
                  'regex: probe with driver [a-z0-9_]+ failed with error\n')
        probe = ('<3> [294.06] mkms mkms.0: probe with driver mkms failed '
                 'with error -5\n')
        for dmesg, want_rc in ((start + noise + ignore + probe, 0),
                               (start + noise + probe, 1),
                               (start + noise + probe + ignore, 1)):
            with self.subTest(dmesg=dmesg), \
                    tempfile.TemporaryDirectory() as tmp:
                rc, out, _ = Run(tmp, igt={'mkms': {
                    'igt@mkms_hotunplug@x': {'result': 'dmesg-warn',
                                             'dmesg': dmesg}}}).judge()
                self.assertEqual(rc, want_rc, out)

    def test_shutdown_must_run_to_its_end_when_armed(self):
        steps = ('pass mkms module load\n'
                 'pass mkms shutdown client-flipping\n')
        off = '[    8.0] mkms-guest: powering off\n'
        done = '[    8.5] mkms mkms.0: [drm] mkms.0 shut down\n'
        for log, want_rc in ((CLEAN_LOG + off + done, 0),
                             (CLEAN_LOG + off, 1),
                             (CLEAN_LOG + done + off, 1)):
            with self.subTest(log=log[-80:]), \
                    tempfile.TemporaryDirectory() as tmp:
                rc, out, records = Run(tmp, log=log, steps=steps).judge()
                self.assertEqual(rc, want_rc, out)
                self.assertIsNotNone(result_of(records, 'mkms', 'shutdown',
                                               'active-ran-to-end'))

    def test_no_boot_fails(self):
        run = Run(self.tmp.name, steps='')
        os.unlink(os.path.join(self.tmp.name, 'console.log'))
        with open(os.path.join(self.tmp.name, 'host-steps.log'), 'a') as f:
            f.write('fail guest boot run-to-end\n')
        rc, _, _ = run.judge()
        self.assertEqual(rc, 1)

    def test_splats_mode_judges_one_log(self):
        path = os.path.join(self.tmp.name, 'dmesg.txt')
        for log, want_rc in ((CLEAN_LOG, 0),
                             (CLEAN_LOG + '[    8.0] BUG: KASAN: '
                              'slab-use-after-free in mkms_x\n', 1),
                             (CLEAN_LOG + '[    8.0] ODEBUG: free active '
                              'object\n', 1)):
            with self.subTest(log=log[-40:]):
                with open(path, 'w') as f:
                    f.write(log)
                p = subprocess.run([sys.executable, SUMMARIZE, '--splats',
                                    path], capture_output=True, text=True)
                self.assertEqual(p.returncode, want_rc, p.stdout)
                self.assertEqual(bool(p.stdout), bool(want_rc))
                if want_rc:
                    self.assertIn('dmesg.txt:8: ', p.stdout)


if __name__ == '__main__':
    unittest.main()
