"""Broken overlays through the real CLI and the real `kubectl kustomize`: one line at the
kustomization entry that is wrong, exit code 2, nothing written."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl is needed to render kustomizations")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
"""
HEAD = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
OTHER = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other}\nspec: {replicas: 2}\n"
OP = ("- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: replace\n      path: /spec/strategy/type\n"
      "      value: Recreate\n")
R = "kustomize.render"

CASES = [
    ("missing resource", {"overlay": HEAD + "resources:\n- ../base\n- missing.yaml\n"},
     f"overlay/kustomization.yaml:5: {R} resources entry missing.yaml does not exist (no file or folder "
     "overlay/missing.yaml); fix the path or create it"),
    ("missing resource in the base", {"overlay": "resources:\n- ../base\n",
                                      "base": "resources:\n- deployment.yaml\n- service.yaml\n"},
     f"base/kustomization.yaml:3: {R} resources entry service.yaml does not exist (no file or folder "
     "base/service.yaml); fix the path or create it"),
    ("resource listed twice", {"base": "resources:\n- deployment.yaml\n- deployment.yaml\n", "overlay": "resources:\n- ../base\n"},
     f"base/kustomization.yaml:3: {R} resources entry deployment.yaml cannot be used: may not add resource with "
     "an already registered id: Deployment.v1.apps/web.[noNs]; fix the entry or the file it names"),
    ("missing patch file", {"overlay": "resources:\n- ../base\npatches:\n- path: replicas.yaml\n"},
     f"overlay/kustomization.yaml:4: {R} patch file replicas.yaml cannot be read; fix the path of this patch "
     "or create the file"),
    ("patch for an object the overlay lacks", {"overlay": "resources:\n- ../base\npatches:\n- path: ok.yaml\n"
                                               "- path: other.yaml\n"},
     f"overlay/kustomization.yaml:5: {R} patch for Deployment other matches no object of this overlay; fix its "
     "kind and metadata.name, or give it a target"),
    ("patch op on a missing field", {"overlay": "resources:\n- ../base\npatches:\n" + OP},
     f"overlay/kustomization.yaml:4: {R} patch does not apply: replace operation does not apply: doc is missing "
     "path: /spec/strategy/type: missing value; fix the op's path, or use op: add for a field that is absent"),
    ("unknown field", {"overlay": HEAD + "resources:\n- ../base\nnamePrefx: dev-\n"},
     f"overlay/kustomization.yaml:5: {R} kustomization is not valid: json: unknown field \"namePrefx\"; fix this "
     "entry (fields: https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/)"),
    ("wrong type", {"overlay": "resources:\n- ../base\nreplicas:\n- name: web\n  count: many\n"},
     f"overlay/kustomization.yaml:5: {R} kustomization is not valid: json: cannot unmarshal string into Go "
     "struct field Replica.replicas.count of type int64; fix this entry (fields: "
     "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/)"),
    ("YAML syntax", {"overlay": "resources:\n- ../base\n  images: [\n"},
     f"overlay/kustomization.yaml:3: {R} kustomization is not valid: yaml: line 3: mapping values are not "
     "allowed in this context; fix this entry (fields: "
     "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/)"),
    ("missing generator file", {"overlay": "resources:\n- ../base\nconfigMapGenerator:\n- name: a\n  literals: [x=1]\n"
                                           "- name: cfg\n  files:\n  - app.properties\n"},
     f"overlay/kustomization.yaml:6: {R} generator file app.properties does not exist; fix the path under "
     "files: or create the file"),
    ("anything else: line 1", {"overlay": "resources:\n- ../base\nreplacements:\n- source: {kind: ConfigMap, "
                                          "name: nope, fieldPath: data.x}\n  targets:\n  - select: {kind: Deployment}\n"
                                          "    fieldPaths: [spec.replicas]\n"},
     f"overlay/kustomization.yaml:1: {R} kustomize failed: nothing selected by "
     "ConfigMap.[noVer].[noGrp]/nope.[noNs]:data.x; fix the overlay (`kubectl kustomize` shows the same error)"),
]


@pytest.mark.parametrize("kustomizations, first_line", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_overlay_is_one_line_at_its_entry(tmp_path, kustomizations, first_line):
    (tmp_path / "base").mkdir()
    (tmp_path / "overlay").mkdir()
    (tmp_path / "base" / "deployment.yaml").write_text(DEPLOYMENT)
    (tmp_path / "base" / "kustomization.yaml").write_text("resources:\n- deployment.yaml\n")
    (tmp_path / "overlay" / "ok.yaml").write_text(OTHER.replace("other", "web"))
    (tmp_path / "overlay" / "other.yaml").write_text(OTHER)
    for folder, text in kustomizations.items():
        (tmp_path / folder / "kustomization.yaml").write_text(text)
    result = run_cli("plan", "overlay", "--out", "out/plan.yaml", cwd=tmp_path)
    assert (result.code, result.stderr.splitlines()[:1]) == (2, [first_line]), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()
