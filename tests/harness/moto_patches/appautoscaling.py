"""Application Auto Scaling: tags on scalable targets.

Gap (moto 5.x): ListTagsForResource, TagResource and UntagResource are not implemented and
RegisterScalableTarget ignores `Tags`. The AWS provider reads tags after every create and
retries the 500 answer for many minutes, so `aws_appautoscaling_target` never finishes.
"""

from __future__ import annotations

import json

from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.exceptions import JsonRESTError


class ResourceNotFound(JsonRESTError):
    def __init__(self, arn: str) -> None:
        super().__init__("ResourceNotFoundException", f"No scalable target found for {arn}")


def _tags(backend: ApplicationAutoscalingBackend) -> dict[str, dict[str, str]]:
    if not hasattr(backend, "harness_tags"):
        backend.harness_tags = {}
    return backend.harness_tags


def _target_arns(backend: ApplicationAutoscalingBackend) -> set[str]:
    return {t.arn for by_id in backend.targets.values() for t in by_id.values()}


def _known_tags(backend: ApplicationAutoscalingBackend, arn: str) -> dict[str, str]:
    if arn not in _target_arns(backend):
        raise ResourceNotFound(arn)
    tags = _tags(backend)
    for stale in set(tags) - _target_arns(backend):  # targets deregistered since
        del tags[stale]
    return tags.setdefault(arn, {})


def list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
    tags = _known_tags(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
    return json.dumps({"Tags": dict(tags)})


def tag_resource(self: ApplicationAutoScalingResponse) -> str:
    tags = _known_tags(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
    tags.update(self._get_param("Tags") or {})
    return json.dumps({})


def untag_resource(self: ApplicationAutoScalingResponse) -> str:
    tags = _known_tags(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


def _register_with_tags(original):
    def register_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        body = original(self)
        arn = json.loads(body)["ScalableTargetARN"]
        _known_tags(self.applicationautoscaling_backend, arn).update(self._get_param("Tags") or {})
        return body

    register_scalable_target.harness_patched = True
    return register_scalable_target


def add_scalable_target_tags() -> None:
    cls = ApplicationAutoScalingResponse
    cls.list_tags_for_resource = list_tags_for_resource
    cls.tag_resource = tag_resource
    cls.untag_resource = untag_resource
    if not getattr(cls.register_scalable_target, "harness_patched", False):
        cls.register_scalable_target = _register_with_tags(cls.register_scalable_target)
