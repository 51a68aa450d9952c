// SPDX-License-Identifier: GPL-2.0
#include "layers/fault_layer.h"

namespace altdma {

namespace {

static_assert(static_cast<int>(FaultKnob::kProbability) == ALTDMA_CORE_FAULT_PROBABILITY);
static_assert(static_cast<int>(FaultKnob::kInterval) == ALTDMA_CORE_FAULT_INTERVAL);
static_assert(static_cast<int>(FaultKnob::kTimes) == ALTDMA_CORE_FAULT_TIMES);
static_assert(static_cast<int>(FaultKnob::kSpace) == ALTDMA_CORE_FAULT_SPACE);
static_assert(static_cast<int>(FaultKnob::kVerbose) == ALTDMA_CORE_FAULT_VERBOSE);
static_assert(static_cast<int>(FaultKnob::kMinSize) == ALTDMA_CORE_FAULT_MIN_SIZE);
static_assert(static_cast<int>(FaultKnob::kMaxSize) == ALTDMA_CORE_FAULT_MAX_SIZE);
static_assert(static_cast<int>(FaultKnob::kDirections) == ALTDMA_CORE_FAULT_DIRECTIONS);
static_assert(static_cast<int>(FaultKnob::kFailNth) == ALTDMA_CORE_FAULT_FAIL_NTH);
static_assert(static_cast<int>(FaultKnob::kSeed) == ALTDMA_CORE_FAULT_SEED);
static_assert(static_cast<int>(FaultKnob::kCount) == ALTDMA_CORE_FAULT_KNOB_COUNT);

constexpr const char *kClassNames[ALTDMA_CORE_FAULT_CLASS_COUNT] = {
	"map", "map_sg", "map_resource", "alloc", "alloc_pages",
};

constexpr const char *kDirNames[4] = {
	"BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE", "NONE",
};

constexpr bool valid(enum altdma_core_fault_class cls, enum altdma_core_fault_knob knob)
{
	return static_cast<unsigned>(cls) < ALTDMA_CORE_FAULT_CLASS_COUNT &&
	       static_cast<unsigned>(knob) < ALTDMA_CORE_FAULT_KNOB_COUNT;
}

} // namespace

Status FaultLayer::set(enum altdma_core_fault_class cls, enum altdma_core_fault_knob knob,
		       altdma_s64 value)
{
	if (!valid(cls, knob))
		return Status::kInvalid;
	return injectors_[cls].set(static_cast<FaultKnob>(knob), value);
}

Result<altdma_s64> FaultLayer::get(enum altdma_core_fault_class cls,
				   enum altdma_core_fault_knob knob)
{
	if (!valid(cls, knob))
		return Status::kInvalid;
	return injectors_[cls].get(static_cast<FaultKnob>(knob));
}

void FaultLayer::read_stats(struct altdma_core_stats *stats) const
{
	for (int cls = 0; cls < ALTDMA_CORE_FAULT_CLASS_COUNT; cls++) {
		stats->fault_calls[cls] = calls_[cls].get();
		stats->faults_injected[cls] = injectors_[cls].injected();
	}
}

// A trace event for every injection; the log as the kernel's fail_dump(),
// its lines bounded by the device's rate limit.
void FaultLayer::report(enum altdma_core_fault_class cls, altdma_u64 size,
			enum altdma_dir dir, const FaultDecision &decision)
{
	altdma_plat_trace_fault(plat_, kClassNames[cls], size, dir,
				decision.op_index);
	if (!decision.verbose || !altdma_plat_dev_log_ratelimit(plat_))
		return;
	altdma_plat_dev_log(plat_, ALTDMA_LOG_INFO, 0,
			    "fault injected: %s of %llu bytes %s (eligible operation %llu of this class)%s\n",
			    kClassNames[cls], size, kDirNames[dir & 3],
			    decision.op_index,
			    decision.verbose > 1 ? ", stack follows" : "");
	if (decision.verbose > 1)
		altdma_plat_dump_stack();
}

} // namespace altdma
