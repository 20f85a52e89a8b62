"""Acceptance: no Kubernetes Secret value ever leaves the loaders.

Every Secret value of every corpus estate and the bundled sample is replaced by a unique canary
(raw files rewritten, Helm charts fed canary values that their Secret templates read, kustomize
overlays given a secretGenerator), then `migrate plan -vv` runs in every format with
`--ledger`, and `migrate emit` turns the plan into Terraform. No canary (nor its base64 form)
may appear in the plan, the ledger, the Terraform, stdout or stderr; nor in the model that
model/build.py builds from the same documents.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from migrator.config import load_config
from migrator.load.sources import load_documents
from migrator.model.build import build_estate
from tests.conftest import CORPUS, SAMPLES, run_cli

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


class Canaries:
    def __init__(self) -> None:
        self.values: list[str] = []

    def new(self) -> str:
        value = f"canary-{uuid.uuid4().hex[:16]}"
        self.values.append(value)
        return value

    def forms(self) -> list[str]:
        """Each canary, its base64 form, and its 16 random hex digits on their own."""
        out = []
        for value in self.values:
            out += [value, base64.b64encode(value.encode()).decode(), value.split("-", 1)[1]]
        return out


# ---- planting ------------------------------------------------------------------------------

def _yaml_files(root: Path, charts: list[Path]) -> list[Path]:
    files = []
    for folder, dirs, names in os.walk(root):
        if any(Path(folder).is_relative_to(chart) for chart in charts):
            continue
        files += [Path(folder) / n for n in sorted(names) if n.endswith((".yaml", ".yml"))]
    return files


def plant_raw(path: Path, canaries: Canaries) -> int:
    """Rewrite the Secrets of one manifest file; the other documents are kept as they are."""
    text = path.read_text()
    if "Secret" not in text:
        return 0
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return 0
    planted = 0
    for doc in documents:
        if isinstance(doc, dict) and doc.get("kind") == "Secret":
            secret = {}
            for key in list(doc.get("data") or {}):
                secret[key] = doc["data"][key] = base64.b64encode(canaries.new().encode()).decode()
            for key in list(doc.get("stringData") or {}):
                secret[key] = doc["stringData"][key] = canaries.new()
            # kubectl apply keeps a copy of the whole object in this annotation
            meta = doc.setdefault("metadata", {})
            meta.setdefault("annotations", {})[LAST_APPLIED] = yaml.safe_dump({"data": secret})
            planted += 1
    if planted:
        path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    return planted


def plant_kustomization(path: Path, canaries: Canaries, n: int) -> None:
    body = yaml.safe_load(path.read_text()) or {}
    body.setdefault("secretGenerator", []).append(
        {"name": f"canary-{n}", "literals": [f"TOKEN={canaries.new()}", f"PASSWORD={canaries.new()}"]})
    path.write_text(yaml.safe_dump(body, sort_keys=False))


def _sample_values(chart: Path, canaries: Canaries) -> dict:
    """creator-platform: the JWT key, and each service's database and extra secrets."""
    services: dict[str, dict] = {}
    for values in sorted(chart.glob("values*.yaml")):
        for name, svc in ((yaml.safe_load(values.read_text()) or {}).get("services") or {}).items():
            entry = services.setdefault(name, {})
            if (svc or {}).get("database"):
                entry["database"] = canaries.new()
            for key in (svc or {}).get("secrets") or {}:
                entry.setdefault("secrets", {})[key] = canaries.new()
    return {"jwtSecret": canaries.new(), "databaseHost": canaries.new(),
            "services": {k: v for k, v in services.items() if v}}


