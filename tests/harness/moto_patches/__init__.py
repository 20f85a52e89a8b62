"""Patches that close moto gaps the end-to-end tests meet, applied by the server process
(`python -m tests.harness.moto_server`) before it serves. Each module's docstring names the gap
it closes; tests/e2e/test_moto_patches.py proves each patched call now behaves like AWS."""

from __future__ import annotations

from tests.harness.moto_patches import appautoscaling, ec2, ecs, elbv2, replay, seed

PATCHES = (
    appautoscaling.add_scalable_target_tags,
    ecs.keep_service_settings,
    ecs.page_like_aws,
    ec2.describe_referenced_rules,
    ec2.revoke_unknown_rule_ids_like_aws,
    elbv2.enforce_deletion_protection,
    elbv2.idempotent_creates,
    seed.add_seed_endpoint,
    replay.answer_sdk_retries_once,  # outermost: sees every request first
)


def apply_all() -> None:
    for patch in PATCHES:
        patch()
