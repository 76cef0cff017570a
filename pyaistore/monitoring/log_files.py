"""A node's log files, as AIS keeps and serves them (`GET /v1/daemon?what=log`).

Each node writes two files in `<data dir>/log/`: `<role>.INFO` (every record at the node's log
level) and `<role>.ERROR` (warnings and errors), both made at start so each can be read at once.
The main process rotates them at 16 MiB, keeping 4 older files each (`<role>.INFO.1`, ...); a
target's HTTP workers append to the same files and reopen them after a rotation, so one node has
one log whatever its processes.

Errors (mapped to HTTP in web/error_mapping.py):

    LogError
    ├── UnknownSeverity    400: not i(nfo), w(arning) or e(rror)
    ├── LogRotated         400: an offset past the end of the current file
    └── LogNotFound        404: the file does not exist
"""

import logging
import logging.handlers
import os
import tarfile
import tempfile
from pathlib import Path
from typing import BinaryIO, Final

from pyaistore.wire import monitoring

__all__ = [
    "LOG_DIR",
    "LogError",
    "LogNotFound",
    "LogRotated",
    "UnknownSeverity",
    "archive",
    "install",
    "log_path",
    "open_log",
]

LOG_DIR: Final = "log"
MAX_BYTES: Final = 16 << 20
BACKUPS: Final = 4
FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_INFO: Final = "INFO"
_ERROR: Final = "ERROR"


class LogError(Exception):
    """A log request that cannot be served."""


class UnknownSeverity(LogError):
    """The severity is not one AIS knows."""


class LogRotated(LogError):
    """The offset lies past the end of the current file (it was rotated since it was read)."""


class LogNotFound(LogError):
    """The log file does not exist."""


def _suffix(severity: str) -> str:
    """INFO or ERROR for a severity (only its first letter counts; empty means info)."""
    letter = severity[:1].lower() or monitoring.SEVERITY_INFO[0]
    if letter == monitoring.SEVERITY_INFO[0]:
        return _INFO
    if letter in (monitoring.SEVERITY_WARNING[0], monitoring.SEVERITY_ERROR[0]):
        return _ERROR
    raise UnknownSeverity(f'unknown log severity "{severity[:32]}"')


def log_path(data_dir: Path, role: str, severity: str = "") -> Path:
    """The current log file of that severity."""
    return data_dir / LOG_DIR / f"{role}.{_suffix(severity)}"


def install(data_dir: Path, role: str, rotate: bool, level: str = "INFO") -> None:
    """Send this process's log records to the node's files too (the main process rotates them)."""
    directory = data_dir / LOG_DIR
    directory.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    formatter = logging.Formatter(FORMAT)
    for suffix, threshold in ((_INFO, level), (_ERROR, "WARNING")):
        path = directory / f"{role}.{suffix}"
        handler: logging.Handler
        if rotate:
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS)
        else:
            handler = logging.handlers.WatchedFileHandler(path)
        handler.setLevel(threshold)
        handler.setFormatter(formatter)
        root.addHandler(handler)


def set_level(level: str) -> None:
    """Change this process's level at run time: the root logger and the INFO file (set-config log.level)."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler) and handler.baseFilename.endswith("." + _INFO):
            handler.setLevel(level)


def open_log(data_dir: Path, role: str, severity: str, offset: int = 0) -> tuple[BinaryIO, int]:
    """The current file of that severity, positioned at `offset`, and how many bytes to send from there."""
    path = log_path(data_dir, role, severity)
    try:
        stream = open(path, "rb")
    except FileNotFoundError as exc:
        raise LogNotFound(f"{path.name}: no such log file") from exc
    size = os.fstat(stream.fileno()).st_size
    if offset > size:
        stream.close()
        raise LogRotated(f"log likely rotated (offset {offset}, size {size})")
    stream.seek(offset)
    return stream, size - offset


def archive(data_dir: Path, role: str, severity: str) -> Path:
    """A .tar.gz of every file of that severity (current and rotated), in a temp dir the caller removes."""
    suffix = "." + _suffix(severity)
    directory = data_dir / LOG_DIR
    work = Path(tempfile.mkdtemp(prefix="pyaistore-logs-"))
    target = work / f"{role}{suffix}.tar.gz"
    with tarfile.open(target, "w:gz") as tar:
        for entry in sorted(directory.iterdir()) if directory.is_dir() else []:
            if suffix in entry.name and entry.is_file():
                tar.add(entry, arcname=entry.name)
    return target
