# SPDX-License-Identifier: GPL-2.0
#
# scripts/Kbuild.cxx - compile freestanding C++ (.cpp) objects inside Kbuild.
#
# Usage, from a Kbuild file (after obj-m / <mod>-y are set or before, both work):
#
#	cxxflags-y += -I$(src)/core/include	# extra C++ flags for every .cpp here
#	cxxflags-remove-y += -Wfoo		# C++ flags to drop for every .cpp
#	CXXFLAGS_core/foo.o += -DFOO		# extra C++ flags for one object
#	include $(src)/scripts/Kbuild.cxx
#
# A .cpp object is listed in <mod>-y like any C object; this file adds the
# rule `$(obj)/%.o: $(src)/%.cpp` next to Kbuild's `$(obj)/%.o: $(src)/%.c`,
# and make picks whichever source exists.
#
# What the rule does, and why (see shared notes, "C++ inside Kbuild"):
#  - It uses the kernel's own $(CC) (gcc compiles .cpp as C++; cc1plus must be
#    installed, on Debian from g++-<N> matching the kernel's gcc-<N>).
#  - The flags are Kbuild's per-object $(c_flags), so every code-generation
#    flag (retpoline / return thunks, -mcmodel=kernel, -mno-red-zone, -mno-sse,
#    stack protector, sanitizers, CFI, alignment ...) is inherited, never
#    hand-written here.  From them it removes
#      * options gcc calls "valid for C/ObjC but not for C++" (W=, W=1, W=2, W=3),
#      * the ftrace flags (-pg -mrecord-mcount -mfentry -DCC_USING_* ...): their
#        __mcount_loc entries would point into COMDAT sections,
#      * every include path and forced include (-I, -isystem, -include,
#        -imacros, -iquote, -idirafter, -nostdinc): no kernel header, not even
#        kconfig.h / compiler_types.h / compiler-version.h, enters C++,
#    and adds the freestanding C++ dialect (-std=gnu++20, no exceptions, no
#    RTTI, no thread-safe statics, no __cxa_atexit) with gcc's own freestanding
#    headers only (-nostdinc -isystem $(CC -print-file-name=include)).
#  - -Wp,-MMD,$(depfile) is kept and the rule goes through cmd_and_fixdep, so
#    touching a header rebuilds exactly the objects that include it, and a
#    changed command line rebuilds the object (if_changed_rule).
#  - objtool runs on each C++ object exactly as rule_cc_o_c runs it on C
#    objects ($(cmd_objtool) appended to the compile command, gen_objtooldep);
#    an object that skipped objtool would fail to load ("missing return thunk").
#  - sparse (checksrc / force_checksrc), kernel-doc (checkdoc), genksyms
#    (gen_symversions) and recordmcount are C-only and are not run.  Instead
#    the rule fails if a C++ object exports a symbol: nothing mangled may be
#    exported, and modversions could not version it anyway.
#
# Kernel versions: written against 6.1's scripts/Makefile.build and
# Makefile.lib.  Differences in later kernels, as far as known:
#  - 6.12 / 7.x: cmd_objtool, objtool-enabled and is-standard-object still
#    exist with the same meaning (objtool-enabled became a `private`
#    pattern-specific variable and is-standard-object also requires
#    is-kernel-object); gen_ksymdeps and check_local_export are gone (calling
#    an undefined cmd_* is a no-op, so the calls below are harmless).
#  - 6.13+: external modules are built with the module directory as the
#    working directory and src := $(srcroot)/$(obj); the C rule became
#    `$(obj)/%.o: $(obj)/%.c`.  This rule only uses $(obj), $(src), $(depfile)
#    and cmd_and_fixdep, which follow those changes.
#  - With CONFIG_LTO_CLANG or CONFIG_X86_KERNEL_IBT objtool is delayed to the
#    linked module (delay-objtool); objtool-enabled already encodes that.
#  - clang-built kernels are refused (see the check below): untested.

ifdef CONFIG_CC_IS_CLANG
$(error altdma: this kernel was built with clang; the C++ rule (scripts/Kbuild.cxx) supports gcc-built kernels only)
endif

# gcc's own freestanding headers (stddef.h, stdint.h, stdarg.h, ...).
cxx-gcc-include := $(shell $(CC) -print-file-name=include)

