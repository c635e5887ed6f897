// SPDX-License-Identifier: GPL-2.0
/// unplug: drm_dev_unregister() on a remove/unbind path.
///
/// Every device can be unbound (sysfs unbind, module unload, PCI or USB
/// hot-unplug) while userspace still holds an fd. drm_dev_unregister() only
/// removes the minors; the fds stay open and their ioctls keep calling into
/// a driver whose hardware and devm memory are going away. drm_dev_unplug()
/// unregisters too, and additionally makes new ioctls fail with -ENODEV and
/// waits for every drm_dev_enter() section to finish, which is what makes
/// drm_dev_enter()/drm_dev_exit() mean anything.
///
/// Matches: a call to drm_dev_unregister() in any function that is not a
/// probe/bind/init/load function (in those it is an error path undoing a
/// registration in the same call, where unplug would be wrong: it marks
/// the device dead for good).
/// Cannot: tell a remove path from a helper named like one by its name
/// only (it does not follow the bus driver's .remove); see that a driver
/// whose drm_device is never reachable after unbind (no fds possible) does
/// not need it; see through macros. In patch mode the replacement is
/// purely mechanical: hardware access still needs drm_dev_enter() guards
/// (class enter-exit) to gain anything from it.
///
// Confidence: Moderate
// Copyright: (C) 2026 The mkms authors.
// Comments: see docs/conversion-guide.rst#unplug
// Options: --no-includes --include-headers

virtual patch
virtual report

@initialize:python@
@@
import re

# Functions in which drm_dev_unregister() is an error path of registration.
SETUP = re.compile(r'probe|(^|_)(bind|load|init|register|create|setup)$')

def teardown_fn(name):
	return SETUP.search(name) is None

@unreg depends on report@
identifier f : script:python () { teardown_fn(f) };
expression E;
position p;
@@
f(...) { <+... drm_dev_unregister@p(E) ...+> }

@script:python depends on report@
p << unreg.p;
f << unreg.f;
@@
print("@@MKMS\tfinding\tunplug\t%s\t%s\tdrm_dev_unregister() in %s(): ioctls on open fds keep reaching the driver after unbind; use drm_dev_unplug()"
      % (p[0].file, p[0].line, f), flush=True)

@fix depends on patch@
identifier f : script:python () { teardown_fn(f) };
expression E;
@@
f(...) {
<...
-drm_dev_unregister(E);
+drm_dev_unplug(E);
...>
}
