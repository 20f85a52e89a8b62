"""Render Helm charts offline and point every rendered field back at its template line.

- The embedded Helm v4 SDK (`helm_python`) renders by default; `--helm-bin PATH` (or
  `helm_bin:` in migrate.yaml; `auto` = the `helm` on PATH) runs `helm template` instead, with
  the same values files, `--set`, release name and namespace, and its `# Source:` comments name
  the templates.
- Values files and `--set` come per environment from migrate.yaml; errors in them point at the
  migrate.yaml line that lists them.
- Dependencies must be vendored under `charts/` (folder or .tgz): like `helm template`, a
  dependency declared in Chart.yaml but absent is an error even when its `condition:` would
  disable it. We never download.
- A template that fails names the template file and line Helm reports.
- Lines: see migrator/load/template_lines.py (`TemplateLocator`). Charts in a .tgz are named
  `<archive>/templates/<file>` (the path inside the archive).
- Helm hooks (`helm.sh/hook`: test Pods, pre-install Jobs) are not part of the running app:
  they are skipped with a finding (info for tests, warning for other hooks).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from typing import Any

from migrator.data import table as data_table
from migrator.config import HelmSource
from migrator.findings import Finding, InputError, SourceRef, info, warning
from migrator.load.documents import Document, parse_yaml
from migrator.load.template_lines import TemplateLocator

_LOCATION = re.compile(r"(?:template: |\()?(?P<tpl>[\w.\-]+(?:/charts/[\w.\-]+)*/templates/[^\s:()]+)"
                       r":(?P<line>\d+)(?::\d+)?\)?:?")
_SOURCE = re.compile(r"^# Source: (.+)$", re.MULTILINE)


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _where(refs: tuple[SourceRef, ...], i: int, fallback: str) -> SourceRef:
    return refs[i] if i < len(refs) else SourceRef(fallback)


def user_values(source: HelmSource) -> dict[str, Any]:
    """The environment's values: its values files in order, then its --set expressions."""
    values: dict[str, Any] = {}
    for i, path in enumerate(source.values):
        if not os.path.isfile(path):
            raise InputError("helm.missing-values", f"values file {path} does not exist; fix the path in "
                             "migrate.yaml or create the file", _where(source.values_refs, i, path))
        with open(path, encoding="utf-8") as fh:
            docs = list(parse_yaml(fh.read(), path))
        if docs and isinstance(docs[0].data, dict):
            values = _deep_merge(values, docs[0].data)
    import helm_python

    for i, expression in enumerate(source.set):
        try:
            values = _deep_merge(values, helm_python.parse_set_string(expression))
        except helm_python.HelmError as exc:
            raise InputError("helm.bad-set", f"--set {expression!r} is not valid: {exc}",
                             _where(source.set_refs, i, source.chart)) from None
    return values


def check_chart_file(chart: str) -> None:
    """Chart.yaml of a chart folder parses (located syntax errors and duplicate keys)."""
    path = os.path.join(chart, "Chart.yaml")
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as fh:
            list(parse_yaml(fh.read(), path))


def check_dependencies(chart: Any, chart_path: str) -> None:
    """Every dependency of Chart.yaml is vendored under charts/ (as `helm template` demands)."""
    loaded = {str(d.get("name")) for d in chart.dependencies}
    for dep in chart.metadata.get("dependencies") or []:
        name = str(dep.get("name"))
        if name in loaded:
            continue
        repository = dep.get("repository") or "(no repository)"
        archive = f"{name}-{dep.get('version')}.tgz" if dep.get("version") else f"{name}-<version>.tgz"
        raise InputError(
            "helm.missing-dependency",
            f"dependency {name} {dep.get('version') or ''} from {repository} is declared in Chart.yaml but "
            f"not vendored under charts/; migrate never downloads: run `helm dependency build {chart_path}` "
            f"on a machine with network access, or copy {archive} into charts/",
            _chart_yaml(chart_path))


def _chart_yaml(chart_path: str) -> SourceRef:
    path = os.path.join(chart_path, "Chart.yaml")
    if not os.path.isfile(path):
        return SourceRef(chart_path)
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.startswith("dependencies:"):
                return SourceRef(path, number)
    return SourceRef(path)


