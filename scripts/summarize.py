#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one 'make check' run's evidence into out/check/summary.json.

Reads from the output directory:
  host-steps.log, steps.log   "<result> <driver> <test> <subtest>" lines
  igt-<driver>.<suite>/results.json
                              igt_runner's results, one per driver and suite
  guest/lists/<driver>.<suite>.testlist
                              what igt_runner was asked to run
  kunit-<driver>-<suite>.ktap, .json
                              a KUnit suite's results as the guest read
                              them, and as the kernel's kunit.py parsed them
  console.log, dmesg.txt      the guest's kernel log
  kmemleak.txt                the final kmemleak scan
  reference/                  the boot that runs the vkms reference on
                              the same kernel, with the same files but
                              host-steps.log; everything it records is
                              vkms's, its kernel log and leak scan too
  linux-<series>/             a boot on another kernel series (the
                              configfs comparison), with the same files
                              but host-steps.log; its records carry the
                              driver as "<driver>@linux-<series>"

Writes summary.json, a list of {"driver", "test", "subtest", "result"}
records (result: pass, fail, skip, crash, timeout, dmesg-warn,
dmesg-fail), prints the
failures and ends with "N passed, N failed, N skipped, N known failures".
Exit status 1 if
anything failed. Also writes comparison.txt: mkms and vkms side by side per
test, and the subtests vkms passes and mkms does not (printed too).

With --splats LOG it judges a single kernel log instead, for the long
runs (make fuzz, make soak, make bench): it prints the lines of LOG that
match the splat list below and exits 1 if there is one.

Counting: every record except the vkms reference runs (vkms, and
vkms@linux-<series>) counts. The expectations are drm/ci's files, in
--xfails (see read_xfails()), each entry with its reason. A skip counts
as skipped only if a skips.txt entry matches it; any other skip is a
failure. A failure a fails.txt entry lists with its exact status, or a
non-pass of a flakes.txt entry, is a known failure, a debt: neither
passed nor failed. A listed failure that passes, or fails otherwise, and
an entry that nothing it lists used (a skip entry only counts as used by
a skip), are failures, so the lists cannot go stale. A splat is never
pardoned. A record listed in expected-results.txt passes only with
exactly the result given there (the harness self-test fails on
purpose). The vkms records are reported on a line of their own.
"""

import argparse
import json
import os
import re
import sys

# What no test run may ever print. Kept in one place: docs/testing.rst
# refers to this list.
SPLATS = [
    r'BUG: ',                      # KASAN, sleeping in atomic, bad paging
    r'WARNING: ',                  # WARN*(), lockdep, suspicious RCU usage
    r'INFO: possible (circular|recursive|irq)',
    r'INFO: task \S+ blocked for more than',
    r'rcu: INFO: ',                # RCU stalls
    r'self-detected stall',
    r'soft lockup',
    r'kmemleak: \d+ new suspected memory leak',
    r'ODEBUG: ',                   # DEBUG_OBJECTS
    r'list_(add|del) corruption',
    r'Kernel panic',
    r'Oops',
    r'general protection fault',
    r'UBSAN: ',
    r'Call Trace:',
]
SPLAT_RE = re.compile('|'.join(SPLATS))

# Kernel warnings that say something about the emulator, not about the code
# under test: a dmesg-warn from IGT's runner whose warn-level lines are all
# of these is a pass, with a note. Keep this list short and explain each.
EMULATOR_NOISE = [
    # pr_warn_once() when the hrtimer interrupt overran: under TCG, the
    # host descheduled the vCPU thread in the middle of the handler.
    r'hrtimer: interrupt took \d+ ns',
]
EMULATOR_NOISE_RE = re.compile('|'.join(EMULATOR_NOISE))
# The same, for IGT's own tests only (the "upstream" suites). Under TCG and
# KASAN a test program that draws a 1024x768 frame with cairo between two
# reads of crc/data can take longer than the 128 vblanks (2.1 s at 60 Hz)
# the core's CRC buffer holds; the core then says once that userspace
# reads too slowly, and the CRCs the test compares are still the right
# ones. Not for our tests: those must read in time (mkms_blend reads from
# a thread), so there it stays a failure.
UPSTREAM_EMULATOR_NOISE = EMULATOR_NOISE + [
    r'\*ERROR\* Overflow of CRC buffer, userspace reads too slow\.$',
]
UPSTREAM_EMULATOR_NOISE_RE = re.compile('|'.join(UPSTREAM_EMULATOR_NOISE))
DMESG_LINE_RE = re.compile(r'^<(\d)>\s*\[\s*[\d.]+\]\s?(.*)$')


# IGT library warnings that say something about IGT's own heuristics, not
# about the driver: a 'warn' whose subtest succeeded and whose stderr lines
# are all of these is a pass, with a note. Keep this list short.
IGT_NOISE = [
    # igt_display_require() gives every connected output a pipe of its own
    # and warns about those left over. A writeback connector per CRTC (as
    # in vkms and real hardware) always is one; the runner attributes the
    # warning to the binary's first subtest.
    r'^(\[\s*[\d.]+\] )?\(\w+:\d+\) igt_kms-WARNING: '
    r'Output Writeback-\d+ could not be assigned to a pipe$',
]
IGT_NOISE_RE = re.compile('|'.join(IGT_NOISE))
IGT_PROGRESS_RE = re.compile(r'^(Starting subtest: \S+|Subtest \S+: [A-Z]+)')


def igt_noise_only(res, subtest):
    """The stderr lines of an IGT 'warn', if the subtest succeeded and
    every line but IGT's own progress lines is IGT_NOISE."""
    if not re.search(r'^Subtest %s: SUCCESS' % re.escape(subtest),
                     res.get('out') or '', re.M):
        return None
    lines = [line for line in (res.get('err') or '').splitlines()
             if line.strip() and not IGT_PROGRESS_RE.match(line)]
    if not lines or not all(IGT_NOISE_RE.search(line) for line in lines):
        return None
    return lines


