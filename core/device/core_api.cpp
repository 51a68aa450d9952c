// SPDX-License-Identifier: GPL-2.0
// The C entry points of core_api.h: translate to the C++ core, nothing more.
#include <altdma/core_api.h>

#include "base/object.h"
#include "device/device.h"
#include "layers/checker/checker.h"
#include "layers/fault_layer.h"
#include "layers/latency_layer.h"
#include "policy/bounce/bounce_policy.h"

using altdma::Checker;
using altdma::CoherentBlock;
using altdma::CoherentKind;
using altdma::Device;
using altdma::LatencyScope;
using altdma::LiveKind;
using altdma::Result;
using altdma::Status;
using altdma::to_errno;

struct altdma_core_device {
	explicit altdma_core_device(struct altdma_plat_device *plat)
		: device(plat)
	{
	}
	Device device;
};

namespace {

altdma::MappingPolicy &policy_of(struct altdma_core_device *core)
{
	return core->device.policy();
}

altdma::LatencyLayer *latency_of(struct altdma_core_device *core)
{
	return core->device.latency();
}

Checker *checker_of(struct altdma_core_device *core)
{
	return core->device.checker();
}

int store_block(const Result<CoherentBlock> &block, altdma_phys_t *phys,
		altdma_dma_t *dma)
{
	if (!block.ok())
		return to_errno(block.status());
	*phys = block.value().phys;
	*dma = block.value().dma;
	return 0;
}

} // namespace

extern "C" {

int altdma_core_create(struct altdma_plat_device *dev,
		       const struct altdma_core_config *config,
		       struct altdma_core_device **out)
{
	if (!dev || !config || !out)
		return to_errno(Status::kInvalid);

	auto *core = altdma::create_object<altdma_core_device>(
		ALTDMA_GFP_KERNEL, dev);
	if (!core)
		return to_errno(Status::kNoMemory);
	Status status = core->device.init(*config);
	if (status != Status::kOk) {
		altdma::destroy_object(core);
		return to_errno(status);
	}
	*out = core;
	return 0;
}

void altdma_core_destroy(struct altdma_core_device *core)
{
	altdma::destroy_object(core);
}

void altdma_core_get_stats(struct altdma_core_device *core,
			   struct altdma_core_stats *stats)
{
	core->device.read_stats(stats);
}

enum altdma_table_kind altdma_core_table_kind(struct altdma_core_device *core)
{
	return core->device.table_kind();
}

altdma_dma_t altdma_core_direct_map(struct altdma_core_device *core,
				    altdma_phys_t phys, altdma_usize size,
				    altdma_u64 dma_mask, altdma_u64 bus_limit)
{
	return core->device.direct_policy()->map_fast(phys, size, dma_mask,
						      bus_limit);
}

// BouncePolicy is final: these calls are direct, not through the vtable.
altdma_dma_t altdma_core_bounce_map(struct altdma_core_device *core,
				    altdma_phys_t phys, altdma_usize size,
				    enum altdma_dir dir, unsigned long attrs)
{
	return core->device.bounce_policy()->map_phys(phys, size, dir, attrs);
}

void altdma_core_bounce_unmap(struct altdma_core_device *core,
			      altdma_dma_t addr, altdma_usize size,
			      enum altdma_dir dir, unsigned long attrs)
{
	core->device.bounce_policy()->unmap_phys(addr, size, dir, attrs);
}

void altdma_core_bounce_sync_for_cpu(struct altdma_core_device *core,
				     altdma_dma_t addr, altdma_usize size,
				     enum altdma_dir dir)
{
	core->device.bounce_policy()->sync_for_cpu(addr, size, dir);
}

void altdma_core_bounce_sync_for_device(struct altdma_core_device *core,
					altdma_dma_t addr, altdma_usize size,
					enum altdma_dir dir)
{
	core->device.bounce_policy()->sync_for_device(addr, size, dir);
}

int altdma_core_map_sg_error(struct altdma_core_device *core,
			     altdma_usize size)
{
	return to_errno(policy_of(core).retry_may_succeed(size) ?
				Status::kNoMemory : Status::kIo);
}

int altdma_core_fault_set(struct altdma_core_device *core,
			  enum altdma_core_fault_class cls,
			  enum altdma_core_fault_knob knob, altdma_s64 value)
{
	altdma::FaultLayer *faults = core->device.faults();

	if (!faults)
		return to_errno(Status::kNotSupported);
	return to_errno(faults->set(cls, knob, value));
}

int altdma_core_fault_get(struct altdma_core_device *core,
			  enum altdma_core_fault_class cls,
			  enum altdma_core_fault_knob knob, altdma_s64 *value)
{
	altdma::FaultLayer *faults = core->device.faults();

	if (!faults)
		return to_errno(Status::kNotSupported);
	Result<altdma_s64> got = faults->get(cls, knob);
	if (!got.ok())
		return to_errno(got.status());
	*value = got.value();
	return 0;
}

int altdma_core_latency_read(struct altdma_core_device *core,
			     enum altdma_core_latency_class cls,
			     struct altdma_core_latency *out)
{
	if (!latency_of(core))
		return to_errno(Status::kNotSupported);
	return to_errno(latency_of(core)->read(cls, out));
}

int altdma_core_latency_reset(struct altdma_core_device *core)
{
	if (!latency_of(core))
		return to_errno(Status::kNotSupported);
	latency_of(core)->reset();
	return 0;
}

altdma_u64 altdma_core_latency_bucket_low(altdma_u32 bucket)
{
	return altdma::latency_bucket_low(bucket);
}

altdma_u64 altdma_core_latency_quantile(const struct altdma_core_latency *lat,
					altdma_u32 ppm)
{
	return altdma::latency_quantile(*lat, ppm);
}

const char *altdma_core_check_name(enum altdma_core_check_class cls)
{
	return altdma::check_class_name(cls);
}

int altdma_core_check_read(struct altdma_core_device *core,
			   struct altdma_core_check_stats *out)
{
	if (!checker_of(core))
		return to_errno(Status::kNotSupported);
	checker_of(core)->read(out);
	return 0;
}

long altdma_core_check_outstanding(struct altdma_core_device *core,
				   struct altdma_core_check_group *out,
				   altdma_u64 max, int leaks)
{
	if (!checker_of(core))
		return to_errno(Status::kNotSupported);
	return checker_of(core)->outstanding(out, max, leaks != 0);
}

long altdma_core_check_reports(struct altdma_core_device *core,
			       struct altdma_core_check_report *out,
			       altdma_u64 max)
{
	if (!checker_of(core))
		return 0;
	return checker_of(core)->reports(out, max);
}

altdma_dma_t altdma_core_map_phys(struct altdma_core_device *core,
				  altdma_phys_t phys, altdma_usize size,
				  enum altdma_dir dir, unsigned long attrs)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_MAP);

	return core->device.map_phys(phys, size, dir, attrs);
}

