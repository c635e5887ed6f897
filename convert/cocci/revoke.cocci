// SPDX-License-Identifier: GPL-2.0
/// revoke: timers, work, workqueues and kthreads that outlive the memory
/// they use, and drmm actions that get devm memory.
///
/// "Revoke, then free": anything the driver starts that runs on its own
/// (hrtimer, timer, work item, delayed work, workqueue, kthread) must be
/// cancelled or stopped in remove (or by a devm/drmm action registered so
/// that it runs before the memory goes) before the memory it reads is
/// freed. A drmm action runs at the last drm_dev_put(), after devm has
/// freed everything: its data must not be devm memory.
///
/// Report mode prints facts for mkms-convert, which joins the files of a
/// driver: every start (INIT_WORK(), INIT_DELAYED_WORK(), hrtimer_init(),
/// hrtimer_setup(), timer_setup(), alloc_workqueue() and friends,
/// kthread_run(), kthread_create()) and every revoke
/// (cancel_*work*(), flush_*work(), disable_*work_sync(), hrtimer_cancel(),
/// del_timer*(), timer_delete*(), timer_shutdown*(), destroy_workqueue(),
/// drain_workqueue(), kthread_stop()), and which workqueue each work item
/// is queued on (a work item is revoked when its workqueue is destroyed or
/// drained), keyed by the last member name of the object (so
/// "&priv->vblank_timer" and "&p->vblank_timer" match). A start whose key
/// is never revoked anywhere in the driver is a finding. It also reports,
/// directly, drmm_add_action() and drmm_add_action_or_reset() whose data is
/// a variable assigned from devm_*() earlier in the same function.
/// Cannot: check the order (a revoke after the free is still a revoke),
/// tell two objects with the same member name apart, see objects managed
/// by devm_work_autocancel(), devm_delayed_work_autocancel() or
/// drmm_alloc_ordered_workqueue() as anything but fine (they are), or
/// follow data through calls. No patch mode: where to revoke depends on
/// what the object uses.
///
// Confidence: Moderate
// Copyright: (C) 2026 The mkms authors.
// Comments: see docs/conversion-guide.rst#revoke
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@
import re

def revoke_key(expr):
	# "&priv->pipes[i].timer" -> "timer"; "priv->wq" -> "wq"
	names = re.findall(r'[A-Za-z_]\w*', re.sub(r'\[[^\]]*\]', '', expr))
	return names[-1] if names else expr

def revoke_fact(*fields):
	fields = [re.sub(r'\s+', '', str(f)) for f in fields]
	print("@@MKMS\tfact\trevoke\t" + "\t".join(fields), flush=True)

@start depends on report@
identifier S =~ "^(INIT_WORK|INIT_DELAYED_WORK|hrtimer_init|hrtimer_setup|timer_setup)$";
expression E;
position p;
@@
S@p(E, ...)

@script:python depends on report@
p << start.p;
S << start.S;
E << start.E;
@@
revoke_fact("start", p[0].file, p[0].line, S, revoke_key(E), E)

@start_ret depends on report@
identifier S =~ "^(alloc_workqueue|alloc_ordered_workqueue|create_workqueue|create_singlethread_workqueue|kthread_run|kthread_create)$";
expression E;
position p;
@@
E = S@p(...)

@script:python depends on report@
p << start_ret.p;
S << start_ret.S;
E << start_ret.E;
@@
revoke_fact("start", p[0].file, p[0].line, S, revoke_key(E), E)

@stop depends on report@
identifier S =~ "^(cancel_work|cancel_work_sync|flush_work|disable_work|disable_work_sync|cancel_delayed_work|cancel_delayed_work_sync|flush_delayed_work|disable_delayed_work|disable_delayed_work_sync|hrtimer_cancel|hrtimer_try_to_cancel|del_timer|del_timer_sync|timer_delete|timer_delete_sync|timer_shutdown|timer_shutdown_sync|destroy_workqueue|drain_workqueue|kthread_stop|kthread_stop_put)$";
expression E;
position p;
@@
S@p(E, ...)

@script:python depends on report@
p << stop.p;
S << stop.S;
E << stop.E;
@@
revoke_fact("stop", p[0].file, p[0].line, S, revoke_key(E), E)

// Work queued on a workqueue of the driver is revoked by destroying or
// draining that workqueue.
@queue depends on report@
identifier S =~ "^(queue_work|queue_delayed_work|mod_delayed_work|queue_work_on|queue_delayed_work_on)$";
expression Q, W;
position p;
@@
(
S@p(Q, W, ...)
|
S@p(..., Q, W, ...)
)

@script:python depends on report@
p << queue.p;
S << queue.S;
Q << queue.Q;
W << queue.W;
@@
if not S.endswith('_on'):
	revoke_fact("queue", p[0].file, p[0].line, S, revoke_key(W), revoke_key(Q))

@action depends on report exists@
identifier A =~ "^devm_";
identifier act =~ "^drmm_add_action(_or_reset)?$";
expression x, drm, fn, data;
position p;
@@
x = A(...)
... when any
act@p(drm, fn, data)

@script:python depends on report@
p << action.p;
act << action.act;
fn << action.fn;
x << action.x;
data << action.data;
@@
data = re.sub(r'\s+', '', data)
if re.match(r'^&?\s*\(?\s*%s\b' % re.escape(x), data):
	print("@@MKMS\tfinding\trevoke\t%s\t%s\t%s(%s) gets devm memory (%s): the action runs at the last drm_dev_put(), after devm freed it"
	      % (p[0].file, p[0].line, act, fn, data), flush=True)
