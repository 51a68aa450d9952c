// SPDX-License-Identifier: GPL-2.0
// The fault injector's decisions against what the kernel's fault injection
// (lib/fault-inject.c) would decide, worked out by hand per case: defaults,
// each knob and filter, fail_nth, a seeded probability that repeats, the
// refusal of every out-of-range value with nothing changed, and a count that
// stays exact with several threads.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "layers/fault_injector.h"
#include "test_support.h"

namespace test {
namespace {

using altdma::FaultDecision;
using altdma::FaultInjector;
using altdma::FaultKnob;
using altdma::Status;

class FaultInjectorTest : public CoreTest {
protected:
	// Made after, and gone before, the fixture checks the fake's locks.
	void SetUp() override
	{
		CoreTest::SetUp();
		injector_ = std::make_unique<FaultInjector>();
	}

	void TearDown() override
	{
		injector_.reset();
		CoreTest::TearDown();
	}

	FaultInjector &fi() { return *injector_; }

	void set(FaultKnob knob, altdma_s64 value)
	{
		ASSERT_EQ(fi().set(knob, value), Status::kOk) << static_cast<int>(knob) << " = " << value;
	}

	// Which of @n operations of @size bytes in @dir fail (1-based).
	std::vector<int> failing(int n, altdma_u64 size = 4096, altdma_dir dir = ALTDMA_TO_DEVICE)
	{
		std::vector<int> out;
		for (int i = 1; i <= n; i++)
			if (fi().decide(size, dir).fail)
				out.push_back(i);
		return out;
	}

