// SPDX-License-Identifier: GPL-2.0
// Real concurrency: several threads calling into one core device at once,
// with the fake platform's locks backed by real mutexes and each thread on
// its own fake CPU (so on its own bounce area first). Run under ASan/UBSan
// with the other tests and under ThreadSanitizer by `make tsan`.
//
//   FakePlatformThreads  the threaded fake itself: locks exclude and block,
//                        lock discipline is checked per thread, CPU ids,
//                        allocation records and logs are per thread / safe.
//   BounceConcurrency    a stress test: threads map, sync and unmap bounce
//                        and direct mappings (single and scatterlist) with
//                        per-thread, per-iteration data and check every
//                        byte the bounce copies move, then the counters.
//
// ALTDMA_STRESS_ITERS overrides the iterations per thread.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <thread>

#include <gtest/gtest-spi.h>

#include "test_support.h"

namespace test {
namespace {

constexpr int kThreads = 4;

// ---- the fake, threaded ---------------------------------------------------------

using FakePlatformThreads = CoreTest;

TEST_F(FakePlatformThreads, LockExcludesOtherThreads)
{
	struct altdma_plat_lock storage;
	struct altdma_plat_lock *l = &storage;
	altdma_plat_lock_init(l);
	long counter = 0;	// deliberately not atomic: the lock protects it
	constexpr int kRounds = 20000;
	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; t++)
		threads.emplace_back([&] {
			for (int i = 0; i < kRounds; i++) {
				unsigned long flags = altdma_plat_lock(l);
				long seen = counter;
				if (i % 64 == 0)
					std::this_thread::yield();	// invite a race
				counter = seen + 1;
				altdma_plat_unlock(l, flags);
			}
		});
	for (std::thread &t : threads)
		t.join();
	EXPECT_EQ(counter, static_cast<long>(kThreads) * kRounds);
	EXPECT_EQ(plat().lock_acquisitions(), static_cast<long>(kThreads) * kRounds);
	EXPECT_EQ(plat().locks_held(), 0);
	RecordProperty("contentions", static_cast<int>(plat().lock_contentions()));
	altdma_plat_lock_destroy(l);
}

// A lock another thread holds makes lock() wait, not fail as recursion.
TEST_F(FakePlatformThreads, LockHeldByAnotherThreadBlocksUntilReleased)
{
	struct altdma_plat_lock storage;
	struct altdma_plat_lock *l = &storage;
	altdma_plat_lock_init(l);
	unsigned long flags = altdma_plat_lock(l);
	std::atomic<bool> acquired{false};
	std::thread other([&] {
		unsigned long f = altdma_plat_lock(l);
		acquired = true;
		EXPECT_EQ(fake::FakePlatform::thread_locks_held(), 1);
		altdma_plat_unlock(l, f);
	});
	std::this_thread::sleep_for(std::chrono::milliseconds(50));
	EXPECT_FALSE(acquired.load()) << "lock() returned while another thread held the lock";
	EXPECT_EQ(plat().locks_held(), 1);
	altdma_plat_unlock(l, flags);
	other.join();
	EXPECT_TRUE(acquired.load());
	EXPECT_EQ(plat().lock_contentions(), 1);
	EXPECT_EQ(plat().locks_held(), 0);
	altdma_plat_lock_destroy(l);
}

// Which locks are held is per thread: a lock held by one thread does not
// make another thread's sleeping allocation a failure, and a thread cannot
// unlock what another thread holds. Recursion is still caught.
TEST_F(FakePlatformThreads, LockDisciplineIsCheckedPerThread)
{
	struct altdma_plat_lock storage;
	struct altdma_plat_lock *l = &storage;
	altdma_plat_lock_init(l);
	unsigned long flags = altdma_plat_lock(l);
	EXPECT_EQ(fake::FakePlatform::thread_locks_held(), 1);
	std::thread other([&] {
		EXPECT_EQ(fake::FakePlatform::thread_locks_held(), 0);
		void *p = altdma_plat_alloc(32, ALTDMA_GFP_KERNEL);	// no failure
		EXPECT_NE(p, nullptr);
		altdma_plat_free(p);
		altdma_phys_t phys = 0;
		EXPECT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0x1234, ALTDMA_ZONE_NORMAL, 0, &phys), 0);
		altdma_plat_free_pages(phys, 0);
		EXPECT_NONFATAL_FAILURE(altdma_plat_unlock(l, flags), "held by another thread");
	});
	other.join();
	EXPECT_EQ(plat().locks_held(), 1) << "another thread's unlock released the lock";
	EXPECT_FALSE(plat().page_alloc_calls().back().lock_held);
	EXPECT_NONFATAL_FAILURE(altdma_plat_lock(l), "recursively");
	void *p = nullptr;
	EXPECT_NONFATAL_FAILURE(p = altdma_plat_alloc(8, ALTDMA_GFP_KERNEL),
				"sleeping bookkeeping allocation");
	altdma_plat_free(p);
	altdma_plat_unlock(l, flags);
	EXPECT_NONFATAL_FAILURE(altdma_plat_unlock(l, flags), "not held");
	EXPECT_EQ(plat().locks_held(), 0);
	altdma_plat_lock_destroy(l);
}

