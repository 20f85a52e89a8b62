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


@pytest.mark.parametrize("path, line, yaml_path", [
    (("use", "mem"), 1, "use.mem"),  # merged from the anchor: the anchor's line, never negative
    (("use", "cpu"), 4, "use.cpu"),  # overridden beside the merge
    (("base", "cpu"), 1, "base.cpu"),
])
def test_merged_keys_point_at_a_real_line(path, line, yaml_path):
    text = "base: &b {cpu: 1, mem: 2}\nuse:\n  <<: *b\n  cpu: 3\n"
    doc = next(parse_yaml(text, "m.yaml"))
    assert (doc.ref(*path).line, doc.ref(*path).yaml_path) == (line, yaml_path)


def test_paths_render_the_same_every_time():
    doc = next(parse_yaml("spec:\n  containers:\n  - name: a\n  - name: b\n", "p.yaml"))
    refs = [doc.ref("spec", "containers", i, "name") for i in (0, 1, 0)]
    assert [(r.line, r.yaml_path) for r in refs] == [
        (3, "spec.containers[0].name"), (4, "spec.containers[1].name"), (3, "spec.containers[0].name")]


@pytest.mark.parametrize("text, line, message", [
    ("a: 1\nb: *nowhere\n", 2, "found undefined alias *nowhere"),
    ("a:\n  b: &r [1, *r]\n", 2, "alias *r is used inside its own anchor &r"),
    ("a: &r\n  b: *r\n", 2, "alias *r is used inside its own anchor &r"),
    ("a: &x 1\nb: &x 2\n", 2, "anchor &x is defined twice"),
])
def test_bad_aliases_name_file_and_line(text, line, message):
    with pytest.raises(InputError) as exc:
        list(parse_yaml(text, "alias.yaml"))
    assert (exc.value.code, exc.value.source.line) == ("load.yaml-syntax", line)
    assert message in str(exc.value)


def test_aliases_share_the_anchored_value_and_its_line():
    text = "base: &b\n  cpu: 1\nitems:\n- *b\n- &n 5\n- *n\nmerged:\n  <<: [*b, {mem: 2}]\n  cpu: 3\n"
    doc = next(parse_yaml(text, "a.yaml"))
    assert doc.data == {"base": {"cpu": 1}, "items": [{"cpu": 1}, 5, 5], "merged": {"cpu": 3, "mem": 2}}
    assert doc.data["items"][0] is doc.data["base"]
    assert [doc.ref("items", i).line for i in range(3)] == [1, 5, 5]  # where each anchor is
    assert [doc.ref("merged", k).line for k in ("cpu", "mem")] == [9, 8]
