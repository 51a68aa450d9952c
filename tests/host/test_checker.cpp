// SPDX-License-Identifier: GPL-2.0
// The checker layer through the core API: a correct workload finds
// nothing; each class is provoked and counted once, with its message and
// the mapping's stack; the operation itself still happens; outstanding
// mappings group by stack; the table keeps checking when memory runs out;
// and a random workload's findings equal an independent model's.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>

#include "test_support.h"

namespace test {
namespace {

class Checker : public CoreTest {
protected:
	void create_checked(altdma_u32 policy = ALTDMA_POLICY_DIRECT, altdma_u32 checks = 0,
			    altdma_u32 flags = 0)
	{
		altdma_core_config cfg = config(policy);
		cfg.flags = ALTDMA_FLAG_CHECKS | flags;
		cfg.checks = checks;
		ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0) << dev_.dump_log();
	}

	altdma_core_check_stats counts()
	{
		altdma_core_check_stats s;
		__builtin_memset(&s, 0xff, sizeof(s));
		EXPECT_EQ(altdma_core_check_read(core_, &s), 0);
		return s;
	}

	// The one class with findings (and how many), or -1 for none; fails
	// the test when several have some.
	int only_finding(altdma_u64 *n = nullptr)
	{
		altdma_core_check_stats s = counts();
		int found = -1;
		for (int c = 0; c < ALTDMA_CHECK_CLASS_COUNT; c++) {
			if (!s.findings[c])
				continue;
			EXPECT_EQ(found, -1) << "also " << altdma_core_check_name(
							   static_cast<altdma_core_check_class>(c));
			found = c;
			if (n)
				*n = s.findings[c];
		}
		return found;
	}

	bool logged(const std::string &text) const
	{
		for (const fake::LogEntry &e : dev_.log)
			if (e.text.find(text) != std::string::npos)
				return true;
		return false;
	}

	altdma_dma_t map(altdma_phys_t phys, altdma_usize size, altdma_dir dir = ALTDMA_TO_DEVICE)
	{
		altdma_dma_t dma = altdma_core_map_phys(core_, phys, size, dir, 0);
		EXPECT_NE(dma, ALTDMA_MAPPING_ERROR) << dev_.dump_log();
		return dma;
	}
};

const char *name(int cls)
{
	return cls < 0 ? "none" : altdma_core_check_name(static_cast<altdma_core_check_class>(cls));
}

TEST_F(Checker, NamesAndConfiguration)
{
	EXPECT_STREQ(altdma_core_check_name(ALTDMA_CHECK_NOT_MAPPED), "not_mapped");
	EXPECT_STREQ(altdma_core_check_name(ALTDMA_CHECK_LEAK), "leak");
	EXPECT_STREQ(altdma_core_check_name(ALTDMA_CHECK_DEVICE_WROTE_TO_DEVICE_BUFFER),
		     "device_wrote_to_device_buffer");
	EXPECT_EQ(altdma_core_check_name(ALTDMA_CHECK_CLASS_COUNT), nullptr);

	altdma_core_config cfg = direct();
	cfg.checks = 1;
	EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), -ALTDMA_EINVAL)
		<< "checks without the checker";
	cfg.flags = ALTDMA_FLAG_CHECKS;
	cfg.checks = 1u << ALTDMA_CHECK_CLASS_COUNT;
	EXPECT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), -ALTDMA_EINVAL);
	EXPECT_EQ(core_, nullptr);

	create();
	altdma_core_check_stats s;
	EXPECT_EQ(altdma_core_check_read(core_, &s), -ALTDMA_EOPNOTSUPP);
	EXPECT_EQ(altdma_core_check_outstanding(core_, nullptr, 0, 0), -ALTDMA_EOPNOTSUPP);
	destroy();
	create_checked();
	EXPECT_EQ(altdma_core_table_kind(core_), ALTDMA_TABLE_GENERIC);
}

TEST_F(Checker, ACorrectWorkloadFindsNothing)
{
	create_checked();
	altdma_dma_t a = map(kDma32Ram, 4096, ALTDMA_FROM_DEVICE);
	altdma_dma_t b = map(kDma32Ram + 0x10000, 512, ALTDMA_BIDIRECTIONAL);
	// The same buffer mapped twice for the device to read is allowed, and
	// each unmap and sync is matched with the mapping it means.
	altdma_dma_t c = map(kDma32Ram + 0x40000, 512, ALTDMA_TO_DEVICE);
	altdma_dma_t c2 = map(kDma32Ram + 0x40000, 256, ALTDMA_TO_DEVICE);
	ASSERT_EQ(c, c2);
	altdma_core_sync_single_for_device(core_, c2, 256, ALTDMA_TO_DEVICE);
	altdma_core_sync_single_for_cpu(core_, a + 1024, 512, ALTDMA_FROM_DEVICE);
	altdma_core_sync_single_for_device(core_, b, 512, ALTDMA_BIDIRECTIONAL);
	altdma_core_sync_single_for_cpu(core_, b + 511, 1, ALTDMA_BIDIRECTIONAL);
	fake::SgChain sg({ { kDma32Ram + 0x20000, 4096 }, { kDma32Ram + 0x30000, 100 } });
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0), 2);
	altdma_core_sync_sg_for_cpu(core_, sg.head(), 2, ALTDMA_FROM_DEVICE);
	altdma_dma_t r = altdma_core_map_resource(core_, 0xfe000000ull, 64, ALTDMA_TO_DEVICE, 0);
	ASSERT_NE(r, ALTDMA_MAPPING_ERROR);
	altdma_phys_t phys;
	altdma_dma_t coh, pages;
	ASSERT_EQ(altdma_core_alloc(core_, 3000, 0, 0, &phys, &coh), 0);
	ASSERT_EQ(altdma_core_alloc_pages(core_, 8192, ALTDMA_TO_DEVICE, 0, &phys, &pages), 0);
	EXPECT_EQ(counts().live, 9u);

	altdma_core_free_pages(core_, 8192, pages, ALTDMA_TO_DEVICE);
	altdma_core_free(core_, 3000, coh, 0);
	altdma_core_unmap_resource(core_, r, 64, ALTDMA_TO_DEVICE, 0);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_FROM_DEVICE, 0);
	altdma_core_unmap_phys(core_, c, 256, ALTDMA_TO_DEVICE, 0);
	altdma_core_unmap_phys(core_, c, 512, ALTDMA_TO_DEVICE, 0);
	altdma_core_unmap_phys(core_, b, 512, ALTDMA_BIDIRECTIONAL, 0);
	altdma_core_unmap_phys(core_, a, 4096, ALTDMA_FROM_DEVICE, 0);

	EXPECT_EQ(only_finding(), -1);
	EXPECT_EQ(counts().live, 0u);
	EXPECT_EQ(counts().untracked, 0u);
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	EXPECT_EQ(altdma_core_check_outstanding(core_, nullptr, 0, 1), 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_LEAK], 0u);
}

