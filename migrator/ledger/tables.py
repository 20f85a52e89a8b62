"""The field classification tables (mappings/coverage.yaml), compiled for fast lookup.

A field is named by its normalised path: keys joined with `.`, list items as `[]`
(`spec.template.spec.containers[].image`). Patterns use `*` for part of one field name (no `.`
or `[`) and `**` for anything; `a.**` also matches `a` itself. The first matching rule wins:
the kind's own fields, the groups it uses (depth first, in order), the `object` group, then the
kind's default and finally the table's default, so no field is ever left unclassified.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from migrator.findings import Finding

CLASSES = ("mapped", "approximated", "dropped", "needs-decision")  # rising need for attention
UNCLASSIFIED = "unclassified"  # only with tables that lack a default: the tests look for it
RANK = {name: rank for rank, name in enumerate(CLASSES)}


@dataclass(frozen=True)
class Rule:
    pattern: str  # as written in the table, with its prefix
    cls: str
    regex: re.Pattern


@dataclass(frozen=True)
class FindingRule:
    pattern: str
    cls: str | None  # None: the finding does not change any class
    regex: re.Pattern


@dataclass(frozen=True, eq=False)  # hashed by identity: finding classes are cached per table
class CoverageTables:
    kinds: dict[str, tuple[Rule, ...]]  # "group/Kind" or "Kind" -> rules; "*" for any other kind
    finding_codes: tuple[FindingRule, ...] = ()
    finding_severity: dict[str, str | None] = field(default_factory=dict)  # severity -> class

    def rules_for(self, api_version: str, kind: str) -> tuple[Rule, ...]:
        group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
        return self.kinds.get(f"{group}/{kind}") or self.kinds.get(kind) or self.kinds.get("*", ())

    def classify(self, rules: tuple[Rule, ...], path: str) -> Rule | None:
        for rule in rules:
            if rule.regex.match(path):
                return rule
        return None

    def finding_class(self, finding: Finding) -> tuple[str | None, bool]:
        """(class a finding raises its fields to, whether it may raise a whole object).
        Codes listed in the table may; the severity default applies below the object only."""
        return _finding_class(self, finding.code, str(finding.severity))


@functools.lru_cache(maxsize=4096)
def _finding_class(tables: CoverageTables, code: str, severity: str) -> tuple[str | None, bool]:
    for rule in tables.finding_codes:
        if rule.regex.match(code):
            return rule.cls, True
    return tables.finding_severity.get(severity), False


def pattern_regex(pattern: str) -> re.Pattern:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith(".**", i) and i + 3 == len(pattern):
            out.append(r"(?:[.\[].*)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append(r"[^.\[]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)  # field names may hold any character


def compile_tables(raw: dict[str, Any]) -> CoverageTables:
    classes = set(CLASSES)
    groups = raw.get("groups") or {}

    def rule(pattern: str, cls: str) -> Rule:
        if cls not in classes:
            raise ValueError(f"coverage table: {pattern!r} has unknown class {cls!r}; use one of {', '.join(CLASSES)}")
        return Rule(pattern, cls, pattern_regex(pattern))

    def expand(body: dict, prefix: str, seen: tuple[str, ...]) -> list[Rule]:
        rules = [rule(prefix + str(p), c) for p, c in (body.get("fields") or {}).items()]
        for name, prefixes in (body.get("use") or {}).items():
            if name in seen:
                raise ValueError(f"coverage table: group {name!r} uses itself")
            if name not in groups:
                raise ValueError(f"coverage table: unknown group {name!r}")
            for sub in [prefixes] if isinstance(prefixes, str) else prefixes:
                rules += expand(groups[name], prefix + sub, (*seen, name))
        return rules

    common = expand(groups.get("object") or {}, "", ("object",))
    kinds: dict[str, tuple[Rule, ...]] = {}
    for kind, body in (raw.get("kinds") or {}).items():
        body = body or {}
        rules = expand(body, "", ()) + common
        if body.get("default"):
            rules.append(rule("**", body["default"]))
        kinds[str(kind)] = tuple(rules)
    fallback = common + ([rule("**", raw["default"])] if raw.get("default") else [])
    kinds["*"] = tuple(fallback)
    findings = raw.get("findings") or {}
    codes = tuple(FindingRule(str(p), c, pattern_regex(str(p))) for p, c in (findings.get("codes") or {}).items())
    for item in codes:
        if item.cls is not None and item.cls not in classes:
            raise ValueError(f"coverage table: finding {item.pattern!r} has unknown class {item.cls!r}")
    return CoverageTables(kinds=kinds, finding_codes=codes, finding_severity=dict(findings.get("severity") or {}))


@functools.cache
def coverage_tables() -> CoverageTables:
    """The tables shipped in mappings/coverage.yaml."""
    from migrator import data

    return compile_tables(data.table("coverage"))
