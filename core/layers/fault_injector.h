// SPDX-License-Identifier: GPL-2.0
// Fails chosen DMA operations of one class on purpose. Debian's kernels are
// built without CONFIG_FAULT_INJECTION, so should_fail() is not there to
// call: this is its decision logic (lib/fault-inject.c, should_fail_ex()),
// with its knob names, meanings and defaults, for one device and one
// operation class, plus what the kernel lacks for DMA: size and direction
// filters, a seed that makes probability mode repeat, and fail_nth for any
// context (the kernel's is per task).
//
// Order of the checks, as the kernel's: fail_nth first (while armed it alone
// decides), then probability 0 never fails, times exhausted never fails,
// space absorbs sizes, interval passes all but every interval-th operation,
// and the probability is drawn last. Operations outside the filters are not
// seen at all: they neither count nor consume interval, space or fail_nth.
#ifndef ALTDMA_CORE_FAULT_INJECTOR_H
#define ALTDMA_CORE_FAULT_INJECTOR_H

#include <altdma/platform.h>

#include "base/counter.h"
#include "base/spin_lock.h"
#include "base/status.h"

namespace altdma {

// The knobs, by their configfs names. Values are signed 64-bit, as written.
enum class FaultKnob : altdma_u8 {
	kProbability,	// percent, 0..100 (0: off)
	kInterval,	// >= 1: only every interval-th eligible operation may fail
	kTimes,		// failures left; -1: no limit
	kSpace,		// bytes of eligible operations that pass first
	kVerbose,	// 0: silent, 1: one line, 2: line and stack
	kMinSize,	// eligible sizes from ...
	kMaxSize,	// ... up to this (0: no upper bound)
	kDirections,	// eligible directions: bit (1 << enum altdma_dir) each
	kFailNth,	// fail the Nth eligible operation from now, then disarm (0: off)
	kSeed,		// restarts probability mode's random sequence
	kCount,
};

// What decide() says of one operation.
struct FaultDecision {
	bool fail;
	altdma_u32 verbose;	// how loudly the caller reports it
	altdma_u64 op_index;	// 1-based among the eligible operations seen
};

class FaultInjector {
public:
	static constexpr altdma_u32 kAllDirections = 0xf;

	FaultInjector();
	FaultInjector(const FaultInjector &) = delete;
	FaultInjector &operator=(const FaultInjector &) = delete;

	// Sets one knob; Status::kInvalid (nothing changed) for a value out of
	// its range or one that contradicts another knob (min_size above a
	// non-zero max_size).
	Status set(FaultKnob knob, altdma_s64 value);
	altdma_s64 get(FaultKnob knob);

	// Whether an operation of @size bytes in direction @dir fails now.
	// Any context; the disarmed case reads one word and takes no lock.
	FaultDecision decide(altdma_u64 size, enum altdma_dir dir)
	{
		if (!__atomic_load_n(&armed_, __ATOMIC_RELAXED))
			return FaultDecision{ false, 0, 0 };
		return decide_armed(size, dir);
	}

	bool armed() const { return __atomic_load_n(&armed_, __ATOMIC_RELAXED); }
	altdma_u64 injected() const { return injected_.get(); }
	altdma_u64 eligible_seen() const { return seen_.get(); }

private:
	FaultDecision decide_armed(altdma_u64 size, enum altdma_dir dir);
	bool eligible_locked(altdma_u64 size, enum altdma_dir dir) const;
	bool may_fail_locked() const;
	FaultDecision fail_locked();
	void rearm_locked();
	altdma_u64 next_random_locked();

	SpinLock lock_;
	bool armed_ = false;		// probability or fail_nth set
	altdma_u32 probability_ = 0;
	altdma_u64 interval_ = 1;
	altdma_s64 times_ = 1;
	altdma_u64 space_ = 0;
	altdma_u32 verbose_ = 2;
	altdma_u64 min_size_ = 0;
	altdma_u64 max_size_ = 0;
	altdma_u32 directions_ = kAllDirections;
	altdma_u64 fail_nth_ = 0;	// operations left until the one that fails
	altdma_u64 seed_ = 0;
	altdma_u64 random_state_ = 0;
	altdma_u64 interval_count_ = 0;
	Counter seen_;
	Counter injected_;
};

} // namespace altdma

#endif