TEST_F(Checker, UnmapOfAnAddressNeverMapped)
{
	create_checked();
	altdma_core_unmap_phys(core_, 0x12345000, 4096, ALTDMA_TO_DEVICE, 0);
	altdma_u64 n = 0;
	EXPECT_STREQ(name(only_finding(&n)), "not_mapped");
	EXPECT_EQ(n, 1u);
	EXPECT_TRUE(logged("not_mapped: unmap of DMA address 0x12345000 (4096 bytes): nothing is mapped there"))
		<< dev_.dump_log();
	ASSERT_EQ(dev_.trace.size(), 1u);
	EXPECT_EQ(dev_.trace[0].check, "not_mapped");
	EXPECT_EQ(dev_.trace[0].op, "unmap");
	EXPECT_EQ(dev_.trace[0].dma, 0x12345000u);
	EXPECT_EQ(dev_.trace[0].size, 4096u);
}

TEST_F(Checker, ASecondUnmapSaysAlreadyUnmappedWithTheMappingsStack)
{
	create_checked();
	fake::FakePlatform::set_thread_stack(11);
	altdma_dma_t dma = map(kDma32Ram + 0x3000, 2048);
	fake::FakePlatform::set_thread_stack(22);
	altdma_core_unmap_phys(core_, dma, 2048, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(only_finding(), -1);
	fake::FakePlatform::set_thread_stack(33);
	altdma_core_unmap_phys(core_, dma, 2048, ALTDMA_TO_DEVICE, 0);
	EXPECT_STREQ(name(only_finding()), "not_mapped");
	EXPECT_TRUE(logged("already unmapped (a single mapping of 2048 bytes)"))
		<< dev_.dump_log();
	EXPECT_EQ(dev_.stacks_logged, (std::vector<altdma_u32>{ 11 }))
		<< "the first unmap's stack is not saved (it costs more than its checks)";
}

TEST_F(Checker, KeepsTheLastReportsWithTheirStacksAlsoWhenRateLimited)
{
	create_checked();
	altdma_core_check_report r[ALTDMA_CORE_CHECK_REPORTS + 4] = {};
	EXPECT_EQ(altdma_core_check_reports(core_, r, 4), 0);

	fake::FakePlatform::set_thread_stack(11);
	altdma_dma_t dma = map(kDma32Ram + 0x3000, 2048);
	fake::FakePlatform::set_thread_stack(22);
	altdma_core_unmap_phys(core_, dma, 2048, ALTDMA_TO_DEVICE, 0);
	fake::FakePlatform::set_thread_stack(33);
	altdma_core_unmap_phys(core_, dma, 2048, ALTDMA_TO_DEVICE, 0);
	ASSERT_EQ(altdma_core_check_reports(core_, r, 4), 1);
	EXPECT_EQ(r[0].seq, 1u);
	EXPECT_EQ(r[0].cls, static_cast<altdma_u32>(ALTDMA_CHECK_NOT_MAPPED));
	EXPECT_EQ(r[0].flags, ALTDMA_CORE_CHECK_REPORT_MAP_STACK);
	EXPECT_EQ(r[0].map_stack, 11u);
	EXPECT_EQ(r[0].other_stack, 33u) << "the reporting call's";
	EXPECT_EQ(std::string(r[0].text),
		  "not_mapped: unmap of DMA address 0x" + hex(dma) +
			  " (2048 bytes): already unmapped (a single mapping of 2048 bytes)");

	// 40 more: the log stops at 10 per class, the reports do not; the
	// oldest fall out, the rest come oldest first.
	for (int i = 0; i < 40; i++) {
		fake::FakePlatform::set_thread_stack(100 + i);
		altdma_core_unmap_phys(core_, 0x100000 + 0x1000ull * i, 64,
				       ALTDMA_TO_DEVICE, 0);
	}
	long n = altdma_core_check_reports(core_, r, ALTDMA_CORE_CHECK_REPORTS + 4);
	ASSERT_EQ(n, ALTDMA_CORE_CHECK_REPORTS);
	for (long i = 0; i < n; i++) {
		altdma_u64 want = 41 - ALTDMA_CORE_CHECK_REPORTS + 1 + i;
		int op = static_cast<int>(want) - 2;

		EXPECT_EQ(r[i].seq, want);
		EXPECT_EQ(r[i].flags, 0u) << "never mapped: no mapping's stack";
		EXPECT_EQ(r[i].other_stack, static_cast<altdma_u32>(100 + op));
		EXPECT_EQ(std::string(r[i].text),
			  "not_mapped: unmap of DMA address 0x" +
				  hex(0x100000 + 0x1000ull * op) +
				  " (64 bytes): nothing is mapped there");
	}
	ASSERT_EQ(altdma_core_check_reports(core_, r, 2), 2);
	EXPECT_EQ(r[1].seq, 41u) << "the newest last";
}

TEST_F(Checker, UnmapWithAnotherSizeDirectionOrKind)
{
	create_checked();
	fake::FakePlatform::set_thread_stack(5);
	altdma_dma_t dma = map(kDma32Ram, 4096, ALTDMA_FROM_DEVICE);
	altdma_core_unmap_phys(core_, dma, 2048, ALTDMA_FROM_DEVICE, 0);
	EXPECT_STREQ(name(only_finding()), "wrong_size");
	EXPECT_TRUE(logged("wrong_size: unmap of DMA address 0x40000000 with size 2048, mapped with size 4096 (FROM_DEVICE)"))
		<< dev_.dump_log();
	EXPECT_EQ(dev_.stacks_logged, (std::vector<altdma_u32>{ 5 }));
	EXPECT_EQ(counts().live, 0u) << "the unmap still happened";

	dma = map(kDma32Ram, 4096, ALTDMA_FROM_DEVICE);
	altdma_core_unmap_phys(core_, dma, 4096, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_WRONG_DIRECTION], 1u);
	EXPECT_TRUE(logged("with direction TO_DEVICE, mapped FROM_DEVICE")) << dev_.dump_log();

	// A coherent allocation unmapped as a streaming mapping, and back.
	altdma_phys_t phys;
	altdma_dma_t coh;
	ASSERT_EQ(altdma_core_alloc(core_, 4096, 0, 0, &phys, &coh), 0);
	altdma_core_unmap_phys(core_, coh, 4096, ALTDMA_DIR_NONE, 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_WRONG_KIND], 1u);
	EXPECT_TRUE(logged("which is a coherent mapping of 4096 bytes, not a single one")) << dev_.dump_log();
	altdma_core_free(core_, 4096, coh, 0);	// after the wrong unmap: not mapped
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_NOT_MAPPED], 1u);

	// (Freed as pages: the policy frees both alike, so the memory goes.)
	ASSERT_EQ(altdma_core_alloc(core_, 8192, 0, 0, &phys, &coh), 0);
	altdma_core_free_pages(core_, 8192, coh, ALTDMA_DIR_NONE);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_WRONG_KIND], 2u);
	EXPECT_TRUE(logged("free_pages of DMA address 0x" + hex(coh) +
			   ", which is a coherent mapping of 8192 bytes, not a pages one"))
		<< dev_.dump_log();
	EXPECT_EQ(counts().live, 0u);
}

