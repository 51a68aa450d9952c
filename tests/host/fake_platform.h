// SPDX-License-Identifier: GPL-2.0
// A user-space implementation of altdma's platform ABI (platform.h) for the
// host tests: fake physical memory with zones, a page allocator with failure
// injection and call recording, tracked bookkeeping allocations and locks,
// configurable devices and scatterlists.
//
// The platform functions are C functions without a context argument, so the
// fake is a process-wide singleton (fake::platform()). Every test resets it
// in SetUp and checks it for leaks in TearDown (see CoreTest in
// test_support.h).
//
// Threads: the platform functions may be called from several threads at
// once (test_concurrency.cpp). Platform locks are real mutexes, held-lock
// tracking is per thread, and the fake's own records are guarded by an
// internal mutex. Test-side knobs (reset, fail_*, info(), FakeDevice fields,
// the record accessors returning references) are for the test's main thread
// while no other thread calls into the fake.
#ifndef ALTDMA_TESTS_HOST_FAKE_PLATFORM_H
#define ALTDMA_TESTS_HOST_FAKE_PLATFORM_H

#include <altdma/platform.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

// The platform's scatterlist entry. The core only sees the opaque type and
// walks it with altdma_plat_sg_next(); tests build chains with fake::SgChain.
struct altdma_plat_sg {
	altdma_phys_t phys;
	altdma_u32 length;
	altdma_dma_t dma_address;
	altdma_u32 dma_length;
	altdma_plat_sg *next;
	int set_dma_calls;	// how often the core wrote this entry
};

