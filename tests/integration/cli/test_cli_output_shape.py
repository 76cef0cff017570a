"""Output a person reads: listing footers on a line of their own, upload progress while a file
goes out (not only once it is stored)."""

from pathlib import Path

from cli_it_support import CliRun

from pyaistore.cli.transfer import upload_file
from pyaistore.sdk import Bucket


def test_the_limit_footer_is_one_line_under_the_table(run: CliRun, bucket: Bucket) -> None:
    for name in ("a", "b", "c"):
        bucket.object(name).get_writer().put_content(b"xyz")
    result = run("object", "ls", bucket.name, "--limit", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().splitlines()[-1] == "2 objects, 6 B (the first 2: --limit)"


def test_an_upload_reports_progress_while_the_file_goes_out(bucket: Bucket, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\x5a" * (3 * 1024 * 1024 + 17))
    reported: list[int] = []
    upload_file(bucket.object("big.bin"), big, reported.append)
    assert sum(reported) == big.stat().st_size
    assert len(reported) > 10, "progress moved only once"
    assert bucket.object("big.bin").get_reader().read_all() == big.read_bytes()
