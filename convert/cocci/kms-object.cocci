// SPDX-License-Identifier: GPL-2.0
/// kms-object: a plane, CRTC, encoder or connector (or a struct embedding
/// one) lives in memory that is not tied to the drm_device.
///
/// KMS objects are reachable from userspace (ioctls, atomic state, sysfs
/// connectors) for as long as any fd is open, which can be long after the
/// device was unbound. Storage from devm_kzalloc() and friends is freed at
/// unbind: use-after-free. Storage from kzalloc() has to be freed by a
/// .destroy hook (drm_crtc_cleanup() plus kfree()) that the driver must get
/// right on every error path. drmm_crtc_alloc_with_planes(),
/// drmm_universal_plane_alloc(), drmm_encoder_alloc(),
/// drmm_simple_encoder_alloc() allocate and initialise in one call and free
/// with the drm_device; drmm_crtc_init_with_planes(), drmm_encoder_init()
/// and drmm_connector_init() do the same for objects embedded in drmm
/// memory. Either way the .destroy hook goes away.
///
/// Matches: "x = devm_kzalloc/devm_kcalloc/devm_kmalloc/kzalloc/kcalloc/
/// kmalloc(...)" followed in the same function by a non-drmm init of x,
/// &x->field or &x[i].field (drm_crtc_init_with_planes(),
/// drm_universal_plane_init(), drm_encoder_init(),
/// drm_simple_encoder_init(), drm_connector_init(),
/// drm_connector_init_with_ddc(), drm_writeback_connector_init(),
/// drm_simple_display_pipe_init()).
/// Patch mode rewrites the mechanical case: a CRTC, encoder (also a
/// simple encoder) or connector in devm_kzalloc()/devm_kcalloc() memory
/// whose funcs table's .destroy is the core's drm_*_cleanup(): the storage
/// becomes drmm_kzalloc()/drmm_kcalloc() of the drm_device the init is
/// given, the init its drmm_ form, and .destroy leaves the table.
/// Cannot: follow the storage across functions (an object allocated by a
/// caller, or embedded in a devm-allocated private struct that is passed
/// in), see objects in static or global storage. Does not rewrite (left to
/// the reviewer with the guide): kzalloc() storage (its kfree() in a
/// destroy hook and on error paths must go), a destroy hook of the
/// driver's own, a table also given to an object it does not convert, a
/// drm_device expression assigned after the allocation, planes (there is
/// no drmm_universal_plane_init(); drmm_universal_plane_alloc() changes
/// the allocation), writeback connectors and simple display pipes; nor
/// does it realign the continuation lines of a renamed call.
///
// Confidence: High
// Copyright: (C) 2026 The mkms authors.
// Comments: see docs/conversion-guide.rst#kms-object
// Options: --no-includes --include-headers

virtual patch
virtual report

@initialize:python@
@@
import re

DRMM = {
	'drm_crtc_init_with_planes': 'drmm_crtc_alloc_with_planes()',
	'drm_universal_plane_init': 'drmm_universal_plane_alloc()',
	'drm_encoder_init': 'drmm_encoder_alloc()',
	'drm_simple_encoder_init': 'drmm_simple_encoder_alloc()',
	'drm_connector_init': 'drmm_connector_init() on drmm memory',
	'drm_connector_init_with_ddc': 'drmm_connector_init() on drmm memory',
	'drm_writeback_connector_init': 'drmm memory for the writeback connector',
	'drm_simple_display_pipe_init': 'drmm memory (or drmm_* objects) for the pipe',
}

def based_on(obj, x):
	return re.match(r'^&?\s*\(?\s*%s\b' % re.escape(x), obj) is not None

@obj depends on report exists@
identifier A =~ "^(devm_kzalloc|devm_kcalloc|devm_kmalloc|devm_kmalloc_array|kzalloc|kcalloc|kmalloc|kmalloc_array)$";
identifier init =~ "^(drm_crtc_init_with_planes|drm_universal_plane_init|drm_encoder_init|drm_simple_encoder_init|drm_connector_init|drm_connector_init_with_ddc|drm_writeback_connector_init|drm_simple_display_pipe_init)$";
expression x, dev, o;
position p;
@@
x = A(...)
... when any
init@p(dev, o, ...)

@script:python depends on report@
p << obj.p;
A << obj.A;
init << obj.init;
x << obj.x;
o << obj.o;
@@
o = re.sub(r'\s+', '', o)
if based_on(o, x):
	if A.startswith('devm_'):
		why = 'is devm memory (%s), freed at unbind while fds still reach it' % A
	else:
		why = 'is %s memory, freed by hand in a destroy hook' % A
	print("@@MKMS\tfinding\tkms-object\t%s\t%s\t%s(): %s %s; use %s"
	      % (p[0].file, p[0].line, init, o, why, DRMM[init]), flush=True)

// ---- patch: CRTCs, encoders and connectors in devm memory ----------------
//
// The mechanical case: "x = devm_kzalloc(dev, ...)" (or devm_kcalloc())
// and, later in the same function, the non-drmm init of x, &x->field or
// &x[i].field. The storage becomes drmm_kzalloc(drm, ...) with the
// drm_device the init is given (not reassigned in between), the init its
// drmm_ form, and the funcs table loses its ".destroy = drm_*_cleanup"
// (the drmm_ inits refuse a destroy hook), unless another object still
// uses the table with a non-drmm init. A destroy hook of the driver's own
// (one that also kfree()s) is left alone, and so is that object: that,
// kzalloc() storage and planes (no drmm_universal_plane_init() exists;
// drmm_universal_plane_alloc() changes the allocation's shape) stay for
// the reviewer.

