// SPDX-License-Identifier: GPL-2.0
#include "device/dma_range_map.h"

namespace altdma {

namespace {

// More entries than any firmware describes; a longer map is a broken one.
constexpr altdma_u32 kMaxRanges = 64;

altdma_u32 count_ranges(struct altdma_plat_device *dev)
{
	struct altdma_range range;
	altdma_u32 count = 0;

	while (count <= kMaxRanges &&
	       altdma_plat_dev_range(dev, count, &range) == 0)
		count++;
	return count;
}

} // namespace

DmaRangeMap::~DmaRangeMap()
{
	altdma_plat_free(ranges_);
}

Status DmaRangeMap::init(struct altdma_plat_device *dev, altdma_u32 gfp)
{
	altdma_u32 count = count_ranges(dev);

	if (count == 0)
		return Status::kOk;
	if (count > kMaxRanges) {
		altdma_plat_dev_log(dev, ALTDMA_LOG_ERR, 0,
				    "DMA range map has more than %u entries\n",
				    kMaxRanges);
		return Status::kInvalid;
	}

	auto *ranges = static_cast<struct altdma_range *>(
		altdma_plat_alloc(count * sizeof(struct altdma_range), gfp));
	if (!ranges)
		return Status::kNoMemory;
	for (altdma_u32 i = 0; i < count; i++) {
		if (altdma_plat_dev_range(dev, i, &ranges[i]) != 0 ||
		    ranges[i].size == 0) {
			altdma_plat_dev_log(dev, ALTDMA_LOG_ERR, 0,
					    "DMA range map entry %u is empty or changed during attach\n",
					    i);
			altdma_plat_free(ranges);
			return Status::kInvalid;
		}
	}
	ranges_ = ranges;
	count_ = count;
	return Status::kOk;
}

altdma_dma_t DmaRangeMap::phys_to_dma_ranged(altdma_phys_t phys) const
{
	for (altdma_u32 i = 0; i < count_; i++) {
		const struct altdma_range &r = ranges_[i];

		if (phys >= r.cpu_start && phys - r.cpu_start < r.size)
			return r.dma_start + (phys - r.cpu_start);
	}
	return ALTDMA_MAPPING_ERROR;
}

altdma_phys_t DmaRangeMap::dma_to_phys(altdma_dma_t dma) const
{
	if (count_ == 0)
		return dma;
	for (altdma_u32 i = 0; i < count_; i++) {
		const struct altdma_range &r = ranges_[i];

		if (dma >= r.dma_start && dma - r.dma_start < r.size)
			return r.cpu_start + (dma - r.dma_start);
	}
	return ALTDMA_PHYS_INVALID;
}

} // namespace altdma
