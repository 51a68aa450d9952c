// SPDX-License-Identifier: GPL-2.0
/*
 * altdma_bench: times the DMA API on one PCI device, in batches.
 *
 * A PCI driver without an ID table: `make bench` binds it through
 * driver_override to devices no other driver claims (QEMU's edu device),
 * one per peer (plain dma-direct, altdma direct, altdma force-bounce ...).
 * Each bound device gets /sys/kernel/debug/altdma_bench/<device>/run:
 *
 *   echo "CASE THREADS BATCHES" > run     runs the case, then
 *   cat run                               prints one line of results
 *
 * One clock pair times a whole batch of the first half of a case (32 maps)
 * and one the second (32 unmaps): a clock read under TCG costs more than a
 * dma-direct map, and the kernel's dma_map_benchmark, which reads it around
 * every operation and floors each sample to 100 ns, cannot tell dma-direct
 * from anything a little slower. What one clock read adds to a timed half
 * (the fastest of 32 back-to-back pairs, per thread) is subtracted, so that
 * it does not pull every ratio towards 1. Percentiles (nearest rank) are over
 * the batches of all threads; each thread is bound to its own CPU (modulo
 * the online CPUs).
 */
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define BENCH_BATCH 32
#define BENCH_WARMUP_BATCHES 2
#define BENCH_MAX_THREADS 64
#define BENCH_MAX_BATCHES 100000
/* Samples sorted in one go (threads x batches): sort() cannot reschedule. */
#define BENCH_MAX_SAMPLES BIT(18)
#define BENCH_SG_NENTS 16
#define BENCH_RESULT_LEN 512

enum bench_kind { BENCH_MAP, BENCH_MAP_SG, BENCH_SYNC, BENCH_ALLOC };

struct bench_case {
	const char *name;
	enum bench_kind kind;
	unsigned int order;		/* of each buffer's pages */
	const char *first, *second;	/* what each half of a batch does */
};

static const struct bench_case bench_cases[] = {
	{ "map_4k", BENCH_MAP, 0, "map", "unmap" },
	{ "map_64k", BENCH_MAP, 4, "map", "unmap" },
	{ "map_sg_16x4k", BENCH_MAP_SG, 0, "map_sg", "unmap_sg" },
	{ "sync_4k", BENCH_SYNC, 0, "sync_for_cpu", "sync_for_device" },
	{ "alloc_4k", BENCH_ALLOC, 0, "alloc", "free" },
};

struct bench_dev {
	struct device *dev;
	struct dentry *dir;
	struct mutex lock;	/* one run at a time; guards result */
	char result[BENCH_RESULT_LEN];
};

struct bench_run {
	struct bench_dev *bd;
	const struct bench_case *bc;
	unsigned int threads, batches;
	wait_queue_head_t start;
	bool go;
	bool abort;	/* a thread could not be started: run nothing */
};

struct bench_thread {
	struct bench_run *run;
	struct completion ready, done;
	int error;
	unsigned int mapped;	/* sync case: buffers mapped at setup */
	u64 clock_ns;		/* what a clock read adds to a timed half */
	/* ns per batch half, BENCH_WARMUP_BATCHES excluded */
	u32 *first_ns, *second_ns;
	struct page *pages[BENCH_BATCH * BENCH_SG_NENTS];
	dma_addr_t dma[BENCH_BATCH];
	void *cpu[BENCH_BATCH];
	struct sg_table sgt[BENCH_BATCH];
};

static struct dentry *bench_root;

static size_t bench_size(const struct bench_case *bc)
{
	return PAGE_SIZE << bc->order;
}

static unsigned int bench_npages(const struct bench_case *bc)
{
	switch (bc->kind) {
	case BENCH_MAP:
	case BENCH_SYNC:
		return BENCH_BATCH;
	case BENCH_MAP_SG:
		return BENCH_BATCH * BENCH_SG_NENTS;
	default:
		return 0;
	}
}

