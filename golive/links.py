"""Where golive's own pages live: one place for every URL golive writes into its outputs.

The reports embed what they need (the HTML report carries each check's explanation, so it reads the
same offline and years later); these addresses are for tools that show a link -- SARIF viewers
(``informationUri``, each rule's ``helpUri``) and the HTML report's "about this check" link. They
name the same pages the repository holds: ``docs/checks/<ID>.md``, generated from each check's
metadata by ``golive explain --all --markdown docs/checks``. `pyproject.toml` ``[project.urls]``
gives the same addresses (a test holds them together); a fork that publishes its own docs changes
them here and there.
"""

from __future__ import annotations

HOMEPAGE = "https://golive.dev"
DOCS = HOMEPAGE + "/docs/"
CHECK_DOCS_DIR = "docs/checks"  # in the repository, beside README.md


def check_doc_path(check_id: str) -> str:
    """The check's page in the repository, relative to its root: ``docs/checks/LL-SIG-001.md``."""
    return f"{CHECK_DOCS_DIR}/{check_id}.md"


def check_doc_url(check_id: str) -> str:
    """The published copy of `check_doc_path`."""
    return f"{HOMEPAGE}/{check_doc_path(check_id)}"
