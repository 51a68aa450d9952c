// SPDX-License-Identifier: GPL-2.0
#include "device/device.h"

#include "base/object.h"
#include "base/util.h"
#include "device/policy_config.h"
#include "layers/checker/checker.h"
#include "layers/fault_layer.h"
#include "layers/latency_layer.h"
#include "policy/bounce/bounce_policy.h"
#include "policy/direct_policy.h"

namespace altdma {

Device::~Device()
{
	// The quarantine's last findings still go to the checker.
	if (bounce_)
		bounce_->drain_quarantine();
	destroy_object(checker_);
	destroy_object(latency_);
	destroy_object(faults_);
	destroy_object(policy_);
}

Status Device::init(const struct altdma_core_config &config)
{
	Result<PolicyConfig> checked = check_policy_config(plat_, config);
	if (!checked.ok())
		return checked.status();

	Status status = ranges_.init(plat_, ALTDMA_GFP_KERNEL);
	if (status != Status::kOk)
		return status;
	if (checked.value().flags & ALTDMA_FLAG_FAULTS) {
		faults_ = create_object<FaultLayer>(ALTDMA_GFP_KERNEL, plat_);
		if (!faults_)
			return Status::kNoMemory;
	}
	if (checked.value().flags & ALTDMA_FLAG_LATENCY) {
		Result<LatencyLayer *> latency = LatencyLayer::create(ALTDMA_GFP_KERNEL);
		if (!latency.ok())
			return latency.status();
		latency_ = latency.value();
	}
	if (checked.value().flags & ALTDMA_FLAG_CHECKS) {
		Result<Checker *> checker = Checker::create(plat_, config.checks);
		if (!checker.ok())
			return checker.status();
		checker_ = checker.value();
	}
	status = init_policy(checked.value());
	if (status != Status::kOk || !checker_)
		return status;
	checker_->set_bounce(bounce_);
	if (bounce_ && checker_->wants_quarantine())
		status = bounce_->enable_quarantine(checker_);
	return status;
}

// A layer above the policy needs every entry through the core: the generic
// table.
Status Device::init_policy(const PolicyConfig &config)
{
	bool generic = config.flags & ALTDMA_LAYER_FLAGS;

	if (config.policy == ALTDMA_POLICY_DIRECT) {
		table_ = generic ? ALTDMA_TABLE_GENERIC : ALTDMA_TABLE_DIRECT_FAST;
		direct_ = create_object<DirectPolicy>(ALTDMA_GFP_KERNEL, plat_,
						      ranges_);
		policy_ = direct_;
		return policy_ ? Status::kOk : Status::kNoMemory;
	}
	auto *bounce = create_object<BouncePolicy>(ALTDMA_GFP_KERNEL, plat_,
						   ranges_, config);
	if (!bounce)
		return Status::kNoMemory;
	policy_ = bounce;
	bounce_ = bounce;
	table_ = generic ? ALTDMA_TABLE_GENERIC : ALTDMA_TABLE_BOUNCE_FAST;
	return bounce->init();
}

void Device::read_stats(struct altdma_core_stats *stats)
{
	__builtin_memset(stats, 0, sizeof(*stats));
	policy_->read_stats(stats);
	stats->maps = maps_.get();
	stats->map_failures = map_failures_.get();
	stats->coherent_allocs = coherent_allocs_.get();
	stats->coherent_frees = coherent_frees_.get();
	stats->ops_table = table_;
	if (faults_)
		faults_->read_stats(stats);
}

// Injected failures are the policy's own failure values, and uncounted as
// map failures: those are the policy's refusals.
bool Device::injected(enum altdma_core_fault_class cls, altdma_u64 size,
		      enum altdma_dir dir)
{
	return faults_ && faults_->should_fail(cls, size, dir);
}

altdma_dma_t Device::counted(altdma_dma_t dma)
{
	if (dma == ALTDMA_MAPPING_ERROR)
		map_failures_.add(1);
	else
		maps_.add(1);
	return dma;
}

altdma_dma_t Device::map_phys(altdma_phys_t phys, altdma_usize size,
			      enum altdma_dir dir, unsigned long attrs)
{
	if (injected(ALTDMA_CORE_FAULT_MAP, size, dir))
		return ALTDMA_MAPPING_ERROR;
	altdma_dma_t dma = counted(policy_->map_phys(phys, size, dir, attrs));

