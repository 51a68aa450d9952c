// SPDX-License-Identifier: GPL-2.0
// Status codes and Result<T>: how every fallible core operation reports.
#ifndef ALTDMA_CORE_STATUS_H
#define ALTDMA_CORE_STATUS_H

#include <altdma/platform.h>

namespace altdma {

// Values are the negated Linux errnos, so the C API can return them as is.
enum class Status : int {
	kOk = 0,
	kIo = -ALTDMA_EIO,
	kNoTranslation = -ALTDMA_ENXIO,
	kNoMemory = -ALTDMA_ENOMEM,
	kBusy = -ALTDMA_EBUSY,
	kInvalid = -ALTDMA_EINVAL,
	kNotSupported = -ALTDMA_EOPNOTSUPP,
};

constexpr int to_errno(Status status)
{
	return static_cast<int>(status);
}

// A value or a failure status. T must be trivially constructible (addresses,
// pointers, small structs): the core has no exceptions and no allocation
// behind Result.
template <typename T>
class [[nodiscard]] Result {
public:
	constexpr Result(T value) : value_(value), status_(Status::kOk) {}
	constexpr Result(Status status) : value_(), status_(status) {}

	constexpr bool ok() const { return status_ == Status::kOk; }
	constexpr Status status() const { return status_; }
	constexpr const T &value() const { return value_; }

private:
	T value_;
	Status status_;
};

} // namespace altdma

#endif
