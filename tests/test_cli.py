"""`migrate --help` and each command's --help: every option explained, flags shown as flags."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_cli

VERBOSE_HELP = {
    (): "More detail from the command (the same as its own -v).",
    ("plan",): "More detail: also list info findings.",
    ("verify",): "More detail: list every failure, not only the first 10 of each kind.",
    ("emit",): "More detail: also list every file written or removed.",
}


def option_rows(help_text: str) -> dict[str, str]:
    """--option -> the rest of its row in the rich help panel (continuation lines not included)."""
    rows = {}
    for line in help_text.splitlines():
        match = re.match(r"│\s+(--[\w-]+)\s+(.*?)\s*│$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


@pytest.mark.parametrize("command, expected", VERBOSE_HELP.items(), ids=lambda v: " ".join(v) or "migrate")
def test_verbose_reads_as_a_counting_flag(command, expected):
    result = run_cli(*command, "--help")
    assert result.code == 0, result.stderr
    assert re.sub(r"\s+", " ", option_rows(result.stdout)["--verbose"]) == f"-v {expected}"


@pytest.mark.parametrize("command, flags", [
    ((), ["--quiet", "--version"]),
    (("plan",), ["--stateful-as-service", "--from-cluster", "--dry-run", "--quiet"]),
    (("verify",), ["--print-iam-policy", "--quiet"]),
    (("emit",), ["--force", "--check", "--quiet"]),
])
def test_every_option_is_explained_and_flags_take_no_value(command, flags):
    rows = option_rows(run_cli(*command, "--help").stdout)
    assert all(re.search(r"[A-Z].*\w", row) for row in rows.values()), rows
    for option in flags:
        assert "<" not in rows[option], (option, rows[option])
    assert "[default: 0]" not in rows["--verbose"]


def test_counted_verbose_is_accepted_before_and_after_the_command(tmp_path):
    result = run_cli("-vv", "plan", "--dry-run", "-vvv", "--fail-on", "nonsense", cwd=tmp_path)
    assert (result.code, result.stderr.strip()) == (
        2, "--fail-on: unknown value 'nonsense': give one severity (info, warning, error) and/or one ledger class "
           "(approximated, dropped, needs-decision), or never")


def test_findings_at_line_100_keep_their_location_in_table_output(tmp_path):
    # rich's emoji codes would print `app.yaml:100:` as `app.yaml💯`
    padding = "#\n" * 90
    (tmp_path / "app.yaml").write_text(padding + (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n"
        "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n"
        "      - {name: web, image: 'nginx:1.27'}\n"))
    result = run_cli("plan", "app.yaml", "--dry-run", cwd=tmp_path)
    assert "app.yaml:100: size.no-resources" in result.stdout, result.stdout
    assert "\U0001f4af" not in result.stdout
