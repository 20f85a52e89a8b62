"""`migrate`: the command line. Thin: parse options, call migrator.api, print, exit.

Exit codes (all commands):
  0  done, no finding at or above --fail-on
  1  findings at or above --fail-on (plan), drift (verify)
  2  usage or input error: one line `file:line: CODE message` on stderr
"""

from __future__ import annotations

import dataclasses
import os
import sys
from enum import Enum
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from migrator import __version__, api
from migrator.findings import InputError, Severity
from migrator.ledger import CLASSES as LEDGER_CLASSES, fails as ledger_fails

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2

app = typer.Typer(
    name="migrate",
    help="Move a Kubernetes estate to AWS ECS Fargate: plan it, emit Terraform, verify the cutover.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
# Piped output (CI logs, `> plan.md`) is not squeezed into 80 columns: tables get room and
# text lines are never broken (Markdown tables and JSON must survive a redirect).
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200)
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    md = "md"


class SizeFrom(str, Enum):
    requests = "requests"
    limits = "limits"
    max = "max"


class _State:
    verbose = 0
    quiet = False


state = _State()


def _version(value: bool) -> None:
    if value:
        out.print(f"migrate {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    verbose: int = typer.Option(0, "--verbose", "-v", count=True,
                                help="Say more: -v lists info findings, -vv also shows internal errors in full."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors and the final result line."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    state.verbose = verbose
    state.quiet = quiet


def _levels(verbose: int, quiet: bool) -> None:
    state.verbose = max(state.verbose, verbose)
    state.quiet = state.quiet or quiet


def _fail_input(exc: InputError) -> None:
    err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_INPUT)


def _progress():
    """A transient progress line on stderr for slow loading (charts, overlays), when interactive."""
    if state.quiet or not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=err, transient=True)
    task = progress.add_task("loading", total=None)

    def tick(path: str) -> None:
        progress.update(task, description=f"loading {os.path.basename(path.rstrip('/'))}")

    return progress, tick


