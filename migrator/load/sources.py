"""Find what to load under the input paths and turn it into located Kubernetes documents.

A folder with Chart.yaml is a Helm chart, one with kustomization.yaml a kustomize overlay;
both are units (nothing inside them is read as raw YAML). Everything else that ends in
.yaml/.yml/.json is a raw manifest file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from migrator.config import EnvironmentConfig, HelmSource, ProjectConfig
from migrator.findings import Finding, InputError, SourceRef, info
from migrator.load.documents import Document, parse_yaml
from migrator.model.build import kubernetes_identity

MANIFEST_EXTENSIONS = (".yaml", ".yml", ".json")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
SKIP_DIRS = {".git", ".github", "node_modules", ".venv", "__pycache__", ".terraform"}
PROJECT_FILES = {"migrate.yaml"}


@dataclass(frozen=True)
class Unit:
    kind: str  # raw | helm | kustomize
    path: str


@dataclass(frozen=True)
class LoadOptions:
    helm_bin: str = ""  # "" -> embedded Helm SDK
    kustomize_bin: str = ""  # "" -> kubectl kustomize, or kustomize when kubectl is absent


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

    kustomize = [u for u in units if u.kind == "kustomize"]
    used: set[str] = set()
    for unit in kustomize:
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
    helm_by_chart = {h.chart: h for h in env.helm}
    overlay_override = set(env.overlays)
    for unit in units:
        if progress:
            progress(unit.path)
        if unit.kind == "raw":
            docs = _raw_file(unit.path)
        elif unit.kind == "helm":
            from migrator.load.helm import render_chart

            source = helm_by_chart.get(unit.path) or HelmSource(chart=unit.path, release=_release_name(unit.path))
            docs = render_chart(source, helm_bin=options.helm_bin or config.helm_bin)
        else:
            if overlay_override and unit.path not in overlay_override:
                continue
            from migrator.load.kustomize import render_overlay

            docs = render_overlay(unit.path, kustomize_bin=options.kustomize_bin)
        documents.extend(_kubernetes_only(docs, findings))
    # overlays named in migrate.yaml but not under the input paths are still rendered
    rendered = {u.path for u in units if u.kind == "kustomize"}
    for overlay in env.overlays:
        if overlay not in rendered:
            from migrator.load.kustomize import render_overlay

            if not os.path.isdir(overlay):
                raise InputError("load.missing-path", "overlay folder named in migrate.yaml does not exist",
                                 overlay)
            documents.extend(_kubernetes_only(render_overlay(overlay, kustomize_bin=options.kustomize_bin), findings))
    if not documents:
        where = paths[0] if len(paths) == 1 else ", ".join(paths)
        raise InputError("load.empty", "no Kubernetes objects found (looked for *.yaml, *.yml, *.json, "
                         "Helm charts and kustomizations); point migrate at your manifests", where)
    return documents, findings


def _release_name(chart: str) -> str:
    name = os.path.basename(chart.rstrip("/"))
    return name[:-4] if name.endswith(".tgz") else name


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
