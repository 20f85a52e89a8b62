"""What verify found, as values: per service, per route, per probe and per traffic request.
The CLI renders them (render.py) and turns `VerifyReport.parity` into the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.verify.compare import Drift
from migrator.verify.routes import RouteResult
from migrator.verify.schedules import ScheduleResult

PASS, DRIFT, MISSING, UNHEALTHY, NOT_MIGRATED = "PASS", "DRIFT", "MISSING", "UNHEALTHY", "NOT MIGRATED"


@dataclass(frozen=True)
class ServiceResult:
    name: str
    wave: int
    status: str
    drifts: tuple[Drift, ...] = ()
    health: tuple[str, ...] = ()  # why it is unhealthy, one line each

    @property
    def failed(self) -> bool:
        return self.status in (DRIFT, MISSING, UNHEALTHY)

    def lines(self) -> list[str]:
        return [str(d) for d in self.drifts] + list(self.health)


@dataclass(frozen=True)
class ProbeResult:
    """One routing probe: where Kubernetes sends it, and where the live ALB does."""

    probe: str
    expected: str
    actual: str
    load_balancer: str = ""

    @property
    def failed(self) -> bool:
        return self.expected != self.actual


@dataclass(frozen=True)
class TrafficResult:
    """One request sent to the old and the new endpoint."""

    request: str
    old_status: int | None
    new_status: int | None
    differences: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return bool(self.differences)


@dataclass(frozen=True)
class VerifyReport:
    env: str
    cluster: str
    wave: int | None
    services: tuple[ServiceResult, ...] = ()
    routes: tuple[RouteResult, ...] = ()
    probes: tuple[ProbeResult, ...] = ()
    traffic: tuple[TrafficResult, ...] = ()
    schedules: tuple[ScheduleResult, ...] = ()
    notes: tuple[str, ...] = ()  # what was not checked, and why
    api_calls: dict[str, int] = field(default_factory=dict)  # "service:Operation" -> count
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        return sum(1 for item in (*self.services, *self.routes, *self.schedules, *self.probes, *self.traffic)
                   if item.failed)

    @property
    def parity(self) -> bool:
        return self.failures == 0

    @property
    def not_migrated(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.services if s.status == NOT_MIGRATED)
