"""Highest-random-weight hashing, identical on client and server (reference §2.3)."""

from collections.abc import Iterable
from typing import Final, Protocol, TypeVar

import xxhash

SEED: Final = 1103515245
_MASK: Final = 2**64 - 1
# Node flags that take a target out of placement: maintenance (4) and decommissioning (8).
EXCLUDED_FLAGS: Final = 4 | 8


class HasDigest(Protocol):
    """Anything placed by HRW: it has an ID digest and flags."""

    @property
    def id_digest(self) -> int: ...

    @property
    def flags(self) -> int: ...


def digest(text: str) -> int:
    """XXH64 of a UTF-8 string with the AIS seed."""
    return xxhash.xxh64_intdigest(text.encode(), seed=SEED)


_Node = TypeVar("_Node", bound="HasDigest")


def mix(value: int) -> int:
    """The xoshiro256-style finaliser AIS applies to (node digest XOR name digest)."""
    z = (value + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 31)) + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    z = ((z ^ (z >> 31)) * 5) & _MASK
    z = ((z << 7) | (z >> 57)) & _MASK
    return (z * 9) & _MASK


def choose(nodes: Iterable[_Node], uname: str) -> _Node | None:
    """Return the node with the highest weight for `uname`, skipping excluded nodes."""
    name_digest = digest(uname)
    best: _Node | None = None
    best_weight = -1
    for node in nodes:
        if node.flags & EXCLUDED_FLAGS:
            continue
        weight = mix(node.id_digest ^ name_digest)
        if weight > best_weight:
            best, best_weight = node, weight
    return best


def ranked(nodes: Iterable[_Node], uname: str) -> list[_Node]:
    """Every node not excluded, highest weight for `uname` first (entry 0 is `choose`'s node)."""
    name_digest = digest(uname)
    weighted = [
        (mix(node.id_digest ^ name_digest), node) for node in nodes if not node.flags & EXCLUDED_FLAGS
    ]
    weighted.sort(key=lambda pair: pair[0], reverse=True)
    return [node for _, node in weighted]


def choose_key(keys: Iterable[str], uname: str) -> str | None:
    """HRW over plain string keys (e.g. mountpath roots): the key with the highest weight."""
    name_digest = digest(uname)
    best: str | None = None
    best_weight = -1
    for key in keys:
        weight = mix(digest(key) ^ name_digest)
        if weight > best_weight:
            best, best_weight = key, weight
    return best