TEST_F(Checker, SyncsOutsideOrAgainstTheMapping)
{
	create_checked();
	altdma_dma_t to_dev = map(kDma32Ram, 4096, ALTDMA_TO_DEVICE);
	altdma_dma_t from_dev = map(kDma32Ram + 0x10000, 4096, ALTDMA_FROM_DEVICE);

	altdma_core_sync_single_for_device(core_, to_dev + 4000, 200, ALTDMA_TO_DEVICE);
	EXPECT_STREQ(name(only_finding()), "sync_range");
	EXPECT_TRUE(logged("sync_range: sync_single_for_device of DMA address 0x40000fa0+200 reaches past its mapping 0x40000000+4096"))
		<< dev_.dump_log();

	altdma_core_sync_single_for_cpu(core_, to_dev, 64, ALTDMA_TO_DEVICE);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_SYNC_DIRECTION], 1u);
	EXPECT_TRUE(logged("for the CPU of a TO_DEVICE mapping")) << dev_.dump_log();
	// Legal, as in dma-debug: a FROM_DEVICE buffer handed back to the
	// device (page_pool), a BIDIRECTIONAL mapping synced either way.
	altdma_dma_t bidi = map(kDma32Ram + 0x20000, 4096, ALTDMA_BIDIRECTIONAL);
	altdma_core_sync_single_for_device(core_, from_dev + 64, 64, ALTDMA_FROM_DEVICE);
	altdma_core_sync_single_for_cpu(core_, bidi, 64, ALTDMA_FROM_DEVICE);
	altdma_core_sync_single_for_device(core_, bidi, 64, ALTDMA_TO_DEVICE);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_SYNC_DIRECTION], 1u) << dev_.dump_log();
	altdma_core_unmap_phys(core_, bidi, 4096, ALTDMA_BIDIRECTIONAL, 0);
	altdma_core_sync_single_for_cpu(core_, from_dev, 64, ALTDMA_BIDIRECTIONAL);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_SYNC_DIRECTION], 2u);
	EXPECT_TRUE(logged("with another direction than its mapping (synced BIDIRECTIONAL, mapped FROM_DEVICE)"))
		<< dev_.dump_log();

	// Inside a mapping, deep past its first page: found, nothing wrong.
	altdma_core_sync_single_for_cpu(core_, from_dev + 4095, 1, ALTDMA_FROM_DEVICE);
	altdma_core_sync_single_for_cpu(core_, from_dev + 4096, 1, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_NOT_MAPPED], 1u) << "one past the end";
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_SYNC_DIRECTION], 2u);

	altdma_core_unmap_phys(core_, to_dev, 4096, ALTDMA_TO_DEVICE, 0);
	altdma_core_unmap_phys(core_, from_dev, 4096, ALTDMA_FROM_DEVICE, 0);
}

TEST_F(Checker, LargeMappingsAreFoundFromAnyAddressInside)
{
	create_checked();
	// Larger than the table's buckets span: every bucket is looked at.
	altdma_dma_t big = map(kDma32Ram, 2 * MiB, ALTDMA_FROM_DEVICE);
	altdma_core_sync_single_for_cpu(core_, big + 2 * MiB - 100, 100, ALTDMA_FROM_DEVICE);
	altdma_core_sync_single_for_cpu(core_, big + 1 * MiB + 3, 100, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(only_finding(), -1) << dev_.dump_log();
	altdma_core_unmap_phys(core_, big, 2 * MiB, ALTDMA_FROM_DEVICE, 0);
}

TEST_F(Checker, UnmapSgWithAnotherNentsOrList)
{
	create_checked();
	fake::FakePlatform::set_thread_stack(7);
	fake::SgChain sg({ { kDma32Ram, 4096 }, { kDma32Ram + 0x4000, 4096 }, { kDma32Ram + 0x8000, 512 } });
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 3, ALTDMA_TO_DEVICE, 0), 3);
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0);
	altdma_u64 n = 0;
	EXPECT_STREQ(name(only_finding(&n)), "sg_mismatch");
	EXPECT_EQ(n, 1u) << "one finding per list";
	EXPECT_TRUE(logged("sg_mismatch: unmap_sg of DMA address 0x40000000 with nents 2, mapped with nents 3"))
		<< dev_.dump_log();
	EXPECT_EQ(dev_.stacks_logged.back(), 7u);
	EXPECT_EQ(counts().live, 1u) << "the third entry stays mapped";

	// Another list naming the same addresses.
	fake::SgChain other({ { kDma32Ram + 0x10000, 4096 } });
	ASSERT_EQ(altdma_core_map_sg(core_, other.head(), 1, ALTDMA_FROM_DEVICE, 0), 1);
	fake::SgChain copy({ { kDma32Ram + 0x10000, 4096 } });
	copy[0].dma_address = other[0].dma_address;
	copy[0].dma_length = other[0].dma_length;
	altdma_core_unmap_sg(core_, copy.head(), 1, ALTDMA_FROM_DEVICE, 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_SG_MISMATCH], 2u);
	EXPECT_TRUE(logged("with another scatterlist than the one mapped")) << dev_.dump_log();

	// The left-over entry, unmapped as a single mapping: a kind mismatch.
	altdma_core_unmap_phys(core_, sg[2].dma_address, 512, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_WRONG_KIND], 1u);
	EXPECT_EQ(counts().live, 0u);
}

