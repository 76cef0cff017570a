"""Selections of objects (names, ranges, templates) and the multi-object jobs run on them."""

from pyaistore.sdk.multiobj.brace_expansion import expand_braces
from pyaistore.sdk.multiobj.object_collection import ObjectCollection
from pyaistore.sdk.multiobj.object_group import ObjectGroup
from pyaistore.sdk.multiobj.object_names import ObjectNames
from pyaistore.sdk.multiobj.object_range import ObjectRange
from pyaistore.sdk.multiobj.object_template import ObjectTemplate

__all__ = ["ObjectCollection", "ObjectGroup", "ObjectNames", "ObjectRange", "ObjectTemplate", "expand_braces"]