TEST_F(FakePlatformThreads, CpuIdIsPerThread)
{
	plat().cpu_id = 1;
	std::vector<std::thread> threads;
	std::atomic<int> wrong{0};
	for (int t = 0; t < kThreads; t++)
		threads.emplace_back([&, t] {
			EXPECT_EQ(altdma_plat_cpu_id(), 1u) << "default before set_thread_cpu";
			fake::FakePlatform::set_thread_cpu(t);
			for (int i = 0; i < 1000; i++)
				if (altdma_plat_cpu_id() != static_cast<altdma_u32>(t))
					wrong++;
			fake::FakePlatform::set_thread_cpu(-1);
			EXPECT_EQ(altdma_plat_cpu_id(), 1u);
		});
	for (std::thread &t : threads)
		t.join();
	EXPECT_EQ(wrong.load(), 0);
	EXPECT_EQ(altdma_plat_cpu_id(), 1u) << "a thread's CPU leaked into the main thread";
	fake::FakePlatform::set_thread_cpu(7);
	EXPECT_NONFATAL_FAILURE(altdma_plat_cpu_id(), ">= nr_cpus");
	fake::FakePlatform::set_thread_cpu(-1);
}

// Allocations, page blocks and log lines from many threads are all
// recorded, none lost or doubled.
TEST_F(FakePlatformThreads, RecordsStayExactUnderConcurrentCalls)
{
	constexpr int kRounds = 300;
	const long calls_before = plat().abi_calls();
	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; t++)
		threads.emplace_back([&, t] {
			for (int i = 0; i < kRounds; i++) {
				void *p = altdma_plat_alloc(16 + i, ALTDMA_GFP_ATOMIC);
				ASSERT_NE(p, nullptr);
				altdma_phys_t phys = 0;
				ASSERT_EQ(altdma_plat_alloc_pages(dev_.plat(), 0x77, ALTDMA_ZONE_DMA32,
								  i % 3, &phys), 0);
				std::memset(altdma_plat_phys_to_virt(phys), t, kPage << (i % 3));
				altdma_plat_dev_log(dev_.plat(), ALTDMA_LOG_INFO, 0, "thread %d round %d\n",
						    t, i);
				altdma_plat_free_pages(phys, i % 3);
				altdma_plat_free(p);
			}
		});
	for (std::thread &t : threads)
		t.join();
	EXPECT_EQ(plat().alloc_calls(), kThreads * kRounds);
	EXPECT_EQ(plat().page_alloc_calls().size(), static_cast<std::size_t>(kThreads * kRounds));
	EXPECT_EQ(plat().page_free_calls().size(), static_cast<std::size_t>(kThreads * kRounds));
	EXPECT_EQ(plat().outstanding_page_blocks(), 0u);
	EXPECT_EQ(plat().outstanding_allocs(), 0u);
	EXPECT_EQ(plat().phys_to_virt_calls(), kThreads * kRounds);
	EXPECT_EQ(plat().abi_calls() - calls_before, 6L * kThreads * kRounds);
	ASSERT_EQ(dev_.log.size(), static_cast<std::size_t>(kThreads * kRounds));
	for (int t = 0; t < kThreads; t++)
		EXPECT_EQ(dev_.find_log({"thread " + std::to_string(t) + " round"}).size(),
			  static_cast<std::size_t>(kRounds));
}

// ---- the core under concurrent use ------------------------------------------------

struct StressConfig {
	const char *name;
	altdma_u32 flags;
	altdma_u32 mask_bits;	// emulated mask, 0 for none
	bool low_is_direct;	// buffers in ZONE_DMA RAM map without a bounce
	altdma_u32 cpus;	// fake CPUs: one pool area each
};