# Chart name -> the values its Secret templates read. A chart with Secret templates and no
# recipe fails the coverage check below, so a new corpus chart cannot slip through untested.
# Every chart also gets one more Secret template of its own (CHART_SECRET), fed the same way.
CHART_RECIPES = {
    "aks-store-demo-chart": lambda chart, c: {
        "orderService": {"queueUsername": c.new(), "queuePassword": c.new()},
        "makelineService": {"orderDBUsername": c.new(), "orderDBPassword": c.new()},
        "aiService": {"create": True, "openAiKey": c.new()}},
    "onlineboutique": lambda chart, c: {
        "cartDatabase": {"externalRedisTlsOrigination": {"enable": True, "certificate": c.new(),
                                                         "endpointAddress": "10.0.0.1", "endpointPort": "6379"}}},
    "creator-platform": _sample_values,
}


CHART_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: canary-chart-secret
type: Opaque
data:
  TOKEN: {{ .Values.canaryToken | b64enc | quote }}
stringData:
  PASSWORD: {{ .Values.canaryPassword | quote }}
"""
RAW_SECRET = """\
apiVersion: v1
kind: Secret
metadata: {name: canary-raw-secret}
stringData: {PASSWORD: %s}
"""


def plant(root: Path, canaries: Canaries) -> tuple[Path, int]:
    """Plant canaries everywhere under root; returns the project file to plan with and how many
    Secret sources were planted."""
    charts = sorted(p.parent for p in root.rglob("Chart.yaml"))
    planted = sum(plant_raw(f, canaries) for f in _yaml_files(root, charts) if f.name != "migrate.yaml")
    kustomizations = [f for f in _yaml_files(root, charts) if f.name == "kustomization.yaml"]
    for n, path in enumerate(kustomizations):
        plant_kustomization(path, canaries, n)
    planted += len(kustomizations)
    project = root / "migrate.yaml"
    config = yaml.safe_load(project.read_text()) if project.exists() else \
        {"apiVersion": "migrator/v1", "kind": "Project", "project": "canaries", "environments": {"default": {}}}
    for n, chart in enumerate(charts):
        name = yaml.safe_load((chart / "Chart.yaml").read_text())["name"]
        recipe = CHART_RECIPES.get(name, lambda chart, c: {})
        (chart / "templates" / "zz-canary-secret.yaml").write_text(CHART_SECRET)
        values = root / f"canary-values-{n}.yaml"
        values.write_text(yaml.safe_dump({**recipe(chart, canaries), "canaryToken": canaries.new(),
                                          "canaryPassword": canaries.new()}))
        planted += 1
        for env in config["environments"].values():
            helm = env.setdefault("helm", {})
            source = helm.setdefault(os.path.relpath(chart, root), {})
            source["values"] = [*(source.get("values") or []), values.name]
    project.write_text(yaml.safe_dump(config, sort_keys=False))
    if not planted:  # an estate without Secrets still gets one, so the loaders carry a canary
        (root / "canary-secret.yaml").write_text(RAW_SECRET % canaries.new())
        planted = 1
    return project, planted


# ---- looking -------------------------------------------------------------------------------

def leaks(text: str, canaries: Canaries) -> list[str]:
    return [form for form in canaries.forms() if form in text]


def model_strings(value: Any, seen: set[int] | None = None) -> list[str]:
    """Every string anywhere in a model object (dataclasses, mappings, sequences)."""
    seen = set() if seen is None else seen
    if isinstance(value, str):
        return [value]
    if id(value) in seen or value is None or isinstance(value, (int, float, bool)):
        return []
    seen.add(id(value))
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in model_strings(getattr(value, f.name), seen)]
    if isinstance(value, dict) or hasattr(value, "items"):
        return [s for k, v in value.items() for s in model_strings(k, seen) + model_strings(v, seen)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for item in value for s in model_strings(item, seen)]
    return []


def secret_values(document) -> list[str]:
    data = document.data
    out = [base64.b64decode(str(v)).decode() for v in (data.get("data") or {}).values()]
    return out + [str(v) for v in (data.get("stringData") or {}).values()]


def _estates() -> list:
    found = [pytest.param(SAMPLES, id="sample")]
    if CORPUS.is_dir():
        found += [pytest.param(d / "src", id=d.name) for d in sorted(CORPUS.iterdir()) if (d / "src").is_dir()]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("source", _estates())
def test_no_secret_value_leaves_the_loaders(source, tmp_path):
    if not shutil.which("kubectl") and not shutil.which("kustomize") and \
            any(source.rglob("kustomization.yaml")):
        pytest.skip("rendering kustomize overlays needs kubectl or kustomize on PATH")
    estate, out = tmp_path / "estate", tmp_path / "out"
    shutil.copytree(source, estate)
    canaries = Canaries()
    project, planted = plant(estate, canaries)
    assert planted, "nothing to plant a canary in"

    # The canaries went through the real loaders: every Secret value holds one, and the model
    # built from the same documents holds none.
    config = load_config([str(estate)], str(project))
    secrets = 0
    for env in config.environments:
        documents, _ = load_documents([str(estate)], config, env)
        for doc in documents:
            if doc.data.get("kind") == "Secret":
                secrets += 1
                values = secret_values(doc)
                assert values and all(re.search(r"canary-[0-9a-f]{16}", v) for v in values), \
                    f"{doc.file}: a Secret value without a canary; add a recipe to CHART_RECIPES"
        estate_model, _ = build_estate(documents)
        assert not [s for s in model_strings(estate_model) if leaks(s, canaries)], "the model holds a Secret value"
    assert secrets, "no Secret reached the loaders"

    results = []
    for fmt in ("table", "json", "md"):
        results.append(run_cli("-vv", "plan", str(estate), "--config", str(project), "-o", str(out / "plan.yaml"),
                               "--ledger", str(out / f"ledger-{fmt}"), "-f", fmt, "-vv", "--fail-on", "never",
                               env={"COLUMNS": "100000"}))
        assert results[-1].code == 0, results[-1].stderr
    results.append(run_cli("-vv", "emit", "--plan", str(out / "plan.yaml"), "--out", str(out / "terraform"), "-vv",
                           env={"COLUMNS": "100000"}))
    assert list((out / "terraform").rglob("*.tf")), results[-1].stdout + results[-1].stderr

    written = [p for p in out.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} >= {".yaml", ".json", ".md", ".tf"}
    for path in written:
        assert not leaks(path.read_text(errors="replace"), canaries), f"a Secret value leaked into {path}"
    for result in results:
        assert not leaks(result.stdout, canaries) and not leaks(result.stderr, canaries), "leaked into the output"
    if source == SAMPLES:  # the sample reads its secrets as references, listed with their keys
        plan = yaml.safe_load((out / "plan.yaml").read_text())
        assert all(env["secrets"] and all(s["keys"] for s in env["secrets"]) for env in plan["environments"])


CONTROL = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {GREETING: %s}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {PASSWORD: change-me}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/x/api:1
          envFrom: [{configMapRef: {name: settings}}, {secretRef: {name: creds}}]
"""


def test_the_scan_sees_what_does_reach_the_outputs(tmp_path):
    """A control: a ConfigMap value is meant to reach the plan, and the same scan finds it; the
    Secret beside it, planted the same way as in the corpus runs, is not found."""
    canaries = Canaries()
    (tmp_path / "app.yaml").write_text(CONTROL % canaries.new())
    assert plant_raw(tmp_path / "app.yaml", canaries) == 1
    config_value, secret_value = canaries.values
    result = run_cli("-vv", "plan", str(tmp_path), "-o", str(tmp_path / "plan.yaml"), "-f", "json", "-vv")
    plan = (tmp_path / "plan.yaml").read_text()
    assert result.code == 0, result.stderr
    assert config_value in plan
    secret_only = Canaries()
    secret_only.values.append(secret_value)
    assert not leaks(plan + result.stdout + result.stderr, secret_only)
    assert ":secret:default/default/creds:PASSWORD::" in plan