	if (checker_ && dma != ALTDMA_MAPPING_ERROR)
		checker_->mapped(LiveKind::kSingle, phys, dma, size, dir, attrs);
	return dma;
}

altdma_dma_t Device::map_resource(altdma_phys_t phys, altdma_usize size,
				  enum altdma_dir dir, unsigned long attrs)
{
	if (injected(ALTDMA_CORE_FAULT_MAP_RESOURCE, size, dir))
		return ALTDMA_MAPPING_ERROR;
	altdma_dma_t dma = counted(policy_->map_resource(phys, size, dir, attrs));

	if (checker_ && dma != ALTDMA_MAPPING_ERROR)
		checker_->mapped(LiveKind::kResource, phys, dma, size, dir, attrs);
	return dma;
}

Result<CoherentBlock> Device::alloc(altdma_usize size, altdma_u32 caller_gfp,
				    unsigned long attrs, CoherentKind kind,
				    enum altdma_dir dir)
{
	if (injected(kind == CoherentKind::kPages ? ALTDMA_CORE_FAULT_ALLOC_PAGES :
						    ALTDMA_CORE_FAULT_ALLOC,
		     size, dir))
		return Status::kNoMemory;
	Result<CoherentBlock> block = policy_->alloc(size, caller_gfp, attrs, kind);

	if (block.ok()) {
		coherent_allocs_.add(1);
		if (checker_)
			checker_->mapped(kind == CoherentKind::kPages ? LiveKind::kPages :
									LiveKind::kCoherent,
					 block.value().phys, block.value().dma,
					 size, dir, attrs);
	}
	return block;
}

// An entry of a list: the list's fault class decided already.
altdma_dma_t Device::map_entry(altdma_phys_t phys, altdma_usize size,
			       enum altdma_dir dir, unsigned long attrs)
{
	return counted(policy_->map_phys(phys, size, dir, attrs));
}

// The list's bytes are added up only while its class is armed. An injected
// failure is -ENOMEM, the errno of a full pool (a retry may succeed): the
// one error every caller of dma_map_sgtable() handles as transient.
bool Device::list_injected(struct altdma_plat_sg *sgl, int nents,
			   enum altdma_dir dir)
{
	altdma_u64 bytes = 0;

	if (faults_->armed(ALTDMA_CORE_FAULT_MAP_SG)) {
		struct altdma_plat_sg *sg = sgl;

		for (int i = 0; i < nents && sg; i++, sg = altdma_plat_sg_next(sg))
			bytes += altdma_plat_sg_length(sg);
	}
	return faults_->should_fail(ALTDMA_CORE_FAULT_MAP_SG, bytes, dir);
}

int Device::map_sg(struct altdma_plat_sg *sgl, int nents, enum altdma_dir dir,
		   unsigned long attrs)
{
	struct altdma_plat_sg *sg = sgl;
	int mapped;

	if (nents <= 0 || !sgl)
		return to_errno(Status::kInvalid);
	if (faults_ && list_injected(sgl, nents, dir))
		return to_errno(Status::kNoMemory);
	altdma_u32 length = 0;

	for (mapped = 0; mapped < nents; mapped++, sg = altdma_plat_sg_next(sg)) {
		if (!sg)
			break;
		length = altdma_plat_sg_length(sg);
		altdma_dma_t dma = map_entry(altdma_plat_sg_phys(sg), length,
					     dir, attrs);
		if (dma == ALTDMA_MAPPING_ERROR)
			break;
		altdma_plat_sg_set_dma(sg, dma, length);
	}
	if (mapped == nents) {
		if (checker_)
			checker_->sg_mapped(sgl, nents, dir, attrs);
		return nents;
	}

	// The CPU never saw these mappings: undo them without syncing.
	unmap_sg(sgl, mapped, dir, attrs | ALTDMA_ATTR_SKIP_CPU_SYNC);
	if (!sg) {
		altdma_plat_dev_log(plat_, ALTDMA_LOG_ERR, 1,
				    "scatterlist has %d entries, %d requested\n",
				    mapped, nents);
		return to_errno(Status::kInvalid);
	}
	// dma_map_sgtable()'s contract: -ENOMEM if a retry may succeed (the
	// caller requeues), -EIO if it never will (the caller fails the I/O).
	return to_errno(policy_->retry_may_succeed(length) ? Status::kNoMemory :
							     Status::kIo);
}

void Device::unmap_sg(struct altdma_plat_sg *sgl, int nents,
		      enum altdma_dir dir, unsigned long attrs)
{
	struct altdma_plat_sg *sg = sgl;

