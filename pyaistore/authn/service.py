"""The AuthN service's operations, HTTP-free (AIS's cmd/authn/mgr.go): users, roles, clusters,
login and revocation. Handlers (authn/handlers.py) parse, call one of these, render.

Blocking: password hashing is slow on purpose, so handlers run those calls in a thread; the
state's lock makes each change atomic.
"""

import logging
import re
import secrets
import time
from typing import Any, Final

from pyaistore.auth import tokens
from pyaistore.auth.claims import BucketGrant, Claims, ClusterGrant
from pyaistore.auth.errors import InvalidToken
from pyaistore.auth.revoked_tokens import RevokedTokens
from pyaistore.auth.tokens import TokenVerifier
from pyaistore.authn.errors import AlreadyExists, Forbidden, InvalidRequest, NotAuthorized, NotFound
from pyaistore.authn.passwords import PasswordHashes
from pyaistore.authn.state import Cluster, Role, State, User
from pyaistore.wire import access, authn

__all__ = ["DEFAULT_TTL", "MAX_TOKEN_AGE", "Service"]

log = logging.getLogger(__name__)

DEFAULT_TTL: Final = 24 * 3600.0
MAX_TOKEN_AGE: Final = 90 * 24 * 3600.0
SELF_TOKEN_TTL: Final = 300.0
SERVICE_NAME: Final = "AuthN"
_NICE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_NICE_RULE: Final = "may only contain letters, numbers, dashes (-), underscores (_), and dots (.)"
# Roles every registered cluster gets, as AIS makes them: (prefix, description, permissions).
_CLUSTER_ROLES: Final = (
    ("ClusterOwner", "Admin access to %s", access.ACCESS_SU),
    ("BucketOwner", "Full access to buckets in %s", access.ACCESS_RW),
    ("Guest", "Read-only access to buckets in %s", access.ACCESS_RO),
)


def _check_name(kind: str, name: str) -> None:
    if not _NICE.match(name):
        raise InvalidRequest(f"{kind} {name[:64]!r} is invalid: {_NICE_RULE}")


def _merge(old: list[Any], new: list[Any], key: Any) -> list[Any]:
    """AIS's merge of ACL lists on a role update: an entry for the same thing replaces, others add."""
    merged = {key(item): item for item in old}
    merged.update({key(item): item for item in new})
    return list(merged.values())


def _cluster_union(roles: list[Role], registered: dict[str, Cluster]) -> list[ClusterGrant]:
    """The roles' cluster grants, ORed per cluster; an alias in a grant becomes the cluster's UUID."""
    by_alias = {cluster.alias: cluster_id for cluster_id, cluster in registered.items() if cluster.alias}
    perms: dict[str, int] = {}
    for grant in (g for role in roles for g in role.clusters):
        cluster_id = (
            grant.cluster_id
            if grant.cluster_id in registered
            else by_alias.get(grant.cluster_id, grant.cluster_id)
        )
        perms[cluster_id] = perms.get(cluster_id, 0) | grant.perm
    return [ClusterGrant(cluster_id, perm) for cluster_id, perm in perms.items()]


def _bucket_union(roles: list[Role]) -> list[BucketGrant]:
    """The roles' bucket grants, ORed per bucket."""
    perms: dict[tuple[str, str, str], int] = {}
    for grant in (g for role in roles for g in role.buckets):
        key = (grant.cluster_id, grant.provider, grant.name)
        perms[key] = perms.get(key, 0) | grant.perm
    return [
        BucketGrant(name, provider, cluster_id, perm) for (cluster_id, provider, name), perm in perms.items()
    ]


