"""Task size: the smallest valid Fargate CPU/memory combination that covers what Kubernetes
asked for. The table of valid sizes is data (mappings/fargate.yaml)."""

from __future__ import annotations

import functools

from migrator import data


@functools.cache
def fargate_sizes() -> tuple[tuple[int, int], ...]:
    """Every valid (cpu units, memory MiB) pair, ordered by cost (cpu, then memory)."""
    sizes = []
    for row in data.table("fargate")["sizes"]:
        memory = row["memory"]
        options = memory if isinstance(memory, list) else range(memory["from"], memory["to"] + 1, memory["step"])
        sizes.extend((row["cpu"], mib) for mib in options)
    return tuple(sorted(sizes))


def fargate_size_for(cpu: int, memory: int) -> tuple[int, int] | None:
    """Smallest valid size with at least `cpu` units and `memory` MiB; None if none is big enough.

    "Smallest" is by CPU first (CPU dominates Fargate's price), then memory, so 0.25 vCPU/2 GB
    is preferred to 0.5 vCPU/1 GB for a task that needs 1.5 GB."""
    for size_cpu, size_memory in fargate_sizes():
        if size_cpu >= cpu and size_memory >= memory:
            return size_cpu, size_memory
    return None


def largest_fargate_size() -> tuple[int, int]:
    return max(fargate_sizes(), key=lambda s: (s[0], s[1]))