TEST_F(Checker, SegmentsLongerThanTheDeviceTakesOrAcrossItsBoundary)
{
	dev_.limits.max_segment_size = 8192;
	dev_.limits.segment_boundary = 0xffff;
	create_checked();
	fake::SgChain sg({ { kDma32Ram, 4096 }, { kDma32Ram + 0x10000, 16384 } });
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 2)
		<< "a finding does not refuse the map";
	EXPECT_STREQ(name(only_finding()), "sg_segment");
	EXPECT_TRUE(logged("sg_segment: map_sg entry 1 at DMA address 0x40010000 is 16384 bytes, longer than the device's max_segment_size 8192"))
		<< dev_.dump_log();
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0);

	fake::SgChain across({ { kDma32Ram + 0xf000, 8192 } });
	ASSERT_EQ(altdma_core_map_sg(core_, across.head(), 1, ALTDMA_TO_DEVICE, 0), 1);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_SG_SEGMENT], 2u);
	EXPECT_TRUE(logged("map_sg entry 0 at DMA address 0x4000f000-0x40010fff crosses the device's segment boundary (mask 0xffff)"))
		<< dev_.dump_log();
	altdma_core_unmap_sg(core_, across.head(), 1, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(counts().live, 0u);
}

TEST_F(Checker, OutstandingMappingsGroupByStackKindDirectionAndSize)
{
	create_checked();
	std::vector<altdma_dma_t> rx, tx;
	fake::FakePlatform::set_thread_stack(5);
	for (int i = 0; i < 37; i++)
		rx.push_back(map(kDma32Ram + 0x1000ull * i, 4096, ALTDMA_FROM_DEVICE));
	fake::FakePlatform::set_thread_stack(9);
	for (int i = 0; i < 3; i++)
		tx.push_back(map(kDma32Ram + 0x100000 + 0x1000ull * i, 512, ALTDMA_TO_DEVICE));
	fake::FakePlatform::set_thread_stack(13);
	altdma_phys_t phys;
	altdma_dma_t coh;
	ASSERT_EQ(altdma_core_alloc(core_, 8192, 0, 0, &phys, &coh), 0);

	altdma_core_check_group g[4] = {};
	ASSERT_EQ(altdma_core_check_outstanding(core_, g, 2, 0), 3) << "all groups counted";
	EXPECT_EQ(g[0].count, 37u);
	EXPECT_EQ(g[0].size, 4096u);
	EXPECT_EQ(g[0].dir, static_cast<altdma_u32>(ALTDMA_FROM_DEVICE));
	EXPECT_EQ(g[0].stack, 5u);
	EXPECT_STREQ(g[0].kind, "single");
	EXPECT_EQ(g[0].first_dma, kDma32Ram);
	EXPECT_EQ(g[1].count, 3u);
	EXPECT_EQ(g[1].stack, 9u);
	EXPECT_EQ(g[2].count, 0u) << "only @max filled";
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_LEAK], 0u) << "a listing is not a leak";

	ASSERT_EQ(altdma_core_check_outstanding(core_, g, 4, 1), 3);
	EXPECT_EQ(g[2].count, 1u);
	EXPECT_STREQ(g[2].kind, "coherent");
	EXPECT_EQ(g[2].stack, 13u);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_LEAK], 41u);
	// A later unbind lists them again (still live) and counts only new ones.
	altdma_dma_t late = map(kDma32Ram + 0x200000, 64, ALTDMA_TO_DEVICE);
	ASSERT_EQ(altdma_core_check_outstanding(core_, g, 4, 1), 4);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_LEAK], 42u);
	altdma_core_unmap_phys(core_, late, 64, ALTDMA_TO_DEVICE, 0);

	for (altdma_dma_t d : rx)
		altdma_core_unmap_phys(core_, d, 4096, ALTDMA_FROM_DEVICE, 0);
	for (altdma_dma_t d : tx)
		altdma_core_unmap_phys(core_, d, 512, ALTDMA_TO_DEVICE, 0);
	altdma_core_free(core_, 8192, coh, 0);
	EXPECT_EQ(altdma_core_check_outstanding(core_, g, 4, 1), 0);
}