static void bench_free_buffers(struct bench_thread *t)
{
	const struct bench_case *bc = t->run->bc;
	struct device *dev = t->run->bd->dev;
	unsigned int i;

	for (i = 0; i < t->mapped; i++)
		dma_unmap_page(dev, t->dma[i], bench_size(bc),
			       DMA_BIDIRECTIONAL);
	if (bc->kind == BENCH_MAP_SG)
		for (i = 0; i < BENCH_BATCH; i++)
			sg_free_table(&t->sgt[i]);
	for (i = 0; i < bench_npages(bc); i++)
		if (t->pages[i])
			__free_pages(t->pages[i], bc->order);
}

static int bench_alloc_buffers(struct bench_thread *t)
{
	const struct bench_case *bc = t->run->bc;
	struct device *dev = t->run->bd->dev;
	struct scatterlist *sg;
	unsigned int i, j;
	int ret;

	for (i = 0; i < bench_npages(bc); i++) {
		t->pages[i] = alloc_pages(GFP_KERNEL, bc->order);
		if (!t->pages[i])
			return -ENOMEM;
		/* Data differs per buffer, so a bounce copies real bytes. */
		memset(page_address(t->pages[i]), i & 0xff, bench_size(bc));
	}
	if (bc->kind == BENCH_MAP_SG) {
		for (i = 0; i < BENCH_BATCH; i++) {
			ret = sg_alloc_table(&t->sgt[i], BENCH_SG_NENTS,
					     GFP_KERNEL);
			if (ret)
				return ret;
			for_each_sg(t->sgt[i].sgl, sg, BENCH_SG_NENTS, j)
				sg_set_page(sg, t->pages[i * BENCH_SG_NENTS + j],
					    PAGE_SIZE, 0);
		}
	}
	if (bc->kind == BENCH_SYNC) {
		for (i = 0; i < BENCH_BATCH; i++) {
			t->dma[i] = dma_map_page(dev, t->pages[i], 0,
						 bench_size(bc),
						 DMA_BIDIRECTIONAL);
			if (dma_mapping_error(dev, t->dma[i]))
				return -EIO;
			t->mapped++;
		}
	}
	return 0;
}

static int bench_map_batch(struct bench_thread *t, u64 *first, u64 *second)
{
	struct device *dev = t->run->bd->dev;
	size_t size = bench_size(t->run->bc);
	int i, bad = 0;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		t->dma[i] = dma_map_page(dev, t->pages[i], 0, size,
					 DMA_BIDIRECTIONAL);
	*first = ktime_get_ns() - t0;
	for (i = 0; i < BENCH_BATCH; i++)
		bad |= dma_mapping_error(dev, t->dma[i]);
	if (bad) {
		for (i = 0; i < BENCH_BATCH; i++)
			if (!dma_mapping_error(dev, t->dma[i]))
				dma_unmap_page(dev, t->dma[i], size,
					       DMA_BIDIRECTIONAL);
		return -EIO;
	}
	t1 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		dma_unmap_page(dev, t->dma[i], size, DMA_BIDIRECTIONAL);
	*second = ktime_get_ns() - t1;
	return 0;
}

static int bench_map_sg_batch(struct bench_thread *t, u64 *first, u64 *second)
{
	struct device *dev = t->run->bd->dev;
	int i, nents[BENCH_BATCH], bad = 0;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		nents[i] = dma_map_sg(dev, t->sgt[i].sgl, BENCH_SG_NENTS,
				      DMA_BIDIRECTIONAL);
	*first = ktime_get_ns() - t0;
	for (i = 0; i < BENCH_BATCH; i++)
		bad |= nents[i] <= 0;
	if (bad) {
		for (i = 0; i < BENCH_BATCH; i++)
			if (nents[i] > 0)
				dma_unmap_sg(dev, t->sgt[i].sgl,
					     BENCH_SG_NENTS, DMA_BIDIRECTIONAL);
		return -EIO;
	}
	t1 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		dma_unmap_sg(dev, t->sgt[i].sgl, BENCH_SG_NENTS,
			     DMA_BIDIRECTIONAL);
	*second = ktime_get_ns() - t1;
	return 0;
}

