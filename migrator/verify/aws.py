"""AWS access for `migrate verify`: one boto3 session, clients that retry instead of failing
under throttling, a guard that refuses every call that could change anything, and a count of
every call made (for the report and the benchmark).

The guard is a botocore `provide-client-params` hook, the first event of every API call: an
operation whose name does not start with Describe, List or Get raises before its parameters
are even validated, so no mutating request can leave the process, whatever the code above asks.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlparse

import boto3
import botocore.config
import botocore.exceptions

from migrator.findings import InputError

READ_ONLY_PREFIXES = ("Describe", "List", "Get")

# Service names as boto3 knows them, and the IAM action prefix of each.
SERVICES = {
    "ecs": "ecs",
    "elbv2": "elasticloadbalancing",
    "application-autoscaling": "application-autoscaling",
    "servicediscovery": "servicediscovery",
    "logs": "logs",
    "scheduler": "scheduler",
}


class ReadOnlyViolation(RuntimeError):
    """Raised by the guard: verify asked for an operation that is not read-only."""


def is_read_only(operation: str) -> bool:
    return operation.startswith(READ_ONLY_PREFIXES)


@dataclass
class CallLog:
    """Every API operation verify made, as (service, operation), thread-safe."""

    calls: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, service: str, operation: str) -> None:
        with self._lock:
            self.calls[(service, operation)] += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def _guard_and_record(log: CallLog):
    def hook(params, model, **_kwargs):  # botocore passes keyword arguments only
        service = model.service_model.service_name
        if not is_read_only(model.name):
            raise ReadOnlyViolation(f"verify is read-only: refused {service}:{model.name}")
        log.record(service, model.name)

    return hook


def install_read_only_guard(session: boto3.session.Session, log: CallLog) -> None:
    """Refuse non-read operations and record the others, for every client of `session`."""
    session.events.register("provide-client-params", _guard_and_record(log), unique_id="migrator-verify-guard")


@dataclass(frozen=True)
class AwsTarget:
    region: str
    profile: str | None = None
    endpoint_url: str | None = None
    retry_mode: str = "adaptive"  # standard | adaptive: throttling slows the run instead of failing it
    max_attempts: int = 8
    workers: int = 16


@dataclass
class AwsClients:
    ecs: object
    elbv2: object
    autoscaling: object
    cloudmap: object
    logs: object
    log: CallLog
    target: AwsTarget
    scheduler: object = None  # EventBridge Scheduler: the scheduled tasks


def connect(target: AwsTarget) -> AwsClients:
    """Clients for every service verify reads, or InputError (exit 2) saying why it cannot."""
    try:
        session = boto3.session.Session(profile_name=target.profile, region_name=target.region)
    except botocore.exceptions.ProfileNotFound:
        raise InputError("verify.no-credentials", f"AWS profile {target.profile!r} is not configured; "
                         "pass an existing --profile or set AWS credentials", "aws") from None
    if session.get_credentials() is None:
        raise InputError("verify.no-credentials", "no AWS credentials found; set AWS_PROFILE or pass --profile, "
                         "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", "aws")
    if target.endpoint_url:
        _check_reachable(target.endpoint_url)
    log = CallLog()
    install_read_only_guard(session, log)
    config = botocore.config.Config(
        retries={"mode": target.retry_mode, "max_attempts": target.max_attempts},
        max_pool_connections=max(10, target.workers * 2), connect_timeout=10, read_timeout=60,
        user_agent_extra="migrator-verify")

    def client(name: str):
        return session.client(name, endpoint_url=target.endpoint_url, config=config)

    return AwsClients(ecs=client("ecs"), elbv2=client("elbv2"), autoscaling=client("application-autoscaling"),
                      cloudmap=client("servicediscovery"), logs=client("logs"), log=log, target=target,
                      scheduler=client("scheduler"))


def _check_reachable(url: str) -> None:
    """Fail in one line, at once, when --endpoint-url is not listening, rather than after
    every retry of the first call has backed off."""
    parsed = urlparse(url)
    if not parsed.scheme or not parsed.hostname:
        raise InputError("verify.endpoint", f"--endpoint-url {url!r} is not a URL like http://127.0.0.1:5000", url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=5):
            pass
    except OSError as exc:
        raise InputError("verify.unreachable", f"cannot connect to {parsed.hostname}:{port} "
                         f"({exc.strerror or exc}); is the endpoint running?", url) from None


ACCESS_DENIED_CODES = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")


def is_access_denied(exc: Exception) -> bool:
    """The role lacks an action (not: bad or expired credentials)."""
    return (isinstance(exc, botocore.exceptions.ClientError)
            and exc.response.get("Error", {}).get("Code", "") in ACCESS_DENIED_CODES)


def missing_action(exc: botocore.exceptions.ClientError, service: str, target: AwsTarget, why: str) -> InputError:
    """Access denied to one action the plan needs, in one line: which action, why it is needed,
    and that the role's policy is older than this verify."""
    action = f"{SERVICES[service]}:{exc.operation_name}"
    code = exc.response.get("Error", {}).get("Code", "")
    return InputError("verify.access-denied", f"{action} was refused ({code}); {why}, so the verify role needs "
                      f"{action}: refresh its policy from `migrate verify --print-iam-policy`",
                      target.endpoint_url or f"aws:{target.region}")


def explain_aws_error(exc: Exception, target: AwsTarget) -> InputError | None:
    """The one line an AWS failure deserves, or None when it is not an AWS access problem."""
    where = target.endpoint_url or f"aws:{target.region}"
    if isinstance(exc, botocore.exceptions.NoCredentialsError):
        return InputError("verify.no-credentials", "no AWS credentials found; set AWS_PROFILE or pass --profile",
                          where)
    if isinstance(exc, (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError,
                        botocore.exceptions.ReadTimeoutError)):
        return InputError("verify.unreachable", f"AWS endpoint did not answer ({exc}); check --endpoint-url, "
                          "--region and the network", where)
    if isinstance(exc, botocore.exceptions.ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        operation = getattr(exc, "operation_name", "")
        if code in (*ACCESS_DENIED_CODES, "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken",
                    "ExpiredTokenException"):
            return InputError("verify.access-denied", f"{operation} was refused ({code}); give the verify role the "
                              "policy from `migrate verify --print-iam-policy`", where)
        return InputError("verify.aws-error", f"{operation} failed: {code} "
                          f"{exc.response.get('Error', {}).get('Message', '')}".rstrip(), where)
    if isinstance(exc, botocore.exceptions.BotoCoreError):
        return InputError("verify.aws-error", str(exc), where)
    return None
