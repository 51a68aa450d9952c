// SPDX-License-Identifier: GPL-2.0
// Shared fixture and reference model for the core tests.
#ifndef ALTDMA_TESTS_HOST_TEST_SUPPORT_H
#define ALTDMA_TESTS_HOST_TEST_SUPPORT_H

#include <altdma/core_api.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "fake_platform.h"

namespace test {

using fake::FakeDevice;
using fake::GiB;
using fake::KiB;
using fake::kPage;
using fake::MiB;

inline constexpr altdma_dir kAllDirs[] = {
	ALTDMA_BIDIRECTIONAL, ALTDMA_TO_DEVICE, ALTDMA_FROM_DEVICE, ALTDMA_DIR_NONE,
};

// Default RAM regions (see fake::default_layout()).
inline constexpr altdma_phys_t kDmaRam = 0x00400000ull;		// 4 MiB, ZONE_DMA
inline constexpr altdma_phys_t kDma32Ram = 0x40000000ull;	// 8 MiB, ZONE_DMA32
inline constexpr altdma_phys_t kNormalRam = 0x100000000ull;	// 8 MiB, NORMAL
inline constexpr altdma_phys_t kHighRam = 0x800000000ull;	// 4 MiB, NORMAL (top)
inline constexpr altdma_u64 kDefaultMaxPfn = (kHighRam + 4 * MiB) >> 12;

inline std::string hex(altdma_u64 v)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(v));
	return buf;
}

inline altdma_u64 min_not_zero(altdma_u64 a, altdma_u64 b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

inline altdma_u64 page_align(altdma_u64 size)
{
	return (size + kPage - 1) & ~(kPage - 1);
}

inline unsigned int get_order(altdma_u64 size)
{
	unsigned int order = 0;

	while ((kPage << order) < size)
		order++;
	return order;
}

// Reference translation (kernel translate_phys_to_dma / translate_dma_to_phys).
inline altdma_dma_t ref_phys_to_dma(const std::vector<altdma_range> &ranges,
				    altdma_phys_t phys)
{
	if (ranges.empty())
		return phys;
	for (const altdma_range &r : ranges)
		if (phys >= r.cpu_start && phys - r.cpu_start < r.size)
			return r.dma_start + (phys - r.cpu_start);
	return ALTDMA_MAPPING_ERROR;
}

inline altdma_phys_t ref_dma_to_phys(const std::vector<altdma_range> &ranges,
				     altdma_dma_t dma)
{
	if (ranges.empty())
		return dma;
	for (const altdma_range &r : ranges)
		if (dma >= r.dma_start && dma - r.dma_start < r.size)
			return r.cpu_start + (dma - r.dma_start);
	return ALTDMA_PHYS_INVALID;
}

// Reference reachability: [dma, dma + size) at or below @limit; a zero
// length is checked as one byte; wrapping past 2^64 is unreachable.
inline bool ref_reachable(altdma_dma_t dma, altdma_u64 size, altdma_u64 limit)
{
	if (dma == ALTDMA_MAPPING_ERROR)
		return false;
	altdma_u64 last = size ? dma + (size - 1) : dma;
	if (last < dma)
		return false;
	return last <= limit;
}

// Every test gets a freshly reset fake platform and one device; TearDown
// destroys the core (if the test left one) and fails the test on any leaked
// page, bookkeeping allocation or lock.
class CoreTest : public ::testing::Test {
protected:
	void SetUp() override { fake::platform().reset(); }

	void TearDown() override
	{
		if (core_)
			altdma_core_destroy(core_);
		core_ = nullptr;
		EXPECT_TRUE(fake::platform().check_clean())
			<< "device log:\n" << dev_.dump_log();
	}

	fake::FakePlatform &plat() { return fake::platform(); }

	// Zero fields take their defaults, so the config may grow.
	static altdma_core_config config(altdma_u32 policy)
	{
		altdma_core_config cfg{};
		cfg.policy = policy;
		return cfg;
	}
	static altdma_core_config direct() { return config(ALTDMA_POLICY_DIRECT); }

	// Creates core_ for dev_ (direct policy); fails the test on error.
	void create()
	{
		altdma_core_config cfg = direct();
		ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0) << dev_.dump_log();
		ASSERT_NE(core_, nullptr);
	}

	void destroy()
	{
		altdma_core_destroy(core_);
		core_ = nullptr;
	}

	altdma_u64 streaming_limit() const
	{
		return min_not_zero(dev_.limits.dma_mask, dev_.limits.bus_limit);
	}
	altdma_u64 coherent_limit() const
	{
		return min_not_zero(dev_.limits.coherent_mask, dev_.limits.bus_limit);
	}

	FakeDevice dev_;
	altdma_core_device *core_ = nullptr;
};

} // namespace test

#endif
