"""Helpers for the security tests: tokens made with the cluster's own signing secret, raw requests."""

import secrets
import time
from typing import Any

import requests

from pyaistore.auth import tokens
from pyaistore.auth.claims import BucketGrant, Claims, ClusterGrant
from pyaistore.server.local_cluster import LocalCluster
from pyaistore.wire import access

BUCKET = "secured"


def token(
    cluster: LocalCluster,
    subject: str = "tester",
    ttl: float = 600.0,
    admin: bool = False,
    clusters: tuple[ClusterGrant, ...] = (),
    buckets: tuple[BucketGrant, ...] = (),
    secret: str = "",
) -> str:
    """A token signed as the AuthN service signs them (or with another `secret`: a forgery)."""
    now = time.time()
    claims = Claims(subject, now + ttl, now, admin, clusters, buckets)
    return tokens.sign(claims, secret or cluster.security.secret)


def admin_token(cluster: LocalCluster) -> str:
    """An administrator's token."""
    return token(cluster, "admin", admin=True)


def bucket_token(cluster: LocalCluster, uuid: str, bits: int, bucket: str = BUCKET) -> str:
    """A token granting `bits` on one bucket only."""
    return token(cluster, f"user-{secrets.token_hex(3)}", buckets=(BucketGrant(bucket, "ais", uuid, bits),))


def cluster_token(cluster: LocalCluster, uuid: str, bits: int) -> str:
    """A token granting `bits` cluster-wide."""
    return token(cluster, f"user-{secrets.token_hex(3)}", clusters=(ClusterGrant(uuid, bits),))


def no_permission_token(cluster: LocalCluster, uuid: str) -> str:
    """A valid token that grants nothing here (only GET on another bucket)."""
    return bucket_token(cluster, uuid, access.GET, bucket="someone-elses")


def send(cluster: LocalCluster, method: str, url: str, bearer: str = "", **kwargs: Any) -> requests.Response:
    """One request without redirects, verifying the cluster's certificate when it has one."""
    hdrs = dict(kwargs.pop("headers", {}) or {})
    if bearer:
        hdrs["Authorization"] = f"Bearer {bearer}"
    return requests.request(
        method,
        url,
        headers=hdrs,
        allow_redirects=False,
        timeout=10,
        verify=cluster.security.ca or True,
        **kwargs,
    )