void altdma_core_unmap_phys(struct altdma_core_device *core,
			    altdma_dma_t addr, altdma_usize size,
			    enum altdma_dir dir, unsigned long attrs)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_UNMAP);

	if (Checker *checker = checker_of(core))
		checker->unmapping("unmap", LiveKind::kSingle, addr, size, dir);
	policy_of(core).unmap_phys(addr, size, dir, attrs);
}

altdma_dma_t altdma_core_map_resource(struct altdma_core_device *core,
				      altdma_phys_t phys, altdma_usize size,
				      enum altdma_dir dir, unsigned long attrs)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_MAP);

	return core->device.map_resource(phys, size, dir, attrs);
}

// Resources are never bounced or synced, under any policy: only timed.
void altdma_core_unmap_resource(struct altdma_core_device *core,
				altdma_dma_t addr, altdma_usize size,
				enum altdma_dir dir, unsigned long)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_UNMAP);

	if (Checker *checker = checker_of(core))
		checker->unmapping("unmap_resource", LiveKind::kResource, addr,
				   size, dir);
}

int altdma_core_map_sg(struct altdma_core_device *core,
		       struct altdma_plat_sg *sgl, int nents,
		       enum altdma_dir dir, unsigned long attrs)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_MAP_SG);

	return core->device.map_sg(sgl, nents, dir, attrs);
}

void altdma_core_unmap_sg(struct altdma_core_device *core,
			  struct altdma_plat_sg *sgl, int nents,
			  enum altdma_dir dir, unsigned long attrs)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_UNMAP_SG);

	if (Checker *checker = checker_of(core))
		checker->sg_unmapping(sgl, nents, dir);
	core->device.unmap_sg(sgl, nents, dir, attrs);
}

