"""`make demo`, last step: `migrate verify` against a local AWS emulator, and what it showed.

Starts a moto server on 127.0.0.1 (tests/harness: moto with the gaps our tests rely on closed),
`terraform apply`s the prod environment `make demo` emitted to it (a copy, so demo-out stays as
emitted), and plays ECS's part (tasks running, targets healthy), which an emulator does not. Then
runs the real `migrate verify` twice: on the environment as applied, and after two changes made
behind Terraform's back. Needs terraform and the AWS provider mirror; says so and stops without.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from migrator.plan.serialize import read_plan  # noqa: E402


def say(text: str = "") -> None:
    print(text, flush=True)


def verify(args: argparse.Namespace, endpoint: str, env: dict) -> int:
    command = [sys.executable, "-m", "migrator.cli", "verify", "--env", args.env, "--plan", args.plan,
               "--endpoint-url", endpoint, "--estate", args.estate]
    say("$ migrate verify " + " ".join(command[4:]))
    return subprocess.run(command, env={**os.environ, **env, "COLUMNS": "120"}, cwd=REPO).returncode


def apply(args: argparse.Namespace, server, workdir: Path):
    from tests.harness import applied, mirror
    from tests.harness.moto_server import boto_env
    from tests.harness.tf_runner import Terraform

    plan = read_plan(args.plan)
    out_dir = workdir / "terraform_out"
    shutil.copytree(args.out, out_dir)
    tf_dir = applied.prepare_for_moto(server, plan, args.env, out_dir)
    terraform = Terraform(tf_dir, mirror.write_cli_config(workdir / "terraform-cli"), boto_env())
    for step in (terraform.init, terraform.apply):
        run = step()
        if run.code != 0:
            raise SystemExit(f"verify demo: terraform {run.args[0]} failed:\n{run.describe(2000)}")
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default="demo-out/migration-plan.yaml")
    parser.add_argument("--out", default="demo-out/terraform_out", help="what `migrate emit` wrote")
    parser.add_argument("--env", default="prod")
    parser.add_argument("--estate", default="samples/k8s", help="the Kubernetes sources, for routing parity")
    args = parser.parse_args(argv)
    from tests.harness import mirror
    from tests.harness.moto_server import MotoServer, boto_env
    from tests.verify import sample_drifts

    reason = mirror.skip_reason()
    if reason:
        say(f"verify demo: skipped, {reason}; `migrate verify --endpoint-url` works against any emulator")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="verify-demo-"))
    say(f"\n== verify: applying envs/{args.env} to a local moto server with terraform (a few minutes)")
    try:
        with MotoServer(workdir / "moto.log") as server:
            started = time.monotonic()
            plan = apply(args, server, workdir)
            say(f"applied in {time.monotonic() - started:.0f} s; playing ECS: desired tasks running, targets healthy")
            os.environ.update(boto_env())
            live = sample_drifts.Live(SimpleNamespace(plan=plan, env_name=args.env, endpoint=server.endpoint,
                                                      client=lambda name: _client(name, server.endpoint)))
            live.settle()
            say()
            first = verify(args, server.endpoint, boto_env())
            say(f"\n== verify: now, behind Terraform's back, {sample_drifts.SERVICE}'s image tag changes and two "
                "listener rules swap priorities")
            undo = [sample_drifts.image_tag(live), sample_drifts.priorities_swapped(live)]
            second = verify(args, server.endpoint, boto_env())
            for step in reversed(undo):
                step()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    explain(first, second)
    return 0 if (first, second) == (0, 1) else 1


def _client(name: str, endpoint: str):
    import boto3

    from tests.harness.moto_server import REGION, boto_env

    keys = boto_env()
    return boto3.client(name, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"])


def explain(first: int, second: int) -> None:
    from tests.verify import sample_drifts

    say(f"""
== What verify showed
First run (exit {first}): it read the live cluster, services, task definitions, load balancer,
rules, target groups, autoscaling, Service Connect, log groups and the EventBridge Scheduler
schedule of the {sample_drifts.SCHEDULED_TASK} CronJob, read-only, and found them as the plan
says; it re-generated the routing probes from the Kubernetes objects and every one
reaches, through the live ALB rules, the service Kubernetes sends it to. Exit 0: parity.

Second run (exit {second}): the changed image is a DRIFT line naming the service, the field and
both values. The swapped priorities are two route DRIFT lines, and the ROUTING lines show the
requests that now reach another service: the same rules in another order route differently.
Exit 1: do not move the next wave yet.

Exit 2 would mean it could not verify at all (no credentials, endpoint down, unknown environment).
See docs/verify.md, and `migrate verify --print-iam-policy` for the read-only role it needs.""")


if __name__ == "__main__":
    sys.exit(main())
