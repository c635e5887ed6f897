# SPDX-License-Identifier: GPL-2.0
#
#   make                 build drm-driver/mkms.ko against the cached test
#                        kernel (built on first use, see scripts/kernel.sh)
#   make KDIR=DIR        build against another kernel tree, e.g.
#                        KDIR=/lib/modules/$(uname -r)/build
#   make W=1 C=1         the same with extra warnings and sparse
#   make check           build everything, boot the debug guest, run the tests
#   make demo            boot the guest and show mkms surviving an unbind
#   make clean

KVER ?= 6.12

ifeq ($(origin KDIR),undefined)
kdir = $$($(CURDIR)/scripts/kernel.sh --kver $(KVER) build)
else
kdir = $(KDIR)
endif

.PHONY: all modules tests check demo clean help

all: modules

modules:
	@kdir="$(kdir)" && $(MAKE) -C "$$kdir" M=$(CURDIR) modules

tests:
	$(MAKE) -C igt-tests

check:
	scripts/check.sh

demo:
	scripts/demo.sh

clean:
	@if [ -n "$(KDIR)" ] || kdir=$$(scripts/kernel.sh --kver $(KVER) dir 2>/dev/null) && [ -d "$$kdir" ]; then \
		$(MAKE) -C "$${KDIR:-$$kdir}" M=$(CURDIR) clean; \
	fi
	$(MAKE) -C igt-tests clean
	rm -rf out

help:
	@sed -n '3,11s/^# \{0,1\}//p' Makefile
