# SPDX-License-Identifier: GPL-2.0
#
# altdma: user entry points.  The module itself is described in ./Kbuild.
#
#   make [modules] [KDIR=<kernel build dir>] [W=1] [C=1|2] [V=1]
#                         build altdma.ko; the guard (scripts/check-module.sh)
#                         checks the kernel config first and the module after;
#                         a module that fails the guard is deleted
#   make install          modules_install into KDIR's release, then depmod
#   make dkms-install [DKMS_KERNEL=<release>]
#                         altdma and altdma_nvme through DKMS (as root), for
#                         the running kernel or the given release
#   make dkms-remove      removes every DKMS build of this version
#   make deb              build/altdma-dkms_<version>_all.deb (dh, dh-dkms)
#   make clean
#   make check            everything CI runs (scripts/check.sh)
#   make host-test        user-space tests of the core (tests/host)
#   make kunit KERNEL=6.1|6.12|7.2|stock
#                         every in-kernel test on one kernel in QEMU (KUnit,
#                         smoke, nvme_demo under each policy, hot-unplug)
#   make demo [DEMO_KERNEL=...] [DEMO_ARGS="policy=force"]
#                         nvme_demo on altdma in QEMU, with a summary
#   make bench [BENCH_KERNEL=6.1|6.12|7.2]
#                         altdma against dma-direct, swiotlb and dma-debug
#                         in QEMU (KVM if available) on a kernel without
#                         debug options; build/bench/results.{json,md},
#                         plot.svg; prints the ratio table
#
# Command-line variables (W=, C=, CHECK=, V=, ...) reach Kbuild unchanged
# through MAKEFLAGS.

KDIR ?= /lib/modules/$(shell uname -r)/build
MODULE := altdma.ko
GUARD := $(CURDIR)/scripts/check-module.sh

# Release of the kernel in KDIR (for depmod), as Kbuild itself defines it.
kdir-release = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

.PHONY: all modules install dkms-install dkms-remove deb clean check host-test \
	kunit demo bench help

all: modules

modules:
	@$(GUARD) --kdir-only $(KDIR)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@$(GUARD) $(MODULE) $(KDIR) || { \
		rm -f $(MODULE); \
		echo "altdma: $(MODULE) failed the guard and was deleted" >&2; \
		exit 1; }

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	@test -n "$(kdir-release)" || { \
		echo "altdma: cannot tell the kernel release of $(KDIR)" >&2; exit 1; }
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(kdir-release)

dkms-install:
	scripts/dkms.sh install $(DKMS_KERNEL)

dkms-remove:
	scripts/dkms.sh remove

deb:
	scripts/deb.sh

clean:
	@if [ -f $(KDIR)/Makefile ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
	else \
		echo "altdma: $(KDIR) not found, cleaning by hand"; \
		find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
			-o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' \) \
			-not -path './.git/*' -not -path './tests/host/*' -delete; \
		rm -f Module.symvers modules.order; \
	fi
	rm -rf build

check:
	@scripts/check.sh

host-test:
	$(MAKE) -C tests/host test

KERNEL ?= 6.1
kunit:
	scripts/guest-test.sh $(KERNEL)

demo:
	scripts/demo.sh

BENCH_KERNEL ?= 6.1
bench:
	ALTDMA_BENCH_KERNEL=$(BENCH_KERNEL) bench/run.sh

help:
	@sed -n '3,27s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))
