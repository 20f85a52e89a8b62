"""Fixtures for verify: a real moto server over HTTP (the harness's, with its gap patches) and
the small plan applied to it the way emit's Terraform would."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.verify import apply_boto3, small_plan


@pytest.fixture(scope="module")
def moto_server():
    try:
        from tests.harness.moto_server import MotoServer, boto_env
    except ImportError as exc:
        pytest.skip(f"moto server harness not available ({exc})")
    saved = dict(os.environ)
    os.environ.update(boto_env())
    os.environ["MOTO_RECORDER_FILEPATH"] = os.path.join(tempfile.mkdtemp(prefix="moto-rec-"), "recording")
    server = MotoServer(Path(tempfile.mkdtemp(prefix="moto-log-")) / "moto.log")
    try:
        server.start()
    except RuntimeError as exc:
        pytest.skip(f"moto server did not start: {exc}")
    try:
        yield server
    finally:
        server.stop()
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def aws_clients(moto_server):
    return apply_boto3.make_clients(moto_server.endpoint)


@pytest.fixture(scope="module")
def network(aws_clients):
    return apply_boto3.create_network(aws_clients)


@pytest.fixture
def applied(aws_clients, network):
    """A fresh environment: the small plan applied and settled (tasks running, targets healthy),
    destroyed afterwards (cheaper than resetting moto, whose EC2 is slow to start again)."""
    result = apply_boto3.apply_environment(aws_clients, small_plan.PLAN, small_plan.ENV, network)
    apply_boto3.settle(result)
    yield result
    apply_boto3.destroy(result)


@pytest.fixture
def plan_file(tmp_path) -> Path:
    from migrator import api

    path = tmp_path / "migration-plan.yaml"
    api.write_plan(small_plan.PLAN, str(path))
    return path


class _App(BaseHTTPRequestHandler):
    """A tiny shop: JSON per Host and path, with volatile fields. `variant` "new" differs from
    "old" on exactly one route: the catalog's second price."""

    variant = "old"

    def do_GET(self):  # noqa: N802 - http.server's naming
        host = (self.headers.get("Host") or "").split(":")[0]
        path = self.path.split("?")[0]
        stamp = {"timestamp": f"{time.time():.6f}", "requestId": uuid.uuid4().hex}
        if host == "api.shop.example.com" and path.startswith("/orders"):
            self._json(200, {"orders": [{"id": 1, "total": 12.5}], **stamp})
        elif host in ("api.shop.example.com", "shop.example.com") and path.startswith(("/catalog", "/items")):
            price = 6 if self.variant == "new" else 5
            self._json(200, {"items": [{"sku": "a", "price": 3}, {"sku": "b", "price": price}], **stamp})
        elif path == "/health":
            self._send(200, b"ok", "text/plain")
        else:
            self._send(404, b"Not Found", "text/plain")

    def _json(self, status: int, body: dict) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def shop_endpoints():
    """(old URL, new URL): two HTTP servers on 127.0.0.1 that differ on one route."""
    servers = []
    for variant in ("old", "new"):
        handler = type(f"{variant.title()}App", (_App,), {"variant": variant})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield tuple(f"http://127.0.0.1:{s.server_address[1]}" for s in servers)
    for server in servers:
        server.shutdown()
        server.server_close()
