"""Package a Python transform function for the code-based ETL init (jobs reference §4.5).

The cluster's Python runtime imports a generated module and calls its `transform`. With
`cloudpickle` installed (it is optional), the function is pickled by value, so closures,
lambdas and the modules it uses travel with it, exactly as the AIS SDK 1.x did. Without it,
the function's source is shipped instead: it must be a plain `def` whose imports happen
inside the function.
"""

import base64
import inspect
import sys
import sysconfig
import textwrap
import types
from collections.abc import Callable, Sequence
from typing import Any

from pyaistore.sdk.etl.etl_const import ETL_COMM_IO, TRANSFORM_FUNC_NAME

__all__ = ["encode_dependencies", "encode_transform", "uses_cloudpickle"]

_CLOUDPICKLE_REQUIREMENT = "cloudpickle>=3.0.0"


def uses_cloudpickle() -> bool:
    """True when cloudpickle is importable, so functions are shipped by value."""
    try:
        import cloudpickle  # noqa: F401
    except ImportError:
        return False
    return True


def encode_transform(transform: Callable[..., Any] | str, communication_type: str) -> str:
    """The base64 text of a module that defines `transform` (and, for `io`, calls it).

    A string is taken as the source of such a module and shipped as is.

    Raises:
        ValueError: cloudpickle is missing and the function's source cannot be shipped.
    """
    if isinstance(transform, str):
        module = transform if transform.endswith("\n") else transform + "\n"
    elif uses_cloudpickle():
        pickled = base64.b64encode(_pickle_by_value(transform)).decode()
        loader = f"pickle.loads(base64.b64decode('{pickled}'))"
        module = f"import base64\nimport pickle\n\n{TRANSFORM_FUNC_NAME} = {loader}\n"
    else:
        module = _source_module(transform)
    if communication_type == ETL_COMM_IO:
        module += f"\n{TRANSFORM_FUNC_NAME}()\n"
    return base64.b64encode(module.encode()).decode()


def _pickle_by_value(transform: Callable[..., Any]) -> bytes:
    """cloudpickle the function with its own module's code, so the cluster needs no copy of that module.

    cloudpickle pickles functions of importable modules (a test file, a helper module) by
    reference; the transform server could not import them.
    """
    import cloudpickle

    module = sys.modules.get(getattr(transform, "__module__", "") or "")
    own = module is not None and module.__name__ != "__main__" and not _installed(module)
    if own:
        cloudpickle.register_pickle_by_value(module)
    try:
        return bytes(cloudpickle.dumps(transform))
    finally:
        if own:
            cloudpickle.unregister_pickle_by_value(module)


def _installed(module: types.ModuleType) -> bool:
    """True for standard-library and installed (site-packages) modules: those travel by reference."""
    path = getattr(module, "__file__", None) or ""
    roots = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    builtin = module.__name__ in sys.builtin_module_names
    return builtin or not path or any(path.startswith(root) for root in roots)


def _source_module(transform: Callable[..., Any]) -> str:
    """A module made of the function's source, binding it to the name `transform`."""
    name = getattr(transform, "__name__", "")
    if not name.isidentifier():
        raise ValueError(
            "without cloudpickle only a named function (def) can be shipped; install cloudpickle"
        )
    try:
        source = textwrap.dedent(inspect.getsource(transform))
    except (OSError, TypeError) as exc:
        raise ValueError(f"cannot read the source of {name}; install cloudpickle") from exc
    if name != TRANSFORM_FUNC_NAME:
        source += f"\n{TRANSFORM_FUNC_NAME} = {name}\n"
    return source


def encode_dependencies(dependencies: Sequence[str] | None, pickled: bool = True) -> str:
    """The base64 text of the requirements file the runtime installs.

    A function shipped by cloudpickle (`pickled`) needs cloudpickle to load, so it is added.
    """
    lines = list(dependencies or ())
    if pickled and uses_cloudpickle():
        lines.append(_CLOUDPICKLE_REQUIREMENT)
    return base64.b64encode("\n".join(lines).encode()).decode()
