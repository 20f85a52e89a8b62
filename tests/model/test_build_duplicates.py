from migrator.load.documents import parse_yaml
from migrator.model.build import build_estate

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: "nginx:%s"}]
"""


def test_same_object_twice_is_planned_once_and_reported_where_both_are():
    first = list(parse_yaml(DEPLOYMENT % "1", "a.yaml"))
    second = list(parse_yaml("---\n" + DEPLOYMENT % "2", "b.yaml"))
    estate, findings = build_estate(first + second)
    assert [w.pod.containers[0].image for w in estate.workloads] == ["nginx:1"]
    [dup] = [f for f in findings if f.code == "model.duplicate-object"]
    assert str(dup.source) == "b.yaml:2"
    assert "first at a.yaml:1" in dup.message


def test_same_name_in_two_namespaces_or_kinds_is_not_a_duplicate():
    docs = list(parse_yaml(DEPLOYMENT % "1", "a.yaml"))
    docs += list(parse_yaml((DEPLOYMENT % "1").replace("shop", "admin"), "b.yaml"))
    docs += list(parse_yaml("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n", "c.yaml"))
    estate, findings = build_estate(docs)
    assert len(estate.workloads) == 2 and len(estate.services) == 1
    assert not [f for f in findings if f.code == "model.duplicate-object"]
