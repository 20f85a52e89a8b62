"""A role without some actions, played on loopback: an HTTP proxy in front of the moto server
that answers chosen operations 403 AccessDeniedException (as AWS answers a role whose policy
lacks the action) and forwards every other request to moto unchanged.

moto's own IAM enforcement is server-wide and counts actions from start-up, so it cannot deny
one action for one test while the module's other tests share the server."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# EventBridge Scheduler is a REST protocol: the method and path name the operation.
SCHEDULER_OPERATIONS = {("GET", re.compile(r"/schedules/?")): "ListSchedules",
                        ("GET", re.compile(r"/schedules/[^/?]+")): "GetSchedule"}


def operation_of(method: str, path: str, headers) -> str:
    """`service:Operation` of one signed request (only what the tests deny needs naming)."""
    scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", headers.get("Authorization", ""))
    service = scope.group(1) if scope else ""
    if service == "scheduler":
        bare = path.split("?", 1)[0]
        name = next((op for (m, pattern), op in SCHEDULER_OPERATIONS.items()
                     if m == method and pattern.fullmatch(bare)), f"{method} {bare}")
        return f"scheduler:{name}"
    target = headers.get("X-Amz-Target", "")
    return f"{service}:{target.split('.', 1)[1]}" if "." in target else f"{service}:?"


class DenyProxy:
    """`with DenyProxy(moto_endpoint, {"scheduler:ListSchedules"}) as proxy:` then use `proxy.endpoint`.
    `proxy.denied` lists the operations it refused."""

    def __init__(self, upstream: str, deny: set[str]):
        self.upstream, self.deny, self.denied = upstream.rstrip("/"), set(deny), []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> DenyProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                operation = operation_of(self.command, self.path, self.headers)
                if operation in proxy.deny:
                    proxy.denied.append(operation)
                    return self._answer(403, {"x-amzn-ErrorType": "AccessDeniedException",
                                              "Content-Type": "application/json"}, json.dumps({
                        "Message": f"User: arn:aws:sts::123456789012:assumed-role/verify/ci is not authorized "
                                   f"to perform: {operation} because no identity-based policy allows the "
                                   f"{operation} action"}).encode())
                request = urllib.request.Request(proxy.upstream + self.path, data=body or None, method=self.command,
                                                 headers={k: v for k, v in self.headers.items()
                                                          if k.lower() not in ("host", "connection")})
                try:
                    with urllib.request.urlopen(request, timeout=60) as answer:
                        self._answer(answer.status, dict(answer.headers), answer.read())
                except urllib.error.HTTPError as answer:
                    self._answer(answer.code, dict(answer.headers), answer.read())

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _any  # noqa: N815

            def _answer(self, status: int, headers: dict, body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler
