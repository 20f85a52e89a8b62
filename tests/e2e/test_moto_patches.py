"""Each moto gap the harness closes, proven over HTTP against the patched server process: the
patched call now answers as AWS does. Unpatched moto fails every test here."""

from __future__ import annotations

import uuid
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.harness.moto_server import REGION, MotoServer, boto_env


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own, so these tests never touch the session's applied environment."""
    with MotoServer(tmp_path_factory.mktemp("moto-patches") / "moto.log") as started:
        yield started


@pytest.fixture(scope="module")
def client(server):
    creds = boto_env()

    def make(service: str):
        return boto3.client(service, endpoint_url=server.endpoint, region_name=REGION,
                            aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])
    return make


@pytest.fixture(scope="module")
def network(client):
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24",
                                 AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
               for i, zone in enumerate("ab")]
    group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "subnets": subnets, "group": group}


def _name() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def _service(client, network, **settings) -> tuple[str, str]:
    ecs, cluster = client("ecs"), _name()
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(
        family=cluster, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[{"name": "app", "image": "nginx", "portMappings": [
            {"name": "http", "containerPort": 8080, "appProtocol": "http"}]}])
    ecs.create_service(
        cluster=cluster, serviceName="web", taskDefinition=cluster, desiredCount=2,
        networkConfiguration={"awsvpcConfiguration": {
            "subnets": network["subnets"], "securityGroups": [network["group"]]}}, **settings)
    return cluster, "web"


SERVICE_CONNECT = {
    "enabled": True, "namespace": "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1",
    "services": [{"portName": "http", "discoveryName": "web",
                  "clientAliases": [{"dnsName": "web", "port": 80}]}]}
STRATEGY = [{"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 1}]
DEPLOYMENT = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
              "maximumPercent": 150, "minimumHealthyPercent": 50}


def test_describe_services_returns_the_settings_create_service_was_given(client, network):
    cluster, name = _service(client, network, capacityProviderStrategy=STRATEGY,
                             deploymentConfiguration=DEPLOYMENT, enableExecuteCommand=True,
                             healthCheckGracePeriodSeconds=45,
                             serviceConnectConfiguration=SERVICE_CONNECT)
    service = client("ecs").describe_services(cluster=cluster, services=[name])["services"][0]
    primary = next(d for d in service["deployments"] if d["status"] == "PRIMARY")
    assert (service["capacityProviderStrategy"], service["deploymentConfiguration"],
            service["enableExecuteCommand"], service["healthCheckGracePeriodSeconds"],
            "launchType" in service) == (STRATEGY, DEPLOYMENT, True, 45, False)
    assert primary["serviceConnectConfiguration"] == SERVICE_CONNECT
    assert primary["capacityProviderStrategy"] == STRATEGY


def test_describe_services_reports_aws_deployment_defaults(client, network):
    cluster, name = _service(client, network, launchType="FARGATE")
    service = client("ecs").describe_services(cluster=cluster, services=[name])["services"][0]
    assert service["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200, "minimumHealthyPercent": 100}
    assert service["launchType"] == "FARGATE"


def test_update_service_changes_what_describe_services_returns(client, network):
    cluster, name = _service(client, network, capacityProviderStrategy=STRATEGY,
                             serviceConnectConfiguration=SERVICE_CONNECT)
    changed = {**SERVICE_CONNECT, "services": [{**SERVICE_CONNECT["services"][0], "clientAliases": [
        {"dnsName": "web.internal", "port": 8080}]}]}
    ecs = client("ecs")
    ecs.update_service(cluster=cluster, service=name, healthCheckGracePeriodSeconds=90,
                       serviceConnectConfiguration=changed,
                       capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}])
    service = ecs.describe_services(cluster=cluster, services=[name])["services"][0]
    primary = next(d for d in service["deployments"] if d["status"] == "PRIMARY")
    assert service["healthCheckGracePeriodSeconds"] == 90
    assert service["capacityProviderStrategy"] == [{"capacityProvider": "FARGATE", "weight": 1}]
    assert primary["serviceConnectConfiguration"] == changed


def test_list_services_pages_ten_at_a_time_like_aws(client, network):
    ecs, cluster = client("ecs"), _name()
    ecs.create_cluster(clusterName=cluster)
    for index in range(12):
        ecs.create_service(cluster=cluster, serviceName=f"s{index:02d}", desiredCount=0)
    first = ecs.list_services(cluster=cluster)
    second = ecs.list_services(cluster=cluster, nextToken=first["nextToken"])
    paged = [arn for page in ecs.get_paginator("list_services").paginate(cluster=cluster)
             for arn in page["serviceArns"]]
    assert (len(first["serviceArns"]), len(second["serviceArns"]), "nextToken" in second) == (10, 2, False)
    assert len(set(paged)) == 12


