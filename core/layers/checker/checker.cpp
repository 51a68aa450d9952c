// SPDX-License-Identifier: GPL-2.0
#include "layers/checker/checker.h"

#include "base/object.h"
#include "policy/bounce/bounce_policy.h"

namespace altdma {

namespace {

constexpr const char *kClassNames[ALTDMA_CHECK_CLASS_COUNT] = {
	"not_mapped",	  "wrong_size",	    "wrong_direction",
	"wrong_kind",	  "sync_range",	    "sync_direction",
	"sg_mismatch",	  "sg_segment",	    "leak",
	"overlap",	  "cpu_wrote_to_device_buffer",
	"device_wrote_to_device_buffer", "dma_after_unmap",
};

constexpr const char *kDirNames[4] = {
	"BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE", "NONE",
};

const char *dir_name(enum altdma_dir dir)
{
	return kDirNames[dir & 3];
}

// A change of any one word always changes the sum (each step is a
// bijection of the state): enough to tell a written buffer.
altdma_u64 checksum(altdma_phys_t phys, altdma_u64 size, bool *ok)
{
	const auto *p = static_cast<const altdma_u8 *>(altdma_plat_phys_to_virt(phys));
	altdma_u64 h = 0xCBF29CE484222325ull ^ size;

	*ok = p != nullptr;
	if (!p)
		return 0;
	for (; size >= 8; size -= 8, p += 8) {
		altdma_u64 w;

		__builtin_memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001B3ull;
	}
	for (; size; size--, p++)
		h = (h ^ *p) * 0x100000001B3ull;
	return h;
}

// Coherent memory is the device's to write whenever it likes.
bool lets_device_write(const LiveEntry &e)
{
	return e.kind == LiveKind::kCoherent || e.dir == ALTDMA_BIDIRECTIONAL ||
	       e.dir == ALTDMA_FROM_DEVICE;
}

const char *access_name(const LiveEntry &e)
{
	return e.kind == LiveKind::kCoherent ? "coherent" : dir_name(e.dir);
}

const char *map_op_name(LiveKind kind)
{
	switch (kind) {
	case LiveKind::kSg:
		return "map_sg";
	case LiveKind::kResource:
		return "map_resource";
	case LiveKind::kCoherent:
		return "alloc";
	case LiveKind::kPages:
		return "alloc_pages";
	default:
		return "map";
	}
}

// Only what can corrupt: one of the two lets the device write. As
// dma-debug, a mapping with SKIP_CPU_SYNC (a driver sharing a page among
// buffers, syncing each itself) is left alone.
bool conflicts_with(const void *ctx, const LiveEntry &other)
{
	const auto &e = *static_cast<const LiveEntry *>(ctx);

	// A list's own entries may alias (a readv into one buffer twice): the
	// request's business, not a mapping bug.
	if (e.kind == LiveKind::kSg && other.kind == LiveKind::kSg &&
	    e.sg_list == other.sg_list)
		return false;
	return !(other.attrs & ALTDMA_ATTR_SKIP_CPU_SYNC) &&
	       (lets_device_write(e) || lets_device_write(other));
}

// As the kernel's default rate limit: 10 messages per class per 5 s.
constexpr altdma_u64 kRateWindowNs = 5000000000ull;
constexpr altdma_u32 kRateBurst = 10;

// The groups outstanding() builds: (stack, size, direction, kind) hashed
// into a table twice the groups' count, at most kMaxGroups (12 KiB of
// slots: a small allocation, made in the unbind path too).
constexpr altdma_u64 kMaxGroups = 128;

struct GroupKey {
	altdma_u64 size;
	altdma_u32 stack;
	enum altdma_dir dir;
	LiveKind kind;
};

struct GroupSlot {
	GroupKey key;
	altdma_u64 count;
	altdma_dma_t first_dma;
	bool used;
};

struct GroupTable {
	GroupSlot *slots;
	altdma_u64 nslots;
	altdma_u64 used;
	altdma_u64 overflow;	// entries of groups beyond the table: counted apart
	altdma_dma_t overflow_first;
};

bool same_key(const GroupKey &a, const GroupKey &b)
{
	return a.size == b.size && a.stack == b.stack && a.dir == b.dir &&
	       a.kind == b.kind;
}

altdma_u64 hash_key(const GroupKey &k)
{
	altdma_u64 h = k.size * 0x9E3779B97F4A7C15ull;

	h ^= (static_cast<altdma_u64>(k.stack) << 8 | static_cast<altdma_u64>(k.dir) << 4 |
	      static_cast<altdma_u64>(k.kind)) * 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 31);
}

void group_entry(void *ctx, const LiveEntry &e)
{
	auto *t = static_cast<GroupTable *>(ctx);
	GroupKey key = { e.size, e.stack, e.dir, e.kind };
	altdma_u64 i = hash_key(key) % t->nslots;

	for (altdma_u64 probe = 0; probe < t->nslots; probe++, i = (i + 1) % t->nslots) {
		GroupSlot &s = t->slots[i];

		if (s.used && same_key(s.key, key)) {
			s.count++;
			if (e.dma < s.first_dma)
				s.first_dma = e.dma;
			return;
		}
		if (!s.used) {
			// Half full at most: probes stay short.
			if (t->used * 2 >= t->nslots)
				break;
			s = GroupSlot{ key, 1, e.dma, true };
			t->used++;
			return;
		}
	}
	if (!t->overflow || e.dma < t->overflow_first)
		t->overflow_first = e.dma;
	t->overflow++;
}

} // namespace

