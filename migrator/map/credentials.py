"""Literal env values that look like credentials.

Kubernetes lets a manifest carry a password as a literal `env` value; the plan preserves
behaviour, so the value reaches the ECS task definition (and the Terraform that creates it) as
plain text, exactly as it was in the manifest. These findings say so, so the team moves it to a
Secret before cutover. The value itself is never put into a finding.
"""

from __future__ import annotations

import re
from typing import Iterable

from migrator.findings import Finding, warning
from migrator.model.objects import EnvVar

# Word sequences a credential's name ends with (see looks_like_credential).
CREDENTIAL_TERMS = (
    ("PASSWORD",), ("PASSWD",), ("PASS",), ("PASSPHRASE",), ("SECRET",), ("SECRET", "KEY"), ("TOKEN",),
    ("API", "KEY"), ("APIKEY",), ("ACCESS", "KEY"), ("PRIVATE", "KEY"), ("CREDENTIAL",),
    ("SECRET", "KEY", "BASE"), ("ENCRYPTION", "KEY"), ("SIGNING", "KEY"),
)
# Switches and numbers are settings about a credential (ALLOW_EMPTY_PASSWORD=yes), not one.
_NOT_A_SECRET = re.compile(r"^(true|false|yes|no|on|off|y|n|\d{1,3})$", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[_.\-]+")
_ONLY_REFERENCES = re.compile(r"^(\$\([-._a-zA-Z0-9]+\))+$")


def name_words(name: str) -> tuple[str, ...]:
    """DB_PASSWORD, db-password, db.password and dbPassword all read as (DB, PASSWORD)."""
    return tuple(w.upper() for w in _SEPARATORS.split(_CAMEL.sub("_", name)) if w)


def looks_like_credential(name: str) -> bool:
    """True when the variable's name ends with a credential term, compared word by word.

    Words are split at `_`, `-`, `.` and camelCase humps, case-insensitively, and the name must
    *end* with one of CREDENTIAL_TERMS: DB_PASSWORD, API_TOKEN, CLIENT_SECRET, SECRET_KEY,
    STRIPE_API_KEY, OPENAI_APIKEY, AWS_SECRET_ACCESS_KEY, SSH_PRIVATE_KEY, dbPassword, DB_PASS,
    SECRET_KEY_BASE (Rails), DATA_ENCRYPTION_KEY, JWT_SIGNING_KEY.
    Ending with the term is what tells a credential from a setting *about* one, which names
    where or what the credential is: TOKEN_URL, SECRET_NAME, PASSWORD_FILE, PRIVATE_KEY_PATH,
    AWS_ACCESS_KEY_ID (an identifier, not the secret half), TOKEN_TTL, PASSWORD_MIN_LENGTH.
    Whole words only, so TOKENIZER or SECRETARY never match; plurals are not terms, so
    GOOGLE_APPLICATION_CREDENTIALS (a file path) does not match; PWD is the working directory.
    """
    words = name_words(name)
    return any(words[-len(term):] == term for term in CREDENTIAL_TERMS)


def holds_literal_credential(var: EnvVar) -> bool:
    """A literal `value:` (no valueFrom) that is not empty, under a credential-like name. A value
    made only of $(NAME) references copies other variables; those are checked by their own names.
    A boolean or a small number is a switch about a credential (ALLOW_EMPTY_PASSWORD=yes,
    REQUIRE_PASSWORD=true, TOKEN=0), not one."""
    value = var.value
    if value is None or var.config_map or var.secret or var.field_ref or var.resource_field_ref:
        return False
    text = value.strip()
    return (bool(text) and not _ONLY_REFERENCES.match(text) and not _NOT_A_SECRET.match(text)
            and looks_like_credential(var.name))


def plaintext_credential_findings(where: str, variables: Iterable[EnvVar]) -> list[Finding]:
    """One warning per literal credential that reaches the container (`where` names it)."""
    return [warning("config.plaintext-credential",
                    f"{where}: env {var.name} holds a literal value that looks like a credential; it is carried "
                    "as plain text into the ECS task definition and the Terraform (as it was in the manifest), "
                    "where anyone who can read them sees it. Move it to a Kubernetes Secret (the plan then reads "
                    "it from Secrets Manager) or to a Secrets Manager secret, and reference it with "
                    "valueFrom.secretKeyRef; until then the plan keeps the value so the app behaves the same",
                    var.source)
            for var in variables if holds_literal_credential(var)]