def test_describe_services_refuses_more_than_ten_names(client, network):
    ecs, cluster = client("ecs"), _name()
    ecs.create_cluster(clusterName=cluster)
    with pytest.raises(ClientError) as raised:
        ecs.describe_services(cluster=cluster, services=[f"s{i}" for i in range(11)])
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    assert ecs.describe_services(cluster=cluster, services=[f"s{i}" for i in range(10)])["failures"]


def test_scalable_target_tags_are_stored_listed_and_removed(client, network):
    cluster, name = _service(client, network, launchType="FARGATE")
    scaling = client("application-autoscaling")
    arn = scaling.register_scalable_target(
        ServiceNamespace="ecs", ResourceId=f"service/{cluster}/{name}", MinCapacity=1,
        MaxCapacity=4, ScalableDimension="ecs:service:DesiredCount",
        Tags={"Environment": "prod"})["ScalableTargetARN"]
    scaling.tag_resource(ResourceARN=arn, Tags={"Team": "web", "Tier": "1"})
    scaling.untag_resource(ResourceARN=arn, TagKeys=["Tier"])
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {
        "Environment": "prod", "Team": "web"}


def test_tags_of_an_unknown_scalable_target_are_resource_not_found(client):
    scaling = client("application-autoscaling")
    with pytest.raises(ClientError) as raised:
        scaling.list_tags_for_resource(
            ResourceARN="arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/nope")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_security_group_rule_from_another_group_keeps_its_description(client, network):
    ec2 = client("ec2")
    source = ec2.create_security_group(GroupName=_name(), Description="alb",
                                       VpcId=network["vpc"])["GroupId"]
    target = ec2.create_security_group(GroupName=_name(), Description="svc",
                                       VpcId=network["vpc"])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=target, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
        "UserIdGroupPairs": [{"GroupId": source, "Description": "From the load balancer"}]}])
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [target]}])["SecurityGroupRules"]
    ingress = [r for r in rules if not r["IsEgress"]]
    assert [(r["ReferencedGroupInfo"]["GroupId"], r["Description"]) for r in ingress] == [
        (source, "From the load balancer")]


@pytest.mark.parametrize("direction", ["ingress", "egress"])
def test_revoking_an_unknown_rule_id_is_rule_id_not_found_like_aws(client, network, direction):
    ec2 = client("ec2")
    group = ec2.create_security_group(GroupName=_name(), Description="x", VpcId=network["vpc"])["GroupId"]
    rule = getattr(ec2, f"authorize_security_group_{direction}")(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    revoke = getattr(ec2, f"revoke_security_group_{direction}")
    revoke(GroupId=group, SecurityGroupRuleIds=[rule])
    with pytest.raises(ClientError) as raised:  # a retried revoke: the rule is already gone
        revoke(GroupId=group, SecurityGroupRuleIds=[rule])
    assert raised.value.response["Error"]["Code"] == "InvalidSecurityGroupRuleId.NotFound"


def _load_balancer(client, network) -> str:
    return client("elbv2").create_load_balancer(
        Name=_name(), Subnets=network["subnets"], Type="application",
        SecurityGroups=[network["group"]])["LoadBalancers"][0]["LoadBalancerArn"]


def test_deletion_protection_refuses_delete_until_turned_off(client, network):
    elbv2, arn = client("elbv2"), _load_balancer(client, network)
    protect = [{"Key": "deletion_protection.enabled", "Value": "true"}]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=protect)
    with pytest.raises(ClientError) as raised:
        elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert raised.value.response["Error"]["Code"] == "OperationNotPermitted"
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
        {"Key": "deletion_protection.enabled", "Value": "false"}])
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert arn not in [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]


