# SPDX-License-Identifier: GPL-2.0
#
# The core built for user space (tests/host, bench/host): which sources, and
# the language restrictions of the kernel build (freestanding, no exceptions,
# no RTTI, no standard headers). Set CORE and CXX before including this;
# each user adds its own optimisation and sanitizer flags.

CORE_SRCS := $(filter-out $(CORE)/base/cxx_runtime.cpp, \
	$(shell find $(CORE) -name '*.cpp' -not -path '$(CORE)/include/*' | sort))
CORE_GCC_INCLUDE := $(shell $(CXX) -print-file-name=include)
# -I$(CORE): the core's private headers, named by folder ("base/status.h").
CORE_INCLUDES := -I$(CORE)/include -I$(CORE)
CORE_FREESTANDING_CXXFLAGS := -std=gnu++20 -ffreestanding -fno-exceptions \
	-fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit -nostdinc \
	-isystem $(CORE_GCC_INCLUDE) $(CORE_INCLUDES) -Wall -Wextra -Werror
