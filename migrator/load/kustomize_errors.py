"""kustomize's errors at the line of the kustomization entry they are about.

`kubectl kustomize` names no line: "accumulating resources from 'missing.yaml': ... no such
file", "failed to get the patch file from path(p.yaml)", "no resource matches strategic merge
patch", "replace operation does not apply: doc is missing path: /spec/x", "invalid
Kustomization: json: unknown field". We find the entry in the overlay's kustomization or in one
it includes (the `resources:` item, the patch whose file, kind/name or op path kustomize names,
the bad field), and say what to do; when nothing fits, line 1 of the overlay's kustomization.
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from migrator.findings import InputError, SourceRef, display_path
from migrator.load.documents import Document, parse_yaml
from migrator.load.kustomize import kustomization_file, referenced_dirs

_FROM = re.compile(r"(?:accumulating|merging) resources from '([^']*)'")
_GENERATOR_FILES = re.compile(r"file sources: \[(?P<files>[^\]]*)\]")
_RECURSED = re.compile(r"recursed accumulation of path '([^']*)'")
_PATCH_FILE = re.compile(r"failed to get the patch file from path\((?P<file>[^)]*)\)")
_PATCH_ID = re.compile(r"matches strategic merge patch \"?(?P<kind>\w+)\.[^/\s]*/(?P<name>[^\s\"]+?)\.\[")
_OP_PATH = re.compile(r"missing path: (?P<path>/[^\s:]*)")
_YAML_LINE = re.compile(r"yaml: line (\d+)")
_FIELD = re.compile(r'unknown field "(?P<unknown>[^"]+)"|Go struct field \w+\.(?P<path>[\w.]+)')


def overlay_error(message: str, folder: str) -> InputError:
    """kustomize's error at the kustomization entry it is about (a `resources:` item, a patch,
    a bad field), found in the overlay or the kustomizations it includes; else line 1 of the
    overlay's kustomization."""
    for locate in (_missing_resource, _missing_generator_file, _bad_patch, _bad_field):
        found = locate(message, folder)
        if found is not None:
            return InputError("kustomize.render", found[2], SourceRef(found[0], found[1]))
    return InputError("kustomize.render", f"kustomize failed: {message}; fix the overlay "
                      "(`kubectl kustomize` shows the same error)", SourceRef(kustomization_file(folder), 1))


def _missing_resource(message: str, folder: str) -> tuple[str, int, str] | None:
    entries = _FROM.findall(message)
    if not entries:
        return None
    where = ([folder] + _RECURSED.findall(message))[-1]
    file, entry = kustomization_file(where), entries[-1]
    # the last one: kustomize complains about the second of two equal entries
    line = ([line for key in ("resources", "bases", "components")
             for line in _item_lines(file, key, lambda item: str(item) == entry)] or [1])[-1]
    reason = message.rsplit(f"resources from '{entry}'", 1)[-1].split("': must build at", 1)[0].strip(" ':")
    if "no such file or directory" in reason:
        target = display_path(os.path.normpath(os.path.join(where, entry)))
        return file, line, (f"resources entry {entry} does not exist (no file or folder {target}); "
                            "fix the path or create it")
    return file, line, f"resources entry {entry} cannot be used: {reason}; fix the entry or the file it names"


def _missing_generator_file(message: str, folder: str) -> tuple[str, int, str] | None:
    files = _GENERATOR_FILES.search(message)
    if files is None or "no such file" not in message:
        return None
    names = set(files.group("files").split())
    text = (f"generator file {' '.join(sorted(names))} does not exist; fix the path under files: "
            "or create the file")

    def wanted(item: Any) -> bool:
        listed = item.get("files") if isinstance(item, dict) else None
        return isinstance(listed, list) and any(str(f).split("=")[-1] in names for f in listed)
    for file in _kustomizations(folder):
        for key in ("configMapGenerator", "secretGenerator"):
            for line in _item_lines(file, key, wanted):
                return file, line, text
    return kustomization_file(folder), 1, text


