"""Read the data tables in mappings/ (shipped as the package `migrator.mappings`)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


@functools.cache
def table(name: str) -> Any:
    """The parsed contents of mappings/<name>.yaml. Cached: tables are read-only data."""
    text = resources.files("migrator.mappings").joinpath(f"{name}.yaml").read_text("utf-8")
    return yaml.safe_load(text)
