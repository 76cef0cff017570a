"""What the AuthN service keeps: users, roles, registered clusters, revoked tokens, the secret.

One JSON document, `<dir>/authn.json` (mode 0600), rewritten atomically (work file, fsync,
rename) after every change, so a crash leaves the old state or the new one. Passwords are there
only as Argon2id hashes; the signing secret is there unless the operator gives it from outside.
"""

import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pyaistore.auth.claims import BucketGrant, ClusterGrant, bucket_grants, cluster_grants

__all__ = ["STATE_FILE", "Cluster", "Role", "State", "User"]

STATE_FILE: Final = "authn.json"


@dataclass
class Role:
    """A named set of permissions (AIS's authn.Role)."""

    name: str
    desc: str = ""
    clusters: list[ClusterGrant] = field(default_factory=list)
    buckets: list[BucketGrant] = field(default_factory=list)
    admin: bool = False

    def to_json(self) -> dict[str, Any]:
        """Wire shape."""
        return {
            "name": self.name,
            "desc": self.desc,
            "clusters": [grant.to_json() for grant in self.clusters] or None,
            "buckets": [grant.to_json() for grant in self.buckets] or None,
            "admin": self.admin,
        }

    @classmethod
    def from_json(cls, data: Any) -> "Role":
        """Parse the wire shape; ValueError when it is wrong."""
        if not isinstance(data, dict):
            raise ValueError("a role must be a JSON object")
        return cls(
            name=str(data.get("name") or ""),
            desc=str(data.get("desc") or ""),
            clusters=list(cluster_grants(data.get("clusters"))),
            buckets=list(bucket_grants(data.get("buckets"))),
            admin=data.get("admin") is True,
        )


@dataclass
class User:
    """A user: its password hash and the names of its roles."""

    user_id: str
    password_hash: str
    roles: list[str] = field(default_factory=list)


@dataclass
class Cluster:
    """A registered cluster: its UUID, alias and proxy URLs."""

    cluster_id: str
    alias: str = ""
    urls: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Wire shape (AIS's authn.CluACL without permissions)."""
        return {"id": self.cluster_id, "alias": self.alias, "urls": self.urls}


class State:
    """The service's state, loaded from and saved to `directory`; `lock` guards every change."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / STATE_FILE
        self.lock = threading.RLock()
        self.secret = ""
        self.users: dict[str, User] = {}
        self.roles: dict[str, Role] = {}
        self.clusters: dict[str, Cluster] = {}
        self.revoked: dict[str, float] = {}
        if self.path.exists():
            self._load(json.loads(self.path.read_text()))

    @property
    def is_new(self) -> bool:
        """True before the first user exists (the administrator is made then)."""
        return not self.users

    def ensure_secret(self, given: str = "") -> str:
        """The signing secret: `given` when set (kept out of the file), else the stored one, made once."""
        if given:
            return given
        if not self.secret:
            self.secret = secrets.token_urlsafe(32)
            self.save()
        return self.secret

    def _load(self, data: dict[str, Any]) -> None:
        self.secret = str(data.get("secret", ""))
        for item in data.get("users", []):
            self.users[item["id"]] = User(item["id"], item["hash"], list(item.get("roles", [])))
        for item in data.get("roles", []):
            role = Role.from_json(item)
            self.roles[role.name] = role
        for item in data.get("clusters", []):
            self.clusters[item["id"]] = Cluster(item["id"], item.get("alias", ""), list(item.get("urls", [])))
        self.revoked = {str(k): float(v) for k, v in data.get("revoked", {}).items()}

    def save(self) -> None:
        """Write the whole state atomically."""
        with self.lock:
            data = {
                "secret": self.secret,
                "users": [
                    {"id": u.user_id, "hash": u.password_hash, "roles": u.roles} for u in self.users.values()
                ],
                "roles": [role.to_json() for role in self.roles.values()],
                "clusters": [cluster.to_json() for cluster in self.clusters.values()],
                "revoked": self.revoked,
            }
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.replace(self.path)