	for (int i = 0; i < nents && sg; i++, sg = altdma_plat_sg_next(sg))
		policy_->unmap_phys(altdma_plat_sg_dma_address(sg),
				    altdma_plat_sg_dma_length(sg), dir, attrs);
}

void Device::sync_sg_for_cpu(struct altdma_plat_sg *sgl, int nents,
			     enum altdma_dir dir)
{
	struct altdma_plat_sg *sg = sgl;

	for (int i = 0; i < nents && sg; i++, sg = altdma_plat_sg_next(sg)) {
		altdma_dma_t dma = altdma_plat_sg_dma_address(sg);
		altdma_u32 len = altdma_plat_sg_dma_length(sg);

		if (checker_)
			checker_->syncing("sync_sg_for_cpu", dma, len, dir, false);
		policy_->sync_for_cpu(dma, len, dir);
	}
}

void Device::sync_sg_for_device(struct altdma_plat_sg *sgl, int nents,
				enum altdma_dir dir)
{
	struct altdma_plat_sg *sg = sgl;

	for (int i = 0; i < nents && sg; i++, sg = altdma_plat_sg_next(sg)) {
		altdma_dma_t dma = altdma_plat_sg_dma_address(sg);
		altdma_u32 len = altdma_plat_sg_dma_length(sg);

		if (checker_)
			checker_->syncing("sync_sg_for_device", dma, len, dir, true);
		policy_->sync_for_device(dma, len, dir);
		if (checker_)
			checker_->synced_for_device(dma, len, dir);
	}
}

// A coherent allocation is one physically contiguous block (dma-direct's
// get_sgtable), located through its DMA address.
Result<PhysChunk> Device::sgtable_chunk(altdma_dma_t dma, altdma_usize size)
{
	altdma_phys_t phys = ranges_.dma_to_phys(dma);

	if (phys == ALTDMA_PHYS_INVALID || size == 0 ||
	    page_align_overflows(size)) {
		altdma_plat_dev_log(plat_, ALTDMA_LOG_ERR, 1,
				    "sg table for DMA address %#llx+%zu refused: not a coherent allocation\n",
				    dma, size);
		return Status::kNoTranslation;
	}
	return PhysChunk{ phys & ~(ALTDMA_PAGE_SIZE - 1), page_align(size) };
}

Result<altdma_u64> Device::mmap_pfn(altdma_dma_t dma, altdma_usize size,
				    altdma_u64 pgoff, altdma_u64 user_pages)
{
	altdma_phys_t phys = ranges_.dma_to_phys(dma);

	if (phys == ALTDMA_PHYS_INVALID || page_align_overflows(size))
		return Status::kNoTranslation;
	altdma_u64 count = page_align(size) >> ALTDMA_PAGE_SHIFT;
	if (pgoff >= count || user_pages > count - pgoff)
		return Status::kNoTranslation;
	return pfn_of(phys) + pgoff;
}

} // namespace altdma
