import pytest
from hypothesis import given, strategies as st

from migrator.map.sizing import fargate_size_for, fargate_sizes

VALID = set(fargate_sizes())


@pytest.mark.parametrize("cpu, memory, expected", [
    (0, 0, (256, 512)),
    (256, 512, (256, 512)),
    (257, 512, (512, 1024)),
    (100, 1500, (256, 2048)),
    (100, 2049, (512, 3072)),
    (4096, 30720, (4096, 30720)),
    (4096, 30721, (8192, 32768)),
    (8192, 61441, (16384, 65536)),
    (16384, 122880, (16384, 122880)),
    (16385, 1, None),
    (1, 122881, None),
])
def test_smallest_valid_size(cpu, memory, expected):
    assert fargate_size_for(cpu, memory) == expected


def test_table_has_the_large_steps():
    assert (8192, 20480) in VALID and (8192, 18432) not in VALID  # 4 GB steps at 8 vCPU
    assert (16384, 40960) in VALID and (16384, 36864) not in VALID  # 8 GB steps at 16 vCPU


@given(st.integers(0, 16384), st.integers(0, 122880))
def test_chosen_size_is_valid_and_covers_the_request(cpu, memory):
    size = fargate_size_for(cpu, memory)
    assert size in VALID
    assert size[0] >= cpu and size[1] >= memory
    cheaper = [s for s in VALID if s[0] >= cpu and s[1] >= memory and s < size]
    assert not cheaper