const char *check_class_name(enum altdma_core_check_class cls)
{
	if (static_cast<unsigned>(cls) >= ALTDMA_CHECK_CLASS_COUNT)
		return nullptr;
	return kClassNames[cls];
}

Result<Checker *> Checker::create(struct altdma_plat_device *plat,
				  altdma_u32 classes)
{
	if (classes >> ALTDMA_CHECK_CLASS_COUNT)
		return Status::kInvalid;
	auto *checker = create_object<Checker>(ALTDMA_GFP_KERNEL, plat,
					       classes ? classes : ALTDMA_CHECK_DEFAULT);
	if (!checker)
		return Status::kNoMemory;
	Status status = checker->table_.init();
	if (status != Status::kOk) {
		destroy_object(checker);
		return status;
	}
	return checker;
}

bool Checker::ratelimit(enum altdma_core_check_class cls)
{
	altdma_u64 now = altdma_plat_clock_ns();
	SpinLockGuard guard(ratelimit_lock_);
	RateLimit &r = ratelimits_[cls];

	if (!r.window_start_ns || now - r.window_start_ns >= kRateWindowNs) {
		if (r.missed)
			altdma_plat_dev_log(plat_, ALTDMA_LOG_WARN, 0,
					    "checker: %u %s messages suppressed\n",
					    r.missed, kClassNames[cls]);
		r = RateLimit{ now ? now : 1, 0, 0 };
	}
	if (r.printed < kRateBurst) {
		r.printed++;
		return true;
	}
	r.missed++;
	return false;
}

Checker::Verdict Checker::note(enum altdma_core_check_class cls,
				const char *op, altdma_dma_t dma, altdma_u64 size)
{
	if (!(classes_ & (1u << cls)))
		return Verdict::kOff;
	findings_[cls].add(1);
	altdma_plat_trace_check(plat_, kClassNames[cls], op, dma, size);
	return ratelimit(cls) ? Verdict::kPrint : Verdict::kQuiet;
}

