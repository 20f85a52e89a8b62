"""Plan -> emit -> `terraform apply` of one environment against a moto server, and destroy.

`apply_environment()` is what the `applied_sample_prod` fixture runs once per session; the
steps are plain functions so a test can run them on other inputs (another sample, another
environment). Everything runs as a user would: the real `migrate` CLI, the real `terraform`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from migrator.plan.model import MigrationPlan
from migrator.plan.serialize import read_plan
from tests.harness import mirror
from tests.harness.moto_server import REGION, MotoServer, boto_env, write_provider_override
from tests.harness.tf_runner import Terraform, TerraformRun

REPO = Path(__file__).resolve().parents[2]


@dataclass
class AppliedEnvironment:
    """An emitted environment applied to moto. `tf_dir` is the root module (envs/<env>)."""

    endpoint: str
    plan_path: Path
    out_dir: Path
    tf_dir: Path
    env_name: str
    plan: MigrationPlan
    terraform: Terraform
    apply: TerraformRun
    plan_after_apply: TerraformRun
    server_log: Path
    outputs: dict = field(default_factory=dict)

    def client(self, service: str):
        """A boto3 client on the moto server (dummy credentials, us-east-1)."""
        creds = boto_env()
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])

    def state_resources(self, resource_type: str) -> list[dict]:
        """Attributes of every instance of `resource_type` in the local Terraform state."""
        state = json.loads((self.tf_dir / "terraform.tfstate").read_text())
        return [instance["attributes"] for resource in state.get("resources", [])
                if resource["type"] == resource_type and resource["mode"] == "managed"
                for instance in resource["instances"]]


def run_migrate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real CLI; raises with its output when it fails."""
    proc = subprocess.run([sys.executable, "-m", "migrator.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "200", "PYTHONPATH": str(REPO)})
    if proc.returncode != 0:
        raise RuntimeError(f"migrate {' '.join(args)} exited {proc.returncode}\n"
                           f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def plan_and_emit(sources: Path, env_name: str, workdir: Path) -> tuple[Path, Path]:
    """`migrate plan SOURCES` then `migrate emit --env ENV`; returns (plan file, emitted tree)."""
    plan_path, out_dir = workdir / "migration-plan.yaml", workdir / "terraform_out"
    run_migrate("plan", str(sources), "--out", str(plan_path), "--fail-on", "never", cwd=workdir)
    run_migrate("emit", "--plan", str(plan_path), "--env", env_name, "--out", str(out_dir),
                cwd=workdir)
    return plan_path, out_dir


def prepare_for_moto(server: MotoServer, plan: MigrationPlan, env_name: str, out_dir: Path) -> Path:
    """Point the environment's root module at moto: local state (the S3 backend's bucket is
    global/'s job, not this test's), every provider endpoint on the server, and the account's
    pre-existing things (the ACM certificates the plan names) seeded."""
    tf_dir = out_dir / "envs" / env_name
    (tf_dir / "backend_override.tf").write_text(mirror.LOCAL_BACKEND)
    write_provider_override(tf_dir, server.endpoint, sorted((out_dir / "modules").iterdir()))
    environment = plan.environment(env_name)
    for balancer in environment.load_balancers:
        if balancer.certificate_arn:
            server.seed_certificate(balancer.certificate_arn, (balancer.hosts or ("example.com",))[0])
    return tf_dir


def apply_environment(server: MotoServer, sources: Path, env_name: str, workdir: Path,
                      cli_config: Path) -> AppliedEnvironment:
    """Plan, emit, init, apply, then `plan -detailed-exitcode` (kept for the tests to judge).
    Raises with Terraform's output when init or apply fails."""
    plan_path, out_dir = plan_and_emit(sources, env_name, workdir)
    plan = read_plan(str(plan_path))
    tf_dir = prepare_for_moto(server, plan, env_name, out_dir)
    terraform = Terraform(tf_dir, cli_config, boto_env())
    for step in (terraform.init, terraform.apply):
        result = step()
        if result.code != 0:
            raise RuntimeError(result.describe())
    applied = AppliedEnvironment(
        endpoint=server.endpoint, plan_path=plan_path, out_dir=out_dir, tf_dir=tf_dir,
        env_name=env_name, plan=plan, terraform=terraform, apply=terraform.runs[-1],
        plan_after_apply=terraform.plan(), server_log=server.log_path)
    outputs = terraform.run("output", "-json", "-no-color")
    applied.outputs = {k: v["value"] for k, v in json.loads(outputs.stdout or "{}").items()}
    return applied


def settle(applied: AppliedEnvironment) -> None:
    """Play the ECS scheduler, which moto does not run: every service runs its desired count
    and each of its target groups has one healthy IP target per task. Idempotent, and no
    drift for Terraform (targets are not in the state; counts are unchanged)."""
    ecs, elbv2 = applied.client("ecs"), applied.client("elbv2")
    cluster = applied.outputs["cluster_name"]
    names = [s.name for s in applied.plan.environment(applied.env_name).services]
    for start in range(0, len(names), 10):
        for service in ecs.describe_services(cluster=cluster, services=names[start:start + 10])["services"]:
            count = service["desiredCount"]
            ecs.update_service(cluster=cluster, service=service["serviceName"], desiredCount=count)
            for index, attached in enumerate(service.get("loadBalancers", [])):
                elbv2.register_targets(TargetGroupArn=attached["targetGroupArn"], Targets=[
                    {"Id": f"10.{start // 10}.{index}.{10 + n}", "Port": attached["containerPort"]}
                    for n in range(count)])


def release_deletion_protection(applied: AppliedEnvironment) -> list[str]:
    """What an operator does before destroying a production environment: turn off deletion
    protection on its load balancers (AWS, and the patched moto, refuse to delete them)."""
    elbv2 = applied.client("elbv2")
    released = []
    for balancer in applied.state_resources("aws_lb"):
        if balancer.get("enable_deletion_protection"):
            elbv2.modify_load_balancer_attributes(
                LoadBalancerArn=balancer["arn"],
                Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
            released.append(balancer["arn"])
    return released


def destroy_environment(applied: AppliedEnvironment) -> TerraformRun:
    """`terraform destroy` without a second refresh: the plan after apply just refreshed, and
    tests that inject drift restore what they change."""
    release_deletion_protection(applied)
    return applied.terraform.destroy(refresh=False)


def leftovers(applied: AppliedEnvironment) -> list[str]:
    """Resources of the environment still in moto after destroy (should be none)."""
    left = []
    ecs, elbv2 = applied.client("ecs"), applied.client("elbv2")
    arns = ecs.list_clusters()["clusterArns"]
    clusters = ecs.describe_clusters(clusters=arns)["clusters"] if arns else []
    left += [f"cluster {c['clusterName']}" for c in clusters if c["status"] != "INACTIVE"]
    left += [f"load balancer {lb['LoadBalancerName']}"
             for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
    left += [f"target group {tg['TargetGroupName']}"
             for tg in elbv2.describe_target_groups()["TargetGroups"]]
    targets = applied.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs")["ScalableTargets"]
    left += [f"scalable target {t['ResourceId']}" for t in targets]
    namespaces = applied.client("servicediscovery").list_namespaces()["Namespaces"]
    left += [f"namespace {ns['Name']}" for ns in namespaces]
    vpcs = applied.client("ec2").describe_vpcs()["Vpcs"]
    left += [f"vpc {vpc['VpcId']}" for vpc in vpcs if not vpc.get("IsDefault")]
    return left
