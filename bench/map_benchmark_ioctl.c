// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the kernel's dma_map_benchmark (CONFIG_DMA_MAP_BENCHMARK) once on the
 * device bound to it and prints its results on one line, in its own units
 * (100 ns; each sample is floored to 100 ns, so maps faster than that count
 * as 0). Static, for the bench guest's busybox initramfs.
 *
 *   map_benchmark_ioctl THREADS SECONDS GRANULE_PAGES
 *
 * The structure is the kernel's struct map_benchmark (136 bytes in 6.1,
 * 6.12 and 7.2; the 7.2 map_mode byte stays 0, single mode).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct map_benchmark {
	uint64_t avg_map_100ns;
	uint64_t map_stddev;
	uint64_t avg_unmap_100ns;
	uint64_t unmap_stddev;
	uint32_t threads;
	uint32_t seconds;
	int32_t node;
	uint32_t dma_bits;
	uint32_t dma_dir;
	uint32_t dma_trans_ns;
	uint32_t granule;
	uint8_t expansion[76];
};

_Static_assert(sizeof(struct map_benchmark) == 136, "struct map_benchmark");

#define DMA_MAP_BENCHMARK _IOWR('d', 1, struct map_benchmark)

int main(int argc, char **argv)
{
	struct map_benchmark map;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s THREADS SECONDS GRANULE_PAGES\n", argv[0]);
		return 2;
	}
	memset(&map, 0, sizeof(map));
	map.threads = atoi(argv[1]);
	map.seconds = atoi(argv[2]);
	map.granule = atoi(argv[3]);
	map.node = -1;
	map.dma_bits = 64;
	map.dma_dir = 0;	/* DMA_BIDIRECTIONAL, as altdma_bench */
	fd = open("/sys/kernel/debug/dma_map_benchmark", O_RDWR);
	if (fd < 0) {
		perror("open /sys/kernel/debug/dma_map_benchmark");
		return 1;
	}
	if (ioctl(fd, DMA_MAP_BENCHMARK, &map)) {
		perror("DMA_MAP_BENCHMARK");
		return 1;
	}
	printf("map_100ns=%llu map_stddev=%llu unmap_100ns=%llu unmap_stddev=%llu\n",
	       (unsigned long long)map.avg_map_100ns,
	       (unsigned long long)map.map_stddev,
	       (unsigned long long)map.avg_unmap_100ns,
	       (unsigned long long)map.unmap_stddev);
	return 0;
}
