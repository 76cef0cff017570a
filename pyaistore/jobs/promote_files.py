"""promote-files: files of a node's file system become objects (one target's part of a promote job).

The source is a file, or a directory whose regular files are taken (those of its subdirectories
too when recursive); symbolic links are neither followed nor promoted. A file's object name is
the destination name (a single file: the name given, else the file's own), or the destination
prefix plus the file's path relative to the directory. On a source every target sees (a share,
or the one host of a local cluster) each target takes the files whose objects it owns; on a
source of each target's own, or when one target is named, that target takes every file and sends
the objects it does not own to their owners (on a share, a file another target promoted and
deleted while this one walked the tree is passed over). An existing object stays unless overwriting is
asked; a promoted file is deleted when asked, once its object is stored.
"""

import asyncio
import os
import stat

from pyaistore.jobs.errors import InvalidJobRequest
from pyaistore.jobs.job import Job
from pyaistore.jobs.node_ops import NodeObjects
from pyaistore.wire.bucket_id import BucketId
from pyaistore.wire.promote import PromoteMsg

__all__ = ["check_source", "run", "sources"]


def check_source(msg: PromoteMsg) -> None:
    """InvalidJobRequest unless the source is a directory or a regular file here (no symbolic link)."""
    try:
        mode = os.lstat(msg.source).st_mode
    except OSError as exc:
        raise InvalidJobRequest(f"promote: cannot read the source {msg.source!r}: {exc.strerror}") from exc
    if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        raise InvalidJobRequest(
            f"promote: the source {msg.source!r} is neither a directory nor a regular file"
        )


def sources(msg: PromoteMsg) -> list[tuple[str, str]]:
    """Blocking: (file path, object name) of every file the source holds, in name order."""
    mode = os.lstat(msg.source).st_mode
    if stat.S_ISREG(mode):
        return [(msg.source, msg.object_name or os.path.basename(msg.source))]
    found: list[tuple[str, str]] = []
    top = msg.source.rstrip("/")
    for directory, subdirectories, files in os.walk(top, followlinks=False):
        if not msg.recursive:
            subdirectories.clear()
        subdirectories.sort()
        for file_name in sorted(files):
            path = os.path.join(directory, file_name)
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:  # listed, then promoted and deleted by the target that owns it
                continue
            if stat.S_ISREG(mode):  # no symbolic links, sockets, devices
                found.append((path, msg.object_name + os.path.relpath(path, top)))
    return found


async def run(job: Job, ops: NodeObjects, bucket: BucketId, msg: PromoteMsg, every_file: bool) -> None:
    """Promote the files this target takes: every one when `every_file`, else those whose objects it owns."""
    for path, name in await asyncio.to_thread(sources, msg):
        job.check()
        if not every_file and not ops.owns(bucket, name):
            continue
        if not msg.overwrite and await ops.exists(bucket, name):
            continue
        result = await ops.put_file(path, bucket, name)
        if result.sent:
            job.counters.add_sent(result.size)
        else:
            job.counters.add_local(result.size)
        if msg.delete_source:
            try:
                await asyncio.to_thread(os.unlink, path)
            except FileNotFoundError:
                pass
