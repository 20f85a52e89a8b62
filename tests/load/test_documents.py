import pytest

from migrator.findings import InputError
from migrator.load.documents import parse_yaml


def test_every_key_and_item_remembers_its_line():
    text = "apiVersion: v1\nkind: List\nitems:\n  - kind: A\n    name: first\n  - kind: B\n---\nkind: C\n"
    first, second = list(parse_yaml(text, "m.yaml"))
    assert first.ref("items", 1, "kind").line == 6
    assert str(first.ref("items", 0, "name")) == "m.yaml:5"
    assert first.ref("items", 0, "name").yaml_path == "items[0].name"
    assert second.line == 8 and second.data == {"kind": "C"}


def test_missing_path_points_at_deepest_known_field():
    doc = next(parse_yaml("spec:\n  replicas: 2\n", "d.yaml"))
    assert doc.ref("spec", "template", "spec").line == 1


@pytest.mark.parametrize("text, line, code", [
    ("a: 1\nb:\n  c: 1\n  c: 2\n", 4, "load.duplicate-key"),
    ("a: [1, 2\nb: 3\n", 2, "load.yaml-syntax"),
    ("a: 1\n  b: 2\n", 2, "load.yaml-syntax"),
])
def test_bad_yaml_names_file_and_line(text, line, code):
    with pytest.raises(InputError) as exc:
        list(parse_yaml(text, "bad.yaml"))
    assert exc.value.code == code
    assert exc.value.source.line == line
    assert str(exc.value).startswith(f"bad.yaml:{line}: {code} ")


def test_merge_keys_may_be_overridden_without_a_duplicate_error():
    text = "base: &b {cpu: 1, mem: 2}\nuse:\n  <<: *b\n  cpu: 3\n"
    doc = next(parse_yaml(text, "m.yaml"))
    assert doc.data["use"] == {"cpu": 3, "mem": 2}


def test_kubernetes_scalars_keep_timestamps_as_text():
    doc = next(parse_yaml("when: 2024-01-01\nport: 80\non: yes\n", "t.yaml"))
    assert doc.data == {"when": "2024-01-01", "port": 80, True: True}
