import pytest

from migrator.emit import hcl
from migrator.emit.hcl import Map


@pytest.mark.parametrize("text, expected", [
    ("plain", '"plain"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("line\nbreak\ttab\rcr", '"line\\nbreak\\ttab\\rcr"'),
    ("${HOME}/bin", '"$${HOME}/bin"'),
    ("%{ if x }", '"%%{ if x }"'),
    ("$HOME and 100%", '"$HOME and 100%"'),
    ("bell\x07", '"bell\\u0007"'),
    ("naïve ☃", '"naïve ☃"'),
])
def test_strings_are_escaped_and_never_templates(text, expected):
    assert hcl.string(text) == expected


@pytest.mark.parametrize("value, expected", [
    (None, "null"), (True, "true"), (False, "false"), (3, "3"), (70.0, "70"), (5.5, "5.5"), ("x", '"x"'),
])
def test_scalars(value, expected):
    assert hcl.scalar(value) == expected


def test_one_line_attributes_align_and_blocks_break_the_run():
    text = hcl.tfvars({"a": 1, "long_name": "x", "block": {"k": 1, "kk": [1, 2]}, "z": True})
    assert text == (
        'a         = 1\n'
        'long_name = "x"\n'
        '\n'
        'block = {\n'
        '  k  = 1\n'
        '  kk = [1, 2]\n'
        '}\n'
        '\n'
        'z = true\n')


def test_data_map_keys_are_quoted_object_keys_bare():
    text = hcl.tfvars({"services": Map({"api-gateway": {"desired_count": 2}, "null": {}})})
    assert text == (
        'services = {\n'
        '  "api-gateway" = {\n'
        '    desired_count = 2\n'
        '  }\n'
        '  "null" = {}\n'
        '}\n')


def test_lists_of_objects_are_one_item_per_block():
    text = hcl.tfvars({"targets": [{"target_group": "a", "weight": 1}, {"target_group": "bb"}], "empty": []})
    assert text == (
        'targets = [\n'
        '  {\n'
        '    target_group = "a"\n'
        '    weight       = 1\n'
        '  },\n'
        '  {\n'
        '    target_group = "bb"\n'
        '  },\n'
        ']\n'
        '\n'
        'empty = []\n')


@pytest.mark.parametrize("name, quoted, expected", [
    ("cpu", False, "cpu"), ("a-b", False, "a-b"), ("true", False, '"true"'), ("1x", False, '"1x"'),
    ("a.b", False, '"a.b"'), ("cpu", True, '"cpu"'),
])
def test_keys(name, quoted, expected):
    assert hcl.key(name, quoted) == expected
