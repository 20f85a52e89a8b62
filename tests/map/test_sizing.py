import pytest
import yaml
from hypothesis import given, strategies as st

from migrator.map.sizing import fargate_size_for, fargate_sizes

from tests.conftest import run_cli

VALID = set(fargate_sizes())


@pytest.mark.parametrize("cpu, memory, expected", [
    (0, 0, (256, 512)),
    (256, 512, (256, 512)),
    (257, 512, (512, 1024)),
    (100, 1500, (256, 2048)),
    (100, 2049, (512, 3072)),
    (4096, 30720, (4096, 30720)),
    (4096, 30721, (8192, 32768)),
    (8192, 61441, (16384, 65536)),
    (16384, 122880, (16384, 122880)),
    (16385, 1, None),
    (1, 122881, None),
])
def test_smallest_valid_size(cpu, memory, expected):
    assert fargate_size_for(cpu, memory) == expected


def test_table_has_the_large_steps():
    assert (8192, 20480) in VALID and (8192, 18432) not in VALID  # 4 GB steps at 8 vCPU
    assert (16384, 40960) in VALID and (16384, 36864) not in VALID  # 8 GB steps at 16 vCPU


@given(st.integers(0, 16384), st.integers(0, 122880))
def test_chosen_size_is_valid_and_covers_the_request(cpu, memory):
    size = fargate_size_for(cpu, memory)
    assert size in VALID
    assert size[0] >= cpu and size[1] >= memory
    cheaper = [s for s in VALID if s[0] >= cpu and s[1] >= memory and s < size]
    assert not cheaper



# ---- pod requests, proxy room, platform, limits (migrator.map.services.apply_task_size) -----------

from migrator.config import ServiceOverride  # noqa: E402
from migrator.map import services  # noqa: E402
from migrator.map.context import MapOptions  # noqa: E402
from migrator.map.sizing import pod_requests, service_connect_proxy_room  # noqa: E402

from .workloads import admitted, codes, container, context, dump, line_of, sized, workload  # noqa: E402


def size_of(doc: dict, **options):
    """apply_task_size on a fresh service (not yet sized): (service, findings)."""
    ctx = context(doc, **options)
    item, admission = admitted(ctx)
    service, _ = services.service_for_workload(ctx, item)
    service, findings = services.apply_task_size(ctx, item, service)
    return service, [*admission, *findings]


def res(cpu=None, memory=None, cpu_limit=None, memory_limit=None) -> dict:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    limits = {k: v for k, v in (("cpu", cpu_limit), ("memory", memory_limit)) if v is not None}
    return {"resources": {**({"requests": requests} if requests else {}), **({"limits": limits} if limits else {})}}


def test_proxy_room_is_the_aws_recommendation():
    assert service_connect_proxy_room() == (256, 64)


@pytest.mark.parametrize("apps, inits, size_from, expected", [
    ([res("250m", "256Mi")], [], "requests", (256, 256)),
    ([res("250m", "256Mi"), res("500m", "1Gi")], [], "requests", (768, 1280)),
    # init containers run one at a time before the app: the larger of the two phases
    ([res("250m", "256Mi")], [res("1", "128Mi"), res("500m", "2Gi")], "requests", (1024, 2048)),
    ([res("2", "4Gi")], [res("1", "1Gi")], "requests", (2048, 4096)),
    # a native sidecar (restartPolicy Always) runs beside the app and beside later init containers
    ([res("250m", "256Mi")], [{**res("100m", "64Mi"), "restartPolicy": "Always"}, res("1", "128Mi")],
     "requests", (1127, 320)),
    ([res(None, None, "500m", "1Gi")], [], "requests", (512, 1024)),  # limits where requests are missing
    ([res("250m", "256Mi", "1", "2Gi")], [], "limits", (1024, 2048)),
    ([res("250m", "3Gi", "1", "2Gi")], [], "max", (1024, 3072)),
    ([res()], [], "requests", (0, 0)),
])
def test_pod_requests(apps, inits, size_from, expected):
    apps = [container(name=f"app{i}", **body) for i, body in enumerate(apps)]
    inits = [container(name=f"init{i}", ports=[], **body) for i, body in enumerate(inits)]
    ctx = context(workload(containers=apps, pod={"initContainers": inits} if inits else None))
    assert pod_requests(ctx.estate.workloads[0].pod, size_from) == expected


