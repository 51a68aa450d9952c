// SPDX-License-Identifier: GPL-2.0
// The direct fast table's entries (altdma_core_direct_map and friends): the
// same answers as the generic map for every limit case, from the two
// limits the caller passes, without reading the device's limits through
// the platform unless a map fails.
#include "test_support.h"

namespace test {
namespace {

struct LimitCase {
	altdma_u64 mask, bus_limit;
	altdma_phys_t phys;
	altdma_u64 size;
};

// The oracle: dma_capable() on an identity map, in 128-bit arithmetic.
bool reachable(const LimitCase &c)
{
	if (c.mask == 0)
		return false;
	u128 limit = c.bus_limit ? std::min(c.mask, c.bus_limit) : c.mask;
	return last_byte(c.phys, c.size) <= limit;
}

const LimitCase kCases[] = {
	{fake::bits(64), 0, kNormalRam, 4096},
	{fake::bits(32), 0, 0xfffff000ull, 0x1000},
	{fake::bits(32), 0, 0xfffff000ull, 0x1001},
	{fake::bits(32), 0, kNormalRam, 1},
	{fake::bits(64), fake::bits(32), kNormalRam, 4096},
	{fake::bits(32), fake::bits(40), kDma32Ram, 4096},
	{fake::bits(64), kDma32Ram + 0x1fff, kDma32Ram, 0x2000},
	{fake::bits(64), kDma32Ram + 0x1fff, kDma32Ram, 0x2001},
	{0, fake::bits(32), kDmaRam, 4096},
	{0, 0, 0, 1},
	{~0ull, 0, ~0ull - 10, 100},
	{fake::bits(36), 0, kHighRam, 0},
};

class FastDirect : public CoreTest {};

TEST_F(FastDirect, TableKindFollowsThePolicy)
{
	create();
	EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_DIRECT_FAST);
	altdma_core_destroy(core_);
	core_ = nullptr;

	altdma_core_config cfg = config(ALTDMA_POLICY_BOUNCE);
	ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0) << dev_.dump_log();
	EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_BOUNCE_FAST);
	altdma_core_stats stats;
	altdma_core_get_stats(core_, &stats);
	EXPECT_EQ(stats.ops_table, (altdma_u64)ALTDMA_TABLE_BOUNCE_FAST);
	altdma_core_destroy(core_);
	core_ = nullptr;

	// Asked for under either policy; the direct policy takes no other flag.
	for (altdma_u32 policy : { ALTDMA_POLICY_DIRECT, ALTDMA_POLICY_BOUNCE }) {
		cfg = config(policy);
		cfg.flags = ALTDMA_FLAG_GENERIC_TABLE;
		ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0)
			<< dev_.dump_log();
		EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_GENERIC);
		altdma_core_get_stats(core_, &stats);
		EXPECT_EQ(stats.ops_table, (altdma_u64)ALTDMA_TABLE_GENERIC);
		altdma_core_destroy(core_);
		core_ = nullptr;
	}
	cfg = config(ALTDMA_POLICY_DIRECT);
	cfg.flags = ALTDMA_FLAG_GENERIC_TABLE | ALTDMA_BOUNCE_FORCE;
	EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), -ALTDMA_EINVAL);
	EXPECT_EQ(core_, nullptr);
}

TEST_F(FastDirect, AnswersAsTheOracleAndTheGenericMap)
{
	for (const LimitCase &c : kCases) {
		dev_.set_masks(c.mask, c.mask);
		dev_.limits.bus_limit = c.bus_limit;
		create();
		altdma_dma_t fast = altdma_core_direct_map(core_, c.phys, c.size, c.mask,
							   c.bus_limit);
		altdma_dma_t generic = altdma_core_map_phys(core_, c.phys, c.size,
							    ALTDMA_BIDIRECTIONAL, 0);
		SCOPED_TRACE("phys " + hex(c.phys) + " size " + hex(c.size) + " mask " +
			     hex(c.mask) + " bus " + hex(c.bus_limit));
		EXPECT_EQ(fast, reachable(c) ? c.phys : ALTDMA_MAPPING_ERROR);
		EXPECT_EQ(fast, generic);
		// A failure logs one rate-limited error, as the generic map does.
		EXPECT_EQ(dev_.log.size(), reachable(c) ? 0u : 2u) << dev_.dump_log();
		for (const fake::LogEntry &e : dev_.log) {
			EXPECT_EQ(e.level, ALTDMA_LOG_ERR) << e.text;
			EXPECT_TRUE(e.ratelimited) << e.text;
		}
		dev_.log.clear();
		altdma_core_destroy(core_);
		core_ = nullptr;
	}
}

TEST_F(FastDirect, SuccessReadsNoDeviceLimits)
{
	create();
	int reads = dev_.limits_reads;
	for (int i = 0; i < 64; i++)
		EXPECT_EQ(altdma_core_direct_map(core_, kNormalRam + i * 4096, 4096, ~0ull, 0),
			  kNormalRam + i * 4096);
	EXPECT_EQ(dev_.limits_reads, reads);
}

TEST_F(FastDirect, TranslatesThroughTheRangeMap)
{
	dev_.ranges = {{.cpu_start = kNormalRam, .dma_start = 0x10000000ull,
			.size = 8 * MiB}};
	create();
	EXPECT_EQ(altdma_core_direct_map(core_, kNormalRam + 0x1234, 100, ~0ull, 0),
		  0x10001234ull);
	EXPECT_EQ(altdma_core_direct_map(core_, kDmaRam, 100, ~0ull, 0),
		  ALTDMA_MAPPING_ERROR);
	EXPECT_EQ(dev_.log.size(), 1u) << dev_.dump_log();
}

TEST_F(FastDirect, FailedSgEntryIsNeverRetried)
{
	create();
	EXPECT_EQ(altdma_core_map_sg_error(core_, 4096), -ALTDMA_EIO);
}

} // namespace
} // namespace test
