"""Every limit a node puts on what a client or peer sends, in one place (docs/architecture.md, "Limits").

A request over a limit is answered 400 with a message naming the limit; nothing is stored first.
The SDK may check the same numbers before sending.
"""

from typing import Final

__all__ = [
    "MAX_ARCHIVE_PATTERN",
    "MAX_CONTROL_BODY",
    "MAX_CUSTOM_KEY",
    "MAX_CUSTOM_KEYS",
    "MAX_CUSTOM_TOTAL",
    "MAX_CUSTOM_VALUE",
    "MAX_INT",
    "MAX_INT_DIGITS",
    "MAX_JSON_DEPTH",
    "MAX_OBJECT_META",
    "MAX_TEMPLATE",
    "MAX_TEMPLATE_NAMES",
    "MAX_TEMPLATE_RANGES",
    "MAX_TEXT_FIELD",
]

# A JSON control body (action message, list request, job query, cluster tables): bytes.
MAX_CONTROL_BODY: Final = 4 << 20
# Nesting of arrays and objects in any JSON a node parses (AIS's messages nest 5 deep at most).
MAX_JSON_DEPTH: Final = 32
# Every integer a node parses: a signed 64-bit value, so at most 19 digits (plus a sign).
MAX_INT: Final = 2**63 - 1
MAX_INT_DIGITS: Final = 19
# A string field of a control message (names, IDs, prefixes, tokens): characters.
MAX_TEXT_FIELD: Final = 8192

# Custom metadata of one object (Ais-Custom-Md headers, PATCH set-custom, copies): UTF-8 bytes.
MAX_CUSTOM_KEY: Final = 256
MAX_CUSTOM_VALUE: Final = 1024
MAX_CUSTOM_TOTAL: Final = 2048
MAX_CUSTOM_KEYS: Final = 64
# The whole metadata record of an object as stored (name, checksum, version, custom...): bytes.
# It lives in one extended attribute, and ext4 keeps all of a file's attributes in one 4 KiB block.
MAX_OBJECT_META: Final = 3900

# archregx (a regular expression run by RE2, in linear time): characters.
MAX_ARCHIVE_PATTERN: Final = 1024
# Object-name templates of multi-object jobs: characters, ranges, and names they expand to.
MAX_TEMPLATE: Final = 4096
MAX_TEMPLATE_RANGES: Final = 8
MAX_TEMPLATE_NAMES: Final = 10_000_000
