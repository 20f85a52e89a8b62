"""Harness-only seeding of things that exist in an AWS account before `terraform apply`.

`POST /_harness/acm-certificate` with `{"arn": ..., "domain": ...}` creates an issued ACM
certificate at exactly that ARN. A plan names the team's existing certificate by ARN; in moto
the ACM API can only create certificates at random ARNs, and an HTTPS listener on a missing
certificate fails with CertificateNotFound (which the provider retries for five minutes).
The path is not an AWS API, so no AWS client ever reaches it by accident.
"""

from __future__ import annotations

import json

from moto.acm.models import CertBundle, acm_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

SEED_PATH = "/_harness/acm-certificate"


def seed_certificate(arn: str, domain: str) -> None:
    _arn, partition, _service, region, account_id, _resource = arn.split(":", 5)
    backend = acm_backends[account_id][region]
    if arn in backend._certificates:
        return
    cert = CertBundle.generate_cert(domain, account_id=account_id, region=region)
    cert.arn = arn
    cert.status = "ISSUED"  # the team's certificate is validated long before the migration
    backend._certificates[arn] = cert


def _seed_app(original):
    def app(self, environ, start_response):
        if environ.get("PATH_INFO") != SEED_PATH:
            return original(self, environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = json.loads(environ["wsgi.input"].read(length) or b"{}")
        try:
            seed_certificate(request["arn"], request.get("domain", "example.com"))
        except (KeyError, ValueError) as exc:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [f"bad seed request: {exc}".encode()]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"CertificateArn": request["arn"]}).encode()]

    app.harness_patched = True
    return app


def add_seed_endpoint() -> None:
    cls = DomainDispatcherApplication
    if not getattr(cls.__call__, "harness_patched", False):
        cls.__call__ = _seed_app(cls.__call__)