namespace fake {

inline constexpr altdma_u64 KiB = 1024;
inline constexpr altdma_u64 MiB = 1024 * KiB;
inline constexpr altdma_u64 GiB = 1024 * MiB;
inline constexpr altdma_u64 kPage = ALTDMA_PAGE_SIZE;

// Byte written into freshly allocated pages and bookkeeping memory (unless
// zeroing was asked for), so tests can tell zeroed memory from stale memory.
inline constexpr std::uint8_t kPoisonByte = 0xA5;
// dma_address / dma_length of a scatterlist entry the core never wrote.
inline constexpr altdma_dma_t kSgUntouchedAddr = 0xDEADBEEFDEADBEEFull;
inline constexpr altdma_u32 kSgUntouchedLen = 0xDEADu;

constexpr altdma_u64 bits(unsigned int n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

struct RamRegion {
	altdma_phys_t base;	// page aligned
	altdma_u64 size;	// page multiple
};

// The default machine: RAM in every zone, NORMAL memory highest.
//   4 MiB at 0x00400000        ZONE_DMA   (below 16 MiB)
//   8 MiB at 0x40000000        ZONE_DMA32 (below 4 GiB)
//   8 MiB at 0x1_0000_0000     ZONE_NORMAL
//   4 MiB at 0x8_0000_0000     ZONE_NORMAL (highest: max_pfn = 0x800400)
std::vector<RamRegion> default_layout();

struct PageAllocCall {
	altdma_plat_device *dev;
	altdma_u32 caller_gfp;
	altdma_zone zone;
	altdma_u32 order;
	int result;		// 0 or -ALTDMA_ENOMEM
	altdma_phys_t phys;	// valid if result == 0
	bool lock_held;		// a platform lock was held during the call
};

struct PageFreeCall {
	altdma_phys_t phys;
	altdma_u32 order;
};

struct LogEntry {
	altdma_log_level level;
	bool ratelimited;
	std::string text;
};

// A trace event the core raised (altdma_plat_trace_*). bounce: orig, slot,
// size and to_device; fault: op_class, size, dir and op_index.
struct TraceEvent {
	std::string event;	// "bounce", "fault_injected" or "check_error"
	altdma_phys_t orig = 0, slot = 0;
	altdma_u64 size = 0;
	bool to_device = false;
	std::string op_class;
	altdma_dir dir = ALTDMA_DIR_NONE;
	altdma_u64 op_index = 0;
	std::string check, op;	// check_error (size above; dma below)
	altdma_dma_t dma = 0;
};

// A device as the platform describes it. Pass dev.plat() to the core.
struct FakeDevice {
	std::string name = "fake0";
	altdma_dev_limits limits{
		.dma_mask = ~0ull,
		.coherent_mask = ~0ull,
		.bus_limit = 0,
		.min_align_mask = 0,
		.segment_boundary = 0xffffffffull,
		.max_segment_size = 65536,
	};
	std::vector<altdma_range> ranges;
	// Appended to by altdma_plat_dev_log (from any thread). A message the
	// core logs with ratelimited 0 right after altdma_plat_dev_log_ratelimit
	// let it through (same thread) is recorded as ratelimited.
	std::vector<LogEntry> log;
	// Appended to by the altdma_plat_trace_* calls (from any thread).
	std::vector<TraceEvent> trace;
	// The handles altdma_plat_stack_log() printed, in order.
	std::vector<altdma_u32> stacks_logged;
	int limits_reads = 0;
	// altdma_plat_dev_log_ratelimit() answers this; while false, messages
	// logged with ratelimited 1 are dropped (counted in ratelimit_dropped).
	bool ratelimit_allows = true;
	int ratelimit_checks = 0;
	int ratelimit_dropped = 0;

	altdma_plat_device *plat()
	{
		return reinterpret_cast<altdma_plat_device *>(this);
	}
	static FakeDevice *from(altdma_plat_device *dev)
	{
		return reinterpret_cast<FakeDevice *>(dev);
	}

	void set_masks(altdma_u64 dma_mask, altdma_u64 coherent_mask)
	{
		limits.dma_mask = dma_mask;
		limits.coherent_mask = coherent_mask;
	}

	// Messages at @level (any level if -1) whose text contains every
	// string in @needles (case-insensitive).
	std::vector<LogEntry> find_log(std::vector<std::string> needles,
				       int level = -1) const;
	std::string dump_log() const;
};

// A scatterlist whose entries live in separate heap blocks, so a core that
// walks it by pointer arithmetic instead of altdma_plat_sg_next() crashes
// under ASan.
class SgChain {
public:
	SgChain() = default;
	explicit SgChain(const std::vector<std::pair<altdma_phys_t, altdma_u32>> &ents);

	void add(altdma_phys_t phys, altdma_u32 length);
	altdma_plat_sg *head() { return ents_.empty() ? nullptr : ents_[0].get(); }
	altdma_plat_sg &operator[](std::size_t i) { return *ents_.at(i); }
	std::size_t size() const { return ents_.size(); }
	int nents() const { return static_cast<int>(ents_.size()); }
	// Back to the "never written" sentinels.
	void reset_dma();

private:
	std::vector<std::unique_ptr<altdma_plat_sg>> ents_;
};

// Everything observable a platform call can change, for "this call had no
// effect" checks (see FakePlatform::snapshot). Device fields are included
// when a device is given.
struct Snapshot {
	std::size_t page_alloc_calls, page_free_calls, page_blocks;
	altdma_u64 free_pages;
	int alloc_calls;
	std::size_t allocs, live_locks;
	long lock_acquisitions, phys_to_virt_calls, abi_calls;
	std::size_t log_lines;
	int ratelimit_checks;

	bool operator==(const Snapshot &) const = default;
};
std::string describe(const Snapshot &s);
// GoogleTest prints a Snapshot with this.
void PrintTo(const Snapshot &s, std::ostream *os);

class FakePlatform {
public:
	FakePlatform();
	~FakePlatform();
	FakePlatform(const FakePlatform &) = delete;
	FakePlatform &operator=(const FakePlatform &) = delete;

	// Drops all state (without leak checking) and installs @layout with
	// the default machine facts; max_pfn follows the layout.
	void reset(const std::vector<RamRegion> &layout = default_layout());
	// Reports every leaked page block, bookkeeping allocation and lock,
	// and any lock still held, with ADD_FAILURE. Returns true if clean.
	bool check_clean();

	// Machine facts returned by altdma_plat_get_info(); editable.
	altdma_plat_info &info() { return info_; }
	const std::vector<RamRegion> &layout() const { return layout_; }

	// ---- physical memory -------------------------------------------
	bool is_ram(altdma_phys_t phys, altdma_u64 size = 1) const;
	// Host address of RAM at @phys (nullptr if not RAM). Does not count as
	// a platform call.
	std::uint8_t *virt(altdma_phys_t phys) const;
	// Takes [phys, phys + size) (page-rounded) out of the allocator for the
	// test's own use (a buffer to map). Fills it with @fill. Released by
	// reset(); never reported as a leak.
	std::uint8_t *reserve(altdma_phys_t phys, altdma_u64 size,
			      std::uint8_t fill = 0x3C);
	// True if every byte in [phys, phys + size) equals @value.
	bool all_bytes(altdma_phys_t phys, altdma_u64 size, std::uint8_t value) const;
	// Physical address of the block starting at @phys, if allocated.
	bool page_block_allocated(altdma_phys_t phys, altdma_u32 *order = nullptr) const;
	std::size_t outstanding_page_blocks() const;
	altdma_u64 free_pages_in(altdma_phys_t lo, altdma_phys_t hi) const;

	// ---- page allocator knobs and records ----------------------------
	// The next @n calls to altdma_plat_alloc_pages fail.
	void fail_next_page_allocs(int n) { fail_next_pages_ = n; }
	// Every allocation from @zone fails (until cleared).
	void fail_zone(altdma_zone zone, bool fail = true);
	const std::vector<PageAllocCall> &page_alloc_calls() const { return page_calls_; }
	const std::vector<PageFreeCall> &page_free_calls() const { return page_frees_; }
	std::vector<altdma_zone> page_alloc_zones() const;
	void clear_records();

	// ---- bookkeeping allocation knobs (altdma_plat_alloc)
	// The @n-th bookkeeping allocation from now (1 = next) fails; 0 = off.
	void fail_alloc_nth(int n) { fail_alloc_nth_ = n; }
	// Every bookkeeping allocation fails while set.
	void fail_all_allocs(bool fail) { fail_all_allocs_ = fail; }
	int alloc_calls() const;
	std::size_t outstanding_allocs() const;
	const std::vector<altdma_u32> &alloc_gfps() const { return alloc_gfps_; }

	// ---- locks -------------------------------------------------------
	// Platform locks are std::mutex: a lock held by another thread blocks.
	// Recursion, unlocking a lock this thread does not hold (including one
	// another thread holds), mismatched flags and destroying a held lock
	// are test failures.
	std::size_t live_locks() const;
	// Locks held now by all threads together.
	int locks_held() const { return locks_held_.load(); }
	// Locks the calling thread holds.
	static int thread_locks_held();
	long lock_acquisitions() const { return lock_acquisitions_.load(); }
	// Acquisitions that found the lock held by another thread and waited.
	long lock_contentions() const { return lock_contentions_.load(); }

	// Calls into the platform ABI (every altdma_plat_* function), from all
	// threads.
	long abi_calls() const { return abi_calls_.load(); }
	void count_abi_call() { abi_calls_++; }
	// altdma_plat_dump_stack() calls, from all threads.
	long stack_dumps() const { return stack_dumps_.load(); }
	void note_stack_dump() { stack_dumps_++; }
	// ---- saved stacks (altdma_plat_stack_save) ---------------------------
	// Each thread's saves return its current handle (0, "none", until
	// set): a test names the call site it plays.
	static void set_thread_stack(altdma_u32 handle);
	static altdma_u32 thread_stack();
	// The counters and records a platform call could change, and @dev's
	// log and rate-limit state if given.
	Snapshot snapshot(const FakeDevice *dev = nullptr) const;

	// ---- kernel mapping ------------------------------------------------
	// RAM in [lo, hi) has no kernel mapping (like highmem):
	// altdma_plat_phys_to_virt returns NULL there. Cleared by reset().
	void set_no_kernel_mapping(altdma_phys_t lo, altdma_phys_t hi)
	{
		unmapped_.push_back({lo, hi});
	}
	long phys_to_virt_calls() const { return phys_to_virt_calls_.load(); }
	// altdma_plat_phys_to_virt calls made while the calling thread held a
	// platform lock (the bounce pool copies with its area locks released).
	long phys_to_virt_calls_locked() const { return phys_to_virt_locked_.load(); }

	// While set, the test acts as a caller in atomic context (map, unmap
	// and sync may run in interrupt handlers): a bookkeeping allocation
	// without ALTDMA_GFP_ATOMIC, or a page allocation with a
	// core gfp that may sleep, is a failure even with no lock held.
	// Cleared by reset().
	bool atomic_context = false;

	// caller_gfp that altdma_plat_page_gfp(gfp) returns: kCoreGfpTag | gfp,
	// so tests can tell the core's own page allocations from a caller's.
	static constexpr altdma_u32 kCoreGfpTag = 0xC0DE0000u;

	// ---- CPUs (altdma_plat_cpu_id / altdma_plat_nr_cpus) -----------------
	// cpu_id is what altdma_plat_cpu_id() returns on a thread that has not
	// called set_thread_cpu().
	altdma_u32 cpu_id = 0;
	altdma_u32 nr_cpus = 4;
	// The calling thread runs on @cpu from now on (-1: back to cpu_id).
	static void set_thread_cpu(int cpu);
	static int thread_cpu();

	// ---- clock (altdma_plat_clock_ns) -----------------------------------
	// Each thread has its own clock, starting at kClockStartNs; every read
	// returns it, then moves it on by clock_step_ns (so a timed operation
	// that reads it twice takes exactly clock_step_ns). Reset to 0 steps.
	static constexpr altdma_u64 kClockStartNs = 1000000000ull;
	std::atomic<altdma_u64> clock_step_ns{0};
	static altdma_u64 read_thread_clock(altdma_u64 step);
	long clock_reads() const { return clock_reads_.load(); }
	void note_clock_read() { clock_reads_++; }

	// Implementation of the C ABI (called from fake_platform.cpp).
	struct Lock;
	void get_info(altdma_plat_info *info);
	void *alloc(altdma_usize size, altdma_u32 gfp);
	void free(void *ptr);
	int alloc_pages(altdma_plat_device *dev, altdma_u32 caller_gfp,
			altdma_zone zone, altdma_u32 order, altdma_phys_t *phys);
	void free_pages(altdma_phys_t phys, altdma_u32 order);
	void *phys_to_virt(altdma_phys_t phys);
	Lock *lock_init();
	void lock_destroy(Lock *lock);
	unsigned long lock(Lock *lock);
	void unlock(Lock *lock, unsigned long flags);

private:
	struct Region {
		RamRegion ram;
		std::uint8_t *mem;	// mmap'd, page aligned
		std::vector<std::uint8_t> page_state;
	};
	enum PageState : std::uint8_t { kFree = 0, kAllocated = 1, kReserved = 2 };

	void release_memory();
	Region *region_of(altdma_phys_t phys);
	const Region *region_of(altdma_phys_t phys) const;
	altdma_u64 zone_limit(altdma_zone zone) const;	// exclusive
	bool bookkeeping_alloc_fails();
	void set_state(altdma_phys_t phys, altdma_u64 pages, PageState state);

	altdma_plat_info info_{};
	std::vector<RamRegion> layout_;
	std::vector<Region> regions_;
	std::map<altdma_phys_t, altdma_u32> blocks_;	// phys -> order
	std::vector<PageAllocCall> page_calls_;
	std::vector<PageFreeCall> page_frees_;
	int fail_next_pages_ = 0;
	std::set<int> failed_zones_;

	std::atomic<long> stack_dumps_{0};
	std::atomic<long> clock_reads_{0};
	std::map<void *, altdma_usize> allocs_;
	std::vector<altdma_u32> alloc_gfps_;
	int alloc_calls_ = 0;
	int fail_alloc_nth_ = 0;
	bool fail_all_allocs_ = false;

	std::set<Lock *> locks_;
	std::atomic<int> locks_held_{0};
	std::atomic<long> lock_acquisitions_{0};
	std::atomic<long> lock_contentions_{0};
	std::atomic<unsigned long> next_flags_{0x1000};
	std::atomic<long> abi_calls_{0};

	std::atomic<long> phys_to_virt_calls_{0};
	std::atomic<long> phys_to_virt_locked_{0};
	std::vector<std::pair<altdma_phys_t, altdma_phys_t>> unmapped_;

	// Guards the records above (page state, blocks, allocations, the lock
	// set, call records); never held while waiting for a platform lock.
	mutable std::mutex mu_;
};

FakePlatform &platform();

} // namespace fake

#endif