TEST_F(Checker, OnlyTheChosenClassesAreChecked)
{
	create_checked(ALTDMA_POLICY_DIRECT, 1u << ALTDMA_CHECK_WRONG_SIZE);
	altdma_core_unmap_phys(core_, 0x7000, 64, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(only_finding(), -1);
	altdma_dma_t dma = map(kDma32Ram, 4096);
	altdma_core_unmap_phys(core_, dma, 100, ALTDMA_FROM_DEVICE, 0);
	EXPECT_STREQ(name(only_finding()), "wrong_size");
}

TEST_F(Checker, MessagesAreRateLimitedPerClassCountersAreNot)
{
	create_checked();
	for (int i = 0; i < 15; i++)
		altdma_core_unmap_phys(core_, 0x100000 + 0x1000ull * i, 64, ALTDMA_TO_DEVICE, 0);
	altdma_dma_t dma = map(kDma32Ram, 4096);
	altdma_core_unmap_phys(core_, dma, 100, ALTDMA_TO_DEVICE, 0);
	altdma_core_check_stats s = counts();
	EXPECT_EQ(s.findings[ALTDMA_CHECK_NOT_MAPPED], 15u);
	EXPECT_EQ(s.findings[ALTDMA_CHECK_WRONG_SIZE], 1u);
	int not_mapped = 0;
	for (const fake::LogEntry &e : dev_.log)
		not_mapped += e.text.find("not_mapped:") != std::string::npos;
	EXPECT_EQ(not_mapped, 10);
	EXPECT_TRUE(logged("wrong_size:")) << "another class has its own limit";
	EXPECT_EQ(dev_.trace.size(), 16u) << "every finding is traced";
}

TEST_F(Checker, FindingsChangeNothingUnderTheBouncePolicy)
{
	altdma_core_config cfg = config(ALTDMA_POLICY_BOUNCE);
	cfg.flags = ALTDMA_FLAG_CHECKS | ALTDMA_BOUNCE_FORCE;
	ASSERT_EQ(altdma_core_create(dev_.plat(), &cfg, &core_), 0) << dev_.dump_log();
	std::uint8_t *buf = plat().reserve(kNormalRam, 1 * MiB, 0x11);
	ASSERT_NE(buf, nullptr);
	altdma_dma_t dma = map(kNormalRam, 4096, ALTDMA_FROM_DEVICE);
	ASSERT_NE(dma, kNormalRam) << "bounced";
	altdma_core_stats st;
	altdma_core_get_stats(core_, &st);
	EXPECT_EQ(st.outstanding_bounces, 1u);
	// A wrong direction on unmap: reported, and the bounce pool still
	// frees the slot (the policy does what it would without the checker).
	altdma_core_unmap_phys(core_, dma, 4096, ALTDMA_BIDIRECTIONAL, 0);
	EXPECT_STREQ(name(only_finding()), "wrong_direction");
	altdma_core_get_stats(core_, &st);
	EXPECT_EQ(st.outstanding_bounces, 0u);
}

TEST_F(Checker, WithoutMemoryForEntriesMappingsGoUntrackedAndTheRestAreChecked)
{
	create_checked();
	std::vector<altdma_dma_t> held;
	// The reserve first, then entries from the platform; then none.
	for (altdma_u32 i = 0; i < 300; i++)
		held.push_back(map(kDma32Ram + 0x1000ull * i, 64));
	plat().fail_all_allocs(true);
	altdma_dma_t lost = map(kDma32Ram + 0x200000, 64);
	plat().fail_all_allocs(false);
	EXPECT_EQ(counts().untracked, 1u);
	EXPECT_TRUE(logged("checker: no memory for its table")) << dev_.dump_log();
	// Its unmap finds nothing, and is not a finding: it was untracked.
	altdma_core_unmap_phys(core_, lost, 64, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(only_finding(), -1);
	// The others are still checked.
	altdma_core_unmap_phys(core_, held[0], 32, ALTDMA_TO_DEVICE, 0);
	EXPECT_STREQ(name(only_finding()), "wrong_size");
	for (std::size_t i = 1; i < held.size(); i++)
		altdma_core_unmap_phys(core_, held[i], 64, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(counts().live, 0u);
	// With no untracked mapping left, an unknown address is a finding again.
	altdma_core_unmap_phys(core_, lost, 64, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_NOT_MAPPED], 1u);
}

// Maps in atomic context cannot wait for memory: the reserves made at
// create hold them, one CPU taking from the others' once its own is empty.
TEST_F(Checker, WithNoMemoryLeftMapsDrawOnThePerCpuReservesOfEveryCpu)
{
	create_checked();
	plat().fail_all_allocs(true);
	plat().set_thread_cpu(1);
	std::vector<altdma_dma_t> held;
	for (altdma_u32 i = 0; i < 256; i++)
		held.push_back(map(kDma32Ram + 0x1000ull * i, 64));
	EXPECT_EQ(counts().untracked, 0u) << "256 reserve entries over " << plat().nr_cpus << " CPUs";
	altdma_dma_t lost = map(kDma32Ram + 0x200000, 64);
	EXPECT_EQ(counts().untracked, 1u);
	plat().fail_all_allocs(false);
	altdma_core_unmap_phys(core_, lost, 64, ALTDMA_TO_DEVICE, 0);
	for (altdma_dma_t dma : held)
		altdma_core_unmap_phys(core_, dma, 64, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(only_finding(), -1);
	EXPECT_EQ(counts().live, 0u);
}

TEST_F(Checker, MapsUnmapsAndSyncsFromSeveralThreadsFindNothing)
{
	create_checked();
	constexpr int kThreads = 4, kRounds = 2000;
	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; t++) {
		threads.emplace_back([this, t] {
			plat().set_thread_cpu(t);
			for (int i = 0; i < kRounds; i++) {
				altdma_phys_t phys = kDma32Ram + 0x100000ull * t + 0x1000ull * (i % 64);
				altdma_dma_t dma = altdma_core_map_phys(core_, phys, 4096,
									ALTDMA_FROM_DEVICE, 0);
				altdma_core_sync_single_for_cpu(core_, dma + 100, 100, ALTDMA_FROM_DEVICE);
				altdma_core_unmap_phys(core_, dma, 4096, ALTDMA_FROM_DEVICE, 0);
			}
		});
	}
	for (std::thread &th : threads)
		th.join();
	EXPECT_EQ(only_finding(), -1) << dev_.dump_log();
	EXPECT_EQ(counts().live, 0u);
}

TEST_F(Checker, OverlappingMappingsWithAWriterAreReportedReadOnlyOnesAreNot)
{
	create_checked();
	altdma_dma_t a = map(kDma32Ram, 4096, ALTDMA_TO_DEVICE);
	altdma_dma_t a2 = map(kDma32Ram, 4096, ALTDMA_TO_DEVICE);
	altdma_dma_t b = map(kDma32Ram + 4096, 4096, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(only_finding(), -1) << "identical read-only and adjacent mappings are legal";

	// 100 bytes of a's page written by the device while a is mapped.
	altdma_dma_t c = map(kDma32Ram + 3900, 100, ALTDMA_FROM_DEVICE);
	altdma_u64 n = 0;
	EXPECT_STREQ(name(only_finding(&n)), "overlap");
	EXPECT_EQ(n, 1u) << "one report for the mapping, however many it overlaps";
	EXPECT_TRUE(logged("overlap: map of memory 0x" ) && logged("+100 FROM_DEVICE"))
		<< dev_.dump_log();
	EXPECT_TRUE(logged("checker:   it was mapped at:")) << "the other mapping's stack";

	// With SKIP_CPU_SYNC the driver shares the page knowingly: as dma-debug.
	altdma_dma_t d = altdma_core_map_phys(core_, kDma32Ram + 8, 8, ALTDMA_FROM_DEVICE,
					      ALTDMA_ATTR_SKIP_CPU_SYNC);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_OVERLAP], 1u);
	altdma_core_unmap_phys(core_, d, 8, ALTDMA_FROM_DEVICE, ALTDMA_ATTR_SKIP_CPU_SYNC);

	// Unmapped entries leave the memory index.
	altdma_core_unmap_phys(core_, c, 100, ALTDMA_FROM_DEVICE, 0);
	altdma_core_unmap_phys(core_, a, 4096, ALTDMA_TO_DEVICE, 0);
	altdma_core_unmap_phys(core_, a2, 4096, ALTDMA_TO_DEVICE, 0);
	c = map(kDma32Ram + 3900, 100, ALTDMA_FROM_DEVICE);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_OVERLAP], 1u);
	altdma_core_unmap_phys(core_, c, 100, ALTDMA_FROM_DEVICE, 0);
	altdma_core_unmap_phys(core_, b, 4096, ALTDMA_FROM_DEVICE, 0);
	EXPECT_EQ(counts().live, 0u);
}

