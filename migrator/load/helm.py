"""Render Helm charts offline with the embedded Helm SDK (helm-python-sdk), or with a user's
`helm` binary when asked. Rendered documents point back at the template that produced them."""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from migrator.config import HelmSource
from migrator.findings import InputError, SourceRef
from migrator.load.documents import Document, parse_yaml


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def user_values(source: HelmSource) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path in source.values:
        if not os.path.isfile(path):
            raise InputError("helm.missing-values", "values file does not exist; fix the path in migrate.yaml",
                             path)
        with open(path, encoding="utf-8") as fh:
            docs = list(parse_yaml(fh.read(), path))
        if docs and isinstance(docs[0].data, dict):
            values = _deep_merge(values, docs[0].data)
    if source.set:
        import helm_python

        for expression in source.set:
            values = _deep_merge(values, helm_python.parse_set_string(expression))
    return values


def render_chart(source: HelmSource, helm_bin: str = "") -> list[Document]:
    import helm_python

    values = user_values(source)
    try:
        chart = helm_python.Chart.load(source.chart)
        manifests = chart.render(values, name=source.release or "release", namespace=source.namespace)
    except helm_python.HelmError as exc:
        raise InputError("helm.render", f"chart failed to render: {exc}", source.chart) from None
    return documents_from_manifests(manifests, source.chart)


def documents_from_manifests(manifests: dict[str, str], chart_dir: str) -> list[Document]:
    """Parse rendered manifests ({template path: text}) into documents named after the template."""
    documents: list[Document] = []
    base = chart_dir if os.path.isdir(chart_dir) else os.path.dirname(chart_dir)
    for template in sorted(manifests):
        if not template.endswith((".yaml", ".yml", ".json")):
            continue
        text = manifests[template]
        relative = template.split("/", 1)[1] if "/" in template else template
        file = os.path.join(base, relative)
        documents.extend(parse_yaml(text, file, origin=f"helm:{os.path.basename(base)}"))
    return documents