void Checker::keep(enum altdma_core_check_class cls, const Stacks &stacks,
		   const char (&text)[ALTDMA_CORE_CHECK_TEXT])
{
	// Saved before the lock: the depot may take its own.
	altdma_u32 here = altdma_plat_stack_save();
	altdma_u64 now = altdma_plat_clock_ns();
	SpinLockGuard guard(reports_lock_);
	struct altdma_core_check_report &r =
		reports_[reports_seq_ % ALTDMA_CORE_CHECK_REPORTS];

	r.seq = ++reports_seq_;
	r.time_ns = now;
	r.cls = cls;
	r.flags = stacks.has_map ? ALTDMA_CORE_CHECK_REPORT_MAP_STACK : 0;
	r.map_stack = stacks.has_map ? stacks.map : 0;
	r.other_stack = here;
	__builtin_memcpy(r.text, text, sizeof(r.text));
}

void Checker::report(Verdict verdict, enum altdma_core_check_class cls,
		     const Stacks &stacks, const char *fmt, ...)
{
	char text[ALTDMA_CORE_CHECK_TEXT] = {};
	altdma_va_list args;

	if (verdict == Verdict::kOff)
		return;
	__builtin_va_start(args, fmt);
	altdma_plat_vformat(text, sizeof(text), fmt, args);
	__builtin_va_end(args);
	keep(cls, stacks, text);
	if (verdict != Verdict::kPrint)
		return;
	altdma_plat_dev_log(plat_, ALTDMA_LOG_ERR, 0, "checker: %s\n", text);
	if (stacks.has_map) {
		altdma_plat_dev_log(plat_, ALTDMA_LOG_ERR, 0,
				    "checker:   it was mapped at:\n");
		altdma_plat_stack_log(plat_, stacks.map);
	}
	// As dma-debug: the offending call's own stack (the marker line lets
	// a log checker tell this dump from a kernel warning's).
	altdma_plat_dev_log(plat_, ALTDMA_LOG_ERR, 0, "checker:   reported at:\n");
	altdma_plat_dump_stack();
}

long Checker::reports(struct altdma_core_check_report *out, altdma_u64 max) const
{
	SpinLockGuard guard(reports_lock_);
	altdma_u64 kept = reports_seq_ < ALTDMA_CORE_CHECK_REPORTS ?
				  reports_seq_ : ALTDMA_CORE_CHECK_REPORTS;
	altdma_u64 n = kept < max ? kept : max;

	for (altdma_u64 i = 0; i < n; i++)
		out[i] = reports_[(reports_seq_ - n + i) % ALTDMA_CORE_CHECK_REPORTS];
	return static_cast<long>(n);
}

void Checker::report_tracking_lost()
{
	if (__atomic_exchange_n(&said_untracked_, true, __ATOMIC_RELAXED))
		return;
	altdma_plat_dev_log(plat_, ALTDMA_LOG_WARN, 0,
			    "checker: no memory for its table; mappings made now go unchecked (counted as untracked), the others are still checked\n");
}

void Checker::check_overlap(const LiveEntry *self, const LiveEntry &e)
{
	LiveEntry o;

	if (e.phys == ALTDMA_PHYS_INVALID || e.kind == LiveKind::kResource ||
	    (e.attrs & ALTDMA_ATTR_SKIP_CPU_SYNC) ||
	    !table_.find_overlap(self, e.phys, e.size, conflicts_with, &e, &o))
		return;
	const char *op = map_op_name(e.kind);

	report(note(ALTDMA_CHECK_OVERLAP, op, e.dma, e.size), ALTDMA_CHECK_OVERLAP,
	       Stacks{ true, o.stack },
	       "overlap: %s of memory %#llx+%llu %s (DMA %#llx) overlaps live %s %#llx+%llu %s (DMA %#llx): a device write may corrupt the other",
	       op, e.phys, e.size, access_name(e), e.dma, live_kind_name(o.kind),
	       o.phys, o.size, access_name(o), o.dma);
}

