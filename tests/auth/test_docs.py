"""docs/access.md shows the matrix the code enforces."""

from pathlib import Path

from sib.policy import matrix_table

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "access.md"


def test_the_documented_matrix_is_the_enforced_one():
    assert matrix_table() in DOC.read_text(encoding="utf-8"), (
        "regenerate the table in docs/access.md with sib.policy.matrix_table()"
    )


def test_the_readme_shows_the_enforced_matrix():
    assert matrix_table() in (ROOT / "README.md").read_text(encoding="utf-8"), (
        "regenerate the matrix in README.md with sib.policy.matrix_table()"
    )
