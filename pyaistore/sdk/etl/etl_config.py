"""Which ETL transforms an object on the way out, and with which arguments."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyaistore.sdk import const

if TYPE_CHECKING:
    from pyaistore.sdk.etl.etl import Etl

__all__ = ["ETLConfig"]


@dataclass(frozen=True)
class ETLConfig:
    """An ETL to apply, by name or as an `Etl` (whose pipeline is applied too), with arguments.

    Args:
        name: the ETL's name, or an Etl object.
        args: arguments for the transform: a string, or a dict sent as compact JSON.
    """

    name: "str | Etl | None" = None
    args: str | Mapping[str, object] | None = None

    def update_qparams(self, params: dict[str, str]) -> None:
        """Add the ETL query parameters to a request's parameters."""
        if not self.name:
            return
        if isinstance(self.name, str):
            params[const.QPARAM_ETL_NAME] = self.name
        else:
            params[const.QPARAM_ETL_NAME] = self.name.name
            params[const.QPARAM_ETL_PIPELINE] = ",".join(self.name.pipeline)
        if self.args:
            args = self.args if isinstance(self.args, str) else json.dumps(self.args, separators=(",", ":"))
            params[const.QPARAM_ETL_ARGS] = args
