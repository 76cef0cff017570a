"""Object-name templates (jobs reference §2.1, AIS's cmn/cos/template.go): brace ranges, `@` ranges, prefixes.

- bash style: `pre{START..END}gap{START..END..STEP}suf`; one or more ranges, step 1 by default,
  0 <= START <= END, STEP > 0; zero-padding width = min(len(START text), len(END text)), so
  `{001..100}` gives 001..100 and `{1..100}` gives 1..100. The last range varies fastest.
- at style: `pre-@00100-suf` is the range 0..100 padded to the digits' width.
- fmt style: `pre-%06d-suf` is an unbounded range, refused here (more than the expansion cap).
- no range at all: the template is a prefix; "" and "*" select everything (a trailing `*` is dropped).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.wire.limits import MAX_INT_DIGITS, MAX_TEMPLATE, MAX_TEMPLATE_NAMES, MAX_TEMPLATE_RANGES

__all__ = ["MAX_EXPANSION", "ParsedTemplate", "TemplateRange", "parse"]

# Refused up front, before a single name is made: templates are expanded lazily, but a job over
# billions of names would run for days; the numbers of ranges and digits are bounded as well.
MAX_EXPANSION: Final = MAX_TEMPLATE_NAMES
_UNBOUNDED: Final = 2**63 - 2
_BASH_EXAMPLE: Final = "expecting e.g. 'prefix-{0001..0010..1}-suffix'"


@dataclass(frozen=True, slots=True)
class TemplateRange:
    """One numeric range and the text after it (up to the next range or the end)."""

    start: int
    end: int
    step: int
    digits: int
    gap: str

    @property
    def count(self) -> int:
        """How many values the range has."""
        return (self.end - self.start) // self.step + 1

    def values(self) -> Iterator[str]:
        """The values as zero-padded text followed by the gap."""
        for value in range(self.start, self.end + 1, self.step):
            yield str(value).zfill(self.digits) + self.gap


@dataclass(frozen=True, slots=True)
class ParsedTemplate:
    """A template: a prefix and zero or more ranges (none means "every name with this prefix")."""

    prefix: str
    ranges: tuple[TemplateRange, ...] = ()

    @property
    def is_range(self) -> bool:
        """True when the template names objects (rather than a prefix)."""
        return bool(self.ranges)

    def count(self) -> int:
        """How many names the template expands to (0 for a prefix)."""
        if not self.ranges:
            return 0
        total = 1
        for item in self.ranges:
            total *= item.count
        return total

    def names(self) -> Iterator[str]:
        """Every name, in AIS's order (the last range varies fastest); nothing for a prefix."""
        if self.ranges:
            yield from self._walk(0, self.prefix)

    def _walk(self, index: int, head: str) -> Iterator[str]:
        """Names that start with `head`, varying ranges[index:] (lazily: a range may be huge)."""
        if index == len(self.ranges):
            yield head
            return
        for value in self.ranges[index].values():
            yield from self._walk(index + 1, head + value)


def parse(template: str) -> ParsedTemplate:
    """Parse a template; InvalidJobRequest for a malformed one or one of more than MAX_EXPANSION names."""
    if template in ("", "*"):
        return ParsedTemplate("")
    if len(template) > MAX_TEMPLATE:
        raise InvalidJobRequest(f"template of {len(template)} characters: the limit is {MAX_TEMPLATE}")
    if "{" in template and "}" in template:
        parsed = _parse_bash(template)
    elif "@" in template:
        parsed = _parse_at(template)
    elif template.count("%") == 1:
        parsed = _parse_fmt(template)
    else:
        return ParsedTemplate(template.removesuffix("*"))
    if len(parsed.ranges) > MAX_TEMPLATE_RANGES:
        raise InvalidJobRequest(
            f"template {template[:64]!r}: {len(parsed.ranges)} ranges, the limit is {MAX_TEMPLATE_RANGES}"
        )
    if parsed.count() > MAX_EXPANSION:
        raise InvalidJobRequest(
            f"template {template[:64]!r}: too many names (more than the limit of {MAX_EXPANSION})"
        )
    return parsed


def _invalid(style: str, template: str, detail: str) -> InvalidJobRequest:
    return InvalidJobRequest(f"invalid '{style}' template {template[:128]!r}: {detail}")


def _bounds(style: str, template: str, start: int, end: int, step: int) -> None:
    if start > end:
        raise _invalid(style, template, "'start' cannot be greater than 'end'")
    if start < 0:
        raise _invalid(style, template, "'start' is negative")
    if step <= 0:
        raise _invalid(style, template, "'step' is non-positive")


def _number(style: str, template: str, text: str) -> int:
    digits = text.lstrip("+-")
    if not text or not digits.isascii() or not digits.isdigit():
        raise _invalid(style, template, _BASH_EXAMPLE)
    if len(digits) > MAX_INT_DIGITS:
        raise _invalid(style, template, f"a number of more than {MAX_INT_DIGITS} digits")
    return int(text)


def _parse_bash(template: str) -> ParsedTemplate:
    if template.rindex("}") < template.index("{"):
        raise _invalid("bash", template, _BASH_EXAMPLE)
    prefix, rest = template.split("{", 1)
    rest = "{" + rest
    ranges: list[TemplateRange] = []
    while "{" in rest:
        left, right = rest.index("{"), rest.find("}")
        if right < left:
            raise _invalid("bash", template, _BASH_EXAMPLE)
        numbers = rest[left + 1 : right].split("..")
        if len(numbers) not in (2, 3):
            raise _invalid("bash", template, _BASH_EXAMPLE)
        start, end = _number("bash", template, numbers[0]), _number("bash", template, numbers[1])
        step = _number("bash", template, numbers[2]) if len(numbers) == 3 else 1
        _bounds("bash", template, start, end, step)
        rest = rest[right + 1 :]
        gap = rest[: rest.index("{")] if "{" in rest else rest
        ranges.append(TemplateRange(start, end, step, min(len(numbers[0]), len(numbers[1])), gap))
    return ParsedTemplate(prefix, tuple(ranges))


def _parse_at(template: str) -> ParsedTemplate:
    prefix, rest = template.split("@", 1)
    ranges: list[TemplateRange] = []
    while True:
        digits = ""
        while rest and rest[0].isascii() and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        if not digits:
            raise _invalid("at", template, "expecting e.g. 'prefix-@00100-suffix'")
        gap, found, rest = rest.partition("@")
        ranges.append(TemplateRange(0, _number("at", template, digits), 1, len(digits), gap))
        if not found:
            return ParsedTemplate(prefix, tuple(ranges))


def _parse_fmt(template: str) -> ParsedTemplate:
    percent = template.index("%")
    d = template.find("d", percent)
    spec = template[percent + 1 : d] if d >= 0 else ""
    if d < 0 or (spec and (len(spec) == 1 or spec[0] != "0" or not spec[1:].isdigit())):
        raise _invalid("fmt", template, "expecting e.g. 'prefix-%06d-suffix'")
    width = _number("fmt", template, spec[1:]) if spec else 0
    if width > MAX_INT_DIGITS:
        raise _invalid("fmt", template, f"a width of more than {MAX_INT_DIGITS} digits")
    return ParsedTemplate(template[:percent], (TemplateRange(0, _UNBOUNDED, 1, width, template[d + 1 :]),))