@app.command()
def plan(
    paths: Optional[List[str]] = typer.Argument(None, help="Manifest files or folders, Helm chart folders or "
                                                ".tgz, kustomize folders. Folders are searched recursively."),
    env: List[str] = typer.Option([], "--env", "-e", help="Plan only this environment (repeatable). "
                                  "Default: every environment in migrate.yaml, or `default` without one."),
    out_path: str = typer.Option("migration-plan.yaml", "--out", "-o", help="Where to write the plan file."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Summary on stdout: table for people, "
                               "json for pipelines, md for pull requests."),
    fail_on: str = typer.Option("error", "--fail-on", help="Exit 1 when a finding is at least this severe "
                                "(info, warning, error), or when a field of the coverage ledger is at least this "
                                "far from mapped (approximated, dropped, needs-decision). Combine with commas: "
                                "warning,dropped; a ledger class alone keeps the error threshold; never: exit 0."),
    ledger: Optional[str] = typer.Option(None, "--ledger", help="Also write the full coverage ledger (every "
                                         "input field, classified, with file:line) as JSON and Markdown: into a "
                                         "folder (ledger.json, ledger.md) or to PREFIX.json and PREFIX.md."),
    config: Optional[str] = typer.Option(None, "--config", "-c", help="Project file (default: migrate.yaml "
                                         "beside the first path)."),
    helm_bin: str = typer.Option("", "--helm-bin", help="Render charts with this helm binary instead of the "
                                 "embedded Helm SDK (`auto`: the helm on PATH)."),
    size_from: SizeFrom = typer.Option(SizeFrom.requests, "--size-from", help="Size tasks from container "
                                       "requests (limits where missing), limits, or the larger of the two."),
    stateful_as_service: bool = typer.Option(False, "--stateful-as-service", help="Plan StatefulSets as ECS "
                                             "services (they lose stable pod names and per-pod disks) instead of "
                                             "reporting a decision for each."),
    from_cluster: bool = typer.Option(False, "--from-cluster", help="Read the live cluster of your kubeconfig "
                                      "(KUBECONFIG) instead of, or besides, PATHS. Secret values are never read "
                                      "into the plan."),
    context: str = typer.Option("", "--context", help="Kubeconfig context for --from-cluster (default: current)."),
    namespace: str = typer.Option("", "--namespace", "-n", help="Namespace for --from-cluster (default: every "
                                  "namespace except kube-*)."),
    no_write: bool = typer.Option(False, "--dry-run", help="Print the summary but do not write the plan file."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="Also list info findings."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the result lines."),
) -> None:
    """Read an estate and write a reviewable migration plan, with findings located at file:line."""
    _levels(verbose, quiet)
    try:
        threshold, ledger_threshold = _fail_thresholds(fail_on)
    except ValueError as exc:
        err.print(f"--fail-on: {exc}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INPUT)
    if not paths and not from_cluster:
        err.print("plan: give PATHS to read, or --from-cluster", markup=False, highlight=False)
        raise typer.Exit(EXIT_INPUT)
    progress, tick = _progress()
    options = api.PlanOptions(paths=tuple(paths or ()), environments=tuple(env), config=config,
                              helm_bin=helm_bin, size_from=size_from.value, stateful_as_service=stateful_as_service,
                              from_cluster=from_cluster, context=context, namespace=namespace)
    if ledger is not None:
        options = dataclasses.replace(options, ledger_detail=True)
    try:
        if progress:
            with progress:
                result = api.plan_estate(options, tick)
        else:
            result = api.plan_estate(options)
        if not no_write:
            api.write_plan(result.plan, out_path)
        written = api.write_ledger(result, ledger) if ledger is not None else ()
    except InputError as exc:
        _fail_input(exc)
    _print_plan_summary(result, None if no_write else out_path, fmt)
    if written and not state.quiet:
        err.print(f"ledger written to {' and '.join(written)}", markup=False, highlight=False)
    worst = result.worst()
    if threshold is not None and worst is not None and worst >= threshold:
        raise typer.Exit(EXIT_FINDINGS)
    if ledger_threshold and any(ledger_fails(e.ledger, ledger_threshold) for e in result.plan.environments):
        raise typer.Exit(EXIT_FINDINGS)


def _fail_thresholds(text: str) -> tuple[Severity | None, str | None]:
    """`--fail-on`: severities and ledger classes, comma-separated; `never` alone disables both."""
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if words == ["never"]:
        return None, None
    severities = [Severity.parse(w) for w in words if w not in LEDGER_CLASSES and w != "never"]
    classes = [w for w in words if w in LEDGER_CLASSES and w != "mapped"]
    if "never" in words or len(severities) > 1 or len(classes) > 1 or (not severities and not classes):
        raise ValueError(f"{text!r}: give one severity (info, warning, error) and/or one ledger class "
                         "(approximated, dropped, needs-decision), or never")
    return (severities[0] if severities else Severity.ERROR), (classes[0] if classes else None)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _print_plan_summary(result: api.PlanResult, out_path: str | None, fmt: Format) -> None:
    from migrator import report

    plan_obj = result.plan
    root = result.config.root
    if fmt is Format.json:
        out.print_json(report.summary_json(plan_obj, out_path))
        return
    if fmt is Format.md:
        sys.stdout.write(report.summary_markdown(plan_obj, root) + "\n")
        return
    for env_plan in plan_obj.environments:
        if not state.quiet:
            table = Table(title=f"environment: {env_plan.name}", title_justify="left")
            for column in report.COLUMNS:
                table.add_column(column, overflow="fold")
            for row in report.service_rows(env_plan, root):
                table.add_row(*row)
            out.print(table)
        shown = [f for f in env_plan.findings
                 if f.severity >= Severity.WARNING or state.verbose >= 1]
        if not state.quiet:
            # errors first: they are what blocks the migration
            for finding in sorted(shown, key=lambda f: -f.severity):
                colour = {"error": "red", "warning": "yellow", "info": "dim"}[str(finding.severity)]
                out.print(f"[{colour}]{str(finding.severity):7}[/] {finding.source}: [{colour}]{finding.code}[/] "
                          f"{finding.message}", highlight=False, markup=True)
        counts = report.severity_counts(env_plan.findings)
        out.print(f"{env_plan.name}: {len(env_plan.services)} services, {_plural(counts['error'], 'error')}, "
                  f"{_plural(counts['warning'], 'warning')}, {counts['info']} info", highlight=False)
        if env_plan.ledger:
            out.print(f"{env_plan.name}: {report.ledger_line(env_plan)}", highlight=False)
    if out_path:
        out.print(f"plan written to {out_path}; review it, then run `migrate emit --plan {out_path} --env "
                  f"{plan_obj.environments[0].name}`", highlight=False)


@app.command()
def verify(
    env: Optional[str] = typer.Option(None, "--env", "-e", help="The plan environment to verify."),
    plan_path: str = typer.Option("migration-plan.yaml", "--plan", "-p", help="The plan file."),
    wave: Optional[int] = typer.Option(None, "--wave", "-w", min=1, help="Check only services of waves 1..N; "
                                       "later waves are listed as not yet migrated."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or md."),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="Send every AWS call here (a local "
                                               "emulator such as moto)."),
    profile: Optional[str] = typer.Option(None, "--profile", help="AWS profile."),
    region: Optional[str] = typer.Option(None, "--region", help="AWS region (default: the plan's)."),
    traffic: Optional[str] = typer.Option(None, "--traffic", help="old=URL,new=URL: also send the routing probes "
                                          "to the old (Kubernetes) and new (ALB) endpoints and compare answers."),
    requests_file: Optional[str] = typer.Option(None, "--requests", help="YAML list of extra requests for "
                                                "--traffic."),
    estate: List[str] = typer.Option([], "--estate", help="Kubernetes sources to re-load for routing parity "
                                     "(default: the plan's sources)."),
    print_iam_policy: bool = typer.Option(False, "--print-iam-policy", help="Print the least-privilege IAM policy "
                                          "verify needs, and exit."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="Say more."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only failures and the result line."),
) -> None:
    """Compare live AWS state (and traffic) with the plan. Read-only. Exit 0 parity, 1 drift or
    unhealthy, 2 could not verify."""
    _levels(verbose, quiet)
    if print_iam_policy:
        from migrator.verify.iam import iam_policy_text

        out.print(iam_policy_text(), markup=False, highlight=False)
        return
    if not env:
        err.print("verify: --env is required (the plan environment to verify)", markup=False, highlight=False)
        raise typer.Exit(EXIT_INPUT)
    options = api.VerifyOptions(env=env, plan_path=plan_path, wave=wave, endpoint_url=endpoint_url, profile=profile,
                                region=region, traffic=traffic, requests_file=requests_file,
                                estate_paths=tuple(estate))
    try:
        report = _run_verify(options)
    except InputError as exc:
        _fail_input(exc)
    _print_verify_report(report, fmt)
    if not report.parity:
        raise typer.Exit(EXIT_FINDINGS)


def _run_verify(options):
    if state.quiet or not sys.stderr.isatty():
        return api.verify_environment(options)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True) as progress:
        tasks: dict[str, object] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(f"reading {stage}", total=total)
            progress.update(tasks[stage], completed=done, total=total)

        return api.verify_environment(options, tick)


def _print_verify_report(report, fmt: Format) -> None:
    from rich.text import Text

    from migrator.verify import render

    if fmt is Format.json:
        out.print(render.report_json(report), markup=False, highlight=False, soft_wrap=True)
        return
    if fmt is Format.md:
        out.print(render.report_markdown(report), markup=False, highlight=False, soft_wrap=True)
        return
    if not state.quiet:
        table = Table(title=f"verify {report.env} (cluster {report.cluster})", title_justify="left")
        for column in render.SERVICE_COLUMNS:
            table.add_column(column, overflow="fold")
        colours = {"PASS": "green", "DRIFT": "red", "MISSING": "red", "UNHEALTHY": "yellow"}
        for name, wave, status, detail in render.service_rows(report):
            table.add_row(Text(name), wave, Text(status, style=colours.get(status, "dim")), Text(detail))
        out.print(table)
    for line in render.failure_lines(report, per_kind=None if state.verbose else 10):
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    if not state.quiet:
        for note in report.notes:
            out.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    out.print(render.summary_line(report), markup=False, highlight=False, soft_wrap=True)


@app.command()
def emit(
    paths: Optional[List[str]] = typer.Argument(None, help="Plan these manifests, charts or overlays first "
                                                "(as `migrate plan PATHS` would) instead of reading --plan."),
    plan_path: str = typer.Option("migration-plan.yaml", "--plan", "-p", help="The plan file to emit "
                                  "(ignored when PATHS are given)."),
    env: List[str] = typer.Option([], "--env", "-e", help="Emit this environment (repeatable). Default: every "
                                  "environment of the plan. Modules, global/ and README.md are always written."),
    out_dir: str = typer.Option("terraform_out", "--out", "-o", help="Folder to write the Terraform into. "
                                "Files emit did not generate are never touched."),
    force: bool = typer.Option(False, "--force", help="Overwrite generated files that were edited by hand "
                               "(emit otherwise stops and names them)."),
    check: bool = typer.Option(False, "--check", help="Then run `terraform fmt -check` and `terraform init "
                               "-backend=false` + `terraform validate` on the output (skipped without terraform)."),
    config: Optional[str] = typer.Option(None, "--config", "-c", help="Project file, when planning PATHS."),
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="Also list every file written."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only problems and the result line."),
) -> None:
    """Write Terraform for the plan: modules/, envs/<env>/, global/ and a README. Exit 0 done,
    1 hand-edited files or a failed --check, 2 bad input."""
    _levels(verbose, quiet)
    try:
        if paths:
            plan_obj = api.plan_estate(api.PlanOptions(paths=tuple(paths), environments=tuple(env),
                                                       config=config)).plan
        else:
            plan_obj = api.read_plan_file(plan_path)
        result = api.emit_plan(plan_obj, api.EmitOptions(out=out_dir, environments=tuple(env), force=force))
    except InputError as exc:
        _fail_input(exc)
    if result.write.conflicts:
        for path in result.write.conflicts:
            err.print(f"{os.path.join(out_dir, path)}: emit.hand-edited this generated file was changed since emit "
                      "wrote it (or emit did not write it); keep your change in the plan or migrate.yaml, or "
                      "re-run with --force to overwrite it", markup=False, highlight=False, soft_wrap=True)
        err.print(f"nothing written: {len(result.write.conflicts)} file(s) would lose hand edits",
                  markup=False, highlight=False)
        raise typer.Exit(EXIT_FINDINGS)
    _print_emit_result(result)
    if check and not _check_emitted(result):
        raise typer.Exit(EXIT_FINDINGS)


def _print_emit_result(result: api.EmitResult) -> None:
    write = result.write
    if state.verbose and not state.quiet:
        for path in write.written:
            out.print(f"wrote {os.path.join(result.out, path)}", markup=False, highlight=False)
        for path in write.removed:
            out.print(f"removed {os.path.join(result.out, path)} (no longer generated)", markup=False,
                      highlight=False)
    for path in write.kept:
        err.print(f"{os.path.join(result.out, path)}: emit.stale-edited no longer generated, but edited by hand: "
                  "kept; delete it when you no longer need it", markup=False, highlight=False, soft_wrap=True)
    if not state.quiet:
        for finding in result.findings:
            out.print(str(finding), markup=False, highlight=False, soft_wrap=True)
    out.print(f"{result.out}: {len(write.written)} written, {len(write.unchanged)} unchanged, "
              f"{len(write.removed)} removed ({', '.join(result.environments)}); next: see "
              f"{os.path.join(result.out, 'README.md')}", markup=False, highlight=False, soft_wrap=True)


def _check_emitted(result: api.EmitResult) -> bool:
    checks = api.check_emitted(result)
    if checks is None:
        err.print("--check skipped: terraform is not installed", markup=False, highlight=False)
        return True
    for step in checks:
        if not step.ok:
            err.print(f"{step.step}: failed\n{step.output}", markup=False, highlight=False, soft_wrap=True)
        elif not state.quiet:
            out.print(f"{step.step}: ok", markup=False, highlight=False)
    return all(step.ok for step in checks)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