@initialize:python@
@@
# Patch mode state. Positions and file names do not survive a rewrite
# (spatch goes on with a copy), so each is only used before the next one.
KMS_FUNCS = set()	# (file, table) whose .destroy is drm_*_cleanup
KMS_USES = {}		# (file, table) -> the non-drmm inits given it
KMS_MATCHED = {}	# (file, table) -> those of them that can be converted
KMS_ALLOC = {}		# allocation -> the drm_device expression to use

def kms_key(p):
	return (p[0].file, p[0].line, p[0].column)

@kms_funcs depends on patch@
identifier FUNCS;
type T;
identifier D =~ "^drm_(crtc|encoder|connector)_cleanup$";
position pf;
@@
T FUNCS@pf = { .destroy = D, };

@script:python depends on patch@
FUNCS << kms_funcs.FUNCS;
pf << kms_funcs.pf;
@@
KMS_FUNCS.add((pf[0].file, FUNCS))

@kms_uses depends on patch@
identifier init =~ "^(drm_crtc_init_with_planes|drm_encoder_init|drm_connector_init|drm_connector_init_with_ddc)$";
identifier FUNCS;
position p;
@@
init@p(..., &FUNCS, ...)

@script:python depends on patch@
FUNCS << kms_uses.FUNCS;
p << kms_uses.p;
@@
KMS_USES.setdefault((p[0].file, FUNCS), set()).add(kms_key(p))

@kms_m depends on patch exists@
identifier FUNCS;
identifier init =~ "^(drm_crtc_init_with_planes|drm_encoder_init|drm_connector_init|drm_connector_init_with_ddc)$";
expression x, dev, drm, i, E;
identifier f1, f2;
position pa, pi;
@@
x = \(devm_kzalloc@pa\|devm_kcalloc@pa\)(dev, ...)
... when != drm = E
    when any
(
init@pi(drm, \(&x->f1\|&x->f1.f2\|&x[i].f1\|x\), ..., &FUNCS, ...)
|
drm_simple_encoder_init@pi(drm, \(&x->f1\|&x->f1.f2\|&x[i].f1\|x\), ...)
)

@script:python depends on patch@
FUNCS << kms_m.FUNCS = "";
pi << kms_m.pi;
@@
if FUNCS and (pi[0].file, FUNCS) not in KMS_FUNCS:
	cocci.include_match(False)
elif FUNCS:
	KMS_MATCHED.setdefault((pi[0].file, FUNCS), set()).add(kms_key(pi))

// Only if every object given the table is converted: the table loses its
// destroy hook, which a non-drmm init needs.
@script:python depends on patch@
FUNCS << kms_m.FUNCS = "";
pi << kms_m.pi;
@@
t = (pi[0].file, FUNCS)
if FUNCS and KMS_USES.get(t, set()) - KMS_MATCHED.get(t, set()):
	cocci.include_match(False)

@depends on patch@
position kms_m.pi;
expression drm, o, F, T;
@@
(
- drm_crtc_init_with_planes@pi
+ drmm_crtc_init_with_planes
  (...)
|
- drm_encoder_init@pi
+ drmm_encoder_init
  (...)
|
- drm_connector_init@pi(drm, o, F, T)
+ drmm_connector_init(drm, o, F, T, NULL)
|
- drm_connector_init_with_ddc@pi
+ drmm_connector_init
  (...)
|
- drm_simple_encoder_init@pi(drm, o, T)
+ drmm_encoder_init(drm, o, NULL, T, NULL)
)

// The storage of what was converted above, once per allocation.
@kms_a depends on patch exists@
identifier init =~ "^(drmm_crtc_init_with_planes|drmm_encoder_init|drmm_connector_init)$";
expression x, dev, drm, i, E;
identifier f1, f2;
position pa;
@@
x = \(devm_kzalloc@pa\|devm_kcalloc@pa\)(dev, ...)
... when != drm = E
    when any
init(drm, \(&x->f1\|&x->f1.f2\|&x[i].f1\|x\), ...)

@script:python depends on patch@
drm << kms_a.drm;
pa << kms_a.pa;
@@
if KMS_ALLOC.setdefault((pa[0].file, pa[0].line, pa[0].column), drm) != drm:
	cocci.include_match(False)

@depends on patch@
position kms_a.pa;
expression kms_a.dev, kms_a.drm;
@@
(
- devm_kzalloc@pa(dev,
+ drmm_kzalloc(drm,
  ...)
|
- devm_kcalloc@pa(dev,
+ drmm_kcalloc(drm,
  ...)
)

// The drmm_ inits refuse a destroy hook; a table still given to a
// non-drmm init keeps it.
@kms_drmm depends on patch@
identifier init =~ "^(drmm_crtc_init_with_planes|drmm_encoder_init|drmm_connector_init)$";
identifier FUNCS;
@@
init(..., &FUNCS, ...)

@kms_kept depends on patch@
identifier init =~ "^(drm_crtc_init_with_planes|drm_encoder_init|drm_connector_init|drm_connector_init_with_ddc)$";
identifier kms_drmm.FUNCS;
@@
init(..., &FUNCS, ...)

@depends on patch && !kms_kept@
type T;
identifier kms_drmm.FUNCS;
identifier D =~ "^drm_(crtc|encoder|connector)_cleanup$";
@@
T FUNCS = {
- .destroy = D,
};
