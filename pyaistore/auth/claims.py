"""A token's claims and the permission check every proxy runs (AIS's `AISClaims.CheckPermissions`).

Claims on the wire (JWT payload): `sub`, `exp`, `iat`, `iss`, `aud`, `admin` (bool), `clusters`
(`[{"id": <cluster uuid or "">, "perm": "<decimal>"}]`) and `buckets` (`[{"bck": {"name",
"provider", "namespace": {"uuid", "name"}}, "perm": "<decimal>"}]`). Order of the check:

1. `admin` grants everything;
2. cluster bits (LIST-BUCKETS ... ADMIN) need the entry for this cluster's UUID, else the one
   with an empty ID;
3. bucket bits need the bucket's own entry (name, provider, namespace UUID = this cluster),
   which wins; else the cluster entry (as in 2) must hold them.
"""

from dataclasses import dataclass, field
from typing import Any

from pyaistore.auth.errors import InsufficientPermissions, InvalidToken
from pyaistore.wire import access

__all__ = ["BucketGrant", "Claims", "ClusterGrant"]


@dataclass(frozen=True, slots=True)
class ClusterGrant:
    """Permissions on a whole cluster ("" = every cluster without an entry of its own)."""

    cluster_id: str
    perm: int

    def to_json(self) -> dict[str, str]:
        """Wire shape: perm as a decimal string."""
        return {"id": self.cluster_id, "perm": str(self.perm)}


@dataclass(frozen=True, slots=True)
class BucketGrant:
    """Permissions on one bucket of one cluster."""

    name: str
    provider: str
    cluster_id: str
    perm: int

    def to_json(self) -> dict[str, Any]:
        """Wire shape, the bucket as AIS's cmn.Bck."""
        bck = {
            "name": self.name,
            "provider": self.provider,
            "namespace": {"uuid": self.cluster_id, "name": ""},
        }
        return {"bck": bck, "perm": str(self.perm)}


def _perm(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 20:
        return int(value)
    if value is None or value == "":
        return 0
    raise ValueError(f"perm must be a decimal string, not {str(value)[:32]!r}")


def cluster_grants(raw: object) -> tuple[ClusterGrant, ...]:
    """Parse a `clusters` list (null is empty); ValueError on a wrong shape."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError("clusters must be a list")
    found = []
    for item in raw:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise ValueError("a cluster entry must be an object")
        found.append(ClusterGrant(str(item.get("id") or ""), _perm(item.get("perm"))))
    return tuple(found)


def bucket_grants(raw: object) -> tuple[BucketGrant, ...]:
    """Parse a `buckets` list (null is empty); ValueError on a wrong shape."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError("buckets must be a list")
    found = []
    for item in raw:
        if item is None:
            continue
        bck = item.get("bck") if isinstance(item, dict) else None
        if not isinstance(bck, dict):
            raise ValueError("a bucket entry must be an object with 'bck'")
        namespace = bck.get("namespace") or {}
        uuid = namespace.get("uuid", "") if isinstance(namespace, dict) else ""
        found.append(
            BucketGrant(
                str(bck.get("name", "")),
                str(bck.get("provider") or "ais"),
                str(uuid),
                _perm(item.get("perm")),
            )
        )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Claims:
    """What a verified token says about its holder."""

    subject: str
    expires_at: float
    issued_at: float = 0.0
    admin: bool = False
    clusters: tuple[ClusterGrant, ...] = ()
    buckets: tuple[BucketGrant, ...] = ()
    audience: tuple[str, ...] = ()
    issuer: str = ""
    # A random ID (`jti`): two logins in one second get different tokens, revoked one by one.
    token_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The JWT payload (AIS's field names)."""
        body: dict[str, Any] = {"sub": self.subject, "exp": int(self.expires_at), "iat": int(self.issued_at)}
        if self.issuer:
            body["iss"] = self.issuer
        if self.token_id:
            body["jti"] = self.token_id
        if self.audience:
            body["aud"] = list(self.audience)
        body["admin"] = self.admin
        body["clusters"] = [grant.to_json() for grant in self.clusters] or None
        if self.buckets:
            body["buckets"] = [grant.to_json() for grant in self.buckets]
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Claims":
        """Parse a verified payload; InvalidToken when a claim has the wrong shape."""
        subject = body.get("sub")
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("invalid token: missing 'sub' claim")
        audience = body.get("aud") or ()
        try:
            return cls(
                subject=subject,
                expires_at=float(body["exp"]),
                issued_at=float(body.get("iat") or 0),
                admin=body.get("admin") is True,
                clusters=cluster_grants(body.get("clusters")),
                buckets=bucket_grants(body.get("buckets")),
                audience=(audience,) if isinstance(audience, str) else tuple(str(a) for a in audience),
                issuer=str(body.get("iss") or ""),
                token_id=str(body.get("jti") or ""),
            )
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise InvalidToken(f"invalid token: {exc}") from exc

    def _cluster_perm(self, cluster_id: str) -> int | None:
        default = None
        for grant in self.clusters:
            if grant.cluster_id == cluster_id:
                return grant.perm
            if not grant.cluster_id:
                default = grant.perm
        return default

    def _bucket_perm(self, cluster_id: str, provider: str, name: str) -> int | None:
        for grant in self.buckets:
            if grant.cluster_id == cluster_id and grant.name == name and grant.provider == provider:
                return grant.perm
        return None

    def check(self, cluster_id: str, bucket: tuple[str, str] | None, bits: int) -> None:
        """InsufficientPermissions unless these claims grant `bits` here (`bucket` = (provider, name))."""
        if self.admin or bits == 0:
            return
        cluster_bits = bits & access.CLUSTER_BITS
        bucket_bits = bits & access.BUCKET_BITS
        cluster_perm = self._cluster_perm(cluster_id)
        granted = cluster_perm or 0
        if cluster_bits and (cluster_perm is None or cluster_bits & ~cluster_perm):
            self._deny(cluster_bits, f"cluster {cluster_id}", granted)
        extra = bits & ~(access.CLUSTER_BITS | access.BUCKET_BITS)
        if extra:
            self._deny(extra, "invalid permissions", 0)
        if not bucket_bits:
            return
        if bucket is not None:
            bucket_perm = self._bucket_perm(cluster_id, *bucket)
            if bucket_perm is not None:
                if bucket_bits & ~bucket_perm:
                    self._deny(bucket_bits, f"bucket {bucket[0]}://{bucket[1]}", bucket_perm)
                return
        if cluster_perm is None or bucket_bits & ~cluster_perm:
            where = f"bucket {bucket[0]}://{bucket[1]}" if bucket else f"cluster {cluster_id}"
            self._deny(bucket_bits, where, granted)

    def _deny(self, wanted: int, where: str, granted: int) -> None:
        requested, given = access.describe(wanted), access.describe(granted)
        raise InsufficientPermissions(
            f"user `{self.subject}` has insufficient permissions: [{where}, requested({requested}), "
            f"granted({given})]"
        )