// TO_DEVICE buffers only: the CPU must leave them alone while mapped, and
// under bounce the device must not write their slot.
void Checker::take_sums(LiveEntry *e)
{
	bool ok;

	if (e->dir != ALTDMA_TO_DEVICE || e->phys == ALTDMA_PHYS_INVALID ||
	    (e->kind != LiveKind::kSingle && e->kind != LiveKind::kSg))
		return;
	if (enabled(ALTDMA_CHECK_CPU_WROTE_TO_DEVICE_BUFFER)) {
		e->cpu_sum = checksum(e->phys, e->size, &ok);
		e->sums |= ok ? kSumCpu : 0;
	}
	if (enabled(ALTDMA_CHECK_DEVICE_WROTE_TO_DEVICE_BUFFER) && bounce_) {
		e->slot = bounce_->slot_phys(e->dma);
		if (e->slot != ALTDMA_PHYS_INVALID) {
			e->device_sum = checksum(e->slot, e->size, &ok);
			e->sums |= ok ? kSumDevice : 0;
		}
	}
}

void Checker::check_device_sum(const char *op, const LiveEntry &m)
{
	bool ok;

	if (!(m.sums & kSumDevice) || checksum(m.slot, m.size, &ok) == m.device_sum)
		return;
	report(note(ALTDMA_CHECK_DEVICE_WROTE_TO_DEVICE_BUFFER, op, m.dma, m.size),
	       ALTDMA_CHECK_DEVICE_WROTE_TO_DEVICE_BUFFER,
	       Stacks{ true, m.stack },
	       "device_wrote_to_device_buffer: %s of DMA address %#llx (%llu bytes, TO_DEVICE): the device wrote into its bounce slot %#llx",
	       op, m.dma, m.size, m.slot);
}

void Checker::check_sums(const char *op, const LiveEntry &m)
{
	bool ok;

	check_device_sum(op, m);
	if (!(m.sums & kSumCpu) || checksum(m.phys, m.size, &ok) == m.cpu_sum)
		return;
	report(note(ALTDMA_CHECK_CPU_WROTE_TO_DEVICE_BUFFER, op, m.dma, m.size),
	       ALTDMA_CHECK_CPU_WROTE_TO_DEVICE_BUFFER,
	       Stacks{ true, m.stack },
	       "cpu_wrote_to_device_buffer: %s of DMA address %#llx (%llu bytes, TO_DEVICE): the CPU changed the buffer after its map or last sync for the device",
	       op, m.dma, m.size);
}

// The mapping just removed from the table left this tombstone; one of
// another size is an older mapping's (the slot was never tracked).
altdma_u32 Checker::unmapped_stack(altdma_dma_t dma, altdma_u64 size)
{
	Tombstone t;

	return table_.find_tombstone(dma, &t) && t.size == size ? t.map_stack : 0;
}

void Checker::written_after_unmap(altdma_dma_t dma, altdma_u64 size,
				  altdma_u64 offset, altdma_u32 stack)
{
	report(note(ALTDMA_CHECK_DMA_AFTER_UNMAP, "quarantine", dma + offset, size),
	       ALTDMA_CHECK_DMA_AFTER_UNMAP, Stacks{ stack != 0, stack },
	       "dma_after_unmap: the device wrote DMA address %#llx after its unmap: byte %llu of a %llu-byte bounced mapping at %#llx",
	       dma + offset, offset, size, dma);
}

void Checker::track(const LiveEntry &e)
{
	const LiveEntry *self = table_.insert(e);

	if (!self) {
		report_tracking_lost();
		return;
	}
	if (enabled(ALTDMA_CHECK_OVERLAP))
		check_overlap(self, e);
}

void Checker::mapped(LiveKind kind, altdma_phys_t phys, altdma_dma_t dma,
		     altdma_u64 size, enum altdma_dir dir, unsigned long attrs)
{
	LiveEntry e = {};

	e.dma = dma;
	e.size = size;
	e.phys = phys;
	e.attrs = attrs;
	e.stack = altdma_plat_stack_save();
	e.dir = dir;
	e.kind = kind;
	e.slot = ALTDMA_PHYS_INVALID;
	take_sums(&e);
	track(e);
}