void PrintTo(const StressConfig &c, std::ostream *os)
{
	*os << c.name;
}

bool copies_back(altdma_dir dir)
{
	return dir == ALTDMA_FROM_DEVICE || dir == ALTDMA_BIDIRECTIONAL;
}

bool copies_out(altdma_dir dir)
{
	return dir == ALTDMA_TO_DEVICE || dir == ALTDMA_BIDIRECTIONAL;
}

int stress_iterations()
{
	if (const char *s = std::getenv("ALTDMA_STRESS_ITERS"))
		return std::max(1, std::atoi(s));
	return 2000;
}

class BounceConcurrency : public BounceTest, public ::testing::WithParamInterface<StressConfig> {
protected:
	// Per thread: 2 MiB of NORMAL RAM (above every cap: bounced) and 1 MiB
	// of ZONE_DMA RAM (below every cap: direct unless forced), each cut
	// into slices, one slice per buffer.
	static constexpr altdma_u64 kHighPerThread = 2 * MiB;
	static constexpr altdma_u64 kLowPerThread = 1 * MiB;
	static constexpr int kSlices = 8;
	static constexpr std::size_t kMaxLive = 6;

	struct Segment {
		altdma_phys_t phys;
		altdma_u64 size;
		altdma_dma_t dma = ALTDMA_MAPPING_ERROR;
		bool bounced = false;
		altdma_u64 cpu_seed = 0;	// what the original holds
		altdma_u64 dev_seed = 0;	// what the device sees at dma
	};
	struct Live {
		std::vector<Segment> segs;
		std::vector<int> slices;
		altdma_dir dir;
		std::unique_ptr<fake::SgChain> sg;	// null: a single mapping
	};
	struct Totals {
		long maps = 0;		// successful streaming mappings (sg entries each)
		long bounced = 0;
		long direct = 0;
		long sg_lists = 0;
		long syncs = 0;
		long bytes_checked = 0;
		long in_own_area = 0;
		long in_other_area = 0;
	};

	void SetUp() override
	{
		BounceTest::SetUp();
		const StressConfig &c = GetParam();
		plat().nr_cpus = c.cpus;
		plat_cpus_ = c.cpus;
		ASSERT_NO_FATAL_FAILURE(create_bounce(bounce(c.flags, c.mask_bits)));
		high_ = plat().reserve(kNormalRam, kThreads * kHighPerThread, 0x3C);
		ASSERT_NE(high_, nullptr);
		ASSERT_NE(plat().reserve(kDmaRam, kThreads * kLowPerThread, 0x3C), nullptr);
	}

	// The pool area holding @dma, if the pool is one piece cut into one
	// area per CPU (-1 otherwise).
	int area_of(altdma_dma_t dma) const
	{
		if (chunks_.size() != 1)
			return -1;
		const altdma_dma_t base = to_dma(chunks_[0].phys);
		return static_cast<int>((dma - base) / (chunks_[0].size / plat_cpus_));
	}

	// Fills the original of @s with new data (the CPU writes it).
	void cpu_write(Segment &s, altdma_u64 seed)
	{
		fill(plat_virt(s.phys), s.size, seed);
		s.cpu_seed = seed;
		if (!s.bounced)
			s.dev_seed = seed;
	}
	// The device writes the bytes it sees at s.dma.
	void dev_write(Segment &s, altdma_u64 seed)
	{
		fill(dev_mem(s.dma), s.size, seed);
		s.dev_seed = seed;
		if (!s.bounced)
			s.cpu_seed = seed;
	}
	// Both views hold what the model says. Returns false (after a
	// failure) if not.
	bool check(const Segment &s, const char *when, Totals &tot)
	{
		long at = mismatch(plat_virt(s.phys), s.size, s.cpu_seed);
		EXPECT_EQ(at, -1) << when << ": original " << hex(s.phys) << "+" << s.size
				  << " wrong at byte " << at << (s.bounced ? " (bounced)" : " (direct)");
		long dat = mismatch(dev_mem(s.dma), s.size, s.dev_seed);
		EXPECT_EQ(dat, -1) << when << ": device view " << hex(s.dma) << "+" << s.size
				   << " of " << hex(s.phys) << " wrong at byte " << dat
				   << " (another thread's bounce in the same slots?)";
		tot.bytes_checked += 2 * static_cast<long>(s.size);
		return at == -1 && dat == -1;
	}

