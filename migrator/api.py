"""The library entry points the CLI (and anyone scripting migrator) calls.

Only the CLI prints or exits; these functions return values or raise InputError."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from migrator import __version__
from migrator.config import ProjectConfig, load_config
from migrator.files import write_atomic
from migrator.findings import Finding, InputError, Severity
from migrator.heap import cycle_collection_paused
from migrator.ledger import Ledger, build_ledger, coverage_tables
from migrator.load.sources import LoadOptions, load_documents
from migrator.map import map_environment
from migrator.map.context import MapContext, MapOptions
from migrator.model.build import build_estate
from migrator.plan.model import EnvironmentPlan, MigrationPlan
from migrator.plan.serialize import dump_yaml, plan_to_data

Progress = Callable[[str], None]


@dataclass(frozen=True)
class PlanOptions:
    paths: tuple[str, ...]
    environments: tuple[str, ...] = ()  # empty: every environment of the project
    config: str | None = None
    helm_bin: str = ""
    kustomize_bin: str = ""
    size_from: str = "requests"
    stateful_as_service: bool = False
    from_cluster: bool = False  # also read the live cluster of the kubeconfig (paths may be empty)
    context: str = ""  # kubeconfig context for --from-cluster ("" -> current)
    namespace: str = ""  # namespace for --from-cluster ("" -> all but kube-*)
    ledger_detail: bool = False  # keep every field of the coverage ledger (for --ledger), not only counts
    skip_files: tuple[str, ...] = ()  # this run's own files (--out, --ledger): never read as input


@dataclass(frozen=True)
class PlanResult:
    plan: MigrationPlan
    config: ProjectConfig
    load_findings: tuple[Finding, ...] = field(default_factory=tuple)
    ledgers: tuple[tuple[str, Ledger], ...] = ()  # (environment, full ledger) when ledger_detail

    def findings(self) -> list[Finding]:
        seen: set[Finding] = set()
        out = []
        for env in self.plan.environments:
            for f in env.findings:
                if f not in seen:
                    seen.add(f)
                    out.append(f)
        return out

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings()), default=None)


@cycle_collection_paused
def plan_estate(options: PlanOptions, progress: Progress | None = None) -> PlanResult:
    config = load_config(list(options.paths) or ["."], options.config)
    names = options.environments or tuple(env.name for env in config.environments)
    load_options = LoadOptions(helm_bin=options.helm_bin, kustomize_bin=options.kustomize_bin,
                               from_cluster=options.from_cluster, context=options.context,
                               namespace=options.namespace, skip_files=options.skip_files)
    map_options = MapOptions(size_from=options.size_from, stateful_as_service=options.stateful_as_service)
    environments: list[EnvironmentPlan] = []
    ledgers: list[tuple[str, Ledger]] = []
    for name in names:
        env = config.environment(name)
        documents, load_findings = load_documents(list(options.paths), config, env, load_options, progress)
        estate, model_findings = build_estate(documents)
        ctx = MapContext(estate=estate, env=env, project=config.project, overrides=config.services,
                         options=map_options)
        env_plan = map_environment(ctx)
        extra = tuple(sorted(set(load_findings) | set(model_findings), key=Finding.sort_key))
        env_plan, ledger = _with_ledger(_with_findings(env_plan, extra), documents, options.ledger_detail)
        environments.append(env_plan)
        ledgers += [(name, ledger)] if options.ledger_detail else []
    plan = MigrationPlan(project=config.project, environments=tuple(environments),
                         generator=f"migrator {__version__}",
                         sources=tuple(_relative(p, config.root) for p in options.paths)
                         + (("cluster:" + (options.context or "current-context"),) if options.from_cluster else ()))
    return PlanResult(plan=plan, config=config, ledgers=tuple(ledgers))


def _with_findings(env_plan: EnvironmentPlan, extra: tuple[Finding, ...]) -> EnvironmentPlan:
    import dataclasses

    merged = tuple(sorted(set(env_plan.findings) | set(extra), key=Finding.sort_key))
    return dataclasses.replace(env_plan, findings=merged)


def _with_ledger(env_plan: EnvironmentPlan, documents, detail: bool) -> tuple[EnvironmentPlan, Ledger]:
    """Classify every input field; the plan keeps the counts, the full ledger is returned on demand."""
    import dataclasses

    ledger = build_ledger(documents, env_plan.findings, coverage_tables(), detail=detail)
    return dataclasses.replace(env_plan, ledger=ledger.counts), ledger


def write_ledger(result: PlanResult, target: str) -> tuple[str, str]:
    """Write the full ledger (plan with ledger_detail) as JSON and Markdown; returns both paths."""
    from migrator.ledger.render import ledger_json, ledger_markdown, ledger_paths

    json_path, md_path = ledger_paths(target)
    root = result.config.root
    write_atomic(json_path, ledger_json(result.plan.project, result.ledgers, root))
    write_atomic(md_path, ledger_markdown(result.plan.project, result.ledgers, root))
    return json_path, md_path


def _relative(path: str, root: str) -> str:
    import os

    try:
        return os.path.relpath(os.path.abspath(path), root)
    except ValueError:
        return path


def plan_text(plan: MigrationPlan) -> str:
    header = ("# Migration plan written by `migrate plan`. Review it in a pull request; edit it if you must,\n"
              "# but prefer overrides in migrate.yaml so that re-planning keeps them. See docs/plan-format.md.\n")
    return header + dump_yaml(plan_to_data(plan))


@cycle_collection_paused
def write_plan(plan: MigrationPlan, path: str) -> None:
    write_atomic(path, plan_text(plan))


@dataclass(frozen=True)
class EmitOptions:
    out: str = "terraform_out"
    environments: tuple[str, ...] = ()  # empty: every environment of the plan
    force: bool = False  # overwrite generated files that were edited by hand


@dataclass(frozen=True)
class EmitResult:
    out: str
    environments: tuple[str, ...]
    write: "WriteResult"
    findings: tuple[Finding, ...] = ()


def read_plan_file(path: str) -> MigrationPlan:
    from migrator.plan.serialize import read_plan

    return read_plan(path)


def emit_plan(plan: MigrationPlan, options: EmitOptions) -> EmitResult:
    """Write Terraform for the plan under options.out. Nothing is written when a generated file
    was edited by hand (result.write.conflicts names them) unless options.force."""
    from migrator.emit import terraform_files, write_tree
    from migrator.emit.inputs import dns_label
    from migrator.emit.tree import select_environments

    envs = select_environments(plan, options.environments)
    files, findings = terraform_files(plan, options.environments)
    scope = ("modules/", "global/", "README.md", *(f"envs/{dns_label(e.name)}/" for e in envs))
    result = write_tree(options.out, files, scope, force=options.force)
    return EmitResult(out=options.out, environments=tuple(e.name for e in envs), write=result,
                      findings=tuple(findings))


def check_emitted(result: EmitResult, on_step: Callable | None = None) -> list | None:
    """`terraform fmt -check` and `terraform validate` on what emit wrote; None without Terraform.
    `on_step(CheckResult)` is called as each step finishes."""
    from migrator.emit import check_tree
    from migrator.emit.inputs import dns_label

    roots = [f"envs/{dns_label(name)}" for name in result.environments] + ["global"]
    return check_tree(result.out, roots, on_step=on_step)


def only_environment(plan_path: str) -> str:
    """The plan's environment when it has exactly one (verify's default --env)."""
    names = [env.name for env in read_plan_file(plan_path).environments]
    if len(names) == 1:
        return names[0]
    raise InputError("verify.env-required", f"the plan has {len(names)} environments ({', '.join(names)}); "
                     "name the one to verify with --env", plan_path)


def verify_environment(options: "VerifyOptions", progress: Callable[[str, int, int], None] | None = None):
    """Compare one environment's live AWS state (and, with options.traffic, its traffic) with
    the plan. Returns a migrator.verify.results.VerifyReport; raises InputError when it cannot
    verify at all (no plan, unknown environment, no credentials, unreachable endpoint)."""
    from migrator.plan.serialize import read_plan
    from migrator.verify.run import verify_environment as run_verify

    return run_verify(read_plan(options.plan_path), options, progress)


def __getattr__(name: str):
    # VerifyOptions lives with verify; importing it lazily keeps boto3 out of `migrate plan`.
    if name == "VerifyOptions":
        from migrator.verify.run import VerifyOptions

        return VerifyOptions
    raise AttributeError(name)
