"""The provider override that sends Terraform to moto: every AWS type maps to an endpoint,
unknown types are refused (nothing may reach real AWS), aliases get their own block."""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest

from tests.harness.moto_server import provider_services, write_provider_override

STACK = Path(__file__).parent / "fargate_stack"


def test_hand_written_stack_needs_exactly_these_endpoints():
    assert provider_services([STACK]) == {
        "applicationautoscaling", "ec2", "ecr", "ecs", "elbv2", "iam", "logs", "scheduler",
        "secretsmanager", "servicediscovery", "sts"}


@pytest.mark.parametrize(("resource_type", "endpoint"), [
    ("aws_lb_listener_rule", "elbv2"), ("aws_alb_target_group", "elbv2"),
    ("aws_cloudwatch_log_group", "logs"), ("aws_cloudwatch_metric_alarm", "cloudwatch"),
    ("aws_vpc_security_group_ingress_rule", "ec2"), ("aws_route_table_association", "ec2"),
    ("aws_service_discovery_http_namespace", "servicediscovery"), ("aws_kms_alias", "kms"),
])
def test_resource_types_map_to_their_service_endpoint(tmp_path, resource_type, endpoint):
    (tmp_path / "main.tf").write_text(f'resource "{resource_type}" "this" {{}}\n')
    assert provider_services([tmp_path]) == {endpoint, "sts"}


def test_an_unmapped_type_is_refused_rather_than_sent_to_aws(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_rds_cluster" "this" {}\n')
    with pytest.raises(ValueError, match="aws_rds_cluster"):
        provider_services([tmp_path])


def test_override_has_one_block_per_alias_with_every_endpoint_and_skip_flag(tmp_path):
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "eu-west-1"\n}\n'
        'provider "aws" {\n  alias  = "edge"\n  region = "us-east-1"\n}\n'
        'resource "aws_ecs_cluster" "this" {}\n')
    path = write_provider_override(tmp_path, "http://127.0.0.1:5000")
    blocks = [_plain(block)["aws"] for block in hcl2.loads(path.read_text())["provider"]]
    assert [block.get("alias") for block in blocks] == [None, "edge"]
    for block in blocks:
        assert block["endpoints"] == [{"ecs": "http://127.0.0.1:5000", "sts": "http://127.0.0.1:5000"}]
        assert (block["skip_credentials_validation"], block["skip_metadata_api_check"],
                block["s3_use_path_style"], block["max_retries"]) == (True, True, True, 2)


def _plain(value):
    """python-hcl2 8 keeps string quotes and block markers; drop both."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value
