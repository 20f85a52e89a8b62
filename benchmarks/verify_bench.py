"""`make bench`, verify part: `migrate verify` against a moto server for 100 and 500 services.

Each size gets a synthetic plan (every service autoscaled, with Service Connect, a target group
and a listener rule; 100 rules per ALB), applied to a fresh moto server with boto3 the way emit's
Terraform names things (tests/verify/apply_boto3.py), then verified in-process. Reported: wall
time of the verify, the API calls it made, and beside them the minimum calls AWS needs for that
state at the largest page sizes its APIs accept (`minimum_calls`): one DescribeTaskDefinition per
service and one DescribeTargetHealth per target group dominate, nothing batches them.

Targets (issue #6): API calls <= 1.2x the minimum; 500 services in < 30 s.
Figures go to stdout as a table and to .bench/verify.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from migrator.plan import model as p  # noqa: E402

CALL_RATIO_TARGET = 1.2
SECONDS_TARGET = 30.0
RULES_PER_LB = 100


def synthetic_plan(n: int) -> p.MigrationPlan:
    services, lbs = [], []
    for i in range(n):
        name = f"svc-{i:04d}"
        services.append(p.ServicePlan(
            name=name, namespace="default", workload_kind="Deployment", source=p.Source(f"k8s/{name}.yaml", 1),
            task=p.TaskSize(256, 512),
            containers=(p.ContainerPlan(name, f"ghcr.io/bench/{name}:1.0.{i}",
                                        port_mappings=(p.PortMapping("http", 8080, app_protocol="http"),),
                                        environment={"PORT": "8080"}),),
            desired_count=2, count_owner="autoscaling",
            autoscaling=p.Autoscaling(2, 4, (p.ScalingPolicy("cpu", "ECSServiceAverageCPUUtilization", 70.0),)),
            service_connect=(p.ServiceConnectEntry("http", name, name, 80),),
            load_balancers=(p.LoadBalancerTarget(f"{name}-http", name, 8080),)))
    for k in range(math.ceil(n / RULES_PER_LB)):
        host = f"h{k}.bench.example"
        rules = tuple(p.ListenerRule(j + 1, p.RuleCondition((host,), (f"/s{i}/*",)),
                                     (p.WeightedTarget(f"svc-{i:04d}-http", 1, f"svc-{i:04d}"),), f"svc-{i:04d}")
                      for j, i in enumerate(range(k * RULES_PER_LB, min(n, (k + 1) * RULES_PER_LB))))
        lbs.append(p.LoadBalancerPlan(f"lb{k}", hosts=(host,), rules=rules))
    env = p.EnvironmentPlan(name="bench", settings=p.EnvironmentSettings(log_retention_days=7),
                            service_connect_namespace="bench.internal", services=tuple(services),
                            load_balancers=tuple(lbs))
    return p.MigrationPlan(project="b", environments=(env,))


def minimum_calls(env: p.EnvironmentPlan) -> dict[str, int]:
    """The fewest calls that read this state from AWS, at each API's largest page size."""
    n = len(env.services)
    groups = sum(len(s.load_balancers) for s in env.services)
    scaled = [s for s in env.services if s.autoscaling]
    policies = sum(len(s.autoscaling.policies) for s in scaled)
    lbs = len(env.load_balancers)
    # Page limits: ListServices 100, DescribeServices 10 names, DescribeRules 400, scalable targets 50
    # resource ids, scaling policies 10 a page, DescribeLogGroups 50.
    return {
        "ecs:DescribeClusters": 1, "ecs:ListServices": math.ceil(n / 100), "ecs:DescribeServices": math.ceil(n / 10),
        "ecs:DescribeTaskDefinition": n,
        "elbv2:DescribeLoadBalancers": 1, "elbv2:DescribeListeners": lbs,
        # HTTPS load balancers: the HTTP listener's plain-HTTP rules too
        "elbv2:DescribeRules": sum(max(1, math.ceil(len(lb.rules) / 400)) + bool(lb.certificate_arn)
                                   for lb in env.load_balancers),
        "elbv2:DescribeTargetGroups": lbs, "elbv2:DescribeTargetHealth": groups,
        "autoscaling:DescribeScalableTargets": math.ceil(len(scaled) / 50),
        "autoscaling:DescribeScalingPolicies": math.ceil(policies / 10),
        "servicediscovery:ListNamespaces": 1, "logs:DescribeLogGroups": math.ceil(n / 50),
        # schedules are read only when the plan has scheduled tasks
        "scheduler:ListSchedules": int(bool(env.scheduled_tasks)), "scheduler:GetSchedule": len(env.scheduled_tasks),
    }


def run_size(n: int, workers: int) -> dict:
    from migrator.verify.run import VerifyOptions, verify_environment
    from tests.harness.moto_server import MotoServer, boto_env
    from tests.verify import apply_boto3

    os.environ.update(boto_env())
    plan = synthetic_plan(n)
    with MotoServer(Path(tempfile.mkdtemp(prefix="verify-bench-")) / "moto.log") as server:
        clients = apply_boto3.make_clients(server.endpoint)
        started = time.perf_counter()
        applied = apply_boto3.apply_environment(clients, plan, "bench", apply_boto3.create_network(clients),
                                                workers=workers)
        apply_boto3.settle(applied, workers=workers)
        setup = time.perf_counter() - started
        started = time.perf_counter()
        report = verify_environment(plan, VerifyOptions(env="bench", endpoint_url=server.endpoint))
        seconds = time.perf_counter() - started
    minimum = sum(minimum_calls(plan.environments[0]).values())
    calls = sum(report.api_calls.values())
    return {"services": n, "seconds": round(seconds, 2), "api_calls": calls, "minimum_calls": minimum,
            "call_ratio": round(calls / minimum, 3), "parity": report.parity, "failures": report.failures,
            "probes": len(report.probes), "setup_seconds": round(setup, 1), "calls": report.api_calls}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500", help="comma-separated service counts")
    parser.add_argument("--workers", type=int, default=8, help="threads that create the synthetic estate")
    args = parser.parse_args(argv)
    try:
        import moto  # noqa: F401
    except ImportError:
        print("verify bench: skipped (moto is not installed; pip install -e '.[test]')")
        return 0
    rows = [run_size(int(size), args.workers) for size in args.sizes.split(",")]
    print(f"{'services':>8} {'verify s':>9} {'API calls':>10} {'minimum':>8} {'ratio':>6} {'parity':>7}")
    for row in rows:
        print(f"{row['services']:>8} {row['seconds']:>9.2f} {row['api_calls']:>10} {row['minimum_calls']:>8} "
              f"{row['call_ratio']:>6.3f} {str(row['parity']):>7}")
    ok = all(r["call_ratio"] <= CALL_RATIO_TARGET and r["parity"] for r in rows) and all(
        r["seconds"] < SECONDS_TARGET for r in rows if r["services"] >= 500)
    print(f"targets: calls <= {CALL_RATIO_TARGET}x minimum, 500 services < {SECONDS_TARGET:g} s: "
          f"{'met' if ok else 'NOT met'}")
    os.makedirs(os.path.join(REPO, ".bench"), exist_ok=True)
    with open(os.path.join(REPO, ".bench", "verify.json"), "w", encoding="utf-8") as fh:
        json.dump({"rows": rows, "targets_met": ok}, fh, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
