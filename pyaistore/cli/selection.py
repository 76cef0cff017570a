"""Multi-object transfers named by a template (`shard-{000..099}.tar`) or a list (`a.txt,b.txt`), as
`ais get|put --template|--list` name them: object names for GET, file names under a directory for PUT."""

from collections.abc import Callable
from pathlib import Path
from typing import Final

import click

from pyaistore.cli.context import CliContext
from pyaistore.cli.refs import ObjectRef
from pyaistore.cli.render import TransferProgress, human_size
from pyaistore.cli.transfer import Upload, download_to_file, run_all, upload_file
from pyaistore.sdk.multiobj.brace_expansion import expand_braces

__all__ = ["MAX_NAMES", "download_selected", "selected_names", "upload_selected"]

# A command line's selection is transferred file by file: beyond this, use a job (`bucket cp`, `archive`).
MAX_NAMES: Final = 100_000


def selected_names(template: str | None, listed: str | None) -> list[str] | None:
    """The names a --template or --list selects (None: neither given); a usage error for both or bad ones."""
    if template is not None and listed is not None:
        raise click.UsageError("give --template or --list, not both")
    if listed is not None:
        names = [name.strip() for name in listed.split(",") if name.strip()]
    elif template is not None:
        names = []
        try:
            for name in expand_braces(template):
                names.append(name)
                if len(names) > MAX_NAMES:
                    raise click.UsageError(f"--template names more than {MAX_NAMES:,} objects")
        except ValueError as exc:
            raise click.UsageError(f"invalid --template: {exc}") from exc
    else:
        return None
    if not names:
        raise click.UsageError("the selection names nothing")
    return names


def _relative(name: str) -> Path:
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        raise click.UsageError(f"{name!r} would be written outside the destination directory")
    return path


def download_selected(
    app: CliContext, source: ObjectRef, names: list[str], directory: Path, jobs: int
) -> None:
    """GET each selected object (under the source's prefix) into `directory`, keeping its relative path."""
    bucket = app.get_bucket(source.bucket)
    planned = [(source.name + name, directory / _relative(name)) for name in names]
    written: list[int] = []
    with TransferProgress(app.err, "downloading", len(planned), 0) as progress:

        def work(item: tuple[str, Path]) -> None:
            written.append(download_to_file(bucket.object(item[0]), item[1], progress.advance))
            progress.advance(files=1)

        run_all(planned, work, jobs)
    app.out.print(f"downloaded {len(planned)} object(s) ({human_size(sum(written))}) to {directory}")


def upload_selected(
    app: CliContext,
    source: Path,
    destination: ObjectRef,
    names: list[str],
    jobs: int,
    on_missing: Callable[[str], None],
) -> None:
    """PUT each selected file of directory `source` as <destination prefix><name>."""
    if not source.is_dir():
        raise click.UsageError(f"{source} is not a directory: --template and --list name files in one")
    prefix = destination.name if destination.is_prefix else destination.name + "/"
    uploads = []
    for name in names:
        path = source / _relative(name)
        if not path.is_file():
            on_missing(name)
            continue
        uploads.append(Upload(path, prefix + name, path.stat().st_size))
    bucket = app.get_bucket(destination.bucket)
    total = sum(upload.size for upload in uploads)
    with TransferProgress(app.err, "uploading", len(uploads), total) as progress:

        def work(upload: Upload) -> None:
            upload_file(bucket.object(upload.name), upload.path)
            progress.advance(upload.size, files=1)

        run_all(uploads, work, jobs)
    where = ObjectRef(destination.bucket, prefix)
    app.out.print(f"uploaded {len(uploads)} file(s) ({human_size(total)}) to {where}")
