"""Small Helm charts built in a test's tmp_path: one base chart, varied per test case."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: {{ .Values.image | quote }}
          resources:
            requests: {cpu: 250m, memory: 256Mi}
"""

CHART = "apiVersion: v2\nname: {name}\nversion: 0.1.0\n"
VALUES = "replicas: 1\nimage: nginx:1.27\n"


def write_chart(root: Path, name: str = "shop", templates: dict[str, str] | None = None,
                chart_extra: str = "", values: str = VALUES) -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text(CHART.format(name=name) + chart_extra)
    (chart / "values.yaml").write_text(values)
    for file, text in (templates if templates is not None else {"deployment.yaml": DEPLOYMENT}).items():
        path = chart / "templates" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return chart


def write_chart_archive(path: Path, name: str, templates: dict[str, str]) -> Path:
    """A packaged chart (`helm package` layout: <name>/Chart.yaml, <name>/templates/...)."""
    files = {f"{name}/Chart.yaml": CHART.format(name=name), f"{name}/values.yaml": "",
             **{f"{name}/templates/{k}": v for k, v in templates.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for member, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of `path` containing `text`."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")
