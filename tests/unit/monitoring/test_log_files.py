"""Node log files: severities as AIS maps them, offsets, the archive of every file of a severity."""

import io
import logging
import tarfile
from pathlib import Path

import pytest

from pyaistore.monitoring import log_files


def test_severity_by_first_letter(tmp_path: Path) -> None:
    assert log_files.log_path(tmp_path, "target").name == "target.INFO"
    assert log_files.log_path(tmp_path, "target", "I").name == "target.INFO"
    assert log_files.log_path(tmp_path, "target", "warning").name == "target.ERROR"
    assert log_files.log_path(tmp_path, "target", "err").name == "target.ERROR"
    with pytest.raises(log_files.UnknownSeverity, match="unknown log severity"):
        log_files.log_path(tmp_path, "target", "debug")


def test_records_by_level_offsets_and_archive(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        log_files.install(tmp_path, "proxy", rotate=True)
        logging.getLogger("t").info("an info line")
        logging.getLogger("t").warning("a warning line")
    finally:
        for handler in root.handlers[len(before) :]:
            handler.close()
            root.removeHandler(handler)
        root.setLevel(level)
    stream, size = log_files.open_log(tmp_path, "proxy", "info")
    with stream:
        text = stream.read(size).decode()
    assert "an info line" in text and "a warning line" in text
    stream, size = log_files.open_log(tmp_path, "proxy", "error", offset=2)
    with stream:
        errors = stream.read(size).decode()
    assert "a warning line" in errors and "an info line" not in errors
    with pytest.raises(log_files.LogRotated, match="log likely rotated"):
        log_files.open_log(tmp_path, "proxy", "info", offset=10**9)
    with pytest.raises(log_files.LogNotFound):
        log_files.open_log(tmp_path, "target", "info")
    archive = log_files.archive(tmp_path, "proxy", "warning")
    with tarfile.open(fileobj=io.BytesIO(archive.read_bytes()), mode="r:gz") as tar:
        assert tar.getnames() == ["proxy.ERROR"]
