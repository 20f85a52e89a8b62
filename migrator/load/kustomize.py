"""Render kustomize overlays with `kubectl kustomize` (or `kustomize build` when kubectl is
absent) and point every rendered field back at the file it came from.

We render through a throw-away wrapper kustomization in a temporary folder:

    resources: [<relative path to the overlay>]
    buildMetadata: [originAnnotations]

kustomize then annotates each object with `config.kubernetes.io/origin` (the resource file, or
the kustomization whose generator made it; see
https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/buildmetadata/). We strip
the annotation again and give every field the line of the same field in the origin file
(`relocate_to_source`: list items matched by `name` where they have one, else by position;
fields an overlay added take their parent's line). Generated objects point at their generator
entry in the kustomization. Paths are relative because kustomize refuses absolute roots. If the wrapper
cannot be built (for example the folder is a Component), the overlay is rendered directly and
documents point at its kustomization.yaml without a line; if that fails too, the error points at
the kustomization entry it is about (migrator/load/kustomize_errors.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

import yaml

from migrator.findings import InputError, display_path
from migrator.load.documents import Document, parse_yaml
from migrator.load.relocate import relocate_to_source

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
ORIGIN = "config.kubernetes.io/origin"
_KLOG_BLOCK = re.compile(r'"command failed" err=<\s*(?P<err>.*?)\s*>\s*$', re.DOTALL)
_KLOG = re.compile(r'^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err="(?P<err>.*)"$')


def kustomization_file(folder: str) -> str:
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return os.path.join(folder, KUSTOMIZATION_FILES[0])


def referenced_dirs(folder: str) -> set[str]:
    """Folders this kustomization pulls in (resources, bases, components) that are themselves
    kustomizations: they render through it and must not be rendered on their own."""
    path = kustomization_file(folder)
    if not os.path.isfile(path):
        return set()
    try:
        with open(path, encoding="utf-8") as fh:
            body = yaml.safe_load(fh) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        return set()
    found = set()
    for key in ("resources", "bases", "components"):
        for entry in (body.get(key) or []) if isinstance(body, dict) else []:
            target = os.path.normpath(os.path.join(folder, str(entry)))
            if os.path.isdir(target):
                found.add(target)
    return found


def _command(folder: str, kustomize_bin: str) -> list[str]:
    if kustomize_bin:
        return [kustomize_bin, "build", folder]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize", folder]
    if shutil.which("kustomize"):
        return ["kustomize", "build", folder]
    raise InputError("kustomize.no-tool", "rendering a kustomization needs `kubectl` or `kustomize` on PATH; "
                     "install one of them", kustomization_file(folder))


def _run(folder: str, kustomize_bin: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(_command(folder, kustomize_bin), capture_output=True, text=True, timeout=300)
    except OSError as exc:
        raise InputError("kustomize.no-tool", f"cannot run kustomize: {exc}", kustomization_file(folder)) from None


def error_message(stderr: str) -> str:
    """The useful part of kubectl / kustomize error output (one line)."""
    block = _KLOG_BLOCK.search(stderr)
    if block:  # klog prints multi-line errors as err=<\n\t...\n >
        return " ".join(line.strip() for line in block.group("err").splitlines() if line.strip())
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    last = lines[-1]
    match = _KLOG.match(last)
    if match:
        last = match.group("err").replace('\\"', '"')
    return re.sub(r"^(error|Error): ", "", last)


def render_overlay(folder: str, kustomize_bin: str = "") -> list[Document]:
    """Every object of the overlay, located in the file it came from where kustomize says."""
    folder = os.path.abspath(folder)
    with tempfile.TemporaryDirectory(prefix="migrate-kustomize-") as wrapper:
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as fh:
            fh.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                     f"resources:\n- {os.path.relpath(folder, wrapper)}\n"
                     "buildMetadata: [originAnnotations]\n")
        result = _run(wrapper, kustomize_bin)
        if result.returncode == 0:
            return _located(result.stdout, folder, wrapper)
    return _unlocated(folder, kustomize_bin)


def _unlocated(folder: str, kustomize_bin: str) -> list[Document]:
    result = _run(folder, kustomize_bin)
    if result.returncode != 0:
        from migrator.load.kustomize_errors import overlay_error  # it reads kustomizations with this module

        raise overlay_error(error_message(result.stderr), folder)
    file = kustomization_file(folder)
    return [Document(d.data, file, 0, d.origin, {})
            for d in parse_yaml(result.stdout, file, origin=f"kustomize:{os.path.basename(folder)}")]


def _located(text: str, folder: str, wrapper: str) -> list[Document]:
    origin = f"kustomize:{os.path.basename(folder)}"
    sources = _SourceFiles()
    out = []
    for doc in parse_yaml(text, kustomization_file(folder), origin=origin):
        where = _pop_origin(doc.data)
        out.append(sources.locate(doc, where, wrapper, kustomization_file(folder)))
    return out


def _pop_origin(data: dict) -> dict:
    meta = data.get("metadata") if isinstance(data, dict) else None
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(annotations, dict) or ORIGIN not in annotations:
        return {}
    text = annotations.pop(ORIGIN)
    if not annotations:
        del meta["annotations"]
    try:
        found = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return found if isinstance(found, dict) else {}


class _SourceFiles:
    """Parsed origin files, read once per render."""

    def __init__(self) -> None:
        self.parsed: dict[str, list[Document]] = {}

    def documents(self, path: str) -> list[Document]:
        if path not in self.parsed:
            try:
                with open(path, encoding="utf-8") as fh:
                    self.parsed[path] = list(parse_yaml(fh.read(), path))
            except (OSError, UnicodeDecodeError, InputError):
                self.parsed[path] = []
        return self.parsed[path]

    def locate(self, doc: Document, where: dict, wrapper: str, fallback: str) -> Document:
        if where.get("path"):
            path = os.path.normpath(os.path.join(wrapper, str(where["path"])))
            source = _same_object(doc.data, self.documents(path))
            if source is not None:  # named as the user would: relative to the working folder
                return relocate_to_source(doc, source, display_path(path))
            return Document(doc.data, display_path(path), 0, doc.origin, {})
        if where.get("configuredIn"):
            path = os.path.normpath(os.path.join(wrapper, str(where["configuredIn"])))
            line = self._generator_line(path, doc.data, (where.get("configuredBy") or {}).get("kind", ""))
            return Document(doc.data, display_path(path), line, doc.origin, {})
        return Document(doc.data, display_path(fallback), 0, doc.origin, {})

    def _generator_line(self, path: str, data: dict, generator: str) -> int:
        docs = self.documents(path)
        if not docs or not isinstance(docs[0].data, dict):
            return 0
        key = {"ConfigMapGenerator": "configMapGenerator", "SecretGenerator": "secretGenerator"}.get(generator)
        entries = docs[0].data.get(key) if key else None
        if not isinstance(entries, list):
            return 0
        name = str((data.get("metadata") or {}).get("name") or "")
        for i, entry in enumerate(entries):
            if isinstance(entry, dict) and entry.get("name") and name.find(str(entry["name"])) >= 0:
                return docs[0].ref(key, i).line
        return docs[0].ref(key).line


def _same_object(data: dict, candidates: list[Document]) -> Document | None:
    """The document in the origin file this rendered object came from (names may have gained a
    prefix or suffix)."""
    kind = data.get("kind")
    name = str((data.get("metadata") or {}).get("name") or "")
    same_kind = [d for d in candidates if isinstance(d.data, dict) and d.data.get("kind") == kind]
    for test in (lambda n: n == name, lambda n: bool(n) and n in name):
        for doc in same_kind:
            if test(str((doc.data.get("metadata") or {}).get("name") or "")):
                return doc
    return same_kind[0] if len(same_kind) == 1 else None


__all__ = ["render_overlay", "referenced_dirs", "kustomization_file", "relocate_to_source"]
