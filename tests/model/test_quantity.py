import pytest
from hypothesis import given, strategies as st

from migrator.model.quantity import QuantityError, cpu_units, memory_mib


@pytest.mark.parametrize("value, units", [
    ("250m", 256), ("1", 1024), (1, 1024), ("0.5", 512), ("1m", 2), ("2", 2048), (0.25, 256), ("100m", 103),
])
def test_cpu_units_round_up(value, units):
    assert cpu_units(value) == units


@pytest.mark.parametrize("value, mib", [
    ("128Mi", 128), ("1Gi", 1024), ("1G", 954), ("100M", 96), ("512Mi", 512), ("1.5Gi", 1536), (134217728, 128),
])
def test_memory_mib_round_up(value, mib):
    assert memory_mib(value) == mib


@pytest.mark.parametrize("value", ["lots", "1.2.3", "10Xi", "", True])
def test_bad_quantities_are_rejected(value):
    with pytest.raises(QuantityError):
        cpu_units(value)


@given(st.integers(min_value=1, max_value=64000))
def test_millicores_never_round_down(millis):
    assert cpu_units(f"{millis}m") * 1000 >= millis * 1024
