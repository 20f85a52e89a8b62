"""`make bench`: how long `migrate plan` takes on a synthetic estate, beside the floor.

The floor is PyYAML's CSafeLoader loading the same files and nothing else: no planner can read
the estate faster than that. Each side runs in a fresh Python process (so neither inherits the
other's heap) a few times; the median wall time and peak RSS are reported. The plan side is the
real `migrate plan <dir> --out <file>` path: `api.plan_estate` then `api.write_plan`. Timings
cover the work only, not interpreter start-up and imports; peak RSS is the whole process.

Target (issue #2): at N = 5,000 the plan takes at most 2x the floor and peaks under 1 GiB.
Figures go to stdout as a table and to .bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from benchmarks.estate import write_estate  # noqa: E402

TIME_RATIO_TARGET = 2.0
PEAK_MIB_TARGET = 1024.0
TARGET_N = 5000

_FLOOR = r"""
import json, os, resource, sys, time
import yaml
root = sys.argv[1]
t0, c0 = time.perf_counter(), time.process_time()
files = []
for folder, dirs, names in os.walk(root):
    dirs.sort()
    files += [os.path.join(folder, n) for n in sorted(names) if n.endswith((".yaml", ".yml"))]
documents = []
for path in files:
    with open(path, encoding="utf-8") as fh:
        documents.extend(d for d in yaml.load_all(fh.read(), Loader=yaml.CSafeLoader) if d is not None)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "documents": len(documents), "files": len(files)}))
"""

_PLAN = r"""
import json, os, resource, sys, time
from migrator import api
root, out, profile = sys.argv[1], sys.argv[2], sys.argv[3]

def run():
    result = api.plan_estate(api.PlanOptions(paths=(root,)))
    api.write_plan(result.plan, out)
    return result

t0, c0 = time.perf_counter(), time.process_time()
if profile:
    import cProfile
    profiler = cProfile.Profile()
    result = profiler.runcall(run)
    profiler.dump_stats(profile)
else:
    result = run()
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
env = result.plan.environments[0]
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "services": len(env.services), "findings": len(env.findings),
                  "plan_bytes": os.path.getsize(out)}))
"""


_STAGES = r"""
import collections, json, sys, time
from migrator import api, map as mapping
root, out = sys.argv[1], sys.argv[2]
spent = collections.Counter()

