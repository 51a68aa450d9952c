// SPDX-License-Identifier: GPL-2.0
// User-space implementation of platform.h for the host tests.
#include "fake_platform.h"

#include <gtest/gtest.h>
#include <sanitizer/asan_interface.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <thread>

#ifndef ASAN_POISON_MEMORY_REGION
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

namespace fake {

namespace {

#ifndef ALTDMA_GFP_NOWARN
#define ALTDMA_GFP_NOWARN 0u
#endif
#ifndef ALTDMA_GFP_NORETRY
#define ALTDMA_GFP_NORETRY 0u
#endif
constexpr altdma_u32 kKnownGfp =
	ALTDMA_GFP_ATOMIC | ALTDMA_GFP_ZERO | ALTDMA_GFP_NOWARN | ALTDMA_GFP_NORETRY;

// Per-thread state: the platform locks this thread holds (in the order
// taken), the CPU it claims to run on, and the device whose rate limit just
// let a message through.
struct HeldLock {
	const void *lock;
	unsigned long flags;
};
thread_local std::vector<HeldLock> t_held;
thread_local int t_cpu = -1;
thread_local altdma_u32 t_stack = 0;
thread_local altdma_u64 t_clock_ns = FakePlatform::kClockStartNs;
thread_local const FakeDevice *t_ratelimit_passed = nullptr;

bool this_thread_holds(const void *lock)
{
	for (const HeldLock &h : t_held)
		if (h.lock == lock)
			return true;
	return false;
}

// Guards every FakeDevice's log, limits and ranges against concurrent
// platform calls (FakeDevice itself stays a plain, copyable struct).
std::mutex g_dev_mu;

std::string lower(std::string s)
{
	for (char &c : s)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return s;
}

std::string hex(altdma_u64 v)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(v));
	return buf;
}

// The platform promises the core integer and string conversions only (the
// kernel's %p and friends differ from libc's). Flag anything else.
void check_format(const char *fmt)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		while (*p && std::strchr("-+ #0123456789.*", *p))
			p++;
		while (*p && std::strchr("hlzjt", *p))
			p++;
		if (!*p || !std::strchr("diuxXsc", *p))
			ADD_FAILURE() << "core log format uses an unsupported conversion: \""
				      << fmt << "\"";
		if (!*p)
			return;
	}
}

} // namespace

std::vector<RamRegion> default_layout()
{
	return {
		{0x00400000ull, 4 * MiB},
		{0x40000000ull, 8 * MiB},
		{0x100000000ull, 8 * MiB},
		{0x800000000ull, 4 * MiB},
	};
}

// ---- FakeDevice ------------------------------------------------------------

std::vector<LogEntry> FakeDevice::find_log(std::vector<std::string> needles,
					   int level) const
{
	std::lock_guard<std::mutex> g(g_dev_mu);
	std::vector<LogEntry> out;

	for (const LogEntry &e : log) {
		if (level >= 0 && e.level != level)
			continue;
		std::string text = lower(e.text);
		bool all = true;
		for (const std::string &n : needles)
			if (text.find(lower(n)) == std::string::npos)
				all = false;
		if (all)
			out.push_back(e);
	}
	return out;
}

std::string FakeDevice::dump_log() const
{
	std::lock_guard<std::mutex> g(g_dev_mu);
	std::string s;

	for (const LogEntry &e : log)
		s += "  [" + std::to_string(e.level) + (e.ratelimited ? ",rl] " : "] ") +
		     e.text + (e.text.empty() || e.text.back() != '\n' ? "\n" : "");
	return s.empty() ? "  (no messages)\n" : s;
}

// ---- SgChain ---------------------------------------------------------------

SgChain::SgChain(const std::vector<std::pair<altdma_phys_t, altdma_u32>> &ents)
{
	for (const auto &[phys, len] : ents)
		add(phys, len);
}

void SgChain::add(altdma_phys_t phys, altdma_u32 length)
{
	auto e = std::make_unique<altdma_plat_sg>();
	e->phys = phys;
	e->length = length;
	e->dma_address = kSgUntouchedAddr;
	e->dma_length = kSgUntouchedLen;
	e->next = nullptr;
	e->set_dma_calls = 0;
	if (!ents_.empty())
		ents_.back()->next = e.get();
	ents_.push_back(std::move(e));
}

void SgChain::reset_dma()
{
	for (auto &e : ents_) {
		e->dma_address = kSgUntouchedAddr;
		e->dma_length = kSgUntouchedLen;
		e->set_dma_calls = 0;
	}
}