IGNORE_REGEX_RE = re.compile(r'\[IGT\] [^:]+: add ignored dmesg regex: (.*)$')


def dmesg_warnings(dmesg):
    """The lines of an IGT dmesg excerpt that made it a dmesg-warn.

    Those at warning level or worse, as for igt_runner, but IGT's own and
    those matching a regex the test declared with
    igt_emit_ignore_dmesg_regex() before them.
    """
    lines = []
    ignored = []
    for line in (dmesg or '').splitlines():
        m = DMESG_LINE_RE.match(line)
        if not m:
            continue
        text = m.group(2)
        declared = IGNORE_REGEX_RE.search(text)
        if declared:
            ignored.append(re.compile(declared.group(1)))
        if int(m.group(1)) > 4 or '[IGT]' in text:
            continue
        if any(r.search(text) for r in ignored):
            continue
        lines.append(text)
    return lines


def emulator_noise_only(dmesg, upstream=False):
    """The warn-level lines of an IGT dmesg excerpt, if all are noise.

    @upstream: the excerpt is of one of IGT's own tests.
    """
    lines = dmesg_warnings(dmesg)
    noise = UPSTREAM_EMULATOR_NOISE_RE if upstream else EMULATOR_NOISE_RE
    if not all(noise.search(text) for text in lines):
        return None
    return lines or None


IGT_RESULTS = {
    'pass': 'pass',
    'skip': 'skip',
    'fail': 'fail',
    'dmesg-warn': 'dmesg-warn',
    'dmesg-fail': 'dmesg-fail',
    'warn': 'fail',
    'crash': 'crash',
    'incomplete': 'crash',
    'abort': 'crash',
    'timeout': 'timeout',
    'notrun': 'fail',
}