void Checker::not_mapped(const char *op, altdma_dma_t dma, altdma_u64 size)
{
	Tombstone t;

	// A mapping made while the table had no memory has no entry.
	if (table_.absorb_untracked())
		return;
	Verdict v = note(ALTDMA_CHECK_NOT_MAPPED, op, dma, size);
	if (v == Verdict::kOff)
		return;
	if (!table_.find_tombstone(dma, &t)) {
		report(v, ALTDMA_CHECK_NOT_MAPPED, Stacks{},
		       "not_mapped: %s of DMA address %#llx (%llu bytes): nothing is mapped there",
		       op, dma, size);
		return;
	}
	report(v, ALTDMA_CHECK_NOT_MAPPED, Stacks{ true, t.map_stack },
	       "not_mapped: %s of DMA address %#llx (%llu bytes): already unmapped (a %s mapping of %llu bytes)",
	       op, dma, size, live_kind_name(t.kind), t.size);
}

// The first difference is reported (with the mapping's stack); an unmap
// that differs in several ways is one finding.
void Checker::compare(const char *op, const LiveEntry &m, LiveKind kind,
		      altdma_u64 size, enum altdma_dir dir)
{
	const Stacks stacks{ true, m.stack };

	if (m.kind != kind)
		report(note(ALTDMA_CHECK_WRONG_KIND, op, m.dma, size),
		       ALTDMA_CHECK_WRONG_KIND, stacks,
		       "wrong_kind: %s of DMA address %#llx, which is a %s mapping of %llu bytes, not a %s one",
		       op, m.dma, live_kind_name(m.kind), m.size,
		       live_kind_name(kind));
	else if (m.size != size)
		report(note(ALTDMA_CHECK_WRONG_SIZE, op, m.dma, size),
		       ALTDMA_CHECK_WRONG_SIZE, stacks,
		       "wrong_size: %s of DMA address %#llx with size %llu, mapped with size %llu (%s)",
		       op, m.dma, size, m.size, dir_name(m.dir));
	else if (m.dir != dir)
		report(note(ALTDMA_CHECK_WRONG_DIRECTION, op, m.dma, size),
		       ALTDMA_CHECK_WRONG_DIRECTION, stacks,
		       "wrong_direction: %s of DMA address %#llx (%llu bytes) with direction %s, mapped %s",
		       op, m.dma, size, dir_name(dir), dir_name(m.dir));
}

void Checker::unmapping(const char *op, LiveKind kind, altdma_dma_t dma,
			altdma_u64 size, enum altdma_dir dir)
{
	LiveEntry m;

	if (!table_.remove(dma, { kind, size, dir }, &m)) {
		not_mapped(op, dma, size);
		return;
	}
	compare(op, m, kind, size, dir);
	check_sums(op, m);
}

void Checker::check_segment(int index, const struct altdma_plat_sg *sg,
			    const struct altdma_dev_limits &limits)
{
	altdma_dma_t start = altdma_plat_sg_dma_address(sg);
	altdma_u32 len = altdma_plat_sg_dma_length(sg);
	altdma_dma_t end = start + (len ? len - 1 : 0);

	if (limits.max_segment_size && len > limits.max_segment_size)
		report(note(ALTDMA_CHECK_SG_SEGMENT, "map_sg", start, len),
		       ALTDMA_CHECK_SG_SEGMENT, Stacks{},
		       "sg_segment: map_sg entry %d at DMA address %#llx is %u bytes, longer than the device's max_segment_size %u",
		       index, start, len, limits.max_segment_size);
	else if (limits.segment_boundary &&
		 ((start ^ end) & ~limits.segment_boundary))
		report(note(ALTDMA_CHECK_SG_SEGMENT, "map_sg", start, len),
		       ALTDMA_CHECK_SG_SEGMENT, Stacks{},
		       "sg_segment: map_sg entry %d at DMA address %#llx-%#llx crosses the device's segment boundary (mask %#llx)",
		       index, start, end, limits.segment_boundary);
}

