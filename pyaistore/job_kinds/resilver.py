"""resilver: put every object of one target back on its HRW mountpaths with its copies (reference §3.2).

Targets start one by themselves after every mountpath change and after FSHC disabled a disk
(target/mountpath_ops.py). By hand, `PUT /v1/cluster` start `{"Kind":"resilver","DaemonID":"<tid>"}`
runs it on that one target: `DaemonID` is required (AIS does not resilver all targets at once:
501) and must name a target of the map (404). Either way a new resilver preempts a running one.
"""

from pyaistore.cluster.errors import NodeNotFound
from pyaistore.job_kinds.kind import JobKind, JobRequest
from pyaistore.jobs.errors import NotStartable
from pyaistore.jobs.job import Job
from pyaistore.jobs.registry import JobBody
from pyaistore.node_context import NodeContext
from pyaistore.proxy import cluster_jobs
from pyaistore.proxy.cluster_jobs import ClusterJob
from pyaistore.target import resilvers
from pyaistore.wire import jobs as kinds
from pyaistore.wire.jobs import JobStartMsg

__all__ = ["RESILVER"]


async def start(ctx: NodeContext, request: JobRequest) -> str:
    """A resilver of the target named by DaemonID."""
    if not request.node:
        raise NotStartable("cannot run resilver on all targets in the cluster - operation not supported")
    if request.node not in ctx.smap.targets:
        raise NodeNotFound(
            f"{ctx.node.display_name}: cannot resilver: node {request.node} "
            f"not present in smap v{ctx.smap.version}"
        )
    return await cluster_jobs.start(ctx, ClusterJob(kinds.RESILVER, node=request.node))


def plan(ctx: NodeContext, msg: JobStartMsg) -> tuple[Job, JobBody]:
    """This target's resilver, preempting the one running."""
    return resilvers.plan_resilver(ctx, msg.job_id, "started by hand")


RESILVER = JobKind(kinds.RESILVER, start, plan)
