"""One job kind as one registered entry: how a start is requested, checked and prepared on the
gateway, and what each target runs (the shape of AIStore's xreg factories).

A gateway `start` receives the client's request (a bucket action, or `PUT /v1/cluster` start),
checks it as AIS does, prepares cluster metadata if the kind needs it and starts the job through
proxy/cluster_jobs.py, returning the job ID. A target `plan` turns the gateway's start message
into this target's job record and the body that runs it. A gateway `recover` decides, when the
primary restarts, what becomes of a job of the kind that its persisted record says was running
(proxy/job_recovery.py has the steps); without one, the job is ended as aborted.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy.job_records import JobRecord
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["GatewayRecover", "GatewayStart", "JobKind", "JobRequest", "TargetPlan"]


@dataclass(frozen=True, slots=True)
class JobRequest:
    """A client's request to start a job: action (or kind), bucket(s), the action value, options."""

    action: str
    bucket: BucketId | None = None
    value: Any = None
    # The `bck_to` query of bucket-to-bucket actions.
    dst_bucket: BucketId | None = None
    force: bool = False
    # The target named by a start that runs on one node (`DaemonID`).
    node: str = ""
    # The action message's name (promote: its source again).
    name: str = ""


GatewayStart = Callable[[NodeContext, JobRequest], Awaitable[str]]
TargetPlan = Callable[[NodeContext, JobStartMsg], tuple[Job, JobBody]]
GatewayRecover = Callable[[NodeContext, JobRecord], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobKind:
    """A kind this cluster runs: its gateway start and its target plan.

    `bucket_actions` lists the (HTTP method, action) pairs on /v1/buckets/<b> that start it, and
    `object_actions` the actions of `POST /v1/objects/<b>` that do; kinds that are `startable` in
    jobs/kinds.py start from `PUT /v1/cluster` too. `recover` handles a job found running after a
    primary restart (None: it is ended as aborted).
    """

    kind: str
    start: GatewayStart
    plan: TargetPlan
    bucket_actions: tuple[tuple[str, str], ...] = ()
    recover: GatewayRecover | None = None
    object_actions: tuple[str, ...] = ()
