// SPDX-License-Identifier: GPL-2.0
/// enter-exit: hardware access that can run after unplug, outside
/// drm_dev_enter()/drm_dev_exit().
///
/// After drm_dev_unplug() the device's MMIO mapping, clocks, regmap and
/// interrupt are released by devm, but atomic commits (including the one
/// drm_atomic_helper_shutdown() does in remove), interrupt handlers, work
/// items, timers and debugfs files can still run. Each of those entry
/// points must reach the hardware only inside
/// "if (!drm_dev_enter(drm, &idx)) return; ... drm_dev_exit(idx);".
///
/// Report mode prints facts for mkms-convert, which joins the files of a
/// driver: entry points (functions in the atomic/vblank/detect fields of a
/// drm_*funcs table, irqreturn_t functions, functions given to
/// INIT_WORK(), INIT_DELAYED_WORK(), timer_setup(), hrtimer_setup() or
/// assigned to a ->function, debugfs show functions taking a seq_file),
/// hardware accessors called and by which function (readl()/writel() and
/// sizes and _relaxed forms, ioread*()/iowrite*(), regmap_*(),
/// clk_*() that change clock state, enable_irq()/disable_irq()) and by
/// which function, and every function that calls drm_dev_enter(); the call
/// graph comes from mkms-convert's tokenizer (see shutdown.cocci). An
/// entry point that reaches an accessor (directly or through up to three
/// calls into functions of the same driver) with no drm_dev_enter() in the
/// entry point or any function on the way is a finding, reported at the
/// call in the entry point.
/// Cannot: see accessors hidden in macros (RREG32(), intel_de_read()) or
/// reached through function pointers, know that a guard covers the access
/// (a drm_dev_enter() anywhere in the function counts), or know that a
/// device can never be unbound. No patch mode: wrapping a body needs the
/// drm_device expression and has to keep every early return balanced,
/// which is review work; the guide shows the shape.
///
// Confidence: Low
// Copyright: (C) 2026 The mkms authors.
// Comments: see docs/conversion-guide.rst#enter-exit
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@
def enter_exit_fact(*fields):
	print("@@MKMS\tfact\tenter-exit\t" + "\t".join(str(f) for f in fields), flush=True)

@hook depends on report@
identifier T =~ "^drm_.*funcs$";
identifier s, F;
position p;
identifier fld =~ "^(atomic_(enable|disable|update|flush|begin|commit_tail|pre_enable|post_disable|async_update|print_state)|enable|disable|commit|prepare|dpms|mode_set|mode_set_nofb|update|enable_vblank|disable_vblank|get_vblank_counter|get_vblank_timestamp|detect|detect_ctx)$";
@@
struct T s = { .fld = F@p, };

@script:python depends on report@
p << hook.p;
F << hook.F;
fld << hook.fld;
@@
enter_exit_fact("entry", p[0].file, p[0].line, F, "." + fld + " hook")

@irq depends on report@
typedef irqreturn_t;
identifier F;
position p;
@@
irqreturn_t F@p(...) {...}

@script:python depends on report@
p << irq.p;
F << irq.F;
@@
enter_exit_fact("entry", p[0].file, p[0].line, F, "interrupt handler")

@deferred depends on report@
identifier S =~ "^(INIT_WORK|INIT_DELAYED_WORK|timer_setup|hrtimer_setup)$";
identifier F;
expression E;
position p;
@@
S(E, F@p, ...)

@script:python depends on report@
p << deferred.p;
F << deferred.F;
S << deferred.S;
@@
enter_exit_fact("entry", p[0].file, p[0].line, F, "work item" if "WORK" in S else "timer")

@hrtimer depends on report@
expression E;
identifier F;
position p;
@@
E.function = F@p

@script:python depends on report@
p << hrtimer.p;
F << hrtimer.F;
@@
enter_exit_fact("entry", p[0].file, p[0].line, F, "timer")

@debugfs depends on report@
identifier F, m;
parameter list ps;
position p;
@@
int F@p(struct seq_file *m, ps) {...}

@script:python depends on report@
p << debugfs.p;
F << debugfs.F;
@@
enter_exit_fact("entry", p[0].file, p[0].line, F, "debugfs file")




