"""The regex locations ingress-nginx writes on a host with regex on, per
https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/ and the controller
code it describes (updateServerLocations, enforceRegexModifier, buildLocation)."""

import pytest

from migrator.routing.nginx_regex import RegexLocation, location_order, regex_locations, regex_servers
from tests.routing.estates import context, ingress

REGEX = {"nginx.ingress.kubernetes.io/use-regex": "true"}
HOST = "app.example.com"


def locations(*docs):
    return regex_locations(context(*docs).estate.ingresses)


@pytest.mark.parametrize("docs, expected", [
    # use-regex on the Ingress itself: every path one location `~* "^<path>"`, Exact included
    ([ingress("app", [(HOST, [("/static", "Prefix", "a", 80), ("/", "Prefix", "b", 80),
                              ("/login", "Exact", "c", 80)])], annotations=REGEX)],
     {("default", "app", 0, 0): RegexLocation(("/static",), path="/static", cause="default/app"),
      ("default", "app", 0, 1): RegexLocation(("/",), path="/", cause="default/app"),
      ("default", "app", 0, 2): RegexLocation(("/login",), path="/login", cause="default/app")}),
    # another Ingress of the host turns it on; a Prefix of an Ingress without regex: `path/` and `path`
    ([ingress("plain", [(HOST, [("/static", "Prefix", "a", 80), ("/img/", "Prefix", "b", 80)])]),
      ingress("regex", [(HOST, [("/api", "Prefix", "c", 80)])], annotations=REGEX)],
     {("default", "plain", 0, 0): RegexLocation(("/static/", "/static"), path="/static", cause="default/regex"),
      ("default", "plain", 0, 1): RegexLocation(("/img/", "/img/"), path="/img/", cause="default/regex"),
      ("default", "regex", 0, 0): RegexLocation(("/api",), path="/api", cause="default/regex")}),
    # an Exact location of the same path exists: no Exact copy; the same path and type again: merged
    ([ingress("a", [(HOST, [("/x", "Exact", "a", 80)])]),
      ingress("b", [(HOST, [("/x", "Prefix", "b", 80), ("/x", "Exact", "c", 80)])]),
      ingress("c", [(HOST, [("/y", "Prefix", "d", 80)])], annotations=REGEX)],
     {("default", "a", 0, 0): RegexLocation(("/x",), path="/x", cause="default/c"),
      ("default", "b", 0, 0): RegexLocation(("/x/",), path="/x", cause="default/c"),
      ("default", "b", 0, 1): RegexLocation((), kept_by="default/a", cause="default/c"),
      ("default", "c", 0, 0): RegexLocation(("/y",), path="/y", cause="default/c")}),
    # rewrite-target implies regex, unless it equals the path; other hosts and alb Ingresses untouched
    ([ingress("rw", [(HOST, [("/v1", "Prefix", "a", 80)]), ("same.example.com", [("/", "Prefix", "b", 80)])],
              annotations={"nginx.ingress.kubernetes.io/rewrite-target": "/"}),
      ingress("alb", [(HOST, [("/z", "Prefix", "c", 80)])], class_name="alb")],
     {("default", "rw", 0, 0): RegexLocation(("/v1",), path="/v1", cause="default/rw")}),
])
def test_regex_locations(docs, expected):
    assert locations(*docs) == expected


def test_regex_servers_are_per_class_and_host():
    docs = [ingress("x", [(HOST, [("/", "Prefix", "a", 80)]), ("", [("/", "Prefix", "a", 80)])], annotations=REGEX),
            ingress("y", [("other.example.com", [("/", "Prefix", "a", 80)])], annotations=REGEX, class_name="alb")]
    assert regex_servers(context(*docs).estate.ingresses) == {("nginx", HOST): "default/x", ("nginx", ""): "default/x"}


def test_locations_sort_longest_first_then_greater_text_first():
    # the documented example: ^/foo/bar/.+ , ^/foo/bar/ , ^/foo/bar; equal lengths by descending text
    texts = ["/foo/bar", "/foo/bar/", "/foo/bar/.+", "/a/b", "/a/c", "/ü"]
    assert sorted(texts, key=location_order) == ["/foo/bar/.+", "/foo/bar/", "/foo/bar", "/a/c", "/a/b", "/ü"]
