#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turns the bench guests' console logs into results.json, results.md and
plot.svg (bench/run.sh calls it).

    report.py --out DIR [--host HOST.txt] [--quick] CONSOLE.log...

Each log holds ALTDMA-BENCH-ENV, ALTDMA-BENCH (one line per case, thread
count, peer and run, from altdma_bench), ALTDMA-BENCH-MB (the kernel's
dma_map_benchmark) and ALTDMA-BENCH-FIO (fio --minimal) lines. Per case the
median over runs is reported with the spread (min-max), and ratios
altdma / peer are formed from the medians. Fails if a case lacks a peer.
"""
import argparse
import json
import math
import re
import statistics
import sys

# altdma-bounce-swiotlb-boot: altdma force-bounce again, in the swiotlb=force
# boot, beside swiotlb's plain device: the bounce goal is judged in that boot.
PEERS = ["dma-direct", "altdma-direct", "altdma-bounce", "altdma-latency", "altdma-faults-armed",
         "altdma-checker", "swiotlb-force", "altdma-bounce-swiotlb-boot", "dma-debug"]
CASES = ["map_4k", "map_64k", "map_sg_16x4k", "sync_4k", "alloc_4k"]
# (altdma peer, its baseline, what the ratio says, goal on map+unmap per case)
RATIOS = [
    ("altdma-direct", "dma-direct", "altdma direct / dma-direct",
     {"map_4k": 1.15, "map_64k": 1.15, "map_sg_16x4k": 1.2}),
    ("altdma-bounce-swiotlb-boot", "swiotlb-force", "altdma force-bounce / swiotlb=force (one boot)",
     {"map_4k": 1.0, "map_64k": 1.0}),
    # What a layer costs on the generic table, against the fast direct one.
    ("altdma-latency", "altdma-direct", "altdma direct + latency=1 / altdma direct", {}),
    ("altdma-faults-armed", "altdma-direct",
     "altdma direct + faults armed, not firing / altdma direct", {}),
    ("altdma-checker", "altdma-direct", "altdma direct + checks=all / altdma direct", {}),
    # Across two boots: context only (the boots differ by 10% on identical work).
    ("altdma-bounce", "swiotlb-force", "altdma force-bounce (main boot) / swiotlb=force (its boot)", {}),
    ("altdma-checker", "dma-debug", "altdma direct + checks=all / dma-debug (across boots)", {}),
]
# The checker's goal: what it adds to dma-direct, against what dma-debug
# adds (dma-debug is global, so it runs in a boot of its own; dma-direct's
# figure of the main boot is the baseline of both).
ADDED_COST_GOAL = 0.5
FIO_BASE = "stock-nvme"
FIO_CONFIGS = ["stock-nvme", "stock-nvme-altdma-direct", "stock-nvme-altdma-bounce", "nvme-demo"]
FIO_JOBS = ["randread-4k-qd1", "randread-4k-qd32", "read-128k-qd8"]


def fields(text):
    out = {}
    for word in text.split():
        if "=" in word:
            key, value = word.split("=", 1)
            out[key] = value
    return out


def parse(logs):
    env, micro, mb, fio = [], [], [], []
    for path in logs:
        with open(path, errors="replace") as f:
            for line in f:
                line = line.rstrip("\r\n")
                m = re.search(r"ALTDMA-BENCH(-ENV|-MB|-FIO)? (.*)", line)
                if not m:
                    continue
                kind, rest = m.group(1), fields(m.group(2))
                if kind == "-ENV":
                    env.append(rest)
                elif kind == "-MB":
                    mb.append(rest)
                elif kind == "-FIO":
                    terse = rest.get("terse", "").split(";")
                    if len(terse) < 16:
                        continue
                    fio.append({"config": rest["config"], "job": rest["job"],
                                "run": int(rest["run"]), "iops": float(terse[7]),
                                "bw_kib": float(terse[6]), "clat_mean_us": float(terse[15])})
                elif "pair_mean" in rest:
                    row = {k: rest[k] for k in ("boot", "peer", "case", "first", "second")}
                    row.update({k: int(rest[k]) for k in ("run", "threads", "batches", "size")})
                    row["clock_ns"] = int(rest.get("clock_ns", 0))
                    for half in ("first", "second", "pair"):
                        for stat in ("mean", "p50", "p99"):
                            row[f"{half}_{stat}"] = float(rest[f"{half}_{stat}"])
                    micro.append(row)
    return env, micro, mb, fio


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}


def summarize(micro):
    groups = {}
    for row in micro:
        groups.setdefault((row["peer"], row["case"], row["threads"]), []).append(row)
    summary = []
    for (peer, case, threads), rows in sorted(groups.items()):
        entry = {"peer": peer, "case": case, "threads": threads,
                 "first": rows[0]["first"], "second": rows[0]["second"]}
        for key in ("first_mean", "second_mean", "pair_mean", "pair_p50", "pair_p99"):
            entry[key] = spread([r[key] for r in rows])
        summary.append(entry)
    return summary


def ratios(summary):
    index = {(s["peer"], s["case"], s["threads"]): s for s in summary}
    threads = sorted({s["threads"] for s in summary})
    out = []
    for peer, base, title, goals in RATIOS:
        for case in CASES:
            for t in threads:
                a, b = index.get((peer, case, t)), index.get((base, case, t))
                row = {"ratio": title, "peer": peer, "base": base, "case": case,
                       "threads": t, "goal": goals.get(case)}
                if a and b:
                    for key in ("pair_mean", "first_mean", "second_mean"):
                        row[key] = a[key]["median"] / b[key]["median"] if b[key]["median"] else None
                    row["altdma_ns"] = a["pair_mean"]["median"]
                    row["base_ns"] = b["pair_mean"]["median"]
                out.append(row)
    return out


def added_costs(summary):
    index = {(s["peer"], s["case"], s["threads"]): s["pair_mean"]["median"] for s in summary}
    out = []
    for case in CASES:
        for t in sorted({s["threads"] for s in summary}):
            base = index.get(("dma-direct", case, t))
            checker = index.get(("altdma-checker", case, t))
            debug = index.get(("dma-debug", case, t))
            if base is None or checker is None or debug is None:
                continue
            row = {"case": case, "threads": t, "dma_direct_ns": base,
                   "checker_added_ns": checker - base, "dma_debug_added_ns": debug - base,
                   "goal": ADDED_COST_GOAL}
            row["ratio"] = row["checker_added_ns"] / row["dma_debug_added_ns"] \
                if row["dma_debug_added_ns"] > 0 else None
            out.append(row)
    return out


def fio_summary(fio):
    groups = {}
    for row in fio:
        groups.setdefault((row["config"], row["job"]), []).append(row)
    out = []
    for (config, job), rows in sorted(groups.items()):
        base = groups.get((FIO_BASE, job))
        entry = {"config": config, "job": job,
                 "iops": spread([r["iops"] for r in rows]),
                 "clat_mean_us": spread([r["clat_mean_us"] for r in rows])}
        base_iops = statistics.median(r["iops"] for r in base) if base else 0
        if base_iops:
            entry["iops_ratio"] = entry["iops"]["median"] / base_iops
        out.append(entry)
    return out


def fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(env, summary, ratio_rows, mb, fio, host, quick, micro, added):
    lines = ["# altdma benchmark", ""]
    if quick:
        lines += ["**Quick mode** (`make check`): one short run per case on a debug test kernel, so that the "
                  "harness cannot rot. These figures are not a measurement; goals are not judged here.", ""]
    for e in env:
        lines.append(f"- boot `{e.get('boot')}`: Linux {e.get('kernel')}, {e.get('cpus')} vCPUs, "
                     f"{e.get('accel')}, clocksource {e.get('clocksource')}, "
                     f"{e.get('runs')} runs x {e.get('batches')} batches of 32 operations, "
                     f"threads {e.get('threads')}")
    clocks = [r["clock_ns"] for r in micro if r["clock_ns"]]
    if clocks:
        lines.append(f"- one clock read costs about {statistics.median(clocks)} ns here (median over runs); "
                     "it is subtracted from every timed half-batch")
    if any(e.get("accel") == "tcg" for e in env):
        lines.append("- **TCG**: every guest instruction is emulated; absolute figures are far "
                     "from hardware and the clock is HPET. Ratios are the result; under TCG the "
                     "emulated NVMe device dominates fio.")
    lines += ["", "## Ratios (median of runs; map+unmap, or the case's pair of operations)", "",
              "| ratio | case | threads | pair | first half | second half | altdma ns/op | peer ns/op | goal |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in ratio_rows:
        if "pair_mean" not in r:
            if r["case"] == CASES[0] and r["threads"] == ratio_rows[0]["threads"]:
                lines.append(f"| {r['ratio']} | all | all | missing | | | | | |")
            continue
        goal = ""
        if r["goal"] is not None and r["pair_mean"] is not None and not quick:
            goal = f"<= {r['goal']:.2f} {'met' if r['pair_mean'] <= r['goal'] else 'NOT met'}"
        lines.append(f"| {r['ratio']} | {r['case']} | {r['threads']} | **{fmt(r['pair_mean'])}** | "
                     f"{fmt(r['first_mean'])} | {fmt(r['second_mean'])} | {fmt(r['altdma_ns'], 1)} | "
                     f"{fmt(r['base_ns'], 1)} | {goal} |")
    lines += ["", "## The checker's added cost against dma-debug's (ns per operation pair over "
              "dma-direct of the main boot; goal: altdma direct + checks=all adds at most "
              f"{ADDED_COST_GOAL}x what dma-debug adds)", "",
              "dma-debug is global, so it is timed in a boot of its own: its added cost is its "
              "figure minus dma-direct's of the main boot (boots differ by about 10% on identical "
              "work, small beside what either checker adds). The checker's added cost includes "
              "altdma's own generic table.", "",
              "| case | threads | dma-direct ns | checker adds ns | dma-debug adds ns | ratio | goal |",
              "|---|---|---|---|---|---|---|"]
    for a in added:
        goal = ""
        if a["ratio"] is not None and not quick:
            goal = f"<= {a['goal']:.2f} {'met' if a['ratio'] <= a['goal'] else 'NOT met'}"
        lines.append(f"| {a['case']} | {a['threads']} | {fmt(a['dma_direct_ns'], 1)} | "
                     f"{fmt(a['checker_added_ns'], 1)} | {fmt(a['dma_debug_added_ns'], 1)} | "
                     f"**{fmt(a['ratio'])}** | {goal} |")
    lines += ["", "## Absolute figures (ns per operation: median of run means, [min-max] over runs; "
              "p50/p99 over batches)", "",
              "| peer | case | threads | first | second | pair mean | spread | pair p50 | pair p99 |",
              "|---|---|---|---|---|---|---|---|---|"]
    for s in summary:
        p = s["pair_mean"]
        lines.append(f"| {s['peer']} | {s['case']} | {s['threads']} | {s['first']} {fmt(s['first_mean']['median'], 1)} | "
                     f"{s['second']} {fmt(s['second_mean']['median'], 1)} | {fmt(p['median'], 1)} | "
                     f"[{fmt(p['min'], 1)}-{fmt(p['max'], 1)}] x{p['runs']} | {fmt(s['pair_p50']['median'], 1)} | "
                     f"{fmt(s['pair_p99']['median'], 1)} |")
    if mb:
        lines += ["", "## Cross-check: the kernel's dma_map_benchmark (its own units: 100 ns, "
                  "each sample floored; a map under 100 ns counts as 0)", "",
                  "| peer | threads | pages | map (ns) | map stddev | unmap (ns) | unmap stddev |",
                  "|---|---|---|---|---|---|---|"]
        for m in mb:
            lines.append(f"| {m['peer']} | {m['threads']} | {m['granule']} | {int(m['map_100ns']) * 100} | "
                         f"{int(m['map_stddev']) * 100} | {int(m['unmap_100ns']) * 100} | "
                         f"{int(m['unmap_stddev']) * 100} |")
    if fio:
        lines += ["", "## fio on the emulated NVMe disk (direct I/O; median IOPS over runs)", "",
                  "| driver | job | IOPS | spread | / stock nvme | mean clat (us) |",
                  "|---|---|---|---|---|---|"]
        for f in fio:
            i = f["iops"]
            lines.append(f"| {f['config']} | {f['job']} | {i['median']:.0f} | [{i['min']:.0f}-{i['max']:.0f}] x{i['runs']} | "
                         f"{fmt(f.get('iops_ratio'))} | {f['clat_mean_us']['median']:.1f} |")
    if host:
        lines += ["", "## Host: the core under callgrind against the fake platform "
                  "(instructions per operation, exact)", ""]
        lines += [f"- {h}" for h in host]
    return "\n".join(lines) + "\n"


def svg(summary):
    """Grouped bars: ns/op (map+unmap or the case's pair, log scale) per case
    and thread count, one bar per peer."""
    colors = {"dma-direct": "#4477aa", "altdma-direct": "#66ccee", "altdma-bounce": "#228833",
              "altdma-latency": "#aa3377", "altdma-faults-armed": "#bbbbbb",
              "altdma-checker": "#882255",
              "swiotlb-force": "#ccbb44", "altdma-bounce-swiotlb-boot": "#117733",
              "dma-debug": "#ee6677"}
    index = {(s["peer"], s["case"], s["threads"]): s["pair_mean"]["median"] for s in summary}
    groups = sorted({(s["case"], s["threads"]) for s in summary},
                    key=lambda g: (CASES.index(g[0]) if g[0] in CASES else 99, g[1]))
    values = [v for v in index.values() if v > 0] or [1.0]
    lo = math.floor(math.log10(min(values)))
    hi = math.ceil(math.log10(max(values)))
    if hi == lo:
        hi += 1
    bar, gap, left, top, height = 12, 18, 70, 40, 300
    width = left + len(groups) * (len(PEERS) * bar + gap) + 20
    y = lambda v: top + height - (math.log10(v) - lo) / (hi - lo) * height
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height + 150}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="20" font-size="14">altdma: ns per operation pair (median of runs, log scale)</text>']
    for e in range(lo, hi + 1):
        out.append(f'<line x1="{left}" x2="{width - 20}" y1="{y(10 ** e):.1f}" y2="{y(10 ** e):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(10 ** e) + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
    for g, (case, threads) in enumerate(groups):
        x0 = left + g * (len(PEERS) * bar + gap) + gap / 2
        for p, peer in enumerate(PEERS):
            v = index.get((peer, case, threads))
            if not v or v <= 0:
                continue
            out.append(f'<rect x="{x0 + p * bar:.1f}" y="{y(v):.1f}" width="{bar - 1}" '
                       f'height="{top + height - y(v):.1f}" fill="{colors[peer]}"><title>{peer} {case} '
                       f'{threads} threads: {v:.1f} ns</title></rect>')
        cx = x0 + len(PEERS) * bar / 2
        out.append(f'<text x="{cx:.1f}" y="{top + height + 14}" text-anchor="end" '
                   f'transform="rotate(-40 {cx:.1f} {top + height + 14})">{case} x{threads}</text>')
    for p, peer in enumerate(PEERS):
        lx = left + (p % 3) * 200
        ly = top + height + 100 + (p // 3) * 16
        out.append(f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{colors[peer]}"/>')
        out.append(f'<text x="{lx + 14}" y="{ly + 9}">{peer}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--host")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("logs", nargs="+")
    args = ap.parse_args()
    env, micro, mb, fio = parse(args.logs)
    host = []
    if args.host:
        with open(args.host) as f:
            host = [line.strip() for line in f if line.strip()]
    summary = summarize(micro)
    ratio_rows = ratios(summary)
    added = added_costs(summary)
    fio_rows = fio_summary(fio)
    problems = []
    boots = {e.get("boot") for e in env}
    for boot in ("main", "swiotlb", "dmadebug"):
        if boot not in boots:
            problems.append(f"no results from the {boot} boot")
    threads = sorted({s["threads"] for s in summary})
    have = {(s["peer"], s["case"], s["threads"]) for s in summary}
    for peer in PEERS:
        for case in CASES:
            for t in threads:
                if (peer, case, t) not in have:
                    problems.append(f"no {case} on {t} threads for {peer}")
    for config in FIO_CONFIGS:
        for job in FIO_JOBS:
            if not any(f["config"] == config and f["job"] == job for f in fio_rows):
                problems.append(f"no fio {job} for {config}")
    if not mb:
        problems.append("no dma_map_benchmark cross-check")
    result = {"quick": args.quick, "env": env, "summary": summary, "ratios": ratio_rows,
              "checker_added_cost": added, "fio": fio_rows,
              "dma_map_benchmark": mb, "host": host, "raw": micro, "problems": problems}
    with open(f"{args.out}/results.json", "w") as f:
        json.dump(result, f, indent=1)
    with open(f"{args.out}/results.md", "w") as f:
        f.write(markdown(env, summary, ratio_rows, mb, fio_rows, host, args.quick, micro, added))
    with open(f"{args.out}/plot.svg", "w") as f:
        f.write(svg(summary))
    for p in problems:
        print(f"report: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