TEST_F(Checker, OverlapsAreFoundFromAMappingStartingPagesEarlierAndWithCoherentMemory)
{
	create_checked();
	altdma_dma_t big = map(kDma32Ram, 64 * 4096, ALTDMA_TO_DEVICE);
	altdma_dma_t in = map(kDma32Ram + 50 * 4096 + 12, 64, ALTDMA_BIDIRECTIONAL);
	EXPECT_STREQ(name(only_finding()), "overlap");
	altdma_core_unmap_phys(core_, in, 64, ALTDMA_BIDIRECTIONAL, 0);
	altdma_core_unmap_phys(core_, big, 64 * 4096, ALTDMA_TO_DEVICE, 0);

	altdma_phys_t phys;
	altdma_dma_t coh;
	ASSERT_EQ(altdma_core_alloc(core_, 8192, 0, 0, &phys, &coh), 0);
	altdma_dma_t s = map(phys + 4096, 16, ALTDMA_TO_DEVICE);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_OVERLAP], 2u)
		<< "the device writes coherent memory whenever it likes";
	altdma_core_unmap_phys(core_, s, 16, ALTDMA_TO_DEVICE, 0);
	altdma_core_free(core_, 8192, coh, 0);
	// Resources are the device's own registers, never RAM: not indexed.
	altdma_dma_t r = altdma_core_map_resource(core_, 0xfe000000ull, 64, ALTDMA_FROM_DEVICE, 0);
	altdma_dma_t r2 = altdma_core_map_resource(core_, 0xfe000000ull, 64, ALTDMA_FROM_DEVICE, 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_OVERLAP], 2u);
	altdma_core_unmap_resource(core_, r, 64, ALTDMA_FROM_DEVICE, 0);
	altdma_core_unmap_resource(core_, r2, 64, ALTDMA_FROM_DEVICE, 0);
}

TEST_F(Checker, TheDataChecksAreOptInAndFindACpuWriteToAMappedToDeviceBuffer)
{
	create_checked();
	std::uint8_t *buf = plat().reserve(kNormalRam, 1 * MiB, 0x5a);
	ASSERT_NE(buf, nullptr);
	altdma_dma_t dma = map(kNormalRam, 4096, ALTDMA_TO_DEVICE);
	buf[100] ^= 1;
	altdma_core_unmap_phys(core_, dma, 4096, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(only_finding(), -1) << "not in the default set";
	destroy();

	create_checked(ALTDMA_POLICY_DIRECT,
		       ALTDMA_CHECK_DEFAULT | (1u << ALTDMA_CHECK_CPU_WROTE_TO_DEVICE_BUFFER));
	dma = map(kNormalRam, 4096, ALTDMA_TO_DEVICE);
	buf[4095] ^= 0x80;
	altdma_core_unmap_phys(core_, dma, 4096, ALTDMA_TO_DEVICE, 0);
	EXPECT_STREQ(name(only_finding()), "cpu_wrote_to_device_buffer");
	EXPECT_TRUE(logged("cpu_wrote_to_device_buffer: unmap of DMA address")) << dev_.dump_log();

	// A write followed by a sync for the device is the API's way.
	dma = map(kNormalRam, 4096, ALTDMA_TO_DEVICE);
	buf[7] ^= 1;
	altdma_core_sync_single_for_device(core_, dma, 4096, ALTDMA_TO_DEVICE);
	altdma_core_unmap_phys(core_, dma, 4096, ALTDMA_TO_DEVICE, 0);
	// So is writing a FROM_DEVICE buffer (the device will overwrite it).
	dma = map(kNormalRam, 4096, ALTDMA_FROM_DEVICE);
	buf[9] ^= 1;
	altdma_core_unmap_phys(core_, dma, 4096, ALTDMA_FROM_DEVICE, 0);
	// An sg entry is checked as a single mapping is.
	fake::SgChain sg({ { kNormalRam + 0x10000, 512 }, { kNormalRam + 0x20000, 4096 } });
	ASSERT_EQ(altdma_core_map_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0), 2);
	buf[0x20000 + 300] ^= 1;
	altdma_core_unmap_sg(core_, sg.head(), 2, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_CPU_WROTE_TO_DEVICE_BUFFER], 2u) << dev_.dump_log();
}

TEST_F(Checker, UnderBounceADeviceWriteIntoAToDeviceSlotIsFound)
{
	ASSERT_NO_FATAL_FAILURE(create_checked(
		ALTDMA_POLICY_BOUNCE, ALTDMA_CHECK_DEFAULT | ALTDMA_CHECK_OPT_IN, ALTDMA_BOUNCE_FORCE));
	std::uint8_t *buf = plat().reserve(kNormalRam, 1 * MiB, 0x11);
	ASSERT_NE(buf, nullptr);

	altdma_dma_t dma = map(kNormalRam, 3000, ALTDMA_TO_DEVICE);
	ASSERT_NE(dma, kNormalRam) << "bounced";
	std::uint8_t *slot = plat().virt(dma);
	ASSERT_NE(slot, nullptr);
	ASSERT_EQ(slot[5], 0x11) << "the slot holds the copy";
	altdma_core_unmap_phys(core_, dma, 3000, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(only_finding(), -1) << "the device only read";

	dma = map(kNormalRam, 3000, ALTDMA_TO_DEVICE);
	slot = plat().virt(dma);
	slot[2999] = 0xee;
	altdma_core_unmap_phys(core_, dma, 3000, ALTDMA_TO_DEVICE, 0);
	EXPECT_STREQ(name(only_finding()), "device_wrote_to_device_buffer");
	EXPECT_TRUE(logged("the device wrote into its bounce slot")) << dev_.dump_log();
	EXPECT_EQ(buf[2999], 0x11) << "a TO_DEVICE unmap copies nothing back";

	// Found at a sync for the device too, before the slot is refilled.
	dma = map(kNormalRam, 3000, ALTDMA_TO_DEVICE);
	plat().virt(dma)[0] = 0xee;
	altdma_core_sync_single_for_device(core_, dma, 3000, ALTDMA_TO_DEVICE);
	altdma_core_unmap_phys(core_, dma, 3000, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_DEVICE_WROTE_TO_DEVICE_BUFFER], 2u);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_CPU_WROTE_TO_DEVICE_BUFFER], 0u);
}

