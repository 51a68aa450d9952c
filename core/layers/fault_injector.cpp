// SPDX-License-Identifier: GPL-2.0
#include "layers/fault_injector.h"

namespace altdma {

namespace {

// splitmix64: one add and three mixes a draw, every seed (0 too) usable.
constexpr altdma_u64 kGolden = 0x9e3779b97f4a7c15ull;

constexpr altdma_u64 mix(altdma_u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

constexpr bool in_range(altdma_s64 value, altdma_s64 low, altdma_s64 high)
{
	return value >= low && value <= high;
}

} // namespace

// The kernel's DECLARE_FAULT_ATTR defaults: off, interval 1, times 1,
// verbose 2. Unseeded, the sequence starts anywhere.
FaultInjector::FaultInjector()
{
	seed_ = altdma_plat_random_u64();
	random_state_ = seed_;
}

Status FaultInjector::set(FaultKnob knob, altdma_s64 value)
{
	SpinLockGuard guard(lock_);

	switch (knob) {
	case FaultKnob::kProbability:
		if (!in_range(value, 0, 100))
			return Status::kInvalid;
		probability_ = static_cast<altdma_u32>(value);
		break;
	case FaultKnob::kInterval:
		if (value < 1)
			return Status::kInvalid;
		interval_ = static_cast<altdma_u64>(value);
		interval_count_ = 0;
		break;
	case FaultKnob::kTimes:
		if (value < -1)
			return Status::kInvalid;
		times_ = value;
		break;
	case FaultKnob::kSpace:
		if (value < 0)
			return Status::kInvalid;
		space_ = static_cast<altdma_u64>(value);
		break;
	case FaultKnob::kVerbose:
		if (!in_range(value, 0, 2))
			return Status::kInvalid;
		verbose_ = static_cast<altdma_u32>(value);
		break;
	case FaultKnob::kMinSize:
		if (value < 0 || (max_size_ && static_cast<altdma_u64>(value) > max_size_))
			return Status::kInvalid;
		min_size_ = static_cast<altdma_u64>(value);
		break;
	case FaultKnob::kMaxSize:
		if (value < 0 || (value && static_cast<altdma_u64>(value) < min_size_))
			return Status::kInvalid;
		max_size_ = static_cast<altdma_u64>(value);
		break;
	case FaultKnob::kDirections:
		if (!in_range(value, 1, kAllDirections))
			return Status::kInvalid;
		directions_ = static_cast<altdma_u32>(value);
		break;
	case FaultKnob::kFailNth:
		if (value < 0)
			return Status::kInvalid;
		fail_nth_ = static_cast<altdma_u64>(value);
		break;
	case FaultKnob::kSeed:
		seed_ = static_cast<altdma_u64>(value);
		random_state_ = seed_;
		break;
	default:
		return Status::kInvalid;
	}
	rearm_locked();
	return Status::kOk;
}

altdma_s64 FaultInjector::get(FaultKnob knob)
{
	SpinLockGuard guard(lock_);

	switch (knob) {
	case FaultKnob::kProbability:
		return probability_;
	case FaultKnob::kInterval:
		return static_cast<altdma_s64>(interval_);
	case FaultKnob::kTimes:
		return times_;
	case FaultKnob::kSpace:
		return static_cast<altdma_s64>(space_);
	case FaultKnob::kVerbose:
		return verbose_;
	case FaultKnob::kMinSize:
		return static_cast<altdma_s64>(min_size_);
	case FaultKnob::kMaxSize:
		return static_cast<altdma_s64>(max_size_);
	case FaultKnob::kDirections:
		return directions_;
	case FaultKnob::kFailNth:
		return static_cast<altdma_s64>(fail_nth_);
	case FaultKnob::kSeed:
		return static_cast<altdma_s64>(seed_);
	default:
		return 0;
	}
}

void FaultInjector::rearm_locked()
{
	__atomic_store_n(&armed_, probability_ != 0 || fail_nth_ != 0, __ATOMIC_RELAXED);
}

// Operations without a direction (allocations) pass the direction filter.
bool FaultInjector::eligible_locked(altdma_u64 size, enum altdma_dir dir) const
{
	if (size < min_size_ || (max_size_ && size > max_size_))
		return false;
	return dir == ALTDMA_DIR_NONE || (directions_ & (1u << (dir & 3)));
}

altdma_u64 FaultInjector::next_random_locked()
{
	random_state_ += kGolden;
	return mix(random_state_);
}

// Probability 0, or no failures left: this operation passes.
bool FaultInjector::may_fail_locked() const
{
	if (probability_ == 0 || times_ == 0)
		return false;
	return true;
}

FaultDecision FaultInjector::fail_locked()
{
	if (times_ > 0)
		times_--;
	injected_.add(1);
	return FaultDecision{ true, verbose_, seen_.get() };
}

FaultDecision FaultInjector::decide_armed(altdma_u64 size, enum altdma_dir dir)
{
	SpinLockGuard guard(lock_);

	if (!eligible_locked(size, dir))
		return FaultDecision{ false, 0, 0 };
	seen_.add(1);
	if (fail_nth_) {
		if (--fail_nth_)
			return FaultDecision{ false, 0, seen_.get() };
		rearm_locked();
		return fail_locked();
	}
	if (!may_fail_locked())
		return FaultDecision{ false, 0, seen_.get() };
	if (space_ > size) {
		space_ -= size;
		return FaultDecision{ false, 0, seen_.get() };
	}
	if (interval_ > 1 && ++interval_count_ % interval_)
		return FaultDecision{ false, 0, seen_.get() };
	if (next_random_locked() % 100 >= probability_)
		return FaultDecision{ false, 0, seen_.get() };
	return fail_locked();
}

} // namespace altdma
