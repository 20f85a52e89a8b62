"""A VerifyReport for people (lines and a rich table), pipelines (JSON) and pull requests
(Markdown). Pure: report in, text or rows out; the CLI decides where they go."""

from __future__ import annotations

import json
from collections import Counter

from migrator.verify.results import NOT_MIGRATED, PASS, VerifyReport
from migrator.verify.schedules import MISSING, UNEXPECTED

SERVICE_COLUMNS = ("service", "wave", "status", "details")


def service_rows(report: VerifyReport) -> list[tuple[str, str, str, str]]:
    rows = []
    for s in report.services:
        lines = s.lines()
        detail = lines[0] if lines else ""
        if len(lines) > 1:
            detail += f" (+{len(lines) - 1} more)"
        rows.append((s.name, str(s.wave), s.status, detail))
    return rows


def failure_lines(report: VerifyReport, per_kind: int | None = None) -> list[str]:
    """Every failure, one line each, naming the service (or route, probe, request) and field.
    With `per_kind`, probe and traffic failures stop after that many, with a count of the rest."""
    out = []
    for s in report.services:
        if s.failed:
            out += [f"{s.status} {s.name}: {line}" for line in s.lines()] or [f"{s.status} {s.name}"]
    for r in report.routes:
        if r.failed:
            where = f"route {r.load_balancer} {r.route}" + (f" ({r.service})" if r.service else "")
            out += [f"{r.status} {where}: {d}" for d in r.drifts] or [f"{r.status} {where}"]
    out += schedule_lines(report)
    routing = [f"ROUTING {x.probe}: Kubernetes sends it to {x.expected}, the live ALB to {x.actual}"
               for x in report.probes if x.failed]
    traffic = [f"TRAFFIC {t.request}: {d}" for t in report.traffic if t.failed for d in t.differences]
    for lines, what in ((routing, "probes reach another service"), (traffic, "traffic differences")):
        if per_kind is not None and len(lines) > per_kind:
            lines = lines[:per_kind] + [f"{lines[0].split()[0]} ... and {len(lines) - per_kind} more {what} "
                                        "(-v or --format json lists them all)"]
        out += lines
    return out


def schedule_lines(report: VerifyReport) -> list[str]:
    why = {MISSING: "no EventBridge Scheduler schedule of this name",
           UNEXPECTED: "a schedule on this cluster that the plan does not have"}
    out = []
    for s in report.schedules:
        if s.failed:
            out += [f"{s.status} schedule {s.name}: {d}" for d in s.drifts] or [f"{s.status} schedule {s.name}: "
                                                                                   f"{why[s.status]}"]
    return out


def summary_line(report: VerifyReport) -> str:
    counts = Counter(s.status for s in report.services)
    checked = len(report.services) - counts[NOT_MIGRATED]
    parts = [f"{counts[PASS]}/{checked} services pass"]
    if counts[NOT_MIGRATED]:
        parts.append(f"{counts[NOT_MIGRATED]} not yet migrated (wave > {report.wave})")
    routes = [r for r in report.routes if r.status != NOT_MIGRATED]
    parts.append(f"{sum(not r.failed for r in routes)}/{len(routes)} routes match")
    if report.schedules:
        parts.append(f"{sum(not s.failed for s in report.schedules)}/{len(report.schedules)} schedules match")
    if report.probes:
        parts.append(f"{sum(not x.failed for x in report.probes)}/{len(report.probes)} routing probes agree")
    if report.traffic:
        parts.append(f"{sum(not x.failed for x in report.traffic)}/{len(report.traffic)} requests answer alike")
    verdict = "PARITY" if report.parity else f"NO PARITY ({report.failures} failures)"
    return f"{report.env}: {verdict}: " + ", ".join(parts) + f"; {sum(report.api_calls.values())} API calls, " \
           f"{report.seconds:.1f} s"


def report_json(report: VerifyReport) -> str:
    body = {
        "env": report.env, "cluster": report.cluster, "wave": report.wave, "parity": report.parity,
        "failures": report.failures,
        "services": [{"name": s.name, "wave": s.wave, "status": s.status,
                      "drifts": [{"field": d.field, "expected": d.expected, "actual": d.actual} for d in s.drifts],
                      "health": list(s.health)} for s in report.services],
        "routes": [{"load_balancer": r.load_balancer, "route": r.route, "service": r.service, "status": r.status,
                    "drifts": [{"field": d.field, "expected": d.expected, "actual": d.actual} for d in r.drifts]}
                   for r in report.routes],
        "schedules": [{"name": s.name, "status": s.status,
                       "drifts": [{"field": d.field, "expected": d.expected, "actual": d.actual} for d in s.drifts]}
                      for s in report.schedules],
        "probes": [{"probe": x.probe, "expected": x.expected, "actual": x.actual, "load_balancer": x.load_balancer,
                    "agree": not x.failed} for x in report.probes],
        "traffic": [{"request": t.request, "old_status": t.old_status, "new_status": t.new_status,
                     "differences": list(t.differences)} for t in report.traffic],
        "not_migrated": list(report.not_migrated),
        "notes": list(report.notes),
        "api_calls": report.api_calls, "api_call_total": sum(report.api_calls.values()),
        "seconds": report.seconds,
    }
    return json.dumps(body, indent=2, default=str)


def report_markdown(report: VerifyReport) -> str:
    wave = f", waves ≤ {report.wave}" if report.wave is not None else ""
    out = [f"# Verify `{report.env}` (cluster `{report.cluster}`{wave})", "", f"**{summary_line(report)}**", ""]
    out += ["| " + " | ".join(SERVICE_COLUMNS) + " |", "|" + "---|" * len(SERVICE_COLUMNS)]
    for row in service_rows(report):
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    failures = failure_lines(report)
    if failures:
        out += ["", "## Failures", ""] + [f"- `{line}`" for line in failures]
    if report.notes:
        out += ["", "## Not checked", ""] + [f"- {note}" for note in report.notes]
    return "\n".join(out) + "\n"
