"""Debug aid, not a gap: with MOTO_HARNESS_TIMINGS=1 the server logs `TIMING hh:mm:ss service
action seconds` for every request (and a digest of its body, to spot retried requests) to its log, to find where a slow `terraform apply` waits
(almost always in the provider's own fixed delays, not in moto)."""

from __future__ import annotations

import hashlib
import re
import sys
import time
from io import BytesIO
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")


def _action(environ: dict, body: bytes) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    form = parse_qs(body.decode(errors="replace"))
    return form.get("Action", [environ.get("PATH_INFO", "?")])[0]


def log_request_timings() -> None:
    original = DomainDispatcherApplication.__call__

    def timed(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = BytesIO(body)
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        digest = hashlib.sha1(body).hexdigest()[:10]  # equal digests: a client retried
        start = time.monotonic()
        status = ["-"]

        def recording_start_response(code, headers, *rest):
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, *rest)

        try:
            return original(self, environ, recording_start_response)
        finally:
            print(f"TIMING {time.strftime('%H:%M:%S')} {scope.group(1) if scope else '-'} "
                  f"{_action(environ, body)} {time.monotonic() - start:.3f} {digest} "
                  f"{status[0]} {environ.get('HTTP_AMZ_SDK_REQUEST', '-').replace(' ', '')} "
                  f"{environ.get('HTTP_AMZ_SDK_INVOCATION_ID', '-')}",
                  file=sys.stderr, flush=True)

    DomainDispatcherApplication.__call__ = timed


def log_dropped_connections() -> None:
    """Also log connections the server saw dropped (a client retries after those)."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    def dropped(self, error, environ=None):
        print(f"DROPPED {time.strftime('%H:%M:%S')} {type(error).__name__}: {error}",
              file=sys.stderr, flush=True)

    MotoRequestHandler.connection_dropped = dropped
