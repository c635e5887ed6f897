#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the guest's benchmark records into results.json, a table and a chart.

bench/mkms_bench prints one JSON object per measurement (bench.jsonl);
this gathers them, computes the mkms/vkms ratios and the issue's targets,
prints the table, writes results.json and, with --png, renders a chart
with gnuplot (Debian's gnuplot-nox: no Python plotting stack needed on the
host, none at all in the guest).

The targets are reported, never asserted: under TCG absolute times mean
little, the ratios within one run are what compare.
"""

import argparse
import json
import subprocess
import sys
import tempfile

PLANE_SETS = ["primary", "primary+overlay", "primary+overlay+cursor"]


def load(lines):
    """The records of a bench.jsonl, grouped by test."""
    out = {"meta": {}, "compose": [], "memcpy": [], "vblank": [],
           "unbind": [], "scale": []}
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except ValueError as e:
            raise SystemExit(f"bench.jsonl line {n}: {e}")
        test = rec.pop("test", None)
        if test == "meta":
            out["meta"] = rec
        elif test in out:
            out[test].append(rec)
        else:
            raise SystemExit(f"bench.jsonl line {n}: unknown test {test!r}")
    return out


def find(records, **keys):
    for r in records:
        if all(r.get(k) == v for k, v in keys.items()):
            return r
    return None


def median(rec, field):
    s = rec and rec.get(field)
    return s["median"] if s else None


def ratio(a, b):
    return a / b if a is not None and b else None


def analyse(res):
    """Add the ratios and the targets to @res, in place; return it."""
    ratios = []
    for c in res["compose"]:
        if c["driver"] != "mkms":
            continue
        v = find(res["compose"], driver="vkms", width=c["width"],
                 height=c["height"], planes=c["planes"])
        copy = find(res["memcpy"], width=c["width"], height=c["height"])
        ratios.append({
            "width": c["width"], "height": c["height"], "planes": c["planes"],
            "commit_to_fence": ratio(median(c, "commit_to_fence_ms"),
                                     median(v, "commit_to_fence_ms")),
            "vblank_to_fence": ratio(median(c, "vblank_to_fence_ms"),
                                     median(v, "vblank_to_fence_ms")),
            "mkms_per_memcpy": ratio(median(c, "vblank_to_fence_ms"),
                                     median(copy, "copy_ms")),
            "vkms_per_memcpy": ratio(median(v, "vblank_to_fence_ms"),
                                     median(copy, "copy_ms")),
        })
    res["ratios"] = ratios

    targets = []

    def target(name, value, limit, unit=""):
        targets.append({"target": name, "value": value, "limit": limit,
                        "unit": unit,
                        "met": None if value is None else value <= limit})

    r = find(ratios, width=1920, height=1080, planes=PLANE_SETS[2])
    target("1080p primary+overlay+cursor composition, mkms/vkms",
           r and r["vblank_to_fence"], 1 / 3)
    r = find(ratios, width=1920, height=1080, planes=PLANE_SETS[0])
    target("1080p one opaque plane, composition / frame memcpy",
           r and r["mkms_per_memcpy"], 2.0)
    u = find(res["unbind"], driver="mkms")
    if u:
        target("unbind with a commit in flight (p99), ms",
               u["commit_in_flight_ms"] and u["commit_in_flight_ms"]["p99"],
               u["period_ms"] + 5, "ms")
    v = find(res["vblank"], driver="mkms", hz=60)
    if v:
        target("missed frames at 60 Hz, one client", v["missed"], 0)
    scale = sorted((s for s in res["scale"] if s["driver"] == "mkms"),
                   key=lambda s: s["devices"])
    if len(scale) >= 2 and scale[0]["probe_all_ms"]:
        per = [s["probe_all_ms"]["median"] / s["devices"] for s in scale]
        # Linear: the cost per device at the largest count is within
        # twice that of the smallest.
        target(f"probe cost per device, {scale[-1]['devices']} vs "
               f"{scale[0]['devices']} devices", per[-1] / per[0], 2.0)
    res["targets"] = targets
    return res


def fmt(v, spec=".1f"):
    return "-" if v is None else format(v, spec)


def table(res):
    """The terminal table, as a string."""
    out = []
    meta = res["meta"]
    if meta:
        out.append(f"Guest: Linux {meta.get('kernel')}, {meta.get('cpus')} "
                   f"CPUs, {meta.get('mem_kib', 0) // 1024} MiB")

    if res["compose"]:
        out.append("")
        out.append("Composition through writeback (ms, median / p99); ratio "
                   "mkms/vkms")
        out.append(f"{'size':<10} {'planes':<24} {'what':<16} "
                   f"{'mkms':>15} {'vkms':>15} {'ratio':>6}")
        for r in res["ratios"]:
            for field, what in (("vblank_to_fence", "vblank->fence"),
                                ("commit_to_fence", "commit->fence")):
                cells = []
                for drv in ("mkms", "vkms"):
                    c = find(res["compose"], driver=drv, width=r["width"],
                             height=r["height"], planes=r["planes"])
                    s = c and c.get(field + "_ms")
                    cells.append(f"{fmt(s and s['median'])} / "
                                 f"{fmt(s and s['p99'])}")
                out.append(f"{r['width']}x{r['height']:<5} {r['planes']:<24} "
                           f"{what:<16} {cells[0]:>15} {cells[1]:>15} "
                           f"{fmt(r[field], '.2f'):>6}")

    if res["memcpy"]:
        out.append("")
        out.append("Frame memcpy in the guest (the limit), and composition "
                   "(vblank->fence) as a multiple of it")
        for m in res["memcpy"]:
            ms = m["copy_ms"]["median"]
            gbs = m["bytes"] / ms / 1e6 if ms else 0
            per = [r for r in res["ratios"] if r["width"] == m["width"] and
                   r["height"] == m["height"]]
            mult = ", ".join(f"{r['planes']}: mkms {fmt(r['mkms_per_memcpy'])}x"
                             f" vkms {fmt(r['vkms_per_memcpy'])}x"
                             for r in per)
            out.append(f"  {m['width']}x{m['height']}: {ms:.2f} ms "
                       f"({gbs:.1f} GB/s); {mult}")

    if res["vblank"]:
        out.append("")
        out.append("Page flips back to back (ms): commit->event median/p99, "
                   "event spacing mean/stddev/min/max, missed vblanks")
        for v in res["vblank"]:
            lat, iv = v["commit_to_event_ms"], v["event_interval_ms"]
            out.append(f"  {v['hz']:>3} Hz {v['driver']:<5} "
                       f"{lat['median']:6.2f} / {lat['p99']:6.2f}   "
                       f"{iv['mean']:6.3f} / {iv['stddev']:6.3f} / "
                       f"{iv['min']:6.3f} / {iv['max']:7.3f}   "
                       f"missed {v['missed']} of {v['flips']}")

    for u in res["unbind"]:
        out.append("")
        out.append("sysfs unbind write (ms, median / p99 / max), mkms only")
        for field, what in (("idle_ms", "idle pipe"),
                            ("commit_in_flight_ms", "commit in flight")):
            s = u[field]
            out.append(f"  {what:<17} {s['median']:7.2f} / {s['p99']:7.2f} / "
                       f"{s['max']:7.2f}  ({s['n']} runs)")

    if res["scale"]:
        out.append("")
        out.append("Scale, mkms (medians): modprobe, probe and unbind of all "
                   "devices, per device; memory per device")
        out.append(f"  {'devices':>7} {'modprobe':>9} {'probe/dev':>10} "
                   f"{'unbind/dev':>11} {'MemFree KiB/dev':>16} "
                   f"{'Slab KiB/dev':>13}")
        for s in sorted(res["scale"], key=lambda s: s["devices"]):
            n = s["devices"]
            out.append(f"  {n:>7} {s['modprobe_ms']:>7.1f}ms "
                       f"{s['probe_all_ms']['median'] / n:>8.2f}ms "
                       f"{s['unbind_all_ms']['median'] / n:>9.2f}ms "
                       f"{s['memfree_kib_per_device']['median']:>16.0f} "
                       f"{s['slab_kib_per_device']['median']:>13.0f}")

    if res.get("targets"):
        out.append("")
        out.append("Targets (reported, not asserted)")
        for t in res["targets"]:
            met = {True: "met", False: "NOT met", None: "no data"}[t["met"]]
            out.append(f"  {t['target']}: {fmt(t['value'], '.3g')} "
                       f"(limit {t['limit']:.3g}) {met}")
    return "\n".join(out) + "\n"


def gnuplot_script(res, png, datafile):
    """A gnuplot script drawing composition and vblank spacing to @png."""
    with open(datafile, "w") as f:
        for r in res["ratios"]:
            row = [f"\"{r['width']}x{r['height']}\\n{r['planes']}\""]
            for drv in ("mkms", "vkms"):
                c = find(res["compose"], driver=drv, width=r["width"],
                         height=r["height"], planes=r["planes"])
                row.append(fmt(median(c, "vblank_to_fence_ms"), ".4f"))
            copy = find(res["memcpy"], width=r["width"], height=r["height"])
            row.append(fmt(median(copy, "copy_ms"), ".4f"))
            f.write(" ".join(row) + "\n")
        f.write("\n\n")
        for v in res["vblank"]:
            iv = v["event_interval_ms"]
            f.write(f"\"{v['driver']} {v['hz']} Hz\" {iv['mean']:.4f} "
                    f"{iv['min']:.4f} {iv['max']:.4f} {v['period_ms']:.4f}\n")
    compose = f"""\