SIZE_CASES = {
    "250m/256Mi + proxy": (dict(containers=[container()]), {}, (512, 1024, "X86_64"), []),
    "staging floor": (dict(containers=[container(**res("100m", "64Mi"))]), dict(profile="staging"),
                      (512, 1024, "X86_64"), []),
    "2 vCPU: the proxy doubles the step": (dict(containers=[container(**res("2", "4Gi"))]), {},
                                           (4096, 8192, "X86_64"), [("size.proxy-room", "info")]),
    "override pins the size": (dict(containers=[container(**res("2", "4Gi"))]),
                               dict(overrides={"api": ServiceOverride(cpu=2048, memory=4096)}),
                               (2048, 4096, "X86_64"), []),
    "override below requests": (dict(containers=[container(**res("1", "1Gi"))]),
                                dict(overrides={"api": ServiceOverride(cpu=512)}),
                                (512, 2048, "X86_64"), [("size.override-below-requests", "warning")]),
    "limits sizing": (dict(containers=[container(**res("250m", "256Mi", "1", "1Gi"))]),
                      dict(options=MapOptions(size_from="limits")), (2048, 4096, "X86_64"),
                      [("size.proxy-room", "info")]),
    "cronjob: no proxy room": (dict(kind="CronJob", containers=[container()]), {}, (256, 512, "X86_64"), []),
    "arm64 selector": (dict(pod={"nodeSelector": {"kubernetes.io/arch": "arm64"}}), {},
                       (512, 1024, "ARM64"), [("size.arm64", "info")]),
    "windows selector": (dict(pod={"nodeSelector": {"kubernetes.io/os": "windows"}}), {},
                         (512, 1024, "X86_64"), [("size.windows", "error")]),
    "s390x selector": (dict(pod={"nodeSelector": {"beta.kubernetes.io/arch": "s390x"}}), {},
                       (512, 1024, "X86_64"), [("size.architecture", "error")]),
    "node pool selector": (dict(pod={"nodeSelector": {"workload-type": "cpu-optimized",
                                                      "eks.amazonaws.com/compute-type": "fargate"}}), {},
                           (512, 1024, "X86_64"), [("size.node-selector", "warning")]),
    "exactly 16 vCPU: no room for the proxy": (dict(containers=[container(**res("16", "100Gi"))]), {},
                                               (16384, 106496, "X86_64"), [("size.no-proxy-room", "warning")]),
    "above 16 vCPU": (dict(containers=[container(**res("17", "8Gi"))]), {},
                      (16384, 122880, "X86_64"), [("size.too-large", "error")]),
    "above 120 GiB": (dict(containers=[container(**res("4", "121Gi"))]), {},
                      (16384, 122880, "X86_64"), [("size.too-large", "error")]),
}


@pytest.mark.parametrize("shape, options, expected, found", SIZE_CASES.values(), ids=SIZE_CASES)
def test_task_size(shape, options, expected, found):
    service, findings = size_of(workload(**shape), **options)
    assert (service.task.cpu, service.task.memory, service.task.cpu_architecture) == expected
    assert codes(findings) == found


def test_findings_name_the_field_line():
    doc = workload(pod={"nodeSelector": {"kubernetes.io/os": "windows"}}, containers=[container(**res("17", "1Gi"))])
    text = dump(doc)
    _, findings = size_of(doc)
    assert {f.code: (f.source.file, f.source.line) for f in findings} == {
        "size.windows": ("app.yaml", line_of(text, "nodeSelector:")),
        "size.too-large": ("app.yaml", line_of(text, "resources:"))}


def test_memory_limit_above_the_task_is_capped():
    service, findings = size_of(workload(containers=[container(**res("250m", "256Mi", None, "4Gi"))]))
    assert (service.task.memory, service.containers[0].memory, service.containers[0].memory_reservation) == \
        (1024, 1024, 256)
    assert codes(findings) == [("size.limit-above-task", "info")]