	bool expect_bounced(altdma_phys_t phys) const
	{
		return (GetParam().flags & ALTDMA_BOUNCE_FORCE) || !GetParam().low_is_direct ||
		       phys >= kNormalRam;
	}

	bool map_new(int t, int iter, std::mt19937_64 &rng, std::vector<Live> &live,
		     std::vector<bool> &high_used, std::vector<bool> &low_used, Totals &tot)
	{
		static constexpr altdma_dir kDirs[] = {ALTDMA_BIDIRECTIONAL, ALTDMA_TO_DEVICE,
						       ALTDMA_FROM_DEVICE};
		Live l;
		l.dir = kDirs[rng() % 3];
		const bool sg = rng() % 4 == 0;
		const int nsegs = sg ? 2 + static_cast<int>(rng() % 2) : 1;
		const altdma_u64 seed_base = (static_cast<altdma_u64>(t) << 48) |
					     (static_cast<altdma_u64>(iter) << 16);

		for (int i = 0; i < nsegs; i++) {
			const bool high = rng() % 3 != 0;
			std::vector<bool> &used = high ? high_used : low_used;
			int slice = -1;
			for (int k = 0; k < kSlices; k++)
				if (!used[k]) {
					slice = k;
					break;
				}
			if (slice < 0)
				break;
			used[slice] = true;
			l.slices.push_back(high ? slice : kSlices + slice);
			const altdma_u64 slice_bytes = (high ? kHighPerThread : kLowPerThread) / kSlices;
			const altdma_phys_t base = high ? kNormalRam + t * kHighPerThread
							: kDmaRam + t * kLowPerThread;
			altdma_u64 size;
			switch (rng() % 10) {
			case 0:
				size = 16 * KiB + rng() % (48 * KiB);	// up to 64 KiB
				break;
			case 1:
			case 2:
			case 3:
				size = 3000 + rng() % (13 * KiB);
				break;
			default:
				size = 1 + rng() % 3000;
			}
			Segment s;
			s.phys = base + slice * slice_bytes + rng() % kPage;
			s.size = size;
			l.segs.push_back(s);
		}
		if (l.segs.empty())
			return true;
		for (std::size_t i = 0; i < l.segs.size(); i++)
			cpu_write(l.segs[i], seed_base | (i << 8) | 1);

		if (l.segs.size() > 1) {
			l.sg = std::make_unique<fake::SgChain>();
			for (const Segment &s : l.segs)
				l.sg->add(s.phys, static_cast<altdma_u32>(s.size));
			const int n = l.sg->nents();
			int ret = altdma_core_map_sg(core_, l.sg->head(), n, l.dir, 0);
			EXPECT_EQ(ret, n) << dev_.dump_log();
			if (ret != n)
				return false;
			for (int i = 0; i < n; i++) {
				EXPECT_EQ((*l.sg)[i].dma_length, l.segs[i].size);
				l.segs[i].dma = (*l.sg)[i].dma_address;
			}
			tot.sg_lists++;
		} else {
			l.segs[0].dma = map(l.segs[0].phys, l.segs[0].size, l.dir);
			EXPECT_NE(l.segs[0].dma, ALTDMA_MAPPING_ERROR)
				<< hex(l.segs[0].phys) << "+" << l.segs[0].size << "\n"
				<< dev_.dump_log();
			if (l.segs[0].dma == ALTDMA_MAPPING_ERROR)
				return false;
		}

		for (std::size_t i = 0; i < l.segs.size(); i++) {
			Segment &s = l.segs[i];
			tot.maps++;
			s.bounced = s.dma != s.phys;
			EXPECT_EQ(s.bounced, expect_bounced(s.phys))
				<< hex(s.phys) << " -> " << hex(s.dma);
			if (s.bounced) {
				EXPECT_TRUE(in_pool(s.dma, s.size)) << hex(s.dma) << "+" << s.size;
				if (!in_pool(s.dma, s.size))
					return false;
				tot.bounced++;
				const int area = area_of(s.dma);
				if (area >= 0)
					(area == t % static_cast<int>(plat_cpus_) ? tot.in_own_area
										   : tot.in_other_area)++;
				// Always copied in, whatever the direction.
				s.dev_seed = s.cpu_seed;
			} else {
				tot.direct++;
			}
			if (!check(s, "after map", tot))
				return false;
			if (copies_back(l.dir))
				dev_write(s, seed_base | (i << 8) | 2);
		}
		live.push_back(std::move(l));
		return true;
	}

