"""Configuration and identity: ConfigMap, Secret (key names only), ServiceAccount."""

from __future__ import annotations

import dataclasses

from migrator.model import objects as m
from migrator.model.build_reader import Reader, read_meta, yaml_text


def build_config_map(r: Reader, obj: dict) -> tuple[str, m.ConfigMap]:
    values = r.map(obj.get("data"), "data")
    return "config_maps", m.ConfigMap(
        meta=read_meta(r, obj),
        data={str(k): yaml_text(v) if v is not None else "" for k, v in values.items()},
        binary_keys=tuple(str(k) for k in r.map(obj.get("binaryData"), "binaryData")),
        key_sources={str(k): r.ref("data", k) for k in values},
        source=r.doc.source,
    )


def build_secret(r: Reader, obj: dict) -> tuple[str, m.Secret]:
    keys = set(r.map(obj.get("data"), "data")) | set(r.map(obj.get("stringData"), "stringData"))
    # Annotations stay behind: kubectl.kubernetes.io/last-applied-configuration is a copy of the
    # whole Secret, values included, and no mapper needs a Secret's annotations.
    meta = dataclasses.replace(read_meta(r, obj), annotations={})
    return "secrets", m.Secret(meta=meta, type=str(obj.get("type") or "Opaque"),
                               keys=tuple(sorted(str(k) for k in keys)), source=r.doc.source)


def build_service_account(r: Reader, obj: dict) -> tuple[str, m.ServiceAccount]:
    meta = read_meta(r, obj)
    return "service_accounts", m.ServiceAccount(
        meta=meta, role_arn=meta.annotations.get("eks.amazonaws.com/role-arn", ""), source=r.doc.source)
