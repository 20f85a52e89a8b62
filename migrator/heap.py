"""Keeping Python's cycle collector out of the way while a large estate is planned.

Planning builds millions of small acyclic objects (YAML data, model, plan) that live until the
plan is written. The cycle collector, triggered by allocation counts, rescans all of them again
and again: a quarter of the CPU time of `migrate plan` on 5,000 services. Reference counting
still frees everything as usual; only cycles wait until the collector is back on.
"""

from __future__ import annotations

import functools
import gc
from typing import Callable, TypeVar

T = TypeVar("T", bound=Callable)


def cycle_collection_paused(function: T) -> T:
    """Run `function` with the cycle collector off, restoring its previous state afterwards."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused  # type: ignore[return-value]
