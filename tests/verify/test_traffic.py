"""Traffic parity against two real HTTP servers on 127.0.0.1 that differ on one route."""

from __future__ import annotations

import socket

import pytest

from migrator.findings import InputError
from migrator.verify.traffic import (TrafficOptions, TrafficRequest, body_differences, compare_traffic,
                                     ignore_path_regex, load_requests, parse_traffic_option)

REQUESTS = [
    TrafficRequest("api.shop.example.com", "/orders"),
    TrafficRequest("api.shop.example.com", "/catalog"),
    TrafficRequest("shop.example.com", "/health"),
    TrafficRequest("unknown.example.com", "/"),
]


def test_only_the_route_that_differs_fails(shop_endpoints):
    old, new = shop_endpoints
    results, notes = compare_traffic(REQUESTS, TrafficOptions(old, new))
    assert notes == []
    assert [(r.request, r.old_status, r.new_status, r.differences) for r in results] == [
        ("GET api.shop.example.com/orders", 200, 200, ()),  # timestamps and request ids differ: ignored
        ("GET api.shop.example.com/catalog", 200, 200, ("body.items[1].price: old 5, new 6",)),
        ("GET shop.example.com/health", 200, 200, ()),
        ("GET unknown.example.com/", 404, 404, ()),
    ]


def test_same_server_is_parity(shop_endpoints):
    old, _ = shop_endpoints
    results, _ = compare_traffic(REQUESTS, TrafficOptions(old, old))
    assert not any(r.failed for r in results)


def test_volatile_fields_fail_without_ignore_paths(shop_endpoints):
    old, new = shop_endpoints
    results, _ = compare_traffic(REQUESTS[:1], TrafficOptions(old, new, ignore=()))
    assert [d.split(":")[0] for d in results[0].differences] == ["body.requestId", "body.timestamp"]


def test_request_count_is_bounded_and_said(shop_endpoints):
    old, new = shop_endpoints
    results, notes = compare_traffic(REQUESTS, TrafficOptions(old, new, max_requests=2))
    assert len(results) == 2
    assert notes == ["traffic: sent the first 2 of 4 requests (request limit)"]


def test_time_budget_is_bounded_and_said(shop_endpoints):
    old, new = shop_endpoints
    results, notes = compare_traffic(REQUESTS, TrafficOptions(old, new, budget_seconds=0, workers=1))
    assert results == []
    assert notes == ["traffic: sent 0 of 4 requests before the 0 s time budget ran out"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_endpoint_cannot_verify(shop_endpoints):
    old, _ = shop_endpoints
    with pytest.raises(InputError) as caught:
        compare_traffic(REQUESTS, TrafficOptions(old, f"http://127.0.0.1:{_closed_port()}"))
    assert caught.value.code == "verify.unreachable"
    assert "the new endpoint answered no request (ConnectionRefusedError" in caught.value.message


@pytest.mark.parametrize("old, new, ignore, expected", [
    (b'{"a": 1, "b": [1, 2]}', b'{"b": [1, 2], "a": 1}', (), []),  # key order is not a difference
    (b'{"a": 1}', b'{"a": 2}', (), ["body.a: old 1, new 2"]),
    (b'{"a": 1}', b'{"a": 1, "b": 2}', (), ["body.b: old (absent), new 2"]),
    (b'{"meta": {"id": 1}, "id": 5}', b'{"meta": {"id": 2}, "id": 5}', ("meta.id",), []),
    (b'{"meta": {"id": 1}, "id": 5}', b'{"meta": {"id": 1}, "id": 6}', ("meta.id",), ["body.id: old 5, new 6"]),
    (b'{"items": [{"at": 1}, {"at": 2}]}', b'{"items": [{"at": 3}, {"at": 4}]}', ("items[*].at",), []),
    (b"hello", b"hello", (), []),
    (b"hello", b"hullo!", (), ["body: old 5 bytes, new 6 bytes, not the same"]),
])
def test_body_differences(old, new, ignore, expected):
    assert body_differences(old, new, ignore) == expected


@pytest.mark.parametrize("path, matches, misses", [
    ("requestId", ["root['requestId']", "root['a'][0]['requestId']"], ["root['requestIds']"]),
    ("meta.id", ["root['meta']['id']"], ["root['x']['meta']['id']", "root['id']"]),
    ("items[*].at", ["root['items'][3]['at']"], ["root['items']['at']"]),
])
def test_ignore_paths(path, matches, misses):
    import re

    pattern = re.compile(ignore_path_regex(path))
    assert all(pattern.search(m) for m in matches)
    assert not any(pattern.search(m) for m in misses)


def test_requests_file(tmp_path):
    path = tmp_path / "requests.yaml"
    path.write_text('ignore: [generatedAt]\nrequests:\n  - "GET api.shop.example.com/orders/7"\n'
                    '  - {host: shop.example.com, path: /cart, method: post, headers: {X-Canary: "1"}, body: "{}",'
                    ' ignore: [cartId]}\n')
    requests, ignore = load_requests(str(path))
    assert ignore == ("generatedAt",)
    assert requests == [TrafficRequest("api.shop.example.com", "/orders/7"),
                        TrafficRequest("shop.example.com", "/cart", "POST", (("X-Canary", "1"),), "{}", ("cartId",))]


@pytest.mark.parametrize("text, problem", [
    ("- GET /orders\n", "request 1: write it as"),
    ("- {host: a}\n", "request 1: needs host and a path"),
    ("{}\n", "expected a list of requests"),
])
def test_bad_requests_file_is_an_input_error(tmp_path, text, problem):
    path = tmp_path / "requests.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=problem):
        load_requests(str(path))


@pytest.mark.parametrize("text, ok", [
    ("old=http://a:8080,new=https://b", True), ("old=http://a", False), ("old=ftp://a,new=http://b", False),
])
def test_traffic_option(text, ok):
    if ok:
        assert parse_traffic_option(text) == ("http://a:8080", "https://b")
    else:
        with pytest.raises(InputError):
            parse_traffic_option(text)