REFERENCE = {'vkms'}


def read_steps(path):
    records = []
    if not os.path.exists(path):
        return records
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4:
                continue
            result, driver, test, subtest = parts
            records.append(dict(driver=driver, test=test, subtest=subtest,
                                result=result))
    return records


def read_igt(out, run, driver, listfile, details):
    records = []
    path = os.path.join(out, 'igt-%s' % run, 'results.json')
    results = {}
    if os.path.exists(path):
        with open(path) as f:
            results = json.load(f).get('tests', {})
    for name, res in sorted(results.items()):
        parts = name.split('@', 2)
        if len(parts) < 3 or parts[0] != 'igt':
            continue
        result = IGT_RESULTS.get(res.get('result'), 'fail')
        # 'igt' marks a result of IGT's, which expectations may cover;
        # it does not go into summary.json.
        record = dict(driver=driver, test=parts[1], subtest=parts[2],
                      result=result, igt=True)
        noise = result == 'dmesg-warn' and \
            emulator_noise_only(res.get('dmesg'), run.endswith('.upstream'))
        igt_noise = res.get('result') == 'warn' and \
            igt_noise_only(res, parts[2])
        if igt_noise:
            result = 'pass'
            record['result'] = 'pass'
            record['note'] = 'IGT library warning only: ' + \
                '; '.join(igt_noise)
            print('pass (%s): %s %s@%s' % (record['note'], driver, parts[1],
                                           parts[2]))
        if noise:
            record['result'] = 'pass'
            record['note'] = 'dmesg-warn from emulator noise only: ' + \
                '; '.join(noise)
            print('pass (%s): %s %s@%s' % (record['note'], driver, parts[1],
                                           parts[2]))
        records.append(record)
        if result != 'pass':
            details[(driver, parts[1], parts[2])] = res
    # Everything that was asked for must have a result.
    if os.path.exists(listfile):
        with open(listfile) as f:
            for line in f:
                entry = line.strip()
                if not entry.startswith('igt@'):
                    continue
                if not any(k == entry or k.startswith(entry + '@')
                           for k in results):
                    _, test, *sub = entry.split('@', 2)
                    records.append(dict(driver=driver, test=test,
                                        subtest=sub[0] if sub else '*',
                                        result='fail', igt=True))
                    details[(driver, test, sub[0] if sub else '*')] = {
                        'out': 'no result from igt_runner'}
    return records


KUNIT_RESULTS = {'PASS': 'pass', 'SKIP': 'skip'}


def kunit_cases(group, prefix):
    """(name, status) of every test case in a kunit.py JSON group."""
    for case in group.get('test_cases', []):
        yield prefix + case['name'], case['status']
    for sub in group.get('sub_groups', []):
        yield from kunit_cases(sub, prefix + sub['name'] + '.')


def read_kunit(out, details):
    """Records of the KUnit suites: test "kunit", subtest suite.case, and
    suite.case.parameter for each parameter of a parameterized case.

    A suite whose KTAP the parser gave no JSON for, or whose JSON has no
    case, is one failed record: results that cannot be read are not a pass.
    """
    records = []
    for entry in sorted(os.listdir(out)):
        m = re.match(r'kunit-([^-]+)-(.+)\.ktap$', entry)
        if not m:
            continue
        driver, suite = m.groups()
        path = os.path.join(out, entry[:-len('.ktap')] + '.json')
        cases = []
        if os.path.exists(path):
            with open(path) as f:
                cases = list(kunit_cases(json.load(f), ''))
        if not cases:
            records.append(dict(driver=driver, test='kunit', subtest=suite,
                                result='fail'))
            details[(driver, 'kunit', suite)] = {
                'out': 'kunit.py gave no results for %s' % entry}
            continue
        for name, status in cases:
            subtest = re.sub(r'[\s,]+', '-', name)
            result = KUNIT_RESULTS.get(status, 'fail')
            records.append(dict(driver=driver, test='kunit', subtest=subtest,
                                result=result))
            if result != 'pass':
                details[(driver, 'kunit', subtest)] = {
                    'out': 'kunit.py: %s (see %s)' % (status, entry)}
    return records