	void release_slices(const Live &l, std::vector<bool> &high_used, std::vector<bool> &low_used)
	{
		for (int k : l.slices)
			(k < kSlices ? high_used[k] : low_used[k - kSlices]) = false;
	}

	// One step on a live mapping: sync for the CPU, or CPU writes and a
	// sync for the device, or unmap. Returns false after a failure.
	bool step(int t, int iter, std::mt19937_64 &rng, std::vector<Live> &live,
		  std::vector<bool> &high_used, std::vector<bool> &low_used, Totals &tot)
	{
		const std::size_t idx = rng() % live.size();
		Live &l = live[idx];
		const altdma_u64 seed_base = (static_cast<altdma_u64>(t) << 48) |
					     (static_cast<altdma_u64>(iter) << 16);
		// Nothing of another thread's may have landed in our slots.
		for (const Segment &s : l.segs)
			if (!check(s, "before the step", tot))
				return false;

		switch (rng() % 3) {
		case 0:	// the device is done: sync for the CPU
			if (l.sg)
				altdma_core_sync_sg_for_cpu(core_, l.sg->head(), l.sg->nents(), l.dir);
			else
				sync_cpu(l.segs[0].dma, l.segs[0].size, l.dir);
			tot.syncs++;
			for (std::size_t i = 0; i < l.segs.size(); i++) {
				Segment &s = l.segs[i];
				if (s.bounced && copies_back(l.dir))
					s.cpu_seed = s.dev_seed;
				if (!check(s, "after sync for CPU", tot))
					return false;
				if (copies_back(l.dir))
					dev_write(s, seed_base | (i << 8) | 3);
			}
			return true;
		case 1:	// the CPU writes new data and hands it to the device
			for (std::size_t i = 0; i < l.segs.size(); i++)
				cpu_write(l.segs[i], seed_base | (i << 8) | 4);
			if (l.sg)
				altdma_core_sync_sg_for_device(core_, l.sg->head(), l.sg->nents(), l.dir);
			else
				sync_dev(l.segs[0].dma, l.segs[0].size, l.dir);
			tot.syncs++;
			for (Segment &s : l.segs) {
				if (s.bounced && copies_out(l.dir))
					s.dev_seed = s.cpu_seed;
				if (!check(s, "after sync for device", tot))
					return false;
			}
			return true;
		default:	// unmap
			if (l.sg)
				altdma_core_unmap_sg(core_, l.sg->head(), l.sg->nents(), l.dir, 0);
			else
				unmap(l.segs[0].dma, l.segs[0].size, l.dir);
			for (Segment &s : l.segs) {
				if (s.bounced && copies_back(l.dir))
					s.cpu_seed = s.dev_seed;
				const long at = mismatch(plat_virt(s.phys), s.size, s.cpu_seed);
				EXPECT_EQ(at, -1) << "after unmap: original " << hex(s.phys) << "+"
						  << s.size << " wrong at byte " << at;
				tot.bytes_checked += static_cast<long>(s.size);
				if (at != -1)
					return false;
			}
			release_slices(l, high_used, low_used);
			live.erase(live.begin() + static_cast<long>(idx));
			return true;
		}
	}

	void run_thread(int t, int iters, Totals *tot)
	{
		fake::FakePlatform::set_thread_cpu(t % static_cast<int>(plat_cpus_));
		std::mt19937_64 rng(0xC0FFEEull * (t + 1));
		std::vector<Live> live;
		std::vector<bool> high_used(kSlices), low_used(kSlices);
		bool ok = true;

		for (int iter = 0; iter < iters && ok; iter++) {
			if (live.empty() || (live.size() < kMaxLive && rng() % 100 < 55))
				ok = map_new(t, iter, rng, live, high_used, low_used, *tot);
			else
				ok = step(t, iter, rng, live, high_used, low_used, *tot);
			if (fake::FakePlatform::thread_locks_held() != 0) {
				ADD_FAILURE() << "thread " << t << " returned from the core holding a lock";
				ok = false;
			}
		}
		// Whatever is left (all of it after a failure) is unmapped, so the
		// end-of-test counters and leak checks still mean something.
		for (Live &l : live) {
			if (l.sg)
				altdma_core_unmap_sg(core_, l.sg->head(), l.sg->nents(), l.dir, 0);
			else if (l.segs[0].dma != ALTDMA_MAPPING_ERROR)
				unmap(l.segs[0].dma, l.segs[0].size, l.dir);
		}
		fake::FakePlatform::set_thread_cpu(-1);
	}

