// SPDX-License-Identifier: GPL-2.0
#include "layers/latency_histogram.h"

namespace altdma {

void LatencyCell::reset()
{
	store(&count_, 0);
	store(&sum_, 0);
	store(&min_, ~0ull);
	store(&max_, 0);
	for (altdma_u64 &bucket : buckets_)
		store(&bucket, 0);
}

void LatencyCell::add_to(struct altdma_core_latency *total) const
{
	altdma_u64 count = load(&count_);

	if (!count)
		return;
	// A record() under way may have counted and not yet lowered min_.
	altdma_u64 min = load(&min_), max = load(&max_);
	if (min != ~0ull && (total->count == 0 || min < total->min_ns))
		total->min_ns = min;
	if (max > total->max_ns)
		total->max_ns = max;
	total->count += count;
	total->sum_ns += load(&sum_);
	for (altdma_u32 i = 0; i < kLatencyBuckets; i++)
		total->buckets[i] += load(&buckets_[i]);
}

// The rank is counted in the buckets, not in count (a record() under way
// may have bumped one and not the other yet).
altdma_u64 latency_quantile(const struct altdma_core_latency &lat, altdma_u32 ppm)
{
	altdma_u64 total = 0;

	for (altdma_u64 n : lat.buckets)
		total += n;
	if (!total)
		return 0;
	if (ppm > 1000000)
		ppm = 1000000;
	// The smallest rank r (1-based) with r >= total * ppm / 10^6.
	altdma_u64 rank = (total / 1000000) * ppm +
			  ((total % 1000000) * ppm + 999999) / 1000000;
	if (rank == 0)
		rank = 1;

	altdma_u64 seen = 0;
	altdma_u32 bucket = 0;
	for (; bucket < kLatencyBuckets - 1; bucket++) {
		seen += lat.buckets[bucket];
		if (seen >= rank)
			break;
	}
	altdma_u64 width = latency_bucket_width(bucket);
	altdma_u64 value = width ? latency_bucket_low(bucket) + (width - 1) / 2 :
				   lat.max_ns;
	if (value < lat.min_ns)
		value = lat.min_ns;
	if (lat.max_ns && value > lat.max_ns)
		value = lat.max_ns;
	return value;
}

} // namespace altdma