def test_init_containers_run_first_and_reserve_nothing():
    inits = [container(name="migrate", ports=[], **res("1", "2Gi")),
             container(name="proxy", ports=[], restartPolicy="Always", **res("100m", "64Mi"))]
    _, service = sized(context(workload(pod={"initContainers": inits})))
    shape = [(c.name, c.essential, c.cpu, c.memory_reservation, c.depends_on) for c in service.containers]
    assert shape == [
        ("migrate", False, 0, None, ()),
        ("proxy", True, 103, 64, (("migrate", "SUCCESS"),)),
        ("api", True, 256, 256, (("migrate", "SUCCESS"), ("proxy", "START"))),
    ]
    assert (service.task.cpu, service.task.memory) == (2048, 4096)  # 1 vCPU init + 256 room, 2 GiB + 64 MiB


_amount = st.one_of(st.none(), st.integers(1, 9000))


@given(st.lists(st.tuples(_amount, _amount), min_size=1, max_size=3),
       st.lists(st.tuples(_amount, _amount), max_size=2), st.sampled_from(["default", "staging", "prod"]))
def test_every_chosen_task_size_is_valid_and_covers_the_pod(apps, inits, profile):
    def body(i, cpu, memory, prefix):
        requests = {**({"cpu": f"{cpu}m"} if cpu else {}), **({"memory": f"{memory * 8}Mi"} if memory else {})}
        return container(name=f"{prefix}{i}", ports=[], resources={"requests": requests})
    doc = workload(containers=[body(i, c, m, "app") for i, (c, m) in enumerate(apps)],
                   pod={"initContainers": [body(i, c, m, "init") for i, (c, m) in enumerate(inits)]})
    ctx = context(doc, profile=profile)
    item, service = sized(ctx)
    cpu, memory = pod_requests(item.pod)
    size = (service.task.cpu, service.task.memory)
    assert size in VALID
    if fargate_size_for(cpu, memory) is not None:
        assert size[0] >= max(cpu, ctx.settings.min_cpu) and size[1] >= max(memory, ctx.settings.min_memory)
        floor = ctx.settings.min_cpu, ctx.settings.min_memory
        with_room = fargate_size_for(max(cpu + 256, floor[0]), max(memory + 64, floor[1]))
        assert size == (with_room or fargate_size_for(max(cpu, floor[0]), max(memory, floor[1])))
        assert sum(c.cpu for c in service.containers) <= size[0]  # ECS rejects reservations above the task
        assert sum(c.memory_reservation or 0 for c in service.containers) <= size[1]


# ---- containers that set no resources (size.no-resources) ---------------------------------------

def no_resources(kind: str, name: str, got: str) -> str:
    return (f"{kind} api container {name} sets no resources (no requests or limits): {got}, and on Fargate the "
            "task's memory is a hard cap (the task is stopped when it runs out) and its CPU a ceiling. Before "
            "cutover, set resources.requests to what it uses on the cluster, or services.api.cpu (CPU units) and "
            "memory (MiB) in migrate.yaml")


def best_effort(size: str, proxy: bool = True) -> str:
    shared = ", shared with the Service Connect proxy" if proxy else ""
    return ("the pod ran BestEffort on Kubernetes, free to use its node's spare CPU and memory. The plan sizes tasks "
            f"from requests, so it gets the smallest task the environment allows ({size}{shared})")


SPARE = ("on Kubernetes it could use its node's spare CPU and memory. The plan sizes tasks from requests, so it adds "
         "nothing to the 512 CPU units / 1024 MiB task sized from the other containers")
