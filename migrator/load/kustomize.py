"""Render kustomize overlays with `kubectl kustomize` (or `kustomize build`)."""

from __future__ import annotations

import os
import shutil
import subprocess

import yaml

from migrator.findings import InputError
from migrator.load.documents import Document, parse_yaml

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def referenced_dirs(folder: str) -> set[str]:
    """Folders this kustomization pulls in (resources, bases, components) that are themselves
    kustomizations: they render through it and must not be rendered on their own."""
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            break
    else:
        return set()
    try:
        with open(path, encoding="utf-8") as fh:
            body = yaml.safe_load(fh) or {}
    except yaml.YAMLError:
        return set()
    found = set()
    for key in ("resources", "bases", "components"):
        for entry in body.get(key) or []:
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
                     "install one of them", folder)


def render_overlay(folder: str, kustomize_bin: str = "") -> list[Document]:
    result = subprocess.run(_command(folder, kustomize_bin), capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "unknown error"
        raise InputError("kustomize.render", f"kustomize failed: {message}", folder)
    return list(parse_yaml(result.stdout, os.path.join(folder, "kustomization.yaml"),
                           origin=f"kustomize:{os.path.basename(folder)}"))