	altdma_u32 plat_cpus_ = 4;
};

TEST_P(BounceConcurrency, ThreadsMapSyncAndUnmapWithoutInterference)
{
	const int iters = stress_iterations();
	const altdma_core_stats before = stats();
	std::vector<Totals> totals(kThreads);
	std::vector<std::thread> threads;

	for (int t = 0; t < kThreads; t++)
		threads.emplace_back([this, t, iters, &totals] { run_thread(t, iters, &totals[t]); });
	for (std::thread &th : threads)
		th.join();

	Totals all;
	for (const Totals &t : totals) {
		all.maps += t.maps;
		all.bounced += t.bounced;
		all.direct += t.direct;
		all.sg_lists += t.sg_lists;
		all.syncs += t.syncs;
		all.bytes_checked += t.bytes_checked;
		all.in_own_area += t.in_own_area;
		all.in_other_area += t.in_other_area;
	}
	const altdma_core_stats s = stats();
	EXPECT_EQ(s.outstanding_bounces, 0u);
	EXPECT_EQ(s.pool_used, 0u);
	EXPECT_EQ(s.maps - before.maps, static_cast<altdma_u64>(all.maps));
	EXPECT_EQ(s.map_failures, before.map_failures);
	altdma_u64 bounced = 0;
	for (altdma_u64 n : s.bounced_maps)
		bounced += n;
	EXPECT_EQ(bounced, static_cast<altdma_u64>(all.bounced));
	EXPECT_EQ(s.fail_exhausted + s.fail_fragmented + s.fail_too_large + s.fail_unreachable, 0u);
	EXPECT_EQ(s.guard_violations, 0u);
	EXPECT_GT(s.pool_high_water, 0u);
	EXPECT_EQ(s.pool_largest_free, before.pool_largest_free) << "the pool is not whole again";
	EXPECT_TRUE(dev_.log.empty()) << dev_.dump_log();
	EXPECT_EQ(plat().locks_held(), 0);

	// The run did what it claims.
	EXPECT_GT(all.bounced, kThreads * 10L);
	EXPECT_GT(all.sg_lists, kThreads * 2L);
	EXPECT_GT(all.syncs, kThreads * 10L);
	if (GetParam().low_is_direct && !(GetParam().flags & ALTDMA_BOUNCE_FORCE))
		EXPECT_GT(all.direct, kThreads * 5L);
	else
		EXPECT_EQ(all.direct, 0);
	// Each thread runs on its own fake CPU and so bounces into its own
	// area (each area is far larger than one thread's live mappings).
	if (all.in_own_area + all.in_other_area > 0) {
		EXPECT_GE(all.in_own_area, 9 * (all.in_own_area + all.in_other_area) / 10)
			<< all.in_own_area << " in own area, " << all.in_other_area << " elsewhere";
	}
	RecordProperty("maps", static_cast<int>(all.maps));
	RecordProperty("bounced", static_cast<int>(all.bounced));
	RecordProperty("lock_contentions", static_cast<int>(plat().lock_contentions()));
	RecordProperty("bytes_checked", static_cast<int>(all.bytes_checked / 1024));
}

INSTANTIATE_TEST_SUITE_P(
	Stress, BounceConcurrency,
	::testing::Values(
		// 32-bit emulated mask: high buffers bounce, ZONE_DMA ones map directly.
		// One area per thread.
		StressConfig{"cap32_mixed", 0, 32, true, 4},
		// Force mode under the same mask: everything bounces.
		StressConfig{"force_cap32", ALTDMA_BOUNCE_FORCE, 32, false, 4},
		// Force mode, no mask, red zones checked at every unmap and sync.
		StressConfig{"force_guard", ALTDMA_BOUNCE_FORCE | ALTDMA_BOUNCE_GUARD_BYTES, 0, false, 4},
		// Two CPUs for four threads: pairs of threads share an area and
		// its lock, and their slots interleave.
		StressConfig{"shared_areas_cap32", 0, 32, true, 2},
		// One CPU, one area: every thread contends for the same lock.
		StressConfig{"one_area_force", ALTDMA_BOUNCE_FORCE, 32, false, 1}),
	[](const ::testing::TestParamInfo<StressConfig> &info) { return std::string(info.param.name); });

} // namespace
} // namespace test