BARE = {k: v for k, v in container().items() if k != "resources"}
WORKER = container(name="worker", ports=[], **res("250m", "256Mi"))
NO_RESOURCES_CASES = {
    # shape, options -> task size, [(container whose `- name:` line is the location, message)]
    "no resources key": (dict(containers=[BARE]), {}, (256, 512),
                         [("api", no_resources("Deployment", "api", best_effort("256 CPU units / 512 MiB")))]),
    "empty resources": (dict(containers=[container(resources={})]), {}, (256, 512),
                        [("api", no_resources("Deployment", "api", best_effort("256 CPU units / 512 MiB")))]),
    "staging floor": (dict(containers=[BARE]), dict(profile="staging"), (512, 1024),
                      [("api", no_resources("Deployment", "api", best_effort("512 CPU units / 1024 MiB")))]),
    "cronjob: no proxy": (dict(kind="CronJob", containers=[BARE]), {}, (256, 512),
                          [("api", no_resources("CronJob", "api", best_effort("256 CPU units / 512 MiB", False)))]),
    "one of two containers": (dict(containers=[BARE, WORKER]), {}, (512, 1024),
                              [("api", no_resources("Deployment", "api", SPARE))]),
    "a CPU-only override": (dict(containers=[BARE]), dict(overrides={"api": ServiceOverride(cpu=512)}),
                                          (512, 1024), [("api", no_resources(
                                              "Deployment", "api", best_effort("512 CPU units / 1024 MiB")))]),
    "override sets the whole size": (dict(containers=[BARE]),
                                     dict(overrides={"api": ServiceOverride(cpu=1024, memory=2048)}), (1024, 2048), []),
    "limits only": (dict(containers=[container(**res(None, None, "500m", "512Mi"))]), {}, (1024, 2048), []),
    "requests only": (dict(containers=[container(**res("250m", "256Mi"))]), {}, (512, 1024), []),
    "an init container without resources": (dict(pod={"initContainers": [{**BARE, "name": "migrate", "ports": []}]}),
                                            {}, (512, 1024), []),
}


@pytest.mark.parametrize("shape, options, size, expected", NO_RESOURCES_CASES.values(), ids=NO_RESOURCES_CASES)
def test_containers_without_resources_are_reported(shape, options, size, expected):
    doc = workload(**shape)
    text = dump(doc)
    service, findings = size_of(doc, **options)
    assert (service.task.cpu, service.task.memory) == size
    assert [(f.code, str(f.severity), f.message, f.source.file, f.source.line) for f in findings
            if f.code == "size.no-resources"] == [
        ("size.no-resources", "warning", message, "app.yaml", line_of(text, f"- name: {name}"))
        for name, message in expected]


def test_cli_reports_a_best_effort_deployment(tmp_path):
    text = dump(workload(containers=[BARE]))
    (tmp_path / "app.yaml").write_text(text)
    result = run_cli("plan", "app.yaml", "--out", "plan.yaml", "--fail-on", "never", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if "size.no-resources" in line] == [
        f"warning app.yaml:{line_of(text, '- name: api')}: size.no-resources "
        + no_resources("Deployment", "api", best_effort("256 CPU units / 512 MiB"))]
    plan = yaml.safe_load((tmp_path / "plan.yaml").read_text())
    assert plan["environments"][0]["services"][0]["task"]["cpu"] == 256
    assert plan["environments"][0]["services"][0]["task"]["memory"] == 512


# ---- LimitRange container defaults (admitted_workload) -------------------------------------------

def limit_range(*items: dict, name: str = "defaults", namespace: str = "shop") -> dict:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": name, "namespace": namespace},
            "spec": {"limits": [{"type": "Container", **item} if "type" not in item else item for item in items]}}


def item_line(text: str, number: int) -> int:
    """Line of the `number`-th (0-based) spec.limits[] entry in `text`."""
    return [i for i, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith("- type:")][number]


def gave(what: str, limit_range_name: str = "defaults", kind: str = "Deployment") -> str:
    return (f"LimitRange shop/{limit_range_name} gives {kind} api the resources Kubernetes admission set on its pods, "
            f"and its task is sized with them: {what}")