	std::unique_ptr<FaultInjector> injector_;
};

TEST_F(FaultInjectorTest, DefaultsAreTheKernelsAndNeverFail)
{
	EXPECT_EQ(fi().get(FaultKnob::kProbability), 0);
	EXPECT_EQ(fi().get(FaultKnob::kInterval), 1);
	EXPECT_EQ(fi().get(FaultKnob::kTimes), 1);
	EXPECT_EQ(fi().get(FaultKnob::kSpace), 0);
	EXPECT_EQ(fi().get(FaultKnob::kVerbose), 2);
	EXPECT_EQ(fi().get(FaultKnob::kMinSize), 0);
	EXPECT_EQ(fi().get(FaultKnob::kMaxSize), 0);
	EXPECT_EQ(fi().get(FaultKnob::kDirections), 0xf);
	EXPECT_EQ(fi().get(FaultKnob::kFailNth), 0);
	EXPECT_TRUE(failing(1000).empty());
	EXPECT_EQ(fi().injected(), 0u);
}

TEST_F(FaultInjectorTest, OutOfRangeValuesChangeNothing)
{
	struct Bad {
		FaultKnob knob;
		altdma_s64 value;
	};
	const Bad bad[] = {
		{ FaultKnob::kProbability, -1 }, { FaultKnob::kProbability, 101 },
		{ FaultKnob::kInterval, 0 }, { FaultKnob::kInterval, -5 },
		{ FaultKnob::kTimes, -2 }, { FaultKnob::kSpace, -1 },
		{ FaultKnob::kVerbose, 3 }, { FaultKnob::kVerbose, -1 },
		{ FaultKnob::kMinSize, -1 }, { FaultKnob::kMaxSize, -1 },
		{ FaultKnob::kDirections, 0 }, { FaultKnob::kDirections, 16 },
		{ FaultKnob::kFailNth, -1 }, { FaultKnob::kCount, 1 },
	};
	for (const Bad &b : bad) {
		altdma_s64 before = fi().get(b.knob);
		EXPECT_EQ(fi().set(b.knob, b.value), Status::kInvalid)
			<< static_cast<int>(b.knob) << " = " << b.value;
		EXPECT_EQ(fi().get(b.knob), before);
	}
	// min_size above a non-zero max_size, either way round.
	set(FaultKnob::kMaxSize, 4096);
	EXPECT_EQ(fi().set(FaultKnob::kMinSize, 4097), Status::kInvalid);
	set(FaultKnob::kMinSize, 512);
	EXPECT_EQ(fi().set(FaultKnob::kMaxSize, 511), Status::kInvalid);
	EXPECT_EQ(fi().get(FaultKnob::kMaxSize), 4096);
	set(FaultKnob::kMaxSize, 0);	// no upper bound is always consistent
	EXPECT_TRUE(failing(100).empty());
}

TEST_F(FaultInjectorTest, TimesLimitsTheFailures)
{
	set(FaultKnob::kProbability, 100);
	EXPECT_EQ(failing(5), (std::vector<int>{ 1 }));	// times = 1 by default
	set(FaultKnob::kTimes, 3);
	EXPECT_EQ(failing(5), (std::vector<int>{ 1, 2, 3 }));
	EXPECT_EQ(fi().get(FaultKnob::kTimes), 0);
	set(FaultKnob::kTimes, -1);
	EXPECT_EQ(failing(4).size(), 4u);
	EXPECT_EQ(fi().get(FaultKnob::kTimes), -1);
	EXPECT_EQ(fi().injected(), 1u + 3u + 4u);
}

TEST_F(FaultInjectorTest, IntervalFailsEveryNth)
{
	set(FaultKnob::kProbability, 100);
	set(FaultKnob::kTimes, -1);
	set(FaultKnob::kInterval, 4);
	EXPECT_EQ(failing(13), (std::vector<int>{ 4, 8, 12 }));
}

// space > size: the size is taken from space and the operation passes;
// 10000 bytes let two 4096-byte operations by (5904, then 1808 left).
TEST_F(FaultInjectorTest, SpaceLetsBytesPassFirst)
{
	set(FaultKnob::kProbability, 100);
	set(FaultKnob::kTimes, -1);
	set(FaultKnob::kSpace, 10000);
	EXPECT_EQ(failing(4), (std::vector<int>{ 3, 4 }));
	EXPECT_EQ(fi().get(FaultKnob::kSpace), 1808);
}

TEST_F(FaultInjectorTest, SeededProbabilityRepeats)
{
	set(FaultKnob::kTimes, -1);
	set(FaultKnob::kProbability, 30);
	set(FaultKnob::kSeed, 42);
	std::vector<int> first = failing(10000);
	set(FaultKnob::kSeed, 42);
	std::vector<int> again = failing(10000);
	set(FaultKnob::kSeed, 43);
	std::vector<int> other = failing(10000);

	EXPECT_EQ(first, again);
	EXPECT_NE(first, other);
	// 30% of 10000 with a binomial spread of about 46: far inside 2500-3500.
	for (const std::vector<int> *v : { &first, &other }) {
		EXPECT_GT(v->size(), 2500u);
		EXPECT_LT(v->size(), 3500u);
	}
	EXPECT_EQ(fi().get(FaultKnob::kSeed), 43);
}

TEST_F(FaultInjectorTest, FailNthFailsExactlyOneThenDisarms)
{
	set(FaultKnob::kFailNth, 5);
	EXPECT_EQ(failing(20), (std::vector<int>{ 5 }));
	EXPECT_EQ(fi().get(FaultKnob::kFailNth), 0);
	// As the kernel's fail-nth, the failure took one of times (1 -> 0):
	// probability mode now finds none left.
	EXPECT_EQ(fi().get(FaultKnob::kTimes), 0);
	set(FaultKnob::kProbability, 100);
	EXPECT_TRUE(failing(10).empty());
}

// While armed, fail_nth alone decides: probability 100 does not fail the
// operations before the Nth.
TEST_F(FaultInjectorTest, FailNthOverridesProbability)
{
	set(FaultKnob::kTimes, -1);
	set(FaultKnob::kProbability, 100);
	set(FaultKnob::kFailNth, 3);
	EXPECT_EQ(failing(3), (std::vector<int>{ 3 }));
	EXPECT_EQ(failing(2), (std::vector<int>{ 1, 2 }));
}

TEST_F(FaultInjectorTest, SizeFilter)
{
	set(FaultKnob::kProbability, 100);
	set(FaultKnob::kTimes, -1);
	set(FaultKnob::kMinSize, 4096);
	set(FaultKnob::kMaxSize, 65536);
	EXPECT_FALSE(fi().decide(4095, ALTDMA_TO_DEVICE).fail);
	EXPECT_TRUE(fi().decide(4096, ALTDMA_TO_DEVICE).fail);
	EXPECT_TRUE(fi().decide(65536, ALTDMA_TO_DEVICE).fail);
	EXPECT_FALSE(fi().decide(65537, ALTDMA_TO_DEVICE).fail);
	EXPECT_EQ(fi().eligible_seen(), 2u);
}

TEST_F(FaultInjectorTest, DirectionFilterLeavesAllocationsEligible)
{
	set(FaultKnob::kProbability, 100);
	set(FaultKnob::kTimes, -1);
	set(FaultKnob::kDirections, 1 << ALTDMA_FROM_DEVICE);
	EXPECT_FALSE(fi().decide(4096, ALTDMA_TO_DEVICE).fail);
	EXPECT_FALSE(fi().decide(4096, ALTDMA_BIDIRECTIONAL).fail);
	EXPECT_TRUE(fi().decide(4096, ALTDMA_FROM_DEVICE).fail);
	EXPECT_TRUE(fi().decide(4096, ALTDMA_DIR_NONE).fail);
}

// Operations the filters pass over do not count towards fail_nth.
TEST_F(FaultInjectorTest, FilteredOperationsDoNotCountForFailNth)
{
	set(FaultKnob::kDirections, 1 << ALTDMA_TO_DEVICE);
	set(FaultKnob::kFailNth, 2);
	EXPECT_FALSE(fi().decide(4096, ALTDMA_TO_DEVICE).fail);
	EXPECT_FALSE(fi().decide(4096, ALTDMA_FROM_DEVICE).fail);
	EXPECT_FALSE(fi().decide(4096, ALTDMA_FROM_DEVICE).fail);
	FaultDecision d = fi().decide(4096, ALTDMA_TO_DEVICE);
	EXPECT_TRUE(d.fail);
	EXPECT_EQ(d.op_index, 2u);
}

TEST_F(FaultInjectorTest, DecisionCarriesVerbose)
{
	set(FaultKnob::kProbability, 100);
	set(FaultKnob::kTimes, -1);
	set(FaultKnob::kVerbose, 1);
	EXPECT_EQ(fi().decide(8, ALTDMA_TO_DEVICE).verbose, 1u);
	set(FaultKnob::kVerbose, 0);
	EXPECT_EQ(fi().decide(8, ALTDMA_TO_DEVICE).verbose, 0u);
}

// times is one budget for all CPUs: four threads share 1000 failures.
TEST_F(FaultInjectorTest, ThreadsShareOneBudget)
{
	set(FaultKnob::kProbability, 100);
	set(FaultKnob::kTimes, 1000);
	std::atomic<int> failed{ 0 };
	std::vector<std::thread> threads;
	for (int t = 0; t < 4; t++)
		threads.emplace_back([&, t] {
			fake::FakePlatform::set_thread_cpu(t % static_cast<int>(plat().nr_cpus));
			for (int i = 0; i < 2000; i++)
				if (fi().decide(4096, ALTDMA_TO_DEVICE).fail)
					failed++;
		});
	for (std::thread &t : threads)
		t.join();
	EXPECT_EQ(failed.load(), 1000);
	EXPECT_EQ(fi().injected(), 1000u);
	EXPECT_EQ(fi().eligible_seen(), 8000u);
}

} // namespace
} // namespace test
