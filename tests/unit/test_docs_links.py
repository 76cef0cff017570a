"""The docs are for readers of this repository alone: every link resolves inside it, and nothing
points at what such a reader cannot see (issue numbers, notes outside the repository, one
machine's paths). The benchmarks README describes every benchmark script."""

import re
from pathlib import Path
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parents[2]
DOCS: Final = sorted([ROOT / "README.md", ROOT / "benchmarks" / "README.md", *(ROOT / "docs").glob("*.md")])
# [text](target) and ![alt](target); the target ends at the first space or closing parenthesis.
LINK: Final = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# What a reader of this repository cannot follow.
OUTSIDE: Final = {
    "an issue number": re.compile(r"\bissues?\s*#?\d+\b|#\d+\b", re.IGNORECASE),
    "the issue tracker": re.compile(r"\b(the|an?|each) issue('s)?\b", re.IGNORECASE),
    "the shared notes outside the repository": re.compile(r"\.\./shared\b|§\s*\d"),
    "one machine's paths": re.compile(r"/work/|\.mirror/|/root/|/home/\w"),
}


def _lines(doc: Path) -> list[tuple[int, str]]:
    return list(enumerate(doc.read_text().splitlines(), start=1))


def _problems(doc: Path, root: Path = ROOT) -> list[str]:
    found = []
    for number, line in _lines(doc):
        where = f"{doc.relative_to(root)}:{number}"
        for target in LINK.findall(line):
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("/"):
                found.append(f"{where}: link outside the repository: {target}")
                continue
            path = target.split("#", 1)[0]
            if path and not (doc.parent / path).exists():
                found.append(f"{where}: link to a missing file: {target}")
        for what, pattern in OUTSIDE.items():
            match = pattern.search(line)
            if match:
                found.append(f"{where}: {what}: {match.group(0)!r}")
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_docs_point_only_inside_the_repository(doc: Path) -> None:
    assert _problems(doc) == []


def test_the_checker_catches_what_it_should(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    (tmp_path / "there.md").write_text("")
    doc.write_text(
        "[ok](there.md#a) [web](https://example.com) [gone](missing.md) [abs](/etc/passwd)\n"
        "see issue 12, #7, and the issue's notes in ../shared/x and reference §4\n"
        "AIS_GIT=/work/.mirror/repo\n"
    )
    problems = "\n".join(_problems(doc, tmp_path))
    for expected in (
        "outside the repository: https://example.com",
        "missing file: missing.md",
        "outside the repository: /etc/passwd",
        "an issue number",
        "the issue tracker",
        "shared notes",
        "one machine's paths",
    ):
        assert expected in problems
    assert "there.md" not in problems


def test_the_benchmarks_readme_describes_every_script() -> None:
    readme = (ROOT / "benchmarks" / "README.md").read_text()
    scripts = sorted(path.name for path in (ROOT / "benchmarks").glob("bench_*.py"))
    assert scripts, "no benchmark scripts found"
    for script in scripts:
        assert f"| `{script}` |" in readme, f"{script} is missing from the table of benchmarks/README.md"
        assert f"## `{script}`" in readme, f"{script} has no section in benchmarks/README.md"
