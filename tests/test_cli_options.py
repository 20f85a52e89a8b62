"""--fail-on parsing: severities and ledger classes, one of each at most."""

from __future__ import annotations

import pytest

from migrator.cli_options import fail_thresholds
from migrator.findings import Severity


@pytest.mark.parametrize("text, expected", [
    ("error", (Severity.ERROR, None)),
    ("warning", (Severity.WARNING, None)),
    ("INFO", (Severity.INFO, None)),
    ("dropped", (Severity.ERROR, "dropped")),
    ("warning,needs-decision", (Severity.WARNING, "needs-decision")),
    (" approximated , info ", (Severity.INFO, "approximated")),
    ("never", (None, None)),
])
def test_fail_thresholds(text, expected):
    assert fail_thresholds(text) == expected


@pytest.mark.parametrize("text", ["", "never,error", "error,warning", "dropped,approximated", "mapped", "loud"])
def test_fail_thresholds_rejects(text):
    with pytest.raises(ValueError):
        fail_thresholds(text)


def test_an_unknown_fail_on_value_names_every_accepted_value():
    with pytest.raises(ValueError) as raised:
        fail_thresholds("warning,bogus")
    assert str(raised.value) == ("unknown value 'bogus': give one severity (info, warning, error) and/or one ledger "
                                 "class (approximated, dropped, needs-decision), or never")