def read_table(path, what):
    """{(driver, test, subtest): rest of line} from an expectations file."""
    table = {}
    if not path or not os.path.exists(path):
        return table
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 3)
            if len(parts) < 4:
                sys.exit('%s:%d: want "driver test subtest %s"' %
                         (path, n, what))
            table[tuple(parts[:3])] = parts[3]
    return table


XFAIL_FILE_RE = re.compile(r'([a-z0-9_]+)-(none|linux-[0-9.]+)-'
                           r'(fails|flakes|skips)\.txt')
XFAIL_STATUS = {'Fail': 'fail', 'Crash': 'crash', 'Timeout': 'timeout'}
FLAKE_FIELDS = ('Bug Report', 'Board Name', 'Linux Version', 'IGT Version',
                'Failure Rate')


class Xfail:
    """One entry of a drm/ci expectations file."""

    def __init__(self, path, n, kind, driver, pattern, status):
        self.where = '%s:%d' % (os.path.basename(path), n)
        self.kind = kind
        self.driver = driver
        self.status = status
        self.name = pattern
        self.regex = re.compile(pattern if kind != 'fails' else
                                re.escape(pattern))
        self.seen = False

    def matches(self, driver, name):
        return driver == self.driver and self.regex.fullmatch(name)


def read_xfails(folder):
    """Every entry of the drm/ci expectations files in @folder.

    The files are named as drm/ci names them, <driver>-<board>-<kind>.txt;
    a board is a boot of the guest here: "none" for the main boot (as
    drm/ci's vkms-none), "linux-<series>" for the other series' boots.
    fails.txt lines are "<test>@<subtest>,<Fail|Crash|Timeout>", flakes.txt
    and skips.txt lines regular expressions matching "<test>@<subtest>"
    whole (deqp-runner, drm/ci's runner, matches them anywhere in the
    name: here an entry covers exactly what it says). They apply to IGT's
    results only, never to the kernel log's or a module's records.
    Each entry needs its reason in the comment block right above it (a
    blank line ends a block); a flake's block needs drm/ci's five fields.
    """
    entries = []
    if not folder or not os.path.isdir(folder):
        return entries
    for fname in sorted(os.listdir(folder)):
        m = XFAIL_FILE_RE.fullmatch(fname)
        if not m:
            sys.exit('%s: not a drm/ci expectations file name '
                     '(<driver>-<board>-<fails|flakes|skips>.txt)' % fname)
        name, board, kind = m.groups()
        driver = name if board == 'none' else name + '@' + board
        if is_reference(driver):
            sys.exit('%s: vkms is the reference here, judged by no '
                     'expectations' % fname)
        path = os.path.join(folder, fname)
        block = []
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if line.startswith('#'):
                    block.append(line.lstrip('#').strip())
                    continue
                if not line:
                    block = []
                    continue
                if not any(block):
                    sys.exit('%s:%d: "%s" needs its reason in a comment '
                             'right above it' % (path, n, line))
                status = None
                if kind == 'fails':
                    line, _, status = line.rpartition(',')
                    if status not in XFAIL_STATUS:
                        sys.exit('%s:%d: want "<test>@<subtest>,<%s>"' %
                                 (path, n, '|'.join(XFAIL_STATUS)))
                    status = XFAIL_STATUS[status]
                if kind == 'flakes':
                    missing = [k for k in FLAKE_FIELDS
                               if not any(b.startswith(k + ':')
                                          for b in block)]
                    if missing:
                        sys.exit('%s:%d: a flake needs %s above it' %
                                 (path, n, ', '.join(missing)))
                try:
                    entries.append(Xfail(path, n, kind, driver, line,
                                         status))
                except re.error as e:
                    sys.exit('%s:%d: %s' % (path, n, e))
    return entries