BOTH = {"default": {"cpu": "500m", "memory": "512Mi"}, "defaultRequest": {"cpu": "250m", "memory": "256Mi"}}
MEMORY_LIMIT = container(**res(None, None, None, "512Mi"))
MEMORY_REQUEST = container(**res(None, "256Mi"))
LIMIT_RANGE_CASES = {
    # LimitRanges, pod shape, --size-from -> (requested cpu, memory), task size,
    #   [(code, severity, message, (limit range index, item index) or container name of the location)]
    "defaultRequest and default": (
        [limit_range(BOTH)], dict(containers=[BARE]), "requests", (256, 256), (512, 1024),
        [("size.limit-range-defaults", "info", gave(
            "container api: cpu request 256 CPU units (defaultRequest), cpu limit 512 CPU units (default), "
            "memory request 256 MiB (defaultRequest), memory limit 512 MiB (default)"), (0, 0))]),
    "default only: the request is the default limit": (
        [limit_range({"default": {"cpu": "1", "memory": "1Gi"}})], dict(containers=[BARE]), "requests", (1024, 1024),
        (2048, 4096),
        [("size.limit-range-defaults", "info", gave(
            "container api: cpu request 1024 CPU units (default), cpu limit 1024 CPU units (default), "
            "memory request 1024 MiB (default), memory limit 1024 MiB (default)"), (0, 0))]),
    "max only: limit and request are the max": (
        [limit_range({"max": {"memory": "1Gi"}})], dict(containers=[BARE]), "requests", (0, 1024), (256, 2048),
        [("size.limit-range-defaults", "info", gave(
            "container api: memory request 1024 MiB (max), memory limit 1024 MiB (max)"), (0, 0))]),
    "min only: the request is the min": (
        [limit_range({"min": {"cpu": "100m"}})], dict(containers=[BARE]), "requests", (103, 0), (512, 1024),
        [("size.limit-range-defaults", "info", gave("container api: cpu request 103 CPU units (min)"), (0, 0))]),
    "own memory limit: its request is that limit, not defaultRequest": (
        [limit_range(BOTH)], dict(containers=[MEMORY_LIMIT]), "requests", (256, 512), (512, 1024),
        [("size.limit-range-defaults", "info", gave(
            "container api: cpu request 256 CPU units (defaultRequest), cpu limit 512 CPU units (default)"), (0, 0))]),
    "own memory request: the limit is the default": (
        [limit_range(BOTH)], dict(containers=[MEMORY_REQUEST]), "limits", (512, 512), (1024, 2048),
        [("size.limit-range-defaults", "info", gave(
            "container api: cpu request 256 CPU units (defaultRequest), cpu limit 512 CPU units (default), "
            "memory limit 512 MiB (default)"), (0, 0))]),
    "default limit below the container's request": (
        [limit_range(BOTH)], dict(containers=[container(**res("250m", "1Gi"))]), "requests", (256, 1024),
        (512, 2048),
        [("size.limit-range-conflict", "warning", "Deployment api container api requests 1024 MiB memory but sets no "
          "limit, and LimitRange shop/defaults gives it a memory limit of 512 MiB (default): the API server rejects "
          "such a pod (request above limit), so it cannot have run like this. Set its limit, or check the LimitRange "
          "the cluster really has", "api"),
         ("size.limit-range-defaults", "info", gave(
            "container api: cpu limit 512 CPU units (default), memory limit 512 MiB (default)"), (0, 0))]),
    "init container too": (
        [limit_range({"defaultRequest": {"cpu": "1", "memory": "2Gi"}})],
        dict(pod={"initContainers": [{**BARE, "name": "migrate", "ports": []}]}), "requests", (1024, 2048),
        (2048, 4096),
        [("size.limit-range-defaults", "info", gave(
            "container migrate: cpu request 1024 CPU units (defaultRequest), memory request 2048 MiB "
            "(defaultRequest)"), (0, 0))]),
    "a later entry of one LimitRange wins": (
        [limit_range({"defaultRequest": {"cpu": "1"}}, {"defaultRequest": {"cpu": "500m"}})], dict(containers=[BARE]),
        "requests", (512, 0), (1024, 2048),
        [("size.limit-range-defaults", "info", gave("container api: cpu request 512 CPU units (defaultRequest)"),
          (0, 1))]),
    "the first of two LimitRanges wins per value": (
        [limit_range({"defaultRequest": {"cpu": "1"}}, name="a"),
         limit_range({"defaultRequest": {"cpu": "500m", "memory": "128Mi"}}, name="b")],
        dict(containers=[BARE]), "requests", (1024, 128), (2048, 4096),
        [("size.limit-range-defaults", "info", gave("container api: cpu request 1024 CPU units (defaultRequest)", "a"),
          (0, 0)),
         ("size.limit-range-defaults", "info", gave("container api: memory request 128 MiB (defaultRequest)", "b"),
          (1, 0))]),
}


@pytest.mark.parametrize("limit_ranges, shape, size_from, requested, size, expected", LIMIT_RANGE_CASES.values(),
                         ids=LIMIT_RANGE_CASES)
