/* SPDX-License-Identifier: GPL-2.0 */
/* What a test includes, as in IGT: the core API and the DRM helpers. */
#ifndef IGT_H
#define IGT_H

#include "drmtest.h"
#include "igt_core.h"
#include "igt_debugfs.h"
#include "igt_sysfs.h"

#endif /* IGT_H */