def splat_lines(path):
    """The lines of the kernel log at @path that are splats."""
    name = os.path.basename(path)
    with open(path, errors='replace') as f:
        return ['%s:%d: %s' % (name, n, line.rstrip())
                for n, line in enumerate(f, 1) if SPLAT_RE.search(line)]


PHASE_RE = re.compile(r'mkms-guest: phase (\S+)')


def scan_log(out):
    """Splats in the kernel log, by phase: {driver: [lines]}.

    The guest marks which driver's tests run ("mkms-guest: phase vkms"),
    so that a splat of the vkms reference is not blamed on mkms. Anything
    outside a driver's phase (boot, final scan, shutdown) is "guest".
    The serial console is read, as it also has what a crash printed last.
    """
    hits = {}
    path = os.path.join(out, 'console.log')
    phase = 'guest'
    with open(path, errors='replace') as f:
        for n, line in enumerate(f, 1):
            m = PHASE_RE.search(line)
            if m:
                phase = m.group(1)
            elif SPLAT_RE.search(line):
                hits.setdefault(phase, []).append(
                    'console.log:%d: %s' % (n, line.rstrip()))
    return hits


SHUTDOWN_RE = re.compile(r'\] (\w+) \S+: \[drm\] \S+ shut down$')


def check_shutdown(out, records):
    """The .shutdown hook ran to its end during the final reboot.

    Only asked for when the plan armed it (a "shutdown client-flipping"
    step): then, after the guest's "powering off" line, every armed
    driver's shutdown message must appear in the console.
    """
    armed = {r['driver'] for r in records
             if (r['test'], r['subtest']) == ('shutdown', 'client-flipping')
             and r['result'] == 'pass'}
    if not armed:
        return []
    done = set()
    off = False
    with open(os.path.join(out, 'console.log'), errors='replace') as f:
        for line in f:
            if 'mkms-guest: powering off' in line:
                off = True
            m = SHUTDOWN_RE.search(line.rstrip())
            if off and m:
                done.add(m.group(1))
    return [dict(driver=d, test='shutdown', subtest='active-ran-to-end',
                 result='pass' if d in done else 'fail')
            for d in sorted(armed)]


def is_reference(driver):
    """vkms, on the test kernel or another series (vkms@linux-7.2)."""
    return driver.split('@')[0] in REFERENCE


def collect_boot(out, details, label='', owner=None):
    """The records of one guest boot whose evidence is in @out.

    @label (e.g. "@linux-7.2") only names the boot in what is printed.
    @owner, if set, is the driver the whole boot is run for: what the
    boot records as the guest's (kernel log outside a phase, leak scan)
    is recorded as @owner's.
    """
    guest = owner or 'guest'
    records = read_steps(os.path.join(out, 'steps.log'))
    records += read_kunit(out, details)
    for entry in sorted(os.listdir(out)):
        if entry.startswith('igt-') and os.path.isdir(os.path.join(out, entry)):
            run = entry[4:]
            records += read_igt(out, run, run.split('.')[0],
                                os.path.join(out, 'guest', 'lists',
                                             run + '.testlist'), details)

    booted = os.path.exists(os.path.join(out, 'console.log'))
    if not booted:
        return records
    records += check_shutdown(out, records)
    hits = scan_log(out)
    if owner and 'guest' in hits:
        hits.setdefault(owner, []).extend(hits.pop('guest'))
    drivers = {r['driver'] for r in records} - {'host'}
    for driver in sorted(drivers | {guest} | set(hits)):
        records.append(dict(driver=driver, test='kernel-log',
                            subtest='no-splats',
                            result='fail' if driver in hits else 'pass'))
    for driver, lines in sorted(hits.items()):
        print('kernel log, %s%s phase: KASAN/lockdep/WARN/kmemleak/'
              'DEBUG_OBJECTS report or worse:' % (driver, label))
        for h in lines[:60]:
            print('  ' + h)
    leaks = os.path.join(out, 'kmemleak.txt')
    leaked = os.path.exists(leaks) and os.path.getsize(leaks) > 0
    records.append(dict(driver=guest, test='kernel-log',
                        subtest='kmemleak-clean',
                        result='fail' if leaked or not os.path.exists(leaks)
                        else 'pass'))
    if leaked:
        with open(leaks) as f:
            print('kmemleak%s:\n' % label + ''.join(f.readlines()[:60]))
    return records