static int bench_sync_batch(struct bench_thread *t, u64 *first, u64 *second)
{
	struct device *dev = t->run->bd->dev;
	size_t size = bench_size(t->run->bc);
	int i;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		dma_sync_single_for_cpu(dev, t->dma[i], size,
					DMA_BIDIRECTIONAL);
	t1 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		dma_sync_single_for_device(dev, t->dma[i], size,
					   DMA_BIDIRECTIONAL);
	*second = ktime_get_ns() - t1;
	*first = t1 - t0;
	return 0;
}

static int bench_alloc_batch(struct bench_thread *t, u64 *first, u64 *second)
{
	struct device *dev = t->run->bd->dev;
	size_t size = bench_size(t->run->bc);
	int i, bad = 0;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		t->cpu[i] = dma_alloc_coherent(dev, size, &t->dma[i],
					       GFP_KERNEL);
	*first = ktime_get_ns() - t0;
	for (i = 0; i < BENCH_BATCH; i++)
		bad |= !t->cpu[i];
	if (bad) {
		for (i = 0; i < BENCH_BATCH; i++)
			if (t->cpu[i])
				dma_free_coherent(dev, size, t->cpu[i],
						  t->dma[i]);
		return -ENOMEM;
	}
	t1 = ktime_get_ns();
	for (i = 0; i < BENCH_BATCH; i++)
		dma_free_coherent(dev, size, t->cpu[i], t->dma[i]);
	*second = ktime_get_ns() - t1;
	return 0;
}

static int bench_batch(struct bench_thread *t, u64 *first, u64 *second)
{
	switch (t->run->bc->kind) {
	case BENCH_MAP:
		return bench_map_batch(t, first, second);
	case BENCH_MAP_SG:
		return bench_map_sg_batch(t, first, second);
	case BENCH_SYNC:
		return bench_sync_batch(t, first, second);
	default:
		return bench_alloc_batch(t, first, second);
	}
}

static u64 bench_clock_cost(void)
{
	u64 best = U64_MAX, t0, t1;
	int i;

	for (i = 0; i < 32; i++) {
		t0 = ktime_get_ns();
		t1 = ktime_get_ns();
		best = min(best, t1 - t0);
	}
	return best;
}

static u32 bench_sample(u64 ns, u64 clock_ns)
{
	return min_t(u64, ns > clock_ns ? ns - clock_ns : 0, U32_MAX);
}

static int bench_thread_fn(void *data)
{
	struct bench_thread *t = data;
	struct bench_run *run = t->run;
	unsigned int b;
	u64 first, second;

	t->error = bench_alloc_buffers(t);
	t->clock_ns = bench_clock_cost();
	complete(&t->ready);
	wait_event(run->start, READ_ONCE(run->go));
	if (READ_ONCE(run->abort))
		t->error = -ECANCELED;
	for (b = 0; !t->error && b < run->batches + BENCH_WARMUP_BATCHES; b++) {
		t->error = bench_batch(t, &first, &second);
		if (b >= BENCH_WARMUP_BATCHES) {
			t->first_ns[b - BENCH_WARMUP_BATCHES] =
				bench_sample(first, t->clock_ns);
			t->second_ns[b - BENCH_WARMUP_BATCHES] =
				bench_sample(second, t->clock_ns);
		}
		cond_resched();
	}
	bench_free_buffers(t);
	kthread_complete_and_exit(&t->done, 0);
}

