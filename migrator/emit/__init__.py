"""The emit stage: a migration plan -> Terraform a platform team can own.

`terraform_files(plan, envs)` returns {relative path: text} and the findings emit adds;
`write_tree(root, files, scope)` writes it atomically, guarded by a manifest of hashes;
`check_tree(root, envs)` runs `terraform fmt -check` and `terraform validate` when Terraform is
installed.
"""

from migrator.emit.check import check_tree
from migrator.emit.tree import terraform_files
from migrator.emit.writer import MANIFEST, WriteResult, write_tree

__all__ = ["terraform_files", "write_tree", "check_tree", "WriteResult", "MANIFEST"]