def timed(name, function):
    def run(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start
    return run

for stage in ("load_documents", "build_estate", "map_environment", "build_ledger", "plan_to_data", "dump_yaml"):
    if hasattr(api, stage):
        setattr(api, stage, timed(stage, getattr(api, stage)))
for listed in ("WORKLOAD_MAPPERS", "TASK_MAPPERS", "ENVIRONMENT_MAPPERS"):
    mappers = getattr(mapping, listed, [])
    mappers[:] = [timed(f"  {f.__module__.replace('migrator.', '')}.{f.__name__}", f) for f in mappers]
for module, name in (("services", "service_for_workload"), ("kinds", "runs_as")):
    if hasattr(getattr(mapping, module, None), name):
        target = getattr(mapping, module)
        setattr(target, name, timed(f"  {module}.{name}", getattr(target, name)))
start = time.process_time()
result = api.plan_estate(api.PlanOptions(paths=(root,)))
api.write_plan(result.plan, out)
print(json.dumps({"total": time.process_time() - start, "stages": dict(spent)}))
"""


def stages(n: int, workdir: str) -> None:
    """CPU seconds per stage and per mapper of one plan run (no profiler overhead)."""
    estate = os.path.join(workdir, f"estate-{n}")
    if not os.path.isdir(estate):
        write_estate(estate, n)
    figures = measure(_STAGES, estate, os.path.join(workdir, f"plan-{n}.yaml"))
    total = figures["total"]
    print(f"plan of N={n:,}: {total:.2f} CPU s (mappers are indented under map_environment)")
    for name, seconds in sorted(figures["stages"].items(), key=lambda kv: -kv[1]):
        print(f"{seconds:8.2f} s {100 * seconds / total:5.1f}%  {name}")


def measure(script: str, *args: str) -> dict:
    """Run one side in a fresh interpreter; it prints its own figures as one JSON line."""
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          cwd=REPO, timeout=1800)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_size(n: int, workdir: str, repeat: int) -> dict:
    estate = os.path.join(workdir, f"estate-{n}")
    shutil.rmtree(estate, ignore_errors=True)
    started = time.perf_counter()
    files = write_estate(estate, n)
    generated = time.perf_counter() - started
    out = os.path.join(workdir, f"plan-{n}.yaml")
    floors, plans = [], []
    for _ in range(repeat):  # interleaved, so drift in machine load hits both sides alike
        floors.append(measure(_FLOOR, estate))
        plans.append(measure(_PLAN, estate, out, ""))
    return summarise(n, len(files), generated, floors, plans)


def summarise(n: int, files: int, generated: float, floors: list[dict], plans: list[dict]) -> dict:
    floor_s = statistics.median(r["seconds"] for r in floors)
    plan_s = statistics.median(r["seconds"] for r in plans)
    floor_mib = statistics.median(r["peak_mib"] for r in floors)
    plan_mib = statistics.median(r["peak_mib"] for r in plans)
    ratio = plan_s / floor_s if floor_s else float("inf")
    floor_cpu = statistics.median(r["cpu_seconds"] for r in floors)
    plan_cpu = statistics.median(r["cpu_seconds"] for r in plans)
    checked = n >= TARGET_N
    passed = plan_mib <= PEAK_MIB_TARGET and (ratio <= TIME_RATIO_TARGET or not checked)
    return {
        "n": n, "files": files, "documents": floors[0]["documents"], "generate_seconds": round(generated, 3),
        "floor_seconds": round(floor_s, 3), "plan_seconds": round(plan_s, 3), "ratio": round(ratio, 2),
        "floor_cpu_seconds": round(floor_cpu, 3), "plan_cpu_seconds": round(plan_cpu, 3),
        "cpu_ratio": round(plan_cpu / floor_cpu if floor_cpu else float("inf"), 2),
        "floor_peak_mib": round(floor_mib, 1), "plan_peak_mib": round(plan_mib, 1),
        "services": plans[0]["services"], "findings": plans[0]["findings"], "plan_bytes": plans[0]["plan_bytes"],
        "runs": {"floor_seconds": [round(r["seconds"], 3) for r in floors],
                 "plan_seconds": [round(r["seconds"], 3) for r in plans],
                 "floor_peak_mib": [round(r["peak_mib"], 1) for r in floors],
                 "plan_peak_mib": [round(r["peak_mib"], 1) for r in plans],
                 "floor_cpu_seconds": [round(r["cpu_seconds"], 3) for r in floors],
                 "plan_cpu_seconds": [round(r["cpu_seconds"], 3) for r in plans]},
        "time_target_applies": checked, "passed": passed,
    }


def table(rows: list[dict]) -> str:
    head = ("N", "floor s", "plan s", "ratio", "cpu ratio", "floor MiB", "plan MiB", "target")
    lines = ["{:>6} {:>8} {:>8} {:>6} {:>10} {:>10} {:>9}  {}".format(*head)]
    for r in rows:
        verdict = "pass" if r["passed"] else "FAIL"
        if not r["time_target_applies"]:
            verdict += " (memory only)"
        lines.append(f"{r['n']:>6} {r['floor_seconds']:>8.2f} {r['plan_seconds']:>8.2f} {r['ratio']:>6.2f} "
                     f"{r['cpu_ratio']:>10.2f} {r['floor_peak_mib']:>10.1f} {r['plan_peak_mib']:>9.1f}  {verdict}")
    lines.append(f"target: plan <= {TIME_RATIO_TARGET:g}x floor (wall time) at N = {TARGET_N:,}; "
                 f"peak <= {PEAK_MIB_TARGET:g} MiB. Medians of {len(rows[0]['runs']['plan_seconds'])} runs; "
                 "cpu ratio is the same comparison in CPU time, steadier on a busy machine.")
    return "\n".join(lines)


def profile(n: int, workdir: str, top: int) -> None:
    """cProfile one plan run and print the hottest functions (stats kept in .bench/)."""
    import pstats

    estate = os.path.join(workdir, f"estate-{n}")
    if not os.path.isdir(estate):
        write_estate(estate, n)
    stats_file = os.path.join(workdir, f"plan-{n}.prof")
    figures = measure(_PLAN, estate, os.path.join(workdir, f"plan-{n}.yaml"), stats_file)
    print(f"profiled plan of N={n}: {figures['seconds']:.2f}s under cProfile; stats in {stats_file}")
    for key in ("tottime", "cumulative"):
        pstats.Stats(stats_file).sort_stats(key).print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, TARGET_N])
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the median is reported")
    parser.add_argument("--workdir", default=os.path.join(REPO, ".bench"))
    parser.add_argument("--profile", type=int, metavar="N", help="profile one plan run at this N instead")
    parser.add_argument("--top", type=int, default=30, help="functions to list with --profile")
    parser.add_argument("--stages", type=int, metavar="N", help="CPU time per stage and mapper at this N instead")
    args = parser.parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    if args.stages:
        stages(args.stages, args.workdir)
        return 0
    if args.profile:
        profile(args.profile, args.workdir, args.top)
        return 0
    rows = []
    for n in args.sizes:
        rows.append(bench_size(n, args.workdir, args.repeat))
        print(f"N={n:,}: {rows[-1]['files']} files, {rows[-1]['documents']} documents, "
              f"{rows[-1]['services']} services planned, {rows[-1]['findings']} findings", flush=True)
    print(table(rows))
    results = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "repeat": args.repeat, "results": rows}
    with open(os.path.join(args.workdir, "results.json"), "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=2)
    print(f"figures written to {os.path.relpath(os.path.join(args.workdir, 'results.json'), REPO)}")
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
