"""Messages about buckets that are remote or missing: written as the user wrote them (s3://,
gs://, az://), and a hint only where it can help."""

from pathlib import Path

import pytest
from cli_it_support import CliRun, unique_name


@pytest.mark.parametrize(
    ("scheme", "provider", "why"),
    [
        ("s3", "aws", "no credentials configured"),
        ("gs", "gcp", "no credentials configured"),
        ("az", "azure", "no account configured"),
    ],
)
def test_a_cloud_bucket_without_credentials_says_so_and_suggests_no_create(
    run: CliRun, scheme: str, provider: str, why: str
) -> None:
    # The session cluster has no cloud credentials: the backend's refusal is shown as one line.
    name = unique_name("cloud")
    result = run("object", "ls", f"{scheme}://{name}")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith(f"Error: {provider}: ") and why in message and message.endswith("(HTTP 401)")
    assert "\n" not in message and "bucket create" not in message


def test_creating_a_remote_bucket_says_why_not(run: CliRun) -> None:
    result = run("bucket", "create", "s3://somewhere")
    assert result.exit_code == 2  # a usage error: the command takes ais:// buckets
    message = result.stderr.strip()
    assert "Error: s3://somewhere is a remote bucket: it exists at its provider" in message
    assert "Invalid bucket provider" not in message


def test_removing_a_missing_bucket_does_not_suggest_creating_it(run: CliRun) -> None:
    name = unique_name("nosuch")
    result = run("bucket", "rm", "-y", name)
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"Error: bucket ais://{name} does not exist (`pyaistore bucket ls` lists the buckets)"
    )


def test_uploading_into_a_missing_bucket_says_how_to_create_it(run: CliRun, tmp_path: Path) -> None:
    name = unique_name("nosuch")
    (tmp_path / "f").write_bytes(b"f")
    result = run("object", "put", str(tmp_path / "f"), f"{name}/f")
    assert result.exit_code == 1
    assert f"(create it with `pyaistore bucket create ais://{name}`)" in result.stderr