class CheckerQuarantine : public Checker {
protected:
	void SetUp() override
	{
		Checker::SetUp();
		ASSERT_NO_FATAL_FAILURE(create_checked(
			ALTDMA_POLICY_BOUNCE, ALTDMA_CHECK_DEFAULT | (1u << ALTDMA_CHECK_DMA_AFTER_UNMAP), ALTDMA_BOUNCE_FORCE));
		buf_ = plat().reserve(kNormalRam, 1 * MiB, 0x11);
		ASSERT_NE(buf_, nullptr);
	}
	altdma_u64 outstanding()
	{
		altdma_core_stats st;
		altdma_core_get_stats(core_, &st);
		return st.outstanding_bounces;
	}
	std::uint8_t *buf_ = nullptr;
};

TEST_F(CheckerQuarantine, ADeviceWriteAfterUnmapIsFoundWithTheOffsetAndTheMappingsStack)
{
	fake::FakePlatform::set_thread_stack(41);
	altdma_dma_t dma = map(kNormalRam, 3000, ALTDMA_FROM_DEVICE);
	fake::FakePlatform::set_thread_stack(42);
	std::uint8_t *slot = plat().virt(dma);
	ASSERT_NE(slot, nullptr);
	std::memset(slot, 0x22, 3000);	// the device's data
	altdma_core_unmap_phys(core_, dma, 3000, ALTDMA_FROM_DEVICE, 0);
	EXPECT_EQ(buf_[2999], 0x22) << "copied back before the quarantine";
	EXPECT_EQ(slot[0], 0x6b) << "the freed slot holds the pattern";
	EXPECT_EQ(slot[2999], 0x6b);
	// The map right after gets another slot: the unmapped one is held.
	altdma_dma_t next = map(kNormalRam + 0x10000, 3000, ALTDMA_FROM_DEVICE);
	EXPECT_NE(next, dma);
	altdma_core_unmap_phys(core_, next, 3000, ALTDMA_FROM_DEVICE, 0);

	slot[1234] = 0;			// a late device write through the old address
	EXPECT_EQ(only_finding(), -1) << "found when the slot leaves the quarantine";
	EXPECT_EQ(outstanding(), 0u) << "stats let the quarantine go first";
	altdma_u64 n = 0;
	EXPECT_STREQ(name(only_finding(&n)), "dma_after_unmap");
	EXPECT_EQ(n, 1u);
	char want[128];
	std::snprintf(want, sizeof(want),
		      "dma_after_unmap: the device wrote DMA address %#llx after its unmap: byte 1234 of a 3000-byte bounced mapping at %#llx",
		      static_cast<unsigned long long>(dma + 1234),
		      static_cast<unsigned long long>(dma));
	EXPECT_TRUE(logged(want)) << dev_.dump_log();
	EXPECT_TRUE(logged("checker:   it was mapped at:")) << "the old mapping's stack";
	altdma_core_check_report r[2] = {};
	ASSERT_EQ(altdma_core_check_reports(core_, r, 2), 1);
	EXPECT_EQ(r[0].flags, ALTDMA_CORE_CHECK_REPORT_MAP_STACK);
	EXPECT_EQ(r[0].map_stack, 41u);
}

TEST_F(CheckerQuarantine, TheQuarantineNeverFailsAMapThatWouldSucceedWithoutIt)
{
	altdma_core_stats st;
	altdma_core_get_stats(core_, &st);
	// Map and unmap more than the pool holds, one mapping at a time, and
	// then fill the pool whole while slots are quarantined.
	const altdma_u64 chunk = 64 * 1024;
	for (altdma_u64 i = 0; i < 2 * st.pool_size / chunk; i++) {
		altdma_dma_t dma = map(kNormalRam, chunk, ALTDMA_TO_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << i << dev_.dump_log();
		altdma_core_unmap_phys(core_, dma, chunk, ALTDMA_TO_DEVICE, 0);
	}
	std::vector<altdma_dma_t> held;
	for (altdma_u64 i = 0; i < st.pool_size / chunk; i++) {
		altdma_dma_t dma = map(kNormalRam, chunk, ALTDMA_TO_DEVICE);
		ASSERT_NE(dma, ALTDMA_MAPPING_ERROR) << i << " of a full pool" << dev_.dump_log();
		held.push_back(dma);
	}
	for (altdma_dma_t dma : held)
		altdma_core_unmap_phys(core_, dma, chunk, ALTDMA_TO_DEVICE, 0);
	EXPECT_EQ(only_finding(), -1) << dev_.dump_log();
	EXPECT_EQ(outstanding(), 0u);
}

TEST_F(CheckerQuarantine, AQuarantinedSlotIsNoMappingToUnmapOrSync)
{
	altdma_dma_t dma = map(kNormalRam, 2048, ALTDMA_FROM_DEVICE);
	altdma_core_unmap_phys(core_, dma, 2048, ALTDMA_FROM_DEVICE, 0);
	std::memset(buf_, 0x33, 2048);		// the driver reuses its buffer
	altdma_core_sync_single_for_cpu(core_, dma, 2048, ALTDMA_FROM_DEVICE);
	altdma_core_unmap_phys(core_, dma, 2048, ALTDMA_FROM_DEVICE, 0);
	EXPECT_EQ(buf_[0], 0x33) << "no pattern copied back into the freed buffer";
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_NOT_MAPPED], 2u);
	EXPECT_TRUE(logged("no bounce mapping there (unmapped, its slot in the quarantine)"))
		<< dev_.dump_log();
	// Nothing blamed on the device, the slot held once and released once.
	EXPECT_EQ(outstanding(), 0u);
	EXPECT_EQ(counts().findings[ALTDMA_CHECK_DMA_AFTER_UNMAP], 0u);
	altdma_dma_t again = map(kNormalRam, 2048, ALTDMA_FROM_DEVICE);
	altdma_dma_t other = map(kNormalRam + 0x10000, 2048, ALTDMA_FROM_DEVICE);
	EXPECT_NE(again, other);
	altdma_core_unmap_phys(core_, again, 2048, ALTDMA_FROM_DEVICE, 0);
	altdma_core_unmap_phys(core_, other, 2048, ALTDMA_FROM_DEVICE, 0);
	EXPECT_EQ(outstanding(), 0u);
}

