// SPDX-License-Identifier: GPL-2.0
// The few C++ runtime symbols the compiler may reference. Kernel build only:
// hosted test builds get these from libstdc++.
//
// A class with a virtual destructor gets a deleting destructor that refers
// to operator delete, even though the core never uses delete expressions
// (objects die through destroy_object()). Should one ever run, the memory
// came from altdma_plat_alloc(), so freeing it there is still right.
#include <altdma/platform.h>

void operator delete(void *ptr) noexcept
{
	altdma_plat_free(ptr);
}

void operator delete(void *ptr, altdma_usize) noexcept
{
	altdma_plat_free(ptr);
}

// Must be defined, not weak: an unresolved weak symbol loads as address 0.
extern "C" void __cxa_pure_virtual();

extern "C" void __cxa_pure_virtual()
{
	altdma_plat_bug("pure virtual function called");
	__builtin_trap();
}