// ---- FakePlatform ------------------------------------------------------------

// A platform spinlock: a real mutex. @held and @flags are written only by
// the thread holding @m; @held is atomic so another thread's misuse check
// can read it.
struct FakePlatform::Lock {
	std::mutex m;
	std::atomic<bool> held{false};
	unsigned long flags = 0;
};

std::string describe(const Snapshot &s)
{
	return "page_alloc_calls " + std::to_string(s.page_alloc_calls) +
	       ", page_free_calls " + std::to_string(s.page_free_calls) +
	       ", page_blocks " + std::to_string(s.page_blocks) +
	       ", free_pages " + std::to_string(s.free_pages) +
	       ", alloc_calls " + std::to_string(s.alloc_calls) +
	       ", allocs " + std::to_string(s.allocs) +
	       ", live_locks " + std::to_string(s.live_locks) +
	       ", lock_acquisitions " + std::to_string(s.lock_acquisitions) +
	       ", phys_to_virt_calls " + std::to_string(s.phys_to_virt_calls) +
	       ", abi_calls " + std::to_string(s.abi_calls) +
	       ", log_lines " + std::to_string(s.log_lines) +
	       ", ratelimit_checks " + std::to_string(s.ratelimit_checks);
}

void PrintTo(const Snapshot &s, std::ostream *os)
{
	*os << "{" << describe(s) << "}";
}

FakePlatform::FakePlatform()
{
	reset();
}

FakePlatform::~FakePlatform()
{
	release_memory();
}

void FakePlatform::release_memory()
{
	for (Region &r : regions_) {
		ASAN_UNPOISON_MEMORY_REGION(r.mem, r.ram.size);
		munmap(r.mem, r.ram.size);
	}
	regions_.clear();
	for (auto &[ptr, size] : allocs_)
		std::free(ptr);
	allocs_.clear();
	for (Lock *l : locks_) {
		if (!l->held) {
			delete l;
		} else if (this_thread_holds(l)) {
			l->held = false;
			l->m.unlock();
			delete l;
		}
		// else: held by another thread; leaked rather than destroyed
		// locked (check_clean has already reported it).
	}
	locks_.clear();
	t_held.clear();
}