void altdma_core_sync_single_for_cpu(struct altdma_core_device *core,
				     altdma_dma_t addr, altdma_usize size,
				     enum altdma_dir dir)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_SYNC);

	if (Checker *checker = checker_of(core))
		checker->syncing("sync_single_for_cpu", addr, size, dir, false);
	policy_of(core).sync_for_cpu(addr, size, dir);
}

void altdma_core_sync_single_for_device(struct altdma_core_device *core,
					altdma_dma_t addr, altdma_usize size,
					enum altdma_dir dir)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_SYNC);

	Checker *checker = checker_of(core);

	if (checker)
		checker->syncing("sync_single_for_device", addr, size, dir, true);
	policy_of(core).sync_for_device(addr, size, dir);
	if (checker)
		checker->synced_for_device(addr, size, dir);
}

void altdma_core_sync_sg_for_cpu(struct altdma_core_device *core,
				 struct altdma_plat_sg *sgl, int nents,
				 enum altdma_dir dir)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_SYNC);

	core->device.sync_sg_for_cpu(sgl, nents, dir);
}

void altdma_core_sync_sg_for_device(struct altdma_core_device *core,
				    struct altdma_plat_sg *sgl, int nents,
				    enum altdma_dir dir)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_SYNC);

	core->device.sync_sg_for_device(sgl, nents, dir);
}

int altdma_core_alloc(struct altdma_core_device *core, altdma_usize size,
		      altdma_u32 caller_gfp, unsigned long attrs,
		      altdma_phys_t *phys, altdma_dma_t *dma)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_ALLOC);

	return store_block(core->device.alloc(size, caller_gfp, attrs,
					      CoherentKind::kCoherent,
					      ALTDMA_DIR_NONE),
			   phys, dma);
}

altdma_u64 altdma_core_list_live(struct altdma_core_device *core,
				 struct altdma_core_live_mapping *out,
				 altdma_u64 max)
{
	return policy_of(core).list_live(out, max);
}

void altdma_core_free(struct altdma_core_device *core, altdma_usize size,
		      altdma_dma_t dma, unsigned long)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_FREE);

	if (Checker *checker = checker_of(core))
		checker->unmapping("free", LiveKind::kCoherent, dma, size,
				   ALTDMA_DIR_NONE);
	core->device.count_free();
	policy_of(core).free(size, dma);
}

int altdma_core_alloc_pages(struct altdma_core_device *core,
			    altdma_usize size, enum altdma_dir dir,
			    altdma_u32 caller_gfp, altdma_phys_t *phys,
			    altdma_dma_t *dma)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_ALLOC);

	return store_block(core->device.alloc(size, caller_gfp, 0,
					      CoherentKind::kPages, dir),
			   phys, dma);
}

void altdma_core_free_pages(struct altdma_core_device *core,
			    altdma_usize size, altdma_dma_t dma,
			    enum altdma_dir dir)
{
	LatencyScope timed(latency_of(core), ALTDMA_CORE_LATENCY_FREE);

	if (Checker *checker = checker_of(core))
		checker->unmapping("free_pages", LiveKind::kPages, dma, size, dir);
	core->device.count_free();
	policy_of(core).free(size, dma);
}

int altdma_core_dma_supported(struct altdma_core_device *core,
			      altdma_u64 mask)
{
	return policy_of(core).dma_supported(mask) ? 1 : 0;
}

altdma_u64 altdma_core_get_required_mask(struct altdma_core_device *core)
{
	return policy_of(core).required_mask();
}

altdma_usize altdma_core_max_mapping_size(struct altdma_core_device *core)
{
	return policy_of(core).max_mapping_size();
}

int altdma_core_get_sgtable(struct altdma_core_device *core,
			    altdma_dma_t dma, altdma_usize size,
			    altdma_phys_t *phys, altdma_u64 *length)
{
	Result<altdma::PhysChunk> chunk = core->device.sgtable_chunk(dma, size);

	if (!chunk.ok())
		return to_errno(chunk.status());
	*phys = chunk.value().phys;
	*length = chunk.value().length;
	return 0;
}

int altdma_core_mmap_pfn(struct altdma_core_device *core, altdma_dma_t dma,
			 altdma_usize size, altdma_u64 pgoff,
			 altdma_u64 user_pages, altdma_u64 *pfn)
{
	Result<altdma_u64> first = core->device.mmap_pfn(dma, size, pgoff,
							 user_pages);

	if (!first.ok())
		return to_errno(first.status());
	*pfn = first.value();
	return 0;
}

} // extern "C"