static int bench_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* "name=N mean=M.m p50=P.p p99=Q.q", in ns per operation. */
static int bench_format(char *buf, size_t len, const char *key,
			const char *name, u32 *ns, unsigned int n)
{
	u64 sum = 0, mean, p50, p99;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += ns[i];
	sort(ns, n, sizeof(*ns), bench_cmp_u32, NULL);
	/* Tenths of a nanosecond per operation. */
	mean = div64_u64(sum * 10, (u64)n * BENCH_BATCH);
	p50 = div_u64((u64)ns[DIV_ROUND_UP(n * 50, 100) - 1] * 10, BENCH_BATCH);
	p99 = div_u64((u64)ns[DIV_ROUND_UP(n * 99, 100) - 1] * 10, BENCH_BATCH);
	return scnprintf(buf, len,
			 " %s=%s %s_mean=%llu.%llu %s_p50=%llu.%llu %s_p99=%llu.%llu",
			 key, name, key, mean / 10, mean % 10, key, p50 / 10,
			 p50 % 10, key, p99 / 10, p99 % 10);
}

static void bench_report(struct bench_run *run, struct bench_thread **threads)
{
	unsigned int n = run->threads * run->batches, i, j;
	struct bench_dev *bd = run->bd;
	u32 *first, *second, *pair;
	u64 clock_ns = U64_MAX;
	size_t len = 0;

	first = kvmalloc_array(n, 3 * sizeof(u32), GFP_KERNEL);
	if (!first) {
		scnprintf(bd->result, sizeof(bd->result), "error=-12\n");
		return;
	}
	second = first + n;
	pair = second + n;
	for (i = 0; i < run->threads; i++) {
		clock_ns = min(clock_ns, threads[i]->clock_ns);
		for (j = 0; j < run->batches; j++) {
			first[i * run->batches + j] = threads[i]->first_ns[j];
			second[i * run->batches + j] = threads[i]->second_ns[j];
			pair[i * run->batches + j] =
				min_t(u64, (u64)threads[i]->first_ns[j] +
					   threads[i]->second_ns[j], U32_MAX);
		}
	}
	len += scnprintf(bd->result + len, sizeof(bd->result) - len,
			 "case=%s threads=%u batches=%u batch=%u size=%zu clock_ns=%llu",
			 run->bc->name, run->threads, run->batches,
			 BENCH_BATCH, bench_size(run->bc), clock_ns);
	len += bench_format(bd->result + len, sizeof(bd->result) - len,
			    "first", run->bc->first, first, n);
	len += bench_format(bd->result + len, sizeof(bd->result) - len,
			    "second", run->bc->second, second, n);
	len += bench_format(bd->result + len, sizeof(bd->result) - len,
			    "pair", "both", pair, n);
	scnprintf(bd->result + len, sizeof(bd->result) - len, "\n");
	kvfree(first);
}

static void bench_free_threads(struct bench_thread **threads, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!threads[i])
			continue;
		kvfree(threads[i]->first_ns);
		kfree(threads[i]);
	}
	kfree(threads);
}

static int bench_run(struct bench_run *run)
{
	struct bench_thread **threads;
	struct task_struct *task;
	unsigned int i, started = 0;
	int cpu = -1, ret = 0;

	threads = kcalloc(run->threads, sizeof(*threads), GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	for (i = 0; i < run->threads; i++) {
		threads[i] = kzalloc(sizeof(*threads[i]), GFP_KERNEL);
		if (!threads[i]) {
			ret = -ENOMEM;
			goto out;
		}
		threads[i]->run = run;
		init_completion(&threads[i]->ready);
		init_completion(&threads[i]->done);
		threads[i]->first_ns = kvmalloc_array(run->batches,
						      2 * sizeof(u32),
						      GFP_KERNEL);
		if (!threads[i]->first_ns) {
			ret = -ENOMEM;
			goto out;
		}
		threads[i]->second_ns = threads[i]->first_ns + run->batches;
	}
	for (i = 0; i < run->threads; i++) {
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		task = kthread_create_on_cpu(bench_thread_fn, threads[i], cpu,
					     "altdma_bench/%u");
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			WRITE_ONCE(run->abort, true);
			break;
		}
		wake_up_process(task);
		started++;
	}
	for (i = 0; i < started; i++)
		wait_for_completion(&threads[i]->ready);
	WRITE_ONCE(run->go, true);
	wake_up_all(&run->start);
	for (i = 0; i < started; i++) {
		wait_for_completion(&threads[i]->done);
		if (!ret)
			ret = threads[i]->error;
	}
	if (!ret)
		bench_report(run, threads);
out:
	bench_free_threads(threads, run->threads);
	return ret;
}