def test_create_target_group_and_listener_are_idempotent_like_aws(client, network):
    elbv2, name = client("elbv2"), _name()
    settings = {"Name": name, "Protocol": "HTTP", "Port": 8080, "VpcId": network["vpc"], "TargetType": "ip"}
    first = elbv2.create_target_group(**settings)["TargetGroups"][0]["TargetGroupArn"]
    again = elbv2.create_target_group(**settings)["TargetGroups"][0]["TargetGroupArn"]
    with pytest.raises(ClientError) as raised:
        elbv2.create_target_group(**{**settings, "Port": 9090})
    listener = {"LoadBalancerArn": _load_balancer(client, network), "Protocol": "HTTP", "Port": 80,
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": first}]}
    listeners = [elbv2.create_listener(**listener)["Listeners"][0]["ListenerArn"] for _ in range(2)]
    with pytest.raises(ClientError) as taken:
        elbv2.create_listener(**{**listener, "Protocol": "HTTPS", "Certificates": [
            {"CertificateArn": "arn:aws:iam::123456789012:server-certificate/x"}]})
    assert (again, raised.value.response["Error"]["Code"]) == (first, "DuplicateTargetGroupName")
    assert (listeners[0] == listeners[1], taken.value.response["Error"]["Code"]) == (True, "DuplicateListener")


def test_seeded_certificate_exists_at_the_planned_arn_for_https_listeners(server, client, network):
    arn = f"arn:aws:acm:us-east-1:123456789012:certificate/{uuid.uuid4()}"
    server.seed_certificate(arn, "app.example.com")
    described = client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    elbv2 = client("elbv2")
    listener = elbv2.create_listener(
        LoadBalancerArn=_load_balancer(client, network), Protocol="HTTPS", Port=443,
        Certificates=[{"CertificateArn": arn}], SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {
            "StatusCode": "404", "ContentType": "text/plain"}}])["Listeners"][0]
    assert (described["Status"], described["DomainName"]) == ("ISSUED", "app.example.com")
    assert listener["Certificates"] == [{"CertificateArn": arn}]


def _pinned_invocation(client, invocation: str, attempts: list[int]) -> None:
    """Send each call of this client with invocation id `invocation` and the next attempt
    number from `attempts`: what an SDK sends when it retries one operation."""
    def pin(request, **_):
        for header, value in (("amz-sdk-invocation-id", invocation),
                              ("amz-sdk-request", f"attempt={attempts.pop(0)}; max=3")):
            del request.headers[header]
            request.headers[header] = value
    client.meta.events.register("before-send", pin)


def _replays(server) -> list[str]:
    import json
    import urllib.request
    with urllib.request.urlopen(f"{server.endpoint}/_harness/replays", timeout=10) as answer:
        return json.load(answer)["replayed"]


def test_sdk_retry_of_an_answered_request_gets_the_same_answer(server, client):
    """The CI failure this closes: DeleteSecret answered, the answer lost on loopback, the
    SDK's retry refused by moto ("marked deleted") and `terraform destroy` failed."""
    name, before = _name(), len(_replays(server))
    client("secretsmanager").create_secret(Name=name, SecretString="x")
    secrets = client("secretsmanager")
    _pinned_invocation(secrets, str(uuid.uuid4()), attempts=[1, 2])
    first = secrets.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    retried = secrets.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    with pytest.raises(ClientError) as again:  # a new call (new invocation id) is carried out
        client("secretsmanager").delete_secret(SecretId=name, RecoveryWindowInDays=7)
    assert retried["DeletionDate"] == first["DeletionDate"]
    assert again.value.response["Error"]["Code"] == "InvalidRequestException"
    assert _replays(server)[before:] == ["secretsmanager.DeleteSecret"]


def test_sdk_retry_after_an_error_answer_is_carried_out_again(server, client):
    name, before = _name(), len(_replays(server))
    secrets = client("secretsmanager")
    _pinned_invocation(secrets, str(uuid.uuid4()), attempts=[1, 2])
    with pytest.raises(ClientError):  # the first attempt fails: no such secret yet
        secrets.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    client("secretsmanager").create_secret(Name=name, SecretString="x")
    retried = secrets.delete_secret(SecretId=name, RecoveryWindowInDays=7)  # runs, not the old error
    assert retried["Name"] == name and len(_replays(server)) == before


def test_same_invocation_with_another_body_is_carried_out(server, client):
    secrets, name, before = client("secretsmanager"), _name(), len(_replays(server))
    invocation = str(uuid.uuid4())
    _pinned_invocation(secrets, invocation, attempts=[1, 2])
    secrets.create_secret(Name=name, SecretString="x")
    other = secrets.create_secret(Name=f"{name}-2", SecretString="x")  # same id, other body
    assert other["Name"] == f"{name}-2"
    assert len(_replays(server)) == before


def test_aws_managed_iam_policies_are_loaded(client):
    policy = client("iam").get_policy(
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
    assert policy["Policy"]["PolicyName"] == "AmazonECSTaskExecutionRolePolicy"


def test_server_stops_by_pid(tmp_path):
    server = MotoServer(tmp_path / "moto.log").start()
    process = server.process
    server.stop()
    assert process.poll() is not None and server.process is None
    assert Path(tmp_path / "moto.log").exists()
