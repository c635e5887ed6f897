// SPDX-License-Identifier: GPL-2.0
/// shutdown: the display is not switched off at shutdown and/or at unbind.
///
/// A driver that leaves its CRTCs running at reboot, kexec or poweroff
/// keeps scanning out of memory the next kernel (or the firmware) already
/// reuses; one that leaves them running at unbind keeps interrupts, vblank
/// timers and DMA going after its devm resources are gone. Both are fixed
/// by drm_atomic_helper_shutdown(): in the bus driver's .shutdown hook, and
/// in .remove (or the component master's unbind).
///
/// Report mode prints facts, not findings: the bus drivers (platform, PCI,
/// USB, amba, host1x, SPI; also when registered with drm_module_*_driver()),
/// their .probe/.remove/.shutdown, component master ops, and whether the
/// file declares DRIVER_ATOMIC. mkms-convert joins the facts of all the
/// files of a driver, because the bus driver often lives in another file
/// than the DRM code, with a call graph of the driver (built by its own
/// tokenizer: enumerating every call with Coccinelle is too slow for a
/// whole tree), and follows calls from .probe, .remove and .shutdown
/// (through component_master_del() to the master's unbind) to decide:
/// a bus driver owns an atomic drm_device and (a) has no .shutdown, or
/// (b) its remove path, or (c) its .shutdown, never reaches
/// drm_atomic_helper_shutdown() (or drm_atomic_helper_disable_all(),
/// drm_mode_config_helper_suspend(), drm_atomic_helper_suspend()).
///
/// Patch mode handles one shape, all in one file: a bus driver without
/// .shutdown whose remove function gets its private data from the bus
/// device ("T *v = platform_get_drvdata(pdev);" and the like) and then
/// calls drm_dev_unplug() or drm_dev_unregister() on an expression of it.
/// It adds drm_atomic_helper_shutdown() after that call if the function
/// lacks it, and a .shutdown function doing the same.
/// Cannot: follow calls through function pointers or macros, tell two
/// static functions of the same name in different files apart, see a
/// shutdown done by hand register by register (i915, amdgpu do their own),
/// or fix shapes other than the one above.
///
// Confidence: Moderate
// Copyright: (C) 2026 The mkms authors.
// Comments: see docs/conversion-guide.rst#shutdown
// Options: --no-includes --include-headers

virtual patch
virtual report
virtual usb_shutdown

@initialize:python@
@@
import re

def shutdown_fact(*fields):
	print("@@MKMS\tfact\tshutdown\t" + "\t".join(str(f) for f in fields), flush=True)

def shutdown_name(remove):
	name, n = re.subn(r'(remove_new|remove|disconnect)$', 'shutdown', remove)
	return name if n else remove + '_shutdown'

def shutdown_mentions(expr, var):
	return re.search(r'\b%s\b' % re.escape(var), expr) is not None

// ---- report: facts -------------------------------------------------------

@bus depends on report@
identifier K =~ "^(platform|pci|usb|amba|host1x|spi)_driver$";
identifier D, P;
position p;
@@
struct K D@p = { .probe = P, };

@script:python depends on report@
p << bus.p;
K << bus.K;
D << bus.D;
P << bus.P;
@@
shutdown_fact("bus", p[0].file, p[0].line, K, D, P)

@bus_field depends on report@
identifier K =~ "^(platform|pci|usb|amba|host1x|spi)_driver$";
identifier D, F, fld =~ "^(remove|remove_new|disconnect|shutdown)$";
position p;
@@
struct K D@p = { .fld = F, };

@script:python depends on report@
p << bus_field.p;
D << bus_field.D;
fld << bus_field.fld;
F << bus_field.F;
@@
shutdown_fact("field", p[0].file, p[0].line, D, "shutdown" if fld == "shutdown" else "remove", F)

@master depends on report@
identifier O, U;
position p;
@@
struct component_master_ops O@p = { .unbind = U, };

@script:python depends on report@
p << master.p;
U << master.U;
@@
shutdown_fact("master_unbind", p[0].file, p[0].line, U)




// ---- patch ---------------------------------------------------------------

@has_shutdown depends on patch@
identifier K =~ "^(platform|pci|usb|amba|host1x|spi)_driver$";
identifier D, S;
@@
struct K D = { .shutdown = S, };

@pbus depends on patch && !has_shutdown@
identifier K =~ "^(platform|pci|usb|amba|host1x|spi)_driver$";
identifier D, R, fld =~ "^(remove|remove_new|disconnect)$";
@@
struct K D = { .fld = R, };

@prm depends on patch@
identifier pbus.R, pdev, v;
identifier getter =~ "^(platform_get_drvdata|pci_get_drvdata|dev_get_drvdata|amba_get_drvdata|spi_get_drvdata|usb_get_intfdata)$";
type T0, T;
expression E;
@@
R(T0 *pdev) {
...
T *v = getter(pdev);
...
(
drm_dev_unplug(E);
|
drm_dev_unregister(E);
)
...
}

// The new .shutdown can only use what it gets from the bus device.
@script:python depends on prm@
E << prm.E;
v << prm.v;
@@
if not shutdown_mentions(E, v):
	cocci.include_match(False)

@padd_call depends on patch@
identifier pbus.R;
expression prm.E;
@@
R(...) {
... when != drm_atomic_helper_shutdown(...);
(
drm_dev_unplug(E);
+drm_atomic_helper_shutdown(E);
|
drm_dev_unregister(E);
+drm_atomic_helper_shutdown(E);
)
... when != drm_atomic_helper_shutdown(...);
}

@script:python sname depends on prm@
R << pbus.R;
S;
@@
coccinelle.S = cocci.make_ident(shutdown_name(R))

// struct usb_driver has no .shutdown in 6.1 (6.12 has one): mkms-convert
// passes -D usb_shutdown when the tree's <linux/usb.h> has it; without
// it a USB driver only gets the call in .disconnect.
@pbus_usb depends on patch@
identifier pbus.D;
@@
struct usb_driver D = { ... };

@padd_fn depends on patch && (usb_shutdown || !pbus_usb)@
identifier pbus.R, prm.pdev, prm.v, prm.getter, sname.S;
type prm.T0, prm.T;
expression prm.E;
@@
R(...) {...}
+
+static void S(T0 *pdev)
+{
+	T *v = getter(pdev);
+
+	drm_atomic_helper_shutdown(E);
+}

@padd_field depends on padd_fn@
identifier pbus.K, pbus.D, pbus.fld, pbus.R, sname.S;
@@
struct K D = {
	.fld = R,
+	.shutdown = S,
};

@has_include depends on patch@
@@
#include <drm/drm_atomic_helper.h>

@padd_include depends on patch && (padd_fn || padd_call) && !has_include@
@@
+#include <drm/drm_atomic_helper.h>
 #include <drm/drm_drv.h>
