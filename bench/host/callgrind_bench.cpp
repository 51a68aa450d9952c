// SPDX-License-Identifier: GPL-2.0
// The core's fast paths in instructions per operation: one case per run,
// under `valgrind --tool=callgrind --instr-atstart=no`, against the host
// tests' fake platform (whose own bookkeeping is counted too). Exact and
// the same from run to run, so a regression shows without noise.
//
//   callgrind_bench CASE OPS   (callgrind_bench --list prints the cases)
#include <altdma/core_api.h>
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fake_platform.h"

namespace {

constexpr altdma_phys_t kRam = 0x100000000ull;	// fake::default_layout()'s NORMAL RAM
constexpr int kWarmup = 16;

enum class Kind { Map, FastMap, BounceFastMap, MapSg, Sync };

struct Case {
	const char *name;
	altdma_u32 policy, flags, guard;
	Kind kind;
	altdma_usize size;
};

constexpr Case kCases[] = {
	{"direct map+unmap 4k (generic table)", ALTDMA_POLICY_DIRECT, 0, 0, Kind::Map, 4096},
	// The fast table's unmap is the kernel's NULL check: nothing of ours.
	{"direct map 4k (fast table)", ALTDMA_POLICY_DIRECT, 0, 0, Kind::FastMap, 4096},
	{"direct map_sg+unmap_sg 16x4k (generic table)", ALTDMA_POLICY_DIRECT, 0, 0, Kind::MapSg, 4096},
	{"direct sync_for_cpu+sync_for_device 4k (generic table)", ALTDMA_POLICY_DIRECT, 0, 0,
	 Kind::Sync, 4096},
	{"force-bounce map+unmap 4k (generic table)", ALTDMA_POLICY_BOUNCE, ALTDMA_BOUNCE_FORCE, 0,
	 Kind::Map, 4096},
	{"force-bounce map+unmap 4k (fast table)", ALTDMA_POLICY_BOUNCE, ALTDMA_BOUNCE_FORCE, 0,
	 Kind::BounceFastMap, 4096},
	{"force-bounce map+unmap 64k (fast table)", ALTDMA_POLICY_BOUNCE, ALTDMA_BOUNCE_FORCE, 0,
	 Kind::BounceFastMap, 65536},
	{"force-bounce map+unmap 4k, 64-byte red zones (fast table)", ALTDMA_POLICY_BOUNCE,
	 ALTDMA_BOUNCE_FORCE | ALTDMA_BOUNCE_GUARD_BYTES, 64, Kind::BounceFastMap, 4096},
	// The checker (checks=all) without the stack depot's cost: the fake's
	// stack save is a counter.
	{"direct + checks=all map+unmap 4k", ALTDMA_POLICY_DIRECT, ALTDMA_FLAG_CHECKS, 0, Kind::Map,
	 4096},
	{"direct + checks=all map_sg+unmap_sg 16x4k", ALTDMA_POLICY_DIRECT, ALTDMA_FLAG_CHECKS, 0,
	 Kind::MapSg, 4096},
	{"direct + checks=all sync_for_cpu+sync_for_device 4k", ALTDMA_POLICY_DIRECT,
	 ALTDMA_FLAG_CHECKS, 0, Kind::Sync, 4096},
};

// What the sync case syncs: one mapping, made before (the checker checks
// a sync against it).
altdma_dma_t synced_dma;

void one_op(altdma_core_device *core, const Case &c, fake::SgChain &sg, int i)
{
	altdma_phys_t phys = kRam + (i % 16) * c.size;

	switch (c.kind) {
	case Kind::Map: {
		altdma_dma_t dma = altdma_core_map_phys(core, phys, c.size, ALTDMA_BIDIRECTIONAL, 0);
		altdma_core_unmap_phys(core, dma, c.size, ALTDMA_BIDIRECTIONAL, 0);
		break;
	}
	case Kind::FastMap:
		altdma_core_direct_map(core, phys, c.size, ~0ull, 0);
		break;
	case Kind::BounceFastMap: {
		altdma_dma_t dma = altdma_core_bounce_map(core, phys, c.size, ALTDMA_BIDIRECTIONAL, 0);
		altdma_core_bounce_unmap(core, dma, c.size, ALTDMA_BIDIRECTIONAL, 0);
		break;
	}
	case Kind::MapSg:
		altdma_core_map_sg(core, sg.head(), sg.nents(), ALTDMA_BIDIRECTIONAL, 0);
		altdma_core_unmap_sg(core, sg.head(), sg.nents(), ALTDMA_BIDIRECTIONAL, 0);
		break;
	case Kind::Sync:
		altdma_core_sync_single_for_cpu(core, synced_dma, c.size, ALTDMA_BIDIRECTIONAL);
		altdma_core_sync_single_for_device(core, synced_dma, c.size, ALTDMA_BIDIRECTIONAL);
		break;
	}
}

int run(const Case &c, int ops)
{
	fake::FakeDevice dev;
	altdma_core_config cfg{};
	altdma_core_device *core = nullptr;
	fake::SgChain sg;

	fake::platform().reset();
	cfg.policy = c.policy;
	cfg.flags = c.flags;
	cfg.guard_size = c.guard;
	if (altdma_core_create(dev.plat(), &cfg, &core)) {
		std::fprintf(stderr, "%s: altdma_core_create failed\n%s", c.name,
			     dev.dump_log().c_str());
		return 1;
	}
	for (int i = 0; i < 16; i++)
		sg.add(kRam + i * 4096, 4096);
	synced_dma = altdma_core_map_phys(core, kRam, c.size, ALTDMA_BIDIRECTIONAL, 0);
	for (int i = 0; i < kWarmup; i++)
		one_op(core, c, sg, i);
	CALLGRIND_START_INSTRUMENTATION;
	for (int i = 0; i < ops; i++)
		one_op(core, c, sg, i);
	CALLGRIND_STOP_INSTRUMENTATION;
	altdma_core_unmap_phys(core, synced_dma, c.size, ALTDMA_BIDIRECTIONAL, 0);
	altdma_core_destroy(core);
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc == 2 && !std::strcmp(argv[1], "--list")) {
		for (const Case &c : kCases)
			std::printf("%s\n", c.name);
		return 0;
	}
	int ops = argc == 3 ? std::atoi(argv[2]) : 0;
	for (const Case &c : kCases)
		if (ops > 0 && !std::strcmp(argv[1], c.name))
			return run(c, ops);
	std::fprintf(stderr, "usage: %s CASE OPS | --list\n", argv[0]);
	return 2;
}