void Checker::sg_mapped(struct altdma_plat_sg *sgl, int nents,
			enum altdma_dir dir, unsigned long attrs)
{
	struct altdma_dev_limits limits;
	struct altdma_plat_sg *sg = sgl;
	altdma_u32 stack = altdma_plat_stack_save();

	altdma_plat_dev_limits(plat_, &limits);
	for (int i = 0; i < nents && sg; i++, sg = altdma_plat_sg_next(sg)) {
		LiveEntry e = {};

		check_segment(i, sg, limits);
		e.dma = altdma_plat_sg_dma_address(sg);
		e.size = altdma_plat_sg_dma_length(sg);
		e.phys = altdma_plat_sg_phys(sg);
		e.sg_list = sgl;
		e.sg_nents = nents;
		e.attrs = attrs;
		e.stack = stack;
		e.dir = dir;
		e.kind = LiveKind::kSg;
		e.slot = ALTDMA_PHYS_INVALID;
		take_sums(&e);
		track(e);
	}
}

void Checker::sg_unmapping(struct altdma_plat_sg *sgl, int nents,
			   enum altdma_dir dir)
{
	struct altdma_plat_sg *sg = sgl;
	bool list_reported = false;

	for (int i = 0; i < nents && sg; i++, sg = altdma_plat_sg_next(sg)) {
		altdma_dma_t dma = altdma_plat_sg_dma_address(sg);
		altdma_u32 len = altdma_plat_sg_dma_length(sg);
		LiveEntry m;

		if (!table_.remove(dma, { LiveKind::kSg, len, dir }, &m)) {
			not_mapped("unmap_sg", dma, len);
			continue;
		}
		compare("unmap_sg", m, LiveKind::kSg, len, dir);
		check_sums("unmap_sg", m);
		if (m.kind != LiveKind::kSg || list_reported ||
		    (m.sg_list == sgl && m.sg_nents == nents))
			continue;
		// One finding per list, however many of its entries differ.
		list_reported = true;
		const Stacks stacks{ true, m.stack };
		Verdict v = note(ALTDMA_CHECK_SG_MISMATCH, "unmap_sg", dma, len);

		if (m.sg_nents != nents)
			report(v, ALTDMA_CHECK_SG_MISMATCH, stacks,
			       "sg_mismatch: unmap_sg of DMA address %#llx with nents %d, mapped with nents %d",
			       dma, nents, m.sg_nents);
		else
			report(v, ALTDMA_CHECK_SG_MISMATCH, stacks,
			       "sg_mismatch: unmap_sg of DMA address %#llx with another scatterlist than the one mapped",
			       dma);
	}
}

void Checker::syncing(const char *op, altdma_dma_t dma, altdma_u64 size,
		      enum altdma_dir dir, bool for_device)
{
	LiveEntry m;

	if (!table_.find_containing(dma, { LiveKind::kSingle, size, dir }, &m)) {
		not_mapped(op, dma, size);
		return;
	}
	altdma_u64 offset = dma - m.dma;
	const Stacks stacks{ true, m.stack };

	if (size > m.size - offset)
		report(note(ALTDMA_CHECK_SYNC_RANGE, op, dma, size),
		       ALTDMA_CHECK_SYNC_RANGE, stacks,
		       "sync_range: %s of DMA address %#llx+%llu reaches past its mapping %#llx+%llu",
		       op, dma, size, m.dma, m.size);
	const char *why = nullptr;