def comparison(records):
    """mkms beside the vkms reference on the same kernel, per test.

    Returns the lines of a table, one per test both drivers ran (results
    counted as pass/fail/skip, anything not a pass or a skip is a fail),
    followed by the subtests vkms passes and mkms does not: the debt the
    feature issue asks to be zero. Tests only one driver ran are left out:
    the upstream lists differ where a test needs what vkms lacks, and
    mkms's own unbind tests have no vkms counterpart.
    """
    by = {}
    for r in records:
        if r['test'] in ('kernel-log', 'module', 'shutdown'):
            continue
        name, _, boot = r['driver'].partition('@')
        if name not in ('mkms', 'vkms'):
            continue
        by.setdefault((boot, r['test']), {}).setdefault(
            name, {})[r['subtest']] = r['result']

    def counts(results):
        n = [0, 0, 0]
        for res in results.values():
            n[0 if res == 'pass' else 2 if res == 'skip' else 1] += 1
        return '%d/%d/%d' % tuple(n)

    rows = []
    behind = []
    for (boot, test), drivers in sorted(by.items()):
        if len(drivers) != 2:
            continue
        label = test + ('@' + boot if boot else '')
        rows.append('  %-40s %-12s %s' % (label, counts(drivers['mkms']),
                                          counts(drivers['vkms'])))
        for subtest, res in sorted(drivers['vkms'].items()):
            mine = drivers['mkms'].get(subtest, 'not run')
            if res == 'pass' and mine != 'pass':
                behind.append('  %s@%s: mkms %s, vkms pass' %
                              (label, subtest, mine))
    if not rows:
        return []
    lines = ['mkms beside vkms in the same guest, per test '
             '(pass/fail/skip):',
             '  %-40s %-12s %s' % ('test', 'mkms', 'vkms')] + rows
    lines.append('subtests vkms passes and mkms does not: %d' % len(behind))
    return lines + behind


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', help='the run output directory')
    ap.add_argument('--splats', metavar='LOG',
                    help='only judge the kernel log LOG: print its splats')
    ap.add_argument('--xfails', metavar='DIR',
                    help="the drm/ci expectations files' folder")
    ap.add_argument('--expected-results', help='expected-results.txt')
    args = ap.parse_args()
    if args.splats:
        hits = splat_lines(args.splats)
        for line in hits:
            print(line)
        return 1 if hits else 0
    if not args.out:
        ap.error('--out or --splats is required')
    out = args.out

    details = {}
    records = read_steps(os.path.join(out, 'host-steps.log'))
    records += collect_boot(out, details)
    reference = os.path.join(out, 'reference')
    if os.path.isdir(reference):
        records += collect_boot(reference, details, '@reference',
                                owner='vkms')
    for entry in sorted(os.listdir(out)):
        path = os.path.join(out, entry)
        if not (entry.startswith('linux-') and os.path.isdir(path)):
            continue
        more = {}
        boot = collect_boot(path, more, '@' + entry)
        for r in boot:
            r['driver'] += '@' + entry
        for (driver, test, subtest), res in more.items():
            details[(driver + '@' + entry, test, subtest)] = res
        records += boot

    igt = set()
    for r in records:
        if r.pop('igt', False):
            igt.add((r['driver'], r['test'], r['subtest']))
    with open(os.path.join(out, 'summary.json'), 'w') as f:
        json.dump(records, f, indent=1)
        f.write('\n')

    xfails = read_xfails(args.xfails)
    want = read_table(args.expected_results, 'result')
    passed = failed = skipped = debts = 0
    ref = {}

    def xfail(kind, key, name, result):
        # Only IGT's results: a splat, a leak or a module that did not
        # load is never an expected result.
        if key not in igt:
            return None
        found = None
        for e in xfails:
            if e.kind == kind and e.matches(key[0], name):
                # A skip entry is used by a skip only, the others by
                # anything else: one whose subtest passes (or skips) now
                # is stale, as is one that matches nothing.
                if (kind == 'skips') == (result == 'skip'):
                    e.seen = True
                found = found or e
        return found

    for r in records:
        key = (r['driver'], r['test'], r['subtest'])
        name = '%s %s@%s' % key
        if is_reference(r['driver']):
            ref[r['result']] = ref.get(r['result'], 0) + 1
            if r['test'] == 'boot' and r['result'] != 'pass':
                print('reference (not counted): %s did not run to its '
                      'end: see its console.log' % name)
            continue
        test = '%s@%s' % (r['test'], r['subtest'])
        fails = xfail('fails', key, test, r['result'])
        flake = xfail('flakes', key, test, r['result'])
        skip = xfail('skips', key, test, r['result'])
        if key in want:
            if r['result'] == want[key]:
                passed += 1
            else:
                failed += 1
                print('FAIL (want %s, got %s): %s' % (want[key], r['result'],
                                                     name))
        elif fails and r['result'] == 'pass':
            failed += 1
            print('FAIL (a known failure passed: take it off %s): %s'
                  % (fails.where, name))
        elif fails and r['result'] == fails.status:
            debts += 1
            print('known failure (%s, %s): %s' % (r['result'], fails.where,
                                                 name))
        elif fails and r['result'] != 'skip':
            failed += 1
            print('FAIL (want %s as %s says, got %s): %s' %
                  (fails.status, fails.where, r['result'], name))
        elif r['result'] == 'pass':
            passed += 1
        elif r['result'] == 'skip' and skip:
            skipped += 1
            print('skip (expected, %s): %s' % (skip.where, name))
        elif flake and r['result'] not in ('skip', 'dmesg-warn',
                                           'dmesg-fail'):
            debts += 1
            print('known failure (flaky, %s, %s): %s' % (r['result'],
                                                        flake.where, name))
        else:
            failed += 1
            why = r['result']
            if r['result'] == 'skip':
                why = 'unexpected skip'
            print('FAIL (%s): %s' % (why, name))
            d = details.get(key)
            if d:
                # What the runner saw in the kernel log, first: the test's
                # own output says nothing about a dmesg-warn.
                for line in dmesg_warnings(d.get('dmesg'))[:8]:
                    print('    kernel: ' + line)
                for k in ('out', 'err'):
                    text = (d.get(k) or '').strip().splitlines()
                    for line in text[-8:]:
                        print('    ' + line)
    for key in sorted(want):
        if not any((r['driver'], r['test'], r['subtest']) == key
                   for r in records):
            failed += 1
            print('FAIL (expected result never came): %s %s@%s' % key)
    for e in xfails:
        if not e.seen:
            failed += 1
            print('FAIL (expected result never came): %s %s, %s' %
                  (e.driver, e.name, e.where))

    table = comparison(records)
    with open(os.path.join(out, 'comparison.txt'), 'w') as f:
        f.write(''.join(line + '\n' for line in table))
    for line in table:
        print(line)
    if ref:
        print('vkms reference (not counted): ' +
              ', '.join('%d %s' % (n, res) for res, n in sorted(ref.items())))
    print('%d passed, %d failed, %d skipped, %d known failures' %
          (passed, failed, skipped, debts))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
