import base64
import re

import pytest

from migrator import api
from migrator.emit.tree import HEADER, MODULE_FILES, MODULES, repositories, terraform_files
from migrator.findings import InputError
from tests.conftest import SAMPLES
from tests.emit import plans


@pytest.fixture(scope="module")
def full_tree():
    return terraform_files(plans.full_plan())


def test_the_tree_has_every_module_environment_and_global_file(full_tree):
    files, _ = full_tree
    expected = {f"modules/{m}/{f}" for m in MODULES for f in MODULE_FILES}
    for env in ("staging", "prod"):
        expected |= {f"envs/{env}/{f}" for f in ("main.tf", "variables.tf", "outputs.tf", "versions.tf",
                                                  "backend.tf", "terraform.tfvars", "services.auto.tfvars")}
    expected |= {f"global/{f}" for f in ("main.tf", "variables.tf", "outputs.tf", "versions.tf",
                                         "terraform.tfvars")}
    assert set(files) == expected | {"README.md"}


def test_every_file_carries_the_generated_header(full_tree):
    files, _ = full_tree
    for path, text in files.items():
        first = text.split("\n", 1)[0]
        assert first in (f"# {HEADER}", f"<!-- {HEADER} -->"), path


def test_no_template_placeholder_survives(full_tree):
    files, _ = full_tree
    assert [path for path, text in files.items() if "@@" in text] == []


def test_every_variable_has_a_type_and_a_description(full_tree):
    files, _ = full_tree
    for path, text in files.items():
        if path.endswith("variables.tf"):
            for block in re.split(r'\nvariable "', text)[1:]:
                assert "\n  description = " in block and "\n  type" in block, (path, block[:40])


def test_emit_is_deterministic():
    assert terraform_files(plans.full_plan()) == terraform_files(plans.full_plan())


def test_emitting_one_environment_gives_the_same_files_as_emitting_all(full_tree):
    files, _ = full_tree
    prod_only, findings = terraform_files(plans.full_plan(), ("prod",))
    assert not any(path.startswith("envs/staging/") for path in prod_only)
    assert all(files[path] == text for path, text in prod_only.items())
    assert findings == []


def test_unknown_environment_is_an_input_error():
    with pytest.raises(InputError, match="no environment 'qa'; known: staging, prod"):
        terraform_files(plans.full_plan(), ("qa",))


def test_environments_differ_only_where_the_plan_says(full_tree):
    files, _ = full_tree
    same = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
    assert all(files[f"envs/staging/{f}"] == files[f"envs/prod/{f}"] for f in same)
    staging, prod = files["envs/staging/terraform.tfvars"], files["envs/prod/terraform.tfvars"]
    assert "deletion_protection         = false" in staging and "deletion_protection         = true" in prod
    assert "az_count                    = 2" in staging and "az_count                    = 3" in prod
    assert "FARGATE_SPOT" in staging and "FARGATE_SPOT" not in prod


def test_backend_and_global_share_state_names(full_tree):
    files, _ = full_tree
    assert 'bucket         = "shop-terraform-state"' in files["envs/prod/backend.tf"]
    assert 'key            = "envs/prod/terraform.tfstate"' in files["envs/prod/backend.tf"]
    assert 'state_bucket = "shop-terraform-state"' in files["global/terraform.tfvars"]
    assert 'lock_table   = "shop-terraform-locks"' in files["global/terraform.tfvars"]


def test_repositories_cover_services_and_jobs_of_every_environment():
    assert repositories(plans.full_plan()) == ["api", "nightly-report", "web"]


def test_readme_lists_waves_findings_and_how_to_load_secrets(full_tree):
    readme = full_tree[0]["README.md"]
    assert "### prod\n\n1. api\n2. web\n" in readme
    assert "- **warning** `route.regex-path` (1)\n  - regex path cannot be expressed; review rule 10 (k8s/ingress.yaml:7)" in readme
    assert "`emit.https-without-certificate`" in readme
    assert "aws secretsmanager put-secret-value" in readme
    assert "## Accepted checkov findings" in readme


def test_the_sample_estate_emits_for_every_environment():
    plan = api.plan_estate(api.PlanOptions(paths=(str(SAMPLES),))).plan
    files, _ = terraform_files(plan)
    assert {"envs/staging/main.tf", "envs/prod/main.tf"} <= set(files)


CANARY = "CANARY-7f3a9c1e-do-not-leak"


def test_secret_values_never_reach_the_terraform(tmp_path):
    encoded = base64.b64encode(CANARY.encode()).decode()
    (tmp_path / "app.yaml").write_text(f"""\
apiVersion: v1
kind: Secret
metadata: {{name: db, namespace: default}}
type: Opaque
data: {{password: {encoded}}}
stringData: {{token: {CANARY}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app, namespace: default}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: app}}}}
  template:
    metadata: {{labels: {{app: app}}}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        env:
        - name: DB_PASSWORD
          valueFrom: {{secretKeyRef: {{name: db, key: password}}}}
        envFrom:
        - secretRef: {{name: db}}
""")
    plan = api.plan_estate(api.PlanOptions(paths=(str(tmp_path),))).plan
    files, _ = terraform_files(plan)
    assert "envs/default/services.auto.tfvars" in files
    leaked = [path for path, text in files.items() if CANARY in text or encoded in text]
    assert leaked == []
