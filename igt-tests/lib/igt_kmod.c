// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel module helpers of our IGT-compatible harness, on libkmod.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libkmod.h>

#include "igt.h"
#include "igt_kmod.h"

#define UNLOAD_TRIES	20
#define UNLOAD_WAIT_US	100000

/*
 * libkmod logs errors to stderr, which igt_runner takes for a warning;
 * the callers report what matters, so its messages are debug output.
 */
static void kmod_log(void *data, int priority, const char *file, int line,
		     const char *fn, const char *format, va_list args)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), format, args);
	igt_debug("libkmod: %s", msg);
}

static struct kmod_ctx *kmod_ctx(void)
{
	static struct kmod_ctx *ctx;

	if (!ctx) {
		ctx = kmod_new(NULL, NULL);
		igt_assert_f(ctx, "libkmod: cannot create a context\n");
		kmod_set_log_fn(ctx, kmod_log, NULL);
		kmod_load_resources(ctx);
	}
	return ctx;
}

bool igt_kmod_is_loaded(const char *mod_name)
{
	struct kmod_module *mod;
	bool loaded;

	if (kmod_module_new_from_name(kmod_ctx(), mod_name, &mod))
		return false;
	loaded = kmod_module_get_initstate(mod) == KMOD_MODULE_LIVE;
	kmod_module_unref(mod);
	return loaded;
}

int igt_kmod_load(const char *mod_name, const char *opts)
{
	struct kmod_list *list = NULL, *l;
	int err;

	err = kmod_module_new_from_lookup(kmod_ctx(), mod_name, &list);
	if (err < 0)
		return err;
	if (!list)
		return -ENOENT;
	err = 0;
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		if (!err)
			err = kmod_module_probe_insert_module(mod,
							      KMOD_PROBE_FAIL_ON_LOADED,
							      opts, NULL, NULL,
							      NULL);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	if (err > 0)	/* blacklisted, or already loaded */
		err = -EEXIST;
	if (err)
		igt_debug("loading %s: %s\n", mod_name, strerror(-err));
	return err;
}

int igt_kmod_unload(const char *mod_name)
{
	struct kmod_module *mod;
	int err;

	err = kmod_module_new_from_name(kmod_ctx(), mod_name, &mod);
	if (err < 0)
		return err;
	for (int i = 0; i < UNLOAD_TRIES; i++) {
		err = kmod_module_remove_module(mod, 0);
		if (err != -EAGAIN && err != -EBUSY)
			break;
		usleep(UNLOAD_WAIT_US);
	}
	kmod_module_unref(mod);
	if (err)
		igt_debug("unloading %s: %s\n", mod_name, strerror(-err));
	return err;
}
