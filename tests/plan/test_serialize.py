import pytest
import yaml
from hypothesis import given, strategies as st

from migrator.findings import SourceRef, error
from migrator.plan import model as p
from migrator.plan.serialize import dump_yaml, plan_from_data, plan_to_data


def _plan() -> p.MigrationPlan:
    service = p.ServicePlan(
        name="api", namespace="default", workload_kind="Deployment", source=p.Source("api.yaml", 3),
        task=p.TaskSize(512, 1024),
        containers=(p.ContainerPlan("app", "nginx:1.27", port_mappings=(p.PortMapping("http", 8080),),
                                    environment={"MODE": "yes", "EMPTY": "", "URL": "http://x:1"}),),
        autoscaling=p.Autoscaling(2, 6, (p.ScalingPolicy("cpu", "ECSServiceAverageCPUUtilization", 42.5),)),
    )
    env = p.EnvironmentPlan("prod", p.EnvironmentSettings(profile="prod"), "prod.internal", services=(service,),
                            waves=(("api",),), findings=(error("x.y", "msg: with colon", SourceRef("f.yaml", 2)),))
    return p.MigrationPlan("demo", (env,), generator="migrator test")


def test_plan_round_trips_through_yaml():
    plan = _plan()
    text = dump_yaml(plan_to_data(plan))
    assert plan_from_data(yaml.safe_load(text)) == plan


def test_plan_text_is_deterministic():
    assert dump_yaml(plan_to_data(_plan())) == dump_yaml(plan_to_data(_plan()))


def test_environment_settings_are_written_in_full():
    text = dump_yaml(plan_to_data(_plan()))
    assert "log_retention_days:" in text and "az_count:" in text


_scalars = st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none(),
                     st.floats(allow_nan=False, allow_infinity=False))
_data = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)), max_leaves=20)


@given(_data)
def test_yaml_writer_reads_back_as_the_same_data(data):
    assert yaml.safe_load(dump_yaml(data)) == data


@pytest.mark.parametrize("value, text", [
    (1e-05, "1.0e-05\n"), (1e16, "1.0e+16\n"), (2.5, "2.5\n"), (float("inf"), ".inf\n"), (float("-inf"), "-.inf\n"),
])
def test_floats_read_back_as_floats(value, text):
    assert dump_yaml(value) == text
    assert yaml.safe_load(text) == value


@pytest.mark.parametrize("text", [".Inf", ".nan", ".5", ".5e+3", "yes", "~", "null"])
def test_strings_that_look_like_other_scalars_stay_strings(text):
    assert yaml.safe_load(dump_yaml(text)) == text
