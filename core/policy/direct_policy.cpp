// SPDX-License-Identifier: GPL-2.0
#include "policy/direct_policy.h"

#include "base/util.h"
#include "device/device_limits.h"

namespace altdma {

altdma_u64 DirectPolicy::streaming_limit(const DeviceLimits &limits) const
{
	return min_u64(limits.streaming_limit(), cap_);
}

altdma_u64 DirectPolicy::coherent_limit(const DeviceLimits &limits) const
{
	return min_u64(limits.coherent_limit(), cap_);
}

// dma_capable() and its failure report. Unlike dma-direct this neither WARNs
// nor reports only once: the message is rate limited per device.
altdma_dma_t DirectPolicy::checked_mapping(const char *what,
					   altdma_phys_t phys,
					   altdma_dma_t dma, altdma_usize size)
{
	DeviceLimits limits(dev_);

	if (limits.can_stream() &&
	    dma_range_reachable(dma, size, streaming_limit(limits)))
		return dma;
	if (!limits.can_stream())
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "%s of phys %#llx+%zu failed: device has no DMA mask\n",
				    what, phys, size);
	else if (dma == ALTDMA_MAPPING_ERROR)
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "%s of phys %#llx+%zu failed: address has no DMA translation for this device\n",
				    what, phys, size);
	else
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "%s of phys %#llx+%zu failed: DMA address %#llx not reachable (mask %#llx, bus limit %#llx, emulated limit %#llx)\n",
				    what, phys, size, dma,
				    limits.raw().dma_mask,
				    limits.raw().bus_limit, cap_);
	return ALTDMA_MAPPING_ERROR;
}

altdma_dma_t DirectPolicy::map_phys(altdma_phys_t phys, altdma_usize size,
				    enum altdma_dir, unsigned long)
{
	return checked_mapping("map", phys, ranges_.phys_to_dma(phys), size);
}

// Coherent device, no bounce buffer: nothing to undo or synchronise.
void DirectPolicy::unmap_phys(altdma_dma_t, altdma_usize, enum altdma_dir,
			      unsigned long)
{
}

// MMIO is addressed by its physical address: the range map describes RAM.
altdma_dma_t DirectPolicy::map_resource(altdma_phys_t phys, altdma_usize size,
					enum altdma_dir, unsigned long)
{
	return checked_mapping("resource map", phys, phys, size);
}

void DirectPolicy::sync_for_cpu(altdma_dma_t, altdma_usize, enum altdma_dir)
{
}

void DirectPolicy::sync_for_device(altdma_dma_t, altdma_usize,
				   enum altdma_dir)
{
}

Result<CoherentBlock> DirectPolicy::alloc(altdma_usize size,
					  altdma_u32 caller_gfp,
					  unsigned long attrs,
					  CoherentKind kind)
{
	if (size == 0 || page_align_overflows(size)) {
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "coherent allocation of %zu bytes refused\n",
				    size);
		return Status::kInvalid;
	}
	altdma_u64 aligned = page_align(size);
	DeviceLimits limits(dev_);
	Result<CoherentBlock> block =
		pages_.allocate(aligned, coherent_limit(limits), caller_gfp);
	if (!block.ok())
		return block;

	bool zero = kind == CoherentKind::kPages ||
		    !(attrs & ALTDMA_ATTR_NO_KERNEL_MAPPING);
	if (zero) {
		void *cpu = altdma_plat_phys_to_virt(block.value().phys);

		if (!cpu) {
			pages_.release(block.value().dma, aligned);
			altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
					    "allocated page %#llx has no kernel mapping\n",
					    block.value().phys);
			return Status::kNoMemory;
		}
		__builtin_memset(cpu, 0, aligned);
	}
	return block;
}

void DirectPolicy::free(altdma_usize size, altdma_dma_t dma)
{
	if (size == 0 || page_align_overflows(size) ||
	    !pages_.release(dma, page_align(size)))
		altdma_plat_dev_log(dev_, ALTDMA_LOG_ERR, 1,
				    "free of %zu bytes at DMA address %#llx ignored: not a valid coherent allocation\n",
				    size, dma);
}

// dma_direct_supported(): 32-bit masks always work (ZONE_DMA32 exists for
// them); narrower ones must cover ZONE_DMA or all of RAM, whichever is lower.
bool DirectPolicy::dma_supported(altdma_u64 mask)
{
	struct altdma_plat_info info;

	if (mask >= bit_mask(32))
		return true;
	altdma_plat_get_info(&info);
	altdma_u64 min_mask =
		info.max_pfn ? (info.max_pfn - 1) << ALTDMA_PAGE_SHIFT : 0;
	if (info.has_zone_dma)
		min_mask = min_u64(min_mask, bit_mask(info.zone_dma_bits));
	return mask >= ranges_.phys_to_dma(min_mask);
}

// The smallest all-ones mask covering the DMA address of the last RAM page.
altdma_u64 DirectPolicy::ram_mask() const
{
	struct altdma_plat_info info;

	altdma_plat_get_info(&info);
	altdma_phys_t last_page =
		info.max_pfn ? (info.max_pfn - 1) << ALTDMA_PAGE_SHIFT : 0;
	return bit_mask(fls64(ranges_.phys_to_dma(last_page)));
}

altdma_u64 DirectPolicy::required_mask()
{
	altdma_u64 required = ram_mask();

	// A device narrowed to the cap never needs more than the cap.
	return required > cap_ ? cap_ : required;
}

altdma_u64 DirectPolicy::list_live(struct altdma_core_live_mapping *,
				   altdma_u64)
{
	return 0;
}

altdma_usize DirectPolicy::max_mapping_size()
{
	return kSizeMax;
}

// An unreachable buffer stays unreachable: no retry helps.
bool DirectPolicy::retry_may_succeed(altdma_usize)
{
	return false;
}

// Device counts what every policy counts; the direct policy adds nothing.
void DirectPolicy::read_stats(struct altdma_core_stats *)
{
}

} // namespace altdma
