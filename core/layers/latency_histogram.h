// SPDX-License-Identifier: GPL-2.0
// A latency histogram in nanoseconds, log2 buckets split into 16 linear
// sub-buckets (HdrHistogram's shape at 4 bits of precision): exact below
// 32 ns, then 16 buckets per power of two, so a bucket's middle is within
// 1/32 (3.1%) of every value in it. One LatencyCell per CPU and operation
// class; each update is a relaxed atomic, so a cell shared after a
// migration or written from an interrupt loses nothing, and nothing is
// written by more than the CPU that owns it in the common case.
#ifndef ALTDMA_CORE_LATENCY_HISTOGRAM_H
#define ALTDMA_CORE_LATENCY_HISTOGRAM_H

#include <altdma/core_api.h>
#include <altdma/platform.h>

namespace altdma {

inline constexpr int kLatencySubBits = 4;
inline constexpr altdma_u32 kLatencySubBuckets = 1u << kLatencySubBits;
// The last bucket, from 31 * 2^25 ns (about 1.04 s), holds every longer time.
inline constexpr int kLatencyTopMsb = 29;
inline constexpr altdma_u32 kLatencyBuckets =
	(kLatencyTopMsb - kLatencySubBits + 2) * kLatencySubBuckets;
static_assert(kLatencyBuckets == ALTDMA_CORE_LATENCY_BUCKETS);

constexpr altdma_u32 latency_bucket(altdma_u64 ns)
{
	if (ns < 2 * kLatencySubBuckets)
		return static_cast<altdma_u32>(ns);
	int msb = 63 - __builtin_clzll(ns);
	if (msb > kLatencyTopMsb)
		return kLatencyBuckets - 1;
	altdma_u32 sub = static_cast<altdma_u32>(ns >> (msb - kLatencySubBits)) &
			 (kLatencySubBuckets - 1);
	return static_cast<altdma_u32>(msb - kLatencySubBits + 1) * kLatencySubBuckets + sub;
}

// The smallest value that lands in @bucket.
constexpr altdma_u64 latency_bucket_low(altdma_u32 bucket)
{
	if (bucket < 2 * kLatencySubBuckets)
		return bucket;
	int msb = static_cast<int>(bucket / kLatencySubBuckets) + kLatencySubBits - 1;
	altdma_u64 sub = bucket % kLatencySubBuckets;
	return (kLatencySubBuckets + sub) << (msb - kLatencySubBits);
}

// How many values land in @bucket (the last one is open-ended: 0).
constexpr altdma_u64 latency_bucket_width(altdma_u32 bucket)
{
	if (bucket >= kLatencyBuckets - 1)
		return 0;
	return latency_bucket_low(bucket + 1) - latency_bucket_low(bucket);
}

class alignas(ALTDMA_CACHE_LINE_BYTES) LatencyCell {
public:
	LatencyCell() { reset(); }

	void record(altdma_u64 ns)
	{
		add(&count_, 1);
		add(&sum_, ns);
		add(&buckets_[latency_bucket(ns)], 1);
		lower_to(&min_, ns);
		raise_to(&max_, ns);
	}

	// Not a snapshot against a concurrent record(): each field is whole.
	void reset();
	void add_to(struct altdma_core_latency *total) const;

private:
	static void add(altdma_u64 *field, altdma_u64 n)
	{
		__atomic_fetch_add(field, n, __ATOMIC_RELAXED);
	}
	static altdma_u64 load(const altdma_u64 *field)
	{
		return __atomic_load_n(field, __ATOMIC_RELAXED);
	}
	static void store(altdma_u64 *field, altdma_u64 n)
	{
		__atomic_store_n(field, n, __ATOMIC_RELAXED);
	}
	// Once warm, min and max are loads that find nothing to change.
	static void lower_to(altdma_u64 *field, altdma_u64 n)
	{
		altdma_u64 old = load(field);
		while (n < old && !__atomic_compare_exchange_n(field, &old, n, true,
								 __ATOMIC_RELAXED,
								 __ATOMIC_RELAXED)) {
		}
	}
	static void raise_to(altdma_u64 *field, altdma_u64 n)
	{
		altdma_u64 old = load(field);
		while (n > old && !__atomic_compare_exchange_n(field, &old, n, true,
								 __ATOMIC_RELAXED,
								 __ATOMIC_RELAXED)) {
		}
	}

	altdma_u64 count_;
	altdma_u64 sum_;
	altdma_u64 min_;
	altdma_u64 max_;
	altdma_u64 buckets_[kLatencyBuckets];
};

// The value at quantile @ppm (parts per million) of @lat: the middle of
// the bucket that holds it, kept within [min, max]. 0 when empty.
altdma_u64 latency_quantile(const struct altdma_core_latency &lat, altdma_u32 ppm);

} // namespace altdma

#endif
