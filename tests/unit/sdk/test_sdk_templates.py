"""Object selections: brace expansion, ranges, templates, names, and ObjectGroup's rules."""

import pytest

from pyaistore.sdk import Client
from pyaistore.sdk.errors import InvalidObjectRangeIndex
from pyaistore.sdk.multiobj import ObjectGroup, ObjectNames, ObjectRange, ObjectTemplate, expand_braces


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("plain", ["plain"]),
        ("a-{1..3}", ["a-1", "a-2", "a-3"]),
        ("a-{001..003}.tar", ["a-001.tar", "a-002.tar", "a-003.tar"]),
        ("x{0..10..5}", ["x0", "x5", "x10"]),
        ("{3..1}", ["3", "2", "1"]),
        ("{train,val}/x", ["train/x", "val/x"]),
        ("{a,b}-{1..2}", ["a-1", "a-2", "b-1", "b-2"]),
        ("{a,{b,c}}", ["a", "b", "c"]),
        ("lit{eral}", ["lit{eral}"]),
        ("open{1..2", ["open{1..2"]),
    ],
)
def test_expand_braces(template: str, names: list[str]) -> None:
    assert list(expand_braces(template)) == names


def test_padding_follows_the_shorter_bound_like_the_server() -> None:
    assert list(expand_braces("{01..100..99}")) == ["01", "100"]


def test_zero_step_is_rejected() -> None:
    with pytest.raises(ValueError, match="step"):
        list(expand_braces("{1..5..0}"))


def test_object_range_string_and_value() -> None:
    rng = ObjectRange("obj-", 0, 999, pad_width=4, suffix=".tar")
    assert str(rng) == "obj-{0000..0999..1}.tar"
    assert rng.get_value() == {"template": "obj-{0000..0999..1}.tar"}
    assert list(ObjectRange("o", 1, 5, step=2)) == ["o1", "o3", "o5"]


def test_object_range_without_indices_is_a_prefix() -> None:
    rng = ObjectRange("logs/")
    assert str(rng) == "logs/"
    with pytest.raises(RuntimeError):
        list(rng)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("p", 1, None), InvalidObjectRangeIndex),
        (("p", 5, 5), InvalidObjectRangeIndex),
        (("p", 100, 200, 2), InvalidObjectRangeIndex),
    ],
)
def test_object_range_validation(args: tuple[object, ...], error: type[Exception]) -> None:
    with pytest.raises(error):
        ObjectRange(*args)  # type: ignore[arg-type]


def test_object_range_suffix_needs_indices() -> None:
    with pytest.raises(ValueError, match="Suffix"):
        ObjectRange("p", suffix=".tar")


def test_object_range_from_string() -> None:
    rng = ObjectRange.from_string("input-{00..99..3}.txt")
    assert str(rng) == "input-{00..99..3}.txt"
    assert str(ObjectRange.from_string("a{1..9}")) == "a{1..9..1}"
    with pytest.raises(ValueError):
        ObjectRange.from_string("nothing")


def test_names_and_template_values() -> None:
    assert ObjectNames(["a", "b"]).get_value() == {"objnames": ["a", "b"]}
    assert list(ObjectNames(["a", "b"])) == ["a", "b"]
    assert ObjectTemplate("s-{1..2}").get_value() == {"template": "s-{1..2}"}
    assert list(ObjectTemplate("s-{1..2}")) == ["s-1", "s-2"]


def test_object_group_accepts_exactly_one_selection() -> None:
    bucket = Client("http://unused:1").bucket("b")
    with pytest.raises(ValueError, match="one and only one"):
        ObjectGroup(bucket)
    with pytest.raises(ValueError, match="one and only one"):
        ObjectGroup(bucket, obj_names=["a"], obj_template="t")
    with pytest.raises(ValueError, match="empty"):
        ObjectGroup(bucket, obj_names=[])
    with pytest.raises(ValueError, match="empty"):
        ObjectGroup(bucket, obj_template="")
    with pytest.raises(TypeError):
        ObjectGroup(bucket, obj_range="x-{1..2}")  # type: ignore[arg-type]
    assert bucket.objects(obj_template="x-{1..2}").list_names() == ["x-1", "x-2"]


def test_brace_expansion_is_lazy_and_bounded() -> None:
    import itertools

    import pytest

    from pyaistore.sdk.multiobj.brace_expansion import MAX_GROUPS, expand_braces

    assert list(itertools.islice(expand_braces("a{0..999999999999}"), 2)) == ["a0", "a1"]
    with pytest.raises(ValueError, match=str(MAX_GROUPS)):
        list(expand_braces("{a,b}" * (MAX_GROUPS + 2)))
    with pytest.raises(ValueError, match="19 digits"):
        list(expand_braces("{0.." + "9" * 30 + "}"))