	// As dma-debug: a BIDIRECTIONAL mapping syncs either way, and handing
	// a FROM_DEVICE buffer back to the device (page_pool's recycling) is
	// legal; a TO_DEVICE one has nothing for the CPU.
	if (m.dir == ALTDMA_BIDIRECTIONAL)
		why = nullptr;
	else if (dir != m.dir)
		why = "with another direction than its mapping";
	else if (!for_device && m.dir == ALTDMA_TO_DEVICE)
		why = "for the CPU of a TO_DEVICE mapping, which the device only reads";
	else if (m.dir == ALTDMA_DIR_NONE)
		why = "of a mapping with direction NONE";
	if (why)
		report(note(ALTDMA_CHECK_SYNC_DIRECTION, op, dma, size),
		       ALTDMA_CHECK_SYNC_DIRECTION, stacks,
		       "sync_direction: %s of DMA address %#llx+%llu %s (synced %s, mapped %s)",
		       op, dma, size, why, dir_name(dir), dir_name(m.dir));
	// The CPU may have written, the sync hands it over; the slot must
	// still hold what the device was given.
	if (for_device)
		check_device_sum(op, m);
}

void Checker::synced_for_device(altdma_dma_t dma, altdma_u64 size,
				enum altdma_dir dir)
{
	LiveEntry m;
	bool ok;

	if (!(classes_ & ALTDMA_CHECK_OPT_IN) ||
	    !table_.find_containing(dma, { LiveKind::kSingle, size, dir }, &m) ||
	    !m.sums)
		return;
	altdma_u64 cpu_sum = m.sums & kSumCpu ? checksum(m.phys, m.size, &ok) : 0;
	altdma_u64 device_sum = m.sums & kSumDevice ? checksum(m.slot, m.size, &ok) : 0;

	table_.set_sums(m.dma, m.phys, cpu_sum, device_sum);
}

void Checker::read(struct altdma_core_check_stats *out) const
{
	for (int cls = 0; cls < ALTDMA_CHECK_CLASS_COUNT; cls++)
		out->findings[cls] = findings_[cls].get();
	out->live = table_.live();
	out->untracked = table_.untracked();
}

long Checker::outstanding(struct altdma_core_check_group *out, altdma_u64 max,
			  bool leaks)
{
	altdma_u64 want = table_.live() + 16;
	GroupTable t = {};

	if (want > kMaxGroups)
		want = kMaxGroups;
	t.nslots = 2 * want;
	t.slots = static_cast<GroupSlot *>(altdma_plat_alloc(
		t.nslots * sizeof(GroupSlot), ALTDMA_GFP_KERNEL | ALTDMA_GFP_ZERO));
	if (!t.slots)
		return to_errno(Status::kNoMemory);
	table_.for_each(group_entry, &t);

	// Compact the used slots to the front, largest group first.
	altdma_u64 n = 0;
	for (altdma_u64 i = 0; i < t.nslots; i++)
		if (t.slots[i].used)
			t.slots[n++] = t.slots[i];
	for (altdma_u64 i = 1; i < n; i++) {
		GroupSlot s = t.slots[i];
		altdma_u64 j = i;

		for (; j > 0 && (t.slots[j - 1].count < s.count ||
				 (t.slots[j - 1].count == s.count &&
				  t.slots[j - 1].first_dma > s.first_dma)); j--)
			t.slots[j] = t.slots[j - 1];
		t.slots[j] = s;
	}
	for (altdma_u64 i = 0; i < n && i < max; i++) {
		out[i].count = t.slots[i].count;
		out[i].size = t.slots[i].key.size;
		out[i].first_dma = t.slots[i].first_dma;
		out[i].stack = t.slots[i].key.stack;
		out[i].dir = t.slots[i].key.dir;
		out[i].kind = live_kind_name(t.slots[i].key.kind);
	}
	// Past the table's room, the rest is one group of no stack.
	if (t.overflow) {
		if (n < max)
			out[n] = altdma_core_check_group{ t.overflow, 0, t.overflow_first,
							  0, ALTDMA_DIR_NONE, "other" };
		n++;
	}
	altdma_plat_free(t.slots);
	// Listed at every unbind while live, counted once.
	if (leaks && enabled(ALTDMA_CHECK_LEAK))
		findings_[ALTDMA_CHECK_LEAK].add(table_.count_leaks());
	return static_cast<long>(n);
}

} // namespace altdma