class Service:
    """Users, roles, clusters and tokens of one AuthN service.

    Args:
        state: the persisted state.
        secret: the HMAC key tokens are signed with.
        issuer: this service's URL (the `iss` claim).
    """

    def __init__(self, state: State, secret: str, issuer: str = "") -> None:
        self.state = state
        self._secret = secret
        self._issuer = issuer
        self._passwords = PasswordHashes()
        self._verifier = TokenVerifier(secret, RevokedTokens())
        self._verifier.revoked.add(state.revoked)

    # ---- tokens ----

    def self_token(self, cluster_id: str) -> str:
        """A short-lived admin token for calls into one cluster."""
        now = time.time()
        claims = Claims(SERVICE_NAME, now + SELF_TOKEN_TTL, now, admin=True, audience=(cluster_id,))
        return tokens.sign(claims, self._secret)

    def claims_of(self, token: str) -> Claims:
        """The verified claims of a token given to this service; NotAuthorized otherwise."""
        if not token:
            raise NotAuthorized("not authorized: token required")
        try:
            return self._verifier.verify(token)
        except InvalidToken as exc:
            raise NotAuthorized(f"not authorized ({exc})") from exc

    def require_admin(self, token: str) -> Claims:
        """The claims of an administrator's token; NotAuthorized otherwise."""
        claims = self.claims_of(token)
        if not claims.admin:
            raise NotAuthorized(f"not authorized: requires admin (user {claims.subject})")
        return claims

    def login(self, user_id: str, password: str, expires_in_ns: int | None) -> str:
        """A signed token for the user, its claims the union of its roles'; NotAuthorized when the
        credentials are wrong."""
        if not password:
            raise NotAuthorized("empty password")
        with self.state.lock:
            user = self.state.users.get(user_id)
            roles = (
                [self.state.roles[name] for name in user.roles if name in self.state.roles] if user else []
            )
            cluster_ids = tuple(sorted(self.state.clusters))
        if user is None or not self._passwords.verify(user.password_hash, password):
            raise NotAuthorized("invalid credentials")
        now = time.time()
        ttl = DEFAULT_TTL
        if expires_in_ns is not None:
            ttl = expires_in_ns / 1e9 or MAX_TOKEN_AGE
            if ttl < 0 or ttl > MAX_TOKEN_AGE:
                limit = f"must be 0 or within the max token age ({MAX_TOKEN_AGE:.0f}s)"
                raise InvalidRequest(f"invalid requested expiry date: {limit}")
        token_id = secrets.token_hex(8)
        if any(role.admin for role in roles):
            claims = Claims(
                user_id,
                now + ttl,
                now,
                admin=True,
                audience=cluster_ids,
                issuer=self._issuer,
                token_id=token_id,
            )
        else:
            clusters = _cluster_union(roles, self.state.clusters)
            buckets = _bucket_union(roles)
            audience = sorted(
                {g.cluster_id for g in clusters if g.cluster_id} | {b.cluster_id for b in buckets}
            )
            grants = (tuple(clusters), tuple(buckets))
            claims = Claims(user_id, now + ttl, now, False, *grants, tuple(audience), self._issuer, token_id)
        return tokens.sign(claims, self._secret)

    async def revoke(self, token: str, calls: Any) -> None:
        """Revoke a token signed here, and tell every registered cluster (before returning)."""
        if not token:
            raise InvalidRequest("empty token")
        try:
            claims = self._verifier.verify_signature(token)
        except InvalidToken as exc:
            raise NotAuthorized(str(exc)) from exc
        with self.state.lock:
            self.state.revoked[token] = claims.expires_at
            self.state.revoked = {t: e for t, e in self.state.revoked.items() if e > time.time()}
            self._verifier.revoked.add({token: claims.expires_at})
            self.state.save()
            clusters = list(self.state.clusters.values())
        for cluster in clusters:
            try:
                await calls.revoke(cluster, [token])
            except InvalidRequest as exc:
                log.warning("%s", exc)

    # ---- users ----

    def ensure_admin(self, name: str, password: str) -> None:
        """On a new state: the built-in Admin role and the administrator with this password."""
        with self.state.lock:
            self.state.roles.setdefault(
                authn.ADMIN_ROLE, Role(authn.ADMIN_ROLE, "AuthN administrator", admin=True)
            )
            if not self.state.users:
                self.state.users[name] = User(name, self._passwords.hash(password), [authn.ADMIN_ROLE])
            self.state.save()

    def _role_names(self, raw: object) -> list[str]:
        """Role names from a user's `roles` (role objects or names); NotFound for an unknown one."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise InvalidRequest("roles must be a list")
        found = []
        for item in raw:
            name = item.get("name") if isinstance(item, dict) else item
            if not isinstance(name, str) or name not in self.state.roles:
                raise NotFound(f"role {str(name)[:64]} does not exist")
            found.append(name)
        return found

    def add_user(self, user_id: str, password: str, roles: object) -> None:
        """Create a user (AlreadyExists when the ID is taken)."""
        if not user_id or not password:
            raise InvalidRequest("invalid credentials: user ID and password are required")
        _check_name("user ID", user_id)
        hashed = self._passwords.hash(password)
        with self.state.lock:
            if user_id in self.state.users:
                raise AlreadyExists(f"user {user_id} already exists")
            self.state.users[user_id] = User(user_id, hashed, self._role_names(roles))
            self.state.save()

    def update_user(self, user_id: str, password: str, roles: object, claims: Claims) -> None:
        """Change a user's password and/or roles (an administrator, or the user its own password)."""
        role_list = roles if isinstance(roles, list) else []
        if not claims.admin and (claims.subject != user_id or role_list):
            raise NotAuthorized(f"not authorized: user {claims.subject} may change only its own password")
        hashed = self._passwords.hash(password) if password else ""
        with self.state.lock:
            user = self._user(user_id)
            if role_list and authn.ADMIN_ROLE in user.roles:
                raise Forbidden("cannot change administrator's role")
            if role_list:
                user.roles = self._role_names(role_list)
            if hashed:
                user.password_hash = hashed
            self.state.save()

    def _user(self, user_id: str) -> User:
        user = self.state.users.get(user_id)
        if user is None:
            raise NotFound(f"user {user_id[:64]} does not exist")
        return user

    def delete_user(self, user_id: str) -> None:
        """Remove a user (never the administrator)."""
        with self.state.lock:
            user = self._user(user_id)
            if (
                authn.ADMIN_ROLE in user.roles
                and sum(authn.ADMIN_ROLE in u.roles for u in self.state.users.values()) < 2
            ):
                raise Forbidden(f"cannot remove built-in {user_id!r} account")
            del self.state.users[user_id]
            self.state.save()

    def user_json(self, user_id: str) -> dict[str, Any]:
        """A user as the SDK reads it: ID and full roles, never the password."""
        with self.state.lock:
            user = self._user(user_id)
            roles = [self.state.roles[name].to_json() for name in user.roles if name in self.state.roles]
        return {"id": user.user_id, "roles": roles}

    def users_json(self) -> dict[str, Any]:
        """Every user, by ID."""
        with self.state.lock:
            return {user_id: self.user_json(user_id) for user_id in self.state.users}

    # ---- roles ----

    def _role(self, name: str) -> Role:
        role = self.state.roles.get(name)
        if role is None:
            raise NotFound(f"role {name[:64]} does not exist")
        return role

    def role_json(self, name: str) -> dict[str, Any]:
        """One role."""
        with self.state.lock:
            return self._role(name).to_json()

    def roles_json(self) -> list[dict[str, Any]]:
        """Every role."""
        with self.state.lock:
            return [role.to_json() for role in self.state.roles.values()]

    def add_role(self, role: Role) -> None:
        """Create a role (never an admin one: only the built-in Admin role has that)."""
        if not role.name:
            raise InvalidRequest("role name is undefined")
        _check_name("role name", role.name)
        if role.admin:
            raise Forbidden(f"only built-in roles can have {authn.ADMIN_USER!r} permissions")
        with self.state.lock:
            if role.name in self.state.roles:
                raise AlreadyExists(f"role {role.name} already exists")
            self.state.roles[role.name] = role
            self.state.save()

    def update_role(self, name: str, update: Role) -> None:
        """Change a role's description and merge in its new cluster and bucket permissions."""
        if name == authn.ADMIN_ROLE:
            raise Forbidden(f"cannot modify built-in {authn.ADMIN_ROLE!r} role")
        with self.state.lock:
            role = self._role(name)
            if update.desc:
                role.desc = update.desc
            role.clusters = _merge(role.clusters, update.clusters, lambda g: g.cluster_id)
            role.buckets = _merge(role.buckets, update.buckets, lambda g: (g.cluster_id, g.provider, g.name))
            self.state.save()

    def delete_role(self, name: str) -> None:
        """Remove a role, and from every user holding it."""
        if name == authn.ADMIN_ROLE:
            raise Forbidden(f"cannot remove built-in {authn.ADMIN_ROLE!r} role")
        with self.state.lock:
            self._role(name)
            del self.state.roles[name]
            for user in self.state.users.values():
                user.roles = [r for r in user.roles if r != name]
            self.state.save()

    # ---- clusters ----

    def _lookup(self, id_or_alias: str) -> Cluster | None:
        found = self.state.clusters.get(id_or_alias)
        if found is None:
            found = next((c for c in self.state.clusters.values() if c.alias == id_or_alias), None)
        return found

    def cluster(self, id_or_alias: str) -> Cluster:
        """A registered cluster by UUID or alias; NotFound otherwise."""
        with self.state.lock:
            found = self._lookup(id_or_alias)
        if found is None:
            raise NotFound(f"cluster {id_or_alias[:64]} does not exist")
        return found

    def clusters_json(self, id_or_alias: str = "") -> dict[str, Any]:
        """`{"clusters": {uuid: cluster}}`: every registered cluster, or the one named."""
        if id_or_alias:
            found = self.cluster(id_or_alias)
            return {"clusters": {found.cluster_id: found.to_json()}}
        with self.state.lock:
            return {"clusters": {cid: c.to_json() for cid, c in self.state.clusters.items()}}

    async def register(self, cluster: Cluster, calls: Any) -> None:
        """Register a cluster: it must accept this service's tokens; it gets the revoked tokens and
        three roles of its own (ClusterOwner-, BucketOwner-, Guest-<alias>)."""
        if not cluster.cluster_id:
            raise InvalidRequest("cluster UUID is undefined")
        if cluster.alias:
            _check_name("cluster alias", cluster.alias)
        with self.state.lock:
            taken = self._lookup(cluster.cluster_id) or (
                self._lookup(cluster.alias) if cluster.alias else None
            )
        if taken is not None:
            raise AlreadyExists(f"cluster {cluster.cluster_id}[{taken.cluster_id}] already registered")
        await calls.validate(cluster)
        revoked = [t for t, e in self.state.revoked.items() if e > time.time()]
        if revoked:
            await calls.revoke(cluster, revoked)
        with self.state.lock:
            self.state.clusters[cluster.cluster_id] = cluster
            suffix = cluster.alias or cluster.cluster_id
            label = cluster.cluster_id + (f"[{cluster.alias}]" if cluster.alias else "")
            for prefix, desc, perm in _CLUSTER_ROLES:
                name = f"{prefix}-{suffix}"
                self.state.roles.setdefault(
                    name, Role(name, desc % label, [ClusterGrant(cluster.cluster_id, perm)])
                )
            self.state.save()

    async def update_cluster(self, cluster_id: str, alias: str, urls: list[str], calls: Any) -> None:
        """Change a cluster's alias and/or URLs (the new URLs must answer)."""
        with self.state.lock:
            current = self.state.clusters.get(cluster_id)
            if current is None:
                raise NotFound(f"cluster {cluster_id[:64]} does not exist")
            if alias:
                _check_name("cluster alias", alias)
                other = self._lookup(alias)
                if other is not None and other.cluster_id != cluster_id:
                    raise AlreadyExists(f"alias {alias!r} is used for cluster {other.cluster_id}")
            changed = Cluster(cluster_id, alias or current.alias, urls or current.urls)
        await calls.validate(changed)
        with self.state.lock:
            self.state.clusters[cluster_id] = changed
            self.state.save()

    def delete_cluster(self, id_or_alias: str) -> None:
        """Forget a registered cluster."""
        with self.state.lock:
            found = self.cluster(id_or_alias)
            del self.state.clusters[found.cluster_id]
            self.state.save()
