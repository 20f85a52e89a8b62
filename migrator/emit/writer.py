"""Writing the generated tree: all or nothing, never over a hand edit, never over a stranger.

`.migrator-manifest.json` records the SHA-256 of every file emit wrote. Before writing, each
file emit is about to replace is compared with it: a generated file whose bytes changed was
edited by hand, and a file emit never wrote is someone else's. Either stops the run unless
`force`. New contents are first written beside their targets as temporary files; only when all
of them exist are they renamed into place (old files kept as backups until the end, and put
back if a rename fails), and the manifest goes last.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field

MANIFEST = ".migrator-manifest.json"


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class WriteResult:
    written: tuple[str, ...] = ()  # created or changed
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # generated before, no longer generated, not edited since
    conflicts: tuple[str, ...] = ()  # hand-edited or not ours: nothing was written
    kept: tuple[str, ...] = field(default_factory=tuple)  # generated before, no longer generated, edited


def read_manifest(root: str) -> dict[str, str]:
    try:
        with open(os.path.join(root, MANIFEST), encoding="utf-8") as fh:
            return dict(json.load(fh).get("files", {}))
    except FileNotFoundError:
        return {}
    except (ValueError, AttributeError):
        return {}


# A file carrying this marker (the README kept in git for the empty default output folder)
# exists only to be replaced by the first emit.
PLACEHOLDER = b"<!-- migrator:placeholder -->"


def _on_disk(root: str, path: str) -> bytes | None:
    try:
        with open(os.path.join(root, path), "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def conflicts(root: str, files: dict[str, str], manifest: dict[str, str]) -> list[str]:
    """Files emit would overwrite that changed since emit wrote them, or that emit never wrote."""
    found = []
    for path, text in files.items():
        current = _on_disk(root, path)
        if current is None or current == text.encode("utf-8") or PLACEHOLDER in current:
            continue
        if manifest.get(path) != digest(current):
            found.append(path)
    return sorted(found)


def stale(root: str, files: dict[str, str], manifest: dict[str, str], scope: tuple[str, ...]) -> tuple[list, list]:
    """Previously generated files under `scope` that emit no longer generates: (unedited, edited)."""
    remove, keep = [], []
    for path, recorded in sorted(manifest.items()):
        if path in files or not path.startswith(scope):
            continue
        current = _on_disk(root, path)
        if current is None:
            continue
        (remove if digest(current) == recorded else keep).append(path)
    return remove, keep


def write_tree(root: str, files: dict[str, str], scope: tuple[str, ...], force: bool = False) -> WriteResult:
    """Write `files` under `root`. `scope` (path prefixes) says which previously generated files
    this run owns, so that emitting one environment never removes another's files."""
    manifest = read_manifest(root)
    clashes = conflicts(root, files, manifest)
    remove, keep = stale(root, files, manifest, scope)
    if clashes and not force:
        return WriteResult(conflicts=tuple(clashes))
    changed = [p for p in files if _on_disk(root, p) != files[p].encode("utf-8")]
    unchanged = [p for p in files if p not in changed]
    new_manifest = {p: h for p, h in manifest.items() if p not in remove and (p in files or os.path.exists(
        os.path.join(root, p)))}
    new_manifest.update({p: digest(t.encode("utf-8")) for p, t in files.items()})
    body = json.dumps({"generator": "migrator", "files": dict(sorted(new_manifest.items()))}, indent=2) + "\n"
    _commit(root, {**{p: files[p] for p in changed}, MANIFEST: body}, remove)
    return WriteResult(written=tuple(sorted(changed)), unchanged=tuple(sorted(unchanged)),
                       removed=tuple(remove), kept=tuple(keep))


def _commit(root: str, files: dict[str, str], remove: list[str]) -> None:
    staged: dict[str, str] = {}
    try:
        for path, text in files.items():
            target = os.path.join(root, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".emit-", dir=os.path.dirname(target))
            staged[path] = tmp
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
    except BaseException:
        for tmp in staged.values():
            os.unlink(tmp)
        raise
    _swap(root, staged, remove)


def _swap(root: str, staged: dict[str, str], remove: list[str]) -> None:
    """Rename the staged files into place; on failure put every replaced file back."""
    backups: dict[str, str | None] = {}
    try:
        for path in [*staged, *remove]:
            target = os.path.join(root, path)
            backup = None
            if os.path.exists(target):
                backup = target + ".emit-backup"
                os.replace(target, backup)
            backups[path] = backup
            if path in staged:
                os.replace(staged[path], target)
    except BaseException:
        for path, backup in backups.items():
            target = os.path.join(root, path)
            if backup:
                os.replace(backup, target)
            elif os.path.exists(target):
                os.unlink(target)
        for tmp in staged.values():
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise
    for backup in backups.values():
        if backup:
            os.unlink(backup)
