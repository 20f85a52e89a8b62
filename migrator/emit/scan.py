"""checkov over a generated tree, judged by the allow-list shipped in its README.

`python -m migrator.emit.scan terraform_out --checkov .venv-checkov/bin/checkov` exits 1 when
checkov reports a failing check that the allow-list (templates/checkov-allowlist.yaml) does not
accept for that resource, and lists them. checkov runs from its own virtualenv: its
dependencies would otherwise pin the project's.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys
from dataclasses import dataclass

from migrator.emit.readme import checkov_allowlist


@dataclass(frozen=True, order=True)
class Failure:
    check_id: str
    resource: str
    file: str
    name: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.check_id} {self.resource}: {self.name}"


def run_checkov(checkov: str, folder: str, timeout: int = 1800) -> list[Failure]:
    proc = subprocess.run([checkov, "-d", folder, "--framework", "terraform", "--skip-download", "--quiet",
                           "--compact", "-o", "json"], capture_output=True, text=True, timeout=timeout)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"checkov failed ({proc.returncode}): {proc.stderr[-2000:]}")
    reports = json.loads(proc.stdout or "[]")
    reports = reports if isinstance(reports, list) else [reports]
    failures = set()
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []):
            failures.add(Failure(check["check_id"], check["resource"], check["file_path"], check.get("check_name", "")))
    return sorted(failures)


def accepted(failure: Failure, allowlist: list[dict]) -> dict | None:
    for entry in allowlist:
        if entry["id"] == failure.check_id and any(
                fnmatch.fnmatchcase(failure.resource, pattern) for pattern in entry.get("resources", ["*"])):
            return entry
    return None


def judge(failures: list[Failure], allowlist: list[dict]) -> tuple[list[Failure], list[str]]:
    """(failures no entry accepts, ids of entries that accepted nothing)."""
    unlisted = [f for f in failures if accepted(f, allowlist) is None]
    used = {accepted(f, allowlist)["id"] for f in failures if accepted(f, allowlist)}
    return unlisted, [entry["id"] for entry in allowlist if entry["id"] not in used]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="generated Terraform tree (migrate emit --out)")
    parser.add_argument("--checkov", default="checkov", help="checkov executable (from its own virtualenv)")
    args = parser.parse_args(argv)
    failures = run_checkov(args.checkov, args.folder)
    unlisted, _ = judge(failures, checkov_allowlist())
    for failure in unlisted:
        print(f"{failure} (not in the allow-list: fix it or list it with a reason)")
    print(f"checkov: {len(failures)} failing checks, {len(failures) - len(unlisted)} accepted by the allow-list, "
          f"{len(unlisted)} not")
    return 1 if unlisted else 0


if __name__ == "__main__":
    sys.exit(main())
