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
/// Cannot: follow the storage across functions (an object allocated by a
/// caller, or embedded in a devm-allocated private struct that is passed
/// in), see objects in static or global storage, or rewrite: the alloc
/// helpers take the struct type and member name, the destroy hooks must be
/// removed from the funcs tables (which other objects may share), and the
/// kfree() in them must go, so the conversion is left to the reviewer with
/// the guide.
///
// Confidence: High
// Copyright: (C) 2026 The mkms authors.
// Comments: see docs/conversion-guide.rst#kms-object
// Options: --no-includes --include-headers

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