void FakePlatform::reset(const std::vector<RamRegion> &layout)
{
	std::lock_guard<std::mutex> g(mu_);
	release_memory();
	blocks_.clear();
	page_calls_.clear();
	page_frees_.clear();
	fail_next_pages_ = 0;
	failed_zones_.clear();
	alloc_gfps_.clear();
	alloc_calls_ = 0;
	fail_alloc_nth_ = 0;
	fail_all_allocs_ = false;
	locks_held_ = 0;
	lock_acquisitions_ = 0;
	lock_contentions_ = 0;
	abi_calls_ = 0;
	stack_dumps_ = 0;
	clock_reads_ = 0;
	clock_step_ns = 0;
	phys_to_virt_calls_ = 0;
	phys_to_virt_locked_ = 0;
	atomic_context = false;
	unmapped_.clear();
	cpu_id = 0;
	nr_cpus = 4;
	t_cpu = -1;
	t_stack = 0;
	t_clock_ns = kClockStartNs;
	t_ratelimit_passed = nullptr;

	layout_ = layout;
	std::sort(layout_.begin(), layout_.end(),
		  [](const RamRegion &a, const RamRegion &b) { return a.base < b.base; });
	altdma_u64 top = 0;
	for (const RamRegion &ram : layout_) {
		if (ram.base % kPage || ram.size % kPage || ram.size == 0)
			ADD_FAILURE() << "bad fake RAM region " << hex(ram.base);
		void *mem = mmap(nullptr, ram.size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (mem == MAP_FAILED) {
			ADD_FAILURE() << "mmap of fake RAM failed";
			std::abort();
		}
		// Free pages are poisoned: a core that touches memory it does
		// not own trips AddressSanitizer.
		ASAN_POISON_MEMORY_REGION(mem, ram.size);
		regions_.push_back(Region{ram, static_cast<std::uint8_t *>(mem),
					  std::vector<std::uint8_t>(ram.size / kPage, kFree)});
		top = std::max(top, ram.base + ram.size);
	}

	info_ = altdma_plat_info{};
	info_.max_pfn = top >> ALTDMA_PAGE_SHIFT;
	info_.zone_dma_bits = 24;
	info_.has_zone_dma = 1;
	info_.has_zone_dma32 = 1;
	info_.max_page_order = 10;
}

bool FakePlatform::check_clean()
{
	std::lock_guard<std::mutex> g(mu_);
	bool clean = true;

	for (const auto &[phys, order] : blocks_) {
		ADD_FAILURE() << "leaked page block at " << hex(phys) << " order " << order;
		clean = false;
	}
	for (const auto &[ptr, size] : allocs_) {
		ADD_FAILURE() << "leaked bookkeeping allocation of " << size << " bytes";
		clean = false;
	}
	if (!locks_.empty()) {
		ADD_FAILURE() << locks_.size() << " lock(s) never destroyed";
		clean = false;
	}
	if (locks_held_) {
		ADD_FAILURE() << locks_held_.load() << " lock(s) still held";
		clean = false;
	}
	return clean;
}

FakePlatform::Region *FakePlatform::region_of(altdma_phys_t phys)
{
	for (Region &r : regions_)
		if (phys >= r.ram.base && phys - r.ram.base < r.ram.size)
			return &r;
	return nullptr;
}

const FakePlatform::Region *FakePlatform::region_of(altdma_phys_t phys) const
{
	return const_cast<FakePlatform *>(this)->region_of(phys);
}

bool FakePlatform::is_ram(altdma_phys_t phys, altdma_u64 size) const
{
	const Region *r = region_of(phys);

	if (!r || size == 0)
		return r != nullptr;
	return size - 1 <= r->ram.base + r->ram.size - 1 - phys;
}

std::uint8_t *FakePlatform::virt(altdma_phys_t phys) const
{
	const Region *r = region_of(phys);

	return r ? r->mem + (phys - r->ram.base) : nullptr;
}

void FakePlatform::set_state(altdma_phys_t phys, altdma_u64 pages, PageState state)
{
	Region *r = region_of(phys);

	for (altdma_u64 i = 0; i < pages; i++)
		r->page_state[(phys - r->ram.base) / kPage + i] = state;
}

std::uint8_t *FakePlatform::reserve(altdma_phys_t phys, altdma_u64 size,
				    std::uint8_t fill)
{
	std::lock_guard<std::mutex> g(mu_);
	altdma_phys_t start = phys & ~(kPage - 1);
	altdma_u64 pages = (phys + size - start + kPage - 1) / kPage;

	if (!is_ram(start, pages * kPage)) {
		ADD_FAILURE() << "reserve outside fake RAM: " << hex(phys);
		return nullptr;
	}
	Region *r = region_of(start);
	for (altdma_u64 i = 0; i < pages; i++) {
		if (r->page_state[(start - r->ram.base) / kPage + i] != kFree) {
			ADD_FAILURE() << "reserve of a page in use: " << hex(start + i * kPage);
			return nullptr;
		}
	}
	set_state(start, pages, kReserved);
	ASAN_UNPOISON_MEMORY_REGION(virt(start), pages * kPage);
	std::memset(virt(start), fill, pages * kPage);
	return virt(phys);
}

bool FakePlatform::all_bytes(altdma_phys_t phys, altdma_u64 size, std::uint8_t value) const
{
	const std::uint8_t *p = virt(phys);

	if (!p || !is_ram(phys, size))
		return false;
	for (altdma_u64 i = 0; i < size; i++)
		if (p[i] != value)
			return false;
	return true;
}

bool FakePlatform::page_block_allocated(altdma_phys_t phys, altdma_u32 *order) const
{
	std::lock_guard<std::mutex> g(mu_);
	auto it = blocks_.find(phys);

	if (it == blocks_.end())
		return false;
	if (order)
		*order = it->second;
	return true;
}

std::size_t FakePlatform::outstanding_page_blocks() const
{
	std::lock_guard<std::mutex> g(mu_);
	return blocks_.size();
}

int FakePlatform::alloc_calls() const
{
	std::lock_guard<std::mutex> g(mu_);
	return alloc_calls_;
}

std::size_t FakePlatform::outstanding_allocs() const
{
	std::lock_guard<std::mutex> g(mu_);
	return allocs_.size();
}

std::size_t FakePlatform::live_locks() const
{
	std::lock_guard<std::mutex> g(mu_);
	return locks_.size();
}

int FakePlatform::thread_locks_held()
{
	return static_cast<int>(t_held.size());
}

altdma_u64 FakePlatform::read_thread_clock(altdma_u64 step)
{
	altdma_u64 now = t_clock_ns;

	t_clock_ns += step;
	return now;
}

void FakePlatform::set_thread_stack(altdma_u32 handle)
{
	t_stack = handle;
}

altdma_u32 FakePlatform::thread_stack()
{
	return t_stack;
}

void FakePlatform::set_thread_cpu(int cpu)
{
	t_cpu = cpu;
}

int FakePlatform::thread_cpu()
{
	return t_cpu;
}

Snapshot FakePlatform::snapshot(const FakeDevice *dev) const
{
	Snapshot s{};
	{
		std::lock_guard<std::mutex> g(mu_);
		s.page_alloc_calls = page_calls_.size();
		s.page_free_calls = page_frees_.size();
		s.page_blocks = blocks_.size();
		for (const Region &r : regions_)
			for (std::uint8_t st : r.page_state)
				s.free_pages += st == kFree;
		s.alloc_calls = alloc_calls_;
		s.allocs = allocs_.size();
		s.live_locks = locks_.size();
	}
	s.lock_acquisitions = lock_acquisitions_;
	s.phys_to_virt_calls = phys_to_virt_calls_;
	s.abi_calls = abi_calls_;
	if (dev) {
		std::lock_guard<std::mutex> g(g_dev_mu);
		s.log_lines = dev->log.size();
		s.ratelimit_checks = dev->ratelimit_checks;
	}
	return s;
}

altdma_u64 FakePlatform::free_pages_in(altdma_phys_t lo, altdma_phys_t hi) const
{
	std::lock_guard<std::mutex> g(mu_);
	altdma_u64 n = 0;

	for (const Region &r : regions_)
		for (altdma_u64 i = 0; i < r.page_state.size(); i++) {
			altdma_phys_t p = r.ram.base + i * kPage;
			if (p >= lo && p < hi && r.page_state[i] == kFree)
				n++;
		}
	return n;
}

void FakePlatform::fail_zone(altdma_zone zone, bool fail)
{
	std::lock_guard<std::mutex> g(mu_);
	if (fail)
		failed_zones_.insert(zone);
	else
		failed_zones_.erase(zone);
}

std::vector<altdma_zone> FakePlatform::page_alloc_zones() const
{
	std::lock_guard<std::mutex> g(mu_);
	std::vector<altdma_zone> zones;

	for (const PageAllocCall &c : page_calls_)
		zones.push_back(c.zone);
	return zones;
}

void FakePlatform::clear_records()
{
	std::lock_guard<std::mutex> g(mu_);
	page_calls_.clear();
	page_frees_.clear();
	alloc_gfps_.clear();
	phys_to_virt_calls_ = 0;
}

altdma_u64 FakePlatform::zone_limit(altdma_zone zone) const
{
	// As in Linux, GFP_DMA / GFP_DMA32 without the zone is a no-op.
	switch (zone) {
	case ALTDMA_ZONE_DMA:
		if (info_.has_zone_dma)
			return info_.zone_dma_bits >= 64 ? ~0ull : 1ull << info_.zone_dma_bits;
		return ~0ull;
	case ALTDMA_ZONE_DMA32:
		return info_.has_zone_dma32 ? 1ull << 32 : ~0ull;
	case ALTDMA_ZONE_NORMAL:
		return ~0ull;
	}
	ADD_FAILURE() << "alloc_pages with an invalid zone " << static_cast<int>(zone);
	return 0;
}

int FakePlatform::alloc_pages(altdma_plat_device *dev, altdma_u32 caller_gfp,
			      altdma_zone zone, altdma_u32 order, altdma_phys_t *phys)
{
	const bool locked = !t_held.empty();
	PageAllocCall call{dev, caller_gfp, zone, order, -ALTDMA_ENOMEM, 0, locked};

	if (!phys)
		ADD_FAILURE() << "alloc_pages without a result pointer";
	// Under a spinlock only the core's own atomic gfp is safe: a caller's
	// gfp is opaque to the core and may sleep.
	const bool core_atomic = (caller_gfp & 0xFFFF0000u) == kCoreGfpTag &&
				 (caller_gfp & ALTDMA_GFP_ATOMIC);
	if (locked && !core_atomic)
		ADD_FAILURE() << "alloc_pages called with a platform lock held "
				 "and a gfp that may sleep";
	std::lock_guard<std::mutex> g(mu_);
	if (atomic_context && (caller_gfp & 0xFFFF0000u) == kCoreGfpTag && !core_atomic)
		ADD_FAILURE() << "core page allocation with a gfp that may sleep "
				 "in atomic context";
	if (order > info_.max_page_order)
		ADD_FAILURE() << "alloc_pages order " << order << " above max_page_order "
			      << info_.max_page_order;

	bool inject = false;
	if (fail_next_pages_ > 0) {
		fail_next_pages_--;
		inject = true;
	}
	if (failed_zones_.count(zone))
		inject = true;

	if (!inject && phys && order <= info_.max_page_order) {
		const altdma_u64 block = kPage << order;
		const altdma_u64 limit = zone_limit(zone);
		// Highest memory first, like a machine with plenty of high RAM.
		for (auto it = regions_.rbegin(); it != regions_.rend() && call.result; ++it) {
			Region &r = *it;
			altdma_u64 end = r.ram.base + r.ram.size;
			if (limit < end)
				end = limit;
			if (end < r.ram.base + block)
				continue;
			for (altdma_u64 start = (end - block) & ~(block - 1);
			     start >= r.ram.base; start -= block) {
				altdma_u64 first = (start - r.ram.base) / kPage;
				bool avail = true;
				for (altdma_u64 i = 0; i < (1ull << order); i++)
					if (r.page_state[first + i] != kFree) {
						avail = false;
						break;
					}
				if (avail) {
					call.result = 0;
					call.phys = start;
					break;
				}
				if (start < block)
					break;
			}
		}
	}

	if (call.result == 0) {
		set_state(call.phys, 1ull << order, kAllocated);
		blocks_[call.phys] = order;
		ASAN_UNPOISON_MEMORY_REGION(virt(call.phys), kPage << order);
		std::memset(virt(call.phys), kPoisonByte, kPage << order);
		*phys = call.phys;
	}
	page_calls_.push_back(call);
	return call.result;
}

void FakePlatform::free_pages(altdma_phys_t phys, altdma_u32 order)
{
	std::lock_guard<std::mutex> g(mu_);
	page_frees_.push_back(PageFreeCall{phys, order});
	auto it = blocks_.find(phys);
	if (it == blocks_.end()) {
		ADD_FAILURE() << "free_pages of a block that is not allocated: "
			      << hex(phys) << " order " << order;
		return;
	}
	if (it->second != order) {
		ADD_FAILURE() << "free_pages with the wrong order: " << hex(phys)
			      << " allocated with order " << it->second
			      << ", freed with order " << order;
		return;
	}
	blocks_.erase(it);
	std::memset(virt(phys), 0x5A, kPage << order);
	set_state(phys, 1ull << order, kFree);
	ASAN_POISON_MEMORY_REGION(virt(phys), kPage << order);
}

void *FakePlatform::phys_to_virt(altdma_phys_t phys)
{
	phys_to_virt_calls_++;
	if (!t_held.empty())
		phys_to_virt_locked_++;
	std::lock_guard<std::mutex> g(mu_);
	for (const auto &[lo, hi] : unmapped_)
		if (phys >= lo && phys < hi)
			return nullptr;
	return virt(phys);
}

bool FakePlatform::bookkeeping_alloc_fails()
{
	alloc_calls_++;
	if (fail_all_allocs_)
		return true;
	if (fail_alloc_nth_ > 0 && --fail_alloc_nth_ == 0)
		return true;
	return false;
}

void FakePlatform::get_info(altdma_plat_info *info)
{
	std::lock_guard<std::mutex> g(mu_);
	*info = info_;
}

void *FakePlatform::alloc(altdma_usize size, altdma_u32 gfp)
{
	std::lock_guard<std::mutex> g(mu_);
	alloc_gfps_.push_back(gfp);
	if (!(gfp & ALTDMA_GFP_ATOMIC) && !t_held.empty())
		ADD_FAILURE() << "sleeping bookkeeping allocation with a lock held";
	if (!(gfp & ALTDMA_GFP_ATOMIC) && atomic_context)
		ADD_FAILURE() << "sleeping bookkeeping allocation in atomic context";
	if (gfp & ~kKnownGfp)
		ADD_FAILURE() << "unknown bookkeeping gfp bits " << hex(gfp);
	if (bookkeeping_alloc_fails())
		return nullptr;
	void *p = std::malloc(size ? size : 1);
	if (!p)
		std::abort();
	std::memset(p, (gfp & ALTDMA_GFP_ZERO) ? 0 : kPoisonByte, size);
	allocs_[p] = size;
	return p;
}

void FakePlatform::free(void *ptr)
{
	if (!ptr)
		return;
	std::lock_guard<std::mutex> g(mu_);
	auto it = allocs_.find(ptr);
	if (it == allocs_.end()) {
		ADD_FAILURE() << "altdma_plat_free of a pointer that is not allocated";
		return;
	}
	std::memset(ptr, 0x5A, it->second);
	allocs_.erase(it);
	std::free(ptr);
}

// The kernel's lock lives in the caller's storage; the fake's is a side
// object whose address the storage holds, so a lock used before init or
// after destroy is told apart from a live one.
FakePlatform::Lock *FakePlatform::lock_init()
{
	std::lock_guard<std::mutex> g(mu_);
	Lock *l = new Lock;
	locks_.insert(l);
	return l;
}

void FakePlatform::lock_destroy(Lock *lock)
{
	if (!lock)
		return;
	std::lock_guard<std::mutex> g(mu_);
	if (!locks_.count(lock)) {
		ADD_FAILURE() << "lock_destroy of an unknown lock";
		return;
	}
	if (lock->held) {
		ADD_FAILURE() << "lock_destroy of a held lock";
		locks_held_--;
		if (!this_thread_holds(lock)) {
			// Another thread holds it: forget it, but do not free
			// a locked mutex under that thread.
			locks_.erase(lock);
			return;
		}
		for (auto it = t_held.begin(); it != t_held.end(); ++it)
			if (it->lock == lock) {
				t_held.erase(it);
				break;
			}
		lock->held = false;
		lock->m.unlock();
	}
	locks_.erase(lock);
	delete lock;
}

unsigned long FakePlatform::lock(Lock *lock)
{
	{
		std::lock_guard<std::mutex> g(mu_);
		if (!locks_.count(lock)) {
			ADD_FAILURE() << "lock of an unknown lock";
			return 0;
		}
	}
	for (const HeldLock &h : t_held)
		if (h.lock == lock) {
			ADD_FAILURE() << "lock taken recursively (would deadlock)";
			return h.flags;
		}
	// Not under mu_: waiting here while holding mu_ would deadlock with
	// the holder's next platform call.
	if (!lock->m.try_lock()) {
		lock_contentions_++;
		lock->m.lock();
	}
	lock->held = true;
	lock->flags = next_flags_++;
	t_held.push_back(HeldLock{lock, lock->flags});
	locks_held_++;
	lock_acquisitions_++;
	return lock->flags;
}

void FakePlatform::unlock(Lock *lock, unsigned long flags)
{
	{
		std::lock_guard<std::mutex> g(mu_);
		if (!locks_.count(lock)) {
			ADD_FAILURE() << "unlock of an unknown lock";
			return;
		}
	}
	auto it = t_held.begin();
	while (it != t_held.end() && it->lock != lock)
		++it;
	if (it == t_held.end()) {
		if (lock->held)
			ADD_FAILURE() << "unlock of a lock held by another thread";
		else
			ADD_FAILURE() << "unlock of a lock that is not held";
		return;
	}
	if (flags != it->flags)
		ADD_FAILURE() << "unlock with flags from another lock()";
	t_held.erase(it);
	lock->held = false;
	locks_held_--;
	lock->m.unlock();
}

FakePlatform &platform()
{
	static FakePlatform instance;
	return instance;
}

} // namespace fake

