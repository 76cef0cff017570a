"""Errors of defining, running and calling ETLs, HTTP-free.

    NodeError (cluster.errors)
    ├── EtlNotFound (cluster.errors)  no such ETL, or not running here            -> 404
    └── EtlError
        ├── InvalidEtlSpec            a malformed or unsupported init message     -> 400
        │   └── KubernetesRequired    pod specs and container images need K8s     -> 400
        ├── EtlAlreadyExists          init with a name already defined            -> 409
        ├── EtlStageConflict          start a running ETL, delete a running one   -> 400
        ├── EtlInitFailed             dependencies, code or server did not start  -> 400
        ├── EtlTransformFailed        the transform raised, crashed, bad output   -> its status (500)
        └── EtlTransformTimeout       no answer within the ETL's obj_timeout       -> 400 (as AIS)

Web code maps these to HTTP in web/error_mapping.py, nowhere else.
"""

from pyaistore.cluster.errors import EtlNotFound, NodeError

__all__ = [
    "EtlAlreadyExists",
    "EtlError",
    "EtlInitFailed",
    "EtlNotFound",
    "EtlStageConflict",
    "EtlTransformFailed",
    "EtlTransformTimeout",
    "InvalidEtlSpec",
    "KubernetesRequired",
]


class EtlError(NodeError):
    """Base of ETL errors."""


class InvalidEtlSpec(EtlError):
    """The init message is malformed or asks for something this cluster cannot run."""


class KubernetesRequired(InvalidEtlSpec):
    """A pod spec or an arbitrary container image: only a Kubernetes deployment can run it."""


class EtlAlreadyExists(EtlError):
    """An ETL with this name is defined already (AIS: "etl job <name> already exists")."""


class EtlStageConflict(EtlError):
    """The ETL's stage does not allow the operation."""


class EtlInitFailed(EtlError):
    """The ETL could not start on a target; the message carries the install or server log."""


class EtlTransformFailed(EtlError):
    """A transform failed for one object; `status` is the transform server's (500 if none)."""

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message)
        self.status = status if 400 <= status < 600 else 500


class EtlTransformTimeout(EtlError):
    """The transform server did not answer within the ETL's per-object timeout."""
