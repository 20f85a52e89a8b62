"""Traffic parity: send the same requests to the old (Kubernetes ingress) and the new (ALB)
endpoint and compare what comes back.

Each request carries the probe's Host header (and, over HTTPS, its name as SNI, so the ALB's
certificate is checked as a browser would). Status codes must match; bodies too, JSON compared
structurally with ignore paths for volatile fields. Redirects are compared, not followed. The
run is bounded by a request count and a time budget; what was skipped is said, not hidden.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from deepdiff import DeepDiff

from migrator.findings import InputError
from migrator.verify.results import TrafficResult

DEFAULT_IGNORE = ("timestamp", "time", "date", "now", "requestId", "request_id", "traceId", "trace_id",
                  "hostname", "pod", "uptime")


@dataclass(frozen=True)
class TrafficRequest:
    host: str
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    ignore: tuple[str, ...] = ()  # extra ignore paths for this request

    def __str__(self) -> str:
        return f"{self.method} {self.host}{self.path}"


@dataclass(frozen=True)
class TrafficOptions:
    old: str
    new: str
    max_requests: int = 200
    timeout: float = 5.0  # per request
    budget_seconds: float = 60.0  # for the whole comparison
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    workers: int = 8


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: bytes = b""
    location: str = ""
    error: str = ""


def parse_traffic_option(text: str) -> tuple[str, str]:
    """`old=URL,new=URL` -> (old, new)."""
    parts = dict(item.split("=", 1) for item in text.split(",") if "=" in item)
    old, new = parts.get("old", ""), parts.get("new", "")
    for name, url in (("old", old), ("new", new)):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise InputError("verify.traffic-option", f"--traffic needs old=URL,new=URL with http(s) URLs; "
                             f"{name} is {url or 'missing'!r}", "--traffic")
    return old, new


def compare_traffic(requests: list[TrafficRequest], options: TrafficOptions) -> tuple[list[TrafficResult], list[str]]:
    """(one result per request sent, notes on what was not sent)."""
    notes: list[str] = []
    if len(requests) > options.max_requests:
        notes.append(f"traffic: sent the first {options.max_requests} of {len(requests)} requests (request limit)")
        requests = requests[:options.max_requests]
    deadline = time.monotonic() + options.budget_seconds

    def exchange(request: TrafficRequest) -> tuple[Answer, Answer] | None:
        if time.monotonic() > deadline:
            return None
        return send(options.old, request, options.timeout), send(options.new, request, options.timeout)

    with ThreadPoolExecutor(options.workers) as pool:
        answers = list(pool.map(exchange, requests))
    sent = [(r, a) for r, a in zip(requests, answers) if a is not None]
    if len(sent) < len(requests):
        notes.append(f"traffic: sent {len(sent)} of {len(requests)} requests before the "
                     f"{options.budget_seconds:g} s time budget ran out")
    _fail_if_unreachable(sent, options)
    return [_result(request, old, new, options) for request, (old, new) in sent], notes


def _fail_if_unreachable(sent: list[tuple[TrafficRequest, tuple[Answer, Answer]]], options: TrafficOptions) -> None:
    for index, (name, url) in enumerate((("old", options.old), ("new", options.new))):
        errors = [answers[index].error for _, answers in sent]
        if errors and all(errors):
            raise InputError("verify.unreachable", f"the {name} endpoint answered no request ({errors[0]}); "
                             "check the --traffic URL", url)


def send(base: str, request: TrafficRequest, timeout: float) -> Answer:
    url = urlparse(base)
    port = url.port or (443 if url.scheme == "https" else 80)
    if url.scheme == "https":
        connection: http.client.HTTPConnection = _ProbeHTTPS(url.hostname, port, request.host, timeout=timeout)
    else:
        connection = http.client.HTTPConnection(url.hostname, port, timeout=timeout)
    path = url.path.rstrip("/") + request.path
    headers = {"Host": request.host, "User-Agent": "migrator-verify", **dict(request.headers)}
    try:
        connection.request(request.method, path, body=request.body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read(), response.getheader("Location", ""))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


class _ProbeHTTPS(http.client.HTTPSConnection):
    """HTTPS to the endpoint's address with the probe's host name as SNI and for the certificate."""

    def __init__(self, address: str, port: int, server_name: str, timeout: float):
        super().__init__(address, port, timeout=timeout, context=ssl.create_default_context())
        self._server_name = server_name.split(":", 1)[0]

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self._server_name)


def _result(request: TrafficRequest, old: Answer, new: Answer, options: TrafficOptions) -> TrafficResult:
    differences: list[str] = []
    if old.error or new.error:
        differences += [f"{name}: {a.error}" for name, a in (("old", old), ("new", new)) if a.error]
    elif old.status != new.status:
        differences.append(f"status: old {old.status}, new {new.status}")
    elif old.location != new.location:
        differences.append(f"Location: old {old.location!r}, new {new.location!r}")
    else:
        differences += body_differences(old.body, new.body, (*options.ignore, *request.ignore))
    return TrafficResult(str(request), old.status, new.status, tuple(differences))


def body_differences(old: bytes, new: bytes, ignore: tuple[str, ...], limit: int = 5) -> list[str]:
    left, right = _json(old), _json(new)
    if left is _NOT_JSON or right is _NOT_JSON:
        if old == new:
            return []
        return [f"body: old {len(old)} bytes, new {len(new)} bytes, not the same"]
    tree = DeepDiff(left, right, view="tree", threshold_to_diff_deeper=0,
                    exclude_regex_paths=[ignore_path_regex(p) for p in ignore])
    lines = []
    for levels in tree.values():
        for level in levels:
            lines.append(f"body{_json_path(level.path(output_format='list'))}: old {_short(level.t1)}, "
                         f"new {_short(level.t2)}")
    lines.sort()
    return lines[:limit] + ([f"... {len(lines) - limit} more body differences"] if len(lines) > limit else [])


_NOT_JSON = object()


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return _NOT_JSON


def ignore_path_regex(path: str) -> str:
    """`requestId` (that key anywhere), `meta.requestId`, `items[*].updatedAt` -> a deepdiff path regex."""
    parts = []
    for segment in path.split("."):
        name, _, rest = segment.partition("[")
        key = r"\[[^\]]+\]" if name == "*" else rf"\['{re.escape(name)}'\]"
        parts.append(key + (r"\[\d+\]" if rest else ""))
    anchor = r"^root" if "." in path else r"^root.*"
    return anchor + "".join(parts) + r"($|\[)"


def _json_path(parts: list) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _short(value: Any) -> str:
    if type(value).__name__ == "NotPresent":  # deepdiff's marker for an added or removed item
        return "(absent)"
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def load_requests(path: str) -> tuple[list[TrafficRequest], tuple[str, ...]]:
    """A requests file: YAML, either a list of requests or {ignore: [...], requests: [...]}.
    A request is `"GET host/path"` or {host, path, method, headers: {name: value}, body, ignore}."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise InputError("verify.requests-file", "requests file not found", path) from None
    except yaml.YAMLError as exc:
        raise InputError("verify.requests-file", f"not valid YAML ({exc})", path) from None
    ignore: tuple[str, ...] = ()
    if isinstance(data, dict):
        ignore = tuple(str(x) for x in data.get("ignore") or ())
        data = data.get("requests")
    if not isinstance(data, list):
        raise InputError("verify.requests-file", "expected a list of requests (or a mapping with `requests:`)", path)
    return [_request(item, path, i) for i, item in enumerate(data)], ignore


def _request(item: Any, path: str, index: int) -> TrafficRequest:
    if isinstance(item, str):
        method, _, target = item.strip().partition(" ")
        host, slash, rest = target.strip().partition("/")
        if not host or not slash:
            raise InputError("verify.requests-file", f"request {index + 1}: write it as \"GET host/path\"", path)
        return TrafficRequest(host, "/" + rest, method.upper())
    if not isinstance(item, dict) or not item.get("host") or not str(item.get("path", "")).startswith("/"):
        raise InputError("verify.requests-file", f"request {index + 1}: needs host and a path starting with /", path)
    headers = tuple((str(k), str(v)) for k, v in (item.get("headers") or {}).items())
    return TrafficRequest(str(item["host"]), str(item["path"]), str(item.get("method", "GET")).upper(), headers,
                          item.get("body"), tuple(str(x) for x in item.get("ignore") or ()))
