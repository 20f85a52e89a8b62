"""pytest plugin (registered in tests/conftest.py): the moto server and the bundled sample's
prod environment applied to it, shared by every test of a session (see README.md here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import applied as applied_env
from tests.harness import mirror
from tests.harness.moto_server import MotoServer

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "k8s"
APPLIED_GROUP = "applied_sample_prod"


@pytest.fixture(scope="session")
def harness_moto_server(tmp_path_factory):
    """A real moto server process on 127.0.0.1 with the harness patches; stopped by PID.
    (Named apart from `moto_server` so a folder's own `moto_server` fixture cannot replace
    the one the session-wide applied environment runs on.)"""
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_server(harness_moto_server):
    """The session's moto server (`MotoServer`: endpoint, log_path, seed_certificate)."""
    return harness_moto_server


@pytest.fixture(scope="session")
def moto_endpoint(harness_moto_server) -> str:
    """URL of the session's moto server, e.g. http://127.0.0.1:41234."""
    return harness_moto_server.endpoint


@pytest.fixture(scope="session")
def terraform_cli_config(tmp_path_factory) -> Path:
    reason = mirror.skip_reason()
    if reason:
        pytest.skip(f"end-to-end apply needs Terraform and the provider mirror: {reason}")
    return mirror.write_cli_config(tmp_path_factory.mktemp("terraform-cli"))


@pytest.fixture(scope="session")
def applied_sample_prod(harness_moto_server, terraform_cli_config, tmp_path_factory):
    """samples/k8s planned, emitted with --env prod and applied to the session's moto server, once per
    session (tests using it share one xdist worker). Yields `AppliedEnvironment`: endpoint,
    plan_path, tf_dir, plan, outputs, plan_after_apply. Destroyed at the end of the session;
    a failed destroy or anything left behind is reported as an error of the last user."""
    workdir = tmp_path_factory.mktemp("sample-prod")
    try:
        applied = applied_env.apply_environment(
            harness_moto_server, SAMPLES, "prod", workdir, terraform_cli_config)
    except RuntimeError as exc:
        pytest.fail(f"bundled sample's prod environment did not apply to moto:\n{exc}\n"
                    f"--- moto server log (tail) ---\n{harness_moto_server.log_tail()}")
    yield applied
    destroyed = applied_env.destroy_environment(applied)
    assert destroyed.code == 0, destroyed.describe()
    left = applied_env.leftovers(applied)
    assert not left, f"terraform destroy left these in moto: {left}"


def _join_group(item: pytest.Item, name: str) -> None:
    """`xdist_group(name)`, made to work on pytest >= 9.2 too: xdist 3.8 puts the group in the
    node id by assigning `item._nodeid`, which pytest 9.2 no longer reads (ids live in `_id`),
    so every user of the group would land on any worker and apply the environment again."""
    item.add_marker(pytest.mark.xdist_group(name))
    if not getattr(item.config.option, "loadgroup", False) or "@" in item.nodeid.rsplit("]", 1)[-1]:
        return
    try:
        from _pytest.nodeid import NodeId  # noqa: PLC0415 - pytest >= 9.2 only
    except ImportError:
        return
    if isinstance(getattr(item, "_id", None), NodeId):
        item._id = NodeId.parse(f"{item.nodeid}@{name}")


@pytest.hookimpl(trylast=True)  # after xdist's own hook, which cannot on pytest >= 9.2
def pytest_collection_modifyitems(config, items) -> None:
    """Keep every user of the applied environment on one xdist worker (`--dist loadgroup`),
    so the environment is applied once, not once per worker."""
    for item in items:
        if APPLIED_GROUP in getattr(item, "fixturenames", ()):
            _join_group(item, APPLIED_GROUP)
