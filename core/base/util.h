// SPDX-License-Identifier: GPL-2.0
// Arithmetic helpers shared by the policies (kernel equivalents noted).
#ifndef ALTDMA_CORE_UTIL_H
#define ALTDMA_CORE_UTIL_H

#include <altdma/platform.h>

namespace altdma {

inline constexpr altdma_u64 kU64Max = ~static_cast<altdma_u64>(0);
inline constexpr altdma_usize kSizeMax = ~static_cast<altdma_usize>(0);

constexpr altdma_u64 bit_mask(unsigned int bits)
{
	return bits >= 64 ? kU64Max : (static_cast<altdma_u64>(1) << bits) - 1;
}

// min_not_zero(): a zero limit means "no limit".
constexpr altdma_u64 min_not_zero(altdma_u64 a, altdma_u64 b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

constexpr altdma_u64 min_u64(altdma_u64 a, altdma_u64 b)
{
	return a < b ? a : b;
}

// fls64(): 1-based index of the highest set bit, 0 for 0.
constexpr unsigned int fls64(altdma_u64 x)
{
	return x ? 64 - static_cast<unsigned int>(__builtin_clzll(x)) : 0;
}

constexpr bool page_align_overflows(altdma_u64 size)
{
	return size > kU64Max - (ALTDMA_PAGE_SIZE - 1);
}

constexpr altdma_u64 page_align(altdma_u64 size)
{
	return (size + ALTDMA_PAGE_SIZE - 1) & ~(ALTDMA_PAGE_SIZE - 1);
}

// get_order(): smallest order whose block holds @size bytes (size > 0).
constexpr unsigned int page_order(altdma_u64 size)
{
	altdma_u64 pages = (size - 1) >> ALTDMA_PAGE_SHIFT;

	return fls64(pages);
}

constexpr altdma_u64 pfn_of(altdma_phys_t phys)
{
	return phys >> ALTDMA_PAGE_SHIFT;
}

template <typename T>
struct RemoveReference {
	using Type = T;
};
template <typename T>
struct RemoveReference<T &> {
	using Type = T;
};
template <typename T>
struct RemoveReference<T &&> {
	using Type = T;
};

template <typename T>
constexpr T &&forward(typename RemoveReference<T>::Type &value)
{
	return static_cast<T &&>(value);
}

} // namespace altdma

#endif
