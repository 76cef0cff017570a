"""Permission bits and their names, as AIS spells them (`api/apc/access.go`).

A token's cluster and bucket entries, a role's permissions and a bucket's `access` property are
all one uint64 bitmask carried as a decimal string on the wire. Bits 0-7 are object operations,
8-11 bucket operations, 12-17 cluster operations.
"""

from typing import Final

__all__ = [
    "ACCESS_RO",
    "ACCESS_RW",
    "ACCESS_SU",
    "ADMIN",
    "APPEND",
    "BUCKET_ADMIN",
    "BUCKET_BITS",
    "CLUSTER_BITS",
    "CLUSTER_RO",
    "CLUSTER_RW",
    "CREATE_BUCKET",
    "DELETE_OBJECT",
    "DESTROY_BUCKET",
    "GET",
    "HEAD_BUCKET",
    "HEAD_OBJECT",
    "LIST_BUCKETS",
    "LIST_OBJECTS",
    "MOVE_BUCKET",
    "MOVE_OBJECT",
    "NAMES",
    "PATCH",
    "PROMOTE",
    "PUT",
    "SET_BUCKET_ACL",
    "SHOW_CLUSTER",
    "UPDATE_OBJECT",
    "describe",
    "parse",
]

GET: Final = 1 << 0
HEAD_OBJECT: Final = 1 << 1
PUT: Final = 1 << 2
APPEND: Final = 1 << 3
DELETE_OBJECT: Final = 1 << 4
MOVE_OBJECT: Final = 1 << 5
PROMOTE: Final = 1 << 6
UPDATE_OBJECT: Final = 1 << 7
HEAD_BUCKET: Final = 1 << 8
LIST_OBJECTS: Final = 1 << 9
PATCH: Final = 1 << 10
SET_BUCKET_ACL: Final = 1 << 11
LIST_BUCKETS: Final = 1 << 12
SHOW_CLUSTER: Final = 1 << 13
CREATE_BUCKET: Final = 1 << 14
DESTROY_BUCKET: Final = 1 << 15
MOVE_BUCKET: Final = 1 << 16
ADMIN: Final = 1 << 17

ACCESS_RO: Final = GET | HEAD_OBJECT | HEAD_BUCKET | LIST_OBJECTS
ACCESS_RW: Final = ACCESS_RO | PUT | APPEND | DELETE_OBJECT | MOVE_OBJECT
ACCESS_SU: Final = (1 << 64) - 1
BUCKET_ADMIN: Final = PATCH | SET_BUCKET_ACL | UPDATE_OBJECT
CLUSTER_RO: Final = LIST_BUCKETS | SHOW_CLUSTER
CLUSTER_RW: Final = CLUSTER_RO | CREATE_BUCKET | DESTROY_BUCKET | MOVE_BUCKET
# What a cluster entry grants and what a bucket entry grants (claims.check splits a request so).
CLUSTER_BITS: Final = CLUSTER_RW | ADMIN
BUCKET_BITS: Final = ACCESS_RW | BUCKET_ADMIN | PROMOTE

NAMES: Final = {
    GET: "GET",
    HEAD_OBJECT: "HEAD-OBJECT",
    PUT: "PUT",
    APPEND: "APPEND",
    DELETE_OBJECT: "DELETE-OBJECT",
    MOVE_OBJECT: "MOVE-OBJECT",
    PROMOTE: "PROMOTE",
    UPDATE_OBJECT: "UPDATE-OBJECT",
    HEAD_BUCKET: "HEAD-BUCKET",
    LIST_OBJECTS: "LIST-OBJECTS",
    PATCH: "PATCH",
    SET_BUCKET_ACL: "SET-BUCKET-ACL",
    LIST_BUCKETS: "LIST-BUCKETS",
    SHOW_CLUSTER: "SHOW-CLUSTER",
    CREATE_BUCKET: "CREATE-BUCKET",
    DESTROY_BUCKET: "DESTROY-BUCKET",
    MOVE_BUCKET: "MOVE-BUCKET",
    ADMIN: "ADMIN",
}
_ALIASES: Final = {"ro": ACCESS_RO, "rw": ACCESS_RW, "su": ACCESS_SU}


def describe(bits: int) -> str:
    """The names of the set bits, comma-separated ("none" for 0), e.g. "GET,HEAD-OBJECT"."""
    if bits == 0:
        return "none"
    return ",".join(name for bit, name in NAMES.items() if bits & bit)


def parse(text: str) -> int:
    """A decimal bitmask, an alias (ro, rw, su) or comma-separated names -> bits; ValueError if unknown."""
    text = text.strip()
    if text.isdigit():
        value = int(text)
        if value >= 1 << 64:
            raise ValueError(f"permissions {text[:32]!r} do not fit 64 bits")
        return value
    by_name = {name: bit for bit, name in NAMES.items()}
    bits = 0
    for item in filter(None, (part.strip() for part in text.split(","))):
        found = _ALIASES.get(item.lower(), by_name.get(item.upper()))
        if found is None:
            raise ValueError(f"unknown permission {item[:32]!r}")
        bits |= found
    return bits
