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

#include "base/util.h"

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

// @count default-constructed T, the first on a boundary of alignof(T) (a
// cache line for state written per CPU), which plain platform memory does
// not promise: the allocation is over-sized and its start kept just below
// the first element. Free with destroy_aligned_array().
template <typename T>
T *create_aligned_array(altdma_usize count, altdma_u32 gfp)
{
	constexpr altdma_usize align = alignof(T) > sizeof(void *) ?
					       alignof(T) : sizeof(void *);
	altdma_usize bytes;

	if (count == 0 || __builtin_mul_overflow(count, sizeof(T), &bytes) ||
	    __builtin_add_overflow(bytes, align + sizeof(void *), &bytes))
		return nullptr;
	void *raw = altdma_plat_alloc(bytes, gfp);
	if (!raw)
		return nullptr;
	altdma_usize first = (reinterpret_cast<altdma_usize>(raw) +
			      sizeof(void *) + align - 1) & ~(align - 1);
	reinterpret_cast<void **>(first)[-1] = raw;
	T *array = reinterpret_cast<T *>(first);
	for (altdma_usize i = 0; i < count; i++)
		new (&array[i], PlacementTag{}) T();
	return array;
}

template <typename T>
void destroy_aligned_array(T *array, altdma_usize count)
{
	if (!array)
		return;
	for (altdma_usize i = count; i > 0; i--)
		array[i - 1].~T();
	altdma_plat_free(reinterpret_cast<void **>(array)[-1]);
}

} // namespace altdma

#endif
