"""A stand-in Kubernetes API server on 127.0.0.1 that answers list endpoints with recorded JSON.

No API server can run on our machines, so the `--from-cluster` tests talk HTTP to this one
(through the real `kubernetes` client) instead. Fixtures live in tests/fixtures/cluster/, one
List response per resource, named `<group or core>_<version>_<plural>.json`; a namespaced
request is answered with the items of that namespace. Anything else is a 404 `Status`, as a
real server answers for an API it does not serve.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cluster"
PLANTED_SECRET = "hunter2-PLANTED-s3cr3t"  # the value planted in core_v1_secrets.json
_PATH = re.compile(r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))"
                   r"(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[a-z]+)$")


class RecordedApiServer:
    def __init__(self, forbidden: tuple[str, ...] = (), missing: tuple[str, ...] = (), token: str = "test-token"):
        self.requests: list[str] = []
        self.forbidden = forbidden  # plurals answered with 403
        self.missing = missing  # plurals the server does not serve (404)
        self.token = token
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> RecordedApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, authorization: str) -> tuple[int, dict]:
        self.requests.append(path)
        if authorization != f"Bearer {self.token}":
            return 401, _status(401, "Unauthorized")
        match = _PATH.match(path.split("?", 1)[0])
        if not match:
            return 404, _status(404, "NotFound")
        group = "core" if match["core"] else match["group"]
        version = match["core"] or match["version"]
        if match["plural"] in self.forbidden:
            return 403, _status(403, "Forbidden")
        fixture = FIXTURES / f"{group}_{version}_{match['plural']}.json"
        if not fixture.is_file() or match["plural"] in self.missing:
            return 404, _status(404, "NotFound")
        body = json.loads(fixture.read_text())
        if match["ns"]:
            body["items"] = [i for i in body["items"] if i["metadata"].get("namespace") == match["ns"]]
        return 200, body

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                status, body = owner.answer(self.path, self.headers.get("Authorization", ""))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        return Handler


def _status(code: int, reason: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "code": code,
            "message": reason.lower()}


def write_kubeconfig(path: Path, server: str, token: str = "test-token") -> Path:
    """Two contexts on the same server: `recorded` (current) and `other`."""
    path.write_text(f"""\
apiVersion: v1
kind: Config
clusters:
- name: recorded
  cluster: {{server: "{server}"}}
users:
- name: tester
  user: {{token: {token}}}
contexts:
- name: recorded
  context: {{cluster: recorded, user: tester}}
- name: other
  context: {{cluster: recorded, user: tester, namespace: shop}}
current-context: recorded
""")
    return path