// ---- the C ABI ------------------------------------------------------------------

using fake::FakeDevice;
using fake::platform;

extern "C" {

void altdma_plat_get_info(struct altdma_plat_info *info)
{
	platform().count_abi_call();
	platform().get_info(info);
}

void *altdma_plat_alloc(altdma_usize size, altdma_u32 gfp)
{
	platform().count_abi_call();
	return platform().alloc(size, gfp);
}

void altdma_plat_free(void *ptr)
{
	platform().count_abi_call();
	platform().free(ptr);
}

void altdma_plat_bug(const char *what)
{
	platform().count_abi_call();
	std::fprintf(stderr, "altdma_plat_bug: %s\n", what ? what : "(null)");
	std::fflush(stderr);
	std::abort();
}

int altdma_plat_alloc_pages(struct altdma_plat_device *dev, altdma_u32 caller_gfp,
			    enum altdma_zone zone, altdma_u32 order, altdma_phys_t *phys)
{
	platform().count_abi_call();
	return platform().alloc_pages(dev, caller_gfp, zone, order, phys);
}

void altdma_plat_free_pages(altdma_phys_t phys, altdma_u32 order)
{
	platform().count_abi_call();
	platform().free_pages(phys, order);
}

altdma_u32 altdma_plat_page_gfp(altdma_u32 gfp)
{
	platform().count_abi_call();
	if (gfp & ~fake::kKnownGfp)
		ADD_FAILURE() << "unknown gfp bits passed to page_gfp: " << gfp;
	return fake::FakePlatform::kCoreGfpTag | gfp;
}

void *altdma_plat_phys_to_virt(altdma_phys_t phys)
{
	platform().count_abi_call();
	return platform().phys_to_virt(phys);
}

void altdma_plat_dev_limits(struct altdma_plat_device *dev, struct altdma_dev_limits *limits)
{
	platform().count_abi_call();
	FakeDevice *d = FakeDevice::from(dev);
	std::lock_guard<std::mutex> g(fake::g_dev_mu);

	d->limits_reads++;
	*limits = d->limits;
}

int altdma_plat_dev_range(struct altdma_plat_device *dev, altdma_u32 index,
			  struct altdma_range *range)
{
	platform().count_abi_call();
	FakeDevice *d = FakeDevice::from(dev);
	std::lock_guard<std::mutex> g(fake::g_dev_mu);

	if (index >= d->ranges.size())
		return -ALTDMA_ENXIO;
	*range = d->ranges[index];
	return 0;
}

void altdma_plat_dev_log(struct altdma_plat_device *dev, enum altdma_log_level level,
			 int ratelimited, const char *fmt, ...)
{
	platform().count_abi_call();
	FakeDevice *d = FakeDevice::from(dev);
	va_list ap, ap2;

	fake::check_format(fmt);
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = std::vsnprintf(nullptr, 0, fmt, ap);
	va_end(ap);
	std::string text(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
	std::vsnprintf(text.data(), text.size() + 1, fmt, ap2);
	va_end(ap2);
	// A message the device's rate limit let through just before counts as
	// rate limited.
	const bool passed = fake::t_ratelimit_passed == d;
	fake::t_ratelimit_passed = nullptr;
	std::lock_guard<std::mutex> g(fake::g_dev_mu);
	if (ratelimited && !d->ratelimit_allows) {
		d->ratelimit_dropped++;
		return;
	}
	if (std::getenv("ALTDMA_TEST_VERBOSE"))
		std::fprintf(stderr, "%s: [%d%s] %s", d->name.c_str(), level,
			     ratelimited || passed ? ",rl" : "", text.c_str());
	d->log.push_back(fake::LogEntry{level, ratelimited != 0 || passed, text});
}

int altdma_plat_vformat(char *buf, altdma_usize len, const char *fmt,
			altdma_va_list args)
{
	platform().count_abi_call();
	fake::check_format(fmt);
	return std::vsnprintf(buf, len, fmt, args);
}

int altdma_plat_dev_log_ratelimit(struct altdma_plat_device *dev)
{
	platform().count_abi_call();
	FakeDevice *d = FakeDevice::from(dev);
	std::lock_guard<std::mutex> g(fake::g_dev_mu);

	d->ratelimit_checks++;
	fake::t_ratelimit_passed = d->ratelimit_allows ? d : nullptr;
	return d->ratelimit_allows ? 1 : 0;
}

static_assert(sizeof(fake::FakePlatform::Lock *) <= sizeof(altdma_plat_lock::storage));

static fake::FakePlatform::Lock *fake_lock(struct altdma_plat_lock *lock)
{
	fake::FakePlatform::Lock *l;

	std::memcpy(&l, lock->storage, sizeof(l));
	return l;
}

void altdma_plat_lock_init_class(struct altdma_plat_lock *lock,
				 enum altdma_lock_class cls)
{
	if (static_cast<unsigned>(cls) >= ALTDMA_LOCK_CLASS_COUNT)
		std::abort();
	altdma_plat_lock_init(lock);
}

void altdma_plat_lock_init(struct altdma_plat_lock *lock)
{
	platform().count_abi_call();
	fake::FakePlatform::Lock *l = platform().lock_init();
	std::memset(lock->storage, 0, sizeof(lock->storage));
	std::memcpy(lock->storage, &l, sizeof(l));
}

void altdma_plat_lock_destroy(struct altdma_plat_lock *lock)
{
	platform().count_abi_call();
	platform().lock_destroy(fake_lock(lock));
	std::memset(lock->storage, 0, sizeof(lock->storage));
}

unsigned long altdma_plat_lock(struct altdma_plat_lock *lock)
{
	platform().count_abi_call();
	return platform().lock(fake_lock(lock));
}

void altdma_plat_unlock(struct altdma_plat_lock *lock, unsigned long flags)
{
	platform().count_abi_call();
	platform().unlock(fake_lock(lock), flags);
}

altdma_u32 altdma_plat_cpu_id(void)
{
	platform().count_abi_call();
	const altdma_u32 cpu = fake::t_cpu >= 0 ? static_cast<altdma_u32>(fake::t_cpu)
						: platform().cpu_id;
	if (cpu >= platform().nr_cpus)
		ADD_FAILURE() << "fake cpu_id " << cpu << " >= nr_cpus";
	return cpu;
}

altdma_u32 altdma_plat_nr_cpus(void)
{
	platform().count_abi_call();
	return platform().nr_cpus;
}

// Different on every call, and from run to run: nothing may depend on it.
altdma_u64 altdma_plat_random_u64(void)
{
	static std::atomic<altdma_u64> calls{0};
	platform().count_abi_call();
	return std::chrono::steady_clock::now().time_since_epoch().count() * 0x9e3779b97f4a7c15ull ^
	       calls.fetch_add(1);
}

altdma_u64 altdma_plat_clock_ns(void)
{
	platform().count_abi_call();
	platform().note_clock_read();
	return fake::FakePlatform::read_thread_clock(platform().clock_step_ns.load());
}

namespace {

// The altdma_plat_trace_* calls: each one event in @dev's trace.
void record_trace(struct altdma_plat_device *dev, const fake::TraceEvent &e)
{
	platform().count_abi_call();
	std::lock_guard<std::mutex> g(fake::g_dev_mu);
	FakeDevice::from(dev)->trace.push_back(e);
}

} // namespace

void altdma_plat_trace_bounce(struct altdma_plat_device *dev, altdma_phys_t orig,
			      altdma_phys_t slot, altdma_u64 size, int to_device)
{
	fake::TraceEvent e;
	e.event = "bounce";
	e.orig = orig;
	e.slot = slot;
	e.size = size;
	e.to_device = to_device != 0;
	record_trace(dev, e);
}

void altdma_plat_trace_fault(struct altdma_plat_device *dev, const char *op_class,
			     altdma_u64 size, enum altdma_dir dir, altdma_u64 op_index)
{
	fake::TraceEvent e;
	e.event = "fault_injected";
	e.op_class = op_class;
	e.size = size;
	e.dir = dir;
	e.op_index = op_index;
	record_trace(dev, e);
}

altdma_u32 altdma_plat_stack_save(void)
{
	platform().count_abi_call();
	return fake::FakePlatform::thread_stack();
}

void altdma_plat_stack_log(struct altdma_plat_device *dev, altdma_u32 handle)
{
	platform().count_abi_call();
	std::lock_guard<std::mutex> g(fake::g_dev_mu);
	FakeDevice::from(dev)->stacks_logged.push_back(handle);
}

void altdma_plat_trace_check(struct altdma_plat_device *dev, const char *check,
			     const char *op, altdma_dma_t dma, altdma_u64 size)
{
	fake::TraceEvent e;
	e.event = "check_error";
	e.check = check;
	e.op = op;
	e.dma = dma;
	e.size = size;
	record_trace(dev, e);
}

void altdma_plat_dump_stack(void)
{
	platform().count_abi_call();
	platform().note_stack_dump();
}

struct altdma_plat_sg *altdma_plat_sg_next(struct altdma_plat_sg *sg)
{
	platform().count_abi_call();
	if (!sg) {
		ADD_FAILURE() << "sg_next(NULL)";
		return nullptr;
	}
	return sg->next;
}

altdma_phys_t altdma_plat_sg_phys(const struct altdma_plat_sg *sg)
{
	platform().count_abi_call();
	if (!sg) {
		ADD_FAILURE() << "sg_phys(NULL)";
		return 0;
	}
	return sg->phys;
}

altdma_u32 altdma_plat_sg_length(const struct altdma_plat_sg *sg)
{
	platform().count_abi_call();
	if (!sg) {
		ADD_FAILURE() << "sg_length(NULL)";
		return 0;
	}
	return sg->length;
}

altdma_dma_t altdma_plat_sg_dma_address(const struct altdma_plat_sg *sg)
{
	platform().count_abi_call();
	if (!sg) {
		ADD_FAILURE() << "sg_dma_address(NULL)";
		return 0;
	}
	return sg->dma_address;
}

altdma_u32 altdma_plat_sg_dma_length(const struct altdma_plat_sg *sg)
{
	platform().count_abi_call();
	if (!sg) {
		ADD_FAILURE() << "sg_dma_length(NULL)";
		return 0;
	}
	return sg->dma_length;
}

void altdma_plat_sg_set_dma(struct altdma_plat_sg *sg, altdma_dma_t addr, altdma_u32 length)
{
	platform().count_abi_call();
	if (!sg) {
		ADD_FAILURE() << "sg_set_dma(NULL)";
		return;
	}
	sg->dma_address = addr;
	sg->dma_length = length;
	sg->set_dma_calls++;
}

} // extern "C"
