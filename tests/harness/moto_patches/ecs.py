"""ECS services: keep the settings CreateService/UpdateService were given.

Gap (moto 5.x): CreateService drops capacityProviderStrategy, deploymentConfiguration,
healthCheckGracePeriodSeconds, enableExecuteCommand and serviceConnectConfiguration, and
defaults launchType to EC2 even when a capacity provider strategy is given. DescribeServices
then answers with different values than were applied, so `terraform plan` after apply wants
to replace every service, and verify could not read Service Connect back. AWS reports
serviceConnectConfiguration on the service's deployments, so that is where it is kept.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.models import Service
from moto.ecs.responses import EC2ContainerServiceResponse

# CreateService parameter -> Service attribute the response serializer reads.
KEPT_SETTINGS = {
    "capacityProviderStrategy": "capacity_provider_strategy",
    "deploymentConfiguration": "deployment_configuration",
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableExecuteCommand": "enable_execute_command",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
    "placementConstraints": "placement_constraints",
    "placementStrategy": "placement_strategy",
}
# What DescribeServices shows when CreateService did not set it (AWS defaults).
DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}


def _sync_primary_deployment(service: Service, service_connect: Any = None) -> None:
    """The PRIMARY deployment mirrors the service (AWS starts a new one on each change)."""
    for deployment in service.deployments:
        if deployment.get("status") != "PRIMARY":
            continue
        deployment["taskDefinition"] = service.task_definition
        deployment["desiredCount"] = service.desired_count
        deployment["launchType"] = service.launch_type
        strategy = getattr(service, "capacity_provider_strategy", None)
        deployment["capacityProviderStrategy"] = strategy or None
        if service_connect is not None:
            deployment["serviceConnectConfiguration"] = service_connect


def _keep_settings(service: Service, params: dict[str, Any], creating: bool) -> None:
    for param, attribute in KEPT_SETTINGS.items():
        if params.get(param) is not None:
            setattr(service, attribute, params[param])
    if creating:
        given = params.get("deploymentConfiguration") or {}
        service.deployment_configuration = {**DEFAULT_DEPLOYMENT_CONFIGURATION, **given}
        if not hasattr(service, "health_check_grace_period_seconds") and service.load_balancers:
            service.health_check_grace_period_seconds = 0
    if params.get("capacityProviderStrategy") and not params.get("launchType"):
        service.launch_type = None  # AWS reports either a launch type or a strategy
    _sync_primary_deployment(service, params.get("serviceConnectConfiguration"))


def _find_service(response: EC2ContainerServiceResponse, name_key: str) -> Service:
    cluster = response._get_param("cluster", "default").split("/")[-1]
    name = response._get_param(name_key).split("/")[-1]
    return response.ecs_backend._get_service(cluster, name)


def _wrap(original, name_key: str, creating: bool):
    def handler(self: EC2ContainerServiceResponse):
        result = original(self)
        _keep_settings(_find_service(self, name_key), self._get_params(), creating)
        return result

    handler.harness_patched = True
    return handler


def keep_service_settings() -> None:
    cls = EC2ContainerServiceResponse
    if getattr(cls.create_service, "harness_patched", False):
        return
    cls.create_service = _wrap(cls.create_service, "serviceName", creating=True)
    cls.update_service = _wrap(cls.update_service, "service", creating=False)


# Gap (moto 5.x): ListServices returns every service in one page and DescribeServices accepts
# any number of names. AWS pages ListServices (10 by default, at most 100) and refuses more
# than 10 names per DescribeServices; code that skips pagination or batching would pass here
# and fail on AWS.
LIST_SERVICES_DEFAULT, LIST_SERVICES_MAX, DESCRIBE_SERVICES_MAX = 10, 100, 10


def list_services_paged(self: EC2ContainerServiceResponse) -> ActionResult:
    arns = self.ecs_backend.list_services(
        self._get_param("cluster", "default"), self._get_param("schedulingStrategy"),
        launch_type=self._get_param("launchType"))
    size = self._get_param("maxResults") or LIST_SERVICES_DEFAULT
    if not 1 <= size <= LIST_SERVICES_MAX:
        raise InvalidParameterException("maxResults must be between 1 and 100.")
    token = self._get_param("nextToken")
    start = int(token) if token and token.isdigit() else 0
    page = {"serviceArns": arns[start:start + size]}
    if start + size < len(arns):
        page["nextToken"] = str(start + size)
    return ActionResult(page)


def _limited_describe(original):
    def describe_services(self: EC2ContainerServiceResponse):
        if len(self._get_param("services", [])) > DESCRIBE_SERVICES_MAX:
            raise InvalidParameterException(
                "Too many services are specified: at most 10 per DescribeServices call.")
        return original(self)

    describe_services.harness_patched = True
    return describe_services


def page_like_aws() -> None:
    cls = EC2ContainerServiceResponse
    cls.list_services = list_services_paged
    if not getattr(cls.describe_services, "harness_patched", False):
        cls.describe_services = _limited_describe(cls.describe_services)
