// SPDX-License-Identifier: GPL-2.0
// Creating and destroying core objects in platform memory.
//
// The core has no global operator new: every object is constructed in
// memory from altdma_plat_alloc() with explicit GFP-like flags, and
// destroyed by destroy_object(). Constructors cannot fail; objects with
// fallible setup have an init() the caller runs next.
#ifndef ALTDMA_CORE_OBJECT_H
#define ALTDMA_CORE_OBJECT_H

#include <altdma/platform.h>

#include "util.h"

namespace altdma {
struct PlacementTag {};
} // namespace altdma

// A tagged placement form, so it cannot collide with <new> in hosted tests.
inline void *operator new(altdma_usize, void *where, altdma::PlacementTag) noexcept
{
	return where;
}

namespace altdma {

// kmalloc guarantees at least this alignment on every architecture we build.
inline constexpr altdma_usize kPlatformAllocAlign = 8;

template <typename T, typename... Args>
T *create_object(altdma_u32 gfp, Args &&...args)
{
	static_assert(alignof(T) <= kPlatformAllocAlign,
		      "platform allocations are only 8-byte aligned");
	void *memory = altdma_plat_alloc(sizeof(T), gfp);

	if (!memory)
		return nullptr;
	return new (memory, PlacementTag{}) T(forward<Args>(args)...);
}

template <typename T>
void destroy_object(T *object)
{
	if (!object)
		return;
	object->~T();
	altdma_plat_free(object);
}

} // namespace altdma

#endif
