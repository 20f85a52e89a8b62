"""A real moto server on 127.0.0.1 for end-to-end tests, with moto's known gaps closed.

`python -m tests.harness.moto_server --port N` is the server process: it applies the patches in
`tests.harness.moto_patches` (each names the gap it closes) and only then starts serving, so
Terraform and boto3 talk HTTP to a server that behaves like AWS where our tests depend on it.

`MotoServer` starts that process on a free port, waits until it answers and stops it by PID.
`boto_env()` and `write_provider_override()` point boto3 and Terraform at it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
DUMMY_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

# Environment of the server process. AWS-managed IAM policies (AmazonECSTaskExecutionRolePolicy,
# ...) exist in moto only when this is set; without them policy attachments fail with NoSuchEntity.
SERVER_ENV = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}


def boto_env(endpoint: str | None = None) -> dict[str, str]:
    """Environment for boto3/botocore (and child processes): dummy credentials, us-east-1,
    and, with `endpoint`, every client pointed at the moto server."""
    env = {**DUMMY_KEYS, "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
           "AWS_SESSION_TOKEN": "testing", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MotoServer:
    """One moto server process. Use as a context manager, or start()/stop()."""

    log_path: Path
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> "MotoServer":
        for _attempt in range(3):  # the free port can be taken between probe and bind
            self.port = self.port or _free_port()
            self._spawn()
            if self._wait_ready(timeout):
                return self
            self.stop()
            self.port = 0
        raise RuntimeError(f"moto server did not start; log:\n{self.log_tail()}")

    def _spawn(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        env = {**os.environ, **boto_env(), **SERVER_ENV, "PYTHONPATH": str(REPO)}
        env.pop("AWS_ENDPOINT_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.harness.moto_server", "--port", str(self.port),
             "--parent-pid", str(os.getpid())],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2):
                    return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        """Stop the server by its PID: SIGTERM, then SIGKILL if it lingers."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def seed_certificate(self, arn: str, domain: str = "example.com") -> None:
        """Create an issued ACM certificate at exactly `arn` (see moto_patches/seed.py)."""
        request = urllib.request.Request(
            f"{self.endpoint}/_harness/acm-certificate", method="POST",
            data=json.dumps({"arn": arn, "domain": domain}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30):
            pass

    def reset(self) -> None:
        """Forget every resource (moto's own reset endpoint)."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# Terraform resource/data type prefix -> the AWS provider's `endpoints {}` key. Longest prefix
# wins. A type matching none is an error, so no emitted resource can silently reach real AWS.
PROVIDER_ENDPOINTS = {
    "aws_ecs_": "ecs", "aws_lb": "elbv2", "aws_alb": "elbv2",
    "aws_appautoscaling_": "applicationautoscaling",
    "aws_service_discovery_": "servicediscovery", "aws_cloudwatch_log_": "logs",
    "aws_cloudwatch_metric_alarm": "cloudwatch", "aws_cloudwatch_event_": "events",
    "aws_iam_": "iam", "aws_ecr_": "ecr", "aws_s3_": "s3", "aws_dynamodb_": "dynamodb",
    "aws_scheduler_": "scheduler", "aws_secretsmanager_": "secretsmanager", "aws_kms_": "kms",
    "aws_ssm_": "ssm", "aws_acm_": "acm", "aws_route53_": "route53", "aws_sns_": "sns",
    "aws_sqs_": "sqs", "aws_efs_": "efs", "aws_wafv2_": "wafv2",
    "aws_caller_identity": "sts", "aws_region": "sts", "aws_partition": "sts",
    "aws_availability_zones": "ec2", "aws_vpc": "ec2", "aws_subnet": "ec2",
    "aws_internet_gateway": "ec2", "aws_nat_gateway": "ec2", "aws_eip": "ec2",
    "aws_route": "ec2", "aws_security_group": "ec2", "aws_vpc_security_group_": "ec2",
    "aws_default_": "ec2", "aws_network_acl": "ec2", "aws_flow_log": "ec2",
    "aws_egress_only_internet_gateway": "ec2",
}
_TYPE_RE = re.compile(r'^\s*(?:resource|data)\s+"(aws_[a-z0-9_]+)"', re.MULTILINE)


def provider_services(tf_dirs: list[Path]) -> set[str]:
    """Endpoint keys for every AWS resource and data source type used under `tf_dirs`."""
    services, unknown = {"sts"}, set()
    for tf_dir in tf_dirs:
        for tf_file in sorted(Path(tf_dir).rglob("*.tf")):
            if ".terraform" in tf_file.parts:
                continue
            for rtype in _TYPE_RE.findall(tf_file.read_text()):
                match = max((p for p in PROVIDER_ENDPOINTS if rtype.startswith(p)),
                            key=len, default=None)
                (services.add(PROVIDER_ENDPOINTS[match]) if match else unknown.add(rtype))
    if unknown:
        raise ValueError(f"no moto endpoint mapping for {sorted(unknown)}: add it to "
                         "PROVIDER_ENDPOINTS in tests/harness/moto_server.py")
    return services


def provider_override(endpoint: str, services: set[str], aliases: tuple[str, ...] = ("",),
                      max_retries: int = 2) -> str:
    """Text of a `*_override.tf` that merges into every `provider "aws"` block (by alias)."""
    endpoints = "\n".join(f'    {name:<24}= "{endpoint}"' for name in sorted(services))
    blocks = []
    for alias in aliases:
        alias_line = f'  alias                       = "{alias}"\n' if alias else ""
        blocks.append(
            f'provider "aws" {{\n{alias_line}'
            f'  region                      = "{REGION}"\n'
            f'  access_key                  = "{DUMMY_KEYS["AWS_ACCESS_KEY_ID"]}"\n'
            f'  secret_key                  = "{DUMMY_KEYS["AWS_SECRET_ACCESS_KEY"]}"\n'
            "  skip_credentials_validation = true\n"
            "  skip_requesting_account_id  = false\n"
            "  skip_metadata_api_check     = true\n"
            "  skip_region_validation      = true\n"
            "  s3_use_path_style           = true\n"
            f"  max_retries                 = {max_retries}\n\n"
            f"  endpoints {{\n{endpoints}\n  }}\n}}\n")
    return "# Generated by tests/harness/moto_server.py: send every AWS call to moto.\n" + \
        "\n".join(blocks)


_ALIAS_RE = re.compile(r'provider\s+"aws"\s*\{[^{}]*?\balias\s*=\s*"([^"]+)"', re.DOTALL)


def write_provider_override(tf_dir: Path, endpoint: str, module_dirs: list[Path] = (),
                            name: str = "moto_override.tf") -> Path:
    """Write `name` into the root module `tf_dir` so every AWS provider block it declares
    (default and aliased) sends the services used by `tf_dir` and `module_dirs` to moto."""
    tf_dir = Path(tf_dir)
    root_text = "\n".join(p.read_text() for p in sorted(tf_dir.glob("*.tf"))
                          if not p.name.endswith("_override.tf"))
    aliases = ("",) + tuple(sorted(set(_ALIAS_RE.findall(root_text))))
    services = provider_services([tf_dir, *module_dirs])
    path = tf_dir / name
    path.write_text(provider_override(endpoint, services, aliases))
    return path


def _exit_with_parent(parent_pid: int) -> None:
    import threading  # noqa: PLC0415

    def watch() -> None:
        while True:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            time.sleep(2)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="moto server with the migrator test patches")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--parent-pid", type=int, default=0,
                        help="exit when this process is gone (no orphan servers after a killed run)")
    args = parser.parse_args(argv)
    if args.parent_pid:
        _exit_with_parent(args.parent_pid)
    os.environ.update(SERVER_ENV)
    from tests.harness import moto_patches  # noqa: PLC0415 - patch before moto serves

    moto_patches.apply_all()
    if os.environ.get("MOTO_HARNESS_TIMINGS"):
        from tests.harness.moto_patches import timings  # noqa: PLC0415

        timings.log_request_timings()
        timings.log_dropped_connections()
    if os.environ.get("MOTO_HARNESS_SERVER", "waitress") == "werkzeug":
        _serve_werkzeug(args.host, args.port)
    else:
        _serve_waitress(args.host, args.port)


def _serve_waitress(host: str, port: int) -> None:
    """moto's WSGI app behind waitress: HTTP/1.1 keep-alive, whole request read before the app
    runs. werkzeug (moto's own server) closes the connection after every answer; under load
    the provider's SDK then now and then lost an answer that moto had sent (the request had
    been carried out) and sent the same request again, and a repeated CreateSecret or
    DeleteSecret fails an apply or destroy as it would on AWS. See README, "Transport"."""
    from moto.moto_server.werkzeug_app import (  # noqa: PLC0415
        DomainDispatcherApplication, create_backend_app)
    from waitress import serve  # noqa: PLC0415

    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    serve(app, host=host, port=port, threads=16, backlog=1024, connection_limit=2000,
          channel_timeout=600, ident="moto", _quiet=True)


def _serve_werkzeug(host: str, port: int) -> None:
    """moto's own server (MOTO_HARNESS_SERVER=werkzeug), kept to compare transports."""
    from moto import server  # noqa: PLC0415
    from werkzeug.serving import BaseWSGIServer  # noqa: PLC0415

    # werkzeug answers every request with `Connection: close`, so each AWS call is a new TCP
    # connection; bursts from Terraform overflowed the default accept queue of 128.
    BaseWSGIServer.request_queue_size = 1024
    server.main(["--host", host, "--port", str(port)])

if __name__ == "__main__":
    main()
