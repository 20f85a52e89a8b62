"""docs/plan-format.md is the reference people read in review: every plan field must be in it."""

import dataclasses

import pytest

from migrator.plan import model as p
from tests.conftest import REPO

DOC = (REPO / "docs" / "plan-format.md").read_text()
FIELDS = sorted({
    (cls.__name__, f.name)
    for cls in vars(p).values()
    if dataclasses.is_dataclass(cls) and cls.__module__ == p.__name__
    for f in dataclasses.fields(cls)
})


@pytest.mark.parametrize("owner, field", FIELDS)
def test_every_plan_field_is_documented(owner, field):
    assert f"`{field}`" in DOC or f"`{field}[]`" in DOC, f"{owner}.{field} is not described in docs/plan-format.md"
