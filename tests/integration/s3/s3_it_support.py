"""Helpers for the S3 integration tests: boto3 clients for a cluster's /s3, unique bucket names."""

import secrets
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

# The key pair of the cluster that checks signatures (test_s3_auth.py); any pair works elsewhere.
ACCESS_KEY = "AKIDPYAISTORETEST"
SECRET_KEY = "pyaistore/secret+key/for/tests"


def unique_bucket(tag: str = "s3") -> str:
    """A bucket name no other test uses (S3 rules: lower case, digits, dashes)."""
    return f"{tag}-{secrets.token_hex(5)}"


def client(endpoint: str, access_key: str = "any", secret_key: str = "any", **config: Any) -> Any:
    """An unpatched boto3 S3 client for `endpoint` (e.g. http://127.0.0.1:PORT/s3)."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
    )


def error_code(exc: Any) -> str:
    """The S3 error code of a botocore ClientError."""
    return str(exc.response["Error"]["Code"])


def work_areas(cluster: Any, upload_id: str) -> list[Path]:
    """The work areas an upload has on the cluster's targets (its ID is "<target>.<token>")."""
    token = upload_id.rpartition(".")[2]
    return list(Path(cluster.data_dir).glob(f"target-*/mp*/.uploads/{token}"))
