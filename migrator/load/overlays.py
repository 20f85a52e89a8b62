"""Which kustomize overlays render for an environment.

1. The `overlays:` that migrate.yaml lists for the environment, and only those.
2. Otherwise every kustomization no other one includes. Where several are siblings (e.g.
   deploy/overlays/{dev,staging,production}) and one folder is named after the environment
   (prod ~ production, stage ~ staging, dev ~ development), only that one renders, with an info
   finding; if none is, all render, and a warning says when they define the same objects (each
   is then planned once per overlay, usually in different namespaces).
"""

from __future__ import annotations

import os
from collections import defaultdict

from migrator.config import EnvironmentConfig
from migrator.findings import Finding, SourceRef, info, warning
from migrator.load.documents import Document

ENV_ALIASES = ({"prod", "production", "prd", "live"}, {"staging", "stage", "stg"},
               {"dev", "development", "develop"}, {"test", "testing"}, {"qa"})


def choose_overlays(found: list[str], env: EnvironmentConfig,
                    findings: list[Finding]) -> tuple[list[str], list[list[str]]]:
    """The overlay folders to render for `env` (from the `found` ones, or migrate.yaml's), and
    the groups of sibling overlays that all render."""
    if env.overlays:
        return list(env.overlays), []
    siblings: dict[str, list[str]] = defaultdict(list)
    for overlay in found:
        siblings[os.path.dirname(overlay)].append(overlay)
    skipped: set[str] = set()
    groups = []
    for overlays in (siblings[parent] for parent in sorted(siblings)):
        if len(overlays) < 2:
            continue
        chosen = [o for o in overlays if _names_environment(os.path.basename(o), env.name)]
        if len(chosen) != 1:
            groups.append(sorted(overlays))
            continue
        skipped |= set(overlays) - set(chosen)
        others = ", ".join(sorted(os.path.basename(o) for o in overlays if o not in chosen))
        findings.append(info("kustomize.overlay-chosen", f"environment {env.name} uses overlay "
                             f"{os.path.basename(chosen[0])}; sibling overlays {others} are not rendered",
                             SourceRef(chosen[0])))
    return [o for o in found if o not in skipped], groups


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
