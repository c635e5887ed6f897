// SPDX-License-Identifier: GPL-2.0
/// mode-config: unmanaged drm_mode_config_init()/drm_mode_config_cleanup().
///
/// drm_mode_config_cleanup() destroys every plane, CRTC, encoder,
/// connector and framebuffer. Called from remove/unbind it frees objects
/// that open fds, dma-bufs and in-flight commits still reach: use-after-free
/// as soon as userspace touches the device after unbind. Since Linux 5.8
/// drm_mode_config_init() is only a wrapper around drmm_mode_config_init(),
/// so the cleanup already runs when the last reference to the drm_device
/// goes away and the explicit call is both early and redundant.
///
/// Matches: calls of drm_mode_config_init(), calls of
/// drm_mode_config_cleanup(), and drmm_mode_config_init() whose return
/// value is ignored.
/// Patch: drm_mode_config_init() becomes drmm_mode_config_init(); an
/// ignored return value becomes "ret = ...; if (ret)" followed by the first
/// "goto label;" that the function already uses after the call (or "return
/// ret;" when it uses none), so the error unwinds like the function's other
/// errors; it is only rewritten when the function has an int variable
/// named ret, err, rc, error or retval. All drm_mode_config_cleanup()
/// calls are removed.
/// Cannot: tell whether the cleanup removed was the only thing done under
/// an error label (an empty label is left for the reviewer); know that the
/// goto chosen is right when the function unwinds with several styles;
/// convert drivers whose objects are not yet drmm-managed (class
/// kms-object) -- their destroy hooks keep working from the drmm cleanup.
///
// Confidence: High
// Copyright: (C) 2026 The mkms authors.
// Comments: see docs/conversion-guide.rst#mode-config
// Options: --no-includes --include-headers

virtual patch
virtual report

@init depends on report@
expression E;
position p;
@@
drm_mode_config_init@p(E)

@script:python depends on report@
p << init.p;
@@
print("@@MKMS\tfinding\tmode-config\t%s\t%s\tdrm_mode_config_init() is the unmanaged form; use drmm_mode_config_init() and check its return value"
      % (p[0].file, p[0].line), flush=True)

@unchecked depends on report@
expression E;
position p;
@@
drmm_mode_config_init@p(E);

@script:python depends on report@
p << unchecked.p;
@@
print("@@MKMS\tfinding\tmode-config\t%s\t%s\tdrmm_mode_config_init() can fail and its return value is ignored"
      % (p[0].file, p[0].line), flush=True)

@cleanup depends on report@
expression E;
position p;
@@
drm_mode_config_cleanup@p(E)

@script:python depends on report@
p << cleanup.p;
@@
print("@@MKMS\tfinding\tmode-config\t%s\t%s\tdrm_mode_config_cleanup() frees KMS objects that open fds still reach; let drmm do it at the last drm_dev_put()"
      % (p[0].file, p[0].line), flush=True)

// ---- patch ---------------------------------------------------------------

// The return value was already used: only the name changes.
@assigned depends on patch@
expression E, R;
@@
R =
-drm_mode_config_init
+drmm_mode_config_init
 (E)

@checked depends on patch@
expression E;
statement S;
@@
 if (
-drm_mode_config_init
+drmm_mode_config_init
 (E)) S

@retvar depends on patch@
identifier f, ret =~ "^(ret|err|rc|error|retval)$";
@@
f(...) {
... when any
(
int ret;
|
int ret = ...;
)
... when any
}

// Ignored return value, and the function unwinds with goto: the first
// label jumped to after the call is where this error must go too.
@ignored_goto depends on patch exists@
identifier retvar.f, retvar.ret, L, L2;
expression E;
@@
f(...) {
<+...
-drm_mode_config_init(E);
+ret = drmm_mode_config_init(E);
+if (ret)
+	goto L;
... when != goto L2;
goto L;
...+>
}

@ignored_return depends on patch@
identifier retvar.f, retvar.ret;
expression E;
@@
f(...) {
<...
-drm_mode_config_init(E);
+ret = drmm_mode_config_init(E);
+if (ret)
+	return ret;
...>
}

@remove_cleanup depends on patch@
expression E;
@@
-drm_mode_config_cleanup(E);