def _bad_patch(message: str, folder: str) -> tuple[str, int, str] | None:
    path, target, op_path = _PATCH_FILE.search(message), _PATCH_ID.search(message), _OP_PATH.search(message)
    if path:
        name = path.group("file")
        test, text = (lambda patch, body: patch.get("path") == name), (
            f"patch file {name} cannot be read; fix the path of this patch or create the file")
    elif target:
        kind, name = target.group("kind"), target.group("name")
        test, text = (lambda patch, body: any(isinstance(d, dict) and d.get("kind") == kind and
                                              (d.get("metadata") or {}).get("name") == name for d in body)), (
            f"patch for {kind} {name} matches no object of this overlay; fix its kind and metadata.name, "
            "or give it a target")
    elif op_path and "operation does not apply" in message:
        wanted = op_path.group("path")
        test, text = (lambda patch, body: any(isinstance(op, dict) and op.get("path") == wanted
                                              for d in body if isinstance(d, list) for op in d)), (
            f"patch does not apply: {message}; fix the op's path, or use op: add for a field that is absent")
    else:
        return None
    for file in _kustomizations(folder):
        for key in ("patches", "patchesStrategicMerge", "patchesJson6902"):
            for line in _item_lines(file, key, lambda item: test(*_patch_body(item, file))):
                return file, line, text
    return kustomization_file(folder), 1, text


def _patch_body(item: Any, file: str) -> tuple[dict, list]:
    """A patches entry ({path|patch, target} or a bare SMP path/text) and its YAML documents."""
    patch = item if isinstance(item, dict) else (
        {"patch": item} if "\n" in str(item) or ":" in str(item) else {"path": str(item)})
    text = patch.get("patch")
    if text is None and patch.get("path"):
        try:
            with open(os.path.join(os.path.dirname(file), str(patch["path"])), encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError):
            text = ""
    try:
        return patch, list(yaml.safe_load_all(str(text or "")))
    except yaml.YAMLError:
        return patch, []


def _bad_field(message: str, folder: str) -> tuple[str, int, str] | None:
    if "invalid Kustomization" not in message:
        return None
    reason = message.split("invalid Kustomization:", 1)[-1].strip()
    text = (f"kustomization is not valid: {reason}; fix this entry (fields: "
            "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/)")
    syntax, field = _YAML_LINE.search(reason), _FIELD.search(reason)
    for file in _kustomizations(folder):
        try:
            with open(file, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except yaml.YAMLError:
            return file, int(syntax.group(1)) if syntax else 1, text
        keys = (field.group("unknown") or "",) if field and field.group("unknown") else (
            tuple(field.group("path").split(".")) if field else ())
        line = _key_line(file, keys) if keys and isinstance(data, dict) else None
        if line is not None:
            return file, line, text
    return kustomization_file(folder), 1, text


def _kustomizations(folder: str) -> list[str]:
    """The overlay's kustomization file, then those of everything it includes, depth first."""
    found: list[str] = []
    pending = [folder]
    while pending:
        where = pending.pop(0)
        file = kustomization_file(where)
        if file in found or not os.path.isfile(file):
            continue
        found.append(file)
        pending[:0] = sorted(referenced_dirs(where))
    return found


def _document(file: str) -> Document | None:
    try:
        with open(file, encoding="utf-8") as fh:
            docs = list(parse_yaml(fh.read(), file))
    except (OSError, UnicodeDecodeError, InputError):
        return None
    return docs[0] if docs and isinstance(docs[0].data, dict) else None


def _item_lines(file: str, key: str, wanted: Any) -> list[int]:
    """Lines of the items of the top-level list `key` for which `wanted(item)` is true."""
    doc = _document(file)
    items = doc.data.get(key) if doc is not None else None
    if not isinstance(items, list):
        return []
    return [doc.ref(key, i).line for i, item in enumerate(items) if wanted(item)]


def _key_line(file: str, keys: tuple[str, ...]) -> int | None:
    """Line of the first key whose path (list positions left out) ends with `keys`."""
    doc = _document(file)
    pending: list[tuple] = [()] if doc is not None else []
    while pending:
        path = pending.pop(0)
        node = doc.data
        for part in path:
            node = node[part]
        names = tuple(p for p in path if isinstance(p, str))
        if path and names[-len(keys):] == keys:
            return doc.ref(*path).line
        children = node.keys() if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else ()
        pending.extend(path + (child,) for child in children)
    return None
