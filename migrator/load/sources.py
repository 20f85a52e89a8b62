"""The loader's small interface: find what to load under the input paths (and in a live cluster)
and turn it into located Kubernetes documents plus findings about what was skipped.

A folder with Chart.yaml is a Helm chart, one with kustomization.yaml a kustomize overlay;
both are units (nothing inside them is read as raw YAML). Everything else that ends in
.yaml/.yml/.json is a raw manifest file.

Which overlays render per environment: see migrator/load/overlays.py. An object defined twice
(same kind, namespace and name, e.g. a folder of manifests and a release bundle of the same
app) is kept once, from the first file in path order, with a warning naming both places.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from migrator.config import EnvironmentConfig, HelmSource, ProjectConfig
from migrator.findings import Finding, InputError, SourceRef, info, warning
from migrator.load.documents import Document, parse_yaml
from migrator.load.overlays import choose_overlays, overlapping_overlays
from migrator.load.own_files import migrator_document, skipped_document, written_by_migrate
from migrator.model.build import kubernetes_identity

MANIFEST_EXTENSIONS = (".yaml", ".yml", ".json")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
SKIP_DIRS = {".git", ".github", "node_modules", ".venv", "__pycache__", ".terraform"}


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
    skip_files: tuple[str, ...] = ()  # this run's own files (plan --out, --ledger output): never input


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
        elif entry.endswith(MANIFEST_EXTENSIONS):  # migrate's own files are skipped, with a finding, on load
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
    found = [u.path for u in units if u.kind == "kustomize"]
    overlays, overlay_groups = choose_overlays(found, env, findings)
    units = [u for u in units if u.kind != "kustomize" or u.path in overlays]
    units += [Unit("kustomize", o) for o in overlays if o not in found]
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
    documents = drop_duplicate_objects(documents, findings)
    if not documents:
        where = paths[0] if len(paths) == 1 else ", ".join(paths) or "cluster"
        raise InputError("load.empty", "no Kubernetes objects found (looked for *.yaml, *.yml, *.json, "
                         "Helm charts and kustomizations); point migrate at your manifests", where)
    return documents, findings


def _load_unit(unit: Unit, config: ProjectConfig, env: EnvironmentConfig,
               options: LoadOptions) -> tuple[list[Document], list[Finding]]:
    if unit.kind == "raw":
        return _raw_file(unit.path, (*options.skip_files, *([config.file] if config.file else [])))
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


def _identity(doc: Document) -> tuple | None:
    meta = doc.data.get("metadata")
    if not isinstance(meta, dict) or not meta.get("name"):
        return None
    group = str(doc.data.get("apiVersion", "")).rpartition("/")[0]
    return group, doc.data.get("kind"), str(meta.get("namespace") or "default"), str(meta["name"])


def drop_duplicate_objects(documents: list[Document], findings: list[Finding]) -> list[Document]:
    """Keep the first definition of each object; one warning per file that repeats others."""
    first: dict[tuple, Document] = {}
    kept: list[Document] = []
    repeats: dict[str, list[tuple[Document, tuple]]] = {}
    for doc in documents:
        key = _identity(doc)
        if key is None or key not in first:
            kept.append(doc)
            if key is not None:
                first[key] = doc
            continue
        repeats.setdefault(doc.file, []).append((doc, key))
    for dropped in repeats.values():
        examples = ", ".join(f"{k[1]} {k[2]}/{k[3]} (first at {first[k].source})" for _, k in dropped[:2])
        more = f" and {len(dropped) - 2} more" if len(dropped) > 2 else ""
        findings.append(warning(
            "load.duplicate-object",
            f"{len(dropped)} object(s) defined here are defined earlier too: {examples}{more}; Kubernetes keeps "
            "whichever is applied last, migrate keeps the first and ignores these: remove one copy or plan the "
            "two sources separately", dropped[0][0].source))
    return kept


def _raw_file(path: str, own_files: tuple[str, ...]) -> tuple[list[Document], list[Finding]]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise InputError("load.not-text", "file is not UTF-8 text; remove it or fix its encoding", path) from None
    if written_by_migrate(path, text, own_files):  # before parsing: a large ledger is megabytes of JSON
        return [], []  # our own output: re-planning must give the same plan, so no finding about it
    return list(parse_yaml(text, path)), []


def _kubernetes_only(docs: Iterable[Document], findings: list[Finding]) -> Iterator[Document]:
    for doc in docs:
        own = migrator_document(doc.data)
        if own:
            findings.append(skipped_document(doc.source, own, str(doc.data["apiVersion"])))
            continue
        identity = kubernetes_identity(doc.data)
        if identity is None:
            findings.append(info("load.not-kubernetes", "YAML document without apiVersion and kind is not a "
                                 f"Kubernetes object{_keys_hint(doc.data)}; skipped", doc.source))
            continue
        if identity[1] == "List" or identity[1].endswith("List") and isinstance(doc.data.get("items"), list):
            yield from _kubernetes_only(_list_items(doc), findings)
            continue
        yield doc


def _keys_hint(data: object) -> str:
    """Its first top-level keys say what the document is (Helm values, docker-compose, CI config)."""
    if not isinstance(data, dict) or not data:
        return ""
    keys = [str(k) for k in list(data)[:4]]
    return f" (top-level keys: {', '.join(keys)}{', ...' if len(data) > 4 else ''})"


def _list_items(doc: Document) -> Iterator[Document]:
    for i, item in enumerate(doc.data.get("items") or []):
        ref = doc.ref("items", i)
        yield Document(item, doc.file, ref.line, doc.origin, doc.lines)


__all__ = ["discover", "load_documents", "LoadOptions", "Unit", "SourceRef"]
