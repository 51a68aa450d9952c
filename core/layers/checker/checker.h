// SPDX-License-Identifier: GPL-2.0
// The DMA-API checker layer: every live mapping and allocation of the
// device in a LiveTable, each unmap, sync and free checked against what
// was mapped (see enum altdma_core_check_class). A finding never changes
// the operation: the policy below still does what the kernel would, so the
// system behaves as without altdma, plus the report. Reports are
// rate-limited per class, name the operation and both values, and are
// followed by the mapping's stack.
#ifndef ALTDMA_CORE_CHECKER_H
#define ALTDMA_CORE_CHECKER_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

#include "base/counter.h"
#include "base/spin_lock.h"
#include "base/status.h"
#include "layers/checker/live_table.h"
#include "policy/bounce/slot_quarantine.h"

namespace altdma {

class BouncePolicy;

// "not_mapped", ...: the class's name in reports, configfs and debugfs.
const char *check_class_name(enum altdma_core_check_class cls);

class Checker final : public QuarantineObserver {
public:
	// @classes: a bit per enum altdma_core_check_class (0: ALTDMA_CHECK_DEFAULT).
	static Result<Checker *> create(struct altdma_plat_device *plat,
					altdma_u32 classes);
	~Checker() = default;
	// The policy's bounce side, when it has one (the slots the
	// device_wrote_to_device_buffer check reads).
	void set_bounce(BouncePolicy *bounce) { bounce_ = bounce; }
	// Whether the bounce pool should quarantine unmapped slots for it.
	bool wants_quarantine() const { return enabled(ALTDMA_CHECK_DMA_AFTER_UNMAP); }

	altdma_u32 unmapped_stack(altdma_dma_t dma, altdma_u64 size) override;
	void written_after_unmap(altdma_dma_t dma, altdma_u64 size,
				 altdma_u64 offset, altdma_u32 stack) override;
	Checker(const Checker &) = delete;
	Checker &operator=(const Checker &) = delete;

	// After a successful map or allocation.
	void mapped(LiveKind kind, altdma_phys_t phys, altdma_dma_t dma,
		    altdma_u64 size, enum altdma_dir dir, unsigned long attrs);
	// Before the policy unmaps or frees (@op names the call in reports).
	void unmapping(const char *op, LiveKind kind, altdma_dma_t dma,
		       altdma_u64 size, enum altdma_dir dir);
	// After map_sg mapped all @nents entries of @sgl.
	void sg_mapped(struct altdma_plat_sg *sgl, int nents, enum altdma_dir dir,
		       unsigned long attrs);
	// Before unmap_sg.
	void sg_unmapping(struct altdma_plat_sg *sgl, int nents,
			  enum altdma_dir dir);
	// Before a sync of [dma, dma + size) (a single one, or a list's entry).
	void syncing(const char *op, altdma_dma_t dma, altdma_u64 size,
		     enum altdma_dir dir, bool for_device);
	// After the policy's sync for the device: what the data checks expect
	// from now on.
	void synced_for_device(altdma_dma_t dma, altdma_u64 size,
			       enum altdma_dir dir);

	void read(struct altdma_core_check_stats *out) const;
	long outstanding(struct altdma_core_check_group *out, altdma_u64 max,
			 bool leaks);
	// The last reports, oldest first.
	long reports(struct altdma_core_check_report *out, altdma_u64 max) const;

private:
	template <typename T, typename... Args>
	friend T *create_object(altdma_u32 gfp, Args &&...args);
	Checker(struct altdma_plat_device *plat, altdma_u32 classes)
		: plat_(plat), classes_(classes)
	{
	}
	// What a finding leads to: nothing (its class is off), a count, a
	// trace event and a kept report (kQuiet), and its message (kPrint).
	enum class Verdict { kOff, kQuiet, kPrint };
	// The mapping's stack a report names, besides the reporting call's
	// (no unmap's stack is saved: see Tombstone).
	struct Stacks {
		bool has_map;
		altdma_u32 map;
	};
	// Counts a finding of @cls and raises its trace event.
	Verdict note(enum altdma_core_check_class cls, const char *op,
		     altdma_dma_t dma, altdma_u64 size);
	// Keeps the report and, for kPrint, logs it with its stacks.
	void report(Verdict verdict, enum altdma_core_check_class cls,
		    const Stacks &stacks, const char *fmt, ...)
		__attribute__((format(printf, 5, 6)));
	void keep(enum altdma_core_check_class cls, const Stacks &stacks,
		  const char (&text)[ALTDMA_CORE_CHECK_TEXT]);
	bool ratelimit(enum altdma_core_check_class cls);
	void not_mapped(const char *op, altdma_dma_t dma, altdma_u64 size);
	void compare(const char *op, const LiveEntry &m, LiveKind kind,
		     altdma_u64 size, enum altdma_dir dir);
	void check_segment(int index, const struct altdma_plat_sg *sg,
			   const struct altdma_dev_limits &limits);
	void report_tracking_lost();
	bool enabled(enum altdma_core_check_class cls) const
	{
		return classes_ & (1u << cls);
	}
	void track(const LiveEntry &e);
	void check_overlap(const LiveEntry *self, const LiveEntry &e);
	void take_sums(LiveEntry *e);
	void check_device_sum(const char *op, const LiveEntry &m);
	void check_sums(const char *op, const LiveEntry &m);

	struct RateLimit {
		altdma_u64 window_start_ns;
		altdma_u32 printed;
		altdma_u32 missed;
	};

	struct altdma_plat_device *plat_;
	altdma_u32 classes_;
	BouncePolicy *bounce_ = nullptr;
	LiveTable table_;
	Counter findings_[ALTDMA_CHECK_CLASS_COUNT];
	SpinLock ratelimit_lock_;
	RateLimit ratelimits_[ALTDMA_CHECK_CLASS_COUNT] ALTDMA_GUARDED_BY(ratelimit_lock_) = {};
	bool said_untracked_ = false;
	mutable SpinLock reports_lock_;
	altdma_u64 reports_seq_ ALTDMA_GUARDED_BY(reports_lock_) = 0;
	struct altdma_core_check_report reports_[ALTDMA_CORE_CHECK_REPORTS]
		ALTDMA_GUARDED_BY(reports_lock_) = {};
};

} // namespace altdma

#endif
