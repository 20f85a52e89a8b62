"""The least-privilege IAM policy for the role that runs `migrate verify`.

READ_OPERATIONS is the complete list of API operations verify makes (a test holds the reader
to it against a real run), so the policy is exactly what is needed: read-only actions, no
data-plane access (no secret values, no log events), nothing else.
"""

from __future__ import annotations

import json

from migrator.verify.aws import SERVICES

# boto3 service name -> operations verify calls
READ_OPERATIONS = {
    "ecs": ("ListClusters", "DescribeClusters", "ListServices", "DescribeServices", "DescribeTaskDefinition"),
    "elbv2": ("DescribeLoadBalancers", "DescribeTags", "DescribeListeners", "DescribeRules",
              "DescribeTargetGroups", "DescribeTargetHealth"),
    "application-autoscaling": ("DescribeScalableTargets", "DescribeScalingPolicies"),
    "servicediscovery": ("ListNamespaces",),
    "logs": ("DescribeLogGroups",),
    "scheduler": ("ListSchedules", "GetSchedule"),
}


def iam_actions() -> list[str]:
    return sorted(f"{SERVICES[service]}:{operation}" for service, operations in READ_OPERATIONS.items()
                  for operation in operations)


def iam_policy() -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "MigratorVerifyReadOnly",
            "Effect": "Allow",
            "Action": iam_actions(),
            # These Describe/List actions do not support resource-level permissions.
            "Resource": "*",
        }],
    }


def iam_policy_text() -> str:
    return json.dumps(iam_policy(), indent=2)
