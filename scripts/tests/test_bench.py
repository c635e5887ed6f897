#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-tests of scripts/bench.py: ratios and targets from known records.

The benchmark's figures are only as good as the arithmetic that turns
them into ratios and verdicts, so that is checked on records whose
answers are known, including a run that misses every target.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
import bench  # noqa: E402


def stats(median, p99=None, n=200, mean=None, stddev=0.0, lo=None, hi=None):
    return {'n': n, 'median': median, 'p99': p99 or median,
            'mean': mean or median, 'stddev': stddev,
            'min': lo or median, 'max': hi or median}


def records(mkms_compose=10.0, vkms_compose=40.0, missed=0, unbind_p99=12.0,
            probe32=32 * 5.0):
    recs = [{'test': 'meta', 'kernel': '6.12.117', 'cpus': 2,
             'mem_kib': 3 * 1024 * 1024},
            {'test': 'memcpy', 'width': 1920, 'height': 1080,
             'bytes': 1920 * 1080 * 4, 'copy_ms': stats(5.0)}]
    for planes in bench.PLANE_SETS:
        for drv, ms in (('mkms', mkms_compose), ('vkms', vkms_compose)):
            recs.append({'test': 'compose', 'driver': drv, 'width': 1920,
                         'height': 1080, 'planes': planes,
                         'commit_to_fence_ms': stats(ms + 8),
                         'vblank_to_fence_ms': stats(ms)})
    for drv in ('mkms', 'vkms'):
        recs.append({'test': 'vblank', 'driver': drv, 'hz': 60,
                     'period_ms': 16.6667, 'flips': 600,
                     'missed': missed if drv == 'mkms' else 3,
                     'commit_to_event_ms': stats(9.0),
                     'event_interval_ms': stats(16.7, stddev=0.2,
                                                lo=16.5, hi=17.0)})
    recs.append({'test': 'unbind', 'driver': 'mkms', 'period_ms': 16.6667,
                 'idle_ms': stats(3.0, n=20),
                 'commit_in_flight_ms': stats(8.0, p99=unbind_p99, n=20)})
    for n, probe in ((1, 5.0), (32, probe32)):
        recs.append({'test': 'scale', 'driver': 'mkms', 'devices': n,
                     'modprobe_ms': 50.0, 'probe_all_ms': stats(probe, n=3),
                     'unbind_all_ms': stats(n * 2.0, n=3),
                     'memfree_kib_per_device': stats(900.0, n=3),
                     'slab_kib_per_device': stats(120.0, n=3)})
    return [json.dumps(r) for r in recs]


def verdicts(res):
    return [t['met'] for t in res['targets']]


class Analyse(unittest.TestCase):
    def test_ratios(self):
        res = bench.analyse(bench.load(records()))
        r = bench.find(res['ratios'], planes='primary')
        self.assertAlmostEqual(r['vblank_to_fence'], 0.25)
        self.assertAlmostEqual(r['commit_to_fence'], 18 / 48)
        self.assertAlmostEqual(r['mkms_per_memcpy'], 2.0)
        self.assertAlmostEqual(r['vkms_per_memcpy'], 8.0)

    def test_all_targets_met(self):
        res = bench.analyse(bench.load(records()))
        self.assertEqual(len(res['targets']), 5)
        self.assertEqual(verdicts(res), [True] * 5)

    def test_every_target_can_be_missed(self):
        res = bench.analyse(bench.load(records(
            mkms_compose=20.0, missed=1, unbind_p99=30.0, probe32=32 * 11.0)))
        self.assertEqual(verdicts(res), [False] * 5)

    def test_missing_driver_is_no_data_not_a_pass(self):
        lines = [ln for ln in records() if '"vkms"' not in ln]
        res = bench.analyse(bench.load(lines))
        self.assertIsNone(res['targets'][0]['met'])
        self.assertIn('no data', bench.table(res))

    def test_bad_record_is_refused(self):
        with self.assertRaises(SystemExit):
            bench.load(['{"test": "nonsense"}'])
        with self.assertRaises(SystemExit):
            bench.load(['{not json'])


class Chart(unittest.TestCase):
    def test_partial_run_draws_what_it_has(self):
        full = bench.analyse(bench.load(records()))
        self.assertIn('multiplot layout 1,2',
                      bench.gnuplot_script(full, 'x.png', os.devnull))
        lines = [ln for ln in records() if '"vblank"' not in ln]
        res = bench.analyse(bench.load(lines))
        self.assertIn('multiplot layout 1,1',
                      bench.gnuplot_script(res, 'x.png', os.devnull))
        lines = [ln for ln in records()
                 if '"compose"' not in ln and '"vblank"' not in ln]
        res = bench.analyse(bench.load(lines))
        self.assertIsNone(bench.gnuplot_script(res, 'x.png', os.devnull))


class Command(unittest.TestCase):
    def test_writes_json_and_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, 'bench.jsonl')
            dst = os.path.join(tmp, 'results.json')
            with open(src, 'w') as f:
                f.write('\n'.join(records()) + '\n')
            out = subprocess.run(
                [sys.executable, os.path.join(HERE, '..', 'bench.py'), src,
                 '--json', dst], capture_output=True, text=True, check=True)
            self.assertIn('Composition through writeback', out.stdout)
            self.assertIn('Targets (reported, not asserted)', out.stdout)
            with open(dst) as f:
                res = json.load(f)
            self.assertEqual(res['meta']['kernel'], '6.12.117')
            self.assertEqual(len(res['compose']), 6)


if __name__ == '__main__':
    unittest.main()
