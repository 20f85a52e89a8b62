"""What `migrate` prints: the consoles, the output level, progress lines and each command's report.

Only the CLI imports this; reports themselves are built by migrator.report and migrator.verify.render.
"""

from __future__ import annotations

import json
import os
import sys

import typer
from rich.console import Console
from rich.table import Table

from migrator import api
from migrator.cli_options import EXIT_INPUT, Format
from migrator.findings import InputError, Severity

# Piped output (CI logs, `> plan.md`) is not squeezed into 80 columns: tables get room and
# text lines are never broken (Markdown tables and JSON must survive a redirect).
# emoji=False: rich would turn `file.yaml:100:` into an emoji code.
out = Console(soft_wrap=True, emoji=False, width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200)
err = Console(stderr=True, soft_wrap=True, emoji=False)


class OutputLevel:
    verbose = 0
    quiet = False


state = OutputLevel()


def set_levels(verbose: int, quiet: bool) -> None:
    """A command's -v/-q add to the ones given before the command name."""
    state.verbose = max(state.verbose, verbose)
    state.quiet = state.quiet or quiet


def fail_input(exc: InputError, fmt: Format | None = None) -> None:
    """The one-line error on stderr, exit 2; with --format json also the error as JSON on stdout,
    so a pipeline reading stdout gets something to parse."""
    err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
    if fmt is Format.json:
        out.print(json.dumps({"error": {"code": exc.code, "message": exc.message, "file": exc.source.file,
                                        "line": exc.source.line or None}, "exit_code": EXIT_INPUT}, indent=2),
                  markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_INPUT)


def loading_progress():
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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def print_plan_summary(result: api.PlanResult, out_path: str | None, fmt: Format) -> None:
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


def verify_with_progress(options: api.VerifyOptions):
    """Run verify, with a progress bar per stage on stderr when interactive."""
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


def print_verify_report(report, fmt: Format) -> None:
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


def print_emit_result(result: api.EmitResult) -> None:
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


def check_emitted(result: api.EmitResult) -> bool:
    """`emit --check`: run terraform fmt/validate on the output and print each step."""
    def show(step) -> None:  # as each step ends: init + validate take seconds per root module
        if not step.ok:
            err.print(f"{step.step}: failed\n{step.output}", markup=False, highlight=False, soft_wrap=True)
        elif not state.quiet:
            out.print(f"{step.step}: ok", markup=False, highlight=False)

    if not state.quiet:
        err.print(f"--check: terraform fmt, then init and validate in {len(result.environments) + 1} root "
                  "module(s)...", markup=False, highlight=False)
    checks = api.check_emitted(result, show)
    if checks is None:
        err.print("--check skipped: terraform is not installed", markup=False, highlight=False)
        return True
    return all(step.ok for step in checks)
