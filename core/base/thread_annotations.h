// SPDX-License-Identifier: GPL-2.0
// Lock requirements in the type system (Zircon's TA_* macros): checked by
// clang's -Wthread-safety, nothing under gcc (the kernel's compiler).
#ifndef ALTDMA_CORE_THREAD_ANNOTATIONS_H
#define ALTDMA_CORE_THREAD_ANNOTATIONS_H

#if defined(__clang__)
#define ALTDMA_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define ALTDMA_THREAD_ANNOTATION(x)
#endif

#define ALTDMA_CAPABILITY(name) ALTDMA_THREAD_ANNOTATION(capability(name))
#define ALTDMA_SCOPED_CAPABILITY ALTDMA_THREAD_ANNOTATION(scoped_lockable)
#define ALTDMA_GUARDED_BY(lock) ALTDMA_THREAD_ANNOTATION(guarded_by(lock))
#define ALTDMA_REQUIRES(lock) ALTDMA_THREAD_ANNOTATION(requires_capability(lock))
#define ALTDMA_ACQUIRE(...) ALTDMA_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ALTDMA_RELEASE(...) ALTDMA_THREAD_ANNOTATION(release_capability(__VA_ARGS__))

#endif
