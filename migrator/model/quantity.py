"""Kubernetes resource quantities (`250m`, `1.5`, `512Mi`, `1G`) in the units ECS speaks."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIX = {
    "": Decimal(1),
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"),
    "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")


class QuantityError(ValueError):
    pass


def parse_quantity(value: object) -> Decimal:
    """The quantity as a plain number (cores for CPU, bytes for memory)."""
    if isinstance(value, bool):
        raise QuantityError(f"{value!r} is not a quantity")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    match = _QUANTITY.match(str(value).strip())
    if not match:
        raise QuantityError(f"{value!r} is not a Kubernetes quantity (examples: 250m, 1, 512Mi, 2Gi)")
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        raise QuantityError(f"{value!r} is not a Kubernetes quantity") from None
    return number * _SUFFIX[match.group(2) or ""]


def cpu_units(value: object) -> int:
    """CPU in ECS units (1024 per vCPU), rounded up: 250m -> 256, 1 -> 1024, 1m -> 2."""
    cores = parse_quantity(value)
    units = cores * 1024
    whole = int(units)
    return whole + (1 if units > whole else 0)


def memory_mib(value: object) -> int:
    """Memory in MiB, rounded up: 128Mi -> 128, 1G -> 954, 100M -> 96."""
    octets = parse_quantity(value)
    mib = octets / (2 ** 20)
    whole = int(mib)
    return whole + (1 if mib > whole else 0)
