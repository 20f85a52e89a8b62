"""Environment mappers of the traffic stage fail as a finding, never as a crash of the run."""

from __future__ import annotations

import functools

from migrator.findings import SourceRef, error


def finding_on_failure(mapper):
    @functools.wraps(mapper)
    def run(ctx, env_plan):
        try:
            return mapper(ctx, env_plan)
        except Exception as exc:  # one environment's failure is a finding, not a crash of the run
            return env_plan, [error("map.failed", f"{mapper.__module__}.{mapper.__name__} failed: {exc!r}; "
                                    "please report it with the input that caused it", SourceRef(""))]
    return run