def render_error(message: str, chart_path: str, code: str = "helm.render") -> InputError:
    """A Helm error as an InputError at the template file and line Helm names."""
    text = " ".join(part.strip() for part in str(message).splitlines() if part.strip())
    text = re.sub(r"^Error: ", "", text)
    match = _LOCATION.search(text)
    if match is None:
        return InputError(code, f"chart failed to render: {text}", chart_path)
    file = template_file(chart_path, match.group("tpl"))
    rest = (text[:match.start()] + text[match.end():]).strip(" :")
    rest = re.sub(r"^(execution|parse) error at\s*", r"\1 error: ", rest).strip()
    return InputError(code, f"template failed to render: {rest}; fix the template or the values it uses",
                      SourceRef(file, int(match.group("line"))))


def render_chart(source: HelmSource, helm_bin: str = "") -> tuple[list[Document], list[Finding]]:
    """Rendered documents of one chart for one environment, and findings about skipped hooks."""
    if os.path.isdir(source.chart):
        check_chart_file(source.chart)
    values = user_values(source)
    binary = resolve_helm_bin(helm_bin)
    manifests = _render_binary(binary, source) if binary else _render_sdk(source, values)
    documents = documents_from_manifests(manifests, source.chart)
    return split_hooks([in_release_namespace(doc, source.namespace) for doc in documents])


def in_release_namespace(doc: Document, namespace: str) -> Document:
    """`helm install --namespace N` creates every namespaced object that names no namespace in N,
    so a rendered object without one belongs to the release namespace, not to `default`."""
    data = doc.data
    if not isinstance(data, dict) or data.get("kind") in data_table("kinds")["cluster_scoped"]:
        return doc
    meta = data.get("metadata")
    if isinstance(meta, dict) and not meta.get("namespace"):
        meta["namespace"] = namespace
        table = doc.lines.get(id(meta))
        if table is not None:  # it was given at the `metadata:` line
            table["namespace"] = doc.lines.get(id(data), {}).get("metadata", doc.line)
    return doc


def resolve_helm_bin(helm_bin: str) -> str:
    """'' -> the embedded SDK; 'auto' -> `helm` on PATH; otherwise an executable path."""
    if not helm_bin:
        return ""
    found = shutil.which("helm") if helm_bin == "auto" else shutil.which(helm_bin)
    if not found:
        raise InputError("helm.no-binary", f"helm binary {helm_bin!r} not found or not executable; "
                         "install Helm or leave --helm-bin empty to use the embedded Helm SDK", helm_bin)
    return found


def _render_sdk(source: HelmSource, values: dict) -> dict[str, str]:
    import helm_python

    try:
        chart = helm_python.Chart.load(source.chart)
    except helm_python.HelmError as exc:
        raise _load_error(str(exc), source.chart) from None
    with chart:
        check_dependencies(chart, source.chart)
        try:
            return chart.render(values, name=source.release or release_name(source.chart),
                                namespace=source.namespace, is_install=True)
        except helm_python.HelmError as exc:
            raise render_error(str(exc), source.chart) from None


def _load_error(message: str, chart_path: str) -> InputError:
    where = _chart_yaml(chart_path)
    line = re.search(r"line (\d+)", message)
    if line and where.file.endswith("Chart.yaml"):
        where = SourceRef(where.file, int(line.group(1)))
    return InputError("helm.bad-chart", f"chart cannot be loaded: {message}", where)


def _render_binary(binary: str, source: HelmSource) -> dict[str, str]:
    command = [binary, "template", source.release or release_name(source.chart), source.chart,
               "--namespace", source.namespace]
    for path in source.values:
        command += ["--values", path]
    for expression in source.set:
        command += ["--set", expression]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        message = result.stderr.strip() or f"helm exited with {result.returncode}"
        if "missing in charts/ directory" in message:
            raise InputError("helm.missing-dependency", f"{message.splitlines()[-1]}; run `helm dependency "
                             f"build {source.chart}` on a machine with network access, or copy the .tgz into "
                             "charts/", _chart_yaml(source.chart))
        raise render_error(message, source.chart)
    return manifests_from_helm_output(result.stdout)


def manifests_from_helm_output(text: str) -> dict[str, str]:
    """{template: rendered text} from `helm template` output, using its `# Source:` comments."""
    manifests: dict[str, list[str]] = {}
    for chunk in re.split(r"^---\s*$", text, flags=re.MULTILINE):
        match = _SOURCE.search(chunk)
        if match:
            manifests.setdefault(match.group(1).strip(), []).append(chunk)
    return {name: "\n---\n".join(chunks) for name, chunks in manifests.items()}