set title "Composition, vblank to writeback fence (median ms, log scale)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "ms"
set xtics rotate by -30 font ",8"
set key top left
plot "{datafile}" index 0 using 2:xtic(1) title "mkms", \\
     "" index 0 using 3 title "vkms", \\
     "" index 0 using 4 title "frame memcpy"
unset logscale y
"""
    vblank = f"""\
set title "Vblank event spacing (mean, min..max, ms)"
set style data points
set xtics rotate by 0 font ",9"
set offsets 0.5, 0.5, 0, 0
set yrange [0:*]
plot "{datafile}" index 1 using 0:2:3:4:xtic(1) with yerrorbars \\
        pointtype 7 title "spacing", \\
     "" index 1 using 0:5 with points pointtype 2 title "mode period"
"""
    # A partial run (TESTS=...) draws what it has.
    panels = [p for p, have in ((compose, res["ratios"]),
                                (vblank, res["vblank"])) if have]
    if not panels:
        return None
    return (f'set terminal pngcairo size {700 * len(panels)},600 font ",10"\n'
            f'set output "{png}"\n'
            f'set multiplot layout 1,{len(panels)}\n' +
            "".join(panels) + "unset multiplot\n")


def render(res, png):
    with tempfile.TemporaryDirectory() as tmp:
        script = gnuplot_script(res, png, f"{tmp}/bench.dat")
        if script is None:
            print("no composition or vblank figures: no chart")
            return
        subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl", help="the guest's bench.jsonl")
    ap.add_argument("--json", help="write results.json here")
    ap.add_argument("--png", help="render the chart here (gnuplot)")
    args = ap.parse_args()

    with open(args.jsonl) as f:
        res = analyse(load(f))
    sys.stdout.write(table(res))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
            f.write("\n")
    if args.png:
        render(res, args.png)


if __name__ == "__main__":
    main()
