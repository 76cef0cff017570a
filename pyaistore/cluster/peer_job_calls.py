"""Jobs on targets: start a target's part of one, query and stop them; and what the ML jobs
exchange between targets (a get-batch's entries, dsort's control calls and records).
"""

import json
from typing import Any

from pyaistore.cluster.batch_frames import PartItem, encode_items
from pyaistore.cluster.errors import PeerFailed
from pyaistore.cluster.peer_caller import READ_STALL_TIMEOUT, PeerCaller
from pyaistore.cluster.peer_client import PeerStream, PeerUnreachable
from pyaistore.cluster.peer_replies import raise_for_reply
from pyaistore.wire import headers, paths
from pyaistore.wire.job_snapshot import JobSnapshot
from pyaistore.wire.jobs import JobQuery, JobStartMsg
from pyaistore.wire.messages import Snode

__all__ = ["JobCalls"]


class JobCalls(PeerCaller):
    """A job's parts on other targets, and the data its targets exchange."""

    def _jobs_url(self, node: Snode) -> str:
        return node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_JOBS)

    async def start_job(self, node: Snode, msg: JobStartMsg) -> None:
        """Start `node`'s part of a job (its 4xx refusal is relayed)."""
        try:
            reply = await self.client.call(
                "POST", self._jobs_url(node), json_body=msg.to_json(), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot start {msg.kind} on {node.display_name}: {exc}") from exc
        raise_for_reply(reply, node, f"start of {msg.kind}")

    async def query_jobs(self, node: Snode, job_query: JobQuery) -> list[JobSnapshot]:
        """`node`'s snapshots of matching jobs (PeerRejected when it refuses the query)."""
        try:
            reply = await self.client.call(
                "GET", self._jobs_url(node), json_body=job_query.to_json(), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"job query: {node.display_name} did not answer") from exc
        raise_for_reply(reply, node, "job query")
        return [JobSnapshot.from_json(item) for item in json.loads(reply.body or b"[]") or []]

    async def stop_jobs(self, node: Snode, job_query: JobQuery) -> None:
        """Abort `node`'s matching running jobs."""
        try:
            reply = await self.client.call(
                "PUT", self._jobs_url(node), json_body=job_query.to_json(), headers=self._caller()
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot stop jobs on {node.display_name}: {exc}") from exc
        raise_for_reply(reply, node, "job stop")

    # ---- what the ML jobs exchange, target to target ----

    async def open_batch_part(self, node: Snode, items: list[PartItem]) -> PeerStream:
        """Ask `node` for its entries of a get-batch; the reply streams one frame per item
        (cluster/batch_frames.py). PeerFailed when it does not answer or refuses."""
        url = node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_MOSS)
        return await self._post_for_stream(node, url, encode_items(items), "its get-batch entries")

    async def dsort_call(
        self, node: Snode, method: str, job_id: str, step: str, body: Any = None, timeout: float = 60.0
    ) -> Any:
        """One dsort control call on a target (`/v1/internal/dsort/<job>/<step>`): its JSON reply."""
        url = node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_DSORT, job_id, step)
        try:
            reply = await self.client.call(
                method, url, json_body=body, headers=self._caller(), timeout=timeout
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"dsort {step} on {node.display_name} failed: {exc}") from exc
        raise_for_reply(reply, node, f"dsort {step}")
        try:
            return json.loads(reply.body) if reply.body.strip() else None
        except ValueError as exc:
            raise PeerFailed(f"{node.display_name} answered dsort {step} with invalid JSON: {exc}") from exc

    async def open_dsort_records(self, node: Snode, job_id: str, record_ids: list[int]) -> PeerStream:
        """Stream the extracted records `record_ids` of dsort `job_id` from `node` (length-prefixed)."""
        url = node.control_url + paths.url_path(paths.INTERNAL, paths.INTERNAL_DSORT, job_id, "records")
        return await self._post_for_stream(node, url, {"ids": record_ids}, "dsort records")

    async def _post_for_stream(self, node: Snode, url: str, body: Any, what: str) -> PeerStream:
        """POST a JSON body to `node` and return the streamed 200 reply; PeerFailed otherwise."""
        hdrs = self._caller({headers.CONTENT_TYPE: headers.JSON_TYPE})
        try:
            stream = await self.client.open_stream(
                "POST", url, data=json.dumps(body).encode(), headers=hdrs, read_timeout=READ_STALL_TIMEOUT
            )
        except PeerUnreachable as exc:
            raise PeerFailed(f"cannot ask {node.display_name} for {what}: {exc}") from exc
        if stream.status != 200:
            detail = (await stream.read(300)).decode(errors="replace")
            stream.close()
            raise PeerFailed(f"{node.display_name} refused {what}: {detail}")
        return stream
