import gc

import pytest

from migrator.heap import cycle_collection_paused


@cycle_collection_paused
def _state_inside(fail: bool) -> bool:
    if fail:
        raise ValueError("boom")
    return gc.isenabled()


@pytest.mark.parametrize("enabled_before, fail", [(True, False), (False, False), (True, True), (False, True)])
def test_collector_is_off_inside_and_restored_after(enabled_before, fail):
    was = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        if fail:
            with pytest.raises(ValueError):
                _state_inside(fail)
        else:
            assert _state_inside(fail) is False
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was else gc.disable)()