def test_limit_range_defaults_size_containers_that_set_none(limit_ranges, shape, size_from, requested, size, expected):
    docs = (*limit_ranges, workload(**shape))
    text = dump(*docs)
    ctx = context(*docs, options=MapOptions(size_from=size_from))
    item, admission = admitted(ctx)
    service, _ = services.service_for_workload(ctx, item)
    service, findings = services.apply_task_size(ctx, item, service)
    findings = [*admission, *findings]
    assert (service.task.requested_cpu, service.task.requested_memory) == requested
    assert (service.task.cpu, service.task.memory) == size
    ranges = [i for i, line in enumerate(text.splitlines(), 1) if line == "kind: LimitRange"]

    def where(at):
        if isinstance(at, str):
            return line_of(text, f"- name: {at}")
        before = sum(len(limit_ranges[i]["spec"]["limits"]) for i in range(at[0]))
        assert item_line(text, before + at[1]) > ranges[at[0]]
        return item_line(text, before + at[1])

    assert [(f.code, str(f.severity), f.message, f.source.line) for f in findings
            if f.code.startswith("size.limit-range")] == [
        (code, severity, message, where(at)) for code, severity, message, at in expected]
    assert [f for f in findings if f.code == "size.no-resources"] == []


@pytest.mark.parametrize("limit_ranges", [
    [limit_range({"type": "Pod", "max": {"cpu": "2"}})],
    [limit_range(BOTH, namespace="other")],
    [],
], ids=["a Pod entry gives no defaults", "another namespace's LimitRange", "no LimitRange"])
def test_without_container_defaults_the_pod_still_ran_best_effort(limit_ranges):
    docs = (*limit_ranges, workload(containers=[BARE]))
    text = dump(*docs)
    ctx = context(*docs)
    item, admission = admitted(ctx)
    service, _ = services.service_for_workload(ctx, item)
    service, findings = services.apply_task_size(ctx, item, service)
    findings = [*admission, *findings]
    assert (service.task.cpu, service.task.memory) == (256, 512)
    assert [(f.code, f.message, f.source.line) for f in findings if f.code.startswith("size.")] == [
        ("size.no-resources", no_resources("Deployment", "api", best_effort("256 CPU units / 512 MiB")),
         line_of(text, "- name: api"))]


def test_cli_sizes_a_container_without_resources_from_its_namespace_limit_range(tmp_path):
    docs = (limit_range(BOTH), workload(containers=[BARE]))
    text = dump(*docs)
    (tmp_path / "app.yaml").write_text(text)
    result = run_cli("plan", "app.yaml", "--out", "plan.yaml", "--fail-on", "never", "--verbose", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if "size." in line or "LimitRange" in line] == [
        f"info    app.yaml:{item_line(text, 0)}: size.limit-range-defaults " + gave(
            "container api: cpu request 256 CPU units (defaultRequest), cpu limit 512 CPU units (default), "
            "memory request 256 MiB (defaultRequest), memory limit 512 MiB (default)")]
    plan = yaml.safe_load((tmp_path / "plan.yaml").read_text())
    task = plan["environments"][0]["services"][0]["task"]
    assert (task["cpu"], task["memory"], task["requested_cpu"], task["requested_memory"]) == (512, 1024, 256, 256)
    assert [f["code"] for f in plan["environments"][0]["findings"] if "LimitRange" in f["message"]
            or f["code"].startswith("kind.")] == ["size.limit-range-defaults"]


def test_limit_range_defaults_reach_container_definitions_and_the_hpa(tmp_path):
    # admission runs once, before every mapper: the container definition carries the defaults and
    # an HPA on CPU utilisation has the request Kubernetes computed it against
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "api", "namespace": "shop"},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
                    "minReplicas": 2, "maxReplicas": 4, "metrics": [{"type": "Resource", "resource": {
                        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]}}
    (tmp_path / "app.yaml").write_text(dump(limit_range(BOTH), workload(containers=[BARE]), hpa))
    result = run_cli("plan", "app.yaml", "--out", "plan.yaml", "--fail-on", "never", "--verbose", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert "scale.missing-request" not in result.stdout
    service = yaml.safe_load((tmp_path / "plan.yaml").read_text())["environments"][0]["services"][0]
    container = next(c for c in service["containers"] if c["name"] == "api")
    assert (container.get("cpu"), container.get("memory"), container.get("memory_reservation")) == (256, 512, 256)
    assert service["autoscaling"]["policies"][0]["kubernetes_target"] == "cpu 50% of 256 CPU units requested"
