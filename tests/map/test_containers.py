"""Container ports: the Service Connect app protocol follows Istio's port-naming rules."""

from __future__ import annotations

import pytest

from migrator.map.containers import app_protocol_for


@pytest.mark.parametrize("name, port, hint, expected", [
    ("http", 9898, "", "http"),
    ("http-metrics", 9797, "", "http"),
    ("http2", 8443, "", "http2"),
    ("grpc", 9999, "", "grpc"),
    ("api-grpc", 9999, "", "grpc"),
    ("", 80, "", "http"),
    ("", 8080, "", "http"),
    ("web", 3000, "", "http"),
    ("", 8443, "kubernetes.io/h2c", "grpc"),
    # TLS and other protocols stay opaque: the proxy must not parse TLS bytes as HTTP
    ("https", 9899, "", ""),
    ("https", 8080, "", ""),
    ("tls-api", 443, "", ""),
    ("tcp-http", 80, "", ""),
    ("redis", 6379, "", ""),
    ("metrics", 9102, "", ""),
])
def test_app_protocol_from_the_port_name(name, port, hint, expected):
    assert app_protocol_for(name, port, hint) == expected
