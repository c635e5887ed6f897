/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading kernel modules, with IGT's signatures (IGT 2.x),
 * on libkmod as IGT does: modules are looked up the modprobe way, so a
 * module's dependencies come and go with it.
 */
#ifndef IGT_KMOD_H
#define IGT_KMOD_H

#include <stdbool.h>

bool igt_kmod_is_loaded(const char *mod_name);
/* 0, or a negative errno; @opts are module parameters ("a=1 b=2") or NULL. */
int igt_kmod_load(const char *mod_name, const char *opts);
/*
 * 0, or a negative errno. A module in use (-EAGAIN or -EBUSY) is tried
 * again for up to two seconds first, as references held by exiting
 * processes go away.
 */
int igt_kmod_unload(const char *mod_name);

#endif /* IGT_KMOD_H */
