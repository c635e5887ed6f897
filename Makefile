# SPDX-License-Identifier: GPL-2.0
#
#   make                 build drm-driver/mkms.ko against the cached test
#                        kernel (built on first use, see scripts/kernel.sh)
#   make KDIR=DIR        build against another kernel tree, e.g.
#                        KDIR=/lib/modules/$(uname -r)/build
#   make W=1 C=1         the same with extra warnings and sparse
#   make install         install mkms.ko into KDIR's kernel's modules, depmod
#   make dkms-install    install through DKMS for the running kernel
#   make intree KSRC=DIR copy mkms into the kernel source DIR as
#                        drivers/gpu/drm/mkms (CONFIG_DRM_MKMS)
#   make check           build everything, boot the debug guest, run the tests
#                        (KVER=6.1|6.12|7.2 picks the kernel, default 6.12)
#   make check-all       make check on each of the three, evidence in
#                        out/check-<version>/
#   make demo            boot the guest, capture three planes through
#                        writeback (demo/output.png), unbind mkms under an fd
#   make bench           boot the benchmark kernel, measure mkms against
#                        vkms: table, bench/results.json and results.png
#   make fuzz [SEED=N] [OPS=N]  the KMS fuzzer's long run (default 10^5
#                        ops, random seed) in the debug guest
#   make soak [CYCLES=N] 1000 unbind/bind cycles (default) under four
#                        clients committing on leases, in the debug guest
#   make clean

KVER ?= 6.12

ifeq ($(origin KDIR),undefined)
kdir = $$($(CURDIR)/scripts/kernel.sh --kver $(KVER) build)
else
kdir = $(KDIR)
endif

.PHONY: all modules install dkms-install intree tests check check-all demo bench fuzz \
	soak clean help

all: modules

modules:
	@kdir="$(kdir)" && $(MAKE) -C "$$kdir" M=$(CURDIR) modules

install: modules
	@kdir="$(kdir)" && $(MAKE) -C "$$kdir" M=$(CURDIR) modules_install

dkms-install:
	scripts/dkms.sh install

intree:
	@[ -n "$(KSRC)" ] || { echo "usage: make intree KSRC=<kernel source>" >&2; exit 2; }
	scripts/intree.sh "$(KSRC)"

tests:
	$(MAKE) -C igt-tests

check:
	scripts/check.sh

check-all:
	@rc=0; for v in 6.12 6.1 7.2; do \
		echo "== make check KVER=$$v"; \
		KVER=$$v scripts/check.sh || rc=1; \
		rm -rf out/check-$$v; cp -a out/check out/check-$$v; \
	done; exit $$rc

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

fuzz:
	scripts/fuzz.sh

soak:
	scripts/soak.sh

clean:
	@if [ -n "$(KDIR)" ] || kdir=$$(scripts/kernel.sh --kver $(KVER) dir 2>/dev/null) && [ -d "$$kdir" ]; then \
		$(MAKE) -C "$${KDIR:-$$kdir}" M=$(CURDIR) clean; \
	fi
	$(MAKE) -C igt-tests clean
	$(MAKE) -C bench clean
	rm -rf out

help:
	@sed -n '3,25s/^# \{0,1\}//p' Makefile