def release_name(chart: str) -> str:
    name = os.path.basename(chart.rstrip("/"))
    return name[:-4] if name.endswith(".tgz") else name


def documents_from_manifests(manifests: dict[str, str], chart_path: str) -> list[Document]:
    """Parse rendered manifests ({template path: text}), each document located in its template."""
    documents: list[Document] = []
    origin = f"helm:{release_name(chart_path)}"
    for template in sorted(manifests):
        if not template.endswith((".yaml", ".yml", ".json")):
            continue
        file, text = template_source(chart_path, template)
        try:
            rendered = list(parse_yaml(manifests[template], file, origin=origin))
        except InputError as exc:
            raise InputError("helm.rendered-yaml", f"the rendered output is not valid YAML ({exc.message}, at "
                             f"line {exc.source.line} of the rendered text); run `helm template` to see it",
                             file) from None
        locator = TemplateLocator(text) if text is not None else None
        documents.extend(locator.locate(d) if locator else _unlocated(d) for d in rendered)
    return documents


def _unlocated(doc: Document) -> Document:
    return Document(doc.data, doc.file, 0, doc.origin, {})


def template_file(chart_path: str, template: str) -> str:
    """The file a template name (`<chart>/charts/<sub>/templates/x.yaml`) stands for; inside an
    archive it is `<archive>.tgz/<path in the archive>`."""
    return template_source(chart_path, template)[0]


def template_source(chart_path: str, template: str) -> tuple[str, str | None]:
    """(file name, template text) from the chart folder or from inside a (sub)chart archive."""
    relative = template.split("/", 1)[1] if "/" in template else template
    if not os.path.isdir(chart_path):
        return os.path.join(chart_path, relative), _archive_member(chart_path, relative)
    path = os.path.join(chart_path, relative)
    parts = relative.split("/")
    if not os.path.isfile(path) and len(parts) > 3 and parts[0] == "charts":
        archive = _subchart_archive(os.path.join(chart_path, "charts"), parts[1])
        if archive:
            inner = "/".join(parts[2:])
            return os.path.join(archive, inner), _archive_member(archive, inner)
    if not os.path.isfile(path):
        return path, None
    with open(path, encoding="utf-8", errors="replace") as fh:
        return path, fh.read()


def _subchart_archive(charts_dir: str, name: str) -> str | None:
    for entry in sorted(os.listdir(charts_dir)) if os.path.isdir(charts_dir) else []:
        if entry.endswith(".tgz") and re.fullmatch(rf"{re.escape(name)}(-\d.*)?\.tgz", entry):
            return os.path.join(charts_dir, entry)
    return None


def _archive_member(archive: str, relative: str) -> str | None:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.split("/", 1)[-1] == relative:
                    data = tar.extractfile(member)
                    return data.read().decode("utf-8", "replace") if data else None
    except (OSError, tarfile.TarError):
        return None
    return None


def split_hooks(documents: list[Document]) -> tuple[list[Document], list[Finding]]:
    """Helm hooks run around installs and tests; they are not part of the running app."""
    kept: list[Document] = []
    findings: list[Finding] = []
    for doc in documents:
        meta = doc.data.get("metadata") if isinstance(doc.data, dict) else None
        annotations = meta.get("annotations") if isinstance(meta, dict) else None
        hook = annotations.get("helm.sh/hook") if isinstance(annotations, dict) else None
        if not hook:
            kept.append(doc)
            continue
        # no object name: hook names are often random (randAlphaNum), and the plan must not churn
        name = f"this {doc.data.get('kind')}"
        if str(hook).startswith("test"):
            findings.append(info("helm.test-hook", f"{name} is a Helm test ({hook}), not part of the app; "
                                 "skipped", doc.ref("metadata", "annotations", "helm.sh/hook")))
        else:
            findings.append(warning("helm.hook", f"{name} is a Helm hook ({hook}) that Helm runs around "
                                    "installs and upgrades; skipped: run it as a one-off ECS task in your "
                                    "deployment pipeline if it is still needed",
                                    doc.ref("metadata", "annotations", "helm.sh/hook")))
    return kept, findings
