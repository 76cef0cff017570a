"""The AuthN service's rules: logins, roles merged into claims, built-ins protected, state persisted."""

import asyncio
import time
from pathlib import Path

import pytest

from pyaistore.auth.claims import BucketGrant, ClusterGrant
from pyaistore.auth.revoked_tokens import RevokedTokens
from pyaistore.auth.tokens import TokenVerifier
from pyaistore.authn.errors import AlreadyExists, Forbidden, InvalidRequest, NotAuthorized, NotFound
from pyaistore.authn.service import Service
from pyaistore.authn.state import Cluster, Role, State
from pyaistore.wire import access

SECRET = "a-signing-secret-of-thirty-two-bytes-or-more"


class FakeClusters:
    """The registered clusters, faked at the service's seam (they are external systems here)."""

    def __init__(self, accepts: bool = True) -> None:
        self.accepts = accepts
        self.revoked: list[str] = []

    async def validate(self, cluster: Cluster) -> None:
        if not self.accepts:
            raise InvalidRequest(f"failed to validate the token signer with cluster {cluster.cluster_id}")

    async def revoke(self, cluster: Cluster, tokens: list[str]) -> None:
        self.revoked += tokens


def _service(path: Path) -> Service:
    service = Service(State(path), SECRET)
    service.ensure_admin("admin", "admin-password")
    return service


def test_login_checks_the_password_and_unites_the_roles(tmp_path: Path) -> None:
    service = _service(tmp_path)
    service.add_role(Role("r1", clusters=[ClusterGrant("c1", access.LIST_BUCKETS)]))
    service.add_role(
        Role(
            "r2",
            clusters=[ClusterGrant("c1", access.CREATE_BUCKET)],
            buckets=[BucketGrant("b", "ais", "c1", 1)],
        )
    )
    service.add_user("u", "pw", ["r1", "r2"])
    with pytest.raises(NotAuthorized, match="invalid credentials"):
        service.login("u", "wrong", None)
    with pytest.raises(NotAuthorized, match="invalid credentials"):
        service.login("nobody", "pw", None)
    claims = TokenVerifier(SECRET, RevokedTokens()).verify(service.login("u", "pw", None))
    assert claims.clusters == (ClusterGrant("c1", access.LIST_BUCKETS | access.CREATE_BUCKET),)
    assert claims.buckets == (BucketGrant("b", "ais", "c1", 1),) and not claims.admin
    admin = TokenVerifier(SECRET, RevokedTokens()).verify(
        service.login("admin", "admin-password", 3_600 * 10**9)
    )
    assert admin.admin and admin.expires_at <= time.time() + 3_601
    with pytest.raises(InvalidRequest, match="expiry"):
        service.login("admin", "admin-password", 10**18)


def test_built_ins_are_protected_and_names_unique(tmp_path: Path) -> None:
    service = _service(tmp_path)
    with pytest.raises(Forbidden):
        service.delete_user("admin")
    with pytest.raises(Forbidden):
        service.delete_role("Admin")
    with pytest.raises(Forbidden):
        service.add_role(Role("sneaky", admin=True))
    with pytest.raises(AlreadyExists, match="user admin"):
        service.add_user("admin", "x", [])
    with pytest.raises(NotFound, match="role nope"):
        service.add_user("v", "x", ["nope"])
    with pytest.raises(InvalidRequest):
        service.add_user("bad/name", "x", [])


def test_a_user_may_change_only_its_own_password(tmp_path: Path) -> None:
    service = _service(tmp_path)
    service.add_role(Role("r"))
    service.add_user("u", "pw", [])
    claims = TokenVerifier(SECRET, RevokedTokens()).verify(service.login("u", "pw", None))
    service.update_user("u", "new", None, claims)
    service.login("u", "new", None)
    with pytest.raises(NotAuthorized):
        service.update_user("u", "", [{"name": "r"}], claims)
    with pytest.raises(NotAuthorized):
        service.update_user("admin", "hijack", None, claims)


def test_registration_needs_a_cluster_that_accepts_the_tokens(tmp_path: Path) -> None:
    service = _service(tmp_path)
    with pytest.raises(InvalidRequest):
        asyncio.run(service.register(Cluster("c1", "one", ["http://h:1"]), FakeClusters(accepts=False)))
    clusters = FakeClusters()
    token = service.login("admin", "admin-password", None)
    asyncio.run(service.revoke(token, clusters))
    asyncio.run(service.register(Cluster("c1", "one", ["http://h:1"]), clusters))
    assert clusters.revoked == [token]  # none was registered at the revoke: told at its registration
    assert {"ClusterOwner-one", "BucketOwner-one", "Guest-one"} <= set(service.state.roles)
    with pytest.raises(AlreadyExists, match="cluster c1"):
        asyncio.run(service.register(Cluster("c1", "two", ["http://h:1"]), clusters))
    assert service.cluster("one").cluster_id == "c1"


def test_the_state_survives_a_restart(tmp_path: Path) -> None:
    service = _service(tmp_path)
    service.add_user("u", "pw", [])
    token = service.login("u", "pw", None)
    asyncio.run(service.revoke(token, FakeClusters()))
    again = Service(State(tmp_path), SECRET)
    again.login("u", "pw", None)
    with pytest.raises(NotAuthorized, match="revoked"):
        again.claims_of(token)
    assert (tmp_path / "authn.json").stat().st_mode & 0o777 == 0o600