# Options gcc accepts for C but rejects for C++ ("valid for C/ObjC but not for
# C++"), as they appear in KBUILD_CFLAGS with W= unset, W=1, W=2 and W=3.
cxx-c-only-flags := \
	-std=% \
	-Wstrict-prototypes -Wno-strict-prototypes -Werror=strict-prototypes \
	-Wdeclaration-after-statement -Wno-declaration-after-statement \
	-Wpointer-sign -Wno-pointer-sign \
	-Wmissing-prototypes -Wno-missing-prototypes \
	-Wold-style-definition -Wold-style-declaration \
	-Wnested-externs -Wbad-function-cast \
	-Wmissing-parameter-type -Wjump-misses-init -Wc90-c99-compat \
	-Wdiscarded-qualifiers -Wno-discarded-qualifiers \
	-Wincompatible-pointer-types -Wno-incompatible-pointer-types \
	-Wint-conversion -Wno-int-conversion \
	-Woverride-init -Wno-override-init \
	-Wimplicit-int -Wno-implicit-int -Werror=implicit-int \
	-Wimplicit-function-declaration -Wno-implicit-function-declaration \
	-Werror=implicit-function-declaration \
	-Werror=incompatible-pointer-types -Werror=designated-init \
	-Wdesignated-init -Wno-designated-init \
	-Wabsolute-value -Wduplicate-decl-specifier \
	-Wmissing-variable-declarations -Wno-missing-variable-declarations

# ftrace: -pg/-mfentry/-mrecord-mcount (x86, gcc), -mnop-mcount,
# -fpatchable-function-entry=N (arm64, riscv, ...) and their -DCC_USING_* macros.
cxx-ftrace-flags := $(CC_FLAGS_FTRACE) -pg -mfentry -mrecord-mcount -mnop-mcount \
	-fpatchable-function-entry=% -DCC_USING_%

# Include paths and forced includes.  Options written with a separate
# argument ("-include FILE", "-I DIR") are first glued to their argument.
cxx-path-opts := -include -imacros -isystem -idirafter -iquote -iprefix \
	-iwithprefix -iwithprefixbefore -I
cxx-glue-mark := :altdma-cxx-arg:
cxx-glue = $(if $(1),$(call cxx-glue,$(wordlist 2,$(words $(1)),$(1)),$(subst \
	$(space)$(firstword $(1))$(space),$(space)$(firstword $(1))$(cxx-glue-mark),$(2))),$(2))
cxx-path-flags := $(addsuffix %,$(cxx-path-opts)) -nostdinc -nostdinc++

# $(call cxx-from-c,<C flags>): the C flags minus everything above.
cxx-from-c = $(filter-out $(cxx-c-only-flags) $(cxx-ftrace-flags) $(cxx-path-flags), \
	$(call cxx-glue,$(cxx-path-opts), $(strip $(1)) ))

cxx-dialect-flags := -std=gnu++20 -ffreestanding -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-use-cxa-atexit \
	-nostdinc -nostdinc++ -isystem $(cxx-gcc-include)

# Per-object C++ flags.  Recursively expanded: $(c_flags) depends on $@.
cxx_flags = $(filter-out $(cxxflags-remove-y), \
	$(call cxx-from-c,$(c_flags)) $(cxx-dialect-flags) $(cxxflags-y)) \
	$(CXXFLAGS_$(target-stem).o)

quiet_cmd_cxx_o_cpp = CXX $(quiet_modtag)  $@
      cmd_cxx_o_cpp = $(CC) $(cxx_flags) -c -o $@ $< $(cmd_objtool)

# Nothing mangled is exported: genksyms / modversions are C-only.
quiet_cmd_cxx_no_exports =
      cmd_cxx_no_exports = \
	if $(NM) $@ 2>/dev/null | grep -q -e __ksymtab -e ' __export_symbol_'; then \
		echo >&2 "$@: error: C++ objects must not export symbols (EXPORT_SYMBOL belongs in the C shim)"; \
		exit 1; \
	fi

define rule_cxx_o_cpp
	$(call cmd_and_fixdep,cxx_o_cpp)
	$(call cmd,gen_ksymdeps)
	$(call cmd,cxx_no_exports)
	$(call cmd,gen_objtooldep)
endef

$(obj)/%.o: $(src)/%.cpp FORCE
	$(call if_changed_rule,cxx_o_cpp)