static ssize_t bench_run_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct bench_dev *bd = file->private_data;
	struct bench_run run = { .bd = bd };
	char buf[64], name[32];
	unsigned int i;
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%31s %u %u", name, &run.threads, &run.batches) != 3 ||
	    !run.threads || run.threads > BENCH_MAX_THREADS ||
	    !run.batches || run.batches > BENCH_MAX_BATCHES ||
	    run.threads * run.batches > BENCH_MAX_SAMPLES) {
		dev_err(bd->dev, "usage: echo 'CASE THREADS(1-%u) BATCHES(1-%u)' > run, THREADS x BATCHES at most %lu\n",
			BENCH_MAX_THREADS, BENCH_MAX_BATCHES, BENCH_MAX_SAMPLES);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(bench_cases); i++)
		if (!strcmp(name, bench_cases[i].name))
			run.bc = &bench_cases[i];
	if (!run.bc) {
		dev_err(bd->dev, "no case '%s' (map_4k map_64k map_sg_16x4k sync_4k alloc_4k)\n",
			name);
		return -EINVAL;
	}
	init_waitqueue_head(&run.start);
	mutex_lock(&bd->lock);
	bd->result[0] = '\0';
	ret = bench_run(&run);
	if (ret)
		scnprintf(bd->result, sizeof(bd->result), "case=%s error=%d\n",
			  name, ret);
	mutex_unlock(&bd->lock);
	return ret ? ret : count;
}

static ssize_t bench_run_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct bench_dev *bd = file->private_data;
	ssize_t ret;

	mutex_lock(&bd->lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, bd->result,
				      strlen(bd->result));
	mutex_unlock(&bd->lock);
	return ret;
}

static const struct file_operations bench_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = bench_run_read,
	.write = bench_run_write,
	.llseek = default_llseek,
};

static int bench_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct bench_dev *bd;
	int ret;

	/* Guest RAM is below 4 GiB; a 64-bit mask keeps dma-direct direct. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	bd = devm_kzalloc(&pdev->dev, sizeof(*bd), GFP_KERNEL);
	if (!bd)
		return -ENOMEM;
	bd->dev = &pdev->dev;
	mutex_init(&bd->lock);
	bd->dir = debugfs_create_dir(dev_name(&pdev->dev), bench_root);
	debugfs_create_file("run", 0600, bd->dir, bd, &bench_run_fops);
	pci_set_drvdata(pdev, bd);
	return 0;
}

static void bench_remove(struct pci_dev *pdev)
{
	struct bench_dev *bd = pci_get_drvdata(pdev);

	debugfs_remove_recursive(bd->dir);
}

static struct pci_driver bench_driver = {
	.name = "altdma_bench",
	.probe = bench_probe,
	.remove = bench_remove,
};

static int __init bench_init(void)
{
	int ret;

	bench_root = debugfs_create_dir("altdma_bench", NULL);
	ret = pci_register_driver(&bench_driver);
	if (ret)
		debugfs_remove_recursive(bench_root);
	return ret;
}

static void __exit bench_exit(void)
{
	pci_unregister_driver(&bench_driver);
	debugfs_remove_recursive(bench_root);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("altdma: DMA API microbenchmark, timed in batches");
MODULE_LICENSE("GPL");
