"""The loader's small interface: find what to load under the input paths (and in a live cluster)
and turn it into located Kubernetes documents plus findings about what was skipped.

A folder with Chart.yaml is a Helm chart, one with kustomization.yaml a kustomize overlay;
both are units (nothing inside them is read as raw YAML). Everything else that ends in
.yaml/.yml/.json is a raw manifest file.

Which overlays render, per environment:
1. the `overlays:` that migrate.yaml lists for the environment, and only those;
2. otherwise every kustomization no other one includes. Where several of them are siblings
   (e.g. deploy/overlays/{dev,staging,production}) and one folder is named after the
   environment (prod ~ production, stage ~ staging, dev ~ development), only that one renders
   (info finding); if none is, all render and a warning says they define the same workloads.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from migrator.config import EnvironmentConfig, HelmSource, ProjectConfig
from migrator.findings import Finding, InputError, SourceRef, info, warning
from migrator.load.documents import Document, parse_yaml
from migrator.model.build import kubernetes_identity

MANIFEST_EXTENSIONS = (".yaml", ".yml", ".json")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
SKIP_DIRS = {".git", ".github", "node_modules", ".venv", "__pycache__", ".terraform"}
PROJECT_FILES = {"migrate.yaml"}
ENV_ALIASES = ({"prod", "production", "prd", "live"}, {"staging", "stage", "stg"},
               {"dev", "development", "develop"}, {"test", "testing"}, {"qa"})


@dataclass(frozen=True)
class Unit:
    kind: str  # raw | helm | kustomize
    path: str


@dataclass(frozen=True)
class LoadOptions:
    helm_bin: str = ""  # "" -> embedded Helm SDK (or migrate.yaml helm_bin)
    kustomize_bin: str = ""  # "" -> kubectl kustomize, or kustomize when kubectl is absent
    from_cluster: bool = False  # also read the live cluster of the kubeconfig
    context: str = ""  # kubeconfig context ("" -> current)
    namespace: str = ""  # "" -> every namespace but kube-*


def discover(paths: Iterable[str]) -> list[Unit]:
    """Every loadable unit under `paths`, in a stable order."""
    units: list[Unit] = []
    for path in paths:
        if not os.path.exists(path):
            raise InputError("load.missing-path", "path does not exist; check the spelling", path)
        units.extend(_discover_one(os.path.abspath(path)))
    seen: set[Unit] = set()
    unique = [u for u in units if not (u in seen or seen.add(u))]
    return _drop_kustomize_bases(unique)


def _discover_one(path: str) -> Iterator[Unit]:
    if os.path.isfile(path):
        if path.endswith(".tgz"):
            yield Unit("helm", path)
        elif os.path.basename(path) in KUSTOMIZATION_FILES:
            yield Unit("kustomize", os.path.dirname(path))
        else:
            yield Unit("raw", path)
        return
    if os.path.isfile(os.path.join(path, "Chart.yaml")):
        yield Unit("helm", path)
        return
    if any(os.path.isfile(os.path.join(path, k)) for k in KUSTOMIZATION_FILES):
        yield Unit("kustomize", path)
        return
    for entry in sorted(os.listdir(path)):
        full = os.path.join(path, entry)
        if os.path.isdir(full):
            if entry not in SKIP_DIRS and not entry.startswith("."):
                yield from _discover_one(full)
        elif entry.endswith(MANIFEST_EXTENSIONS) and entry not in PROJECT_FILES:
            yield Unit("raw", full)


def _drop_kustomize_bases(units: list[Unit]) -> list[Unit]:
    """A kustomization used by another one (resources/bases/components) is rendered through it."""
    from migrator.load.kustomize import referenced_dirs

    used: set[str] = set()
    for unit in units:
        if unit.kind == "kustomize":
            used |= referenced_dirs(unit.path)
    return [u for u in units if not (u.kind == "kustomize" and u.path in used)]


def load_documents(
    paths: list[str],
    config: ProjectConfig,
    env: EnvironmentConfig,
    options: LoadOptions = LoadOptions(),
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Document], list[Finding]]:
    """All Kubernetes documents of one environment, plus findings about what was skipped."""
    findings: list[Finding] = []
    documents: list[Document] = []
    units = discover(paths)
    _check_named_charts(env, units, findings)
    units, overlay_groups = choose_overlays(units, env, findings)
    rendered: dict[str, list[Document]] = {}
    for unit in units:
        if progress:
            progress(unit.path)
        docs, found = _load_unit(unit, config, env, options)
        findings.extend(found)
        docs = list(_kubernetes_only(docs, findings))
        rendered[unit.path] = docs
        documents.extend(docs)
    findings.extend(overlapping_overlays(overlay_groups, rendered))
    if options.from_cluster:
        from migrator.load.cluster import read_cluster

        docs, found = read_cluster(options.context, options.namespace)
        findings.extend(found)
        documents.extend(_kubernetes_only(docs, findings))
    if not documents:
        where = paths[0] if len(paths) == 1 else ", ".join(paths) or "cluster"
        raise InputError("load.empty", "no Kubernetes objects found (looked for *.yaml, *.yml, *.json, "
                         "Helm charts and kustomizations); point migrate at your manifests", where)
    return documents, findings


def _load_unit(unit: Unit, config: ProjectConfig, env: EnvironmentConfig,
               options: LoadOptions) -> tuple[list[Document], list[Finding]]:
    if unit.kind == "raw":
        return _raw_file(unit.path), []
    if unit.kind == "helm":
        from migrator.load.helm import release_name, render_chart

        source = next((h for h in env.helm if h.chart == unit.path), None)
        source = source or HelmSource(chart=unit.path, release=release_name(unit.path))
        return render_chart(source, helm_bin=options.helm_bin or config.helm_bin)
    from migrator.load.kustomize import render_overlay

    if not os.path.isdir(unit.path):
        where = _overlay_ref(env, unit.path)
        raise InputError("load.missing-path", "overlay folder named in migrate.yaml does not exist", where)
    return render_overlay(unit.path, kustomize_bin=options.kustomize_bin), []


def _overlay_ref(env: EnvironmentConfig, overlay: str) -> SourceRef:
    for path, ref in zip(env.overlays, env.overlay_refs):
        if path == overlay:
            return ref
    return SourceRef(overlay)


def _check_named_charts(env: EnvironmentConfig, units: list[Unit], findings: list[Finding]) -> None:
    """A chart migrate.yaml names must exist (a typo would silently render default values)."""
    charts = {u.path for u in units if u.kind == "helm"}
    for source in env.helm:
        where = source.ref or SourceRef(source.chart)
        if not os.path.exists(source.chart):
            raise InputError("load.missing-path", f"chart {source.chart} named in migrate.yaml does not exist",
                             where)
        if source.chart not in charts:
            findings.append(info("load.chart-not-in-paths", f"chart {source.chart} for environment {env.name} is "
                                 "not under the paths given to `migrate plan`; not rendered", where))


def choose_overlays(units: list[Unit], env: EnvironmentConfig,
                    findings: list[Finding]) -> tuple[list[Unit], list[list[str]]]:
    """The units to render for `env`, and the groups of sibling overlays that all render."""
    if env.overlays:
        kept = [u for u in units if u.kind != "kustomize" or u.path in env.overlays]
        listed = {u.path for u in kept if u.kind == "kustomize"}
        return kept + [Unit("kustomize", o) for o in env.overlays if o not in listed], []
    siblings: dict[str, list[str]] = defaultdict(list)
    for unit in units:
        if unit.kind == "kustomize":
            siblings[os.path.dirname(unit.path)].append(unit.path)
    skipped: set[str] = set()
    groups = []
    for parent, overlays in sorted(siblings.items()):
        if len(overlays) < 2:
            continue
        chosen = [o for o in overlays if _names_environment(os.path.basename(o), env.name)]
        if len(chosen) == 1:
            skipped |= set(overlays) - set(chosen)
            others = ", ".join(sorted(os.path.basename(o) for o in overlays if o not in chosen))
            findings.append(info("kustomize.overlay-chosen", f"environment {env.name} uses overlay "
                                 f"{os.path.basename(chosen[0])}; sibling overlays {others} are not rendered",
                                 SourceRef(chosen[0])))
        else:
            groups.append(sorted(overlays))
    return [u for u in units if u.path not in skipped], groups


def _names_environment(folder: str, env: str) -> bool:
    folder, env = folder.lower(), env.lower()
    return folder == env or any(folder in names and env in names for names in ENV_ALIASES)


def overlapping_overlays(groups: list[list[str]], rendered: dict[str, list[Document]]) -> list[Finding]:
    """Sibling overlays that all rendered and define the same workloads (kind and name)."""
    findings = []
    for overlays in groups:
        seen: dict[tuple, str] = {}
        shared: set[tuple] = set()
        for overlay in overlays:
            for doc in rendered.get(overlay, []):
                key = (doc.data.get("kind"), str((doc.data.get("metadata") or {}).get("name")))
                if key in seen and seen[key] != overlay:
                    shared.add(key)
                seen.setdefault(key, overlay)
        if shared:
            names = ", ".join(os.path.basename(o) for o in overlays)
            findings.append(warning(
                "kustomize.overlapping-overlays",
                f"overlays {names} all define {len(shared)} of the same objects (e.g. "
                f"{' '.join(map(str, min(shared, key=lambda k: (k[0] != 'Deployment', k))))}); each is planned, so workloads appear once per overlay: "
                "list the overlay of each environment under `overlays:` in migrate.yaml",
                SourceRef(os.path.dirname(overlays[0]))))
    return findings


def _raw_file(path: str) -> list[Document]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise InputError("load.not-text", "file is not UTF-8 text; remove it or fix its encoding", path) from None
    return list(parse_yaml(text, path))


def _kubernetes_only(docs: Iterable[Document], findings: list[Finding]) -> Iterator[Document]:
    for doc in docs:
        identity = kubernetes_identity(doc.data)
        if identity is None:
            findings.append(info("load.not-kubernetes",
                                 "YAML document without apiVersion and kind is not a Kubernetes object; skipped",
                                 doc.source))
            continue
        if identity[1] == "List" or identity[1].endswith("List") and isinstance(doc.data.get("items"), list):
            yield from _kubernetes_only(_list_items(doc), findings)
            continue
        yield doc


def _list_items(doc: Document) -> Iterator[Document]:
    for i, item in enumerate(doc.data.get("items") or []):
        ref = doc.ref("items", i)
        yield Document(item, doc.file, ref.line, doc.origin, doc.lines)


__all__ = ["discover", "load_documents", "LoadOptions", "Unit", "SourceRef"]
