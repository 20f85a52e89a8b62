"""The project file `migrate.yaml`: environments, their Helm values / overlays, and per-service
overrides that re-planning keeps. Defaults come from mappings/environments.yaml."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any

from migrator import data
from migrator.findings import InputError, SourceRef
from migrator.load.documents import Document, parse_yaml
from migrator.plan.model import CapacityProviderItem, EnvironmentSettings

PROJECT_FILE = "migrate.yaml"


@dataclass(frozen=True)
class HelmSource:
    chart: str  # absolute path of the chart folder or .tgz
    values: tuple[str, ...] = ()  # absolute paths, applied in order
    set: tuple[str, ...] = ()  # --set expressions
    release: str = ""
    namespace: str = "default"
    # where migrate.yaml lists the chart, each values file and each --set (for located errors)
    ref: SourceRef | None = None
    values_refs: tuple[SourceRef, ...] = ()
    set_refs: tuple[SourceRef, ...] = ()


@dataclass(frozen=True)
class EnvironmentConfig:
    name: str
    settings: EnvironmentSettings
    service_connect_namespace: str
    helm: tuple[HelmSource, ...] = ()
    overlays: tuple[str, ...] = ()  # kustomize folders rendered for this environment
    certificate_arn: str = ""
    host_map: dict[str, str] = field(default_factory=dict)  # Kubernetes host -> this env's host
    # capacity provider strategies by service group, over the defaults in mappings/capacity.yaml
    capacity_groups: dict[str, tuple[CapacityProviderItem, ...]] = field(default_factory=dict)
    overlay_refs: tuple[SourceRef, ...] = ()  # where migrate.yaml lists each overlay


@dataclass(frozen=True)
class ServiceOverride:
    cpu: int | None = None
    memory: int | None = None
    capacity_provider: str = ""
    wave: int | None = None
    group: str = ""
    stateful_as_service: bool = False


@dataclass(frozen=True)
class ProjectConfig:
    project: str
    region: str
    root: str  # folder migrate.yaml is in (or the first input path)
    environments: tuple[EnvironmentConfig, ...]
    services: dict[str, ServiceOverride] = field(default_factory=dict)
    helm_bin: str = ""
    file: str = ""  # "" when there is no migrate.yaml

    def environment(self, name: str) -> EnvironmentConfig:
        for env in self.environments:
            if env.name == name:
                return env
        known = ", ".join(e.name for e in self.environments)
        raise InputError("config.unknown-env", f"environment {name!r} is not defined; known: {known}",
                         self.file or PROJECT_FILE)


def find_project_file(paths: list[str], explicit: str | None) -> str | None:
    if explicit:
        if not os.path.isfile(explicit):
            raise InputError("config.missing", "the --config file does not exist", explicit)
        return explicit
    for path in paths:
        for folder in _folders_up(path if os.path.isdir(path) else os.path.dirname(path) or "."):
            candidate = os.path.join(folder, PROJECT_FILE)
            if os.path.isfile(candidate):
                return os.path.relpath(candidate) if not os.path.isabs(path) else candidate
    return None


def _folders_up(folder: str) -> list[str]:
    """`folder`, then the folders above it up to the working folder (when `folder` is inside it)
    or up to the root of the git repository it is in: `migrate plan charts/shop` finds the
    migrate.yaml at the top of the project, never one outside it."""
    here, cwd = os.path.abspath(folder), os.path.abspath(os.getcwd())
    inside_cwd = here == cwd or here.startswith(cwd + os.sep)
    out = [here]
    while not (inside_cwd and here == cwd) and not os.path.isdir(os.path.join(here, ".git")):
        parent = os.path.dirname(here)
        if parent == here:  # reached / outside the working folder and any repository
            return out[:1]
        here = parent
        out.append(here)
    return out


def settings_for(profile: str, overrides: dict[str, Any], region: str, where: SourceRef) -> EnvironmentSettings:
    profiles = data.table("environments")["profiles"]
    if profile not in profiles:
        raise InputError("config.unknown-profile",
                         f"profile {profile!r} is not one of {', '.join(profiles)}", where)
    values = {**profiles[profile], **overrides, "profile": profile, "region": region}
    names = {f.name for f in dataclasses.fields(EnvironmentSettings)}
    unknown = set(values) - names
    if unknown:
        raise InputError("config.unknown-setting",
                         f"unknown environment setting(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(names))}", where)
    return EnvironmentSettings(**values)


def default_config(paths: list[str], region: str = "us-east-1") -> ProjectConfig:
    root = os.path.abspath(paths[0] if os.path.isdir(paths[0]) else os.path.dirname(paths[0]) or ".")
    env = EnvironmentConfig(
        name="default",
        settings=settings_for("default", {}, region, SourceRef(root)),
        service_connect_namespace="default.internal",
    )
    return ProjectConfig(project=os.path.basename(root) or "estate", region=region, root=root,
                         environments=(env,))


def load_config(paths: list[str], explicit: str | None = None) -> ProjectConfig:
    file = find_project_file(paths, explicit)
    if file is None:
        return default_config(paths)
    with open(file, encoding="utf-8") as fh:
        docs = list(parse_yaml(fh.read(), file))
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        raise InputError("config.invalid", "migrate.yaml must hold one mapping", file)
    return _project(docs[0], file)


def _project(doc: Document, file: str) -> ProjectConfig:
    raw = doc.data
    root = os.path.dirname(os.path.abspath(file))
    region = str(raw.get("region") or "us-east-1")
    project = str(raw.get("project") or os.path.basename(root))
    envs_raw = raw.get("environments") or {}
    if not isinstance(envs_raw, dict) or not envs_raw:
        raise InputError("config.no-environments",
                         "migrate.yaml needs an `environments:` mapping (for example staging and prod)",
                         doc.ref("environments"))
    envs = tuple(_environment(doc, root, region, project, str(name), body)
                 for name, body in envs_raw.items())
    envs = tuple(dataclasses.replace(env, capacity_groups={
        **_capacity_groups(doc, raw.get("capacity_groups"), ("capacity_groups",)),
        **_capacity_groups(doc, (envs_raw.get(env.name) or {}).get("capacity_groups"),
                           ("environments", env.name, "capacity_groups"))}) for env in envs)
    services = {}
    for name, body in (raw.get("services") or {}).items():
        body = body or {}
        try:
            services[str(name)] = ServiceOverride(**{k: v for k, v in body.items()})
        except TypeError:
            names = ", ".join(f.name for f in dataclasses.fields(ServiceOverride))
            raise InputError("config.unknown-override",
                             f"service override for {name!r} has an unknown key; known: {names}",
                             doc.ref("services", name)) from None
    return ProjectConfig(project=project, region=region, root=root, environments=envs,
                         services=services, helm_bin=str(raw.get("helm_bin") or ""), file=file)


def _environment(doc: Document, root: str, region: str, project: str, name: str, body: Any) -> EnvironmentConfig:
    body = body or {}
    where = doc.ref("environments", name)
    if not isinstance(body, dict):
        raise InputError("config.invalid", f"environment {name!r} must be a mapping", where)
    settings = settings_for(str(body.get("profile") or _guess_profile(name)), body.get("settings") or {},
                            region, where)
    charts = []
    for chart, spec in (body.get("helm") or {}).items():
        spec = spec or {}
        at = ("environments", name, "helm", chart)
        charts.append(HelmSource(
            chart=_path(root, chart),
            values=tuple(_path(root, v) for v in spec.get("values") or ()),
            set=tuple(str(s) for s in spec.get("set") or ()),
            release=str(spec.get("release") or os.path.basename(str(chart).rstrip("/"))),
            namespace=str(spec.get("namespace") or "default"),
            ref=doc.ref(*at),
            values_refs=tuple(doc.ref(*at, "values", i) for i in range(len(spec.get("values") or ()))),
            set_refs=tuple(doc.ref(*at, "set", i) for i in range(len(spec.get("set") or ()))),
        ))
    overlays = body.get("overlays") or ([body["overlay"]] if body.get("overlay") else [])
    overlay_key = "overlays" if body.get("overlays") else "overlay"
    alb = body.get("alb") or {}
    return EnvironmentConfig(
        name=name,
        settings=settings,
        service_connect_namespace=str(body.get("service_connect_namespace") or f"{name}.{project}.internal"),
        helm=tuple(charts),
        overlays=tuple(_path(root, o) for o in overlays),
        overlay_refs=tuple(doc.ref("environments", name, overlay_key, *([i] if overlay_key == "overlays" else []))
                           for i in range(len(overlays))),
        certificate_arn=str(alb.get("certificate_arn") or ""),
        host_map={str(k): str(v) for k, v in (alb.get("host_map") or {}).items()},
    )


def _capacity_groups(doc: Document, raw: Any, at: tuple) -> dict[str, tuple[CapacityProviderItem, ...]]:
    """`capacity_groups: {workers: [{capacity_provider: FARGATE_SPOT, weight: 1, base: 0}]}`."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError("config.invalid", "capacity_groups must map group names to lists of "
                         "{capacity_provider, weight, base}", doc.ref(*at))
    groups = {}
    for name, items in raw.items():
        where = doc.ref(*at, name)
        try:
            groups[str(name)] = tuple(CapacityProviderItem(**item) for item in items)
        except TypeError:
            raise InputError("config.invalid", f"capacity group {name!r}: each entry needs capacity_provider and "
                             "may set weight and base", where) from None
        for item in groups[str(name)]:
            if item.capacity_provider not in ("FARGATE", "FARGATE_SPOT") or not isinstance(item.weight, int) \
                    or not isinstance(item.base, int) or item.weight < 0 or item.base < 0:
                raise InputError("config.invalid", f"capacity group {name!r}: capacity_provider must be FARGATE or "
                                 "FARGATE_SPOT, weight and base whole numbers >= 0", where)
    return groups


def _guess_profile(name: str) -> str:
    lowered = name.lower()
    if lowered in ("prod", "production", "prd", "live"):
        return "prod"
    if lowered in ("staging", "stage", "stg", "qa", "dev", "test"):
        return "staging"
    return "default"


def _path(root: str, path: Any) -> str:
    return os.path.normpath(os.path.join(root, str(path)))
