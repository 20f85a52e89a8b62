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
from typing import List, Optional

import typer

from migrator import __version__, api
from migrator.cli_options import (EXIT_FINDINGS, EXIT_INPUT, Format, SizeFrom, fail_thresholds, flag,
                                  format_option, quiet_option, verbose_option)
from migrator.cli_output import (check_emitted, err, fail_input, loading_progress, out, print_emit_result,
                                 print_plan_summary, print_verify_report, set_levels, state, verify_with_progress)
from migrator.findings import InputError
from migrator.ledger import fails as ledger_fails

app = typer.Typer(
    name="migrate",
    help="Move a Kubernetes estate to AWS ECS Fargate: plan it, emit Terraform, verify the cutover.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        out.print(f"migrate {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    verbose: int = verbose_option("More detail from the command (the same as its own -v)."),
    quiet: bool = quiet_option("Print only errors and the final result line."),
    version: bool = flag("--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    state.verbose = verbose
    state.quiet = quiet


@app.command()
def plan(
    paths: Optional[List[str]] = typer.Argument(None, help="Manifest files or folders, Helm chart folders or "
                                                ".tgz, kustomize folders. Folders are searched recursively."),
    env: List[str] = typer.Option([], "--env", "-e", help="Plan only this environment (repeatable). "
                                  "Default: every environment in migrate.yaml, or `default` without one."),
    out_path: str = typer.Option("migration-plan.yaml", "--out", "-o", help="Where to write the plan file."),
    fmt: Format = format_option("Summary on stdout: table for people, json for pipelines, md for pull requests."),
    fail_on: str = typer.Option("error", "--fail-on", help="Exit 1 when a finding is at least this severe "
                                "(info, warning, error), or when a field of the coverage ledger is at least this "
                                "far from mapped (approximated, dropped, needs-decision). Combine with commas: "
                                "warning,dropped; a ledger class alone keeps the error threshold; never: exit 0."),
    ledger: Optional[str] = typer.Option(None, "--ledger", help="Also write the full coverage ledger (every "
                                         "input field, classified, with file:line) as JSON and Markdown: into a "
                                         "folder (ledger.json, ledger.md) when it ends with / or exists, else to "
                                         "PREFIX.json and PREFIX.md."),
    config: Optional[str] = typer.Option(None, "--config", "-c", help="Project file (default: the nearest "
                                         "migrate.yaml in the first path's folder or a folder above it, up to the "
                                         "working folder or the git repository root)."),
    helm_bin: str = typer.Option("", "--helm-bin", help="Render charts with this helm binary instead of the "
                                 "embedded Helm SDK (`auto`: the helm on PATH)."),
    size_from: SizeFrom = typer.Option(SizeFrom.requests, "--size-from", help="Size tasks from container "
                                       "requests (limits where missing), limits, or the larger of the two."),
    stateful_as_service: bool = flag("--stateful-as-service", help="Plan StatefulSets as ECS services (they "
                                     "lose stable pod names and per-pod disks) instead of reporting a "
                                     "decision for each."),
    from_cluster: bool = flag("--from-cluster", help="Read the live cluster of your kubeconfig (KUBECONFIG) "
                              "instead of, or besides, PATHS. Secret values are never read into the plan."),
    context: str = typer.Option("", "--context", help="Kubeconfig context for --from-cluster (default: current)."),
    namespace: str = typer.Option("", "--namespace", "-n", help="Namespace for --from-cluster (default: every "
                                  "namespace except kube-*)."),
    no_write: bool = flag("--dry-run", help="Print the summary but do not write the plan file."),
    verbose: int = verbose_option("More detail: also list info findings."),
    quiet: bool = quiet_option("Print only the result lines."),
) -> None:
    """Read an estate and write a reviewable migration plan, with findings located at file:line."""
    set_levels(verbose, quiet)
    try:
        threshold, ledger_threshold = fail_thresholds(fail_on)
    except ValueError as exc:
        err.print(f"--fail-on: {exc}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INPUT)
    if not paths and not from_cluster:
        err.print("plan: give PATHS to read, or --from-cluster", markup=False, highlight=False)
        raise typer.Exit(EXIT_INPUT)
    progress, tick = loading_progress()
    options = api.PlanOptions(paths=tuple(paths or ()), environments=tuple(env), config=config,
                              helm_bin=helm_bin, size_from=size_from.value, stateful_as_service=stateful_as_service,
                              from_cluster=from_cluster, context=context, namespace=namespace,
                              skip_files=(out_path,))
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
        fail_input(exc, fmt)
    print_plan_summary(result, None if no_write else out_path, fmt)
    if not state.quiet:
        err.print(f"project file: {result.config.file}" if result.config.file else
                  "no migrate.yaml in the first path's folder or above it (up to the working folder): planned "
                  "environment `default` with default settings; a migrate.yaml defines environments (README)",
                  markup=False, highlight=False)
    if written and not state.quiet:
        err.print(f"ledger written to {' and '.join(written)}", markup=False, highlight=False)
    worst = result.worst()
    if threshold is not None and worst is not None and worst >= threshold:
        raise typer.Exit(EXIT_FINDINGS)
    if ledger_threshold and any(ledger_fails(e.ledger, ledger_threshold) for e in result.plan.environments):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def verify(
    env: Optional[str] = typer.Option(None, "--env", "-e", help="The plan environment to verify (may be "
                                      "left out when the plan has only one)."),
    plan_path: str = typer.Option("migration-plan.yaml", "--plan", "-p", help="The plan file."),
    wave: Optional[int] = typer.Option(None, "--wave", "-w", min=1, help="Check only services of waves 1..N; "
                                       "later waves are listed as not yet migrated."),
    fmt: Format = format_option("Report on stdout: table for people, json for pipelines, md for pull requests."),
    endpoint_url: Optional[str] = typer.Option(None, "--endpoint-url", help="Send every AWS call here (a local "
                                               "emulator such as moto)."),
    profile: Optional[str] = typer.Option(None, "--profile", help="AWS profile (default: the usual AWS "
                                          "credential chain: environment, then ~/.aws)."),
    region: Optional[str] = typer.Option(None, "--region", help="AWS region (default: the plan's)."),
    traffic: Optional[str] = typer.Option(None, "--traffic", help="old=URL,new=URL: also send the routing probes "
                                          "to the old (Kubernetes) and new (ALB) endpoints and compare answers."),
    requests_file: Optional[str] = typer.Option(None, "--requests", help="YAML list of extra requests for "
                                                "--traffic."),
    estate: List[str] = typer.Option([], "--estate", help="Kubernetes sources to re-load for routing parity "
                                     "(default: the plan's sources)."),
    print_iam_policy: bool = flag("--print-iam-policy", help="Print the least-privilege IAM policy verify "
                                  "needs, and exit."),
    verbose: int = verbose_option("More detail: list every failure, not only the first 10 of each kind."),
    quiet: bool = quiet_option("Print only failures and the result line."),
) -> None:
    """Compare live AWS state (and traffic) with the plan. Read-only. Exit 0 parity, 1 drift or
    unhealthy, 2 could not verify."""
    set_levels(verbose, quiet)
    if print_iam_policy:
        from migrator.verify.iam import iam_policy_text

        out.print(iam_policy_text(), markup=False, highlight=False)
        return
    try:
        env = env or api.only_environment(plan_path)
    except InputError as exc:
        fail_input(exc, fmt)
    options = api.VerifyOptions(env=env, plan_path=plan_path, wave=wave, endpoint_url=endpoint_url, profile=profile,
                                region=region, traffic=traffic, requests_file=requests_file,
                                estate_paths=tuple(estate))
    try:
        report = verify_with_progress(options)
    except InputError as exc:
        fail_input(exc, fmt)
    print_verify_report(report, fmt)
    if not report.parity:
        raise typer.Exit(EXIT_FINDINGS)


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
    force: bool = flag("--force", help="Overwrite generated files that were edited by hand (emit otherwise "
                       "stops and names them)."),
    check: bool = flag("--check", help="Then run `terraform fmt -check` and `terraform init -backend=false` "
                       "+ `terraform validate` on the output (skipped without terraform)."),
    config: Optional[str] = typer.Option(None, "--config", "-c", help="Project file, when planning PATHS."),
    verbose: int = verbose_option("More detail: also list every file written or removed."),
    quiet: bool = quiet_option("Print only problems and the result line."),
) -> None:
    """Write Terraform for the plan: modules/, envs/<env>/, global/ and a README. Exit 0 done,
    1 hand-edited files or a failed --check, 2 bad input."""
    set_levels(verbose, quiet)
    try:
        if paths:
            plan_obj = api.plan_estate(api.PlanOptions(paths=tuple(paths), environments=tuple(env),
                                                       config=config)).plan
        else:
            plan_obj = api.read_plan_file(plan_path)
        result = api.emit_plan(plan_obj, api.EmitOptions(out=out_dir, environments=tuple(env), force=force))
    except InputError as exc:
        fail_input(exc)
    if result.write.conflicts:
        for path in result.write.conflicts:
            err.print(f"{os.path.join(out_dir, path)}: emit.hand-edited this generated file was changed since emit "
                      "wrote it (or emit did not write it); keep your change in the plan or migrate.yaml, or "
                      "re-run with --force to overwrite it", markup=False, highlight=False, soft_wrap=True)
        err.print(f"nothing written: {len(result.write.conflicts)} file(s) would lose hand edits",
                  markup=False, highlight=False)
        raise typer.Exit(EXIT_FINDINGS)
    print_emit_result(result)
    if check and not check_emitted(result):
        raise typer.Exit(EXIT_FINDINGS)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
