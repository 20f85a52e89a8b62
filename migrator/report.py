"""Summaries of a plan for people (rich tables, Markdown) and pipelines (JSON). Pure: plan in,
rows or text out; the CLI decides where they go."""

from __future__ import annotations

import json
from collections import Counter

from migrator.findings import Finding, Severity
from migrator.plan.model import EnvironmentPlan, MigrationPlan, ServicePlan

COLUMNS = ("service", "source", "cpu / memory", "count", "service connect", "routes", "wave", "findings")


def _count(service: ServicePlan) -> str:
    if service.autoscaling:
        return f"{service.autoscaling.min_capacity}–{service.autoscaling.max_capacity}"
    return str(service.desired_count)


def _routes(env: EnvironmentPlan) -> Counter:
    counts: Counter = Counter()
    for lb in env.load_balancers:
        for rule in lb.rules:
            counts[rule.service] += 1
    return counts


def _findings_by_file(env: EnvironmentPlan) -> Counter:
    return Counter(f.source.file for f in env.findings)


def findings_per_service(env: EnvironmentPlan) -> Counter:
    """Findings that name a service and come from a file that defines it. Indexed by file so a
    large estate is not services x findings."""
    by_file: dict[str, list[str]] = {}
    for service in env.services:
        by_file.setdefault(service.source.file, []).append(service.name)
    counts: Counter = Counter()
    for f in env.findings:
        for name in by_file.get(f.source.file, ()):
            if name in f.message:
                counts[name] += 1
    return counts


def service_rows(env: EnvironmentPlan, root: str = "") -> list[tuple[str, ...]]:
    routes = _routes(env)
    by_service = findings_per_service(env)
    rows = []
    for service in env.services:
        aliases = ", ".join(f"{e.dns_name}:{e.port}" for e in service.service_connect) or "—"
        rows.append((
            service.name,
            f"{_short(service.source.file, root)}:{service.source.line}",
            f"{service.task.cpu} / {service.task.memory}",
            _count(service),
            aliases,
            str(routes.get(service.name, 0)),
            str(service.wave),
            str(by_service.get(service.name, 0)),
        ))
    return rows


def _short(path: str, root: str) -> str:
    import os

    if root and path.startswith(root.rstrip("/") + "/"):
        return os.path.relpath(path, root)
    return path


def severity_counts(findings: list[Finding] | tuple[Finding, ...]) -> dict[str, int]:
    counts = Counter(str(f.severity) for f in findings)
    return {name: counts.get(name, 0) for name in ("error", "warning", "info")}


def ledger_line(env: EnvironmentPlan) -> str:
    """`ledger: 3936 fields, 2201 mapped, ...` for the coverage ledger counts of one environment."""
    parts = ", ".join(f"{n} {cls}" for cls, n in env.ledger.items())
    return f"ledger: {sum(env.ledger.values())} fields, {parts}"


def summary_json(plan: MigrationPlan, plan_path: str | None) -> str:
    body = {
        "plan": plan_path,
        "project": plan.project,
        "environments": [
            {
                "name": env.name,
                "services": [
                    {
                        "name": s.name, "namespace": s.namespace, "source": f"{s.source.file}:{s.source.line}",
                        "cpu": s.task.cpu, "memory": s.task.memory, "desired_count": s.desired_count,
                        "autoscaling": None if not s.autoscaling else
                        {"min": s.autoscaling.min_capacity, "max": s.autoscaling.max_capacity},
                        "service_connect": [f"{e.dns_name}:{e.port}" for e in s.service_connect],
                        "wave": s.wave,
                    }
                    for s in env.services
                ],
                "findings": [f.to_dict() for f in env.findings],
                "counts": severity_counts(env.findings),
                "ledger": env.ledger,
                "ledger_total": sum(env.ledger.values()),
            }
            for env in plan.environments
        ],
    }
    return json.dumps(body, indent=2, sort_keys=False)


def summary_markdown(plan: MigrationPlan, root: str = "") -> str:
    out = [f"# Migration plan: {plan.project}", ""]
    for env in plan.environments:
        out += [f"## Environment `{env.name}`", ""]
        out.append("| " + " | ".join(COLUMNS) + " |")
        out.append("|" + "---|" * len(COLUMNS))
        for row in service_rows(env, root):
            out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        out.append("")
        if env.waves:
            out += ["### Cutover waves", ""]
            for i, wave in enumerate(env.waves, 1):
                out.append(f"{i}. " + ", ".join(wave))
            out.append("")
        counts = severity_counts(env.findings)
        out += [f"### Findings ({counts['error']} errors, {counts['warning']} warnings, {counts['info']} info)", ""]
        for f in env.findings:
            if f.severity >= Severity.WARNING:
                out.append(f"- `{f.code}` {_short(str(f.source), root)}: {f.message}")
        out.append("")
        if env.ledger:
            from migrator.ledger.render import counts_table

            out += ["### Coverage ledger", "", counts_table(env.ledger), ""]
    return "\n".join(out)