TEST_F(CheckerQuarantine, SlotsStillHeldAtDestroyAreCheckedToo)
{
	altdma_dma_t dma = map(kNormalRam, 512, ALTDMA_BIDIRECTIONAL);
	altdma_core_unmap_phys(core_, dma, 512, ALTDMA_BIDIRECTIONAL, 0);
	plat().virt(dma)[0] = 1;
	destroy();
	EXPECT_TRUE(logged("dma_after_unmap: the device wrote DMA address")) << dev_.dump_log();
}

TEST_F(Checker, UnderBounceWithEveryCheckSeveralThreadsFindNothing)
{
	ASSERT_NO_FATAL_FAILURE(create_checked(
		ALTDMA_POLICY_BOUNCE, ALTDMA_CHECK_DEFAULT | ALTDMA_CHECK_OPT_IN, ALTDMA_BOUNCE_FORCE));
	ASSERT_NE(plat().reserve(kNormalRam, 4 * MiB, 0x11), nullptr);
	constexpr int kThreads = 4, kRounds = 1500;
	std::vector<std::thread> threads;
	// As from interrupt handlers: nothing may sleep for memory.
	plat().atomic_context = true;
	for (int t = 0; t < kThreads; t++) {
		threads.emplace_back([this, t] {
			plat().set_thread_cpu(t);
			for (int i = 0; i < kRounds; i++) {
				altdma_phys_t phys = kNormalRam + 0x100000ull * t + 0x1000ull * (i % 64);
				altdma_dir dir = i % 2 ? ALTDMA_TO_DEVICE : ALTDMA_FROM_DEVICE;
				altdma_dma_t dma = altdma_core_map_phys(core_, phys, 3000, dir, 0);
				if (dir == ALTDMA_TO_DEVICE)
					altdma_core_sync_single_for_device(core_, dma, 3000, dir);
				else
					altdma_core_sync_single_for_cpu(core_, dma, 3000, dir);
				altdma_core_unmap_phys(core_, dma, 3000, dir, 0);
			}
		});
	}
	for (std::thread &th : threads)
		th.join();
	plat().atomic_context = false;
	altdma_core_stats st;
	altdma_core_get_stats(core_, &st);
	EXPECT_EQ(st.outstanding_bounces, 0u);
	EXPECT_EQ(only_finding(), -1) << dev_.dump_log();
	EXPECT_EQ(counts().live, 0u);
}

// A random workload of right and wrong calls; the model below decides,
// independently of the checker's code, what each call should find.
TEST_F(Checker, RandomWorkloadFindingsEqualAModel)
{
	create_checked();
	struct Live {
		altdma_u64 size;
		altdma_dir dir;
		bool coherent;
	};
	std::map<altdma_dma_t, Live> live;	// the model: one mapping per address
	std::map<altdma_dma_t, Live> gone;	// unmapped, not remapped since
	altdma_u64 want[ALTDMA_CHECK_CLASS_COUNT] = {};
	std::mt19937_64 rng(12345);
	const altdma_dir dirs[3] = { ALTDMA_BIDIRECTIONAL, ALTDMA_TO_DEVICE, ALTDMA_FROM_DEVICE };

	for (int step = 0; step < 20000; step++) {
		altdma_dma_t slot = kDma32Ram + 0x2000ull * (rng() % 200);
		auto it = live.find(slot);
		unsigned what = rng() % 10;

		if (it == live.end()) {
			if (what < 6) {
				altdma_u64 size = 64 + rng() % 8000;
				altdma_dir dir = dirs[rng() % 3];
				altdma_dma_t dma = map(slot, size, dir);
				ASSERT_EQ(dma, slot);
				live[slot] = { size, dir, false };
				gone.erase(slot);
			} else {
				// An unmap or sync of nothing mapped.
				if (what < 8)
					altdma_core_unmap_phys(core_, slot, 64, ALTDMA_TO_DEVICE, 0);
				else
					altdma_core_sync_single_for_cpu(core_, slot, 64, ALTDMA_TO_DEVICE);
				want[ALTDMA_CHECK_NOT_MAPPED]++;
			}
			continue;
		}
		Live m = it->second;
		if (what < 5) {
			// Unmap: right, or with one thing wrong.
			altdma_u64 size = m.size;
			altdma_dir dir = m.dir;
			unsigned wrong = rng() % 4;
			if (wrong == 1) {
				size = m.size + 1;
				want[ALTDMA_CHECK_WRONG_SIZE]++;
			} else if (wrong == 2) {
				dir = dirs[(static_cast<int>(m.dir) + 1) % 3];
				want[ALTDMA_CHECK_WRONG_DIRECTION]++;
			}
			altdma_core_unmap_phys(core_, slot, size, dir, 0);
			live.erase(it);
			gone[slot] = m;
		} else {
			// A sync of a random range from the start.
			altdma_u64 offset = rng() % m.size;
			altdma_u64 len = 1 + rng() % 4096;
			altdma_dir dir = rng() % 4 ? m.dir : dirs[rng() % 3];
			bool for_device = rng() % 2;
			if (offset + len > m.size)
				want[ALTDMA_CHECK_SYNC_RANGE]++;
			// dma-debug's rules (kernel/dma/debug.c check_sync()).
			if (m.dir != ALTDMA_BIDIRECTIONAL &&
			    (dir != m.dir || (!for_device && m.dir == ALTDMA_TO_DEVICE) ||
			     m.dir == ALTDMA_DIR_NONE))
				want[ALTDMA_CHECK_SYNC_DIRECTION]++;
			if (for_device)
				altdma_core_sync_single_for_device(core_, slot + offset, len, dir);
			else
				altdma_core_sync_single_for_cpu(core_, slot + offset, len, dir);
		}
	}
	altdma_core_check_stats s = counts();
	for (int c = 0; c < ALTDMA_CHECK_CLASS_COUNT; c++)
		EXPECT_EQ(s.findings[c], want[c]) << name(c);
	EXPECT_EQ(s.live, live.size());
	for (auto &[dma, m] : live)
		altdma_core_unmap_phys(core_, dma, m.size, m.dir, 0);
}

} // namespace
} // namespace test
