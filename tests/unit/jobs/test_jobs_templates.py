"""Templates as AIS expands them (cmn/cos/template.go): brace ranges, steps, padding, @ ranges, prefixes."""

import pytest

from pyaistore.jobs import templates
from pyaistore.jobs.errors import InvalidJobRequest


def _names(template: str) -> list[str]:
    return list(templates.parse(template).names())


def test_brace_range_with_zero_padding() -> None:
    names = _names("shard-{0000..0999}.tar")
    assert len(names) == 1000
    assert names[:2] == ["shard-0000.tar", "shard-0001.tar"] and names[-1] == "shard-0999.tar"


def test_step_and_explicit_step_of_one() -> None:
    assert _names("a{0..10..2}b") == ["a0b", "a2b", "a4b", "a6b", "a8b", "a10b"]
    assert _names("obj-{0000..0003..1}.tar") == [f"obj-{i:04}.tar" for i in range(4)]
    assert _names("x{1..10..4}") == ["x1", "x5", "x9"]


def test_padding_is_the_shorter_bound_width() -> None:
    assert _names("p{1..100}")[:2] == ["p1", "p2"]
    assert _names("p{001..100}")[:2] == ["p001", "p002"]
    assert _names("p{01..100}")[:2] == ["p01", "p02"] and _names("p{01..100}")[-1] == "p100"


def test_several_ranges_last_varies_fastest() -> None:
    assert _names("r{1..2}-{01..03}.x") == ["r1-01.x", "r1-02.x", "r1-03.x", "r2-01.x", "r2-02.x", "r2-03.x"]
    assert templates.parse("r{1..2}-{01..03}.x").count() == 6


def test_at_style() -> None:
    assert _names("pre-@003-suf") == ["pre-000-suf", "pre-001-suf", "pre-002-suf", "pre-003-suf"]
    assert templates.parse("a@09-b@1").count() == 20


@pytest.mark.parametrize("template", ["", "*", "dir/", "dir/*", "no-range.txt", "a{", "b}"])
def test_no_range_is_a_prefix(template: str) -> None:
    parsed = templates.parse(template)
    assert not parsed.is_range
    assert parsed.prefix == template.removesuffix("*")
    assert list(parsed.names()) == []


@pytest.mark.parametrize(
    "template", ["a{5..1}", "a{0..5..0}", "a{0..5..-1}", "a{-1..5}", "a{x..5}", "a{1..2..3..4}", "a}{", "a@b"]
)
def test_invalid_templates(template: str) -> None:
    with pytest.raises(InvalidJobRequest):
        templates.parse(template)


def test_expansion_cap() -> None:
    with pytest.raises(InvalidJobRequest, match="too many"):
        templates.parse("f-%06d")  # fmt style: unbounded
    with pytest.raises(InvalidJobRequest, match="too many"):
        templates.parse("a{0..9999}{0..9999}")
    assert templates.parse("a{0..9999999}").count() == templates.MAX_EXPANSION


def test_names_are_lazy() -> None:
    names = templates.parse("a{0000000..9999999}").names()
    assert next(names) == "a0000000" and next(names) == "a0000001"


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("a{" + "9" * 5000 + ".." + "9" * 5001 + "}", "4096"),
        ("a{1.." + "9" * 30 + "}", "19 digits"),
        ("x" + "{0..1}" * 9, "the limit is 8"),
        ("a-%0999999999d", "19 digits"),
        ("a{0..99999}{0..99999}{0..9}", "limit of 10000000"),
    ],
)
def test_huge_templates_are_refused_up_front_naming_the_limit(template: str, named: str) -> None:
    from pyaistore.jobs.errors import InvalidJobRequest

    with pytest.raises(InvalidJobRequest, match=named):
        templates.parse(template)
